/*
 * newsctl's commands on the store as a whole: its counts, its
 * invariants checked, the search index rebuilt, a hot backup and a
 * restore, and the file written anew without its free pages.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsctl.h"
#include "check.h"
#include "search.h"


static void newsctl_unmake(const char *dir);
static void newsctl_unstore(const char *dir);
static int newsctl_copy(newsctl_t *ctl, const char *dest);
static int newsctl_free_pages(newsctl_t *ctl, size_t *free, size_t *used,
    size_t *psize, uint64_t *snapshot);
static int newsctl_rewrite(newsctl_t *ctl, uint64_t snapshot);
static int newsctl_copy_file(const char *db, const char *path);
static int newsctl_replace(newsctl_t *ctl, const char *tmp);


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

    (void) newsctl_shrink(ctl, 0);

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
    newsctl_unstore(dir);
    (void) rmdir(dir);
}


/* removes the store's files from a directory (which may be nginx's) */
static void
newsctl_unstore(const char *dir)
{
    size_t       i;
    char         path[4096 + 16];
    const char  *files[] = { "data.mdb", "lock.mdb" };

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        (void) unlink(path);
    }
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
    int          rc, owner;
    char         path[4096];
    gid_t        root_gid;
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

    /* into the worker user's directory with that user's rights: LMDB
     * opens (and sets up) a lock.mdb found there, a link or not */
    owner = newsctl_become_owner(db, &root_gid);
    rc = newsctl_copy(ctl, db);

    if (owner) {
        newsctl_become_root(root_gid);
    }

    news_store_close(&ctl->store);

    /* a copy whose snapshots' base was not written is not kept: the same
     * command runs again */
    if (rc != 0) {
        newsctl_unstore(db);
        return rc;
    }

    newsctl_own_files(db);
    printf("restored %s from %s\n", db, src);

    return 0;
}


/*
 * The store's file written anew without its free pages, when newsctl has
 * the store to itself; the store is open on entry and closed on return.
 * Unless `always` (the compact command), only when the free list is large
 * enough to cost later writes, and not with --keep-free (an import of
 * many files a process at a time, compacted once at the end): LMDB 0.9
 * never gives free pages back to the file, and once posts have scattered
 * a large list, every commit that stores a value of more than one page
 * reads it whole and writes it back (README, "newsctl").  Whether
 * another process has the store open is asked as LMDB itself asks it:
 * every process with the store open holds a read lock on the first byte
 * of lock.mdb, and one opening it takes a write lock there first, or
 * waits.  newsctl closes its own environment and takes that write lock:
 * refused, the file is left as it is (nginx runs); granted, anyone
 * opening the store waits until the new file is in place and LMDB has
 * set up lock.mdb for it.  0, or 1 when the file was not written anew and
 * should have been.
 */
int
newsctl_shrink(newsctl_t *ctl, int always)
{
    int           rc, lfd, e, owner;
    char          path[4096];
    gid_t         root_gid;
    size_t        free, used, psize;
    uint64_t      snapshot;
    struct flock  fl;

    rc = newsctl_free_pages(ctl, &free, &used, &psize, &snapshot);
    news_store_close(&ctl->store);

    if (rc != 0) {
        return 1;
    }

    if (!always
        && (ctl->keep_free || free < NEWSCTL_FREE_MIN
            || free < used / NEWSCTL_FREE_SHARE))
    {
        return 0;
    }

    snprintf(path, sizeof(path), "%s/lock.mdb", ctl->db);

    lfd = open(path, O_RDWR | O_CLOEXEC);
    if (lfd == -1) {
        fprintf(stderr, "newsctl: compact: \"%s\": %s\n", path,
                strerror(errno));
        return 1;
    }

    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 1;

    if (fcntl(lfd, F_SETLK, &fl) == -1) {
        e = errno;
        close(lfd);

        if (e != EAGAIN && e != EACCES) {
            fprintf(stderr, "newsctl: compact: locking \"%s\": %s\n", path,
                    strerror(e));
            return 1;
        }

        if (always) {
            fprintf(stderr, "newsctl: compact: the store is open in another "
                    "process (nginx?): stop it first\n");
            return 1;
        }

        fprintf(stderr, "newsctl: the store is open in another process "
                "(nginx?): its %zu free pages (%zu MiB) stay in the file; "
                "newsctl compact, with nginx stopped, leaves them out\n",
                free, free * psize / (1024 * 1024));
        return 0;
    }

    /* the directory is the worker user's: what the rewrite unlinks,
     * makes and renames there, it does with that user's rights, so that
     * a link planted there gets nothing root could do */
    owner = newsctl_become_owner(ctl->db, &root_gid);
    rc = newsctl_rewrite(ctl, snapshot);

    if (owner) {
        newsctl_become_root(root_gid);
    }

    /* closing any descriptor of lock.mdb drops the lock: after LMDB's */
    close(lfd);

    if (rc != 0) {
        return 1;
    }

    printf("compacted the store: %zu free pages (%zu MiB) left out\n", free,
           free * psize / (1024 * 1024));

    return 0;
}


/*
 * The pages LMDB keeps free for reuse, the pages the file uses, and the
 * store's snapshot (which the copy's snapshots go on from)
 */
