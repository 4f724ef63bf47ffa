/*
 * The search index (search.h): postings blocks in LMDB, kept in the
 * article's write txn or written by a bulk load, and checked for newsctl
 * check.  The queries that read it are search_query.c's; the block
 * format both know is search_block.h.
 *
 * Why one file of about 1,650 lines: an article's terms (the hash table
 * of its distinct words and their positions), the postings changed in
 * place, the bulk load, the block codec and the check are one index,
 * and each of them uses the others' private pieces (the term table, the
 * block found, copied, decoded and written, the norms).  In order: the
 * index written, an article's terms, the postings and blocks, the check.
 */

/* qsort_r(): the nginx build does not define it for the engine */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "articles.h"
#include "search.h"
#include "search_block.h"
#include "text.h"


#define NEWS_FIELD_GAP     8        /* positions between two fields */

/*
 * The statistics' key names the postings' format: a store whose index
 * is of another format (or none) has no such key, and waits for
 * `newsctl reindex` rather than have its blocks misread.
 */
#define NEWS_SEARCH_KEY    "search.2"
#define NEWS_SEARCH_KEY_1  "search"         /* the first format's */


/* a position of a term in an article being indexed, and the next one */
typedef struct {
    uint32_t    pos;
    int32_t     next;       /* -1: the last */
} news_occ_t;


/* a distinct term of an article being indexed */
typedef struct {
    uint32_t    off;        /* the term in the arena */
    uint32_t    len;
    uint32_t    wtf;
    uint32_t    hash;       /* news_term_hash of the term */
    int32_t     first;      /* its positions in occ, in order; -1: none */
    int32_t     last;
} news_dterm_t;


/*
 * Distinct terms, found through an open-addressing hash of their bytes
 * (slots hold term index + 1; 0 is free).  Grouping by hash, not by
 * sorting every occurrence, because a text repeats its words: only the
 * distinct terms are sorted.
 */
typedef struct {
    news_buf_t     arena;
    news_dterm_t  *terms;
    size_t         nterms;
    size_t         cap;
    uint32_t      *slots;
    size_t         nslots;      /* a power of 2, 4 * cap */
} news_terms_t;


/* an article's terms and their positions */
typedef struct {
    news_terms_t   tab;
    news_occ_t    *occ;
    size_t         nocc;
    size_t         occ_cap;
    uint32_t       pos;         /* the next position */
    uint32_t       length;      /* weighted length */
    /* where the body's words start, for its teaser; its cut was the
     * teaser's (at most NEWS_SNIPPET_SCAN bytes): has_starts */
    news_steaser_starts_t  starts;
    int            has_starts;
} news_doc_terms_t;


/* a posting of a bulk load, and the next one of its term */
typedef struct {
    uint32_t    doc;
    uint32_t    wtf;
    uint32_t    norm;
    uint32_t    pos_off;    /* its positions in the positions arena */
    uint32_t    pos_len;
    int32_t     next;
} news_post_t;


/*
 * The postings of a bulk load's new articles, by term (first, last in
 * posts; wtf unused), written a block per term by news_search_flush.
 */
typedef struct {
    news_terms_t   tab;
    news_post_t   *posts;
    size_t         nposts;
    size_t         cap;
    news_buf_t     positions;
    uint64_t       added;       /* articles indexed since begin */
    /* the article being added: its tables kept for the next one's */
    news_doc_terms_t  doc;
} news_bulk_t;

/* a bulk load writes what it gathered at this size, whatever the batch */
#define NEWS_PENDING_MAX  (64 * 1024 * 1024)


static int news_doc_collect(news_doc_terms_t *d, const news_article_t *a);
static uint32_t news_field_words(const char *s);
static int news_doc_field(news_doc_terms_t *d, const char *s, size_t n,
    unsigned weight, news_steaser_starts_t *starts);
static int news_doc_filter(news_doc_terms_t *d, char kind, const char *name);
static int news_doc_add(news_doc_terms_t *d, const char *t, size_t len,
    uint32_t hash, unsigned weight, uint32_t pos);
static int news_doc_occur(news_doc_terms_t *d, news_dterm_t *dt,
    unsigned weight, uint32_t pos);
static news_dterm_t *news_terms_get(news_terms_t *tab, const char *t,
    size_t len, uint32_t hash);
static int news_terms_grow(news_terms_t *tab);
static void news_terms_sort(news_terms_t *tab);
static void news_terms_free(news_terms_t *tab);
static int news_dterm_cmp(const void *a, const void *b, void *arena);
static void news_doc_reset(news_doc_terms_t *d);
static void news_doc_free(news_doc_terms_t *d);
static int news_bulk_add(news_bulk_t *bk, const news_doc_terms_t *d,
    uint32_t doc, news_err_t *err);
static int news_term_append(news_store_t *st, MDB_txn *txn, MDB_cursor *cur,
    const char *term, size_t len, const news_posting_t *p, size_t n,
    news_err_t *err);
static int news_postings_change(news_store_t *st, MDB_txn *txn,
    const news_doc_terms_t *d, uint32_t doc, int add, news_err_t *err);
static int news_term_change(news_store_t *st, MDB_txn *txn, MDB_cursor *cur,
    const char *term, size_t len, const news_posting_t *np, int add,
    news_err_t *err);
static int news_block_find(MDB_cursor *cur, const char *term, size_t len,
    uint32_t doc, MDB_val *key, MDB_val *val);
static int news_block_copy(const MDB_val *key, const MDB_val *val,
    size_t len, news_posting_t *p, unsigned *n, uint8_t **copy,
    news_err_t *err);
static int news_block_write(news_store_t *st, MDB_txn *txn, const char *term,
    size_t len, const news_posting_t *p, unsigned n, const uint32_t *old,
    news_err_t *err);
static int news_dir_patch(news_store_t *st, MDB_txn *txn, const char *term,
    size_t len, const uint32_t *old, const news_buf_t *ent);
static int news_dir_header(const MDB_val *key, const MDB_val *val,
    news_buf_t *dir);
static const uint8_t *news_dir_entries(const uint8_t *s, const uint8_t *end);
static int news_dir_pairs(const uint8_t **s, const uint8_t *end, unsigned n,
    unsigned max, uint32_t *wtf, uint8_t *norm);
static int news_is_block_key(const MDB_val *key);
static int news_dir_gathered(news_buf_t *all, news_buf_t *dir, size_t klen);
static int news_dir_check(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, news_buf_t *why);
static void news_posting_key(news_buf_t *k, const char *term, size_t len,
    uint32_t doc);
static void news_varint_put(news_buf_t *b, uint32_t v);
static int news_search_reindex_all(news_store_t *st, news_err_t *err);
static int news_db_append(MDB_txn *txn, MDB_dbi from, MDB_dbi to);
static int news_stats_put(news_store_t *st, MDB_txn *txn, uint64_t docs,
    uint64_t length, news_err_t *err);
static uint32_t news_norm(uint32_t length);
static unsigned news_block_pairs(const news_posting_t *p, unsigned n,
    uint32_t *wtf, uint8_t *norm);
static unsigned news_pairs_bound(const uint32_t *most, unsigned max,
    uint32_t *wtf, uint8_t *norm);


/* the index ------------------------------------------------------------- */


