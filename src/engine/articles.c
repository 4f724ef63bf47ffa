/*
 * Articles in the store; see articles.h for the layout of each database.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "desk.h"
#include "keys.h"
#include "live.h"
#include "outbox.h"
#include "comments.h"
#include "search.h"
#include "text.h"


static const int  news_fragment_kinds[] = {
    NEWS_FRAG_PAGE, NEWS_FRAG_JSON, NEWS_FRAG_STATE, NEWS_FRAG_SUMMARY,
    NEWS_FRAG_TEASER, NEWS_FRAG_ATOM, NEWS_FRAG_SITEMAP, NEWS_FRAG_FEATURED
};


static int news_article_inherit(news_store_t *st, MDB_txn *txn,
    news_article_t *a, uint64_t id, int64_t now, news_err_t *err);
static int news_article_write(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_err_t *err);
static int news_article_write_fragments(news_store_t *st, MDB_txn *txn,
    news_article_t *a, const news_comments_t *cs, int refresh,
    news_err_t *err);
static int news_article_put_fragment(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, int kind,
    unsigned page, news_buf_t *b, news_err_t *err);
static int news_article_drop_comment_pages(news_store_t *st, MDB_txn *txn,
    uint64_t id, news_err_t *err);
static uint32_t news_comments_visible(const news_comments_t *cs);
static int news_article_write_pages(news_store_t *st, MDB_txn *txn,
    news_article_t *a, const news_comments_t *cs, unsigned from,
    const unsigned *want, unsigned nwant, unsigned pages, news_err_t *err);
static unsigned news_min_u(unsigned a, unsigned b);
static unsigned news_article_pages_bound(const news_article_t *a);
static int news_article_body(news_article_t *a, news_buf_t *html,
    news_err_t *err);
static void news_times_key(unsigned char *key, int64_t t, uint64_t id);
static int news_article_record(const MDB_val *val, uint64_t id,
    news_article_t *a, news_err_t *err);
static int news_article_holder(news_store_t *st, MDB_txn *txn,
    const char *slug, uint64_t *id);
static int news_slug_get(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, int *moved);
static int news_fragment_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    int kind, news_page_t *pg);
static int news_fragment_join(news_store_t *st, MDB_txn *txn, uint64_t id,
    int kind, news_page_t *pg);
static int news_article_state(news_store_t *st, MDB_txn *txn,
    news_article_t *a, news_err_t *err);
static int news_article_free_slugs(news_store_t *st, MDB_txn *txn,
    uint64_t id, news_err_t *err);
static int news_article_release(news_store_t *st, MDB_txn *txn,
    uint64_t id, const news_buf_t *names, news_err_t *err);
static int news_article_free_old_addresses(news_store_t *st, MDB_txn *txn,
    uint64_t id, news_err_t *err);
static void news_old_address_key(news_buf_t *b, uint64_t id,
    const char *address);
static int news_article_rerender(news_store_t *st, MDB_txn *txn,
    news_article_t *a, int64_t now, news_err_t *err);
static int news_article_index(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, int add, news_err_t *err);
static int news_topic_index(news_store_t *st, MDB_txn *txn, char kind,
    const char *name, const news_article_t *a, int add, news_err_t *err);


int
news_article_put(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err)
{
    int       rc;
    uint64_t  id;

    rc = news_article_holder(st, txn, a->slug, &id);

    if (rc == MDB_NOTFOUND) {
        id = 0;

    } else if (rc != 0) {
        return news_store_fail(err, rc, "looking up a slug");
    }

    return news_article_save(st, txn, a, id, now, err);
}


int
news_article_save(news_store_t *st, MDB_txn *txn, news_article_t *a,
    uint64_t id, int64_t now, news_err_t *err)
{
    int              rc;
    uint64_t         other;
    news_buf_t       events;
    news_comments_t  cs;

    /* a slug names one article: another's is a conflict */
    rc = news_article_holder(st, txn, a->slug, &other);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "looking up a slug");
    }

    if (rc == 0 && other != id) {
        return news_err_set(err, NEWS_CONFLICT, "the slug \"%s\" is taken",
                            a->slug);
    }

    if (id == 0) {
        /*
         * never an id given before: an article's ETag and the redirects of
         * its former slugs name it by id, so a new article under a deleted
         * one's id would take over its validators and its old addresses
         */
        if (news_store_new_id(st, txn, NEWS_DB_ARTICLES, "article_id",
                              &a->id, err)
            != NEWS_OK)
        {
            return err->code;
        }

        a->created_at = now;
        a->version = 1;
        a->comment_count = 0;

        if (a->updated_at == 0) {
            a->updated_at = a->published_at;
        }

    } else if (news_article_inherit(st, txn, a, id, now, err) != NEWS_OK) {
        return err->code;
    }

    if (news_comments_load(st, txn, a->id, &cs, err) != NEWS_OK) {
        return err->code;
    }

    a->comment_count = news_comments_visible(&cs);
    a->modified_at = now;

    rc = news_article_write(st, txn, a, err);
    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_write_fragments(st, txn, a, &cs, 0, err);
    }

    news_buf_init(&events);
    news_live_article_event(&events, a, now);

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, a, NEWS_KEYS_ALL,
                                 news_render_comment_pages(&cs), &events, now,
                                 err);
    }

    news_buf_free(&events);
    news_comments_free(&cs);

    return rc;
}


int
news_article_refresh(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_rerender(st, txn, &a, now, err);
    news_article_free(&a);

    return rc;
}


/*
 * Closing or opening comments is not an edit of the article: no revision
 * is filed and "Updated" stays as it was.  The version still moves, as
 * for a comment, because it is the page's ETag and the page changes.
 */
