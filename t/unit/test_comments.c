/*
 * Unit tests of comments: text checks, rendering, threads, the depth
 * cap, counts kept in step, moderation, the API list, import, the
 * posting rate's window.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "articles.h"
#include "publish.h"
#include "check.h"
#include "comments.h"
#include "render.h"
#include "text.h"
#include "community.h"
#include "users.h"


static char          dir[] = "/tmp/news-unit-c-XXXXXX";
static news_store_t  st;


static size_t violations(void);
static size_t violations_said(int say);
static size_t pieces_where(uint64_t article, char **page, size_t *n,
    size_t *chunks, size_t *largest, size_t *old);
static void schema_put(MDB_txn *txn, uint32_t version);
static uint32_t schema_get(void);


static int
put_article(const char *json, uint64_t *id)
{
    int             rc;
    cJSON          *obj;
    MDB_txn        *txn;
    news_err_t      err;
    news_article_t  a;

    obj = cJSON_Parse(json);
    rc = news_article_from_json(&a, obj, 1000, 0, &err);
    cJSON_Delete(obj);

    if (rc == NEWS_OK && (rc = news_store_write(&st, &txn, &err)) == NEWS_OK) {
        rc = news_article_put(&st, txn, &a, 1000, &err);
        rc = rc == NEWS_OK ? news_store_commit(&st, txn, &err)
                           : (mdb_txn_abort(txn), rc);
    }

    *id = a.id;
    news_article_free(&a);

    return rc;
}


static int
post(uint64_t article, uint64_t parent, const char *author, const char *body,
    uint64_t *id, news_err_t *err)
{
    int             rc;
    MDB_txn        *txn;
    news_comment_t  c;

    memset(&c, 0, sizeof(c));
    c.article_id = article;
    c.parent = parent;
    c.author = (char *) author;
    c.body = (char *) body;

    if (news_store_write(&st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_comment_post(&st, txn, &c, 0, 2000, err);
    if (rc == NEWS_OK) {
        rc = news_store_commit(&st, txn, err);
    } else {
        mdb_txn_abort(txn);
    }

    *id = c.id;

    return rc;
}


static int
set_status(uint64_t id, int status)
{
    int          rc;
    MDB_txn     *txn;
    news_err_t   err;

    news_store_write(&st, &txn, &err);
    rc = news_comment_set_status(&st, txn, id, status, 3000, &err);
    if (rc == NEWS_OK) {
        return news_store_commit(&st, txn, &err);
    }

    mdb_txn_abort(txn);
    return rc;
}


static char *
page_comments(uint64_t article, uint32_t *count)
{
    char         *s;
    MDB_txn      *txn;
    news_buf_t    join;
    news_err_t    err;
    news_page_t   pg;

    news_buf_init(&join);
    news_store_read(&st, &txn, &err);
    news_article_page(&st, txn, article, 1, &join, &pg);
    /* the joined bytes end where the buffer does: no strndup past them */
    s = malloc(pg.part[NEWS_PART_COMMENTS].len + 1);
    memcpy(s, pg.part[NEWS_PART_COMMENTS].data,
           pg.part[NEWS_PART_COMMENTS].len);
    s[pg.part[NEWS_PART_COMMENTS].len] = '\0';
    *count = pg.version;
    news_store_read_done(&st);
    news_buf_free(&join);

    return s;
}


static void
test_text(void)
{
    news_buf_t  b;
    news_err_t  err;

    news_buf_init(&b);

    ok(news_comment_text("  hi\r\nthere  ", 13, 5000, &b, &err) == NEWS_OK
       && strcmp(news_buf_cstr(&b), "hi\nthere") == 0,
       "trimmed, CRLF to LF");

    news_buf_reset(&b);
    ok(news_comment_text("   ", 3, 5000, &b, &err) == NEWS_INVALID,
       "blank refused");
    news_buf_reset(&b);
    ok(news_comment_text("a\0b", 3, 5000, &b, &err) == NEWS_INVALID,
       "NUL refused");
    news_buf_reset(&b);
    ok(news_comment_text("a\x1b[2Jb", 6, 5000, &b, &err) == NEWS_INVALID,
       "control characters refused");
    news_buf_reset(&b);
    ok(news_comment_text("\xc0\x80", 2, 5000, &b, &err) == NEWS_INVALID,
       "overlong UTF-8 refused");
    news_buf_reset(&b);
    ok(news_comment_text("ééééé", 10, 5, &b, &err) == NEWS_OK,
       "the limit counts characters, not bytes");
    news_buf_reset(&b);
    ok(news_comment_text("éééééé", 12, 5, &b, &err) == NEWS_INVALID,
       "one character over the limit refused");

    news_buf_reset(&b);
    {
        const char  *t = "<b>x</b> & see https://ex.com/a?b=1&c=\"2\".\n\n"
                         "two\nlines javascript:alert(1)";

        news_comment_html(&b, t, strlen(t));
    }
    is_str(news_buf_cstr(&b),
           "<p>&lt;b&gt;x&lt;/b&gt; &amp; see "
           "<a href=\"https://ex.com/a?b=1&amp;c=\" "
           "rel=\"nofollow ugc noopener\">https://ex.com/a?b=1&amp;c=</a>"
           "&quot;2&quot;.</p>\n<p>two<br>\nlines javascript:alert(1)</p>\n",
           "escaped, paragraphs, line breaks, only http(s) links");

    news_buf_free(&b);
}


static void
test_threads(void)
{
    char            *html;
    uint32_t         version, v2;
    uint64_t         art, other, c1, c2, c3, c4, c5, x;
    news_err_t       err;
    news_buf_t       out;
    news_comment_t   c;
    MDB_txn         *txn;
    int              more;
    unsigned char    next[NEWS_COMMENTS_KEY];

    put_article("{\"title\":\"Threads\",\"body\":\"b\"}", &art);
    put_article("{\"title\":\"Other\",\"body\":\"b\"}", &other);

    html = page_comments(art, &version);
    ok(strstr(html, "No comments yet.") != NULL, "no comments yet");
    free(html);

    ok(post(art, 0, "alice", "first <script>", &c1, &err) == NEWS_OK,
       "post a comment");
    ok(post(art, c1, "bob", "a reply", &c2, &err) == NEWS_OK, "reply");
    ok(post(art, c2, "carol", "deeper", &c3, &err) == NEWS_OK, "depth 3");
    ok(post(art, c3, "dave", "deepest", &c4, &err) == NEWS_OK, "depth 4");
    ok(post(art, c4, "erin", "too deep", &x, &err) == NEWS_INVALID,
       "depth 5 refused: %s", err.msg);
    ok(post(art, 999, "erin", "orphan", &x, &err) == NEWS_INVALID,
       "a forged parent refused: %s", err.msg);
    ok(post(other, c1, "erin", "cross", &x, &err) == NEWS_INVALID,
       "a parent of another article refused: %s", err.msg);
    ok(post(999, 0, "erin", "nowhere", &x, &err) != NEWS_OK,
       "a missing article refused");
    ok(post(art, 0, "erin", "second top", &c5, &err) == NEWS_OK, "second");

    html = page_comments(art, &v2);
    ok(v2 > version, "the version moved with the comments");
    ok(strstr(html, "id=\"comment-1\"") != NULL
       && strstr(html, "first &lt;script&gt;") != NULL,
       "comment rendered and escaped");
    ok(strstr(html, "<ol class=\"replies\">") != NULL, "replies nested");
    ok(strstr(html, "comment-1") < strstr(html, "comment-2")
       && strstr(html, "comment-4") < strstr(html, "comment-5"),
       "oldest first, replies under their parent");
    ok(strstr(html, "?reply=4") == NULL, "no reply link at the depth cap");
    ok(strstr(html, "?reply=3") != NULL, "reply link below the cap");
    ok(strstr(html, "<time datetime=\"1970-01-01T00:33:20Z\">") != NULL,
       "a time element");
    free(html);

    ok(set_status(c1, NEWS_COMMENT_DELETED) == NEWS_OK, "delete the top");
    html = page_comments(art, &v2);
    ok(strstr(html, "[deleted]") != NULL && strstr(html, "first") == NULL,
       "a deleted comment with replies leaves [deleted]");
    ok(strstr(html, "a reply") != NULL, "its replies stay");
    free(html);
    ok(post(art, c1, "erin", "to the deleted", &x, &err) == NEWS_INVALID
       && strcmp(err.msg, "the comment replied to does not exist") == 0,
       "a reply to a deleted comment refused as if it did not exist");

    ok(set_status(c5, NEWS_COMMENT_HIDDEN) == NEWS_OK, "hide one");
    html = page_comments(art, &v2);
    ok(strstr(html, "second top") == NULL
       && strstr(html, "id=\"comment-5\"") == NULL,
       "a hidden comment without replies vanishes");
    free(html);
    ok(set_status(c5, NEWS_COMMENT_VISIBLE) == NEWS_OK, "unhide");

    news_store_read(&st, &txn, &err);
    news_comment_get(&st, txn, c5, &c, &err);
    is_int(c.status, NEWS_COMMENT_VISIBLE, "visible again");
    news_comment_free(&c);

    news_buf_init(&out);
    ok(news_comments_api_list(&st, txn, art, NULL, 2, 0, &out, next, &more,
                              &err) == NEWS_OK, "api list");
    ok(more, "more follow");
    ok(strstr(news_buf_cstr(&out), "\"id\":2") != NULL
       && strstr(out.data, "\"id\":1,") == NULL,
       "the deleted one is not listed");
    news_buf_reset(&out);
    news_comments_api_list(&st, txn, art, next, 10, 0, &out, next, &more,
                           &err);
    ok(strstr(news_buf_cstr(&out), "\"id\":4") != NULL && !more,
       "the cursor continues");
    news_store_read_done(&st);
    news_buf_free(&out);

    news_store_read(&st, &txn, &err);
    news_article_t a;
    news_article_load(&st, txn, art, &a, &err);
    is_int(a.comment_count, 4, "the count is the visible comments");
    news_article_free(&a);
    news_store_read_done(&st);
}


/* every comment page's HTML as stored now, page 1 from the page part */
static char *
all_pages(uint64_t article)
{
    unsigned      page;
    MDB_txn      *txn;
    news_buf_t    b, join;
    news_err_t    err;
    news_str_t    html;
    news_page_t   pg;
    news_cpage_t  cp;

    news_buf_init(&b);
    news_buf_init(&join);
    news_store_read(&st, &txn, &err);
    news_article_page(&st, txn, article, 1, &join, &pg);
    news_buf_add(&b, pg.part[NEWS_PART_COMMENTS].data,
                 pg.part[NEWS_PART_COMMENTS].len);

    for (page = 2; news_article_comment_page(&st, txn, article, page, &cp)
                   == 0; page++)
    {
        news_buf_reset(&join);
        news_cpage_html(&cp, &join, &html);
        news_buf_addf(&b, "\n=== page %u\n", page);
        news_buf_add(&b, html.data, html.len);
        news_cpage_free(&cp);
    }

    news_cpage_free(&cp);
    news_store_read_done(&st);
    news_buf_free(&join);

    return (char *) news_buf_cstr(&b);
}


