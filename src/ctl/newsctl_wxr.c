/*
 * newsctl import-wxr and export-wxr: a WordPress export read into the
 * store (every file checked through first, then written), and the site
 * written as one.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsctl.h"
#include "articles.h"
#include "search.h"
#include "text.h"


/* ---- import-wxr: a WordPress export ------------------------------------- */


typedef struct {
    newsctl_t            *ctl;
    const char           *path;
    MDB_txn              *txn;          /* NULL: validating only */
    size_t                pending;      /* written since the last commit */
    int64_t               now;
} newsctl_wxr_t;


/* the import's comment ids: a comment already stored keeps its id */
static int
newsctl_wxr_ids(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item,
    news_err_t *err)
{
    size_t           i, j;
    uint64_t        *wp, parent;
    unsigned        *depth;
    news_comment_t  *c;
    news_comments_t  old;
    unsigned char   *used;

    memset(&old, 0, sizeof(old));

    if (item->a.id != 0
        && news_comments_load(&ctl->store, txn, item->a.id, &old, err)
           != NEWS_OK)
    {
        return err->code;
    }

    wp = calloc(item->comments.n + 1, sizeof(uint64_t));
    depth = calloc(item->comments.n + 1, sizeof(unsigned));
    used = calloc(old.n + 1, 1);

    if (wp == NULL || depth == NULL || used == NULL) {
        free(wp);
        free(depth);
        free(used);
        news_comments_free(&old);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    for (i = 0; i < item->comments.n; i++) {
        c = &item->comments.items[i];
        wp[i] = c->id;
        parent = c->parent;
        c->parent = 0;
        depth[i] = 1;

        /* the file's parent id to the store's; threads at most 4 deep */
        for (j = 0; parent != 0 && j < i; j++) {
            if (wp[j] == parent) {
                while (depth[j] >= NEWS_COMMENT_DEPTH) {
                    parent = item->comments.items[j].parent;
                    for (j = 0; j < i && item->comments.items[j].id != parent;
                         j++)
                    {
                        /* void */
                    }
                }

                c->parent = item->comments.items[j].id;
                depth[i] = depth[j] + 1;
                break;
            }
        }

        c->id = 0;

        for (j = 0; j < old.n; j++) {
            if (!used[j] && old.items[j].created_at == c->created_at
                && strcmp(old.items[j].author, c->author) == 0
                && strcmp(old.items[j].body, c->body) == 0)
            {
                used[j] = 1;
                c->id = old.items[j].id;
                break;
            }
        }

        if (c->id == 0
            && news_store_new_id(&ctl->store, txn, NEWS_DB_CINDEX,
                                 "comment_id", &c->id, err)
               != NEWS_OK)
        {
            break;
        }
    }

    free(wp);
    free(depth);
    free(used);
    news_comments_free(&old);

    return i == item->comments.n ? NEWS_OK : err->code;
}


/* whether the stored article already says all this (a second import) */
static int
newsctl_wxr_same(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item)
{
    int              same;
    size_t           i;
    news_err_t       err;
    news_article_t   old;
    news_comments_t  cs;
    news_article_t  *a;

    a = &item->a;

    if (news_article_load(&ctl->store, txn, a->id, &old, &err) != NEWS_OK) {
        return 0;
    }

    same = strcmp(old.slug, a->slug) == 0 && strcmp(old.title, a->title) == 0
           && strcmp(old.subtitle, a->subtitle) == 0
           && strcmp(old.author, a->author) == 0
           && strcmp(old.section, a->section) == 0
           && strcmp(old.body, a->body) == 0 && old.ntags == a->ntags
           && old.published_at == a->published_at && old.status == a->status;

    for (i = 0; same && i < a->ntags; i++) {
        same = strcmp(old.tags[i], a->tags[i]) == 0;
    }

    news_article_free(&old);

    if (!same
        || news_comments_load(&ctl->store, txn, a->id, &cs, &err) != NEWS_OK)
    {
        return 0;
    }

    same = cs.n == item->comments.n;

    for (i = 0; same && i < cs.n; i++) {
        same = cs.items[i].id == item->comments.items[i].id
               && cs.items[i].parent == item->comments.items[i].parent
               && cs.items[i].status == item->comments.items[i].status;
    }

    news_comments_free(&cs);

    return same;
}


static int
newsctl_wxr_write(newsctl_wxr_t *w, newsctl_item_t *item,
    const news_buf_t *addresses, news_err_t *err)
{
    int          same;
    const char  *p, *end;

    if (news_article_id(&w->ctl->store, w->txn, item->a.slug,
                        strlen(item->a.slug), &item->a.id)
        != 0)
    {
        item->a.id = 0;
    }

    if (newsctl_wxr_ids(w->ctl, w->txn, item, err) != NEWS_OK) {
        return err->code;
    }

    same = item->a.id != 0 && newsctl_wxr_same(w->ctl, w->txn, item);

    if (!same && newsctl_put(w->ctl, w->txn, item, w->now, err) != NEWS_OK) {
        return err->code;
    }

    end = addresses->data + addresses->len;

    for (p = addresses->data; p != NULL && p < end; p += strlen(p) + 1) {
        if (news_article_add_old_address(&w->ctl->store, w->txn, p,
                                         item->a.id, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    return NEWS_OK;
}


/* an item: validated as every import is, then written or not */
static int
newsctl_wxr_item(cJSON *obj, const news_buf_t *addresses, size_t index,
    void *data, news_err_t *err)
{
    int              rc;
    char             msg[sizeof(err->msg)];
    const char      *slug;
    newsctl_wxr_t   *w;
    newsctl_item_t   item;

    w = data;
    memset(&item, 0, sizeof(item));
    (void) index;

    if (news_article_from_json(&item.a, obj, w->now, 0, err) != NEWS_OK
        || newsctl_add_comments(&item, obj, err) != NEWS_OK)
    {
        rc = err->code;
        slug = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "slug"));
        memcpy(msg, err->msg, sizeof(msg));
        news_err_set(err, rc, "\"%.100s\": %s",
                     slug ? slug
                          : cJSON_GetStringValue(cJSON_GetObjectItem(obj,
                                                                     "title")),
                     msg);
        goto done;
    }

    if (w->txn == NULL) {
        rc = NEWS_OK;
        goto done;
    }

    rc = newsctl_wxr_write(w, &item, addresses, err);

    if (rc == NEWS_OK && ++w->pending >= NEWSCTL_BATCH) {
        w->pending = 0;
        rc = news_search_flush(&w->ctl->store, w->txn, err);

        if (rc != NEWS_OK) {
            goto done;      /* the caller aborts w->txn */
        }

        rc = news_store_commit(&w->ctl->store, w->txn, err);
        w->txn = NULL;

        if (rc == NEWS_OK) {
            rc = news_store_write(&w->ctl->store, &w->txn, err);
        }
    }

done:

    news_article_free(&item.a);
    news_comments_free(&item.comments);

    return rc;
}


int
newsctl_import_wxr(newsctl_t *ctl, int argc, char **argv)
{
    int                  i, rc;
    news_err_t           err;
    newsctl_wxr_t        w;
    news_import_stats_t  stats, ignored;

    memset(&w, 0, sizeof(w));
    memset(&stats, 0, sizeof(stats));
    w.ctl = ctl;
    w.now = (int64_t) time(NULL);

    /* every file read through first: a wrong item imports nothing */
    for (i = 0; i < argc; i++) {
        w.path = argv[i];

        /* so each is read twice, which standard input cannot be */
        if (strcmp(argv[i], "-") == 0) {
            fprintf(stderr, "newsctl: import-wxr reads each file twice "
                    "(to check it, then to write it): give a file, not "
                    "\"-\"\n");
            return 1;
        }

        if (news_wxr_read(argv[i], newsctl_wxr_item, &w, &stats, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: %s: %s; nothing imported\n", argv[i],
                    err.msg);
            return 1;
        }
    }

    rc = newsctl_open(ctl);
    if (rc != 0) {
        return rc;
    }

    /* the search postings of a batch are written once, at its end */
    if (news_search_bulk_begin(&ctl->store, &err) != NEWS_OK
        || news_store_write(&ctl->store, &w.txn, &err) != NEWS_OK)
    {
        goto failed;
    }

    for (i = 0; i < argc; i++) {
        memset(&ignored, 0, sizeof(ignored));

        if (news_wxr_read(argv[i], newsctl_wxr_item, &w, &ignored, &err)
            != NEWS_OK)
        {
            if (w.txn != NULL) {
                news_store_abort(&ctl->store, w.txn);
            }

            goto failed;
        }
    }

    if (news_search_flush(&ctl->store, w.txn, &err) != NEWS_OK) {
        news_store_abort(&ctl->store, w.txn);
        goto failed;
    }

    if (news_store_commit(&ctl->store, w.txn, &err) != NEWS_OK) {
        goto failed;
    }

    newsctl_summary("imported", &stats);
    newsctl_compact(ctl);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return 0;

failed:

    fprintf(stderr, "newsctl: import-wxr stopped: %s\n", err.msg);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return 1;
}


/* ---- export-wxr: the site as a WordPress export ------------------------- */


/* distinct names, in the order first met (bylines, sections, tags) */
typedef struct {
    char    **names;
    size_t    n;
    size_t    cap;
} newsctl_names_t;


static int
newsctl_name_add(newsctl_names_t *l, const char *name)
{
    size_t   i;
    char   **p;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->names[i], name) == 0) {
            return 0;
        }
    }

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        p = realloc(l->names, l->cap * sizeof(char *));
        if (p == NULL) {
            return -1;
        }

        l->names = p;
    }

    l->names[l->n] = strdup(name);

    return l->names[l->n++] ? 0 : -1;
}