int
news_article_close_comments(news_store_t *st, MDB_txn *txn, uint64_t id,
    int closed, int64_t now, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;

    if (a.comments_closed != closed) {
        a.comments_closed = closed;
        rc = news_article_rerender(st, txn, &a, now, err);
    }

    news_article_free(&a);

    return rc;
}


/*
 * Writes a changed article whose text and indexes are as they were: a
 * new version (the ETag), the count of visible comments, and every
 * fragment but the feed and sitemap entries, which show neither.
 */
static int
news_article_rerender(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err)
{
    int              rc;
    news_comments_t  cs;

    if (news_comments_load(st, txn, a->id, &cs, err) != NEWS_OK) {
        return err->code;
    }

    a->version++;
    a->comment_count = news_comments_visible(&cs);
    a->modified_at = now;

    rc = news_article_write(st, txn, a, err);
    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_write_fragments(st, txn, a, &cs, 1, err);
    }

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, a, NEWS_KEYS_TEASER,
                                 news_render_comment_pages(&cs), NULL, now,
                                 err);
    }

    news_comments_free(&cs);

    return rc;
}


int
news_article_delete(news_store_t *st, MDB_txn *txn, uint64_t id, int64_t now,
    news_err_t *err)
{
    int              rc;
    MDB_val          key;
    news_article_t   a;
    news_comments_t  none;
    unsigned char    k[8];

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_index(st, txn, &a, 0, err);

    if (rc == NEWS_OK) {
        rc = news_desk_index(st, txn, &a, 0, err);
    }

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, &a, NEWS_KEYS_ALL,
                                 news_article_pages_bound(&a), NULL, now,
                                 err);
    }

    if (rc == NEWS_OK) {
        key.mv_data = a.slug;
        key.mv_size = strlen(a.slug);
        rc = mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key, NULL);
        rc = (rc == 0 || rc == MDB_NOTFOUND)
             ? NEWS_OK : news_store_fail(err, rc, "deleting a slug");
    }

    news_article_free(&a);

    memset(&none, 0, sizeof(none));
    news_be64_put(k, id);

    /*
     * its former slugs and old addresses (redirects) are free again,
     * before the revisions go
     */
    if (rc == NEWS_OK) {
        rc = news_article_free_slugs(st, txn, id, err);
    }

    if (rc == NEWS_OK) {
        rc = news_comments_replace(st, txn, id, &none, err);
    }

    if (rc == NEWS_OK) {
        rc = news_store_drop_range(st, txn, NEWS_DB_PAGES, k, 8, err);
    }

    if (rc == NEWS_OK) {
        rc = news_store_drop_range(st, txn, NEWS_DB_REVISIONS, k, 8, err);
    }

    if (rc == NEWS_OK) {
        key.mv_data = k;
        key.mv_size = 8;
        rc = mdb_del(txn, st->dbi[NEWS_DB_ARTICLES], &key, NULL);
        rc = rc == 0 ? NEWS_OK : news_store_fail(err, rc, "deleting");
    }

    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    return rc;
}


int
news_article_changed(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t comment, int kind, int64_t now, news_err_t *err)
{
    if (!st->batching) {
        st->ndirty = 0;

    } else if (st->ndirty == sizeof(st->dirty) / sizeof(st->dirty[0])
               && news_articles_flush(st, txn, NULL, err) != NEWS_OK)
    {
        return err->code;
    }

    st->dirty_now = now;
    st->dirty[st->ndirty].article = id;
    st->dirty[st->ndirty].comment = comment;
    st->dirty[st->ndirty].kind = kind;
    st->ndirty++;

    return st->batching ? NEWS_OK : news_articles_flush(st, txn, NULL, err);
}


/*
 * Re-renders each article changed in this batch once, with the comment
 * pages its changes touch: a new comment's thread page (and the page
 * before, whose "later" link may be new), an edit's page, or everything
 * from the page before a status change's page on (threads may appear or
 * vanish there).  What comments change is apart from the article's text
 * (render.h): its state, summary and teaser and those comment pages are
 * all that is written; the record, the page and the JSON stay.
 */
int
news_articles_flush(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    int              rc;
    unsigned         i, j, page, from, pages, want[64], nwant;
    uint64_t         id;
    news_page_t      state;
    news_buf_t       events;
    news_article_t   a;
    news_comments_t  cs;

    (void) arg;

    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < st->ndirty; i++) {
        id = st->dirty[i].article;

        if (id == 0) {
            continue;
        }

        if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
            /* deleted later in the same batch: nothing to show */
            rc = (err->code == NEWS_NOTFOUND) ? NEWS_OK : err->code;
            continue;
        }

        /* a store from before the state fragment: its first write, whole */
        if (news_fragment_get(st, txn, id, NEWS_FRAG_STATE, &state) != 0) {
            for (j = i + 1; j < st->ndirty; j++) {
                if (st->dirty[j].article == id) {
                    st->dirty[j].article = 0;
                }
            }

            rc = news_article_rerender(st, txn, &a, st->dirty_now, err);
            news_article_free(&a);
            continue;
        }

        if (news_comments_load(st, txn, id, &cs, err) != NEWS_OK) {
            news_article_free(&a);
            rc = err->code;
            break;
        }

        from = (unsigned) -1;
        nwant = 0;
        news_buf_init(&events);

        for (j = i; j < st->ndirty; j++) {
            if (st->dirty[j].article != id) {
                continue;
            }

            page = news_render_comment_page_of(&cs, st->dirty[j].comment);

            /* what open pages are sent, after the commit */
            news_live_event(&events, &a, &cs, st->dirty[j].comment,
                            st->dirty[j].kind, st->dirty_now);

            /* the page before may gain or lose its "later" link */
            if (page == 0 || st->dirty[j].kind == NEWS_CHANGE_STATUS) {
                from = news_min_u(from, page > 1 ? page - 1 : 1);

            } else {
                want[nwant++] = page;

                if (st->dirty[j].kind == NEWS_CHANGE_NEW && page > 1) {
                    want[nwant++] = page - 1;
                }
            }

            if (j > i) {
                st->dirty[j].article = 0;
            }

            if (nwant > 62) {
                from = 1;
                nwant = 0;
            }
        }

        pages = news_render_comment_pages(&cs);

        /* the record and its Markdown stay as they are: see render.h */
        a.version++;
        a.comment_count = news_comments_visible(&cs);
        a.modified_at = st->dirty_now;

        rc = news_store_touch(st, txn, st->dirty_now, err);

        if (rc == NEWS_OK) {
            rc = news_article_write_pages(st, txn, &a, &cs, from, want, nwant,
                                          pages, err);
        }

        if (rc == NEWS_OK) {
            rc = news_outbox_article(st, txn, &a, NEWS_KEYS_TEASER, pages,
                                     &events, st->dirty_now, err);
        }

        news_buf_free(&events);

        news_comments_free(&cs);
        news_article_free(&a);
    }

    st->ndirty = 0;

    return rc;
}