/* the pages a change re-rendered are the pages a full render makes */
static void
test_incremental(void)
{
    int         i;
    char       *inc, *full, body[32];
    uint64_t    art, id, first = 0, x;
    MDB_txn    *txn;
    news_err_t  err;

    put_article("{\"title\":\"Many threads\",\"body\":\"b\"}", &art);

    for (i = 1; i <= 120; i++) {
        snprintf(body, sizeof(body), "thread %d", i);
        post(art, 0, "alice", body, &id, &err);
        first = first ? first : id;
    }

    for (i = 0; i < 4; i++) {
        switch (i) {
        case 0:
            post(art, first + 60, "bob", "a reply on page 2", &x, &err);
            break;
        case 1:
            set_status(first + 10, NEWS_COMMENT_HIDDEN);
            break;
        case 2:
            post(art, 0, "bob", "one more thread", &x, &err);
            break;
        default:
            set_status(first + 10, NEWS_COMMENT_VISIBLE);
        }

        inc = all_pages(art);

        news_store_write(&st, &txn, &err);
        news_article_refresh(&st, txn, art, 4000, &err);
        news_store_commit(&st, txn, &err);
        full = all_pages(art);

        ok(strcmp(inc, full) == 0, "change %d: the pages re-rendered match "
           "a full render", i);
        free(inc);
        free(full);
    }
}


/* comment page `page` as stored (its value), or NULL */
static char *
stored_page(uint64_t article, unsigned page, size_t *n)
{
    char          *s;
    MDB_txn       *txn;
    news_buf_t     join;
    news_err_t     err;
    news_str_t     html;
    news_cpage_t   cp;

    s = NULL;
    *n = 0;
    news_buf_init(&join);
    news_store_read(&st, &txn, &err);

    if (news_article_comment_page(&st, txn, article, page, &cp) == NEWS_OK
        && news_cpage_html(&cp, &join, &html) == 0)
    {
        s = malloc(html.len + 1);
        memcpy(s, html.data, html.len);
        s[html.len] = '\0';
        *n = html.len;
    }

    news_cpage_free(&cp);
    news_store_read_done(&st);
    news_buf_free(&join);

    return s;
}


/*
 * Every comment page as a reader reads it (its chunks copied once, from
 * where they are stored) is the page read with its pieces joined, byte
 * for byte; and how many of its threads are in several chunks (*split)
 */
static int
reads_alike(uint64_t article, size_t *split)
{
    int           same, rc;
    size_t        k;
    unsigned      page;
    MDB_txn      *txn;
    news_buf_t    b, join;
    news_err_t    err;
    news_str_t    html, joined;
    news_cpage_t  cp;

    same = 1;
    *split = 0;
    news_buf_init(&b);
    news_buf_init(&join);
    news_store_read(&st, &txn, &err);

    for (page = 1; same; page++) {
        news_buf_reset(&b);
        news_buf_reset(&join);
        rc = news_article_comment_html(&st, txn, article, page, &b, &html);

        if (news_article_comment_page(&st, txn, article, page, &cp)
            != rc)
        {
            same = 0;
        }

        if (rc != NEWS_OK) {
            news_cpage_free(&cp);
            break;
        }

        for (k = 0; k < cp.n; k++) {
            *split += cp.chunks[k] > 1;
        }

        same = same && news_cpage_html(&cp, &join, &joined) == 0
               && html.len == joined.len
               && memcmp(html.data, joined.data, html.len) == 0;
        news_cpage_free(&cp);
    }

    news_store_read_done(&st);
    news_buf_free(&b);
    news_buf_free(&join);

    return same;
}


/*
 * A comment's pages are those a full render of the article makes, and a
 * reader reads each as it is stored (reads_alike)
 */
static int
as_full(uint64_t art)
{
    int          same;
    size_t       split;
    char        *inc, *full;
    MDB_txn     *txn;
    news_err_t   err;

    inc = all_pages(art);

    if (!reads_alike(art, &split)) {
        free(inc);
        return 0;
    }

    news_store_write(&st, &txn, &err);
    news_article_refresh(&st, txn, art, 4000, &err);
    news_store_commit(&st, txn, &err);
    full = all_pages(art);

    same = strcmp(inc, full) == 0;
    free(inc);
    free(full);

    return same;
}


/*
 * What is stored of comment page 1 of an article (articles.h): its own
 * value (copied into *page, its size *n), how many pieces (first chunks)
 * and later chunks are beside it (in either place), and the largest
 * value of them all
 */
static size_t
pieces_of(uint64_t article, char **page, size_t *n, size_t *chunks,
    size_t *largest)
{
    size_t  old;

    return pieces_where(article, page, n, chunks, largest, &old);
}


/* the same, and how many pieces are in the older place (*old) */
static size_t
pieces_where(uint64_t article, char **page, size_t *n, size_t *chunks,
    size_t *largest, size_t *old)
{
    int             rc;
    size_t          count;
    MDB_txn        *txn;
    MDB_val         key, val;
    MDB_cursor     *cur;
    news_err_t      err;
    unsigned char   k[13];

    news_be64_put(k, article);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 1);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    count = 0;
    *old = 0;
    *chunks = 0;
    *largest = 0;
    *page = NULL;
    *n = 0;

    news_store_read(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_PAGES], &cur);

    if (mdb_cursor_get(cur, &key, &val, MDB_SET_KEY) == 0) {
        *page = malloc(val.mv_size);
        memcpy(*page, val.mv_data, val.mv_size);
        *n = val.mv_size;
        *largest = val.mv_size;
    }

    /* in the older place: after the page; in this one: page ~1's */
    for (rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT); ;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (rc != 0 || (key.mv_size != NEWS_PIECE_KEY
                        && key.mv_size != NEWS_CHUNK_KEY)
            || memcmp(key.mv_data, k, sizeof(k)) != 0)
        {
            if (k[8] == NEWS_FRAG_PIECES) {
                break;
            }

            k[8] = NEWS_FRAG_PIECES;
            news_be32_put(k + 9, ~1u);
            key.mv_data = k;
            key.mv_size = sizeof(k);
            rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

            if (rc != 0 || key.mv_size < sizeof(k)
                || memcmp(key.mv_data, k, sizeof(k)) != 0)
            {
                break;
            }
        }

        *old += k[8] == NEWS_FRAG_COMMENTS;
        count += key.mv_size == NEWS_PIECE_KEY;
        *chunks += key.mv_size == NEWS_CHUNK_KEY;
        *largest = val.mv_size > *largest ? val.mv_size : *largest;
    }

    mdb_cursor_close(cur);
    news_store_read_done(&st);

    return count;
}


/*
 * Chunk i of thread top's piece beside comment page 1 put (html NULL:
 * dropped), or its value copied into *copy (html "": read)
 */
static int
chunk_at(uint64_t article, uint64_t top, unsigned i, const char *html,
    char **copy, size_t *n)
{
    int             rc;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[NEWS_CHUNK_KEY];

    news_be64_put(k, article);
    k[8] = NEWS_FRAG_PIECES;
    news_be32_put(k + 9, ~1u);
    news_be64_put(k + 13, ~top);
    k[21] = (unsigned char) (i >> 8);
    k[22] = (unsigned char) i;
    key.mv_data = k;
    key.mv_size = i ? NEWS_CHUNK_KEY : NEWS_PIECE_KEY;

    if (html != NULL && *html == '\0' && copy != NULL) {
        news_store_read(&st, &txn, &err);
        rc = mdb_get(txn, st.dbi[NEWS_DB_PAGES], &key, &val);

        if (rc == 0) {
            *copy = malloc(val.mv_size + 1);
            memcpy(*copy, val.mv_data, val.mv_size);
            (*copy)[val.mv_size] = '\0';
            *n = val.mv_size;
        }

        news_store_read_done(&st);
        return rc;
    }

    val.mv_data = (void *) html;
    val.mv_size = html ? strlen(html) : 0;

    news_store_write(&st, &txn, &err);
    rc = html ? mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0)
              : mdb_del(txn, st.dbi[NEWS_DB_PAGES], &key, NULL);
    news_store_commit(&st, txn, &err);

    return rc;
}


/* a comment's body of about n bytes, its words told apart by `tag` */
static char *
long_body(size_t n, int tag)
{
    char   *b;
    size_t  at;

    b = malloc(n + 64);
    at = (size_t) snprintf(b, 64, "long %d:", tag);

    while (at < n) {
        at += (size_t) snprintf(b + at, 64, " w%zu", at);
    }

    return b;
}


/*
 * A page that fits a value of NEWS_CHUNK_BYTES is stored whole; a larger
 * one stored whole by an article's whole write takes new threads beside
 * it, then is written as its frame and every thread beside it as a
 * piece, in chunks of NEWS_CHUNK_BYTES (articles.h), and a reader gets
 * what a full render makes at every step: a thread whose HTML straddles
 * a chunk's end, a
 * reply into a thread of several chunks between two others (its chunks
 * before the change, the frame and the other threads as they were), a
 * thread growing past its chunks and shrinking back (a hide, a
 * deletion: its later chunks dropped), the page back under the limit
 * (whole again).  newsctl check takes it, and refuses a chunk missing or
 * a piece of the older form.
 */
