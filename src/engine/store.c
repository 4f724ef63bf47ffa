/*
 * The store's txn helpers: errors and the one mapping of LMDB codes to
 * NEWS_*, read, write and nested txns, ids, ranges, the change time.
 * Opening and closing the environment is store_open.c's.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "store.h"
#include "text.h"


/* meta's key of the snapshots' base (news_store_rebase) */
#define NEWS_TXN_BASE  "txnbase"


const char  *news_db_names[NEWS_DB_N] = {
    "meta", "articles", "slugs", "times", "pages",
    "comments", "users", "names", "sessions", "throttle", "cindex",
    "topics", "revisions", "pending", "threads", "authors", "postings",
    "sdocs", "words", "outbox", "standing", "modlog", "reports", "desk",
    "steasers.2"
};


static int news_store_disk_full(news_store_t *st);
static void news_store_txn_count(news_store_t *st, int delta);
static int news_store_adopt_size(news_store_t *st);


int
news_err_set(news_err_t *err, int code, const char *fmt, ...)
{
    va_list  ap;

    err->code = code;

    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);

    return code;
}


int
news_store_code(int rc)
{
    switch (rc) {

    case 0:
        return NEWS_OK;

    case MDB_NOTFOUND:
        return NEWS_NOTFOUND;

    case MDB_MAP_FULL:
    case ENOSPC:
    case EDQUOT:
        return NEWS_FULL;

    case MDB_READERS_FULL:
    case MDB_MAP_RESIZED:
    case EAGAIN:
        return NEWS_BUSY;

    default:
        return NEWS_ERROR;
    }
}


int
news_store_fail(news_err_t *err, int rc, const char *what)
{
    if (rc == MDB_MAP_FULL) {
        return news_err_set(err, NEWS_FULL,
                            "%s: the store is full (MDB_MAP_FULL); raise "
                            "news_db_size and reload", what);
    }

    /* the disk, not the map: LMDB's pwrite at commit (a sparse file) */
    if (rc == ENOSPC || rc == EDQUOT) {
        return news_err_set(err, NEWS_FULL,
                            "%s: the disk holding the store is full (%s); "
                            "free space on it", what, strerror(rc));
    }

    return news_err_set(err, news_store_code(rc), "%s: %s", what,
                        mdb_strerror(rc));
}


static void
news_store_txn_count(news_store_t *st, int delta)
{
    pthread_mutex_lock(&st->txn_lock);
    st->txns += delta;
    pthread_mutex_unlock(&st->txn_lock);
}


/*
 * Another process grew the map: adopt its size, only while no txn of
 * this process is live (the caller's own failed begin is not counted).
 * Holding the lock keeps any other thread from beginning one meanwhile.
 * Never waits for other txns: the event loop may be the caller.
 */
static int
news_store_adopt_size(news_store_t *st)
{
    int  rc;

    pthread_mutex_lock(&st->txn_lock);
    rc = st->txns ? MDB_MAP_RESIZED : mdb_env_set_mapsize(st->env, 0);
    pthread_mutex_unlock(&st->txn_lock);

    return rc;
}


int
news_store_read(news_store_t *st, MDB_txn **txn, news_err_t *err)
{
    int  rc, attempt;

    if (st->env == NULL) {
        return news_err_set(err, NEWS_BUSY, "the store is not open");
    }

    for (attempt = 0; attempt < 2; attempt++) {

        news_store_txn_count(st, 1);

        if (st->rtxn) {
            rc = mdb_txn_renew(st->rtxn);

        } else {
            rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &st->rtxn);
            if (rc != 0) {
                st->rtxn = NULL;
            }
        }

        if (rc == 0) {
            st->rtxn_live = 1;
            *txn = st->rtxn;
            return NEWS_OK;
        }

        news_store_txn_count(st, -1);

        if (rc != MDB_MAP_RESIZED) {
            break;
        }

        if (st->rtxn) {
            mdb_txn_abort(st->rtxn);
            st->rtxn = NULL;
        }

        /* busy: a txn is live in another thread; a later read adopts it */
        if (news_store_adopt_size(st) != 0) {
            break;
        }
    }

    return news_store_fail(err, rc, "beginning a read transaction");
}


void
news_store_read_done(news_store_t *st)
{
    if (st->rtxn && st->rtxn_live) {
        mdb_txn_reset(st->rtxn);
        st->rtxn_live = 0;
        news_store_txn_count(st, -1);
    }
}


int
news_store_begin(news_store_t *st, unsigned flags, MDB_txn **txn,
    news_err_t *err)
{
    int  rc;

    if (st->readonly && !(flags & MDB_RDONLY)) {
        return news_err_set(err, NEWS_BUSY, "the store is on a read-only "
                            "file system: writes are refused");
    }

    news_store_txn_count(st, 1);

    rc = mdb_txn_begin(st->env, NULL, flags, txn);

    if (rc == MDB_MAP_RESIZED) {
        news_store_txn_count(st, -1);
        rc = news_store_adopt_size(st);
        news_store_txn_count(st, 1);

        if (rc == 0) {
            rc = mdb_txn_begin(st->env, NULL, flags, txn);
        }
    }

    if (rc != 0) {
        news_store_txn_count(st, -1);
        return news_store_fail(err, rc, (flags & MDB_RDONLY)
                                        ? "beginning a read transaction"
                                        : "beginning a write transaction");
    }

    return NEWS_OK;
}


int
news_store_write(news_store_t *st, MDB_txn **txn, news_err_t *err)
{
    return news_store_begin(st, 0, txn, err);
}


void
news_store_abort(news_store_t *st, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    news_store_txn_count(st, -1);
}