static uint32_t
news_comments_visible(const news_comments_t *cs)
{
    size_t    i;
    uint32_t  n;

    n = 0;

    for (i = 0; i < cs->n; i++) {
        if (cs->items[i].status == NEWS_COMMENT_VISIBLE) {
            n++;
        }
    }

    return n;
}




/*
 * The times of an update that does not give them.  Without a
 * publication time it keeps its own (a correction does not move the
 * story in the lists and feeds), but a draft published now is dated now
 * (or keeps a time still ahead: it is scheduled).  Without an update
 * time, a change to an article readers could see is a correction, dated
 * now ("Updated" on its page); any other is dated with its publication.
 */
void
news_article_redate(news_article_t *a, const news_article_t *old,
    int64_t now)
{
    if (a->undated) {
        a->published_at = old->published_at;

        if (old->status == NEWS_DRAFT && a->status == NEWS_PUBLISHED
            && old->published_at < now)
        {
            a->published_at = now;
        }
    }

    if (a->updated_at != 0) {
        return;
    }

    a->updated_at = a->published_at;

    if (old->status == NEWS_PUBLISHED && old->published_at <= now
        && a->status == NEWS_PUBLISHED && now > a->published_at)
    {
        a->updated_at = now;
    }
}


/*
 * An update keeps what the newsroom does not send (identity, comments),
 * files the old record as a revision, and leaves the old slug behind as
 * a redirect to the new one.
 */
static int
news_article_inherit(news_store_t *st, MDB_txn *txn, news_article_t *a,
    uint64_t id, int64_t now, news_err_t *err)
{
    int             rc;
    void           *copy;
    MDB_val         key, val;
    news_article_t  old;
    unsigned char   k[12];

    if (news_article_load(st, txn, id, &old, err) != NEWS_OK) {
        return err->code;
    }

    a->id = old.id;
    a->created_at = old.created_at;
    a->comment_count = old.comment_count;
    a->version = old.version + 1;

    news_article_redate(a, &old, now);

    rc = news_article_index(st, txn, &old, 0, err);

    /* what the old record was on: a new slug, section or tag leaves it */
    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, &old, NEWS_KEYS_ALL,
                                 news_article_pages_bound(&old), NULL, now,
                                 err);
    }

    if (rc == NEWS_OK && strcmp(old.slug, a->slug) != 0) {
        rc = news_article_redirect(st, txn, old.slug, id, err);
    }

    news_article_free(&old);

    if (rc != NEWS_OK) {
        return rc;
    }

    /* the record as it was: a revision */
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article");
    }

    /* a value is valid only until the next update in this txn: copy it */
    copy = malloc(val.mv_size ? val.mv_size : 1);
    if (copy == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(copy, val.mv_data, val.mv_size);
    val.mv_data = copy;

    news_be32_put(k + 8, a->version - 1);
    key.mv_size = sizeof(k);

    rc = mdb_put(txn, st->dbi[NEWS_DB_REVISIONS], &key, &val, 0);
    free(copy);

    if (rc != 0) {
        return news_store_fail(err, rc, "keeping a revision");
    }

    return NEWS_OK;
}


/* an old slug: be64 id . 'R', so that readers are sent to the new one */
int
news_article_redirect(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t id, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  v[9];

    news_be64_put(v, id);
    v[8] = 'R';

    key.mv_data = (void *) slug;
    key.mv_size = strlen(slug);
    val.mv_data = v;
    val.mv_size = sizeof(v);

    rc = mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "keeping an old slug");
    }

    return NEWS_OK;
}


/*
 * The article that holds a slug, current or former.  A slug that leads
 * to no article (left by a delete before deletes freed slugs) is free:
 * MDB_NOTFOUND, as for a slug never used.
 */
static int
news_article_holder(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t *id)
{
    int            rc, moved;
    MDB_val        key, val;
    unsigned char  k[8];

    rc = news_slug_get(st, txn, slug, strlen(slug), id, &moved);
    if (rc != 0) {
        return rc;
    }

    news_be64_put(k, *id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    return mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val);
}