static void
test_pieces(void)
{
    int         i;
    char       *page, *again, *c0, *c0b, *other, *otherb, *body;
    size_t      n, n2, chunks, chunks2, largest, m, m2, o, o2;
    uint64_t    art, top, x, y, r, reps[4];
    news_err_t  err;

    put_article("{\"title\":\"Pieces\",\"body\":\"b\"}", &art);
    post(art, 0, "alice", "the top", &top, &err);
    post(art, 0, "bob", "a second thread", &x, &err);
    is_int(pieces_of(art, &page, &n, &chunks, &largest), 0,
           "a small page is stored whole");
    ok(n <= NEWS_CHUNK_BYTES && chunks == 0, "in one value of %zu bytes", n);
    free(page);
    ok(as_full(art), "a reader gets what a full render makes");

    /* threads whose HTML ends around a chunk's end */
    for (i = 0; i < 6; i++) {
        body = long_body(1700 + 60 * (size_t) i, i);
        post(art, 0, "carol", body, &y, &err);
        free(body);
        ok(as_full(art), "a thread near %d bytes: as a full render has it",
           1700 + 60 * i);
    }

    /* the whole write left the page whole: a new thread goes beside it */
    pieces_of(art, &page, &n, &chunks, &largest);
    post(art, 0, "dave", "a short one", &x, &err);
    is_int(pieces_of(art, &again, &n2, &chunks, &largest), 1,
           "a page stored whole: a new thread beside it");
    ok(n == n2 && memcmp(page, again, n) == 0 && largest == n,
       "the page as it was");
    free(page);
    free(again);
    ok(as_full(art) && violations() == 0, "as a full render has it, and "
       "newsctl check takes it");

    /* past NEWS_PIECES_BYTES beside it: the page's frame and its pieces */
    post(art, 0, "dave", "another short one", &x, &err);
    body = long_body(4000, 50);
    post(art, 0, "erin", body, &y, &err);
    free(body);
    is_int(pieces_of(art, &page, &n, &chunks, &largest), 11,
           "then every thread a piece beside the page's frame");
    ok(largest <= NEWS_CHUNK_BYTES && chunks >= 5, "no value over %d bytes "
       "(the largest %zu), %zu later chunks", NEWS_CHUNK_BYTES, largest,
       chunks);
    ok(memmem(page, n, "the top", 7) == NULL, "the frame holds no thread");
    free(page);
    ok(violations() == 0, "newsctl check takes it");
    post(art, top, "frank", "a reply to the top", &r, &err);
    is_int(pieces_of(art, &page, &n2, &chunks2, &largest), 11,
           "a reply: its thread's piece");
    ok(n2 == n, "the frame as it was");
    free(page);
    ok(as_full(art), "as a full render has it");

    /* a thread of three chunks between two others, a reply into it */
    put_article("{\"title\":\"Middle\",\"body\":\"b\"}", &art);
    post(art, 0, "alice", "before", &x, &err);
    body = long_body(5200, 100);
    post(art, 0, "bob", body, &top, &err);
    free(body);
    post(art, 0, "carol", "after", &y, &err);
    pieces_of(art, &page, &n, &chunks, &largest);
    ok(chunks >= 2, "the long thread: %zu later chunks", chunks);
    chunk_at(art, top, 0, "", &c0, &m);
    chunk_at(art, y, 0, "", &other, &o);

    post(art, top, "dave", "a reply into the long thread", &r, &err);
    pieces_of(art, &again, &n2, &chunks2, &largest);
    ok(n == n2 && memcmp(page, again, n) == 0, "a reply: the frame as it "
       "was");
    free(again);
    chunk_at(art, top, 0, "", &c0b, &m2);
    ok(m == m2 && memcmp(c0, c0b, m) == 0, "its thread's first chunk as it "
       "was");
    chunk_at(art, y, 0, "", &otherb, &o2);
    ok(o == o2 && memcmp(other, otherb, o) == 0, "the next thread as it was");
    free(c0);
    free(c0b);
    free(other);
    free(otherb);
    i = reads_alike(art, &n2);
    ok(i && n2 == 1, "a reader's page, the long thread's chunks copied "
       "from where they are stored, is the joined page byte for byte (%zu "
       "thread in chunks)", n2);
    ok(as_full(art), "as a full render has it");

    /* the thread grows past its chunks, then shrinks back */
    for (i = 0; i < 4; i++) {
        body = long_body(1500, 200 + i);
        post(art, top, "erin", body, &reps[i], &err);
        free(body);
    }

    is_int(pieces_of(art, &again, &n2, &chunks2, &largest), 3,
           "three pieces");
    ok(chunks2 >= chunks + 3 && largest <= NEWS_CHUNK_BYTES, "the thread "
       "grew: %zu later chunks, were %zu", chunks2, chunks);
    free(again);
    ok(as_full(art), "as a full render has it");
    ok(violations() == 0, "newsctl check takes it");

    set_status(reps[3], NEWS_COMMENT_HIDDEN);
    pieces_of(art, &again, &n2, &chunks, &largest);
    ok(chunks < chunks2, "a long reply hidden: its chunks dropped (%zu, were "
       "%zu)", chunks, chunks2);
    free(again);
    ok(as_full(art), "as a full render has it");
    ok(violations() == 0, "newsctl check finds no chunk left behind");

    for (i = 0; i < 4; i++) {
        set_status(reps[i], NEWS_COMMENT_DELETED);
    }

    set_status(r, NEWS_COMMENT_DELETED);
    set_status(top, NEWS_COMMENT_DELETED);
    is_int(pieces_of(art, &again, &n2, &chunks, &largest), 0,
           "the long thread deleted: the page whole again");
    ok(chunks == 0 && n2 <= NEWS_CHUNK_BYTES, "in one value of %zu bytes",
       n2);
    free(again);
    ok(as_full(art), "as a full render has it");
    ok(violations() == 0, "newsctl check is clean");
    free(page);

    /*
     * two threads new beside a page stored whole, each just over a chunk
     * (4 KB beside it at most): read newest first, put back in their
     * order with their chunks
     */
    put_article("{\"title\":\"Beside\",\"body\":\"b\"}", &art);
    post(art, 0, "alice", "the first thread", &x, &err);
    body = long_body(1500, 400);
    post(art, 0, "bob", body, &y, &err);
    free(body);
    ok(as_full(art), "a page written whole");
    body = long_body(1525, 401);
    post(art, 0, "carol", body, &top, &err);
    free(body);
    body = long_body(1525, 402);
    post(art, 0, "dave", body, &r, &err);
    free(body);
    i = reads_alike(art, &n2);
    is_int(pieces_of(art, &page, &n, &chunks, &largest), 2,
           "two threads beside it");
    ok(i && n2 >= 1 && chunks == n2, "the reader's page is the joined page, "
       "the new threads' chunks in their places (%zu in chunks)", n2);
    free(page);
    ok(as_full(art), "as a full render has it");

    /* what newsctl check refuses */
    put_article("{\"title\":\"Checked\",\"body\":\"b\"}", &art);
    body = long_body(4500, 300);
    post(art, 0, "alice", body, &top, &err);
    free(body);
    ok(chunk_at(art, top, 1, "", &c0, &m) == 0, "a thread in chunks");
    chunk_at(art, top, 1, NULL, NULL, NULL);
    ok(violations_said(0) >= 1, "newsctl check refuses a chunk missing");
    chunk_at(art, top, 1, c0, NULL, NULL);
    ok(violations() == 0, "and is clean with it back");
    free(c0);

    page = stored_page(art, 1, &n);
    again = strstr(page, "<li class=\"comment\" id=\"comment-");
    again[strlen(again) - strlen("</ol>\n")] = '\0';
    chunk_at(art, top, 2, NULL, NULL, NULL);
    chunk_at(art, top, 1, NULL, NULL, NULL);
    chunk_at(art, top, 0, again, NULL, NULL);
    is_int((int) violations_said(0), 1, "and a thread in one value over a "
           "chunk (the older form)");
    free(page);
    ok(as_full(art), "which reads as a full render has it");
}


/*
 * A store of schema 11 kept a thread's piece as one value right after
 * its page; its next writable open moves it to its place in chunks, and
 * the page reads as it did
 */
static void
test_pieces_old(void)
{
    int             i;
    char           *before, *after, *page, *body;
    size_t          n, chunks, largest, old;
    uint64_t        art, x;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_buf_t      b;
    news_err_t      err;
    news_cpage_t    cp;
    news_article_t  a;
    unsigned char   k[13], pk[NEWS_PIECE_KEY];

    put_article("{\"title\":\"Old pages\",\"body\":\"b\"}", &art);

    for (i = 0; i < 5; i++) {
        body = long_body(900, 400 + i);
        post(art, 0, "alice", body, &x, &err);
        free(body);
    }

    before = all_pages(art);

    /* page 1 back to schema 11's form: whole, no pieces */
    news_buf_init(&b);
    news_store_write(&st, &txn, &err);
    news_article_load(&st, txn, art, &a, &err);
    news_article_comment_page(&st, txn, art, 1, &cp);
    news_render_comment_value(&b, &a, 1, 1, cp.th, cp.ids, cp.n);
    news_cpage_free(&cp);
    news_be64_put(k, art);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 1);
    news_comment_pieces_drop(&st, txn, art, 1, &err);
    key.mv_data = k;
    key.mv_size = 13;
    val.mv_data = b.data;
    val.mv_size = b.len;
    ok(mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0) == 0,
       "a page of %zu bytes stored whole", b.len);

    /* and its last thread's piece as that form kept it beside the page */
    news_be64_put(pk, art);
    pk[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(pk + 9, 1);
    news_be64_put(pk + 13, x);
    key.mv_data = pk;
    key.mv_size = sizeof(pk);
    val.mv_data = (void *) (b.data + (strstr(b.data + NEWS_PAGE_HEADER,
                                             "<li class=\"comment\" id=\""
                                             "comment-") - b.data));
    val.mv_size = 0;
    ok(mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0) == 0,
       "an empty piece of its last thread beside it");
    schema_put(txn, NEWS_SCHEMA_CHUNKS - 1);
    news_store_commit(&st, txn, &err);
    news_article_free(&a);
    news_buf_free(&b);

    is_int(pieces_where(art, &page, &n, &chunks, &largest, &old), 1,
           "one piece beside it");
    ok(old == 1, "in the older place");
    free(page);
    after = all_pages(art);
    ok(strcmp(before, after) != 0 && strstr(before, "long 404:") != NULL
       && strstr(after, "long 404:") == NULL, "read as it is, the piece "
       "takes its thread's place (nothing of it shows)");
    free(after);
    is_int((int) violations_said(0), 1, "newsctl check refuses it in a "
           "store it thinks of schema 12");

    news_store_close(&st);
    is_int(news_store_open(&st, dir, 64 * 1024 * 1024, &err), NEWS_OK,
           "it opens");
    is_int(pieces_where(art, &page, &n, &chunks, &largest, &old), 1,
           "its piece moved");
    ok(old == 0 && chunks == 0, "none in the older place, as one empty "
       "chunk beside the page it hides a thread of");
    free(page);
    after = all_pages(art);
    ok(strstr(after, "long 404:") == NULL && strstr(after, "long 403:"),
       "it reads as it did");
    free(after);
    free(before);
    ok(as_full(art) == 0, "(a full render shows the thread the piece hid)");
    is_int((int) schema_get(), NEWS_SCHEMA_VERSION, "its schema record "
           "raised");
    is_int((int) violations(), 0, "newsctl check finds nothing amiss");
}


/* where a comment's <li> stands in the page a reader gets, or -1 */
static long
at_of(const char *page, uint64_t id)
{
    char         anchor[48];
    const char  *at;

    snprintf(anchor, sizeof(anchor), "id=\"comment-%llu\">",
             (unsigned long long) id);
    at = strstr(page, anchor);

    return at ? at - page : -1;
}


/*
 * A comment writes its thread alone into its own page: a new thread
 * after the page's threads, a reply after its parent's replies, an edit,
 * a hide or a deletion in the comment's place; the pages around stay as
 * they are, byte for byte, and each step reads as a full render does.
 */
