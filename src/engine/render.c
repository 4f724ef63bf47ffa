/*
 * Rendering at write time: article fragments, Markdown, the site chrome.
 * Every byte that came from a user or the store is escaped here for the
 * context it lands in (HTML text and attributes, JSON).
 */

#include <stdlib.h>
#include <string.h>
#include <cmark.h>

#include "render.h"
#include "text.h"


/*
 * Inline, so that a page is one request; small enough (under 2 KB) that
 * it costs less than a round trip for a stylesheet.
 */
static const char  news_css[] =
    ":root{color-scheme:light dark;--fg:#1a1a1a;--muted:#555;--bg:#fff;"
    "--line:#ddd;--link:#0b57a4}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--muted:#b0b0b0;"
    "--bg:#121212;--line:#333;--link:#8ab4f8}}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font:1.125rem/1.6 Georgia,'Times New Roman',serif}"
    "a{color:var(--link)}"
    "a:focus-visible,button:focus-visible,input:focus-visible,"
    "textarea:focus-visible{outline:3px solid var(--link);outline-offset:2px}"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}"
    "header.site,main,footer.site{max-width:42rem;margin:0 auto;"
    "padding:0 1rem}"
    "header.site{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "align-items:baseline;border-bottom:1px solid var(--line);"
    "font-family:system-ui,sans-serif}"
    ".brand{font-weight:700;font-size:1.5rem;text-decoration:none;"
    "color:var(--fg);padding:.75rem 0}"
    "nav a,nav form{margin-left:1rem;display:inline}"
    "h1{font-size:2.1rem;line-height:1.2;margin:1.5rem 0 .5rem}"
    "h2{font-size:1.4rem;line-height:1.3;margin:2rem 0 .5rem}"
    ".standfirst{font-size:1.3rem;color:var(--muted);margin:.5rem 0}"
    ".byline,.meta{font:.9rem system-ui,sans-serif;color:var(--muted)}"
    ".comments{border-top:1px solid var(--line);margin-top:2.5rem}"
    ".teasers{list-style:none;padding:0}"
    ".teasers li{border-bottom:1px solid var(--line);padding:.5rem 0}"
    ".teasers h2{margin:.5rem 0 .25rem}"
    "footer.site{border-top:1px solid var(--line);margin-top:3rem;"
    "font:.9rem system-ui,sans-serif;color:var(--muted)}"
    "@media print{header.site,nav,.comments,footer.site,.skip{display:none}}";


/* the reply tree of an article's comments, as indexes into its list */
#define NEWS_NONE  ((size_t) -1)

typedef struct {
    size_t  first;          /* first child */
    size_t  last;           /* last child, for appending in order */
    size_t  next;           /* next sibling */
    int     shown;          /* visible, or a placeholder above one */
} news_node_t;


typedef struct {
    news_node_t  *nodes;
    size_t        top_first;
    size_t        top_last;
    size_t        top_shown;
} news_thread_t;


static void news_render_page_header(news_buf_t *b, const news_article_t *a,
    unsigned nparts);
static size_t news_render_part_begin(news_buf_t *b);
static void news_render_part_end(news_buf_t *b, size_t at);
static void news_render_page(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs);
static void news_render_comments(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, unsigned page);
static void news_render_comment(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, const news_thread_t *t, size_t i,
    unsigned depth);
static int news_thread_build(news_thread_t *t, const news_comments_t *cs);
static int news_thread_shown(news_thread_t *t, const news_comments_t *cs,
    size_t i, unsigned depth);
static void news_thread_free(news_thread_t *t);
static void news_render_comment_time(news_buf_t *b, int64_t t);
static void news_render_byline(news_buf_t *b, const news_article_t *a);
static void news_render_json(news_buf_t *b, const news_article_t *a,
    int with_body);
static void news_render_teaser(news_buf_t *b, const news_article_t *a);
static void news_render_time(news_buf_t *b, int64_t t);