/*
 * The slugs an article had before (each rename filed the old record as a
 * revision) are released with it, so that a new article may take them;
 * a slug another article holds now is left alone.  The slugs are copied
 * out first: deleting invalidates the revisions' values.  Its old
 * addresses from an import go with them.
 */
static int
news_article_free_slugs(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int             rc, oom;
    cJSON          *obj;
    MDB_val         key, val;
    news_buf_t      slugs;
    MDB_cursor     *cur;
    const char     *slug;
    unsigned char   k[8];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_buf_init(&slugs);
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size > sizeof(k) && memcmp(key.mv_data, k, 8) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        /* a slug skipped for want of memory would stay held */
        obj = news_json_parse(val.mv_data, val.mv_size, &oom);
        slugs.failed |= oom;
        slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                                     "slug"));
        if (slug != NULL) {
            news_buf_add(&slugs, slug, strlen(slug) + 1);
        }

        cJSON_Delete(obj);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        news_buf_free(&slugs);
        return news_store_fail(err, rc, "reading revisions");
    }

    if (slugs.failed) {
        news_buf_free(&slugs);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = news_article_release(st, txn, id, &slugs, err);
    news_buf_free(&slugs);

    if (rc != NEWS_OK) {
        return rc;
    }

    return news_article_free_old_addresses(st, txn, id, err);
}


/*
 * Deletes each slugs entry named in `names` (0-terminated, one after the
 * other) that still leads to article id: one another article has taken
 * since is left alone.
 */
static int
news_article_release(news_store_t *st, MDB_txn *txn, uint64_t id,
    const news_buf_t *names, news_err_t *err)
{
    int          rc, moved;
    MDB_val      key;
    uint64_t     owner;
    const char  *p, *end;

    rc = 0;
    end = names->data + names->len;

    for (p = names->data; rc == 0 && p != NULL && p < end;
         p += strlen(p) + 1)
    {
        rc = news_slug_get(st, txn, p, strlen(p), &owner, &moved);

        if (rc == 0 && owner == id) {
            key.mv_data = (void *) p;
            key.mv_size = strlen(p);
            rc = mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key, NULL);
        }

        if (rc == MDB_NOTFOUND) {
            rc = 0;
        }
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "freeing a former slug");
    }

    return NEWS_OK;
}


/*
 * An imported article's old addresses: each is a redirect entry and, so
 * that a delete finds them, a key 0 . be64 id . address (empty value; no
 * slug or path begins with a 0 byte).  An address that another article
 * had moves to this one, its record with it.
 */
int
news_article_add_old_address(news_store_t *st, MDB_txn *txn,
    const char *address, uint64_t id, news_err_t *err)
{
    int         rc, moved;
    MDB_val     key, val;
    uint64_t    owner;
    news_buf_t  k;

    rc = news_slug_get(st, txn, address, strlen(address), &owner, &moved);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "looking up an old address");
    }

    news_buf_init(&k);
    news_old_address_key(&k, rc == 0 ? owner : id, address);

    key.mv_data = k.data;
    key.mv_size = k.len;

    if (rc == 0 && owner == id && moved && !k.failed
        && mdb_get(txn, st->dbi[NEWS_DB_SLUGS], &key, &val) == 0)
    {
        news_buf_free(&k);
        return NEWS_OK;         /* kept by an earlier import: no write */
    }

    if (rc == 0 && owner != id) {
        rc = k.failed ? ENOMEM : mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key,
                                         NULL);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            news_buf_free(&k);
            return news_store_fail(err, rc, "moving an old address");
        }
    }

    if (news_article_redirect(st, txn, address, id, err) != NEWS_OK) {
        news_buf_free(&k);
        return err->code;
    }

    k.len = 0;
    news_old_address_key(&k, id, address);

    key.mv_data = k.data;
    key.mv_size = k.len;
    val.mv_data = "";
    val.mv_size = 0;

    rc = k.failed ? ENOMEM : mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val,
                                     0);
    news_buf_free(&k);

    if (rc != 0) {
        return news_store_fail(err, rc, "keeping an old address");
    }

    return NEWS_OK;
}


static void
news_old_address_key(news_buf_t *b, uint64_t id, const char *address)
{
    unsigned char  k[9];

    k[0] = '\0';
    news_be64_put(k + 1, id);

    news_buf_add(b, k, sizeof(k));
    news_buf_adds(b, address);
}


/*
 * The old addresses an import gave the article are released with it (an
 * address another article has since taken stays that one's).  They are
 * copied out first, then their keys dropped.
 */
