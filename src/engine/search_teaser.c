/*
 * Search teasers: what a search result shows of an article (its slug,
 * title, section, date, the page's teaser up to the snippet, the text
 * the snippet is cut from), laid out when the index takes the article
 * in.  A hit is then one lookup with pointers into the map: reading the
 * article's JSON record for each hit was the largest part of a search's
 * time (its parse alone about a third).  The record's layout is in
 * search.h.
 */

#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "render_search.h"
#include "search.h"
#include "text.h"


#define NEWS_STEASER_HEADER  36     /* be64, be32, five be32 lengths, words */

/* the teasers' first form, without where words start (schema 5) */
#define NEWS_STEASERS_1      "steasers"


static int news_steaser_lookup(news_store_t *st, MDB_txn *txn, uint64_t id,
    MDB_val *val);
static int news_steaser_make(news_buf_t *b, const news_article_t *a,
    const news_steaser_starts_t *starts);
static int news_steaser_starts(news_steaser_starts_t *starts,
    const char *body, size_t n);
static int news_steaser_drop_first(MDB_txn *txn, news_err_t *err);
static int news_steaser_decode(const MDB_val *val, news_steaser_t *t);


int
news_steaser_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_steaser_t *t, news_err_t *err)
{
    int       rc;
    MDB_val   val;

    rc = news_steaser_lookup(st, txn, id, &val);

    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "the search index has no "
                            "teaser of article %llu",
                            (unsigned long long) id);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a search teaser");
    }

    if (news_steaser_decode(&val, t) != 0) {
        return news_err_set(err, NEWS_ERROR, "the search teaser of article "
                            "%llu is corrupt", (unsigned long long) id);
    }

    return NEWS_OK;
}


int
news_steaser_write(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    const news_steaser_starts_t *starts, int add, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    news_buf_t     b;
    unsigned char  k[8];

    news_be64_put(k, a->id);
    key.mv_data = k;
    key.mv_size = 8;

    if (!add) {
        rc = mdb_del(txn, st->dbi[NEWS_DB_STEASERS], &key, NULL);

        /* a store whose teaser was lost: the article leaves all the same */
        return rc == 0 || rc == MDB_NOTFOUND
               ? NEWS_OK : news_store_fail(err, rc, "deleting a search teaser");
    }

    news_buf_init(&b);

    if (news_steaser_make(&b, a, starts) != 0) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    val.mv_data = b.data;
    val.mv_size = b.len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_STEASERS], &key, &val, 0);
    news_buf_free(&b);

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "writing a search teaser");
}


int
news_steaser_fill(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int              rc;
    cJSON           *obj;
    uint64_t         docs, length;
    MDB_val          key, val;
    MDB_cursor      *cur;
    news_article_t   a;

    if (news_steaser_drop_first(txn, err) != NEWS_OK) {
        return err->code;
    }

    /* an index not built yet: reindex writes the teasers with it */
    if (news_search_stats(st, txn, &docs, &length) != 0) {
        return NEWS_OK;
    }

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SDOCS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the search index");
    }

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != 8) {
            continue;               /* newsctl check names it */
        }

        /* the record's fields as they are: its write checked them */
        if (news_article_view(st, txn, news_be64_get(key.mv_data), &a, &obj,
                              err)
            != NEWS_OK)
        {
            mdb_cursor_close(cur);
            return err->code;
        }

        rc = news_steaser_write(st, txn, &a, NULL, 1, err);
        cJSON_Delete(obj);

        if (rc != NEWS_OK) {
            mdb_cursor_close(cur);
            return rc;
        }
    }

    mdb_cursor_close(cur);

    return rc == MDB_NOTFOUND ? NEWS_OK
                              : news_store_fail(err, rc,
                                                "reading the search index");
}


int
news_steaser_check(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    news_buf_t *why)
{
    int         rc;
    MDB_val     val;
    news_buf_t  b;

    if (news_steaser_lookup(st, txn, a->id, &val) != 0) {
        news_buf_addl(why, "indexed, but without its search teaser");
        return -1;
    }

    news_buf_init(&b);

    if (news_steaser_make(&b, a, NULL) != 0) {
        news_buf_free(&b);
        news_buf_addl(why, "out of memory");
        return -1;
    }

    rc = b.len == val.mv_size && memcmp(b.data, val.mv_data, b.len) == 0;
    news_buf_free(&b);

    if (!rc) {
        news_buf_addl(why, "its search teaser is not the article's as it "
                      "is");
        return -1;
    }

    return 0;
}


int
news_steaser_check_entry(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, news_buf_t *why)
{
    MDB_val         v;
    uint64_t        docs, length;
    news_steaser_t  t;

    /* an index not built, or of an older format: reindex makes it anew */
    if (news_search_stats(st, txn, &docs, &length) != 0) {
        return 0;
    }

    if (key->mv_size != 8 || news_steaser_decode(val, &t) != 0) {
        news_buf_addl(why, "a search teaser that does not decode");
        return -1;
    }

    if (mdb_get(txn, st->dbi[NEWS_DB_SDOCS], (MDB_val *) key, &v) != 0) {
        news_buf_addf(why, "a search teaser of article %llu, which is not "
                      "indexed",
                      (unsigned long long) news_be64_get(key->mv_data));
        return -1;
    }

    return 0;
}


