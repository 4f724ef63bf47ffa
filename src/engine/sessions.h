/*
 * Sessions, CSRF tokens and the failed-login throttle.
 *
 * A session token is 256 bits from getrandom() and lives only in the
 * reader's cookie; the store keeps its SHA-256, so a copy of data.mdb
 * holds nothing that logs anyone in.
 *
 *   sessions  's' . sha256(token)            -> be64 user id |
 *                                               be64 expires | be64 created
 *             'e' . be64 expires . sha256    -> ""   (purge in time order)
 *             'u' . be64 user id . sha256    -> ""   (a user's sessions)
 *   throttle  'u' . name in lower case       -> be32 failures |
 *             'a' . address bytes               be64 last failure |
 *                                               be64 blocked until
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

#include "sha256.h"
#include "store.h"


#define NEWS_TOKEN_LEN       32
#define NEWS_TOKEN_HEX       64
#define NEWS_SESSION_VAL     24         /* user id, expires, created */
#define NEWS_THROTTLE_KEY    40
#define NEWS_THROTTLE_WINDOW 900        /* failures older than this fade */
#define NEWS_THROTTLE_BASE   5          /* the first wait, seconds */
#define NEWS_THROTTLE_MAX    900        /* the longest wait, seconds */


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

/* the user of a live session: 0, MDB_NOTFOUND (also when expired), or rc */
int news_session_find(news_store_t *st, MDB_txn *txn,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t now, uint64_t *uid);

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


/* throttle keys: an account name (any case) or an address */
size_t news_throttle_key_name(const char *name, size_t n, unsigned char *key);
size_t news_throttle_key_addr(const void *addr, size_t n, unsigned char *key);

/* seconds until this key may try again (0: now); an LMDB code on error */
int news_throttle_wait(news_store_t *st, MDB_txn *txn,
    const unsigned char *key, size_t klen, int64_t now, int64_t *wait);

/*
 * Counts a failure.  From the limit-th failure in a row on, the key must
 * wait 5 s, then 10, 20, ... up to NEWS_THROTTLE_MAX before the next try
 * (the first wait is several seconds so that whole-second clocks cannot
 * shrink it to nothing).
 */
int news_throttle_fail(news_store_t *st, MDB_txn *txn,
    const unsigned char *key, size_t klen, unsigned limit, int64_t now,
    news_err_t *err);

int news_throttle_clear(news_store_t *st, MDB_txn *txn,
    const unsigned char *key, size_t klen, news_err_t *err);

#endif /* NEWS_SESSIONS_H */
