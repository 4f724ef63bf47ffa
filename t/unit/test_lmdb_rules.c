/*
 * LMDB's rules kept by the engine, each where a fault used to break it:
 *
 *   - a write batch whose list of pages to re-render fills inside a write
 *     that then fails: the earlier writes' re-renders, done in the failed
 *     write's nested txn and undone with it, run again at the batch's end
 *     (src/engine/writer.c);
 *   - the session purge drops an expiry key whose session is gone instead
 *     of stopping there for good (src/engine/sessions.c);
 *   - a revision is copied out of LMDB before it is put back in the same
 *     write txn (a value is valid only until the next update).
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "tap.h"
#include "articles.h"
#include "publish.h"
#include "sessions.h"
#include "writer.h"


#define ARTICLES  (NEWS_DIRTY_MAX + 1)


static char           dir[] = "/tmp/news-unit-rules-XXXXXX";
static news_store_t   st;
static news_writer_t  writer;
static uint64_t       ids[ARTICLES];

static pthread_mutex_t  gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t   gate_cond = PTHREAD_COND_INITIALIZER;
static int              gate_open;


static uint64_t
import(const char *json)
{
    cJSON           *obj;
    MDB_txn         *txn;
    news_err_t       err;
    news_article_t   a;
    uint64_t         id;

    obj = cJSON_Parse(json);
    if (obj == NULL || news_article_from_json(&a, obj, 1700000000, 0, &err)
                       != NEWS_OK)
    {
        cJSON_Delete(obj);
        return 0;
    }

    cJSON_Delete(obj);
    id = 0;

    if (news_store_write(&st, &txn, &err) == NEWS_OK) {
        if (news_article_put(&st, txn, &a, 1700000000, &err) == NEWS_OK) {
            id = a.id;
            if (news_store_commit(&st, txn, &err) != NEWS_OK) {
                id = 0;
            }

        } else {
            news_store_abort(&st, txn);
        }
    }

    news_article_free(&a);

    return id;
}


static uint32_t
version_of(uint64_t id)
{
    uint32_t         v;
    MDB_txn         *txn;
    news_err_t       err;
    news_article_t   a;

    if (news_store_read(&st, &txn, &err) != NEWS_OK) {
        return 0;
    }

    v = news_article_load(&st, txn, id, &a, &err) == NEWS_OK ? a.version : 0;
    if (v) {
        news_article_free(&a);
    }

    news_store_read_done(&st);

    return v;
}


/* the first write holds the batch open until the others are queued */
static int
gate(news_store_t *s, MDB_txn *txn, void *arg, news_err_t *err)
{
    (void) s;
    (void) txn;
    (void) arg;
    (void) err;

    pthread_mutex_lock(&gate_lock);

    while (!gate_open) {
        pthread_cond_wait(&gate_cond, &gate_lock);
    }

    pthread_mutex_unlock(&gate_lock);

    return NEWS_OK;
}


/* a comment-like change to article ids[n]; the last one then fails */
static int
touch(news_store_t *s, MDB_txn *txn, void *arg, news_err_t *err)
{
    int  n, rc;

    n = (int) (long) arg;

    rc = news_article_changed(s, txn, ids[n], 0, NEWS_CHANGE_STATUS,
                              1700000100, err);
    if (rc != NEWS_OK) {
        return rc;
    }

    if (n == ARTICLES - 1) {
        return news_err_set(err, NEWS_INVALID, "refused after its change");
    }

    return NEWS_OK;
}


static void *
run_op(void *arg)
{
    news_write_op_t  op;

    memset(&op, 0, sizeof(op));
    op.apply = arg == (void *) -1L ? gate : touch;
    op.arg = arg;

    return (void *) (long) news_writer_run(&writer, &op);
}


static unsigned
queued(void)
{
    unsigned          n;
    news_write_op_t  *p;

    pthread_mutex_lock(&writer.lock);
    n = 0;

    for (p = writer.head; p; p = p->next) {
        n++;
    }

    pthread_mutex_unlock(&writer.lock);

    return n;
}


