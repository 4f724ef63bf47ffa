/*
 * newsctl's commands on the store as a whole: its counts, its
 * invariants checked, the search index rebuilt, a hot backup and a
 * restore.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsctl.h"
#include "check.h"
#include "search.h"


static void newsctl_unmake(const char *dir);
static int newsctl_copy(newsctl_t *ctl, const char *dest);


int
newsctl_stats(newsctl_t *ctl)
{
    int          i;
    MDB_txn     *txn;
    MDB_stat     ms;
    news_err_t   err;
    MDB_envinfo  info;
    struct stat  st;
    char         path[4096];

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    /* comments: how many there are (cindex), wherever their records are */
    for (i = 0; i < NEWS_DB_N; i++) {
        if (mdb_stat(txn, ctl->store.dbi[i == NEWS_DB_COMMENTS
                                         ? NEWS_DB_CINDEX : i], &ms) == 0)
        {
            printf("%-10s %zu\n", news_db_names[i], ms.ms_entries);
        }
    }

    news_store_read_done(&ctl->store);

    mdb_env_info(ctl->store.env, &info);
    mdb_env_stat(ctl->store.env, &ms);

    snprintf(path, sizeof(path), "%s/data.mdb", ctl->db);
    printf("file_bytes %lld\n",
           stat(path, &st) == 0 ? (long long) st.st_size : -1LL);
    printf("map_bytes  %zu\n", info.me_mapsize);
    printf("used_bytes %zu\n", (info.me_last_pgno + 1) * ms.ms_psize);
    printf("readers    %u of %u\n", info.me_numreaders, info.me_maxreaders);

    news_store_close(&ctl->store);

    return 0;
}


/*
 * The store's invariants, from one read transaction: a snapshot, so it
 * may run while nginx writes.  One line per violation on stdout.
 */
int
newsctl_check(newsctl_t *ctl)
{
    int           rc;
    MDB_txn      *txn;
    news_err_t    err;
    news_check_t  r;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    news_check_init(&r);
    rc = news_check_store(&ctl->store, txn, &r, &err);
    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);

    if (rc != NEWS_OK) {
        fprintf(stderr, "newsctl: check: %s\n", err.msg);
        news_check_free(&r);
        return 1;
    }

    fwrite(r.lines.data ? r.lines.data : "", 1, r.lines.len, stdout);

    if (r.violations > NEWS_CHECK_LINES) {
        printf("... %zu more\n", r.violations - NEWS_CHECK_LINES);
    }

    fprintf(stderr, "newsctl: check: %zu entries, %zu violations\n",
            r.entries, r.violations);

    rc = r.violations ? 1 : 0;
    news_check_free(&r);

    return rc;
}


int
newsctl_reindex(newsctl_t *ctl)
{
    news_err_t  err;

    if (news_search_reindex(&ctl->store, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: reindex: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    news_store_close(&ctl->store);

    return 0;
}


/*
 * A hot backup: LMDB copies from one read transaction, so the copy is
 * the store as of one moment, while nginx goes on reading and writing.
 * Compacted: free pages are left out.
 */
int
newsctl_backup(newsctl_t *ctl, const char *dest)
{
    int  rc;

    if (mkdir(dest, 0700) != 0) {
        fprintf(stderr, "newsctl: backup: mkdir \"%s\": %s (give a new "
                "directory)\n", dest, strerror(errno));
        news_store_close(&ctl->store);
        return 1;
    }

    rc = newsctl_copy(ctl, dest);
    news_store_close(&ctl->store);

    if (rc == 0) {
        printf("backed up to %s\n", dest);
        return 0;
    }

    /* a failed backup leaves nothing behind: the same command runs again */
    newsctl_unmake(dest);

    return rc;
}


/* removes a store directory this run made and what LMDB put in it */
static void
newsctl_unmake(const char *dir)
{
    size_t       i;
    char         path[4096];
    const char  *files[] = { "data.mdb", "lock.mdb" };

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        (void) unlink(path);
    }

    (void) rmdir(dir);
}


/*
 * A compacting copy of the store into dest, whose snapshots then go on
 * from above the store's (news_store_rebase): the copy numbers its
 * transactions from 1 again, and the lists' ETags hold the snapshot.
 */
static int
newsctl_copy(newsctl_t *ctl, const char *dest)
{
    int            rc;
    uint64_t       floor;
    MDB_txn       *txn;
    news_err_t     err;
    news_store_t   copy;

    rc = mdb_env_copy2(ctl->store.env, dest, MDB_CP_COMPACT);
    if (rc != 0) {
        fprintf(stderr, "newsctl: copying to \"%s\": %s\n", dest,
                mdb_strerror(rc));
        return 1;
    }

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    floor = news_store_snapshot(&ctl->store, txn);
    news_store_read_done(&ctl->store);

    if (news_store_open(&copy, dest, 0, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: opening the copy \"%s\": %s\n", dest,
                err.msg);
        return 1;
    }

    rc = news_store_rebase(&copy, floor, &err);
    news_store_close(&copy);

    if (rc != NEWS_OK) {
        fprintf(stderr, "newsctl: the copy \"%s\": %s\n", dest, err.msg);
        return 1;
    }

    return 0;
}


/*
 * Restores a backup into an empty store directory: the backup is opened
 * (so a damaged or foreign one is refused) and copied.  Replacing a live
 * store under running workers is not possible; the operator stops nginx
 * and moves the old store aside first.
 */
int
newsctl_restore(newsctl_t *ctl, const char *src)
{
    int          rc;
    char         path[4096];
    const char  *db;
    struct stat  st;

    db = ctl->db;

    snprintf(path, sizeof(path), "%s/data.mdb", db);
    if (stat(path, &st) == 0) {
        fprintf(stderr, "newsctl: restore: \"%s\" holds a store; stop "
                "nginx and move it aside first\n", db);
        return 1;
    }

    /* the live store is the worker user's alone, as nginx makes it */
    if ((mkdir(db, 0700) != 0 && errno != EEXIST) || chmod(db, 0700) != 0) {
        fprintf(stderr, "newsctl: restore: \"%s\": %s\n", db,
                strerror(errno));
        return 1;
    }

    snprintf(path, sizeof(path), "%s/data.mdb", src);
    if (stat(path, &st) != 0) {
        fprintf(stderr, "newsctl: restore: \"%s\" is not a backup\n", src);
        return 1;
    }

    ctl->db = src;
    rc = newsctl_open(ctl);
    ctl->db = db;

    if (rc != 0) {
        return rc;
    }

    rc = newsctl_copy(ctl, db);
    news_store_close(&ctl->store);

    if (rc == 0) {
        newsctl_own_files(db);
        printf("restored %s from %s\n", db, src);
    }

    return rc;
}
