/*
 * Sessions, CSRF tokens and the login throttle (see sessions.h).
 */

#include <string.h>

#include "sessions.h"
#include "text.h"


#define NEWS_PURGE_BATCH    32
#define NEWS_THROTTLE_REC   28


typedef struct {
    uint32_t    attempts;
    int64_t     last;
    int64_t     until;      /* no attempt before */
    int64_t     busy;       /* an attempt in flight, until */
} news_throttle_rec_t;


static void news_session_keys(const unsigned char hash[NEWS_SHA256_LEN],
    uint64_t uid, int64_t expires, unsigned char *s, unsigned char *e,
    unsigned char *u);
static int news_session_record(news_store_t *st, MDB_txn *txn,
    unsigned char ks[1 + NEWS_SHA256_LEN], MDB_val *key, MDB_val *val);
static int news_session_drop_hash(news_store_t *st, MDB_txn *txn,
    const unsigned char hash[NEWS_SHA256_LEN], char keep);
static int news_session_drop_indexed(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, void *arg, news_err_t *err);
static int news_session_json(const news_session_info_t *s, void *data);
static int news_throttle_get(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *k, news_throttle_rec_t *rec);
static int news_throttle_put(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *k, const news_throttle_rec_t *rec);


size_t
news_username_key(const char *s, size_t n, char *out)
{
    size_t  i;

    if (n > NEWS_NAME_MAX) {
        n = NEWS_NAME_MAX;
    }

    for (i = 0; i < n; i++) {
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char) (s[i] | 0x20) : s[i];
    }

    return n;
}


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


/*
 * The record of the session whose token's hash the caller put in ks + 1:
 * its key ('s' . hash) made in ks and key, for a write after; mdb_get's
 * code, or MDB_CORRUPTED for a record of the wrong size
 */
static int
news_session_record(news_store_t *st, MDB_txn *txn,
    unsigned char ks[1 + NEWS_SHA256_LEN], MDB_val *key, MDB_val *val)
{
    int  rc;

    ks[0] = 's';
    key->mv_data = ks;
    key->mv_size = 1 + NEWS_SHA256_LEN;

    rc = mdb_get(txn, st->dbi[NEWS_DB_SESSIONS], key, val);
    if (rc != 0) {
        return rc;
    }

    return news_session_val_ok(val->mv_size) ? 0 : MDB_CORRUPTED;
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
    news_be64_put(rec + 24, (uint64_t) now);

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
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, int64_t idle,
    uint64_t *uid, int64_t *seen)
{
    int                   rc;
    MDB_val               key, val;
    const unsigned char  *p;
    unsigned char         ks[1 + NEWS_SHA256_LEN];

    news_sha256(token, NEWS_TOKEN_LEN, ks + 1);

    rc = news_session_record(st, txn, ks, &key, &val);
    if (rc != 0) {
        return rc;
    }

    p = val.mv_data;
    *seen = (int64_t) news_be64_get(p + (val.mv_size == NEWS_SESSION_VAL
                                         ? 24 : 16));

    /* an expired or idle session is gone for the reader before the purge */
    if ((int64_t) news_be64_get(p + 8) <= now
        || (idle && *seen + idle <= now))
    {
        return MDB_NOTFOUND;
    }

    *uid = news_be64_get(p);

    return 0;
}


int
news_session_touch(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  ks[1 + NEWS_SHA256_LEN], rec[NEWS_SESSION_VAL];

    news_sha256(token, NEWS_TOKEN_LEN, ks + 1);

    rc = news_session_record(st, txn, ks, &key, &val);
    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a session");
    }

    memcpy(rec, val.mv_data, 24);
    news_be64_put(rec + 24, (uint64_t) now);

    val.mv_data = rec;
    val.mv_size = sizeof(rec);

    rc = mdb_put(txn, st->dbi[NEWS_DB_SESSIONS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "marking a session seen");
    }

    return NEWS_OK;
}


int
news_sessions_each(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max,
    int (*fn)(const news_session_info_t *s, void *data), void *data,
    news_err_t *err)
{
    int                   rc;
    size_t                n;
    MDB_val               key, val, skey, rec;
    MDB_cursor           *cur;
    const unsigned char  *p;
    unsigned char         prefix[9], mine[NEWS_SHA256_LEN],
                          ks[1 + NEWS_SHA256_LEN];
    news_session_info_t   info;

    news_sha256(token, NEWS_TOKEN_LEN, mine);
    prefix[0] = 'u';
    news_be64_put(prefix + 1, uid);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    key.mv_data = prefix;
    key.mv_size = sizeof(prefix);

    for (n = 0, rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && n < max;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != 9 + NEWS_SHA256_LEN
            || memcmp(key.mv_data, prefix, sizeof(prefix)) != 0)
        {
            break;
        }

        memcpy(ks + 1, (unsigned char *) key.mv_data + 9, NEWS_SHA256_LEN);

        if (news_session_record(st, txn, ks, &skey, &rec) != 0) {
            continue;
        }

        p = rec.mv_data;
        memcpy(info.hash, ks + 1, NEWS_SHA256_LEN);
        info.expires = (int64_t) news_be64_get(p + 8);
        info.created = (int64_t) news_be64_get(p + 16);
        info.seen = (int64_t) news_be64_get(p + (rec.mv_size
                                                 == NEWS_SESSION_VAL
                                                 ? 24 : 16));
        info.current = memcmp(info.hash, mine, NEWS_SHA256_LEN) == 0;
        n++;

        if (fn(&info, data) != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "listing sessions");
    }

    return NEWS_OK;
}


