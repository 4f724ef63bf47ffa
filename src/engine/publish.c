/*
 * An article written, and everything that keeps a piece of it written
 * in the same txn: its record and its indexes (slugs, times, topics,
 * search, the desk), its fragments rendered with its comments, the keys
 * its change made stale (the outbox) and its live events.  What a batch
 * of comments changes is written by publish_pages.c, with the fragment
 * and page writers declared in publish_internal.h.  Above articles.c (what
 * is stored of an article and how it is read) and comments.c, which both
 * stay below this file.
 *
 * Long (about 850 lines) for one reason: it is one write, an article's,
 * whose steps must run in this order inside one txn (the record, then
 * the indexes that name it, then the fragments rendered from both, then
 * the keys made stale and the events); split, the order would live in
 * no file.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "comments.h"
#include "desk.h"
#include "keys.h"
#include "live.h"
#include "outbox.h"
#include "publish.h"
#include "publish_internal.h"
#include "search.h"
#include "text.h"


/* every fragment but the state (news_cstate_put) and the comment pages */
static const int  news_fragment_kinds[] = {
    NEWS_FRAG_PAGE, NEWS_FRAG_JSON, NEWS_FRAG_SUMMARY, NEWS_FRAG_TEASER,
    NEWS_FRAG_ATOM, NEWS_FRAG_SITEMAP, NEWS_FRAG_FEATURED
};


static int news_article_inherit(news_store_t *st, MDB_txn *txn,
    news_article_t *a, uint64_t id, int64_t now, int *same,
    news_err_t *err);
static int news_article_write(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, news_err_t *err);
static int news_article_write_fragments(news_store_t *st, MDB_txn *txn,
    news_article_t *a, const news_comments_t *cs, int refresh,
    news_cstate_t *cst, news_err_t *err);
static uint32_t news_comments_visible(const news_comments_t *cs);
static int news_article_write_threads(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, news_cstate_t *cst,
    news_err_t *err);
static int news_article_put_pages(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_buf_t *tb, const size_t *at,
    const uint64_t *ids, const unsigned *on, size_t n, unsigned pages,
    news_err_t *err);
static unsigned news_article_pages_bound(const news_article_t *a);
static int news_article_body(news_article_t *a, news_buf_t *html,
    news_err_t *err);
static int news_article_index(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, int add, news_err_t *err);
static int news_topic_index(news_store_t *st, MDB_txn *txn, char kind,
    const char *name, const news_article_t *a, int add, news_err_t *err);


int
news_article_put(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err)
{
    int       rc;
    uint64_t  id;

    rc = news_article_holder(st, txn, a->slug, &id);

    if (rc == MDB_NOTFOUND) {
        id = 0;

    } else if (rc != 0) {
        return news_store_fail(err, rc, "looking up a slug");
    }

    return news_article_save(st, txn, a, id, now, err);
}


int
news_article_save(news_store_t *st, MDB_txn *txn, news_article_t *a,
    uint64_t id, int64_t now, news_err_t *err)
{
    int              rc, same;
    uint64_t         other;
    news_buf_t       events;
    news_page_t      state;
    news_cstate_t    cst;
    news_comments_t  cs;

    /* a slug names one article: another's is a conflict */
    rc = news_article_holder(st, txn, a->slug, &other);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "looking up a slug");
    }

    if (rc == 0 && other != id) {
        return news_err_set(err, NEWS_CONFLICT, "the slug \"%s\" is taken",
                            a->slug);
    }

    same = 0;

    if (id == 0) {
        /*
         * never an id given before: an article's ETag and the redirects of
         * its former slugs name it by id, so a new article under a deleted
         * one's id would take over its validators and its old addresses
         */
        if (news_store_new_id(st, txn, NEWS_DB_ARTICLES, "article_id",
                              &a->id, err)
            != NEWS_OK)
        {
            return err->code;
        }

        a->created_at = now;
        a->version = 1;
        a->comment_count = 0;

        if (a->updated_at == 0) {
            a->updated_at = a->published_at;
        }

    } else if (news_article_inherit(st, txn, a, id, now, &same, err)
               != NEWS_OK)
    {
        return err->code;
    }

    /*
     * Its comments' pages show its slug and whether comments are open:
     * as long as neither changes they stay as they are, and the comments
     * are not read (an article stored before the comment state is
     * rendered whole once)
     */
    memset(&cs, 0, sizeof(cs));
    rc = same ? news_cstate_get(st, txn, a->id, &state, &cst) : NEWS_NOTFOUND;

    if (rc != NEWS_OK && rc != NEWS_NOTFOUND) {
        return news_err_set(err, rc, "reading an article's state");
    }

    same = (rc == NEWS_OK);

    if (!same && news_comments_load(st, txn, a->id, &cs, err) != NEWS_OK) {
        return err->code;
    }

    a->comment_count = same ? cst.count : news_comments_visible(&cs);
    a->modified_at = now;

    rc = news_article_write(st, txn, a, err);
    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_write_fragments(st, txn, a, same ? NULL : &cs, 0,
                                          &cst, err);
    }

    news_buf_init(&events);
    news_live_article_event(&events, a, now);

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, a, NEWS_KEYS_ALL, cst.pages,
                                 &events, now, err);
    }

    news_buf_free(&events);
    news_comments_free(&cs);

    return rc;
}


