/*
 * The edges' bounds: news_edge's URL refused part by part (no host, a
 * host or port too long, a port not a number, a path too long or holding
 * what a request line cannot), and the outbox in a real LMDB store at its
 * edges: kept only once an edge's mark is in the store, a mark or an
 * entry of the wrong size not trusted, and the drop of entries every edge
 * has had done NEWS_OUTBOX_DROP_MAX at a time.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "edge.h"
#include "outbox.h"
#include "text.h"


static char          dir[] = "/tmp/news-unit-edgeb-XXXXXX";
static news_store_t  st;


static void
test_parse(void)
{
    size_t       i;
    char         msg[1024], url[700];
    news_edge_t  e;

    static const struct {
        const char  *url;
        const char  *says;
    } bad[] = {
        { "http://:8080/purge", "has no host" },
        { "http:///purge", "has no host" },
        { "http://edge:/purge", "has a bad port" },
        { "http://edge:123456789/purge", "has a bad port" },
        { "http://edge:80a/purge", "has a bad port" },
        { "http://edge/pur ge", "may hold no spaces" },
        { "http://edge/pur\001ge", "may hold no spaces" },
        { "http://edge/pur\177ge", "may hold no spaces" },
        { "http://edge/purge#x", "may hold no spaces" },
        { "http://edge/p\303\251", "may hold no spaces" },
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg[0] = '\0';
        ok(news_edge_parse(&e, bad[i].url, msg, sizeof(msg)) != 0
           && strstr(msg, bad[i].says) != NULL,
           "refused: %s (%s)", bad[i].url, msg);
    }

    /* a host of 256 bytes: one more than the field holds with its NUL */
    memcpy(url, "http://", 7);
    memset(url + 7, 'h', 256);
    strcpy(url + 7 + 256, "/purge");
    ok(news_edge_parse(&e, url, msg, sizeof(msg)) != 0
       && strstr(msg, "has no host") != NULL, "a host of 256 bytes refused");

    memset(url + 7, 'h', 255);
    strcpy(url + 7 + 255, "/purge");
    memset(&e, 0, sizeof(e));
    ok(news_edge_parse(&e, url, msg, sizeof(msg)) == 0
       && strlen(e.host) == 255, "one of 255 taken");

    /* a path that leaves no room for the keys' addresses after it */
    strcpy(url, "http://edge/");
    memset(url + 12, 'p', NEWS_EDGE_URL_MAX - 200);
    url[12 + NEWS_EDGE_URL_MAX - 200] = '\0';
    ok(news_edge_parse(&e, url, msg, sizeof(msg)) != 0
       && strstr(msg, "is too long") != NULL, "a path of %d bytes refused",
       NEWS_EDGE_URL_MAX - 200 + 1);

    url[12 + NEWS_EDGE_URL_MAX - 200 - 2] = '\0';
    memset(&e, 0, sizeof(e));
    ok(news_edge_parse(&e, url, msg, sizeof(msg)) == 0,
       "one byte shorter taken");

    memset(&e, 0, sizeof(e));
    ok(news_edge_parse(&e, "http://edge:8080/purge///", msg, sizeof(msg))
       == 0, "trailing slashes");
    is_str(e.path, "/purge", "are left off the path");
    is_str(e.port, "8080", "the port kept");

    memset(&e, 0, sizeof(e));
    ok(news_edge_parse(&e, "http://edge", msg, sizeof(msg)) == 0,
       "a host alone");
    is_str(e.port, "80", "port 80");
    is_str(e.path, "", "an empty path");
}


static int
mark(const char *edge, uint64_t seq, uint64_t done, int64_t stale)
{
    int                  rc;
    MDB_txn             *txn;
    news_err_t           err;
    news_outbox_marks_t  m;

    m.edges = &edge;
    m.marks = &seq;
    m.n = edge ? 1 : 0;
    m.done = done;
    m.stale = stale;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_outbox_mark(&st, txn, &m, &err);

    if (rc != NEWS_OK) {
        news_store_abort(&st, txn);
        return rc;
    }

    return news_store_commit(&st, txn, &err);
}


static int
raw_put(const void *k, size_t klen, const void *v, size_t vlen)
{
    int         rc;
    MDB_txn    *txn;
    MDB_val     key, val;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    key.mv_data = (void *) k;
    key.mv_size = klen;
    val.mv_data = (void *) v;
    val.mv_size = vlen;

    rc = mdb_put(txn, st.dbi[NEWS_DB_OUTBOX], &key, &val, 0);
    if (rc != 0) {
        news_store_abort(&st, txn);
        return rc;
    }

    return news_store_commit(&st, txn, &err);
}


