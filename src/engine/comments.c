/*
 * Comments in the store; see comments.h for the layout.
 *
 * Long (about 1,600 lines) for one reason: every write here keeps five
 * databases in step (comments, cindex, pending, threads, authors)
 * through the same static helpers (news_comment_put, news_comment_index,
 * the key makers), and a deleted account's disowning rewrites records
 * with them too.  What only reads a list is comments_lists.c; the
 * record itself is comment.c.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "articles.h"
#include "comments.h"
#include "community.h"
#include "text.h"
#include "users.h"


/* what is left of a deleted comment's words */
#define NEWS_DELETED_TEXT  "[deleted]"


static int news_comment_put(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, news_err_t *err);
static void news_comment_key(unsigned char *key, const news_comment_t *c);
static int news_comment_find(news_store_t *st, MDB_txn *txn, uint64_t id,
    MDB_val *key, MDB_val *val, news_err_t *err);
static int news_comments_add(news_comments_t *cs, news_comment_t *c);
static int news_comment_unindex(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, void *arg, news_err_t *err);
static void news_comment_view_put(news_buf_t *b, const news_comment_t *c);
static int news_comment_view_get(const MDB_val *key, const MDB_val *val,
    news_comment_t *c, news_buf_t *arena);
static unsigned news_comment_depth(const news_comments_t *cs, size_t i);
static int news_comment_feature_check(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, int on, news_err_t *err);
static int news_comment_change(news_store_t *st, MDB_txn *txn, uint64_t id,
    int status, const char *body, int64_t now, news_err_t *err);
static int news_comment_queue(news_store_t *st, MDB_txn *txn,
    const unsigned char *k, int pending, news_err_t *err);
static void news_comment_thread_key(unsigned char *key, uint64_t article_id,
    uint64_t root, int64_t created_at, uint64_t id);
static int news_comment_thread_put(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, news_err_t *err);
static int news_comment_count(news_store_t *st, MDB_txn *txn, int db,
    const unsigned char *prefix, size_t n, size_t max, size_t *count,
    news_err_t *err);
static int news_comment_budget(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, news_err_t *err);
static uint64_t news_comment_depth_root(const news_comments_t *cs,
    size_t i);
static int news_comment_threads_drop(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, news_err_t *err);
static int news_comments_take(news_comments_t *cs, news_buf_t *arena,
    const MDB_val *key, const MDB_val *val);
static int news_comments_thread_take(news_store_t *st, MDB_txn *txn,
    MDB_cursor *cur, uint64_t article_id, uint64_t root,
    news_comments_t *cs, news_buf_t *arena);
static int news_comments_done(news_comments_t *cs, news_buf_t *arena,
    int rc, news_err_t *err);
static int news_comment_index(news_store_t *st, MDB_txn *txn, int db,
    const unsigned char *k, size_t klen, const unsigned char *v, size_t n,
    const char *what, news_err_t *err);
static int news_author_put(news_store_t *st, MDB_txn *txn, uint64_t uid,
    uint64_t id, const unsigned char *k, uint64_t hash, news_err_t *err);
static uint64_t news_comment_stored_author(const MDB_val *key,
    const MDB_val *val);
static void news_comment_from_cview(const MDB_val *key, const MDB_val *val,
    const news_cview_t *v, news_comment_t *c);
static int news_comment_from_view(const MDB_val *key, const MDB_val *val,
    const news_cview_t *v, news_comment_t *c, news_err_t *err);
static int news_comment_value(news_buf_t *b, const news_comment_t *c);
static uint64_t news_comment_body_hash(const MDB_val *val);
static int news_author_mark(MDB_cursor *cur, MDB_val *key, MDB_val *val);
static int news_author_account(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_err_t *err);
static int news_comment_disown(news_store_t *st, MDB_txn *txn,
    const unsigned char *k, int how, int64_t now, news_err_t *err);
static int news_comment_account(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, int was, int was_featured, news_err_t *err);
static void news_cstate_pick(news_cstate_t *cs, uint64_t id, int on);


static int
news_comments_add(news_comments_t *cs, news_comment_t *c)
{
    news_comment_t  *p;

    if (cs->n == cs->cap) {
        p = realloc(cs->items, (cs->cap ? cs->cap * 2 : 16) * sizeof(*p));
        if (p == NULL) {
            return -1;
        }

        cs->items = p;
        cs->cap = cs->cap ? cs->cap * 2 : 16;
    }

    cs->items[cs->n++] = *c;

    return 0;
}


static void
news_comment_key(unsigned char *key, const news_comment_t *c)
{
    news_be64_put(key, c->article_id);
    news_be64_put(key + 8, (uint64_t) c->created_at);
    news_be64_put(key + 16, c->id);
}


/* the 9th byte, not the length, tells a record from a fragment (comments.h) */
int
news_comments_record(const MDB_val *key)
{
    return key->mv_size == NEWS_COMMENTS_KEY
           && ((const unsigned char *) key->mv_data)[8] == 0;
}


/*
 * The key just past an article's last record: in pages its fragments
 * follow its records, their kind's letter above a time's highest byte
 * (0 for any time from 1970 up to 2^56 seconds; comment.c refuses an
 * earlier one).  That byte, not a key's length, is what a walk of the
 * records tests (news_comments_record): a fragment's key could be 24
 * bytes long too.
 */
void
news_comments_end(unsigned char *key, uint64_t article_id)
{
    memset(key, 0, NEWS_COMMENTS_KEY);
    news_be64_put(key, article_id);
    key[8] = 1;
}


static int
news_comment_put(news_store_t *st, MDB_txn *txn, const news_comment_t *c,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    news_buf_t     b;
    unsigned char  k[NEWS_COMMENTS_KEY], id[8];

    news_buf_init(&b);

    if (news_comment_value(&b, c) != 0) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_comment_key(k, c);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = b.data;
    val.mv_size = b.len;

    rc = mdb_put(txn, st->dbi[st->records], &key, &val, 0);
    news_buf_free(&b);

    if (rc != 0) {
        return news_store_fail(err, rc, "writing a comment");
    }

    news_be64_put(id, c->id);
    key.mv_data = id;
    key.mv_size = 8;
    val.mv_data = k;
    val.mv_size = sizeof(k);

    rc = mdb_put(txn, st->dbi[NEWS_DB_CINDEX], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the comment index");
    }

    if (c->author_id
        && news_author_put(st, txn, c->author_id, c->id, k,
                           news_body_hash(c->body, strlen(c->body)), err)
           != NEWS_OK)
    {
        return err->code;
    }

    if (news_comment_queue(st, txn, k, c->status == NEWS_COMMENT_PENDING,
                           err)
        != NEWS_OK)
    {
        return err->code;
    }

    return c->root ? news_comment_thread_put(st, txn, c, err) : NEWS_OK;
}


/*
 * A comment's stored value (comments.h): the status and the lengths, the
 * public JSON made in place, the view; -1 when out of memory
 */