int
news_page_parse(const void *p, size_t n, news_page_t *pg)
{
    size_t                len;
    unsigned              i;
    const unsigned char  *s, *end;

    s = p;
    end = s + n;

    if (n < NEWS_PAGE_HEADER) {
        return -1;
    }

    pg->published_at = (int64_t) news_be64_get(s);
    pg->modified_at = (int64_t) news_be64_get(s + 8);
    pg->version = news_be32_get(s + 16);
    pg->status = news_be32_get(s + 20);
    pg->nparts = news_be32_get(s + 24);
    s += NEWS_PAGE_HEADER;

    if (pg->nparts > NEWS_PARTS_MAX) {
        return -1;
    }

    for (i = 0; i < pg->nparts; i++) {
        if (end - s < 4) {
            return -1;
        }

        len = news_be32_get(s);
        s += 4;

        if ((size_t) (end - s) < len) {
            return -1;
        }

        pg->part[i].data = (const char *) s;
        pg->part[i].len = len;
        s += len;
    }

    return 0;
}


int
news_render_fragment(news_buf_t *b, const news_article_t *a, int kind,
    const news_comments_t *cs, unsigned page)
{
    size_t  at;

    switch (kind) {

    case NEWS_FRAG_PAGE:
        news_render_page(b, a, cs);
        break;

    case NEWS_FRAG_COMMENTS:
        news_render_page_header(b, a, 1);
        at = news_render_part_begin(b);
        news_render_comments(b, a, cs, page);
        news_render_part_end(b, at);
        break;

    case NEWS_FRAG_JSON:
    case NEWS_FRAG_SUMMARY:
        news_render_page_header(b, a, 1);
        at = news_render_part_begin(b);
        news_render_json(b, a, kind == NEWS_FRAG_JSON);
        news_render_part_end(b, at);
        break;

    case NEWS_FRAG_TEASER:
        news_render_page_header(b, a, 1);
        at = news_render_part_begin(b);
        news_render_teaser(b, a);
        news_render_part_end(b, at);
        break;

    default:
        return -1;
    }

    return b->failed ? -1 : 0;
}


static void
news_render_page_header(news_buf_t *b, const news_article_t *a,
    unsigned nparts)
{
    unsigned char  h[NEWS_PAGE_HEADER];

    news_be64_put(h, (uint64_t) a->published_at);
    news_be64_put(h + 8, (uint64_t) a->modified_at);
    news_be32_put(h + 16, a->version);
    news_be32_put(h + 20, (uint32_t) a->status
                          | (a->comments_closed ? NEWS_COMMENTS_CLOSED : 0));
    news_be32_put(h + 24, nparts);

    news_buf_add(b, h, sizeof(h));
}


static size_t
news_render_part_begin(news_buf_t *b)
{
    size_t  at;

    at = b->len;
    news_buf_add_be32(b, 0);

    return at;
}


static void
news_render_part_end(news_buf_t *b, size_t at)
{
    if (b->failed) {
        return;
    }

    news_be32_put((unsigned char *) b->data + at,
                  (uint32_t) (b->len - at - 4));
}


static void
news_render_page(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs)
{
    size_t  at;

    news_render_page_header(b, a, NEWS_ARTICLE_PARTS);

    at = news_render_part_begin(b);
    news_html_escape(b, a->title, strlen(a->title));
    news_render_part_end(b, at);

    at = news_render_part_begin(b);
    if (a->subtitle[0]) {
        news_buf_addl(b, "<meta name=\"description\" content=\"");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "\">\n");
    }
    news_render_part_end(b, at);

    at = news_render_part_begin(b);

    news_buf_addl(b, "<article class=\"story\">\n<header>\n<h1>");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</h1>\n");

    if (a->subtitle[0]) {
        news_buf_addl(b, "<p class=\"standfirst\">");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "</p>\n");
    }

    news_render_byline(b, a);

    news_buf_addl(b, "</header>\n<div class=\"body\">\n");
    news_markdown(b, a->body, strlen(a->body));
    news_buf_addl(b, "</div>\n</article>\n"
                  "<section class=\"comments\" id=\"comments\" "
                  "aria-labelledby=\"comments-h\">\n"
                  "<h2 id=\"comments-h\">Comments</h2>\n");
    news_render_part_end(b, at);

    at = news_render_part_begin(b);
    news_render_comments(b, a, cs, 1);
    news_render_part_end(b, at);

    at = news_render_part_begin(b);
    news_buf_addl(b, "</section>\n");
    news_render_part_end(b, at);
}


