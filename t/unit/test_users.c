/*
 * Unit tests of src/engine/sha256.c, users.c and sessions.c: SHA-256
 * against the FIPS 180-4 examples, name and password rules, Argon2id
 * hashes, the bounds of a suspension, and accounts (those refused and
 * those a damaged store holds among them), sessions and the throttle in a
 * real LMDB environment in a temporary directory.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "comments.h"
#include "community.h"
#include "service.h"
#include "sessions.h"
#include "text.h"
#include "throttle.h"
#include "users.h"


static char  dir[] = "/tmp/news-users-XXXXXX";


static const char *
sha_hex(const void *p, size_t n)
{
    static news_buf_t  b;
    unsigned char      d[NEWS_SHA256_LEN];

    news_sha256(p, n, d);
    news_buf_reset(&b);
    news_hex_encode(&b, d, sizeof(d));

    return news_buf_cstr(&b);
}


static int
add_user(news_store_t *st, const char *name, int role, news_user_t *u,
    news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    memset(u, 0, sizeof(*u));
    u->name_len = strlen(name);
    memcpy(u->name, name, u->name_len);
    u->role = role;
    strcpy(u->hash, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA");

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_user_add(st, txn, u, 1000, err);
    if (rc != NEWS_OK) {
        mdb_txn_abort(txn);
        return rc;
    }

    return news_store_commit(st, txn, err);
}


static void
test_sha256(void)
{
    size_t  i;
    char    million[1001];

    is_str(sha_hex("", 0),
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "sha256 of the empty string");
    is_str(sha_hex("abc", 3),
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "sha256 abc");
    is_str(sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                   56),
           "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
           "sha256 of 56 bytes (padding spills into a second block)");

    /* a million 'a', fed in pieces, crosses blocks at odd offsets */
    {
        news_sha256_t  s;
        unsigned char  d[NEWS_SHA256_LEN];
        news_buf_t     b;

        memset(million, 'a', sizeof(million));
        news_sha256_init(&s);
        for (i = 0; i < 1000; i++) {
            news_sha256_update(&s, million, i % 2 ? 999 : 1001);
        }
        news_sha256_final(&s, d);

        news_buf_init(&b);
        news_hex_encode(&b, d, sizeof(d));
        is_str(news_buf_cstr(&b),
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
               "sha256 of a million 'a' in uneven pieces");
        news_buf_free(&b);
    }
}


