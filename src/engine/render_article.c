/*
 * The article page's own parts (everything but its comments), what
 * search engines and link previews read of it, and the article as the
 * API's JSON.  Every byte of the article is escaped for where it lands.
 */

#include <string.h>

#include "render_internal.h"
#include "text.h"


static void news_render_seo(news_buf_t *b, const news_article_t *a);
static void news_render_story(news_buf_t *b, const news_article_t *a);
static void news_render_story_end(news_buf_t *b, const news_article_t *a);
static void news_render_byline(news_buf_t *b, const news_article_t *a);
static void news_render_lead_image(news_buf_t *b, const news_article_t *a);
static int news_has_image(const news_article_t *a);
static void news_render_topics(news_buf_t *b, const news_article_t *a);


void
news_render_article_part(news_buf_t *b, const news_article_t *a,
    unsigned part)
{
    switch (part) {

    case NEWS_PART_TITLE:
        news_html_escape(b, a->title, strlen(a->title));
        break;

    case NEWS_PART_HEAD:
        news_render_seo(b, a);
        break;

    case NEWS_PART_ARTICLE:
        news_render_story(b, a);
        break;

    case NEWS_PART_TAIL:
        news_buf_addl(b, "</section>\n");
        break;

    case NEWS_PART_STORY_END:
        news_render_story_end(b, a);
        break;
    }
}


void
news_render_live_body(news_buf_t *b, const news_article_t *a)
{
    news_render_body(b, a);
}


/*
 * The article itself up to the link to its comments, which ends its
 * byline: the count in that link is the state's (render.h)
 */
static void
news_render_story(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<article class=\"story\">\n<header>\n<h1>");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</h1>\n");

    if (a->subtitle[0]) {
        news_buf_addl(b, "<p class=\"standfirst\">");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "</p>\n");
    }

    news_render_byline(b, a);
    news_buf_addl(b, " · <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "#comments\">");
}


/* the rest of the article after its comment count, the comments' heading */
static void
news_render_story_end(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "</a></p>\n");
    news_render_topics(b, a);

    news_buf_addl(b, "</header>\n<div class=\"body\">\n");
    news_render_lead_image(b, a);
    news_render_body(b, a);
    /* data-live: the stream the live comments' script opens (live.h) */
    news_buf_addf(b, "</div>\n</article>\n"
                  "<section class=\"comments\" id=\"comments\" "
                  "aria-labelledby=\"comments-h\" data-live=\"live/%llu\">"
                  "\n<h2 id=\"comments-h\">Comments</h2>\n",
                  (unsigned long long) a->id);
}


/*
 * The lead image above the text: loaded at once (it is at the top of the
 * page), and with its sizes, when given, the page is laid out before it
 * arrives (the stylesheet's .body img keeps its ratio when it shrinks).
 */
static void
news_render_lead_image(news_buf_t *b, const news_article_t *a)
{
    if (!news_has_image(a)) {
        return;
    }

    news_buf_addl(b, "<figure class=\"lead\">\n<img src=\"");
    news_html_escape(b, a->image_url, strlen(a->image_url));
    news_buf_addl(b, "\" alt=\"");
    news_html_escape(b, a->image_alt, strlen(a->image_alt));
    news_buf_addc(b, '"');

    if (a->image_width) {
        news_buf_addf(b, " width=\"%u\" height=\"%u\"", a->image_width,
                      a->image_height);
    }

    news_buf_addl(b, " loading=\"eager\" decoding=\"async\">\n");

    if (a->image_caption[0]) {
        news_buf_addl(b, "<figcaption>");
        news_html_escape(b, a->image_caption, strlen(a->image_caption));
        news_buf_addl(b, "</figcaption>\n");
    }

    news_buf_addl(b, "</figure>\n");
}


static int
news_has_image(const news_article_t *a)
{
    return a->image_url != NULL && a->image_url[0] != '\0';
}


/*
 * What search engines and link previews read: the canonical URL, the
 * description, OpenGraph and Twitter card tags, and JSON-LD NewsArticle.
 * The JSON-LD is a data block, which a CSP without script sources allows.
 */
