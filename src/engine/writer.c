/*
 * Group commit; see writer.h.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "writer.h"


static void news_writer_lead(news_writer_t *w);
static int news_writer_one(news_store_t *st, MDB_txn *txn,
    news_write_op_t *op);
static int news_writer_apply(news_writer_t *w, news_write_op_t *batch,
    MDB_txn **txn, news_err_t *err);
static int news_writer_wrote(news_writer_t *w, uint64_t txnid);
static void news_writer_settle(news_writer_t *w, news_write_op_t *op);
static int news_writer_sync(news_writer_t *w, news_err_t *err);


int
news_writer_init(news_writer_t *w, news_store_t *st)
{
    const char  *dir;
    char         path[PATH_MAX];

    memset(w, 0, sizeof(*w));
    w->st = st;
    w->fd = -1;

    /*
     * One sync a commit: LMDB syncs the data and leaves the meta page to
     * the next sync (writer.h).  Every write of this process after the
     * open comes through here, which makes up for it before answering.
     */
    /*
     * LMDB has just opened this very file by this name, so the name fits
     * and the open below can fail only out of descriptors; MDB_NOMETASYNC
     * is one of the flags mdb_env_set_flags changes on an open
     * environment: none of the three returns is taken
     */
    if (!st->readonly) {
        if (mdb_env_get_path(st->env, &dir) != 0
            || snprintf(path, sizeof(path), "%s/data.mdb", dir)
               >= (int) sizeof(path))
        {
            errno = ENAMETOOLONG;
            return -1;
        }

        w->fd = open(path, O_RDONLY|O_CLOEXEC);
        if (w->fd == -1) {
            return -1;
        }

        if (mdb_env_set_flags(st->env, MDB_NOMETASYNC, 1) != 0) {
            close(w->fd);
            errno = EINVAL;
            return -1;
        }
    }

    /*
     * with default attributes glibc's inits never fail; POSIX allows it:
     * none of the three below, nor "failed", is taken
     */
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        goto failed;
    }

    if (pthread_mutex_init(&w->sync_lock, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        goto failed;
    }

    if (pthread_cond_init(&w->cond, NULL) != 0) {
        pthread_mutex_destroy(&w->sync_lock);
        pthread_mutex_destroy(&w->lock);
        goto failed;
    }

    return 0;

failed:

    if (w->fd != -1) {
        (void) mdb_env_set_flags(st->env, MDB_NOMETASYNC, 0);
        close(w->fd);
    }

    return -1;
}


void
news_writer_destroy(news_writer_t *w)
{
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->sync_lock);
    pthread_mutex_destroy(&w->lock);

    if (w->fd != -1) {
        close(w->fd);
        w->fd = -1;
    }
}


int
news_writer_run(news_writer_t *w, news_write_op_t *op)
{
    op->done = 0;
    op->next = NULL;
    op->rc = NEWS_ERROR;
    op->txnid = 0;

    pthread_mutex_lock(&w->lock);

    if (w->tail) {
        w->tail->next = op;

    } else {
        w->head = op;
    }

    w->tail = op;

    while (!op->done) {

        if (op->txnid && w->durable >= op->txnid) {
            news_writer_settle(w, op);
            break;
        }

        /* op's batch, or a later one, whose commit will sync op's */
        if (!w->leader && w->head != NULL) {
            news_writer_lead(w);
            continue;
        }

        /*
         * Not committed yet, or a later commit is under way: its sync
         * comes after op's meta page.  A batch still being applied is
         * not waited for: its writes may take long (pages read from the
         * disk), and op's answer would wait on them.
         */
        if (op->txnid == 0 || w->committing) {
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }

        news_writer_settle(w, op);
    }

    pthread_mutex_unlock(&w->lock);

    return op->rc;
}


/*
 * Called and returns with the lock held.  The leadership goes as soon as
 * the commit returns: the batch's writes wait for the disk in their own
 * threads (news_writer_run), and the next batch may begin meanwhile.
 * committing tells them when a commit, whose sync will cover theirs, is
 * under way.
 */
