/*
 * Unit tests of src/engine/diff.c: the line diff of the desk's
 * revisions.  Every diff is checked to give back both texts (the kept
 * and removed lines are a, the kept and added ones b) and, against a
 * plain LCS table on small random texts, to be a shortest one; then its
 * bounds.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "diff.h"


#define L(lit)  (lit), (sizeof(lit) - 1)


/* the lines of d of ops `keep` and NEWS_DIFF_SAME, each with "\n" */
static char *
side(const news_diff_t *d, int keep)
{
    char    *s, *p;
    size_t   i, n;

    for (i = 0, n = 0; i < d->n; i++) {
        n += d->lines[i].len + 1;
    }

    s = p = malloc(n + 1);
    if (s == NULL) {
        abort();
    }

    for (i = 0; i < d->n; i++) {
        if (d->lines[i].op == NEWS_DIFF_SAME || d->lines[i].op == keep) {
            memcpy(p, d->lines[i].s, d->lines[i].len);
            p += d->lines[i].len;
            *p++ = '\n';
        }
    }

    *p = '\0';

    return s;
}


/* a text ending in "\n" and what the diff gives back are the same */
static int
gives_back(const news_diff_t *d, const char *a, const char *b)
{
    int    ok;
    char  *sa, *sb;

    sa = side(d, NEWS_DIFF_DEL);
    sb = side(d, NEWS_DIFF_ADD);
    ok = strcmp(sa, a) == 0 && strcmp(sb, b) == 0;
    free(sa);
    free(sb);

    return ok;
}


/* a copy of exactly n bytes, so that a read past the end is seen */
static char *
exact(const char *s, size_t n)
{
    char  *p = malloc(n ? n : 1);

    if (p == NULL) {
        abort();
    }

    memcpy(p, s, n);

    return p;
}


/* the ops as a string: '=' kept, '-' removed, '+' added */
static void
ops(const news_diff_t *d, char *out)
{
    size_t  i;

    for (i = 0; i < d->n; i++) {
        out[i] = "=-+"[d->lines[i].op];
    }

    out[d->n] = '\0';
}


/* the length of the longest common subsequence of lines, by a table */
static size_t
lcs(char **a, size_t na, char **b, size_t nb)
{
    size_t   i, j, r, *t;

    t = calloc((na + 1) * (nb + 1), sizeof(size_t));
    if (t == NULL) {
        abort();
    }

    for (i = 1; i <= na; i++) {
        for (j = 1; j <= nb; j++) {
            t[i * (nb + 1) + j] = strcmp(a[i - 1], b[j - 1]) == 0
                ? t[(i - 1) * (nb + 1) + j - 1] + 1
                : t[(i - 1) * (nb + 1) + j] > t[i * (nb + 1) + j - 1]
                  ? t[(i - 1) * (nb + 1) + j] : t[i * (nb + 1) + j - 1];
        }
    }

    r = t[na * (nb + 1) + nb];
    free(t);

    return r;
}


static void
random_lines(char **l, size_t n, char *text, unsigned alphabet)
{
    size_t  i;

    text[0] = '\0';

    for (i = 0; i < n; i++) {
        l[i] = malloc(4);
        if (l[i] == NULL) {
            abort();
        }

        l[i][0] = 'a' + rand() % alphabet;
        l[i][1] = '\0';
        strcat(text, l[i]);
        strcat(text, "\n");
    }
}


static void
test_small(void)
{
    char         o[64];
    news_diff_t  d;

    ok(news_diff_lines(L("a\nb\nc\n"), L("a\nb\nc\n"), &d) == NEWS_DIFF_OK,
       "the same text");
    ops(&d, o);
    is_str(o, "===", "every line kept");
    ok(d.added == 0 && d.removed == 0, "nothing added or removed");
    news_diff_free(&d);

    ok(news_diff_lines("", 0, L("x\ny\n"), &d) == NEWS_DIFF_OK, "from empty");
    ops(&d, o);
    is_str(o, "++", "every line added");
    is_int(d.added, 2, "two added");
    news_diff_free(&d);

    ok(news_diff_lines(L("x\ny\n"), "", 0, &d) == NEWS_DIFF_OK, "to empty");
    ops(&d, o);
    is_str(o, "--", "every line removed");
    news_diff_free(&d);

    ok(news_diff_lines("", 0, "", 0, &d) == NEWS_DIFF_OK && d.n == 0,
       "two empty texts: no lines");
    news_diff_free(&d);

    /* Myers' paper's example: ABCABBA to CBABAC, 5 edits */
    ok(news_diff_lines(L("A\nB\nC\nA\nB\nB\nA\n"), L("C\nB\nA\nB\nA\nC\n"), &d)
       == NEWS_DIFF_OK, "the paper's example");
    is_int(d.added + d.removed, 5, "five edits, the least");
    ok(gives_back(&d, "A\nB\nC\nA\nB\nB\nA\n", "C\nB\nA\nB\nA\nC\n"),
       "gives both texts back");
    news_diff_free(&d);

    /* a changed line in the middle */
    ok(news_diff_lines(L("one\ntwo\nthree\n"), L("one\n2\nthree\n"), &d)
       == NEWS_DIFF_OK, "a changed line");
    ops(&d, o);
    is_str(o, "=-+=", "removed then added, between kept lines");
    ok(d.lines[1].len == 3 && memcmp(d.lines[1].s, "two", 3) == 0
       && d.lines[2].len == 1 && d.lines[2].s[0] == '2',
       "the lines' text, without their newline");
    news_diff_free(&d);

    /* a last line without a newline is a line; "x" and "x\n" are alike */
    ok(news_diff_lines(L("a\nb"), L("a\nb\nc"), &d) == NEWS_DIFF_OK,
       "no final newline");
    ops(&d, o);
    is_str(o, "==+", "the last line counts");
    news_diff_free(&d);

    /* empty lines are lines */
    ok(news_diff_lines(L("\n\n"), L("\n"), &d) == NEWS_DIFF_OK,
       "empty lines");
    ops(&d, o);
    ok(strcmp(o, "=-") == 0 || strcmp(o, "-=") == 0, "one empty line removed");
    news_diff_free(&d);
}


