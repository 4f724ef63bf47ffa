/*
 * The views a front end reads, inside one short read txn per request
 * (reader.h).  Each is a few lookups: who may see what is asked of
 * policy.c, as the writes ask it.
 */

#include <string.h>

#include "reader.h"
#include "render.h"


static int news_read_moved(news_reader_t *rd, news_article_view_t *v,
    news_err_t *err);
static int news_read_featured(news_reader_t *rd, news_article_view_t *v);
static int news_read_newest_of(news_reader_t *rd, news_article_view_t *v,
    const char *slug, size_t slug_len, unsigned cpage, news_buf_t *out,
    news_cpage_t *cps, news_err_t *err);
static int news_read_oldest(news_reader_t *rd, news_article_view_t *v,
    unsigned cpage, news_err_t *err);
static int news_read_tops(news_reader_t *rd, uint64_t article_id,
    unsigned page, int newest, uint64_t *ids, size_t *n, unsigned *pages);


int
news_reader_begin(news_reader_t *rd, news_store_t *st,
    const news_actor_t *actor, int64_t now, news_err_t *err)
{
    rd->st = st;
    rd->txn = NULL;
    rd->actor = actor;
    rd->now = now;
    rd->close_after = 0;
    news_buf_init(&rd->join);

    return news_store_read(st, &rd->txn, err);
}


void
news_reader_end(news_reader_t *rd)
{
    news_buf_free(&rd->join);

    if (rd->txn == NULL) {
        return;
    }

    news_store_read_done(rd->st);
    rd->txn = NULL;
}


int
news_read_article(news_reader_t *rd, const char *address, size_t len,
    int kind, unsigned cpage, news_article_view_t *v, news_err_t *err)
{
    int  rc;

    memset(v, 0, sizeof(news_article_view_t));

    rc = news_article_find(rd->st, rd->txn, address, len, &v->id, &v->moved);

    if (rc == NEWS_OK && v->moved) {
        return news_read_moved(rd, v, err);
    }

    if (rc == NEWS_OK && kind == NEWS_FRAG_PAGE) {
        rc = news_article_page(rd->st, rd->txn, v->id, cpage ? cpage : 1,
                               &rd->join, &v->page);

    } else if (rc == NEWS_OK) {
        rc = news_article_fragment(rd->st, rd->txn, v->id, kind, &v->page);
    }

    if (rc == NEWS_OK && kind == NEWS_FRAG_PAGE
        && v->page.nparts != NEWS_ARTICLE_PARTS
        && v->page.nparts != NEWS_PART_COUNT + 1)
    {
        return news_err_set(err, NEWS_ERROR, "article %llu: a page of %u "
                            "parts", (unsigned long long) v->id,
                            v->page.nparts);
    }

    if (rc == NEWS_OK
        && !news_article_visible(&v->page, rd->actor, rd->now))
    {
        rc = NEWS_NOTFOUND;
    }

    /* the comment page asked for is in the page's part (articles.h) */
    if (rc == NEWS_OK && kind == NEWS_FRAG_PAGE) {
        v->comments = v->page.part[NEWS_PART_COMMENTS];
        rc = news_read_featured(rd, v);
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article");
    }

    v->closed = news_comments_closed(&v->page, rd->close_after, rd->now,
                                     &v->closes_at);
    v->closed_late = v->closed
                     && !(v->page.status & NEWS_COMMENTS_CLOSED);

    return NEWS_OK;
}


/*
 * What goes above a page's thread, in its order: none in a store from
 * before it, until the article's next write
 */
static int
news_read_featured(news_reader_t *rd, news_article_view_t *v)
{
    int          rc;
    news_page_t  f;

    rc = news_article_fragment(rd->st, rd->txn, v->id, NEWS_FRAG_FEATURED,
                               &f);

    if (rc == NEWS_OK && f.nparts != 2) {
        rc = NEWS_ERROR;
    }

    if (rc == NEWS_OK) {
        v->above[0] = f.part[0];
        v->above[1] = f.part[1];
    }

    return rc == NEWS_NOTFOUND ? NEWS_OK : rc;
}


