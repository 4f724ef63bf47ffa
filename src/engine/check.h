/*
 * The store's invariants, checked: every index agrees with the records it
 * indexes, and every count with what it counts.  For `newsctl check`, the
 * fuzzers and the fault tests, after the fact; never on a request's path
 * (it reads the whole store).
 *
 * Each database has one walker in check.c's table, called for every one
 * of its entries; a walker looks up what the entry refers to, so the
 * whole check costs one pass over the store and a lookup or two per
 * entry.  Adding a check is a function and a line in that table.
 */

#ifndef NEWS_CHECK_H
#define NEWS_CHECK_H

#include <stddef.h>

#include "buf.h"
#include "store.h"


#define NEWS_CHECK_LINES  1000      /* violations written; more are counted */


typedef struct {
    news_buf_t  lines;      /* "database: what is wrong\n" per violation */
    size_t      violations;
    size_t      entries;    /* entries walked */
} news_check_t;


/*
 * Walks every database in txn (a read txn, or a write txn to check its
 * own changes before commit).  Violations go to r (which the caller
 * initialises with news_check_init and frees with news_check_free);
 * NEWS_OK unless the walk itself failed (err says why).
 */
int news_check_store(news_store_t *st, MDB_txn *txn, news_check_t *r,
    news_err_t *err);

void news_check_init(news_check_t *r);
void news_check_free(news_check_t *r);

#endif /* NEWS_CHECK_H */
