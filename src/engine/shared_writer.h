/*
 * One group commit for every process of a store: the comment posts of
 * all of nginx's workers share a batch, instead of each worker's writer
 * (writer.h) committing and syncing its own part of them in turn on
 * LMDB's one write lock.
 *
 * The state lives in memory shared by the processes, made once before
 * they start (news_shared_init): a process-shared robust mutex, a
 * futex word the waiters sleep on (with a timeout), and a fixed array of
 * slots, each holding one write's input and then its outcome.
 *
 * A thread that brings a write puts it in a free slot.  If no process
 * leads, it leads: it takes every filled slot, of any process, and hands
 * them to its own process's writer as one op, whose apply runs each
 * slot's write in a nested txn (one that fails is undone alone).  The
 * leadership goes as soon as that batch has committed, so the next
 * batch is applied while this one's commit waits for the disk; the
 * outcomes go into the slots only once the commit is on disk (or has
 * failed), and every waiter is woken.  Others wait for their slot's
 * outcome, looking now and then for a leader that died:
 *
 * - a process killed while it leads: its slots may or may not be written;
 *   each is answered NEWS_BUSY (503), never a success;
 * - a slot nobody finishes in NEWS_SHARED_WAIT seconds: NEWS_BUSY too;
 * - no free slot, or a write larger than a slot: the caller writes
 *   through its own process's writer (news_shared_run returns
 *   NEWS_SHARED_LOCAL).
 *
 * Everything here blocks: it runs in thread-pool threads, never in an
 * event loop.
 */

#ifndef NEWS_SHARED_WRITER_H
#define NEWS_SHARED_WRITER_H

#include <stddef.h>

#include "store.h"
#include "writer.h"


#define NEWS_SHARED_SLOTS   128      /* writes waiting or in a batch */
#define NEWS_SHARED_WAIT    30       /* seconds a write waits for its batch */
#define NEWS_SHARED_LOCAL   (-1)     /* not taken: use the process's writer */


typedef struct news_shared_s  news_shared_t;

/* writes a write's input into its slot (len bytes, under the lock) */
typedef void (*news_shared_fill_pt)(void *slot, void *arg);


/* the bytes the shared state takes with slots of `data` bytes each */
size_t news_shared_size(size_t data);

/*
 * Makes the state in `mem` (size bytes, from news_shared_size(data)),
 * shared by the processes that will map it; once, before they start.
 * -1 and errno when the mutex cannot be made.
 */
int news_shared_init(void *mem, size_t size, size_t data);

/*
 * Applies apply(st, txn, slot, err) durably in a batch led by whichever
 * process leads, through the leading process's writer w (every process
 * passes the same apply).  fill(slot, arg) writes the write's input, len
 * bytes, straight into a free slot; the apply reads it there and leaves
 * its output in the slot's first `back` bytes, which are copied to out.
 * Returns the write's NEWS_* (err set), or NEWS_SHARED_LOCAL.
 */
int news_shared_run(news_shared_t *sh, news_writer_t *w, news_write_pt apply,
    news_shared_fill_pt fill, void *arg, size_t len, void *out, size_t back,
    news_err_t *err);

/*
 * For the curious: batches led and writes in them, of every process, and
 * the batches that took another process's writes
 */
void news_shared_counts(news_shared_t *sh, unsigned long *batches,
    unsigned long *writes, unsigned long *mixed);

#endif /* NEWS_SHARED_WRITER_H */
