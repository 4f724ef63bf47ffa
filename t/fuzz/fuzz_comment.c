/*
 * Comment text: news_comment_text() checks and normalises what a reader
 * posts, news_comment_html() renders the result.  Invariants: accepted
 * text is valid UTF-8 without CR or controls other than \n and \t, is
 * trimmed, and is its own normal form; the HTML holds only the markup the
 * renderer writes (<p>, <br>, links to http(s) URLs).
 */

#include "fuzz.h"
#include "comments.h"
#include "render.h"
#include "text.h"


static void
check_html(const char *h, size_t n)
{
    size_t       i, k;
    static const char  *ok[] = {
        "<p>", "</p>", "<br>", "</a>", "<a href=\"http://",
        "<a href=\"https://", NULL
    };

    for (i = 0; i < n; i++) {
        if (h[i] != '<') {
            continue;
        }

        for (k = 0; ok[k]; k++) {
            if (n - i >= strlen(ok[k])
                && memcmp(h + i, ok[k], strlen(ok[k])) == 0)
            {
                break;
            }
        }

        if (ok[k] == NULL) {
            fprintf(stderr, "unexpected markup: %.*s\n",
                    (int) (n - i < 40 ? n - i : 40), h + i);
        }

        FUZZ_CHECK(ok[k] != NULL);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int          rc;
    char        *s;
    size_t       i;
    news_buf_t   out, again, html;
    news_err_t   err;

    s = fuzz_exact(data, size);

    news_buf_init(&out);
    memset(&err, 0, sizeof(err));

    rc = news_comment_text(s, size, NEWS_COMMENT_MAX, &out, &err);

    if (rc == NEWS_OK) {
        FUZZ_CHECK(!out.failed && out.len > 0);
        FUZZ_CHECK(news_utf8_valid(out.data, out.len));

        for (i = 0; i < out.len; i++) {
            unsigned char  c = (unsigned char) out.data[i];

            FUZZ_CHECK(c >= 0x20 ? c != 0x7f : (c == '\n' || c == '\t'));
        }

        FUZZ_CHECK(out.data[0] != ' ' && out.data[0] != '\n'
                   && out.data[out.len - 1] != ' '
                   && out.data[out.len - 1] != '\n');

        news_buf_init(&again);
        FUZZ_CHECK(news_comment_text(out.data, out.len, NEWS_COMMENT_MAX,
                                     &again, &err) == NEWS_OK);
        FUZZ_CHECK(again.len == out.len
                   && memcmp(again.data, out.data, out.len) == 0);
        news_buf_free(&again);

        news_buf_init(&html);
        news_comment_html(&html, out.data, out.len);
        FUZZ_CHECK(!html.failed);
        check_html(html.data, html.len);
        news_buf_free(&html);

    } else {
        FUZZ_CHECK(err.msg[0] != '\0');
    }

    news_buf_free(&out);
    free(s);

    return 0;
}