static int
news_article_free_old_addresses(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int             rc;
    MDB_val         key, val;
    news_buf_t      addresses;
    MDB_cursor     *cur;
    unsigned char   k[9];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SLUGS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_buf_init(&addresses);
    k[0] = '\0';
    news_be64_put(k + 1, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size > sizeof(k)
         && memcmp(key.mv_data, k, sizeof(k)) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        news_buf_add(&addresses, (char *) key.mv_data + sizeof(k),
                     key.mv_size - sizeof(k));
        news_buf_addc(&addresses, '\0');
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        news_buf_free(&addresses);
        return news_store_fail(err, rc, "reading old addresses");
    }

    if (addresses.failed) {
        news_buf_free(&addresses);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = news_article_release(st, txn, id, &addresses, err);
    news_buf_free(&addresses);

    if (rc != NEWS_OK) {
        return rc;
    }

    return news_store_drop_range(st, txn, NEWS_DB_SLUGS, k, sizeof(k), err);
}


/*
 * The time index and the section and tag indexes of a published
 * article: added (add = 1) or removed.
 */
static int
news_article_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err)
{
    int            rc;
    unsigned       i;
    MDB_val        key, val;
    unsigned char  k[NEWS_CURSOR_LEN];

    if (a->status != NEWS_PUBLISHED) {
        return NEWS_OK;
    }

    if (news_search_index(st, txn, a, add, err) != NEWS_OK) {
        return err->code;
    }

    news_times_key(k, a->published_at, a->id);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = "";
    val.mv_size = 0;

    rc = add ? mdb_put(txn, st->dbi[NEWS_DB_TIMES], &key, &val, 0)
             : mdb_del(txn, st->dbi[NEWS_DB_TIMES], &key, NULL);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "updating the time index");
    }

    if (a->section[0]
        && news_topic_index(st, txn, 's', a->section, a, add, err)
           != NEWS_OK)
    {
        return err->code;
    }

    for (i = 0; i < a->ntags; i++) {
        if (news_topic_index(st, txn, 't', a->tags[i], a, add, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    return NEWS_OK;
}


static int
news_topic_index(news_store_t *st, MDB_txn *txn, char kind,
    const char *name, const news_article_t *a, int add, news_err_t *err)
{
    int            rc, named;
    size_t         n;
    MDB_val        key, val;
    news_buf_t     k;
    unsigned char  t[NEWS_CURSOR_LEN];

    news_buf_init(&k);
    news_buf_addc(&k, kind);
    named = news_slugify(&k, name, strlen(name));

    if (k.failed) {
        news_buf_free(&k);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    /* a name without letters or digits has no page */
    if (!named) {
        news_buf_free(&k);
        return NEWS_OK;
    }

    n = k.len;

    if (add) {
        /* the name as written, for the page's heading */
        k.data[0] = (char) (kind - 'a' + 'A');
        key.mv_data = k.data;
        key.mv_size = n;
        val.mv_data = (void *) name;
        val.mv_size = strlen(name);

        rc = mdb_put(txn, st->dbi[NEWS_DB_TOPICS], &key, &val, 0);
        k.data[0] = kind;

        if (rc != 0) {
            news_buf_free(&k);
            return news_store_fail(err, rc, "writing a topic");
        }
    }

    news_times_key(t, a->published_at, a->id);
    news_buf_addc(&k, '\0');
    news_buf_add(&k, t, sizeof(t));

    key.mv_data = k.data;
    key.mv_size = k.len;
    val.mv_data = "";
    val.mv_size = 0;

    rc = k.failed ? ENOMEM
                  : add ? mdb_put(txn, st->dbi[NEWS_DB_TOPICS], &key, &val, 0)
                        : mdb_del(txn, st->dbi[NEWS_DB_TOPICS], &key, NULL);
    news_buf_free(&k);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "updating a topic index");
    }

    return NEWS_OK;
}


static int
news_article_write(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    news_err_t *err)
{
    int            rc;
    char          *json;
    cJSON         *obj;
    MDB_val        key, val;
    unsigned char  k[NEWS_CURSOR_LEN];

    obj = news_article_to_json(a, 1);
    json = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);

    if (json == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_be64_put(k, a->id);
    key.mv_data = k;
    key.mv_size = 8;
    val.mv_data = json;
    val.mv_size = strlen(json);

    rc = mdb_put(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val, 0);
    free(json);

    if (rc != 0) {
        return news_store_fail(err, rc, "writing an article");
    }

    key.mv_data = a->slug;
    key.mv_size = strlen(a->slug);
    val.mv_data = k;
    val.mv_size = 8;

    rc = mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a slug");
    }

    if (news_desk_index(st, txn, a, 1, err) != NEWS_OK) {
        return err->code;
    }

    return news_article_index(st, txn, a, 1, err);
}


/*
 * Renders and stores every fragment of the article.  The Markdown is
 * rendered once for all of them.  A refresh (its comments changed) skips
 * what comments do not touch: the feed and sitemap entries.
 */
