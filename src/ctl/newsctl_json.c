/*
 * newsctl import and export: articles (with their comments, when a file
 * has them) as JSON, all validated before the first is written, written
 * NEWSCTL_BATCH a transaction.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsctl.h"
#include "articles.h"
#include "publish.h"
#include "search.h"
#include "text.h"


#define NEWSCTL_FILE_MAX   (256 * 1024 * 1024)


typedef struct {
    newsctl_item_t  *items;
    size_t           n;
    size_t           cap;
} newsctl_articles_t;


static int newsctl_read_file(const char *path, news_buf_t *b);
static int newsctl_parse_file(const char *path, newsctl_articles_t *list,
    int64_t now);
static int newsctl_add(newsctl_articles_t *list, const cJSON *obj,
    const char *path, size_t index, int64_t now);
static cJSON *newsctl_export_article(newsctl_t *ctl, MDB_txn *txn,
    uint64_t id);


int
newsctl_import(newsctl_t *ctl, int argc, char **argv)
{
    int                  i, rc;
    size_t               done, n;
    int64_t              now;
    MDB_txn             *txn;
    news_err_t           err;
    newsctl_articles_t   list;

    memset(&list, 0, sizeof(list));
    now = (int64_t) time(NULL);
    rc = 0;

    /* validate everything first: a bad article imports nothing */
    for (i = 0; i < argc; i++) {
        if (newsctl_parse_file(argv[i], &list, now) != 0) {
            rc = 1;
            goto done;
        }
    }

    rc = newsctl_open(ctl);
    if (rc != 0) {
        goto done;
    }

    /* the search postings of a batch are written once, at its end */
    done = 0;

    if (news_search_bulk_begin(&ctl->store, &err) != NEWS_OK) {
        goto failed;
    }

    for (done = 0; done < list.n; done += n) {
        n = list.n - done < NEWSCTL_BATCH ? list.n - done : NEWSCTL_BATCH;

        if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
            goto failed;
        }

        for (i = 0; (size_t) i < n; i++) {
            if (newsctl_put(ctl, txn, &list.items[done + i], now, &err)
                != NEWS_OK)
            {
                news_store_abort(&ctl->store, txn);
                goto failed;
            }
        }

        if (news_search_flush(&ctl->store, txn, &err) != NEWS_OK) {
            news_store_abort(&ctl->store, txn);
            goto failed;
        }

        if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
            goto failed;
        }
    }

    printf("imported %zu article%s\n", list.n, list.n == 1 ? "" : "s");
    newsctl_compact(ctl);
    goto done;

failed:

    fprintf(stderr, "newsctl: import stopped after %zu articles: %s\n",
            done, err.msg);
    rc = 1;

done:

    for (n = 0; n < list.n; n++) {
        news_article_free(&list.items[n].a);
        news_comments_free(&list.items[n].comments);
    }

    free(list.items);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return rc;
}


static int
newsctl_parse_file(const char *path, newsctl_articles_t *list, int64_t now)
{
    int           rc;
    size_t        i;
    cJSON        *root, *item;
    news_buf_t    b;

    news_buf_init(&b);

    if (newsctl_read_file(path, &b) != 0) {
        news_buf_free(&b);
        return -1;
    }

    root = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    news_buf_free(&b);

    if (root == NULL) {
        fprintf(stderr, "newsctl: %s: not valid JSON\n", path);
        return -1;
    }

    rc = 0;

    if (cJSON_IsArray(root)) {
        i = 0;
        cJSON_ArrayForEach(item, root) {
            rc = newsctl_add(list, item, path, ++i, now);
            if (rc != 0) {
                break;
            }
        }

    } else {
        rc = newsctl_add(list, root, path, 1, now);
    }

    cJSON_Delete(root);

    return rc;
}


static int
newsctl_read_file(const char *path, news_buf_t *b)
{
    FILE    *f;
    size_t   n;

    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "newsctl: %s: %s\n", path, strerror(errno));
        return -1;
    }

    do {
        if (news_buf_reserve(b, 65536) != 0) {
            break;
        }

        n = fread(b->data + b->len, 1, 65536, f);
        b->len += n;

    } while (n > 0 && b->len <= NEWSCTL_FILE_MAX);

    if (f != stdin) {
        fclose(f);
    }

    if (b->failed) {
        fprintf(stderr, "newsctl: %s: out of memory\n", path);
        return -1;
    }

    if (b->len > NEWSCTL_FILE_MAX) {
        fprintf(stderr, "newsctl: %s: larger than %d bytes\n", path,
                NEWSCTL_FILE_MAX);
        return -1;
    }

    return 0;
}


static int
newsctl_add(newsctl_articles_t *list, const cJSON *obj, const char *path,
    size_t index, int64_t now)
{
    const char      *slug;
    news_err_t       err;
    newsctl_item_t  *p, *item;

    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        p = realloc(list->items, list->cap * sizeof(newsctl_item_t));
        if (p == NULL) {
            fprintf(stderr, "newsctl: out of memory\n");
            return -1;
        }

        list->items = p;
    }

    item = &list->items[list->n];
    memset(item, 0, sizeof(newsctl_item_t));

    if (news_article_from_json(&item->a, obj, now, 0, &err) != NEWS_OK
        || newsctl_add_comments(item, obj, &err) != NEWS_OK)
    {
        news_article_free(&item->a);
        news_comments_free(&item->comments);

        slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                                   "slug"));
        fprintf(stderr, "newsctl: %s: article %zu%s%.100s%s: %s; "
                "nothing imported\n", path, index,
                slug ? " (" : "", slug ? slug : "", slug ? ")" : "", err.msg);
        return -1;
    }

    list->n++;

    return 0;
}


