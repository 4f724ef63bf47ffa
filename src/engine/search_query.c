/*
 * Search queries (search.h): a query parsed, run over the postings with
 * block-max pruning and ranked by BM25, and its snippets.  The index
 * they read is search.c's; the block format both know is search_block.h.
 *
 * Why one file of about 1,850 lines: a query is one algorithm over
 * private state, the term readers (a directory's groups and blocks, one
 * block decoded at a time) walked with block-max bounds into a heap of
 * hits; its parts (parse, readers, bounds, walk, phrase check, ranking,
 * snippet) each use that state and none is used elsewhere.
 */

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "search.h"
#include "search_block.h"
#include "text.h"


#define NEWS_SCHEDULED_MAX 1024     /* scheduled ids kept for a query */
#define NEWS_POS_MAX       1024     /* positions of one term compared */
#define NEWS_BM25_K1       1.2
#define NEWS_BM25_B        0.75
#define NEWS_BOUND_EPS     1e-9     /* score sums differ in their order */


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
    unsigned    kept;           /* decoded in the reader's kept[kept - 1];
                                 * 0: not */
} news_bmax_t;


/* a decoded block of a term */
typedef struct {
    size_t           j;          /* which of the term's; SIZE_MAX: none */
    news_posting_t   p[NEWS_BLOCK_DOCS];
    unsigned         n;          /* postings in p */
    const uint8_t   *pos;        /* their positions, not yet in p */
    const uint8_t   *pos_end;    /* NULL: in p, or none to read */
} news_decoded_t;

/*
 * Decoded blocks a term keeps, at most NEWS_READER_KEPT, allocated as
 * they are decoded (the first decoded giving way first), each found from
 * its block's entry: the page's hits, whose positions the snippets want,
 * are in blocks the walk decoded already, and another word's block that
 * two of the driver's blocks overlap is looked up again.  More would
 * save a few decodes but cost a query fresh memory (3 KB a block) that
 * the allocator hands back and takes again on every search.
 */
#define NEWS_READER_KEPT   32

/*
 * A group of a term's blocks as the directory sums it up: its docs, the
 * most one of them can score, and where its blocks' entries are, read
 * into the term's blocks[start ..] when a query first needs them.
 */
typedef struct {
    uint32_t         first;
    uint32_t         last;
    double           bound;
    size_t           start;
    unsigned         blocks;
    int              read;
    const uint8_t   *entries;
    size_t           bytes;
    unsigned         npairs;
    uint32_t         wtf[NEWS_DIR_PAIRS];
    uint8_t          norm[NEWS_DIR_PAIRS];
} news_bgroup_t;

/* a term's postings as a query reads them: one decoded block at a time */
typedef struct {
    MDB_cursor      *cur;
    const char      *term;
    size_t           len;
    uint32_t         df;
    news_bgroup_t   *groups;     /* in doc order */
    size_t           ngroups;
    news_bmax_t     *blocks;     /* every block of the term, in doc order,
                                  * those of groups read */
    size_t           nblocks;
    size_t           loaded;     /* the block in b; nblocks: none */
    int              failed;     /* a group's entries did not decode */
    double           idf;        /* 0 for a filter */
    double           norms[256]; /* BM25's length part of each norm */
    news_decoded_t  *b;          /* the loaded block, one of kept */
    news_decoded_t **kept;       /* NEWS_READER_KEPT, nkept allocated */
    size_t           nkept;
    size_t           victim;     /* the next to give way, once all are
                                  * allocated */
    size_t           at;         /* the block the cursor is at; SIZE_MAX:
                                  * none known */
    news_buf_t       dir;        /* the directory made from the blocks, in
                                  * a store of an older schema */
} news_reader_t;



static int news_parse_word(news_query_t *q, const char *s, size_t n,
    int negate, news_err_t *err);
static int news_parse_filter(news_query_t *q, char kind, const char *s,
    size_t n, int negate, news_err_t *err);
static int news_reader_open(news_reader_t *r, news_store_t *st,
    MDB_txn *txn, const news_qterm_t *t);
static int news_reader_groups(news_reader_t *r, const uint8_t *s,
    const uint8_t *end);
static int news_reader_group(news_reader_t *r, news_bgroup_t *g);
static void news_reader_bounds(news_reader_t *r, double idf, double avgdl);
static double news_pairs_bm25(const news_reader_t *r, unsigned n,
    const uint32_t *wtf, const uint8_t *norm);
static size_t news_reader_group_of(const news_reader_t *r, uint32_t doc);
static double news_reader_overlap(news_reader_t *r, uint32_t first,
    uint32_t last, int coarse);
static const news_posting_t *news_reader_find(news_reader_t *r, uint32_t doc);
static int news_reader_load(news_reader_t *r, size_t j);
static int news_reader_seek(news_reader_t *r, size_t j, MDB_val *val);
static int news_reader_positions(news_reader_t *r);
static int news_search_blocks(news_store_t *st, MDB_txn *txn,
    const news_query_t *q, news_reader_t *r, unsigned drv,
    news_search_t *s, size_t k, size_t *nhits);
static int news_search_doc(const news_query_t *q, news_reader_t *r,
    uint32_t doc, const news_posting_t **ps);
static double news_search_score(const news_query_t *q, news_reader_t *r,
    const news_posting_t **ps);
static int news_search_phrases(const news_query_t *q, news_reader_t *r,
    const news_posting_t **ps);
static int news_search_later(news_store_t *st, MDB_txn *txn, uint32_t doc,
    const uint64_t *sched, size_t nsched, int64_t now);
static double news_bm25(const news_reader_t *r, uint32_t wtf,
    uint32_t norm);
