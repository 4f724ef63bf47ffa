/*
 * Accounts: usernames, roles and Argon2id password hashes.
 *
 *   users  be64 id -> role (1) | be64 created_at | name length (1) |
 *                     name as typed | encoded Argon2id hash
 *   names  the name in ASCII lower case -> be64 id
 *          "\0next-id" -> be64 the next account id
 *
 * Ids are never given twice (the next-id mark stays above every id ever
 * used), and a deleted account's name stays in names, pointing at no
 * account: reserved, so that nobody can take it over with the comments
 * and links that carry it.
 * Names are compared case-insensitively through the names index and shown
 * as they were typed.  The encoded hash ("$argon2id$v=19$m=...,t=...,
 * p=...$salt$hash") carries its own parameters, so raising the cost later
 * leaves old hashes verifiable.
 *
 * news_password_hash() and news_password_verify() cost tens of
 * milliseconds of CPU and 19 MiB or more of memory on purpose: the nginx
 * side calls them in its thread pool only.  The store functions run
 * inside the caller's transaction.
 */

#ifndef NEWS_USERS_H
#define NEWS_USERS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sessions.h"
#include "sha256.h"
#include "store.h"


#define NEWS_PASSWORD_MIN       8           /* characters */
#define NEWS_PASSWORD_MAX       1024        /* bytes */
#define NEWS_HASH_MAX           192

/* the OWASP minimum for Argon2id: 19 MiB, 2 passes, 1 lane */
#define NEWS_ARGON2_MEMORY_MIN  19456       /* KiB */
#define NEWS_ARGON2_PASSES_MIN  2


enum {
    NEWS_ROLE_READER = 0,
    NEWS_ROLE_MODERATOR,
    NEWS_ROLE_EDITOR,
    NEWS_ROLE_ADMIN,
    NEWS_ROLE_N
};


/* what news_password_check() found wrong */
enum {
    NEWS_PASSWORD_OK = 0,
    NEWS_PASSWORD_SHORT,
    NEWS_PASSWORD_LONG,
    NEWS_PASSWORD_BAD           /* not UTF-8, or holds a NUL */
};


typedef struct {
    uint32_t    memory;         /* KiB */
    uint32_t    passes;
} news_argon2_t;


typedef struct {
    uint64_t    id;
    int         role;
    int64_t     created_at;
    size_t      name_len;
    char        name[NEWS_NAME_MAX + 1];     /* NUL-terminated */
    char        hash[NEWS_HASH_MAX];         /* NUL-terminated */
} news_user_t;


/* 3..32 of [A-Za-z0-9_-]; 1 if valid */
int news_username_valid(const char *s, size_t n);

/* NEWS_PASSWORD_OK or what is wrong */
int news_password_check(const char *s, size_t n);

/* NEWS_ROLE_* of "reader" .. "admin", or -1 */
int news_role_parse(const char *s, size_t n);
const char *news_role_name(int role);

/*
 * Hashes pw[0..n) with Argon2id at the given cost (raised to the OWASP
 * minimum if lower) and a fresh 16-byte salt; writes the encoded string,
 * NUL-terminated, to out.  Thread-safe.  Returns NEWS_OK or NEWS_ERROR.
 */
int news_password_hash(const news_argon2_t *cost, const char *pw, size_t n,
    char *out, size_t cap, news_err_t *err);

/*
 * 1 if pw matches the encoded hash, 0 if not (or the hash is unusable).
 * When the account does not exist, callers hash the password at the
 * current cost instead, so that the answer takes as long as for a wrong
 * password and tells nothing about which names exist.
 */
int news_password_verify(const char *encoded, const char *pw, size_t n);

/*
 * 1 if the encoded hash costs less than `cost` (it was made before the
 * cost was raised): the login that proves the password rehashes it.
 */
int news_password_cheaper(const char *encoded, const news_argon2_t *cost);


/*
 * Adds the account u->name (u->name_len bytes), u->role, u->hash; sets
 * u->id and u->created_at = now.  NEWS_CONFLICT if the name is taken
 * in any letter case.
 */
int news_user_add(news_store_t *st, MDB_txn *txn, news_user_t *u,
    int64_t now, news_err_t *err);

/*
 * The account services the nginx side and newsctl share, each one write
 * inside the caller's txn (the nginx side's is the group-commit
 * writer's): a registration (the account, and its first session when
 * token is not NULL), a login (a new session, and the password's new
 * hash when hash is not NULL: a rehash at the configured cost); a
 * logout is news_session_delete().
 */
int news_user_register(news_store_t *st, MDB_txn *txn, news_user_t *u,
    int64_t now, int64_t ttl, unsigned char *token, news_err_t *err);
int news_user_login(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *hash, int64_t now, int64_t ttl, unsigned char *token,
    news_err_t *err);

/*
 * A moderator (role: the asker's) ends every session of the account
 * named: of a reader only, unless the asker is an admin, who may end
 * anyone's.  NEWS_NOTFOUND, NEWS_FORBIDDEN or NEWS_OK.
 */
int news_user_end_sessions(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, int role, news_err_t *err);

/* by name (any case) or by id: 0, MDB_NOTFOUND or another LMDB code */
int news_user_find(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, news_user_t *u);
int news_user_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_user_t *u);

int news_user_set_role(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, int role, news_err_t *err);

/* the names key of the next-id mark: no username holds a NUL */
#define NEWS_USERS_NEXT_KEY  "\0next-id"

/*
 * The next account id (0 in a store from before the mark was kept):
 * every id below it was given once, so a name that leads to no account
 * below it is a deleted account's, reserved.  0 or an LMDB code.
 */
int news_users_mark(news_store_t *st, MDB_txn *txn, uint64_t *mark);

/* replaces the password hash of account id (a rehash, a new password) */
int news_user_set_hash(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *hash, news_err_t *err);

/*
 * A deleted account's comments are disowned afterwards, kept as
 * "[deleted user]" or removed (news_author_disown_step, comments.h); the
 * deletion leaves its mark in the author index ("authors"):
 *
 *   'd' . be64 user id -> NEWS_DISOWN_KEEP or _REMOVE (one byte)
 */
#define NEWS_DISOWN_KEY  9

enum {
    NEWS_DISOWN_KEEP = 'k',
    NEWS_DISOWN_REMOVE = 'r'
};

/* "keep" or "remove" (n bytes) to NEWS_DISOWN_*, or -1 */
int news_disown_parse(const char *s, size_t n);

/* marks the comments of deleted account uid to be disowned `how` */
int news_author_disown(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int how, news_err_t *err);

/*
 * Deletes the account and every session of it; the name stays reserved.
 * Its comments are marked to be disowned, kept as "[deleted user]" or
 * removed (comments: NEWS_DISOWN_KEEP or _REMOVE, above), which
 * news_author_disown_step() does afterwards in bounded batches.
 */
int news_user_delete(news_store_t *st, MDB_txn *txn, const char *name,
    size_t n, int comments, news_err_t *err);

/* calls fn for every account in id order until fn returns nonzero */
int news_users_each(news_store_t *st, MDB_txn *txn,
    int (*fn)(const news_user_t *u, void *data), void *data,
    news_err_t *err);

/* {"id":1,"username":"...","role":"reader","created_at":"..."} */
void news_user_json(news_buf_t *b, const news_user_t *u);

#endif /* NEWS_USERS_H */
