/*
 * The line diff (diff.h): E. Myers, "An O(ND) Difference Algorithm and
 * Its Variations" (1986), the greedy forward search with the furthest
 * point of each diagonal kept for every number of edits, then walked
 * back from the end.  Lines are compared by a hash and their length
 * first, their bytes only when those agree.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"


typedef struct {
    const char  *s;
    size_t       len;
    uint32_t     hash;
} news_diff_text_line_t;

typedef struct {
    news_diff_text_line_t  *line;
    size_t                  n;
} news_diff_text_t;


static int news_diff_split(const char *s, size_t n, news_diff_text_t *t);
static int news_diff_same(const news_diff_text_t *a, size_t x,
    const news_diff_text_t *b, size_t y);
static int news_diff_search(const news_diff_text_t *a,
    const news_diff_text_t *b, long **trace, long *edits);
static int news_diff_walk_back(const news_diff_text_t *a,
    const news_diff_text_t *b, const long *trace, long edits,
    news_diff_t *d);
static void news_diff_put(news_diff_t *d, int op,
    const news_diff_text_line_t *l);


int
news_diff_lines(const char *a, size_t an, const char *b, size_t bn,
    news_diff_t *d)
{
    int               rc;
    long             *trace, edits;
    news_diff_text_t  ta, tb;

    memset(d, 0, sizeof(*d));
    memset(&ta, 0, sizeof(ta));
    memset(&tb, 0, sizeof(tb));

    rc = news_diff_split(a, an, &ta);
    if (rc == NEWS_DIFF_OK) {
        rc = news_diff_split(b, bn, &tb);
    }

    trace = NULL;

    if (rc == NEWS_DIFF_OK) {
        rc = news_diff_search(&ta, &tb, &trace, &edits);
    }

    if (rc == NEWS_DIFF_OK) {
        rc = news_diff_walk_back(&ta, &tb, trace, edits, d);
    }

    free(trace);
    free(ta.line);
    free(tb.line);

    if (rc != NEWS_DIFF_OK) {
        news_diff_free(d);
    }

    return rc;
}


void
news_diff_free(news_diff_t *d)
{
    free(d->lines);
    memset(d, 0, sizeof(*d));
}


/* the lines of s, each with its FNV-1a hash; too many is TOO_BIG */
static int
news_diff_split(const char *s, size_t n, news_diff_text_t *t)
{
    size_t        i, start, count;
    uint32_t      h;

    for (i = 0, count = 0; i < n; i++) {
        count += s[i] == '\n';
    }

    count += n && s[n - 1] != '\n';

    if (count > NEWS_DIFF_LINES_MAX) {
        return NEWS_DIFF_TOO_BIG;
    }

    t->line = malloc((count ? count : 1) * sizeof(news_diff_text_line_t));
    if (t->line == NULL) {
        return NEWS_DIFF_NOMEM;
    }

    t->n = 0;
    start = 0;
    h = 2166136261u;

    for (i = 0; i < n; i++) {
        if (s[i] != '\n') {
            h = (h ^ (unsigned char) s[i]) * 16777619u;
            continue;
        }

        t->line[t->n].s = s + start;
        t->line[t->n].len = i - start;
        t->line[t->n].hash = h;
        t->n++;
        start = i + 1;
        h = 2166136261u;
    }

    if (start < n) {
        t->line[t->n].s = s + start;
        t->line[t->n].len = n - start;
        t->line[t->n].hash = h;
        t->n++;
    }

    return NEWS_DIFF_OK;
}


static int
news_diff_same(const news_diff_text_t *a, size_t x, const news_diff_text_t *b,
    size_t y)
{
    const news_diff_text_line_t  *l = &a->line[x], *m = &b->line[y];

    return l->hash == m->hash && l->len == m->len
           && memcmp(l->s, m->s, l->len) == 0;
}


/*
 * The forward search.  After d edits, the furthest x reached on each
 * diagonal k = x - y (k from -d to d by 2) is kept in trace, d's row
 * starting at d * d: the rows are 1, 3, 5 ... long.  *edits is the
 * least number of lines removed and added.
 */