static void
news_render_byline(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<p class=\"byline\">");

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

    news_buf_addl(b, "</p>\n");
}


static void
news_render_time(news_buf_t *b, int64_t t)
{
    news_buf_addl(b, "<time datetime=\"");
    news_time_rfc3339(b, t);
    news_buf_addl(b, "\">");
    news_time_human(b, t);
    news_buf_addl(b, "</time>");
}


static void
news_render_json(news_buf_t *b, const news_article_t *a, int with_body)
{
    unsigned    i;
    news_buf_t  html;

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
    news_buf_addl(b, ",\"published_at\":\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\",\"updated_at\":\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addf(b, "\",\"comment_count\":%u,\"url\":\"articles/",
                  a->comment_count);
    news_buf_adds(b, a->slug);
    news_buf_addc(b, '"');

    if (with_body) {
        news_buf_init(&html);
        news_markdown(&html, a->body, strlen(a->body));

        news_buf_addl(b, ",\"body_html\":");
        news_json_string(b, html.data ? html.data : "", html.len);

        if (html.failed) {
            b->failed = 1;
        }

        news_buf_free(&html);
    }

    news_buf_addc(b, '}');
}


static void
news_render_teaser(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<li><article>\n<h2><a href=\"articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a></h2>\n");

    if (a->subtitle[0]) {
        news_buf_addl(b, "<p>");
        news_html_escape(b, a->subtitle, strlen(a->subtitle));
        news_buf_addl(b, "</p>\n");
    }

    news_buf_addl(b, "<p class=\"meta\">");
    news_render_time(b, a->published_at);
    news_buf_addf(b, " · %u comment%s</p>\n</article></li>\n",
                  a->comment_count, a->comment_count == 1 ? "" : "s");
}


static int
news_thread_build(news_thread_t *t, const news_comments_t *cs)
{
    size_t  i, j, p;

    t->top_first = NEWS_NONE;
    t->top_last = NEWS_NONE;
    t->top_shown = 0;
    t->nodes = NULL;

    if (cs == NULL || cs->n == 0) {
        return 0;
    }

    t->nodes = malloc(cs->n * sizeof(news_node_t));
    if (t->nodes == NULL) {
        return -1;
    }

    for (i = 0; i < cs->n; i++) {
        t->nodes[i].first = NEWS_NONE;
        t->nodes[i].last = NEWS_NONE;
        t->nodes[i].next = NEWS_NONE;
        t->nodes[i].shown = 0;
    }

    for (i = 0; i < cs->n; i++) {
        p = NEWS_NONE;

        /* parents come before their replies: search backwards */
        for (j = i; cs->items[i].parent && j-- > 0; /* void */) {
            if (cs->items[j].id == cs->items[i].parent) {
                p = j;
                break;
            }
        }

        if (p == NEWS_NONE) {
            if (t->top_last == NEWS_NONE) {
                t->top_first = i;

            } else {
                t->nodes[t->top_last].next = i;
            }

            t->top_last = i;
            continue;
        }

        if (t->nodes[p].last == NEWS_NONE) {
            t->nodes[p].first = i;

        } else {
            t->nodes[t->nodes[p].last].next = i;
        }

        t->nodes[p].last = i;
    }

    for (i = t->top_first; i != NEWS_NONE; i = t->nodes[i].next) {
        if (news_thread_shown(t, cs, i, 1)) {
            t->top_shown++;
        }
    }

    return 0;
}


/* a removed comment stays as a placeholder when replies below it show */
static int
news_thread_shown(news_thread_t *t, const news_comments_t *cs, size_t i,
    unsigned depth)
{
    size_t  c;
    int     shown;

    if (depth > NEWS_COMMENT_DEPTH) {
        return 0;
    }

    shown = cs->items[i].status == NEWS_COMMENT_VISIBLE;

    for (c = t->nodes[i].first; c != NEWS_NONE; c = t->nodes[c].next) {
        if (news_thread_shown(t, cs, c, depth + 1)) {
            shown = 1;
        }
    }

    if (cs->items[i].status == NEWS_COMMENT_PENDING) {
        shown = 0;
    }

    t->nodes[i].shown = shown;

    return shown;
}


