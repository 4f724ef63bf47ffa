/*
 * Unit tests of the store and the renderers: a real LMDB environment in a
 * temporary directory, articles put and read back through the same calls
 * the module makes.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "articles.h"
#include "publish.h"
#include "text.h"


static char  dir[] = "/tmp/news-unit-XXXXXX";


static int
put_json(news_store_t *st, const char *json, int64_t now, news_err_t *err)
{
    int             rc;
    cJSON          *obj;
    MDB_txn        *txn;
    news_article_t  a;

    obj = cJSON_Parse(json);
    rc = news_article_from_json(&a, obj, now, 0, err);
    cJSON_Delete(obj);

    if (rc != NEWS_OK) {
        return rc;
    }

    rc = news_store_write(st, &txn, err);
    if (rc == NEWS_OK) {
        rc = news_article_put(st, txn, &a, now, err);
        if (rc == NEWS_OK) {
            rc = news_store_commit(st, txn, err);
        } else {
            mdb_txn_abort(txn);
        }
    }

    news_article_free(&a);

    return rc;
}


static int
page_of(news_store_t *st, const char *slug, int kind, news_page_t *pg,
    MDB_txn **txn)
{
    int         rc;
    uint64_t    id;
    news_err_t  err;

    /* the page's comments put together here, kept until the next call */
    static news_buf_t  join;

    news_buf_reset(&join);

    if (news_store_read(st, txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_article_id(st, *txn, slug, strlen(slug), &id);
    if (rc == 0) {
        rc = kind == NEWS_FRAG_PAGE
             ? news_article_page(st, *txn, id, 1, &join, pg)
             : news_article_fragment(st, *txn, id, kind, pg);
    }

    return rc;
}


static int
contains(news_str_t *s, const char *needle)
{
    return memmem(s->data, s->len, needle, strlen(needle)) != NULL;
}


static void
test_validation(void)
{
    int             rc;
    cJSON          *obj;
    news_err_t      err;
    news_article_t  a;

    static const struct {
        const char  *json;
        const char  *msg;
        int          code;      /* 0: NEWS_INVALID */
    } bad[] = {
        { "{\"body\":\"x\"}", "\"title\" is required", 0 },
        { "{\"title\":\"t\"}", "\"body\" is required", 0 },
        { "{\"title\":\"t\",\"body\":\"x\",\"bogus\":1}", "unknown field", 0 },
        { "{\"title\":\"t\",\"body\":\"x\",\"slug\":\"Bad Slug\"}", "slug", 0 },
        { "{\"title\":\"t\",\"body\":\"x\",\"published_at\":\"yesterday\"}",
          "RFC 3339", 0 },
        { "{\"title\":\"t\",\"body\":\"x\",\"status\":\"gone\"}", "status", 0 },
        { "{\"title\":\"!!!\",\"body\":\"x\"}", "no slug", 0 },
        { "{\"title\":\"a\\u0001b\",\"body\":\"x\"}", "control", 0 },
        /* a wrong JSON type is malformed (400), not a wrong value */
        { "{\"title\":7,\"body\":\"x\"}", "must be a string",
          NEWS_MALFORMED },
        { "{\"title\":\"t\",\"body\":\"x\",\"tags\":[1]}", "tags",
          NEWS_MALFORMED },
        { "{\"title\":\"t\",\"body\":\"x\",\"status\":1}", "status",
          NEWS_MALFORMED },
        { "[1]", "JSON object", 0 },
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        obj = cJSON_Parse(bad[i].json);
        rc = news_article_from_json(&a, obj, 1000, 0, &err);
        cJSON_Delete(obj);

        ok(rc == (bad[i].code ? bad[i].code : NEWS_INVALID)
           && strstr(err.msg, bad[i].msg) != NULL,
           "rejects %s (%s)", bad[i].json, rc ? err.msg : "accepted");
    }

    obj = cJSON_Parse("{\"title\":\"  Hello, World  \",\"body\":\"b\"}");
    rc = news_article_from_json(&a, obj, 1000, 0, &err);
    cJSON_Delete(obj);
    ok(rc == NEWS_OK, "a minimal article is valid");
    is_str(a.slug, "hello-world", "slug derived from the trimmed title");
    is_int(a.published_at, 1000, "published_at defaults to now");
    news_article_free(&a);
}


static void
test_put_and_read(news_store_t *st)
{
    MDB_txn      *txn;
    news_err_t    err;
    news_page_t   pg;

    ok(put_json(st, "{\"title\":\"First <b>one</b> & \\\"quoted\\\"\","
                "\"subtitle\":\"sub\",\"author\":\"Ann\","
                "\"published_at\":\"2024-01-01T00:00:00Z\","
                "\"body\":\"Para <script>alert(1)</script>\\n\\n"
                "## Head\\n\\n[x](javascript:alert(1))\"}", 2000000000, &err)
       == NEWS_OK, "put an article");

    ok(page_of(st, "first-b-one-b-quoted", NEWS_FRAG_PAGE, &pg, &txn) == 0,
       "page found by slug");
    is_int(pg.nparts, NEWS_PART_COUNT + 1, "page has its parts and count");
    ok(contains(&pg.part[NEWS_PART_COUNT], "0"), "the count of comments");
    is_int(pg.version, 1, "first version");
    ok(contains(&pg.part[NEWS_PART_ARTICLE],
                "<h1>First &lt;b&gt;one&lt;/b&gt; &amp; &quot;quoted&quot;"
                "</h1>"), "title escaped in h1");
    ok(!contains(&pg.part[NEWS_PART_STORY_END], "<script>"),
       "raw HTML in Markdown is dropped");
    ok(!contains(&pg.part[NEWS_PART_STORY_END], "javascript:"),
       "javascript: link is dropped");
    ok(contains(&pg.part[NEWS_PART_STORY_END], "<h2>Head</h2>"),
       "## heading becomes h2");
    ok(contains(&pg.part[NEWS_PART_COMMENTS], "No comments yet."),
       "empty comments section");
    news_store_read_done(st);

    ok(page_of(st, "first-b-one-b-quoted", NEWS_FRAG_JSON, &pg, &txn) == 0,
       "JSON fragment found");
    ok(contains(&pg.part[0], "\"title\":\"First \\u003cb\\u003eone"),
       "title escaped in JSON");
    news_store_read_done(st);

    ok(put_json(st, "{\"title\":\"First <b>one</b> & \\\"quoted\\\"\","
                "\"published_at\":\"2024-01-01T00:00:00Z\","
                "\"body\":\"changed\"}", 2000000100, &err) == NEWS_OK,
       "update by the same slug");
    ok(page_of(st, "first-b-one-b-quoted", NEWS_FRAG_PAGE, &pg, &txn) == 0,
       "page found after update");
    is_int(pg.version, 2, "version bumped");
    is_int(pg.modified_at, 2000000100, "modified_at is the update time");
    ok(contains(&pg.part[NEWS_PART_STORY_END], "changed"), "new body rendered");
    ok(contains(&pg.part[NEWS_PART_ARTICLE], "Updated"), "shown as updated");
    news_store_read_done(st);
}


static void
test_list(news_store_t *st)
{
    int          i;
    char         json[256];
    MDB_txn     *txn;
    news_buf_t   out;
    news_err_t   err;
    news_list_t  l;

    for (i = 1; i <= 5; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"List %d\",\"body\":\"b\","
                 "\"published_at\":\"2025-01-0%dT00:00:00Z\"}", i, i);
        put_json(st, json, 1800000000, &err);
    }

    put_json(st, "{\"title\":\"Future\",\"body\":\"b\","
             "\"published_at\":\"2099-01-01T00:00:00Z\"}", 1800000000, &err);
    put_json(st, "{\"title\":\"Draft\",\"body\":\"b\",\"status\":\"draft\"}",
             1800000000, &err);

    news_buf_init(&out);
    memset(&l, 0, sizeof(l));
    l.limit = 2;
    l.now = 1800000000;
    l.kind = NEWS_FRAG_SUMMARY;
    l.sep = ",";

    news_store_read(st, &txn, &err);
    ok(news_articles_list(st, txn, &l, &out, &err) == NEWS_OK, "list");
    is_int(l.count, 2, "two items");
    ok(l.more, "more follow");
    ok(strstr(news_buf_cstr(&out), "List 5") < strstr(out.data, "List 4")
       && strstr(out.data, "List 5") != NULL, "newest first");
    ok(strstr(out.data, "Future") == NULL, "scheduled article hidden");

    news_buf_reset(&out);
    l.cursor = l.next;
    unsigned char  cur[NEWS_CURSOR_LEN];
    memcpy(cur, l.next, sizeof(cur));
    l.cursor = cur;
    l.limit = 10;
    ok(news_articles_list(st, txn, &l, &out, &err) == NEWS_OK, "next page");
    ok(strstr(news_buf_cstr(&out), "List 3") != NULL
       && strstr(out.data, "List 5") == NULL, "cursor continues after");
    ok(strstr(out.data, "Draft") == NULL, "draft not listed");
    ok(!l.more, "last page");
    news_store_read_done(st);

    news_buf_free(&out);
}


