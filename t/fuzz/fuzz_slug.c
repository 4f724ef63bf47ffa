/*
 * news_slugify() and news_slug_valid(): slugs come from titles and from
 * request paths.  A slugify result is a valid slug, or nothing at all;
 * slugify is idempotent; a valid slug is its own slugify.
 */

#include "fuzz.h"
#include "text.h"


static int
ref_slug_valid(const char *s, size_t n)
{
    size_t  i;

    if (n == 0 || n > NEWS_SLUG_MAX || s[0] == '-' || s[n - 1] == '-') {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')
              || s[i] == '-'))
        {
            return 0;
        }

        if (i > 0 && s[i] == '-' && s[i - 1] == '-') {
            return 0;
        }
    }

    return 1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          rc, valid;
    char        *s;
    news_buf_t   b, b2;

    s = fuzz_exact(data, size);

    valid = news_slug_valid(s, size);
    FUZZ_CHECK(valid == ref_slug_valid(s, size));

    news_buf_init(&b);
    news_buf_addl(&b, "x");

    rc = news_slugify(&b, s, size);
    FUZZ_CHECK(!b.failed);

    if (rc == 0) {
        FUZZ_CHECK(b.len == 1);

    } else {
        FUZZ_CHECK(rc == 1);
        FUZZ_CHECK(news_slug_valid(b.data + 1, b.len - 1));

        news_buf_init(&b2);
        FUZZ_CHECK(news_slugify(&b2, b.data + 1, b.len - 1) == 1);
        FUZZ_CHECK(b2.len == b.len - 1
                   && memcmp(b2.data, b.data + 1, b2.len) == 0);
        news_buf_free(&b2);
    }

    if (valid) {
        FUZZ_CHECK(rc == 1 && b.len - 1 == size
                   && memcmp(b.data + 1, s, size) == 0);
    }

    news_buf_free(&b);
    free(s);

    return 0;
}
