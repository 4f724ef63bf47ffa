/*
 * One group commit for every process of a store; see shared_writer.h.
 */

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shared_writer.h"


#define NEWS_SHARED_ALIGN(n)  (((n) + 63) & ~(size_t) 63)
#define NEWS_SHARED_TICK_MS   100   /* how often a waiter looks for the dead */


enum {
    NEWS_SLOT_FREE = 0,
    NEWS_SLOT_FILLED,       /* waits for a leader */
    NEWS_SLOT_TAKEN,        /* in a leader's batch */
    NEWS_SLOT_DONE,         /* its outcome waits for its writer */
    NEWS_SLOT_LEFT          /* in a batch, its writer gone: freed when done */
};


typedef struct {
    int           state;
    pid_t         owner;        /* the process that brought the write */
    pid_t         taker;        /* the process whose batch took it */
    int           rc;           /* the outcome, once done */
    news_err_t    err;
    size_t        len;
} news_slot_t;


struct news_shared_s {
    pthread_mutex_t   lock;     /* robust: a process may die holding it */
    uint32_t          wakes;    /* a batch is done, or the leader left:
                                   waiters sleep on it (a futex) */
    pid_t             leader;   /* 0: nobody leads */
    uint64_t          lead;     /* the number of the batch led last */
    size_t            data;     /* a slot's data bytes */
    size_t            slot;     /* a slot's bytes */
    unsigned          nslots;
    unsigned long     batches;
    unsigned long     writes;
    unsigned long     mixed;    /* batches with writes of several processes */
};


/* one leader's batch: the merged op's argument */
typedef struct {
    news_shared_t    *sh;
    news_write_pt     apply;
    uint64_t          lead;
    unsigned          n;
    unsigned          taken[NEWS_SHARED_SLOTS];
} news_shared_batch_t;


static void news_shared_lock(news_shared_t *sh);
static int news_shared_wait(news_shared_t *sh);
static void news_shared_wake(news_shared_t *sh);
static news_slot_t *news_shared_slot(news_shared_t *sh, unsigned i);
static unsigned char *news_slot_data(news_slot_t *s);
static news_slot_t *news_shared_free_slot(news_shared_t *sh);
static int news_shared_abandoned(news_slot_t *s);
static int news_shared_alive(pid_t pid);
static void news_shared_lead(news_shared_t *sh, news_writer_t *w,
    news_write_pt apply);
static int news_shared_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static void news_shared_ended(news_write_op_t *op);
static int news_shared_give_up(news_slot_t *s, news_err_t *err);


size_t
news_shared_size(size_t data)
{
    return NEWS_SHARED_ALIGN(sizeof(news_shared_t))
           + NEWS_SHARED_SLOTS
             * NEWS_SHARED_ALIGN(NEWS_SHARED_ALIGN(sizeof(news_slot_t))
                                 + data);
}


int
news_shared_init(void *mem, size_t size, size_t data)
{
    int                  rc;
    news_shared_t       *sh;
    pthread_mutexattr_t  ma;

    if (size < news_shared_size(data)) {
        errno = EINVAL;
        return -1;
    }

    memset(mem, 0, size);
    sh = mem;
    sh->data = data;
    sh->slot = NEWS_SHARED_ALIGN(NEWS_SHARED_ALIGN(sizeof(news_slot_t))
                                 + data);
    sh->nslots = NEWS_SHARED_SLOTS;

    /* POSIX allows these to fail; glibc's fail only on bad arguments */
    rc = pthread_mutexattr_init(&ma);
    if (rc == 0) {
        rc = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
        if (rc == 0) {
            rc = pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
        }

        if (rc == 0) {
            rc = pthread_mutex_init(&sh->lock, &ma);
        }

        pthread_mutexattr_destroy(&ma);
    }

    if (rc != 0) {
        errno = rc;
        return -1;
    }

    return 0;
}