/* writes the store's schema record, then closes the store */
static void
put_schema(news_store_t *st, uint32_t version)
{
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   be[4];

    key.mv_data = "schema";
    key.mv_size = 6;
    news_be32_put(be, version);
    val.mv_data = be;
    val.mv_size = 4;

    news_store_write(st, &txn, &err);
    mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
    news_store_commit(st, txn, &err);
    news_store_close(st);
}


static void
test_reopen_and_schema(news_store_t *st)
{
    int            rc;
    MDB_txn       *txn;
    MDB_val        key, val;
    news_err_t     err;
    char           path[256];
    FILE          *f;
    char           bad[] = "/tmp/news-unit-bad-XXXXXX";

    key.mv_data = "schema";
    key.mv_size = 6;

    /* an older store is raised to this build's schema when it opens */
    put_schema(st, NEWS_SCHEMA_VERSION - 1);

    rc = news_store_open(st, dir, 0, &err);
    ok(rc == NEWS_OK, "an older schema opens: %s", rc ? err.msg : "");
    rc = news_store_read(st, &txn, &err);
    rc = rc ? rc : mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);
    ok(rc == 0 && val.mv_size == 4
       && news_be32_get(val.mv_data) == NEWS_SCHEMA_VERSION,
       "and is marked with this build's schema, which older builds refuse");
    news_store_read_done(st);

    put_schema(st, NEWS_SCHEMA_VERSION + 1);

    rc = news_store_open(st, dir, 0, &err);
    ok(rc == NEWS_ERROR && strstr(err.msg, "newer version") != NULL,
       "a newer schema is refused: %s", err.msg);

    mkdtemp(bad);
    snprintf(path, sizeof(path), "%s/data.mdb", bad);
    f = fopen(path, "w");
    fputs("this is not an LMDB file, and it is long enough to be read as "
          "one if nothing checked the magic number in its meta page ......"
          "................................................................"
          "................................................................"
          , f);
    fclose(f);

    rc = news_store_open(st, bad, 0, &err);
    ok(rc == NEWS_ERROR && strstr(err.msg, "not an LMDB") != NULL,
       "a foreign file is refused: %s", err.msg);

    snprintf(path, sizeof(path), "rm -rf %s", bad);
    (void) system(path);
}


int
main(void)
{
    char          cmd[256];
    news_err_t    err;
    news_store_t  st;

    test_validation();

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "open a new store");

    test_put_and_read(&st);
    test_list(&st);
    test_reopen_and_schema(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
