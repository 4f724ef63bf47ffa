/*
 * Group commit under contention: 8 threads, 200 writes each, one in ten
 * failing on purpose.  Every good write is there, no bad one is, and
 * commits are fewer than writes.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "writer.h"


#define THREADS  8
#define WRITES   200


static char           dir[] = "/tmp/news-unit-w-XXXXXX";
static news_store_t   st;
static news_writer_t  writer;


static int
put_key(news_store_t *s, MDB_txn *txn, void *arg, news_err_t *err)
{
    int      rc, n;
    char     key[32];
    MDB_val  k, v;

    n = *(int *) arg;
    snprintf(key, sizeof(key), "k%06d", n);
    k.mv_data = key;
    k.mv_size = strlen(key);
    v.mv_data = "";
    v.mv_size = 0;

    rc = mdb_put(txn, s->dbi[NEWS_DB_THROTTLE], &k, &v, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "put");
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
    int              i, base, n;
    long             bad;
    news_write_op_t  op;

    base = (int) (long) arg * WRITES;
    bad = 0;

    for (i = 0; i < WRITES; i++) {
        n = base + i;
        op.apply = put_key;
        op.arg = &n;

        if ((news_writer_run(&writer, &op) == NEWS_OK) != (n % 10 != 7)) {
            bad++;
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
        snprintf(key, sizeof(key), "k%06d", i);
        k.mv_data = key;
        k.mv_size = strlen(key);

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

    news_writer_destroy(&writer);
    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
