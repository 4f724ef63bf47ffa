/*
 * The LMDB environment of a news site: one per process, opened after fork.
 *
 * Named databases (keys are big-endian so that LMDB's byte order is the
 * numeric order, and range scans walk time or id order):
 *
 *   meta      "schema" -> be32 version, "modified" -> be64 time of the
 *             last change, "article_id" -> be64 the highest article id
 *             ever given (ids are never reused; publish.c)
 *   articles  be64 id -> the article's source record (JSON, see article.h)
 *   slugs     slug -> be64 id
 *   times     be64 published_at . be64 id -> "" (published articles only)
 *   pages     be64 id . kind byte -> a fragment rendered at write time;
 *             and each comment's record (see comments.h), key be64
 *             article id . be64 created_at . be64 comment id: one
 *             article's comments are one ordered range, oldest first,
 *             just before its fragments (a time's highest byte is 0,
 *             below every kind's letter)
 *   comments  empty since schema 7 (the records moved into pages, where
 *             a comment's write goes anyway); an older store keeps them
 *             here until it is opened for writing
 *   cindex    be64 comment id -> its comments key
 *   topics    's' or 't' . section or tag slug . 0 . be64 published_at .
 *             be64 id -> "" (section and tag pages, newest first), and
 *             'S' or 'T' . slug -> the name as written
 *   revisions be64 id . be32 version -> the record as it was before
 *   authors   each user's comments and their tail (their posting rate,
 *             their count of comments gone public), and deleted
 *             accounts' comments still to disown (see comments.h)
 *   users, names, sessions, throttle: accounts (see users.h, sessions.h,
 *             throttle.h)
 *   postings, sdocs, steasers: the search index and its results'
 *             teasers (see search.h)
 *   words     the banned and suspect words (see words.h)
 *   outbox    the keys each write made stale, for the edges (outbox.h)
 *   standing, modlog, reports: readers' standing, the moderation log,
 *             readers' reports of comments (community.h)
 *   desk      every article by its last change, for the editors (desk.h)
 */

#ifndef NEWS_STORE_H
#define NEWS_STORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <lmdb.h>


/*
 * The store's layout, in meta "schema": 2 since comment pages are spliced
 * a thread at a time (a page of three parts, each top-level comment's
 * page kept under 'K'); 3 since an author index entry carries the hash of
 * its comment's body (comments.h), which a build of schema 2 takes for a
 * corrupt entry; 4 since a comment page may have threads beside it
 * (articles.h, news_cpage_t), which a build of schema 3 would not show;
 * 5 since the search index keeps a teaser of each article it holds
 * (search.h, steasers), which a build of schema 4 would not keep in step;
 * 6 since those teasers say where their words start (search.h,
 * steasers.2), which a build of schema 5 would not keep in step;
 * 7 since comments' records are kept in pages beside their article's
 * fragments (one B-tree path a comment, not two), which a build of
 * schema 6 would not find; 8 since a record keeps its text twice, not
 * three times (comments.h: the full JSON gone, the author's id in the
 * view), which a build of schema 7 would take for a corrupt record;
 * 9 since each term of the search index has a directory of its blocks
 * (search.h, term . 1), which a build of schema 8 would not keep in step;
 * 10 since an author's posting rate and count of comments gone public
 * are kept in their tail beside their comments in authors (comments.h:
 * a post writes one leaf for them, not three), which a build of schema
 * 9 would not read; 11 since a term's directory sums its blocks up in
 * groups before their entries (search_block.h), which a build of schema
 * 10 would take for entries; 12 since a thread a comment writes is kept
 * beside its page in chunks that fit a leaf node (articles.h,
 * news_cpage_t: no value a comment writes needs pages of its own), which
 * a build of schema 11 would not join.
 * A build opening an older store raises the record, so that the older
 * build refuses the store this one writes in.
 */
#define NEWS_SCHEMA_VERSION  12
#define NEWS_SCHEMA_RECORDS  7   /* the first with comments' records in pages */
#define NEWS_SCHEMA_SLIM     8   /* the first whose records have no JSON copy */
#define NEWS_SCHEMA_DIRS     9   /* the first with search directories */
#define NEWS_SCHEMA_TAIL     10  /* the first with authors' tails */
#define NEWS_SCHEMA_GROUPS   11  /* the first with directories' groups */
#define NEWS_SCHEMA_CHUNKS   12  /* the first with comment threads in chunks */
#define NEWS_MAPSIZE_MIN     (1024 * 1024)
#define NEWS_MAPSIZE_DEFAULT ((uint64_t) 1024 * 1024 * 1024)


