/*
 * Rendering at write time: article fragments, Markdown, the site chrome.
 * Every byte that came from a user or the store is escaped here for the
 * context it lands in (HTML text and attributes, JSON).
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmark.h>

#include "render.h"
#include "sha256.h"
#include "text.h"


/*
 * Our one stylesheet, inline: a page is one request and paints at once,
 * and at under 5 KB (about 1.5 KB gzipped) it costs less than the round
 * trip a stylesheet URL would add on a first visit.  The CSP allows
 * exactly these bytes by their hash (news_render_style_hash), computed
 * when the configuration is read; no 'unsafe-inline'.
 *
 * Colours meet WCAG AA (most reach AAA) in both schemes: text #1a1a1a,
 * muted #595959 (7.0:1), links #0b57a4 (7.2:1), errors #b00020 (7.2:1) on
 * white; #e8e6e3, #a8a8a8 (8.0:1), #8ab4f8 (8.9:1), #ff8a80 (8.2:1) on
 * #121212.  The text column is 40rem (about 70 characters a line).
 */
static const char  news_css[] =
    ":root{color-scheme:light dark;--fg:#1a1a1a;--muted:#595959;--bg:#fff;"
    "--soft:#f3f3f1;--line:#d4d4d4;--link:#0b57a4;--on-link:#fff;"
    "--err:#b00020;--sans:system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif}@media (prefers-color-scheme:dark){:root{--fg:#e8e6e3;"
    "--muted:#a8a8a8;--bg:#121212;--soft:#1f1f1f;--line:#3d3d3d;"
    "--link:#8ab4f8;--on-link:#121212;--err:#ff8a80}}*,::before,::after{"
    "box-sizing:border-box}body{margin:0;background:var(--bg);"
    "color:var(--fg);font:1.125rem/1.65 Georgia,'DejaVu Serif',"
    "'Times New Roman',serif}a{color:var(--link);"
    "text-underline-offset:.15em}:focus-visible{"
    "outline:3px solid var(--link);outline-offset:2px}.skip{"
    "position:absolute;left:.5rem;top:-5rem;z-index:1;padding:.5rem 1rem;"
    "background:var(--bg);border:2px solid var(--link);"
    "border-radius:.25rem;font:1rem var(--sans)}.skip:focus{top:.5rem}"
    "header.site,main,footer.site{max-width:40rem;margin:0 auto;"
    "padding:0 1.25rem}header.site{display:flex;flex-wrap:wrap;"
    "gap:.25rem 1.25rem;justify-content:space-between;align-items:center;"
    "padding-top:.5rem;padding-bottom:.5rem;"
    "border-bottom:1px solid var(--line);font-family:var(--sans)}.brand{"
    "display:inline-flex;align-items:center;gap:.5rem;padding:.25rem 0;"
    "font-weight:700;font-size:1.375rem;line-height:1.2;color:var(--fg);"
    "text-decoration:none}.brand img{height:2rem;width:auto}nav{"
    "display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem;"
    "font-size:1rem}nav a{display:inline-block;padding:.5rem 0}nav form{"
    "margin:0}.user{color:var(--muted)}h1,h2,h3{line-height:1.2;"
    "font-weight:700}h1{font-size:2rem;margin:2rem 0 .75rem;"
    "letter-spacing:-.01em}h2{font-size:1.5rem;margin:2.25rem 0 .5rem}h3{"
    "font-size:1.25rem;margin:1.5rem 0 .5rem}@media (min-width:48rem){h1{"
    "font-size:2.5rem}}p,ul,ol,blockquote,pre{margin:0 0 1.1em}.standfirst{"
    "font-size:1.3125rem;line-height:1.45;color:var(--muted);"
    "margin:0 0 1rem}.byline,.meta{font:.9375rem/1.5 var(--sans);"
    "color:var(--muted)}.story header .byline{padding-bottom:1rem;"
    "border-bottom:1px solid var(--line);margin-bottom:1.75rem}"
    ".body blockquote{padding-left:1rem;border-left:4px solid var(--line);"
    "font-style:italic}.body img{max-width:100%;height:auto}.body pre{"
    "overflow-x:auto;padding:1rem;background:var(--soft)}.teasers{"
    "list-style:none;margin:0;padding:0}.teasers li{padding:1.25rem 0;"
    "border-bottom:1px solid var(--line)}.teasers h2{font-size:1.375rem;"
    "margin:0 0 .375rem}.teasers h2 a{color:var(--fg);text-decoration:none}"
    ".teasers h2 a:hover{text-decoration:underline}.teasers p{"
    "margin:0 0 .375rem}.pager{display:flex;flex-wrap:wrap;gap:1.5rem;"
    "margin:1.5rem 0;font-family:var(--sans)}.pager a{display:inline-block;"
    "padding:.5rem 0}.comments{margin-top:3rem;"
    "border-top:2px solid var(--fg)}.comment-list,.replies{list-style:none;"
    "margin:0;padding:0}.comment{margin:1rem 0 0}.comment>article{"
    "padding:.75rem 1rem;background:var(--soft);border-radius:.5rem}"
    ".comment>p.meta{margin:0;font-style:italic}.comment header a{"
    "color:var(--muted)}.comment header{display:flex;flex-wrap:wrap;"
    "gap:0 .75rem;align-items:baseline;margin:0 0 .25rem}.comment h3{"
    "margin:0;font:700 1rem/1.5 var(--sans);color:var(--fg)}.comment .text{"
    "font-size:1.0625rem}.comment .text p{margin:0 0 .5em}.replies{"
    "margin-left:.5rem;padding-left:.75rem;"
    "border-left:2px solid var(--line)}@media (min-width:40rem){.replies{"
    "margin-left:1rem;padding-left:1.25rem}}.actions{margin:.25rem 0 0;"
    "font:.9375rem var(--sans)}.actions a{display:inline-block;"
    "padding:.25rem 0}label{display:block;margin:0 0 .25rem;"
    "font:600 1rem var(--sans)}input:not([type=hidden]),textarea{"
    "display:block;width:100%;max-width:26rem;padding:.5rem .625rem;"
    "font:1rem var(--sans);color:var(--fg);background:var(--bg);"
    "border:1px solid var(--muted);border-radius:.25rem}textarea{"
    "max-width:none;min-height:6rem;font-family:inherit;resize:vertical}"
    "[aria-invalid=true]{border:2px solid var(--err)}.error{display:block;"
    "margin:.25rem 0 0;color:var(--err);font:600 .9375rem var(--sans)}"
    "p.error{margin:0 0 1.25rem;padding:.75rem 1rem;"
    "border-left:4px solid var(--err);background:var(--soft)}button{"
    "min-height:2.5rem;padding:.5rem 1.125rem;font:600 1rem var(--sans);"
    "color:var(--link);background:transparent;border:2px solid var(--link);"
    "border-radius:.375rem;cursor:pointer}button[type=submit],"
    "button[value=approve]{color:var(--on-link);background:var(--link)}"
    "nav [type=submit],button[value=delete]{color:var(--link);"
    "background:transparent}form.account{max-width:26rem}form.account p,"
    ".comment-form,.comment-edit{margin:0 0 1.25rem}.comment-form,"
    ".comment-edit{margin-top:1.5rem}.comment-form button,"
    ".comment-edit button{margin-top:.5rem}footer.site{margin-top:4rem;"
    "padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line);"
    "font:.9375rem var(--sans);color:var(--muted)}.topics{"
    "font:.9375rem var(--sans)}.topics a{display:inline-block;"
    "padding:.25rem 0}.recent-h{font:700 1.125rem var(--sans);"
    "margin:2rem 0 0}@media print{:root{--fg:#000;--muted:#333;--bg:#fff;"
    "--link:#000;--soft:#fff}body{font-size:11pt}header.site,footer.site,"
    ".skip,.comments,.pager,form{display:none}main{max-width:none;"
    "padding:0}.body a[href^=\"http\"]::after{content:\" (\" attr(href) \")\";"
    "font-size:.85em}h1,h2,h3{break-after:avoid}p{orphans:3;widows:3}}";


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
    int           cached;       /* nodes belong to the comments' cache */
} news_thread_t;