static void
test_dirty_list_refilled(void)
{
    int        i, bumped, failed_bumped;
    void      *ret;
    char       json[128];
    uint32_t   before[ARTICLES];
    pthread_t  first, th[ARTICLES];

    for (i = 0; i < ARTICLES; i++) {
        snprintf(json, sizeof(json),
                 "{\"slug\":\"a%d\",\"title\":\"A %d\",\"body\":\"b\"}", i, i);
        ids[i] = import(json);
        before[i] = version_of(ids[i]);
    }

    ok(ids[ARTICLES - 1] != 0 && before[0] == 1, "%d articles", ARTICLES);

    writer.flush = news_articles_flush;

    /* one write leads and waits; the rest queue behind it, in order */
    pthread_create(&first, NULL, run_op, (void *) -1L);

    while (!writer.leader) {
        usleep(1000);
    }

    for (i = 0; i < ARTICLES; i++) {
        pthread_create(&th[i], NULL, run_op, (void *) (long) i);

        while (queued() != (unsigned) i + 1) {
            usleep(1000);
        }
    }

    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);

    pthread_join(first, NULL);

    for (i = 0; i < ARTICLES; i++) {
        pthread_join(th[i], &ret);
        ok((long) ret == (i == ARTICLES - 1 ? NEWS_INVALID : NEWS_OK),
           "write %d answered", i);
    }

    bumped = 0;

    for (i = 0; i < ARTICLES - 1; i++) {
        bumped += version_of(ids[i]) == before[i] + 1;
    }

    failed_bumped = version_of(ids[ARTICLES - 1]) != before[ARTICLES - 1];

    is_int(bumped, ARTICLES - 1, "every good write's article is re-rendered, "
           "though the list filled in a write that failed");
    ok(!failed_bumped, "the failed write's article is not");

    writer.flush = NULL;
}


static int
count_prefix(char c)
{
    int          n;
    MDB_val      key, val;
    MDB_txn     *txn;
    news_err_t   err;
    MDB_cursor  *cur;

    n = 0;

    if (news_store_read(&st, &txn, &err) != NEWS_OK
        || mdb_cursor_open(txn, st.dbi[NEWS_DB_SESSIONS], &cur) != 0)
    {
        return -1;
    }

    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        n += ((char *) key.mv_data)[0] == c;
    }

    mdb_cursor_close(cur);
    news_store_read_done(&st);

    return n;
}


static void
test_purge_orphan(void)
{
    size_t         purged;
    MDB_val        key;
    MDB_txn       *txn;
    news_err_t     err;
    unsigned char  token[NEWS_TOKEN_LEN], ks[1 + NEWS_SHA256_LEN];

    /* two sessions that expire at 1000 and 2000; the first loses its record */
    ok(news_store_write(&st, &txn, &err) == NEWS_OK
       && news_session_create(&st, txn, 1, 0, 1000, token, &err) == NEWS_OK,
       "a session");

    ks[0] = 's';
    news_sha256(token, NEWS_TOKEN_LEN, ks + 1);
    key.mv_data = ks;
    key.mv_size = sizeof(ks);

    ok(mdb_del(txn, st.dbi[NEWS_DB_SESSIONS], &key, NULL) == 0
       && news_session_create(&st, txn, 2, 0, 2000, token, &err) == NEWS_OK
       && news_store_commit(&st, txn, &err) == NEWS_OK,
       "its record gone, its expiry key left; another session");

    ok(news_store_write(&st, &txn, &err) == NEWS_OK
       && news_sessions_purge(&st, txn, 5000, 100, &purged, &err) == NEWS_OK
       && news_store_commit(&st, txn, &err) == NEWS_OK,
       "purge after both expired");

    is_int(count_prefix('e'), 0, "the orphan expiry key is dropped, not a "
           "wall that stops every later purge");
    is_int(count_prefix('s'), 0, "and the session behind it is purged");
}


static void
test_revisions_kept(void)
{
    int         n;
    char        json[256];
    MDB_val     key, val;
    MDB_txn    *txn;
    uint64_t    id;
    news_err_t  err;
    MDB_cursor *cur;

    id = import("{\"slug\":\"rev\",\"title\":\"One\",\"body\":\"first\"}");

    for (n = 2; n <= 40; n++) {
        snprintf(json, sizeof(json), "{\"slug\":\"rev\",\"title\":\"T %d\","
                 "\"body\":\"%0*d\"}", n, 150, n);
        ok(import(json) == id, "update %d", n);
    }

    n = 0;

    if (news_store_read(&st, &txn, &err) == NEWS_OK
        && mdb_cursor_open(txn, st.dbi[NEWS_DB_REVISIONS], &cur) == 0)
    {
        while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
            n += val.mv_size > 2 && ((char *) val.mv_data)[0] == '{'
                 && ((char *) val.mv_data)[val.mv_size - 1] == '}';
        }

        mdb_cursor_close(cur);
        news_store_read_done(&st);
    }

    is_int(n, 39, "every earlier version kept whole");
}


int
main(void)
{
    char        cmd[128];
    news_err_t  err;

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK
        || news_writer_init(&writer, &st) != 0)
    {
        ok(0, "open");
        return done_testing();
    }

    test_dirty_list_refilled();
    test_purge_orphan();
    test_revisions_kept();

    is_int(st.txns, 0, "no transaction left live");

    news_writer_destroy(&writer);
    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
