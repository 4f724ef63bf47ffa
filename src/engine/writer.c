/*
 * Group commit; see writer.h.
 */

#include <string.h>

#include "writer.h"


static int news_writer_apply(news_writer_t *w, news_write_op_t *batch,
    news_err_t *err);


int
news_writer_init(news_writer_t *w, news_store_t *st)
{
    memset(w, 0, sizeof(*w));
    w->st = st;

    /* with default attributes glibc's init never fails; POSIX allows it */
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        return -1;
    }

    if (pthread_cond_init(&w->cond, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        return -1;
    }

    return 0;
}


void
news_writer_destroy(news_writer_t *w)
{
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
}


int
news_writer_run(news_writer_t *w, news_write_op_t *op)
{
    int               rc;
    news_err_t        err;
    news_write_op_t  *batch, *p;

    op->done = 0;
    op->next = NULL;
    op->rc = NEWS_ERROR;

    pthread_mutex_lock(&w->lock);

    if (w->tail) {
        w->tail->next = op;

    } else {
        w->head = op;
    }

    w->tail = op;

    while (!op->done) {

        if (w->leader) {
            pthread_cond_wait(&w->cond, &w->lock);
            continue;
        }

        w->leader = 1;
        batch = w->head;
        w->head = NULL;
        w->tail = NULL;

        pthread_mutex_unlock(&w->lock);
        rc = news_writer_apply(w, batch, &err);
        pthread_mutex_lock(&w->lock);

        /* results are published under the lock the waiters read them in */
        for (p = batch; p; p = p->next) {
            if (rc != NEWS_OK) {
                p->rc = rc;
                p->err = err;
            }

            p->done = 1;
            w->ops++;
        }

        w->batches++;
        w->leader = 0;
        pthread_cond_broadcast(&w->cond);
    }

    pthread_mutex_unlock(&w->lock);

    return op->rc;
}


/*
 * In the leader's thread, without the lock, so others queue meanwhile.
 * Each write runs in a nested txn: one that fails is undone alone.  What
 * fails the whole batch (the map is full, the commit fails) is returned.
 *
 * The batch's list of articles to re-render (st->dirty) is kept as it
 * was before each write and put back if the write fails: the write's own
 * entries go with it, and so do re-renders of the earlier writes' articles
 * that a full list made it do inside its nested txn (articles.c flushes a
 * full list at once), which the abort has undone; they run again at the
 * end of the batch.
 */
static int
news_writer_apply(news_writer_t *w, news_write_op_t *batch, news_err_t *err)
{
    int               rc;
    unsigned          nsaved;
    MDB_txn          *txn, *child;
    news_store_t     *st;
    news_write_op_t  *op;
    news_dirty_t      saved[NEWS_DIRTY_MAX];

    st = w->st;

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    /* work that many writes share (re-rendering pages) waits for flush */
    st->batching = (w->flush != NULL);
    st->ndirty = 0;

    for (op = batch; op; op = op->next) {

        rc = mdb_txn_begin(st->env, txn, 0, &child);
        if (rc != 0) {
            st->batching = 0;
            news_store_abort(st, txn);
            return news_store_fail(err, rc, "beginning a nested write");
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

        /* a full map poisons the txn: the batch fails with it */
        if (op->rc == NEWS_FULL) {
            *err = op->err;
            st->batching = 0;
            news_store_abort(st, txn);
            return NEWS_FULL;
        }
    }

    st->batching = 0;

    if (w->flush != NULL && w->flush(st, txn, NULL, err) != NEWS_OK) {
        news_store_abort(st, txn);
        return err->code;
    }

    return news_store_commit(st, txn, err);
}