/* the stored pages it reads are in cps, freed here (their pieces joined) */
int
news_read_newest(news_reader_t *rd, news_article_view_t *v, const char *slug,
    size_t slug_len, unsigned cpage, news_buf_t *out, news_err_t *err)
{
    int           rc;
    unsigned      i;
    news_cpage_t  cps[3];

    for (i = 0; i < 3; i++) {
        news_cpage_init(&cps[i]);
    }

    rc = news_read_newest_of(rd, v, slug, slug_len, cpage, out, cps, err);

    for (i = 0; i < 3; i++) {
        news_cpage_free(&cps[i]);
    }

    return rc;
}


/* cps: the last stored page, and the one or two a newest page reads */
static int
news_read_newest_of(news_reader_t *rd, news_article_view_t *v,
    const char *slug, size_t slug_len, unsigned cpage, news_buf_t *out,
    news_cpage_t *cps, news_err_t *err)
{
    int           rc;
    size_t        total, lo, hi, first, count, k;
    unsigned      pages, n, p;
    news_str_t    th[2 * NEWS_COMMENTS_PAGE];
    news_cpage_t  *last, *pc;

    last = &cps[0];
    rc = news_article_comment_pages(rd->st, rd->txn, v->id, &pages);

    if (rc == NEWS_OK) {
        rc = news_article_comment_page(rd->st, rd->txn, v->id, pages, last);
    }

    /*
     * A store from before its pages kept their bounds (or before page 1
     * was a page of its own): oldest first, as it is stored
     */
    if (rc == NEWS_NOTFOUND || (rc == NEWS_OK && last->page.nparts < 2)) {
        return news_read_oldest(rd, v, cpage, err);
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's comments");
    }

    total = (size_t) (pages - 1) * NEWS_COMMENTS_PAGE + last->n;

    if (cpage > pages) {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment page");
    }

    /* "No comments yet" reads the same either way */
    if (total == 0) {
        return NEWS_OK;
    }

    /*
     * a last page left without threads: no newest page that far.  No
     * test has one: a page is opened by its first thread, and a thread
     * keeps its place once deleted; a damaged store may still say so
     */
    if ((size_t) (cpage - 1) * NEWS_COMMENTS_PAGE >= total) {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment page");
    }

    hi = total - 1 - (size_t) (cpage - 1) * NEWS_COMMENTS_PAGE;
    lo = hi >= NEWS_COMMENTS_PAGE - 1 ? hi - (NEWS_COMMENTS_PAGE - 1) : 0;
    p = (unsigned) (lo / NEWS_COMMENTS_PAGE) + 1;
    first = (size_t) (p - 1) * NEWS_COMMENTS_PAGE;
    count = 0;

    /* a page's threads span at most two stored pages, each with pieces */
    for (n = 0; rc == NEWS_OK && n < 2 && p + n <= hi / NEWS_COMMENTS_PAGE + 1;
         n++)
    {
        pc = last;

        if (p + n != pages) {
            pc = &cps[1 + n];
            rc = news_article_comment_page(rd->st, rd->txn, v->id, p + n, pc);
        }

        if (rc == NEWS_OK && pc->page.nparts < 2) {
            rc = NEWS_NOTFOUND;
        }

        for (k = 0; rc == NEWS_OK && k < pc->n; k++) {
            th[count++] = pc->th[k];
        }
    }

    if (rc == NEWS_NOTFOUND) {
        return news_read_oldest(rd, v, cpage, err);
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's comments");
    }

    /*
     * fewer threads than the pages before the last hold (NEWS_COMMENTS_PAGE
     * each, deleted ones too): a damaged store only, which no test makes
     */
    if (lo - first > hi - first || hi - first >= count) {
        return news_read_oldest(rd, v, cpage, err);
    }

    news_render_comments_newest(out, slug, slug_len, th, lo - first,
                                hi - first, cpage, pages);

    if (out->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    v->comments.data = out->data;
    v->comments.len = out->len;

    return NEWS_OK;
}


/* comment page cpage as stored (with its pieces), oldest first */
static int
news_read_oldest(news_reader_t *rd, news_article_view_t *v, unsigned cpage,
    news_err_t *err)
{
    int  rc;

    if (cpage < 2) {
        return NEWS_OK;
    }

    rc = news_article_comment_html(rd->st, rd->txn, v->id, cpage, &rd->join,
                                   &v->comments);

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article's comments");
    }

    return NEWS_OK;
}


