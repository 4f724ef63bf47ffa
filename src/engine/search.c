/*
 * The search index and its queries (search.h): postings blocks in LMDB,
 * kept in the article's write txn; BM25 over a bounded walk.
 *
 * One file of about 2,800 lines because the block format (its structs
 * news_posting_t and news_bmax_t, the codec news_block_decode and
 * news_block_write, the varints, the norms and score bounds) is shared
 * by the writer and by the query's block reader, and is private to this
 * file.  In order: the index written (documents to terms, terms to
 * blocks), the codec, the query parsed, run and ranked, snippets, and
 * the invariants for newsctl check.
 */

/* qsort_r(): the nginx build does not define it for the engine */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "articles.h"
#include "search.h"
#include "text.h"


#define NEWS_FIELD_GAP     8        /* positions between two fields */
#define NEWS_SCHEDULED_MAX 1024     /* scheduled ids kept for a query */
#define NEWS_POS_MAX       1024     /* positions of one term compared */
#define NEWS_BM25_K1       1.2
#define NEWS_BM25_B        0.75
#define NEWS_BLOCK_PAIRS   4        /* (wtf, norm) bounds of a block */
#define NEWS_BOUND_EPS     1e-9     /* score sums differ in their order */

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
} news_bulk_t;

/* a bulk load writes what it gathered at this size, whatever the batch */
#define NEWS_PENDING_MAX  (64 * 1024 * 1024)


/* a posting: one document of a term */
typedef struct {
    uint32_t        doc;
    uint32_t        wtf;
    uint32_t        norm;       /* the doc's weighted length, in a byte */
    uint32_t        pos_len;
    const uint8_t  *pos;
} news_posting_t;


/*
 * A block as a query sees it from its header, before decoding it: its
 * docs and the most one of them can score for the term (from the
 * block's (wtf, norm) pairs: every posting has at most the wtf and at
 * least the norm of one of them, and BM25 grows with the one and falls
 * with the other).
 */
typedef struct {
    uint32_t    first;
    uint32_t    last;
    unsigned    npairs;
    uint32_t    wtf[NEWS_BLOCK_PAIRS];
    uint8_t     norm[NEWS_BLOCK_PAIRS];
    double      bound;
} news_bmax_t;


/* a term's postings as a query reads them: one decoded block at a time */
typedef struct {
    MDB_cursor      *cur;
    const char      *term;
    size_t           len;
    uint32_t         df;
    news_bmax_t     *blocks;     /* every block of the term, in doc order */
    size_t           nblocks;
    size_t           cap;
    size_t           loaded;     /* the block in p; nblocks: none */
    double           idf;        /* 0 for a filter */
    double           avgdl;
    news_posting_t   p[NEWS_BLOCK_DOCS];
    unsigned         n;          /* postings in p */
} news_reader_t;


static int news_doc_collect(news_doc_terms_t *d, const news_article_t *a);
static int news_doc_field(news_doc_terms_t *d, const char *s, size_t n,
    unsigned weight);
static int news_doc_filter(news_doc_terms_t *d, char kind, const char *name);
static int news_doc_add(news_doc_terms_t *d, const char *t, size_t len,
    unsigned weight, uint32_t pos);
static int news_doc_occur(news_doc_terms_t *d, news_dterm_t *dt,
    unsigned weight, uint32_t pos);
static news_dterm_t *news_terms_get(news_terms_t *tab, const char *t,
    size_t len);
static uint32_t news_hash(const char *t, size_t len);
static int news_terms_grow(news_terms_t *tab);
static void news_terms_sort(news_terms_t *tab);
static void news_terms_free(news_terms_t *tab);
static int news_dterm_cmp(const void *a, const void *b, void *arena);
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
static int news_block_decode(const MDB_val *val, uint32_t first,
    news_posting_t *p, unsigned *n);
static int news_block_write(news_store_t *st, MDB_txn *txn, const char *term,
    size_t len, const news_posting_t *p, unsigned n, news_err_t *err);
static void news_posting_key(news_buf_t *k, const char *term, size_t len,
    uint32_t doc);
static void news_varint_put(news_buf_t *b, uint32_t v);
static int news_varint_get(const uint8_t **p, const uint8_t *end,
    uint32_t *v);
static int news_search_reindex_all(news_store_t *st, news_err_t *err);
static int news_stats_put(news_store_t *st, MDB_txn *txn, uint64_t docs,
    uint64_t length, news_err_t *err);
static int news_parse_word(news_query_t *q, const char *s, size_t n,
    int negate, news_err_t *err);
static int news_parse_filter(news_query_t *q, char kind, const char *s,
    size_t n, int negate, news_err_t *err);
static int news_reader_open(news_reader_t *r, MDB_txn *txn, MDB_dbi dbi,
    const news_qterm_t *t);
static int news_reader_header(news_reader_t *r, const MDB_val *key,
    const MDB_val *val);
static void news_reader_bounds(news_reader_t *r, double idf, double avgdl);
static double news_reader_overlap(const news_reader_t *r, uint32_t first,
    uint32_t last);
static const news_posting_t *news_reader_find(news_reader_t *r, uint32_t doc);
static int news_reader_load(news_reader_t *r, size_t j);
static int news_search_blocks(news_store_t *st, MDB_txn *txn,
    const news_query_t *q, news_reader_t *r, unsigned drv,
    news_search_t *s, size_t k, size_t *nhits);
static int news_search_doc(news_store_t *st, MDB_txn *txn,
    const news_query_t *q, news_reader_t *r, uint32_t doc,
    const news_posting_t **ps, const uint64_t *sched, size_t nsched,
    int64_t now);
