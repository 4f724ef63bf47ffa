/*
 * Accounts in the store and their password hashes (see users.h).
 */

#include <argon2.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "sessions.h"
#include "text.h"
#include "users.h"


#define NEWS_SALT_LEN      16
#define NEWS_DIGEST_LEN    32
#define NEWS_USER_FIXED    10       /* role, created_at, name length */



static const char  *news_roles[NEWS_ROLE_N] = {
    "reader", "moderator", "editor", "admin"
};


static int news_user_parse(const MDB_val *key, const MDB_val *val,
    news_user_t *u);
static int news_user_put(news_store_t *st, MDB_txn *txn,
    const news_user_t *u, news_err_t *err);
static int news_user_next_id(news_store_t *st, MDB_txn *txn, uint64_t *id,
    news_err_t *err);


int
news_username_valid(const char *s, size_t n)
{
    size_t  i;

    if (n < NEWS_NAME_MIN || n > NEWS_NAME_MAX) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
              || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
        {
            return 0;
        }
    }

    return 1;
}


int
news_password_check(const char *s, size_t n)
{
    size_t  i, chars;

    /* a form without the field gives (NULL, 0): memchr() may not see it */
    if (n == 0) {
        return NEWS_PASSWORD_SHORT;
    }

    if (n > NEWS_PASSWORD_MAX) {
        return NEWS_PASSWORD_LONG;
    }

    if (!news_utf8_valid(s, n) || memchr(s, '\0', n) != NULL) {
        return NEWS_PASSWORD_BAD;
    }

    /* the minimum counts characters: continuation bytes are 10xxxxxx */
    chars = 0;

    for (i = 0; i < n; i++) {
        if (((unsigned char) s[i] & 0xc0) != 0x80) {
            chars++;
        }
    }

    return chars < NEWS_PASSWORD_MIN ? NEWS_PASSWORD_SHORT : NEWS_PASSWORD_OK;
}


int
news_role_parse(const char *s, size_t n)
{
    int  i;

    for (i = 0; i < NEWS_ROLE_N; i++) {
        if (strlen(news_roles[i]) == n && memcmp(news_roles[i], s, n) == 0) {
            return i;
        }
    }

    return -1;
}


const char *
news_role_name(int role)
{
    return (role >= 0 && role < NEWS_ROLE_N) ? news_roles[role] : "reader";
}


int
news_password_hash(const news_argon2_t *cost, const char *pw, size_t n,
    char *out, size_t cap, news_err_t *err)
{
    int            rc;
    uint32_t       m, t;
    unsigned char  salt[NEWS_SALT_LEN];

    m = cost ? cost->memory : 0;
    t = cost ? cost->passes : 0;

    if (m < NEWS_ARGON2_MEMORY_MIN) {
        m = NEWS_ARGON2_MEMORY_MIN;
    }

    if (t < NEWS_ARGON2_PASSES_MIN) {
        t = NEWS_ARGON2_PASSES_MIN;
    }

    /* never taken in a test: see news_random */
    if (news_random(salt, sizeof(salt)) != 0) {
        return news_err_set(err, NEWS_ERROR, "getrandom() failed: %s",
                            strerror(errno));
    }

    if (argon2_encodedlen(t, m, 1, NEWS_SALT_LEN, NEWS_DIGEST_LEN,
                          Argon2_id) > cap)
    {
        return news_err_set(err, NEWS_ERROR, "hash buffer too small");
    }

    rc = argon2id_hash_encoded(t, m, 1, pw, n, salt, NEWS_SALT_LEN,
                               NEWS_DIGEST_LEN, out, cap);
    if (rc != ARGON2_OK) {
        return news_err_set(err, NEWS_ERROR, "argon2id_hash_encoded(): %s",
                            argon2_error_message(rc));
    }

    return NEWS_OK;
}


int
news_password_verify(const char *encoded, const char *pw, size_t n)
{
    return argon2id_verify(encoded, pw, n) == ARGON2_OK;
}


