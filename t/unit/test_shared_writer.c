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
 * process and stored; the killed batch left nothing.  Then a leader
 * killed inside a batch that holds another process's write, lined up
 * step by step (that process stopped, so that the leader is the one
 * chosen): that write is answered NEWS_BUSY, never a success, and is not
 * stored.  A write larger than a slot goes to the process's own writer.
 */

#include <errno.h>
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
#define GATE     100002     /* the key whose write waits for ctl->open */
#define OTHER    100003     /* another process's write in a killed batch */
#define HELD2    100004     /* the killed batch's own, never ending */
#define FULL     100005     /* a write that fails its whole batch */
#define LOCKED   100006     /* a write whose process dies while filling */
#define RELOCK   100010     /* the write after it */
#define CROWD    200000     /* the keys of the writes that fill every slot */
#define CROWDED  (NEWS_SHARED_SLOTS + 12)


typedef struct {
    int            n;
    int            out;     /* n * 2, from the apply */
} put_t;


typedef struct {
    volatile int   held;    /* the held write is in its batch */
    volatile int   filled;  /* the key last put into a slot */
    volatile int   gated;   /* the gate's write is in its batch */
    volatile int   open;    /* ... and may end */
    volatile int   locked;  /* LOCKED is being put into its slot */
    int            fills;   /* writes put into slots so far */
    int            locals;  /* writes that found no slot */
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

    if (put->n == HELD || put->n == HELD2) {
        ctl->held = 1;
        for ( ;; ) {
            pause();
        }
    }

    if (put->n == FULL) {
        return news_err_set(err, NEWS_FULL, "the map is full");
    }

    if (put->n == GATE) {
        ctl->gated = 1;
        while (!ctl->open) {
            usleep(1000);
        }
    }

    /* fails after writing: the nested txn must undo the put */
    if (put->n % 10 == 7) {
        return news_err_set(err, NEWS_INVALID, "refused %d", put->n);
    }

    put->out = put->n * 2;

    return NEWS_OK;
}


/* under the lock, which the slot is filled before it lets go of */
static void
fill_put(void *slot, void *arg)
{
    memcpy(slot, arg, sizeof(put_t));
    ctl->filled = ((put_t *) arg)->n;
    ctl->fills++;

    if (ctl->filled == LOCKED) {
        ctl->locked = 1;
        for ( ;; ) {
            pause();
        }
    }
}


/*
 * exit(), not _exit(): a build with --coverage writes a child's counts at
 * exit.  Nothing else is left to flush: stdout is flushed before each
 * fork (fork_flushed).  Under AddressSanitizer, _exit(): its leak check
 * at exit would count what the child inherited from the parent.
 */
static void child_exit(int code) __attribute__((noreturn));


static void
child_exit(int code)
{
#ifdef __SANITIZE_ADDRESS__
    _exit(code);
#else
    exit(code);
#endif
}