int
news_search_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err)
{
    int               rc;
    uint64_t          docs, length;
    MDB_val           key, val;
    news_doc_terms_t  own, *d;
    unsigned char     k[8], v[12];

    /* an older store whose index is not built: `newsctl reindex` will */
    rc = news_search_stats(st, txn, &docs, &length);

    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the search statistics");
    }

    if (a->id > UINT32_MAX) {
        return news_err_set(err, NEWS_ERROR, "article id %llu is past the "
                            "search index's doc ids",
                            (unsigned long long) a->id);
    }

    news_be64_put(k, a->id);
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &key, &val);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the search index");
    }

    /* there in its current form already, or not there to take out */
    if ((rc == 0) == add) {
        return NEWS_OK;
    }

    /*
     * A bulk load cuts each new article into the same tables, emptied:
     * their memory is allocated once, not an article.
     */
    if (st->search_bulk && add) {
        d = &((news_bulk_t *) st->search_bulk)->doc;

    } else {
        d = &own;
        memset(d, 0, sizeof(*d));
    }

    if (news_doc_collect(d, a) != 0) {
        news_doc_free(d);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    /*
     * A bulk load gathers new postings (its flush puts the terms in key
     * order, each article's need not be); a removal writes them first,
     * and a write goes through the article's terms in key order.
     */
    if (st->search_bulk && add) {
        rc = news_bulk_add(st->search_bulk, d, (uint32_t) a->id, err);

    } else {
        news_terms_sort(&d->tab);
        rc = st->search_bulk ? news_search_flush(st, txn, err) : NEWS_OK;

        if (rc == NEWS_OK) {
            rc = news_postings_change(st, txn, d, (uint32_t) a->id, add,
                                      err);
        }
    }

    if (rc == NEWS_OK && add) {
        news_be64_put(v, (uint64_t) a->published_at);
        news_be32_put(v + 8, d->length);
        val.mv_data = v;
        val.mv_size = sizeof(v);

        rc = mdb_put(txn, st->dbi[NEWS_DB_SDOCS], &key, &val, 0);
        rc = rc == 0 ? news_steaser_write(st, txn, a,
                                          d->has_starts ? &d->starts : NULL,
                                          1, err)
                     : news_store_fail(err, rc, "writing the search index");
        docs++;
        length += d->length;

    } else if (rc == NEWS_OK) {
        rc = mdb_del(txn, st->dbi[NEWS_DB_SDOCS], &key, NULL);
        rc = rc == 0 ? news_steaser_write(st, txn, a, NULL, 0, err)
                     : news_store_fail(err, rc, "writing the search index");
        docs = docs ? docs - 1 : 0;
        length = length > d->length ? length - d->length : 0;
    }

    if (d == &own) {
        news_doc_free(d);
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    rc = news_stats_put(st, txn, docs, length, err);

    if (rc == NEWS_OK && st->search_bulk
        && ((news_bulk_t *) st->search_bulk)->positions.len
           + ((news_bulk_t *) st->search_bulk)->tab.arena.len
           > NEWS_PENDING_MAX)
    {
        rc = news_search_flush(st, txn, err);
    }

    return rc;
}


int
news_search_bulk_begin(news_store_t *st, news_err_t *err)
{
    news_bulk_t  *bk;

    bk = calloc(1, sizeof(news_bulk_t));
    if (bk == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_buf_init(&bk->tab.arena);
    news_buf_init(&bk->positions);
    st->search_bulk = bk;

    return NEWS_OK;
}


void
news_search_bulk_end(news_store_t *st)
{
    news_bulk_t  *bk;

    bk = st->search_bulk;
    if (bk == NULL) {
        return;
    }

    news_terms_free(&bk->tab);
    news_buf_free(&bk->positions);
    free(bk->posts);
    news_doc_free(&bk->doc);
    free(bk);
    st->search_bulk = NULL;
}


/* an article's postings into the bulk load, by term */
static int
news_bulk_add(news_bulk_t *bk, const news_doc_terms_t *d, uint32_t doc,
    news_err_t *err)
{
    size_t         i, cap;
    int32_t        o;
    uint32_t       last;
    news_post_t   *post;
    news_dterm_t  *dt, *bt;

    bk->added++;

    for (i = 0; i < d->tab.nterms; i++) {
        dt = &d->tab.terms[i];

        bt = news_terms_get(&bk->tab, d->tab.arena.data + dt->off, dt->len,
                            dt->hash);
        if (bt == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        if (bk->nposts == bk->cap) {
            cap = bk->cap ? bk->cap * 2 : 4096;
            post = realloc(bk->posts, cap * sizeof(news_post_t));
            if (post == NULL) {
                return news_err_set(err, NEWS_ERROR, "out of memory");
            }

            bk->posts = post;
            bk->cap = cap;
        }

        post = &bk->posts[bk->nposts];
        post->doc = doc;
        post->wtf = dt->wtf;
        post->norm = news_norm(d->length);
        post->pos_off = (uint32_t) bk->positions.len;
        post->next = -1;

        for (o = dt->first, last = 0; o >= 0; o = d->occ[o].next) {
            news_varint_put(&bk->positions, d->occ[o].pos - last);
            last = d->occ[o].pos;
        }

        if (bk->positions.failed) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        post->pos_len = (uint32_t) bk->positions.len - post->pos_off;

        if (bt->last >= 0) {
            bk->posts[bt->last].next = (int32_t) bk->nposts;

        } else {
            bt->first = (int32_t) bk->nposts;
        }

        bt->last = (int32_t) bk->nposts++;
    }

    return NEWS_OK;
}


int
news_search_flush(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int              rc;
    size_t           i, n, cap;
    int32_t          o;
    MDB_cursor      *cur;
    news_bulk_t     *bk;
    news_dterm_t    *bt;
    news_posting_t  *p;

    bk = st->search_bulk;
    if (bk == NULL || bk->tab.nterms == 0) {
        return NEWS_OK;
    }

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_POSTINGS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the search index");
    }

    news_terms_sort(&bk->tab);

    p = NULL;
    cap = 0;
    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < bk->tab.nterms; i++) {
        bt = &bk->tab.terms[i];

        for (n = 0, o = bt->first; o >= 0; o = bk->posts[o].next, n++) {
            if (n == cap) {
                cap = cap ? cap * 2 : 1024;
                p = realloc(p, cap * sizeof(news_posting_t));
                if (p == NULL) {
                    rc = news_err_set(err, NEWS_ERROR, "out of memory");
                    break;
                }
            }

            p[n].doc = bk->posts[o].doc;
            p[n].wtf = bk->posts[o].wtf;
            p[n].norm = bk->posts[o].norm;
            p[n].pos = (const uint8_t *) bk->positions.data
                       + bk->posts[o].pos_off;
            p[n].pos_len = bk->posts[o].pos_len;
        }

        if (rc == NEWS_OK) {
            rc = news_term_append(st, txn, cur, bk->tab.arena.data + bt->off,
                                  bt->len, p, n, err);
        }
    }

    free(p);
    mdb_cursor_close(cur);

    news_terms_free(&bk->tab);
    news_buf_reset(&bk->positions);
    bk->nposts = 0;

    return rc;
}


/*
 * A bulk load's postings of one term, in the order they came: when all
 * follow the term's last doc (new articles), its last block and they are
 * written as new blocks at once; else one by one.
 */
static int
news_term_append(news_store_t *st, MDB_txn *txn, MDB_cursor *cur,
    const char *term, size_t len, const news_posting_t *p, size_t n,
    news_err_t *err)
{
    int              rc;
    size_t           i;
    unsigned         m;
    uint8_t         *copy;
    uint32_t         old;
    MDB_val          key, val;
    news_posting_t  *all;

    for (i = 1; i < n && p[i].doc > p[i - 1].doc; i++) {
        /* void */
    }

    rc = news_block_find(cur, term, len, UINT32_MAX, &key, &val);

    if (rc == MDB_NOTFOUND && i == n) {
        return news_block_write(st, txn, term, len, p, n, NULL, err);
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the search index");
    }

    if (rc != 0 || i < n || val.mv_size < 6
        || news_be32_get(val.mv_data) >= p[0].doc)
    {
        for (i = 0, rc = NEWS_OK; rc == NEWS_OK && i < n; i++) {
            rc = news_term_change(st, txn, cur, term, len, &p[i], 1, err);
        }

        return rc;
    }

    all = malloc((n + NEWS_BLOCK_DOCS) * sizeof(news_posting_t));
    if (all == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (news_block_copy(&key, &val, len, all, &m, &copy, err) != NEWS_OK) {
        free(all);
        return err->code;
    }

    memcpy(all + m, p, n * sizeof(news_posting_t));
    old = all[0].doc;

    rc = mdb_cursor_del(cur, 0);
    rc = rc == 0 ? news_block_write(st, txn, term, len, all, m + n, &old, err)
                 : news_store_fail(err, rc, "writing the search index");

    free(all);
    free(copy);

    return rc;
}


int
news_search_bulk_compact(news_store_t *st, news_err_t *err)
{
    int          rc;
    uint64_t     docs, length;
    MDB_dbi      scratch;
    MDB_txn     *txn;
    news_bulk_t *bk;

    bk = st->search_bulk;

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_search_stats(st, txn, &docs, &length);

    /* an index not built, or mostly there before the load: as it is */
    if (rc != 0 || bk == NULL || bk->added < docs / 10 || bk->added == 0) {
        news_store_abort(st, txn);
        return rc == 0 || rc == MDB_NOTFOUND
               ? NEWS_OK : news_store_fail(err, rc, "reading the search "
                                           "statistics");
    }

    rc = mdb_dbi_open(txn, NEWS_POSTINGS_SCRATCH, MDB_CREATE, &scratch);

    if (rc == 0) {
        rc = news_db_append(txn, st->dbi[NEWS_DB_POSTINGS], scratch);
    }

    if (rc == 0) {
        rc = mdb_drop(txn, st->dbi[NEWS_DB_POSTINGS], 0);
    }

    if (rc == 0) {
        rc = news_db_append(txn, scratch, st->dbi[NEWS_DB_POSTINGS]);
    }

    if (rc == 0) {
        rc = mdb_drop(txn, scratch, 1);
    }

    if (rc != 0) {
        news_store_abort(st, txn);
        return news_store_fail(err, rc, "writing the search index again");
    }

    return news_store_commit(st, txn, err);
}


/* every entry of `from` put at the end of the empty `to`, in key order */
static int
news_db_append(MDB_txn *txn, MDB_dbi from, MDB_dbi to)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *in, *out;

    rc = mdb_cursor_open(txn, from, &in);
    if (rc != 0) {
        return rc;
    }

    rc = mdb_cursor_open(txn, to, &out);
    if (rc != 0) {
        mdb_cursor_close(in);
        return rc;
    }

    for (rc = mdb_cursor_get(in, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(in, &key, &val, MDB_NEXT))
    {
        rc = mdb_cursor_put(out, &key, &val, MDB_APPEND);
        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(out);
    mdb_cursor_close(in);

    return rc == MDB_NOTFOUND ? 0 : rc;
}


int
news_search_ready(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int       rc;
    uint64_t  docs, length;

    rc = news_search_stats(st, txn, &docs, &length);

    if (rc == MDB_NOTFOUND && news_search_outdated(st, txn)) {
        return news_err_set(err, NEWS_BUSY, "the search index of this store "
                            "is of an older format (run newsctl reindex to "
                            "rebuild it)");
    }

    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_BUSY, "the search index of this store "
                            "is not built yet (run newsctl reindex to "
                            "build it)");
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the search statistics");
    }

    return NEWS_OK;
}


int
news_search_outdated(news_store_t *st, MDB_txn *txn)
{
    MDB_val  key, val;

    key.mv_data = NEWS_SEARCH_KEY_1;
    key.mv_size = sizeof(NEWS_SEARCH_KEY_1) - 1;

    return mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val) == 0;
}


