/*
 * Articles in the store: the record, its indexes and its rendered
 * fragments, kept in step inside one write transaction.  This header is
 * what is stored of an article and how it is read (articles.c), and the
 * pieces the writes share; the writes themselves, which keep the
 * comments, the search index, the desk and the outbox in step, are
 * publish.h's, above every module they call.
 */

#ifndef NEWS_ARTICLES_H
#define NEWS_ARTICLES_H

#include "article.h"
#include "comment.h"
#include "render.h"
#include "store.h"


#define NEWS_CURSOR_LEN  16     /* a times key: be64 time . be64 id */
#define NEWS_OLD_ADDRESS_MAX  400   /* an imported article's old path */


/*
 * An update's dates from the record it replaces: an undated one keeps
 * old's publication time (a draft published now is dated now), and only
 * a change to a public article is a correction (updated_at = now).
 */
void news_article_redate(news_article_t *a, const news_article_t *old,
    int64_t now);

/* a former slug of article id, which answers 301 to its page */
int news_article_redirect(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t id, news_err_t *err);

/*
 * An import's old address of article id, an old site's path "/..." or
 * "?p=N" (which no slug can be), at most NEWS_OLD_ADDRESS_MAX bytes: it
 * answers 301 to the article's page, moves from another article that had
 * it, and is freed when the article is deleted.
 */
int news_article_add_old_address(news_store_t *st, MDB_txn *txn,
    const char *address, uint64_t id, news_err_t *err);

/*
 * The article id of a slug, and whether the slug is a former one (its
 * readers are sent on): one lookup.
 */
int news_article_find(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, int *moved);

/*
 * The pieces publish.c writes with: the key of the times index
 * (be64 time . be64 id); the article that holds a slug, current or
 * former (MDB_NOTFOUND for a free one); an article's former slugs and
 * old addresses released with it; one stored fragment (LMDB's code).
 */
void news_times_key(unsigned char *key, int64_t t, uint64_t id);
int news_article_holder(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t *id);
int news_article_free_slugs(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err);
int news_fragment_get(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg);

/* how a comment changed, which tells which comment pages to re-render */
enum {
    NEWS_CHANGE_NEW = 0,        /* its thread's page (and the one before) */
    NEWS_CHANGE_TEXT,           /* its thread's page */
    NEWS_CHANGE_STATUS          /* threads may appear or go: to the end */
};


/*
 * What an article's comments are, in a few words kept up to date in
 * place by each comment write (the state fragment's second part,
 * render.h), so that no write needs the whole thread: the count of
 * visible comments, the top-level comments placed on pages, the last
 * page and how many threads it holds, the pages stored with their links
 * as they are, and the editors' picks.  A comment's page is fixed when
 * it is written: a top-level comment goes on the last page, or opens the
 * next when that one holds NEWS_COMMENTS_PAGE threads (shown or not); a
 * reply goes on its top's.  A page stays bounded: a thread shows its top
 * and NEWS_THREAD_SHOWN replies there and goes on on its own page.  The
 * page of each top-level comment is kept beside the article's fragments:
 * pages key id . 'K' . be64 comment id -> be32 page.
 */
#define NEWS_FRAG_PLACE     'K'
#define NEWS_CSTATE_SORT    1   /* the featured block has the order links */
#define NEWS_CSTATE_PICKS   2   /* the featured block is to render again */

typedef struct {
    uint32_t    count;          /* visible comments */
    uint32_t    tops;           /* top-level comments placed */
    uint32_t    pages;          /* the last page's number */
    uint32_t    last;           /* threads placed on it */
    uint32_t    stored;         /* pages stored with their pagers as is */
    uint32_t    flags;          /* NEWS_CSTATE_* */
    uint32_t    npicks;
    uint64_t    picks[NEWS_FEATURED_MAX];   /* featured comments' ids */
} news_cstate_t;

/*
 * The comment state of article id, and its state fragment: NEWS_NOTFOUND
 * for an article stored before it (its next write renders it whole);
 * and written back with the fragment's header as it was.
 */