/* a "comments" array replaces the article's comments; none keeps them */
int
newsctl_add_comments(newsctl_item_t *item, const cJSON *obj,
    news_err_t *err)
{
    const cJSON     *v, *c;
    news_comment_t   comment;
    news_comment_t  *p;

    v = cJSON_GetObjectItemCaseSensitive(obj, "comments");
    if (v == NULL) {
        return NEWS_OK;
    }

    item->has_comments = 1;

    cJSON_ArrayForEach(c, v) {
        if (news_comment_from_json(&comment, c, err) != NEWS_OK) {
            return err->code;
        }

        if (item->comments.n == item->comments.cap) {
            item->comments.cap = item->comments.cap ? item->comments.cap * 2
                                                    : 16;
            p = realloc(item->comments.items,
                        item->comments.cap * sizeof(news_comment_t));
            if (p == NULL) {
                news_comment_free(&comment);
                return news_err_set(err, NEWS_ERROR, "out of memory");
            }

            item->comments.items = p;
        }

        item->comments.items[item->comments.n++] = comment;
    }

    return NEWS_OK;
}


int
newsctl_put(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item, int64_t now,
    news_err_t *err)
{
    if (news_article_put(&ctl->store, txn, &item->a, now, err) != NEWS_OK) {
        return err->code;
    }

    if (!item->has_comments) {
        return NEWS_OK;
    }

    if (news_comments_replace(&ctl->store, txn, item->a.id, &item->comments,
                              err)
        != NEWS_OK)
    {
        return err->code;
    }

    /* the import's own version: the same store gives the same export */
    if (news_article_refresh(&ctl->store, txn, item->a.id, now, err)
        != NEWS_OK)
    {
        return err->code;
    }

    return NEWS_OK;
}


int
newsctl_export(newsctl_t *ctl)
{
    int              rc, first;
    char            *json;
    cJSON           *obj;
    MDB_val          key, val;
    MDB_txn         *txn;
    news_err_t       err;
    MDB_cursor      *cur;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    rc = mdb_cursor_open(txn, ctl->store.dbi[NEWS_DB_ARTICLES], &cur);
    if (rc != 0) {
        fprintf(stderr, "newsctl: %s\n", mdb_strerror(rc));
        return 1;
    }

    fputs("[", stdout);
    first = 1;

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {

        obj = key.mv_size == 8
              ? newsctl_export_article(ctl, txn, news_be64_get(key.mv_data))
              : NULL;
        json = obj ? cJSON_Print(obj) : NULL;
        cJSON_Delete(obj);

        if (json == NULL) {
            rc = -1;
            break;
        }

        printf("%s\n%s", first ? "" : ",", json);
        free(json);
        first = 0;
    }

    fputs("\n]\n", stdout);

    if (rc != MDB_NOTFOUND && rc != -1) {
        fprintf(stderr, "newsctl: export: %s\n", mdb_strerror(rc));
    }

    mdb_cursor_close(cur);
    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);

    return rc == MDB_NOTFOUND ? 0 : 1;
}


static cJSON *
newsctl_export_article(newsctl_t *ctl, MDB_txn *txn, uint64_t id)
{
    size_t           i;
    cJSON           *obj, *arr;
    news_err_t       err;
    news_comment_t   c;
    news_article_t   a;
    news_comments_t  cs;

    if (news_article_load(&ctl->store, txn, id, &a, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: article %llu: %s\n",
                (unsigned long long) id, err.msg);
        return NULL;
    }

    obj = news_article_to_json(&a, 0);
    news_article_free(&a);

    if (news_comments_load(&ctl->store, txn, id, &cs, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: comments of article %llu: %s\n",
                (unsigned long long) id, err.msg);
        cJSON_Delete(obj);
        return NULL;
    }

    arr = obj ? cJSON_AddArrayToObject(obj, "comments") : NULL;

    /* the full records: the loaded views do not carry the author's id */
    for (i = 0; arr != NULL && i < cs.n; i++) {
        if (news_comment_get(&ctl->store, txn, cs.items[i].id, &c, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: comment %llu: %s\n",
                    (unsigned long long) cs.items[i].id, err.msg);
            news_comments_free(&cs);
            cJSON_Delete(obj);
            return NULL;
        }

        if (!cJSON_AddItemToArray(arr, news_comment_to_json(&c, 0))) {
            arr = NULL;
        }

        news_comment_free(&c);
    }

    news_comments_free(&cs);

    /* an export missing a comment would import as a loss: all or nothing */
    if (arr == NULL) {
        fprintf(stderr, "newsctl: article %llu: out of memory\n",
                (unsigned long long) id);
        cJSON_Delete(obj);
        return NULL;
    }

    return obj;
}
