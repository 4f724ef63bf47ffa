/*
 * Lists of articles: the front page and the section and tag pages (a
 * heading, teasers, a pager), and the end of the API's JSON lists.
 */

#include <string.h>

#include "render_internal.h"
#include "text.h"


/* the list's opening, taken back when the list is empty */
static const char  news_teasers_open[] = "<ol class=\"teasers\">\n";


void
news_render_list_head(news_buf_t *b, int kind, const char *name,
    size_t name_len)
{
    if (kind) {
        news_buf_adds(b, kind == 's' ? "<h1>Section: " : "<h1>Tag: ");
        news_html_escape(b, name, name_len);
        news_buf_addl(b, "</h1>\n");

    } else {
        news_buf_addl(b, "<h1>Latest news</h1>\n");
    }

    news_buf_addl(b, news_teasers_open);
}


/*
 * `here` is the list's own path below <base>, which the pager's links
 * are relative to; `older` says whether a next page follows.
 */
void
news_render_list_tail(news_buf_t *b, size_t count, unsigned long page,
    int older, const char *here, size_t here_len)
{
    if (count == 0) {
        if (!b->failed) {
            b->len -= sizeof(news_teasers_open) - 1;
        }

        news_buf_addl(b, "<p>No articles yet.</p>\n");

    } else {
        news_buf_addl(b, "</ol>\n");
    }

    if (page <= 1 && !older) {
        return;
    }

    news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Pages\">");

    if (page > 1) {
        news_buf_addf(b, "<a rel=\"prev\" href=\"%.*s?page=%lu\">Newer"
                      "</a> ", (int) here_len, here, page - 1);
    }

    if (older) {
        news_buf_addf(b, "<a rel=\"next\" href=\"%.*s?page=%lu\">Older"
                      "</a>", (int) here_len, here, page + 1);
    }

    news_buf_addl(b, "</nav>\n");
}


/* title and site are HTML already: the page's <title> and the site name */
void
news_render_list_description(news_buf_t *b, int kind, const char *title,
    size_t title_len, const char *site, size_t site_len)
{
    if (kind) {
        news_buf_addf(b, "<meta name=\"description\" content=\"News about "
                      "%.*s from %.*s, newest first.\">\n", (int) title_len,
                      title, (int) site_len, site);
        return;
    }

    news_buf_addf(b, "<meta name=\"description\" content=\"The latest news "
                  "from %.*s.\">\n", (int) site_len, site);
}


void
news_render_teaser(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<li><article>\n<h2><a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a></h2>\n");

    if (a->subtitle[0]) {
        news_buf_addl(b, "<p>");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "</p>\n");
    }

    /* what a reader picks a story by: its section, who wrote it, when */
    news_buf_addl(b, "<p class=\"meta\">");

    if (a->section[0]
        && news_render_topic_link(b, NEWS_ROUTE_SECTION, a->section, 1))
    {
        news_buf_addl(b, " · ");
    }

    if (a->author[0]) {
        news_buf_addl(b, "By ");
        news_html_escape(b, a->author, strlen(a->author));
        news_buf_addl(b, " · ");
    }

    news_render_comment_time(b, a->published_at);
    news_buf_addf(b, " · <a href=\"" NEWS_ROUTE_ARTICLE "%s#comments\">",
                  a->slug);
    news_render_count_words(b, a->comment_count);
    news_buf_addl(b, "<span class=\"vh\"> on ");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</span></a></p>\n</article></li>\n");
}


void
news_render_list_end(news_buf_t *b, const unsigned char *next, size_t n,
    int more)
{
    news_buf_addl(b, "],\"next\":");

    if (!more) {
        news_buf_addl(b, "null}\n");
        return;
    }

    news_buf_addc(b, '"');
    news_hex_encode(b, next, n);
    news_buf_addl(b, "\"}\n");
}
