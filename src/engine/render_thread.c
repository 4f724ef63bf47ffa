/*
 * An article's comments drawn from their reply tree (render_tree.c): the
 * pages of threads under the article, and a thread's own page.  A page
 * shows NEWS_COMMENTS_PAGE threads and NEWS_THREAD_SHOWN replies of each;
 * replies nest NEWS_COMMENT_DEPTH deep.
 */

/* memmem (nginx's build does not define it) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"
#include "render_tree.h"
#include "text.h"


static void news_render_comment(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, const news_thread_t *t, size_t i,
    unsigned depth, size_t *room);
static void news_render_comment_article(news_buf_t *b,
    const news_article_t *a, const news_comment_t *c, unsigned depth);
static int news_render_thread(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs);
static void news_render_comment_page(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, news_thread_t *tree, unsigned page);
static void news_render_moderate(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const news_thread_t *t);


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


int
news_render_threads(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, size_t **at, uint64_t **ids, size_t *n)
{
    size_t         i, k, room;
    news_thread_t  t;

    *at = NULL;
    *ids = NULL;
    *n = 0;

    if (news_thread_build(&t, cs) != 0) {
        return -1;
    }

    for (i = t.top_first; i != NEWS_NONE; i = t.nodes[i].next) {
        (*n)++;
    }

    *at = malloc((*n + 1) * sizeof(size_t));
    *ids = malloc((*n ? *n : 1) * sizeof(uint64_t));

    if (*at == NULL || *ids == NULL) {
        news_thread_free(&t);
        free(*at);
        free(*ids);
        *at = NULL;
        *ids = NULL;
        return -1;
    }

    k = 0;

    for (i = t.top_first; i != NEWS_NONE; i = t.nodes[i].next, k++) {
        (*at)[k] = b->len;
        (*ids)[k] = cs->items[i].id;

        if (t.nodes[i].shown) {
            news_render_comment(b, a, cs, &t, i, 1, &room);
        }
    }

    (*at)[k] = b->len;
    news_thread_free(&t);

    return b->failed ? -1 : 0;
}


/*
 * A moderator's comment page, rendered when asked (never stored): its
 * own tree, in which hidden and held comments show too
 */
void
news_render_comments_staff(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, unsigned page, unsigned pages, int newest,
    int picks, const char *csrf, size_t csrf_len)
{
    size_t         i;
    news_thread_t  t;

    memset(&t, 0, sizeof(news_thread_t));
    t.staff = 1;

    if (news_thread_make(&t, cs) != 0) {
        b->failed = 1;
        return;
    }

    /* news_thread_make() counted with the public's rule: again */
    t.staff = 1;
    t.newest = newest;
    t.picks = picks;
    t.csrf = csrf;
    t.csrf_len = csrf_len;
    t.pages = pages;
    t.top_shown = 0;

    for (i = t.top_first; i != NEWS_NONE; i = t.nodes[i].next) {
        t.top_shown += news_thread_shown(&t, cs, i, 1);
    }

    news_render_comment_page(b, a, cs, &t, page);
}


/*
 * A moderator's page `page` of the threads of tree t, which it frees:
 * the shown threads lo .. hi in reading order, or the other way round
 * newest first (page 1 then ends with the latest thread); with t->pages,
 * every thread of the tree, which are that page's.
 */
