/*
 * news_utf8_valid(), news_has_control(), news_html_escape(),
 * news_json_string() and news_trim() on arbitrary bytes.
 *
 * - news_utf8_valid() agrees with a reference decoder written from the
 *   table of well-formed byte sequences (Unicode 15, table 3-7);
 * - HTML escaping leaves none of < > " ' in its output, every & starts an
 *   entity, and unescaping gives the input back;
 * - the JSON string of valid UTF-8 parses with cJSON to the same bytes
 *   and holds no < > & ' nor a raw U+2028/U+2029.
 */

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "text.h"


static int
ref_utf8_valid(const unsigned char *s, size_t n)
{
    size_t         i;
    unsigned char  c, lo, hi;
    int            k, need;

    for (i = 0; i < n; ) {
        c = s[i];

        if (c <= 0x7f) {
            i++;
            continue;
        }

        lo = 0x80;
        hi = 0xbf;

        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c == 0xe0) {
            need = 2; lo = 0xa0;
        } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
            need = 2;
        } else if (c == 0xed) {
            need = 2; hi = 0x9f;
        } else if (c == 0xf0) {
            need = 3; lo = 0x90;
        } else if (c >= 0xf1 && c <= 0xf3) {
            need = 3;
        } else if (c == 0xf4) {
            need = 3; hi = 0x8f;
        } else {
            return 0;
        }

        if (n - i - 1 < (size_t) need) {
            return 0;
        }

        for (k = 1; k <= need; k++) {
            c = s[i + k];

            if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xbf)) {
                return 0;
            }
        }

        i += need + 1;
    }

    return 1;
}


static void
check_html(const char *s, size_t n)
{
    size_t       i, o;
    char        *back;
    news_buf_t   b;

    news_buf_init(&b);
    news_html_escape(&b, s, n);
    FUZZ_CHECK(!b.failed);

    back = malloc(b.len + 1);

    for (i = 0, o = 0; i < b.len; i++) {
        FUZZ_CHECK(b.data[i] != '<' && b.data[i] != '>'
                   && b.data[i] != '"' && b.data[i] != '\'');

        if (b.data[i] != '&') {
            back[o++] = b.data[i];
            continue;
        }

#define ENT(lit, ch)                                                          \
        if (b.len - i >= sizeof(lit) - 1                                      \
            && memcmp(b.data + i, lit, sizeof(lit) - 1) == 0)                 \
        {                                                                     \
            back[o++] = ch;                                                   \
            i += sizeof(lit) - 2;                                             \
            continue;                                                         \
        }

        ENT("&amp;", '&')
        ENT("&lt;", '<')
        ENT("&gt;", '>')
        ENT("&quot;", '"')
        ENT("&#39;", '\'')

        FUZZ_CHECK(!"a bare & in escaped HTML");
    }

    FUZZ_CHECK(o == n && (n == 0 || memcmp(back, s, n) == 0));

    free(back);
    news_buf_free(&b);
}


static void
check_json(const char *s, size_t n)
{
    cJSON       *v;
    const char  *str;
    news_buf_t   b;

    news_buf_init(&b);
    news_json_string(&b, s, n);
    FUZZ_CHECK(!b.failed);
    FUZZ_CHECK(b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"');

    /* safe inside a <script> element, and on one JavaScript line */
    FUZZ_CHECK(memchr(b.data, '<', b.len) == NULL);
    FUZZ_CHECK(memchr(b.data, '>', b.len) == NULL);
    FUZZ_CHECK(memchr(b.data, '&', b.len) == NULL);
    FUZZ_CHECK(memchr(b.data, '\'', b.len) == NULL);
    FUZZ_CHECK(memchr(b.data, '\n', b.len) == NULL);
    FUZZ_CHECK(memchr(b.data, '\r', b.len) == NULL);
    FUZZ_CHECK(memmem(b.data, b.len, "\xe2\x80\xa8", 3) == NULL);
    FUZZ_CHECK(memmem(b.data, b.len, "\xe2\x80\xa9", 3) == NULL);

    /* cJSON strings end at a NUL, so compare those without one */
    if (news_utf8_valid(s, n) && memchr(s, '\0', n) == NULL) {
        v = cJSON_ParseWithLength(b.data, b.len);
        FUZZ_CHECK(v != NULL);

        str = cJSON_GetStringValue(v);
        FUZZ_CHECK(str != NULL);
        FUZZ_CHECK(strlen(str) == n && memcmp(str, s, n) == 0);

        cJSON_Delete(v);
    }

    news_buf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          ctl;
    char        *s;
    size_t       i, n;
    const char  *t;

    s = fuzz_exact(data, size);

    FUZZ_CHECK(news_utf8_valid(s, size)
               == ref_utf8_valid((const unsigned char *) s, size));

    ctl = 0;
    for (i = 0; i < size; i++) {
        if ((data[i] < 0x20 && data[i] != '\n' && data[i] != '\r'
             && data[i] != '\t') || data[i] == 0x7f)
        {
            ctl = 1;
        }
    }

    FUZZ_CHECK(news_has_control(s, size) == ctl);

    check_html(s, size);
    check_json(s, size);

    t = s;
    n = size;
    news_trim(&t, &n);
    FUZZ_CHECK(t >= s && t + n <= s + size);

    free(s);

    return 0;
}