int
news_search_init(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_ARTICLES], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the articles");
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
    mdb_cursor_close(cur);

    if (rc == 0) {
        return NEWS_OK;
    }

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the articles");
    }

    return news_stats_put(st, txn, 0, 0, err);
}


int
news_search_reindex(news_store_t *st, news_err_t *err)
{
    int  rc;

    if (news_search_bulk_begin(st, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_search_reindex_all(st, err);

    if (rc == NEWS_OK) {
        rc = news_search_bulk_compact(st, err);
    }

    news_search_bulk_end(st);

    return rc;
}


static int
news_search_reindex_all(news_store_t *st, news_err_t *err)
{
    int              rc, more;
    size_t           batch;
    uint64_t         next;
    MDB_txn         *txn;
    MDB_cursor      *cur;
    MDB_val          key, val;
    news_article_t   a;
    unsigned char    k[8];

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = mdb_drop(txn, st->dbi[NEWS_DB_POSTINGS], 0);
    if (rc == 0) {
        rc = mdb_drop(txn, st->dbi[NEWS_DB_SDOCS], 0);
    }

    if (rc == 0) {
        rc = mdb_drop(txn, st->dbi[NEWS_DB_STEASERS], 0);
    }

    /* an index of the first format is gone with its statistics */
    if (rc == 0) {
        key.mv_data = NEWS_SEARCH_KEY_1;
        key.mv_size = sizeof(NEWS_SEARCH_KEY_1) - 1;
        rc = mdb_del(txn, st->dbi[NEWS_DB_META], &key, NULL);
        rc = rc == MDB_NOTFOUND ? 0 : rc;
    }

    if (rc != 0) {
        news_store_abort(st, txn);
        return news_store_fail(err, rc, "emptying the search index");
    }

    if (news_stats_put(st, txn, 0, 0, err) != NEWS_OK) {
        news_store_abort(st, txn);
        return err->code;
    }

    /* in txns of 1,000 articles: one txn for all could outgrow LMDB's */
    next = 0;
    more = 1;

    while (more) {
        rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_ARTICLES], &cur);
        if (rc != 0) {
            news_store_abort(st, txn);
            return news_store_fail(err, rc, "reading the articles");
        }

        news_be64_put(k, next);
        key.mv_data = k;
        key.mv_size = 8;

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        more = 0;

        for (batch = 0; rc == 0; batch++) {
            if (batch == 1000) {
                more = 1;
                break;
            }

            next = news_be64_get(key.mv_data) + 1;

            if (news_article_load(st, txn, next - 1, &a, err) != NEWS_OK) {
                mdb_cursor_close(cur);
                news_store_abort(st, txn);
                return err->code;
            }

            rc = a.status == NEWS_PUBLISHED
                 ? news_search_index(st, txn, &a, 1, err) : NEWS_OK;
            news_article_free(&a);

            if (rc != NEWS_OK) {
                mdb_cursor_close(cur);
                news_store_abort(st, txn);
                return rc;
            }

            rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
        }

        mdb_cursor_close(cur);

        if (rc != 0 && rc != MDB_NOTFOUND) {
            news_store_abort(st, txn);
            return news_store_fail(err, rc, "reading the articles");
        }

        if (news_search_flush(st, txn, err) != NEWS_OK) {
            news_store_abort(st, txn);
            return err->code;
        }

        if (news_store_commit(st, txn, err) != NEWS_OK) {
            return err->code;
        }

        if (more && news_store_write(st, &txn, err) != NEWS_OK) {
            return err->code;
        }
    }

    return NEWS_OK;
}


int
news_search_stats(news_store_t *st, MDB_txn *txn, uint64_t *docs,
    uint64_t *length)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = NEWS_SEARCH_KEY;
    key.mv_size = sizeof(NEWS_SEARCH_KEY) - 1;

    rc = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != 16) {
        return MDB_CORRUPTED;
    }

    *docs = news_be64_get(val.mv_data);
    *length = news_be64_get((const unsigned char *) val.mv_data + 8);

    return 0;
}


static int
news_stats_put(news_store_t *st, MDB_txn *txn, uint64_t docs,
    uint64_t length, news_err_t *err)
{
    unsigned char  v[16];

    news_be64_put(v, docs);
    news_be64_put(v + 8, length);

    return news_store_meta_put(st, txn, NEWS_SEARCH_KEY, v, sizeof(v),
                               "writing the search statistics", err);
}


/*
 * An article's distinct terms, in the order first met (news_terms_sort
 * puts them in key order), with their positions.  Weights and positions
 * as search.h says; the section and tags also give their filter terms
 * (no weight, no position).  d is zeroed, or an earlier article's, emptied
 * here.
 */
static int
news_doc_collect(news_doc_terms_t *d, const news_article_t *a)
{
    size_t    body;
    unsigned  i;

    news_doc_reset(d);

    if (news_doc_field(d, a->title, strlen(a->title), NEWS_WEIGHT_TITLE, NULL)
        || news_doc_field(d, a->subtitle, strlen(a->subtitle),
                          NEWS_WEIGHT_SUBTITLE, NULL)
        || news_doc_field(d, a->section, strlen(a->section),
                          NEWS_WEIGHT_SECTION, NULL)
        || news_doc_filter(d, 's', a->section))
    {
        return -1;
    }

    for (i = 0; i < a->ntags; i++) {
        if (news_doc_field(d, a->tags[i], strlen(a->tags[i]), NEWS_WEIGHT_TAG,
                           NULL)
            || news_doc_filter(d, 't', a->tags[i]))
        {
            return -1;
        }
    }

    /*
     * A body longer than the teaser keeps is cut differently at its end
     * (a word across the cut): its teaser cuts its own part.
     */
    body = strlen(a->body);
    d->has_starts = body <= NEWS_SNIPPET_SCAN;
    d->starts.body = d->pos;        /* news_search_body_start's count */

    if (news_doc_field(d, a->body, body, NEWS_WEIGHT_BODY,
                       d->has_starts ? &d->starts : NULL))
    {
        return -1;
    }

    return 0;
}


/*
 * The body's positions follow the other fields' (news_doc_collect's
 * order, each field's words and a gap): where the body starts is
 * counted from them, and the first position of a query's term past it
 * is where that term is first in the body.
 */