static void
news_render_comment_page(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, news_thread_t *tree, unsigned page)
{
    size_t         i, n, s, lo, hi, room, top[NEWS_COMMENTS_PAGE];
    unsigned       pages;
    news_thread_t  t;

    t = *tree;

    if (t.top_shown == 0 && t.pages <= 1) {
        news_thread_free(&t);
        news_buf_addl(b, "<p class=\"no-comments\">No comments yet.</p>\n");
        return;
    }

    lo = (size_t) (page - 1) * NEWS_COMMENTS_PAGE;
    hi = lo + NEWS_COMMENTS_PAGE - 1;

    if (t.pages) {
        lo = 0;
        hi = NEWS_COMMENTS_PAGE - 1;

    } else if (t.newest) {
        hi = t.top_shown > lo ? t.top_shown - 1 - lo : 0;
        lo = hi >= NEWS_COMMENTS_PAGE - 1 ? hi - (NEWS_COMMENTS_PAGE - 1) : 0;

        if (t.top_shown <= (size_t) (page - 1) * NEWS_COMMENTS_PAGE) {
            lo = 1;
            hi = 0;
        }
    }

    n = 0;
    s = 0;

    for (i = t.top_first; i != NEWS_NONE && s <= hi; i = t.nodes[i].next) {
        if (!t.nodes[i].shown) {
            continue;
        }

        if (s >= lo) {
            top[n++] = i;
        }

        s++;
    }

    news_buf_addl(b, "<ol class=\"comment-list\">\n");

    for (s = 0; s < n; s++) {
        news_render_comment(b, a, cs, &t, top[t.newest ? n - 1 - s : s], 1,
                            &room);
    }

    news_buf_addl(b, "</ol>\n");

    pages = t.pages ? t.pages
                    : (unsigned) ((t.top_shown + NEWS_COMMENTS_PAGE - 1)
                                  / NEWS_COMMENTS_PAGE);
    news_thread_free(&t);

    news_render_comment_pager(b, a->slug, strlen(a->slug), page, pages,
                              t.newest);
}


/*
 * The links to the pages before and after, in the order shown; newest
 * first keeps ?sort=newest in them.
 */
void
news_render_comment_pager(news_buf_t *b, const char *slug, size_t slug_len,
    unsigned page, unsigned pages, int newest)
{
    int          n;
    const char  *sort, *sort_and;

    if (pages < 2) {
        return;
    }

    n = (int) slug_len;
    sort = newest ? "?sort=newest" : "";
    sort_and = newest ? "sort=newest&amp;" : "";

    news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Comment pages\">");

    if (page == 2) {
        news_buf_addf(b, "<a rel=\"prev\" href=\"" NEWS_ROUTE_ARTICLE
                      "%.*s%s#comments\">%s comments</a> ", n, slug, sort,
                      newest ? "Newer" : "Earlier");

    } else if (page > 2) {
        news_buf_addf(b, "<a rel=\"prev\" href=\"" NEWS_ROUTE_ARTICLE
                      "%.*s?%scomments=%u#comments\">%s comments</a> ",
                      n, slug, sort_and, page - 1,
                      newest ? "Newer" : "Earlier");
    }

    if (page < pages) {
        news_buf_addf(b, "<a rel=\"next\" href=\"" NEWS_ROUTE_ARTICLE
                      "%.*s?%scomments=%u#comments\">%s comments</a>",
                      n, slug, sort_and, page + 1, newest ? "Older" : "Later");
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
        news_render_comment_article(b, a, c, depth);

    } else if (t->staff && c->status != NEWS_COMMENT_DELETED) {
        news_buf_adds(b, c->status == NEWS_COMMENT_HIDDEN
                         ? "<div class=\"held\">\n<p class=\"label\">Hidden "
                           "by a moderator</p>\n"
                         : "<div class=\"held\">\n<p class=\"label\">"
                           "Awaiting moderation</p>\n");
        news_render_comment_article(b, a, c, depth);
        news_buf_addl(b, "</div>\n");

    } else {
        news_buf_adds(b, c->status == NEWS_COMMENT_HIDDEN
                         ? "<p class=\"meta\">[removed by a moderator]</p>\n"
                         : "<p class=\"meta\">[deleted]</p>\n");
    }

    if (t->staff && c->status != NEWS_COMMENT_DELETED) {
        news_render_moderate(b, a, c, t);
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
        news_buf_addf(b, "<p class=\"more-replies\"><a href=\""
                      NEWS_ROUTE_ARTICLE "%s?thread=%llu#comment-%llu\">"
                      "%zu more %s in this "
                      "thread</a></p>\n", a->slug,
                      (unsigned long long) c->id, (unsigned long long) c->id,
                      more, more == 1 ? "reply" : "replies");
    }

    news_buf_addl(b, "</li>\n");
}