/* entries first .. last, each at time t, put as the write would */
static int
put_entries(uint64_t first, uint64_t last, int64_t t)
{
    int            rc;
    uint64_t       s;
    MDB_txn       *txn;
    MDB_val        key, val;
    news_err_t     err;
    unsigned char  k[9], v[8 + 9];

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    for (rc = 0, s = first; rc == 0 && s <= last; s++) {
        k[0] = 'q';
        news_be64_put(k + 1, s);
        news_be64_put(v, (uint64_t) t);
        memcpy(v + 8, "article-1", 9);
        key.mv_data = k;
        key.mv_size = sizeof(k);
        val.mv_data = v;
        val.mv_size = sizeof(v);
        rc = mdb_put(txn, st.dbi[NEWS_DB_OUTBOX], &key, &val, 0);
    }

    if (rc != 0) {
        news_store_abort(&st, txn);
        return rc;
    }

    return news_store_commit(&st, txn, &err);
}


/* how many entries the outbox holds, reading up to 5,000 */
static long
count(void)
{
    long                  n;
    MDB_txn              *txn;
    news_err_t            err;
    news_outbox_batch_t   ob;

    news_outbox_batch_init(&ob);

    if (news_store_begin(&st, MDB_RDONLY, &txn, &err) != NEWS_OK) {
        return -1;
    }

    n = news_outbox_read(&st, txn, 0, 5000, &ob, &err) == NEWS_OK
        ? (long) ob.n : -1;

    news_store_abort(&st, txn);
    news_outbox_batch_free(&ob);

    return n;
}


static void
test_outbox(void)
{
    uint64_t       seq;
    MDB_txn       *txn;
    news_err_t     err;
    unsigned char  k[9];

    is_int(news_outbox_in_use(&st), 0, "a store no edge has marked: no "
           "outbox kept");
    is_int(mark("http://e/purge", 0, 0, 0), NEWS_OK, "an edge's mark");
    is_int(news_outbox_in_use(&st), 1, "then it is kept");

    /* an edge's mark of the wrong size */
    ok(raw_put("ehttp://bad/purge", 17, "abc", 3) == 0,
       "a mark of three bytes");
    ok(news_store_begin(&st, MDB_RDONLY, &txn, &err) == NEWS_OK, "a read txn");
    is_int(news_outbox_mark_of(&st, txn, "http://bad/purge", &seq, &err),
           NEWS_ERROR, "read as a corrupt store, not as a seq");
    is_int(news_outbox_mark_of(&st, txn, "http://none/purge", &seq, &err),
           NEWS_NOTFOUND, "an edge never marked: not found");
    is_int(news_outbox_mark_of(&st, txn, "http://e/purge", &seq, &err),
           NEWS_OK, "the edge marked: found");
    news_store_abort(&st, txn);

    /* an entry too short for its time: passed over */
    k[0] = 'q';
    news_be64_put(k + 1, 1);
    ok(raw_put(k, sizeof(k), "abcd", 4) == 0, "entry 1 of four bytes");
    ok(put_entries(2, 3, 100) == 0, "entries 2 and 3");
    is_int(count(), 2, "read: the two whole ones");

    /* 1,005 entries the edge has had: dropped 1,000 a write */
    ok(put_entries(4, 1008, 100) == 0, "1,005 entries more");
    is_int(count(), 1007, "read: 1,007");
    is_int(mark("http://e/purge", 2000, 2000, 0), NEWS_OK,
           "the edge has had them all");
    is_int(count(), 8, "a write drops 1,000 (the short one among them)");
    is_int(mark("http://e/purge", 2000, 2000, 0), NEWS_OK, "the next write");
    is_int(count(), 0, "drops the rest");

    /* entries older than max-age go though no edge has had them */
    ok(put_entries(2001, 2003, 100) == 0, "three old entries");
    is_int(mark("http://e/purge", 2000, 2000, 101), NEWS_OK,
           "a write with them stale");
    is_int(count(), 0, "drops them");
}


int
main(void)
{
    char        cmd[256];
    news_err_t  err;

    test_parse();

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "open a new store");

    test_outbox();

    news_store_close(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
