/*
 * Sessions, CSRF tokens and the failed-login throttle.
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
 *   throttle  'u' . name in lower case       -> be32 attempts |
 *             'a' . address bytes               be64 last attempt |
 *             'p' . name . 0 . address          be64 wait until |
 *             'r' . address                     be64 busy until
 *
 * The throttle counts login attempts before the password is hashed, so
 * that parallel guesses are counted as they come, not after their hashes:
 * news_attempt_begin() checks and counts every key of an attempt in one
 * write transaction and marks the busy ones as in flight; news_attempt_end()
 * takes the marks off and, on success, forgets or takes back the count.
 * A mark left by a worker that died mid-hash lapses by itself.
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
#define NEWS_THROTTLE_KEY    64
#define NEWS_THROTTLE_WINDOW 900        /* attempts older than this fade */
#define NEWS_THROTTLE_BASE   5          /* the first wait, seconds */
#define NEWS_THROTTLE_MAX    900        /* the longest wait, seconds */
#define NEWS_THROTTLE_BUSY   60         /* an in-flight mark lapses after */
#define NEWS_THROTTLE_SLOW   1          /* a slowed key: attempts spaced */


/* what a successful attempt does to a key's count */
enum {
    NEWS_THROTTLE_KEEP = 0,     /* counts anyway (registrations) */
    NEWS_THROTTLE_UNDO,         /* takes its own attempt back */
    NEWS_THROTTLE_FORGET        /* clears the key */
};


/* one key an attempt is counted under */
typedef struct {
    unsigned        limit;      /* attempts before the key must wait */
    unsigned        slow:1;     /* past the limit, space attempts by
                                   NEWS_THROTTLE_SLOW s rather than block */
    unsigned        busy:1;     /* one attempt in flight at a time */
    unsigned        success:2;  /* NEWS_THROTTLE_KEEP, _UNDO, _FORGET */
    size_t          len;
    unsigned char   key[NEWS_THROTTLE_KEY];
} news_throttle_t;


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


/*
 * Throttle keys: an account name (any case), an address (4 bytes of
 * IPv4, the /64 of IPv6), an account and an address together, and the
 * registrations of an address.  The key must hold NEWS_THROTTLE_KEY.
 */
size_t news_throttle_key_name(const char *name, size_t n, unsigned char *key);
size_t news_throttle_key_addr(const void *addr, size_t n, unsigned char *key);
size_t news_throttle_key_pair(const char *name, size_t n, const void *addr,
    size_t alen, unsigned char *key);
size_t news_throttle_key_register(const void *addr, size_t n,
    unsigned char *key);

/*
 * Seconds until an attempt under all n keys may begin (0: now; 1 while
 * another is in flight under a busy key, and then *in_flight is 1: no
 * count holds it back, only that attempt); 0 or an LMDB code.
 * Read-only: a quick check before any work is queued.
 */
int news_throttle_wait(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int64_t now, int64_t *wait,
    int *in_flight);

/*
 * In a write txn, before the expensive part: NEWS_LIMITED with *wait and
 * *in_flight set as news_throttle_wait() sets them if any key must wait,
 * else counts the attempt under every key (from
 * a hard key's limit-th attempt on it must wait 5 s, then 10, 20, ...
 * up to NEWS_THROTTLE_MAX; a slow key NEWS_THROTTLE_SLOW s), marks the
 * busy keys in flight, and returns NEWS_OK.
 */
int news_attempt_begin(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int64_t now, int64_t *wait,
    int *in_flight, news_err_t *err);

/* after it: clears the in-flight marks; ok applies each key's success */
int news_attempt_end(news_store_t *st, MDB_txn *txn,
    const news_throttle_t *keys, size_t n, int ok, news_err_t *err);

#endif /* NEWS_SESSIONS_H */