/* engine result codes: what the caller must do, not what LMDB said */
enum {
    NEWS_OK = 0,
    NEWS_NOTFOUND,          /* 404 */
    NEWS_INVALID,           /* 400/422: the input is wrong */
    NEWS_CONFLICT,          /* 409 */
    NEWS_FULL,              /* 507: the map is full */
    NEWS_BUSY,              /* 503: readers full, map resized, retry */
    NEWS_ERROR,             /* 500 */
    NEWS_FORBIDDEN,         /* 403: not yours, or too late */
    NEWS_GONE,              /* 410/422: refers to something deleted */
    NEWS_LIMITED,           /* 429: slow down */
    NEWS_MALFORMED          /* 400: a field of the wrong JSON type */
};


enum {
    NEWS_DB_META = 0,
    NEWS_DB_ARTICLES,
    NEWS_DB_SLUGS,
    NEWS_DB_TIMES,
    NEWS_DB_PAGES,
    NEWS_DB_COMMENTS,
    NEWS_DB_USERS,
    NEWS_DB_NAMES,
    NEWS_DB_SESSIONS,
    NEWS_DB_THROTTLE,
    NEWS_DB_CINDEX,
    NEWS_DB_TOPICS,
    NEWS_DB_REVISIONS,
    NEWS_DB_PENDING,
    NEWS_DB_THREADS,
    NEWS_DB_AUTHORS,
    NEWS_DB_POSTINGS,
    NEWS_DB_SDOCS,
    NEWS_DB_WORDS,
    NEWS_DB_OUTBOX,
    NEWS_DB_STANDING,
    NEWS_DB_MODLOG,
    NEWS_DB_REPORTS,
    NEWS_DB_DESK,
    NEWS_DB_STEASERS,
    NEWS_DB_N
};


/* the names of the databases, for tools */
extern const char  *news_db_names[NEWS_DB_N];


typedef struct {
    int     code;           /* NEWS_* */
    char    msg[256];
} news_err_t;


/* an article whose pages a write batch re-renders at its end */
typedef struct {
    uint64_t    article;
    uint64_t    comment;
    int         kind;       /* NEWS_CHANGE_* (articles.h) */
} news_dirty_t;

#define NEWS_DIRTY_MAX  64


typedef struct news_store_s  news_store_t;

struct news_store_s {
    MDB_env    *env;
    MDB_dbi     dbi[NEWS_DB_N];

    /*
     * Where comments' records are: NEWS_DB_PAGES, or NEWS_DB_COMMENTS in
     * a store of schema 6 or older opened read-only (read as it is)
     */
    int         records;

    /*
     * The schema the store's records are in: NEWS_SCHEMA_VERSION, or an
     * older one in a store opened read-only (read as it is)
     */
    uint32_t    schema;

    MDB_txn    *rtxn;        /* the caller thread's reset read txn */
    int         rtxn_live;   /* rtxn is renewed (between read and done) */
    int         dead_readers; /* stale reader slots cleared at open */

    /*
     * Top-level txns live in this process, any thread: a map another
     * process grew is adopted (mdb_env_set_mapsize) only when there are
     * none, as lmdb.h requires; the remap would pull the pages from
     * under every live reader.
     */
    pthread_mutex_t  txn_lock;
    unsigned         txns;

    /*
     * Articles whose comments changed in the current write batch: their
     * pages are re-rendered once at the end of the batch, not once per
     * comment (articles.h, news_article_changed).  Only the thread that
     * holds the write txn touches these.
     */
    int            batching;
    unsigned       ndirty;
    news_dirty_t   dirty[NEWS_DIRTY_MAX];

    /*
     * What re-renders them (news_articles_flush, publish.h; set by
     * news_store_open): called by news_article_changed when the list is
     * full or nothing batches, so that comments.c, below the pages'
     * writer, never calls up into it
     */
    int          (*flush)(news_store_t *st, MDB_txn *txn, void *arg,
                          news_err_t *err);
    int64_t     dirty_now;
    int         readonly;    /* on a read-only file system: no writes */

    /* a bulk load's search postings not yet written (search.h) */
    void       *search_bulk;

    /* the word lists compiled, for the write txn's holder (words.h) */
    void       *words;
};


/*
 * Opens the store at dir (and fills an index new to this build); closes
 * it.  These two and news_store_check are store_open.c's, which stands
 * above the modules whose indexes it fills; the rest of this header is
 * store.c's.
 */
int news_store_open(news_store_t *st, const char *dir, uint64_t mapsize,
    news_err_t *err);