static void
news_thread_free(news_thread_t *t)
{
    free(t->nodes);
    t->nodes = NULL;
}


unsigned
news_render_comment_pages(const news_comments_t *cs)
{
    unsigned       pages;
    news_thread_t  t;

    if (news_thread_build(&t, cs) != 0) {
        return 1;
    }

    pages = (unsigned) ((t.top_shown + NEWS_COMMENTS_PAGE - 1)
                        / NEWS_COMMENTS_PAGE);
    news_thread_free(&t);

    return pages ? pages : 1;
}


static void
news_render_comments(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, unsigned page)
{
    size_t         i, skip, count;
    unsigned       pages;
    news_thread_t  t;

    if (news_thread_build(&t, cs) != 0) {
        b->failed = 1;
        return;
    }

    if (t.top_shown == 0) {
        news_thread_free(&t);
        news_buf_addl(b, "<p class=\"no-comments\">No comments yet.</p>\n");
        return;
    }

    skip = (size_t) (page - 1) * NEWS_COMMENTS_PAGE;
    count = 0;

    news_buf_addl(b, "<ol class=\"comment-list\">\n");

    for (i = t.top_first; i != NEWS_NONE && count < NEWS_COMMENTS_PAGE;
         i = t.nodes[i].next)
    {
        if (!t.nodes[i].shown) {
            continue;
        }

        if (skip) {
            skip--;
            continue;
        }

        news_render_comment(b, a, cs, &t, i, 1);
        count++;
    }

    news_buf_addl(b, "</ol>\n");

    pages = (unsigned) ((t.top_shown + NEWS_COMMENTS_PAGE - 1)
                        / NEWS_COMMENTS_PAGE);
    news_thread_free(&t);

    if (pages < 2) {
        return;
    }

    news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Comment pages\">");

    if (page == 2) {
        news_buf_addf(b, "<a rel=\"prev\" href=\"articles/%s#comments\">"
                      "Earlier comments</a> ", a->slug);

    } else if (page > 2) {
        news_buf_addf(b, "<a rel=\"prev\" href=\"articles/%s?comments=%u"
                      "#comments\">Earlier comments</a> ", a->slug, page - 1);
    }

    if (page < pages) {
        news_buf_addf(b, "<a rel=\"next\" href=\"articles/%s?comments=%u"
                      "#comments\">Later comments</a>", a->slug, page + 1);
    }

    news_buf_addl(b, "</nav>\n");
}


static void
news_render_comment(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, const news_thread_t *t, size_t i,
    unsigned depth)
{
    size_t                 k;
    const news_comment_t  *c;

    c = &cs->items[i];

    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n",
                  (unsigned long long) c->id);

    if (c->status == NEWS_COMMENT_VISIBLE) {
        news_buf_addl(b, "<article>\n<p class=\"meta\">"
                      "<span class=\"author\">");
        news_html_escape(b, c->author, strlen(c->author));
        news_buf_addf(b, "</span> · <a href=\"articles/%s#comment-%llu\">",
                      a->slug, (unsigned long long) c->id);
        news_render_comment_time(b, c->created_at);
        news_buf_addl(b, "</a>");

        if (c->edited_at) {
            news_buf_addl(b, " · edited");
        }

        news_buf_addl(b, "</p>\n<div class=\"text\">");
        news_comment_html(b, c->body, strlen(c->body));
        news_buf_addl(b, "</div>\n");

        if (depth < NEWS_COMMENT_DEPTH && !a->comments_closed) {
            news_buf_addf(b, "<p class=\"actions\"><a href=\"articles/%s"
                          "?reply=%llu#comment-form\">Reply</a></p>\n",
                          a->slug, (unsigned long long) c->id);
        }

        news_buf_addl(b, "</article>\n");

    } else {
        news_buf_adds(b, c->status == NEWS_COMMENT_HIDDEN
                         ? "<p class=\"meta\">[removed by a moderator]</p>\n"
                         : "<p class=\"meta\">[deleted]</p>\n");
    }

    if (t->nodes[i].first != NEWS_NONE && depth < NEWS_COMMENT_DEPTH) {
        news_buf_addl(b, "<ol class=\"replies\">\n");

        for (k = t->nodes[i].first; k != NEWS_NONE; k = t->nodes[k].next) {
            if (t->nodes[k].shown) {
                news_render_comment(b, a, cs, t, k, depth + 1);
            }
        }

        news_buf_addl(b, "</ol>\n");
    }

    news_buf_addl(b, "</li>\n");
}