static int
news_comment_value(news_buf_t *b, const news_comment_t *c)
{
    size_t  at;

    at = b->len;
    news_buf_addc(b, (char) c->status);
    news_buf_add_be32(b, 0);
    news_buf_add_be32(b, (uint32_t) (NEWS_COMMENT_VIEW_HEAD
                                     + strlen(c->author) + strlen(c->body)));
    news_comment_json(b, c);

    if (b->failed) {
        return -1;
    }

    news_be32_put((unsigned char *) b->data + at + 1,
                  (uint32_t) (b->len - at - NEWS_COMMENT_VALUE_HEAD));
    news_comment_view_put(b, c);

    return b->failed ? -1 : 0;
}


static void
news_comment_thread_key(unsigned char *key, uint64_t article_id,
    uint64_t root, int64_t created_at, uint64_t id)
{
    news_be64_put(key, article_id);
    news_be64_put(key + 8, root);
    news_be64_put(key + 16, (uint64_t) created_at);
    news_be64_put(key + 24, id);
}


static int
news_comment_thread_put(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, news_err_t *err)
{
    unsigned char  k[NEWS_THREAD_KEY];

    news_comment_thread_key(k, c->article_id, c->root, c->created_at, c->id);

    return news_comment_index(st, txn, NEWS_DB_THREADS, k, sizeof(k), k, 0,
                              "writing the thread index", err);
}


int
news_comment_thread_of(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t *root, news_err_t *err)
{
    unsigned       hops;
    MDB_val        key, val;
    news_cview_t   v;

    for (hops = 0; hops < NEWS_COMMENT_DEPTH; hops++) {
        if (news_comment_find(st, txn, id, &key, &val, err) != NEWS_OK) {
            return err->code;
        }

        if (news_comment_view(&val, &v) != 0) {
            return news_err_set(err, NEWS_ERROR, "a corrupt comment record");
        }

        if (v.parent == 0) {
            *root = id;
            return NEWS_OK;
        }

        id = v.parent;
    }

    return news_err_set(err, NEWS_ERROR, "comment %llu nests too deep",
                        (unsigned long long) id);
}


/*
 * Counts the keys that begin with prefix[0..n) in a database, stopping
 * at max: what a budget needs to know, in at most max steps.
 */
static int
news_comment_count(news_store_t *st, MDB_txn *txn, int db,
    const unsigned char *prefix, size_t n, size_t max, size_t *count,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  k[NEWS_THREAD_KEY];

    *count = 0;

    rc = mdb_cursor_open(txn, st->dbi[db], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    memcpy(k, prefix, n);
    key.mv_data = k;
    key.mv_size = n;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && *count < max && key.mv_size >= n
         && memcmp(key.mv_data, prefix, n) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        (*count)++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "counting comments");
    }

    return NEWS_OK;
}


/*
 * A thread takes a bounded number of replies (its page shows a bounded
 * part of them, its own page all).  An article takes any number of
 * threads: a comment costs the same whatever its article holds
 * (publish.c, news_articles_flush).
 */
static int
news_comment_budget(news_store_t *st, MDB_txn *txn, const news_comment_t *c,
    news_err_t *err)
{
    size_t         n;
    unsigned char  k[16];

    if (c->root == 0) {
        return NEWS_OK;
    }

    news_be64_put(k, c->article_id);
    news_be64_put(k + 8, c->root);

    if (news_comment_count(st, txn, NEWS_DB_THREADS, k, 16, NEWS_THREAD_MAX,
                           &n, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (n >= NEWS_THREAD_MAX) {
        return news_err_set(err, NEWS_FORBIDDEN, "this thread has taken all "
                            "the replies it can (%d): start a new one",
                            NEWS_THREAD_MAX);
    }

    return NEWS_OK;
}


/*
 * Keeps the moderation queue in step with a comment (its key k): in it
 * while pending, out of it otherwise.  The queue's key is the comment
 * key without the article (be64 created_at . be64 id), so it runs
 * oldest first; its value is the article id.
 */
static int
news_comment_queue(news_store_t *st, MDB_txn *txn, const unsigned char *k,
    int pending, news_err_t *err)
{
    return news_comment_index(st, txn, NEWS_DB_PENDING, k + 8,
                              NEWS_PENDING_KEY, pending ? k : NULL, 8,
                              "writing the moderation queue", err);
}


/* an index entry key -> v (n bytes), or none (v NULL) */
static int
news_comment_index(news_store_t *st, MDB_txn *txn, int db,
    const unsigned char *k, size_t klen, const unsigned char *v, size_t n,
    const char *what, news_err_t *err)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = (unsigned char *) k;
    key.mv_size = klen;

    if (v != NULL) {
        val.mv_data = (unsigned char *) v;
        val.mv_size = n;
        rc = mdb_put(txn, st->dbi[db], &key, &val, 0);

    } else {
        rc = mdb_del(txn, st->dbi[db], &key, NULL);
        rc = (rc == MDB_NOTFOUND) ? 0 : rc;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, what);
    }

    return NEWS_OK;
}


int
news_comments_reindex(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int             rc, status;
    MDB_val         key, val;
    MDB_cursor     *cur;
    news_comment_t  c;

    rc = mdb_drop(txn, st->dbi[NEWS_DB_PENDING], 0);
    if (rc == 0) {
        rc = mdb_drop(txn, st->dbi[NEWS_DB_THREADS], 0);
    }

    if (rc == 0) {
        rc = mdb_drop(txn, st->dbi[NEWS_DB_AUTHORS], 0);
    }

    if (rc == 0) {
        rc = mdb_cursor_open(txn, st->dbi[st->records], &cur);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "indexing comments");
    }

    status = NEWS_OK;

    while (status == NEWS_OK
           && (rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0)
    {
        if (!news_comments_record(&key)
            || news_comment_view_get(&key, &val, &c, NULL) != 0)
        {
            continue;
        }

        c.article_id = news_be64_get(key.mv_data);
        c.author_id = news_comment_stored_author(&key, &val);

        if (c.status == NEWS_COMMENT_PENDING) {
            status = news_comment_queue(st, txn, key.mv_data, 1, err);
        }

        if (status == NEWS_OK && c.author_id) {
            status = news_author_put(st, txn, c.author_id, c.id,
                                     key.mv_data, news_comment_body_hash(&val),
                                     err);
        }

        if (status == NEWS_OK && c.parent) {
            status = news_comment_thread_of(st, txn, c.parent, &c.root, err);

            if (status == NEWS_OK) {
                status = news_comment_thread_put(st, txn, &c, err);
            }
        }
    }

    mdb_cursor_close(cur);

    if (status != NEWS_OK) {
        return status;
    }

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "indexing comments");
    }

    return NEWS_OK;
}


/*
 * A store of schema 6 or older, opened for writing: its comments' records
 * go from comments into pages, under the same keys, in the txn that
 * raises its schema record.
 */