static void
test_rules(void)
{
    ok(news_username_valid("abc", 3), "3 letters is a name");
    ok(news_username_valid("A_b-9", 5), "letters, digits, _ and - are fine");
    ok(!news_username_valid("ab", 2), "2 letters is too short");
    ok(news_username_valid("abcdefghijabcdefghijabcdefghijab", 32),
       "32 is the longest");
    ok(!news_username_valid("abcdefghijabcdefghijabcdefghijabc", 33),
       "33 is too long");
    ok(!news_username_valid("a b", 3), "no spaces");
    ok(!news_username_valid("a\0b", 3), "no NUL");
    ok(!news_username_valid("caf\xc3\xa9", 5), "ASCII only");

    is_int(news_password_check("1234567", 7), NEWS_PASSWORD_SHORT,
           "7 characters is short");
    is_int(news_password_check("12345678", 8), NEWS_PASSWORD_OK,
           "8 characters is fine");
    is_int(news_password_check("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8),
           NEWS_PASSWORD_SHORT, "the minimum counts characters, not bytes");
    is_int(news_password_check("abc\xff" "defgh", 9), NEWS_PASSWORD_BAD,
           "not UTF-8");
    is_int(news_password_check("abcd\0efgh", 9), NEWS_PASSWORD_BAD, "NUL");

    {
        char  big[1025];

        memset(big, 'x', sizeof(big));
        is_int(news_password_check(big, 1024), NEWS_PASSWORD_OK,
               "1024 bytes is the longest");
        is_int(news_password_check(big, 1025), NEWS_PASSWORD_LONG,
               "1025 bytes is too long");
    }

    is_int(news_role_parse("editor", 6), NEWS_ROLE_EDITOR, "role editor");
    is_int(news_role_parse("root", 4), -1, "no role root");
    is_str(news_role_name(NEWS_ROLE_ADMIN), "admin", "role name");
}


/*
 * A suspension is 1 to NEWS_SUSPEND_DAYS_MAX days, or a ban; the service
 * refuses any other length, and a bad reason, before it asks the writer
 * (none is given here: a write would crash).
 */
static void
test_suspension_bounds(void)
{
    char          long_reason[NEWS_REASON_MAX + 2];
    news_err_t    err;
    news_actor_t  mod = { .id = 2, .name = "mod",
                          .role = NEWS_ROLE_MODERATOR };

    is_int(news_suspend_days_check(1, &err), NEWS_OK, "one day");
    is_int(news_suspend_days_check(NEWS_SUSPEND_DAYS_MAX, &err), NEWS_OK,
           "the longest suspension");
    is_int(news_suspend_days_check(0, &err), NEWS_INVALID, "no days");
    is_int(news_suspend_days_check(NEWS_SUSPEND_DAYS_MAX + 1, &err),
           NEWS_INVALID, "a day longer than the longest");
    ok(strstr(err.msg, "1 to 3650 days") != NULL,
       "the message says the range");
    is_int(news_suspend_days_check(-1, &err), NEWS_INVALID,
           "a negative length (a ban is not a length)");
    is_int(news_suspend_days_check(INT64_MAX, &err), NEWS_INVALID,
           "a huge length");

    is_int(news_user_suspend(NULL, &mod, "reader", 0, "", 1000, &err),
           NEWS_INVALID, "the service refuses no days");
    is_int(news_user_suspend(NULL, &mod, "reader",
                             NEWS_SUSPEND_DAYS_MAX + 1, "", 1000, &err),
           NEWS_INVALID, "and too many");

    memset(long_reason, 'r', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = '\0';
    is_int(news_user_suspend(NULL, &mod, "reader", 7, long_reason, 1000,
                             &err), NEWS_INVALID, "and a reason too long");
    is_int(news_user_suspend(NULL, &mod, "reader", -1, "a\nb", 1000, &err),
           NEWS_INVALID, "a ban's reason is checked too");
}


static void
test_hash(void)
{
    char           h1[NEWS_HASH_MAX], h2[NEWS_HASH_MAX];
    news_err_t     err;
    news_argon2_t  cost = { 0, 0 };

    is_int(news_password_hash(&cost, "correct horse", 13, h1, sizeof(h1),
                              &err),
           NEWS_OK, "hash");
    ok(strncmp(h1, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0,
       "a low cost is raised to the OWASP minimum and stored: %s", h1);
    ok(news_password_verify(h1, "correct horse", 13), "verify: right");
    ok(!news_password_verify(h1, "correct horsE", 13), "verify: wrong");
    ok(!news_password_verify(h1, "correct hors", 12), "verify: prefix");
    ok(!news_password_verify("garbage", "x", 1), "verify: bad hash");

    news_password_hash(&cost, "correct horse", 13, h2, sizeof(h2), &err);
    ok(strcmp(h1, h2) != 0, "a fresh salt every time");

    cost.memory = 20480;
    cost.passes = 3;
    news_password_hash(&cost, "pw-pw-pw", 8, h2, sizeof(h2), &err);
    ok(strstr(h2, "m=20480,t=3,p=1") != NULL,
       "a raised cost is recorded in the hash");
    ok(news_password_verify(h2, "pw-pw-pw", 8),
       "and verifies with its own parameters");

    /* a buffer too small for the hash at its cost: refused, none made */
    is_int(news_password_hash(&cost, "pw-pw-pw", 8, h2, 40, &err), NEWS_ERROR,
           "a hash that does not fit its buffer: refused");
    is_str(err.msg, "hash buffer too small", "says so");
    cost.memory = 19456;
    cost.passes = 2;
    ok(news_password_cheaper("not an argon2id hash", &cost),
       "a stored hash not of argon2id's form is hashed again");
    ok(!news_password_cheaper(h1, &cost), "one at the cost is not");
}


static void
test_accounts(news_store_t *st)
{
    MDB_txn      *txn;
    news_err_t    err;
    news_user_t   u, v;

    is_int(add_user(st, "Alice", NEWS_ROLE_READER, &u, &err), NEWS_OK,
           "add Alice");
    is_int(u.id, 1, "first id is 1");
    is_int(add_user(st, "aLiCe", NEWS_ROLE_READER, &v, &err), NEWS_CONFLICT,
           "the name is taken in any case");
    is_int(add_user(st, "bob", NEWS_ROLE_EDITOR, &v, &err), NEWS_OK,
           "add bob");
    is_int(v.id, 2, "ids grow");
    is_int(add_user(st, "x y", NEWS_ROLE_READER, &v, &err), NEWS_INVALID,
           "an invalid name is refused by the engine too");

    news_store_read(st, &txn, &err);
    is_int(news_user_find(st, txn, "ALICE", 5, &v), 0,
           "found in another case");
    is_str(v.name, "Alice", "shown as typed");
    is_int(v.created_at, 1000, "created time");
    ok(strncmp(v.hash, "$argon2id$", 10) == 0, "hash kept");
    is_int(news_user_find(st, txn, "nobody", 6, &v), MDB_NOTFOUND,
           "unknown name");
    is_int(news_user_get(st, txn, 2, &v), 0, "by id");
    is_int(v.role, NEWS_ROLE_EDITOR, "role kept");
    news_store_read_done(st);

    news_store_write(st, &txn, &err);
    is_int(news_user_set_role(st, txn, "BOB", 3, NEWS_ROLE_ADMIN, &err),
           NEWS_OK, "set role");
    is_int(news_user_set_role(st, txn, "carol", 5, NEWS_ROLE_ADMIN, &err),
           NEWS_NOTFOUND, "set role of nobody");
    news_store_commit(st, txn, &err);

    news_store_read(st, &txn, &err);
    news_user_find(st, txn, "bob", 3, &v);
    is_int(v.role, NEWS_ROLE_ADMIN, "role changed");
    news_store_read_done(st);
}


/* a record written as it is, behind the store's back; mdb_put's rc */
static int
put_raw(news_store_t *st, MDB_txn *txn, int db, const void *k, size_t klen,
    const void *v, size_t vlen)
{
    MDB_val  key, val;

    key.mv_data = (void *) k;
    key.mv_size = klen;
    val.mv_data = (void *) v;
    val.mv_size = vlen;

    return mdb_put(txn, st->dbi[db], &key, &val, 0);
}


/*
 * What the callers never ask (they check first) and records only a store
 * damaged behind the module's back holds: each refused, none read past
 * its end.
 */
static void
test_accounts_refused(news_store_t *st)
{
    char           name[NEWS_NAME_MAX + 2];
    MDB_txn       *txn;
    news_err_t     err;
    news_user_t    u;
    unsigned char  rec[NEWS_HASH_MAX + 64], id[8];

    memset(name, 'a', sizeof(name));

    news_store_write(st, &txn, &err);
    is_int(news_user_find(st, txn, name, 0, &u), MDB_NOTFOUND,
           "an empty name names nobody");
    is_int(news_user_find(st, txn, name, NEWS_NAME_MAX + 1, &u), MDB_NOTFOUND,
           "nor does one too long");
    is_int(news_user_set_role(st, txn, "bob", 3, NEWS_ROLE_N, &err),
           NEWS_INVALID, "an unknown role: refused");
    is_int(news_user_set_role(st, txn, "bob", 3, -1, &err), NEWS_INVALID,
           "a negative one too");
    memset(rec, 'h', sizeof(rec));
    rec[NEWS_HASH_MAX] = '\0';
    is_int(news_user_set_hash(st, txn, 2, (char *) rec, &err), NEWS_INVALID,
           "a hash too long: refused");
    is_int(news_user_set_hash(st, txn, 99, "$argon2id$x", &err),
           NEWS_NOTFOUND, "the hash of no account: not found");
    is_int(news_author_disown(st, txn, 2, 7, &err), NEWS_INVALID,
           "comments neither kept nor removed: refused");

    /* a name whose id is not 8 bytes, an account whose name length
     * passes the record's end, one whose hash is too long */
    ok(put_raw(st, txn, NEWS_DB_NAMES, "ghost", 5, "abc", 3) == 0,
       "a name of a 3-byte id (behind the store's back)");
    is_int(news_user_find(st, txn, "ghost", 5, &u), MDB_CORRUPTED,
           "is a corrupt store");

    news_be64_put(id, 90);
    memset(rec, 0, sizeof(rec));
    rec[9] = 30;
    ok(put_raw(st, txn, NEWS_DB_USERS, id, 8, rec, 10 + 5) == 0,
       "an account whose name runs past its record");
    is_int(news_user_get(st, txn, 90, &u), MDB_CORRUPTED, "is corrupt");

    rec[9] = 3;
    ok(put_raw(st, txn, NEWS_DB_USERS, id, 8, rec, 10 + 3 + NEWS_HASH_MAX)
       == 0, "an account whose hash is too long");
    is_int(news_user_get(st, txn, 90, &u), MDB_CORRUPTED, "is corrupt");

    news_store_abort(st, txn);
}


static int
count_user(const news_user_t *u, void *data)
{
    (void) u;
    (*(int *) data)++;
    return 0;
}


static int
count_sessions(news_store_t *st)
{
    MDB_txn     *txn;
    MDB_stat     ms;
    news_err_t   err;

    news_store_read(st, &txn, &err);
    mdb_stat(txn, st->dbi[NEWS_DB_SESSIONS], &ms);
    news_store_read_done(st);

    return (int) ms.ms_entries;
}


static void
test_sessions(news_store_t *st)
{
    int            n, in_flight;
    size_t         purged;
    int64_t        wait, seen;
    uint64_t       uid;
    MDB_txn       *txn;
    news_err_t     err;
    unsigned char  t1[NEWS_TOKEN_LEN], t2[NEWS_TOKEN_LEN],
                   t3[NEWS_TOKEN_LEN], c1[NEWS_SHA256_LEN],
                   c2[NEWS_SHA256_LEN];
    news_throttle_t  keys[2];

    news_store_write(st, &txn, &err);
    is_int(news_session_create(st, txn, 1, 2000, 100, t1, &err), NEWS_OK,
           "session 1 (expires at 2100)");
    is_int(news_session_create(st, txn, 1, 2000, 500, t2, &err), NEWS_OK,
           "session 2 (expires at 2500)");
    is_int(news_session_create(st, txn, 2, 2000, 500, t3, &err), NEWS_OK,
           "session 3, another user");
    news_store_commit(st, txn, &err);

    ok(memcmp(t1, t2, NEWS_TOKEN_LEN) != 0, "tokens differ");
    is_int(count_sessions(st), 9, "three keys per session");

    /* only the hash is stored: the raw token is nowhere in the db */
    {
        int          found;
        MDB_val      k, v;
        MDB_cursor  *cur;

        found = 0;
        news_store_read(st, &txn, &err);
        mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
        while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
            if (memmem(k.mv_data, k.mv_size, t1, 16) != NULL
                || memmem(v.mv_data, v.mv_size, t1, 16) != NULL)
            {
                found = 1;
            }
        }
        mdb_cursor_close(cur);
        news_store_read_done(st);
        ok(!found, "the token itself is not stored");
    }

    news_store_read(st, &txn, &err);
    is_int(news_session_find(st, txn, t1, 2050, 0, &uid, &seen), 0,
           "session found");
    is_int(news_session_find(st, txn, t1, 2050, 30, &uid, &seen),
           MDB_NOTFOUND, "an idle session is gone (idle 30 s, seen at 2000)");
    news_store_read_done(st);
    news_store_write(st, &txn, &err);
    is_int(news_session_touch(st, txn, t1, 2040, &err), NEWS_OK, "touched");
    is_int(news_session_find(st, txn, t1, 2050, 30, &uid, &seen), 0,
           "seen at 2040: alive at 2050");
    is_int(seen, 2040, "last seen");
    news_store_commit(st, txn, &err);
    news_store_read(st, &txn, &err);
    is_int(uid, 1, "its user");
    is_int(news_session_find(st, txn, t1, 2100, 0, &uid, &seen), MDB_NOTFOUND,
           "expired at its expiry time");
    t3[0] ^= 1;
    is_int(news_session_find(st, txn, t3, 2050, 0, &uid, &seen), MDB_NOTFOUND,
           "a forged token is unknown");
    t3[0] ^= 1;
    news_store_read_done(st);

    news_store_write(st, &txn, &err);
    is_int(news_sessions_purge(st, txn, 2200, 10, &purged, &err), NEWS_OK,
           "purge");
    is_int(purged, 1, "one expired session purged");
    news_store_commit(st, txn, &err);
    is_int(count_sessions(st), 6, "its keys are gone");

    news_store_write(st, &txn, &err);
    is_int(news_session_delete(st, txn, t2, &err), NEWS_OK, "delete");
    is_int(news_session_delete(st, txn, t2, &err), NEWS_OK,
           "delete again is fine");
    news_store_commit(st, txn, &err);
    is_int(count_sessions(st), 3, "logout leaves no key");

    news_store_write(st, &txn, &err);
    news_session_create(st, txn, 2, 3000, 500, t1, &err);
    is_int(news_user_delete(st, txn, "bob", 3, NEWS_DISOWN_KEEP, &err),
           NEWS_OK, "delete a user");
    news_store_commit(st, txn, &err);
    is_int(count_sessions(st), 0, "with every session of theirs");

    news_store_read(st, &txn, &err);
    n = 0;
    news_users_each(st, txn, count_user, &n, &err);
    is_int(n, 1, "one account left");
    news_store_read_done(st);

    news_csrf_token(t1, "session", c1);
    news_csrf_token(t1, "pre-session", c2);
    ok(memcmp(c1, c2, sizeof(c1)) != 0, "csrf tokens differ by purpose");
    news_csrf_token(t2, "session", c2);
    ok(memcmp(c1, c2, sizeof(c1)) != 0, "and by secret");
    ok(news_equal(c1, c1, sizeof(c1)) && !news_equal(c1, c2, sizeof(c1)),
       "constant-time compare");

    /* the throttle: 2 free attempts, then 5, 10, 20 s */
    memset(keys, 0, sizeof(keys));
    keys[0].len = news_throttle_key_name("Eve", 3, keys[0].key);
    is_int(keys[0].len, 4, "throttle key");
    ok(memcmp(keys[0].key, "ueve", 4) == 0, "lower case");
    keys[0].limit = 3;
    keys[0].success = NEWS_THROTTLE_FORGET;
    keys[1].len = news_throttle_key_addr("\x7f\0\0\1", 4, keys[1].key);
    keys[1].limit = 100;
    keys[1].busy = 1;
    keys[1].success = NEWS_THROTTLE_UNDO;

    news_store_write(st, &txn, &err);
    is_int(news_attempt_begin(st, txn, keys, 2, 5000, &wait, &in_flight,
                              &err),
           NEWS_OK, "an attempt begins");
    is_int(news_attempt_begin(st, txn, keys, 2, 5000, &wait, &in_flight, &err),
           NEWS_LIMITED, "a second one while the first is in flight waits");
    is_int(wait, 1, "a second");
    is_int(in_flight, 1, "only because the first is in flight");
    news_attempt_end(st, txn, keys, 2, 0, &err);
    news_throttle_wait(st, txn, keys, 2, 5000, &wait, &in_flight);
    is_int(wait, 0, "the attempt over: no wait");
    news_attempt_begin(st, txn, keys, 2, 5000, &wait, &in_flight, &err);
    news_attempt_end(st, txn, keys, 2, 0, &err);
    news_throttle_wait(st, txn, keys, 2, 5000, &wait, &in_flight);
    is_int(wait, 0, "two failures: no wait");
    news_attempt_begin(st, txn, keys, 2, 5000, &wait, &in_flight, &err);
    news_attempt_end(st, txn, keys, 2, 0, &err);
    news_throttle_wait(st, txn, keys, 2, 5000, &wait, &in_flight);
    is_int(wait, 5, "counted before the answer, the third waits 5 s");
    is_int(in_flight, 0, "held back by the count, not by a flight");
    news_throttle_wait(st, txn, keys, 2, 5005, &wait, &in_flight);
    is_int(wait, 0, "and then is free");
    news_attempt_begin(st, txn, keys, 2, 5005, &wait, &in_flight, &err);
    news_throttle_wait(st, txn, keys, 2, 5005, &wait, &in_flight);
    ok(wait == 10 && in_flight == 0,
       "in flight and past the limit: the count is what holds it back");
    news_attempt_end(st, txn, keys, 2, 0, &err);
    news_throttle_wait(st, txn, keys, 2, 5005, &wait, &in_flight);
    is_int(wait, 10, "the fourth: 10 s");
    news_throttle_wait(st, txn, keys, 1, 5005 + NEWS_THROTTLE_WINDOW + 1,
                       &wait, &in_flight);
    is_int(wait, 0, "old attempts fade");
    news_attempt_begin(st, txn, keys, 2, 6000, &wait, &in_flight, &err);
    news_attempt_end(st, txn, keys, 2, 1, &err);
    news_throttle_wait(st, txn, keys, 2, 6000, &wait, &in_flight);
    is_int(wait, 0, "a success clears");

    /* a slowed key spaces attempts instead of blocking */
    keys[0].slow = 1;
    keys[0].limit = 1;
    news_attempt_begin(st, txn, keys, 1, 7000, &wait, &in_flight, &err);
    news_attempt_end(st, txn, keys, 1, 0, &err);
    news_attempt_begin(st, txn, keys, 1, 7001, &wait, &in_flight, &err);
    news_attempt_end(st, txn, keys, 1, 0, &err);
    news_throttle_wait(st, txn, keys, 1, 7001, &wait, &in_flight);
    is_int(wait, NEWS_THROTTLE_SLOW, "slowed: one attempt a second");
    news_throttle_wait(st, txn, keys, 1, 7002, &wait, &in_flight);
    is_int(wait, 0, "never blocked longer");
    mdb_txn_abort(txn);
}


/*
 * The account services the nginx side and newsctl share: a registration
 * with or without its first session, a login that keeps a rehash, and a
 * moderator ending sessions by the role rule.
 */
static void
test_services(news_store_t *st)
{
    MDB_txn        *txn;
    news_err_t      err;
    news_user_t     u, m, got;
    unsigned char   token[NEWS_TOKEN_LEN];
    int             before;

    before = count_sessions(st);

    memset(&u, 0, sizeof(u));
    strcpy(u.name, "svc_reader");
    u.name_len = strlen(u.name);
    strcpy(u.hash, "$argon2id$old");
    m = u;
    strcpy(m.name, "svc_mod");
    m.name_len = strlen(m.name);
    m.role = NEWS_ROLE_MODERATOR;

    news_store_write(st, &txn, &err);
    is_int(news_user_register(st, txn, &u, 5000, 100, token, &err), NEWS_OK,
           "register with a session");
    is_int(news_user_register(st, txn, &m, 5000, 100, NULL, &err), NEWS_OK,
           "register without one (newsctl user add)");
    is_int(news_user_register(st, txn, &m, 5000, 100, NULL, &err),
           NEWS_CONFLICT, "a taken name");
    news_store_commit(st, txn, &err);
    is_int(count_sessions(st), before + 3, "one session, three keys");

    news_store_write(st, &txn, &err);
    is_int(news_user_login(st, txn, u.id, "$argon2id$new", 5000, 100, token,
                           &err), NEWS_OK, "a login with a rehash");
    news_user_get(st, txn, u.id, &got);
    is_str(got.hash, "$argon2id$new", "keeps the new hash");
    is_int(news_user_end_sessions(st, txn, "SVC_MOD", 7, NEWS_ROLE_MODERATOR,
                                  &err), NEWS_FORBIDDEN,
           "a moderator cannot end a moderator's sessions");
    is_int(news_user_end_sessions(st, txn, "svc_mod", 7, NEWS_ROLE_ADMIN,
                                  &err), NEWS_OK, "an admin can");
    is_int(news_user_end_sessions(st, txn, "nobody", 6, NEWS_ROLE_ADMIN,
                                  &err), NEWS_NOTFOUND, "no such account");
    is_int(news_user_end_sessions(st, txn, "svc_reader", 10,
                                  NEWS_ROLE_MODERATOR, &err), NEWS_OK,
           "a moderator ends a reader's");
    news_store_commit(st, txn, &err);
    is_int(count_sessions(st), before, "every session of theirs ended");
}


static int
count_listed(const news_session_info_t *s, void *data)
{
    (void) s;
    (*(int *) data)++;
    return 0;
}


/*
 * Damaged session records, made inside a txn that is aborted: a record
 * of the wrong size is corrupt to a lookup and to the seen mark, and left
 * out of a listing; a user key whose session is gone is dropped alone
 * when the account's sessions end; a token unknown to the store is
 * touched as a no-op.
 */
static void
test_sessions_damaged(news_store_t *st)
{
    int            n;
    int64_t        seen;
    uint64_t       uid;
    MDB_txn       *txn;
    MDB_val        key, val;
    news_err_t     err;
    MDB_cursor    *cur;
    unsigned char  t1[NEWS_TOKEN_LEN], t2[NEWS_TOKEN_LEN],
                   ks[1 + NEWS_SHA256_LEN];

    if (news_store_write(st, &txn, &err) != NEWS_OK) {
        ok(0, "a write txn");
        return;
    }

    news_session_create(st, txn, 77, 3000, 500, t1, &err);
    news_session_create(st, txn, 77, 3000, 500, t2, &err);

    ks[0] = 's';
    news_sha256(t1, NEWS_TOKEN_LEN, ks + 1);
    key.mv_data = ks;
    key.mv_size = sizeof(ks);
    val.mv_data = "abc";
    val.mv_size = 3;
    mdb_put(txn, st->dbi[NEWS_DB_SESSIONS], &key, &val, 0);

    is_int(news_session_find(st, txn, t1, 3100, 0, &uid, &seen),
           MDB_CORRUPTED, "a session record of 3 bytes: corrupt to a lookup");
    ok(news_session_touch(st, txn, t1, 3100, &err) != NEWS_OK,
       "and to the seen mark");
    ok(strstr(err.msg, "reading a session") != NULL, "which says what failed");

    n = 0;
    is_int(news_sessions_each(st, txn, 77, t2, 10, count_listed, &n, &err),
           NEWS_OK, "the account's sessions listed");
    is_int(n, 1, "without the corrupt one");

    n = 0;
    is_int(news_sessions_each(st, txn, 77, t2, 0, count_listed, &n, &err),
           NEWS_OK, "a listing of at most none");
    is_int(n, 0, "lists none");

    memset(t1, 0xab, sizeof(t1));
    is_int(news_session_touch(st, txn, t1, 3100, &err), NEWS_OK,
           "a token the store does not know: touching it does nothing");

    /* both records gone, their user and expiry keys left */
    news_sha256(t2, NEWS_TOKEN_LEN, ks + 1);
    mdb_del(txn, st->dbi[NEWS_DB_SESSIONS], &key, NULL);
    ks[0] = 's';
    mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        if (val.mv_size == 3) {
            mdb_cursor_del(cur, 0);
        }
    }
    mdb_cursor_close(cur);

    is_int(news_sessions_drop_user(st, txn, 77, &err), NEWS_OK,
           "ending the account's sessions past user keys without their "
           "sessions");

    n = 0;
    news_sessions_each(st, txn, 77, t2, 10, count_listed, &n, &err);
    is_int(n, 0, "no session of the account is left");
    {
        unsigned char  prefix[9];

        prefix[0] = 'u';
        news_be64_put(prefix + 1, 77);
        key.mv_data = prefix;
        key.mv_size = sizeof(prefix);
        mdb_cursor_open(txn, st->dbi[NEWS_DB_SESSIONS], &cur);
        ok(mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE) != 0
           || memcmp(key.mv_data, prefix, 9) != 0,
           "nor any user key of it");
        mdb_cursor_close(cur);
    }

    news_store_abort(st, txn);
}