static double news_bm25(double idf, uint32_t wtf, uint32_t norm,
    double avgdl);
static uint32_t news_norm(uint32_t length);
static double news_norm_length(uint32_t norm);
static unsigned news_block_pairs(const news_posting_t *p, unsigned n,
    uint32_t *wtf, uint8_t *norm);
static int news_scheduled(news_store_t *st, MDB_txn *txn, int64_t now,
    uint64_t *ids, size_t *n);
static int news_phrase(const news_posting_t **ps, unsigned n);
static void news_hits_push(news_hit_t *h, size_t *n, size_t k,
    const news_hit_t *hit);
static int news_hit_better(const news_hit_t *a, const news_hit_t *b);
static int news_hit_cmp(const void *a, const void *b);


/* the index ------------------------------------------------------------- */


int
news_search_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err)
{
    int               rc;
    uint64_t          docs, length;
    MDB_val           key, val;
    news_doc_terms_t  d;
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

    if (news_doc_collect(&d, a) != 0) {
        news_doc_free(&d);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    /* a bulk load gathers new postings; a removal writes them first */
    if (st->search_bulk && add) {
        rc = news_bulk_add(st->search_bulk, &d, (uint32_t) a->id, err);

    } else {
        rc = st->search_bulk ? news_search_flush(st, txn, err) : NEWS_OK;

        if (rc == NEWS_OK) {
            rc = news_postings_change(st, txn, &d, (uint32_t) a->id, add,
                                      err);
        }
    }

    if (rc == NEWS_OK && add) {
        news_be64_put(v, (uint64_t) a->published_at);
        news_be32_put(v + 8, d.length);
        val.mv_data = v;
        val.mv_size = sizeof(v);

        rc = mdb_put(txn, st->dbi[NEWS_DB_SDOCS], &key, &val, 0);
        rc = rc == 0 ? NEWS_OK
                     : news_store_fail(err, rc, "writing the search index");
        docs++;
        length += d.length;

    } else if (rc == NEWS_OK) {
        rc = mdb_del(txn, st->dbi[NEWS_DB_SDOCS], &key, NULL);
        rc = rc == 0 ? NEWS_OK
                     : news_store_fail(err, rc, "writing the search index");
        docs = docs ? docs - 1 : 0;
        length = length > d.length ? length - d.length : 0;
    }

    news_doc_free(&d);

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

    for (i = 0; i < d->tab.nterms; i++) {
        dt = &d->tab.terms[i];

        bt = news_terms_get(&bk->tab, d->tab.arena.data + dt->off, dt->len);
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
    MDB_val          key, val;
    news_posting_t  *all;

    for (i = 1; i < n && p[i].doc > p[i - 1].doc; i++) {
        /* void */
    }

    rc = news_block_find(cur, term, len, UINT32_MAX, &key, &val);

    if (rc == MDB_NOTFOUND && i == n) {
        return news_block_write(st, txn, term, len, p, n, err);
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
    copy = malloc(val.mv_size);

    if (all == NULL || copy == NULL) {
        free(all);
        free(copy);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(copy, val.mv_data, val.mv_size);
    val.mv_data = copy;

    if (news_block_decode(&val,
                          news_be32_get((const uint8_t *) key.mv_data + len
                                        + 1),
                          all, &m)
        != 0)
    {
        free(all);
        free(copy);
        return news_err_set(err, NEWS_ERROR, "a corrupt search index block");
    }

    memcpy(all + m, p, n * sizeof(news_posting_t));

    rc = mdb_cursor_del(cur, 0);
    rc = rc == 0 ? news_block_write(st, txn, term, len, all, m + n, err)
                 : news_store_fail(err, rc, "writing the search index");

    free(all);
    free(copy);

    return rc;
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
 * An article's distinct terms, sorted, with their positions.  Weights and
 * positions as search.h says; the section and tags also give their
 * filter terms (no weight, no position).
 */
static int
news_doc_collect(news_doc_terms_t *d, const news_article_t *a)
{
    unsigned  i;

    memset(d, 0, sizeof(*d));
    news_buf_init(&d->tab.arena);

    if (news_doc_field(d, a->title, strlen(a->title), NEWS_WEIGHT_TITLE)
        || news_doc_field(d, a->subtitle, strlen(a->subtitle),
                          NEWS_WEIGHT_SUBTITLE)
        || news_doc_field(d, a->section, strlen(a->section),
                          NEWS_WEIGHT_SECTION)
        || news_doc_filter(d, 's', a->section))
    {
        return -1;
    }

    for (i = 0; i < a->ntags; i++) {
        if (news_doc_field(d, a->tags[i], strlen(a->tags[i]), NEWS_WEIGHT_TAG)
            || news_doc_filter(d, 't', a->tags[i]))
        {
            return -1;
        }
    }

    if (news_doc_field(d, a->body, strlen(a->body), NEWS_WEIGHT_BODY)) {
        return -1;
    }

    news_terms_sort(&d->tab);

    return 0;
}


static int
news_doc_field(news_doc_terms_t *d, const char *s, size_t n, unsigned weight)
{
    news_tokens_t  tk;

    news_tokens_init(&tk, s, n);

    while (news_tokens_next(&tk)) {
        if (news_doc_add(d, tk.term, tk.term_len, weight, d->pos++) != 0) {
            return -1;
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

    rc = t.failed ? -1 : news_doc_add(d, t.data, t.len, 0, 0);
    news_buf_free(&t);

    return rc;
}


static int
news_doc_add(news_doc_terms_t *d, const char *t, size_t len, unsigned weight,
    uint32_t pos)
{
    news_dterm_t  *dt;

    dt = news_terms_get(&d->tab, t, len);
    if (dt == NULL) {
        return -1;
    }

    return news_doc_occur(d, dt, weight, pos);
}


/* the entry of term t, a new one if it is new; NULL: out of memory */
static news_dterm_t *
news_terms_get(news_terms_t *tab, const char *t, size_t len)
{
    size_t         h;
    news_dterm_t  *dt;

    if (tab->nterms == tab->cap && news_terms_grow(tab) != 0) {
        return NULL;
    }

    for (h = news_hash(t, len) & (tab->nslots - 1);
         tab->slots[h];
         h = (h + 1) & (tab->nslots - 1))
    {
        dt = &tab->terms[tab->slots[h] - 1];

        if (dt->len == len && memcmp(tab->arena.data + dt->off, t, len) == 0)
        {
            return dt;
        }
    }

    dt = &tab->terms[tab->nterms++];
    tab->slots[h] = (uint32_t) tab->nterms;
    dt->off = (uint32_t) tab->arena.len;
    dt->len = (uint32_t) len;
    dt->wtf = 0;
    dt->first = -1;
    dt->last = -1;

    news_buf_add(&tab->arena, t, len);

    return tab->arena.failed ? NULL : dt;
}


static uint32_t
news_hash(const char *t, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u;                                    /* FNV-1a */
    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) t[i]) * 16777619u;
    }

    return h;
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
        for (h = news_hash(tab->arena.data + terms[i].off, terms[i].len)
                 & (n - 1);
             slots[h];
             h = (h + 1) & (n - 1))
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


static void
news_doc_free(news_doc_terms_t *d)
{
    news_terms_free(&d->tab);
    free(d->occ);
    d->occ = NULL;
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
    MDB_val          key, val;
    news_posting_t   p[NEWS_BLOCK_DOCS + 1];

    rc = news_block_find(cur, term, len, np->doc, &key, &val);

    if (rc == MDB_NOTFOUND) {
        return add ? news_block_write(st, txn, term, len, np, 1, err)
                   : NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the search index");
    }

    /* the block's bytes change under the del and put: decode a copy */
    copy = malloc(val.mv_size);
    if (copy == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(copy, val.mv_data, val.mv_size);
    val.mv_data = copy;

    if (news_block_decode(&val,
                          news_be32_get((const uint8_t *) key.mv_data + len
                                        + 1),
                          p, &n)
        != 0)
    {
        free(copy);
        return news_err_set(err, NEWS_ERROR, "a corrupt search index block");
    }

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

    rc = rc == 0 ? news_block_write(st, txn, term, len, p, n, err)
                 : news_store_fail(err, rc, "writing the search index");
    free(copy);

    return rc;
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
static int
news_block_decode(const MDB_val *val, uint32_t first, news_posting_t *p,
    unsigned *n)
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
        if (news_varint_get(&s, end, &delta)
            || news_varint_get(&s, end, &p[i].wtf)
            || s == end)
        {
            return -1;
        }

        p[i].norm = *s++;
        doc += delta;
        p[i].doc = doc;
    }

    for (i = 0; i < count; i++) {
        if (news_varint_get(&s, end, &p[i].pos_len)
            || (size_t) (end - s) < p[i].pos_len)
        {
            return -1;
        }

        p[i].pos = s;
        s += p[i].pos_len;
    }

    *n = count;

    return s == end ? 0 : -1;
}


/* postings p[0 .. n) of term as blocks, each keyed by its first doc */
static int
news_block_write(news_store_t *st, MDB_txn *txn, const char *term,
    size_t len, const news_posting_t *p, unsigned n, news_err_t *err)
{
    int         rc;
    unsigned    i, j, start, npairs;
    MDB_val     key, val;
    news_buf_t  k, v, post, pos;
    uint32_t    wtf[NEWS_BLOCK_PAIRS];
    uint8_t     norm[NEWS_BLOCK_PAIRS];

    news_buf_init(&k);
    news_buf_init(&v);
    news_buf_init(&post);
    news_buf_init(&pos);
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

    news_buf_free(&k);
    news_buf_free(&v);
    news_buf_free(&post);
    news_buf_free(&pos);

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "writing the search index");
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
    unsigned  i, m, best, c;
    uint32_t  most[256], w[256];
    uint8_t   nm[256];

    memset(most, 0, sizeof(most));

    for (i = 0; i < n; i++) {
        c = p[i].norm & 0xff;
        most[c] = p[i].wtf > most[c] ? p[i].wtf : most[c];
    }

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

    while (m > NEWS_BLOCK_PAIRS) {
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


static int
news_varint_get(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    unsigned        shift;
    uint32_t        r;
    const uint8_t  *s;

    r = 0;

    for (s = *p, shift = 0; s < end && shift < 35; s++, shift += 7) {
        r |= (uint32_t) (*s & 0x7f) << shift;

        if (!(*s & 0x80)) {
            *p = s + 1;
            *v = r;
            return 0;
        }
    }

    return -1;
}


/* queries --------------------------------------------------------------- */


int
news_search_parse(news_query_t *q, const char *s, size_t n, news_err_t *err)
{
    int         negate, positive;
    size_t      i, j;
    unsigned    c;

    memset(q, 0, sizeof(*q));

    if (n > NEWS_SEARCH_QUERY_MAX) {
        return news_err_set(err, NEWS_INVALID, "A search is at most %d "
                            "bytes long.", NEWS_SEARCH_QUERY_MAX);
    }

    if (!news_utf8_valid(s, n) || news_has_control(s, n)) {
        return news_err_set(err, NEWS_INVALID, "A search must be text, "
                            "without control characters.");
    }

    for (i = 0; i < n; i = j) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
            j = i + 1;
            continue;
        }

        negate = s[i] == '-' && i + 1 < n && s[i + 1] != ' ';
        i += negate;

        if (s[i] == '"') {
            for (j = i + 1; j < n && s[j] != '"'; j++) {
                /* void */
            }

            if (news_parse_word(q, s + i + 1, j - i - 1, negate, err)
                != NEWS_OK)
            {
                return err->code;
            }

            j += j < n;
            continue;
        }

        for (j = i; j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n'
                    && s[j] != '\r';
             j++)
        {
            /* void */
        }

        if (j - i > 8 && strncasecmp(s + i, "section:", 8) == 0) {
            c = news_parse_filter(q, 's', s + i + 8, j - i - 8, negate, err);

        } else if (j - i > 4 && strncasecmp(s + i, "tag:", 4) == 0) {
            c = news_parse_filter(q, 't', s + i + 4, j - i - 4, negate, err);

        } else {
            c = news_parse_word(q, s + i, j - i, negate, err);
        }

        if (c != NEWS_OK) {
            return err->code;
        }
    }

    if (q->nclauses == 0) {
        return news_err_set(err, NEWS_NOTFOUND, "An empty search.");
    }

    positive = 0;

    for (c = 0; c < q->nclauses; c++) {
        positive |= !q->clauses[c].negate;
    }

    if (!positive) {
        return news_err_set(err, NEWS_INVALID, "A search needs a word that "
                            "must be found, not only words to leave out.");
    }

    return NEWS_OK;
}


/* a word, or a phrase if it cuts into more than one ("e-mail") */
static int
news_parse_word(news_query_t *q, const char *s, size_t n, int negate,
    news_err_t *err)
{
    unsigned        first;
    news_tokens_t   tk;
    news_qterm_t   *t;

    first = q->nterms;
    news_tokens_init(&tk, s, n);

    while (news_tokens_next(&tk)) {
        if (q->nterms == NEWS_SEARCH_TERMS_MAX) {
            return news_err_set(err, NEWS_INVALID, "A search has at most %d "
                                "words.", NEWS_SEARCH_TERMS_MAX);
        }

        t = &q->terms[q->nterms++];
        memcpy(t->term, tk.term, tk.term_len);
        t->len = tk.term_len;
        t->filter = 0;
    }

    if (tk.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (q->nterms > first) {
        q->clauses[q->nclauses].first = first;
        q->clauses[q->nclauses].n = q->nterms - first;
        q->clauses[q->nclauses].negate = negate;
        q->nclauses++;
    }

    return NEWS_OK;
}


static int
news_parse_filter(news_query_t *q, char kind, const char *s, size_t n,
    int negate, news_err_t *err)
{
    news_buf_t     b;
    news_qterm_t  *t;

    if (q->nterms == NEWS_SEARCH_TERMS_MAX) {
        return news_err_set(err, NEWS_INVALID, "A search has at most %d "
                            "words.", NEWS_SEARCH_TERMS_MAX);
    }

    news_buf_init(&b);
    news_buf_addc(&b, '\1');
    news_buf_addc(&b, kind);

    /* a name without letters or digits names no section or tag */
    if (!news_slugify(&b, s, n) || b.len > sizeof(t->term) - 1) {
        news_buf_free(&b);
        news_buf_init(&b);
        news_buf_addl(&b, "\1-");
    }

    if (b.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    t = &q->terms[q->nterms];
    memcpy(t->term, b.data, b.len);
    t->len = b.len;
    t->filter = 1;
    news_buf_free(&b);

    q->clauses[q->nclauses].first = q->nterms;
    q->clauses[q->nclauses].n = 1;
    q->clauses[q->nclauses].negate = negate;
    q->nclauses++;
    q->nterms++;

    return NEWS_OK;
}


int
news_search_run(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_search_t *s, news_err_t *err)
{
    int             rc;
    size_t          k, nhits, i;
    double          idf, avgdl;
    uint64_t        docs, length;
    unsigned        t, c, drv;
    MDB_val         key, val;
    news_reader_t  *r;
    unsigned char   kb[8];

    s->count = 0;
    s->more = 0;
    s->looked = 0;

    if (news_search_stats(st, txn, &docs, &length) != 0) {
        s->unbuilt = 1;
        return news_search_ready(st, txn, err);
    }

    if (docs == 0 || q->nterms == 0) {
        return NEWS_OK;
    }

    if (s->offset + s->limit > NEWS_SEARCH_DEPTH) {
        return news_err_set(err, NEWS_INVALID, "Results go %d deep.",
                            NEWS_SEARCH_DEPTH);
    }

    avgdl = (double) length / (double) docs;
    k = s->offset + s->limit + 1;

    r = calloc(q->nterms, sizeof(news_reader_t));
    if (r == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = NEWS_OK;
    drv = q->nterms;
    nhits = 0;

    for (t = 0; t < q->nterms; t++) {
        if (news_reader_open(&r[t], txn, st->dbi[NEWS_DB_POSTINGS],
                             &q->terms[t])
            != 0)
        {
            rc = news_err_set(err, NEWS_ERROR, "reading the search index");
            goto done;
        }

        idf = log(1.0 + ((double) docs - r[t].df + 0.5) / (r[t].df + 0.5));
        news_reader_bounds(&r[t], q->terms[t].filter ? 0 : idf, avgdl);
    }

    /* the rarest word that must be found drives the walk */
    for (c = 0; c < q->nclauses; c++) {
        for (t = q->clauses[c].first;
             !q->clauses[c].negate
             && t < q->clauses[c].first + q->clauses[c].n;
             t++)
        {
            if (r[t].df == 0) {
                goto done;      /* a word nowhere: no results */
            }

            if (drv == q->nterms || r[t].df < r[drv].df) {
                drv = t;
            }
        }
    }

    rc = news_search_blocks(st, txn, q, r, drv, s, k, &nhits);

    if (rc != NEWS_OK) {
        rc = news_err_set(err, NEWS_ERROR, "reading the search index");
        goto done;
    }

    /* equal scores go to the newer article: its publication time */
    for (i = 0; i < nhits; i++) {
        news_be64_put(kb, s->hits[i].id);
        key.mv_data = kb;
        key.mv_size = 8;

        if (mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &key, &val) == 0
            && val.mv_size == 12)
        {
            s->hits[i].published_at = (int64_t) news_be64_get(val.mv_data);
        }
    }

    qsort(s->hits, nhits, sizeof(news_hit_t), news_hit_cmp);

    if (nhits > s->offset) {
        s->count = nhits - s->offset;
        s->more = s->count > s->limit;
        s->count = s->more ? s->limit : s->count;
        memmove(s->hits, s->hits + s->offset, s->count * sizeof(news_hit_t));
    }

done:

    for (t = 0; t < q->nterms; t++) {
        if (r[t].cur) {
            mdb_cursor_close(r[t].cur);
        }

        free(r[t].blocks);
    }

    free(r);

    return rc;
}


/* a driver block and the most a doc of it can score for the whole query */
typedef struct {
    size_t      j;
    double      bound;
    double      others;     /* of that, the other words' part */
    uint32_t    first;
} news_cand_t;


static int
news_cand_cmp(const void *a, const void *b)
{
    const news_cand_t  *x = a, *y = b;

    if (x->bound != y->bound) {
        return x->bound > y->bound ? -1 : 1;
    }

    return x->first > y->first ? -1 : x->first < y->first;
}


/*
 * Block-max: the driver's blocks, each bounded by its own bound and the
 * other words' bounds over its docs, are read best bound first, newest
 * first among equals; once k hits are kept, a block (or a doc) whose
 * bound cannot beat the worst of them ends the walk (or is skipped)
 * without the other words' lookups.  At most NEWS_SEARCH_WALK docs are
 * looked at: the work of a query is bounded whatever its words.
 */
static int
news_search_blocks(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_reader_t *r, unsigned drv, news_search_t *s, size_t k,
    size_t *nhits)
{
    int                    rc, overflow;
    size_t                 j, ncand, walked, i, nsched;
    double                 others, bound, score;
    unsigned               t, c;
    uint32_t               doc;
    uint64_t               sched[NEWS_SCHEDULED_MAX];
    news_hit_t             hit;
    news_cand_t           *cand;
    news_reader_t         *d;
    news_clause_t const   *cl;
    const news_posting_t  *ps[NEWS_SEARCH_TERMS_MAX];

    if (news_scheduled(st, txn, s->now, sched, &nsched) != 0) {
        return NEWS_ERROR;
    }

    overflow = nsched > NEWS_SCHEDULED_MAX;
    d = &r[drv];

    cand = malloc(d->nblocks * sizeof(news_cand_t));
    if (cand == NULL) {
        return NEWS_ERROR;
    }

    for (j = 0, ncand = 0; j < d->nblocks; j++) {
        others = 0;

        for (c = 0; others >= 0 && c < q->nclauses; c++) {
            cl = &q->clauses[c];

            for (t = cl->first; !cl->negate && t < cl->first + cl->n; t++) {
                if (t == drv) {
                    continue;
                }

                bound = news_reader_overlap(&r[t], d->blocks[j].first,
                                            d->blocks[j].last);
                if (bound < 0) {
                    others = -1;        /* a word none of its docs has */
                    break;
                }

                others += bound;
            }
        }

        if (others < 0) {
            continue;
        }

        cand[ncand].j = j;
        cand[ncand].others = others;
        cand[ncand].bound = d->blocks[j].bound + others;
        cand[ncand].first = d->blocks[j].first;
        ncand++;
    }

    qsort(cand, ncand, sizeof(news_cand_t), news_cand_cmp);

    rc = NEWS_OK;
    walked = 0;

    for (i = 0; i < ncand && walked < NEWS_SEARCH_WALK; i++) {
        if (*nhits == k
            && (cand[i].bound + NEWS_BOUND_EPS < s->hits[0].score
                || (cand[i].bound <= s->hits[0].score + NEWS_BOUND_EPS
                    && d->blocks[cand[i].j].last < s->hits[0].id)))
        {
            break;              /* nothing after it can make the top k */
        }

        if (news_reader_load(d, cand[i].j) != 0) {
            rc = NEWS_ERROR;
            break;
        }

        for (j = d->n; j-- > 0 && walked < NEWS_SEARCH_WALK; ) {
            doc = d->p[j].doc;

            /* the driver's own score, exact, and the others' bound */
            score = news_bm25(d->idf, d->p[j].wtf, d->p[j].norm, d->avgdl);

            if (*nhits == k
                && (score + cand[i].others + NEWS_BOUND_EPS
                    < s->hits[0].score
                    || (score + cand[i].others
                        <= s->hits[0].score + NEWS_BOUND_EPS
                        && doc < s->hits[0].id)))
            {
                continue;
            }

            walked++;

            if (news_search_doc(st, txn, q, r, doc, ps, sched,
                                overflow ? NEWS_SCHEDULED_MAX + 1 : nsched,
                                s->now))
            {
                continue;
            }

            score = 0;

            for (c = 0; c < q->nclauses; c++) {
                cl = &q->clauses[c];

                for (t = cl->first; !cl->negate && t < cl->first + cl->n;
                     t++)
                {
                    if (!q->terms[t].filter) {
                        score += news_bm25(r[t].idf, ps[t]->wtf, ps[t]->norm,
                                           r[t].avgdl);
                    }
                }
            }

            hit.id = doc;
            hit.score = score;
            hit.published_at = 0;
            news_hits_push(s->hits, nhits, k, &hit);
        }
    }

    free(cand);
    s->looked = walked;

    return rc;
}


/*
 * Whether doc is left out (1) or found (0): found when every clause
 * holds (its words there, in a row for a phrase; a negated one's not)
 * and it is due by now.  ps[] gets the postings of the words.
 */
static int
news_search_doc(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_reader_t *r, uint32_t doc, const news_posting_t **ps,
    const uint64_t *sched, size_t nsched, int64_t now)
{
    int                   skip;
    size_t                i;
    unsigned              t, c;
    MDB_val               key, val;
    news_clause_t const  *cl;
    unsigned char         kb[8];

    for (c = 0, skip = 0; !skip && c < q->nclauses; c++) {
        cl = &q->clauses[c];

        for (t = cl->first; t < cl->first + cl->n; t++) {
            ps[t] = news_reader_find(&r[t], doc);

            if (ps[t] == NULL) {
                break;
            }
        }

        /* a clause holds when all its words are there, in a row */
        if (t == cl->first + cl->n
            && (cl->n == 1 || news_phrase(&ps[cl->first], cl->n)))
        {
            skip = cl->negate;

        } else {
            skip = !cl->negate;
        }
    }

    if (skip) {
        return 1;
    }

    /* scheduled and not yet due */
    if (nsched <= NEWS_SCHEDULED_MAX) {
        for (i = 0; i < nsched && sched[i] != doc; i++) {
            /* void */
        }

        return i < nsched;
    }

    news_be64_put(kb, doc);
    key.mv_data = kb;
    key.mv_size = 8;

    return mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &key, &val) != 0
           || val.mv_size != 12
           || (int64_t) news_be64_get(val.mv_data) > now;
}


/* a word's BM25 in a doc: its weighted frequency, the doc's norm */
static double
news_bm25(double idf, uint32_t wtf, uint32_t norm, double avgdl)
{
    double  tf;

    tf = (double) wtf;

    return idf * tf * (NEWS_BM25_K1 + 1)
           / (tf + NEWS_BM25_K1 * (1 - NEWS_BM25_B
                                   + NEWS_BM25_B * news_norm_length(norm)
                                     / avgdl));
}


/*
 * A weighted length in a byte, for the postings: exact below 32, then a
 * 4-bit mantissa and an exponent (within 1/16 below the length, up to
 * 507,904); news_norm_length() gives the length back.
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


static double
news_norm_length(uint32_t norm)
{
    if (norm < 32) {
        return (double) norm;
    }

    return (double) ((16u + (norm & 15)) << ((norm >> 4) - 1));
}


/*
 * Opens a term's postings and reads every block's header (its docs and
 * bounds): its document count, and where each block is, without
 * decoding one.
 */
static int
news_reader_open(news_reader_t *r, MDB_txn *txn, MDB_dbi dbi,
    const news_qterm_t *t)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[sizeof(t->term) + 5];

    r->term = t->term;
    r->len = t->len;

    rc = mdb_cursor_open(txn, dbi, &r->cur);
    if (rc != 0) {
        return rc;
    }

    memcpy(k, t->term, t->len);
    k[t->len] = '\0';
    memset(k + t->len + 1, 0, 4);
    key.mv_data = k;
    key.mv_size = t->len + 5;

    for (rc = mdb_cursor_get(r->cur, &key, &val, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(r->cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != t->len + 5
            || memcmp(key.mv_data, t->term, t->len + 1) != 0)
        {
            break;
        }

        rc = news_reader_header(r, &key, &val);
        if (rc != 0) {
            return rc;
        }
    }

    r->loaded = r->nblocks;

    return rc == MDB_NOTFOUND ? 0 : rc;
}


static int
news_reader_header(news_reader_t *r, const MDB_val *key, const MDB_val *val)
{
    size_t          cap;
    unsigned        i;
    news_bmax_t    *b;
    const uint8_t  *s, *end;

    if (r->nblocks == r->cap) {
        cap = r->cap ? r->cap * 2 : 64;
        b = realloc(r->blocks, cap * sizeof(news_bmax_t));
        if (b == NULL) {
            return ENOMEM;
        }

        r->blocks = b;
        r->cap = cap;
    }

    s = val->mv_data;
    end = s + val->mv_size;

    if (val->mv_size < 7 || s[6] == 0 || s[6] > NEWS_BLOCK_PAIRS) {
        return MDB_CORRUPTED;
    }

    b = &r->blocks[r->nblocks];
    b->first = news_be32_get((const uint8_t *) key->mv_data + r->len + 1);
    b->last = news_be32_get(s);
    b->npairs = s[6];
    b->bound = 0;
    r->df += (uint32_t) s[4] << 8 | s[5];
    s += 7;

    for (i = 0; i < b->npairs; i++) {
        if (news_varint_get(&s, end, &b->wtf[i]) || s == end) {
            return MDB_CORRUPTED;
        }

        b->norm[i] = *s++;
    }

    r->nblocks++;

    return 0;
}


/* each block's bound for this query's idf (0 for a filter) and avgdl */
static void
news_reader_bounds(news_reader_t *r, double idf, double avgdl)
{
    size_t        j;
    unsigned      i;
    double        v;
    news_bmax_t  *b;

    r->idf = idf;
    r->avgdl = avgdl;

    for (j = 0; j < r->nblocks; j++) {
        b = &r->blocks[j];

        for (i = 0; i < b->npairs; i++) {
            v = news_bm25(idf, b->wtf[i], b->norm[i], avgdl);
            b->bound = v > b->bound ? v : b->bound;
        }
    }
}


/*
 * The most a doc in [first, last] can score for the term: the best bound
 * of its blocks that overlap the range; -1 when none does (no doc there
 * has the term).
 */
static double
news_reader_overlap(const news_reader_t *r, uint32_t first, uint32_t last)
{
    size_t   lo, hi, mid;
    double   best;

    /* the first block that ends at first or after */
    for (lo = 0, hi = r->nblocks; lo < hi; ) {
        mid = (lo + hi) / 2;

        if (r->blocks[mid].last < first) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    for (best = -1; lo < r->nblocks && r->blocks[lo].first <= last; lo++) {
        best = r->blocks[lo].bound > best ? r->blocks[lo].bound : best;
    }

    return best;
}


/* the term's posting of doc, or NULL */
static const news_posting_t *
news_reader_find(news_reader_t *r, uint32_t doc)
{
    int      lo, hi, mid;
    size_t   a, b, m;

    if (r->loaded == r->nblocks || doc < r->blocks[r->loaded].first
        || doc > r->blocks[r->loaded].last)
    {
        for (a = 0, b = r->nblocks; a < b; ) {
            m = (a + b) / 2;

            if (r->blocks[m].last < doc) {
                a = m + 1;

            } else {
                b = m;
            }
        }

        if (a == r->nblocks || r->blocks[a].first > doc
            || news_reader_load(r, a) != 0)
        {
            return NULL;
        }
    }

    lo = 0;
    hi = (int) r->n - 1;

    while (lo <= hi) {
        mid = (lo + hi) / 2;

        if (r->p[mid].doc == doc) {
            return &r->p[mid];
        }

        if (r->p[mid].doc < doc) {
            lo = mid + 1;

        } else {
            hi = mid - 1;
        }
    }

    return NULL;
}


/* decodes block j into p (a no-op when it is there already) */
static int
news_reader_load(news_reader_t *r, size_t j)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[sizeof(((news_qterm_t *) 0)->term) + 5];

    if (r->loaded == j) {
        return 0;
    }

    r->loaded = r->nblocks;
    r->n = 0;

    memcpy(k, r->term, r->len);
    k[r->len] = '\0';
    news_be32_put(k + r->len + 1, r->blocks[j].first);
    key.mv_data = k;
    key.mv_size = r->len + 5;

    rc = mdb_cursor_get(r->cur, &key, &val, MDB_SET);
    if (rc != 0) {
        return rc;
    }

    if (news_block_decode(&val, r->blocks[j].first, r->p, &r->n) != 0) {
        r->n = 0;
        return MDB_CORRUPTED;
    }

    r->loaded = j;

    return 0;
}


/*
 * The ids of articles scheduled after now, from the time index; *n past
 * NEWS_SCHEDULED_MAX says there are more (each is then checked in sdocs).
 */
static int
news_scheduled(news_store_t *st, MDB_txn *txn, int64_t now, uint64_t *ids,
    size_t *n)
{
    int            rc;
    MDB_cursor    *cur;
    MDB_val        key, val;
    unsigned char  k[16];

    *n = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_TIMES], &cur);
    if (rc != 0) {
        return rc;
    }

    news_be64_put(k, (uint64_t) now + 1);
    news_be64_put(k + 8, 0);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && *n <= NEWS_SCHEDULED_MAX;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != 16) {
            continue;
        }

        if (*n < NEWS_SCHEDULED_MAX) {
            ids[*n] = news_be64_get((const unsigned char *) key.mv_data + 8);
        }

        (*n)++;
    }

    mdb_cursor_close(cur);

    return rc == MDB_NOTFOUND || rc == 0 ? 0 : rc;
}


/* whether the terms' positions hold p, p + 1, ... for some p */
static int
news_phrase(const news_posting_t **ps, unsigned n)
{
    int             found;
    unsigned        i, j, m[NEWS_SEARCH_TERMS_MAX], at[NEWS_SEARCH_TERMS_MAX];
    uint32_t        v, p, (*pos)[NEWS_POS_MAX];
    const uint8_t  *s, *end;

    pos = malloc(n * sizeof(*pos));
    if (pos == NULL) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        s = ps[i]->pos;
        end = s + ps[i]->pos_len;
        p = 0;

        for (m[i] = 0; m[i] < NEWS_POS_MAX && news_varint_get(&s, end, &v) == 0;
             m[i]++)
        {
            p += v;
            pos[i][m[i]] = p;
        }

        at[i] = 0;
    }

    found = 0;

    for (j = 0; !found && j < m[0]; j++) {
        p = pos[0][j];

        for (i = 1; i < n; i++) {
            while (at[i] < m[i] && pos[i][at[i]] < p + i) {
                at[i]++;
            }

            if (at[i] == m[i] || pos[i][at[i]] != p + i) {
                break;
            }
        }

        found = i == n;
    }

    free(pos);

    return found;
}


