/*
 * Group commit: writes from many threads share one LMDB write
 * transaction, so that one sync pays for a whole batch.
 *
 * A thread that brings a write queues it; if no batch is being written,
 * it becomes the leader, takes everything queued, applies each write in
 * a nested transaction (a failing write is undone alone) and commits
 * once.  The whole transaction begins and commits in the leader's own
 * thread, as MDB_NOTLS requires of write transactions.
 *
 * A commit syncs the data file once: the store runs with MDB_NOMETASYNC,
 * so LMDB writes the pages, fdatasync()s them and then writes the meta
 * page without a second sync.  The meta page of commit T is on disk once
 * any later commit, of any process, has synced the data file (which it
 * does after T's meta page was written), or after an explicit sync.  So
 * the leader hands the leadership on as soon as its commit returns, and
 * its batch waits for the next batch's commit when that commit is under
 * way (its sync covers this one); else it syncs the file itself, outside
 * LMDB's write lock, while the next batch is applied.  No
 * write is answered before its commit is on disk; a commit holds LMDB's
 * write lock for one sync, not two, and the second becomes none whenever
 * a commit of the same worker follows at once.
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

    /*
     * Optional: called once the op's batch has committed or failed, before
     * its commit is known on disk, with the writer's lock held (the shared
     * writer lets the next batch of every process begin there)
     */
    void             (*ended)(news_write_op_t *op);

    /*
     * Set when apply nests each of its own writes (the shared writer's
     * batch of posts): it runs in the batch's txn itself, not nested
     * once more, and its failure fails the batch, as a full map does
     */
    int                nests;

    int                rc;          /* out: NEWS_* */
    news_err_t         err;         /* out */
    int                done;
    news_write_op_t   *next;
    uint64_t           txnid;       /* its commit, till that is on disk */
    unsigned long      failures;    /* the writer's, when its batch began */
};


typedef struct {
    pthread_mutex_t    lock;
    pthread_cond_t     cond;
    pthread_mutex_t    sync_lock;   /* one explicit sync at a time */
    int                fd;          /* data.mdb, for the explicit syncs */
    news_write_op_t   *head;
    news_write_op_t   *tail;
    int                leader;
    int                committing;  /* the leader is in its commit */
    news_store_t      *st;
    news_write_pt      flush;       /* runs after a batch's writes */

    /*
     * Comment posts of every process of the store go through this one
     * (shared_writer.h); NULL: through this writer alone
     */
    struct news_shared_s  *shared;

    uint64_t           committed;   /* this process's last commit */
    uint64_t           durable;     /* every txn up to this one is on disk */

    /*
     * Commits and syncs of this process that failed.  A failed sync
     * reports a lost page once per open file, to the first sync that
     * asks: a batch that saw this move while it waited for the disk is
     * not told it got there.  The explicit syncs use a file of their own
     * (fd), one at a time, so that LMDB's syncs in commits and these
     * each see every error.
     */
    unsigned long      failures;

    unsigned long      batches;     /* for the curious: ops per commit */
    unsigned long      ops;
    unsigned long      syncs;       /* commits that needed a sync of their own */
} news_writer_t;


/* sets the store's MDB_NOMETASYNC: every write of the process comes here */
int news_writer_init(news_writer_t *w, news_store_t *st);
void news_writer_destroy(news_writer_t *w);

/* applies op durably, with whatever else is queued; blocks; any thread */
int news_writer_run(news_writer_t *w, news_write_op_t *op);

/*
 * In a batch's txn: op in a txn nested in txn, undone alone when it fails
 * (op->rc, op->err), the batch's list of pages to re-render kept as it
 * was before it.  Returns what fails the whole batch (a full map, a
 * nested txn that cannot begin: op->rc and op->err say), else NEWS_OK.
 */
int news_writer_nest(news_store_t *st, MDB_txn *txn, news_write_op_t *op);

#endif /* NEWS_WRITER_H */