typedef struct {
    uint64_t  id;
    size_t    index;
} news_by_id_t;


static int news_by_id_cmp(const void *a, const void *b);
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
    unsigned depth, size_t *room);
static size_t news_thread_replies(const news_thread_t *t, size_t i);
static int news_thread_build(news_thread_t *t, const news_comments_t *cs);
static int news_thread_make(news_thread_t *t, const news_comments_t *cs);
static int news_thread_shown(news_thread_t *t, const news_comments_t *cs,
    size_t i, unsigned depth);
static void news_thread_free(news_thread_t *t);
static void news_render_comment_time(news_buf_t *b, int64_t t);
static void news_render_byline(news_buf_t *b, const news_article_t *a);
static void news_render_json(news_buf_t *b, const news_article_t *a,
    int with_body);
static void news_render_teaser(news_buf_t *b, const news_article_t *a);
static void news_render_time(news_buf_t *b, int64_t t);
static void news_render_seo(news_buf_t *b, const news_article_t *a);
static void news_render_body(news_buf_t *b, const news_article_t *a);
static void news_render_topics(news_buf_t *b, const news_article_t *a);
static int news_render_topic_link(news_buf_t *b, const char *dir,
    const char *name, int first);
static void news_render_atom_entry(news_buf_t *b, const news_article_t *a);
static void news_render_sitemap_url(news_buf_t *b, const news_article_t *a);


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

    case NEWS_FRAG_ATOM:
        news_render_page_header(b, a, 1);
        at = news_render_part_begin(b);
        news_render_atom_entry(b, a);
        news_render_part_end(b, at);
        break;

    case NEWS_FRAG_SITEMAP:
        news_render_page_header(b, a, 1);
        at = news_render_part_begin(b);
        news_render_sitemap_url(b, a);
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
    news_render_seo(b, a);
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
    news_render_topics(b, a);

    news_buf_addl(b, "</header>\n<div class=\"body\">\n");
    news_render_body(b, a);
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
        n += news_render_topic_link(b, "sections/", a->section, 1);
    }

    for (i = 0; i < a->ntags; i++) {
        n += news_render_topic_link(b, "tags/", a->tags[i], n == 0);
    }

    if (n == 0) {
        b->len = at;
        return;
    }

    news_buf_addl(b, "</p>\n");
}