uint32_t
news_search_body_start(const news_article_t *a)
{
    unsigned  i;
    uint32_t  body;

    body = news_field_words(a->title) + news_field_words(a->subtitle)
           + news_field_words(a->section) + 3 * NEWS_FIELD_GAP;

    for (i = 0; i < a->ntags; i++) {
        body += news_field_words(a->tags[i]) + NEWS_FIELD_GAP;
    }

    return body;
}


long
news_search_body_first(uint32_t body, const news_query_t *q,
    const news_hit_words_t *w)
{
    long            first;
    unsigned        t;
    uint32_t        pos, v;
    const uint8_t  *s, *end;

    first = -1;

    for (t = 0; t < q->nterms; t++) {
        if (w->pos[t] == NULL) {
            continue;
        }

        s = w->pos[t];
        end = s + w->len[t];

        for (pos = 0; news_varint_get(&s, end, &v) == 0; ) {
            pos += v;

            if (pos >= body) {
                if (first < 0 || pos - body < (uint32_t) first) {
                    first = (long) (pos - body);
                }

                break;
            }
        }
    }

    return first;
}


/* the words of a field before the body: as many positions as it takes */
static uint32_t
news_field_words(const char *s)
{
    uint32_t       n;
    news_tokens_t  tk;

    news_tokens_init(&tk, s, strlen(s));
    tk.unstemmed = 1;

    for (n = 0; news_tokens_next(&tk); n++) {
        /* void */
    }

    return n;
}


static int
news_doc_field(news_doc_terms_t *d, const char *s, size_t n, unsigned weight,
    news_steaser_starts_t *starts)
{
    news_tokens_t  tk;

    news_tokens_init(&tk, s, n);

    while (news_tokens_next(&tk)) {
        if (news_doc_add(d, tk.term, tk.term_len, tk.term_hash, weight,
                         d->pos++)
            != 0)
        {
            return -1;
        }

        /* the words a snippet counts: stemming drops none of them */
        if (starts != NULL) {
            news_steaser_starts_word(starts, tk.start);
        }

        d->length += weight;
    }

    d->pos += NEWS_FIELD_GAP;

    return tk.failed ? -1 : 0;
}


/* the term of section: or tag: (0x01 kind slug): no weight, no position */
static int
news_doc_filter(news_doc_terms_t *d, char kind, const char *name)
{
    int         rc;
    news_buf_t  t;

    news_buf_init(&t);
    news_buf_addc(&t, '\1');
    news_buf_addc(&t, kind);

    if (!news_slugify(&t, name, strlen(name))) {
        news_buf_free(&t);
        return t.failed ? -1 : 0;
    }

    rc = t.failed ? -1 : news_doc_add(d, t.data, t.len,
                                      news_term_hash(t.data, t.len), 0, 0);
    news_buf_free(&t);

    return rc;
}


static int
news_doc_add(news_doc_terms_t *d, const char *t, size_t len, uint32_t hash,
    unsigned weight, uint32_t pos)
{
    news_dterm_t  *dt;

    dt = news_terms_get(&d->tab, t, len, hash);
    if (dt == NULL) {
        return -1;
    }

    return news_doc_occur(d, dt, weight, pos);
}


/*
 * The entry of term t (hash: news_term_hash's), a new one if it is new;
 * NULL: out of memory
 */
static news_dterm_t *
news_terms_get(news_terms_t *tab, const char *t, size_t len, uint32_t hash)
{
    size_t         h;
    news_dterm_t  *dt;

    if (tab->nterms == tab->cap && news_terms_grow(tab) != 0) {
        return NULL;
    }

    for (h = hash & (tab->nslots - 1);
         tab->slots[h];
         h = (h + 1) & (tab->nslots - 1))
    {
        dt = &tab->terms[tab->slots[h] - 1];

        if (dt->hash == hash && dt->len == len
            && memcmp(tab->arena.data + dt->off, t, len) == 0)
        {
            return dt;
        }
    }

    dt = &tab->terms[tab->nterms++];
    tab->slots[h] = (uint32_t) tab->nterms;
    dt->off = (uint32_t) tab->arena.len;
    dt->len = (uint32_t) len;
    dt->wtf = 0;
    dt->hash = hash;
    dt->first = -1;
    dt->last = -1;

    news_buf_add(&tab->arena, t, len);

    return tab->arena.failed ? NULL : dt;
}


/* a weighted occurrence counts and has a position; a filter neither */
static int
news_doc_occur(news_doc_terms_t *d, news_dterm_t *dt, unsigned weight,
    uint32_t pos)
{
    size_t       cap;
    news_occ_t  *occ;

    if (weight == 0) {
        return 0;
    }

    if (d->nocc == d->occ_cap) {
        cap = d->occ_cap ? d->occ_cap * 2 : 512;
        occ = realloc(d->occ, cap * sizeof(news_occ_t));
        if (occ == NULL) {
            return -1;
        }

        d->occ = occ;
        d->occ_cap = cap;
    }

    d->occ[d->nocc].pos = pos;
    d->occ[d->nocc].next = -1;

    if (dt->last >= 0) {
        d->occ[dt->last].next = (int32_t) d->nocc;

    } else {
        dt->first = (int32_t) d->nocc;
    }

    dt->last = (int32_t) d->nocc++;
    dt->wtf += weight;

    return 0;
}


/* twice the terms, and a hash table four times that, rehashed */
static int
news_terms_grow(news_terms_t *tab)
{
    size_t         cap, n, i, h;
    uint32_t      *slots;
    news_dterm_t  *terms;

    cap = tab->cap ? tab->cap * 2 : 256;
    n = cap * 4;

    terms = realloc(tab->terms, cap * sizeof(news_dterm_t));
    if (terms == NULL) {
        return -1;
    }

    tab->terms = terms;

    slots = calloc(n, sizeof(uint32_t));
    if (slots == NULL) {
        return -1;
    }

    for (i = 0; i < tab->nterms; i++) {
        for (h = terms[i].hash & (n - 1); slots[h]; h = (h + 1) & (n - 1))
        {
            /* void */
        }

        slots[h] = (uint32_t) i + 1;
    }

    free(tab->slots);
    tab->slots = slots;
    tab->nslots = n;
    tab->cap = cap;

    return 0;
}


/* the terms in key order, for LMDB; the arena's place is final now */
static void
news_terms_sort(news_terms_t *tab)
{
    qsort_r(tab->terms, tab->nterms, sizeof(news_dterm_t), news_dterm_cmp,
            tab->arena.data);
}


static void
news_terms_free(news_terms_t *tab)
{
    news_buf_free(&tab->arena);
    free(tab->terms);
    free(tab->slots);
    memset(tab, 0, sizeof(*tab));
}


static int
news_dterm_cmp(const void *a, const void *b, void *arena)
{
    int                  rc;
    size_t               n;
    const news_dterm_t  *x, *y;
    const char          *base;

    x = a;
    y = b;
    base = arena;
    n = x->len < y->len ? x->len : y->len;

    rc = memcmp(base + x->off, base + y->off, n);
    if (rc != 0) {
        return rc;
    }

    return x->len < y->len ? -1 : x->len > y->len;
}


/* d empty, as zeroed, but with what it had allocated */
static void
news_doc_reset(news_doc_terms_t *d)
{
    news_buf_reset(&d->tab.arena);
    d->tab.nterms = 0;

    if (d->tab.slots != NULL) {
        memset(d->tab.slots, 0, d->tab.nslots * sizeof(uint32_t));
    }

    d->nocc = 0;
    d->pos = 0;
    d->length = 0;
    news_buf_reset(&d->starts.at);
    d->starts.words = 0;
    d->starts.body = 0;
    d->has_starts = 0;
}


static void
news_doc_free(news_doc_terms_t *d)
{
    news_terms_free(&d->tab);
    free(d->occ);
    news_buf_free(&d->starts.at);
    memset(d, 0, sizeof(*d));       /* as new: a bulk load may go on */
}


