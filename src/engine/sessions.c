/*
 * Sessions and CSRF tokens (see sessions.h).
 */

#include <string.h>

#include "sessions.h"
#include "text.h"


#define NEWS_PURGE_BATCH    32


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

    /* never taken in a test: see news_random */
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
