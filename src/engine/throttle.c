/*
 * The failed-login throttle (see throttle.h).
 */

#include <string.h>

#include "sessions.h"
#include "text.h"
#include "throttle.h"


#define NEWS_THROTTLE_REC   28


typedef struct {
    uint32_t    attempts;
    int64_t     last;
    int64_t     until;      /* no attempt before */
    int64_t     busy;       /* an attempt in flight, until */
} news_throttle_rec_t;


static int news_throttle_get(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *k, news_throttle_rec_t *rec);
static int news_throttle_put(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *k, const news_throttle_rec_t *rec);


size_t
news_throttle_key_name(const char *name, size_t n, unsigned char *key)
{
    key[0] = 'u';

    return 1 + news_username_key(name, n, (char *) key + 1);
}


size_t
news_throttle_key_addr(const void *addr, size_t n, unsigned char *key)
{
    if (n > 16) {
        n = 16;
    }

    key[0] = 'a';
    memcpy(key + 1, addr, n);

    return 1 + n;
}


size_t
news_throttle_key_pair(const char *name, size_t n, const void *addr,
    size_t alen, unsigned char *key)
{
    size_t  len;

    if (alen > 16) {
        alen = 16;
    }

    key[0] = 'p';
    len = 1 + news_username_key(name, n, (char *) key + 1);
    key[len++] = '\0';
    memcpy(key + len, addr, alen);

    return len + alen;
}


size_t
news_throttle_key_register(const void *addr, size_t n, unsigned char *key)
{
    size_t  len;

    len = news_throttle_key_addr(addr, n, key);
    key[0] = 'r';

    return len;
}


/* a throttle record: 20 bytes in stores from before the in-flight mark */
static int
news_throttle_get(news_store_t *st, MDB_txn *txn, const news_throttle_t *k,
    news_throttle_rec_t *rec)
{
    int                   rc;
    MDB_val               key, val;
    const unsigned char  *p;

    memset(rec, 0, sizeof(*rec));

    key.mv_data = (void *) k->key;
    key.mv_size = k->len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_THROTTLE], &key, &val);
    if (rc != 0) {
        return rc == MDB_NOTFOUND ? 0 : rc;
    }

    if (val.mv_size != NEWS_THROTTLE_REC && val.mv_size != 20) {
        return 0;
    }

    p = val.mv_data;
    rec->attempts = news_be32_get(p);
    rec->last = (int64_t) news_be64_get(p + 4);
    rec->until = (int64_t) news_be64_get(p + 12);
    rec->busy = val.mv_size == NEWS_THROTTLE_REC
                ? (int64_t) news_be64_get(p + 20) : 0;

    return 0;
}


static int
news_throttle_put(news_store_t *st, MDB_txn *txn, const news_throttle_t *k,
    const news_throttle_rec_t *rec)
{
    MDB_val        key, val;
    unsigned char  p[NEWS_THROTTLE_REC];

    key.mv_data = (void *) k->key;
    key.mv_size = k->len;

    if (rec->attempts == 0 && rec->busy == 0) {
        return mdb_del(txn, st->dbi[NEWS_DB_THROTTLE], &key, NULL);
    }

    news_be32_put(p, rec->attempts);
    news_be64_put(p + 4, (uint64_t) rec->last);
    news_be64_put(p + 12, (uint64_t) rec->until);
    news_be64_put(p + 20, (uint64_t) rec->busy);

    val.mv_data = p;
    val.mv_size = sizeof(p);

    return mdb_put(txn, st->dbi[NEWS_DB_THROTTLE], &key, &val, 0);
}


int
news_throttle_wait(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int64_t now, int64_t *wait,
    int *in_flight)
{
    int                  rc;
    size_t               i;
    news_throttle_rec_t  rec;

    *wait = 0;
    *in_flight = 0;

    for (i = 0; i < n; i++) {
        rc = news_throttle_get(st, txn, &keys[i], &rec);
        if (rc != 0) {
            return rc;
        }

        if (rec.until - now > *wait) {
            *wait = rec.until - now;
        }

        if (keys[i].busy && rec.busy > now) {
            *in_flight = 1;
        }
    }

    /* held back by counted attempts, or only by one still in flight */
    if (*wait > 0) {
        *in_flight = 0;

    } else if (*in_flight) {
        *wait = 1;
    }

    return 0;
}


int
news_attempt_begin(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int64_t now, int64_t *wait,
    int *in_flight, news_err_t *err)
{
    int                  rc;
    size_t               i;
    int64_t              delay;
    unsigned             over;
    news_throttle_rec_t  rec;

    /* the check and the count in one write txn: no attempt slips between */
    rc = news_throttle_wait(st, txn, keys, n, now, wait, in_flight);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the throttle");
    }

    if (*wait > 0) {
        return news_err_set(err, NEWS_LIMITED,
                            *in_flight ? "another attempt in flight"
                                       : "too many attempts");
    }

    for (i = 0; i < n; i++) {
        rc = news_throttle_get(st, txn, &keys[i], &rec);
        if (rc != 0) {
            return news_store_fail(err, rc, "reading the throttle");
        }

        if (now - rec.last > NEWS_THROTTLE_WINDOW) {
            rec.attempts = 0;
        }

        if (rec.attempts < UINT32_MAX) {
            rec.attempts++;
        }

        delay = 0;

        if (keys[i].limit && rec.attempts >= keys[i].limit) {
            over = rec.attempts - keys[i].limit;

            if (keys[i].slow) {
                delay = NEWS_THROTTLE_SLOW;

            } else {
                delay = (over >= 10) ? NEWS_THROTTLE_MAX
                                     : (int64_t) NEWS_THROTTLE_BASE << over;
                if (delay > NEWS_THROTTLE_MAX) {
                    delay = NEWS_THROTTLE_MAX;
                }
            }
        }

        rec.last = now;
        rec.until = now + delay;
        rec.busy = keys[i].busy ? now + NEWS_THROTTLE_BUSY : 0;

        rc = news_throttle_put(st, txn, &keys[i], &rec);
        if (rc != 0) {
            return news_store_fail(err, rc, "writing the throttle");
        }
    }

    return NEWS_OK;
}


int
news_attempt_end(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int ok, news_err_t *err)
{
    int                  rc;
    size_t               i;
    news_throttle_rec_t  rec;

    for (i = 0; i < n; i++) {
        if (!keys[i].busy && !(ok && keys[i].success != NEWS_THROTTLE_KEEP)) {
            continue;
        }

        rc = news_throttle_get(st, txn, &keys[i], &rec);
        if (rc != 0) {
            return news_store_fail(err, rc, "reading the throttle");
        }

        rec.busy = 0;

        if (ok && keys[i].success == NEWS_THROTTLE_FORGET) {
            rec.attempts = 0;

        } else if (ok && keys[i].success == NEWS_THROTTLE_UNDO
                   && rec.attempts > 0)
        {
            rec.attempts--;

            if (keys[i].limit == 0 || rec.attempts < keys[i].limit) {
                rec.until = 0;
            }
        }

        rc = news_throttle_put(st, txn, &keys[i], &rec);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            return news_store_fail(err, rc, "writing the throttle");
        }
    }

    return NEWS_OK;
}