static pid_t
fork_flushed(void)
{
    fflush(stdout);

    return fork();
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

    rc = news_shared_run(sh, &writer, put_key, fill_put, &put, sizeof(put),
                         &put, sizeof(put), &err);

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


/* a process of n threads, fn(first + i) each; exits with the wrong answers */
static void
threads(long n, void *(*fn)(void *), long first)
{
    long       t, bad;
    void      *ret;
    pthread_t  th[CROWDED];

    if (open_writer() != 0) {
        child_exit(100);
    }

    for (t = 0; t < n; t++) {
        pthread_create(&th[t], NULL, fn, (void *) (first + t));
    }

    bad = 0;
    for (t = 0; t < n; t++) {
        pthread_join(th[t], &ret);
        bad += (long) ret;
    }

    child_exit(bad > 99 ? 99 : (int) bad);
}


static pid_t
spawn(int proc, int key)
{
    pid_t  pid;

    pid = fork_flushed();
    if (pid != 0) {
        return pid;
    }

    if (key == 0) {
        threads(THREADS, worker, proc * THREADS);
    }

    if (open_writer() != 0) {
        child_exit(100);
    }

    switch (post(key)) {
    case NEWS_OK:
        child_exit(0);
    case NEWS_BUSY:
        child_exit(2);
    default:
        child_exit(1);
    }
}


/* waits (10 s at most) until *flag is value */
static int
await(volatile int *flag, int value)
{
    int  i;

    for (i = 0; i < 1000 && *flag != value; i++) {
        usleep(10000);
    }

    return *flag == value;
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


/*
 * Another process's write in the batch of a leader that is killed: the
 * gate's process leads a batch that waits; the other process's write is
 * filled meanwhile and that process stopped; then the killed process's
 * write is filled, the gate opened, and the killed process, the only
 * waiter that runs, leads both writes into a batch that never ends.
 */
static void
killed_with_another(void)
{
    int    status;
    pid_t  gate, other, killed;

    gate = spawn(0, GATE);
    ok(await(&ctl->gated, 1), "a process leads a batch that waits");

    other = spawn(1, OTHER);
    ok(await(&ctl->filled, OTHER), "another process's write waits in its "
       "slot");
    kill(other, SIGSTOP);

    ctl->held = 0;
    killed = spawn(0, HELD2);
    ok(await(&ctl->filled, HELD2), "a third process's write waits too");

    ctl->open = 1;
    waitpid(gate, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the gate's write "
       "succeeds");

    ok(await(&ctl->held, 1), "the third process leads the next batch, "
       "which never ends");

    kill(killed, SIGKILL);
    waitpid(killed, &status, 0);
    kill(other, SIGCONT);
    waitpid(other, &status, 0);

    ok(WIFEXITED(status) && WEXITSTATUS(status) == 2, "the other process's "
       "write in the killed batch is answered busy, not saved");
    ok(stored(OTHER) == 0 && stored(HELD2) == 0, "and the killed batch "
       "left nothing");
    ok(stored(GATE) == 1, "the batch before it is stored");
}


/* one of the crowd: a write that waits in a slot, or finds none */
static void *
crowd_writer(void *arg)
{
    int  rc;

    rc = post(CROWD + (int) (long) arg * 10);

    if (rc == NEWS_SHARED_LOCAL) {
        __atomic_add_fetch(&ctl->locals, 1, __ATOMIC_SEQ_CST);
    }

    return (void *) (long) (rc != NEWS_OK && rc != NEWS_SHARED_LOCAL);
}


/*
 * More writes than slots while a batch waits: the slots of the processes
 * killed above (taken, their writer and leader dead) are taken back, the
 * rest find none and go to their own process's writer.
 */
static void
every_slot_taken(void)
{
    int    i, status, fills, waiting, kept;
    pid_t  gate, many;

    ctl->gated = 0;
    ctl->open = 0;
    gate = spawn(0, GATE);
    ok(await(&ctl->gated, 1), "a process leads a batch that waits");

    fills = ctl->fills;
    many = fork_flushed();
    if (many == 0) {
        threads(CROWDED, crowd_writer, 0);
    }

    for (i = 0; i < 1000; i++) {
        waiting = ctl->fills - fills;
        if (waiting + ctl->locals == CROWDED) {
            break;
        }

        usleep(10000);
    }

    /* the gate's slot is in use; the two killed batches' are taken back */
    is_int(waiting, NEWS_SHARED_SLOTS - 1, "every slot but the batch's "
           "holds a write, two of them taken back from the dead");
    is_int(ctl->locals, CROWDED - waiting, "the writes beyond them found "
           "no slot: their process's own writer");

    ctl->open = 1;
    waitpid(gate, &status, 0);
    waitpid(many, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the waiting writes "
       "succeed");

    kept = 0;
    for (i = 0; i < CROWDED; i++) {
        kept += (stored(CROWD + i * 10) == 1);
    }

    is_int(kept, waiting, "and are stored");
}


/* a process killed while it holds the lock: the next one takes it over */
static void
killed_holding_lock(void)
{
    int    status;
    pid_t  pid;

    pid = spawn(0, LOCKED);
    ok(await(&ctl->locked, 1), "a process stops while it holds the lock");

    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);

    is_int(post(RELOCK), NEWS_OK, "once it is killed, the next write takes "
           "the lock over and succeeds");
    ok(stored(RELOCK) == 1, "and is stored");
}


int
main(void)
{
    int            i, status, bad, missing, extra;
    char           cmd[128], big[256];
    void          *small;
    pid_t          pid[PROCS], held, after;
    size_t         size;
    news_err_t     err;
    unsigned long  batches, writes, mixed;

    size = news_shared_size(sizeof(put_t));
    sh = mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS,
              -1, 0);
    ctl = mmap(NULL, sizeof(ctl_t), PROT_READ|PROT_WRITE,
               MAP_SHARED|MAP_ANONYMOUS, -1, 0);

    small = malloc(news_shared_size(8));
    ok(small != NULL && news_shared_init(small, news_shared_size(8) - 1, 8)
       == -1 && errno == EINVAL, "memory smaller than the state is refused");
    free(small);

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

    killed_with_another();
    every_slot_taken();
    killed_holding_lock();

    is_int(post(FULL), NEWS_FULL, "a write that fails its batch: the "
           "batch's failure is its answer");

    memset(big, 0, sizeof(big));
    is_int(news_shared_run(sh, &writer, put_key, fill_put, big,
                           sizeof(put_t), big, sizeof(put_t) + 1, &err),
           NEWS_SHARED_LOCAL, "an output larger than the input: the "
           "process's");
    is_int(news_shared_run(sh, &writer, put_key, fill_put, big, sizeof(big),
                           big, sizeof(put_t), &err),
           NEWS_SHARED_LOCAL, "a write larger than a slot is the process's");

    news_writer_destroy(&writer);
    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
