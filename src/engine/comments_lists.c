/*
 * Comments listed and counted: the API's list of an article's comments,
 * the moderation queue, a user's comments for the moderators (and their
 * removal a batch at a time), a reader's recent comments (the held
 * form's, the rate limit's count) and the duplicate check.  Apart from
 * comments.c, which keeps the records and their indexes and writes them;
 * these only read, through the stored value's readers comments.h gives.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "comments.h"
#include "community.h"
#include "text.h"


/* what writes a listed comment: the moderation queue's or a user's page's item */
typedef void (*news_list_render_pt)(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const char *csrf, size_t csrf_len);


static int news_comment_pending_item(news_store_t *st, MDB_txn *txn,
    MDB_val *key, MDB_val *val, news_article_t *a, news_pending_t *q,
    news_buf_t *out, news_err_t *err);
static int news_author_newest(news_store_t *st, MDB_txn *txn, uint64_t uid,
    unsigned char *k, MDB_cursor **cur, MDB_val *key, MDB_val *val, int *rc,
    news_err_t *err);
static int news_comment_list_end(MDB_cursor *cur, news_article_t *a,
    int status, int rc, const char *what, news_buf_t *out, news_err_t *err);
static int news_comment_list_item(news_store_t *st, MDB_txn *txn,
    const MDB_val *ck, const MDB_val *cv, news_article_t *a,
    news_list_render_pt render, const char *csrf, size_t csrf_len,
    news_buf_t *out, news_err_t *err);


int
news_comments_api_list(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    const unsigned char *cursor, size_t limit, int newest, news_buf_t *out,
    unsigned char *next, int *more, news_err_t *err)
{
    int             rc;
    size_t          count, n;
    MDB_cursor_op   step;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[NEWS_COMMENTS_KEY];

    *more = 0;
    count = 0;

    if (cursor) {
        memcpy(k, cursor, NEWS_COMMENTS_KEY);

        /* a cursor of another article is a client's forgery: start over */
        if (news_be64_get(k) != article_id) {
            return news_err_set(err, NEWS_INVALID, "the cursor belongs to "
                                "another article");
        }

    } else if (newest) {
        /* newest first starts past the article's last record */
        news_comments_end(k, article_id);

    } else {
        memset(k, 0, sizeof(k));
        news_be64_put(k, article_id);
    }

    rc = mdb_cursor_open(txn, st->dbi[st->records], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    key.mv_data = k;
    key.mv_size = sizeof(k);
    step = newest ? MDB_PREV : MDB_NEXT;

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    if (newest) {
        /* the key before k: k itself is the cursor's, or past the end */
        rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    } else if (rc == 0 && cursor && memcmp(key.mv_data, k, sizeof(k)) == 0) {
        rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
    }

    for ( /* void */ ; rc == 0; rc = mdb_cursor_get(cur, &key, &val, step)) {
        if (!news_comments_record(&key)
            || news_be64_get(key.mv_data) != article_id)
        {
            break;
        }

        if (val.mv_size < NEWS_COMMENT_VALUE_HEAD
            || ((unsigned char *) val.mv_data)[0] != NEWS_COMMENT_VISIBLE)
        {
            continue;
        }

        if (count == limit) {
            *more = 1;
            break;
        }

        n = news_be32_get((unsigned char *) val.mv_data + 1);
        if (n > val.mv_size - NEWS_COMMENT_VALUE_HEAD) {
            continue;
        }

        if (count) {
            news_buf_addc(out, ',');
        }

        news_buf_add(out, (char *) val.mv_data + NEWS_COMMENT_VALUE_HEAD, n);
        memcpy(next, key.mv_data, NEWS_COMMENTS_KEY);
        count++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "listing comments");
    }

    return out->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                       : NEWS_OK;
}


int
news_comments_pending(news_store_t *st, MDB_txn *txn, news_pending_t *q,
    news_buf_t *out, news_err_t *err)
{
    int             rc, status;
    MDB_val         key, val;
    MDB_cursor     *cur;
    news_article_t  a;

    q->count = 0;
    q->more = 0;
    memset(&a, 0, sizeof(a));

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_PENDING], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    if (q->after != NULL) {
        key.mv_data = (void *) q->after;
        key.mv_size = NEWS_PENDING_KEY;
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

        if (rc == 0 && key.mv_size == NEWS_PENDING_KEY
            && memcmp(key.mv_data, q->after, NEWS_PENDING_KEY) == 0)
        {
            rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
        }

    } else {
        rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
    }

    status = NEWS_OK;

    for ( /* void */ ; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (q->count == q->limit) {
            q->more = 1;
            break;
        }

        status = news_comment_pending_item(st, txn, &key, &val, &a, q, out,
                                           err);
        if (status != NEWS_OK) {
            break;
        }

        memcpy(q->next, key.mv_data, NEWS_PENDING_KEY);
        q->count++;
    }

    return news_comment_list_end(cur, &a, status, rc,
                                 "listing pending comments", out, err);
}