int
news_article_refresh(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_rerender(st, txn, &a, now, err);
    news_article_free(&a);

    return rc;
}


/*
 * Closing or opening comments is not an edit of the article: no revision
 * is filed and "Updated" stays as it was.  The version still moves, as
 * for a comment, because it is the page's ETag and the page changes.
 */
int
news_article_close_comments(news_store_t *st, MDB_txn *txn, uint64_t id,
    int closed, int64_t now, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;

    if (a.comments_closed != closed) {
        a.comments_closed = closed;
        rc = news_article_rerender(st, txn, &a, now, err);
    }

    news_article_free(&a);

    return rc;
}


/*
 * Writes a changed article whose text and indexes are as they were: a
 * new version (the ETag), the count of visible comments, and every
 * fragment but the feed and sitemap entries, which show neither.
 */
int
news_article_rerender(news_store_t *st, MDB_txn *txn, news_article_t *a,
    int64_t now, news_err_t *err)
{
    int              rc;
    news_cstate_t    cst;
    news_comments_t  cs;

    if (news_comments_load(st, txn, a->id, &cs, err) != NEWS_OK) {
        return err->code;
    }

    a->version++;
    a->comment_count = news_comments_visible(&cs);
    a->modified_at = now;

    rc = news_article_write(st, txn, a, err);
    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_write_fragments(st, txn, a, &cs, 1, &cst, err);
    }

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, a, NEWS_KEYS_TEASER, cst.pages,
                                 NULL, now, err);
    }

    news_comments_free(&cs);

    return rc;
}


int
news_article_delete(news_store_t *st, MDB_txn *txn, uint64_t id, int64_t now,
    news_err_t *err)
{
    int              rc;
    MDB_val          key;
    news_article_t   a;
    news_comments_t  none;
    unsigned char    k[8];

    if (news_article_load(st, txn, id, &a, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_index(st, txn, &a, 0, err);

    if (rc == NEWS_OK) {
        rc = news_desk_index(st, txn, &a, 0, err);
    }

    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, &a, NEWS_KEYS_ALL,
                                 news_article_pages_bound(&a), NULL, now,
                                 err);
    }

    if (rc == NEWS_OK) {
        key.mv_data = a.slug;
        key.mv_size = strlen(a.slug);
        rc = mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key, NULL);
        rc = (rc == 0 || rc == MDB_NOTFOUND)
             ? NEWS_OK : news_store_fail(err, rc, "deleting a slug");
    }

    news_article_free(&a);

    memset(&none, 0, sizeof(none));
    news_be64_put(k, id);

    /*
     * its former slugs and old addresses (redirects) are free again,
     * before the revisions go
     */
    if (rc == NEWS_OK) {
        rc = news_article_free_slugs(st, txn, id, err);
    }

    if (rc == NEWS_OK) {
        rc = news_comments_replace(st, txn, id, &none, err);
    }

    if (rc == NEWS_OK) {
        rc = news_store_drop_range(st, txn, NEWS_DB_PAGES, k, 8, err);
    }

    if (rc == NEWS_OK) {
        rc = news_store_drop_range(st, txn, NEWS_DB_REVISIONS, k, 8, err);
    }

    if (rc == NEWS_OK) {
        key.mv_data = k;
        key.mv_size = 8;
        rc = mdb_del(txn, st->dbi[NEWS_DB_ARTICLES], &key, NULL);
        rc = rc == 0 ? NEWS_OK : news_store_fail(err, rc, "deleting");
    }

    if (rc == NEWS_OK) {
        rc = news_store_touch(st, txn, now, err);
    }

    return rc;
}