static void
news_writer_lead(news_writer_t *w)
{
    int               rc, wrote;
    MDB_txn          *txn;
    uint64_t          txnid;
    news_err_t        err;
    unsigned long     failures;
    news_write_op_t  *batch, *p;

    w->leader = 1;
    batch = w->head;
    w->head = NULL;
    w->tail = NULL;
    failures = w->failures;

    pthread_mutex_unlock(&w->lock);

    txn = NULL;
    txnid = 0;
    wrote = 0;
    rc = news_writer_apply(w, batch, &txn, &err);

    if (rc == NEWS_OK) {
        txnid = mdb_txn_id(txn);

        pthread_mutex_lock(&w->lock);
        w->committing = 1;
        pthread_mutex_unlock(&w->lock);

        rc = news_store_commit(w->st, txn, &err);
        wrote = (rc == NEWS_OK && news_writer_wrote(w, txnid));
    }

    pthread_mutex_lock(&w->lock);

    if (wrote) {
        w->committed = txnid;

        /* its sync came after every earlier commit's meta page */
        if (txnid - 1 > w->durable) {
            w->durable = txnid - 1;
        }

    } else if (txnid && rc != NEWS_OK) {
        /* before the next commit of the process can begin (see failures) */
        w->failures++;
    }

    /* results are published under the lock the waiters read them in */
    for (p = batch; p; p = p->next) {
        if (rc != NEWS_OK) {
            p->rc = rc;
            p->err = err;
        }

        /* a refusal, or a batch that wrote nothing: no disk to wait for */
        if (wrote && p->rc == NEWS_OK) {
            p->txnid = txnid;
            p->failures = failures;

        } else {
            p->done = 1;
        }

        if (p->ended != NULL) {
            p->ended(p);
        }

        w->ops++;
    }

    w->leader = 0;
    w->committing = 0;
    w->batches++;
    pthread_cond_broadcast(&w->cond);
}


/*
 * Did the commit write?  LMDB ends a txn that changed nothing without
 * writing or syncing, and the next txn then has the same id.  The meta
 * pages in the map say which txn committed last, in any process: txnid
 * or later if this one wrote (later ones began after it).  They are read
 * without LMDB's lock, so one being written by another process may read
 * torn; that can only be one of txnid or later, which began after this
 * txn ended: if it says "wrote" of a txn that did not, its writes wait
 * for a sync they did not need, and the process's next commit, later than
 * that one, syncs for itself.  (A read txn would ask the lock file, but
 * may fail while another process grows the map.)
 */
static int
news_writer_wrote(news_writer_t *w, uint64_t txnid)
{
    MDB_envinfo  info;

    (void) mdb_env_info(w->st->env, &info);

    return info.me_last_txnid >= txnid;
}


/*
 * Called and returns with the lock held: op's commit is on disk, or is
 * synced now.  A failure of the process's commits or syncs since op's
 * batch began fails it: that failure may have been the report of its
 * pages.
 */
static void
news_writer_settle(news_writer_t *w, news_write_op_t *op)
{
    int         rc;
    news_err_t  err;

    rc = NEWS_OK;

    if (w->durable < op->txnid) {
        pthread_mutex_unlock(&w->lock);

        pthread_mutex_lock(&w->sync_lock);
        rc = news_writer_sync(w, &err);
        pthread_mutex_unlock(&w->sync_lock);

        pthread_mutex_lock(&w->lock);
    }

    /*
     * another batch's commit or sync failed while op's came through: only
     * concurrent writes with a failing sync, which no test lines up
     * (t/72 sends one request at a time)
     */
    if (rc == NEWS_OK && w->failures != op->failures) {
        rc = news_err_set(&err, NEWS_ERROR, "a write of the store may not "
                          "have reached the disk");
    }

    if (rc != NEWS_OK) {
        op->rc = rc;
        op->err = err;
    }

    op->done = 1;
}


/*
 * With sync_lock held: one fdatasync() covers every commit of the process
 * that returned before it began, unless one began meanwhile did it.
 */