int
news_comments_move(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;

    cur = NULL;
    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_COMMENTS], &cur);

    while (rc == 0
           && (rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0)
    {
        rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val,
                     MDB_NOOVERWRITE);
    }

    if (rc == MDB_NOTFOUND) {
        mdb_cursor_close(cur);
        rc = mdb_drop(txn, st->dbi[NEWS_DB_COMMENTS], 0);

    } else if (cur != NULL) {
        mdb_cursor_close(cur);
    }

    return rc == 0 ? NEWS_OK
                   : news_store_fail(err, rc, "moving comments into pages");
}


/*
 * A record of schema 8 is its view and its key; one of schema 7 or older
 * is read from its full JSON, as it always was.
 */
/*
 * A store of schema 7 or older, opened for writing: each record of the
 * older form is written in schema 8's (the full JSON gone, the author's
 * id in the view), in the txn that raises its schema record.  One seek
 * a record and one past each article's records, which skips its
 * fragments; each seeks afresh, relying on no cursor state.
 */
int
news_comments_slim(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int             rc;
    MDB_val         key, val;
    news_buf_t      b;
    MDB_cursor     *cur;
    news_cview_t    v;
    news_comment_t  c;
    unsigned char   k[NEWS_COMMENTS_KEY], rk[NEWS_COMMENTS_KEY];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_PAGES], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_buf_init(&b);
    memset(k, 0, sizeof(k));

    for ( ;; ) {
        key.mv_data = k;
        key.mv_size = sizeof(k);

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc != 0) {
            break;
        }

        /* past the article's records: on to the next article's */
        if (!news_comments_record(&key)) {
            memset(k, 0, sizeof(k));
            news_be64_put(k, news_be64_get(key.mv_data) + 1);

            if (news_be64_get(k) == 0) {
                rc = MDB_NOTFOUND;
                break;
            }

            continue;
        }

        /* the key is copied: the put may move what it points to */
        memcpy(rk, key.mv_data, sizeof(rk));
        memcpy(k, rk, sizeof(k));
        news_be64_put(k + 16, news_be64_get(k + 16) + 1);

        if (news_comment_view(&val, &v) != 0 || v.full == NULL) {
            continue;       /* newsctl check says what is corrupt */
        }

        if (news_comment_parse(&key, &val, &c, err) != NEWS_OK) {
            mdb_cursor_close(cur);
            news_buf_free(&b);
            return err->code;
        }

        news_buf_reset(&b);
        rc = news_comment_value(&b, &c) == 0 ? 0 : ENOMEM;
        news_comment_free(&c);

        if (rc == 0) {
            key.mv_data = rk;
            val.mv_data = b.data;
            val.mv_size = b.len;
            rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
        }

        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);
    news_buf_free(&b);

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "writing comments' records anew");
    }

    return NEWS_OK;
}


int
news_comment_parse(const MDB_val *key, const MDB_val *val,
    news_comment_t *c, news_err_t *err)
{
    int            rc, oom;
    cJSON         *obj;
    news_cview_t   v;

    if (news_comment_view(val, &v) != 0) {
        return news_err_set(err, NEWS_ERROR, "a corrupt comment record");
    }

    if (v.full == NULL) {
        return news_comment_from_view(key, val, &v, c, err);
    }

    obj = news_json_parse(v.full, v.full_len, &oom);
    if (obj == NULL) {
        return news_err_set(err, NEWS_ERROR, oom ? "out of memory"
                                                 : "a corrupt comment record");
    }

    rc = news_comment_from_json(c, obj, err);
    cJSON_Delete(obj);

    return rc;
}


static int
news_comment_find(news_store_t *st, MDB_txn *txn, uint64_t id, MDB_val *key,
    MDB_val *val, news_err_t *err)
{
    int            rc;
    MDB_val        ik;
    unsigned char  k[8];

    news_be64_put(k, id);
    ik.mv_data = k;
    ik.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_CINDEX], &ik, key);
    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no comment %llu",
                            (unsigned long long) id);
    }

    if (rc == 0) {
        rc = mdb_get(txn, st->dbi[st->records], key, val);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a comment");
    }

    return NEWS_OK;
}


int
news_comment_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_comment_t *c, news_err_t *err)
{
    MDB_val  key, val;

    if (news_comment_find(st, txn, id, &key, &val, err) != NEWS_OK) {
        return err->code;
    }

    return news_comment_parse(&key, &val, c, err);
}




