/*
 * Unit tests of the reader (reader.c) where the suite's pages do not
 * lead: comment pages newest first on stores whose pages cannot be cut
 * (news_read_newest): a page written before pages kept their threads'
 * bounds (one part, its HTML alone) is read oldest first, as stored, and
 * so is a page missing from between the pages it would cut from; a
 * moderator's pages of such a store read all the comments and cut them
 * the same way.  The old shape is written here, over the pages the
 * engine wrote, as a store of an older build holds it.  Also: a reader
 * of no account has no standing, recent comments or sessions; a reader
 * closes no article's comments by time unless its front end says after
 * how long; the moderation queue read a page at a time; a comments
 * cursor of another article refused.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "article_fixture.h"
#include "comments.h"
#include "reader.h"


#define THREADS  (2 * NEWS_COMMENTS_PAGE + 10)     /* three pages */


static char          dir[] = "/tmp/news-unit-r-XXXXXX";
static news_store_t  st;
static uint64_t      art;
static int           closed;    /* the last view's comments closed */


/* n comments of alice's on article, each a thread, in one write; held:
 * waiting for a moderator; how many */
static int
post_threads(uint64_t article, int n, int held)
{
    int             i;
    char            body[32];
    MDB_txn        *txn;
    news_err_t      err;
    news_comment_t  c;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        memset(&c, 0, sizeof(c));
        snprintf(body, sizeof(body), "comment %d", i);
        c.article_id = article;
        c.author = "alice";
        c.body = body;

        if (news_comment_post(&st, txn, &c, held, 2000 + i, &err) != NEWS_OK)
        {
            printf("# %s\n", err.msg);
            news_store_abort(&st, txn);
            return i;
        }
    }

    return news_store_commit(&st, txn, &err) == NEWS_OK ? i : 0;
}


/* n bytes at p as a string (a view's bytes end with no NUL) */
static char *
copy(const char *p, size_t n)
{
    char  *s;

    s = malloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';

    return s;
}


/* comment page `page` of art as its pieces put it together */
static char *
page_html(unsigned page, size_t *len)
{
    char          *s;
    MDB_txn       *txn;
    news_buf_t     join;
    news_str_t     html;
    news_err_t     err;
    news_cpage_t   cp;

    s = NULL;
    news_buf_init(&join);

    if (news_store_read(&st, &txn, &err) == NEWS_OK
        && news_article_comment_page(&st, txn, art, page, &cp) == NEWS_OK
        && news_cpage_html(&cp, &join, &html) == 0)
    {
        s = malloc(html.len);
        memcpy(s, html.data, html.len);
        *len = html.len;
    }

    news_store_read_done(&st);
    news_buf_free(&join);

    return s;
}


/*
 * page `page` written again as an older build stored it: the header as
 * it is, one part (the HTML, its pieces put in), no piece beside it;
 * html NULL: the page and its pieces gone
 */
static int
put_page(unsigned page, const char *html, size_t len)
{
    int             rc;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[13], *v;

    news_be64_put(k, art);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, page);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = mdb_get(txn, st.dbi[NEWS_DB_PAGES], &key, &val);
    v = rc == 0 && html ? malloc(NEWS_PAGE_HEADER + 4 + len) : NULL;

    if (v != NULL) {
        memcpy(v, val.mv_data, NEWS_PAGE_HEADER - 4);
        news_be32_put(v + NEWS_PAGE_HEADER - 4, 1);
        news_be32_put(v + NEWS_PAGE_HEADER, (uint32_t) len);
        memcpy(v + NEWS_PAGE_HEADER + 4, html, len);
        val.mv_data = v;
        val.mv_size = NEWS_PAGE_HEADER + 4 + len;
    }

    rc = rc == 0 && news_comment_pieces_drop(&st, txn, art, page, &err)
                    != NEWS_OK ? -1 : rc;

    if (rc == 0) {
        rc = html ? mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0)
                  : mdb_del(txn, st.dbi[NEWS_DB_PAGES], &key, NULL);
    }

    free(v);

    if (rc != 0) {
        news_store_abort(&st, txn);
        return -1;
    }

    return news_store_commit(&st, txn, &err) == NEWS_OK ? 0 : -1;
}


/*
 * comment page cpage newest first, as the article page reads it (page 1
 * read first, then cut); the code, and what it shows in *html
 */