/* one posting per distinct term of the article, added or taken out */
static int
news_postings_change(news_store_t *st, MDB_txn *txn,
    const news_doc_terms_t *d, uint32_t doc, int add, news_err_t *err)
{
    int              rc;
    size_t           i;
    int32_t          o;
    uint32_t         last;
    MDB_cursor      *cur;
    news_buf_t       pos;
    news_posting_t   np;
    news_dterm_t    *dt;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_POSTINGS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the search index");
    }

    news_buf_init(&pos);
    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < d->tab.nterms; i++) {
        dt = &d->tab.terms[i];

        news_buf_reset(&pos);
        last = 0;

        for (o = dt->first; o >= 0; o = d->occ[o].next) {
            news_varint_put(&pos, d->occ[o].pos - last);
            last = d->occ[o].pos;
        }

        if (pos.failed) {
            rc = news_err_set(err, NEWS_ERROR, "out of memory");
            break;
        }

        np.doc = doc;
        np.wtf = dt->wtf;
        np.norm = news_norm(d->length);
        np.pos = (const uint8_t *) pos.data;
        np.pos_len = (uint32_t) pos.len;

        rc = news_term_change(st, txn, cur, d->tab.arena.data + dt->off,
                              dt->len, &np, add, err);
    }

    news_buf_free(&pos);
    mdb_cursor_close(cur);

    return rc;
}


/*
 * Puts np into its term's postings, or takes its doc out: the block that
 * holds the doc (or would) is decoded, changed and written back, split
 * if it grew too big.  A new article has the highest id, so this is
 * usually the term's last block.
 */
static int
news_term_change(news_store_t *st, MDB_txn *txn, MDB_cursor *cur,
    const char *term, size_t len, const news_posting_t *np, int add,
    news_err_t *err)
{
    int              rc;
    unsigned         n, i;
    uint8_t         *copy;
    uint32_t         old;
    MDB_val          key, val;
    news_posting_t   p[NEWS_BLOCK_DOCS + 1];

    rc = news_block_find(cur, term, len, np->doc, &key, &val);

    if (rc == MDB_NOTFOUND) {
        return add ? news_block_write(st, txn, term, len, np, 1, NULL, err)
                   : NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the search index");
    }

    if (news_block_copy(&key, &val, len, p, &n, &copy, err) != NEWS_OK) {
        return err->code;
    }

    old = p[0].doc;

    for (i = 0; i < n && p[i].doc < np->doc; i++) {
        /* void */
    }

    if (add) {
        if (i < n && p[i].doc == np->doc) {
            p[i] = *np;

        } else {
            memmove(&p[i + 1], &p[i], (n - i) * sizeof(news_posting_t));
            p[i] = *np;
            n++;
        }

    } else if (i < n && p[i].doc == np->doc) {
        memmove(&p[i], &p[i + 1], (n - i - 1) * sizeof(news_posting_t));
        n--;

    } else {
        free(copy);
        return NEWS_OK;         /* not there: nothing to take out */
    }

    rc = mdb_cursor_del(cur, 0);

    rc = rc == 0 ? news_block_write(st, txn, term, len, p, n, &old, err)
                 : news_store_fail(err, rc, "writing the search index");
    free(copy);

    return rc;
}


/*
 * A block found by news_block_find, decoded from a copy of its bytes,
 * which change under the del and put that rewrite it: *copy holds them
 * (the postings' positions point into it) for the caller to free.
 */
static int
news_block_copy(const MDB_val *key, const MDB_val *val, size_t len,
    news_posting_t *p, unsigned *n, uint8_t **copy, news_err_t *err)
{
    MDB_val  v;

    *copy = malloc(val->mv_size);
    if (*copy == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(*copy, val->mv_data, val->mv_size);
    v.mv_data = *copy;
    v.mv_size = val->mv_size;

    if (news_block_decode(&v,
                          news_be32_get((const uint8_t *) key->mv_data + len
                                        + 1),
                          p, n)
        != 0)
    {
        free(*copy);
        return news_err_set(err, NEWS_ERROR, "a corrupt search index block");
    }

    return NEWS_OK;
}


/*
 * The block of term that holds doc or would: the last one whose first
 * doc is at most doc, else the term's first block.  0 with key and val
 * set, or MDB_NOTFOUND when the term has no postings.
 */
static int
news_block_find(MDB_cursor *cur, const char *term, size_t len, uint32_t doc,
    MDB_val *key, MDB_val *val)
{
    int            rc;
    unsigned char  k[NEWS_SLUG_MAX + 8];

    if (len + 5 > sizeof(k)) {
        return MDB_NOTFOUND;
    }

    memcpy(k, term, len);
    k[len] = '\0';
    news_be32_put(k + len + 1, doc);

#define NEWS_OF_TERM(kv)                                                     \
    ((kv)->mv_size == len + 5 && memcmp((kv)->mv_data, k, len + 1) == 0)

    key->mv_data = k;
    key->mv_size = len + 5;

    rc = mdb_cursor_get(cur, key, val, MDB_SET_RANGE);

    if (rc == 0 && NEWS_OF_TERM(key)
        && news_be32_get((const unsigned char *) key->mv_data + len + 1)
           == doc)
    {
        return 0;
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return rc;
    }

    rc = mdb_cursor_get(cur, key, val, rc == 0 ? MDB_PREV : MDB_LAST);

    if (rc == 0 && NEWS_OF_TERM(key)) {
        return 0;
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return rc;
    }

    /* every block of the term starts after doc: its first one */
    key->mv_data = k;
    key->mv_size = len + 5;

    rc = mdb_cursor_get(cur, key, val, MDB_SET_RANGE);

    if (rc == 0 && !NEWS_OF_TERM(key)) {
        rc = MDB_NOTFOUND;
    }

#undef NEWS_OF_TERM

    return rc;
}


/*
 * A block: be32 last doc, be16 count, a byte of pairs and the pairs
 * (varint wtf, byte norm); then per doc varint (doc - previous doc; the
 * first: doc - first doc), varint wtf, byte norm; then per doc varint
 * byte length of its positions and the positions.  The postings a query
 * scores come first, the positions only phrases read after them.
 */
int
news_block_decode(const MDB_val *val, uint32_t first, news_posting_t *p,
    unsigned *n)
{
    const uint8_t  *pos;

    if (news_block_postings(val, first, p, n, &pos) != 0) {
        return -1;
    }

    return news_block_positions(pos,
                                (const uint8_t *) val->mv_data + val->mv_size,
                                p, *n);
}


int
news_block_postings(const MDB_val *val, uint32_t first, news_posting_t *p,
    unsigned *n, const uint8_t **positions)
{
    unsigned        i, count, npairs;
    uint32_t        doc, delta, v;
    const uint8_t  *s, *end;

    s = val->mv_data;
    end = s + val->mv_size;

    if (val->mv_size < 7) {
        return -1;
    }

    count = (unsigned) s[4] << 8 | s[5];
    npairs = s[6];

    if (count == 0 || count > NEWS_BLOCK_DOCS || npairs == 0
        || npairs > NEWS_BLOCK_PAIRS)
    {
        return -1;
    }

    s += 7;

    for (i = 0; i < npairs; i++) {
        if (news_varint_get(&s, end, &v) || s == end) {
            return -1;
        }

        s++;
    }

    doc = first;

    for (i = 0; i < count; i++) {
        /* most postings: a one-byte delta and wtf, then the norm */
        if (end - s >= 3 && !((s[0] | s[1]) & 0x80)) {
            doc += s[0];
            p[i].doc = doc;
            p[i].wtf = s[1];
            p[i].norm = s[2];
            p[i].pos = NULL;
            p[i].pos_len = 0;
            s += 3;
            continue;
        }

        if (news_varint_get(&s, end, &delta)
            || news_varint_get(&s, end, &p[i].wtf)
            || s == end)
        {
            return -1;
        }

        p[i].norm = *s++;
        doc += delta;
        p[i].doc = doc;
        p[i].pos = NULL;
        p[i].pos_len = 0;
    }

    *n = count;
    *positions = s;

    return 0;
}


int
news_block_positions(const uint8_t *s, const uint8_t *end, news_posting_t *p,
    unsigned n)
{
    unsigned  i;

    for (i = 0; i < n; i++) {
        if (news_varint_get(&s, end, &p[i].pos_len)
            || (size_t) (end - s) < p[i].pos_len)
        {
            return -1;
        }

        p[i].pos = s;
        s += p[i].pos_len;
    }

    return s == end ? 0 : -1;
}


/*
 * Postings p[0 .. n) of term as blocks, each keyed by its first doc, in
 * place of the block whose first doc was *old (deleted by the caller;
 * NULL: a term new to the index), and the term's directory to match.
 */
static int
news_block_write(news_store_t *st, MDB_txn *txn, const char *term,
    size_t len, const news_posting_t *p, unsigned n, const uint32_t *old,
    news_err_t *err)
{
    int         rc;
    unsigned    i, j, start, npairs;
    MDB_val     key, val;
    news_buf_t  k, v, post, pos, ent;
    uint32_t    wtf[NEWS_BLOCK_PAIRS];
    uint8_t     norm[NEWS_BLOCK_PAIRS];

    news_buf_init(&k);
    news_buf_init(&v);
    news_buf_init(&post);
    news_buf_init(&pos);
    news_buf_init(&ent);
    rc = 0;

    for (start = 0; rc == 0 && start < n; start = i) {
        news_buf_reset(&post);
        news_buf_reset(&pos);

        /* as many as fit, the pairs' bytes counted at their most */
        for (i = start; i < n; i++) {
            if (i > start
                && (i - start == NEWS_BLOCK_DOCS
                    || 7 + 6 * NEWS_BLOCK_PAIRS + post.len + pos.len
                       + p[i].pos_len + 20 > NEWS_BLOCK_BYTES))
            {
                break;
            }

            news_varint_put(&post, p[i].doc - (i > start ? p[i - 1].doc
                                                         : p[start].doc));
            news_varint_put(&post, p[i].wtf);
            news_buf_addc(&post, (char) p[i].norm);
            news_varint_put(&pos, p[i].pos_len);
            news_buf_add(&pos, p[i].pos, p[i].pos_len);
        }

        npairs = news_block_pairs(p + start, i - start, wtf, norm);

        news_buf_reset(&v);
        news_buf_add_be32(&v, p[i - 1].doc);
        news_buf_addc(&v, (char) ((i - start) >> 8));
        news_buf_addc(&v, (char) ((i - start) & 0xff));
        news_buf_addc(&v, (char) npairs);

        for (j = 0; j < npairs; j++) {
            news_varint_put(&v, wtf[j]);
            news_buf_addc(&v, (char) norm[j]);
        }

        /* the directory's entry: the first doc and the header */
        news_buf_add_be32(&ent, p[start].doc);
        news_buf_add(&ent, v.data, v.len);

        news_buf_add(&v, post.data, post.len);
        news_buf_add(&v, pos.data, pos.len);

        news_buf_reset(&k);
        news_posting_key(&k, term, len, p[start].doc);

        if (k.failed || v.failed || post.failed || pos.failed) {
            rc = ENOMEM;
            break;
        }

        key.mv_data = k.data;
        key.mv_size = k.len;
        val.mv_data = v.data;
        val.mv_size = v.len;

        rc = mdb_put(txn, st->dbi[NEWS_DB_POSTINGS], &key, &val, 0);
    }

    if (rc == 0) {
        rc = ent.failed ? ENOMEM
                        : news_dir_patch(st, txn, term, len, old, &ent);
    }

    news_buf_free(&k);
    news_buf_free(&v);
    news_buf_free(&post);
    news_buf_free(&pos);
    news_buf_free(&ent);

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "writing the search index");
}