static int
newsctl_free_pages(newsctl_t *ctl, size_t *free, size_t *used,
    size_t *psize, uint64_t *snapshot)
{
    int           rc;
    MDB_txn      *txn;
    MDB_val       key, val;
    MDB_stat      ms;
    news_err_t    err;
    MDB_cursor   *cur;
    MDB_envinfo   info;

    *free = 0;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    *snapshot = news_store_snapshot(&ctl->store, txn);

    /* LMDB's free list is its database 0: a record of page numbers a txn
     * freed, its count first */
    rc = mdb_cursor_open(txn, 0, &cur);

    if (rc == 0) {
        for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
             rc == 0;
             rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
        {
            *free += ((const size_t *) val.mv_data)[0];
        }

        mdb_cursor_close(cur);
    }

    news_store_read_done(&ctl->store);

    if (rc != MDB_NOTFOUND) {
        fprintf(stderr, "newsctl: reading the free list: %s\n",
                mdb_strerror(rc));
        return 1;
    }

    (void) mdb_env_info(ctl->store.env, &info);
    (void) mdb_env_stat(ctl->store.env, &ms);
    *used = info.me_last_pgno + 1;
    *psize = ms.ms_psize;

    return 0;
}


/*
 * Under the write lock: LMDB's compacting copy made a store of its own in
 * DIR/compact.tmp, given a base of snapshots above the store's (the copy
 * numbers its transactions from 1 again, and the lists' ETags hold the
 * snapshot), then its data.mdb renamed over the store's.  What a crash
 * left there is made anew.
 */
static int
newsctl_rewrite(newsctl_t *ctl, uint64_t snapshot)
{
    int            rc;
    char           tmp[4096], path[4096 + 16];
    struct stat    sb;
    news_err_t     err;
    news_store_t   copy;

    snprintf(tmp, sizeof(tmp), "%s/compact.tmp", ctl->db);
    snprintf(path, sizeof(path), "%s/data.mdb", tmp);

    /* the store directory is the worker user's: a link there is refused,
     * never followed by the unlinks */
    if (lstat(tmp, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "newsctl: compact: \"%s\" is not a directory: "
                "move it aside\n", tmp);
        return 1;
    }

    newsctl_unmake(tmp);

    if (mkdir(tmp, 0700) != 0) {
        fprintf(stderr, "newsctl: compact: mkdir \"%s\": %s%s\n", tmp,
                strerror(errno), errno == EEXIST ? " (the store's owner "
                "cannot empty it: move it aside)" : "");
        return 1;
    }

    rc = newsctl_copy_file(ctl->db, path);

    if (rc == 0) {
        if (news_store_open(&copy, tmp, 0, &err) != NEWS_OK
            || news_store_rebase(&copy, snapshot, &err) != NEWS_OK)
        {
            fprintf(stderr, "newsctl: compact: the copy \"%s\": %s\n", tmp,
                    err.msg);
            rc = 1;
        }

        news_store_close(&copy);
    }

    rc = rc == 0 ? newsctl_replace(ctl, path) : 1;
    newsctl_unmake(tmp);

    /* past the rename (2) the store is not as it was: newsctl_replace said */
    if (rc == 1) {
        fprintf(stderr, "newsctl: compact: the store was left as it "
                "is\n");
    }

    return rc;
}


/*
 * The copy reads the store with MDB_NOLOCK: LMDB's own lock would be
 * dropped with the descriptor of lock.mdb it closes, and newsctl's write
 * lock with it.
 */
static int
newsctl_copy_file(const char *db, const char *path)
{
    int       fd, rc;
    MDB_env  *env;

    rc = mdb_env_create(&env);
    if (rc != 0) {
        fprintf(stderr, "newsctl: compact: %s\n", mdb_strerror(rc));
        return 1;
    }

    rc = mdb_env_open(env, db, MDB_RDONLY | MDB_NOLOCK, 0600);
    if (rc != 0) {
        mdb_env_close(env);
        fprintf(stderr, "newsctl: compact: opening \"%s\": %s\n", db,
                mdb_strerror(rc));
        return 1;
    }

    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd == -1) {
        mdb_env_close(env);
        fprintf(stderr, "newsctl: compact: \"%s\": %s\n", path,
                strerror(errno));
        return 1;
    }

    rc = mdb_env_copyfd2(env, fd, MDB_CP_COMPACT);
    mdb_env_close(env);

    if (rc != 0) {
        close(fd);
        fprintf(stderr, "newsctl: compact: copying to \"%s\": %s\n", path,
                mdb_strerror(rc));
        return 1;
    }

    rc = fsync(fd);
    if (rc != 0) {
        fprintf(stderr, "newsctl: compact: fsync \"%s\": %s\n", path,
                strerror(errno));
    }

    close(fd);

    return rc == 0 ? 0 : 1;
}


/*
 * The copy renamed over data.mdb, and the store opened once, first and
 * alone, so that LMDB sets lock.mdb up anew for the new file before it
 * lets anyone else in: 0; 1, the rename failed (the store as it was); 2,
 * the new file is in place but did not open.
 */
static int
newsctl_replace(newsctl_t *ctl, const char *tmp)
{
    int            dfd;
    char           path[4096];
    news_err_t     err;
    news_store_t   st;

    snprintf(path, sizeof(path), "%s/data.mdb", ctl->db);

    if (rename(tmp, path) != 0) {
        fprintf(stderr, "newsctl: compact: renaming \"%s\": %s\n", tmp,
                strerror(errno));
        return 1;
    }

    dfd = open(ctl->db, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd == -1 || fsync(dfd) != 0) {
        fprintf(stderr, "newsctl: compact: fsync \"%s\": %s\n", ctl->db,
                strerror(errno));
    }

    if (dfd != -1) {
        close(dfd);
    }

    newsctl_own_files(ctl->db);

    /* a store of its own: ctl's keeps what its caller frees (a bulk load) */
    if (news_store_open(&st, ctl->db, 0, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: compact: the compacted file is in place, "
                "but opening it failed: %s\n", err.msg);
        return 2;
    }

    news_store_close(&st);

    return 0;
}
