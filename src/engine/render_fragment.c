/*
 * The stored page format ("page value", see render.h): reading one,
 * writing the fragment of each kind, and filling in its markers at
 * request time.  What goes inside each part is the other render files'.
 */

#include <string.h>

#include "render_internal.h"
#include "text.h"


static void news_render_page_header(news_buf_t *b, const news_article_t *a,
    unsigned nparts);
static size_t news_render_part_begin(news_buf_t *b);
static void news_render_part_end(news_buf_t *b, size_t at);
static void news_render_page(news_buf_t *b, const news_article_t *a);
static void news_render_json_parts(news_buf_t *b, const news_article_t *a);
static void news_render_featured_parts(news_buf_t *b,
    const news_article_t *a, const news_comments_t *cs);
static void news_render_comment_stored(news_buf_t *b,
    const news_article_t *a, unsigned page, unsigned pages,
    const news_str_t *th, const uint64_t *ids, size_t n, int threads);


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
        news_render_page(b, a);
        return b->failed ? -1 : 0;

    case NEWS_FRAG_JSON:
        news_render_json_parts(b, a);
        return b->failed ? -1 : 0;

    case NEWS_FRAG_FEATURED:
        news_render_featured_parts(b, a, cs);
        return b->failed ? -1 : 0;

    /* a page's threads are written alone (news_render_comment_value) */
    case NEWS_FRAG_COMMENTS:
        news_render_comment_value(b, a, page, page, NULL, NULL, 0);
        return b->failed ? -1 : 0;

    case NEWS_FRAG_SUMMARY:
    case NEWS_FRAG_TEASER:
    case NEWS_FRAG_ATOM:
    case NEWS_FRAG_SITEMAP:
        break;

    default:
        return -1;
    }

    /* every other kind is one part */
    news_render_page_header(b, a, 1);
    at = news_render_part_begin(b);

    switch (kind) {

    case NEWS_FRAG_SUMMARY:
        news_render_json(b, a, 0);
        break;

    case NEWS_FRAG_TEASER:
        news_render_teaser(b, a);
        break;

    case NEWS_FRAG_ATOM:
        news_render_atom_entry(b, a);
        break;

    default: /* NEWS_FRAG_SITEMAP */
        news_render_sitemap_url(b, a);
        break;
    }

    news_render_part_end(b, at);

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


/*
 * The article page: each NEWS_PART_* in its own part, that of the
 * comments empty (they are comment page 1)
 */
static void
news_render_page(news_buf_t *b, const news_article_t *a)
{
    size_t    at;
    unsigned  part;

    news_render_page_header(b, a, NEWS_PAGE_PARTS);

    for (part = 0; part < NEWS_PAGE_PARTS; part++) {
        at = news_render_part_begin(b);

        if (part != NEWS_PART_COMMENTS) {
            news_render_article_part(b, a, part);
        }

        news_render_part_end(b, at);
    }
}