/*
 * The term's directory with the entry of block *old (NULL: none, a new
 * term) replaced by ent's (none: the block went), its groups summed up
 * again, deleted when it holds no entry: 0, or an LMDB error
 * (MDB_CORRUPTED: no entry of *old).
 */
static int
news_dir_patch(news_store_t *st, MDB_txn *txn, const char *term, size_t len,
    const uint32_t *old, const news_buf_t *ent)
{
    int                rc;
    MDB_val            key, val;
    news_buf_t         k, d, v;
    const uint8_t     *s, *end, *at, *base;
    news_dir_entry_t   e;

    news_buf_init(&k);
    news_buf_add(&k, term, len);
    news_buf_addc(&k, NEWS_DIR_MARK);

    if (k.failed) {
        return ENOMEM;
    }

    key.mv_data = k.data;
    key.mv_size = k.len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_POSTINGS], &key, &val);

    if (rc == MDB_NOTFOUND) {
        val.mv_data = NULL;
        val.mv_size = 0;

    } else if (rc != 0) {
        news_buf_free(&k);
        return rc;
    }

    /* the entries, after the groups' sums */
    end = (const uint8_t *) val.mv_data + val.mv_size;
    base = val.mv_size > 0 ? news_dir_entries(val.mv_data, end) : end;

    if (val.mv_size > 0 && base == NULL) {
        news_buf_free(&k);
        return MDB_CORRUPTED;
    }

    s = base;
    at = end;

    /* the old block's entry, and where the next one starts */
    for (rc = old ? MDB_CORRUPTED : 0; old && s < end; ) {
        at = s;

        if (news_dir_entry(&s, end, &e) != 0) {
            break;
        }

        if (e.first == *old) {
            rc = 0;
            break;
        }
    }

    if (rc != 0) {
        news_buf_free(&k);
        return rc;
    }

    news_buf_init(&d);
    news_buf_init(&v);
    news_buf_add(&d, base, (size_t) (at - base));
    news_buf_add(&d, ent->data, ent->len);
    news_buf_add(&d, s, old ? (size_t) (end - s) : 0);

    if (d.failed) {
        rc = ENOMEM;

    } else if (d.len == 0) {
        rc = mdb_del(txn, st->dbi[NEWS_DB_POSTINGS], &key, NULL);
        rc = rc == MDB_NOTFOUND ? 0 : rc;

    } else if (news_dir_build(&v, (const uint8_t *) d.data, d.len) != 0) {
        rc = v.failed ? ENOMEM : MDB_CORRUPTED;

    } else {
        val.mv_data = v.data;
        val.mv_size = v.len;
        rc = mdb_put(txn, st->dbi[NEWS_DB_POSTINGS], &key, &val, 0);
    }

    news_buf_free(&k);
    news_buf_free(&d);
    news_buf_free(&v);

    return rc;
}


/*
 * Whether a postings key is a block's (term . 0 . be32 doc): a term has
 * no NUL, so a directory's key (term . 1) never has one there.
 */
static int
news_is_block_key(const MDB_val *key)
{
    return key->mv_size >= 6
           && ((const uint8_t *) key->mv_data)[key->mv_size - 5] == '\0';
}


/*
 * A term's gathered directory (its key, then its blocks' entries) onto
 * all as its key and the directory's value, dir emptied: 0, or -1.
 */
static int
news_dir_gathered(news_buf_t *all, news_buf_t *dir, size_t klen)
{
    size_t  at;
    int     rc;

    if (dir->len == 0) {
        return 0;
    }

    news_buf_add_be32(all, (uint32_t) klen);
    news_buf_add(all, dir->data, klen);
    at = all->len;
    news_buf_add_be32(all, 0);
    rc = news_dir_build(all, (const uint8_t *) dir->data + klen,
                        dir->len - klen);

    if (rc == 0 && !all->failed) {
        news_be32_put((uint8_t *) all->data + at,
                      (uint32_t) (all->len - at - 4));
    }

    news_buf_reset(dir);

    return rc;
}


int
news_search_dirs_fill(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int          rc;
    size_t       i, klen, tlen;
    uint64_t     docs, length;
    MDB_val      key, val;
    MDB_cursor  *cur;
    news_buf_t   all, dir;

    /* an index not built yet: reindex writes the directories */
    if (news_search_stats(st, txn, &docs, &length) != 0) {
        return NEWS_OK;
    }

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_POSTINGS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "filling the search directories");
    }

    /*
     * every term's directory gathered (be32 key length, key, be32 value
     * length, value), then written: nothing is put under the walk
     */
    news_buf_init(&all);
    news_buf_init(&dir);
    klen = 0;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (!news_is_block_key(&key)) {
            continue;
        }

        tlen = key.mv_size - 5;

        if (dir.len > 0
            && (tlen + 1 != klen || memcmp(dir.data, key.mv_data, tlen) != 0)
            && news_dir_gathered(&all, &dir, klen) != 0)
        {
            rc = MDB_CORRUPTED;
            break;
        }

        if (dir.len == 0) {
            klen = tlen + 1;
            news_buf_add(&dir, key.mv_data, tlen);
            news_buf_addc(&dir, NEWS_DIR_MARK);
        }

        if (news_dir_header(&key, &val, &dir) != 0) {
            rc = MDB_CORRUPTED;
            break;
        }
    }

    mdb_cursor_close(cur);

    rc = rc == MDB_NOTFOUND ? 0 : rc;
    rc = rc == 0 && news_dir_gathered(&all, &dir, klen) != 0 ? MDB_CORRUPTED
                                                           : rc;
    rc = rc == 0 && (all.failed || dir.failed) ? ENOMEM : rc;

    for (i = 0; rc == 0 && i < all.len; i += 4 + val.mv_size) {
        key.mv_size = news_be32_get((const uint8_t *) all.data + i);
        key.mv_data = all.data + i + 4;
        i += 4 + key.mv_size;
        val.mv_size = news_be32_get((const uint8_t *) all.data + i);
        val.mv_data = all.data + i + 4;

        rc = mdb_put(txn, st->dbi[NEWS_DB_POSTINGS], &key, &val, 0);
    }

    news_buf_free(&all);
    news_buf_free(&dir);

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "filling the search directories");
}