static uint32_t
news_comments_visible(const news_comments_t *cs)
{
    size_t    i;
    uint32_t  n;

    n = 0;

    for (i = 0; i < cs->n; i++) {
        if (cs->items[i].status == NEWS_COMMENT_VISIBLE) {
            n++;
        }
    }

    return n;
}


/*
 * An update keeps what the newsroom does not send (identity, comments),
 * files the old record as a revision, and leaves the old slug behind as
 * a redirect to the new one.
 */
static int
news_article_inherit(news_store_t *st, MDB_txn *txn, news_article_t *a,
    uint64_t id, int64_t now, int *same, news_err_t *err)
{
    int             rc;
    void           *copy;
    MDB_val         key, val;
    news_article_t  old;
    unsigned char   k[12];

    if (news_article_load(st, txn, id, &old, err) != NEWS_OK) {
        return err->code;
    }

    a->id = old.id;
    a->created_at = old.created_at;
    a->comment_count = old.comment_count;
    a->version = old.version + 1;

    news_article_redate(a, &old, now);

    rc = news_article_index(st, txn, &old, 0, err);

    /* what the old record was on: a new slug, section or tag leaves it */
    if (rc == NEWS_OK) {
        rc = news_outbox_article(st, txn, &old, NEWS_KEYS_ALL,
                                 news_article_pages_bound(&old), NULL, now,
                                 err);
    }

    if (rc == NEWS_OK && strcmp(old.slug, a->slug) != 0) {
        rc = news_article_redirect(st, txn, old.slug, id, err);
    }

    /* what its comment pages show of it */
    *same = strcmp(old.slug, a->slug) == 0
            && old.comments_closed == a->comments_closed;

    news_article_free(&old);

    if (rc != NEWS_OK) {
        return rc;
    }

    /* the record as it was: a revision */
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article");
    }

    /* a value is valid only until the next update in this txn: copy it */
    copy = malloc(val.mv_size ? val.mv_size : 1);
    if (copy == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    memcpy(copy, val.mv_data, val.mv_size);
    val.mv_data = copy;

    news_be32_put(k + 8, a->version - 1);
    key.mv_size = sizeof(k);

    rc = mdb_put(txn, st->dbi[NEWS_DB_REVISIONS], &key, &val, 0);
    free(copy);

    if (rc != 0) {
        return news_store_fail(err, rc, "keeping a revision");
    }

    return NEWS_OK;
}


/*
 * The time index and the section and tag indexes of a published
 * article: added (add = 1) or removed.
 */