/* keeps the k best hits in a heap whose root is the worst of them */
static void
news_hits_push(news_hit_t *h, size_t *n, size_t k, const news_hit_t *hit)
{
    size_t      i, c;
    news_hit_t  tmp;

    if (*n < k) {
        i = (*n)++;
        h[i] = *hit;

        while (i > 0 && news_hit_better(&h[(i - 1) / 2], &h[i])) {
            tmp = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = tmp;
            i = (i - 1) / 2;
        }

        return;
    }

    if (!news_hit_better(hit, &h[0])) {
        return;
    }

    h[0] = *hit;
    i = 0;

    for ( ;; ) {
        c = 2 * i + 1;
        if (c >= *n) {
            break;
        }

        if (c + 1 < *n && news_hit_better(&h[c], &h[c + 1])) {
            c++;
        }

        if (!news_hit_better(&h[i], &h[c])) {
            break;
        }

        tmp = h[i];
        h[i] = h[c];
        h[c] = tmp;
        i = c;
    }
}


static int
news_hit_better(const news_hit_t *a, const news_hit_t *b)
{
    if (a->score != b->score) {
        return a->score > b->score;
    }

    if (a->published_at != b->published_at) {
        return a->published_at > b->published_at;
    }

    return a->id > b->id;
}


static int
news_hit_cmp(const void *a, const void *b)
{
    return news_hit_better(a, b) ? -1 : news_hit_better(b, a);
}