int
news_dir_entry(const uint8_t **s, const uint8_t *end, news_dir_entry_t *e)
{
    const uint8_t  *p;

    p = *s;

    if (end - p < 11) {
        return -1;
    }

    e->first = news_be32_get(p);
    e->last = news_be32_get(p + 4);
    e->count = (unsigned) p[8] << 8 | p[9];
    e->npairs = p[10];
    p += 11;

    if (e->last < e->first || e->count == 0 || e->count > NEWS_BLOCK_DOCS
        || news_dir_pairs(&p, end, e->npairs, NEWS_BLOCK_PAIRS, e->wtf,
                          e->norm) != 0)
    {
        return -1;
    }

    *s = p;

    return 0;
}


int
news_dir_group(const uint8_t **s, const uint8_t *end, news_dir_group_t *g)
{
    uint32_t        bytes;
    const uint8_t  *p;

    p = *s;

    if (end - p < 8) {
        return -1;
    }

    g->first = news_be32_get(p);
    g->last = news_be32_get(p + 4);
    p += 8;

    if (news_varint_get(&p, end, &g->docs)
        || news_varint_get(&p, end, &g->blocks)
        || news_varint_get(&p, end, &bytes) || p == end)
    {
        return -1;
    }

    g->bytes = bytes;
    g->npairs = *p++;

    if (g->last < g->first || g->blocks == 0 || g->docs < g->blocks
        || news_dir_pairs(&p, end, g->npairs, NEWS_DIR_PAIRS, g->wtf,
                          g->norm) != 0)
    {
        return -1;
    }

    *s = p;

    return 0;
}


/* n (varint wtf, byte norm) pairs at *s, 1 to max: 0, or -1 */
static int
news_dir_pairs(const uint8_t **s, const uint8_t *end, unsigned n,
    unsigned max, uint32_t *wtf, uint8_t *norm)
{
    unsigned        i;
    const uint8_t  *p;

    if (n == 0 || n > max) {
        return -1;
    }

    p = *s;

    for (i = 0; i < n; i++) {
        if (news_varint_get(&p, end, &wtf[i]) || p == end) {
            return -1;
        }

        norm[i] = *p++;
    }

    *s = p;

    return 0;
}


/* where a directory's entries start, past its groups; NULL: corrupt */
static const uint8_t *
news_dir_entries(const uint8_t *s, const uint8_t *end)
{
    uint32_t           n;
    news_dir_group_t   g;

    if (news_varint_get(&s, end, &n) != 0) {
        return NULL;
    }

    while (n-- > 0) {
        if (news_dir_group(&s, end, &g) != 0) {
            return NULL;
        }
    }

    return s;
}


int
news_dir_build(news_buf_t *dir, const uint8_t *entries, size_t n)
{
    unsigned           i, count, blocks, npairs;
    uint32_t           docs, first, most[256], wtf[NEWS_DIR_PAIRS];
    uint8_t            norm[NEWS_DIR_PAIRS];
    const uint8_t     *s, *end, *from;
    news_dir_entry_t   e;

    end = entries + n;

    for (s = entries, count = 0; s < end; count++) {
        if (news_dir_entry(&s, end, &e) != 0) {
            return -1;
        }
    }

    news_varint_put(dir, (count + NEWS_DIR_GROUP - 1) / NEWS_DIR_GROUP);

    for (s = entries; s < end; ) {
        from = s;
        docs = 0;
        first = 0;
        memset(most, 0, sizeof(most));

        for (blocks = 0; blocks < NEWS_DIR_GROUP && s < end; blocks++) {
            (void) news_dir_entry(&s, end, &e);
            first = blocks == 0 ? e.first : first;
            docs += e.count;

            for (i = 0; i < e.npairs; i++) {
                most[e.norm[i]] = e.wtf[i] > most[e.norm[i]]
                                  ? e.wtf[i] : most[e.norm[i]];
            }
        }

        news_buf_add_be32(dir, first);
        news_buf_add_be32(dir, e.last);
        news_varint_put(dir, docs);
        news_varint_put(dir, blocks);
        news_varint_put(dir, (uint32_t) (s - from));

        npairs = news_pairs_bound(most, NEWS_DIR_PAIRS, wtf, norm);
        news_buf_addc(dir, (char) npairs);

        for (i = 0; i < npairs; i++) {
            news_varint_put(dir, wtf[i]);
            news_buf_addc(dir, (char) norm[i]);
        }
    }

    news_buf_add(dir, entries, n);

    return dir->failed ? -1 : 0;
}


int
news_dir_from_blocks(MDB_txn *txn, MDB_dbi dbi, const char *term, size_t len,
    news_buf_t *dir)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;
    news_buf_t   k, ents;

    rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc != 0) {
        return rc;
    }

    news_buf_init(&k);
    news_buf_init(&ents);
    news_posting_key(&k, term, len, 0);
    key.mv_data = k.data;
    key.mv_size = k.len;

    for (rc = k.failed ? ENOMEM : mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size == len + 5
         && news_is_block_key(&key) && memcmp(key.mv_data, term, len) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (news_dir_header(&key, &val, &ents) != 0) {
            rc = MDB_CORRUPTED;
            break;
        }
    }

    mdb_cursor_close(cur);

    rc = rc == MDB_NOTFOUND || (rc == 0 && !k.failed) ? 0 : rc;

    if (rc == 0 && ents.len > 0
        && news_dir_build(dir, (const uint8_t *) ents.data, ents.len) != 0)
    {
        rc = dir->failed ? ENOMEM : MDB_CORRUPTED;
    }

    rc = rc == 0 && ents.failed ? ENOMEM : rc;
    news_buf_free(&k);
    news_buf_free(&ents);

    return rc;
}


/*
 * A block's directory entry appended to dir: its first doc (from its
 * key) and its header's bytes: 0, or -1 when the header does not decode.
 */
static int
news_dir_header(const MDB_val *key, const MDB_val *val, news_buf_t *dir)
{
    unsigned        i;
    uint32_t        v;
    const uint8_t  *s, *end;

    s = val->mv_data;
    end = s + val->mv_size;

    if (val->mv_size < 7 || key->mv_size < 5) {
        return -1;
    }

    s += 7;

    for (i = 0; i < ((const uint8_t *) val->mv_data)[6]; i++) {
        if (news_varint_get(&s, end, &v) || s == end) {
            return -1;
        }

        s++;
    }

    news_buf_add(dir, (const uint8_t *) key->mv_data + key->mv_size - 4, 4);
    news_buf_add(dir, val->mv_data, (size_t) (s - (const uint8_t *) val->mv_data));

    return 0;
}


/*
 * The block's bounds: the (wtf, norm) pairs no other posting of the
 * block beats on both (more wtf, less norm), in norm order; past
 * NEWS_BLOCK_PAIRS, two neighbours become one pair that beats both
 * (the one's norm, the other's wtf), so each stays a bound.
 */
static unsigned
news_block_pairs(const news_posting_t *p, unsigned n, uint32_t *wtf,
    uint8_t *norm)
{
    unsigned  i, c;
    uint32_t  most[256];

    memset(most, 0, sizeof(most));

    for (i = 0; i < n; i++) {
        c = p[i].norm & 0xff;
        most[c] = p[i].wtf > most[c] ? p[i].wtf : most[c];
    }

    return news_pairs_bound(most, NEWS_BLOCK_PAIRS, wtf, norm);
}


/*
 * The pairs that bound most[] (the most wtf at each norm; a block's
 * postings, or a directory group's blocks' pairs), into wtf and norm:
 * those no other beats on both, merged past max.
 */