/*
 * One entry of the moderation queue as an item with its buttons; `a`
 * holds the article of the entry before (news_comment_list_item).
 */
static int
news_comment_pending_item(news_store_t *st, MDB_txn *txn, MDB_val *key,
    MDB_val *val, news_article_t *a, news_pending_t *q, news_buf_t *out,
    news_err_t *err)
{
    int            rc;
    MDB_val        ck, cv;
    unsigned char  k[NEWS_COMMENTS_KEY];

    if (key->mv_size != NEWS_PENDING_KEY || val->mv_size != 8) {
        return news_err_set(err, NEWS_ERROR, "a corrupt moderation queue");
    }

    memcpy(k, val->mv_data, 8);
    memcpy(k + 8, key->mv_data, NEWS_PENDING_KEY);
    ck.mv_data = k;
    ck.mv_size = NEWS_COMMENTS_KEY;

    rc = mdb_get(txn, st->dbi[st->records], &ck, &cv);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading a pending comment");
    }

    return news_comment_list_item(st, txn, &ck, &cv, a,
                                  news_render_pending_item, q->csrf,
                                  q->csrf_len, out, err);
}


/*
 * A listed comment (its key ck and stored value cv) written into out by
 * `render`, with its article: `a` holds the article of the
 * item before and is loaded again only when the article changes (a list
 * often holds one article's comments in a row).  The moderation queue
 * and a user's page list comments so.
 */
static int
news_comment_list_item(news_store_t *st, MDB_txn *txn, const MDB_val *ck,
    const MDB_val *cv, news_article_t *a, news_list_render_pt render,
    const char *csrf, size_t csrf_len, news_buf_t *out, news_err_t *err)
{
    uint64_t        article_id;
    news_comment_t  c;

    article_id = news_be64_get(ck->mv_data);

    if (a->id != article_id) {
        news_article_free(a);

        if (news_article_load(st, txn, article_id, a, err) != NEWS_OK) {
            return err->code;
        }
    }

    if (news_comment_parse(ck, cv, &c, err) != NEWS_OK) {
        return err->code;
    }

    c.article_id = article_id;
    render(out, a, &c, csrf, csrf_len);
    news_comment_free(&c);

    return NEWS_OK;
}


/*
 * The end of a list's walk: its cursor closed, the article it held
 * freed; the item's error (status), else the walk's (rc, LMDB's: `what`
 * says what was listed), else what writing out came to
 */
static int
news_comment_list_end(MDB_cursor *cur, news_article_t *a, int status,
    int rc, const char *what, news_buf_t *out, news_err_t *err)
{
    mdb_cursor_close(cur);
    news_article_free(a);

    if (status != NEWS_OK) {
        return status;
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, what);
    }

    return out->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                       : NEWS_OK;
}


int
news_comment_rate(news_store_t *st, MDB_txn *txn, uint64_t user_id,
    int64_t now, unsigned window, unsigned max, unsigned *retry,
    news_err_t *err)
{
    news_author_tail_t  t;

    if (news_author_tail_get(st, txn, user_id, &t, err) != NEWS_OK
        || news_author_tail_rate(&t, now, window, max, retry, err)
           != NEWS_OK)
    {
        return err->code;
    }

    return news_author_tail_put(st, txn, user_id, &t,
                                "writing the posting rate", err);
}


