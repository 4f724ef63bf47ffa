/*
 * The account services (service.h): log in, register, log out, a new
 * password, a deletion, sessions ended, a session seen, deleted
 * accounts' comments disowned.  Each write is one op of the group-commit
 * writer's batch; a password is hashed in the caller's thread (the
 * front end's hashing pool), never under the writer lock.
 *
 * A login-like act counts itself before its hash, in a write of its own
 * that commits at once: parallel guesses are counted as they arrive, and
 * one that finds another in flight for its account or address is
 * refused.  It ends its attempt after its write, whatever came of it.
 */

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "service.h"


static int news_account_attempt(news_writer_t *w, news_account_t *a);
static void news_account_attempt_end(news_writer_t *w, news_account_t *a,
    int ok);
static int news_account_find(news_store_t *st, news_account_t *a);
static int news_account_write(news_writer_t *w, news_account_t *a,
    news_write_pt apply);
static void news_account_login(news_writer_t *w, news_store_t *st,
    news_account_t *a);
static void news_account_register(news_writer_t *w, news_account_t *a);
static void news_account_password(news_writer_t *w, news_store_t *st,
    news_account_t *a);
static int news_account_attempt_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_account_attempt_end_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_account_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static int news_account_end_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static int news_account_logout_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_account_seen_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static int news_account_disown_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);


typedef struct {
    const unsigned char  *token;
    int64_t               now;
} news_account_seen_t;


/*
 * The end of an attempt that could not be written, twice (the store
 * failed for a moment): its in-flight marks would refuse the account and
 * the address until they lapse, long after the store works again.  The
 * process keeps it, and its next account act writes it before its own
 * attempt.  One kept past the marks' lapse is dropped unwritten: a newer
 * attempt may hold the keys by then.
 */
#define NEWS_ACCOUNT_ENDS  16

typedef struct {
    news_throttle_t     keys[3];
    size_t              nkeys;
    int                 ok;
    int64_t             lapse;      /* when its marks lapse */
} news_account_end_t;

typedef struct {
    news_account_end_t  end[NEWS_ACCOUNT_ENDS];
    size_t              n;
    int64_t             now;
} news_account_ends_t;

static pthread_mutex_t      news_account_ends_lock = PTHREAD_MUTEX_INITIALIZER;
static news_account_ends_t  news_account_ends;

static void news_account_ends_keep(const news_account_end_t *e, size_t n);
static void news_account_ends_write(news_writer_t *w);
static int news_account_ends_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);


void
news_account_keys(news_account_t *a, const void *addr, size_t alen)
{
    news_throttle_t  *k;

    k = a->keys;
    memset(k, 0, sizeof(a->keys));

    if (a->kind == NEWS_ACCOUNT_REGISTER) {
        k[0].len = news_throttle_key_register(addr, alen, k[0].key);
        k[0].limit = a->limit_register;
        k[0].busy = 1;
        k[0].success = NEWS_THROTTLE_KEEP;
        a->nkeys = 1;
        return;
    }

    /* the account and the address each have one attempt in flight */
    k[0].len = news_throttle_key_pair(a->name, a->name_len, addr, alen,
                                      k[0].key);
    k[0].limit = a->limit_account;
    k[0].success = NEWS_THROTTLE_FORGET;

    k[1].len = news_throttle_key_addr(addr, alen, k[1].key);
    k[1].limit = a->limit_address;
    k[1].busy = 1;
    k[1].success = NEWS_THROTTLE_UNDO;

    k[2].len = news_throttle_key_name(a->name, a->name_len, k[2].key);
    k[2].limit = a->limit_account;
    k[2].slow = 1;
    k[2].busy = 1;
    k[2].success = NEWS_THROTTLE_FORGET;

    a->nkeys = 3;
}


