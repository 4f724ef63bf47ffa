/*
 * The desk's index of articles by their last change (desk.h).
 */

#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "desk.h"
#include "text.h"


#define NEWS_DESK_VALUE_MAX  (8 + 3 + NEWS_SECTION_MAX + NEWS_SLUG_MAX \
                              + NEWS_TITLE_MAX)


static const char  *news_desk_states[] = {
    "", "draft", "scheduled", "published"
};


static int news_desk_unindex(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err);
static int news_desk_item(const MDB_val *key, const MDB_val *val,
    int64_t now, news_desk_item_t *it);
static int news_desk_section_is(const news_desk_item_t *it,
    const news_buf_t *want);


int
news_desk_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err)
{
    int            rc;
    size_t         slen, glen, tlen;
    MDB_val        key, val;
    unsigned char  k[17], ik[9], v[NEWS_DESK_VALUE_MAX], at[8];

    if (news_desk_unindex(st, txn, a->id, err) != NEWS_OK) {
        return err->code;
    }

    if (!add) {
        return NEWS_OK;
    }

    slen = strlen(a->section);
    glen = strlen(a->slug);
    tlen = strlen(a->title);

    if (slen > NEWS_SECTION_MAX || glen > NEWS_SLUG_MAX
        || tlen > NEWS_TITLE_MAX)
    {
        return news_err_set(err, NEWS_ERROR, "article %llu: a section or "
                            "title too long for the desk",
                            (unsigned long long) a->id);
    }

    k[0] = 't';
    news_be64_put(k + 1, (uint64_t) a->modified_at);
    news_be64_put(k + 9, a->id);

    news_be64_put(v, (uint64_t) a->published_at);
    v[8] = (unsigned char) a->status;
    v[9] = (unsigned char) slen;
    memcpy(v + 10, a->section, slen);
    v[10 + slen] = (unsigned char) glen;
    memcpy(v + 11 + slen, a->slug, glen);
    memcpy(v + 11 + slen + glen, a->title, tlen);

    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = v;
    val.mv_size = 11 + slen + glen + tlen;

    rc = mdb_put(txn, st->dbi[NEWS_DB_DESK], &key, &val, 0);

    /* and where to find it again: 'i' . id -> the time of its 't' key */
    if (rc == 0) {
        ik[0] = 'i';
        news_be64_put(ik + 1, a->id);
        news_be64_put(at, (uint64_t) a->modified_at);
        key.mv_data = ik;
        key.mv_size = sizeof(ik);
        val.mv_data = at;
        val.mv_size = sizeof(at);

        rc = mdb_put(txn, st->dbi[NEWS_DB_DESK], &key, &val, 0);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "writing the desk index");
    }

    return NEWS_OK;
}


/* takes the article's entry out, found by its 'i' key */
static int
news_desk_unindex(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[17];

    k[0] = 'i';
    news_be64_put(k + 1, id);
    key.mv_data = k;
    key.mv_size = 9;

    rc = mdb_get(txn, st->dbi[NEWS_DB_DESK], &key, &val);

    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0 || val.mv_size != 8) {
        return news_store_fail(err, rc ? rc : MDB_CORRUPTED,
                               "reading the desk index");
    }

    k[0] = 't';
    memcpy(k + 1, val.mv_data, 8);
    news_be64_put(k + 9, id);

    rc = mdb_del(txn, st->dbi[NEWS_DB_DESK], &key, NULL);

    if (rc == 0 || rc == MDB_NOTFOUND) {
        key.mv_size = sizeof(k);
        rc = mdb_del(txn, st->dbi[NEWS_DB_DESK], &key, NULL);
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "updating the desk index");
    }

    return NEWS_OK;
}


