/*
 * Unit tests of an article's life in the store: ids, slugs, comment
 * closing, the schedule of lists, and the error page's escaping.  A real
 * LMDB environment in a temporary directory, written through the same
 * calls the module and newsctl make.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "article_fixture.h"
#include "articles.h"
#include "publish.h"
#include "text.h"


static char  dir[] = "/tmp/news-unit-articles-XXXXXX";


static int
delete(news_store_t *st, uint64_t id)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_article_delete(st, txn, id, 1000, &err);
    if (rc != NEWS_OK) {
        mdb_txn_abort(txn);
        return rc;
    }

    return news_store_commit(st, txn, &err);
}


static int
find(news_store_t *st, const char *slug, uint64_t *id)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_read(st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_article_id(st, txn, slug, strlen(slug), id);
    news_store_read_done(st);

    return rc;
}


static int
load(news_store_t *st, uint64_t id, news_article_t *a)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_read(st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_article_load(st, txn, id, a, &err);
    news_store_read_done(st);

    return rc;
}


static size_t
revisions(news_store_t *st, uint64_t id)
{
    size_t          n;
    MDB_val         key, val;
    MDB_txn        *txn;
    news_err_t      err;
    MDB_cursor     *cur;
    unsigned char   k[8];

    if (news_store_read(st, &txn, &err) != NEWS_OK
        || mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur) != 0)
    {
        return (size_t) -1;
    }

    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    n = 0;

    for (int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && memcmp(key.mv_data, k, 8) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        n++;
    }

    mdb_cursor_close(cur);
    news_store_read_done(st);

    return n;
}


static void
test_ids_never_reused(news_store_t *st)
{
    uint64_t    first, again, third;
    MDB_txn    *txn;
    MDB_val     key;
    news_err_t  err;

    first = save_article(st, "{\"slug\":\"retracted\",\"title\":\"T\",\"body\":\"b\"}",
                 0, 1000);
    ok(first != 0, "an article is created");
    ok(delete(st, first) == NEWS_OK, "and deleted");

    again = save_article(st, "{\"slug\":\"retracted\",\"title\":\"T\",\"body\":\"c\"}",
                 0, 1000);
    ok(again != 0 && again != first,
       "a re-created article gets a new id (%llu after %llu): not its "
       "predecessor's ETag", (unsigned long long) again,
       (unsigned long long) first);

    /* a store from before the counter: it starts after the last article */
    key.mv_data = "article_id";
    key.mv_size = sizeof("article_id") - 1;
    ok(news_store_write(st, &txn, &err) == NEWS_OK
       && mdb_del(txn, st->dbi[NEWS_DB_META], &key, NULL) == 0
       && news_store_commit(st, txn, &err) == NEWS_OK,
       "an older store has no id counter");

    third = save_article(st, "{\"slug\":\"third\",\"title\":\"T\",\"body\":\"b\"}", 0,
                 1000);
    is_int(third, again + 1, "without it, ids go on after the last article");

    ok(delete(st, third) == NEWS_OK, "the newest is deleted");
    is_int(save_article(st, "{\"slug\":\"fourth\",\"title\":\"T\",\"body\":\"b\"}", 0,
                1000),
           third + 1, "and the counter, now kept, skips its id");
}


static void
test_former_slugs_freed(news_store_t *st)
{
    uint64_t        id, got, other;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[8];

    id = save_article(st, "{\"slug\":\"old-name\",\"title\":\"T\",\"body\":\"b\"}", 0,
              1000);
    ok(save_article(st, "{\"slug\":\"new-name\",\"title\":\"T\",\"body\":\"b\"}", id,
            1001) == id,
       "renamed: old-name -> new-name");
    ok(find(st, "old-name", &got) == 0 && got == id,
       "the former slug still leads to it");

    other = save_article(st, "{\"slug\":\"old-name\",\"title\":\"X\",\"body\":\"b\"}",
                 0, 1002);
    is_int(other, 0, "while it lives, its former slug is taken");

    ok(delete(st, id) == NEWS_OK, "deleted");
    is_int(find(st, "new-name", &got), NEWS_NOTFOUND, "its slug is free");
    is_int(find(st, "old-name", &got), NEWS_NOTFOUND,
           "and so is its former slug");

    other = save_article(st, "{\"slug\":\"old-name\",\"title\":\"X\",\"body\":\"b\"}",
                 0, 1003);
    ok(other != 0 && other != id, "a new article takes the former slug");

    /* a store from before: a deleted article's slug left behind */
    news_be64_put(k, 999999);
    key.mv_data = "left-behind";
    key.mv_size = sizeof("left-behind") - 1;
    val.mv_data = k;
    val.mv_size = sizeof(k);
    ok(news_store_write(st, &txn, &err) == NEWS_OK
       && mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val, 0) == 0
       && news_store_commit(st, txn, &err) == NEWS_OK,
       "a slug that leads to no article");
    other = save_article(st, "{\"slug\":\"left-behind\",\"title\":\"X\","
                 "\"body\":\"b\"}", 0, 1004);
    ok(other != 0 && find(st, "left-behind", &got) == 0 && got == other,
       "is free for a new article");
}