void
news_account_run(news_writer_t *w, news_store_t *st, news_account_t *a)
{
    switch (a->kind) {

    case NEWS_ACCOUNT_LOGIN:
        news_account_login(w, st, a);
        break;

    case NEWS_ACCOUNT_REGISTER:
        news_account_register(w, a);
        break;

    case NEWS_ACCOUNT_PASSWORD:
    case NEWS_ACCOUNT_DELETE:
        news_account_password(w, st, a);
        break;

    case NEWS_ACCOUNT_LOGOUT_ALL:
    case NEWS_ACCOUNT_END_USER:
    case NEWS_ACCOUNT_END_ONE:
        (void) news_account_write(w, a, news_account_end_apply);
        break;

    default:
        (void) news_account_write(w, a, news_account_logout_apply);
    }

    explicit_bzero(a->pw, sizeof(a->pw));
    explicit_bzero(a->new_pw, sizeof(a->new_pw));
}


static void
news_account_login(news_writer_t *w, news_store_t *st, news_account_t *a)
{
    int   rc, ok;
    char  scratch[NEWS_HASH_MAX];

    if (news_account_attempt(w, a) != NEWS_OK) {
        return;
    }

    ok = 0;

    rc = news_account_find(st, a);

    if (rc == NEWS_OK) {
        ok = news_password_verify(a->user.hash, a->pw, a->pw_len);
        a->rc = ok ? NEWS_OK : NEWS_INVALID;

        /*
         * A hash made before news_password_cost was raised verifies
         * faster than an unknown name's dummy hash: pay the configured
         * cost too, right password or wrong, so that the time tells
         * nothing; a right password keeps the new hash.
         */
        if (news_password_cheaper(a->user.hash, &a->cost)
            && news_password_hash(&a->cost, a->pw, a->pw_len, scratch,
                                  sizeof(scratch), &a->err)
               == NEWS_OK
            && ok)
        {
            memcpy(a->hash, scratch, sizeof(scratch));
        }

    } else if (rc == NEWS_NOTFOUND) {
        /* as slow as a wrong password: existence stays secret */
        (void) news_password_hash(&a->cost, a->pw, a->pw_len, scratch,
                                  sizeof(scratch), &a->err);
        a->rc = NEWS_INVALID;

    } else {
        a->rc = rc;
    }

    /* the session's lifetime starts now, not when the hash was queued */
    a->now = (int64_t) time(NULL);

    if (ok && news_account_write(w, a, news_account_apply) != NEWS_OK) {
        ok = 0;
    }

    news_account_attempt_end(w, a, ok);
}


static void
news_account_register(news_writer_t *w, news_account_t *a)
{
    if (news_account_attempt(w, a) != NEWS_OK) {
        return;
    }

    a->rc = news_password_hash(&a->cost, a->pw, a->pw_len, a->user.hash,
                               sizeof(a->user.hash), &a->err);

    memcpy(a->user.name, a->name, a->name_len);
    a->user.name[a->name_len] = '\0';
    a->user.name_len = a->name_len;
    a->user.role = NEWS_ROLE_READER;
    a->now = (int64_t) time(NULL);

    if (a->rc == NEWS_OK) {
        (void) news_account_write(w, a, news_account_apply);
    }

    /* a registration counts whatever came of it */
    news_account_attempt_end(w, a, 1);
}


/*
 * A new password, or the account's deletion: the current password is
 * checked (counted by the login throttle, as a login is).  A new one is
 * hashed, and every session of the account ends but a new one for this
 * browser: whoever else was logged in, perhaps with the old password, is
 * out.  A deleted account goes with its sessions; its name stays
 * reserved and its comments stay, under that name.
 */
static void
news_account_password(news_writer_t *w, news_store_t *st, news_account_t *a)
{
    int  rc, ok;

    if (news_account_attempt(w, a) != NEWS_OK) {
        return;
    }

    ok = 0;
    rc = news_account_find(st, a);

    if (rc == NEWS_OK && a->user.id == a->uid) {
        ok = news_password_verify(a->user.hash, a->pw, a->pw_len)
             && (a->kind == NEWS_ACCOUNT_DELETE
                 || news_password_hash(&a->cost, a->new_pw, a->new_pw_len,
                                       a->hash, sizeof(a->hash), &a->err)
                    == NEWS_OK);
        a->rc = ok ? NEWS_OK : NEWS_INVALID;

    } else {
        a->rc = rc != NEWS_OK ? rc
                              : news_err_set(&a->err, NEWS_NOTFOUND,
                                             "finding the account: not "
                                             "this one");
    }

    a->now = (int64_t) time(NULL);

    if (ok && news_account_write(w, a, news_account_apply) != NEWS_OK) {
        ok = 0;
    }

    news_account_attempt_end(w, a, ok);
}