static double news_norm_length(uint32_t norm);
static int news_scheduled(news_store_t *st, MDB_txn *txn, int64_t now,
    uint64_t *ids, size_t *n);
static int news_phrase(const news_posting_t **ps, unsigned n);
static void news_hits_push(news_hit_t *h, size_t *n, size_t k,
    const news_hit_t *hit);
static void news_hits_rank(news_store_t *st, MDB_txn *txn, news_hit_t *h,
    size_t n);
static int news_hit_better(const news_hit_t *a, const news_hit_t *b);
static int news_hit_worse(const void *a, const void *b);
static int news_hit_cmp(const void *a, const void *b);
static void news_search_words(const news_query_t *q, news_reader_t *r,
    news_search_t *s);


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


void
news_search_reset(news_search_t *s, int64_t now, size_t offset,
    size_t limit)
{
    s->offset = offset;
    s->limit = limit;
    s->now = now;
    s->count = 0;
    s->more = 0;
    s->unbuilt = 0;
    s->looked = 0;
    s->nwords = 0;
}


int
news_search_run(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_search_t *s, news_err_t *err)
{
    int             rc;
    size_t          i, k, nhits;
    double          idf, avgdl;
    uint64_t        docs, length;
    unsigned        t, c, drv;
    news_reader_t  *r;

    s->count = 0;
    s->more = 0;
    s->looked = 0;
    s->nwords = 0;

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
        if (news_reader_open(&r[t], st, txn, &q->terms[t]) != 0) {
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

    news_hits_rank(st, txn, s->hits, nhits);

    if (nhits > s->offset) {
        s->count = nhits - s->offset;
        s->more = s->count > s->limit;
        s->count = s->more ? s->limit : s->count;
        memmove(s->hits, s->hits + s->offset, s->count * sizeof(news_hit_t));
    }

    news_search_words(q, r, s);

done:

    for (t = 0; t < q->nterms; t++) {
        if (r[t].cur) {
            mdb_cursor_close(r[t].cur);
        }

        free(r[t].groups);
        free(r[t].blocks);

        for (i = 0; i < r[t].nkept; i++) {
            free(r[t].kept[i]);
        }

        free(r[t].kept);
        news_buf_free(&r[t].dir);
    }

    free(r);

    return rc;
}


/*
 * Moves the element at i of a heap of n elements of size bytes down to its
 * place; above(a, b) says a belongs nearer the root than b.  The driver's
 * candidates and the k best hits are both kept in such heaps.
 */
#define NEWS_HEAP_ELT_MAX  32

typedef int (*news_heap_above_pt)(const void *a, const void *b);

static void
news_heap_down(void *base, size_t n, size_t size, size_t i,
    news_heap_above_pt above)
{
    unsigned char  *h = base, tmp[NEWS_HEAP_ELT_MAX];
    size_t          l, best;

    for ( ;; ) {
        l = 2 * i + 1;
        best = i;

        if (l < n && above(h + l * size, h + best * size)) {
            best = l;
        }

        if (l + 1 < n && above(h + (l + 1) * size, h + best * size)) {
            best = l + 1;
        }

        if (best == i) {
            return;
        }

        memcpy(tmp, h + i * size, size);
        memcpy(h + i * size, h + best * size, size);
        memcpy(h + best * size, tmp, size);
        i = best;
    }
}


/* moves the element at i of such a heap up to its place */
static void
news_heap_up(void *base, size_t i, size_t size, news_heap_above_pt above)
{
    unsigned char  *h = base, tmp[NEWS_HEAP_ELT_MAX];
    size_t          up;

    while (i > 0) {
        up = (i - 1) / 2;

        if (!above(h + i * size, h + up * size)) {
            return;
        }

        memcpy(tmp, h + i * size, size);
        memcpy(h + i * size, h + up * size, size);
        memcpy(h + up * size, tmp, size);
        i = up;
    }
}


/*
 * A driver block and the most a doc of it can score for the whole query;
 * or (j past the driver's blocks) a group of them, not yet read.
 */
typedef struct {
    size_t      j;
    double      bound;
    double      others;     /* of that, the other words' part */
    uint32_t    first;
} news_cand_t;

_Static_assert(sizeof(news_cand_t) <= NEWS_HEAP_ELT_MAX
               && sizeof(news_hit_t) <= NEWS_HEAP_ELT_MAX,
               "a heap element fits news_heap_down's swap");


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
 * The candidates as a heap, the first in news_cand_cmp's order on top: a
 * walk takes them in that order and most stop after a few, so the rest
 * are never sorted (no two are equal: each block has its own first doc).
 */
static int
news_cand_above(const void *a, const void *b)
{
    return news_cand_cmp(a, b) < 0;
}


/* the top candidate out of the heap c[0 .. *n) */
static news_cand_t
news_cand_pop(news_cand_t *c, size_t *n)
{
    news_cand_t  top;

    top = c[0];
    c[0] = c[--*n];
    news_heap_down(c, *n, sizeof(news_cand_t), 0, news_cand_above);

    return top;
}


/*
 * The most a doc in [first, last] can score for the query's words other
 * than the driver's, from their blocks' bounds (coarse: their groups',
 * no less); -1 when a word has no doc there.
 */
static double
news_cand_others(const news_query_t *q, news_reader_t *r, unsigned drv,
    uint32_t first, uint32_t last, int coarse)
{
    double                others, bound;
    unsigned              t, c;
    news_clause_t const  *cl;

    others = 0;

    for (c = 0; c < q->nclauses; c++) {
        cl = &q->clauses[c];

        for (t = cl->first; !cl->negate && t < cl->first + cl->n; t++) {
            if (t == drv) {
                continue;
            }

            bound = news_reader_overlap(&r[t], first, last, coarse);
            if (bound < 0) {
                return -1;      /* a word none of its docs has */
            }

            others += bound;
        }
    }

    return others;
}


/*
 * A group of the driver's blocks, g, into the candidates' heap c[0 ..
 * *n), or (blocks) its blocks in its place, but those whose bound is
 * below floor (the worst of k hits kept), which would end the walk: the
 * next candidate does, its bound being no more.  A group's bound is no
 * less than any of its blocks' (its pairs bound theirs, the other words'
 * groups theirs), and it comes out before them among equals (its key is
 * its last doc), so that the blocks come out of the heap in the order
 * they would if every one were in it from the start.
 */
static int
news_cand_push(const news_query_t *q, news_reader_t *r, unsigned drv,
    size_t g, int blocks, double floor, news_cand_t *c, size_t *n)
{
    size_t          j, end;
    double          others;
    news_reader_t  *d;
    news_bgroup_t  *gr;

    d = &r[drv];
    gr = &d->groups[g];

    if (!blocks) {
        others = news_cand_others(q, r, drv, gr->first, gr->last, 1);

        if (others >= 0) {
            c[*n].j = d->nblocks + g;
            c[*n].others = others;
            c[*n].bound = gr->bound + others + NEWS_BOUND_EPS;
            c[*n].first = gr->last;
            (*n)++;
        }

        return 0;
    }

    if (news_reader_group(d, gr) != 0) {
        return -1;
    }

    for (j = gr->start, end = gr->start + gr->blocks; j < end; j++) {
        others = news_cand_others(q, r, drv, d->blocks[j].first,
                                  d->blocks[j].last, 0);
        if (others < 0
            || d->blocks[j].bound + others + NEWS_BOUND_EPS < floor)
        {
            continue;
        }

        c[*n].j = j;
        c[*n].others = others;
        c[*n].bound = d->blocks[j].bound + others;
        c[*n].first = d->blocks[j].first;
        news_heap_up(c, (*n)++, sizeof(news_cand_t), news_cand_above);
    }

    return 0;
}


/*
 * Block-max: the driver's blocks, each bounded by its own bound and the
 * other words' bounds over its docs, are read best bound first, newest
 * first among equals; once k hits are kept, a block (or a doc) whose
 * bound cannot beat the worst of them ends the walk (or is skipped)
 * without the other words' lookups.  The blocks come from their groups,
 * a group's read only when its bound is the best left, so that a word's
 * work is that of the few groups its results are in, not of all its
 * blocks.  At most NEWS_SEARCH_WALK docs are looked at: the work of a
 * query is bounded whatever its words.
 */
static int
news_search_blocks(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_reader_t *r, unsigned drv, news_search_t *s, size_t k,
    size_t *nhits)
{
    int                    rc, overflow;
    size_t                 j, ncand, walked, nsched;
    double                 score;
    unsigned               t;
    uint32_t               doc;
    uint64_t               sched[NEWS_SCHEDULED_MAX];
    news_hit_t             hit;
    news_cand_t           *cand, top;
    news_reader_t         *d;
    const news_posting_t  *ps[NEWS_SEARCH_TERMS_MAX];

    if (news_scheduled(st, txn, s->now, sched, &nsched) != 0) {
        return NEWS_ERROR;
    }

    overflow = nsched > NEWS_SCHEDULED_MAX;
    d = &r[drv];

    /* each group once, then its blocks in its place */
    cand = malloc((d->ngroups + d->nblocks) * sizeof(news_cand_t));
    if (cand == NULL) {
        return NEWS_ERROR;
    }

    for (j = 0, ncand = 0; j < d->ngroups; j++) {
        (void) news_cand_push(q, r, drv, j, 0, -HUGE_VAL, cand, &ncand);
    }

    for (j = ncand / 2; j-- > 0; ) {
        news_heap_down(cand, ncand, sizeof(news_cand_t), j,
                       news_cand_above);
    }

    rc = NEWS_OK;
    walked = 0;

    while (ncand > 0 && walked < NEWS_SEARCH_WALK) {
        top = news_cand_pop(cand, &ncand);

        if (top.j >= d->nblocks) {
            if (*nhits == k && top.bound + NEWS_BOUND_EPS < s->hits[0].score)
            {
                break;          /* neither can any block after it */
            }

            if (news_cand_push(q, r, drv, top.j - d->nblocks, 1,
                               *nhits == k ? s->hits[0].score : -HUGE_VAL,
                               cand, &ncand)
                != 0)
            {
                rc = NEWS_ERROR;
                break;
            }

            continue;
        }

        if (*nhits == k
            && (top.bound + NEWS_BOUND_EPS < s->hits[0].score
                || (top.bound <= s->hits[0].score + NEWS_BOUND_EPS
                    && d->blocks[top.j].last < s->hits[0].id)))
        {
            break;              /* nothing after it can make the top k */
        }

        if (news_reader_load(d, top.j) != 0) {
            rc = NEWS_ERROR;
            break;
        }

        for (j = d->b->n; j-- > 0 && walked < NEWS_SEARCH_WALK; ) {
            doc = d->b->p[j].doc;

            /* the driver's own score, exact, and the others' bound */
            score = news_bm25(d, d->b->p[j].wtf, d->b->p[j].norm);

            if (*nhits == k
                && (score + top.others + NEWS_BOUND_EPS
                    < s->hits[0].score
                    || (score + top.others
                        <= s->hits[0].score + NEWS_BOUND_EPS
                        && doc < s->hits[0].id)))
            {
                continue;
            }

            walked++;

            if (news_search_doc(q, r, doc, ps)) {
                continue;
            }

            hit.id = doc;
            hit.score = news_search_score(q, r, ps);
            hit.published_at = 0;

            /*
             * a phrase's positions and the time read only when the doc
             * would be kept: most of a phrase's docs would not
             */
            if ((*nhits == k && !news_hit_better(&hit, &s->hits[0]))
                || news_search_phrases(q, r, ps)
                || news_search_later(st, txn, doc, sched,
                                     overflow ? NEWS_SCHEDULED_MAX + 1
                                              : nsched,
                                     s->now))
            {
                continue;
            }

            news_hits_push(s->hits, nhits, k, &hit);
        }
    }

    free(cand);
    s->looked = walked;

    /* a group of a word's directory that did not decode */
    for (t = 0; t < q->nterms; t++) {
        rc = r[t].failed ? NEWS_ERROR : rc;
    }

    return rc;
}


/*
 * Whether doc is left out (1) by its words' postings alone: a word that
 * must be there is not, or a negated word is.  ps[] gets the postings of
 * the words; a phrase whose words are all there is left for
 * news_search_phrases, and one that is not has ps[] of its first word
 * NULL (a negated one then holds).
 */
static int
news_search_doc(const news_query_t *q, news_reader_t *r, uint32_t doc,
    const news_posting_t **ps)
{
    unsigned              t, c;
    news_clause_t const  *cl;

    for (c = 0; c < q->nclauses; c++) {
        cl = &q->clauses[c];

        for (t = cl->first; t < cl->first + cl->n; t++) {
            ps[t] = news_reader_find(&r[t], doc);

            if (ps[t] == NULL) {
                break;
            }
        }

        if (t < cl->first + cl->n) {
            ps[cl->first] = NULL;

            if (!cl->negate) {
                return 1;       /* a word that must be there is not */
            }

        } else if (cl->n == 1 && cl->negate) {
            return 1;           /* a word that must not be there is */
        }
    }

    return 0;
}


/*
 * The doc's score from its words' postings (ps[], news_search_doc's),
 * the sum of BM25 over the words that must be there
 */
static double
news_search_score(const news_query_t *q, news_reader_t *r,
    const news_posting_t **ps)
{
    double                score;
    unsigned              t, c;
    news_clause_t const  *cl;

    score = 0;

    for (c = 0; c < q->nclauses; c++) {
        cl = &q->clauses[c];

        for (t = cl->first; !cl->negate && t < cl->first + cl->n; t++) {
            if (!q->terms[t].filter) {
                score += news_bm25(&r[t], ps[t]->wtf, ps[t]->norm);
            }
        }
    }

    return score;
}


/*
 * Whether doc is left out (1) by a phrase: one that must be there is
 * not in a row, or a negated one is.  After news_search_doc found every
 * word that must be there: the positions are read only for a doc whose
 * score can make the results (a phrase of common words is in few of the
 * docs its words are in).
 */
static int
news_search_phrases(const news_query_t *q, news_reader_t *r,
    const news_posting_t **ps)
{
    int                   holds;
    unsigned              t, c;
    news_clause_t const  *cl;

    for (c = 0; c < q->nclauses; c++) {
        cl = &q->clauses[c];

        if (cl->n == 1 || ps[cl->first] == NULL) {
            continue;           /* a word, or a phrase not all there */
        }

        for (t = cl->first; t < cl->first + cl->n; t++) {
            if (news_reader_positions(&r[t]) != 0) {
                break;          /* positions that do not decode */
            }
        }

        holds = t == cl->first + cl->n && news_phrase(&ps[cl->first], cl->n);

        if (holds == cl->negate) {
            return 1;
        }
    }

    return 0;
}


/* whether doc is scheduled and not yet due (1) */
static int
news_search_later(news_store_t *st, MDB_txn *txn, uint32_t doc,
    const uint64_t *sched, size_t nsched, int64_t now)
{
    size_t         i;
    MDB_val        key, val;
    unsigned char  kb[8];

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


/*
 * A word's BM25 in a doc: its weighted frequency, the doc's norm (a
 * byte), whose part of the sum the reader has for each of the 256
 * (news_reader_bounds): a query scores thousands of postings.
 */
static double
news_bm25(const news_reader_t *r, uint32_t wtf, uint32_t norm)
{
    double  tf;

    tf = (double) wtf;

    return r->idf * tf * (NEWS_BM25_K1 + 1) / (tf + r->norms[norm & 0xff]);
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
 * Opens a term's postings and reads its directory's groups (their docs
 * and bounds): its document count, and where each group's blocks are,
 * without decoding one.  A store of an older schema opened read-only
 * (whose directories are of another form, or none) has the directory
 * made from its blocks' headers instead.
 */
static int
news_reader_open(news_reader_t *r, news_store_t *st, MDB_txn *txn,
    const news_qterm_t *t)
{
    int             rc;
    MDB_val         key, val;
    MDB_dbi         dbi;
    unsigned char   k[sizeof(t->term) + 1];

    r->term = t->term;
    r->len = t->len;
    news_buf_init(&r->dir);
    dbi = st->dbi[NEWS_DB_POSTINGS];

    r->at = SIZE_MAX;
    r->kept = malloc(NEWS_READER_KEPT * sizeof(news_decoded_t *));
    if (r->kept == NULL) {
        return ENOMEM;
    }

    rc = mdb_cursor_open(txn, dbi, &r->cur);
    if (rc != 0) {
        return rc;
    }

    if (st->schema < NEWS_SCHEMA_GROUPS) {
        rc = news_dir_from_blocks(txn, dbi, t->term, t->len, &r->dir);
        val.mv_data = r->dir.data;
        val.mv_size = r->dir.len;

    } else {
        memcpy(k, t->term, t->len);
        k[t->len] = NEWS_DIR_MARK;
        key.mv_data = k;
        key.mv_size = t->len + 1;

        rc = mdb_get(txn, dbi, &key, &val);
    }

    if (rc == 0 && val.mv_size > 0) {
        rc = news_reader_groups(r, val.mv_data,
                                (const uint8_t *) val.mv_data + val.mv_size);
    }

    r->loaded = r->nblocks;

    return rc == MDB_NOTFOUND ? 0 : rc;
}


/* the directory's groups, in doc order, their entries after them */
static int
news_reader_groups(news_reader_t *r, const uint8_t *s, const uint8_t *end)
{
    size_t             i;
    uint32_t           n;
    news_bgroup_t     *g;
    const uint8_t     *entries;
    news_dir_group_t   dg;

    /* a group takes 13 bytes at least */
    if (news_varint_get(&s, end, &n) != 0 || n == 0
        || n > (size_t) (end - s) / 13)
    {
        return MDB_CORRUPTED;
    }

    r->groups = malloc(n * sizeof(news_bgroup_t));
    if (r->groups == NULL) {
        return ENOMEM;
    }

    for (i = 0; i < n; i++) {
        if (news_dir_group(&s, end, &dg) != 0
            || (i > 0 && dg.first <= r->groups[i - 1].last)
            || dg.blocks > NEWS_DIR_GROUP)
        {
            return MDB_CORRUPTED;
        }

        g = &r->groups[i];
        g->first = dg.first;
        g->last = dg.last;
        g->bound = 0;
        g->start = r->nblocks;
        g->blocks = dg.blocks;
        g->read = 0;
        g->bytes = dg.bytes;
        g->npairs = dg.npairs;
        memcpy(g->wtf, dg.wtf, sizeof(g->wtf));
        memcpy(g->norm, dg.norm, sizeof(g->norm));
        r->nblocks += dg.blocks;
        r->df += dg.docs;
    }

    r->ngroups = n;

    for (i = 0, entries = s; i < n; i++) {
        if (r->groups[i].bytes > (size_t) (end - entries)) {
            return MDB_CORRUPTED;
        }

        r->groups[i].entries = entries;
        entries += r->groups[i].bytes;
    }

    r->blocks = malloc(r->nblocks * sizeof(news_bmax_t));

    return entries != end ? MDB_CORRUPTED : r->blocks ? 0 : ENOMEM;
}


/*
 * A group's blocks from its entries into blocks[g->start ..], with their
 * bounds, when a query first needs them: 0, or -1 (r->failed) when they
 * do not decode or leave the group's docs.
 */
static int
news_reader_group(news_reader_t *r, news_bgroup_t *g)
{
    unsigned           i;
    uint32_t           after;
    news_bmax_t       *b;
    const uint8_t     *s, *end;
    news_dir_entry_t   e;

    if (g->read) {
        return 0;
    }

    s = g->entries;
    end = s + g->bytes;
    after = g->first;

    for (i = 0; i < g->blocks; i++) {
        if (news_dir_entry(&s, end, &e) != 0 || e.first < after
            || e.last > g->last)
        {
            r->failed = 1;
            return -1;
        }

        b = &r->blocks[g->start + i];
        b->first = e.first;
        b->last = e.last;
        b->npairs = e.npairs;
        memcpy(b->wtf, e.wtf, sizeof(b->wtf));
        memcpy(b->norm, e.norm, sizeof(b->norm));
        b->bound = news_pairs_bm25(r, e.npairs, e.wtf, e.norm);
        b->kept = 0;
        after = e.last + 1;
    }

    if (s != end) {
        r->failed = 1;
        return -1;
    }

    g->read = 1;

    return 0;
}


/*
 * The BM25 of each norm's length for this query's avgdl, and each
 * group's bound for its idf (0 for a filter)
 */
static void
news_reader_bounds(news_reader_t *r, double idf, double avgdl)
{
    size_t  i;

    r->idf = idf;

    for (i = 0; i < 256; i++) {
        r->norms[i] = NEWS_BM25_K1 * (1 - NEWS_BM25_B
                                      + NEWS_BM25_B
                                        * news_norm_length((uint32_t) i)
                                        / avgdl);
    }

    for (i = 0; i < r->ngroups; i++) {
        r->groups[i].bound = news_pairs_bm25(r, r->groups[i].npairs,
                                             r->groups[i].wtf,
                                             r->groups[i].norm);
    }
}


/* the most of (wtf, norm) pairs' BM25 for the term */
static double
news_pairs_bm25(const news_reader_t *r, unsigned n, const uint32_t *wtf,
    const uint8_t *norm)
{
    unsigned  i;
    double    v, best;

    for (i = 0, best = 0; i < n; i++) {
        v = news_bm25(r, wtf[i], norm[i]);
        best = v > best ? v : best;
    }

    return best;
}


/* the first group that ends at doc or after (ngroups: none) */
static size_t
news_reader_group_of(const news_reader_t *r, uint32_t doc)
{
    size_t  lo, hi, mid;

    for (lo = 0, hi = r->ngroups; lo < hi; ) {
        mid = (lo + hi) / 2;

        if (r->groups[mid].last < doc) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


/*
 * The most a doc in [first, last] can score for the term: the best bound
 * of its blocks that overlap the range, or (coarse) of its groups that
 * do, which is no less and reads no entries; -1 when none does (no doc
 * there has the term).
 */
static double
news_reader_overlap(news_reader_t *r, uint32_t first, uint32_t last,
    int coarse)
{
    size_t          i, j, end;
    double          best;
    news_bgroup_t  *g;

    best = -1;

    for (i = news_reader_group_of(r, first);
         i < r->ngroups && r->groups[i].first <= last;
         i++)
    {
        g = &r->groups[i];

        if (coarse) {
            best = g->bound > best ? g->bound : best;
            continue;
        }

        if (news_reader_group(r, g) != 0) {
            return -1;
        }

        for (j = g->start, end = g->start + g->blocks;
             j < end && r->blocks[j].first <= last;
             j++)
        {
            if (r->blocks[j].last >= first) {
                best = r->blocks[j].bound > best ? r->blocks[j].bound : best;
            }
        }
    }

    return best;
}


/* the term's posting of doc, or NULL */
static const news_posting_t *
news_reader_find(news_reader_t *r, uint32_t doc)
{
    int             lo, hi, mid;
    size_t          a, b, m;
    news_bgroup_t  *g;

    if (r->loaded == r->nblocks || doc < r->blocks[r->loaded].first
        || doc > r->blocks[r->loaded].last)
    {
        a = news_reader_group_of(r, doc);

        if (a == r->ngroups || r->groups[a].first > doc
            || news_reader_group(r, &r->groups[a]) != 0)
        {
            return NULL;
        }

        g = &r->groups[a];

        for (a = g->start, b = g->start + g->blocks; a < b; ) {
            m = (a + b) / 2;

            if (r->blocks[m].last < doc) {
                a = m + 1;

            } else {
                b = m;
            }
        }

        if (a == g->start + g->blocks || r->blocks[a].first > doc
            || news_reader_load(r, a) != 0)
        {
            return NULL;
        }
    }

    lo = 0;
    hi = (int) r->b->n - 1;

    while (lo <= hi) {
        mid = (lo + hi) / 2;

        if (r->b->p[mid].doc == doc) {
            return &r->b->p[mid];
        }

        if (r->b->p[mid].doc < doc) {
            lo = mid + 1;

        } else {
            hi = mid - 1;
        }
    }

    return NULL;
}


/*
 * Decodes block j into b (a no-op when it is kept already), in a new
 * place of kept, or in place of the block decoded first
 */
static int
news_reader_load(news_reader_t *r, size_t j)
{
    int            rc;
    size_t         slot;
    MDB_val        val;

    if (r->loaded == j) {
        return 0;
    }

    if (r->blocks[j].kept) {
        r->b = r->kept[r->blocks[j].kept - 1];
        r->loaded = j;
        return 0;
    }

    r->loaded = r->nblocks;

    if (r->nkept < NEWS_READER_KEPT) {
        r->kept[r->nkept] = malloc(sizeof(news_decoded_t));
        if (r->kept[r->nkept] == NULL) {
            return ENOMEM;
        }

        slot = r->nkept++;

    } else {
        slot = r->victim;
        r->victim = (r->victim + 1) % NEWS_READER_KEPT;

        if (r->kept[slot]->j != SIZE_MAX) {
            r->blocks[r->kept[slot]->j].kept = 0;
        }
    }

    r->b = r->kept[slot];
    r->b->j = SIZE_MAX;
    r->b->n = 0;
    r->b->pos_end = NULL;

    rc = news_reader_seek(r, j, &val);
    if (rc != 0) {
        return rc;
    }

    if (news_block_postings(&val, r->blocks[j].first, r->b->p, &r->b->n,
                            &r->b->pos)
        != 0)
    {
        r->b->n = 0;
        return MDB_CORRUPTED;
    }

    r->b->pos_end = (const uint8_t *) val.mv_data + val.mv_size;
    r->b->j = j;
    r->blocks[j].kept = (unsigned) slot + 1;
    r->loaded = j;

    return 0;
}


/*
 * Block j's value: the cursor's next or previous when it is at a
 * neighbour of j (a driver's blocks of equal bounds come newest first, a
 * block's docs are walked so, and the other words' blocks follow), which
 * costs less than a search from the root
 */
static int
news_reader_seek(news_reader_t *r, size_t j, MDB_val *val)
{
    int            rc;
    MDB_val        key, near;
    unsigned char  k[sizeof(((news_qterm_t *) 0)->term) + 5];

    memcpy(k, r->term, r->len);
    k[r->len] = '\0';
    news_be32_put(k + r->len + 1, r->blocks[j].first);
    key.mv_data = k;
    key.mv_size = r->len + 5;

    if (r->at != SIZE_MAX && (j + 1 == r->at || j == r->at + 1)) {
        rc = mdb_cursor_get(r->cur, &near, val,
                            j < r->at ? MDB_PREV : MDB_NEXT);

        if (rc == 0 && near.mv_size == key.mv_size
            && memcmp(near.mv_data, k, key.mv_size) == 0)
        {
            r->at = j;
            return 0;
        }
    }

    rc = mdb_cursor_get(r->cur, &key, val, MDB_SET);
    r->at = rc == 0 ? j : SIZE_MAX;

    return rc;
}


/*
 * The loaded block's positions into its postings, when a phrase or a
 * snippet asks for them (most docs a query looks at need none): 0, or
 * -1 when they do not decode (the postings keep none).
 */
static int
news_reader_positions(news_reader_t *r)
{
    int  rc;

    if (r->loaded == r->nblocks || r->b->pos_end == NULL) {
        return 0;
    }

    rc = news_block_positions(r->b->pos, r->b->pos_end, r->b->p, r->b->n);
    r->b->pos_end = NULL;

    return rc;
}


/*
 * The page's hits keep where the query's terms are in them, for their
 * snippets: a lookup in each term's blocks, which the walk has mostly
 * decoded already.
 */
static void
news_search_words(const news_query_t *q, news_reader_t *r, news_search_t *s)
{
    size_t                 i;
    unsigned               t;
    news_hit_words_t      *w;
    const news_posting_t  *p;

    for (i = 0; i < s->count && i < NEWS_SEARCH_PAGE_MAX; i++) {
        w = &s->words[i];

        for (t = 0; t < q->nterms; t++) {
            p = q->terms[t].filter
                ? NULL : news_reader_find(&r[t], (uint32_t) s->hits[i].id);
            p = p && news_reader_positions(&r[t]) == 0 ? p : NULL;
            w->pos[t] = p ? p->pos : NULL;
            w->len[t] = p ? p->pos_len : 0;
        }
    }

    s->nwords = i;
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


/*
 * A term's positions read one at a time for a phrase, up to
 * NEWS_POS_MAX of them (the first NEWS_POS_MAX are compared)
 */
typedef struct {
    const uint8_t  *s;
    const uint8_t  *end;
    uint32_t        at;         /* the position read last */
    unsigned        read;
} news_pos_cursor_t;


/* the cursor's next position into c->at: 1, or 0 past its last */
static int
news_pos_next(news_pos_cursor_t *c)
{
    uint32_t  v;

    if (c->read == NEWS_POS_MAX || news_varint_get(&c->s, c->end, &v) != 0) {
        return 0;
    }

    c->at += v;
    c->read++;

    return 1;
}


/*
 * Whether the terms' positions hold p, p + 1, ... for some p: the first
 * term's positions in turn, the others' cursors moved along with them
 * (positions ascend), nothing copied.
 */
static int
news_phrase(const news_posting_t **ps, unsigned n)
{
    unsigned           i;
    uint32_t           p;
    news_pos_cursor_t  c[NEWS_SEARCH_TERMS_MAX];

    for (i = 0; i < n; i++) {
        c[i].s = ps[i]->pos;
        c[i].end = ps[i]->pos + ps[i]->pos_len;
        c[i].at = 0;
        c[i].read = 0;

        /* the others' first positions: none, and the phrase is not there */
        if (i > 0 && !news_pos_next(&c[i])) {
            return 0;
        }
    }

    while (news_pos_next(&c[0])) {
        p = c[0].at;

        for (i = 1; i < n; i++) {
            while (c[i].at < p + i) {
                if (!news_pos_next(&c[i])) {
                    return 0;   /* past its last: no later p can match */
                }
            }

            if (c[i].at != p + i) {
                break;
            }
        }

        if (i == n) {
            return 1;
        }
    }

    return 0;
}


/* keeps the k best hits in a heap whose root is the worst of them */
static void
news_hits_push(news_hit_t *h, size_t *n, size_t k, const news_hit_t *hit)
{
    if (*n < k) {
        h[*n] = *hit;
        news_heap_up(h, (*n)++, sizeof(news_hit_t), news_hit_worse);
        return;
    }

    if (!news_hit_better(hit, &h[0])) {
        return;
    }

    h[0] = *hit;
    news_heap_down(h, *n, sizeof(news_hit_t), 0, news_hit_worse);
}


/*
 * The hits best first; equal scores go to the newer article, so the
 * hits whose scores are equal (and they alone: the others' order needs
 * no time) have their publication times read, for their own sort.
 */
static void
news_hits_rank(news_store_t *st, MDB_txn *txn, news_hit_t *h, size_t n)
{
    size_t         i, j, e;
    MDB_val        key, val;
    unsigned char  kb[8];

    /* by score, then id: their times are all 0 yet */
    qsort(h, n, sizeof(news_hit_t), news_hit_cmp);

    for (i = 0; i < n; i = e) {
        for (e = i + 1; e < n && h[e].score == h[i].score; e++) {
            /* void */
        }

        if (e - i == 1) {
            continue;
        }

        for (j = i; j < e; j++) {
            news_be64_put(kb, h[j].id);
            key.mv_data = kb;
            key.mv_size = 8;

            if (mdb_get(txn, st->dbi[NEWS_DB_SDOCS], &key, &val) == 0
                && val.mv_size == 12)
            {
                h[j].published_at = (int64_t) news_be64_get(val.mv_data);
            }
        }

        qsort(h + i, e - i, sizeof(news_hit_t), news_hit_cmp);
    }
}


/* the hits' heap keeps the worst of the k best on top */
static int
news_hit_worse(const void *a, const void *b)
{
    return news_hit_better(b, a);
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


/*
 * Where the query's words are in a hit's body, from the index: a cursor
 * over each term's positions, moved along with the snippet's words.
 */
typedef struct {
    const uint8_t  *s[NEWS_SEARCH_TERMS_MAX];
    const uint8_t  *end[NEWS_SEARCH_TERMS_MAX];
    uint32_t        pos[NEWS_SEARCH_TERMS_MAX];    /* UINT32_MAX: past all */
    unsigned        n;
    uint32_t        body;
} news_snippet_marks_t;


static void news_snippet_write(news_buf_t *b, const news_query_t *q,
    const char *text, size_t n, long first, news_snippet_marks_t *m,
    const news_steaser_t *t);
static size_t news_snippet_seek(const char *text, size_t n, long word,
    const news_steaser_t *t);
static void news_snippet_marks_init(news_snippet_marks_t *m,
    const news_query_t *q, uint32_t body, const news_hit_words_t *w);
static int news_snippet_marked(news_snippet_marks_t *m, uint32_t word);
static void news_snippet_marks_next(news_snippet_marks_t *m, unsigned t);
static int news_snippet_match(const news_query_t *q, const news_tokens_t *tk);
static long news_snippet_first(const news_query_t *q, const char *text,
    size_t n);
static void news_snippet_gap(news_buf_t *b, const char *s, size_t n,
    int *in_url, int lead);


void
news_search_snippet(news_buf_t *b, const news_query_t *q, const char *text,
    size_t n)
{
    news_search_snippet_at(b, q, text, n, NEWS_SNIPPET_LOOK);
}


/* the words before the first of the query's (-1: none) in text[0 .. n) */
static long
news_snippet_first(const news_query_t *q, const char *text, size_t n)
{
    long           seen;
    news_tokens_t  tk;

    news_tokens_init(&tk, text, n);

    for (seen = 0; news_tokens_next(&tk); seen++) {
        if (news_snippet_match(q, &tk)) {
            return seen;
        }
    }

    return -1;
}


void
news_search_snippet_at(news_buf_t *b, const news_query_t *q,
    const char *text, size_t n, long first)
{
    news_snippet_write(b, q, text, n, first, NULL, NULL);
}


void
news_search_snippet_hit(news_buf_t *b, const news_query_t *q,
    const news_steaser_t *t, const news_hit_words_t *w)
{
    news_snippet_marks_t  m;

    news_snippet_marks_init(&m, q, t->body_start, w);
    news_snippet_write(b, q, t->body, t->body_len,
                       news_search_body_first(t->body_start, q, w), &m, t);
}


/*
 * The snippet from `first` (news_search_snippet_at's); its words marked
 * where m has the query's words, or (m NULL) by stemming each word and
 * comparing it with the query's; t, when given, is the text's teaser,
 * which says where its words start.
 */
static void
news_snippet_write(news_buf_t *b, const news_query_t *q, const char *text,
    size_t n, long first, news_snippet_marks_t *m, const news_steaser_t *t)
{
    int            in_url, match;
    size_t         start, prev, words;
    uint32_t       word;
    news_tokens_t  tk;

    n = n < NEWS_SNIPPET_SCAN ? n : NEWS_SNIPPET_SCAN;
    start = 0;
    word = 0;

    if (first == NEWS_SNIPPET_LOOK) {
        first = news_snippet_first(q, text, n);
    }

    if (first >= NEWS_SNIPPET_BEFORE) {
        start = news_snippet_seek(text, n, first, t);

        /* past what a snippet looks through: the text's beginning */
        word = start > 0 ? (uint32_t) (first - NEWS_SNIPPET_BEFORE) : 0;
    }

    if (start > 0) {
        news_buf_addl(b, "… ");
    }

    news_tokens_init(&tk, text, n);
    tk.pos = start;
    tk.unstemmed = m != NULL;
    prev = start;
    in_url = 0;

    for (words = 0; words < NEWS_SNIPPET_WORDS && news_tokens_next(&tk);
         word++)
    {
        news_snippet_gap(b, text + prev, tk.start - prev, &in_url, words > 0);
        prev = tk.end;

        /* the index counts every word, a link's address's too */
        match = m ? news_snippet_marked(m, word) : news_snippet_match(q, &tk);

        /* a link's address is not text a reader sees */
        if (in_url) {
            continue;
        }

        if (match) {
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


/*
 * Where the snippet starts when word `first` (at least
 * NEWS_SNIPPET_BEFORE) is the first of the query's: where word first -
 * NEWS_SNIPPET_BEFORE starts, or 0 when the text holds no word `first`.
 * The words before it are counted, not stemmed: the count is the same (a
 * word folded to nothing is no word either way); with the teaser's
 * starts, only those after the last start before it.
 */
static size_t
news_snippet_seek(const char *text, size_t n, long first,
    const news_steaser_t *t)
{
    long           seen, want, from;
    size_t         start;
    news_tokens_t  tk;

    want = first - NEWS_SNIPPET_BEFORE;
    from = 0;
    start = 0;
    news_tokens_init(&tk, text, n);
    tk.unstemmed = 1;

    if (t != NULL) {
        if ((uint64_t) first >= t->words) {
            return 0;
        }

        from = want / NEWS_SNIPPET_STRIDE;
        tk.pos = (size_t) t->starts[2 * from] << 8 | t->starts[2 * from + 1];
        from *= NEWS_SNIPPET_STRIDE;
        first = want;           /* the teaser says word `first` is there */
    }

    for (seen = from; seen <= first && news_tokens_next(&tk); seen++) {
        if (seen == want) {
            start = tk.start;
        }
    }

    return seen > first ? start : 0;
}


static void
news_snippet_marks_init(news_snippet_marks_t *m, const news_query_t *q,
    uint32_t body, const news_hit_words_t *w)
{
    unsigned  t;

    m->n = q->nterms;
    m->body = body;

    for (t = 0; t < q->nterms; t++) {
        m->s[t] = w->pos[t];
        m->end[t] = w->pos[t] ? w->pos[t] + w->len[t] : NULL;
        m->pos[t] = 0;
        news_snippet_marks_next(m, t);
    }
}


/* whether the body's word number `word` is one of the query's */
static int
news_snippet_marked(news_snippet_marks_t *m, uint32_t word)
{
    int       hit;
    unsigned  t;
    uint32_t  at;

    hit = 0;
    at = m->body + word;

    for (t = 0; t < m->n; t++) {
        while (m->pos[t] < at) {
            news_snippet_marks_next(m, t);
        }

        hit |= m->pos[t] == at;
    }

    return hit;
}


/* term t's next position (the first: from 0), or UINT32_MAX past its last */
static void
news_snippet_marks_next(news_snippet_marks_t *m, unsigned t)
{
    uint32_t  v;

    if (m->s[t] == NULL || news_varint_get(&m->s[t], m->end[t], &v) != 0) {
        m->pos[t] = UINT32_MAX;
        return;
    }

    m->pos[t] += v;
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
