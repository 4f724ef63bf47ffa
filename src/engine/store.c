/*
 * The LMDB environment: open with the same parameters in every process
 * (nginx workers and newsctl alike, because the lock file keeps the reader
 * table size of its first opener), check the schema, keep the handles.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "comments.h"
#include "desk.h"
#include "search.h"
#include "store.h"
#include "text.h"
#include "words.h"


/*
 * MDB_NOTLS ties reader slots to txn objects, not threads: nginx's event
 * loop multiplexes requests over one thread and the thread pool's threads
 * never exit, so thread-bound slots would leak.  254 slots: room for many
 * workers, each holding one cached read txn, plus newsctl runs.
 */
#define NEWS_ENV_FLAGS    MDB_NOTLS
#define NEWS_MAX_READERS  254
#define NEWS_MAX_DBS      32


const char  *news_db_names[NEWS_DB_N] = {
    "meta", "articles", "slugs", "times", "pages",
    "comments", "users", "names", "sessions", "throttle", "cindex",
    "topics", "revisions", "pending", "threads", "authors", "postings",
    "sdocs", "words", "outbox", "standing", "modlog", "reports", "desk"
};


static int news_store_env_open(news_store_t *st, const char *dir,
    uint64_t mapsize, news_err_t *err);
static int news_store_open_dbis(news_store_t *st, const char *dir,
    news_err_t *err);
static int news_store_disk_full(news_store_t *st);
static int news_store_check_schema(news_store_t *st, MDB_txn *txn,
    const char *dir, news_err_t *err);
static int news_store_end(news_store_t *st, MDB_txn *txn, news_err_t *err);
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


int
news_store_open(news_store_t *st, const char *dir, uint64_t mapsize,
    news_err_t *err)
{
    memset(st, 0, sizeof(*st));

    /* with default attributes glibc's init never fails; POSIX allows it */
    if (pthread_mutex_init(&st->txn_lock, NULL) != 0) {
        return news_err_set(err, NEWS_ERROR, "pthread_mutex_init() failed");
    }

    if (news_store_env_open(st, dir, mapsize, err) != NEWS_OK) {
        pthread_mutex_destroy(&st->txn_lock);
        return err->code;
    }

    /*
     * a crashed process leaves reader slots that pin old pages; the call
     * fails only for a NULL env (EINVAL), so its result is not checked
     */
    (void) mdb_reader_check(st->env, &st->dead_readers);

    if (news_store_open_dbis(st, dir, err) != NEWS_OK) {
        mdb_env_close(st->env);
        st->env = NULL;
        pthread_mutex_destroy(&st->txn_lock);
        return err->code;
    }

    return NEWS_OK;
}


static int
news_store_env_open(news_store_t *st, const char *dir, uint64_t mapsize,
    news_err_t *err)
{
    int  rc, attempt;

    for (attempt = 0; attempt < 2; attempt++) {

        rc = mdb_env_create(&st->env);
        if (rc != 0) {
            return news_store_fail(err, rc, "mdb_env_create()");
        }

        /* these fail only on an open env (EINVAL): this one is not */
        (void) mdb_env_set_maxdbs(st->env, NEWS_MAX_DBS);
        (void) mdb_env_set_maxreaders(st->env, NEWS_MAX_READERS);

        if (mapsize) {
            rc = mdb_env_set_mapsize(st->env, (size_t) mapsize);
            if (rc != 0) {
                mdb_env_close(st->env);
                st->env = NULL;
                return news_store_fail(err, rc, "mdb_env_set_mapsize()");
            }
        }

        rc = mdb_env_open(st->env, dir,
                          NEWS_ENV_FLAGS | (st->readonly ? MDB_RDONLY : 0),
                          0600);
        if (rc == 0) {
            return NEWS_OK;
        }

        /*
         * A store on a read-only file system (a read-only mount, a
         * snapshot) is served read-only: reads go on, writes get 503.
         * LMDB then runs without its lock file.
         */
        if (rc == EROFS && !st->readonly) {
            mdb_env_close(st->env);
            st->env = NULL;
            st->readonly = 1;
            attempt--;
            continue;
        }

        mdb_env_close(st->env);
        st->env = NULL;

        /* lmdb.h: an open may fail while another process opens or closes */
        if (rc != EAGAIN && rc != EBUSY) {
            break;
        }

        usleep(50000);
    }

    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
        return news_err_set(err, NEWS_ERROR,
                            "\"%s/data.mdb\" is not an LMDB environment "
                            "of this version (%s)", dir, mdb_strerror(rc));
    }

    err->code = NEWS_ERROR;
    snprintf(err->msg, sizeof(err->msg), "cannot open the store \"%s\": %s",
             dir, mdb_strerror(rc));

    return NEWS_ERROR;
}


