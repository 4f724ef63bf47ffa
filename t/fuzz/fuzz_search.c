/*
 * Search queries and snippets, which come from anyone: news_search_parse()
 * on the input, the tokenizer over it, and news_search_snippet() of the
 * input as an article's text for a query made of its first 64 bytes.
 * Invariants:
 * - a query parses (NEWS_OK), is empty (NEWS_NOTFOUND) or is refused
 *   (NEWS_INVALID) with a message; past 256 bytes it is refused; a parsed
 *   one has at most 16 terms, each clause inside them, and a clause that
 *   must match;
 * - every word lies inside the text, after the one before, with a term of
 *   1 to NEWS_TERM_MAX bytes;
 * - a snippet holds no markup but <mark> and </mark>, and is UTF-8 when
 *   the text is.
 */

#include "fuzz.h"
#include "search.h"
#include "text.h"


static void
check_query(const char *s, size_t n)
{
    int           rc, positive;
    unsigned      c;
    news_err_t    err;
    news_query_t  q;

    rc = news_search_parse(&q, s, n, &err);
    FUZZ_CHECK(rc == NEWS_OK || rc == NEWS_NOTFOUND || rc == NEWS_INVALID);

    if (n > NEWS_SEARCH_QUERY_MAX) {
        FUZZ_CHECK(rc == NEWS_INVALID);
    }

    if (rc != NEWS_OK) {
        FUZZ_CHECK(err.msg[0] != '\0');
        return;
    }

    FUZZ_CHECK(q.nterms >= 1 && q.nterms <= NEWS_SEARCH_TERMS_MAX);
    positive = 0;

    for (c = 0; c < q.nclauses; c++) {
        FUZZ_CHECK(q.clauses[c].n >= 1);
        FUZZ_CHECK(q.clauses[c].first + q.clauses[c].n <= q.nterms);
        positive |= !q.clauses[c].negate;
    }

    FUZZ_CHECK(positive);
}


static void
check_tokens(const char *s, size_t n)
{
    size_t         last;
    news_tokens_t  tk;

    news_tokens_init(&tk, s, n);
    last = 0;

    while (news_tokens_next(&tk)) {
        FUZZ_CHECK(tk.start >= last && tk.start < tk.end && tk.end <= n);
        FUZZ_CHECK(tk.term_len >= 1 && tk.term_len <= NEWS_TERM_MAX);
        FUZZ_CHECK(strlen(tk.term) == tk.term_len);
        last = tk.end;
    }

    FUZZ_CHECK(!tk.failed);
}


static void
check_snippet(const char *s, size_t n)
{
    size_t        i;
    news_buf_t    b;
    news_err_t    err;
    news_query_t  q;

    if (news_search_parse(&q, s, n < 64 ? n : 64, &err) != NEWS_OK) {
        return;
    }

    news_buf_init(&b);
    news_search_snippet(&b, &q, s, n);
    FUZZ_CHECK(!b.failed);

    for (i = 0; i < b.len; i++) {
        if (b.data[i] == '<') {
            FUZZ_CHECK((b.len - i >= 6 && memcmp(b.data + i, "<mark>", 6) == 0)
                       || (b.len - i >= 7
                           && memcmp(b.data + i, "</mark>", 7) == 0));
        }

        FUZZ_CHECK(b.data[i] != '>' || (i > 0 && b.data[i - 1] == 'k'));
        FUZZ_CHECK(b.data[i] != '"' && b.data[i] != '\'');
    }

    if (news_utf8_valid(s, n)) {
        FUZZ_CHECK(news_utf8_valid(b.data ? b.data : "", b.len));
    }

    news_buf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char  *s;

    s = fuzz_exact(data, size);

    check_query(s, size);
    check_tokens(s, size);
    check_snippet(s, size);

    free(s);

    return 0;
}