int news_cstate_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_page_t *state, news_cstate_t *cs);
int news_cstate_save(news_store_t *st, MDB_txn *txn, uint64_t id,
    const news_page_t *state, const news_cstate_t *cs, news_err_t *err);

/* the state fragment of article a (its header and count) with cs */
int news_cstate_put(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    const news_cstate_t *cs, news_err_t *err);

/* the page of a new top-level comment, counted in cs (see above) */
unsigned news_cstate_place(news_cstate_t *cs);

/* a top-level comment's page: LMDB's code; and written */
int news_comment_page_get(news_store_t *st, MDB_txn *txn, uint64_t article,
    uint64_t top, unsigned *page);
int news_comment_page_put(news_store_t *st, MDB_txn *txn, uint64_t article,
    uint64_t top, unsigned page, news_err_t *err);

/*
 * Comment `comment` of article `id` changed: its pages are re-rendered
 * by the store's flush (news_articles_flush, publish.h), now, or at the
 * end of the write batch when the writer batches.  Only the comment
 * pages the change touches are re-rendered.
 */
int news_article_changed(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t comment, int kind, int64_t now, news_err_t *err);

/* the article id of a slug (current or former) */
/*
 * {"revisions":[...]}: what each filed version of article id said; a
 * listing cut short by the store is an error, not a shorter list.
 */
int news_article_revisions_json(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_buf_t *b, news_err_t *err);
/*
 * The versions of article id's revisions below `before` (0: all of
 * them), the newest first, at most n in out; *more says older ones are
 * left.  A walk of at most n + 1 keys.
 */
int news_article_revision_list(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t before, uint32_t *out, size_t n, size_t *count, int *more,
    news_err_t *err);

/* revision `version` of article id, parsed (caller frees); NOTFOUND */
int news_article_revision_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t version, news_article_t *a, news_err_t *err);

int news_article_id(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id);

/*
 * Whether readers see an article: published, and not scheduled ahead.
 * The one test of it; by its stored page, or by id (0 as well for no
 * such article).
 */
int news_article_public(const news_page_t *pg, int64_t now);
int news_article_public_id(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now);

/* a stored fragment; points into the map, valid until the txn ends */
int news_article_fragment(news_store_t *st, MDB_txn *txn, uint64_t id,
    int kind, news_page_t *pg);

/*
 * The article page with comment page `cpage` in its NEWS_PART_COMMENTS
 * (1: the one an article page shows), put together in `join` when pieces
 * are beside it (see news_cpage_t; join NULL: the comments left out);
 * what a pointer into join points to is valid until join grows again.
 */
int news_article_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned cpage, news_buf_t *join, news_page_t *pg);

/*
 * A comment page as readers see it.  Its value (render.h,
 * news_render_comment_value) is stored at pages key id . 'C' . be32 N:
 * whole, as an article's whole write (an import, an editor's) leaves it,
 * or, once comments have written it and it is larger than a leaf node of
 * LMDB's takes (NEWS_CHUNK_BYTES), as its frame (the same value with
 * every thread's HTML left out: where they start, their tops, the links
 * to the pages around).  Threads written since go beside it as pieces,
 * in chunks of NEWS_CHUNK_BYTES: pages key id . 'c' . be32 ~N . be64 ~top
 * -> the first chunk, and . be16 i -> chunk i (i >= 1), the thread's HTML
 * as the page shows it.  A piece takes its thread's place on the page,
 * or follows the page's threads when the thread is new there; beside a
 * frame, no piece: nothing of the thread shows.  A comment writes its
 * thread's chunks from the first that changed; beside a page stored whole
 * while its pieces are few and small (NEWS_PIECES_MAX, NEWS_PIECES_BYTES),
 * and the page then once as its frame, with every thread it held as a
 * piece, and again only when a thread is new there or its links change.
 * A page under NEWS_CHUNK_BYTES with its pieces in is written whole.  So
 * no value a comment writes is larger than a leaf node takes: LMDB writes
 * a larger one into pages of its own, asking its free list for a run of
 * them, and rewrites them whole.  The pieces sort after all of the
 * article's other fragments, the last page's first and a page's newest
 * thread first (the numbers inverted), so that the piece a new comment
 * writes is next to its record, state, summary and teaser, on the leaves
 * it writes anyway.  A reader's lookup is one cursor walk from the page's
 * key and one seek to its pieces (a page holds at most NEWS_COMMENTS_PAGE
 * threads of bounded size: a bounded walk), and its page the frame's
 * bytes and the chunks copied once, from the map into the reader's
 * buffer (news_article_comment_html); what compares or renders a thread
 * whole reads it joined (news_article_comment_page).  A store of schema 11 or
 * older kept a piece as one value right after its page (id . 'C' . be32
 * N . be64 top); the reader takes those too, and the first writable open
 * moves them here (news_comment_pages_chunk).
 */