int
news_desk_list(news_store_t *st, MDB_txn *txn, news_desk_list_t *l,
    news_err_t *err)
{
    int                rc;
    size_t             walked;
    MDB_val            key, val;
    MDB_cursor        *c;
    news_buf_t         want;
    news_desk_item_t   it;
    unsigned char      k[17];
    MDB_cursor_op      op;

    l->n = 0;
    l->more = 0;

    news_buf_init(&want);

    if (l->section != NULL && l->section_len
        && !news_slugify(&want, l->section, l->section_len))
    {
        /* a name without a letter or digit names no section */
        news_buf_free(&want);
        return NEWS_OK;
    }

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_DESK], &c);
    if (rc != 0) {
        news_buf_free(&want);
        return news_store_fail(err, rc, "opening the desk index");
    }

    /* from the newest change, or from just before the cursor */
    k[0] = 't';

    if (l->after != NULL) {
        memcpy(k + 1, l->after, NEWS_DESK_CURSOR);

    } else {
        memset(k + 1, 0xff, NEWS_DESK_CURSOR);
    }

    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
    op = rc == 0 ? MDB_PREV : MDB_LAST;

    /* the first key at or after k: step back to the one before it */
    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(c, &key, &val, op);
    }

    for (walked = 0; rc == 0; walked++) {
        if (key.mv_size != 17 || ((unsigned char *) key.mv_data)[0] != 't') {
            rc = MDB_NOTFOUND;
            break;
        }

        if (walked == NEWS_DESK_WALK || l->n == NEWS_DESK_PAGE) {
            l->more = 1;
            break;
        }

        if (news_desk_item(&key, &val, l->now, &it) != 0) {
            rc = MDB_CORRUPTED;
            break;
        }

        memcpy(l->next, (unsigned char *) key.mv_data + 1, NEWS_DESK_CURSOR);

        if ((l->state == NEWS_DESK_ANY || l->state == it.state)
            && (want.len == 0 || news_desk_section_is(&it, &want)))
        {
            l->items[l->n++] = it;
        }

        rc = mdb_cursor_get(c, &key, &val, MDB_PREV);
    }

    mdb_cursor_close(c);
    news_buf_free(&want);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the desk index");
    }

    if (want.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


static int
news_desk_item(const MDB_val *key, const MDB_val *val, int64_t now,
    news_desk_item_t *it)
{
    size_t                slen, glen;
    const unsigned char  *k, *v;

    k = key->mv_data;
    v = val->mv_data;

    if (val->mv_size < 11) {
        return -1;
    }

    slen = v[9];

    if (val->mv_size < 11 + slen) {
        return -1;
    }

    glen = v[10 + slen];

    if (val->mv_size < 11 + slen + glen) {
        return -1;
    }

    it->modified_at = (int64_t) news_be64_get(k + 1);
    it->id = news_be64_get(k + 9);
    it->published_at = (int64_t) news_be64_get(v);
    it->state = news_desk_state(v[8], it->published_at, now);
    it->section = (const char *) v + 10;
    it->section_len = slen;
    it->slug = (const char *) v + 11 + slen;
    it->slug_len = glen;
    it->title = (const char *) v + 11 + slen + glen;
    it->title_len = val->mv_size - 11 - slen - glen;

    return 0;
}


static int
news_desk_section_is(const news_desk_item_t *it, const news_buf_t *want)
{
    int         same;
    news_buf_t  slug;

    news_buf_init(&slug);

    same = news_slugify(&slug, it->section, it->section_len)
           && slug.len == want->len
           && memcmp(slug.data, want->data, slug.len) == 0;

    news_buf_free(&slug);

    return same;
}


/* every article, one at a time: their records are what it indexes */
int
news_desk_fill(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int             rc;
    uint64_t        id;
    MDB_val         key, val;
    MDB_cursor     *c;
    news_article_t  a;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_ARTICLES], &c);
    if (rc != 0) {
        return news_store_fail(err, rc, "opening the articles");
    }

    rc = mdb_cursor_get(c, &key, &val, MDB_FIRST);

    while (rc == 0) {
        if (key.mv_size != 8) {
            rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
            continue;
        }

        id = news_be64_get(key.mv_data);

        if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
            mdb_cursor_close(c);
            return err->code;
        }

        rc = news_desk_index(st, txn, &a, 1, err);
        news_article_free(&a);

        if (rc != NEWS_OK) {
            mdb_cursor_close(c);
            return rc;
        }

        rc = mdb_cursor_get(c, &key, &val, MDB_NEXT);
    }

    mdb_cursor_close(c);

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the articles");
    }

    return NEWS_OK;
}


int
news_desk_state(int status, int64_t published_at, int64_t now)
{
    if (status == NEWS_DRAFT) {
        return NEWS_DESK_DRAFT;
    }

    return published_at > now ? NEWS_DESK_SCHEDULED : NEWS_DESK_PUBLISHED;
}


const char *
news_desk_state_name(int state)
{
    if (state < NEWS_DESK_ANY || state > NEWS_DESK_PUBLISHED) {
        return "";
    }

    return news_desk_states[state];
}


int
news_desk_state_parse(const char *s, size_t n)
{
    int  i;

    for (i = NEWS_DESK_ANY; i <= NEWS_DESK_PUBLISHED; i++) {
        if (strlen(news_desk_states[i]) == n
            && strncmp(news_desk_states[i], s, n) == 0)
        {
            return i;
        }
    }

    return -1;
}
