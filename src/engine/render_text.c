/*
 * Pieces of HTML that every kind of page uses: <time> elements, an
 * article's Markdown body, a comment's plain text.
 */

#include <stdlib.h>
#include <string.h>
#include <cmark.h>

#include "render_internal.h"
#include "text.h"


static size_t news_comment_link_at(const char *s, size_t n, size_t i);
static size_t news_comment_url_len(const char *s, size_t n);
static void news_render_time_at(news_buf_t *b, int64_t t, int date);


void
news_render_time(news_buf_t *b, int64_t t)
{
    news_buf_addl(b, "<time datetime=\"");
    news_time_rfc3339(b, t);
    news_buf_addl(b, "\">");
    news_time_human(b, t);
    news_buf_addl(b, "</time>");
}


/* "27 November 2026, 10:04 UTC" in a <time> element */
void
news_render_comment_time(news_buf_t *b, int64_t t)
{
    news_render_time_at(b, t, 1);
}


void
news_render_count_words(news_buf_t *b, unsigned n)
{
    news_buf_addf(b, "%u comment%s", n, n == 1 ? "" : "s");
}


/* "10:04 UTC" in a <time> element */
void
news_render_clock(news_buf_t *b, int64_t t)
{
    news_render_time_at(b, t, 0);
}


/* a <time> of t's "HH:MM UTC", after its date in words if `date` */
static void
news_render_time_at(news_buf_t *b, int64_t t, int date)
{
    size_t  at;

    news_buf_addl(b, "<time datetime=\"");
    news_time_rfc3339(b, t);
    news_buf_addl(b, "\">");

    if (date) {
        news_time_human(b, t);
        news_buf_addl(b, ", ");
    }

    at = b->len;
    news_time_rfc3339(b, t);

    if (!b->failed && b->len - at >= 16) {
        /* keep "HH:MM" of "YYYY-MM-DDTHH:MM:SSZ" */
        memmove(b->data + at, b->data + at + 11, 5);
        b->len = at + 5;
    }

    news_buf_addl(b, " UTC</time>");
}


/* the body as HTML: rendered once per write when the caller did so */
void
news_render_body(news_buf_t *b, const news_article_t *a)
{
    if (a->html != NULL) {
        news_buf_add(b, a->html, a->html_len);
        return;
    }

    news_markdown(b, a->body, strlen(a->body));
}


int
news_markdown(news_buf_t *b, const char *md, size_t n)
{
    char  *html;

    /*
     * CMARK_OPT_SAFE drops raw HTML and javascript:/vbscript:/file:/data:
     * links (cmark 0.30 does so by default; said anyway, for older ones)
     */
    html = cmark_markdown_to_html(md, n, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
    if (html == NULL) {
        b->failed = 1;
        return -1;
    }

    news_buf_adds(b, html);
    free(html);

    return b->failed ? -1 : 0;
}


/*
 * Plain text to HTML: everything escaped; blank lines part paragraphs,
 * single newlines break lines, and http(s) URLs become links that search
 * engines do not credit and that cannot reach back to this page.
 */
void
news_comment_html(news_buf_t *b, const char *s, size_t n)
{
    size_t  i, start, len;

    news_buf_addl(b, "<p>");

    for (i = 0, start = 0; i < n; /* void */) {

        if (s[i] == '\n') {
            news_html_escape(b, s + start, i - start);

            if (i + 1 < n && s[i + 1] == '\n') {
                while (i < n && (s[i] == '\n' || s[i] == ' '
                                 || s[i] == '\t'))
                {
                    i++;
                }

                news_buf_addl(b, "</p>\n<p>");

            } else {
                news_buf_addl(b, "<br>\n");
                i++;
            }

            start = i;
            continue;
        }

        len = news_comment_link_at(s, n, i);

        if (len) {
            news_html_escape(b, s + start, i - start);
            news_buf_addl(b, "<a href=\"");
            news_html_escape(b, s + i, len);
            news_buf_addl(b, "\" rel=\"nofollow ugc noopener\">");
            news_html_escape(b, s + i, len);
            news_buf_addl(b, "</a>");
            i += len;
            start = i;
            continue;
        }

        i++;
    }

    news_html_escape(b, s + start, n - start);
    news_buf_addl(b, "</p>\n");
}


unsigned
news_comment_links(const char *s, size_t n)
{
    size_t    i, len;
    unsigned  links;

    links = 0;

    for (i = 0; i < n; i += len ? len : 1) {
        len = news_comment_link_at(s, n, i);
        links += len != 0;
    }

    return links;
}


/* the length of the link at s[i] (0: none), which starts a word */
static size_t
news_comment_link_at(const char *s, size_t n, size_t i)
{
    if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '\n' && s[i - 1] != '('
        && s[i - 1] != '\t')
    {
        return 0;
    }

    return news_comment_url_len(s + i, n - i);
}


/* the length of an http(s) URL at s, without trailing punctuation */
static size_t
news_comment_url_len(const char *s, size_t n)
{
    size_t  i, scheme;

    if (n > 8 && strncmp(s, "https://", 8) == 0) {
        scheme = 8;

    } else if (n > 7 && strncmp(s, "http://", 7) == 0) {
        scheme = 7;

    } else {
        return 0;
    }

    for (i = scheme; i < n; i++) {
        if ((unsigned char) s[i] <= ' ' || s[i] == '<' || s[i] == '>'
            || s[i] == '"' || s[i] == '\'' || s[i] == '`')
        {
            break;
        }
    }

    while (i > scheme && strchr(".,;:!?)]", s[i - 1]) != NULL) {
        i--;
    }

    return i > scheme ? i : 0;
}


/* a link to a section or tag page, after " · " unless first; 0: none */
int
news_render_topic_link(news_buf_t *b, const char *dir, const char *name,
    int first)
{
    size_t  at;

    at = b->len;

    if (!first) {
        news_buf_addl(b, " · ");
    }

    news_buf_addl(b, "<a href=\"");
    news_buf_adds(b, dir);

    if (!news_slugify(b, name, strlen(name))) {
        b->len = at;
        return 0;
    }

    news_buf_addl(b, "\">");
    news_html_escape(b, name, strlen(name));
    news_buf_addl(b, "</a>");

    return 1;
}
