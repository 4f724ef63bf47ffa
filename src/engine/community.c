/*
 * A reader's standing and the moderation log (community.h).
 */

#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "community.h"
#include "text.h"


static int news_line_valid(const char *s, size_t n, size_t max);
static void news_author_tail_key(unsigned char *k, uint64_t uid);


/* UTF-8 on one line (no control character, not even a line end) */
static int
news_line_valid(const char *s, size_t n, size_t max)
{
    /* an empty field may come as NULL, which memchr may not take */
    if (n == 0) {
        return 1;
    }

    return n <= max && news_utf8_valid(s, n) && !news_has_control(s, n)
           && memchr(s, '\n', n) == NULL && memchr(s, '\r', n) == NULL;
}


int
news_reason_check(const char *s, size_t n, news_err_t *err)
{
    if (!news_line_valid(s, n, NEWS_REASON_MAX)) {
        return news_err_set(err, NEWS_INVALID, "a reason is at most %d "
                            "bytes of UTF-8 on one line", NEWS_REASON_MAX);
    }

    return NEWS_OK;
}


int
news_suspend_days_check(int64_t days, news_err_t *err)
{
    if (days < 1 || days > NEWS_SUSPEND_DAYS_MAX) {
        return news_err_set(err, NEWS_INVALID, "a suspension is 1 to %d "
                            "days; a ban has no length",
                            NEWS_SUSPEND_DAYS_MAX);
    }

    return NEWS_OK;
}


/* ---- standing ----------------------------------------------------------- */


int
news_standing_get(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_standing_t *s, news_err_t *err)
{
    int                  rc;
    size_t               n;
    MDB_val              key, val;
    unsigned char        k[8];
    news_author_tail_t   t;
    const unsigned char  *p;

    memset(s, 0, sizeof(*s));

    /* the count is kept in the author's tail, which a post writes anyway */
    if (news_author_tail_get(st, txn, uid, &t, err) != NEWS_OK) {
        return err->code;
    }

    s->approved = t.approved;
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

    /* the count is the author's tail's (news_standing_count), not this */
    news_be64_put(k, uid);
    news_be32_put(v, 0);
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
    news_author_tail_t  t;

    if (uid == 0) {
        return NEWS_OK;
    }

    if (news_author_tail_get(st, txn, uid, &t, err) != NEWS_OK) {
        return err->code;
    }

    if (!news_author_tail_count(&t, approved)) {
        return NEWS_OK;
    }

    return news_author_tail_put(st, txn, uid, &t,
                                "writing a reader's standing", err);
}


int
news_author_tail_count(news_author_tail_t *t, int approved)
{
    if (approved ? t->approved == UINT32_MAX : t->approved == 0) {
        return 0;
    }

    t->approved = approved ? t->approved + 1 : 0;

    return 1;
}


int
news_author_tail_rate(news_author_tail_t *t, int64_t now, unsigned window,
    unsigned max, unsigned *retry, news_err_t *err)
{
    if (now - t->start >= (int64_t) window || now < t->start) {
        t->start = now;
        t->posts = 0;
    }

    if (t->posts >= max) {
        *retry = (unsigned) (t->start + window - now);
        return news_err_set(err, NEWS_LIMITED, "you are posting too fast; "
                            "try again in %u seconds", *retry);
    }

    t->posts++;

    return NEWS_OK;
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


/* ---- authors' tails ---------------------------------------------------- */


/* 'c' . uid . UINT64_MAX: the author index's key just past uid's entries */
static void
news_author_tail_key(unsigned char *k, uint64_t uid)
{
    k[0] = 'c';
    news_be64_put(k + 1, uid);
    news_be64_put(k + 9, NEWS_AUTHOR_TAIL);
}


int
news_author_tail_get(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_author_tail_t *t, news_err_t *err)
{
    int                   rc;
    MDB_val               key, val;
    unsigned char         k[NEWS_AUTHOR_TAIL_KEY];
    const unsigned char  *p;

    memset(t, 0, sizeof(*t));
    news_author_tail_key(k, uid);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_AUTHORS], &key, &val);
    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading an author's tail");
    }

    if (val.mv_size != NEWS_AUTHOR_TAIL_VALUE) {
        return news_err_set(err, NEWS_ERROR, "a corrupt author's tail");
    }

    p = val.mv_data;
    t->start = (int64_t) news_be64_get(p);
    t->posts = news_be32_get(p + 8);
    t->approved = news_be32_get(p + 12);

    return NEWS_OK;
}