static int
news_article_write_fragments(news_store_t *st, MDB_txn *txn,
    news_article_t *a, const news_comments_t *cs, int refresh,
    news_err_t *err)
{
    int         rc, kind;
    size_t      i;
    unsigned    page, pages;
    news_buf_t  b, html;

    news_buf_init(&b);

    if (news_article_body(a, &html, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < sizeof(news_fragment_kinds) / sizeof(int);
         i++)
    {
        kind = news_fragment_kinds[i];

        if (refresh && (kind == NEWS_FRAG_ATOM || kind == NEWS_FRAG_SITEMAP)) {
            continue;
        }

        rc = news_article_put_fragment(st, txn, a, cs, kind, 0, &b, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_drop_comment_pages(st, txn, a->id, err);
    }

    pages = news_render_comment_pages(cs);

    for (page = 1; rc == NEWS_OK && page <= pages; page++) {
        rc = news_article_put_fragment(st, txn, a, cs, NEWS_FRAG_COMMENTS,
                                       page, &b, err);
    }

    news_buf_free(&b);
    news_buf_free(&html);
    a->html = NULL;
    a->html_len = 0;

    return rc;
}


/*
 * After comments changed: the state, the summary and teaser (counts,
 * validators), the editors' picks (a pick's text or status may be what
 * changed), and of the comment pages those in want[] or from `from`
 * on; pages past the last are dropped.  No Markdown: none of these holds
 * the body.
 */
static int
news_article_write_pages(news_store_t *st, MDB_txn *txn, news_article_t *a,
    const news_comments_t *cs, unsigned from, const unsigned *want,
    unsigned nwant, unsigned pages, news_err_t *err)
{
    int            rc;
    size_t         i;
    unsigned       page, j;
    news_buf_t     b;
    unsigned char  k[13];

    static const int  kinds[] = {
        NEWS_FRAG_STATE, NEWS_FRAG_SUMMARY, NEWS_FRAG_TEASER,
        NEWS_FRAG_FEATURED
    };

    news_buf_init(&b);

    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        rc = news_article_put_fragment(st, txn, a, cs, kinds[i], 0, &b, err);
    }

    for (page = 1; rc == NEWS_OK && page <= pages; page++) {
        for (j = 0; j < nwant && want[j] != page; j++) {
            /* void */
        }

        if (page >= from || j < nwant) {
            rc = news_article_put_fragment(st, txn, a, cs,
                                           NEWS_FRAG_COMMENTS, page, &b, err);
        }
    }

    /* fewer pages than before: the last ones go */
    if (rc == NEWS_OK && from != (unsigned) -1) {
        news_be64_put(k, a->id);
        k[8] = NEWS_FRAG_COMMENTS;
        news_be32_put(k + 9, pages + 1);

        rc = news_store_drop_each(st, txn, NEWS_DB_PAGES, k, 9, k, sizeof(k),
                                  NULL, NULL, err);
    }

    news_buf_free(&b);

    return rc;
}


/* the body as HTML, once for every fragment of a write: a->html */
static int
news_article_body(news_article_t *a, news_buf_t *html, news_err_t *err)
{
    news_buf_init(html);

    if (news_markdown(html, a->body, strlen(a->body)) != 0) {
        news_buf_free(html);
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    a->html = html->data ? html->data : "";
    a->html_len = html->len;

    return NEWS_OK;
}


static int
news_article_put_fragment(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, int kind,
    unsigned page, news_buf_t *b, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[13];

    news_buf_reset(b);

    if (news_render_fragment(b, a, kind, cs, page) != 0) {
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    news_be64_put(k, a->id);
    k[8] = (unsigned char) kind;
    news_be32_put(k + 9, page);

    key.mv_data = k;
    key.mv_size = kind == NEWS_FRAG_COMMENTS ? 13 : 9;
    val.mv_data = b->data;
    val.mv_size = b->len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a rendered page");
    }

    return NEWS_OK;
}


static int
news_article_drop_comment_pages(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    unsigned char  k[9];

    news_be64_put(k, id);
    k[8] = NEWS_FRAG_COMMENTS;

    return news_store_drop_range(st, txn, NEWS_DB_PAGES, k, sizeof(k), err);
}


/* a comment page N of an article (page 1: see news_article_fragment) */
int
news_article_comment_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_page_t *pg)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[13];

    news_be64_put(k, id);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, page);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_PAGES], &key, &val);
    if (rc != 0) {
        return news_store_code(rc);
    }

    if (news_page_parse(val.mv_data, val.mv_size, pg) != 0
        || pg->nparts < 1 || pg->nparts > 2)
    {
        return NEWS_ERROR;
    }

    return NEWS_OK;
}


/*
 * How many comment pages article id has stored: its last page's key,
 * found by one cursor step back from the key after them all.
 */
int
news_article_comment_pages(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned *pages)
{
    int             rc;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[13];

    news_be64_put(k, id);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 0xffffffff);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_PAGES], &cur);
    if (rc != 0) {
        return news_store_code(rc);
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    if (rc == 0
        && (key.mv_size != sizeof(k) || memcmp(key.mv_data, k, 9) != 0))
    {
        rc = MDB_NOTFOUND;
    }

    if (rc == 0) {
        *pages = news_be32_get((unsigned char *) key.mv_data + 9);
    }

    mdb_cursor_close(cur);

    return news_store_code(rc);
}


int
news_article_id(news_store_t *st, MDB_txn *txn, const char *slug, size_t len,
    uint64_t *id)
{
    int  moved;

    return news_store_code(news_slug_get(st, txn, slug, len, id, &moved));
}


int
news_article_find(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, int *moved)
{
    return news_store_code(news_slug_get(st, txn, slug, len, id, moved));
}


/* LMDB's code: the callers inside this file tell MDB_NOTFOUND apart */
static int
news_slug_get(news_store_t *st, MDB_txn *txn, const char *slug, size_t len,
    uint64_t *id, int *moved)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = (void *) slug;
    key.mv_size = len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_SLUGS], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != 8 && val.mv_size != 9) {
        return MDB_CORRUPTED;
    }

    *id = news_be64_get(val.mv_data);
    *moved = (val.mv_size == 9);

    return 0;
}


int
news_article_public(const news_page_t *pg, int64_t now)
{
    return (pg->status & NEWS_STATUS_MASK) == NEWS_PUBLISHED
           && pg->published_at <= now;
}


int
news_article_public_id(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now)
{
    news_page_t  pg;

    /* the teaser's header says it: no record to parse */
    if (news_article_fragment(st, txn, id, NEWS_FRAG_TEASER, &pg) != 0) {
        return 0;
    }

    return news_article_public(&pg, now);
}


int
news_article_fragment(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg)
{
    int  rc;

    rc = news_fragment_get(st, txn, id, kind, pg);

    if (rc == 0 && (kind == NEWS_FRAG_PAGE || kind == NEWS_FRAG_JSON)) {
        rc = news_fragment_join(st, txn, id, kind, pg);
    }

    return news_store_code(rc);
}


/*
 * The page or the JSON with what comments change put in (render.h): the
 * state's validators, and comment page 1 and the count after the page's
 * parts, or the count between the JSON's two parts.  Two lookups more, whatever the comments.  A page or JSON of
 * a store from before the state fragment is whole already.
 */
