/*
 * Surrogate keys and the outbox: the keys of each answer and of each
 * change, the addresses they name, and the outbox's entries: written in
 * the change's txn (gone with it when it aborts), kept only while an
 * edge's mark exists, dropped once every edge has them or they are older
 * than max-age, their seqs never given twice.  At their bounds: news_edge's
 * URL refused part by part, a mark or an entry of the wrong size not
 * trusted, the drop NEWS_OUTBOX_DROP_MAX entries a write.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "edge.h"
#include "keys.h"
#include "outbox.h"
#include "text.h"


static char          dir[] = "/tmp/news-unit-o-XXXXXX";
static char          dir2[] = "/tmp/news-unit-ob-XXXXXX";
static news_store_t  st;


static const char *
answer(char kind, uint64_t id, const char *topic)
{
    static news_buf_t  b;

    news_buf_reset(&b);
    news_keys_answer(&b, kind, id, topic);
    news_buf_addc(&b, '\0');

    return b.data;
}


static int
count_path(const char *path, size_t len, void *arg)
{
    news_buf_t  *b;

    b = arg;
    news_buf_add(b, path, len);
    news_buf_addc(b, '\n');

    return 0;
}


static int
add(const news_article_t *a, int64_t now, int commit)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_outbox_article(&st, txn, a, NEWS_KEYS_ALL, 2, NULL, now, &err);

    if (!commit || rc != NEWS_OK) {
        news_store_abort(&st, txn);
        return rc;
    }

    return news_store_commit(&st, txn, &err);
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


/* the seqs of the entries left, "1 2 " */
static const char *
entries(void)
{
    size_t                      i;
    MDB_txn                    *txn;
    news_err_t                  err;
    static char                 out[256];
    news_outbox_batch_t         ob;

    out[0] = '\0';
    news_outbox_batch_init(&ob);

    if (news_store_begin(&st, MDB_RDONLY, &txn, &err) != NEWS_OK) {
        return "error";
    }

    if (news_outbox_read(&st, txn, 0, 100, &ob, &err) == NEWS_OK) {
        for (i = 0; i < ob.n; i++) {
            snprintf(out + strlen(out), sizeof(out) - strlen(out), "%llu ",
                     (unsigned long long) ob.items[i].seq);
        }
    }

    news_store_abort(&st, txn);
    news_outbox_batch_free(&ob);

    return out;
}


