/*
 * news_hex_decode() (session tokens, CSRF values): the first byte is the
 * capacity of the output; the rest the hex.  What decodes encodes back to
 * the input, lower-cased; nothing is written past the capacity.
 */

#include "fuzz.h"
#include "text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             bad;
    char           *s;
    size_t          cap, n, i;
    ssize_t         rc;
    news_buf_t      b;
    unsigned char  *out;

    if (size < 1) {
        return 0;
    }

    cap = data[0];
    n = size - 1;
    s = fuzz_exact(data + 1, n);
    out = malloc(cap ? cap : 1);

    rc = news_hex_decode(s, n, out, cap);

    if (rc >= 0) {
        FUZZ_CHECK((size_t) rc == n / 2 && (size_t) rc <= cap && n % 2 == 0);

        news_buf_init(&b);
        news_hex_encode(&b, out, (size_t) rc);
        FUZZ_CHECK(!b.failed && b.len == n);

        for (i = 0; i < n; i++) {
            char  c = s[i];

            if (c >= 'A' && c <= 'F') {
                c = (char) (c - 'A' + 'a');
            }

            FUZZ_CHECK(b.data[i] == c);
        }

        news_buf_free(&b);

    } else {
        FUZZ_CHECK(rc == -1);

        /* refused only for a reason */
        bad = (n % 2 != 0 || n / 2 > cap);
        for (i = 0; i < n; i++) {
            if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
                  || (s[i] >= 'A' && s[i] <= 'F')))
            {
                bad = 1;
            }
        }

        FUZZ_CHECK(bad);
    }

    free(out);
    free(s);

    return 0;
}