int
news_password_cheaper(const char *encoded, const news_argon2_t *cost)
{
    unsigned long  m, t;

    /* "$argon2id$v=19$m=19456,t=2,p=1$salt$hash" */
    if (sscanf(encoded, "$argon2id$v=%*u$m=%lu,t=%lu,", &m, &t) != 2) {
        return 1;
    }

    return m < cost->memory || t < cost->passes;
}


static int
news_user_parse(const MDB_val *key, const MDB_val *val, news_user_t *u)
{
    size_t                name_len, hash_len;
    const unsigned char  *p;

    p = val->mv_data;

    if (key->mv_size != 8 || val->mv_size < NEWS_USER_FIXED) {
        return MDB_CORRUPTED;
    }

    name_len = p[9];
    if (name_len > NEWS_NAME_MAX || val->mv_size < NEWS_USER_FIXED + name_len)
    {
        return MDB_CORRUPTED;
    }

    hash_len = val->mv_size - NEWS_USER_FIXED - name_len;
    if (hash_len >= NEWS_HASH_MAX) {
        return MDB_CORRUPTED;
    }

    u->id = news_be64_get(key->mv_data);
    u->role = p[0];
    u->created_at = (int64_t) news_be64_get(p + 1);
    u->name_len = name_len;
    memcpy(u->name, p + NEWS_USER_FIXED, name_len);
    u->name[name_len] = '\0';
    memcpy(u->hash, p + NEWS_USER_FIXED + name_len, hash_len);
    u->hash[hash_len] = '\0';

    return 0;
}


static int
news_user_put(news_store_t *st, MDB_txn *txn, const news_user_t *u,
    news_err_t *err)
{
    int            rc;
    size_t         hash_len;
    MDB_val        key, val;
    unsigned char  id[8], rec[NEWS_USER_FIXED + NEWS_NAME_MAX + NEWS_HASH_MAX];

    hash_len = strlen(u->hash);

    news_be64_put(id, u->id);
    rec[0] = (unsigned char) u->role;
    news_be64_put(rec + 1, (uint64_t) u->created_at);
    rec[9] = (unsigned char) u->name_len;
    memcpy(rec + NEWS_USER_FIXED, u->name, u->name_len);
    memcpy(rec + NEWS_USER_FIXED + u->name_len, u->hash, hash_len);

    key.mv_data = id;
    key.mv_size = 8;
    val.mv_data = rec;
    val.mv_size = NEWS_USER_FIXED + u->name_len + hash_len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_USERS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing an account");
    }

    return NEWS_OK;
}


/*
 * A new account's id: above every id ever given, deleted ones included,
 * so that nothing that names an old id (a comment, a session) can come
 * to mean a new account.  The high-water mark lives in the names
 * database under a key no username can be; a store from before it was
 * kept starts from the last account's id.
 */
int
news_users_mark(news_store_t *st, MDB_txn *txn, uint64_t *mark)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = NEWS_USERS_NEXT_KEY;
    key.mv_size = sizeof(NEWS_USERS_NEXT_KEY) - 1;

    *mark = 0;

    rc = mdb_get(txn, st->dbi[NEWS_DB_NAMES], &key, &val);

    if (rc == 0 && val.mv_size == 8) {
        *mark = news_be64_get(val.mv_data);
    }

    return rc == MDB_NOTFOUND ? 0 : rc;
}


