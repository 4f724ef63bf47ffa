/*
 * Full-text search over published articles: an inverted index kept in the
 * store beside the articles, written in the article's own write txn, so
 * that the next search sees an article in its new form.
 *
 * Databases (store.h):
 *
 *   postings  term . 0 . be32 first doc -> a block of postings of the term,
 *             doc ids ascending (format 2): be32 last doc, be16 count,
 *             a byte n and n bounds (varint wtf, byte norm: no posting of
 *             the block has more wtf and less norm than all of them);
 *             then per doc varint (doc - previous doc; the first: doc -
 *             first doc), varint weighted term frequency (wtf), a byte of
 *             the doc's weighted length (its norm: exact below 32, else
 *             within 1/16); then per doc varint byte length of its
 *             positions and the positions (varint deltas), which only
 *             phrases and the page's snippets read.  At most
 *             NEWS_BLOCK_DOCS docs and about NEWS_BLOCK_BYTES bytes a
 *             block, so that a block stays on its leaf page and a
 *             write rewrites one small value per term.
 *             A doc id is the article id.  Section and tag terms for the
 *             section: and tag: filters are 0x01 's' or 't' . the slug.
 *             term . 1 -> the term's directory (search_block.h): its
 *             blocks in groups, each group's docs and bound, then each
 *             block's first doc and header, in doc order, written with
 *             the blocks, so that a query reads a term's block bounds in
 *             one value, and only the groups it needs (schema 11; an
 *             older store has its directories made on opening:
 *             news_search_dirs_fill; one opened read-only has its
 *             blocks' headers read instead).
 *   sdocs     be64 article id -> be64 published_at, be32 weighted length:
 *             the articles the index holds
 *   meta      "search.2" -> be64 documents, be64 sum of their lengths.
 *             Absent: the index of an older store is not built yet, or is
 *             of the first format ("search" instead): `newsctl reindex`
 *             builds it; until then search answers 503 and writes leave
 *             the index alone, and no block is read.
 *
 * Field weights: each occurrence of a word counts this many times in the
 * term frequency and in the document length (a BM25F with one length):
 * title 5, subtitle 3, section 3, tags 3, body 1.  Positions run across
 * the fields in that order, with a gap between fields so that a phrase
 * never spans two.
 *
 * Ranking: BM25 (k1 1.2, b 0.75, idf log(1 + (N - df + 0.5) / (df + 0.5)))
 * summed over the query's words, the length from the norm; equal scores
 * go to the newer article.
 *
 * Block-max: a query reads its words' directories (each group's and, as
 * it needs them, each block's docs and bounds), then decodes the blocks
 * of its rarest word best bound first (its own bound plus the other
 * words' over the block's docs; a group's blocks are read when the
 * group's bound is the best left); once it holds the results asked for,
 * a block or doc whose bound cannot beat the worst of them is not looked
 * at, and the first such block ends the query.  Bounded work: at most NEWS_SEARCH_WALK docs are
 * looked up in the other words' postings (a query whose bounds prune
 * nothing, like a phrase of common words, ranks what it saw by then).
 * Results go NEWS_SEARCH_DEPTH deep.
 */

#ifndef NEWS_SEARCH_H
#define NEWS_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "store.h"
#include "tokenize.h"


#define NEWS_SEARCH_QUERY_MAX  256      /* bytes of a query */
#define NEWS_SEARCH_TERMS_MAX  16       /* terms of a query */
#define NEWS_SEARCH_DEPTH      1000     /* the deepest result reachable */
/*
 * Docs a query looks up in its other words' postings at most: it runs
 * in a pool thread, but holds that thread and a reader slot meanwhile.
 */
#define NEWS_SEARCH_WALK       10000

#define NEWS_BLOCK_DOCS        128
#define NEWS_BLOCK_BYTES       1800

/* field weights (see above) */
#define NEWS_WEIGHT_TITLE      5
#define NEWS_WEIGHT_SUBTITLE   3
#define NEWS_WEIGHT_SECTION    3
#define NEWS_WEIGHT_TAG        3
#define NEWS_WEIGHT_BODY       1


typedef struct {
    char        term[NEWS_TERM_MAX + 3];    /* a filter: 0x01 kind slug */
    size_t      len;
    int         filter;                     /* section: or tag: */
} news_qterm_t;


/*
 * A clause is terms[first .. first + n): one word, or a phrase (n > 1:
 * the words in a row), or a filter; negated clauses exclude.
 */
typedef struct {
    unsigned    first;
    unsigned    n;
    int         negate;
} news_clause_t;


typedef struct {
    news_qterm_t   terms[NEWS_SEARCH_TERMS_MAX];
    unsigned       nterms;
    news_clause_t  clauses[NEWS_SEARCH_TERMS_MAX];
    unsigned       nclauses;
} news_query_t;


/*
 * Parses a query: words (all must match), "a phrase", -word or -"phrase"
 * (must not match), section:name, tag:name (-section:name excludes).
 * NEWS_INVALID with a message for a reader: longer than
 * NEWS_SEARCH_QUERY_MAX bytes, more than NEWS_SEARCH_TERMS_MAX terms, not
 * UTF-8, control characters, nothing that must match.  A query with no
 * word at all is NEWS_NOTFOUND (an empty box).
 */