/* the article's JSON: the part before its comment count, the part after */
static void
news_render_json_parts(news_buf_t *b, const news_article_t *a)
{
    size_t  at;

    news_render_page_header(b, a, 2);

    at = news_render_part_begin(b);
    news_render_json_head(b, a);
    news_render_part_end(b, at);

    at = news_render_part_begin(b);
    news_render_json_tail(b, a, 1);
    news_render_part_end(b, at);
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


/*
 * What goes above the thread, in two parts, oldest first and newest
 * first: the links to either order (when there are comments to order),
 * then the editors' picks.  A page read takes the part of its order.
 */
static void
news_render_featured_parts(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs)
{
    int     newest;
    size_t  at;

    news_render_page_header(b, a, 2);

    for (newest = 0; newest < 2; newest++) {
        at = news_render_part_begin(b);

        if (a->comment_count > 1) {
            news_render_comment_sort(b, a->slug, strlen(a->slug), newest);
        }

        news_render_featured(b, a, cs);
        news_render_part_end(b, at);
    }
}


/*
 * A comment page as stored since each thread is written alone (render.h):
 * its HTML, where each thread starts and the last ends (n + 1 offsets
 * into the HTML), and each thread's top comment (n ids), the threads in
 * page order and th[i] empty for one that shows nothing.  A page without
 * a thread shown says "No comments yet" when it is the only page.
 */
void
news_render_comment_value(news_buf_t *b, const news_article_t *a,
    unsigned page, unsigned pages, const news_str_t *th, const uint64_t *ids,
    size_t n)
{
    news_render_comment_stored(b, a, page, pages, th, ids, n, 1);
}


/* the same page with its threads' HTML left out: where they would be */
void
news_render_comment_frame(news_buf_t *b, const news_article_t *a,
    unsigned page, unsigned pages, const news_str_t *th, const uint64_t *ids,
    size_t n)
{
    news_render_comment_stored(b, a, page, pages, th, ids, n, 0);
}


static void
news_render_comment_stored(news_buf_t *b, const news_article_t *a,
    unsigned page, unsigned pages, const news_str_t *th, const uint64_t *ids,
    size_t n, int threads)
{
    size_t         i, at, off, shown;
    unsigned char  v[8];

    news_render_page_header(b, a, 3);

    for (i = 0, shown = 0; i < n; i++) {
        shown += th[i].len > 0;
    }

    at = news_render_part_begin(b);

    if (shown == 0 && pages <= 1) {
        news_buf_addl(b, "<p class=\"no-comments\">No comments yet.</p>\n");

    } else {
        news_buf_addl(b, "<ol class=\"comment-list\">\n");

        for (i = 0; threads && i < n; i++) {
            news_buf_add(b, th[i].data, th[i].len);
        }

        news_buf_addl(b, "</ol>\n");
        news_render_comment_pager(b, a->slug, strlen(a->slug), page, pages,
                                  0);
    }

    news_render_part_end(b, at);

    at = news_render_part_begin(b);
    off = (shown == 0 && pages <= 1)
          ? 0 : sizeof("<ol class=\"comment-list\">\n") - 1;

    for (i = 0; i <= n; i++) {
        news_buf_add_be32(b, (uint32_t) off);
        off += i < n && threads ? th[i].len : 0;
    }

    news_render_part_end(b, at);

    at = news_render_part_begin(b);

    for (i = 0; i < n; i++) {
        news_be64_put(v, ids[i]);
        news_buf_add(b, v, sizeof(v));
    }

    news_render_part_end(b, at);
}


int
news_comment_page_threads(const news_page_t *pg, news_str_t *th,
    uint64_t *ids, size_t max, size_t *n)
{
    size_t                i, start, end;
    const unsigned char  *off, *id;

    if (pg->nparts < 2 || pg->nparts > 3 || pg->part[1].len % 4
        || pg->part[1].len < 4 || pg->part[1].len / 4 - 1 > max
        || (pg->nparts == 3 && pg->part[2].len != pg->part[1].len * 2 - 8))
    {
        return -1;
    }

    *n = pg->part[1].len / 4 - 1;
    off = (const unsigned char *) pg->part[1].data;
    id = pg->nparts == 3 ? (const unsigned char *) pg->part[2].data : NULL;

    for (i = 0; i < *n; i++) {
        start = news_be32_get(off + 4 * i);
        end = news_be32_get(off + 4 * (i + 1));

        if (start > end || end > pg->part[0].len) {
            return -1;
        }

        th[i].data = pg->part[0].data + start;
        th[i].len = end - start;
        ids[i] = id ? news_be64_get(id + 8 * i) : 0;
    }

    return 0;
}


/*
 * The state (render.h): the header of a, the count of visible comments
 * in decimal, and the comment state's bytes (n of them; none: a state
 * of the layout before it)
 */
void
news_render_state(news_buf_t *b, const news_article_t *a, const void *cstate,
    size_t n)
{
    size_t  at;

    news_render_page_header(b, a, n ? 2 : 1);

    at = news_render_part_begin(b);
    news_buf_addf(b, "%u", a->comment_count);
    news_render_part_end(b, at);

    if (n) {
        at = news_render_part_begin(b);
        news_buf_add(b, cstate, n);
        news_render_part_end(b, at);
    }
}
