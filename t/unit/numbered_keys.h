/*
 * The writer tests' writes: an empty value under key "k%06d" in the
 * throttle database, and the read that finds it again.
 */

#ifndef NEWS_TEST_NUMBERED_KEYS_H
#define NEWS_TEST_NUMBERED_KEYS_H

#include <stdio.h>
#include <string.h>

#include "store.h"


static void
numbered_key(int n, char *key, size_t size, MDB_val *k)
{
    snprintf(key, size, "k%06d", n);
    k->mv_data = key;
    k->mv_size = strlen(key);
}


static int
numbered_put(news_store_t *s, MDB_txn *txn, int n, news_err_t *err)
{
    int      rc;
    char     key[32];
    MDB_val  k, v;

    numbered_key(n, key, sizeof(key), &k);
    v.mv_data = "";
    v.mv_size = 0;

    rc = mdb_put(txn, s->dbi[NEWS_DB_THROTTLE], &k, &v, 0);

    return rc == 0 ? NEWS_OK : news_store_fail(err, rc, "put");
}

#endif /* NEWS_TEST_NUMBERED_KEYS_H */