/* a visible comment's own part: author, time, text, the reply link */
static void
news_render_comment_article(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, unsigned depth)
{
    news_buf_addl(b, "<article>\n<header class=\"meta\">"
                  "<h3 class=\"author\">");
    news_html_escape(b, c->author, strlen(c->author));
    /* links named for what they do: "Permalink to NAME's comment of ..." */
    news_buf_addf(b, "</h3> <a href=\"" NEWS_ROUTE_ARTICLE
                  "%s#comment-%llu\"><span class=\"vh\">Permalink to ",
                  a->slug, (unsigned long long) c->id);
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addl(b, "\xe2\x80\x99s comment of </span>");
    news_render_comment_time(b, c->created_at);
    news_buf_addl(b, "</a>");

    if (c->edited_at) {
        news_buf_addl(b, " <span>edited</span>");
    }

    news_buf_addl(b, "</header>\n<div class=\"text\">");
    news_comment_html(b, c->body, strlen(c->body));
    news_buf_addl(b, "</div>\n");

    news_buf_addl(b, "<p class=\"actions\">");

    if (depth < NEWS_COMMENT_DEPTH && !a->comments_closed) {
        news_buf_addf(b, "<a href=\"" NEWS_ROUTE_ARTICLE "%s?reply=%llu"
                      "#comment-form\">Reply<span class=\"vh\"> to ",
                      a->slug, (unsigned long long) c->id);
        news_html_escape(b, c->author, strlen(c->author));
        news_buf_addl(b, "</span></a> ");
    }

    /* a link to a form of its own: the page is the same for everyone */
    news_buf_addf(b, "<a href=\"" NEWS_ROUTE_COMMENT "%llu"
                  NEWS_ROUTE_REPORT_SUFFIX "\" rel=\"nofollow\">Report</a>"
                  "</p>\n</article>\n", (unsigned long long) c->id);
}


/*
 * A moderator's buttons under a comment: its number, Hide or Unhide (or
 * Approve for a held one) posted to the article's action route, which
 * comes back to #comment-N, and Delete, which asks first on a page of
 * its own.  Each names its comment for a screen reader.
 */
static void
news_render_moderate(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const news_thread_t *t)
{
    const char  *action, *label;

    action = c->status == NEWS_COMMENT_VISIBLE ? "hide"
             : c->status == NEWS_COMMENT_HIDDEN ? "unhide" : "approve";
    label = c->status == NEWS_COMMENT_VISIBLE ? "Hide"
            : c->status == NEWS_COMMENT_HIDDEN ? "Unhide" : "Approve";

    news_buf_addf(b, "<form class=\"moderate\" method=\"post\" action=\""
                  NEWS_ROUTE_ARTICLE "%s" NEWS_ROUTE_ACTION_SUFFIX "\">"
                  "<input type=\"hidden\" name=\"csrf\" value=\"%.*s\">"
                  "<input type=\"hidden\" name=\"id\" value=\"%llu\">"
                  "<span class=\"meta\">No. %llu</span> "
                  "<button name=\"action\" value=\"%s\">%s<span "
                  "class=\"vh\"> comment %llu</span></button> ",
                  a->slug, (int) t->csrf_len, t->csrf,
                  (unsigned long long) c->id, (unsigned long long) c->id,
                  action, label, (unsigned long long) c->id);

    /* an editor's pick: a visible comment, and unpicking any */
    if (t->picks && (c->featured || c->status == NEWS_COMMENT_VISIBLE)) {
        news_buf_addf(b, "<button name=\"action\" value=\"%s\">%s<span "
                      "class=\"vh\"> comment %llu</span></button> ",
                      c->featured ? "unfeature" : "feature",
                      c->featured ? "Unfeature" : "Feature",
                      (unsigned long long) c->id);
    }

    news_buf_addf(b, "<a href=\"" NEWS_ROUTE_ARTICLE "%s?delete=%llu\">Delete"
                  "<span class=\"vh\"> comment %llu</span></a></form>\n",
                  a->slug, (unsigned long long) c->id,
                  (unsigned long long) c->id);
}


/*
 * One visible comment as its thread shows it (without its replies), for
 * a live stream: a page open in a browser inserts it where a reload
 * would show it.
 */
void
news_render_live_comment(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c)
{
    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n",
                  (unsigned long long) c->id);
    news_render_comment_article(b, a, c, c->depth);
    news_buf_addl(b, "</li>\n");
}


static int
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