int
news_store_touch(news_store_t *st, MDB_txn *txn, int64_t now,
    news_err_t *err)
{
    unsigned char  be[8];

    news_be64_put(be, (uint64_t) now);

    return news_store_meta_put(st, txn, "modified", be, sizeof(be),
                               "writing the modification time", err);
}


int
news_store_meta_put(news_store_t *st, MDB_txn *txn, const char *name,
    const void *data, size_t size, const char *what, news_err_t *err)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = (void *) name;
    key.mv_size = strlen(name);
    val.mv_data = (void *) data;
    val.mv_size = size;

    rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, what);
    }

    return NEWS_OK;
}


uint64_t
news_store_snapshot(news_store_t *st, MDB_txn *txn)
{
    MDB_val  key, val;
    uint64_t base;

    key.mv_data = NEWS_TXN_BASE;
    key.mv_size = sizeof(NEWS_TXN_BASE) - 1;

    base = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val) == 0
           && val.mv_size == 8
           ? news_be64_get(val.mv_data) : 0;

    return base + (uint64_t) mdb_txn_id(txn);
}


int
news_store_rebase(news_store_t *st, uint64_t floor, news_err_t *err)
{
    uint64_t         base;
    MDB_txn         *txn;
    struct timespec  ts;
    unsigned char    be[8];

    (void) clock_gettime(CLOCK_REALTIME, &ts);
    base = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
    base = base > floor ? base : floor;
    news_be64_put(be, base);

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    if (news_store_meta_put(st, txn, NEWS_TXN_BASE, be, sizeof(be),
                            "writing the snapshots' base", err)
        != NEWS_OK)
    {
        news_store_abort(st, txn);
        return err->code;
    }

    return news_store_commit(st, txn, err);
}


int
news_store_next_id(news_store_t *st, MDB_txn *txn, int db, uint64_t *id,
    news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;

    rc = mdb_cursor_open(txn, st->dbi[db], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
    mdb_cursor_close(cur);

    if (rc == MDB_NOTFOUND) {
        *id = 1;
        return NEWS_OK;
    }

    if (rc != 0 || key.mv_size != 8) {
        return news_store_fail(err, rc ? rc : MDB_CORRUPTED,
                               "finding the last id");
    }

    *id = news_be64_get(key.mv_data) + 1;

    return NEWS_OK;
}


/*
 * Ids are never given twice (pages, links and forms name records by id).
 * A store written before the mark existed starts from its largest key,
 * the most that can be known of it.
 */
int
news_store_new_id(news_store_t *st, MDB_txn *txn, int db,
    const char *mark_key, uint64_t *id, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  be[8];

    if (news_store_next_id(st, txn, db, id, err) != NEWS_OK) {
        return err->code;
    }

    key.mv_data = (void *) mark_key;
    key.mv_size = strlen(mark_key);

    rc = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);

    if (rc == 0 && val.mv_size != sizeof(be)) {
        rc = MDB_CORRUPTED;
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the last id given");
    }

    if (rc == 0 && news_be64_get(val.mv_data) >= *id) {
        *id = news_be64_get(val.mv_data) + 1;
    }

    news_be64_put(be, *id);

    return news_store_meta_put(st, txn, mark_key, be, sizeof(be),
                               "writing the last id given", err);
}


int
news_store_drop_range(news_store_t *st, MDB_txn *txn, int db,
    const void *prefix, size_t len, news_err_t *err)
{
    return news_store_drop_each(st, txn, db, prefix, len, NULL, 0, NULL,
                                NULL, err);
}


int
news_store_drop_each(news_store_t *st, MDB_txn *txn, int db,
    const void *prefix, size_t len, const void *from, size_t from_len,
    news_drop_pt each, void *arg, news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;

    rc = mdb_cursor_open(txn, st->dbi[db], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    /* seek afresh after each delete: no reliance on cursor state */
    for ( ;; ) {
        key.mv_data = (void *) (from ? from : prefix);
        key.mv_size = from ? from_len : len;

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc != 0 || key.mv_size < len
            || memcmp(key.mv_data, prefix, len) != 0)
        {
            break;
        }

        if (each != NULL && each(st, txn, &key, &val, arg, err) != NEWS_OK) {
            mdb_cursor_close(cur);
            return err->code;
        }

        rc = mdb_cursor_del(cur, 0);
        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "deleting a range");
    }

    return NEWS_OK;
}


int64_t
news_store_modified(news_store_t *st, MDB_txn *txn)
{
    MDB_val  key, val;

    key.mv_data = "modified";
    key.mv_size = sizeof("modified") - 1;

    if (mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val) != 0
        || val.mv_size != 8)
    {
        return 0;
    }

    return (int64_t) news_be64_get(val.mv_data);
}


static int
news_store_disk_full(news_store_t *st)
{
    const char      *path;
    struct statvfs   vfs;

    if (mdb_env_get_path(st->env, &path) != 0 || statvfs(path, &vfs) != 0) {
        return 0;
    }

    return (uint64_t) vfs.f_bavail * vfs.f_frsize < 1024 * 1024;
}


int
news_store_commit(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int  rc;

    rc = news_store_end(st, txn, err);
    news_store_txn_count(st, -1);

    return rc;
}


int
news_store_end(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int  rc;

    rc = mdb_txn_commit(txn);

    /*
     * LMDB reports a short pwrite() as EIO, which is what a full disk
     * gives (the file is sparse and grows at commit): tell the two apart
     * by what is left on the file system, so the client gets 507 and the
     * log says "the disk is full" rather than "Input/output error".
     */
    if (rc == EIO && news_store_disk_full(st)) {
        rc = ENOSPC;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "committing");
    }

    return NEWS_OK;
}