static int
news_fragment_join(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg)
{
    int          rc;
    news_page_t  state, comments;

    rc = news_fragment_get(st, txn, id, NEWS_FRAG_STATE, &state);

    if (rc == MDB_NOTFOUND) {
        return 0;
    }

    if (rc != 0) {
        return rc;
    }

    pg->version = state.version;
    pg->modified_at = state.modified_at;

    if (kind == NEWS_FRAG_JSON) {
        if (pg->nparts != 2) {
            return MDB_CORRUPTED;
        }

        pg->part[2] = pg->part[1];
        pg->part[1] = state.part[0];
        pg->nparts = 3;

        return 0;
    }

    if (pg->nparts != NEWS_ARTICLE_PARTS && pg->nparts != NEWS_PAGE_PARTS) {
        return MDB_CORRUPTED;
    }

    /* the state and comment page 1 are written together */
    if (news_article_comment_page(st, txn, id, 1, &comments) != NEWS_OK) {
        return MDB_CORRUPTED;
    }

    pg->part[NEWS_PART_COMMENTS] = comments.part[0];

    /* the count in the byline's link, between the story's two parts */
    if (pg->nparts == NEWS_PAGE_PARTS) {
        pg->part[NEWS_PART_COUNT] = state.part[0];
        pg->nparts = NEWS_PART_COUNT + 1;
    }

    return 0;
}


/* LMDB's code, for the callers inside this file */
static int
news_fragment_get(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[9];

    news_be64_put(k, id);
    k[8] = (unsigned char) kind;
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_PAGES], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (news_page_parse(val.mv_data, val.mv_size, pg) != 0
        || pg->nparts == 0)
    {
        return MDB_CORRUPTED;
    }

    return 0;
}


int
news_article_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[8];

    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article");
    }

    rc = news_article_record(&val, id, a, err);

    if (rc == NEWS_OK && news_article_state(st, txn, a, err) != NEWS_OK) {
        news_article_free(a);
        return err->code;
    }

    return rc;
}


/* a stored record (an article's, or one of its revisions), parsed */
static int
news_article_record(const MDB_val *val, uint64_t id, news_article_t *a,
    news_err_t *err)
{
    int     rc, oom;
    cJSON  *obj;

    obj = news_json_parse(val->mv_data, val->mv_size, &oom);
    if (obj == NULL) {
        return oom ? news_err_set(err, NEWS_ERROR, "out of memory")
                   : news_err_set(err, NEWS_ERROR, "article %llu: corrupt "
                                  "record", (unsigned long long) id);
    }

    rc = news_article_from_json(a, obj, 0, 1, err);
    cJSON_Delete(obj);

    return rc;
}


int
news_article_revision_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t version, news_article_t *a, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[12];

    news_be64_put(k, id);
    news_be32_put(k + 8, version);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_REVISIONS], &key, &val);

    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no version %u of this "
                            "article", (unsigned) version);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a revision");
    }

    return news_article_record(&val, id, a, err);
}


int
news_article_revision_list(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t before, uint32_t *out, size_t n, size_t *count, int *more,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  k[12];

    *count = 0;
    *more = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_be64_put(k, id);
    news_be32_put(k + 8, before ? before : UINT32_MAX);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    /* the first key at or past (id, before); the one before it is ours */
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == MDB_NOTFOUND ? MDB_LAST
                                                           : MDB_PREV);

    while (rc == 0 && key.mv_size == 12 && memcmp(key.mv_data, k, 8) == 0) {
        if (*count == n) {
            *more = 1;
            break;
        }

        out[(*count)++] = news_be32_get((unsigned char *) key.mv_data + 8);
        rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading revisions");
    }

    return NEWS_OK;
}


/*
 * What comments changed since the record was written is in the state
 * fragment (render.h): the version, the last change, the count.  The
 * record's version is the higher one only in a store damaged by hand,
 * which newsctl check then reports.
 */
static int
news_article_state(news_store_t *st, MDB_txn *txn, news_article_t *a,
    news_err_t *err)
{
    int          rc;
    size_t       i;
    uint64_t     count;
    news_page_t  state;

    rc = news_fragment_get(st, txn, a->id, NEWS_FRAG_STATE, &state);

    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article's state");
    }

    /* the count is the map's bytes, not a C string */
    count = 0;

    for (i = 0; i < state.part[0].len && i < 10; i++) {
        if (state.part[0].data[i] < '0' || state.part[0].data[i] > '9') {
            break;
        }

        count = count * 10 + (uint64_t) (state.part[0].data[i] - '0');
    }

    if (i == 0 || i != state.part[0].len || count > UINT32_MAX) {
        return news_err_set(err, NEWS_ERROR, "article %llu: corrupt state",
                            (unsigned long long) a->id);
    }

    if (state.version > a->version) {
        a->version = state.version;
    }

    a->modified_at = state.modified_at;
    a->comment_count = (uint32_t) count;

    return NEWS_OK;
}


