/*
 * Sessions, CSRF tokens and the login throttle (see sessions.h).
 */

#include <string.h>

#include "sessions.h"
#include "text.h"
#include "users.h"


#define NEWS_PURGE_BATCH    32


static void news_session_keys(const unsigned char hash[NEWS_SHA256_LEN],
    uint64_t uid, int64_t expires, unsigned char *s, unsigned char *e,
    unsigned char *u);
static int news_session_drop_hash(news_store_t *st, MDB_txn *txn,
    const unsigned char hash[NEWS_SHA256_LEN]);


int
news_token_new(unsigned char token[NEWS_TOKEN_LEN])
{
    return news_random(token, NEWS_TOKEN_LEN);
}


static void
news_session_keys(const unsigned char hash[NEWS_SHA256_LEN], uint64_t uid,
    int64_t expires, unsigned char *s, unsigned char *e, unsigned char *u)
{
    s[0] = 's';
    memcpy(s + 1, hash, NEWS_SHA256_LEN);

    e[0] = 'e';
    news_be64_put(e + 1, (uint64_t) expires);
    memcpy(e + 9, hash, NEWS_SHA256_LEN);

    u[0] = 'u';
    news_be64_put(u + 1, uid);
    memcpy(u + 9, hash, NEWS_SHA256_LEN);
}


int
news_session_create(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int64_t now, int64_t ttl, unsigned char token[NEWS_TOKEN_LEN],
    news_err_t *err)
{
    int            rc;
    size_t         purged;
    MDB_val        key, val, empty;
    unsigned char  hash[NEWS_SHA256_LEN], rec[NEWS_SESSION_VAL];
    unsigned char  ks[1 + NEWS_SHA256_LEN], ke[9 + NEWS_SHA256_LEN],
                   ku[9 + NEWS_SHA256_LEN];

    if (news_sessions_purge(st, txn, now, NEWS_PURGE_BATCH, &purged, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (news_token_new(token) != 0) {
        return news_err_set(err, NEWS_ERROR, "getrandom() failed");
    }

    news_sha256(token, NEWS_TOKEN_LEN, hash);
    news_session_keys(hash, uid, now + ttl, ks, ke, ku);

    news_be64_put(rec, uid);
    news_be64_put(rec + 8, (uint64_t) (now + ttl));
    news_be64_put(rec + 16, (uint64_t) now);

    key.mv_data = ks;
    key.mv_size = sizeof(ks);
    val.mv_data = rec;
    val.mv_size = sizeof(rec);
    empty.mv_data = "";
    empty.mv_size = 0;

    rc = mdb_put(txn, st->dbi[NEWS_DB_SESSIONS], &key, &val, 0);

    if (rc == 0) {
        key.mv_data = ke;
        key.mv_size = sizeof(ke);
        rc = mdb_put(txn, st->dbi[NEWS_DB_SESSIONS], &key, &empty, 0);
    }

    if (rc == 0) {
        key.mv_data = ku;
        key.mv_size = sizeof(ku);
        rc = mdb_put(txn, st->dbi[NEWS_DB_SESSIONS], &key, &empty, 0);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "writing a session");
    }

    return NEWS_OK;
}


int
news_session_find(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, uint64_t *uid)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  ks[1 + NEWS_SHA256_LEN];

    ks[0] = 's';
    news_sha256(token, NEWS_TOKEN_LEN, ks + 1);

    key.mv_data = ks;
    key.mv_size = sizeof(ks);

    rc = mdb_get(txn, st->dbi[NEWS_DB_SESSIONS], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != NEWS_SESSION_VAL) {
        return MDB_CORRUPTED;
    }

    /* an expired session is gone for the reader even before the purge */
    if ((int64_t) news_be64_get((unsigned char *) val.mv_data + 8) <= now) {
        return MDB_NOTFOUND;
    }

    *uid = news_be64_get(val.mv_data);

    return 0;
}