int news_search_parse(news_query_t *q, const char *s, size_t n,
    news_err_t *err);


typedef struct {
    uint64_t    id;
    double      score;
    int64_t     published_at;
} news_hit_t;


/* the hits of a page that keep where the query's words are in them */
#define NEWS_SEARCH_PAGE_MAX   100

/*
 * Where a hit has each of the query's terms: its positions as the index
 * holds them (the block format's varint deltas), pointing into the
 * store's map and so valid until the query's read txn ends; NULL for a
 * term the doc lacks, and for a filter.  Its snippet starts from them
 * instead of reading the text for the words.
 */
typedef struct {
    const uint8_t  *pos[NEWS_SEARCH_TERMS_MAX];
    uint32_t        len[NEWS_SEARCH_TERMS_MAX];
} news_hit_words_t;


/*
 * One page of results: skip `offset`, up to `limit` (offset + limit at
 * most NEWS_SEARCH_DEPTH).  Only articles published by `now`.
 */
typedef struct {
    size_t        offset;
    size_t        limit;
    int64_t       now;
    news_hit_t    hits[NEWS_SEARCH_DEPTH + 1];
    size_t        count;        /* out: hits[0 .. count) is the page */
    int           more;         /* out: results follow the page */
    int           unbuilt;      /* out: NEWS_BUSY because the index waits
                                 * for `newsctl reindex` */
    size_t        looked;       /* out: docs looked up, at most
                                 * NEWS_SEARCH_WALK */
    news_hit_words_t  words[NEWS_SEARCH_PAGE_MAX];
    size_t        nwords;       /* out: words[i] is hits[i]'s, i < nwords */
} news_search_t;

/*
 * A page's inputs set and its outputs cleared, nothing else: a search
 * writes each hit and its words before anything reads them, so the
 * 43 KB of them need not be zeroed for every request.
 */
void news_search_reset(news_search_t *s, int64_t now, size_t offset,
    size_t limit);

int news_search_run(news_store_t *st, MDB_txn *txn, const news_query_t *q,
    news_search_t *s, news_err_t *err);

/*
 * Adds a published article to the index (add = 1) or takes it out (0),
 * inside the article's write txn.  Adding one already there does nothing:
 * every change of an article's text takes its old form out first, so an
 * article there is in its current form (a new comment re-renders pages
 * and costs the index one lookup).
 */
int news_search_index(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, int add, news_err_t *err);

/*
 * A bulk load (newsctl import, reindex): between begin and end, the
 * postings of new articles gather in memory and news_search_flush, which
 * the loader calls before each commit, writes them: a term's new
 * postings cost one block write per batch, not one per article.  Taking
 * an article out writes what has gathered first.  Only for a caller
 * that commits its txn as a whole: nested txns would not undo what
 * gathered.
 */
int news_search_bulk_begin(news_store_t *st, news_err_t *err);
int news_search_flush(news_store_t *st, MDB_txn *txn, news_err_t *err);
void news_search_bulk_end(news_store_t *st);

/*
 * After a bulk load's last commit, before its end, when the load indexed
 * a tenth or more of the index's articles (each time costs two copies of
 * the whole index): the postings written again in key order into full
 * pages, in a txn of its own.  A batch's new blocks go in the middle of
 * the tree (after each term's last block), where LMDB splits a full page
 * in two, and leave the leaves about two-thirds full; here they are
 * copied to a scratch database and back, each time appended
 * (MDB_APPEND), in one txn, so that readers see the index whole
 * throughout.  The file grows by about twice the postings meanwhile (the
 * pages are freed at the commit, for later writes).  Later writes split
 * pages again as they go.
 */
int news_search_bulk_compact(news_store_t *st, news_err_t *err);
#define NEWS_POSTINGS_SCRATCH  "postings.compact"

/*
 * A store from before the directories (schema 8) or their groups (9 and
 * 10): every term of a built index gets its directory from its blocks'
 * headers, in the txn that raises the schema.
 */
