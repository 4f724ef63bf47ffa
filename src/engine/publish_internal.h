/*
 * What publish.c and publish_pages.c share, and nothing else includes:
 * the writers of an article's fragments and pages, and its whole
 * re-render.
 */

#ifndef NEWS_PUBLISH_INTERNAL_H
#define NEWS_PUBLISH_INTERNAL_H

#include "articles.h"
#include "comments.h"


/* renders fragment kind (page `page` of the comment pages) and puts it */
int news_article_put_fragment(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, int kind,
    unsigned page, news_buf_t *b, news_err_t *err);

/* puts a rendered fragment or comment page */
int news_page_put(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    unsigned page, const news_buf_t *b, news_err_t *err);

/* every fragment and comment page of article a, from all its comments */
int news_article_rerender(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err);

#endif /* NEWS_PUBLISH_INTERNAL_H */