int
news_render_thread_page(news_buf_t *b, const news_article_t *a,
    const news_str_t *title, uint64_t id, const news_comments_t *cs)
{
    int  rc;

    news_buf_addl(b, "<h1>A thread on <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_buf_add(b, title->data, title->len);
    news_buf_addl(b, "</a></h1>\n<section class=\"comments\" "
                  "id=\"comments\">\n");

    rc = news_render_thread(b, a, cs);
    if (rc != 0) {
        return rc;
    }

    news_buf_addf(b, "</section>\n<p><a href=\"" NEWS_ROUTE_ARTICLE
                  "%s#comment-%llu\">Back to the article</a></p>\n",
                  a->slug, (unsigned long long) id);

    return b->failed ? -1 : 0;
}


/*
 * A comment page is written here: comment id's own part ends with the
 * first "</article>\n" after its "<li ... id=\"comment-ID\">" (the
 * comment's text is escaped, so it holds no quote or tag of ours).
 */
ssize_t
news_render_reply_point(const char *page, size_t n, uint64_t id)
{
    int          len;
    const char  *at, *end;
    char         anchor[sizeof("id=\"comment-\">") + 20];

    static const char  close[] = "</article>\n";

    len = snprintf(anchor, sizeof(anchor), "id=\"comment-%llu\">",
                   (unsigned long long) id);

    at = memmem(page, n, anchor, (size_t) len);
    if (at == NULL) {
        return -1;
    }

    /* every comment's <li> holds its </article>: a damaged page only */
    end = memmem(at, n - (size_t) (at - page), close, sizeof(close) - 1);
    if (end == NULL) {
        return -1;
    }

    return (end - page) + (ssize_t) sizeof(close) - 1;
}


/*
 * The editors' picks above the thread: the visible featured comments in
 * the order they were written, each labelled and linking to its place
 * in the thread; nothing when there are none.  Stored as the article's
 * NEWS_FRAG_FEATURED, rendered again with its comment pages.
 */
void
news_render_featured(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs)
{
    size_t                 i, n;
    const news_comment_t  *c;

    n = 0;

    for (i = 0; cs != NULL && i < cs->n; i++) {
        c = &cs->items[i];

        if (!c->featured || c->status != NEWS_COMMENT_VISIBLE) {
            continue;
        }

        if (n++ == 0) {
            news_buf_addl(b, "<section class=\"featured\" "
                          "aria-labelledby=\"featured-h\">\n"
                          "<h3 id=\"featured-h\">Editors\xe2\x80\x99 picks"
                          "</h3>\n<ol class=\"comment-list\">\n");
        }

        news_buf_addl(b, "<li class=\"comment\">\n<p class=\"label\">"
                      "Editors\xe2\x80\x99 pick</p>\n");
        news_render_comment_article(b, a, c, c->depth);
        news_buf_addl(b, "</li>\n");
    }

    if (n) {
        news_buf_addl(b, "</ol>\n</section>\n");
    }
}


/*
 * The comments' order, the one shown marked: oldest first is the plain
 * page (what the canonical link names), newest first ?sort=newest.
 */
void
news_render_comment_sort(news_buf_t *b, const char *slug, size_t slug_len,
    int newest)
{
    news_buf_addl(b, "<p class=\"sort\">Order: <a href=\""
                  NEWS_ROUTE_ARTICLE);
    news_buf_add(b, slug, slug_len);
    news_buf_adds(b, newest ? "#comments\">" : "#comments\" "
                              "aria-current=\"page\">");
    news_buf_addl(b, "Oldest first</a> \xc2\xb7 <a href=\""
                  NEWS_ROUTE_ARTICLE);
    news_buf_add(b, slug, slug_len);
    news_buf_adds(b, newest ? "?sort=newest#comments\" aria-current=\"page\">"
                            : "?sort=newest#comments\">");
    news_buf_addl(b, "Newest first</a></p>\n");
}


/*
 * Newest-first page `page` of `pages` from the stored pages' threads
 * th[lo .. hi] (counted across the pages, oldest first: reader.c's
 * news_read_newest): a copy of stored bytes, no comment rendered.
 */
void
news_render_comments_newest(news_buf_t *b, const char *slug,
    size_t slug_len, const news_str_t *th, size_t lo, size_t hi,
    unsigned page, unsigned pages)
{
    size_t  k;

    news_buf_addl(b, "<ol class=\"comment-list\">\n");

    for (k = hi + 1; k-- > lo; /* void */) {
        news_buf_add(b, th[k].data, th[k].len);
    }

    news_buf_addl(b, "</ol>\n");
    news_render_comment_pager(b, slug, slug_len, page, pages, 1);
}