int
news_comments_latest(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    size_t limit, news_comments_t *cs, news_err_t *err)
{
    int             rc;
    size_t          seen;
    MDB_val         key, val;
    news_buf_t      arena;
    MDB_cursor     *cur;
    unsigned char   k[NEWS_COMMENTS_KEY];

    memset(cs, 0, sizeof(*cs));
    news_buf_init(&arena);
    news_comments_end(k, article_id);

    rc = mdb_cursor_open(txn, st->dbi[st->records], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    key.mv_data = k;
    key.mv_size = NEWS_COMMENTS_KEY;

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    for (seen = 0;
         rc == 0 && cs->n < limit && seen < NEWS_COMMENTS_FEED_SCAN;
         rc = mdb_cursor_get(cur, &key, &val, MDB_PREV), seen++)
    {
        if (!news_comments_record(&key) || memcmp(key.mv_data, k, 8)) {
            break;
        }

        if (val.mv_size == 0
            || ((unsigned char *) val.mv_data)[0] != NEWS_COMMENT_VISIBLE)
        {
            continue;
        }

        rc = news_comments_take(cs, &arena, &key, &val);
        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    return news_comments_done(cs, &arena, rc, err);
}


int
news_comments_load(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    news_comments_t *cs, news_err_t *err)
{
    int             rc;
    MDB_val         key, val;
    news_buf_t      arena;
    MDB_cursor     *cur;
    unsigned char   k[8];

    memset(cs, 0, sizeof(*cs));
    news_buf_init(&arena);
    news_be64_put(k, article_id);

    rc = mdb_cursor_open(txn, st->dbi[st->records], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    key.mv_data = k;
    key.mv_size = 8;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (!news_comments_record(&key) || memcmp(key.mv_data, k, 8)) {
            break;
        }

        rc = news_comments_take(cs, &arena, &key, &val);
        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    return news_comments_done(cs, &arena, rc, err);
}


int
news_comments_thread_load(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, uint64_t root, news_comments_t *cs,
    news_err_t *err)
{
    return news_comments_threads_load(st, txn, article_id, &root, 1, cs,
                                      err);
}


int
news_comments_threads_load(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, const uint64_t *roots, size_t n,
    news_comments_t *cs, news_err_t *err)
{
    int          rc;
    size_t       i, first;
    news_buf_t   arena;
    MDB_cursor  *cur;

    memset(cs, 0, sizeof(*cs));
    news_buf_init(&arena);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_THREADS], &cur);
    if (rc != 0) {
        return news_comments_done(cs, &arena, rc, err);
    }

    for (i = 0; rc == 0 && i < n; i++) {
        first = cs->n;
        rc = news_comments_thread_take(st, txn, cur, article_id, roots[i],
                                       cs, &arena);

        if (rc == MDB_NOTFOUND && n == 1) {
            mdb_cursor_close(cur);
            news_comments_done(cs, &arena, MDB_NOTFOUND, err);
            news_comments_free(cs);
            return news_err_set(err, NEWS_NOTFOUND, "no such thread");
        }

        /* a top that is gone leaves its page's other threads */
        if (rc == MDB_NOTFOUND) {
            cs->n = first;
            rc = 0;
        }
    }

    mdb_cursor_close(cur);

    return news_comments_done(cs, &arena, rc, err);
}


/*
 * Adds thread `root` of the article to cs: its top, then its replies
 * oldest first (the thread index).  MDB_NOTFOUND when root is not a top
 * comment of the article.
 */
static int
news_comments_thread_take(news_store_t *st, MDB_txn *txn, MDB_cursor *cur,
    uint64_t article_id, uint64_t root, news_comments_t *cs,
    news_buf_t *arena)
{
    int            rc;
    MDB_val        key, val, ck, cv;
    news_err_t     err;
    unsigned char  k[NEWS_THREAD_KEY], c[NEWS_COMMENTS_KEY];

    rc = news_comment_find(st, txn, root, &ck, &cv, &err);
    if (rc != NEWS_OK) {
        return rc == NEWS_NOTFOUND ? MDB_NOTFOUND : MDB_CORRUPTED;
    }

    if (news_be64_get(ck.mv_data) != article_id) {
        return MDB_NOTFOUND;
    }

    rc = news_comments_take(cs, arena, &ck, &cv);
    if (rc != 0) {
        return rc;
    }

    if (cs->items[cs->n - 1].parent != 0) {
        return MDB_NOTFOUND;
    }

    news_comment_thread_key(k, article_id, root, 0, 0);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size == NEWS_THREAD_KEY
         && memcmp(key.mv_data, k, 16) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        /* the comment's key: its article, time and id */
        memcpy(c, key.mv_data, 8);
        memcpy(c + 8, (unsigned char *) key.mv_data + 16, 16);
        ck.mv_data = c;
        ck.mv_size = sizeof(c);

        rc = mdb_get(txn, st->dbi[st->records], &ck, &cv);
        if (rc == 0) {
            rc = news_comments_take(cs, arena, &ck, &cv);
        }

        if (rc != 0) {
            return rc;
        }
    }

    return rc == MDB_NOTFOUND ? 0 : rc;
}


int
news_comments_by_id(news_store_t *st, MDB_txn *txn, const uint64_t *ids,
    size_t n, news_comments_t *cs, news_err_t *err)
{
    int          rc;
    size_t       i;
    MDB_val      key, val;
    news_buf_t   arena;

    memset(cs, 0, sizeof(*cs));
    news_buf_init(&arena);
    rc = 0;

    for (i = 0; rc == 0 && i < n; i++) {
        if (news_comment_find(st, txn, ids[i], &key, &val, err) != NEWS_OK) {
            if (err->code == NEWS_NOTFOUND) {
                continue;
            }

            rc = MDB_CORRUPTED;
            break;
        }

        rc = news_comments_take(cs, &arena, &key, &val);
    }

    return news_comments_done(cs, &arena, rc, err);
}


/* adds a stored comment to a loaded set: 0, or an error to stop with */
static int
news_comments_take(news_comments_t *cs, news_buf_t *arena,
    const MDB_val *key, const MDB_val *val)
{
    news_comment_t  c;

    if (news_comment_view_get(key, val, &c, arena) != 0) {
        return arena->failed ? ENOMEM : MDB_CORRUPTED;
    }

    c.article_id = news_be64_get(key->mv_data);

    if (news_comments_add(cs, &c) != 0) {
        arena->failed = 1;
        return ENOMEM;
    }

    return 0;
}


/*
 * Ends a load that stopped with rc: the set, its strings turned from
 * offsets into addresses (the arena may have moved as it grew), or
 * nothing and the error.
 */
static int
news_comments_done(news_comments_t *cs, news_buf_t *arena, int rc,
    news_err_t *err)
{
    size_t  i;

    if (arena->failed || (rc != 0 && rc != MDB_NOTFOUND)) {
        news_buf_free(arena);
        free(cs->items);
        memset(cs, 0, sizeof(*cs));
        return arena->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                             : news_store_fail(err, rc, "reading comments");
    }

    cs->arena = arena->data;

    for (i = 0; i < cs->n; i++) {
        cs->items[i].author = arena->data + (uintptr_t) cs->items[i].author;
        cs->items[i].body = arena->data + (uintptr_t) cs->items[i].body;
    }

    return NEWS_OK;
}


/* the view of a comment (comments.h), for rendering without parsing */
static void
news_comment_view_put(news_buf_t *b, const news_comment_t *c)
{
    size_t         n;
    unsigned char  h[NEWS_COMMENT_VIEW_HEAD];

    n = strlen(c->author);

    news_be64_put(h, c->parent);
    news_be64_put(h + 8, (uint64_t) c->created_at);
    news_be64_put(h + 16, (uint64_t) c->edited_at);
    h[24] = (unsigned char) (c->depth
                             | (c->featured ? NEWS_COMMENT_FEATURED : 0));
    h[25] = (unsigned char) (n >> 8);
    h[26] = (unsigned char) n;
    news_be64_put(h + 27, c->author_id);

    news_buf_add(b, h, sizeof(h));
    news_buf_add(b, c->author, n);
    news_buf_adds(b, c->body);
}


/*
 * Reads a comment's view into c, its author and body copied into arena
 * as NUL-terminated strings whose offsets stand in c's pointers until
 * the caller turns them into addresses (no strings without an arena).
 */
static int
news_comment_view_get(const MDB_val *key, const MDB_val *val,
    news_comment_t *c, news_buf_t *arena)
{
    news_cview_t  v;

    if (news_comment_view(val, &v) != 0) {
        return -1;
    }

    news_comment_from_cview(key, val, &v, c);

    if (arena == NULL) {
        return 0;
    }

    c->author = (char *) (uintptr_t) arena->len;
    news_buf_add(arena, v.author, v.alen);
    news_buf_addc(arena, '\0');

    c->body = (char *) (uintptr_t) arena->len;
    news_buf_add(arena, v.body, v.blen);
    news_buf_addc(arena, '\0');

    return arena->failed ? -1 : 0;
}


/* what a view and its key say of a comment, its strings left unset */
static void
news_comment_from_cview(const MDB_val *key, const MDB_val *val,
    const news_cview_t *v, news_comment_t *c)
{
    memset(c, 0, sizeof(*c));
    c->status = ((unsigned char *) val->mv_data)[0];
    c->id = news_be64_get((unsigned char *) key->mv_data + 16);
    c->article_id = news_be64_get(key->mv_data);
    c->parent = v->parent;
    c->author_id = v->author_id;
    c->created_at = v->created_at;
    c->edited_at = v->edited_at;
    c->depth = v->depth;
    c->featured = v->featured;
}


