/*
 * Group commit under contention: 8 threads, 200 writes each, one in ten
 * failing on purpose.  Every good write is there, no bad one is, and
 * commits are fewer than writes.
 *
 * And durability, seen from the system calls: this program defines
 * fdatasync() and pwrite(), which LMDB's calls resolve to as well, and
 * counts LMDB's meta page writes (a write of less than a page into the
 * first two pages) and the syncs.  A write answered NEWS_OK must have had
 * the meta page of its commit written, and a sync begun after that (or
 * the meta page written through an O_DSYNC file) finished, before its
 * answer.  Under contention a commit must cost fewer than the two disk
 * flushes LMDB's default makes (a sync of the data, an O_DSYNC meta).
 */

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "numbered_keys.h"
#include "tap.h"
#include "writer.h"


#define THREADS  8
#define WRITES   200


static char           dir[] = "/tmp/news-unit-w-XXXXXX";
static news_store_t   st;
static news_writer_t  writer;

static atomic_ulong   metas;          /* meta pages written */
static atomic_ulong   metas_on_disk;  /* of those, known synced */
static atomic_ulong   flushes;        /* syncs, and O_DSYNC meta writes */
static atomic_ulong   not_synced;     /* writes answered before the disk */


typedef struct {
    int            n;
    unsigned long  metas;   /* when the write ran, in its txn */
} put_t;


static void
on_disk(unsigned long upto)
{
    unsigned long  now;

    now = atomic_load(&metas_on_disk);

    while (now < upto
           && !atomic_compare_exchange_weak(&metas_on_disk, &now, upto))
    {
        /* now was reloaded */
    }
}


int
fdatasync(int fd)
{
    unsigned long  upto;

    upto = atomic_load(&metas);

    if (syscall(SYS_fdatasync, fd) != 0) {
        return -1;
    }

    atomic_fetch_add(&flushes, 1);
    on_disk(upto);

    return 0;
}


ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t  rc;

    rc = syscall(SYS_pwrite64, fd, buf, n, off);

    if (rc > 0 && n < 4096 && off < 2 * 4096) {
        atomic_fetch_add(&metas, 1);

        if (fcntl(fd, F_GETFL) & O_DSYNC) {
            atomic_fetch_add(&flushes, 1);
            on_disk(atomic_load(&metas));
        }
    }

    return rc;
}


static int
put_key(news_store_t *s, MDB_txn *txn, void *arg, news_err_t *err)
{
    int      n;
    put_t   *put;

    put = arg;
    n = put->n;

    /* the write txn is held: the next meta page written is its commit's */
    put->metas = atomic_load(&metas);

    if (numbered_put(s, txn, n, err) != NEWS_OK) {
        return err->code;
    }

    /* fails after writing: the nested txn must undo the put */
    if (n % 10 == 7) {
        return news_err_set(err, NEWS_INVALID, "refused %d", n);
    }

    return NEWS_OK;
}


static void *
worker(void *arg)
{
    int              i, base, rc;
    long             bad;
    put_t            put;
    news_write_op_t  op;

    base = (int) (long) arg * WRITES;
    bad = 0;

    for (i = 0; i < WRITES; i++) {
        put.n = base + i;
        memset(&op, 0, sizeof(op));
        op.apply = put_key;
        op.arg = &put;

        rc = news_writer_run(&writer, &op);

        if ((rc == NEWS_OK) != (put.n % 10 != 7)) {
            bad++;
        }

        if (rc == NEWS_OK && atomic_load(&metas_on_disk) < put.metas + 1) {
            atomic_fetch_add(&not_synced, 1);
        }
    }

    return (void *) bad;
}


int
main(void)
{
    int         i, missing, extra;
    long        t, bad;
    char        key[32], cmd[128];
    void       *ret;
    MDB_val     k, v;
    MDB_txn    *txn;
    pthread_t   th[THREADS];
    news_err_t  err;

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK
        || news_writer_init(&writer, &st) != 0)
    {
        ok(0, "open");
        return done_testing();
    }

    for (t = 0; t < THREADS; t++) {
        pthread_create(&th[t], NULL, worker, (void *) t);
    }

    bad = 0;
    for (t = 0; t < THREADS; t++) {
        pthread_join(th[t], &ret);
        bad += (long) ret;
    }

    is_int(bad, 0, "every write got its own answer");

    news_store_read(&st, &txn, &err);
    missing = 0;
    extra = 0;

    for (i = 0; i < THREADS * WRITES; i++) {
        numbered_key(i, key, sizeof(key), &k);

        if (mdb_get(txn, st.dbi[NEWS_DB_THROTTLE], &k, &v) == 0) {
            extra += (i % 10 == 7);

        } else {
            missing += (i % 10 != 7);
        }
    }

    news_store_read_done(&st);

    is_int(missing, 0, "every acknowledged write is stored");
    is_int(extra, 0, "no refused write left a trace");
    is_int(writer.ops, THREADS * WRITES, "all writes went through");
    ok(writer.batches < writer.ops, "grouped: %lu commits for %lu writes",
       writer.batches, writer.ops);
    is_int(atomic_load(&not_synced), 0, "no write was answered before its "
           "commit's meta page was synced");
    ok(atomic_load(&flushes) < 2 * writer.batches, "%lu disk flushes for %lu "
       "commits (%lu syncs of the writer's own)", atomic_load(&flushes),
       writer.batches, writer.syncs);

    news_writer_destroy(&writer);
    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