static int
newest(unsigned cpage, char **html)
{
    int                   rc;
    news_buf_t            out;
    news_err_t            err;
    news_reader_t         rd;
    news_article_view_t   v;

    *html = NULL;
    news_buf_init(&out);

    /* a reader begun on whatever the stack held: it sets what it reads */
    memset(&rd, 0xff, sizeof(rd));
    rc = news_reader_begin(&rd, &st, NULL, 3000, &err);

    if (rc == NEWS_OK) {
        rc = news_read_article(&rd, "many", 4, NEWS_FRAG_PAGE, 1, &v, &err);
        closed = v.closed;
    }

    if (rc == NEWS_OK) {
        rc = news_read_newest(&rd, &v, "many", 4, cpage, &out, &err);
    }

    if (rc == NEWS_OK) {
        *html = copy(v.comments.data, v.comments.len);
    }

    news_reader_end(&rd);
    news_buf_free(&out);

    return rc;
}


/* a moderator's comment page (hidden and held comments too), its code */
static int
staff(unsigned cpage, int newest_first, char **html)
{
    int                   rc;
    news_buf_t            out;
    news_err_t            err;
    news_actor_t          mod = { 1, "mod", NEWS_ROLE_MODERATOR, 0 };
    news_reader_t         rd;

    *html = NULL;
    news_buf_init(&out);

    rc = news_reader_begin(&rd, &st, &mod, 3000, &err);

    if (rc == NEWS_OK) {
        rc = news_read_staff_comments(&rd, art, "many", 0, cpage,
                                      newest_first, "t", 1, &out, &err);
    }

    if (rc == NEWS_OK) {
        *html = copy(out.data, out.len);
    }

    news_reader_end(&rd);
    news_buf_free(&out);

    return rc;
}


/* the page shows comment n's body */
static int
shows(const char *html, int n)
{
    char  body[32];

    snprintf(body, sizeof(body), "<p>comment %d</p>", n);

    return html != NULL && strstr(html, body) != NULL;
}


static void
test_newest(void)
{
    char  *html;

    is_int(newest(1, &html), NEWS_OK, "page 1 newest first");
    ok(!closed, "its comments open: a reader closes none by time unless "
       "told to");
    ok(shows(html, THREADS - 1) && shows(html, THREADS - NEWS_COMMENTS_PAGE)
       && !shows(html, THREADS - NEWS_COMMENTS_PAGE - 1),
       "shows the latest %d threads", NEWS_COMMENTS_PAGE);
    ok(strstr(html, "comment 109") < strstr(html, "comment 108"),
       "the latest first");
    free(html);

    is_int(newest(2, &html), NEWS_OK, "page 2 newest first");
    ok(shows(html, THREADS - NEWS_COMMENTS_PAGE - 1) && shows(html, 10)
       && !shows(html, 9), "cut from pages 1 and 2");
    free(html);

    is_int(newest(4, &html), NEWS_NOTFOUND, "no page 4");
    is_int(staff(4, 1, &html), NEWS_OK, "a moderator's page 4 newest first");
    ok(!shows(html, 0) && !shows(html, THREADS - 1), "shows no thread");
    free(html);
}


/*
 * The moderation queue a page at a time, and a list of an article's
 * comments asked with a cursor of another article's (a forgery): refused
 */
static void
test_lists(void)
{
    int                  more;
    uint64_t             other;
    news_buf_t           out;
    news_err_t           err;
    news_actor_t         mod = { 1, "mod", NEWS_ROLE_MODERATOR, 0 };
    news_reader_t        rd;
    news_pending_t       q;
    news_article_view_t  v;
    unsigned char        after[NEWS_PENDING_KEY];
    unsigned char        cursor[NEWS_COMMENTS_KEY], next[NEWS_COMMENTS_KEY];

    other = save_article(&st, "{\"title\":\"Other\",\"slug\":\"other\","
                         "\"body\":\"b\"}", 0, 1000);
    is_int(post_threads(other, 3, 1), 3, "three comments held on another");

    news_buf_init(&out);
    ok(news_reader_begin(&rd, &st, &mod, 5000, &err) == NEWS_OK,
       "a moderator reads");

    memset(&q, 0, sizeof(q));
    q.limit = 2;
    q.csrf = "t";
    q.csrf_len = 1;
    is_int(news_read_pending(&rd, &q, &out, &err), NEWS_OK, "the queue");
    ok(q.count == 2 && q.more, "its first page: two, and more after");
    memcpy(after, q.next, sizeof(after));
    q.after = after;
    is_int(news_read_pending(&rd, &q, &out, &err), NEWS_OK, "its next page");
    ok(q.count == 1 && !q.more, "the third, and no more");

    memset(cursor, 0, sizeof(cursor));
    news_be64_put(cursor, other);
    news_buf_reset(&out);
    is_int(news_read_comments(&rd, "many", 4, cursor, 10, 0, &out, next,
                              &more, &v, &err),
           NEWS_INVALID, "a cursor of another article's comments: refused");

    news_reader_end(&rd);
    news_buf_free(&out);
}