static int
news_diff_search(const news_diff_text_t *a, const news_diff_text_t *b,
    long **trace, long *edits)
{
    long   d, k, x, y, max, *v, *row;

    max = (long) (a->n + b->n);

    if (max > NEWS_DIFF_EDITS_MAX) {
        max = NEWS_DIFF_EDITS_MAX;
    }

    /* v[k + max + 1]: k from -max - 1 to max + 1 */
    v = calloc(2 * max + 3, sizeof(long));
    *trace = malloc((max + 1) * (max + 1) * sizeof(long));

    if (v == NULL || *trace == NULL) {
        free(v);
        return NEWS_DIFF_NOMEM;
    }

    for (d = 0; d <= max; d++) {
        row = *trace + d * d;

        for (k = -d; k <= d; k += 2) {
            /* down (a line of b added) or right (a line of a removed) */
            if (k == -d || (k != d && v[k - 1 + max + 1] < v[k + 1 + max + 1]))
            {
                x = v[k + 1 + max + 1];

            } else {
                x = v[k - 1 + max + 1] + 1;
            }

            y = x - k;

            while ((size_t) x < a->n && (size_t) y < b->n
                   && news_diff_same(a, x, b, y))
            {
                x++;
                y++;
            }

            v[k + max + 1] = x;
            row[k + d] = x;

            if ((size_t) x >= a->n && (size_t) y >= b->n) {
                *edits = d;
                free(v);
                return NEWS_DIFF_OK;
            }
        }
    }

    free(v);

    return NEWS_DIFF_TOO_BIG;
}


/*
 * From the end back to the start: each edit, and the lines in both
 * between them, put in d backwards, then turned round
 */
static int
news_diff_walk_back(const news_diff_text_t *a, const news_diff_text_t *b,
    const long *trace, long edits, news_diff_t *d)
{
    long               e, k, x, y, px, py, pk, mx, my;
    size_t             i;
    const long        *prev;
    news_diff_line_t   t;

    d->lines = malloc((a->n + b->n ? a->n + b->n : 1)
                      * sizeof(news_diff_line_t));
    if (d->lines == NULL) {
        return NEWS_DIFF_NOMEM;
    }

    x = (long) a->n;
    y = (long) b->n;

    for (e = edits; e > 0; e--) {
        prev = trace + (e - 1) * (e - 1);
        k = x - y;

        /* prev holds diagonals -(e - 1) .. e - 1 at prev[k + e - 1] */
        if (k == -e || (k != e && prev[k - 1 + e - 1] < prev[k + 1 + e - 1]))
        {
            pk = k + 1;

        } else {
            pk = k - 1;
        }

        px = prev[pk + e - 1];
        py = px - pk;

        /* where the edit led: a line of b added, or one of a removed */
        mx = pk == k + 1 ? px : px + 1;
        my = pk == k + 1 ? py + 1 : py;

        /* the lines in both after the edit */
        while (x > mx && y > my) {
            x--;
            y--;
            news_diff_put(d, NEWS_DIFF_SAME, &a->line[x]);
        }

        if (pk == k + 1) {
            news_diff_put(d, NEWS_DIFF_ADD, &b->line[py]);

        } else {
            news_diff_put(d, NEWS_DIFF_DEL, &a->line[px]);
        }

        x = px;
        y = py;
    }

    while (x > 0 && y > 0) {
        x--;
        y--;
        news_diff_put(d, NEWS_DIFF_SAME, &a->line[x]);
    }

    for (i = 0; i < d->n / 2; i++) {
        t = d->lines[i];
        d->lines[i] = d->lines[d->n - 1 - i];
        d->lines[d->n - 1 - i] = t;
    }

    return NEWS_DIFF_OK;
}


static void
news_diff_put(news_diff_t *d, int op, const news_diff_text_line_t *l)
{
    d->lines[d->n].op = op;
    d->lines[d->n].s = l->s;
    d->lines[d->n].len = l->len;
    d->n++;

    d->added += op == NEWS_DIFF_ADD;
    d->removed += op == NEWS_DIFF_DEL;
}
