/*
 * The end of a write batch (news_articles_flush, the store's flush hook):
 * for each article whose comments the batch changed, the threads it
 * touched spliced into their stored pages, the pages whose links a new
 * page changes, the featured block when a pick changed, and the state,
 * summary and teaser.  Apart from publish.c, which writes an article
 * itself, because this is the comments' path: it never reads an article's
 * body or its whole thread.
 */

#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "comments.h"
#include "keys.h"
#include "live.h"
#include "outbox.h"
#include "publish.h"
#include "publish_internal.h"
#include "text.h"


static int news_article_flush_one(news_store_t *st, MDB_txn *txn,
    unsigned i, int *changed, news_err_t *err);
static int news_article_flush_whole(news_store_t *st, MDB_txn *txn,
    unsigned i, news_err_t *err);
static int news_article_splice(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, uint64_t root, const news_comments_t *cs,
    news_cstate_t *cst, news_err_t *err);
static int news_article_repage(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, unsigned page, const news_str_t *thread,
    uint64_t root, news_cstate_t *cst, news_err_t *err);
static int news_article_featured(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_cstate_t *cst, news_err_t *err);
static int news_comment_key_cmp(const void *x, const void *y);


/*
 * Writes what the comments changed in this batch change, once an
 * article: the page of each thread a comment of the batch is in, with
 * that thread spliced in (rendered alone from the thread index, its top
 * and NEWS_THREAD_SHOWN replies), the pages whose links to the next one
 * a new page changes, the featured block when a pick (or the count that
 * shows the order's links) changed, the state, summary and teaser.  No
 * Markdown, no article's whole thread: a bounded piece of work whatever
 * the article holds.  An article stored before the comment state
 * (articles.h) is rendered whole, once.
 */
int
news_articles_flush(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    int       rc, changed;
    unsigned  i;

    (void) arg;

    rc = NEWS_OK;
    changed = 0;

    for (i = 0; rc == NEWS_OK && i < st->ndirty; i++) {
        if (st->dirty[i].article != 0) {
            rc = news_article_flush_one(st, txn, i, &changed, err);
        }
    }

    st->ndirty = 0;

    /* the store's change time, once a batch: every article's is the same */
    if (rc == NEWS_OK && changed) {
        rc = news_store_touch(st, txn, st->dirty_now, err);
    }

    return rc;
}


/*
 * The article of dirty entry i, with every later entry of it; *changed
 * set when it wrote the article's pages (the store's change time is its
 * caller's to write)
 */