int
news_session_delete(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], news_err_t *err)
{
    int            rc;
    unsigned char  hash[NEWS_SHA256_LEN];

    news_sha256(token, NEWS_TOKEN_LEN, hash);

    rc = news_session_drop_hash(st, txn, hash);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "deleting a session");
    }

    return NEWS_OK;
}


int
news_sessions_purge(news_store_t *st, MDB_txn *txn, int64_t now, size_t max,
    size_t *purged, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  token_hash[NEWS_SHA256_LEN], ke[9 + NEWS_SHA256_LEN];

    *purged = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    /*
     * The 'e' keys sort by expiry: the oldest is always the first one.
     * Seek afresh after every delete rather than trust a cursor whose
     * page the deletes may have changed.
     */
    while (*purged < max) {
        key.mv_data = "e";
        key.mv_size = 1;

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc != 0) {
            break;
        }

        if (((unsigned char *) key.mv_data)[0] != 'e'
            || (key.mv_size == sizeof(ke)
                && (int64_t) news_be64_get((unsigned char *) key.mv_data + 1)
                   > now))
        {
            break;
        }

        rc = MDB_NOTFOUND;

        if (key.mv_size == sizeof(ke)) {
            memcpy(token_hash, (unsigned char *) key.mv_data + 9,
                   NEWS_SHA256_LEN);
            rc = news_session_drop_hash(st, txn, token_hash);
        }

        /*
         * An expiry key without its session (or not one of ours): being
         * the oldest, it would stop every later purge here; drop it.  The
         * cursor is still on it: nothing was deleted meanwhile.
         */
        if (rc == MDB_NOTFOUND) {
            rc = mdb_cursor_del(cur, 0);
        }

        if (rc != 0) {
            break;
        }

        (*purged)++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "purging sessions");
    }

    return NEWS_OK;
}


/* deletes the three keys of the session with this token hash */
static int
news_session_drop_hash(news_store_t *st, MDB_txn *txn,
    const unsigned char hash[NEWS_SHA256_LEN])
{
    int            rc, i;
    MDB_val        key, val;
    unsigned char  ks[1 + NEWS_SHA256_LEN], ke[9 + NEWS_SHA256_LEN],
                   ku[9 + NEWS_SHA256_LEN];

    ks[0] = 's';
    memcpy(ks + 1, hash, NEWS_SHA256_LEN);
    key.mv_data = ks;
    key.mv_size = sizeof(ks);

    rc = mdb_get(txn, st->dbi[NEWS_DB_SESSIONS], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != NEWS_SESSION_VAL) {
        return MDB_CORRUPTED;
    }

    news_session_keys(hash, news_be64_get(val.mv_data),
                      (int64_t) news_be64_get((unsigned char *) val.mv_data
                                              + 8),
                      ks, ke, ku);

    for (i = 0; i < 3; i++) {
        key.mv_data = (i == 0) ? ks : (i == 1) ? ke : ku;
        key.mv_size = (i == 0) ? sizeof(ks) : sizeof(ke);

        rc = mdb_del(txn, st->dbi[NEWS_DB_SESSIONS], &key, NULL);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            return rc;
        }
    }

    return 0;
}


int
news_sessions_drop_user(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  prefix[9], hash[NEWS_SHA256_LEN];

    prefix[0] = 'u';
    news_be64_put(prefix + 1, uid);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    for ( ;; ) {
        key.mv_data = prefix;
        key.mv_size = sizeof(prefix);

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc != 0) {
            break;
        }

        if (key.mv_size != 9 + NEWS_SHA256_LEN
            || memcmp(key.mv_data, prefix, sizeof(prefix)) != 0)
        {
            rc = MDB_NOTFOUND;
            break;
        }

        memcpy(hash, (unsigned char *) key.mv_data + 9, NEWS_SHA256_LEN);

        rc = news_session_drop_hash(st, txn, hash);

        if (rc == MDB_NOTFOUND) {
            /* an index key without its session: drop the key alone */
            key.mv_data = prefix;
            rc = mdb_cursor_del(cur, 0);
        }

        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "deleting sessions");
    }

    return NEWS_OK;
}


