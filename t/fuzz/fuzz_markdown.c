/*
 * news_markdown(): article bodies (and, later, comments) are Markdown
 * from users.  Besides memory safety, the output must be inert: every
 * '<' opens one of the elements cmark itself writes, or the comment that
 * stands for omitted raw HTML, and no link or image points at a
 * javascript:, vbscript: or file: URL.
 */

#include "fuzz.h"
#include "render.h"


static const char  *tags[] = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
    "pre", "code", "em", "strong", "a", "img", "hr", "br", NULL
};


static void
check_tag(const char *p, size_t n)
{
    size_t  k, len;
    int     i;

    if (n >= 4 && memcmp(p, "<!--", 4) == 0) {
        FUZZ_CHECK(n >= 25 && memcmp(p, "<!-- raw HTML omitted -->", 25) == 0);
        return;
    }

    k = 1;
    if (k < n && p[k] == '/') {
        k++;
    }

    for (i = 0; tags[i]; i++) {
        len = strlen(tags[i]);

        if (n - k > len && memcmp(p + k, tags[i], len) == 0
            && (p[k + len] == '>' || p[k + len] == ' '
                || p[k + len] == '/'))
        {
            return;
        }
    }

    fprintf(stderr, "unexpected markup: %.*s\n", (int) (n < 40 ? n : 40), p);
    FUZZ_CHECK(!"markup that cmark does not write");
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char        *s, *lt;
    size_t       off;
    news_buf_t   b;

    /* bodies are at most 1 MiB; cmark time is what it is beyond a few KB */
    if (size > 64 * 1024) {
        return 0;
    }

    s = fuzz_exact(data, size);

    news_buf_init(&b);
    news_buf_addl(&b, "x");

    FUZZ_CHECK(news_markdown(&b, s, size) == 0);
    FUZZ_CHECK(!b.failed && b.len >= 1 && b.data[0] == 'x');

    for (off = 1; off < b.len; off = (size_t) (lt - b.data) + 1) {
        lt = memchr(b.data + off, '<', b.len - off);
        if (lt == NULL) {
            break;
        }

        check_tag(lt, b.len - (size_t) (lt - b.data));
    }

    FUZZ_CHECK(!fuzz_memmem_ci(b.data, b.len, "href=\"javascript:"));
    FUZZ_CHECK(!fuzz_memmem_ci(b.data, b.len, "src=\"javascript:"));
    FUZZ_CHECK(!fuzz_memmem_ci(b.data, b.len, "href=\"vbscript:"));
    FUZZ_CHECK(!fuzz_memmem_ci(b.data, b.len, "href=\"file:"));
    FUZZ_CHECK(!fuzz_memmem_ci(b.data, b.len, "src=\"file:"));

    news_buf_free(&b);
    free(s);

    return 0;
}