static int
news_article_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err)
{
    int            rc;
    unsigned       i;
    MDB_val        key, val;
    unsigned char  k[NEWS_CURSOR_LEN];

    if (a->status != NEWS_PUBLISHED) {
        return NEWS_OK;
    }

    if (news_search_index(st, txn, a, add, err) != NEWS_OK) {
        return err->code;
    }

    news_times_key(k, a->published_at, a->id);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = "";
    val.mv_size = 0;

    rc = add ? mdb_put(txn, st->dbi[NEWS_DB_TIMES], &key, &val, 0)
             : mdb_del(txn, st->dbi[NEWS_DB_TIMES], &key, NULL);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "updating the time index");
    }

    if (a->section[0]
        && news_topic_index(st, txn, 's', a->section, a, add, err)
           != NEWS_OK)
    {
        return err->code;
    }

    for (i = 0; i < a->ntags; i++) {
        if (news_topic_index(st, txn, 't', a->tags[i], a, add, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    return NEWS_OK;
}


static int
news_topic_index(news_store_t *st, MDB_txn *txn, char kind,
    const char *name, const news_article_t *a, int add, news_err_t *err)
{
    int            rc, named;
    size_t         n;
    MDB_val        key, val;
    news_buf_t     k;
    unsigned char  t[NEWS_CURSOR_LEN];

    news_buf_init(&k);
    news_buf_addc(&k, kind);
    named = news_slugify(&k, name, strlen(name));

    if (k.failed) {
        news_buf_free(&k);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    /* a name without letters or digits has no page */
    if (!named) {
        news_buf_free(&k);
        return NEWS_OK;
    }

    n = k.len;

    if (add) {
        /* the name as written, for the page's heading */
        k.data[0] = (char) (kind - 'a' + 'A');
        key.mv_data = k.data;
        key.mv_size = n;
        val.mv_data = (void *) name;
        val.mv_size = strlen(name);

        rc = mdb_put(txn, st->dbi[NEWS_DB_TOPICS], &key, &val, 0);
        k.data[0] = kind;

        if (rc != 0) {
            news_buf_free(&k);
            return news_store_fail(err, rc, "writing a topic");
        }
    }

    news_times_key(t, a->published_at, a->id);
    news_buf_addc(&k, '\0');
    news_buf_add(&k, t, sizeof(t));

    key.mv_data = k.data;
    key.mv_size = k.len;
    val.mv_data = "";
    val.mv_size = 0;

    rc = k.failed ? ENOMEM
                  : add ? mdb_put(txn, st->dbi[NEWS_DB_TOPICS], &key, &val, 0)
                        : mdb_del(txn, st->dbi[NEWS_DB_TOPICS], &key, NULL);
    news_buf_free(&k);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "updating a topic index");
    }

    return NEWS_OK;
}


static int
news_article_write(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    news_err_t *err)
{
    int            rc;
    char          *json;
    cJSON         *obj;
    MDB_val        key, val;
    unsigned char  k[NEWS_CURSOR_LEN];

    obj = news_article_to_json(a, 1);
    json = obj ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);

    if (json == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_be64_put(k, a->id);
    key.mv_data = k;
    key.mv_size = 8;
    val.mv_data = json;
    val.mv_size = strlen(json);

    rc = mdb_put(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val, 0);
    free(json);

    if (rc != 0) {
        return news_store_fail(err, rc, "writing an article");
    }

    key.mv_data = a->slug;
    key.mv_size = strlen(a->slug);
    val.mv_data = k;
    val.mv_size = 8;

    rc = mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a slug");
    }

    if (news_desk_index(st, txn, a, 1, err) != NEWS_OK) {
        return err->code;
    }

    return news_article_index(st, txn, a, 1, err);
}


/*
 * Renders and stores every fragment of the article.  The Markdown is
 * rendered once for all of them.  A refresh (its comments changed) skips
 * what comments do not touch: the feed and sitemap entries.  With its
 * comments (cs), its comment pages, featured block and comment state are
 * written from them; without (NULL), they stay as they are, cst read from
 * the state.
 */