static int
news_user_next_id(news_store_t *st, MDB_txn *txn, uint64_t *id,
    news_err_t *err)
{
    int            rc;
    uint64_t       last, mark;
    MDB_val        key, val;
    unsigned char  be[8];

    if (news_store_next_id(st, txn, NEWS_DB_USERS, &last, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_users_mark(st, txn, &mark);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the next account id");
    }

    *id = mark > last ? mark : last;

    news_be64_put(be, *id + 1);
    key.mv_data = NEWS_USERS_NEXT_KEY;
    key.mv_size = sizeof(NEWS_USERS_NEXT_KEY) - 1;
    val.mv_data = be;
    val.mv_size = 8;

    rc = mdb_put(txn, st->dbi[NEWS_DB_NAMES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the next account id");
    }

    return NEWS_OK;
}


int
news_user_add(news_store_t *st, MDB_txn *txn, news_user_t *u, int64_t now,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  id[8];
    char           lower[NEWS_NAME_MAX];

    if (!news_username_valid(u->name, u->name_len)
        || u->role < 0 || u->role >= NEWS_ROLE_N
        || strlen(u->hash) >= NEWS_HASH_MAX)
    {
        return news_err_set(err, NEWS_INVALID, "invalid account");
    }

    key.mv_data = lower;
    key.mv_size = news_username_key(u->name, u->name_len, lower);

    rc = mdb_get(txn, st->dbi[NEWS_DB_NAMES], &key, &val);
    if (rc == 0) {
        return news_err_set(err, NEWS_CONFLICT, "the name \"%.*s\" is taken",
                            (int) u->name_len, u->name);
    }

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "looking up a name");
    }

    if (news_user_next_id(st, txn, &u->id, err) != NEWS_OK) {
        return err->code;
    }

    u->created_at = now;

    if (news_user_put(st, txn, u, err) != NEWS_OK) {
        return err->code;
    }

    news_be64_put(id, u->id);
    key.mv_data = lower;
    key.mv_size = news_username_key(u->name, u->name_len, lower);
    val.mv_data = id;
    val.mv_size = 8;

    rc = mdb_put(txn, st->dbi[NEWS_DB_NAMES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a name");
    }

    return NEWS_OK;
}


int
news_user_find(news_store_t *st, MDB_txn *txn, const char *name, size_t n,
    news_user_t *u)
{
    int      rc;
    MDB_val  key, val;
    char     lower[NEWS_NAME_MAX];

    if (n == 0 || n > NEWS_NAME_MAX) {
        return MDB_NOTFOUND;
    }

    key.mv_data = lower;
    key.mv_size = news_username_key(name, n, lower);

    rc = mdb_get(txn, st->dbi[NEWS_DB_NAMES], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != 8) {
        return MDB_CORRUPTED;
    }

    return news_user_get(st, txn, news_be64_get(val.mv_data), u);
}


int
news_user_get(news_store_t *st, MDB_txn *txn, uint64_t id, news_user_t *u)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  be[8];

    news_be64_put(be, id);
    key.mv_data = be;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_USERS], &key, &val);
    if (rc != 0) {
        return rc;
    }

    return news_user_parse(&key, &val, u);
}


int
news_user_set_hash(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *hash, news_err_t *err)
{
    int          rc;
    news_user_t  u;

    if (strlen(hash) >= NEWS_HASH_MAX) {
        return news_err_set(err, NEWS_INVALID, "hash too long");
    }

    rc = news_user_get(st, txn, id, &u);
    if (rc != 0) {
        return news_store_fail(err, rc, "finding the account");
    }

    memcpy(u.hash, hash, strlen(hash) + 1);

    return news_user_put(st, txn, &u, err);
}


int
news_user_set_role(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, int role, news_err_t *err)
{
    int          rc;
    news_user_t  u;

    if (role < 0 || role >= NEWS_ROLE_N) {
        return news_err_set(err, NEWS_INVALID, "unknown role");
    }

    rc = news_user_find(st, txn, name, n, &u);
    if (rc != 0) {
        return news_store_fail(err, rc, "finding the account");
    }

    u.role = role;

    return news_user_put(st, txn, &u, err);
}


int
news_disown_parse(const char *s, size_t n)
{
    if (n == 4 && memcmp(s, "keep", 4) == 0) {
        return NEWS_DISOWN_KEEP;
    }

    if (n == 6 && memcmp(s, "remove", 6) == 0) {
        return NEWS_DISOWN_REMOVE;
    }

    return -1;
}