static int
news_writer_sync(news_writer_t *w, news_err_t *err)
{
    int       rc;
    uint64_t  upto;

    pthread_mutex_lock(&w->lock);
    upto = w->committed;
    rc = (upto <= w->durable);
    pthread_mutex_unlock(&w->lock);

    if (rc) {
        return NEWS_OK;
    }

    rc = fdatasync(w->fd);

    pthread_mutex_lock(&w->lock);

    if (rc == 0) {
        if (upto > w->durable) {
            w->durable = upto;
        }

        w->syncs++;

        /* writes of other batches it covered need not wait for a leader */
        pthread_cond_broadcast(&w->cond);

    } else {
        rc = errno;
        w->failures++;
    }

    pthread_mutex_unlock(&w->lock);

    return rc == 0 ? NEWS_OK : news_store_fail(err, rc, "syncing the store");
}


/*
 * In the leader's thread, without the lock, so others queue meanwhile.
 * Each write runs in a nested txn: one that fails is undone alone (an op
 * that nests its own writes runs as it is, news_writer_one).  What
 * fails the whole batch (the map is full) is returned, the txn ended;
 * else the txn is left to commit.
 *
 * The batch's list of articles to re-render (st->dirty) is kept as it
 * was before each write and put back if the write fails: the write's own
 * entries go with it, and so do re-renders of the earlier writes' articles
 * that a full list made it do inside its nested txn (articles.c flushes a
 * full list at once), which the abort has undone; they run again at the
 * end of the batch.
 */
static int
news_writer_apply(news_writer_t *w, news_write_op_t *batch, MDB_txn **ptxn,
    news_err_t *err)
{
    MDB_txn          *txn;
    news_store_t     *st;
    news_write_op_t  *op;

    st = w->st;

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    /* work that many writes share (re-rendering pages) waits for flush */
    st->batching = (w->flush != NULL);
    st->ndirty = 0;

    for (op = batch; op; op = op->next) {

        /* a full map poisons the txn: the batch fails with it */
        if (news_writer_one(st, txn, op) != NEWS_OK) {
            *err = op->err;
            st->batching = 0;
            news_store_abort(st, txn);
            return op->rc;
        }
    }

    st->batching = 0;

    if (w->flush != NULL && w->flush(st, txn, NULL, err) != NEWS_OK) {
        news_store_abort(st, txn);
        return err->code;
    }

    *ptxn = txn;

    return NEWS_OK;
}


/*
 * One op of the batch: nested, unless it nests its own writes (a nested
 * txn has LMDB allocate 3 MiB of page lists; two levels of them a post
 * had glibc give the heap back and fault it in again, post after post)
 */
static int
news_writer_one(news_store_t *st, MDB_txn *txn, news_write_op_t *op)
{
    if (!op->nests) {
        return news_writer_nest(st, txn, op);
    }

    op->rc = op->apply(st, txn, op->arg, &op->err);

    return op->rc;
}


int
news_writer_nest(news_store_t *st, MDB_txn *txn, news_write_op_t *op)
{
    int            rc;
    unsigned       nsaved;
    MDB_txn       *child;
    news_dirty_t   saved[NEWS_DIRTY_MAX];

    rc = mdb_txn_begin(st->env, txn, 0, &child);
    if (rc != 0) {
        op->rc = news_store_fail(&op->err, rc, "beginning a nested write");
        return op->rc;
    }

    nsaved = st->ndirty;
    memcpy(saved, st->dirty, nsaved * sizeof(news_dirty_t));

    op->rc = op->apply(st, child, op->arg, &op->err);

    if (op->rc != NEWS_OK) {
        mdb_txn_abort(child);

    } else if ((rc = mdb_txn_commit(child)) != 0) {
        op->rc = news_store_fail(&op->err, rc, "writing");
    }

    if (op->rc != NEWS_OK) {
        st->ndirty = nsaved;
        memcpy(st->dirty, saved, nsaved * sizeof(news_dirty_t));
    }

    return op->rc == NEWS_FULL ? NEWS_FULL : NEWS_OK;
}