/*
 * A former address of article v->id: its address now, if the reader may
 * see the article (by its JSON, the smallest fragment with the status).
 */
static int
news_read_moved(news_reader_t *rd, news_article_view_t *v, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    rc = news_article_fragment(rd->st, rd->txn, v->id, NEWS_FRAG_JSON,
                               &v->page);

    if (rc == NEWS_OK
        && !news_article_visible(&v->page, rd->actor, rd->now))
    {
        rc = NEWS_NOTFOUND;
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading a moved article");
    }

    if (news_article_load(rd->st, rd->txn, v->id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;

    /*
     * news_article_load refuses a stored slug over NEWS_SLUG_MAX (its
     * record goes through news_article_from_json's checks), so no test
     * takes the else: it keeps the copy in bounds whatever the store holds
     */
    if (strlen(a.slug) < sizeof(v->slug)) {
        strcpy(v->slug, a.slug);

    } else {
        rc = news_err_set(err, NEWS_ERROR, "article %llu: a slug too long",
                          (unsigned long long) v->id);
    }

    news_article_free(&a);

    return rc;
}


int
news_read_fragment(news_reader_t *rd, uint64_t id, int kind,
    news_page_t *page, news_err_t *err)
{
    int  rc;

    rc = news_article_fragment(rd->st, rd->txn, id, kind, page);
    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading article %llu",
                            (unsigned long long) id);
    }

    return NEWS_OK;
}


int
news_read_source(news_reader_t *rd, uint64_t id, news_page_t *json,
    news_buf_t *out, news_err_t *err)
{
    int             rc;
    news_str_t     *last;
    news_article_t  a;
    news_err_t      quiet;

    if (news_actor_may(rd->actor, NEWS_ACT_EDIT, &quiet) != NEWS_OK) {
        return NEWS_OK;
    }

    last = json->nparts ? &json->part[json->nparts - 1] : NULL;

    if (last == NULL || last->len == 0 || last->data[last->len - 1] != '}') {
        return news_err_set(err, NEWS_ERROR, "article %llu: its JSON does "
                            "not end in }", (unsigned long long) id);
    }

    if (news_article_load(rd->st, rd->txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    last->len--;
    news_render_json_source(out, &a);
    news_article_free(&a);

    rc = out->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;

    return rc;
}


int
news_read_comments(news_reader_t *rd, const char *slug, size_t len,
    const unsigned char *cursor, size_t limit, int newest, news_buf_t *out,
    unsigned char *next, int *more, news_article_view_t *v,
    news_err_t *err)
{
    int  rc;

    memset(v, 0, sizeof(news_article_view_t));

    rc = news_article_id(rd->st, rd->txn, slug, len, &v->id);

    if (rc == NEWS_OK) {
        rc = news_article_fragment(rd->st, rd->txn, v->id, NEWS_FRAG_SUMMARY,
                                   &v->page);
    }

    if (rc == NEWS_OK && !news_article_public(&v->page, rd->now)) {
        rc = NEWS_NOTFOUND;
    }

    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading an article");
    }

    return news_comments_api_list(rd->st, rd->txn, v->id, cursor, limit,
                                  newest, out, next, more, err);
}


int
news_read_comment_entries(news_reader_t *rd, const news_article_view_t *v,
    const char *slug, size_t limit, news_buf_t *out, news_err_t *err)
{
    size_t           i;
    news_comments_t  cs;

    if (news_comments_latest(rd->st, rd->txn, v->id, limit, &cs, err)
        != NEWS_OK)
    {
        return err->code;
    }

    for (i = 0; i < cs.n; i++) {
        news_render_comment_entry(out, slug, &cs.items[i]);
    }

    news_comments_free(&cs);

    return out->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                       : NEWS_OK;
}


int
news_read_standing(news_reader_t *rd, news_err_t *err)
{
    news_screen_t  s;

    if (rd->actor == NULL) {
        return NEWS_OK;
    }

    return news_comment_standing(rd->st, rd->txn, rd->actor, rd->now, &s,
                                 err);
}


int
news_read_recent(news_reader_t *rd, uint64_t article_id, int64_t window,
    news_comment_t *out, size_t limit, size_t *n, news_err_t *err)
{
    int  rc;

    *n = 0;

    if (rd->actor == NULL) {
        return NEWS_OK;
    }

    rc = news_comments_recent(rd->st, rd->txn, article_id, rd->actor->id,
                              rd->now - window, out, limit, n);
    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "reading recent comments");
    }

    return NEWS_OK;
}