static int
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
news_thread_make(news_thread_t *t, const news_comments_t *cs)
{
    int             sorted;
    size_t          i, p;
    news_by_id_t   *by_id, key, *hit;

    t->top_first = NEWS_NONE;
    t->top_last = NEWS_NONE;
    t->top_shown = 0;
    t->nodes = NULL;
    t->cached = 0;

    if (cs == NULL || cs->n == 0) {
        return 0;
    }

    t->nodes = malloc(cs->n * sizeof(news_node_t));
    by_id = malloc(cs->n * sizeof(news_by_id_t));

    if (t->nodes == NULL || by_id == NULL) {
        free(t->nodes);
        free(by_id);
        t->nodes = NULL;
        return -1;
    }

    /*
     * Parents are found by id in O(log n): threads can be long.  Comments
     * come in time order, which is id order but for imports: sort only
     * when it is not.
     */
    sorted = 1;

    for (i = 0; i < cs->n; i++) {
        by_id[i].id = cs->items[i].id;
        by_id[i].index = i;

        if (i && by_id[i].id < by_id[i - 1].id) {
            sorted = 0;
        }
    }

    if (!sorted) {
        qsort(by_id, cs->n, sizeof(news_by_id_t), news_by_id_cmp);
    }

    for (i = 0; i < cs->n; i++) {
        t->nodes[i].first = NEWS_NONE;
        t->nodes[i].last = NEWS_NONE;
        t->nodes[i].next = NEWS_NONE;
        t->nodes[i].shown = 0;
    }

    for (i = 0; i < cs->n; i++) {
        p = NEWS_NONE;
        key.id = cs->items[i].parent;

        hit = key.id ? bsearch(&key, by_id, cs->n, sizeof(news_by_id_t),
                               news_by_id_cmp)
                     : NULL;

        /* a reply comes after its parent; anything else is a top */
        if (hit != NULL && hit->index < i) {
            p = hit->index;
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

    free(by_id);

    for (i = t->top_first; i != NEWS_NONE; i = t->nodes[i].next) {
        if (news_thread_shown(t, cs, i, 1)) {
            t->top_shown++;
        }
    }

    return 0;
}


static int
news_by_id_cmp(const void *a, const void *b)
{
    const news_by_id_t  *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
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


/*
 * The reply tree of a set of comments, built once: a write renders
 * several pages of the same comments, and each needs the tree.
 */
static int
news_thread_build(news_thread_t *t, const news_comments_t *cs)
{
    news_thread_t  *cache;

    if (cs != NULL && cs->tree != NULL) {
        *t = *(news_thread_t *) cs->tree;
        return 0;
    }

    if (news_thread_make(t, cs) != 0) {
        return -1;
    }

    if (cs == NULL || t->nodes == NULL) {
        return 0;
    }

    cache = malloc(sizeof(news_thread_t));
    if (cache == NULL) {
        return 0;
    }

    t->cached = 1;
    *cache = *t;
    ((news_comments_t *) cs)->tree = cache;

    return 0;
}


static void
news_thread_free(news_thread_t *t)
{
    if (!t->cached) {
        free(t->nodes);
    }

    t->nodes = NULL;
}


void
news_render_tree_free(void *tree)
{
    news_thread_t  *t = tree;

    if (t == NULL) {
        return;
    }

    free(t->nodes);
    free(t);
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


unsigned
news_render_comment_page_of(const news_comments_t *cs, uint64_t id)
{
    size_t         i, j, root, pos;
    unsigned       depth;
    news_thread_t  t;

    for (i = 0; i < cs->n && cs->items[i].id != id; i++) {
        /* void */
    }

    if (i == cs->n || news_thread_build(&t, cs) != 0) {
        return 0;
    }

    /* up to the thread's top: parents come before their replies */
    root = i;

    for (depth = 0; cs->items[root].parent && depth <= NEWS_COMMENT_DEPTH;
         depth++)
    {
        for (j = root; j-- > 0; /* void */) {
            if (cs->items[j].id == cs->items[root].parent) {
                break;
            }
        }

        if (j == (size_t) -1) {
            break;
        }

        root = j;
    }

    pos = 0;

    for (j = t.top_first; j != NEWS_NONE && j != root; j = t.nodes[j].next) {
        pos += t.nodes[j].shown;
    }

    news_thread_free(&t);

    return (unsigned) (pos / NEWS_COMMENTS_PAGE) + 1;
}


static void
news_render_comments(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, unsigned page)
{
    size_t         i, skip, count, room;
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

        news_render_comment(b, a, cs, &t, i, 1, &room);
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


/*
 * A comment and its replies.  `room` is how many more replies of its
 * thread an article page shows (NEWS_THREAD_SHOWN, in reading order);
 * the thread's top says how many more its own page holds.  A thread
 * page shows them all (room NULL).
 */
static void
news_render_comment(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, const news_thread_t *t, size_t i,
    unsigned depth, size_t *room)
{
    size_t                 k, more;
    const news_comment_t  *c;

    c = &cs->items[i];

    if (depth == 1 && room != NULL) {
        *room = NEWS_THREAD_SHOWN;
    }

    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n",
                  (unsigned long long) c->id);

    if (c->status == NEWS_COMMENT_VISIBLE) {
        news_buf_addl(b, "<article>\n<header class=\"meta\">"
                      "<h3 class=\"author\">");
        news_html_escape(b, c->author, strlen(c->author));
        news_buf_addf(b, "</h3> <a href=\"articles/%s#comment-%llu\">",
                      a->slug, (unsigned long long) c->id);
        news_render_comment_time(b, c->created_at);
        news_buf_addl(b, "</a>");

        if (c->edited_at) {
            news_buf_addl(b, " <span>edited</span>");
        }

        news_buf_addl(b, "</header>\n<div class=\"text\">");
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

    if (t->nodes[i].first != NEWS_NONE && depth < NEWS_COMMENT_DEPTH
        && (room == NULL || *room > 0))
    {
        news_buf_addl(b, "<ol class=\"replies\">\n");

        for (k = t->nodes[i].first; k != NEWS_NONE; k = t->nodes[k].next) {
            if (!t->nodes[k].shown) {
                continue;
            }

            if (room != NULL && *room == 0) {
                break;
            }

            if (room != NULL) {
                (*room)--;
            }

            news_render_comment(b, a, cs, t, k, depth + 1, room);
        }

        news_buf_addl(b, "</ol>\n");
    }

    more = (depth == 1 && room != NULL)
           ? news_thread_replies(t, i) - (NEWS_THREAD_SHOWN - *room) : 0;

    if (more) {
        news_buf_addf(b, "<p class=\"more-replies\"><a href=\"articles/%s"
                      "?thread=%llu#comment-%llu\">%zu more %s in this "
                      "thread</a></p>\n", a->slug,
                      (unsigned long long) c->id, (unsigned long long) c->id,
                      more, more == 1 ? "reply" : "replies");
    }

    news_buf_addl(b, "</li>\n");
}


/* the replies shown below comment i, at every depth */
static size_t
news_thread_replies(const news_thread_t *t, size_t i)
{
    size_t  k, n;

    n = 0;

    for (k = t->nodes[i].first; k != NEWS_NONE; k = t->nodes[k].next) {
        if (t->nodes[k].shown) {
            n += 1 + news_thread_replies(t, k);
        }
    }

    return n;
}


int
news_render_thread(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs)
{
    news_thread_t  t;

    if (news_thread_build(&t, cs) != 0) {
        return -1;
    }

    if (t.top_first == NEWS_NONE || !t.nodes[t.top_first].shown) {
        news_thread_free(&t);
        return 1;
    }

    news_buf_addl(b, "<ol class=\"comment-list\">\n");
    news_render_comment(b, a, cs, &t, t.top_first, 1, NULL);
    news_buf_addl(b, "</ol>\n");
    news_thread_free(&t);

    return b->failed ? -1 : 0;
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


/*
 * What search engines and link previews read: the canonical URL, the
 * description, OpenGraph and Twitter card tags, and JSON-LD NewsArticle.
 * The JSON-LD is a data block, which a CSP without script sources allows.
 */
static void
news_render_seo(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<link rel=\"canonical\" href=\"\x01" "articles/");
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
                  "articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">\n<meta property=\"og:site_name\" content=\"\x02\">\n"
                  "<meta property=\"article:published_time\" content=\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\">\n<meta property=\"article:modified_time\" "
                  "content=\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "\">\n<meta name=\"twitter:card\" content=\"summary\">\n"
                  "<script type=\"application/ld+json\">"
                  "{\"@context\":\"https://schema.org\","
                  "\"@type\":\"NewsArticle\",\"headline\":");
    news_json_string(b, a->title, strlen(a->title));
    news_buf_addl(b, ",\"description\":");
    news_json_string(b, a->subtitle, strlen(a->subtitle));
    news_buf_addl(b, ",\"datePublished\":\"");
    news_time_rfc3339(b, a->published_at);
    news_buf_addl(b, "\",\"dateModified\":\"");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "\",\"mainEntityOfPage\":\"\x01" "articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\",\"author\":{\"@type\":\"Person\",\"name\":");
    news_json_string(b, a->author[0] ? a->author : "Staff",
                     a->author[0] ? strlen(a->author) : 5);
    news_buf_addl(b, "},\"publisher\":{\"@type\":\"Organization\","
                  "\"name\":\"\x03\"}}</script>\n");
}


static void
news_render_atom_entry(news_buf_t *b, const news_article_t *a)
{
    unsigned    i;
    news_buf_t  html;

    news_buf_addl(b, "<entry>\n<title>");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</title>\n<link rel=\"alternate\" type=\"text/html\" "
                  "href=\"\x01" "articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\"/>\n<id>\x01" "articles/");
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


static void
news_render_sitemap_url(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<url><loc>\x01" "articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "</loc><lastmod>");
    news_time_rfc3339(b, a->updated_at);
    news_buf_addl(b, "</lastmod></url>\n");
}


void
news_render_expand(news_buf_t *b, const char *s, size_t n,
    const news_str_t *marks)
{
    size_t  i, start;

    for (i = 0, start = 0; i < n; i++) {
        if ((unsigned char) s[i] < NEWS_MARK_BASE
            || (unsigned char) s[i] > NEWS_MARKS)
        {
            continue;
        }

        news_buf_add(b, s + start, i - start);
        news_buf_add(b, marks[s[i] - 1].data, marks[s[i] - 1].len);
        start = i + 1;
    }

    news_buf_add(b, s + start, n - start);
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


/* the body as HTML: rendered once per write when the caller did so */
static void
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
 * The favicon: a data: URI, so that no request is made for it and no
 * /favicon.ico 404 shows in the console, whatever the location's prefix.
 */
#define NEWS_FAVICON                                                          \
    "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'"         \
    "%20viewBox='0%200%2032%2032'%3E%3Crect%20width='32'%20height='32'"       \
    "%20rx='6'%20fill='%230b57a4'/%3E%3Cpath%20d='M9%2024V8h3.2l7.6%2011V8"   \
    "H23v16h-3.2L12.2%2013v11z'%20fill='%23fff'/%3E%3C/svg%3E"


static void
news_base64(news_buf_t *b, const unsigned char *p, size_t n)
{
    size_t    i;
    uint32_t  v;

    static const char  d[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (i = 0; i + 2 < n; i += 3) {
        v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];
        news_buf_addc(b, d[v >> 18]);
        news_buf_addc(b, d[(v >> 12) & 63]);
        news_buf_addc(b, d[(v >> 6) & 63]);
        news_buf_addc(b, d[v & 63]);
    }

    if (i < n) {
        v = (uint32_t) p[i] << 16 | (i + 1 < n ? (uint32_t) p[i + 1] << 8 : 0);
        news_buf_addc(b, d[v >> 18]);
        news_buf_addc(b, d[(v >> 12) & 63]);
        news_buf_addc(b, i + 1 < n ? d[(v >> 6) & 63] : '=');
        news_buf_addc(b, '=');
    }
}


const char *
news_render_url_check(const char *u, size_t n)
{
    size_t  i;

    if (n == 0 || n > 1024) {
        return "must be 1 to 1024 bytes";
    }

    for (i = 0; i < n; i++) {
        if ((unsigned char) u[i] <= 0x20 || (unsigned char) u[i] >= 0x7f
            || strchr("\"'<>\\`;,{}|^", u[i]) != NULL)
        {
            return "must be a URL of printable ASCII without spaces, quotes, "
                   "\"<>\\`;,{}|^\" (percent-encode the rest)";
        }
    }

    if (n >= 2 && u[0] == '/' && u[1] == '/') {
        return "must be a path or an http:// or https:// URL, "
               "not scheme-relative";
    }

    for (i = 0; i < n && u[i] != '/' && u[i] != '?' && u[i] != '#'; i++) {
        if (u[i] != ':') {
            continue;
        }

        if (!((i == 4 && strncasecmp(u, "http", 4) == 0)
              || (i == 5 && strncasecmp(u, "https", 5) == 0))
            || n < i + 4 || u[i + 1] != '/' || u[i + 2] != '/'
            || u[i + 3] == '/')
        {
            return "must be a path or an http:// or https:// URL";
        }

        break;
    }

    return NULL;
}


/* a CSP source for a checked URL: the URL itself (no query), or 'self' */
static void
news_render_csp_source(news_buf_t *b, const char *u, size_t n)
{
    size_t  i;

    if (n == 0) {
        return;
    }

    if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8)
        != 0)
    {
        news_buf_addl(b, " 'self'");
        return;
    }

    for (i = 0; i < n && u[i] != '?' && u[i] != '#'; i++) {
        /* void */
    }

    news_buf_addc(b, ' ');
    news_buf_add(b, u, i);
}


void
news_render_csp(news_buf_t *b, const char *logo, size_t logo_len,
    const char *css, size_t css_len)
{
    unsigned char  h[NEWS_SHA256_LEN];

    news_sha256(news_css, sizeof(news_css) - 1, h);

    news_buf_addl(b, "default-src 'none'; style-src 'sha256-");
    news_base64(b, h, sizeof(h));
    news_buf_addc(b, '\'');
    news_render_csp_source(b, css, css_len);
    news_buf_addl(b, "; img-src 'self' data:");
    news_render_csp_source(b, logo, logo_len);
    /*
     * connect-src 'self' lets tools that fetch in the page's context
     * (Lighthouse reads robots.txt so) reach the site; with no script
     * source nothing of the page's own can connect anyway
     */
    news_buf_addl(b, "; connect-src 'self'; form-action 'self'; "
                  "base-uri 'self'; frame-ancestors 'none'");
}


int
news_render_chrome(news_buf_t chrome[NEWS_CHROME_N], const char *site,
    size_t site_len, const char *prefix, size_t prefix_len, const char *logo,
    size_t logo_len, const char *css, size_t css_len)
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
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</title>\n"
                  "<meta name=\"theme-color\" content=\"#ffffff\" "
                  "media=\"(prefers-color-scheme: light)\">\n"
                  "<meta name=\"theme-color\" content=\"#121212\" "
                  "media=\"(prefers-color-scheme: dark)\">\n"
                  "<link rel=\"icon\" href=\"" NEWS_FAVICON "\">\n<style>");
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], news_css);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</style>\n");

    if (css_len) {
        news_buf_addl(&c[NEWS_CHROME_TITLE_END],
                      "<link rel=\"stylesheet\" href=\"");
        news_html_escape(&c[NEWS_CHROME_TITLE_END], css, css_len);
        news_buf_addl(&c[NEWS_CHROME_TITLE_END], "\">\n");
    }

    news_buf_addl(&c[NEWS_CHROME_BODY],
                  "</head>\n<body>\n<a class=\"skip\" href=\"");

    news_buf_addl(&c[NEWS_CHROME_HEADER],
                  "#main\">Skip to content</a>\n<header class=\"site\">\n"
                  "<a class=\"brand\" href=\"./\">");

    if (logo_len) {
        /* decorative: the site's name follows as text */
        news_buf_addl(&c[NEWS_CHROME_HEADER], "<img src=\"");
        news_html_escape(&c[NEWS_CHROME_HEADER], logo, logo_len);
        news_buf_addl(&c[NEWS_CHROME_HEADER], "\" alt=\"\" height=\"32\">");
    }

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
    news_buf_addl(b, "<h1>");
    news_html_escape(b, title, strlen(title));
    news_buf_addl(b, "</h1>\n<p>");
    news_html_escape(b, text, strlen(text));
    news_buf_addf(b, "</p>\n<p class=\"meta\">Error %d · "
                  "<a href=\"./\">Front page</a></p>\n", status);
}
