/*
 * The outbox; see outbox.h.
 */

#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "outbox.h"
#include "text.h"


static int news_outbox_seq(news_store_t *st, MDB_txn *txn, const void *k,
    size_t len, uint64_t *seq, news_err_t *err);

int
news_outbox_article(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int what, unsigned pages, const news_buf_t *events, int64_t now,
    news_err_t *err)
{
    int            rc;
    uint64_t       seq;
    MDB_val        key, val;
    news_buf_t     b;
    unsigned char  k[9];

    rc = news_outbox_kept(st, txn, err);
    if (rc != NEWS_OK) {
        return rc == NEWS_NOTFOUND ? NEWS_OK : rc;
    }

    if (news_outbox_last(st, txn, &seq, err) != NEWS_OK) {
        return err->code;
    }

    news_buf_init(&b);
    news_buf_reserve(&b, 8);
    b.len = 8;
    news_be64_put((unsigned char *) b.data, (uint64_t) now);
    news_keys_change(&b, a, what, pages);

    if (events != NULL && events->len) {
        news_buf_add(&b, events->data, events->len);
    }

    b.failed |= events != NULL && events->failed;

    if (b.failed) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    k[0] = 'q';
    news_be64_put(k + 1, seq + 1);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = b.data;
    val.mv_size = b.len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_OUTBOX], &key, &val, 0);
    news_buf_free(&b);

    if (rc == 0) {
        key.mv_data = "r";
        key.mv_size = 1;
        val.mv_data = k + 1;
        val.mv_size = 8;

        rc = mdb_put(txn, st->dbi[NEWS_DB_OUTBOX], &key, &val, 0);
    }

    return rc == 0 ? NEWS_OK : news_store_fail(err, rc, "writing the outbox");
}


int
news_outbox_kept(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *c;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_OUTBOX], &c);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the outbox");
    }

    key.mv_data = "e";
    key.mv_size = 1;

    rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
    mdb_cursor_close(c);

    if (rc == 0) {
        return ((char *) key.mv_data)[0] == 'e' ? NEWS_OK : NEWS_NOTFOUND;
    }

    return rc == MDB_NOTFOUND ? NEWS_NOTFOUND
                              : news_store_fail(err, rc, "reading the outbox");
}


int
news_outbox_in_use(news_store_t *st)
{
    int          rc;
    MDB_txn     *txn;
    news_err_t   err;

    if (news_store_begin(st, MDB_RDONLY, &txn, &err) != NEWS_OK) {
        return 1;
    }

    rc = news_outbox_kept(st, txn, &err);
    news_store_abort(st, txn);

    return rc != NEWS_NOTFOUND;
}


void
news_outbox_batch_init(news_outbox_batch_t *ob)
{
    memset(ob, 0, sizeof(*ob));
    news_buf_init(&ob->data);
}


void
news_outbox_batch_free(news_outbox_batch_t *ob)
{
    free(ob->items);
    news_buf_free(&ob->data);
    news_outbox_batch_init(ob);
}


/* the last seq given is kept apart: entries come and go, seqs never repeat */
int
news_outbox_last(news_store_t *st, MDB_txn *txn, uint64_t *seq,
    news_err_t *err)
{
    int  rc;

    *seq = 0;
    rc = news_outbox_seq(st, txn, "r", 1, seq, err);

    return rc == NEWS_NOTFOUND ? NEWS_OK : rc;
}


int
news_outbox_mark_of(news_store_t *st, MDB_txn *txn, const char *edge,
    uint64_t *seq, news_err_t *err)
{
    int         rc;
    news_buf_t  k;

    news_buf_init(&k);
    news_buf_addc(&k, 'e');
    news_buf_adds(&k, edge);

    if (k.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = news_outbox_seq(st, txn, k.data, k.len, seq, err);
    news_buf_free(&k);

    return rc;
}


/* a be64 seq under key: NEWS_OK, NEWS_NOTFOUND, or an error */
static int
news_outbox_seq(news_store_t *st, MDB_txn *txn, const void *k, size_t len,
    uint64_t *seq, news_err_t *err)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = (void *) k;
    key.mv_size = len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_OUTBOX], &key, &val);

    if (rc == MDB_NOTFOUND) {
        return NEWS_NOTFOUND;
    }

    if (rc != 0 || val.mv_size != 8) {
        return news_store_fail(err, rc ? rc : MDB_CORRUPTED,
                               "reading the outbox");
    }

    *seq = news_be64_get(val.mv_data);

    return NEWS_OK;
}


