/*
 * Live comments: what a reader with an article open is sent when its
 * comments change, as Server-Sent Events through nchan.  The events of a
 * write travel in its outbox entry (outbox.h), so they leave only after
 * the write's commit, and the drainer (edge.h) publishes them to
 * news_live_publish's URL.
 *
 * An event is one line, "ARTICLE-ID JSON":
 *
 *   {"id":C,"parent":P,"html":"<li ...>"}   a comment readers may see,
 *                                          new, edited, approved or
 *                                          unhidden: as its thread shows it
 *   {"id":C,"remove":true}                 one they may no longer see
 *                                          (hidden or deleted)
 *
 *   {"body":"<p>..."}                      a live blog's new text (an
 *                                          article with "live": true,
 *                                          updated by its editors)
 *
 * A held (pending) comment, and anything of an article that is not
 * public, makes no event.
 */

#ifndef NEWS_LIVE_H
#define NEWS_LIVE_H

#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "comments.h"


/* appends "\n" and the event of comment `comment`'s change, if any */
void news_live_event(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, uint64_t comment, int kind, int64_t now);

/* appends "\n" and the event of a live blog's update, if `a` is one */
void news_live_article_event(news_buf_t *b, const news_article_t *a,
    int64_t now);

#endif /* NEWS_LIVE_H */