int
news_articles_list(news_store_t *st, MDB_txn *txn, news_list_t *l,
    news_buf_t *out, news_err_t *err)
{
    int                   rc;
    size_t                skip, plen;
    MDB_val               key, val;
    MDB_cursor           *cur;
    news_page_t           pg;
    unsigned char         start[NEWS_SLUG_MAX + 2 + NEWS_CURSOR_LEN];
    const unsigned char  *t;

    l->count = 0;
    l->more = 0;
    skip = l->skip;

    /* a topic's keys are its prefix, a NUL, then a times key */
    plen = l->topic ? strlen(l->topic) + 1 : 0;

    if (plen > NEWS_SLUG_MAX + 2) {
        return NEWS_OK;
    }

    if (plen) {
        memcpy(start, l->topic, plen);
    }

    /* the first key after the last second published by now */
    news_times_key(start + plen, l->now + 1, 0);

    if (l->cursor && memcmp(l->cursor, start + plen, NEWS_CURSOR_LEN) < 0) {
        memcpy(start + plen, l->cursor, NEWS_CURSOR_LEN);
    }

    rc = mdb_cursor_open(txn, st->dbi[plen ? NEWS_DB_TOPICS : NEWS_DB_TIMES],
                         &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    /* the first key at or after the start, then one step back */
    key.mv_data = start;
    key.mv_size = plen + NEWS_CURSOR_LEN;

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    /* a failed seek leaves the cursor nowhere: MDB_PREV would start over */
    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(cur, &key, &val,
                            rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    }

    for ( /* void */ ; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_PREV))
    {
        if (key.mv_size != plen + NEWS_CURSOR_LEN
            || memcmp(key.mv_data, start, plen) != 0)
        {
            if (plen) {
                break;
            }

            continue;
        }

        t = (const unsigned char *) key.mv_data + plen;

        if (skip) {
            skip--;
            continue;
        }

        if (l->count == l->limit) {
            l->more = 1;
            break;
        }

        rc = news_fragment_get(st, txn, news_be64_get(t + 8), l->kind, &pg);
        if (rc != 0) {
            break;
        }

        if (l->count && l->sep) {
            news_buf_adds(out, l->sep);
        }

        if (l->marks) {
            news_render_expand(out, pg.part[0].data, pg.part[0].len,
                               l->marks);

        } else {
            news_buf_add(out, pg.part[0].data, pg.part[0].len);
        }

        memcpy(l->next, t, NEWS_CURSOR_LEN);
        l->count++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "listing articles");
    }

    if (out->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


int
news_articles_schedule(news_store_t *st, MDB_txn *txn, int64_t now,
    news_schedule_t *sc, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  start[NEWS_CURSOR_LEN];

    sc->due = 0;
    sc->next = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_TIMES], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_times_key(start, now + 1, 0);
    key.mv_data = start;
    key.mv_size = sizeof(start);

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    if (rc == 0 && key.mv_size == NEWS_CURSOR_LEN) {
        sc->next = (int64_t) news_be64_get(key.mv_data);
    }

    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(cur, &key, &val,
                            rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    }

    if (rc == 0 && key.mv_size == NEWS_CURSOR_LEN) {
        sc->due = (int64_t) news_be64_get(key.mv_data);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the schedule");
    }

    return NEWS_OK;
}


int
news_list_stamp(news_store_t *st, MDB_txn *txn, int64_t now,
    news_list_stamp_t *ls, news_err_t *err)
{
    if (news_articles_schedule(st, txn, now, &ls->sc, err) != NEWS_OK) {
        return err->code;
    }

    ls->snapshot = news_store_snapshot(txn);
    ls->modified = news_store_modified(st, txn);

    return NEWS_OK;
}


int
news_topic_name(news_store_t *st, MDB_txn *txn, const char *topic,
    news_buf_t *name)
{
    int      rc;
    char     k[NEWS_SLUG_MAX + 2];
    size_t   n;
    MDB_val  key, val;

    n = strlen(topic);
    if (n < 2 || n > sizeof(k)) {
        return NEWS_NOTFOUND;
    }

    memcpy(k, topic, n);
    k[0] = (char) (k[0] - 'a' + 'A');
    key.mv_data = k;
    key.mv_size = n;

    rc = mdb_get(txn, st->dbi[NEWS_DB_TOPICS], &key, &val);
    if (rc == 0) {
        news_buf_add(name, val.mv_data, val.mv_size);
    }

    return news_store_code(rc);
}


static unsigned
news_min_u(unsigned a, unsigned b)
{
    return a < b ? a : b;
}


/*
 * The comment pages an article may have, without loading its comments:
 * a page holds NEWS_COMMENTS_PAGE threads, each begun by a comment (one
 * more for threads whose top comment is no longer counted as visible).
 */
static unsigned
news_article_pages_bound(const news_article_t *a)
{
    return a->comment_count / NEWS_COMMENTS_PAGE + 1;
}


static void
news_times_key(unsigned char *key, int64_t t, uint64_t id)
{
    news_be64_put(key, (uint64_t) t);
    news_be64_put(key + 8, id);
}


/* an editors' route, and rare: parsing the old records is fine here */
int
news_article_revisions_json(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_buf_t *b, news_err_t *err)
{
    int             rc, first, oom;
    cJSON          *obj;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[8];
    news_article_t  a;
    news_err_t      skipped;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_buf_addl(b, "{\"revisions\":[");
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;
    first = 1;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size == 12 && memcmp(key.mv_data, k, 8) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        obj = news_json_parse(val.mv_data, val.mv_size, &oom);
        b->failed |= oom;

        if (obj == NULL
            || news_article_from_json(&a, obj, 0, 1, &skipped) != NEWS_OK)
        {
            cJSON_Delete(obj);
            continue;
        }

        cJSON_Delete(obj);
        news_buf_addf(b, "%s{\"version\":%u,\"updated_at\":\"",
                      first ? "" : ",", a.version);
        news_time_rfc3339(b, a.updated_at);
        news_buf_addl(b, "\",\"slug\":");
        news_json_string(b, a.slug, strlen(a.slug));
        news_buf_addl(b, ",\"title\":");
        news_json_string(b, a.title, strlen(a.title));
        news_buf_addl(b, ",\"body\":");
        news_json_string(b, a.body, strlen(a.body));
        news_buf_addc(b, '}');
        news_article_free(&a);
        first = 0;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_buf_addl(b, "]}\n");

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}