static int
news_article_flush_one(news_store_t *st, MDB_txn *txn, unsigned i,
    int *changed, news_err_t *err)
{
    int              rc, live;
    size_t           n, k;
    unsigned         j, p, from;
    uint64_t         id, root, roots[NEWS_DIRTY_MAX];
    cJSON           *rec;
    news_buf_t       events, b;
    news_page_t      state;
    news_cstate_t    cst;
    news_article_t   a;
    news_comments_t  threads[NEWS_DIRTY_MAX];

    id = st->dirty[i].article;

    rc = news_cstate_get(st, txn, id, &state, &cst);

    if (rc == NEWS_NOTFOUND) {
        return news_article_flush_whole(st, txn, i, err);
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's state");
    }

    /*
     * its fields as they are (the write that stored them checked them),
     * but its body: nothing a comment writes shows it
     */
    if (news_article_view_head(st, txn, id, &a, &rec, err) != NEWS_OK) {
        /* deleted later in the same batch: nothing to show */
        return err->code == NEWS_NOTFOUND ? NEWS_OK : err->code;
    }

    /*
     * the record and its Markdown stay as they are (see render.h): the
     * version moves on from the state's, which comments moved past it
     */
    a.version = (state.version > a.version ? state.version : a.version) + 1;
    a.comment_count = cst.count;
    a.modified_at = st->dirty_now;

    from = cst.stored ? cst.stored : 1;
    n = 0;

    /* each thread once, however many of its comments the batch has */
    for (j = i; rc == NEWS_OK && j < st->ndirty; j++) {
        if (st->dirty[j].article != id) {
            continue;
        }

        for (k = 0; k < cst.npicks; k++) {
            if (cst.picks[k] == st->dirty[j].comment) {
                cst.flags |= NEWS_CSTATE_PICKS;
            }
        }

        /* a change that names no comment (or one gone) has no thread */
        rc = news_comment_thread_of(st, txn, st->dirty[j].comment, &root,
                                    err);

        if (rc == NEWS_NOTFOUND) {
            rc = NEWS_OK;
            continue;
        }

        for (k = 0; rc == NEWS_OK && k < n && roots[k] != root; k++) {
            /* void */
        }

        if (rc == NEWS_OK && k == n) {
            rc = news_comments_thread_load(st, txn, id, root, &threads[n],
                                           err);
            roots[n++] = root;

            if (rc == NEWS_OK) {
                rc = news_article_splice(st, txn, &a, root, &threads[k],
                                         &cst, err);
            }
        }
    }

    /* the pages a new page follows gain their link to it */
    for (p = from; rc == NEWS_OK && p <= cst.pages && cst.stored < cst.pages;
         p++)
    {
        rc = news_article_repage(st, txn, &a, p, NULL, 0, &cst, err);
    }

    cst.stored = cst.pages;

    if (rc == NEWS_OK) {
        rc = news_article_featured(st, txn, &a, &cst, err);
    }

    *changed = 1;

    if (rc == NEWS_OK) {
        rc = news_cstate_put(st, txn, &a, &cst, err);
    }

    news_buf_init(&b);

    if (rc == NEWS_OK) {
        rc = news_article_put_fragment(st, txn, &a, NULL, NEWS_FRAG_SUMMARY,
                                       0, &b, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_put_fragment(st, txn, &a, NULL, NEWS_FRAG_TEASER,
                                       0, &b, err);
    }

    news_buf_free(&b);

    /*
     * What open pages are sent, after the commit, in the batch's order:
     * through the outbox, so not rendered for a site that keeps none (an
     * error reading it is news_outbox_article's to report)
     */
    news_buf_init(&events);
    live = rc == NEWS_OK && news_outbox_kept(st, txn, err) != NEWS_NOTFOUND;

    for (j = i; j < st->ndirty; j++) {
        if (st->dirty[j].article != id) {
            continue;
        }

        for (k = 0; live && k < n; k++) {
            news_live_event(&events, &a, &threads[k], st->dirty[j].comment,
                            st->dirty[j].kind, st->dirty_now);
        }

        if (j > i) {
            st->dirty[j].article = 0;
        }
    }

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, &a, NEWS_KEYS_TEASER, cst.pages,
                                 &events, st->dirty_now, err);
    }

    news_buf_free(&events);

    for (k = 0; k < n; k++) {
        news_comments_free(&threads[k]);
    }

    cJSON_Delete(rec);

    return rc;
}


/*
 * An article without the comment state, rendered whole with every later
 * entry of it: one stored before the state (its first write), or one
 * deleted later in the same batch (nothing to show)
 */
static int
news_article_flush_whole(news_store_t *st, MDB_txn *txn, unsigned i,
    news_err_t *err)
{
    int             rc;
    unsigned        j;
    uint64_t        id;
    news_article_t  a;

    id = st->dirty[i].article;

    for (j = i + 1; j < st->ndirty; j++) {
        if (st->dirty[j].article == id) {
            st->dirty[j].article = 0;
        }
    }

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code == NEWS_NOTFOUND ? NEWS_OK : err->code;
    }

    rc = news_article_rerender(st, txn, &a, st->dirty_now, err);
    news_article_free(&a);

    return rc;
}


/*
 * Thread `root` (cs: news_comments_thread_load()'s) rendered alone and
 * put in its page in place of what it was, or after the page's threads
 * when it is new there.
 */
