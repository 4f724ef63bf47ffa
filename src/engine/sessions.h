/*
 * Sessions and CSRF tokens (the failed-login throttle is throttle.h's).
 *
 * A session token is 256 bits from getrandom() and lives only in the
 * reader's cookie; the store keeps its SHA-256, so a copy of data.mdb
 * holds nothing that logs anyone in.
 *
 *   sessions  's' . sha256(token)            -> be64 user id |
 *                                               be64 expires | be64 created |
 *                                               be64 last seen
 *             'e' . be64 expires . sha256    -> ""   (purge in time order)
 *             'u' . be64 user id . sha256    -> ""   (a user's sessions)
 *
 * CSRF tokens are derived, not stored: SHA-256 of a purpose label and a
 * secret the reader's browser already holds in an HttpOnly cookie (the
 * session token, or a pre-session token for the login and register
 * forms).  A page from another site can neither read the cookie nor
 * compute the token.
 */

#ifndef NEWS_SESSIONS_H
#define NEWS_SESSIONS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sha256.h"
#include "store.h"


#define NEWS_NAME_MIN        3          /* an account's name (users.h) */
#define NEWS_NAME_MAX        32
#define NEWS_TOKEN_LEN       32
#define NEWS_TOKEN_HEX       64
#define NEWS_SESSION_VAL     32         /* user id, expires, created,
                                           last seen */
#define NEWS_SESSION_VAL_OLD 24         /* before "last seen" was kept */
#define news_session_val_ok(n)                                              \
    ((n) == NEWS_SESSION_VAL || (n) == NEWS_SESSION_VAL_OLD)
#define NEWS_SESSION_SEEN    60         /* last seen is refreshed after */
#define NEWS_SESSION_ID      8          /* bytes of a session's id */


/* an account name's key in names: ASCII lower case, NEWS_NAME_MAX at most */
size_t news_username_key(const char *s, size_t n, char *out);

/* a fresh token from getrandom(); 0 or -1 */
int news_token_new(unsigned char token[NEWS_TOKEN_LEN]);

/*
 * Stores a session for user id that expires at now + ttl, with a fresh
 * token written to `token`.  Also purges a few expired sessions, so the
 * table never grows without bound.
 */
int news_session_create(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int64_t now, int64_t ttl, unsigned char token[NEWS_TOKEN_LEN],
    news_err_t *err);

/*
 * The user of a live session: 0, MDB_NOTFOUND (also when expired, or
 * idle, unused for `idle` seconds, when idle is not 0), or an LMDB code.
 * *seen is when it was last seen (to the NEWS_SESSION_SEEN).
 */
int news_session_find(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, int64_t idle,
    uint64_t *uid, int64_t *seen);

/* marks the session seen now (NEWS_OK also when it is gone) */
int news_session_touch(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, news_err_t *err);

/* one session of a user, as news_sessions_each() gives it */
typedef struct {
    unsigned char   hash[NEWS_SHA256_LEN];   /* of its token */
    int64_t         created;
    int64_t         seen;
    int64_t         expires;
    int             current;                 /* the asker's own */
} news_session_info_t;

/*
 * Calls fn for each session of a user (at most max), marking the one of
 * `token` current, until fn returns nonzero.
 */
int news_sessions_each(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max,
    int (*fn)(const news_session_info_t *s, void *data), void *data,
    news_err_t *err);

/*
 * A user's sessions as a JSON array (at most max): id (the first 16 hex
 * digits of the token's hash), created_at, last_seen, expires_at and
 * current (the one of `token`).
 */
int news_sessions_json(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max, news_buf_t *out,
    news_err_t *err);

/*
 * Ends the session of user uid whose id is `id` (NEWS_SESSION_ID bytes:
 * the first bytes of its token's SHA-256, as news_sessions_json() shows
 * them; never the token, which only the cookie holds).  Only uid's own
 * sessions are looked at: NEWS_NOTFOUND for any other id.
 */
int news_session_end_id(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const unsigned char id[NEWS_SESSION_ID], news_err_t *err);

/* deletes the session if it exists (NEWS_OK either way) */
int news_session_delete(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], news_err_t *err);

/* deletes up to max sessions that expired before now */
int news_sessions_purge(news_store_t *st, MDB_txn *txn, int64_t now,
    size_t max, size_t *purged, news_err_t *err);

/* deletes every session of a user */
int news_sessions_drop_user(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_err_t *err);

/* SHA-256(purpose . 0 . secret): the CSRF token of a form */
void news_csrf_token(const unsigned char secret[NEWS_TOKEN_LEN],
    const char *purpose, unsigned char out[NEWS_SHA256_LEN]);

/* compares without an early exit, so timing tells nothing; 1 if equal */
int news_equal(const void *a, const void *b, size_t n);


#endif /* NEWS_SESSIONS_H */