/* random texts of few letters (many equal lines): shortest, and whole */
static void
test_random(void)
{
    int          round, bad_back, bad_len;
    char        *la[40], *lb[40], ta[200], tb[200], *ea, *eb;
    size_t       na, nb, i, best;
    news_diff_t  d;

    srand(20261203);
    bad_back = bad_len = 0;

    for (round = 0; round < 500; round++) {
        na = rand() % 40;
        nb = rand() % 40;
        random_lines(la, na, ta, 2 + round % 5);
        random_lines(lb, nb, tb, 2 + round % 5);

        ea = exact(ta, strlen(ta));
        eb = exact(tb, strlen(tb));

        if (news_diff_lines(ea, strlen(ta), eb, strlen(tb), &d)
            != NEWS_DIFF_OK)
        {
            bad_back++;
            continue;
        }

        best = na + nb - 2 * lcs(la, na, lb, nb);
        bad_len += d.added + d.removed != best;
        bad_back += !gives_back(&d, ta, tb);

        news_diff_free(&d);
        free(ea);
        free(eb);

        for (i = 0; i < na; i++) {
            free(la[i]);
        }

        for (i = 0; i < nb; i++) {
            free(lb[i]);
        }
    }

    is_int(bad_back, 0, "500 random pairs: each diff gives both texts back");
    is_int(bad_len, 0, "and is a shortest one (an LCS table agrees)");
}


static void
test_bounds(void)
{
    int          rc;
    char        *a, *b;
    size_t       i;
    news_diff_t  d;

    /* NEWS_DIFF_LINES_MAX lines a side, no more */
    a = malloc(2 * (NEWS_DIFF_LINES_MAX + 1));
    if (a == NULL) {
        abort();
    }

    for (i = 0; i < NEWS_DIFF_LINES_MAX + 1; i++) {
        a[2 * i] = 'x';
        a[2 * i + 1] = '\n';
    }

    ok(news_diff_lines(a, 2 * NEWS_DIFF_LINES_MAX, a,
                       2 * NEWS_DIFF_LINES_MAX, &d) == NEWS_DIFF_OK
       && d.n == NEWS_DIFF_LINES_MAX, "5,000 lines a side: diffed");
    news_diff_free(&d);

    rc = news_diff_lines(a, 2 * (NEWS_DIFF_LINES_MAX + 1), a, 2, &d);
    is_int(rc, NEWS_DIFF_TOO_BIG, "5,001 lines: too big");
    ok(d.lines == NULL && d.n == 0, "and no diff");

    /* NEWS_DIFF_EDITS_MAX lines added and removed, no more */
    b = malloc(2 * (NEWS_DIFF_LINES_MAX + 1));
    if (b == NULL) {
        abort();
    }

    memcpy(b, a, 2 * (NEWS_DIFF_LINES_MAX + 1));

    for (i = 0; i < NEWS_DIFF_EDITS_MAX / 2; i++) {
        b[2 * i * 7] = 'y';
    }

    ok(news_diff_lines(a, 2 * NEWS_DIFF_LINES_MAX, b,
                       2 * NEWS_DIFF_LINES_MAX, &d) == NEWS_DIFF_OK
       && d.added + d.removed == NEWS_DIFF_EDITS_MAX,
       "250 lines changed (500 edits): diffed");
    news_diff_free(&d);

    b[2 * (NEWS_DIFF_EDITS_MAX / 2) * 7] = 'y';
    rc = news_diff_lines(a, 2 * NEWS_DIFF_LINES_MAX, b,
                         2 * NEWS_DIFF_LINES_MAX, &d);
    is_int(rc, NEWS_DIFF_TOO_BIG, "251 lines changed (502 edits): too big");

    free(a);
    free(b);
}


int
main(void)
{
    test_small();
    test_random();
    test_bounds();

    return done_testing();
}
