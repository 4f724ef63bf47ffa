/*
 * An article's comment pages as readers see them (articles.h,
 * news_cpage_t): each stored page read with the threads written beside
 * it since, in one cursor walk, and put together; the pieces written and
 * dropped for the batch's flush (publish_pages.c), which decides when a
 * thread goes beside its page and when the page is written again.
 */

#include <string.h>

#include "articles.h"
#include "text.h"


static void news_comment_pages_key(unsigned char *k, uint64_t id,
    unsigned page);
static int news_comment_pages_cursor(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned page, unsigned char *k, MDB_val *key,
    MDB_cursor **cur);
static int news_cpage_parse(const void *p, size_t n, news_cpage_t *cp);
static int news_cpage_piece(news_cpage_t *cp, uint64_t top,
    const void *html, size_t len);


static void
news_comment_pages_key(unsigned char *k, uint64_t id, unsigned page)
{
    news_be64_put(k, id);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, page);
}


/* a cursor on the pages, and the key k of comment page `page`: LMDB's code */
static int
news_comment_pages_cursor(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, unsigned char *k, MDB_val *key, MDB_cursor **cur)
{
    news_comment_pages_key(k, id, page);
    key->mv_data = k;
    key->mv_size = 13;

    return mdb_cursor_open(txn, st->dbi[NEWS_DB_PAGES], cur);
}


/*
 * Comment page N of an article and the pieces beside it (articles.h):
 * the page's key, then the keys one longer by a top's id, in one walk.
 */
int
news_article_comment_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  k[13];

    rc = news_comment_pages_cursor(st, txn, id, page, k, &key, &cur);
    if (rc != 0) {
        return news_store_code(rc);
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_KEY);

    if (rc == 0 && news_cpage_parse(val.mv_data, val.mv_size, cp) != 0) {
        rc = MDB_CORRUPTED;
    }

    while (rc == 0) {
        rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);

        if (rc == MDB_NOTFOUND
            || (rc == 0 && (key.mv_size != NEWS_PIECE_KEY
                            || memcmp(key.mv_data, k, sizeof(k)) != 0)))
        {
            rc = -1;            /* past the pieces */
            break;
        }

        if (rc == 0
            && news_cpage_piece(cp, news_be64_get((unsigned char *)
                                                  key.mv_data + 13),
                                val.mv_data, val.mv_size)
               != 0)
        {
            rc = MDB_CORRUPTED;
        }
    }

    mdb_cursor_close(cur);

    return rc == -1 ? NEWS_OK : news_store_code(rc);
}


/*
 * A stored comment page read (render.h): where its threads are, when it
 * says (a page of two parts, stored before they were named, has their
 * bounds alone; one part: the HTML alone); no piece yet
 */
static int
news_cpage_parse(const void *p, size_t n, news_cpage_t *cp)
{
    const unsigned char  *off;

    cp->named = 0;
    cp->start = 0;
    cp->end = 0;
    cp->n = 0;
    cp->pieced = 0;
    cp->pieces = 0;
    cp->bytes = 0;

    if (news_page_parse(p, n, &cp->page) != 0
        || cp->page.nparts < 1 || cp->page.nparts > 3)
    {
        return -1;
    }

    if (cp->page.nparts == 1) {
        return 0;
    }

    if (news_comment_page_threads(&cp->page, cp->th, cp->ids,
                                  NEWS_COMMENTS_PAGE, &cp->n)
        != 0)
    {
        return -1;
    }

    off = (const unsigned char *) cp->page.part[1].data;
    cp->named = (cp->page.nparts == 3);
    cp->start = news_be32_get(off);
    cp->end = news_be32_get(off + cp->page.part[1].len - 4);

    return cp->start <= cp->end && cp->end <= cp->page.part[0].len ? 0 : -1;
}


/*
 * A piece put in its thread's place, or after the page's threads: only
 * beside a page that names its threads and shows a list of them (the
 * pieces go inside it)
 */
static int
news_cpage_piece(news_cpage_t *cp, uint64_t top, const void *html,
    size_t len)
{
    size_t  k;

    if (!cp->named || cp->start == 0) {
        return -1;
    }

    for (k = 0; k < cp->n && cp->ids[k] != top; k++) {
        /* void */
    }

    if (k == cp->n) {
        if (cp->n == NEWS_COMMENTS_PAGE) {
            return -1;
        }

        cp->ids[cp->n++] = top;
    }

    cp->th[k].data = html;
    cp->th[k].len = len;
    cp->pieced |= (uint64_t) 1 << k;
    cp->pieces++;
    cp->bytes += len;

    return 0;
}


int
news_cpage_html(const news_cpage_t *cp, news_buf_t *b, news_str_t *html)
{
    size_t             i, at;
    const news_str_t  *page;

    page = &cp->page.part[0];

    if (cp->pieces == 0) {
        *html = *page;
        return 0;
    }

    at = b->len;
    news_buf_add(b, page->data, cp->start);

    for (i = 0; i < cp->n; i++) {
        news_buf_add(b, cp->th[i].data, cp->th[i].len);
    }

    news_buf_add(b, page->data + cp->end, page->len - cp->end);

    if (b->failed) {
        return -1;
    }

    html->data = b->data + at;
    html->len = b->len - at;

    return 0;
}


int
news_comment_piece_put(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, uint64_t top, const news_str_t *html, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[NEWS_PIECE_KEY];

    news_comment_pages_key(k, id, page);
    news_be64_put(k + 13, top);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = (void *) html->data;
    val.mv_size = html->len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a comment thread");
    }

    return NEWS_OK;
}


/* the keys after the page's own that begin with it are its pieces */
int
news_comment_pieces_drop(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_err_t *err)
{
    unsigned char  k[14];

    news_comment_pages_key(k, id, page);
    k[13] = '\0';

    return news_store_drop_each(st, txn, NEWS_DB_PAGES, k, 13, k, sizeof(k),
                                NULL, NULL, err);
}


/*
 * How many comment pages article id has stored: its last page's key (or
 * its last piece's), found by one cursor step back from the key after
 * them all.
 */
int
news_article_comment_pages(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned *pages)
{
    int             rc;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[13];

    rc = news_comment_pages_cursor(st, txn, id, 0xffffffff, k, &key, &cur);
    if (rc != 0) {
        return news_store_code(rc);
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    /* the last page's, or one of its pieces' (longer by a top's id) */
    if (rc == 0
        && ((key.mv_size != sizeof(k) && key.mv_size != NEWS_PIECE_KEY)
            || memcmp(key.mv_data, k, 9) != 0))
    {
        rc = MDB_NOTFOUND;
    }

    if (rc == 0) {
        *pages = news_be32_get((unsigned char *) key.mv_data + 9);
    }

    mdb_cursor_close(cur);

    return news_store_code(rc);
}