/* NEWS_OK to go on; else a->rc says why not (NEWS_LIMITED: a->wait) */
static int
news_account_attempt(news_writer_t *w, news_account_t *a)
{
    news_account_ends_write(w);

    a->begun = a->now;

    return news_account_write(w, a, news_account_attempt_apply);
}


static int
news_account_attempt_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_t  *a = arg;

    return news_attempt_begin(st, txn, a->keys, a->nkeys, a->now, &a->wait,
                              &a->in_flight, err);
}


/*
 * Takes the attempt's in-flight marks off and, if ok, applies each key's
 * success rule.  Twice if need be, then kept for the next act: a store
 * error must not leave the account or the address refused for the
 * marks' lifetime.
 */
static void
news_account_attempt_end(news_writer_t *w, news_account_t *a, int ok)
{
    int                 i;
    news_write_op_t     op;
    news_account_end_t  e;

    a->ok = ok;

    for (i = 0; i < 2; i++) {
        memset(&op, 0, sizeof(op));
        op.apply = news_account_attempt_end_apply;
        op.arg = a;

        if (news_writer_run(w, &op) == NEWS_OK) {
            return;
        }
    }

    memcpy(e.keys, a->keys, sizeof(e.keys));
    e.nkeys = a->nkeys;
    e.ok = ok;
    e.lapse = a->begun + NEWS_THROTTLE_BUSY;

    news_account_ends_keep(&e, 1);
}


int
news_account_ends_kept(void)
{
    size_t  n;

    pthread_mutex_lock(&news_account_ends_lock);
    n = news_account_ends.n;
    pthread_mutex_unlock(&news_account_ends_lock);

    return n > 0;
}


/* keeps ends to write later, those that have not lapsed; a full list
   drops the rest, whose marks lapse by themselves */
static void
news_account_ends_keep(const news_account_end_t *e, size_t n)
{
    size_t   i;
    int64_t  now;

    now = (int64_t) time(NULL);

    pthread_mutex_lock(&news_account_ends_lock);

    for (i = 0; i < n && news_account_ends.n < NEWS_ACCOUNT_ENDS; i++) {
        if (e[i].lapse > now) {
            news_account_ends.end[news_account_ends.n++] = e[i];
        }
    }

    pthread_mutex_unlock(&news_account_ends_lock);
}


/*
 * Writes the kept ends, taken out of the list first so that no other
 * thread writes them too (an end applied twice would take back its
 * attempt twice); kept again if the write fails.
 */
static void
news_account_ends_write(news_writer_t *w)
{
    news_write_op_t      op;
    news_account_ends_t  ends;

    pthread_mutex_lock(&news_account_ends_lock);
    ends = news_account_ends;
    news_account_ends.n = 0;
    pthread_mutex_unlock(&news_account_ends_lock);

    if (ends.n == 0) {
        return;
    }

    ends.now = (int64_t) time(NULL);

    memset(&op, 0, sizeof(op));
    op.apply = news_account_ends_apply;
    op.arg = &ends;

    if (news_writer_run(w, &op) != NEWS_OK) {
        news_account_ends_keep(ends.end, ends.n);
    }
}