int
news_author_tail_put(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const news_author_tail_t *t, const char *what, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[NEWS_AUTHOR_TAIL_KEY], v[NEWS_AUTHOR_TAIL_VALUE];

    news_be64_put(v, (uint64_t) t->start);
    news_be32_put(v + 8, t->posts);
    news_be32_put(v + 12, t->approved);
    news_author_tail_key(k, uid);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = v;
    val.mv_size = sizeof(v);

    rc = mdb_put(txn, st->dbi[NEWS_DB_AUTHORS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, what);
    }

    return NEWS_OK;
}


/*
 * A store of schema 9 or older, opened for writing: each standing's
 * count of comments gone public goes into its author's tail (and out of
 * the standing, which keeps the rest), and the posting rates' windows
 * go from throttle, in the txn that raises its schema record.
 */
int
news_author_tails_fill(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int                 rc;
    MDB_val             key, val;
    MDB_cursor         *cur;
    news_author_tail_t  t;
    unsigned char       v[NEWS_STANDING_HEAD + NEWS_REASON_MAX];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_STANDING], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {
        if (key.mv_size != 8 || val.mv_size < 4
            || val.mv_size > sizeof(v))
        {
            continue;       /* newsctl check says what is corrupt */
        }

        memset(&t, 0, sizeof(t));
        t.approved = news_be32_get(val.mv_data);

        if (t.approved == 0) {
            continue;
        }

        memcpy(v, val.mv_data, val.mv_size);
        news_be32_put(v, 0);
        val.mv_data = v;

        rc = mdb_cursor_put(cur, &key, &val, MDB_CURRENT);
        if (rc != 0) {
            break;
        }

        if (news_author_tail_put(st, txn, news_be64_get(key.mv_data), &t,
                                 "filling the authors' tails", err)
            != NEWS_OK)
        {
            mdb_cursor_close(cur);
            return err->code;
        }
    }

    mdb_cursor_close(cur);

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "filling the authors' tails");
    }

    return news_store_drop_range(st, txn, NEWS_DB_THROTTLE, "c", 1, err);
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


/* ---- reports ------------------------------------------------------------ */


#define NEWS_REPORT_TALLY  (5 + 4 * NEWS_REPORT_REASONS)


static const char  *news_report_reasons[NEWS_REPORT_REASONS] = {
    "spam", "abuse", "off_topic", "other"
};


static void news_report_order_key(unsigned char *k, uint32_t count,
    uint64_t id);
static int news_report_tally_put(news_store_t *st, MDB_txn *txn,
    const news_report_tally_t *old, const news_report_tally_t *t,
    news_err_t *err);


int
news_report_reason_parse(const char *s, size_t n)
{
    int  i;

    for (i = 0; i < NEWS_REPORT_REASONS; i++) {
        if (strlen(news_report_reasons[i]) == n
            && memcmp(news_report_reasons[i], s, n) == 0)
        {
            return i;
        }
    }

    return -1;
}


const char *
news_report_reason_name(int reason)
{
    return reason >= 0 && reason < NEWS_REPORT_REASONS
           ? news_report_reasons[reason] : "other";
}


int
news_report_note_check(const char *s, size_t n, news_err_t *err)
{
    if (!news_line_valid(s, n, NEWS_REPORT_NOTE_MAX)) {
        return news_err_set(err, NEWS_INVALID, "a note is at most %d bytes "
                            "of UTF-8 on one line", NEWS_REPORT_NOTE_MAX);
    }

    return NEWS_OK;
}


