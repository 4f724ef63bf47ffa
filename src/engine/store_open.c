/*
 * Opening the store: the LMDB environment, opened with the same
 * parameters in every process (nginx workers and newsctl alike, because
 * the lock file keeps the reader table size of its first opener), its
 * schema checked, its handles kept; an index new to this build is filled
 * from what it indexes in the txn that creates it.  Apart from store.c
 * because that filling calls the modules above the store (comments,
 * search, the desk), which store.c's txn helpers are below.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "articles.h"
#include "comments.h"
#include "community.h"
#include "desk.h"
#include "publish.h"
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


static int news_store_env_open(news_store_t *st, const char *dir,
    uint64_t mapsize, news_err_t *err);
static int news_store_open_dbis(news_store_t *st, const char *dir,
    news_err_t *err);
static int news_store_check_schema(news_store_t *st, MDB_txn *txn,
    const char *dir, int *stale, uint32_t *was, news_err_t *err);


int
news_store_open(news_store_t *st, const char *dir, uint64_t mapsize,
    news_err_t *err)
{
    memset(st, 0, sizeof(*st));
    st->flush = news_articles_flush;

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
    int       i, rc, missing, stale, pending, search, desk, teasers;
    MDB_txn  *txn;
    uint32_t  was;

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
        if (news_store_check_schema(st, txn, dir, &stale, &was, err)
            != NEWS_OK)
        {
            mdb_txn_abort(txn);
            return err->code;
        }

        /* a read-only store is read as it is: raising it is a write */
        st->records = stale && was < NEWS_SCHEMA_RECORDS ? NEWS_DB_COMMENTS
                                                      : NEWS_DB_PAGES;
        st->schema = stale ? was : NEWS_SCHEMA_VERSION;

        if (!stale || st->readonly) {
            /* a read txn must commit for its dbi handles to stay open */
            rc = mdb_txn_commit(txn);
            if (rc != 0) {
                return news_store_fail(err, rc, "mdb_txn_commit()");
            }

            return NEWS_OK;
        }
    }

    mdb_txn_abort(txn);

    /*
     * a new store, one from an older build with fewer databases, or one
     * whose schema record this build must raise
     */
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
    teasers = mdb_dbi_open(txn, news_db_names[NEWS_DB_STEASERS], 0,
                           &st->dbi[NEWS_DB_STEASERS])
              == MDB_NOTFOUND;

    for (i = 0; i < NEWS_DB_N; i++) {
        rc = mdb_dbi_open(txn, news_db_names[i], MDB_CREATE, &st->dbi[i]);
        if (rc != 0) {
            mdb_txn_abort(txn);
            return news_store_fail(err, rc, "mdb_dbi_open()");
        }
    }

    st->records = NEWS_DB_PAGES;
    st->schema = NEWS_SCHEMA_VERSION;

    if (news_store_check_schema(st, txn, dir, &stale, &was, err) != NEWS_OK
        || (was < NEWS_SCHEMA_RECORDS
            && news_comments_move(st, txn, err) != NEWS_OK)
        || (was < NEWS_SCHEMA_SLIM
            && news_comments_slim(st, txn, err) != NEWS_OK)
        || (pending && news_comments_reindex(st, txn, err) != NEWS_OK)
        || (was < NEWS_SCHEMA_TAIL
            && news_author_tails_fill(st, txn, err) != NEWS_OK)
        || (was < NEWS_SCHEMA_CHUNKS
            && news_comment_pages_chunk(st, txn, err) != NEWS_OK)
        || (search && news_search_init(st, txn, err) != NEWS_OK)
        || (desk && news_desk_fill(st, txn, err) != NEWS_OK)
        || (teasers && !search && news_steaser_fill(st, txn, err) != NEWS_OK)
        || (was < NEWS_SCHEMA_GROUPS && !search
            && news_search_dirs_fill(st, txn, err) != NEWS_OK))
    {
        mdb_txn_abort(txn);
        return err->code;
    }

    return news_store_end(st, txn, err);
}


static int
news_store_check_schema(news_store_t *st, MDB_txn *txn, const char *dir,
    int *stale, uint32_t *was, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    uint32_t       version;
    unsigned char  be[4];

    *stale = 0;

    key.mv_data = "schema";
    key.mv_size = sizeof("schema") - 1;

    rc = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the schema version");
    }

    if (rc == 0 && val.mv_size != 4) {
        return news_err_set(err, NEWS_ERROR,
                            "the store \"%s\" has a corrupt schema record",
                            dir);
    }

    version = (rc == 0) ? news_be32_get(val.mv_data) : 0;
    *was = version;

    if (version > NEWS_SCHEMA_VERSION) {
        return news_err_set(err, NEWS_ERROR,
                            "the store \"%s\" was written by a newer version "
                            "(schema %u; this build reads up to %u)",
                            dir, version, NEWS_SCHEMA_VERSION);
    }

    if (version == NEWS_SCHEMA_VERSION) {
        return NEWS_OK;
    }

    /*
     * a new store, or an older one that this build is about to write in
     * its own layout: from now on an older build must refuse it
     */
    news_be32_put(be, NEWS_SCHEMA_VERSION);
    val.mv_data = be;
    val.mv_size = 4;

    rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);

    if (rc == EACCES) {
        *stale = 1;         /* a read txn: the caller opens a write txn */
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "writing the schema version");
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

    /* a directory within 9 bytes of PATH_MAX: no test makes one */
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

    /*
     * The module's configuration (its one caller) has refused a data.mdb
     * that is not a file the workers may read and write before it asks:
     * this and the open's failures below are for a caller without that
     * check (nginx -t runs as root, which opens any file)
     */
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