/* a reader of no account: no standing to tell, no comments of its own */
static void
test_anyone(void)
{
    size_t          n;
    news_buf_t      out;
    news_err_t      err;
    news_reader_t   rd;
    news_comment_t  recent[4];
    unsigned char   token[NEWS_TOKEN_LEN];

    memset(token, 0, sizeof(token));
    news_buf_init(&out);

    ok(news_reader_begin(&rd, &st, NULL, 3000, &err) == NEWS_OK, "a reader "
       "of no account");
    is_int(news_read_standing(&rd, &err), NEWS_OK, "in good standing");
    n = 1;
    is_int(news_read_recent(&rd, art, 3600, recent, 4, &n, &err), NEWS_OK,
           "its recent comments read");
    is_int(n, 0, "are none");
    ok(news_read_sessions(&rd, token, 10, &out, &err) != NEWS_OK
       && out.len == 0, "it has no sessions to list");

    news_reader_end(&rd);
    news_buf_free(&out);
}


static void
test_old_pages(void)
{
    char    *html, *p;
    size_t   n;

    /* a page it cuts from without bounds: that page oldest first */
    p = page_html(1, &n);
    ok(p != NULL && put_page(1, p, n) == 0, "page 1 in the old shape");
    free(p);
    is_int(newest(2, &html), NEWS_OK, "page 2, cut from pages 1 and 2");
    ok(shows(html, NEWS_COMMENTS_PAGE)
       && shows(html, 2 * NEWS_COMMENTS_PAGE - 1) && !shows(html, 10)
       && strstr(html, "comment 50<") < strstr(html, "comment 51<"),
       "is page 2 as stored, oldest first");
    free(html);
    is_int(newest(1, &html), NEWS_OK, "page 1, cut from pages 2 and 3");
    ok(shows(html, THREADS - 1) && !shows(html, 0)
       && strstr(html, "comment 109<") < strstr(html, "comment 108<"),
       "is still newest first");
    free(html);

    /* a moderator's pages: all the comments read, and cut as the public's */
    is_int(staff(2, 1, &html), NEWS_OK, "a moderator's page 2 newest first");
    ok(shows(html, THREADS - NEWS_COMMENTS_PAGE - 1) && shows(html, 10)
       && !shows(html, 9) && !shows(html, THREADS - NEWS_COMMENTS_PAGE)
       && strstr(html, "comment 59<") < strstr(html, "comment 58<"),
       "is cut from all the comments, newest first");
    free(html);
    is_int(staff(2, 0, &html), NEWS_OK, "and oldest first");
    ok(shows(html, NEWS_COMMENTS_PAGE)
       && shows(html, 2 * NEWS_COMMENTS_PAGE - 1) && !shows(html, 10)
       && strstr(html, "?comments=3#") != NULL, "is page 2 of 3");
    free(html);

    /* a page missing: oldest first, which has no such page either */
    ok(put_page(2, NULL, 0) == 0, "page 2 gone");
    is_int(newest(1, &html), NEWS_OK, "page 1 without page 2");
    ok(shows(html, 0) && !shows(html, THREADS - 1),
       "is page 1 as stored, oldest first");
    free(html);
    is_int(newest(2, &html), NEWS_NOTFOUND, "page 2 is not found");

    /* the last page without bounds: no page is cut */
    p = page_html(3, &n);
    ok(p != NULL && put_page(3, p, n) == 0, "page 3 in the old shape");
    free(p);
    is_int(newest(3, &html), NEWS_OK, "page 3 of a store of old pages");
    ok(shows(html, 2 * NEWS_COMMENTS_PAGE) && shows(html, THREADS - 1)
       && !shows(html, 10), "is page 3 as stored, oldest first");
    free(html);
    is_int(newest(1, &html), NEWS_OK, "page 1 of it");
    ok(shows(html, 0) && !shows(html, THREADS - 1),
       "is page 1 as stored");
    free(html);
    is_int(staff(4, 1, &html), NEWS_OK, "a moderator's page 4 newest first");
    ok(!shows(html, 0) && !shows(html, THREADS - 1), "shows no thread");
    free(html);
}


int
main(void)
{
    char        cmd[64];
    news_err_t  err;

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        ok(0, "open a store");
        return done_testing();
    }

    art = save_article(&st, "{\"title\":\"Many\",\"slug\":\"many\","
                       "\"body\":\"b\"}", 0, 1000);
    ok(art != 0, "an article");

    is_int(post_threads(art, THREADS, 0), THREADS,
           "110 threads: three pages");

    test_newest();
    test_anyone();
    test_lists();
    test_old_pages();

    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