/*
 * The throttle's edges: an address longer than 16 bytes is cut to 16 in
 * every kind of key, a record of an unknown size counts as none, and the
 * doubling wait stops at NEWS_THROTTLE_MAX.
 */
static void
test_throttle_edges(news_store_t *st)
{
    int               i, in_flight;
    int64_t           now, wait;
    MDB_txn          *txn;
    MDB_val           key, val;
    news_err_t        err;
    news_throttle_t   k;
    static const char addr[] = "0123456789abcdefXYZW";

    memset(&k, 0, sizeof(k));
    is_int(news_throttle_key_addr(addr, 20, k.key), 17,
           "an address key: the first 16 bytes of a longer address");
    is_int(news_throttle_key_register(addr, 20, k.key), 17,
           "a registration key too");
    ok(k.key[0] == 'r' && memcmp(k.key + 1, addr, 16) == 0, "'r' and them");
    is_int(news_throttle_key_pair("eve", 3, addr, 20, k.key), 1 + 3 + 1 + 16,
           "a name and address key too");

    if (news_store_write(st, &txn, &err) != NEWS_OK) {
        ok(0, "a write txn");
        return;
    }

    k.len = news_throttle_key_addr("\x0a\0\0\7", 4, k.key);
    k.limit = 1;
    key.mv_data = k.key;
    key.mv_size = k.len;
    val.mv_data = "1234567";
    val.mv_size = 7;
    mdb_put(txn, st->dbi[NEWS_DB_THROTTLE], &key, &val, 0);
    is_int(news_throttle_wait(st, txn, &k, 1, 9000, &wait, &in_flight), 0,
           "a throttle record of 7 bytes reads");
    is_int(wait, 0, "as no record");

    /* each attempt as soon as the last wait is over: 5, 10, ... 640, 900 */
    for (now = 9000, i = 0; i < 12; i++) {
        if (news_attempt_begin(st, txn, &k, 1, now, &wait, &in_flight, &err)
            != NEWS_OK)
        {
            break;
        }

        news_throttle_wait(st, txn, &k, 1, now, &wait, &in_flight);
        now += wait;
    }

    is_int(i, 12, "twelve attempts, each after its wait");
    is_int(wait, NEWS_THROTTLE_MAX, "the wait stops at 15 minutes");

    news_store_abort(st, txn);
}


int
main(void)
{
    char          cmd[128];
    news_err_t    err;
    news_store_t  st;

    test_sha256();
    test_rules();
    test_suspension_bounds();
    test_hash();

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    is_int(news_store_open(&st, dir, 16 * 1024 * 1024, &err), NEWS_OK,
           "open a store");

    test_accounts(&st);
    test_accounts_refused(&st);
    test_sessions(&st);
    test_services(&st);
    test_sessions_damaged(&st);
    test_throttle_edges(&st);

    news_store_close(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0) {
        ok(0, "cleanup");
    }

    return done_testing();
}
