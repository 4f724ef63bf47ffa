/*
 * news_form_field() on an application/x-www-form-urlencoded body.
 *
 * Input: the first byte picks the field name from a few (the form fields
 * the site has, and names that need decoding to match); the rest is the
 * body.  The result is compared with a naive reference decoder that
 * splits the whole body first.
 */

#include "fuzz.h"
#include "text.h"


static const char  *names[] = {
    "title", "body", "csrf", "a b", "a[b]", "x", "\xc3\xa9", "name",
};


static int
ref_hex(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}


/* decodes s[0..n) into out; returns the decoded length or -1 */
static long
ref_decode(const char *s, size_t n, char *out)
{
    size_t  i, o;

    for (i = 0, o = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';

        } else if (s[i] == '%') {
            if (n - i < 3 || ref_hex(s[i + 1]) < 0 || ref_hex(s[i + 2]) < 0) {
                return -1;
            }

            out[o++] = (char) (ref_hex(s[i + 1]) * 16 + ref_hex(s[i + 2]));
            i += 2;

        } else {
            out[o++] = s[i];
        }
    }

    return (long) o;
}


/* the expected answer, and the value in val/vlen when 1 */
static int
ref_form(const char *body, size_t len, const char *name, char *val,
    size_t *vlen)
{
    int          found;
    long         kn, vn;
    size_t       p, amp, eq;
    char        *key;

    if (len == 0) {
        return 0;
    }

    key = malloc(len + 1);
    found = 0;
    p = 0;

    for ( ;; ) {
        for (amp = p; amp < len && body[amp] != '&'; amp++) { }
        for (eq = p; eq < amp && body[eq] != '='; eq++) { }

        kn = ref_decode(body + p, eq - p, key);
        if (kn < 0) {
            free(key);
            return NEWS_FORM_BAD;
        }

        if ((size_t) kn == strlen(name) && memcmp(key, name, kn) == 0) {
            if (found) {
                free(key);
                return NEWS_FORM_DUP;
            }

            found = 1;

            vn = (eq < amp) ? ref_decode(body + eq + 1, amp - eq - 1, val) : 0;
            if (vn < 0 || memchr(val, '\0', vn)
                || !news_utf8_valid(val, vn))
            {
                free(key);
                return NEWS_FORM_BAD;
            }

            *vlen = (size_t) vn;
        }

        if (amp == len) {
            break;
        }

        p = amp + 1;
    }

    free(key);

    return found;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          rc, want;
    char        *body, *val;
    size_t       vlen;
    news_buf_t   out;
    const char  *name;

    if (size < 1) {
        return 0;
    }

    name = names[data[0] % (sizeof(names) / sizeof(names[0]))];
    body = fuzz_exact(data + 1, size - 1);
    val = malloc(size);

    /* a prefix in out must survive every answer */
    news_buf_init(&out);
    news_buf_addl(&out, "pre");

    rc = news_form_field(body, size - 1, name, &out);

    FUZZ_CHECK(!out.failed);
    FUZZ_CHECK(rc == 1 || rc == 0 || rc == NEWS_FORM_DUP
               || rc == NEWS_FORM_BAD);
    FUZZ_CHECK(out.len >= 3 && memcmp(out.data, "pre", 3) == 0);

    vlen = 0;
    want = ref_form(body, size - 1, name, val, &vlen);

    FUZZ_CHECK(rc == want);

    if (rc == 1) {
        FUZZ_CHECK(out.len - 3 == vlen);
        FUZZ_CHECK(vlen == 0 || memcmp(out.data + 3, val, vlen) == 0);
        FUZZ_CHECK(news_utf8_valid(out.data + 3, out.len - 3));
        FUZZ_CHECK(memchr(out.data + 3, '\0', out.len - 3) == NULL);

    } else {
        FUZZ_CHECK(out.len == 3);
    }

    news_buf_free(&out);
    free(val);
    free(body);

    return 0;
}