/* snippets -------------------------------------------------------------- */


#define NEWS_SNIPPET_SCAN    65536   /* bytes of text looked through */
#define NEWS_SNIPPET_BEFORE  10      /* words before the first match */
#define NEWS_SNIPPET_WORDS   30


static int news_snippet_match(const news_query_t *q, const news_tokens_t *tk);
static void news_snippet_gap(news_buf_t *b, const char *s, size_t n,
    int *in_url, int lead);


void
news_search_snippet(news_buf_t *b, const news_query_t *q, const char *text,
    size_t n)
{
    int            in_url;
    size_t         ring[NEWS_SNIPPET_BEFORE], seen, start, prev, words;
    news_tokens_t  tk;

    n = n < NEWS_SNIPPET_SCAN ? n : NEWS_SNIPPET_SCAN;
    start = 0;
    seen = 0;

    news_tokens_init(&tk, text, n);

    while (news_tokens_next(&tk)) {
        if (news_snippet_match(q, &tk)) {
            start = seen < NEWS_SNIPPET_BEFORE
                    ? 0 : ring[seen % NEWS_SNIPPET_BEFORE];
            break;
        }

        ring[seen % NEWS_SNIPPET_BEFORE] = tk.start;
        seen++;
    }

    if (start > 0) {
        news_buf_addl(b, "… ");
    }

    news_tokens_init(&tk, text, n);
    tk.pos = start;
    prev = start;
    in_url = 0;

    for (words = 0; words < NEWS_SNIPPET_WORDS && news_tokens_next(&tk); ) {
        news_snippet_gap(b, text + prev, tk.start - prev, &in_url, words > 0);
        prev = tk.end;

        /* a link's address is not text a reader sees */
        if (in_url) {
            continue;
        }

        if (news_snippet_match(q, &tk)) {
            news_buf_addl(b, "<mark>");
            news_html_escape(b, text + tk.start, tk.end - tk.start);
            news_buf_addl(b, "</mark>");

        } else {
            news_html_escape(b, text + tk.start, tk.end - tk.start);
        }

        words++;
    }

    if (words == NEWS_SNIPPET_WORDS && news_tokens_next(&tk)) {
        news_buf_addl(b, " …");
    }
}