/* a record of schema 8 parsed whole: its view, its strings malloc'd */
static int
news_comment_from_view(const MDB_val *key, const MDB_val *val,
    const news_cview_t *v, news_comment_t *c, news_err_t *err)
{
    news_comment_from_cview(key, val, v, c);

    c->author = malloc(v->alen + 1);
    c->body = malloc(v->blen + 1);

    if (c->author == NULL || c->body == NULL) {
        news_comment_free(c);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(c->author, v->author, v->alen);
    c->author[v->alen] = '\0';
    memcpy(c->body, v->body, v->blen);
    c->body[v->blen] = '\0';

    return NEWS_OK;
}


int
news_comment_post(news_store_t *st, MDB_txn *txn, news_comment_t *c,
    int pending, int64_t now, news_err_t *err)
{
    int             rc;
    news_page_t     pg;
    news_comment_t  parent;

    /* the teaser's header says all a post needs: no record to parse */
    rc = news_article_fragment(st, txn, c->article_id, NEWS_FRAG_TEASER,
                               &pg);
    if (rc != NEWS_OK) {
        return news_err_set(err, rc, rc == NEWS_NOTFOUND ? "no such article"
                                     : "reading an article failed");
    }

    if (!news_article_public(&pg, now)) {
        return news_err_set(err, NEWS_NOTFOUND, "no such article");
    }

    if (pg.status & NEWS_COMMENTS_CLOSED) {
        return news_err_set(err, NEWS_FORBIDDEN, "comments are closed on "
                            "this article");
    }

    /* a post queued before its author's account was deleted comes too late */
    if (c->author_id
        && news_author_account(st, txn, c->author_id, err) != NEWS_OK)
    {
        return err->code;
    }

    c->depth = 1;

    if (c->parent) {
        rc = news_comment_get(st, txn, c->parent, &parent, err);
        if (rc != NEWS_OK && rc != NEWS_NOTFOUND) {
            return rc;
        }

        /*
         * A missing, hidden, pending or deleted parent, or one on another
         * article, is one answer: the reader may not tell them apart.
         */
        if (rc == NEWS_NOTFOUND || parent.article_id != c->article_id
            || parent.status != NEWS_COMMENT_VISIBLE)
        {
            if (rc == NEWS_OK) {
                news_comment_free(&parent);
            }

            return news_err_set(err, NEWS_INVALID, "the comment replied to "
                                "does not exist");
        }

        c->depth = parent.depth + 1;
        news_comment_free(&parent);

        if (c->depth > NEWS_COMMENT_DEPTH) {
            return news_err_set(err, NEWS_INVALID, "replies nest at most %d "
                                "deep", NEWS_COMMENT_DEPTH);
        }

        if (news_comment_thread_of(st, txn, c->parent, &c->root, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    if (news_comment_budget(st, txn, c, err) != NEWS_OK) {
        return err->code;
    }

    /* never an id given before: links, moderation forms and edits name it */
    if (news_store_new_id(st, txn, NEWS_DB_CINDEX, "comment_id", &c->id, err)
        != NEWS_OK)
    {
        return err->code;
    }

    c->created_at = now;
    c->edited_at = 0;
    c->status = pending ? NEWS_COMMENT_PENDING : NEWS_COMMENT_VISIBLE;

    if (news_comment_put(st, txn, c, err) != NEWS_OK
        || news_comment_account(st, txn, c, -1, 0, err) != NEWS_OK)
    {
        return err->code;
    }

    return news_article_changed(st, txn, c->article_id, c->id,
                                NEWS_CHANGE_NEW, now, err);
}


/*
 * The article's comment state (articles.h) after comment c was written,
 * its status `was` before (-1: a new comment) and its pick was_featured:
 * the count of visible comments, a new top-level comment's page, the
 * picks.  An article stored before the state is left to its flush, which
 * renders it whole.
 */
static int
news_comment_account(news_store_t *st, MDB_txn *txn, const news_comment_t *c,
    int was, int was_featured, news_err_t *err)
{
    int            rc;
    unsigned       page;
    news_page_t    state;
    news_cstate_t  cs;

    rc = news_cstate_get(st, txn, c->article_id, &state, &cs);

    if (rc == NEWS_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's state");
    }

    if (c->status == NEWS_COMMENT_VISIBLE && was != NEWS_COMMENT_VISIBLE) {
        cs.count++;

    } else if (c->status != NEWS_COMMENT_VISIBLE
               && was == NEWS_COMMENT_VISIBLE && cs.count > 0)
    {
        cs.count--;
    }

    if (was == -1 && c->parent == 0) {
        page = news_cstate_place(&cs);

        if (news_comment_page_put(st, txn, c->article_id, c->id, page, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    if ((c->featured != 0) != (was_featured != 0)) {
        news_cstate_pick(&cs, c->id, c->featured);
    }

    return news_cstate_save(st, txn, c->article_id, &state, &cs, err);
}


/* comment id picked (on) or no longer: the featured block renders again */
static void
news_cstate_pick(news_cstate_t *cs, uint64_t id, int on)
{
    uint32_t  i;

    for (i = 0; i < cs->npicks && cs->picks[i] != id; i++) {
        /* void */
    }

    if (on && i == cs->npicks && cs->npicks < NEWS_FEATURED_MAX) {
        cs->picks[cs->npicks++] = id;

    } else if (!on && i < cs->npicks) {
        cs->picks[i] = cs->picks[--cs->npicks];
    }

    cs->flags |= NEWS_CSTATE_PICKS;
}


int
news_comment_edit(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *body, int hold, int64_t now, news_err_t *err)
{
    return news_comment_change(st, txn, id, hold ? NEWS_COMMENT_PENDING : -1,
                               body, now, err);
}


int
news_comment_set_status(news_store_t *st, MDB_txn *txn, uint64_t id,
    int status, int64_t now, news_err_t *err)
{
    return news_comment_change(st, txn, id, status, NULL, now, err);
}


int
news_comment_feature(news_store_t *st, MDB_txn *txn, uint64_t id, int on,
    int64_t now, news_err_t *err)
{
    int              rc;
    news_comment_t   c;

    if (news_comment_get(st, txn, id, &c, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_comment_feature_check(st, txn, &c, on, err);

    if (rc == NEWS_OK) {
        c.featured = on;
        rc = news_comment_put(st, txn, &c, err);
    }

    if (rc == NEWS_OK) {
        rc = news_comment_account(st, txn, &c, c.status, !on, err);
    }

    /* the featured block is rendered with the comment pages */
    if (rc == NEWS_OK) {
        rc = news_article_changed(st, txn, c.article_id, c.id,
                                  NEWS_CHANGE_TEXT, now, err);
    }

    news_comment_free(&c);

    return rc;
}


/*
 * Only a visible comment is picked, once, and an article shows at most
 * NEWS_FEATURED_MAX: its comment state holds its picks.
 */
static int
news_comment_feature_check(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, int on, news_err_t *err)
{
    int              rc;
    size_t           i, n;
    news_page_t      state;
    news_cstate_t    picks;
    news_comments_t  cs;

    if (!on) {
        return c->featured ? NEWS_OK
                           : news_err_set(err, NEWS_CONFLICT, "this comment "
                                          "is not featured");
    }

    if (c->status != NEWS_COMMENT_VISIBLE) {
        return news_err_set(err, NEWS_CONFLICT, "a %s comment cannot be "
                            "featured", c->status == NEWS_COMMENT_HIDDEN
                                        ? "hidden"
                                        : c->status == NEWS_COMMENT_PENDING
                                          ? "held" : "deleted");
    }

    if (c->featured) {
        return news_err_set(err, NEWS_CONFLICT, "this comment is already "
                            "featured");
    }

    /* the comment state counts them; an article stored before it, here */
    rc = news_cstate_get(st, txn, c->article_id, &state, &picks);
    n = picks.npicks;

    if (rc == NEWS_NOTFOUND) {
        if (news_comments_load(st, txn, c->article_id, &cs, err) != NEWS_OK) {
            return err->code;
        }

        for (i = 0, n = 0; i < cs.n; i++) {
            n += cs.items[i].featured;
        }

        news_comments_free(&cs);

    } else if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's state");
    }

    if (n >= NEWS_FEATURED_MAX) {
        return news_err_set(err, NEWS_CONFLICT, "this article has %d "
                            "featured comments, the most it shows: "
                            "unfeature one first", NEWS_FEATURED_MAX);
    }

    return NEWS_OK;
}


/*
 * A new body (an edit), a new status (moderation, deletion), or both (an
 * edit held for moderation) for a stored comment; a deleted comment
 * takes neither, but deletion again.
 */
static int
news_comment_change(news_store_t *st, MDB_txn *txn, uint64_t id, int status,
    const char *body, int64_t now, news_err_t *err)
{
    int             rc, kind, was, was_featured;
    char           *text;
    news_comment_t  c;

    if (news_comment_get(st, txn, id, &c, err) != NEWS_OK) {
        return err->code;
    }

    was = c.status;
    was_featured = c.featured;

    if (c.status == NEWS_COMMENT_DELETED && status != NEWS_COMMENT_DELETED) {
        news_comment_free(&c);
        return news_err_set(err, NEWS_GONE, "the comment is deleted");
    }

    /* a deleted comment's words are gone for good, not just hidden */
    text = (status == NEWS_COMMENT_DELETED) ? NEWS_DELETED_TEXT
                                            : (char *) body;

    if (text != NULL) {
        free(c.body);
        c.body = news_comment_strdup(text);

        if (c.body == NULL) {
            news_comment_free(&c);
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }
    }

    if (body != NULL) {
        c.edited_at = now;
    }

    kind = NEWS_CHANGE_TEXT;

    if (status >= 0 && status != c.status) {
        c.status = status;
        kind = NEWS_CHANGE_STATUS;
    }

    /* a deleted comment is nobody's pick: it takes no room among them */
    if (status == NEWS_COMMENT_DELETED) {
        c.featured = 0;
    }

    rc = news_comment_put(st, txn, &c, err);

    if (rc == NEWS_OK) {
        rc = news_comment_account(st, txn, &c, was, was_featured, err);
    }

    /* a deleted comment's reports have nothing left to judge */
    if (rc == NEWS_OK && status == NEWS_COMMENT_DELETED) {
        rc = news_report_clear(st, txn, id, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_changed(st, txn, c.article_id, c.id, kind, now,
                                  err);
    }

    news_comment_free(&c);

    return rc;
}


int
news_comments_replace(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    news_comments_t *cs, news_err_t *err)
{
    size_t          i;
    MDB_val         ik, val;
    unsigned char   k[8], records[9];

    /* the article's records, not the fragments after them (store.h) */
    news_be64_put(records, article_id);
    records[8] = 0;

    if (news_store_drop_each(st, txn, st->records, records, sizeof(records),
                             NULL, 0, news_comment_unindex, NULL, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (news_comment_threads_drop(st, txn, article_id, err) != NEWS_OK) {
        return err->code;
    }

    for (i = 0; i < cs->n; i++) {
        cs->items[i].article_id = article_id;
        cs->items[i].depth = news_comment_depth(cs, i);
        cs->items[i].root = news_comment_depth_root(cs, i);

        if (cs->items[i].id == 0
            && news_store_new_id(st, txn, NEWS_DB_CINDEX, "comment_id",
                                 &cs->items[i].id, err)
               != NEWS_OK)
        {
            return err->code;
        }

        ik.mv_data = k;
        news_be64_put(k, cs->items[i].id);
        ik.mv_size = 8;

        if (mdb_get(txn, st->dbi[NEWS_DB_CINDEX], &ik, &val) == 0) {
            return news_err_set(err, NEWS_CONFLICT, "comment id %llu is "
                                "used by another article",
                                (unsigned long long) cs->items[i].id);
        }

        news_be64_put(k, article_id);

        if (news_comment_put(st, txn, &cs->items[i], err) != NEWS_OK) {
            return err->code;
        }
    }

    return NEWS_OK;
}


int
news_comment_import(news_store_t *st, MDB_txn *txn, news_comment_t *c,
    news_err_t *err)
{
    MDB_val        key, val;
    news_cview_t   v;

    c->depth = 1;
    c->root = 0;

    /* up from a parent that is as deep as a reply may go */
    while (c->parent != 0) {
        if (news_comment_find(st, txn, c->parent, &key, &val, err)
            != NEWS_OK)
        {
            return err->code;
        }

        if (news_comment_view(&val, &v) != 0) {
            return news_err_set(err, NEWS_ERROR, "a corrupt comment record");
        }

        if (v.depth < NEWS_COMMENT_DEPTH) {
            c->depth = v.depth + 1;
            break;
        }

        c->parent = v.parent;
    }

    if (c->parent != 0
        && news_comment_thread_of(st, txn, c->parent, &c->root, err)
           != NEWS_OK)
    {
        return err->code;
    }

    if (news_store_new_id(st, txn, NEWS_DB_CINDEX, "comment_id", &c->id, err)
        != NEWS_OK)
    {
        return err->code;
    }

    return news_comment_put(st, txn, c, err);
}


int
news_comment_imported(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, uint64_t below, uint64_t *id, news_err_t *err)
{
    int             rc, same;
    size_t          n;
    MDB_val         key, val;
    MDB_cursor     *cur;
    news_cview_t    v;
    unsigned char   k[NEWS_COMMENTS_KEY];

    rc = mdb_cursor_open(txn, st->dbi[st->records], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    /* the article's comments of that second: the key's first 16 bytes */
    news_be64_put(k, c->article_id);
    news_be64_put(k + 8, (uint64_t) c->created_at);
    news_be64_put(k + 16, 0);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    n = strlen(c->body);
    same = 0;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && news_comments_record(&key)
         && memcmp(key.mv_data, k, 16) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        *id = news_be64_get((unsigned char *) key.mv_data + 16);

        same = news_comment_view(&val, &v) == 0 && *id < below
               && v.alen == strlen(c->author)
               && memcmp(v.author, c->author, v.alen) == 0
               && v.blen == n && memcmp(v.body, c->body, n) == 0;

        if (same) {
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading an article's comments");
    }

    return same ? NEWS_OK : NEWS_NOTFOUND;
}


/* a comment going with its article's range: its id and its queue entry */
static int
news_comment_unindex(news_store_t *st, MDB_txn *txn, const MDB_val *key,
    const MDB_val *val, void *arg, news_err_t *err)
{
    int      rc;
    MDB_val  ik;

    (void) arg;

    /* not a comment's key: nothing points at it */
    if (!news_comments_record(key)) {
        return NEWS_OK;
    }

    ik.mv_data = (unsigned char *) key->mv_data + 16;
    ik.mv_size = 8;

    /* a comment without its index entry is tolerated, no other fault */
    rc = mdb_del(txn, st->dbi[NEWS_DB_CINDEX], &ik, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "replacing comments");
    }

    rc = news_comment_queue(st, txn, key->mv_data, 0, err);
    if (rc == NEWS_OK) {
        rc = news_report_clear(st, txn, news_be64_get(ik.mv_data), err);
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    return news_author_put(st, txn, news_comment_stored_author(key, val),
                           news_be64_get(ik.mv_data), NULL, 0, err);
}


/*
 * The view of a stored comment (comments.h), or -1 when the record's
 * lengths do not hold.  A value that ends with its view is of schema 8;
 * one with more after it (the full JSON, never empty) is older, and its
 * view has no author's id.
 */
int
news_comment_view(const MDB_val *val, news_cview_t *v)
{
    size_t                n, m, head;
    const unsigned char  *p, *h;

    p = val->mv_data;

    if (val->mv_size < NEWS_COMMENT_VALUE_HEAD) {
        return -1;
    }

    n = news_be32_get(p + 1);
    m = news_be32_get(p + 5);

    if (n > val->mv_size - NEWS_COMMENT_VALUE_HEAD
        || m > val->mv_size - NEWS_COMMENT_VALUE_HEAD - n)
    {
        return -1;
    }

    h = p + NEWS_COMMENT_VALUE_HEAD + n;
    v->full = h + m;
    v->full_len = val->mv_size - NEWS_COMMENT_VALUE_HEAD - n - m;
    head = v->full_len ? NEWS_COMMENT_VIEW_HEAD_7 : NEWS_COMMENT_VIEW_HEAD;

    if (m < head) {
        return -1;
    }

    v->alen = ((size_t) h[25] << 8) | h[26];

    if (v->alen > m - head) {
        return -1;
    }

    v->parent = news_be64_get(h);
    v->created_at = (int64_t) news_be64_get(h + 8);
    v->edited_at = (int64_t) news_be64_get(h + 16);
    v->depth = h[24] & ~NEWS_COMMENT_FEATURED;
    v->featured = (h[24] & NEWS_COMMENT_FEATURED) != 0;
    v->author_id = v->full_len ? 0 : news_be64_get(h + 27);
    v->author = (const char *) h + head;
    v->body = v->author + v->alen;
    v->blen = m - head - v->alen;

    if (v->full_len == 0) {
        v->full = NULL;
    }

    return 0;
}


/* an imported reply's top comment: its parent's, or its parent */
static uint64_t
news_comment_depth_root(const news_comments_t *cs, size_t i)
{
    size_t  j;

    for (j = i; cs->items[i].parent && j-- > 0; /* void */) {
        if (cs->items[j].id == cs->items[i].parent) {
            return cs->items[j].root ? cs->items[j].root : cs->items[j].id;
        }
    }

    return 0;
}


/* removes an article's entries from the thread index */
static int
news_comment_threads_drop(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, news_err_t *err)
{
    unsigned char  k[8];

    news_be64_put(k, article_id);

    return news_store_drop_range(st, txn, NEWS_DB_THREADS, k, sizeof(k), err);
}


/* an imported reply's depth: one below its parent, listed before it */
static unsigned
news_comment_depth(const news_comments_t *cs, size_t i)
{
    size_t  j;

    for (j = i; cs->items[i].parent && j-- > 0; /* void */) {
        if (cs->items[j].id == cs->items[i].parent) {
            return cs->items[j].depth + 1;
        }
    }

    return 1;
}


/* ---- the author index --------------------------------------------------- */


/* 'c' . uid . comment id (17 bytes); a 'd' key is users.c's */
size_t
news_author_key(unsigned char *key, char kind, uint64_t uid, uint64_t id)
{
    key[0] = (unsigned char) kind;
    news_be64_put(key + 1, uid);
    news_be64_put(key + 9, id);

    return NEWS_AUTHOR_KEY;
}


/*
 * The entry of comment id under its author uid: to k and the hash of its
 * body, or away (k NULL)
 */
static int
news_author_put(news_store_t *st, MDB_txn *txn, uint64_t uid, uint64_t id,
    const unsigned char *k, uint64_t hash, news_err_t *err)
{
    unsigned char  a[NEWS_AUTHOR_KEY], v[NEWS_AUTHOR_VALUE];

    if (uid == 0) {
        return NEWS_OK;
    }

    if (k != NULL) {
        memcpy(v, k, NEWS_COMMENTS_KEY);
        news_be64_put(v + NEWS_COMMENTS_KEY, hash);
    }

    return news_comment_index(st, txn, NEWS_DB_AUTHORS, a,
                              news_author_key(a, 'c', uid, id),
                              k ? v : NULL, sizeof(v),
                              "writing the author index", err);
}


int
news_author_value(const MDB_val *val, MDB_val *ck, uint64_t *hash,
    int *hashed)
{
    if (val->mv_size != NEWS_AUTHOR_VALUE
        && val->mv_size != NEWS_COMMENTS_KEY)
    {
        return -1;
    }

    ck->mv_data = val->mv_data;
    ck->mv_size = NEWS_COMMENTS_KEY;
    *hashed = val->mv_size == NEWS_AUTHOR_VALUE;
    *hash = *hashed ? news_be64_get((unsigned char *) val->mv_data
                                    + NEWS_COMMENTS_KEY)
                    : 0;

    return 0;
}


uint64_t
news_body_hash(const void *body, size_t n)
{
    size_t                i;
    uint64_t              h;
    const unsigned char  *p;

    p = body;
    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }

    return h;
}


/* the hash of a stored comment's body, from its view (0: none readable) */
static uint64_t
news_comment_body_hash(const MDB_val *val)
{
    news_cview_t  v;

    return news_comment_view(val, &v) == 0 ? news_body_hash(v.body, v.blen)
                                           : 0;
}


/*
 * The author's id of a stored comment, from its view (a record of
 * schema 7 or older: from its full JSON): 0 for none, or a record that
 * does not parse.
 */
static uint64_t
news_comment_stored_author(const MDB_val *key, const MDB_val *val)
{
    uint64_t        uid;
    news_err_t      err;
    news_cview_t    v;
    news_comment_t  c;

    if (news_comment_view(val, &v) != 0) {
        return 0;
    }

    if (v.full == NULL) {
        return v.author_id;
    }

    if (news_comment_parse(key, val, &c, &err) != NEWS_OK) {
        return 0;
    }

    uid = c.author_id;
    news_comment_free(&c);

    return uid;
}


/* NEWS_OK if account uid exists, else NEWS_FORBIDDEN */
static int
news_author_account(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_err_t *err)
{
    int          rc;
    news_user_t  u;

    rc = news_user_get(st, txn, uid, &u);
    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_FORBIDDEN, "the account is deleted");
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the author's account");
    }

    return NEWS_OK;
}


int
news_author_disown_pending(news_store_t *st, MDB_txn *txn, int *more,
    news_err_t *err)
{
    int           rc;
    MDB_val       key, val;
    MDB_cursor   *cur;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_AUTHORS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    rc = news_author_mark(cur, &key, &val);
    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the author index");
    }

    *more = (rc == 0);

    return NEWS_OK;
}


int
news_author_disown_waiting(news_store_t *st, int *more, news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    *more = 0;

    if (news_store_read(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_author_disown_pending(st, txn, more, err);
    news_store_read_done(st);

    return rc;
}


/* the first deleted account's mark, at cur: 0, MDB_NOTFOUND, or an error */
static int
news_author_mark(MDB_cursor *cur, MDB_val *key, MDB_val *val)
{
    int  rc;

    key->mv_data = "d";
    key->mv_size = 1;

    rc = mdb_cursor_get(cur, key, val, MDB_SET_RANGE);
    if (rc != 0) {
        return rc;
    }

    if (key->mv_size != NEWS_DISOWN_KEY
        || ((unsigned char *) key->mv_data)[0] != 'd')
    {
        return MDB_NOTFOUND;
    }

    return val->mv_size == 1 ? 0 : MDB_CORRUPTED;
}


int
news_author_disown_step(news_store_t *st, MDB_txn *txn, int64_t now,
    size_t max, int *more, news_err_t *err)
{
    int            rc, how, hashed;
    size_t         n;
    MDB_val        key, val, ck;
    uint64_t       hash;
    MDB_cursor    *cur;
    unsigned char  d[9], c[NEWS_AUTHOR_KEY], k[NEWS_COMMENTS_KEY];

    *more = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_AUTHORS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    rc = news_author_mark(cur, &key, &val);
    if (rc != 0) {
        mdb_cursor_close(cur);
        return rc == MDB_NOTFOUND ? NEWS_OK
                                  : news_store_fail(err, rc,
                                                    "reading the author index");
    }

    memcpy(d, key.mv_data, 9);
    how = ((unsigned char *) val.mv_data)[0];

    /*
     * Each comment disowned takes its entry out, so the account's first
     * entry is always the next one: a seek per comment, as the writes in
     * between move the cursor's pages.
     */
    for (n = 0; n < max; n++) {
        news_author_key(c, 'c', news_be64_get(d + 1), 0);
        key.mv_data = c;
        key.mv_size = NEWS_AUTHOR_KEY;

        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        if (rc != 0 || key.mv_size != NEWS_AUTHOR_KEY
            || memcmp(key.mv_data, c, 9) != 0
            || news_be64_get((unsigned char *) key.mv_data + 9)
               == NEWS_AUTHOR_TAIL)
        {
            break;
        }

        if (news_author_value(&val, &ck, &hash, &hashed) != 0) {
            rc = MDB_CORRUPTED;
            break;
        }

        memcpy(k, ck.mv_data, NEWS_COMMENTS_KEY);

        if (news_comment_disown(st, txn, k, how, now, err) != NEWS_OK) {
            mdb_cursor_close(cur);
            return err->code;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "disowning comments");
    }

    /* none left: the account's mark goes, and its tail */
    if (n < max) {
        key.mv_data = d;
        key.mv_size = 9;

        rc = mdb_del(txn, st->dbi[NEWS_DB_AUTHORS], &key, NULL);
        if (rc != 0) {
            return news_store_fail(err, rc, "unmarking the account");
        }

        key.mv_data = c;
        key.mv_size = news_author_key(c, 'c', news_be64_get(d + 1),
                                      NEWS_AUTHOR_TAIL);

        rc = mdb_del(txn, st->dbi[NEWS_DB_AUTHORS], &key, NULL);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            return news_store_fail(err, rc, "unmarking the account");
        }
    }

    return news_author_disown_pending(st, txn, more, err);
}


/*
 * One comment of a deleted account (its comments key k): no author's
 * name or id any more, and with `remove` no words either.
 */
static int
news_comment_disown(news_store_t *st, MDB_txn *txn, const unsigned char *k,
    int how, int64_t now, news_err_t *err)
{
    int             rc, kind, was;
    MDB_val         key, val;
    news_comment_t  c;

    key.mv_data = (unsigned char *) k;
    key.mv_size = NEWS_COMMENTS_KEY;

    rc = mdb_get(txn, st->dbi[st->records], &key, &val);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading a comment to disown");
    }

    if (news_comment_parse(&key, &val, &c, err) != NEWS_OK) {
        return err->code;
    }

    c.article_id = news_be64_get(k);

    if (news_author_put(st, txn, c.author_id, c.id, NULL, 0, err) != NEWS_OK) {
        news_comment_free(&c);
        return err->code;
    }

    free(c.author);
    c.author = news_comment_strdup(NEWS_DELETED_USER);
    c.author_id = 0;
    kind = NEWS_CHANGE_TEXT;
    was = c.status;

    if (how == NEWS_DISOWN_REMOVE && c.status != NEWS_COMMENT_DELETED) {
        free(c.body);
        c.body = news_comment_strdup(NEWS_DELETED_TEXT);
        c.status = NEWS_COMMENT_DELETED;
        kind = NEWS_CHANGE_STATUS;
    }

    if (c.author == NULL || c.body == NULL) {
        news_comment_free(&c);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = news_comment_put(st, txn, &c, err);

    if (rc == NEWS_OK) {
        rc = news_comment_account(st, txn, &c, was, c.featured, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_changed(st, txn, c.article_id, c.id, kind, now,
                                  err);
    }

    news_comment_free(&c);

    return rc;
}