static int
news_account_ends_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    size_t                i;
    news_account_ends_t  *ends = arg;

    for (i = 0; i < ends->n; i++) {
        if (ends->end[i].lapse <= ends->now) {
            continue;
        }

        if (news_attempt_end(st, txn, ends->end[i].keys, ends->end[i].nkeys,
                             ends->end[i].ok, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    return NEWS_OK;
}


static int
news_account_attempt_end_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_t  *a = arg;

    return news_attempt_end(st, txn, a->keys, a->nkeys, a->ok, err);
}


/*
 * The account of a login, read in a read txn of its own: a hash is never
 * computed under the writer lock.  NEWS_OK, or NEWS_NOTFOUND or another
 * NEWS_* with a->err.
 */
static int
news_account_find(news_store_t *st, news_account_t *a)
{
    int       rc;
    MDB_txn  *txn;

    if (news_store_begin(st, MDB_RDONLY, &txn, &a->err) != NEWS_OK) {
        return a->err.code;
    }

    rc = news_user_find(st, txn, a->name, a->name_len, &a->user);
    news_store_abort(st, txn);

    if (rc != 0) {
        return news_store_fail(&a->err, rc, "finding an account");
    }

    return NEWS_OK;
}


/*
 * One write of the act through the group-commit writer, committed (with
 * whatever else was queued) before it returns: a->rc and a->err say how
 * it went.
 */
static int
news_account_write(news_writer_t *w, news_account_t *a, news_write_pt apply)
{
    news_write_op_t  op;

    memset(&op, 0, sizeof(op));
    op.apply = apply;
    op.arg = a;

    a->rc = news_writer_run(w, &op);
    if (a->rc != NEWS_OK) {
        a->err = op.err;
    }

    return a->rc;
}


/*
 * The account's own write once its password is hashed, in one txn: a
 * login's session (and rehash), a registration's account (and session),
 * a new password (and the end of every other session), a deletion.
 */
static int
news_account_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_t  *a = arg;

    switch (a->kind) {

    case NEWS_ACCOUNT_REGISTER:
        return news_user_register(st, txn, &a->user, a->now, a->ttl,
                                  a->start_session ? a->token : NULL, err);

    case NEWS_ACCOUNT_DELETE:
        return news_user_delete(st, txn, a->name, a->name_len, a->disown,
                                err);

    case NEWS_ACCOUNT_PASSWORD:
        if (news_sessions_drop_user(st, txn, a->user.id, err) != NEWS_OK) {
            return err->code;
        }

        return news_user_login(st, txn, a->user.id, a->hash, a->now, a->ttl,
                               a->token, err);

    default: /* a login */
        return news_user_login(st, txn, a->user.id,
                               a->hash[0] ? a->hash : NULL, a->now, a->ttl,
                               a->token, err);
    }
}


/*
 * Sessions end: one of the actor's own, by its id (a->sid, looked for
 * among a->uid's sessions only); all of the actor's ("log out
 * everywhere"); or, for a moderator, all of another account's (a->name),
 * one of a lower role unless the moderator is an admin.
 */
static int
news_account_end_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_t  *a = arg;

    switch (a->kind) {

    case NEWS_ACCOUNT_END_USER:
        return news_user_end_sessions(st, txn, a->name, a->name_len, a->role,
                                      err);

    case NEWS_ACCOUNT_END_ONE:
        return news_session_end_id(st, txn, a->uid, a->sid, err);

    default:
        return news_sessions_drop_user(st, txn, a->uid, err);
    }
}


static int
news_account_logout_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_t  *a = arg;

    return news_session_delete(st, txn, a->token, err);
}


void
news_account_seen(news_writer_t *w, const unsigned char *token, int64_t now)
{
    news_write_op_t      op;
    news_account_seen_t  seen;

    seen.token = token;
    seen.now = now;

    memset(&op, 0, sizeof(op));
    op.apply = news_account_seen_apply;
    op.arg = &seen;

    (void) news_writer_run(w, &op);
}


static int
news_account_seen_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_account_seen_t  *seen = arg;

    return news_session_touch(st, txn, seen->token, seen->now, err);
}


void
news_account_disown(news_writer_t *w)
{
    int              more, failed;
    news_write_op_t  op;

    failed = 0;

    do {
        more = 0;
        memset(&op, 0, sizeof(op));
        op.apply = news_account_disown_apply;
        op.arg = &more;

        if (news_writer_run(w, &op) != NEWS_OK) {
            more = (++failed < 2);
        }

    } while (more);
}


static int
news_account_disown_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    int  *more = arg;

    return news_author_disown_step(st, txn, (int64_t) time(NULL),
                                   NEWS_AUTHOR_BATCH, more, err);
}