int
news_author_disown(news_store_t *st, MDB_txn *txn, uint64_t uid, int how,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[NEWS_DISOWN_KEY], v;

    if (how != NEWS_DISOWN_KEEP && how != NEWS_DISOWN_REMOVE) {
        return news_err_set(err, NEWS_INVALID, "comments are kept or "
                            "removed");
    }

    k[0] = 'd';
    news_be64_put(k + 1, uid);
    v = (unsigned char) how;

    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = &v;
    val.mv_size = 1;

    rc = mdb_put(txn, st->dbi[NEWS_DB_AUTHORS], &key, &val, 0);

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "marking the account's comments");
}


int
news_user_delete(news_store_t *st, MDB_txn *txn, const char *name, size_t n,
    int comments, news_err_t *err)
{
    int            rc;
    MDB_val        key;
    news_user_t    u;
    unsigned char  id[8];

    rc = news_user_find(st, txn, name, n, &u);
    if (rc != 0) {
        return news_store_fail(err, rc, "finding the account");
    }

    if (news_sessions_drop_user(st, txn, u.id, err) != NEWS_OK
        || news_author_disown(st, txn, u.id, comments, err) != NEWS_OK)
    {
        return err->code;
    }

    news_be64_put(id, u.id);
    key.mv_data = id;
    key.mv_size = 8;

    rc = mdb_del(txn, st->dbi[NEWS_DB_USERS], &key, NULL);
    if (rc != 0) {
        return news_store_fail(err, rc, "deleting the account");
    }

    /*
     * The name stays in the names index, pointing at the id that no
     * longer exists: reserved for good, so nobody can register it and
     * pass for the former owner in old links.  A login under it finds
     * no account.  Its comments are disowned afterwards, a batch at a
     * time (news_author_disown_step).
     */

    return NEWS_OK;
}


int
news_user_register(news_store_t *st, MDB_txn *txn, news_user_t *u,
    int64_t now, int64_t ttl, unsigned char *token, news_err_t *err)
{
    if (news_user_add(st, txn, u, now, err) != NEWS_OK) {
        return err->code;
    }

    return token ? news_session_create(st, txn, u->id, now, ttl, token, err)
                 : NEWS_OK;
}


int
news_user_login(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *hash, int64_t now, int64_t ttl, unsigned char *token,
    news_err_t *err)
{
    if (hash != NULL && news_user_set_hash(st, txn, id, hash, err) != NEWS_OK)
    {
        return err->code;
    }

    return news_session_create(st, txn, id, now, ttl, token, err);
}


int
news_user_end_sessions(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, int role, news_err_t *err)
{
    int          rc;
    news_user_t  u;

    rc = news_user_find(st, txn, name, n, &u);
    if (rc != 0) {
        return news_store_fail(err, rc, "finding the account");
    }

    if (u.role >= role && role != NEWS_ROLE_ADMIN) {
        return news_err_set(err, NEWS_FORBIDDEN, "only an admin ends the "
                            "sessions of staff");
    }

    return news_sessions_drop_user(st, txn, u.id, err);
}


int
news_users_each(news_store_t *st, MDB_txn *txn,
    int (*fn)(const news_user_t *u, void *data), void *data, news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;
    news_user_t  u;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_USERS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        rc = news_user_parse(&key, &val, &u);
        if (rc != 0 || fn(&u, data) != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "listing accounts");
    }

    return NEWS_OK;
}


void
news_user_json(news_buf_t *b, const news_user_t *u)
{
    news_buf_addf(b, "{\"id\":%llu,\"username\":", (unsigned long long) u->id);
    news_json_string(b, u->name, u->name_len);
    news_buf_addf(b, ",\"role\":\"%s\",\"created_at\":\"",
                  news_role_name(u->role));
    news_time_rfc3339(b, u->created_at);
    news_buf_addl(b, "\"}");
}