static int
news_article_write_fragments(news_store_t *st, MDB_txn *txn,
    news_article_t *a, const news_comments_t *cs, int refresh,
    news_cstate_t *cst, news_err_t *err)
{
    int          rc, kind;
    size_t       i;
    news_buf_t   b, html;
    news_page_t  state;

    if (cs == NULL) {
        rc = news_cstate_get(st, txn, a->id, &state, cst);
        if (rc != NEWS_OK) {
            return news_err_set(err, rc, "reading an article's state");
        }

    } else if (news_article_write_threads(st, txn, a, cs, cst, err)
               != NEWS_OK)
    {
        return err->code;
    }

    news_buf_init(&b);

    if (news_article_body(a, &html, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_cstate_put(st, txn, a, cst, err);

    for (i = 0; rc == NEWS_OK && i < sizeof(news_fragment_kinds) / sizeof(int);
         i++)
    {
        kind = news_fragment_kinds[i];

        if ((refresh && (kind == NEWS_FRAG_ATOM || kind == NEWS_FRAG_SITEMAP))
            || (cs == NULL && kind == NEWS_FRAG_FEATURED))
        {
            continue;
        }

        rc = news_article_put_fragment(st, txn, a, cs, kind, 0, &b, err);
    }

    news_buf_free(&b);
    news_buf_free(&html);
    a->html = NULL;
    a->html_len = 0;

    return rc;
}


/*
 * Every comment page of the article from its comments, each top-level
 * comment placed again as a new one would be (news_cstate_place), and
 * the comment state that says so.
 */
static int
news_article_write_threads(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, news_cstate_t *cst,
    news_err_t *err)
{
    int            rc;
    size_t         i, n, *at;
    uint64_t      *ids;
    unsigned      *on;
    news_buf_t     tb;
    unsigned char  k[9];

    static const char  kinds[] = { NEWS_FRAG_COMMENTS, NEWS_FRAG_PIECES,
                                   NEWS_FRAG_PLACE };

    memset(cst, 0, sizeof(news_cstate_t));
    cst->count = news_comments_visible(cs);
    cst->flags = cst->count > 1 ? NEWS_CSTATE_SORT : 0;

    for (i = 0; i < cs->n && cst->npicks < NEWS_FEATURED_MAX; i++) {
        if (cs->items[i].featured) {
            cst->picks[cst->npicks++] = cs->items[i].id;
        }
    }

    news_buf_init(&tb);

    if (news_render_threads(&tb, a, cs, &at, &ids, &n) != 0) {
        news_buf_free(&tb);
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    on = malloc((n ? n : 1) * sizeof(unsigned));
    rc = on ? NEWS_OK : news_err_set(err, NEWS_ERROR, "out of memory");

    for (i = 0; rc == NEWS_OK && i < n; i++) {
        on[i] = news_cstate_place(cst);
    }

    cst->pages = cst->pages ? cst->pages : 1;
    cst->stored = cst->pages;

    news_be64_put(k, a->id);

    /* the pages, the threads beside them, and the tops' places */
    for (i = 0; rc == NEWS_OK && i < sizeof(kinds); i++) {
        k[8] = (unsigned char) kinds[i];
        rc = news_store_drop_range(st, txn, NEWS_DB_PAGES, k, sizeof(k), err);
    }

    for (i = 0; rc == NEWS_OK && i < n; i++) {
        rc = news_comment_page_put(st, txn, a->id, ids[i], on[i], err);
    }

    if (rc == NEWS_OK) {
        rc = news_article_put_pages(st, txn, a, &tb, at, ids, on, n,
                                    cst->pages, err);
    }

    free(on);
    free(at);
    free(ids);
    news_buf_free(&tb);

    return rc;
}


/* pages 1 .. pages from the threads tb[at[i] .. at[i + 1]) on page on[i] */
static int
news_article_put_pages(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_buf_t *tb, const size_t *at,
    const uint64_t *ids, const unsigned *on, size_t n, unsigned pages,
    news_err_t *err)
{
    int         rc;
    size_t      i, first, k;
    unsigned    page;
    news_buf_t  b;
    news_str_t  th[NEWS_COMMENTS_PAGE];

    news_buf_init(&b);
    rc = NEWS_OK;
    first = 0;

    for (page = 1; rc == NEWS_OK && page <= pages; page++) {
        for (i = first, k = 0; i < n && on[i] == page; i++, k++) {
            th[k].data = tb->data + at[i];
            th[k].len = at[i + 1] - at[i];
        }

        news_buf_reset(&b);
        news_render_comment_value(&b, a, page, pages, th, ids + first, k);

        rc = news_page_put(st, txn, a->id, NEWS_FRAG_COMMENTS, page, &b,
                           err);
        first = i;
    }

    news_buf_free(&b);

    return rc;
}


/* the body as HTML, once for every fragment of a write: a->html */
static int
news_article_body(news_article_t *a, news_buf_t *html, news_err_t *err)
{
    news_buf_init(html);

    if (news_markdown(html, a->body, strlen(a->body)) != 0) {
        news_buf_free(html);
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    a->html = html->data ? html->data : "";
    a->html_len = html->len;

    return NEWS_OK;
}


int
news_article_put_fragment(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, const news_comments_t *cs, int kind,
    unsigned page, news_buf_t *b, news_err_t *err)
{
    news_buf_reset(b);

    if (news_render_fragment(b, a, kind, cs, page) != 0) {
        return news_err_set(err, NEWS_ERROR, "rendering \"%s\" failed",
                            a->slug);
    }

    return news_page_put(st, txn, a->id, kind, page, b, err);
}


/* a rendered fragment stored: id . kind (. be32 page for comment pages) */
int
news_page_put(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    unsigned page, const news_buf_t *b, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[13];

    if (b->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_be64_put(k, id);
    k[8] = (unsigned char) kind;
    news_be32_put(k + 9, page);

    key.mv_data = k;
    key.mv_size = kind == NEWS_FRAG_COMMENTS ? 13 : 9;
    val.mv_data = b->data;
    val.mv_size = b->len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a rendered page");
    }

    return NEWS_OK;
}


/*
 * The comment pages an article may have, without loading its comments:
 * a page holds NEWS_COMMENTS_PAGE threads, each begun by a comment (one
 * more for threads whose top comment is no longer counted as visible).
 */
static unsigned
news_article_pages_bound(const news_article_t *a)
{
    return a->comment_count / NEWS_COMMENTS_PAGE + 1;
}