/* "27 November 2026, 10:04 UTC" in a <time> element */
static void
news_render_comment_time(news_buf_t *b, int64_t t)
{
    size_t  at;

    news_buf_addl(b, "<time datetime=\"");
    news_time_rfc3339(b, t);
    news_buf_addl(b, "\">");
    news_time_human(b, t);

    at = b->len;
    news_time_rfc3339(b, t);

    if (!b->failed && b->len - at >= 16) {
        /* keep "HH:MM" of "YYYY-MM-DDTHH:MM:SSZ" */
        memmove(b->data + at + 2, b->data + at + 11, 5);
        b->data[at] = ',';
        b->data[at + 1] = ' ';
        b->len = at + 7;
    }

    news_buf_addl(b, " UTC</time>");
}


void
news_render_pending_item(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c)
{
    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n"
                  "<p class=\"meta\"><span class=\"author\">",
                  (unsigned long long) c->id);
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addl(b, "</span> on <a href=\"articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a> · ");
    news_render_comment_time(b, c->created_at);
    news_buf_addl(b, "</p>\n<div class=\"text\">");
    news_comment_html(b, c->body, strlen(c->body));
    news_buf_addl(b, "</div>\n");
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


int
news_render_chrome(news_buf_t chrome[NEWS_CHROME_N], const char *site,
    size_t site_len, const char *prefix, size_t prefix_len)
{
    int          i;
    news_buf_t  *c;

    c = chrome;

    news_buf_addl(&c[NEWS_CHROME_OPEN],
                  "<!doctype html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<base href=\"");
    news_html_escape(&c[NEWS_CHROME_OPEN], prefix, prefix_len);
    news_buf_addl(&c[NEWS_CHROME_OPEN], "\">\n<title>");

    news_buf_addl(&c[NEWS_CHROME_TITLE_END], " · ");
    news_html_escape(&c[NEWS_CHROME_TITLE_END], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</title>\n<style>");
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], news_css);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</style>\n");

    news_buf_addl(&c[NEWS_CHROME_BODY],
                  "</head>\n<body>\n<a class=\"skip\" href=\"");

    news_buf_addl(&c[NEWS_CHROME_HEADER],
                  "#main\">Skip to content</a>\n<header class=\"site\">\n"
                  "<a class=\"brand\" href=\"./\">");
    news_html_escape(&c[NEWS_CHROME_HEADER], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_HEADER],
                  "</a>\n<nav aria-label=\"Account\">");

    news_buf_addl(&c[NEWS_CHROME_NAV_ANON],
                  "<a href=\"login\">Log in</a>"
                  "<a href=\"register\">Register</a>");

    news_buf_addl(&c[NEWS_CHROME_MAIN],
                  "</nav>\n</header>\n<main id=\"main\">\n");

    news_buf_addl(&c[NEWS_CHROME_CLOSE], "</main>\n<footer class=\"site\">"
                  "<p>");
    news_html_escape(&c[NEWS_CHROME_CLOSE], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_CLOSE], "</p></footer>\n</body>\n</html>\n");

    for (i = 0; i < NEWS_CHROME_N; i++) {
        if (c[i].failed) {
            return -1;
        }
    }

    return 0;
}


void
news_render_error_main(news_buf_t *b, int status, const char *title,
    const char *text)
{
    news_buf_addf(b, "<h1>%s</h1>\n<p>", title);
    news_html_escape(b, text, strlen(text));
    news_buf_addf(b, "</p>\n<p class=\"meta\">Error %d · "
                  "<a href=\"./\">Front page</a></p>\n", status);
}