int
news_comments_recent(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    uint64_t uid, int64_t since, news_comment_t *out, size_t limit,
    size_t *n)
{
    int            rc, old, hashed;
    size_t         scanned;
    uint64_t       hash;
    MDB_val        key, val, ck, cv;
    news_err_t     err;
    MDB_cursor    *cur;
    unsigned char  k[NEWS_AUTHOR_KEY];

    *n = 0;

    if (uid == 0) {
        return NEWS_OK;
    }

    if (news_author_newest(st, txn, uid, k, &cur, &key, &val, &rc, &err)
        != NEWS_OK)
    {
        return err.code;
    }

    for (scanned = 0;
         rc == 0 && *n < limit && scanned < NEWS_COMMENTS_RECENT_SCAN;
         rc = mdb_cursor_get(cur, &key, &val, MDB_PREV), scanned++)
    {
        if (key.mv_size != NEWS_AUTHOR_KEY || memcmp(key.mv_data, k, 9) != 0
            || news_author_value(&val, &ck, &hash, &hashed) != 0)
        {
            break;
        }

        old = (int64_t) news_be64_get((unsigned char *) ck.mv_data + 8)
              < since;

        /* the comments key starts with its article's id */
        if (news_be64_get(ck.mv_data) != article_id) {
            continue;
        }

        rc = mdb_get(txn, st->dbi[st->records], &ck, &cv);
        if (rc != 0) {
            break;
        }

        if (((unsigned char *) cv.mv_data)[0] == NEWS_COMMENT_DELETED) {
            continue;
        }

        if (news_comment_parse(&ck, &cv, &out[*n], &err) != NEWS_OK) {
            rc = MDB_CORRUPTED;
            break;
        }

        if (old && out[*n].status != NEWS_COMMENT_PENDING) {
            news_comment_free(&out[*n]);
            continue;
        }

        out[*n].article_id = article_id;
        (*n)++;
    }

    mdb_cursor_close(cur);

    if (rc == 0 || rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    /* none half-way: what was parsed is freed, and none is listed */
    while (*n) {
        news_comment_free(&out[--*n]);
    }

    return news_store_code(rc);
}


int
news_comments_waiting(news_store_t *st, MDB_txn *txn, uint64_t *n)
{
    int       rc;
    MDB_stat  ms;

    *n = 0;

    rc = mdb_stat(txn, st->dbi[NEWS_DB_PENDING], &ms);
    if (rc != 0) {
        return news_store_code(rc);
    }

    *n = ms.ms_entries;

    return NEWS_OK;
}


/*
 * Walks the author's index back from their newest comment: ids grow
 * with time, so the walk stops at the first comment older than `since`,
 * and after NEWS_DUPLICATE_SCAN whatever the window holds.  Each
 * comment's time is in its key; only those in the window are read.
 */
int
news_comment_duplicate(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const char *body, int64_t since, news_err_t *err)
{
    int            rc, dup, hashed;
    size_t         n, scanned;
    MDB_val        key, val, ck, cv;
    uint64_t       hash, h;
    MDB_cursor    *cur;
    news_cview_t   v;
    unsigned char  k[NEWS_AUTHOR_KEY];

    if (uid == 0) {
        return NEWS_OK;
    }

    if (news_author_newest(st, txn, uid, k, &cur, &key, &val, &rc, err)
        != NEWS_OK)
    {
        return err->code;
    }

    n = strlen(body);
    h = news_body_hash(body, n);
    dup = 0;

    for (scanned = 0; rc == 0 && scanned < NEWS_DUPLICATE_SCAN && !dup;
         scanned++)
    {
        if (key.mv_size != NEWS_AUTHOR_KEY || memcmp(key.mv_data, k, 9) != 0
            || news_author_value(&val, &ck, &hash, &hashed) != 0
            || (int64_t) news_be64_get((unsigned char *) ck.mv_data + 8)
               < since)
        {
            break;
        }

        /* another text for sure: its comment is not read */
        if (hashed && hash != h) {
            rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
            continue;
        }

        rc = mdb_get(txn, st->dbi[st->records], &ck, &cv);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            break;
        }

        dup = rc == 0 && news_comment_view(&cv, &v) == 0
              && ((unsigned char *) cv.mv_data)[0] != NEWS_COMMENT_DELETED
              && v.blen == n && memcmp(v.body, body, n) == 0;

        rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the author's comments");
    }

    if (dup) {
        return news_err_set(err, NEWS_CONFLICT, "you posted this same "
                            "comment a moment ago");
    }

    return NEWS_OK;
}


/*
 * Deletes the user's comments not yet deleted, at most `max` of them,
 * walking at most NEWS_AUTHOR_WALK entries of the author index from
 * comment id *from on: the ids are gathered first, then deleted (a
 * deletion rewrites the index entry the walk stands on).
 */