static void
test_splice(void)
{
    int             i;
    char           *p1, *p2, *again, *page, body[32];
    size_t          n1, n2, n;
    uint64_t        art, top, r1, r11, r2, x, first = 0, last = 0;
    unsigned        on;
    MDB_txn        *txn;
    news_err_t      err;
    news_page_t     state;
    news_cstate_t   cst;

    put_article("{\"title\":\"Splice\",\"body\":\"b\"}", &art);

    post(art, 0, "alice", "the top", &top, &err);
    page = all_pages(art);
    ok(strstr(page, "the top") != NULL && strstr(page, "No comments") == NULL,
       "the first comment: a list where \"No comments yet\" was");
    free(page);

    post(art, top, "bob", "reply one", &r1, &err);
    post(art, r1, "carol", "reply to reply one", &r11, &err);
    post(art, 0, "dave", "the second thread", &x, &err);
    post(art, top, "erin", "reply two", &r2, &err);

    page = all_pages(art);
    ok(at_of(page, top) < at_of(page, r1) && at_of(page, r1) < at_of(page, r11)
       && at_of(page, r11) < at_of(page, r2) && at_of(page, r2) < at_of(page, x),
       "a reply goes after its parent's replies, before the next thread");
    free(page);
    ok(as_full(art), "as a full render has it");

    news_store_write(&st, &txn, &err);
    ok(news_comment_edit(&st, txn, r1, "reply one, edited", 0, 2500, &err)
       == NEWS_OK, "an edit");
    news_store_commit(&st, txn, &err);
    page = all_pages(art);
    ok(strstr(page, "reply one, edited") && strstr(page, "<span>edited</span>"),
       "shows in place");
    free(page);
    ok(as_full(art), "as a full render has it");

    set_status(r1, NEWS_COMMENT_HIDDEN);
    page = all_pages(art);
    ok(strstr(page, "[removed by a moderator]") != NULL
       && strstr(page, "reply one, edited") == NULL
       && strstr(page, "reply to reply one") != NULL,
       "hidden: a placeholder above the reply that still shows");
    free(page);
    ok(as_full(art), "as a full render has it");

    set_status(r11, NEWS_COMMENT_DELETED);
    page = all_pages(art);
    ok(strstr(page, "reply to reply one") == NULL
       && strstr(page, "[removed by a moderator]") == NULL,
       "its reply deleted: the hidden one has nothing to hold up");
    free(page);
    ok(as_full(art), "as a full render has it");

    set_status(top, NEWS_COMMENT_DELETED);
    set_status(r2, NEWS_COMMENT_DELETED);
    page = all_pages(art);
    ok(at_of(page, top) == -1 && at_of(page, x) > 0,
       "a thread with nothing left to show goes; the next stays");
    free(page);
    ok(as_full(art), "as a full render has it");

    /* more replies than a page shows: the rest behind the thread's link */
    for (i = 1; i <= NEWS_THREAD_SHOWN + 2; i++) {
        snprintf(body, sizeof(body), "reply %d", i);
        post(art, x, "frank", body, &last, &err);
    }

    page = all_pages(art);
    ok(strstr(page, "2 more replies in this thread") != NULL
       && at_of(page, last) == -1, "a long thread links to its own page");
    free(page);
    ok(as_full(art), "as a full render has it");

    /* 50 threads fill a page; the 51st opens the next, which page 1 links */
    put_article("{\"title\":\"Overflow\",\"body\":\"b\"}", &art);

    for (i = 1; i <= NEWS_COMMENTS_PAGE; i++) {
        snprintf(body, sizeof(body), "thread %d", i);
        post(art, 0, "alice", body, &last, &err);
        first = first ? first : last;
    }

    p1 = stored_page(art, 1, &n1);
    ok(p1 && strstr(p1, "rel=\"next\"") == NULL, "50 threads: one page");
    post(art, 0, "bob", "thread 51", &x, &err);

    p2 = stored_page(art, 2, &n2);
    again = stored_page(art, 1, &n);
    ok(p2 && strstr(p2, "thread 51") && strstr(again, "thread 51") == NULL,
       "the 51st opens page 2");
    ok(strstr(again, "comments=2#comments\">Later comments") != NULL,
       "page 1 links on to it");

    news_store_read(&st, &txn, &err);
    ok(news_cstate_get(&st, txn, art, &state, &cst) == NEWS_OK
       && cst.pages == 2 && cst.last == 1 && cst.tops == 51 && cst.count == 51
       && cst.stored == 2, "the state: 2 pages, 1 thread on the last, 51 "
       "threads, 51 comments");
    ok(news_comment_page_get(&st, txn, art, x, &on) == 0 && on == 2
       && news_comment_page_get(&st, txn, art, first, &on) == 0 && on == 1,
       "each top's page kept");
    news_store_read_done(&st);
    free(p2);
    free(p1);

    /* a reply on page 1 leaves page 2's bytes as they were */
    p2 = stored_page(art, 2, &n2);
    post(art, first, "carol", "a reply on page 1", &x, &err);
    free(again);
    again = stored_page(art, 2, &n);
    p1 = stored_page(art, 1, &n1);
    ok(n == n2 && memcmp(again, p2, n) == 0 && strstr(p1, "a reply on page 1"),
       "a reply writes its own page only");
    free(p1);
    free(p2);
    free(again);
    ok(as_full(art), "as a full render has it");
    ok(violations() == 0, "and newsctl check agrees");
}


/* a copy of the stored value of one of an article's fragments */
static char *
raw(uint64_t article, int kind, size_t *n)
{
    char           *s;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[9];

    news_be64_put(k, article);
    k[8] = (unsigned char) kind;
    key.mv_data = k;
    key.mv_size = sizeof(k);

    news_store_read(&st, &txn, &err);
    s = NULL;
    *n = 0;

    if (mdb_get(txn, st.dbi[NEWS_DB_PAGES], &key, &val) == 0) {
        s = malloc(val.mv_size + 1);
        memcpy(s, val.mv_data, val.mv_size);
        s[val.mv_size] = '\0';
        *n = val.mv_size;
    }

    news_store_read_done(&st);

    return s;
}


/* the article's record as stored */
static char *
record(uint64_t article)
{
    char           *s;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[8];

    news_be64_put(k, article);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    news_store_read(&st, &txn, &err);
    mdb_get(txn, st.dbi[NEWS_DB_ARTICLES], &key, &val);
    s = strndup(val.mv_data, val.mv_size);
    news_store_read_done(&st);

    return s;
}


/* the page or JSON as a reader gets it: every part, with the validators */
static char *
joined(uint64_t article, int kind)
{
    int          rc;
    unsigned     i;
    MDB_txn     *txn;
    news_buf_t   b, join;
    news_err_t   err;
    news_page_t  pg;

    news_buf_init(&b);
    news_buf_init(&join);
    news_store_read(&st, &txn, &err);

    rc = kind == NEWS_FRAG_PAGE
         ? news_article_page(&st, txn, article, 1, &join, &pg)
         : news_article_fragment(&st, txn, article, kind, &pg);

    if (rc == NEWS_OK) {
        news_buf_addf(&b, "%u %lld:", pg.version, (long long) pg.modified_at);

        for (i = 0; i < pg.nparts; i++) {
            news_buf_add(&b, pg.part[i].data, pg.part[i].len);
        }
    }

    news_store_read_done(&st);
    news_buf_free(&join);

    return (char *) news_buf_cstr(&b);
}


/*
 * Rewrites a fragment as a store from before the state fragment had it:
 * whole, with its comment page 1 or count inside (render.h).
 */
static void
make_old(uint64_t article, int kind)
{
    unsigned        i;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_buf_t      b, join;
    news_err_t      err;
    news_page_t     pg;
    unsigned char   k[9], h[NEWS_PAGE_HEADER];

    news_buf_init(&b);
    news_buf_init(&join);
    news_store_write(&st, &txn, &err);

    if (kind == NEWS_FRAG_PAGE) {
        news_article_page(&st, txn, article, 1, &join, &pg);

    } else {
        news_article_fragment(&st, txn, article, kind, &pg);
    }

    news_be64_put(h, (uint64_t) pg.published_at);
    news_be64_put(h + 8, (uint64_t) pg.modified_at);
    news_be32_put(h + 16, pg.version);
    news_be32_put(h + 20, pg.status);
    news_be32_put(h + 24, kind == NEWS_FRAG_JSON ? 1 : pg.nparts);
    news_buf_add(&b, h, sizeof(h));

    if (kind == NEWS_FRAG_JSON) {
        news_buf_add_be32(&b, (uint32_t) (pg.part[0].len + pg.part[1].len
                                          + pg.part[2].len));
    }

    for (i = 0; i < pg.nparts; i++) {
        if (kind != NEWS_FRAG_JSON) {
            news_buf_add_be32(&b, (uint32_t) pg.part[i].len);
        }

        news_buf_add(&b, pg.part[i].data, pg.part[i].len);
    }

    news_be64_put(k, article);
    k[8] = (unsigned char) kind;
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = b.data;
    val.mv_size = b.len;
    mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0);
    news_store_commit(&st, txn, &err);
    news_buf_free(&b);
    news_buf_free(&join);
}


/* the record as an old store kept it: version, count, time in step */
static void
old_record(uint64_t article, unsigned version, unsigned count,
    int64_t modified)
{
    char           *json;
    cJSON          *obj;
    MDB_txn        *txn;
    MDB_val         key, val;
    news_err_t      err;
    unsigned char   k[8];

    json = record(article);
    obj = cJSON_Parse(json);
    free(json);
    cJSON_ReplaceItemInObject(obj, "version", cJSON_CreateNumber(version));
    cJSON_ReplaceItemInObject(obj, "comment_count", cJSON_CreateNumber(count));
    cJSON_ReplaceItemInObject(obj, "modified_at",
                              cJSON_CreateNumber((double) modified));
    json = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);

    news_be64_put(k, article);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = json;
    val.mv_size = strlen(json);

    news_store_write(&st, &txn, &err);
    mdb_put(txn, st.dbi[NEWS_DB_ARTICLES], &key, &val, 0);
    news_store_commit(&st, txn, &err);
    free(json);
}


static void
drop_new(uint64_t article)
{
    MDB_txn        *txn;
    MDB_val         key;
    news_err_t      err;
    unsigned char   k[13];

    news_store_write(&st, &txn, &err);
    news_be64_put(k, article);
    k[8] = NEWS_FRAG_STATE;
    key.mv_data = k;
    key.mv_size = 9;
    mdb_del(txn, st.dbi[NEWS_DB_PAGES], &key, NULL);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 1);
    key.mv_size = 13;
    mdb_del(txn, st.dbi[NEWS_DB_PAGES], &key, NULL);
    news_store_commit(&st, txn, &err);
}


/*
 * A comment writes its record, its comment page and the article's small
 * state, summary and teaser: the article's record, its page (the
 * rendered body) and its JSON stay as they were.  A store from before
 * this layout reads as it did and is moved to it by its first comment.
 */