static void
news_report_order_key(unsigned char *k, uint32_t count, uint64_t id)
{
    k[0] = 'n';
    news_be32_put(k + 1, UINT32_MAX - count);
    news_be64_put(k + 5, id);
}


int
news_report_tally(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_report_tally_t *t, news_err_t *err)
{
    int                   rc, i;
    MDB_val               key, val;
    unsigned char         k[9];
    const unsigned char  *p;

    memset(t, 0, sizeof(*t));
    t->comment = id;
    k[0] = 'c';
    news_be64_put(k + 1, id);
    key.mv_data = k;
    key.mv_size = 9;

    rc = mdb_get(txn, st->dbi[NEWS_DB_REPORTS], &key, &val);
    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a comment's reports");
    }

    if (val.mv_size != NEWS_REPORT_TALLY) {
        return news_err_set(err, NEWS_ERROR, "a corrupt report tally");
    }

    p = val.mv_data;
    t->count = news_be32_get(p);
    t->hidden = p[4];

    for (i = 0; i < NEWS_REPORT_REASONS; i++) {
        t->reasons[i] = news_be32_get(p + 5 + 4 * i);
    }

    return NEWS_OK;
}


/* the tally and its place in the tab's order (old: where it was) */
static int
news_report_tally_put(news_store_t *st, MDB_txn *txn,
    const news_report_tally_t *old, const news_report_tally_t *t,
    news_err_t *err)
{
    int            rc, i;
    MDB_val        key, val;
    unsigned char  k[NEWS_REPORT_ORDER_KEY], v[NEWS_REPORT_TALLY];

    if (old->count != 0) {
        news_report_order_key(k, old->count, old->comment);
        key.mv_data = k;
        key.mv_size = NEWS_REPORT_ORDER_KEY;

        rc = mdb_del(txn, st->dbi[NEWS_DB_REPORTS], &key, NULL);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            return news_store_fail(err, rc, "ordering the reports");
        }
    }

    news_report_order_key(k, t->count, t->comment);
    key.mv_data = k;
    key.mv_size = NEWS_REPORT_ORDER_KEY;
    val.mv_data = "";
    val.mv_size = 0;

    rc = mdb_put(txn, st->dbi[NEWS_DB_REPORTS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "ordering the reports");
    }

    news_be32_put(v, t->count);
    v[4] = (unsigned char) t->hidden;

    for (i = 0; i < NEWS_REPORT_REASONS; i++) {
        news_be32_put(v + 5 + 4 * i, t->reasons[i]);
    }

    k[0] = 'c';
    news_be64_put(k + 1, t->comment);
    key.mv_size = 9;
    val.mv_data = v;
    val.mv_size = NEWS_REPORT_TALLY;

    rc = mdb_put(txn, st->dbi[NEWS_DB_REPORTS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "counting the reports");
    }

    return NEWS_OK;
}


int
news_report_add(news_store_t *st, MDB_txn *txn, uint64_t id, uint64_t uid,
    int reason, const char *note, size_t note_len, int64_t now,
    news_report_tally_t *t, news_err_t *err)
{
    int                  rc;
    MDB_val              key, val;
    unsigned char        k[NEWS_REPORT_KEY], v[9 + NEWS_REPORT_NOTE_MAX];
    news_report_tally_t  old;

    if (note_len > NEWS_REPORT_NOTE_MAX) {
        return news_err_set(err, NEWS_INVALID, "the note is too long");
    }

    k[0] = 'r';
    news_be64_put(k + 1, id);
    news_be64_put(k + 9, uid);
    key.mv_data = k;
    key.mv_size = NEWS_REPORT_KEY;

    news_be64_put(v, (uint64_t) now);
    v[8] = (unsigned char) reason;
    memcpy(v + 9, note, note_len);
    val.mv_data = v;
    val.mv_size = 9 + note_len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_REPORTS], &key, &val, MDB_NOOVERWRITE);
    if (rc == MDB_KEYEXIST) {
        return news_err_set(err, NEWS_CONFLICT, "you have already reported "
                            "this comment");
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "writing a report");
    }

    if (news_report_tally(st, txn, id, &old, err) != NEWS_OK) {
        return err->code;
    }

    *t = old;
    t->count++;
    t->reasons[reason]++;

    return news_report_tally_put(st, txn, &old, t, err);
}