static void
test_close_comments(news_store_t *st)
{
    uint64_t        id;
    MDB_txn        *txn;
    news_err_t      err;
    news_article_t  before, after;

    id = save_article(st, "{\"slug\":\"closing\",\"title\":\"T\",\"body\":\"b\","
              "\"published_at\":\"2020-01-01T00:00:00Z\"}", 0, 1000);
    ok(load(st, id, &before) == NEWS_OK, "an article to close");

    ok(news_store_write(st, &txn, &err) == NEWS_OK
       && news_article_close_comments(st, txn, id, 1, 5000, &err) == NEWS_OK
       && news_store_commit(st, txn, &err) == NEWS_OK,
       "its comments are closed");

    ok(load(st, id, &after) == NEWS_OK && after.comments_closed,
       "the record says so");
    ok(after.version > before.version, "a new version: the page's ETag moves");
    is_int(after.updated_at, before.updated_at, "not shown as updated");
    is_int(revisions(st, id), 0, "no revision is filed");
    news_article_free(&after);

    ok(news_store_write(st, &txn, &err) == NEWS_OK
       && news_article_close_comments(st, txn, id, 0, 5001, &err) == NEWS_OK
       && news_store_commit(st, txn, &err) == NEWS_OK
       && load(st, id, &after) == NEWS_OK && !after.comments_closed,
       "and opened again");
    is_int(revisions(st, id), 0, "still no revision");

    news_article_free(&after);
    news_article_free(&before);
}


/* news_article_view reads every field news_article_load does, as they are */
static void
test_view(news_store_t *st)
{
    int             same;
    cJSON          *rec;
    MDB_txn        *txn;
    MDB_val         key, val;
    uint64_t        id;
    unsigned        i;
    news_err_t      err;
    news_article_t  a, v;
    unsigned char   k[8];

    id = save_article(st, "{\"slug\":\"viewed\",\"title\":\"T \\\"q\\\"\","
              "\"subtitle\":\"S\",\"author\":\"A\",\"section\":\"Sec\","
              "\"tags\":[\"x\",\"y\"],\"body\":\"b\\nc\",\"live\":true,"
              "\"comments_closed\":true,\"image\":{\"url\":\"https://i.test/a\","
              "\"alt\":\"al\",\"caption\":\"ca\",\"width\":3,\"height\":4},"
              "\"published_at\":\"2020-01-01T00:00:00Z\","
              "\"updated_at\":\"2020-01-02T00:00:00Z\"}", 0, 1000);
    ok(id != 0 && load(st, id, &a) == NEWS_OK, "an article with every field");

    ok(news_store_read(st, &txn, &err) == NEWS_OK
       && news_article_view(st, txn, id, &v, &rec, &err) == NEWS_OK,
       "viewed");

    same = v.id == a.id && v.ntags == a.ntags
           && strcmp(v.slug, a.slug) == 0 && strcmp(v.title, a.title) == 0
           && strcmp(v.subtitle, a.subtitle) == 0
           && strcmp(v.author, a.author) == 0
           && strcmp(v.section, a.section) == 0
           && strcmp(v.body, a.body) == 0
           && strcmp(v.image_url, a.image_url) == 0
           && strcmp(v.image_alt, a.image_alt) == 0
           && strcmp(v.image_caption, a.image_caption) == 0
           && v.image_width == a.image_width
           && v.image_height == a.image_height
           && v.published_at == a.published_at
           && v.updated_at == a.updated_at && v.created_at == a.created_at
           && v.modified_at == a.modified_at && v.status == a.status
           && v.version == a.version && v.live == a.live
           && v.comments_closed == a.comments_closed;

    for (i = 0; same && i < a.ntags; i++) {
        same = strcmp(v.tags[i], a.tags[i]) == 0;
    }

    ok(same, "the same fields as news_article_load's");
    cJSON_Delete(rec);
    news_store_read_done(st);
    news_article_free(&a);

    /* a record damaged by hand: empty fields, no number out of range */
    news_be64_put(k, 999999);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = "{\"id\":1e300,\"title\":5,\"tags\":\"x\",\"image\":[1],"
                  "\"version\":-1,\"published_at\":\"never\"}";
    val.mv_size = strlen(val.mv_data);

    ok(news_store_write(st, &txn, &err) == NEWS_OK
       && mdb_put(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val, 0) == 0
       && news_article_view(st, txn, 999999, &v, &rec, &err) == NEWS_OK,
       "a damaged record is viewed");
    ok(v.id == 0 && v.version == 0 && v.published_at == 0 && v.ntags == 0
       && v.title[0] == '\0' && v.image_url[0] == '\0',
       "as empty fields and zeros");
    cJSON_Delete(rec);
    mdb_txn_abort(txn);
}