static void
test_layout(void)
{
    int         i;
    char       *rec, *page, *json, *page2, *json2, *before, *after, *full;
    char        body[32];
    size_t      n, n2, jn, jn2;
    uint64_t    art, id, last = 0;
    MDB_txn    *txn;
    news_err_t  err;

    put_article("{\"title\":\"Layout\",\"body\":\"# Heading\\n\\nText.\"}",
                &art);
    post(art, 0, "alice", "first words", &id, &err);

    rec = record(art);
    page = raw(art, NEWS_FRAG_PAGE, &n);
    json = raw(art, NEWS_FRAG_JSON, &jn);

    post(art, id, "bob", "a reply", &id, &err);

    page2 = raw(art, NEWS_FRAG_PAGE, &n2);
    json2 = raw(art, NEWS_FRAG_JSON, &jn2);
    after = record(art);

    ok(strcmp(rec, after) == 0, "a comment leaves the article's record");
    ok(n == n2 && memcmp(page, page2, n) == 0,
       "and its rendered page");
    ok(jn == jn2 && memcmp(json, json2, jn) == 0, "and its JSON");
    free(rec);
    free(after);
    free(page);
    free(page2);
    free(json);
    free(json2);

    page = joined(art, NEWS_FRAG_PAGE);
    json = joined(art, NEWS_FRAG_JSON);
    ok(strstr(page, "a reply") != NULL && strncmp(page, "3 2000:", 7) == 0,
       "the page a reader gets shows it, with the new version and time");
    ok(strstr(json, "\"comment_count\":2,") != NULL
       && strncmp(json, "3 2000:", 7) == 0, "the JSON counts it");
    free(json);

    /* a store from before: the page and the JSON whole, no state */
    make_old(art, NEWS_FRAG_PAGE);
    make_old(art, NEWS_FRAG_JSON);
    drop_new(art);
    old_record(art, 3, 2, 2000);

    before = joined(art, NEWS_FRAG_PAGE);
    ok(strcmp(before, page) == 0, "an old store's page reads as it was");
    free(before);
    free(page);
    ok(violations() == 0, "newsctl check takes the old layout");

    post(art, 0, "carol", "after the upgrade", &id, &err);
    free(raw(art, NEWS_FRAG_STATE, &n));
    ok(n > 0, "the first comment after moves the article to the layout");
    page = joined(art, NEWS_FRAG_PAGE);
    json = joined(art, NEWS_FRAG_JSON);
    ok(strstr(page, "first words") && strstr(page, "after the upgrade")
       && strncmp(page, "4 2000:", 7) == 0, "with every comment");
    ok(strstr(json, "\"comment_count\":3,") != NULL, "and its count");
    ok(violations() == 0, "newsctl check takes the new layout");
    free(page);
    free(json);

    /*
     * 51 threads fill two pages; a thread's page is fixed when it is
     * written, so hiding the last leaves page 2 in place, empty
     */
    put_article("{\"title\":\"Two pages\",\"body\":\"b\"}", &art);

    for (i = 1; i <= 51; i++) {
        snprintf(body, sizeof(body), "thread %d", i);
        post(art, 0, "alice", body, &last, &err);
    }

    set_status(last, NEWS_COMMENT_HIDDEN);
    before = all_pages(art);
    ok(strstr(before, "Later comments") != NULL
       && strstr(before, "thread 51") == NULL,
       "a page whose threads are hidden stays, empty");

    news_store_write(&st, &txn, &err);
    news_article_refresh(&st, txn, art, 4000, &err);
    news_store_commit(&st, txn, &err);
    full = all_pages(art);
    ok(strcmp(before, full) == 0, "as a full render has it");
    free(before);
    free(full);
}


/* every key of an index: the ids that end them, or the keys in hex */
static char *
index_keys(int db, int ids)
{
    MDB_val      key, val;
    MDB_txn     *txn;
    news_buf_t   b;
    news_err_t   err;
    MDB_cursor  *cur;

    news_buf_init(&b);
    news_store_read(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[db], &cur);

    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        if (ids) {
            news_buf_addf(&b, "%llu", (unsigned long long) news_be64_get(
                          (unsigned char *) key.mv_data + key.mv_size - 8));

        } else {
            news_hex_encode(&b, key.mv_data, key.mv_size);
        }

        news_buf_addc(&b, ' ');
    }

    mdb_cursor_close(cur);
    news_store_read_done(&st);

    return (char *) news_buf_cstr(&b);
}


/*
 * The moderation queue follows every change of status, and filling it
 * afresh from the comments (a store from before the index) gives the
 * same entries.
 */
static void
test_queue(void)
{
    int             i;
    char           *kept, *rebuilt, *threads, want[128];
    uint64_t        art, id[6];
    MDB_txn        *txn;
    news_err_t      err;
    news_comment_t  c;

    put_article("{\"title\":\"Queue\",\"body\":\"b\"}", &art);

    for (i = 0; i < 6; i++) {
        memset(&c, 0, sizeof(c));
        c.article_id = art;
        c.author = "quinn";
        c.body = "held";
        news_store_write(&st, &txn, &err);
        news_comment_post(&st, txn, &c, 1, 5000 + i, &err);
        news_store_commit(&st, txn, &err);
        id[i] = c.id;
    }

    set_status(id[1], NEWS_COMMENT_VISIBLE);
    set_status(id[2], NEWS_COMMENT_DELETED);
    set_status(id[3], NEWS_COMMENT_HIDDEN);

    news_store_write(&st, &txn, &err);
    ok(news_comment_edit(&st, txn, id[1], "changed", 1, 6000, &err)
       == NEWS_OK, "an approved comment edited and held");
    news_store_commit(&st, txn, &err);

    snprintf(want, sizeof(want), "%llu %llu %llu %llu ",
             (unsigned long long) id[0], (unsigned long long) id[1],
             (unsigned long long) id[4], (unsigned long long) id[5]);
    kept = index_keys(NEWS_DB_PENDING, 1);
    ok(strcmp(kept, want) == 0, "the queue holds the pending, oldest first: "
       "%s", kept);

    threads = index_keys(NEWS_DB_THREADS, 0);

    news_store_write(&st, &txn, &err);
    mdb_drop(txn, st.dbi[NEWS_DB_PENDING], 0);
    mdb_drop(txn, st.dbi[NEWS_DB_THREADS], 0);
    ok(news_comments_reindex(&st, txn, &err) == NEWS_OK,
       "the indexes filled from the comments");
    news_store_commit(&st, txn, &err);

    rebuilt = index_keys(NEWS_DB_PENDING, 1);
    ok(strcmp(kept, rebuilt) == 0, "the queue holds what was kept in step: "
       "%s", rebuilt);
    free(kept);
    free(rebuilt);

    rebuilt = index_keys(NEWS_DB_THREADS, 0);
    ok(strlen(threads) > 0 && strcmp(threads, rebuilt) == 0,
       "so does the thread index");
    free(threads);
    free(rebuilt);
}


/* the violations newsctl check would print: 0 when every index agrees */
static size_t
violations(void)
{
    return violations_said(1);
}


/* the same, its lines printed (say) or not */
static size_t
violations_said(int say)
{
    size_t        n;
    MDB_txn      *txn;
    news_err_t    err;
    news_check_t  r;

    news_check_init(&r);
    news_store_read(&st, &txn, &err);
    news_check_store(&st, txn, &r, &err);
    news_store_read_done(&st);

    if (r.violations && say) {
        printf("# %s", news_buf_cstr(&r.lines));
    }

    n = r.violations;
    news_check_free(&r);

    return n;
}


/* entries of the author index under prefix p (n bytes) */
static size_t
authors_under(const void *p, size_t n)
{
    size_t       count;
    MDB_val      key, val;
    MDB_txn     *txn;
    news_err_t   err;
    MDB_cursor  *cur;

    count = 0;
    news_store_read(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_AUTHORS], &cur);

    for (int rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        count += key.mv_size >= n && memcmp(key.mv_data, p, n) == 0;
    }

    mdb_cursor_close(cur);
    news_store_read_done(&st);

    return count;
}


/* news_comment_duplicate for uid's body, at time 2000 */
static int
duplicate(uint64_t uid, const char *body)
{
    int          rc;
    MDB_txn     *txn;
    news_err_t   err;

    news_store_read(&st, &txn, &err);
    rc = news_comment_duplicate(&st, txn, uid, body, 1000, &err);
    news_store_read_done(&st);

    return rc;
}


/* author uid's entry of comment id given value v (n bytes) */
static void
author_entry_put(uint64_t uid, uint64_t id, const void *v, size_t n)
{
    MDB_val        key, val;
    MDB_txn       *txn;
    news_err_t     err;
    unsigned char  k[NEWS_AUTHOR_KEY];

    key.mv_data = k;
    key.mv_size = news_author_key(k, 'c', uid, id);
    val.mv_data = (void *) v;
    val.mv_size = n;

    news_store_write(&st, &txn, &err);
    mdb_put(txn, st.dbi[NEWS_DB_AUTHORS], &key, &val, 0);
    news_store_commit(&st, txn, &err);
}


/*
 * The duplicate check reads the hash of each latest comment's body in
 * the author index and the comment only when the hash is the same; an
 * entry from schema 2 (no hash) still has its comment read; an edit
 * moves the hash; newsctl check refuses a hash of another text.
 */
static void
test_duplicate(void)
{
    uint64_t        article, id, uid, hash;
    MDB_val         key, val;
    MDB_txn        *txn;
    news_err_t      err;
    news_user_t     u;
    unsigned char   k[NEWS_AUTHOR_KEY], v[NEWS_AUTHOR_VALUE];
    news_comment_t  c;

    put_article("{\"title\":\"Twice\",\"body\":\"x\"}", &article);

    memset(&u, 0, sizeof(u));
    strcpy(u.name, "twice");
    u.name_len = 5;
    strcpy(u.hash, "x");
    news_store_write(&st, &txn, &err);
    news_user_add(&st, txn, &u, 1000, &err);
    news_store_commit(&st, txn, &err);

    uid = u.id;
    memset(&c, 0, sizeof(c));
    c.article_id = article;
    c.author = "twice";
    c.author_id = uid;
    c.body = "said once";

    news_store_write(&st, &txn, &err);
    is_int(news_comment_post(&st, txn, &c, 0, 2000, &err), NEWS_OK,
           "a comment");
    news_store_commit(&st, txn, &err);
    id = c.id;

    key.mv_data = k;
    key.mv_size = news_author_key(k, 'c', uid, id);
    news_store_read(&st, &txn, &err);
    ok(mdb_get(txn, st.dbi[NEWS_DB_AUTHORS], &key, &val) == 0
       && val.mv_size == NEWS_AUTHOR_VALUE
       && news_be64_get((unsigned char *) val.mv_data + NEWS_COMMENTS_KEY)
          == news_body_hash("said once", 9),
       "its author entry holds the hash of its body");
    memcpy(v, val.mv_data, sizeof(v));
    news_store_read_done(&st);

    is_int(duplicate(uid, "said once"), NEWS_CONFLICT, "the same text: 409");
    is_int(duplicate(uid, "said twice"), NEWS_OK, "another text: taken");
    is_int(duplicate(uid + 1, "said once"), NEWS_OK, "another author: taken");

    news_store_write(&st, &txn, &err);
    is_int(news_comment_edit(&st, txn, id, "said again", 0, 2000, &err),
           NEWS_OK, "an edit");
    news_store_commit(&st, txn, &err);
    is_int(duplicate(uid, "said again"), NEWS_CONFLICT, "the edited text: 409");
    is_int(duplicate(uid, "said once"), NEWS_OK, "the text before: taken");
    is_int((int) violations(), 0, "check agrees");

    /* a store of schema 2: the comments key alone */
    author_entry_put(uid, id, v, NEWS_COMMENTS_KEY);
    is_int(duplicate(uid, "said again"), NEWS_CONFLICT,
           "an entry without a hash: its comment read, 409");
    is_int(duplicate(uid, "said once"), NEWS_OK, "and another text taken");
    is_int((int) violations(), 0, "check takes the entry without a hash");

    hash = news_body_hash("said once", 9);
    news_be64_put(v + NEWS_COMMENTS_KEY, hash);
    author_entry_put(uid, id, v, sizeof(v));
    is_int((int) violations(), 1, "check refuses the hash of another text");

    hash = news_body_hash("said again", 10);
    news_be64_put(v + NEWS_COMMENTS_KEY, hash);
    author_entry_put(uid, id, v, sizeof(v));
    is_int((int) violations(), 0, "and takes the right one");
}