static int
news_session_json(const news_session_info_t *s, void *data)
{
    news_buf_t  *out = data;

    if (out->failed) {
        return 1;
    }

    news_buf_adds(out, out->data[out->len - 1] == '[' ? "{\"id\":\""
                                                       : ",{\"id\":\"");
    news_hex_encode(out, s->hash, NEWS_SESSION_ID);
    news_buf_addl(out, "\",\"created_at\":\"");
    news_time_rfc3339(out, s->created);
    news_buf_addl(out, "\",\"last_seen\":\"");
    news_time_rfc3339(out, s->seen);
    news_buf_addl(out, "\",\"expires_at\":\"");
    news_time_rfc3339(out, s->expires);
    news_buf_adds(out, s->current ? "\",\"current\":true}"
                                  : "\",\"current\":false}");

    return 0;
}


int
news_sessions_json(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max, news_buf_t *out,
    news_err_t *err)
{
    int  rc;

    news_buf_addc(out, '[');

    rc = news_sessions_each(st, txn, uid, token, max, news_session_json, out,
                            err);

    news_buf_addc(out, ']');

    return rc;
}


int
news_session_end_id(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char id[NEWS_SESSION_ID], news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  k[9 + NEWS_SESSION_ID], hash[NEWS_SHA256_LEN];

    /* the user's own index: 'u' . uid . hash, seeked by the id's bytes */
    k[0] = 'u';
    news_be64_put(k + 1, uid);
    memcpy(k + 9, id, NEWS_SESSION_ID);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    if (rc == 0
        && (key.mv_size != 9 + NEWS_SHA256_LEN
            || memcmp(key.mv_data, k, sizeof(k)) != 0))
    {
        rc = MDB_NOTFOUND;
    }

    if (rc == 0) {
        memcpy(hash, (unsigned char *) key.mv_data + 9, NEWS_SHA256_LEN);
    }

    mdb_cursor_close(cur);

    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no such session");
    }

    if (rc == 0) {
        rc = news_session_drop_hash(st, txn, hash, 0);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "ending a session");
    }

    return NEWS_OK;
}


int
news_session_delete(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], news_err_t *err)
{
    int            rc;
    unsigned char  hash[NEWS_SHA256_LEN];

    news_sha256(token, NEWS_TOKEN_LEN, hash);

    rc = news_session_drop_hash(st, txn, hash, 0);
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
            rc = news_session_drop_hash(st, txn, token_hash, 0);
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


/*
 * Deletes the three keys of the session with this token hash ('s', 'e'
 * and 'u'), but the one of kind `keep` (0: none), which a walk over
 * those keys drops itself.
 */
static int
news_session_drop_hash(news_store_t *st, MDB_txn *txn,
    const unsigned char hash[NEWS_SHA256_LEN], char keep)
{
    int            rc, i;
    MDB_val        key, val;
    unsigned char  ks[1 + NEWS_SHA256_LEN], ke[9 + NEWS_SHA256_LEN],
                   ku[9 + NEWS_SHA256_LEN];

    memcpy(ks + 1, hash, NEWS_SHA256_LEN);

    rc = news_session_record(st, txn, ks, &key, &val);
    if (rc != 0) {
        return rc;
    }

    news_session_keys(hash, news_be64_get(val.mv_data),
                      (int64_t) news_be64_get((unsigned char *) val.mv_data
                                              + 8),
                      ks, ke, ku);

    for (i = 0; i < 3; i++) {
        key.mv_data = (i == 0) ? ks : (i == 1) ? ke : ku;
        key.mv_size = (i == 0) ? sizeof(ks) : sizeof(ke);

        if (((unsigned char *) key.mv_data)[0] == (unsigned char) keep) {
            continue;
        }

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
    unsigned char  prefix[9];

    prefix[0] = 'u';
    news_be64_put(prefix + 1, uid);

    return news_store_drop_each(st, txn, NEWS_DB_SESSIONS, prefix,
                                sizeof(prefix), NULL, 0,
                                news_session_drop_indexed, NULL, err);
}


/*
 * The session of a user's index key ('u' . uid . token hash) goes but
 * that key, which the walk drops itself; an index key without its
 * session (or not one of ours) goes alone.
 */
static int
news_session_drop_indexed(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, void *arg, news_err_t *err)
{
    int            rc;
    unsigned char  hash[NEWS_SHA256_LEN];

    (void) val;
    (void) arg;

    if (key->mv_size != 9 + NEWS_SHA256_LEN) {
        return NEWS_OK;
    }

    memcpy(hash, (unsigned char *) key->mv_data + 9, NEWS_SHA256_LEN);

    rc = news_session_drop_hash(st, txn, hash, 'u');
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