static void
newsctl_names_free(newsctl_names_t *l)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        free(l->names[i]);
    }

    free(l->names);
}


/* every article once: fn(article, data); a load failure stops the walk */
static int
newsctl_each_article(newsctl_t *ctl, MDB_txn *txn,
    int (*fn)(newsctl_t *, MDB_txn *, news_article_t *, void *), void *data)
{
    int              rc;
    MDB_val          key, val;
    news_err_t       err;
    MDB_cursor      *cur;
    news_article_t   a;

    rc = mdb_cursor_open(txn, ctl->store.dbi[NEWS_DB_ARTICLES], &cur);
    if (rc != 0) {
        fprintf(stderr, "newsctl: %s\n", mdb_strerror(rc));
        return -1;
    }

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {
        if (key.mv_size != 8) {
            continue;
        }

        if (news_article_load(&ctl->store, txn, news_be64_get(key.mv_data),
                              &a, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: article %llu: %s\n",
                    (unsigned long long) news_be64_get(key.mv_data), err.msg);
            break;
        }

        rc = fn(ctl, txn, &a, data);
        news_article_free(&a);

        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    return rc == MDB_NOTFOUND ? 0 : -1;
}


typedef struct {
    newsctl_names_t   authors;
    newsctl_names_t   sections;
    newsctl_names_t   tags;
    const char       *base;
    int64_t           now;
    news_buf_t        out;
} newsctl_wxr_out_t;


static int
newsctl_wxr_names(newsctl_t *ctl, MDB_txn *txn, news_article_t *a,
    void *data)
{
    unsigned            i;
    newsctl_wxr_out_t  *x;

    (void) ctl;
    (void) txn;
    x = data;

    if ((a->author[0] && newsctl_name_add(&x->authors, a->author) != 0)
        || (a->section[0] && newsctl_name_add(&x->sections, a->section) != 0))
    {
        return -1;
    }

    for (i = 0; i < a->ntags; i++) {
        if (newsctl_name_add(&x->tags, a->tags[i]) != 0) {
            return -1;
        }
    }

    return 0;
}


static int
newsctl_wxr_article(newsctl_t *ctl, MDB_txn *txn, news_article_t *a,
    void *data)
{
    news_err_t          err;
    news_comments_t     cs;
    newsctl_wxr_out_t  *x;

    x = data;

    if (news_comments_load(&ctl->store, txn, a->id, &cs, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: comments of article %llu: %s\n",
                (unsigned long long) a->id, err.msg);
        return -1;
    }

    news_buf_reset(&x->out);
    news_wxr_item_out(&x->out, a, cs.items, cs.n, x->base, x->now);
    news_comments_free(&cs);

    if (x->out.failed) {
        fprintf(stderr, "newsctl: article %llu: out of memory\n",
                (unsigned long long) a->id);
        return -1;
    }

    return fwrite(x->out.data, 1, x->out.len, stdout) == x->out.len ? 0 : -1;
}


int
newsctl_export_wxr(newsctl_t *ctl, const char *base)
{
    int                 rc;
    size_t              i, n;
    MDB_txn            *txn;
    news_err_t          err;
    newsctl_wxr_out_t   x;

    memset(&x, 0, sizeof(x));
    news_buf_init(&x.out);
    x.base = base;
    x.now = (int64_t) time(NULL);

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    /* the channel lists authors and terms before the items */
    rc = newsctl_each_article(ctl, txn, newsctl_wxr_names, &x);

    if (rc == 0) {
        news_wxr_head(&x.out, "News", base, x.now);

        for (i = 0; i < x.authors.n; i++) {
            news_wxr_author_entry(&x.out, i + 1, x.authors.names[i]);
        }

        for (i = 0, n = 1; i < x.sections.n; i++, n++) {
            news_wxr_term(&x.out, n, 's', x.sections.names[i]);
        }

        for (i = 0; i < x.tags.n; i++, n++) {
            news_wxr_term(&x.out, n, 't', x.tags.names[i]);
        }

        for (i = 0, n = 1; i < x.sections.n; i++, n++) {
            news_wxr_term_entry(&x.out, n, 's', x.sections.names[i]);
        }

        for (i = 0; i < x.tags.n; i++, n++) {
            news_wxr_term_entry(&x.out, n, 't', x.tags.names[i]);
        }

        news_wxr_generator(&x.out);

        rc = x.out.failed
             || fwrite(x.out.data, 1, x.out.len, stdout) != x.out.len;
    }

    if (rc == 0) {
        rc = newsctl_each_article(ctl, txn, newsctl_wxr_article, &x);
    }

    if (rc == 0) {
        news_buf_reset(&x.out);
        news_wxr_tail(&x.out);
        rc = fwrite(x.out.data, 1, x.out.len, stdout) != x.out.len;
    }

    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);
    newsctl_names_free(&x.authors);
    newsctl_names_free(&x.sections);
    newsctl_names_free(&x.tags);
    news_buf_free(&x.out);

    if (rc != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "newsctl: export-wxr failed\n");
        return 1;
    }

    return 0;
}