int
news_shared_run(news_shared_t *sh, news_writer_t *w, news_write_pt apply,
    news_shared_fill_pt fill, void *arg, size_t len, void *out, size_t back,
    news_err_t *err)
{
    int               rc, ticked;
    pid_t             self;
    time_t            deadline;
    news_slot_t      *s;
    struct timespec   now;

    if (len > sh->data || back > len) {
        return NEWS_SHARED_LOCAL;
    }

    self = getpid();
    clock_gettime(CLOCK_MONOTONIC, &now);
    deadline = now.tv_sec + NEWS_SHARED_WAIT;

    news_shared_lock(sh);

    s = news_shared_free_slot(sh);
    if (s == NULL) {
        pthread_mutex_unlock(&sh->lock);
        return NEWS_SHARED_LOCAL;
    }

    fill(news_slot_data(s), arg);
    s->len = len;
    s->owner = self;
    s->taker = 0;
    s->state = NEWS_SLOT_FILLED;

    ticked = 0;

    for ( ;; ) {

        if (s->state == NEWS_SLOT_DONE) {
            rc = s->rc;
            if (rc != NEWS_OK) {
                *err = s->err;
            }

            memcpy(out, news_slot_data(s), back);
            s->state = NEWS_SLOT_FREE;
            break;
        }

        /* a leader killed while it led leads no more */
        if (ticked && sh->leader != 0 && !news_shared_alive(sh->leader)) {
            sh->leader = 0;
        }

        if (s->state == NEWS_SLOT_FILLED && sh->leader == 0) {
            news_shared_lead(sh, w, apply);
            continue;
        }

        if (ticked && s->state == NEWS_SLOT_TAKEN && s->taker != self
            && !news_shared_alive(s->taker))
        {
            s->state = NEWS_SLOT_FREE;
            rc = news_err_set(err, NEWS_BUSY, "the process writing this "
                              "comment stopped: it may or may not have "
                              "been saved");
            break;
        }

        clock_gettime(CLOCK_MONOTONIC, &now);

        if (now.tv_sec >= deadline) {
            rc = news_shared_give_up(s, err);
            break;
        }

        ticked = news_shared_wait(sh);
    }

    pthread_mutex_unlock(&sh->lock);

    return rc;
}


void
news_shared_counts(news_shared_t *sh, unsigned long *batches,
    unsigned long *writes, unsigned long *mixed)
{
    news_shared_lock(sh);
    *batches = sh->batches;
    *writes = sh->writes;
    *mixed = sh->mixed;
    pthread_mutex_unlock(&sh->lock);
}


/*
 * A process killed while holding the lock leaves it to the next: what it
 * was changing is a slot's state or the leader, each one store, which
 * the waiters' looks for the dead put right.
 */
static void
news_shared_lock(news_shared_t *sh)
{
    if (pthread_mutex_lock(&sh->lock) == EOWNERDEAD) {
        (void) pthread_mutex_consistent(&sh->lock);
    }
}


/*
 * With the lock held: until the next wake-up call, a tick at most; 1 when
 * the tick ran out.  Not a process-shared condition variable: glibc's
 * may keep a waker waiting for a waiter that was killed while it waited
 * (its group references), and the waker would hold the lock.  A futex
 * forgets a dead waiter.
 */
static int
news_shared_wait(news_shared_t *sh)
{
    long             rc;
    uint32_t         seen;
    struct timespec  t;

    seen = __atomic_load_n(&sh->wakes, __ATOMIC_ACQUIRE);
    t.tv_sec = 0;
    t.tv_nsec = NEWS_SHARED_TICK_MS * 1000000L;

    pthread_mutex_unlock(&sh->lock);

    rc = syscall(SYS_futex, &sh->wakes, FUTEX_WAIT, seen, &t, NULL, 0);
    rc = (rc == -1 && errno == ETIMEDOUT);

    news_shared_lock(sh);

    return (int) rc;
}