/*
 * A deleted account's comments are disowned in batches of at most
 * NEWS_AUTHOR_BATCH, each its own write; the index and the records
 * agree after every batch, and another author's comments stay theirs.
 */
static void
test_disown(void)
{
    int             more, steps, rc;
    char           *html;
    size_t          i;
    uint32_t        version;
    uint64_t        article, first;
    MDB_txn        *txn;
    news_err_t      err;
    news_user_t     u, v;
    news_comment_t  c;
    unsigned char   k[9];

    put_article("{\"title\":\"Disowned\",\"body\":\"x\"}", &article);

    memset(&u, 0, sizeof(u));
    strcpy(u.name, "leaver");
    u.name_len = 6;
    strcpy(u.hash, "x");
    v = u;
    strcpy(v.name, "stayer");

    news_store_write(&st, &txn, &err);
    news_user_add(&st, txn, &u, 1000, &err);
    news_user_add(&st, txn, &v, 1000, &err);
    news_store_commit(&st, txn, &err);

    first = 0;

    for (i = 0; i < 150; i++) {
        memset(&c, 0, sizeof(c));
        c.article_id = article;
        c.author = (i % 50 == 49) ? "stayer" : "leaver";
        c.author_id = (i % 50 == 49) ? v.id : u.id;
        c.body = "words of mine";

        news_store_write(&st, &txn, &err);
        rc = news_comment_post(&st, txn, &c, 0, 2000, &err);
        news_store_commit(&st, txn, &err);
        first = first ? first : c.id;

        if (rc != NEWS_OK) {
            printf("# post: %s\n", err.msg);
            break;
        }
    }

    k[0] = 'c';
    news_be64_put(k + 1, u.id);
    is_int((int) authors_under(k, 9), 147, "the index lists the author's "
           "147 comments");
    is_int((int) violations(), 0, "and check agrees");

    news_store_write(&st, &txn, &err);
    is_int(news_user_delete(&st, txn, "leaver", 6, NEWS_DISOWN_REMOVE, &err),
           NEWS_OK, "delete the account, its comments to be removed");
    news_store_commit(&st, txn, &err);

    memset(&c, 0, sizeof(c));
    c.article_id = article;
    c.author = "leaver";
    c.author_id = u.id;
    c.body = "too late";
    news_store_write(&st, &txn, &err);
    is_int(news_comment_post(&st, txn, &c, 0, 2000, &err), NEWS_FORBIDDEN,
           "a post queued before the deletion is refused after it");
    mdb_txn_abort(txn);

    for (steps = 0, more = 1; more && steps < 10; steps++) {
        news_store_write(&st, &txn, &err);
        rc = news_author_disown_step(&st, txn, 3000, NEWS_AUTHOR_BATCH,
                                     &more, &err);
        news_store_commit(&st, txn, &err);

        if (rc != NEWS_OK || violations() != 0) {
            ok(0, "batch %d: %s", steps, err.msg);
            break;
        }

        if (steps == 0) {
            is_int((int) authors_under(k, 9), 147 - NEWS_AUTHOR_BATCH,
                   "one batch disowns NEWS_AUTHOR_BATCH comments");
            ok(more, "and says more are left");
        }
    }

    is_int(steps, 3, "147 comments take three batches");
    ok(!more, "then none is left");
    k[0] = 'd';
    is_int((int) authors_under(k, 9), 0, "the account's mark is gone");
    k[0] = 'c';
    is_int((int) authors_under(k, 9), 0, "and so are its entries");
    news_be64_put(k + 1, v.id);
    is_int((int) authors_under(k, 9), 3, "another author's stay");

    news_store_read(&st, &txn, &err);
    news_comment_get(&st, txn, first, &c, &err);
    news_store_read_done(&st);
    is_str(c.author, NEWS_DELETED_USER, "a removed comment names nobody");
    is_str(c.body, "[deleted]", "and says nothing");
    is_int(c.status, NEWS_COMMENT_DELETED, "deleted");
    ok(c.author_id == 0, "and nobody owns it");
    news_comment_free(&c);

    html = page_comments(article, &version);
    ok(strstr(html, "leaver") == NULL, "the page no longer names them");
    ok(strstr(html, "words of mine") != NULL, "the other author's stay");
    free(html);
}


static int
feature(uint64_t id, int on)
{
    int          rc;
    MDB_txn     *txn;
    news_err_t   err;

    news_store_write(&st, &txn, &err);
    rc = news_comment_feature(&st, txn, id, on, 3000, &err);
    if (rc == NEWS_OK) {
        return news_store_commit(&st, txn, &err);
    }

    mdb_txn_abort(txn);
    return rc;
}


/* the block above an article's thread, oldest first, as stored */
static char *
above(uint64_t article)
{
    char         *s;
    MDB_txn      *txn;
    news_err_t    err;
    news_page_t   pg;

    news_store_read(&st, &txn, &err);
    s = news_article_fragment(&st, txn, article, NEWS_FRAG_FEATURED, &pg)
        == NEWS_OK && pg.nparts == 2
        ? strndup(pg.part[0].data, pg.part[0].len) : strdup("(none)");
    news_store_read_done(&st);

    return s;
}


/*
 * Editors' picks: the mark in the record and the view, the block kept
 * in step, the rules; and newest-first pages cut from stored ones, which
 * refuse bounds that do not hold.
 */
static void
test_picks(void)
{
    int             i;
    char           *s, body[32];
    uint64_t        art, c1, c2, c3, more[10];
    MDB_txn        *txn;
    news_err_t      err;
    size_t          n;
    uint64_t        ids[NEWS_COMMENTS_PAGE];
    news_buf_t      b;
    news_str_t      th[NEWS_COMMENTS_PAGE];
    news_page_t     pg[2];
    news_comment_t  c;
    news_comments_t cs;

    put_article("{\"title\":\"Picks\",\"body\":\"Text.\"}", &art);
    post(art, 0, "alice", "worth a pick", &c1, &err);
    post(art, 0, "bob", "not picked", &c2, &err);
    post(art, c1, "bob", "a reply", &c3, &err);

    s = above(art);
    ok(strstr(s, "Editors") == NULL, "no picks: no block");
    free(s);

    is_int(feature(c2, 0), NEWS_CONFLICT, "unpicking a comment not picked");
    is_int(feature(c1, 1), NEWS_OK, "a pick");
    is_int(feature(c1, 1), NEWS_CONFLICT, "twice");

    s = above(art);
    ok(strstr(s, "worth a pick") != NULL && strstr(s, "not picked") == NULL,
       "the block holds the pick alone");
    free(s);

    news_store_read(&st, &txn, &err);
    news_comment_get(&st, txn, c1, &c, &err);
    ok(c.featured, "the record keeps the mark");
    news_comment_free(&c);
    news_comments_load(&st, txn, art, &cs, &err);
    ok(cs.items[0].featured && !cs.items[1].featured
       && cs.items[0].depth == 1 && cs.items[2].depth == 2,
       "and the view, beside an unchanged depth");
    news_comments_free(&cs);
    news_store_read_done(&st);

    set_status(c1, NEWS_COMMENT_HIDDEN);
    s = above(art);
    ok(strstr(s, "worth a pick") == NULL, "a hidden pick leaves the block");
    free(s);
    is_int(feature(c3, 1), NEWS_OK, "a reply may be picked");
    set_status(c1, NEWS_COMMENT_VISIBLE);

    for (i = 0; i < 10; i++) {
        snprintf(body, sizeof(body), "pick %d", i);
        post(art, 0, "carol", body, &more[i], &err);
    }

    for (i = 0; i < 8; i++) {
        feature(more[i], 1);
    }

    is_int(feature(more[8], 1), NEWS_CONFLICT, "an article's 11th pick");
    set_status(c1, NEWS_COMMENT_DELETED);
    is_int(feature(more[8], 1), NEWS_OK, "a deleted pick makes room");
    is_int(feature(c1, 1), NEWS_CONFLICT, "a deleted comment is no pick");
    ok(violations() == 0, "newsctl check is clean with picks");

    /* newest first from stored pages */
    memset(pg, 0, sizeof(pg));
    pg[0].nparts = 2;
    pg[0].part[0].data = "<ol>AAbbb</ol>";
    pg[0].part[0].len = 14;
    pg[0].part[1].data = "\0\0\0\4\0\0\0\6\0\0\0\11";
    pg[0].part[1].len = 12;

    news_buf_init(&b);
    ok(news_comment_page_threads(&pg[0], th, ids, NEWS_COMMENTS_PAGE, &n)
       == 0 && n == 2 && ids[0] == 0, "a page of two parts has its bounds");
    news_render_comments_newest(&b, "s", 1, th, 0, 1, 1, 1);
    ok(strstr(news_buf_cstr(&b), "bbbAA") != NULL,
       "threads cut from a stored page, the other way round");
    pg[0].part[1].data = "\0\0\0\4\0\0\0\77";
    pg[0].part[1].len = 8;
    ok(news_comment_page_threads(&pg[0], th, ids, NEWS_COMMENTS_PAGE, &n)
       == -1, "bounds past the page are refused");
    pg[0].nparts = 1;
    ok(news_comment_page_threads(&pg[0], th, ids, NEWS_COMMENTS_PAGE, &n)
       == -1, "a page without bounds is refused");
    news_buf_free(&b);
}


/*
 * The posting rate's fixed window: full at `max`, the seconds left said;
 * a new window once `window` seconds passed since it began, or when the
 * clock went back before its start; a read-only txn cannot count a post.
 */