int
news_author_remove_step(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int64_t now, size_t max, uint64_t *from, size_t *removed, int *more,
    news_err_t *err)
{
    int            rc, hashed;
    size_t         i, n, walked;
    MDB_val        key, val, ck, cv;
    uint64_t       hash, ids[NEWS_AUTHOR_BATCH];
    MDB_cursor    *cur;
    unsigned char  k[NEWS_AUTHOR_KEY];

    *removed = 0;
    *more = 0;
    max = max > NEWS_AUTHOR_BATCH ? NEWS_AUTHOR_BATCH : max;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_AUTHORS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the author index");
    }

    news_author_key(k, 'c', uid, *from);
    key.mv_data = k;
    key.mv_size = NEWS_AUTHOR_KEY;
    n = 0;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE), walked = 0;
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT), walked++)
    {
        /* their entries end at their tail */
        if (key.mv_size != NEWS_AUTHOR_KEY || memcmp(key.mv_data, k, 9) != 0
            || news_be64_get((unsigned char *) key.mv_data + 9)
               == NEWS_AUTHOR_TAIL)
        {
            break;
        }

        if (n == max || walked == NEWS_AUTHOR_WALK) {
            *more = 1;
            break;
        }

        *from = news_be64_get((unsigned char *) key.mv_data + 9) + 1;

        if (news_author_value(&val, &ck, &hash, &hashed) == 0
            && mdb_get(txn, st->dbi[st->records], &ck, &cv) == 0
            && cv.mv_size > 0
            && ((unsigned char *) cv.mv_data)[0] != NEWS_COMMENT_DELETED)
        {
            ids[n++] = *from - 1;
        }
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the author index");
    }

    for (i = 0; i < n; i++) {
        if (news_comment_set_status(st, txn, ids[i], NEWS_COMMENT_DELETED,
                                    now, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    *removed = n;

    return NEWS_OK;
}


/*
 * The user's latest comments, newest first, at most `limit`, each with
 * its article's title and its status, for their moderation page.
 */
int
news_author_comments(news_store_t *st, MDB_txn *txn, uint64_t uid,
    size_t limit, const char *csrf, size_t csrf_len, news_buf_t *out,
    size_t *count, news_err_t *err)
{
    int             rc, status, hashed;
    MDB_val         key, val, ck, cv;
    uint64_t        hash;
    MDB_cursor     *cur;
    news_article_t  a;
    unsigned char   k[NEWS_AUTHOR_KEY];

    *count = 0;
    memset(&a, 0, sizeof(a));

    if (news_author_newest(st, txn, uid, k, &cur, &key, &val, &rc, err)
        != NEWS_OK)
    {
        return err->code;
    }
    status = NEWS_OK;

    for ( /* void */ ; rc == 0 && *count < limit;
         rc = mdb_cursor_get(cur, &key, &val, MDB_PREV))
    {
        if (key.mv_size != NEWS_AUTHOR_KEY || memcmp(key.mv_data, k, 9) != 0)
        {
            break;
        }

        if (news_author_value(&val, &ck, &hash, &hashed) != 0
            || mdb_get(txn, st->dbi[st->records], &ck, &cv) != 0)
        {
            continue;                   /* newsctl check says so */
        }

        status = news_comment_list_item(st, txn, &ck, &cv, &a,
                                        news_render_author_item, csrf,
                                        csrf_len, out, err);
        if (status != NEWS_OK) {
            break;
        }

        (*count)++;
    }

    return news_comment_list_end(cur, &a, status, rc,
                                 "listing a user's comments", out, err);
}


/*
 * A cursor on the author index at user uid's newest entry: their tail
 * (made in k, whose first 9 bytes a walk compares) or the first key
 * past it, then back one; *rc says where the cursor stands, as
 * mdb_cursor_get does
 */
static int
news_author_newest(news_store_t *st, MDB_txn *txn, uint64_t uid,
    unsigned char *k, MDB_cursor **cur, MDB_val *key, MDB_val *val, int *rc,
    news_err_t *err)
{
    *rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_AUTHORS], cur);
    if (*rc != 0) {
        return news_store_fail(err, *rc, "reading the author index");
    }

    news_author_key(k, 'c', uid, NEWS_AUTHOR_TAIL);
    key->mv_data = k;
    key->mv_size = NEWS_AUTHOR_KEY;

    *rc = mdb_cursor_get(*cur, key, val, MDB_SET_RANGE);
    *rc = mdb_cursor_get(*cur, key, val, *rc == 0 ? MDB_PREV : MDB_LAST);

    return NEWS_OK;
}