void news_store_close(news_store_t *st);

/*
 * For "nginx -t", start and reload (and tools): is DIR/data.mdb an LMDB
 * environment of a schema this build reads?  Opens it read-only without
 * the lock file and closes it before returning; creates nothing.  A
 * missing or empty data.mdb (a new store) and one this process may not
 * read (the workers check it as themselves) are NEWS_OK.
 */
int news_store_check(const char *dir, news_err_t *err);

/*
 * Every top-level txn begins and ends through these, never through
 * mdb_txn_begin, _commit or _abort directly, so that the store knows
 * when none is live (see txns above).  MDB_MAP_RESIZED from a begin is
 * handled here: the new size is adopted if nothing else is live in the
 * process, else the caller gets NEWS_BUSY (503) and a later begin adopts
 * it.  Nested txns (the writer's) belong to their parent and use LMDB's
 * calls.
 */

/* the cached read txn: begin renews it, end resets it (keeps the slot) */
int news_store_read(news_store_t *st, MDB_txn **txn, news_err_t *err);
void news_store_read_done(news_store_t *st);

/* a txn of its own: MDB_RDONLY or 0 (a write txn) */
int news_store_begin(news_store_t *st, unsigned flags, MDB_txn **txn,
    news_err_t *err);
int news_store_write(news_store_t *st, MDB_txn **txn, news_err_t *err);
void news_store_abort(news_store_t *st, MDB_txn *txn);

/*
 * The time of the last change to anything a reader sees (meta
 * "modified"): the Last-Modified of lists and feeds.
 */
int news_store_touch(news_store_t *st, MDB_txn *txn, int64_t now,
    news_err_t *err);
int64_t news_store_modified(news_store_t *st, MDB_txn *txn);

/* puts `size` bytes under meta's key `name`; `what` is the error's words */
int news_store_meta_put(news_store_t *st, MDB_txn *txn, const char *name,
    const void *data, size_t size, const char *what, news_err_t *err);

/*
 * The snapshot a read txn sees: grows with every committed write, and
 * across a copy of the file (LMDB's compacting copy numbers its
 * transactions from 1 again), since a copy starts from the base that
 * news_store_rebase left in meta ("txnbase").
 */
uint64_t news_store_snapshot(news_store_t *st, MDB_txn *txn);

/*
 * A store made anew from a copy (newsctl's backup, restore, compaction)
 * given a base of snapshots above `floor` (the snapshot of the store it
 * was copied from) and above the time in microseconds, so that no
 * snapshot, hence no list's ETag, comes round again.
 */
int news_store_rebase(news_store_t *st, uint64_t floor, news_err_t *err);

/* one more than the largest be64 key of a database (1 when empty) */
int news_store_next_id(news_store_t *st, MDB_txn *txn, int db, uint64_t *id,
    news_err_t *err);

/*
 * An id no record of db has ever had: past both db's largest key and the
 * mark kept in meta under mark_key (the largest id given, which deletes
 * do not lower); the mark is moved to it.
 */
int news_store_new_id(news_store_t *st, MDB_txn *txn, int db,
    const char *mark_key, uint64_t *id, news_err_t *err);

/*
 * The one way to delete a range of keys: every key of db that starts
 * with prefix, from the key `from` on (NULL: all of them).  each, when
 * not NULL, sees every key and value before it goes (to drop what
 * points at it elsewhere) and may refuse with NEWS_*, which ends the
 * walk.  Each delete seeks afresh, relying on no cursor state.
 */
typedef int (*news_drop_pt)(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, void *arg, news_err_t *err);

int news_store_drop_range(news_store_t *st, MDB_txn *txn, int db,
    const void *prefix, size_t len, news_err_t *err);
int news_store_drop_each(news_store_t *st, MDB_txn *txn, int db,
    const void *prefix, size_t len, const void *from, size_t from_len,
    news_drop_pt each, void *arg, news_err_t *err);
/* ends the txn whatever the outcome, as mdb_txn_commit does */
int news_store_commit(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* the same for the txn that opens the store, which is not counted */
int news_store_end(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * The one mapping of LMDB's return codes (and the errno values its calls
 * return) to NEWS_*: the engine's public functions return NEWS_* only,
 * so no caller outside the engine ever sees an MDB_* code.  _fail also
 * fills err with what was tried and LMDB's words for what went wrong.
 */
int news_store_code(int rc);
int news_store_fail(news_err_t *err, int rc, const char *what);
int news_err_set(news_err_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* NEWS_STORE_H */