static void
test_rate(void)
{
    int         rc;
    unsigned    retry;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        ok(0, "a write txn: %s", err.msg);
        return;
    }

    is_int(news_comment_rate(&st, txn, 77, 1000, 60, 2, &retry, &err),
           NEWS_OK, "rate: the 1st post of a window");
    is_int(news_comment_rate(&st, txn, 77, 1010, 60, 2, &retry, &err),
           NEWS_OK, "rate: the 2nd");
    is_int(news_comment_rate(&st, txn, 77, 1059, 60, 2, &retry, &err),
           NEWS_LIMITED, "rate: the 3rd in the window is refused");
    is_int(retry, 1, "rate: one second left of the window");
    is_int(news_comment_rate(&st, txn, 77, 1060, 60, 2, &retry, &err),
           NEWS_OK, "rate: the window over, a new one begins");
    is_int(news_comment_rate(&st, txn, 77, 1061, 60, 2, &retry, &err),
           NEWS_OK, "rate: its 2nd post");
    rc = news_comment_rate(&st, txn, 77, 1062, 60, 2, &retry, &err);
    ok(rc == NEWS_LIMITED && retry == 58, "rate: its 3rd refused, 58 s left "
       "(%d, %u)", rc, retry);
    is_int(news_comment_rate(&st, txn, 77, 500, 60, 2, &retry, &err),
           NEWS_OK, "rate: a clock gone back begins a new window");
    is_int(news_comment_rate(&st, txn, 77, 501, 60, 2, &retry, &err),
           NEWS_OK, "rate: the new window's 2nd post");
    is_int(news_comment_rate(&st, txn, 78, 1000, 60, 2, &retry, &err),
           NEWS_OK, "rate: another user's window is their own");

    if (news_store_commit(&st, txn, &err) != NEWS_OK) {
        ok(0, "commit: %s", err.msg);
        return;
    }

    if (news_store_begin(&st, MDB_RDONLY, &txn, &err) != NEWS_OK) {
        ok(0, "a read txn: %s", err.msg);
        return;
    }

    rc = news_comment_rate(&st, txn, 79, 1000, 60, 2, &retry, &err);
    ok(rc != NEWS_OK && strstr(err.msg, "writing the posting rate") != NULL,
       "rate: a txn that cannot write says so (%s)", err.msg);
    news_store_abort(&st, txn);
}


/* each comment record in pages, in key order, seen by each(arg) */
static void
records_each(void (*each)(const MDB_val *key, const MDB_val *val,
    void *arg), void *arg)
{
    MDB_val      key, val;
    MDB_txn     *txn;
    news_err_t   err;
    MDB_cursor  *cur;

    news_store_read(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_PAGES], &cur);

    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        if (news_comments_record(&key)) {
            each(&key, &val, arg);
        }
    }

    mdb_cursor_close(cur);
    news_store_read_done(&st);
}


static void
record_count(const MDB_val *key, const MDB_val *val, void *arg)
{
    (void) key;
    (void) val;
    (*(size_t *) arg)++;
}


/* the comment records in pages and in comments */
static void
records_count(size_t *in_pages, size_t *in_comments)
{
    MDB_txn     *txn;
    MDB_stat     ms;
    news_err_t   err;

    *in_pages = 0;
    records_each(record_count, in_pages);

    news_store_read(&st, &txn, &err);
    mdb_stat(txn, st.dbi[NEWS_DB_COMMENTS], &ms);
    *in_comments = ms.ms_entries;
    news_store_read_done(&st);
}


/* the store's schema record put (in txn) and read */
static void
schema_put(MDB_txn *txn, uint32_t version)
{
    MDB_val        key, val;
    unsigned char  be[4];

    news_be32_put(be, version);
    key.mv_data = "schema";
    key.mv_size = 6;
    val.mv_data = be;
    val.mv_size = 4;
    mdb_put(txn, st.dbi[NEWS_DB_META], &key, &val, 0);
}


static uint32_t
schema_get(void)
{
    uint32_t     version;
    MDB_val      key, val;
    MDB_txn     *txn;
    news_err_t   err;

    key.mv_data = "schema";
    key.mv_size = 6;
    version = 0;
    news_store_read(&st, &txn, &err);

    if (mdb_get(txn, st.dbi[NEWS_DB_META], &key, &val) == 0
        && val.mv_size == 4)
    {
        version = news_be32_get(val.mv_data);
    }

    news_store_read_done(&st);

    return version;
}


/*
 * Schema 7: the records are in pages, before their article's fragments.
 * A store of schema 6 (records in comments) has them moved on its next
 * open, and newsctl check then finds nothing amiss.
 */
static void
test_move(void)
{
    size_t          n, left, moved, after;
    MDB_val         key, val;
    MDB_txn        *txn;
    MDB_cursor     *cur;
    news_err_t      err;

    records_count(&n, &left);
    ok(n > 0 && left == 0, "schema 7: %zu records in pages, none in "
       "comments", n);

    /* back to schema 6's layout */
    news_store_write(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_PAGES], &cur);
    moved = 0;

    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        if (news_comments_record(&key)
            && mdb_put(txn, st.dbi[NEWS_DB_COMMENTS], &key, &val, 0) == 0
            && mdb_cursor_del(cur, 0) == 0)
        {
            moved++;
        }
    }

    mdb_cursor_close(cur);
    schema_put(txn, NEWS_SCHEMA_RECORDS - 1);
    ok(news_store_commit(&st, txn, &err) == NEWS_OK && moved == n,
       "a store of schema 6 made: %zu records in comments", moved);

    news_store_close(&st);
    is_int(news_store_open(&st, dir, 64 * 1024 * 1024, &err), NEWS_OK,
           "it opens");

    records_count(&after, &left);
    ok(after == n && left == 0, "its records moved into pages (%zu of %zu), "
       "comments empty (%zu)", after, n, left);

    is_int((int) schema_get(), NEWS_SCHEMA_VERSION, "its schema record "
           "raised");

    is_int((int) violations(), 0, "newsctl check finds nothing amiss");
}


/*
 * What tells a record from a fragment in pages is the key's 9th byte, not
 * its length: a fragment's key of 24 bytes just after an article's
 * records is no record to any walk of them, and newsctl check calls it
 * a fragment's key it does not know.  A comment's time before 1970
 * (whose key would sort among the fragments) is refused.
 */
static void
test_boundary(void)
{
    int              more;
    size_t           n;
    cJSON           *obj;
    uint64_t         art, c1, c2;
    MDB_val          key, val;
    MDB_txn         *txn;
    news_buf_t       out;
    news_err_t       err;
    news_comment_t   c;
    news_comments_t  cs;
    unsigned char    k[NEWS_COMMENTS_KEY], next[NEWS_COMMENTS_KEY];

    put_article("{\"title\":\"Boundary\",\"body\":\"b\"}", &art);
    ok(post(art, 0, "alice", "the first", &c1, &err) == NEWS_OK
       && post(art, c1, "bob", "its reply", &c2, &err) == NEWS_OK,
       "boundary: two comments");

    memset(k, 0x7f, sizeof(k));
    news_be64_put(k, art);
    k[8] = NEWS_FRAG_COMMENTS;
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = "not a record";
    val.mv_size = 12;
    ok(!news_comments_record(&key), "boundary: a 24-byte key of kind 'C' "
       "is not a record's");

    news_store_write(&st, &txn, &err);
    mdb_put(txn, st.dbi[NEWS_DB_PAGES], &key, &val, 0);
    news_store_commit(&st, txn, &err);

    news_store_read(&st, &txn, &err);
    n = 0;

    if (news_comments_load(&st, txn, art, &cs, &err) == NEWS_OK) {
        n = cs.n;
        news_comments_free(&cs);
    }

    is_int((int) n, 2, "boundary: the article's walk stops at the fragment");

    n = 0;

    if (news_comments_latest(&st, txn, art, 10, &cs, &err) == NEWS_OK) {
        n = cs.n;
        news_comments_free(&cs);
    }

    is_int((int) n, 2, "boundary: the newest first too");

    news_buf_init(&out);
    ok(news_comments_api_list(&st, txn, art, NULL, 10, 0, &out, next, &more,
                              &err) == NEWS_OK
       && strstr(news_buf_cstr(&out), "its reply") != NULL
       && strstr(news_buf_cstr(&out), "not a record") == NULL,
       "boundary: the API's list");
    news_buf_free(&out);
    news_store_read_done(&st);

    ok(violations() == 1, "boundary: newsctl check says what the key is");

    news_store_write(&st, &txn, &err);
    mdb_del(txn, st.dbi[NEWS_DB_PAGES], &key, NULL);
    news_store_commit(&st, txn, &err);
    is_int((int) violations(), 0, "boundary: and nothing once it is gone");

    obj = cJSON_Parse("{\"author\":\"a\",\"body\":\"b\","
                      "\"created_at\":\"1970-01-01T00:30:00+01:00\"}");
    ok(news_comment_from_json(&c, obj, &err) == NEWS_INVALID
       && strstr(err.msg, "from 1970 on") != NULL,
       "boundary: a comment of a time before 1970 refused (%s)", err.msg);
    cJSON_Delete(obj);

    obj = cJSON_Parse("{\"author\":\"a\",\"body\":\"b\","
                      "\"created_at\":\"1970-01-01T01:00:00+01:00\"}");
    ok(news_comment_from_json(&c, obj, &err) == NEWS_OK && c.created_at == 0,
       "boundary: 1970's first second taken");
    news_comment_free(&c);
    cJSON_Delete(obj);
}


/* a record of schema 8 written back in schema 7's form, into b */
static void
record_to_7(const MDB_val *key, const MDB_val *val, news_buf_t *b)
{
    char            *full;
    size_t           n;
    cJSON           *obj;
    news_err_t       err;
    news_cview_t     v;
    news_comment_t   c;
    const unsigned char  *p;

    p = val->mv_data;
    n = news_be32_get(p + 1);
    news_comment_view(val, &v);
    news_comment_parse(key, val, &c, &err);

    news_buf_addc(b, (char) p[0]);
    news_buf_add_be32(b, (uint32_t) n);
    news_buf_add_be32(b, (uint32_t) (NEWS_COMMENT_VIEW_HEAD_7 + v.alen
                                     + v.blen));
    news_buf_add(b, p + NEWS_COMMENT_VALUE_HEAD, n);
    news_buf_add(b, p + NEWS_COMMENT_VALUE_HEAD + n,
                 NEWS_COMMENT_VIEW_HEAD_7);
    news_buf_add(b, v.author, v.alen);
    news_buf_add(b, v.body, v.blen);

    obj = news_comment_to_json(&c, 1);
    full = cJSON_PrintUnformatted(obj);
    news_buf_adds(b, full);
    free(full);
    cJSON_Delete(obj);
    news_comment_free(&c);
}


/* the records in pages: how many, of schema 7's form, with an author id */
static void
record_form(const MDB_val *key, const MDB_val *val, void *arg)
{
    size_t          *n;
    news_err_t       err;
    news_cview_t     v;
    news_comment_t   c;

    n = arg;

    if (news_comment_view(val, &v) == 0
        && news_comment_parse(key, val, &c, &err) == NEWS_OK)
    {
        n[0]++;
        n[1] += v.full != NULL;
        n[2] += c.author_id != 0;
        news_comment_free(&c);
    }
}