static int
news_snippet_match(const news_query_t *q, const news_tokens_t *tk)
{
    unsigned  t;

    for (t = 0; t < q->nterms; t++) {
        if (!q->terms[t].filter && q->terms[t].len == tk->term_len
            && memcmp(q->terms[t].term, tk->term, tk->term_len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * What lies between two words, as a reader would see it: one space for
 * any run of white space, Markdown's marks dropped, the rest escaped; a
 * link's "](" starts its address, which ")" ends.
 */
static void
news_snippet_gap(news_buf_t *b, const char *s, size_t n, int *in_url,
    int lead)
{
    size_t  i;
    int     space;

    space = 0;

    for (i = 0; i < n; i++) {
        if (*in_url) {
            *in_url = s[i] != ')';
            continue;
        }

        if (s[i] == ']' && i + 1 < n && s[i + 1] == '(') {
            *in_url = 1;
            i++;
            continue;
        }

        switch (s[i]) {

        case ' ': case '\t': case '\n': case '\r':
            space = 1;
            break;

        case '*': case '_': case '`': case '#': case '[': case ']': case '|':
        case '~':
            break;

        default:
            if (space && lead) {
                news_buf_addc(b, ' ');
            }

            space = 0;
            lead = 1;
            news_html_escape(b, s + i, 1);
        }
    }

    if (space && lead) {
        news_buf_addc(b, ' ');
    }
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

    if (news_doc_collect(&d, a) != 0) {
        news_doc_free(&d);
        news_buf_addl(why, "out of memory");
        return -1;
    }

    if (news_be32_get((const unsigned char *) val.mv_data + 8) != d.length) {
        news_buf_addf(why, "in sdocs with length %u, not %u",
                      news_be32_get((const unsigned char *) val.mv_data + 8),
                      d.length);
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
    unsigned char   kb[8];

    /* an index not built, or of an older format: reindex makes it anew */
    if (news_search_stats(st, txn, &docs, &length) == MDB_NOTFOUND) {
        return 0;
    }

    if (key->mv_size < 6
        || ((const uint8_t *) key->mv_data)[key->mv_size - 5] != '\0')
    {
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

    return 0;
}