static unsigned
news_pairs_bound(const uint32_t *most, unsigned max, uint32_t *wtf,
    uint8_t *norm)
{
    unsigned  i, m, best, c;
    uint32_t  w[256];
    uint8_t   nm[256];

    /* norm ascending: keep a pair only if its wtf beats every smaller norm's */
    m = 0;

    for (c = 0; c < 256; c++) {
        if (most[c] == 0 && !(m == 0 && c == 255)) {
            continue;
        }

        if (m == 0 || most[c] > w[m - 1]) {
            w[m] = most[c];
            nm[m] = (uint8_t) c;
            m++;
        }
    }

    while (m > max) {
        /* the neighbours closest in norm merge: the bound loosens least */
        for (i = 1, best = 0; i + 1 < m; i++) {
            if (nm[i + 1] - nm[i] < nm[best + 1] - nm[best]) {
                best = i;
            }
        }

        w[best] = w[best + 1];
        memmove(&w[best + 1], &w[best + 2], (m - best - 2) * sizeof(*w));
        memmove(&nm[best + 1], &nm[best + 2], (m - best - 2) * sizeof(*nm));
        m--;
    }

    memcpy(wtf, w, m * sizeof(*w));
    memcpy(norm, nm, m * sizeof(*nm));

    return m;
}


static void
news_posting_key(news_buf_t *k, const char *term, size_t len, uint32_t doc)
{
    news_buf_add(k, term, len);
    news_buf_addc(k, '\0');
    news_buf_add_be32(k, doc);
}


static void
news_varint_put(news_buf_t *b, uint32_t v)
{
    while (v >= 0x80) {
        news_buf_addc(b, (char) (v | 0x80));
        v >>= 7;
    }

    news_buf_addc(b, (char) v);
}


/*
 * A weighted length in a byte, for the postings: exact below 32, then a
 * 4-bit mantissa and an exponent (within 1/16 below the length, up to
 * 507,904); search_query.c's news_norm_length() gives the length back.
 */
static uint32_t
news_norm(uint32_t length)
{
    uint32_t  e;

    if (length < 32) {
        return length;
    }

    for (e = 0; length >= 32; e++) {
        length >>= 1;
    }

    return e > 14 ? 255 : 16 * (e + 1) + (length - 16);
}


/* checks (newsctl check) ------------------------------------------------- */


int
news_search_check_article(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_buf_t *why)
{
    int               rc;
    size_t            i;
    unsigned          n, j;
    uint64_t          docs, length;
    MDB_val           key, val;
    MDB_cursor       *cur;
    news_dterm_t     *dt;
    news_posting_t    p[NEWS_BLOCK_DOCS];
    news_doc_terms_t  d;
    unsigned char     k[8];

    rc = news_search_stats(st, txn, &docs, &length);

    if (rc == MDB_NOTFOUND) {
        return 0;               /* not built: nothing to agree with */
    }

    if (rc != 0) {
        news_buf_addf(why, "its statistics: %s", mdb_strerror(rc));
        return -1;
    }

    news_be64_put(k, a->id);
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &key, &val);

    if (a->status != NEWS_PUBLISHED) {
        if (rc == 0) {
            news_buf_addl(why, "a draft, but in sdocs");
            return -1;
        }

        return 0;
    }

    if (rc != 0 || val.mv_size != 12) {
        news_buf_addl(why, "published, but not in sdocs");
        return -1;
    }

    if ((int64_t) news_be64_get(val.mv_data) != a->published_at) {
        news_buf_addl(why, "in sdocs at another publication time");
        return -1;
    }

    memset(&d, 0, sizeof(d));

    if (news_doc_collect(&d, a) != 0) {
        news_doc_free(&d);
        news_buf_addl(why, "out of memory");
        return -1;
    }

    news_terms_sort(&d.tab);

    if (news_be32_get((const unsigned char *) val.mv_data + 8) != d.length) {
        news_buf_addf(why, "in sdocs with length %u, not %u",
                      news_be32_get((const unsigned char *) val.mv_data + 8),
                      d.length);
        news_doc_free(&d);
        return -1;
    }

    if (news_steaser_check(st, txn, a, why) != 0) {
        news_doc_free(&d);
        return -1;
    }

    if (mdb_cursor_open(txn, st->dbi[NEWS_DB_POSTINGS], &cur) != 0) {
        news_doc_free(&d);
        news_buf_addl(why, "cannot read the postings");
        return -1;
    }

    rc = 0;

    for (i = 0; rc == 0 && i < d.tab.nterms; i++) {
        dt = &d.tab.terms[i];

        rc = news_block_find(cur, d.tab.arena.data + dt->off, dt->len,
                             (uint32_t) a->id, &key, &val);

        if (rc == 0
            && news_block_decode(&val,
                                 news_be32_get((const uint8_t *) key.mv_data
                                               + dt->len + 1),
                                 p, &n)
               != 0)
        {
            rc = MDB_CORRUPTED;
        }

        for (j = 0; rc == 0 && j < n && p[j].doc != a->id; j++) {
            /* void */
        }

        if (rc != 0 || j == n || p[j].wtf != dt->wtf
            || p[j].norm != news_norm(d.length))
        {
            news_buf_addl(why, "its term \"");
            news_buf_add(why, d.tab.arena.data + dt->off, dt->len);
            news_buf_adds(why, rc == 0 && j < n ? "\" has a wrong posting"
                                                : "\" has no posting");
            rc = -1;
        }
    }

    mdb_cursor_close(cur);
    news_doc_free(&d);

    return rc == 0 ? 0 : -1;
}


int
news_search_check_block(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, news_buf_t *why)
{
    unsigned        n, i;
    uint64_t        docs, length;
    MDB_val         k, v;
    news_posting_t  p[NEWS_BLOCK_DOCS];
    unsigned char   kb[8], dk[NEWS_SLUG_MAX + 8];

    /* an index not built, or of an older format: reindex makes it anew */
    if (news_search_stats(st, txn, &docs, &length) == MDB_NOTFOUND) {
        return 0;
    }

    if (key->mv_size >= 2
        && ((const uint8_t *) key->mv_data)[key->mv_size - 1] == NEWS_DIR_MARK
        && memchr(key->mv_data, '\0', key->mv_size) == NULL)
    {
        return news_dir_check(st, txn, key, val, why);
    }

    if (!news_is_block_key(key)) {
        news_buf_addl(why, "not a term . 0 . doc key");
        return -1;
    }


    if (news_block_decode(val,
                          news_be32_get((const uint8_t *) key->mv_data
                                        + key->mv_size - 4),
                          p, &n)
        != 0)
    {
        news_buf_addl(why, "a block that does not decode");
        return -1;
    }

    if (news_be32_get(val->mv_data) != p[n - 1].doc) {
        news_buf_addl(why, "a block whose header names another last doc");
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (i > 0 && p[i].doc <= p[i - 1].doc) {
            news_buf_addl(why, "a block whose docs are out of order");
            return -1;
        }

        news_be64_put(kb, p[i].doc);
        k.mv_data = kb;
        k.mv_size = 8;

        if (mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &k, &v) != 0) {
            news_buf_addf(why, "a posting of doc %u, which is not indexed",
                          p[i].doc);
            return -1;
        }
    }

    /* its term's directory, which news_dir_check matches with the blocks */
    if (key->mv_size - 4 > sizeof(dk)) {
        news_buf_addl(why, "a key too long for a term");
        return -1;
    }

    memcpy(dk, key->mv_data, key->mv_size - 5);
    dk[key->mv_size - 5] = NEWS_DIR_MARK;
    k.mv_data = dk;
    k.mv_size = key->mv_size - 4;

    if (mdb_get(txn, st->dbi[NEWS_DB_POSTINGS], &k, &v) != 0) {
        news_buf_addl(why, "a block of a term without a directory");
        return -1;
    }

    return 0;
}


/*
 * A term's directory (key term . 1) is the one its blocks make: their
 * entries, in order, and nothing else, summed up in groups.
 */
static int
news_dir_check(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, news_buf_t *why)
{
    int         rc;
    news_buf_t  dir;

    news_buf_init(&dir);
    rc = news_dir_from_blocks(txn, st->dbi[NEWS_DB_POSTINGS], key->mv_data,
                              key->mv_size - 1, &dir);

    if (rc != 0 && rc != MDB_CORRUPTED) {
        news_buf_free(&dir);
        news_buf_addf(why, "reading the search index: %s", mdb_strerror(rc));
        return -1;
    }

    rc = rc != 0 || dir.len != val->mv_size
         || (dir.len > 0 && memcmp(dir.data, val->mv_data, dir.len) != 0);
    news_buf_free(&dir);

    if (rc) {
        news_buf_addl(why, "a term's directory that is not its blocks' "
                      "headers");
        return -1;
    }

    return 0;
}