int
news_report_hid(news_store_t *st, MDB_txn *txn, news_report_tally_t *t,
    news_err_t *err)
{
    t->hidden = 1;

    return news_report_tally_put(st, txn, t, t, err);
}


int
news_report_clear(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int                  rc;
    MDB_val              key;
    unsigned char        k[NEWS_REPORT_ORDER_KEY];
    news_report_tally_t  t;

    if (news_report_tally(st, txn, id, &t, err) != NEWS_OK) {
        return err->code;
    }

    if (t.count == 0) {
        return NEWS_OK;
    }

    news_report_order_key(k, t.count, id);
    key.mv_data = k;
    key.mv_size = NEWS_REPORT_ORDER_KEY;

    rc = mdb_del(txn, st->dbi[NEWS_DB_REPORTS], &key, NULL);
    if (rc == 0) {
        k[0] = 'c';
        news_be64_put(k + 1, id);
        key.mv_size = 9;
        rc = mdb_del(txn, st->dbi[NEWS_DB_REPORTS], &key, NULL);
    }

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "dropping a comment's reports");
    }

    k[0] = 'r';

    return news_store_drop_range(st, txn, NEWS_DB_REPORTS, k, 9, err);
}


int
news_report_list(news_store_t *st, MDB_txn *txn, uint32_t count,
    uint64_t id, news_report_tally_t *out, size_t max, size_t *n,
    int *more, news_err_t *err)
{
    int             rc;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[NEWS_REPORT_ORDER_KEY];

    *n = 0;
    *more = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REPORTS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the reports");
    }

    news_report_order_key(k, count, id);

    if (count == 0) {
        k[1] = k[2] = k[3] = k[4] = 0;
    }

    key.mv_data = k;
    key.mv_size = count ? NEWS_REPORT_ORDER_KEY : 1;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != NEWS_REPORT_ORDER_KEY
            || ((unsigned char *) key.mv_data)[0] != 'n')
        {
            break;
        }

        /* the cursor's own entry, when it is still there */
        if (count && memcmp(key.mv_data, k, NEWS_REPORT_ORDER_KEY) == 0) {
            continue;
        }

        if (*n == max) {
            *more = 1;
            break;
        }

        rc = news_report_tally(st, txn,
                               news_be64_get((unsigned char *) key.mv_data
                                             + 5),
                               &out[*n], err);
        if (rc != NEWS_OK) {
            mdb_cursor_close(cur);
            return rc;
        }

        (*n)++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the reports");
    }

    return NEWS_OK;
}


int
news_report_notes(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_report_note_t *out, size_t max, size_t *n, news_err_t *err)
{
    int                   rc;
    MDB_val               key, val;
    MDB_cursor           *cur;
    unsigned char         k[9];
    const unsigned char  *p;

    *n = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REPORTS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the reports");
    }

    k[0] = 'r';
    news_be64_put(k + 1, id);
    key.mv_data = k;
    key.mv_size = 9;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && *n < max;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != NEWS_REPORT_KEY || memcmp(key.mv_data, k, 9) != 0)
        {
            break;
        }

        if (val.mv_size < 9) {
            continue;                   /* newsctl check says so */
        }

        p = val.mv_data;
        out[*n].at = (int64_t) news_be64_get(p);
        out[*n].reason = p[8];
        out[*n].note = (const char *) p + 9;
        out[*n].note_len = val.mv_size - 9;
        (*n)++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the reports");
    }

    return NEWS_OK;
}