/* mdb_get's code for article id's teaser, into val */
static int
news_steaser_lookup(news_store_t *st, MDB_txn *txn, uint64_t id,
    MDB_val *val)
{
    MDB_val        key;
    unsigned char  k[8];

    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;

    return mdb_get(txn, st->dbi[NEWS_DB_STEASERS], &key, val);
}


/* the teasers' first form, which this build no longer reads, let go */
static int
news_steaser_drop_first(MDB_txn *txn, news_err_t *err)
{
    int         rc;
    MDB_dbi     dbi;

    rc = mdb_dbi_open(txn, NEWS_STEASERS_1, 0, &dbi);

    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc == 0) {
        rc = mdb_drop(txn, dbi, 1);
    }

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "dropping the search teasers' "
                                     "first form");
}


void
news_steaser_starts_word(news_steaser_starts_t *starts, size_t start)
{
    unsigned char  be[2];

    if (starts->words++ % NEWS_SNIPPET_STRIDE == 0) {
        be[0] = (unsigned char) (start >> 8);
        be[1] = (unsigned char) start;
        news_buf_add(&starts->at, be, 2);
    }
}


/*
 * The record (search.h): five fields' lengths, then the fields, then
 * where the body's words start (given, or cut here).
 */
static int
news_steaser_make(news_buf_t *b, const news_article_t *a,
    const news_steaser_starts_t *starts)
{
    int                    rc;
    size_t                 at, body;
    news_steaser_starts_t  own;
    unsigned char          h[NEWS_STEASER_HEADER];

    body = strlen(a->body);
    body = body < NEWS_SNIPPET_SCAN ? body : NEWS_SNIPPET_SCAN;

    news_be64_put(h, (uint64_t) a->published_at);
    news_be32_put(h + 8, starts ? starts->body : news_search_body_start(a));
    news_be32_put(h + 12, (uint32_t) strlen(a->slug));
    news_be32_put(h + 16, (uint32_t) strlen(a->title));
    news_be32_put(h + 20, (uint32_t) strlen(a->section));
    news_be32_put(h + 28, (uint32_t) body);

    news_buf_add(b, h, sizeof(h));
    news_buf_adds(b, a->slug);
    news_buf_adds(b, a->title);
    news_buf_adds(b, a->section);

    at = b->len;
    news_search_teaser_head(b, a);

    if (!b->failed) {
        news_be32_put((unsigned char *) b->data + 24, (uint32_t) (b->len - at));
    }

    news_buf_add(b, a->body, body);

    rc = 0;
    news_buf_init(&own.at);

    if (starts == NULL) {
        rc = news_steaser_starts(&own, a->body, body);
        starts = &own;
    }

    rc = starts->at.failed ? -1 : rc;
    news_buf_add(b, starts->at.data, starts->at.len);

    if (!b->failed) {
        news_be32_put((unsigned char *) b->data + 32, starts->words);
    }

    news_buf_free(&own.at);

    return b->failed || rc != 0 ? -1 : 0;
}


/*
 * Where the words of body[0 .. n) start (n at most NEWS_SNIPPET_SCAN, so
 * a be16 holds each), cut as a snippet cuts them.
 */
static int
news_steaser_starts(news_steaser_starts_t *starts, const char *body,
    size_t n)
{
    news_tokens_t  tk;

    starts->words = 0;
    news_tokens_init(&tk, body, n);
    tk.unstemmed = 1;

    while (news_tokens_next(&tk)) {
        news_steaser_starts_word(starts, tk.start);
    }

    return starts->at.failed ? -1 : 0;
}


static int
news_steaser_decode(const MDB_val *val, news_steaser_t *t)
{
    size_t               n[5], i, at;
    const char          *f[5];
    const unsigned char *p;

    if (val->mv_size < NEWS_STEASER_HEADER) {
        return -1;
    }

    p = val->mv_data;
    at = NEWS_STEASER_HEADER;

    for (i = 0; i < 5; i++) {
        n[i] = news_be32_get(p + 12 + 4 * i);

        if (n[i] > val->mv_size - at) {
            return -1;
        }

        f[i] = (const char *) p + at;
        at += n[i];
    }

    t->words = news_be32_get(p + 32);

    if (((uint64_t) t->words + NEWS_SNIPPET_STRIDE - 1)
        / NEWS_SNIPPET_STRIDE * 2 != val->mv_size - at)
    {
        return -1;
    }

    t->starts = p + at;

    t->published_at = (int64_t) news_be64_get(p);
    t->body_start = news_be32_get(p + 8);
    t->slug = f[0];
    t->slug_len = n[0];
    t->title = f[1];
    t->title_len = n[1];
    t->section = f[2];
    t->section_len = n[2];
    t->head = f[3];
    t->head_len = n[3];
    t->body = f[4];
    t->body_len = n[4];

    return 0;
}