static int
news_store_open_dbis(news_store_t *st, const char *dir, news_err_t *err)
{
    int       i, rc, missing, pending, search, desk;
    MDB_txn  *txn;

    /* usually everything exists: open the handles in a read txn */
    rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_txn_begin()");
    }

    missing = 0;

    for (i = 0; i < NEWS_DB_N; i++) {
        rc = mdb_dbi_open(txn, news_db_names[i], 0, &st->dbi[i]);
        if (rc == MDB_NOTFOUND) {
            missing = 1;
            break;
        }

        if (rc != 0) {
            mdb_txn_abort(txn);
            return news_store_fail(err, rc, "mdb_dbi_open()");
        }
    }

    if (!missing) {
        if (news_store_check_schema(st, txn, dir, err) != NEWS_OK) {
            mdb_txn_abort(txn);
            return err->code;
        }

        /* a read txn must commit for its dbi handles to stay open */
        rc = mdb_txn_commit(txn);
        if (rc != 0) {
            return news_store_fail(err, rc, "mdb_txn_commit()");
        }

        return NEWS_OK;
    }

    mdb_txn_abort(txn);

    /* a new store, or one from an older build with fewer databases */
    rc = mdb_txn_begin(st->env, NULL, 0, &txn);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_txn_begin()");
    }

    /* an index new to this build is filled from what it indexes */
    pending = mdb_dbi_open(txn, news_db_names[NEWS_DB_PENDING], 0,
                           &st->dbi[NEWS_DB_PENDING])
              == MDB_NOTFOUND
              || mdb_dbi_open(txn, news_db_names[NEWS_DB_THREADS], 0,
                              &st->dbi[NEWS_DB_THREADS])
                 == MDB_NOTFOUND
              || mdb_dbi_open(txn, news_db_names[NEWS_DB_AUTHORS], 0,
                              &st->dbi[NEWS_DB_AUTHORS])
                 == MDB_NOTFOUND;
    search = mdb_dbi_open(txn, news_db_names[NEWS_DB_POSTINGS], 0,
                          &st->dbi[NEWS_DB_POSTINGS])
             == MDB_NOTFOUND;
    desk = mdb_dbi_open(txn, news_db_names[NEWS_DB_DESK], 0,
                        &st->dbi[NEWS_DB_DESK])
           == MDB_NOTFOUND;

    for (i = 0; i < NEWS_DB_N; i++) {
        rc = mdb_dbi_open(txn, news_db_names[i], MDB_CREATE, &st->dbi[i]);
        if (rc != 0) {
            mdb_txn_abort(txn);
            return news_store_fail(err, rc, "mdb_dbi_open()");
        }
    }

    if (news_store_check_schema(st, txn, dir, err) != NEWS_OK
        || (pending && news_comments_reindex(st, txn, err) != NEWS_OK)
        || (search && news_search_init(st, txn, err) != NEWS_OK)
        || (desk && news_desk_fill(st, txn, err) != NEWS_OK))
    {
        mdb_txn_abort(txn);
        return err->code;
    }

    return news_store_end(st, txn, err);
}


static int
news_store_check_schema(news_store_t *st, MDB_txn *txn, const char *dir,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    uint32_t       version;
    unsigned char  be[4];

    key.mv_data = "schema";
    key.mv_size = sizeof("schema") - 1;

    rc = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);

    if (rc == MDB_NOTFOUND) {
        news_be32_put(be, NEWS_SCHEMA_VERSION);
        val.mv_data = be;
        val.mv_size = 4;

        /* in a read txn the put fails with EACCES: leave it to a writer */
        rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
        if (rc != 0 && rc != EACCES) {
            return news_store_fail(err, rc, "writing the schema version");
        }

        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the schema version");
    }

    if (val.mv_size != 4) {
        return news_err_set(err, NEWS_ERROR,
                            "the store \"%s\" has a corrupt schema record",
                            dir);
    }

    version = news_be32_get(val.mv_data);

    if (version > NEWS_SCHEMA_VERSION) {
        return news_err_set(err, NEWS_ERROR,
                            "the store \"%s\" was written by a newer version "
                            "(schema %u; this build reads up to %u)",
                            dir, version, NEWS_SCHEMA_VERSION);
    }

    return NEWS_OK;
}


/*
 * MDB_NOLOCK: the check neither creates lock.mdb (as root, in the master)
 * nor takes a reader slot, so a worker committing meanwhile may reuse the
 * pages being read; such a read fails as corrupt, and is retried.
 */
#define NEWS_CHECK_ATTEMPTS  3

