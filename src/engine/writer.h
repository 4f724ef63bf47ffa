/*
 * Group commit: writes from many threads share one LMDB write
 * transaction, so that one fsync pays for a whole batch.
 *
 * A thread that brings a write queues it; if no batch is being written,
 * it becomes the leader, takes everything queued, applies each write in
 * a nested transaction (a failing write is undone alone), commits once,
 * and wakes the others.  Otherwise it waits for the leader to finish its
 * write.  The whole transaction begins and commits in the leader's own
 * thread, as MDB_NOTLS requires of write transactions.
 */

#ifndef NEWS_WRITER_H
#define NEWS_WRITER_H

#include <pthread.h>

#include "store.h"


typedef int (*news_write_pt)(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);


typedef struct news_write_op_s  news_write_op_t;

struct news_write_op_s {
    news_write_pt      apply;
    void              *arg;
    int                rc;          /* out: NEWS_* */
    news_err_t         err;         /* out */
    int                done;
    news_write_op_t   *next;
};


typedef struct {
    pthread_mutex_t    lock;
    pthread_cond_t     cond;
    news_write_op_t   *head;
    news_write_op_t   *tail;
    int                leader;
    news_store_t      *st;
    news_write_pt      flush;       /* runs after a batch's writes */
    unsigned long      batches;     /* for the curious: ops per commit */
    unsigned long      ops;
} news_writer_t;


int news_writer_init(news_writer_t *w, news_store_t *st);
void news_writer_destroy(news_writer_t *w);

/* applies op durably, with whatever else is queued; blocks; any thread */
int news_writer_run(news_writer_t *w, news_write_op_t *op);

#endif /* NEWS_WRITER_H */
