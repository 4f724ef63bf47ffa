/*
 * What machines read: one Atom <entry> and one sitemap <url> per article,
 * stored with a marker where the site's absolute URL goes, and the
 * documents' heads and tails that the read path puts around them.
 */

#include <string.h>

#include "render_internal.h"
#include "text.h"


void
news_render_atom_entry(news_buf_t *b, const news_article_t *a)
{
    unsigned    i;
    news_buf_t  html;

    news_buf_addl(b, "<entry>\n<title>");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" "
                  "href=\"\x01" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\"/>\n<id>\x01" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "</id>\n<published>");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "</published>\n<updated>");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "</updated>\n");

    if (a->author[0]) {
        news_buf_addl(b, "<author><name>");
        news_html_escape(b, a->author, strlen(a->author));
        news_buf_addl(b, "</name></author>\n");
    }

    if (a->section[0]) {
        news_buf_addl(b, "<category term=\"");
        news_html_escape(b, a->section, strlen(a->section));
        news_buf_addl(b, "\"/>\n");
    }

    for (i = 0; i < a->ntags; i++) {
        news_buf_addl(b, "<category term=\"");
        news_html_escape(b, a->tags[i], strlen(a->tags[i]));
        news_buf_addl(b, "\"/>\n");
    }

    if (a->subtitle[0]) {
        news_buf_addl(b, "<summary>");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "</summary>\n");
    }

    news_buf_init(&html);
    news_render_body(&html, a);
    news_buf_addl(b, "<content type=\"html\">");
    news_html_escape(b, html.data ? html.data : "", html.len);
    news_buf_addl(b, "</content>\n</entry>\n");

    if (html.failed) {
        b->failed = 1;
    }

    news_buf_free(&html);
}


void
news_render_sitemap_url(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<url><loc>\x01" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "</loc><lastmod>");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "</lastmod></url>\n");
}


/* `path`: the feed's own path below the base, for rel="self" */
void
news_render_feed_head(news_buf_t *b, const char *path, int64_t updated)
{
    news_buf_addl(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                  "<title>\x02</title>\n<link rel=\"self\" "
                  "type=\"application/atom+xml\" href=\"\x01");
    news_html_escape(b, path, strlen(path));
    news_buf_addl(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" "
                  "href=\"\x01\"/>\n<id>\x01");
    news_html_escape(b, path, strlen(path));
    news_buf_addl(b, "</id>\n<updated>");
    news_time_rfc3339(b, updated);
    news_buf_addl(b, "</updated>\n<author><name>\x02</name></author>\n");
}


void
news_render_comments_feed_head(news_buf_t *b, const char *slug,
    const char *title, size_t title_len, int64_t updated)
{
    news_buf_addl(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
                  "<title>Comments on ");
    news_buf_add(b, title, title_len);
    news_buf_addf(b, "</title>\n<link rel=\"self\" "
                  "type=\"application/atom+xml\" href=\"\x01"
                  NEWS_ROUTE_ARTICLE "%s" NEWS_ROUTE_COMMENTS_FEED_SUFFIX
                  "\"/>\n<link rel=\"alternate\" type=\"text/html\" "
                  "href=\"\x01" NEWS_ROUTE_ARTICLE "%s#comments\"/>\n<id>\x01"
                  NEWS_ROUTE_ARTICLE "%s" NEWS_ROUTE_COMMENTS_FEED_SUFFIX
                  "</id>\n<updated>", slug, slug, slug);
    news_time_rfc3339(b, updated);
    news_buf_addl(b, "</updated>\n<author><name>\x02</name></author>\n");
}


/* a comment's text as HTML (paragraphs, links), escaped into the XML */
void
news_render_comment_entry(news_buf_t *b, const char *slug,
    const news_comment_t *c)
{
    news_buf_t  html;

    news_buf_addl(b, "<entry>\n<title>Comment by ");
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addf(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" "
                  "href=\"\x01" NEWS_ROUTE_ARTICLE "%s#comment-%llu\"/>\n"
                  "<id>\x01" NEWS_ROUTE_ARTICLE "%s#comment-%llu</id>\n"
                  "<published>", slug, (unsigned long long) c->id, slug,
                  (unsigned long long) c->id);
    news_time_rfc3339(b, c->created_at);
    news_buf_addl(b, "</published>\n<updated>");
    news_time_rfc3339(b, c->edited_at ? c->edited_at : c->created_at);
    news_buf_addl(b, "</updated>\n<author><name>");
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addl(b, "</name></author>\n<content type=\"html\">");

    news_buf_init(&html);
    news_comment_html(&html, c->body, strlen(c->body));
    news_html_escape(b, html.data ? html.data : "", html.len);
    news_buf_addl(b, "</content>\n</entry>\n");

    if (html.failed) {
        b->failed = 1;
    }

    news_buf_free(&html);
}


void
news_render_feed_tail(news_buf_t *b)
{
    news_buf_addl(b, "</feed>\n");
}


void
news_render_sitemap_head(news_buf_t *b)
{
    news_buf_addl(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                  "<urlset xmlns=\"http://www.sitemaps.org/schemas/"
                  "sitemap/0.9\">\n");
}


void
news_render_sitemap_tail(news_buf_t *b)
{
    news_buf_addl(b, "</urlset>\n");
}
