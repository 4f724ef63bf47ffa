/*
 * What the render files share among themselves; nothing outside
 * src/engine/render_*.c includes this.  The files call one another in
 * one direction only:
 *
 *   render_fragment.c -> render_article.c, render_thread.c,
 *                        render_list.c, render_feed.c
 *   render_forms.c    -> render_text.c
 *   render_article.c, render_thread.c, render_list.c, render_feed.c
 *                     -> render_text.c
 *   render_thread.c   -> render_tree.c (the reply tree, render_tree.h)
 *   render_search.c   -> render_text.c, render_list.c (the JSON list end)
 *   render_desk.c, render_desk_versions.c, render_community.c
 *                     -> render_text.c, render_account.c (form pieces,
 *                        render_account.h)
 *   render_chrome.c   -> render_text.c (the sections' links)
 *   render_text.c     -> (no other render file)
 */

#ifndef NEWS_RENDER_INTERNAL_H
#define NEWS_RENDER_INTERNAL_H

#include "render.h"


/* render_text.c: pieces every kind of page uses */

/* a <time> element with the date in words */
void news_render_time(news_buf_t *b, int64_t t);

/* "27 November 2026, 10:04 UTC" in a <time> element */
void news_render_comment_time(news_buf_t *b, int64_t t);

/* "10:04 UTC" in a <time> element */
void news_render_clock(news_buf_t *b, int64_t t);

/*
 * A link to the section or tag page (dir: NEWS_ROUTE_SECTION or _TAG) of
 * a name, after " · " unless first; 1, or 0 when the name makes no slug
 * (and nothing is written)
 */
int news_render_topic_link(news_buf_t *b, const char *dir, const char *name,
    int first);

/* the article's body as HTML: rendered once per write when the caller did */
void news_render_body(news_buf_t *b, const news_article_t *a);


/* render_article.c: one part of the article page (NEWS_PART_*), all but
 * NEWS_PART_COMMENTS, which is render_thread.c's */
void news_render_article_part(news_buf_t *b, const news_article_t *a,
    unsigned part);

/* render_article.c: the article as the API's JSON, with or without body;
 * or its two pieces around the count of visible comments */
void news_render_json(news_buf_t *b, const news_article_t *a, int with_body);
void news_render_json_head(news_buf_t *b, const news_article_t *a);
void news_render_json_tail(news_buf_t *b, const news_article_t *a,
    int with_body);

/* render_list.c: one item of a list of teasers */
/* the links to a comment page's neighbours (render_thread.c) */
void news_render_comment_pager(news_buf_t *b, const char *slug,
    size_t slug_len, unsigned page, unsigned pages, int newest);
void news_render_teaser(news_buf_t *b, const news_article_t *a);

/* render_feed.c: one <entry> of the Atom feed, one <url> of the sitemap */
void news_render_atom_entry(news_buf_t *b, const news_article_t *a);
void news_render_sitemap_url(news_buf_t *b, const news_article_t *a);


#endif /* NEWS_RENDER_INTERNAL_H */