static void
test_schedule(news_store_t *st)
{
    MDB_txn          *txn;
    news_err_t        err;
    news_schedule_t   sc;
    news_list_t       l;
    news_buf_t        out;
    int64_t           past, soon, later;

    /* times far from the other tests' (1000..5000 and 2020) */
    past = 4000000000LL;
    soon = past + 100;
    later = past + 200;

    save_article(st, "{\"slug\":\"out\",\"title\":\"Out\",\"body\":\"b\","
         "\"published_at\":\"2096-10-02T07:06:40Z\"}", 0, past);
    save_article(st, "{\"slug\":\"soon\",\"title\":\"Soon\",\"body\":\"b\","
         "\"published_at\":\"2096-10-02T07:08:20Z\"}", 0, past);
    save_article(st, "{\"slug\":\"later\",\"title\":\"Later\",\"body\":\"b\","
         "\"published_at\":\"2096-10-02T07:10:00Z\"}", 0, past);

    ok(news_store_read(st, &txn, &err) == NEWS_OK
       && news_articles_schedule(st, txn, past + 50, &sc, &err) == NEWS_OK,
       "the schedule between two publications");
    is_int(sc.due, past, "the newest out is the one published");
    is_int(sc.next, soon, "the next due is the first scheduled");

    ok(news_articles_schedule(st, txn, soon, &sc, &err) == NEWS_OK
       && sc.due == soon && sc.next == later,
       "when it falls due, the newest out moves: lists change without a "
       "write");

    ok(news_articles_schedule(st, txn, later + 1, &sc, &err) == NEWS_OK
       && sc.due == later && sc.next == 0,
       "after the last: nothing scheduled");

    memset(&l, 0, sizeof(l));
    news_buf_init(&out);
    l.limit = 10;
    l.now = past + 50;
    l.kind = NEWS_FRAG_SUMMARY;
    l.sep = ",";

    ok(news_articles_list(st, txn, &l, &out, &err) == NEWS_OK
       && out.len > 0 && memmem(out.data, out.len, "Soon", 4) == NULL
       && memmem(out.data, out.len, "\"Out\"", 5) != NULL,
       "a list starts at the newest out, past the scheduled ones");

    news_buf_free(&out);
    news_store_read_done(st);
}


static void
test_error_title(void)
{
    news_buf_t  b;

    news_buf_init(&b);
    news_render_error_main(&b, 404, "<b>&", "x");
    ok(b.len && strstr(news_buf_cstr(&b), "<h1>&lt;b&gt;&amp;</h1>") != NULL,
       "an error page's title is escaped");
    news_buf_free(&b);
}


/* an imported comment's numbers: a double out of range is no integer */
static void
test_import_numbers(void)
{
    size_t          i;
    cJSON          *obj;
    news_err_t      err;
    news_comment_t  c;

    static const char  *bad[] = {
        "{\"id\":1,\"author\":\"ann\",\"body\":\"b\",\"depth\":1e300}",
        "{\"id\":1,\"author\":\"ann\",\"body\":\"b\",\"depth\":-1}",
        "{\"id\":1,\"author\":\"ann\",\"body\":\"b\",\"article\":1e300}",
        "{\"id\":1,\"author\":\"ann\",\"body\":\"b\",\"article\":-5}",
        "{\"id\":1,\"author\":\"ann\",\"body\":\"b\",\"article\":\"1\"}",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        obj = cJSON_Parse(bad[i]);
        ok(news_comment_from_json(&c, obj, &err) == NEWS_INVALID
           && (strstr(err.msg, "depth") || strstr(err.msg, "article")),
           "refuses %s", bad[i]);
        cJSON_Delete(obj);
    }
}


int
main(void)
{
    char          cmd[256];
    news_err_t    err;
    news_store_t  st;

    test_error_title();
    test_import_numbers();

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "open a new store");

    test_ids_never_reused(&st);
    test_former_slugs_freed(&st);
    test_close_comments(&st);
    test_view(&st);
    test_schedule(&st);

    news_store_close(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
