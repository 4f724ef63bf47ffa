/*
 * news_time_parse(): RFC 3339 date-times from article JSON (and, later,
 * query strings).  A parsed time lies in 1970..9999 give or take the
 * largest offset (23:59); inside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z
 * (the range article.c accepts) it must print back, with
 * news_time_rfc3339(), as a date-time that parses to the same instant:
 * otherwise an export could not be imported again.  The other printers
 * must not fail on any parsed time.
 */

#define TIME_MAX  253402300799LL
#define OFF_MAX   (23 * 3600 + 59 * 60)

#include "fuzz.h"
#include "text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char        *s;
    int64_t      t, t2;
    news_buf_t   b;

    s = fuzz_exact(data, size);
    t = INT64_MIN;

    if (news_time_parse(s, size, &t) == 0) {
        FUZZ_CHECK(t >= -OFF_MAX && t <= TIME_MAX + OFF_MAX);

        news_buf_init(&b);

        news_time_rfc3339(&b, t);
        FUZZ_CHECK(!b.failed && b.len >= 20);

        if (t >= 0 && t <= TIME_MAX) {
            FUZZ_CHECK(b.len == 20);
            t2 = INT64_MIN;
            FUZZ_CHECK(news_time_parse(b.data, b.len, &t2) == 0);
            FUZZ_CHECK(t2 == t);
        }

        news_buf_reset(&b);
        news_time_human(&b, t);
        FUZZ_CHECK(!b.failed && b.len > 0);

        news_buf_reset(&b);
        news_time_http(&b, t);
        FUZZ_CHECK(!b.failed && b.len == (t <= TIME_MAX ? 29 : 30));

        news_buf_free(&b);

    } else {
        FUZZ_CHECK(t == INT64_MIN);
    }

    free(s);

    return 0;
}
