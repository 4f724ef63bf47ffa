/*
 * What reading an article page costs the engine (issue 14: the hot
 * article's readers): reads the page of the article at SLUG with its
 * comment page CPAGE, READS times, each in a read txn of its own as a
 * worker's request is, and copies the page's parts into one buffer as
 * the worker does before the txn ends.  Run under callgrind, the
 * instructions of news_page_read are what a read costs; the page is
 * written to stdout (byte for byte what a reader gets between the chrome
 * and the reader's own slot), and what the stored comment page is made
 * of to stderr.
 *
 *   build/page-read DB_DIR SLUG READS [CPAGE [newest]]
 *
 *   valgrind --tool=callgrind --toggle-collect=news_page_read \
 *       build/page-read DB_DIR bench-000002 1000 > /dev/null
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "articles.h"
#include "reader.h"
#include "store.h"


typedef struct {
    news_store_t  *st;
    const char    *slug;
    unsigned       cpage;
    int            newest;
    int64_t        now;
    news_buf_t     page;        /* the last read's page */
    news_buf_t     newest_out;
} page_read_t;


static int news_page_read(page_read_t *pr, news_err_t *err);
static void page_parts(page_read_t *pr, const news_article_view_t *v);
static int page_made_of(page_read_t *pr);


/* one request's read: its own txn, the page copied before it ends */
static int __attribute__((noinline))
news_page_read(page_read_t *pr, news_err_t *err)
{
    int                  rc;
    news_reader_t        rd;
    news_article_view_t  v;

    if (news_reader_begin(&rd, pr->st, NULL, pr->now, err) != NEWS_OK) {
        return NEWS_ERROR;
    }

    rc = news_read_article(&rd, pr->slug, strlen(pr->slug), NEWS_FRAG_PAGE,
                           pr->newest ? 1 : pr->cpage, &v, err);

    if (rc == NEWS_OK && pr->newest) {
        news_buf_reset(&pr->newest_out);
        rc = news_read_newest(&rd, &v, pr->slug, strlen(pr->slug),
                              pr->cpage, &pr->newest_out, err);
    }

    if (rc == NEWS_OK) {
        page_parts(pr, &v);
    }

    news_reader_end(&rd);

    return rc;
}


/* the page's parts in the order the worker sends them, chrome left out */
static void
page_parts(page_read_t *pr, const news_article_view_t *v)
{
    unsigned  i;

    news_buf_reset(&pr->page);

    for (i = 0; i < v->page.nparts; i++) {
        if (i == NEWS_PART_COMMENTS) {
            news_buf_add(&pr->page, v->comments.data, v->comments.len);
            continue;
        }

        news_buf_add(&pr->page, v->page.part[i].data, v->page.part[i].len);
    }
}


/* the stored comment page: its threads, pieces, chunks and bytes */
static int
page_made_of(page_read_t *pr)
{
    int           rc;
    size_t        k, chunks, multi;
    uint64_t      id;
    MDB_txn      *txn;
    news_cpage_t  cp;

    if (mdb_txn_begin(pr->st->env, NULL, MDB_RDONLY, &txn) != 0) {
        return -1;
    }

    rc = news_article_id(pr->st, txn, pr->slug, strlen(pr->slug), &id);

    if (rc == NEWS_OK) {
        rc = news_article_comment_page(pr->st, txn, id, pr->cpage, &cp);
    }

    if (rc == NEWS_OK) {
        for (k = 0, chunks = 0, multi = 0; k < cp.n; k++) {
            chunks += cp.chunks[k];
            multi += cp.chunks[k] > 1;
        }

        fprintf(stderr, "comment page %u: %zu B stored, %zu threads, %zu "
                "pieces (%zu B, %zu chunks, %zu threads of several)\n",
                pr->cpage, cp.raw.len, cp.n, cp.pieces, cp.bytes, chunks,
                multi);
    }

    news_cpage_free(&cp);
    mdb_txn_abort(txn);

    return rc;
}


int
main(int argc, char **argv)
{
    long         i, reads;
    news_err_t   err;
    news_store_t st;
    page_read_t  pr;

    if (argc < 4 || atol(argv[3]) < 1) {
        fprintf(stderr, "usage: %s DB_DIR SLUG READS [CPAGE [newest]]\n",
                argv[0]);
        return 2;
    }

    memset(&pr, 0, sizeof(pr));
    pr.st = &st;
    pr.slug = argv[2];
    reads = atol(argv[3]);
    pr.cpage = argc > 4 && atoi(argv[4]) > 0 ? (unsigned) atoi(argv[4]) : 1;
    pr.newest = argc > 5 && strcmp(argv[5], "newest") == 0;
    pr.now = time(NULL);
    news_buf_init(&pr.page);
    news_buf_init(&pr.newest_out);

    if (news_store_open(&st, argv[1], 8ULL << 30, &err) != NEWS_OK) {
        fprintf(stderr, "opening %s: %s\n", argv[1], err.msg);
        return 1;
    }

    if (page_made_of(&pr) != NEWS_OK) {
        fprintf(stderr, "%s: no comment page %u\n", pr.slug, pr.cpage);
    }

    for (i = 0; i < reads; i++) {
        if (news_page_read(&pr, &err) != NEWS_OK || pr.page.failed) {
            fprintf(stderr, "reading %s: %s\n", pr.slug, err.msg);
            return 1;
        }
    }

    if (pr.newest) {
        fwrite(pr.newest_out.data, 1, pr.newest_out.len, stdout);
    } else {
        fwrite(pr.page.data, 1, pr.page.len, stdout);
    }

    fprintf(stderr, "%ld reads of %s, page %zu B\n", reads, pr.slug,
            pr.newest ? pr.newest_out.len : pr.page.len);

    news_buf_free(&pr.page);
    news_buf_free(&pr.newest_out);
    news_store_close(&st);

    return 0;
}