/* with the lock held: every waiter looks again */
static void
news_shared_wake(news_shared_t *sh)
{
    __atomic_add_fetch(&sh->wakes, 1, __ATOMIC_RELEASE);
    (void) syscall(SYS_futex, &sh->wakes, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}


static news_slot_t *
news_shared_slot(news_shared_t *sh, unsigned i)
{
    return (news_slot_t *) ((unsigned char *) sh
                            + NEWS_SHARED_ALIGN(sizeof(news_shared_t))
                            + (size_t) i * sh->slot);
}


static unsigned char *
news_slot_data(news_slot_t *s)
{
    return (unsigned char *) s + NEWS_SHARED_ALIGN(sizeof(news_slot_t));
}


/*
 * With the lock held.  When every slot is in use, those whose processes
 * died are taken back (a second pass, only then: it asks the kernel about
 * each).
 */
static news_slot_t *
news_shared_free_slot(news_shared_t *sh)
{
    unsigned      i;
    news_slot_t  *s;

    for (i = 0; i < sh->nslots; i++) {
        s = news_shared_slot(sh, i);
        if (s->state == NEWS_SLOT_FREE) {
            return s;
        }
    }

    for (i = 0; i < sh->nslots; i++) {
        s = news_shared_slot(sh, i);
        if (news_shared_abandoned(s)) {
            return s;
        }
    }

    return NULL;
}


/*
 * A slot nobody will free: done, its writer's process dead; or in a batch
 * of a dead process, its writer gone too.  A filled slot of a dead
 * process is still written by the next batch.
 */
static int
news_shared_abandoned(news_slot_t *s)
{
    switch (s->state) {

    case NEWS_SLOT_DONE:
        return !news_shared_alive(s->owner);

    case NEWS_SLOT_LEFT:
        return !news_shared_alive(s->taker);

    case NEWS_SLOT_TAKEN:
        return !news_shared_alive(s->taker) && !news_shared_alive(s->owner);

    default:
        return 0;
    }
}


static int
news_shared_alive(pid_t pid)
{
    return kill(pid, 0) == 0 || errno != ESRCH;
}


/*
 * Called and returns with the lock held.  Takes every filled slot, of
 * every process, into one op of this process's writer; the outcomes go
 * into the slots once the op's commit is on disk (news_writer_run
 * returns then), or failed: the op's failure is each slot's.
 */
static void
news_shared_lead(news_shared_t *sh, news_writer_t *w, news_write_pt apply)
{
    unsigned             i, mixed;
    news_slot_t         *s;
    news_write_op_t      op;
    news_shared_batch_t  b;

    b.sh = sh;
    b.apply = apply;
    b.lead = ++sh->lead;
    b.n = 0;
    mixed = 0;
    sh->leader = getpid();

    for (i = 0; i < sh->nslots; i++) {
        s = news_shared_slot(sh, i);

        if (s->state == NEWS_SLOT_FILLED) {
            s->state = NEWS_SLOT_TAKEN;
            s->taker = sh->leader;
            s->rc = NEWS_ERROR;
            mixed |= (s->owner != sh->leader);
            b.taken[b.n++] = i;
        }
    }

    pthread_mutex_unlock(&sh->lock);

    memset(&op, 0, sizeof(op));
    op.apply = news_shared_apply;
    op.arg = &b;
    op.ended = news_shared_ended;
    op.nests = 1;

    (void) news_writer_run(w, &op);

    news_shared_lock(sh);

    for (i = 0; i < b.n; i++) {
        s = news_shared_slot(sh, b.taken[i]);

        if (op.rc != NEWS_OK) {
            s->rc = op.rc;
            s->err = op.err;
        }

        /* one its writer gave up on, or that a waiter failed as dead */
        if (s->state == NEWS_SLOT_LEFT) {
            s->state = NEWS_SLOT_FREE;

        } else if (s->state == NEWS_SLOT_TAKEN) {
            s->state = NEWS_SLOT_DONE;
        }
    }

    sh->batches++;
    sh->writes += b.n;
    sh->mixed += mixed;
    news_shared_wake(sh);
}


/*
 * In the batch's txn, in whichever thread of the leader's process leads
 * its writer: each slot's write nested, its outcome in the slot (read
 * only once the slot is done).  What fails the whole batch fails the op.
 */
static int
news_shared_apply(news_store_t *st, MDB_txn *txn, void *arg, news_err_t *err)
{
    news_shared_batch_t *b = arg;

    unsigned          i;
    news_slot_t      *s;
    news_write_op_t   op;

    for (i = 0; i < b->n; i++) {
        s = news_shared_slot(b->sh, b->taken[i]);

        memset(&op, 0, sizeof(op));
        op.apply = b->apply;
        op.arg = news_slot_data(s);

        if (news_writer_nest(st, txn, &op) != NEWS_OK) {
            *err = op.err;
            return op.rc;
        }

        s->rc = op.rc;
        s->err = op.err;
    }

    return NEWS_OK;
}


/*
 * With the writer's lock held: the batch has committed (or failed); the
 * next may begin, in any process, while this one's commit waits for the
 * disk.
 */
static void
news_shared_ended(news_write_op_t *op)
{
    news_shared_batch_t *b = op->arg;

    news_shared_t  *sh;

    sh = b->sh;

    news_shared_lock(sh);

    if (sh->lead == b->lead) {
        sh->leader = 0;
        news_shared_wake(sh);
    }

    pthread_mutex_unlock(&sh->lock);
}


/* with the lock held: nobody finished the slot in time */
static int
news_shared_give_up(news_slot_t *s, news_err_t *err)
{
    if (s->state == NEWS_SLOT_FILLED) {
        s->state = NEWS_SLOT_FREE;
        return news_err_set(err, NEWS_BUSY, "the store's writer did not "
                            "take this comment in time: it was not saved");
    }

    s->state = NEWS_SLOT_LEFT;

    return news_err_set(err, NEWS_BUSY, "the store's writer did not finish "
                        "this comment in time: it may or may not have been "
                        "saved");
}