#define NEWS_FRAG_PIECES    'c'
#define NEWS_PIECE_KEY      21
#define NEWS_CHUNK_KEY      23
#define NEWS_CHUNK_BYTES    2000    /* under LMDB's 2,030 a node of a 4 KB
                                     * page takes, less a chunk's key */
#define NEWS_PIECES_MAX     4       /* beside a page stored whole */
#define NEWS_PIECES_BYTES   4096

typedef struct {
    news_page_t   page;         /* the stored page */
    news_str_t    raw;          /* its value as stored */
    int           named;        /* it names its threads' tops (3 parts) */
    size_t        start;        /* where its threads start in its HTML */
    size_t        end;          /* and where they end */
    size_t        n;            /* threads, pieces put in */
    news_str_t    th[NEWS_COMMENTS_PAGE];
    uint64_t      ids[NEWS_COMMENTS_PAGE];
    news_str_t    piece[NEWS_COMMENTS_PAGE];    /* as stored beside it */
    uint16_t      chunks[NEWS_COMMENTS_PAGE];   /* of each piece */
    uint64_t      pieced;       /* bit i: th[i] is a piece's */
    uint64_t      regular;      /* bit i: its chunks are NEWS_CHUNK_BYTES */
    size_t        pieces;
    size_t        old;          /* of them in the older place */
    size_t        bytes;        /* the pieces' */
    uint64_t      split;        /* bit i: th[i] is a piece's first chunk,
                                   its others in more */
    news_buf_t    more;         /* those others, as news_str_t into the
                                   map, in the order read */
    uint16_t      more_at[NEWS_COMMENTS_PAGE];  /* thread i's first there */
    news_buf_t    joined;       /* the pieces of more than one chunk */
} news_cpage_t;

/* an empty page, nothing stored; and what reading one allocated, freed */
void news_cpage_init(news_cpage_t *cp);
void news_cpage_free(news_cpage_t *cp);

/*
 * comment page N of article id with its pieces (NEWS_NOTFOUND: none; cp
 * is then empty), each thread's HTML in one piece (th): a piece of more
 * than one chunk joined in cp->joined.  The caller news_cpage_free()s cp
 * whatever is returned.
 */
int news_article_comment_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp);

/*
 * The same, a piece of more than one chunk left where it is stored (its
 * first chunk in th, the others in cp->more, bit k of cp->split): for
 * news_cpage_html alone, which copies every chunk once
 */
int news_cpage_read(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp);

/*
 * Its HTML: the stored page's own bytes when no piece is beside it, else
 * appended to b (-1: out of memory, or a page the pieces cannot join)
 */
int news_cpage_html(const news_cpage_t *cp, news_buf_t *b,
    news_str_t *html);

/*
 * What a reader reads: comment page N of article id as readers see it,
 * its HTML (the stored bytes, or its frame and pieces copied into b
 * once); NEWS_NOTFOUND, NEWS_ERROR (out of memory, or a page the pieces
 * cannot join) or LMDB's code made the engine's (news_store_code)
 */
int news_article_comment_html(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_buf_t *b, news_str_t *html);