int news_search_dirs_fill(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* empties the index and indexes every published article (newsctl) */
int news_search_reindex(news_store_t *st, news_err_t *err);

/*
 * When the index's databases are made: a store without articles has its
 * (empty) index built at once; one with articles, from an older build,
 * waits for `newsctl reindex`, so that no worker opening it scans them.
 */
int news_search_init(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* the collection's documents and total length: 0, or not built (!= 0) */
int news_search_stats(news_store_t *st, MDB_txn *txn, uint64_t *docs,
    uint64_t *length);

/*
 * For newsctl check: 0 if the index holds article a as it is (published:
 * in sdocs at its time and length, a posting of its weighted frequency
 * under each of its terms; a draft: not in sdocs), else -1 and why.
 */
int news_search_check_article(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_buf_t *why);

/* a postings block decodes, its docs ascending and each in sdocs */
int news_search_check_block(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, news_buf_t *why);

/* whether the index is built: NEWS_OK, or NEWS_BUSY with a message */
int news_search_ready(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* 1: the index is of the first format, which reindex rebuilds */
int news_search_outdated(news_store_t *st, MDB_txn *txn);

/*
 * Appends the text around the first of the query's words in text[0..n)
 * (else its beginning), about 30 words, HTML-escaped, the query's words
 * in <mark>, Markdown's marks left out.
 */
void news_search_snippet(news_buf_t *b, const news_query_t *q,
    const char *text, size_t n);

/*
 * The same when the first of the query's words in the text is known:
 * `first` words of the text come before it (-1: none is there), so that
 * the text is not read for the words before it; NEWS_SNIPPET_LOOK: not
 * known, the text is read for it.
 */
#define NEWS_SNIPPET_LOOK  (-2)

void news_search_snippet_at(news_buf_t *b, const news_query_t *q,
    const char *text, size_t n, long first);

struct news_steaser_s;

/*
 * The same for a hit of the page whose words the index gave (w), from its
 * teaser t (its body, where the body starts among the positions, where
 * its words start): its words are marked where the index has the query's
 * words, not stemmed to be compared with them, and the snippet starts at
 * its first word without the words before it being cut.
 */
void news_search_snippet_hit(news_buf_t *b, const news_query_t *q,
    const struct news_steaser_s *t, const news_hit_words_t *w);

/* bytes of a text that a snippet looks through for the query's words */
#define NEWS_SNIPPET_SCAN  65536

/* a teaser keeps where every this many-th word of its body starts */
#define NEWS_SNIPPET_STRIDE  16

/*
 * Where the first of the query's words is in an article's body, from
 * where the index has them (w, of the article as it is indexed), its
 * body's first word at position `body` (news_search_body_start): the
 * count of the body's words before it, or -1 when none is in the body.
 */
long news_search_body_first(uint32_t body, const news_query_t *q,
    const news_hit_words_t *w);

/* the index's position of article a's first word of the body */
uint32_t news_search_body_start(const news_article_t *a);


/*
 * Search teasers (search_teaser.c): what a result shows of an article,
 * laid out when the index takes the article in, so that a hit costs one
 * lookup and no parsing.  Written and deleted with the article's sdocs
 * entry, in the same txn (news_search_index): an article the index holds
 * has one, in its current form.
 *
 *   steasers.2  be64 article id -> be64 published_at, be32 the body's
 *             first position (news_search_body_start), be32 the lengths
 *             of slug, title, section, head and body, be32 the body's
 *             words, then those bytes: head is the search page's teaser
 *             up to its snippet (HTML, render_search.c), body the
 *             article's Markdown source up to NEWS_SNIPPET_SCAN bytes
 *             (what a snippet reads); then a be16 for every
 *             NEWS_SNIPPET_STRIDE-th word of the body (words 0, STRIDE,
 *             2 STRIDE, ... as the tokenizer cuts them): the byte where
 *             it starts, so that a snippet deep in the body starts there
 *             instead of cutting every word before it.  Its first form
 *             ("steasers", schema 5) had no words nor starts: a store
 *             that has it gets the new one filled on opening.
 */
typedef struct news_steaser_s {
    int64_t      published_at;
    uint32_t     body_start;
    const char  *slug;
    size_t       slug_len;
    const char  *title;
    size_t       title_len;
    const char  *section;
    size_t       section_len;
    const char  *head;
    size_t       head_len;
    const char  *body;
    size_t       body_len;
    uint32_t     words;         /* the body's words */
    const uint8_t *starts;      /* be16 each, (words + STRIDE - 1) / STRIDE */
} news_steaser_t;

/*
 * Article id's teaser, its fields pointing into the store's map (valid
 * until txn ends or writes): NEWS_NOTFOUND when the index lacks it,
 * NEWS_ERROR when it does not decode.
 */
int news_steaser_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_steaser_t *t, news_err_t *err);

/*
 * Where every NEWS_SNIPPET_STRIDE-th word of a body starts (be16 each, as
 * the teaser keeps them), its words and its first position, gathered
 * while the index cuts the article (news_steaser_starts_word for each
 * word of the body) so that the teaser needs no cut of its own.
 */
typedef struct {
    news_buf_t  at;
    uint32_t    words;
    uint32_t    body;       /* the body's first position */
} news_steaser_starts_t;

/* body word number starts->words begins at byte `start` of the body */
void news_steaser_starts_word(news_steaser_starts_t *starts, size_t start);

/*
 * Writes article a's teaser (add = 1) or deletes it, in the index's txn;
 * starts: its body's (NULL: the body is cut here for them).
 */
int news_steaser_write(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_steaser_starts_t *starts, int add,
    news_err_t *err);

/*
 * A store from before the teasers (schema 4), or with their first form
 * (schema 5, dropped here): every article the index holds gets its
 * teaser, in the txn that makes the database.
 */
int news_steaser_fill(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* for newsctl check: 0 if article a's teaser is a's as written, else -1 */
int news_steaser_check(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_buf_t *why);

/* a teaser decodes and its article is in sdocs */
int news_steaser_check_entry(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, news_buf_t *why);

#endif /* NEWS_SEARCH_H */