int
news_outbox_read(news_store_t *st, MDB_txn *txn, uint64_t after, size_t max,
    news_outbox_batch_t *ob, news_err_t *err)
{
    int                   rc;
    MDB_val               key, val;
    MDB_cursor           *c;
    news_outbox_entry_t  *e;
    unsigned char         k[9];

    ob->n = 0;
    news_buf_reset(&ob->data);

    if (ob->cap < max) {
        e = realloc(ob->items, max * sizeof(news_outbox_entry_t));
        if (e == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        ob->items = e;
        ob->cap = max;
    }

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_OUTBOX], &c);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the outbox");
    }

    k[0] = 'q';
    news_be64_put(k + 1, after + 1);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
         rc == 0 && ob->n < max;
         rc = mdb_cursor_get(c, &key, &val, MDB_NEXT))
    {
        if (key.mv_size != 9 || val.mv_size < 8) {
            continue;
        }

        e = &ob->items[ob->n++];
        e->seq = news_be64_get((unsigned char *) key.mv_data + 1);
        e->time = (int64_t) news_be64_get(val.mv_data);
        e->off = ob->data.len;
        e->len = val.mv_size - 8;
        news_buf_add(&ob->data, (char *) val.mv_data + 8, e->len);
    }

    mdb_cursor_close(c);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the outbox");
    }

    /* a NUL past the last entry: its numbers are read with strtoull */
    news_buf_addc(&ob->data, '\0');
    ob->data.len--;

    if (ob->data.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


int
news_outbox_mark(news_store_t *st, MDB_txn *txn, void *arg, news_err_t *err)
{
    int                   rc;
    unsigned              i;
    MDB_val               key, val;
    news_buf_t            k;
    MDB_cursor           *c;
    unsigned char         seq[8], first[9];
    news_outbox_marks_t  *m;

    m = arg;

    /* no edge any more: nothing is kept for any */
    if (m->n == 0) {
        rc = news_store_drop_range(st, txn, NEWS_DB_OUTBOX, "e", 1, err);
        if (rc != NEWS_OK) {
            return rc;
        }
    }

    news_buf_init(&k);

    for (i = 0; i < m->n; i++) {
        news_buf_reset(&k);
        news_buf_addc(&k, 'e');
        news_buf_adds(&k, m->edges[i]);

        if (k.failed) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        news_be64_put(seq, m->marks[i]);
        key.mv_data = k.data;
        key.mv_size = k.len;
        val.mv_data = seq;
        val.mv_size = sizeof(seq);

        rc = mdb_put(txn, st->dbi[NEWS_DB_OUTBOX], &key, &val, 0);
        if (rc != 0) {
            news_buf_free(&k);
            return news_store_fail(err, rc, "writing an edge's mark");
        }
    }

    news_buf_free(&k);

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_OUTBOX], &c);
    if (rc != 0) {
        return news_store_fail(err, rc, "dropping from the outbox");
    }

    first[0] = 'q';
    news_be64_put(first + 1, 0);
    key.mv_data = first;
    key.mv_size = sizeof(first);

    for (i = 0, rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE);
         rc == 0 && i < NEWS_OUTBOX_DROP_MAX;
         i++, rc = mdb_cursor_get(c, &key, &val, MDB_NEXT))
    {
        if (((unsigned char *) key.mv_data)[0] != 'q') {
            break;
        }

        /* an entry too short to read purges nothing: it goes as well */
        if (key.mv_size == 9 && val.mv_size >= 8
            && news_be64_get((unsigned char *) key.mv_data + 1) > m->done
            && (int64_t) news_be64_get(val.mv_data) >= m->stale)
        {
            break;
        }

        rc = mdb_cursor_del(c, 0);
        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(c);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "dropping from the outbox");
    }

    return NEWS_OK;
}
