/*
 * The desk's index (desk.h) in a real LMDB store: the list's filters and
 * its bound on the entries a page looks at, a section name that names
 * none, the index filled for a store from before it, and entries the
 * list must not trust (a value too short for what it says it holds, a
 * position record of the wrong size), each refused as a corrupt store
 * rather than read past its end; and the desk's pages, the articles' and
 * the reports' services refusing anyone who may not use them by
 * themselves.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "article_fixture.h"
#include "articles.h"
#include "desk.h"
#include "publish.h"
#include "render_desk.h"
#include "service.h"
#include "text.h"
#include "writer.h"


static char  dir[] = "/tmp/news-unit-desk-XXXXXX";


static uint64_t
save(news_store_t *st, const char *json, int64_t now)
{
    return save_article(st, json, 0, now);
}


/* a page of the list in a read txn; its rc, the page in l */
static int
list(news_store_t *st, news_desk_list_t *l, int state, const char *section)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    memset(l, 0, sizeof(*l));
    l->state = state;
    l->section = section;
    l->section_len = section ? strlen(section) : 0;
    l->now = 2000000000;

    if (news_store_read(st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_desk_list(st, txn, l, &err);
    news_store_read_done(st);

    return rc;
}


/* a raw desk entry put in a write txn that is listed, then aborted */
static int
list_with(news_store_t *st, const void *k, size_t klen, const void *v,
    size_t vlen, news_desk_list_t *l)
{
    int         rc;
    MDB_txn    *txn;
    MDB_val     key, val;
    news_err_t  err;

    if (news_store_write(st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    key.mv_data = (void *) k;
    key.mv_size = klen;
    val.mv_data = (void *) v;
    val.mv_size = vlen;

    memset(l, 0, sizeof(*l));
    l->now = 2000000000;

    rc = mdb_put(txn, st->dbi[NEWS_DB_DESK], &key, &val, 0);
    if (rc == 0) {
        rc = news_desk_list(st, txn, l, &err);
    }

    mdb_txn_abort(txn);

    return rc;
}


static void
test_filters(news_store_t *st)
{
    news_desk_list_t  l;

    ok(save(st, "{\"slug\":\"a\",\"title\":\"A\",\"section\":\"World\","
                "\"body\":\"b\"}", 1000) != 0, "an article in World");
    ok(save(st, "{\"slug\":\"b\",\"title\":\"B\",\"section\":\"Sport\","
                "\"body\":\"b\",\"status\":\"draft\"}", 1001) != 0,
       "a draft in Sport");
    ok(save(st, "{\"slug\":\"c\",\"title\":\"C\",\"section\":\"World\","
                "\"body\":\"b\"}", 1002) != 0, "another in World");

    is_int(list(st, &l, NEWS_DESK_ANY, NULL), NEWS_OK, "the whole list");
    is_int(l.n, 3, "holds the three");
    is_int(l.more, 0, "and no more");

    is_int(list(st, &l, NEWS_DESK_ANY, "world"), NEWS_OK, "one section");
    is_int(l.n, 2, "by its name in any case");

    is_int(list(st, &l, NEWS_DESK_DRAFT, NULL), NEWS_OK, "the drafts");
    is_int(l.n, 1, "one draft");
    ok(l.n == 1 && l.items[0].slug_len == 1 && l.items[0].slug[0] == 'b',
       "the draft is b");

    is_int(list(st, &l, NEWS_DESK_ANY, "!!!"), NEWS_OK,
           "a section name without a letter or digit");
    is_int(l.n, 0, "names no section: an empty page");

    is_str(news_desk_state_name(NEWS_DESK_SCHEDULED), "scheduled",
           "a state's word");
    is_str(news_desk_state_name(-1), "", "no word for a state below them");
    is_str(news_desk_state_name(99), "", "nor above them");
    is_int(news_desk_state_parse("bogus", 5), -1, "an unknown word: -1");
}


/* a filter that matches nothing stops after NEWS_DESK_WALK entries */
static void
test_walk_bound(news_store_t *st)
{
    int               i, rc;
    MDB_txn          *txn;
    MDB_val           key, val;
    news_err_t        err;
    news_desk_list_t  l;
    unsigned char     k[17], v[11 + 5 + 1 + 5];

    ok(news_store_write(st, &txn, &err) == NEWS_OK, "a write txn");

    rc = 0;

    for (i = 0; rc == 0 && i < NEWS_DESK_WALK + 5; i++) {
        k[0] = 't';
        news_be64_put(k + 1, 5000 + (uint64_t) i);
        news_be64_put(k + 9, 100000 + (uint64_t) i);
        news_be64_put(v, 1000);
        v[8] = NEWS_PUBLISHED;
        v[9] = 5;
        memcpy(v + 10, "Other", 5);
        v[15] = 1;
        v[16] = 'x';
        memcpy(v + 17, "Title", 5);

        key.mv_data = k;
        key.mv_size = sizeof(k);
        val.mv_data = v;
        val.mv_size = sizeof(v);
        rc = mdb_put(txn, st->dbi[NEWS_DB_DESK], &key, &val, 0);
    }

    ok(rc == 0, "%d entries put", NEWS_DESK_WALK + 5);

    memset(&l, 0, sizeof(l));
    l.state = NEWS_DESK_DRAFT;
    l.now = 2000000000;

    is_int(news_desk_list(st, txn, &l, &err), NEWS_OK,
           "a filter over them");
    is_int(l.n, 0, "matches none of the walked");
    is_int(l.more, 1, "and says there may be more past the bound");
    /* newest first: the last looked at is the 1,000th from the top */
    is_int((int) news_be64_get(l.next + 8), 100000 + 5,
           "the cursor is the last entry looked at");

    memset(&l, 0, sizeof(l));
    l.now = 2000000000;

    is_int(news_desk_list(st, txn, &l, &err), NEWS_OK, "no filter");
    is_int(l.n, NEWS_DESK_PAGE, "a full page");
    is_int(l.more, 1, "and a next one");

    mdb_txn_abort(txn);
}


static void
test_corrupt(news_store_t *st)
{
    int               rc;
    MDB_txn          *txn;
    MDB_val           key, val;
    news_err_t        err;
    news_article_t    a;
    news_desk_list_t  l;
    unsigned char     k[17], v[40], ik[9];

    /* newer than every real entry, so the first the list reads */
    k[0] = 't';
    memset(k + 1, 0xee, 16);
    memset(v, 0, sizeof(v));

    ok(list_with(st, k, sizeof(k), v, 10, &l) != NEWS_OK,
       "a value shorter than its fixed part: refused");

    v[9] = 30;
    ok(list_with(st, k, sizeof(k), v, 12, &l) != NEWS_OK,
       "a section longer than the value: refused");

    v[9] = 1;
    v[11] = 30;
    ok(list_with(st, k, sizeof(k), v, 14, &l) != NEWS_OK,
       "a slug longer than the value: refused");

    v[11] = 1;
    is_int(list_with(st, k, sizeof(k), v, 14, &l), NEWS_OK,
           "the same entry, its lengths true: read");
    ok(l.n >= 1 && l.items[0].title_len == 1, "with a one-byte title");

    /* an article whose position record is not 8 bytes */
    memset(&a, 0, sizeof(a));
    ok(news_store_write(st, &txn, &err) == NEWS_OK, "a write txn");

    rc = news_article_load(st, txn, 1, &a, &err);
    ok(rc == NEWS_OK, "article 1 loads");

    ik[0] = 'i';
    news_be64_put(ik + 1, 1);
    key.mv_data = ik;
    key.mv_size = sizeof(ik);
    val.mv_data = "abc";
    val.mv_size = 3;
    ok(mdb_put(txn, st->dbi[NEWS_DB_DESK], &key, &val, 0) == 0,
       "its position record cut short");

    is_int(news_desk_index(st, txn, &a, 1, &err), NEWS_ERROR,
           "indexing it again: refused as corrupt");

    mdb_txn_abort(txn);
    news_article_free(&a);
}


/* a section longer than any the article check lets through */
static void
test_too_long(news_store_t *st)
{
    char            *keep, big[NEWS_SECTION_MAX + 2];
    MDB_txn         *txn;
    news_err_t       err;
    news_article_t   a;

    memset(&a, 0, sizeof(a));
    ok(news_store_write(st, &txn, &err) == NEWS_OK, "a write txn");
    ok(news_article_load(st, txn, 1, &a, &err) == NEWS_OK,
       "article 1 loads");

    memset(big, 's', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    keep = a.section;
    a.section = big;

    is_int(news_desk_index(st, txn, &a, 1, &err), NEWS_ERROR,
           "a section past the desk's field: refused, not cut");
    ok(strstr(err.msg, "too long for the desk") != NULL, "saying so: %s",
       err.msg);

    a.section = keep;
    mdb_txn_abort(txn);
    news_article_free(&a);
}


/*
 * A store from before the index: the desk's database dropped (and a key
 * in the articles that is no article's), opened again, has the index
 * filled from its articles.
 */
static void
test_fill(news_store_t *st)
{
    MDB_txn           *txn;
    MDB_val            key, val;
    news_err_t         err;
    news_desk_list_t   l;

    ok(news_store_write(st, &txn, &err) == NEWS_OK, "a write txn");
    ok(mdb_drop(txn, st->dbi[NEWS_DB_DESK], 1) == 0, "the desk dropped");

    key.mv_data = "odd";
    key.mv_size = 3;
    val.mv_data = "x";
    val.mv_size = 1;
    ok(mdb_put(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val, 0) == 0,
       "a key in the articles that is not an id");
    ok(news_store_commit(st, txn, &err) == NEWS_OK, "committed");

    news_store_close(st);

    ok(news_store_open(st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "opened again: %s", err.msg);

    is_int(list(st, &l, NEWS_DESK_ANY, NULL), NEWS_OK, "the list");
    is_int(l.n, 3, "has the three articles again");
    ok(l.n == 3 && l.items[0].slug[0] == 'c' && l.items[2].slug[0] == 'a',
       "the latest changed first");
}


/*
 * The desk's pages and writes refuse anyone who may not edit, nobody
 * logged in included, by themselves: the HTTP glue refuses them first,
 * so only here is the engine's own refusal seen.
 */
static void
test_refused(news_store_t *st)
{
    int                  i;
    cJSON               *patch;
    news_buf_t           b, banner;
    news_err_t           err;
    news_actor_t         reader;
    news_writer_t        w;
    news_comment_t       c;
    news_article_t       a;
    news_desk_list_t     l;
    news_desk_fields_t   v;
    const news_actor_t  *who[2];

    memset(&reader, 0, sizeof(reader));
    reader.id = 7;
    reader.name = "reader";
    reader.role = NEWS_ROLE_READER;
    memset(&l, 0, sizeof(l));
    memset(&v, 0, sizeof(v));
    news_buf_init(&b);
    news_buf_init(&banner);
    who[0] = NULL;
    who[1] = &reader;

    for (i = 0; i < 2; i++) {
        ok(news_desk_list_page(st, who[i], &l, &b, &err) == NEWS_FORBIDDEN,
           "%s: the list refused", i ? "a reader" : "nobody");
        is_int(news_desk_edit_page(st, who[i], "a", 1, 0, NULL, 1, &b, &err),
               NEWS_FORBIDDEN, "the edit page refused");
        is_int(news_desk_form_page(st, who[i], NULL, 0, NULL, &v, 1, &b,
                                   &err),
               NEWS_FORBIDDEN, "the form refused");
        is_int(news_desk_preview(st, who[i], NULL, 0, NULL, &v, 1, &b,
                                 &banner, &err),
               NEWS_FORBIDDEN, "the preview refused");
        is_int(news_desk_revisions_page(st, who[i], "a", 1, 0, NULL, &b,
                                        &err),
               NEWS_FORBIDDEN, "the versions refused");
        is_int(news_desk_diff_page(st, who[i], "a", 1, 1, 0, NULL, &b, &err),
               NEWS_FORBIDDEN, "the diff refused");
        is_int(news_desk_restore_patch(st, who[i], "a", 1, 1, &patch, &err),
               NEWS_FORBIDDEN, "the restore refused");
        ok(patch == NULL, "with no patch");
    }

    is_int((int) b.len, 0, "nothing written to the page");

    /* so do the articles' and the reports' own, the writes among them */
    ok(news_article_revisions(st, &reader, "a", 1, &b, &err)
       == NEWS_FORBIDDEN, "a reader: the revisions refused");
    ok(news_reports_page(st, &reader, 0, 0, NULL, &b, &err) == NEWS_FORBIDDEN,
       "the reports refused");
    ok(news_writer_init(&w, st) == 0, "a writer");
    memset(&a, 0, sizeof(a));
    memset(&c, 0, sizeof(c));
    ok(news_article_update(&w, &reader, "a", &a, 1, &err) == NEWS_FORBIDDEN,
       "an update refused");
    ok(news_article_set_closed(&w, &reader, "a", 1, 1, &err)
       == NEWS_FORBIDDEN, "closing the comments refused");
    ok(news_comment_add(&w, NULL, NULL, "a", &c, 1, NULL, &err)
       == NEWS_FORBIDDEN, "nobody logged in: a comment refused");
    news_writer_destroy(&w);
    is_int((int) b.len, 0, "nothing written");

    news_buf_free(&b);
    news_buf_free(&banner);
}


int
main(void)
{
    char          cmd[256];
    news_err_t    err;
    news_store_t  st;

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "open a new store");

    test_filters(&st);
    test_walk_bound(&st);
    test_corrupt(&st);
    test_too_long(&st);
    test_fill(&st);
    test_refused(&st);

    news_store_close(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
