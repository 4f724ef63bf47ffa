/*
 * Writing an article: its record, indexes, fragments and everything else
 * that keeps a piece of it, in the caller's write txn (publish.c).
 */

#ifndef NEWS_PUBLISH_H
#define NEWS_PUBLISH_H

#include "articles.h"


/*
 * Creates the article or, when its slug exists, updates it (keeping id,
 * creation time and comments).  Re-renders every fragment.  `now` is the
 * update time.  Runs inside the caller's write txn.
 */
int news_article_put(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err);

/*
 * After a change to its comments: recounts, bumps the version, and
 * re-renders every fragment of the article.
 */
int news_article_refresh(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now, news_err_t *err);

/*
 * Closes (closed = 1) or opens an article's comments: a new version of
 * its pages, but no revision and no "Updated".
 */
int news_article_close_comments(news_store_t *st, MDB_txn *txn, uint64_t id,
    int closed, int64_t now, news_err_t *err);

/*
 * Saves a as article `id` (0: a new one).  A new article gets an id never
 * given before.  NEWS_CONFLICT if its slug is
 * another article's; a changed slug leaves the old one as a redirect.
 */
int news_article_save(news_store_t *st, MDB_txn *txn, news_article_t *a,
    uint64_t id, int64_t now, news_err_t *err);

/*
 * Removes the article with its indexes, pages, comments and revisions;
 * its slug and former slugs are free for other articles.
 */
int news_article_delete(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now, news_err_t *err);

/* refreshes every article changed in this batch; a news_write_pt */
int news_articles_flush(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);

#endif /* NEWS_PUBLISH_H */