int
news_read_staff_comments(news_reader_t *rd, uint64_t article_id,
    const char *slug, int closed, unsigned page, int newest,
    const char *csrf, size_t csrf_len, news_buf_t *out, news_err_t *err)
{
    int              rc, picks;
    size_t           n;
    unsigned         pages;
    uint64_t         ids[NEWS_COMMENTS_PAGE];
    news_err_t       role;
    news_article_t   a;
    news_comments_t  cs;

    if (news_actor_may(rd->actor, NEWS_ACT_MODERATE, err) != NEWS_OK) {
        return err->code;
    }

    /*
     * The threads of the public's page (hidden and held ones too), read
     * by their tops; an article stored before its pages named their
     * threads: all its comments
     */
    if (news_read_tops(rd, article_id, page, newest, ids, &n, &pages) == 0) {
        rc = news_comments_threads_load(rd->st, rd->txn, article_id, ids, n,
                                        &cs, err);

    } else {
        pages = 0;
        rc = news_comments_load(rd->st, rd->txn, article_id, &cs, err);
    }

    if (rc != NEWS_OK) {
        return err->code;
    }

    /* what the renderer needs of the article: its address, if closed */
    memset(&a, 0, sizeof(news_article_t));
    a.id = article_id;
    a.slug = (char *) slug;
    a.comments_closed = closed;

    /* editors pick comments too: their buttons have Feature */
    picks = news_actor_may(rd->actor, NEWS_ACT_EDIT, &role) == NEWS_OK;

    news_render_comments_staff(out, &a, &cs, page, pages, newest, picks,
                               csrf, csrf_len);
    news_comments_free(&cs);

    if (out->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/*
 * The top-level comments of comment page `page` in reading order, as the
 * stored pages place them (NEWS_COMMENTS_PAGE a page): newest first,
 * the page'th NEWS_COMMENTS_PAGE from the end, across two stored pages
 * at most.  -1 for pages stored before they named their threads.
 */
static int
news_read_tops(news_reader_t *rd, uint64_t article_id, unsigned page,
    int newest, uint64_t *ids, size_t *n, unsigned *pages)
{
    int           rc;
    size_t        k, total, lo, hi, at;
    unsigned      p;
    news_cpage_t  cp;

    *n = 0;

    if (news_article_comment_pages(rd->st, rd->txn, article_id, pages) != 0)
    {
        return -1;
    }

    rc = news_article_comment_page(rd->st, rd->txn, article_id, *pages, &cp);
    total = (size_t) (*pages - 1) * NEWS_COMMENTS_PAGE + cp.n;
    news_cpage_free(&cp);

    if (rc != NEWS_OK || !cp.named) {
        return -1;
    }

    lo = (size_t) (page - 1) * NEWS_COMMENTS_PAGE;
    hi = lo + NEWS_COMMENTS_PAGE - 1;

    if (newest) {
        if (lo >= total) {
            return 0;
        }

        hi = total - 1 - lo;
        lo = hi >= NEWS_COMMENTS_PAGE - 1 ? hi - (NEWS_COMMENTS_PAGE - 1) : 0;
    }

    for (p = (unsigned) (lo / NEWS_COMMENTS_PAGE) + 1;
         p <= hi / NEWS_COMMENTS_PAGE + 1 && p <= *pages; p++)
    {
        rc = news_article_comment_page(rd->st, rd->txn, article_id, p, &cp);
        news_cpage_free(&cp);

        if (rc != NEWS_OK || !cp.named) {
            return -1;
        }

        at = (size_t) (p - 1) * NEWS_COMMENTS_PAGE;

        for (k = 0; k < cp.n; k++) {
            if (at + k >= lo && at + k <= hi && *n < NEWS_COMMENTS_PAGE) {
                ids[(*n)++] = cp.ids[k];
            }
        }
    }

    return 0;
}


int
news_read_reply_to(news_reader_t *rd, uint64_t article_id, uint64_t id,
    news_buf_t *name, news_err_t *err)
{
    int             rc;
    news_comment_t  c;

    rc = news_comment_get(rd->st, rd->txn, id, &c, err);
    if (rc != NEWS_OK) {
        return rc;
    }

    /* only a comment everyone sees is named; anything else is none */
    if (c.article_id != article_id || c.status != NEWS_COMMENT_VISIBLE) {
        news_comment_free(&c);
        return news_err_set(err, NEWS_NOTFOUND, "no such comment");
    }

    news_buf_adds(name, c.author);
    news_comment_free(&c);

    return name->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                        : NEWS_OK;
}


int
news_read_waiting(news_reader_t *rd, uint64_t *n, news_err_t *err)
{
    int  rc;

    *n = 0;

    if (news_actor_may(rd->actor, NEWS_ACT_MODERATE, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_comments_waiting(rd->st, rd->txn, n);
    if (rc != NEWS_OK) {
        return news_err_set(err, rc, "counting the moderation queue");
    }

    return NEWS_OK;
}


int
news_read_thread(news_reader_t *rd, const char *slug, size_t len,
    uint64_t root, news_article_view_t *v, news_comments_t *cs,
    news_err_t *err)
{
    if (news_read_article(rd, slug, len, NEWS_FRAG_PAGE, 1, v, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (v->moved) {
        return NEWS_OK;
    }

    return news_comments_thread_load(rd->st, rd->txn, v->id, root, cs, err);
}


int
news_read_pending(news_reader_t *rd, news_pending_t *q, news_buf_t *out,
    news_err_t *err)
{
    if (news_actor_may(rd->actor, NEWS_ACT_MODERATE, err) != NEWS_OK) {
        return err->code;
    }

    return news_comments_pending(rd->st, rd->txn, q, out, err);
}


int
news_read_list(news_reader_t *rd, news_list_t *l, news_buf_t *out,
    news_err_t *err)
{
    l->now = rd->now;

    return news_articles_list(rd->st, rd->txn, l, out, err);
}


int
news_read_topic(news_reader_t *rd, const char *topic, news_buf_t *name)
{
    return news_topic_name(rd->st, rd->txn, topic, name);
}


int
news_read_stamp(news_reader_t *rd, news_list_stamp_t *ls, news_err_t *err)
{
    return news_list_stamp(rd->st, rd->txn, rd->now, ls, err);
}


int
news_read_session(news_reader_t *rd, const unsigned char token[NEWS_TOKEN_LEN],
    int64_t idle, news_user_t *user, int64_t *seen, news_err_t *err)
{
    int       rc;
    uint64_t  uid;

    rc = news_session_find(rd->st, rd->txn, token, rd->now, idle, &uid,
                           seen);
    if (rc == 0) {
        rc = news_user_get(rd->st, rd->txn, uid, user);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "session lookup");
    }

    explicit_bzero(user->hash, sizeof(user->hash));

    return NEWS_OK;
}


int
news_read_sessions(news_reader_t *rd,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max, news_buf_t *out,
    news_err_t *err)
{
    if (news_actor_may(rd->actor, NEWS_ACT_ACCOUNT, err) != NEWS_OK) {
        return err->code;
    }

    return news_sessions_json(rd->st, rd->txn, rd->actor->id, token, max, out,
                              err);
}


int
news_read_account_page(news_reader_t *rd, const news_user_t *u,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max,
    const news_form_t *f, news_buf_t *out, news_err_t *err)
{
    return news_render_account(out, rd->st, rd->txn, u, token, max, f, err);
}


int
news_read_throttle(news_reader_t *rd, news_account_t *a, news_err_t *err)
{
    int  rc;

    rc = news_throttle_wait(rd->st, rd->txn, a->keys, a->nkeys, rd->now,
                            &a->wait, &a->in_flight);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the login throttle");
    }

    /* the flight may be an end this process could not write: its write */
    if (a->in_flight && news_account_ends_kept()) {
        a->wait = 0;
        a->in_flight = 0;
    }

    return NEWS_OK;
}