static void
news_render_seo(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<link rel=\"canonical\" href=\"\x01" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">\n");

    if (a->subtitle[0]) {
        news_buf_addl(b, "<meta name=\"description\" content=\"");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "\">\n<meta property=\"og:description\" "
                      "content=\"");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "\">\n");
    }

    news_buf_addl(b, "<meta property=\"og:type\" content=\"article\">\n"
                  "<meta property=\"og:title\" content=\"");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "\">\n<meta property=\"og:url\" content=\"\x01"
                  NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">\n<meta property=\"og:site_name\" content=\"\x02\">\n"
                  "<meta property=\"article:published_time\" content=\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\">\n<meta property=\"article:modified_time\" "
                  "content=\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "\">\n");

    /* a lead image makes the large card, and is the article's image */
    if (news_has_image(a)) {
        news_buf_addl(b, "<meta property=\"og:image\" content=\"");
        news_html_escape(b, a->image_url, strlen(a->image_url));
        news_buf_addl(b, "\">\n<meta property=\"og:image:alt\" content=\"");
        news_html_escape(b, a->image_alt, strlen(a->image_alt));
        news_buf_addl(b, "\">\n<meta name=\"twitter:card\" "
                      "content=\"summary_large_image\">\n");

    } else {
        news_buf_addl(b, "<meta name=\"twitter:card\" content=\"summary\">\n");
    }

    news_buf_addl(b, "<script type=\"application/ld+json\">"
                  "{\"@context\":\"https://schema.org\","
                  "\"@type\":\"NewsArticle\",\"headline\":");
    news_json_string(b, a->title, strlen(a->title));

    if (news_has_image(a)) {
        news_buf_addl(b, ",\"image\":");
        news_json_string(b, a->image_url, strlen(a->image_url));
    }

    news_buf_addl(b, ",\"description\":");
    news_json_string(b, a->subtitle, strlen(a->subtitle));
    news_buf_addl(b, ",\"datePublished\":\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\",\"dateModified\":\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "\",\"mainEntityOfPage\":\"\x01" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\",\"author\":{\"@type\":\"Person\",\"name\":");
    news_json_string(b, a->author[0] ? a->author : "Staff",
                     a->author[0] ? strlen(a->author) : 5);
    news_buf_addl(b, "},\"publisher\":{\"@type\":\"Organization\","
                  "\"name\":\"\x03\"}}</script>\n");
}


/* the byline, left open for the link to the comments that ends it */
static void
news_render_byline(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<p class=\"byline\">");

    if (a->live) {
        news_buf_addl(b, "<strong class=\"live\">Live</strong> · ");
    }

    if (a->author[0]) {
        news_buf_addl(b, "By <span class=\"author\">");
        news_html_escape(b, a->author, strlen(a->author));
        news_buf_addl(b, "</span> · ");
    }

    news_render_time(b, a->published_at);

    /* a correction worth telling readers about, not a re-save */
    if (a->updated_at > a->published_at + 60) {
        news_buf_addl(b, " · Updated ");
        news_render_time(b, a->updated_at);
    }
}


/* the article's section and tags, each a link to its page */
static void
news_render_topics(news_buf_t *b, const news_article_t *a)
{
    size_t    at;
    unsigned  i;
    int       n;

    at = b->len;
    news_buf_addl(b, "<p class=\"topics\">");
    n = 0;

    if (a->section[0]) {
        n += news_render_topic_link(b, NEWS_ROUTE_SECTION, a->section, 1);
    }

    for (i = 0; i < a->ntags; i++) {
        n += news_render_topic_link(b, NEWS_ROUTE_TAG, a->tags[i], n == 0);
    }

    if (n == 0) {
        b->len = at;
        return;
    }

    news_buf_addl(b, "</p>\n");
}


/*
 * The article as the API's JSON, in two pieces around its count of
 * visible comments: the stored JSON fragment keeps them apart so that a
 * comment changes the count alone (see news_render_fragment).
 */
void
news_render_json_head(news_buf_t *b, const news_article_t *a)
{
    unsigned  i;

    news_buf_addl(b, "{\"slug\":");
    news_json_string(b, a->slug, strlen(a->slug));
    news_buf_addl(b, ",\"title\":");
    news_json_string(b, a->title, strlen(a->title));
    news_buf_addl(b, ",\"subtitle\":");
    news_json_string(b, a->subtitle, strlen(a->subtitle));
    news_buf_addl(b, ",\"author\":");
    news_json_string(b, a->author, strlen(a->author));
    news_buf_addl(b, ",\"section\":");
    news_json_string(b, a->section, strlen(a->section));
    news_buf_addl(b, ",\"tags\":[");

    for (i = 0; i < a->ntags; i++) {
        if (i) {
            news_buf_addc(b, ',');
        }

        news_json_string(b, a->tags[i], strlen(a->tags[i]));
    }

    news_buf_addl(b, "],\"status\":");
    news_buf_adds(b, a->status == NEWS_DRAFT ? "\"draft\"" : "\"published\"");

    if (a->live) {
        news_buf_addl(b, ",\"live\":true");
    }

    news_buf_addl(b, ",\"published_at\":\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\",\"updated_at\":\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "\",\"comment_count\":");
}


void
news_render_json_tail(news_buf_t *b, const news_article_t *a, int with_body)
{
    news_buf_t  html;

    news_buf_addl(b, ",\"url\":\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addc(b, '"');

    if (with_body) {
        news_buf_init(&html);
        news_render_body(&html, a);

        news_buf_addl(b, ",\"body_html\":");
        news_json_string(b, html.data ? html.data : "", html.len);

        if (html.failed) {
            b->failed = 1;
        }

        news_buf_free(&html);
    }

    news_buf_addc(b, '}');
}


/* the end of the article JSON editors get: the Markdown beside the HTML */
void
news_render_json_source(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, ",\"body\":");
    news_json_string(b, a->body, strlen(a->body));
    news_buf_addc(b, '}');
}


void
news_render_json(news_buf_t *b, const news_article_t *a, int with_body)
{
    news_render_json_head(b, a);
    news_buf_addf(b, "%u", a->comment_count);
    news_render_json_tail(b, a, with_body);
}
