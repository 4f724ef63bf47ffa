/*
 * The shared writer across processes, as nginx's workers use it: memory
 * mapped shared before fork, each process with its own environment and
 * writer after it.
 *
 * Two processes, four threads each, 100 writes a thread, one in ten
 * failing on purpose: every write gets its own answer and output, every
 * good one is stored and no bad one, batches are fewer than writes and
 * some took both processes' writes.  Then a leader killed inside its
 * batch: another process's write, waiting meanwhile, is led by its own
 * process and stored; the killed batch left nothing.  A write larger
 * than a slot goes to the process's own writer.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "numbered_keys.h"
#include "tap.h"
#include "shared_writer.h"


#define PROCS    2
#define THREADS  4
#define WRITES   100
#define HELD     100000     /* the key whose write never ends */
#define AFTER    100001     /* the key written while it hangs */


typedef struct {
    int            n;
    int            out;     /* n * 2, from the apply */
} put_t;


typedef struct {
    volatile int   held;    /* the held write is in its batch */
} ctl_t;


static char            dir[] = "/tmp/news-unit-sw-XXXXXX";
static news_shared_t  *sh;
static ctl_t          *ctl;
static news_store_t    st;
static news_writer_t   writer;


static int
put_key(news_store_t *s, MDB_txn *txn, void *arg, news_err_t *err)
{
    put_t  *put;

    put = arg;

    if (numbered_put(s, txn, put->n, err) != NEWS_OK) {
        return err->code;
    }

    if (put->n == HELD) {
        ctl->held = 1;
        for ( ;; ) {
            pause();
        }
    }

    /* fails after writing: the nested txn must undo the put */
    if (put->n % 10 == 7) {
        return news_err_set(err, NEWS_INVALID, "refused %d", put->n);
    }

    put->out = put->n * 2;

    return NEWS_OK;
}


static int
open_writer(void)
{
    news_err_t  err;

    if (news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK
        || news_writer_init(&writer, &st) != 0)
    {
        return -1;
    }

    writer.shared = sh;

    return 0;
}


static int
post(int n)
{
    int         rc;
    put_t       put;
    news_err_t  err;

    put.n = n;
    put.out = 0;

    rc = news_shared_run(sh, &writer, put_key, &put, sizeof(put),
                         sizeof(put), &err);

    if (rc == NEWS_OK && put.out != n * 2) {
        return -2;
    }

    return rc;
}


static void *
worker(void *arg)
{
    int   i, n, rc;
    long  bad;

    bad = 0;

    for (i = 0; i < WRITES; i++) {
        n = (int) (long) arg * WRITES + i;
        rc = post(n);

        if ((rc == NEWS_OK) != (n % 10 != 7)
            || (rc != NEWS_OK && rc != NEWS_INVALID))
        {
            bad++;
        }
    }

    return (void *) bad;
}


/* a process of THREADS writers; exits with its wrong answers */
static void
writers(int proc)
{
    long       t, bad;
    void      *ret;
    pthread_t  th[THREADS];

    if (open_writer() != 0) {
        _exit(100);
    }

    for (t = 0; t < THREADS; t++) {
        pthread_create(&th[t], NULL, worker, (void *) (proc * THREADS + t));
    }

    bad = 0;
    for (t = 0; t < THREADS; t++) {
        pthread_join(th[t], &ret);
        bad += (long) ret;
    }

    _exit(bad > 99 ? 99 : (int) bad);
}


static pid_t
spawn(int proc, int key)
{
    pid_t  pid;

    pid = fork();
    if (pid != 0) {
        return pid;
    }

    if (key == 0) {
        writers(proc);
    }

    if (open_writer() != 0) {
        _exit(100);
    }

    _exit(post(key) == NEWS_OK ? 0 : 1);
}


static int
stored(int n)
{
    int         rc;
    char        key[32];
    MDB_val     k, v;
    MDB_txn    *txn;
    news_err_t  err;

    numbered_key(n, key, sizeof(key), &k);

    if (news_store_read(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = mdb_get(txn, st.dbi[NEWS_DB_THROTTLE], &k, &v) == 0;
    news_store_read_done(&st);

    return rc;
}


int
main(void)
{
    int            i, status, bad, missing, extra;
    char           cmd[128], big[256];
    pid_t          pid[PROCS], held, after;
    size_t         size;
    news_err_t     err;
    unsigned long  batches, writes, mixed;

    size = news_shared_size(sizeof(put_t));
    sh = mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS,
              -1, 0);
    ctl = mmap(NULL, sizeof(ctl_t), PROT_READ|PROT_WRITE,
               MAP_SHARED|MAP_ANONYMOUS, -1, 0);

    if (sh == MAP_FAILED || ctl == MAP_FAILED || mkdtemp(dir) == NULL
        || news_shared_init(sh, size, sizeof(put_t)) != 0)
    {
        ok(0, "setup");
        return done_testing();
    }

    /* made before the processes, as nginx's master makes the store */
    if (news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK) {
        ok(0, "open");
        return done_testing();
    }

    news_store_close(&st);

    for (i = 0; i < PROCS; i++) {
        pid[i] = spawn(i, 0);
    }

    bad = 0;
    for (i = 0; i < PROCS; i++) {
        waitpid(pid[i], &status, 0);
        bad += WIFEXITED(status) ? WEXITSTATUS(status) : 100;
    }

    is_int(bad, 0, "every write got its own answer and output");

    news_shared_counts(sh, &batches, &writes, &mixed);
    is_int(writes, PROCS * THREADS * WRITES, "all writes went through");
    ok(batches < writes, "grouped: %lu batches for %lu writes", batches,
       writes);
    ok(mixed > 0, "%lu batches took both processes' writes", mixed);

    if (open_writer() != 0) {
        ok(0, "open");
        return done_testing();
    }

    missing = 0;
    extra = 0;

    for (i = 0; i < PROCS * THREADS * WRITES; i++) {
        if (stored(i)) {
            extra += (i % 10 == 7);

        } else {
            missing += (i % 10 != 7);
        }
    }

    is_int(missing, 0, "every acknowledged write is stored");
    is_int(extra, 0, "no refused write left a trace");

    /* a leader killed in its batch; a write that waited for it */
    held = spawn(0, HELD);
    for (i = 0; i < 1000 && !ctl->held; i++) {
        usleep(10000);
    }

    ok(ctl->held, "a process leads a batch that never ends");

    after = spawn(1, AFTER);
    usleep(300000);
    ok(waitpid(after, &status, WNOHANG) == 0, "another process's write "
       "waits for it");

    kill(held, SIGKILL);
    waitpid(held, &status, 0);
    waitpid(after, &status, 0);

    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "once its leader is "
       "killed, that write is led by its own process and succeeds");
    ok(stored(AFTER) == 1, "and is stored");
    ok(stored(HELD) == 0, "the killed batch left nothing");

    memset(big, 0, sizeof(big));
    is_int(news_shared_run(sh, &writer, put_key, big, sizeof(big),
                           sizeof(put_t), &err),
           NEWS_SHARED_LOCAL, "a write larger than a slot is the process's");

    news_writer_destroy(&writer);
    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
