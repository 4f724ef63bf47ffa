/*
 * What the unit tests that write articles share: an article JSON saved
 * through the module's own calls (news_article_from_json, then
 * news_article_save in one write txn), as the editors' API saves it.
 */

#ifndef NEWS_UNIT_ARTICLE_FIXTURE_H
#define NEWS_UNIT_ARTICLE_FIXTURE_H

#include <stdio.h>

#include "articles.h"
#include "publish.h"


/* saves the article JSON as article `id` (0: a new one); its id, or 0 */
static uint64_t
save_article(news_store_t *st, const char *json, uint64_t id, int64_t now)
{
    int             rc;
    cJSON          *obj;
    MDB_txn        *txn;
    uint64_t        got;
    news_err_t      err;
    news_article_t  a;

    obj = cJSON_Parse(json);
    rc = news_article_from_json(&a, obj, now, 0, &err);
    cJSON_Delete(obj);

    if (rc != NEWS_OK) {
        printf("# %s\n", err.msg);
        return 0;
    }

    if (news_store_write(st, &txn, &err) != NEWS_OK) {
        news_article_free(&a);
        return 0;
    }

    rc = news_article_save(st, txn, &a, id, now, &err);
    got = a.id;
    news_article_free(&a);

    if (rc != NEWS_OK) {
        printf("# %s\n", err.msg);
        news_store_abort(st, txn);
        return 0;
    }

    return news_store_commit(st, txn, &err) == NEWS_OK ? got : 0;
}

#endif /* NEWS_UNIT_ARTICLE_FIXTURE_H */