void
news_csrf_token(const unsigned char secret[NEWS_TOKEN_LEN],
    const char *purpose, unsigned char out[NEWS_SHA256_LEN])
{
    news_sha256_t  s;

    news_sha256_init(&s);
    news_sha256_update(&s, purpose, strlen(purpose) + 1);
    news_sha256_update(&s, secret, NEWS_TOKEN_LEN);
    news_sha256_final(&s, out);
}


int
news_equal(const void *a, const void *b, size_t n)
{
    size_t                i;
    unsigned char         d;
    const unsigned char  *p, *q;

    p = a;
    q = b;
    d = 0;

    for (i = 0; i < n; i++) {
        d |= p[i] ^ q[i];
    }

    return d == 0;
}


size_t
news_throttle_key_name(const char *name, size_t n, unsigned char *key)
{
    key[0] = 'u';

    return 1 + news_username_key(name, n, (char *) key + 1);
}


size_t
news_throttle_key_addr(const void *addr, size_t n, unsigned char *key)
{
    if (n > NEWS_THROTTLE_KEY - 1) {
        n = NEWS_THROTTLE_KEY - 1;
    }

    key[0] = 'a';
    memcpy(key + 1, addr, n);

    return 1 + n;
}


int
news_throttle_wait(news_store_t *st, MDB_txn *txn, const unsigned char *key,
    size_t klen, int64_t now, int64_t *wait)
{
    int      rc;
    int64_t  until;
    MDB_val  k, v;

    *wait = 0;

    k.mv_data = (void *) key;
    k.mv_size = klen;

    rc = mdb_get(txn, st->dbi[NEWS_DB_THROTTLE], &k, &v);
    if (rc == MDB_NOTFOUND) {
        return 0;
    }

    if (rc != 0) {
        return rc;
    }

    if (v.mv_size != 20) {
        return 0;
    }

    until = (int64_t) news_be64_get((unsigned char *) v.mv_data + 12);

    if (until > now) {
        *wait = until - now;
    }

    return 0;
}


int
news_throttle_fail(news_store_t *st, MDB_txn *txn, const unsigned char *key,
    size_t klen, unsigned limit, int64_t now, news_err_t *err)
{
    int            rc;
    int64_t        last, delay;
    uint32_t       failures;
    MDB_val        k, v;
    unsigned char  rec[20];

    k.mv_data = (void *) key;
    k.mv_size = klen;

    failures = 0;

    rc = mdb_get(txn, st->dbi[NEWS_DB_THROTTLE], &k, &v);

    if (rc == 0 && v.mv_size == 20) {
        failures = news_be32_get(v.mv_data);
        last = (int64_t) news_be64_get((unsigned char *) v.mv_data + 4);

        if (now - last > NEWS_THROTTLE_WINDOW) {
            failures = 0;
        }

    } else if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the throttle");
    }

    if (failures < UINT32_MAX) {
        failures++;
    }

    delay = 0;

    if (limit && failures >= limit) {
        delay = (failures - limit >= 10)
                ? NEWS_THROTTLE_MAX
                : (int64_t) NEWS_THROTTLE_BASE << (failures - limit);
        if (delay > NEWS_THROTTLE_MAX) {
            delay = NEWS_THROTTLE_MAX;
        }
    }

    news_be32_put(rec, failures);
    news_be64_put(rec + 4, (uint64_t) now);
    news_be64_put(rec + 12, (uint64_t) (now + delay));

    v.mv_data = rec;
    v.mv_size = sizeof(rec);

    rc = mdb_put(txn, st->dbi[NEWS_DB_THROTTLE], &k, &v, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the throttle");
    }

    return NEWS_OK;
}


int
news_throttle_clear(news_store_t *st, MDB_txn *txn, const unsigned char *key,
    size_t klen, news_err_t *err)
{
    int      rc;
    MDB_val  k;

    k.mv_data = (void *) key;
    k.mv_size = klen;

    rc = mdb_del(txn, st->dbi[NEWS_DB_THROTTLE], &k, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "clearing the throttle");
    }

    return NEWS_OK;
}