/*
 * Comment page `page` of `pages` of article a written as cp now says it
 * is (its threads th and tops ids, n of them), against what cp read was
 * stored (its value, pieces and chunks; news_cpage_init: nothing): whole,
 * its pieces dropped, or its frame and the pieces and chunks that differ
 */
int news_comment_page_save(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, unsigned page, unsigned pages, news_cpage_t *cp,
    news_err_t *err);

/* the pieces beside comment page `page` of article id, dropped */
int news_comment_pieces_drop(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_err_t *err);

/*
 * A store of schema 11 or older: every comment page of an article with
 * the comment state written in the form above, when its value is larger
 * than NEWS_CHUNK_BYTES or pieces of the older form are beside it
 */
int news_comment_pages_chunk(news_store_t *st, MDB_txn *txn,
    news_err_t *err);

/* how many comment pages are stored: the last one's number (a lookup) */
int news_article_comment_pages(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned *pages);

/* the stored record of an article, parsed (caller frees) */
int news_article_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, news_err_t *err);

/*
 * The stored record of an article as it is, for what shows its fields
 * (a search's teasers, a comment batch's pages): no check or copy of
 * each field (its write checked them) and no read of its comments'
 * state, which news_article_load does.  a's strings point into *rec,
 * which the caller cJSON_Delete()s (a is never news_article_free'd);
 * its version and comment count are the record's, which a comment's
 * write leaves behind (the state fragment has theirs).
 */
int news_article_view(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, cJSON **rec, news_err_t *err);

/* the same without the body (a->body is ""): a comment batch's pages */
int news_article_view_head(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, cJSON **rec, news_err_t *err);


/*
 * Walks published articles newest first (of a section or tag when
 * `topic` is set: the kind letter 's' or 't' and the topic's slug,
 * NUL-terminated), from the newest published by `now`
 * (a seek: those scheduled later are not walked over) or from after
 * `cursor` (NEWS_CURSOR_LEN bytes) if that is older, skips `skip` (the
 * caller bounds it), then appends up to `limit` fragments of `kind`
 * (part 0 of each), with `sep` between.  *more tells whether more
 * follow; `next` gets the cursor of the last one appended.
 */
typedef struct {
    const unsigned char  *cursor;
    const char           *topic;       /* "s" or "t" . slug, or NULL */
    size_t                skip;
    size_t                limit;
    int64_t               now;
    int                   kind;
    const char           *sep;
    const news_str_t     *marks;       /* expand markers (render.h) */
    size_t                count;       /* out: fragments appended */
    int                   more;        /* out */
    unsigned char         next[NEWS_CURSOR_LEN];   /* out */
} news_list_t;

int news_articles_list(news_store_t *st, MDB_txn *txn, news_list_t *l,
    news_buf_t *out, news_err_t *err);

/*
 * Where time stands for lists, which change without a write when a
 * scheduled article falls due: `due` is the publication time of the
 * newest article published by `now` (0: none), `next` that of the first
 * one scheduled after it (0: none).  Two steps of one cursor.
 */
typedef struct {
    int64_t     due;
    int64_t     next;
} news_schedule_t;

int news_articles_schedule(news_store_t *st, MDB_txn *txn, int64_t now,
    news_schedule_t *sc, news_err_t *err);

/*
 * What a list's validators are made of, all read in the list's own txn:
 * its snapshot, the last change to anything a reader sees, and where
 * time stands.
 */
typedef struct {
    uint64_t          snapshot;
    int64_t           modified;
    news_schedule_t   sc;
} news_list_stamp_t;

int news_list_stamp(news_store_t *st, MDB_txn *txn, int64_t now,
    news_list_stamp_t *ls, news_err_t *err);

/*
 * The topics key prefix of a section ('s') or tag ('t') name, and the
 * name as written, if any article has it: 0, or MDB_NOTFOUND.
 */
int news_topic_name(news_store_t *st, MDB_txn *txn, const char *topic,
    news_buf_t *name);

#endif /* NEWS_ARTICLES_H */
