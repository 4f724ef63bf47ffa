/*
 * A reader's standing and the moderation log (community.h).
 */

#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "community.h"
#include "text.h"


#define NEWS_STANDING_HEAD  28


int
news_reason_check(const char *s, size_t n, news_err_t *err)
{
    if (n > NEWS_REASON_MAX || !news_utf8_valid(s, n)
        || news_has_control(s, n))
    {
        return news_err_set(err, NEWS_INVALID, "a reason is at most %d "
                            "bytes of UTF-8 on one line", NEWS_REASON_MAX);
    }

    return NEWS_OK;
}


/* ---- standing ----------------------------------------------------------- */


int
news_standing_get(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_standing_t *s, news_err_t *err)
{
    int             rc;
    size_t          n;
    MDB_val         key, val;
    unsigned char   k[8];
    const unsigned char  *p;

    memset(s, 0, sizeof(*s));
    news_be64_put(k, uid);
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_STANDING], &key, &val);
    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a reader's standing");
    }

    if (val.mv_size < NEWS_STANDING_HEAD) {
        return news_err_set(err, NEWS_ERROR, "a corrupt standing record");
    }

    p = val.mv_data;
    s->approved = news_be32_get(p);
    s->until = (int64_t) news_be64_get(p + 4);
    s->since = (int64_t) news_be64_get(p + 12);
    s->by = news_be64_get(p + 20);

    n = val.mv_size - NEWS_STANDING_HEAD;
    n = n > NEWS_REASON_MAX ? NEWS_REASON_MAX : n;
    memcpy(s->reason, p + NEWS_STANDING_HEAD, n);
    s->reason[n] = '\0';

    return NEWS_OK;
}


int
news_standing_put(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const news_standing_t *s, news_err_t *err)
{
    int            rc;
    size_t         n;
    MDB_val        key, val;
    unsigned char  k[8], v[NEWS_STANDING_HEAD + NEWS_REASON_MAX];

    n = strlen(s->reason);

    news_be64_put(k, uid);
    news_be32_put(v, s->approved);
    news_be64_put(v + 4, (uint64_t) s->until);
    news_be64_put(v + 12, (uint64_t) s->since);
    news_be64_put(v + 20, s->by);
    memcpy(v + NEWS_STANDING_HEAD, s->reason, n);

    key.mv_data = k;
    key.mv_size = 8;
    val.mv_data = v;
    val.mv_size = NEWS_STANDING_HEAD + n;

    rc = mdb_put(txn, st->dbi[NEWS_DB_STANDING], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a reader's standing");
    }

    return NEWS_OK;
}


int
news_standing_count(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int approved, news_err_t *err)
{
    news_standing_t  s;

    if (uid == 0
        || news_standing_get(st, txn, uid, &s, err) != NEWS_OK)
    {
        return uid == 0 ? NEWS_OK : err->code;
    }

    if (approved ? s.approved == UINT32_MAX : s.approved == 0) {
        return NEWS_OK;
    }

    s.approved = approved ? s.approved + 1 : 0;

    return news_standing_put(st, txn, uid, &s, err);
}


int
news_standing_suspended(const news_standing_t *s, int64_t now)
{
    return s->until != 0 && s->until > now;
}


void
news_standing_text(news_buf_t *b, const news_standing_t *s)
{
    char       when[64];
    time_t     t;
    struct tm  tm;

    if (s->until == NEWS_BANNED) {
        news_buf_addl(b, "banned");

    } else {
        t = (time_t) s->until;
        gmtime_r(&t, &tm);
        news_buf_addl(b, "suspended until ");
        news_buf_add(b, when, strftime(when, sizeof(when),
                                       "%-d %B %Y, %H:%M UTC", &tm));
    }

    if (s->reason[0] != '\0') {
        news_buf_addl(b, ": ");
        news_buf_adds(b, s->reason);
    }
}


/* ---- the moderation log ------------------------------------------------- */


int
news_modlog_add(news_store_t *st, MDB_txn *txn, int64_t now,
    const news_modlog_t *e, news_err_t *err)
{
    int            rc;
    char          *json;
    cJSON         *obj;
    size_t         n;
    MDB_val        key, val;
    uint64_t       id;
    news_buf_t     v;
    unsigned char  k[8], t[8];

    if (news_store_next_id(st, txn, NEWS_DB_MODLOG, &id, err) != NEWS_OK) {
        return err->code;
    }

    obj = cJSON_CreateObject();
    if (obj == NULL
        || cJSON_AddStringToObject(obj, "by", e->by) == NULL
        || cJSON_AddStringToObject(obj, "action", e->action) == NULL
        || (e->comment
            && cJSON_AddNumberToObject(obj, "comment", (double) e->comment)
               == NULL)
        || (e->user
            && cJSON_AddStringToObject(obj, "user", e->user) == NULL)
        || (e->reason && e->reason[0]
            && cJSON_AddStringToObject(obj, "reason", e->reason) == NULL))
    {
        cJSON_Delete(obj);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    json = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);

    if (json == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    n = strlen(json);
    news_buf_init(&v);
    news_be64_put(t, (uint64_t) now);
    news_buf_add(&v, t, 8);
    news_buf_add(&v, json, n);
    cJSON_free(json);

    if (v.failed) {
        news_buf_free(&v);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;
    val.mv_data = v.data;
    val.mv_size = v.len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_MODLOG], &key, &val, 0);
    news_buf_free(&v);

    if (rc != 0) {
        return news_store_fail(err, rc, "writing the moderation log");
    }

    return NEWS_OK;
}


int
news_modlog_each(news_store_t *st, MDB_txn *txn, uint64_t before,
    size_t limit, news_modlog_each_pt each, void *arg, uint64_t *next,
    news_err_t *err)
{
    int            rc;
    size_t         count;
    MDB_val        key, val;
    uint64_t       id;
    MDB_cursor    *cur;
    unsigned char  k[8];

    *next = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_MODLOG], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the moderation log");
    }

    if (before) {
        news_be64_put(k, before);
        key.mv_data = k;
        key.mv_size = 8;
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    } else {
        rc = mdb_cursor_get(cur, &key, &val, MDB_LAST);
    }

    for (count = 0; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_PREV))
    {
        if (key.mv_size != 8 || val.mv_size < 8) {
            continue;                   /* not ours: newsctl check says so */
        }

        id = news_be64_get(key.mv_data);

        if (count == limit) {
            break;
        }

        if (each(arg, id, (int64_t) news_be64_get(val.mv_data),
                 (char *) val.mv_data + 8, val.mv_size - 8)
            != 0)
        {
            rc = MDB_NOTFOUND;
            break;
        }

        count++;
        *next = id;
    }

    mdb_cursor_close(cur);

    /* the walk ran out: nothing is left before the last one */
    if (rc == MDB_NOTFOUND) {
        *next = 0;
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the moderation log");
    }

    return NEWS_OK;
}
