/*
 * The failed-login throttle, in the store's throttle database:
 *
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
 */

#ifndef NEWS_THROTTLE_H
#define NEWS_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"


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

#endif /* NEWS_THROTTLE_H */
