/*
 * The outbox: the surrogate keys (keys.h) each write made stale, kept in
 * the store by the write's own transaction, so that a purge commits with
 * its change or goes with it, and none is lost while an edge is slow or
 * down.  A drainer (edge.h) tells each edge and moves its mark; entries
 * every edge has had, and entries older than the pages' max-age (every
 * copy of what they purge has expired by then), are dropped.
 *
 * The outbox database:
 *   'q' . be64 seq -> be64 time . keys, space-separated, then the
 *             comments' live events, a line each (live.h)
 *   'e' . edge URL -> be64 seq: the last entry that edge has had
 *   'r' -> be64 the last seq given
 */

#ifndef NEWS_OUTBOX_H
#define NEWS_OUTBOX_H

#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "store.h"


/*
 * Whether the outbox is kept: NEWS_OK once an nginx with news_edge has
 * put an edge's mark in the store (so that newsctl's writes are purged
 * too), NEWS_NOTFOUND for a site without edges, which keeps no outbox.
 * One seek.
 */
int news_outbox_kept(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* the same in a read txn of its own; 1 as well when it cannot tell */
int news_outbox_in_use(news_store_t *st);

/*
 * In the change's write txn: the keys of a change to article a, and the
 * live events of its comments' changes (live.h: lines, each after a
 * '\n'; NULL for none).
 */
int news_outbox_article(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, int what, unsigned pages,
    const news_buf_t *events, int64_t now, news_err_t *err);


typedef struct {
    uint64_t     seq;
    int64_t      time;
    size_t       off;           /* its keys in the batch's data */
    size_t       len;
} news_outbox_entry_t;

typedef struct {
    news_outbox_entry_t  *items;
    size_t                n;
    size_t                cap;
    news_buf_t            data;  /* the entries' keys, copied */
} news_outbox_batch_t;

void news_outbox_batch_init(news_outbox_batch_t *ob);
void news_outbox_batch_free(news_outbox_batch_t *ob);

/* the last entry's seq (0: none) */
int news_outbox_last(news_store_t *st, MDB_txn *txn, uint64_t *seq,
    news_err_t *err);

/* an edge's mark: NEWS_OK, or NEWS_NOTFOUND for an edge new to the store */
int news_outbox_mark_of(news_store_t *st, MDB_txn *txn, const char *edge,
    uint64_t *seq, news_err_t *err);

/* up to max entries after seq `after`, copied out of the map */
int news_outbox_read(news_store_t *st, MDB_txn *txn, uint64_t after,
    size_t max, news_outbox_batch_t *ob, news_err_t *err);


/*
 * A write (a news_write_pt, through the writer): each edge's new mark
 * (with no edge, every mark goes, and with them the outbox), then drops up to NEWS_OUTBOX_DROP_MAX entries from the oldest on while
 * each is at or before `done`, older than `stale`, or too short to read.
 */
#define NEWS_OUTBOX_DROP_MAX  1000

typedef struct {
    const char  **edges;
    uint64_t     *marks;
    unsigned      n;
    uint64_t      done;
    int64_t       stale;
} news_outbox_marks_t;

int news_outbox_mark(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);

#endif /* NEWS_OUTBOX_H */