int
news_store_check(const char *dir, news_err_t *err)
{
    int            rc, fd, attempt;
    char           path[4096];
    MDB_env       *env;
    MDB_txn       *txn;
    MDB_dbi        dbi;
    MDB_val        key, val;
    uint32_t       version;
    struct stat    sb;

    err->code = NEWS_OK;
    err->msg[0] = '\0';

    if ((size_t) snprintf(path, sizeof(path), "%s/data.mdb", dir)
        >= sizeof(path))
    {
        return news_err_set(err, NEWS_ERROR, "the path \"%s\" is too long",
                            dir);
    }

    if (stat(path, &sb) == -1) {
        if (errno == ENOENT) {
            return NEWS_OK;
        }

        return news_err_set(err, NEWS_ERROR, "\"%s\": %s", path,
                            strerror(errno));
    }

    if (!S_ISREG(sb.st_mode)) {
        return news_err_set(err, NEWS_ERROR, "\"%s\" is not a file", path);
    }

    if (sb.st_size == 0) {
        return NEWS_OK;
    }

    fd = open(path, O_RDONLY);
    if (fd == -1) {
        if (errno == EACCES) {
            return NEWS_OK;
        }

        return news_err_set(err, NEWS_ERROR, "\"%s\": %s", path,
                            strerror(errno));
    }

    close(fd);

    for (attempt = 1; ; attempt++) {

        rc = mdb_env_create(&env);
        if (rc != 0) {
            return news_store_fail(err, rc, "mdb_env_create()");
        }

        (void) mdb_env_set_maxdbs(env, NEWS_MAX_DBS);

        rc = mdb_env_open(env, dir, MDB_RDONLY|MDB_NOLOCK, 0600);
        if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
            mdb_env_close(env);
            return news_err_set(err, NEWS_ERROR,
                                "\"%s\" is not an LMDB environment of this "
                                "version (%s)", path, mdb_strerror(rc));
        }

        if (rc != 0) {
            mdb_env_close(env);
            return news_err_set(err, NEWS_ERROR, "cannot open \"%s\": %s",
                                path, mdb_strerror(rc));
        }

        rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
        if (rc != 0) {
            mdb_env_close(env);
            return news_err_set(err, NEWS_ERROR, "cannot read \"%s\": %s",
                                path, mdb_strerror(rc));
        }

        key.mv_data = "schema";
        key.mv_size = sizeof("schema") - 1;

        rc = mdb_dbi_open(txn, news_db_names[NEWS_DB_META], 0, &dbi);
        if (rc == 0) {
            rc = mdb_get(txn, dbi, &key, &val);
            if (rc == 0 && val.mv_size != 4) {
                rc = MDB_CORRUPTED;
            }
        }

        version = (rc == 0) ? news_be32_get(val.mv_data) : 0;

        mdb_txn_abort(txn);
        mdb_env_close(env);

        if (rc == MDB_NOTFOUND) {
            /* no meta database or no schema yet: the first worker writes it */
            return NEWS_OK;
        }

        if (rc == 0) {
            break;
        }

        if ((rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND
             || rc == MDB_BAD_TXN) && attempt < NEWS_CHECK_ATTEMPTS)
        {
            usleep(10000);
            continue;
        }

        return news_err_set(err, NEWS_ERROR,
                            "\"%s\" is not a news store (%s)", path,
                            rc == MDB_INCOMPATIBLE
                            ? "its \"meta\" is not a database"
                            : mdb_strerror(rc));
    }

    if (version > NEWS_SCHEMA_VERSION) {
        return news_err_set(err, NEWS_ERROR,
                            "\"%s\" was written by a newer version (schema "
                            "%u; this build reads up to %u)",
                            path, version, NEWS_SCHEMA_VERSION);
    }

    return NEWS_OK;
}


void
news_store_close(news_store_t *st)
{
    if (st->env == NULL) {
        return;
    }

    if (st->rtxn) {
        mdb_txn_abort(st->rtxn);
        st->rtxn = NULL;
    }

    news_words_free(st);
    mdb_env_close(st->env);
    st->env = NULL;
    pthread_mutex_destroy(&st->txn_lock);
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
    int            rc;
    MDB_val        key, val;
    unsigned char  be[8];

    news_be64_put(be, (uint64_t) now);
    key.mv_data = "modified";
    key.mv_size = sizeof("modified") - 1;
    val.mv_data = be;
    val.mv_size = sizeof(be);

    rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the modification time");
    }

    return NEWS_OK;
}


uint64_t
news_store_snapshot(MDB_txn *txn)
{
    return (uint64_t) mdb_txn_id(txn);
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
    val.mv_data = be;
    val.mv_size = sizeof(be);

    rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the last id given");
    }

    return NEWS_OK;
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


/* commits an uncounted txn (the one that opens the store) */
static int
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