static int
news_article_splice(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    uint64_t root, const news_comments_t *cs, news_cstate_t *cst,
    news_err_t *err)
{
    int         rc;
    size_t      n, *at;
    unsigned    page;
    uint64_t   *ids;
    news_buf_t  tb;
    news_str_t  thread;

    rc = news_comment_page_get(st, txn, a->id, root, &page);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading a comment's page");
    }

    news_buf_init(&tb);

    if (news_render_threads(&tb, a, cs, &at, &ids, &n) != 0) {
        news_buf_free(&tb);
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    thread.data = tb.data;
    thread.len = 0;

    /* the thread's top comes first in its own load */
    if (n > 0 && ids[0] == root) {
        thread.data = tb.data + at[0];
        thread.len = at[1] - at[0];
    }

    rc = news_article_repage(st, txn, a, page, &thread, root, cst, err);

    free(at);
    free(ids);
    news_buf_free(&tb);

    return rc;
}


/*
 * Comment page `page` with thread `root` put in (thread NULL: none, only
 * its links to the pages around it may change): one walk over the page
 * and its pieces, and what changed written (articles.h, news_cpage_t:
 * the page whole when it is small, else the thread's chunks that
 * changed, and the page's frame when a thread is new there or its links
 * changed).
 */
static int
news_article_repage(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    unsigned page, const news_str_t *thread, uint64_t root,
    news_cstate_t *cst, news_err_t *err)
{
    int           rc;
    size_t        k;
    news_cpage_t  cp;

    rc = news_article_comment_page(st, txn, a->id, page, &cp);

    if (rc == NEWS_OK && !cp.named) {
        rc = NEWS_ERROR;
    }

    if (rc != NEWS_OK && rc != NEWS_NOTFOUND) {
        news_cpage_free(&cp);
        return news_err_set(err, NEWS_ERROR, "article %llu: comment page %u "
                            "does not read", (unsigned long long) a->id,
                            page);
    }

    if (thread != NULL) {
        for (k = 0; k < cp.n && cp.ids[k] != root; k++) {
            /* void */
        }

        if (k == NEWS_COMMENTS_PAGE) {
            news_cpage_free(&cp);
            return news_err_set(err, NEWS_ERROR, "article %llu: comment page "
                                "%u holds all the threads it can",
                                (unsigned long long) a->id, page);
        }

        if (k == cp.n) {
            cp.ids[cp.n++] = root;
        }

        cp.th[k] = *thread;
    }

    rc = news_comment_page_save(st, txn, a, page, cst->pages, &cp, err);
    news_cpage_free(&cp);

    return rc;
}


/*
 * The featured block, when a pick or a picked comment changed or the
 * count crossed what shows the order's links: its picks read by id (at
 * most NEWS_FEATURED_MAX), in the order they were written
 */
static int
news_article_featured(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    news_cstate_t *cst, news_err_t *err)
{
    int              rc, sort;
    news_buf_t       b;
    news_comments_t  cs;

    sort = cst->count > 1;

    if (!(cst->flags & NEWS_CSTATE_PICKS)
        && sort == ((cst->flags & NEWS_CSTATE_SORT) != 0))
    {
        return NEWS_OK;
    }

    if (news_comments_by_id(st, txn, cst->picks, cst->npicks, &cs, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (cs.n > 1) {
        qsort(cs.items, cs.n, sizeof(news_comment_t), news_comment_key_cmp);
    }

    news_buf_init(&b);
    rc = news_article_put_fragment(st, txn, a, &cs, NEWS_FRAG_FEATURED, 0, &b,
                                   err);
    news_buf_free(&b);
    news_comments_free(&cs);

    cst->flags &= ~(uint32_t) (NEWS_CSTATE_PICKS | NEWS_CSTATE_SORT);
    cst->flags |= sort ? NEWS_CSTATE_SORT : 0;

    return rc;
}


/* comments in the order of their keys: time, then id */
static int
news_comment_key_cmp(const void *x, const void *y)
{
    const news_comment_t  *a = x, *b = y;

    if (a->created_at != b->created_at) {
        return a->created_at < b->created_at ? -1 : 1;
    }

    return (a->id > b->id) - (a->id < b->id);
}