static void
test_edge_bounds(void)
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
test_outbox_bounds(void)
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
    char            cmd[128], msg[256];
    news_buf_t      b;
    news_err_t      err;
    news_edge_t     e;
    news_article_t  a;

    /* what each answer names */
    is_str(answer('a', 7, NULL), "article-7", "the article page");
    is_str(answer('r', 7, NULL), "article-7", "a thread's page");
    is_str(answer('j', 7, NULL), "article-7", "its JSON");
    is_str(answer('f', 0, NULL), "front", "the front page");
    is_str(answer('l', 0, NULL), "front", "/api/articles");
    is_str(answer('s', 0, "sworld"), "section-world", "a section's page");
    is_str(answer('t', 0, "tmexico"), "tag-mexico", "a tag's page");
    is_str(answer('A', 0, NULL), "feed", "the feed");
    is_str(answer('A', 0, "sworld"), "feed section-world", "a section's feed");
    is_str(answer('M', 0, NULL), "sitemap", "the sitemap");
    is_str(answer('Q', 0, NULL), "search", "search");
    is_str(answer('x', 7, NULL), "article-7", "its comments feed");
    is_str(answer('z', 0, NULL), "", "no keys for other answers");

    /* what a change names */
    memset(&a, 0, sizeof(a));
    a.id = 12;
    a.slug = "big-news";
    a.section = "World Affairs";
    a.tags[0] = "Mexico City";
    a.tags[1] = "!!!";
    a.ntags = 2;

    news_buf_init(&b);
    news_keys_change(&b, &a, NEWS_KEYS_ALL, 3);
    news_buf_addc(&b, '\0');
    is_str(b.data, "article-12/big-news/3 front section-world-affairs "
           "tag-mexico-city feed sitemap search",
           "a published article's change: its lists, feeds, sitemap, search");

    news_buf_reset(&b);
    news_keys_change(&b, &a, NEWS_KEYS_TEASER, 1);
    news_buf_addc(&b, '\0');
    is_str(b.data, "article-12/big-news/1 front section-world-affairs "
           "tag-mexico-city", "a comment: its page and where it is listed");

    news_buf_reset(&b);
    news_keys_plain(&b, "article-12/big-news/1 front", 27);
    news_buf_addc(&b, '\0');
    is_str(b.data, "article-12 front", "the keys alone, for a CDN");

    a.status = NEWS_DRAFT;
    news_buf_reset(&b);
    news_keys_change(&b, &a, NEWS_KEYS_ALL, 1);
    news_buf_addc(&b, '\0');
    is_str(b.data, "article-12/big-news/1", "a draft: its own page only");

    /* the addresses, for nginx edges */
    news_buf_reset(&b);
    news_keys_paths("article-12/big-news/2 tag-x sitemap", 35, count_path,
                    &b);
    news_buf_addc(&b, '\0');
    ok(strstr(b.data, "/articles/big-news\n/articles/big-news?comments=1\n"
                      "/articles/big-news?comments=2\n/api/articles/big-news"
                      "\n/api/articles/big-news/comments\n"
                      "/articles/big-news/comments.xml\n") == b.data,
       "an article: its page, comment pages, JSON, comments' JSON and "
       "feed");
    ok(strstr(b.data, "\n/tags/x\n/tags/x?page=1\n") != NULL
       && strstr(b.data, "/tags/x?page=50\n") != NULL
       && strstr(b.data, "/tags/x?page=51\n") == NULL,
       "a tag: every ?page= a list has");
    ok(strstr(b.data, "\n/sitemap.xml\n") != NULL, "the sitemap");

    news_buf_reset(&b);
    news_keys_paths("article-1/../x/2 article-2/a b", 30, count_path, &b);
    is_int(b.len, 0, "no address from a key that is not a slug's");
    news_buf_free(&b);

    /* news_edge URLs */
    ok(news_edge_parse(&e, "http://127.0.0.1:8081/purge/", msg, sizeof(msg))
       == 0 && strcmp(e.host, "127.0.0.1") == 0
       && strcmp(e.port, "8081") == 0 && strcmp(e.path, "/purge") == 0,
       "an edge's URL: host, port, path without its trailing /");
    ok(news_edge_parse(&e, "http://edge.example", msg, sizeof(msg)) == 0
       && strcmp(e.port, "80") == 0 && e.path[0] == '\0', "port 80, no path");
    ok(news_edge_parse(&e, "https://edge/", msg, sizeof(msg)) != 0,
       "https is refused: %s", msg);
    ok(news_edge_parse(&e, "http://edge:80x/", msg, sizeof(msg)) != 0,
       "a bad port is refused: %s", msg);
    ok(news_edge_parse(&e, "http://edge/a?b", msg, sizeof(msg)) != 0,
       "a query is refused: %s", msg);

    test_edge_bounds();

    /* the outbox */
    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        printf("Bail out! store: %s\n", err.msg);
        return 1;
    }

    a.status = NEWS_PUBLISHED;

    is_int(add(&a, 1000, 1), NEWS_OK, "a change with no edge");
    is_str(entries(), "", "... keeps nothing: no edge has a mark");

    is_int(mark("http://e/purge", 0, 0, 0), NEWS_OK, "an edge's mark");
    is_int(add(&a, 1000, 0), NEWS_OK, "a change whose txn aborts");
    is_str(entries(), "", "... leaves nothing");
    is_int(add(&a, 1000, 1), NEWS_OK, "a committed change");
    is_int(add(&a, 2000, 1), NEWS_OK, "another");
    is_str(entries(), "1 2 ", "... are entries 1 and 2");

    is_int(mark("http://e/purge", 1, 1, 0), NEWS_OK, "the edge had entry 1");
    is_str(entries(), "2 ", "... which goes");
    is_int(mark("http://e/purge", 1, 1, 2001), NEWS_OK,
           "max-age passed over entry 2");
    is_str(entries(), "", "... which goes, though not sent");
    is_int(add(&a, 3000, 1), NEWS_OK, "a change after that");
    is_str(entries(), "3 ", "... gets a seq never given before");

    is_int(mark(NULL, 0, 3, 0), NEWS_OK, "no edge any more");
    is_str(entries(), "", "... the outbox empties");
    is_int(add(&a, 4000, 1), NEWS_OK, "a change then");
    is_str(entries(), "", "... keeps nothing");

    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    /* the bounds, in a new store */
    if (mkdtemp(dir2) == NULL
        || news_store_open(&st, dir2, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        printf("Bail out! store: %s\n", err.msg);
        return 1;
    }

    test_outbox_bounds();

    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir2);
    (void) system(cmd);

    return done_testing();
}