static void
records_forms(size_t *n, size_t *old, size_t *owned)
{
    size_t  counts[3] = { 0, 0, 0 };

    records_each(record_form, counts);
    *n = counts[0];
    *old = counts[1];
    *owned = counts[2];
}


/* every comment of the store as the API and the pages read them */
static void
record_read(const MDB_val *key, const MDB_val *val, void *arg)
{
    news_buf_t      *b;
    news_err_t       err;
    news_comment_t   c;

    b = arg;

    if (news_comment_parse(key, val, &c, &err) == NEWS_OK) {
        news_comment_json(b, &c);
        news_buf_addf(b, " %llu %llu %u\n",
                      (unsigned long long) c.article_id,
                      (unsigned long long) c.author_id, c.depth);
        news_comment_free(&c);
    }
}


/*
 * Schema 8: a record keeps the public JSON and the view (with the
 * author's id), no full JSON.  A store of schema 7 (records with it) is
 * read as it is, newsctl check refuses such records in a store of
 * schema 8, and its next open writes them in the new form.
 */
static void
test_slim(void)
{
    size_t         n, old, owned, n2, old2, owned2, rewritten;
    MDB_val        key, val;
    MDB_txn       *txn;
    news_buf_t     b, before, after;
    news_err_t     err;
    MDB_cursor    *cur;
    unsigned char  k[NEWS_COMMENTS_KEY];

    records_forms(&n, &old, &owned);
    ok(n > 0 && old == 0 && owned > 0, "schema 8: %zu records, none with "
       "the full JSON, %zu with their author's id", n, owned);

    news_buf_init(&before);
    news_buf_init(&after);
    records_each(record_read, &before);

    /* back to schema 7's form */
    news_buf_init(&b);
    news_store_write(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_PAGES], &cur);
    rewritten = 0;

    while (mdb_cursor_get(cur, &key, &val, MDB_NEXT) == 0) {
        if (!news_comments_record(&key)) {
            continue;
        }

        news_buf_reset(&b);
        record_to_7(&key, &val, &b);
        memcpy(k, key.mv_data, sizeof(k));
        key.mv_data = k;
        val.mv_data = b.data;
        val.mv_size = b.len;
        rewritten += mdb_cursor_put(cur, &key, &val, MDB_CURRENT) == 0;
    }

    mdb_cursor_close(cur);
    news_buf_free(&b);
    schema_put(txn, NEWS_SCHEMA_SLIM - 1);
    ok(news_store_commit(&st, txn, &err) == NEWS_OK && rewritten == n,
       "a store of schema 7 made: %zu records with the full JSON", rewritten);

    records_forms(&n2, &old2, &owned2);
    ok(old2 == n && owned2 == owned, "its records are of the older form, "
       "their authors' ids read from the JSON (%zu of %zu)", owned2, owned);
    records_each(record_read, &after);
    ok(after.len == before.len
       && memcmp(after.data, before.data, after.len) == 0,
       "read as they are, they say what they said");
    is_int((int) violations_said(0), (int) n, "newsctl check refuses each "
           "in a store it thinks of schema 8");

    news_store_close(&st);
    is_int(news_store_open(&st, dir, 64 * 1024 * 1024, &err), NEWS_OK,
           "it opens");

    records_forms(&n2, &old2, &owned2);
    ok(n2 == n && old2 == 0 && owned2 == owned, "its records written anew: "
       "%zu, %zu of the older form, %zu with their author's id", n2, old2,
       owned2);
    news_buf_reset(&after);
    records_each(record_read, &after);
    ok(after.len == before.len
       && memcmp(after.data, before.data, after.len) == 0,
       "they say what they said");

    is_int((int) schema_get(), NEWS_SCHEMA_VERSION, "its schema record "
           "raised");

    is_int((int) violations(), 0, "newsctl check finds nothing amiss");
    news_buf_free(&before);
    news_buf_free(&after);
}


/* whether a key is in db (its value's first 4 bytes in *head) */
static int
has_key(int db, const void *k, size_t n, uint32_t *head)
{
    int          rc;
    MDB_val      key, val;
    MDB_txn     *txn;
    news_err_t   err;

    key.mv_data = (void *) k;
    key.mv_size = n;
    news_store_read(&st, &txn, &err);
    rc = mdb_get(txn, st.dbi[db], &key, &val);

    if (rc == 0 && head != NULL) {
        *head = val.mv_size >= 4 ? news_be32_get(val.mv_data) : 0;
    }

    news_store_read_done(&st);

    return rc == 0;
}


/*
 * Schema 10: an author's posting rate and count of comments gone public
 * are their tail in authors, just after their newest entry: a post
 * writes neither throttle nor standing.  A store of schema 9 (the count
 * in standing, the window in throttle) has them moved on its next open;
 * a deleted account's tail goes with its last comment.
 */
static void
test_tail(void)
{
    unsigned             retry;
    uint32_t             head;
    MDB_val              key, val;
    MDB_txn             *txn;
    news_err_t           err;
    MDB_cursor          *cur;
    news_comment_t       c;
    news_standing_t      sd;
    news_author_tail_t   t;
    unsigned char        k[NEWS_AUTHOR_KEY], tk[NEWS_AUTHOR_KEY], r[9];
    uint64_t             art;

    put_article("{\"title\":\"Tails\",\"body\":\"b\"}", &art);
    memset(&c, 0, sizeof(c));
    c.article_id = art;
    c.author = "tailor";
    c.author_id = 91;
    c.body = "a tail's comment";
    c.created_at = 1500;

    news_store_write(&st, &txn, &err);
    ok(news_comment_import(&st, txn, &c, &err) == NEWS_OK
       && news_article_refresh(&st, txn, art, 2000, &err) == NEWS_OK
       && news_standing_count(&st, txn, 91, 1, &err) == NEWS_OK
       && news_standing_count(&st, txn, 91, 1, &err) == NEWS_OK
       && news_comment_rate(&st, txn, 91, 2000, 60, 5, &retry, &err)
          == NEWS_OK
       && news_standing_get(&st, txn, 91, &sd, &err) == NEWS_OK
       && sd.approved == 2
       && news_author_tail_get(&st, txn, 91, &t, &err) == NEWS_OK
       && t.approved == 2 && t.posts == 1 && t.start == 2000,
       "tail: the count and the window are the author's tail's");

    /* the newest entry is just before the tail */
    news_author_key(tk, 'c', 91, NEWS_AUTHOR_TAIL);
    key.mv_data = tk;
    key.mv_size = sizeof(tk);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_AUTHORS], &cur);
    ok(mdb_cursor_get(cur, &key, &val, MDB_SET_KEY) == 0
       && mdb_cursor_get(cur, &key, &val, MDB_PREV) == 0
       && news_be64_get((unsigned char *) key.mv_data + 9) == c.id,
       "tail: it follows the author's newest entry");
    mdb_cursor_close(cur);
    news_store_commit(&st, txn, &err);

    news_be64_put(k, 91);
    r[0] = 'c';
    news_be64_put(r + 1, 91);
    ok(!has_key(NEWS_DB_STANDING, k, 8, NULL)
       && !has_key(NEWS_DB_THROTTLE, r, 9, NULL),
       "tail: nothing in standing or throttle");
    is_int((int) violations(), 0, "tail: newsctl check takes it");

    /* back to schema 9's form: the count in standing, the window in throttle */
    news_store_write(&st, &txn, &err);
    sd.approved = 0;
    news_standing_put(&st, txn, 91, &sd, &err);
    key.mv_data = k;
    key.mv_size = 8;
    mdb_get(txn, st.dbi[NEWS_DB_STANDING], &key, &val);
    {
        unsigned char  v[NEWS_STANDING_HEAD];

        memcpy(v, val.mv_data, sizeof(v));
        news_be32_put(v, 2);
        val.mv_data = v;
        val.mv_size = sizeof(v);
        mdb_put(txn, st.dbi[NEWS_DB_STANDING], &key, &val, 0);
    }
    key.mv_data = r;
    key.mv_size = 9;
    val.mv_data = "\0\0\0\0\0\0\x07\xd0\0\0\0\1";
    val.mv_size = 12;
    mdb_put(txn, st.dbi[NEWS_DB_THROTTLE], &key, &val, 0);
    key.mv_data = tk;
    key.mv_size = sizeof(tk);
    mdb_del(txn, st.dbi[NEWS_DB_AUTHORS], &key, NULL);
    schema_put(txn, NEWS_SCHEMA_TAIL - 1);
    ok(news_store_commit(&st, txn, &err) == NEWS_OK,
       "a store of schema 9 made");

    news_store_close(&st);
    is_int(news_store_open(&st, dir, 64 * 1024 * 1024, &err), NEWS_OK,
           "it opens");

    news_store_read(&st, &txn, &err);
    ok(news_author_tail_get(&st, txn, 91, &t, &err) == NEWS_OK
       && t.approved == 2 && t.posts == 0
       && news_standing_get(&st, txn, 91, &sd, &err) == NEWS_OK
       && sd.approved == 2,
       "tail: the count moved into the tail (%u), the window dropped",
       t.approved);
    news_store_read_done(&st);
    ok(has_key(NEWS_DB_STANDING, k, 8, &head) && head == 0
       && !has_key(NEWS_DB_THROTTLE, r, 9, NULL),
       "tail: the standing's count is 0, throttle holds no window");
    is_int((int) schema_get(), NEWS_SCHEMA_VERSION, "its schema record "
           "raised");
    is_int((int) violations(), 0, "newsctl check finds nothing amiss");

    /* a deleted account: its tail goes with its last comment */
    news_store_write(&st, &txn, &err);
    r[0] = 'd';
    key.mv_data = r;
    key.mv_size = NEWS_DISOWN_KEY;
    val.mv_data = "k";
    val.mv_size = 1;
    mdb_put(txn, st.dbi[NEWS_DB_AUTHORS], &key, &val, 0);
    {
        int  more;

        ok(news_author_disown_step(&st, txn, 3000, 64, &more, &err)
           == NEWS_OK, "tail: the account's comments disowned (%s)",
           err.msg);
    }
    news_store_commit(&st, txn, &err);
    ok(!has_key(NEWS_DB_AUTHORS, tk, sizeof(tk), NULL)
       && !has_key(NEWS_DB_AUTHORS, r, NEWS_DISOWN_KEY, NULL),
       "tail: its mark and tail gone");
    is_int((int) violations(), 0, "newsctl check finds nothing amiss");
}


int
main(void)
{
    char        cmd[256];
    news_err_t  err;

    test_text();

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        ok(0, "open a store");
        return done_testing();
    }

    test_threads();
    test_incremental();
    test_splice();
    test_pieces();
    test_pieces_old();
    test_layout();
    test_queue();
    test_disown();
    test_duplicate();
    test_picks();
    test_rate();
    test_move();
    test_boundary();
    test_slim();
    test_tail();

    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
