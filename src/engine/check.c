/*
 * The store's invariants (check.h).  One walker per database, in the
 * table below; each looks up what its entry refers to and reports, one
 * line each, what does not agree.  The layouts are those of store.h,
 * articles.c, comments.h, users.h and sessions.h.
 *
 * One file of about 1,750 lines: one concern, a short walker for each
 * of the store's databases, all run from the one table and reporting
 * through the same helpers.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "check.h"
#include "comments.h"
#include "search.h"
#include "sessions.h"
#include "text.h"
#include "users.h"
#include "words.h"
#include "community.h"


typedef struct {
    news_store_t  *st;
    MDB_txn       *txn;
    news_check_t  *r;
    const char    *db;          /* the database walked, for the lines */
    uint64_t       sdocs;       /* entries of sdocs */
    uint32_t       words[2];    /* suspect and banned words */
} news_check_ctx_t;


typedef void (*news_check_entry_pt)(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
typedef void (*news_check_done_pt)(news_check_ctx_t *c);


static void news_check_meta_done(news_check_ctx_t *c);
static void news_check_id_mark(news_check_ctx_t *c, const char *mark, int db,
    const char *what);
static void news_check_meta(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_article(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_slug(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_old_address(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static int news_check_old_address_kept(news_check_ctx_t *c,
    const MDB_val *key, uint64_t id);
static void news_check_time(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_topic(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_page(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_comment(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_cindex(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_comment_form(news_check_ctx_t *c,
    const MDB_val *val, const news_comment_t *cm);
static void news_check_comment_indexes(news_check_ctx_t *c,
    const unsigned char *p, const news_comment_t *cm);
static void news_check_pending(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_thread(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_revision(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_user(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_name(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_session(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_sdoc(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_sdocs_done(news_check_ctx_t *c);
static void news_check_steaser(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
typedef int (*news_check_search_pt)(news_store_t *st, MDB_txn *txn,
    const MDB_val *key, const MDB_val *val, news_buf_t *why);
static void news_check_search_entry(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val, news_check_search_pt check);
static void news_check_posting(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_author(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_author_entry(news_check_ctx_t *c,
    const unsigned char *p, const MDB_val *val);
static void news_check_word(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_words_done(news_check_ctx_t *c);
static void news_check_standing(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_modlog(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_report(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);
static void news_check_left(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val);


/*
 * Every database but "throttle", whose entries (failure counts) refer
 * to nothing and may be lost without harm.
 */
static const struct {
    int                   db;
    news_check_entry_pt   entry;
    news_check_done_pt    done;
} news_checks[] = {
    { NEWS_DB_META,      news_check_meta,     news_check_meta_done },
    { NEWS_DB_ARTICLES,  news_check_article,  NULL },
    { NEWS_DB_SLUGS,     news_check_slug,     NULL },
    { NEWS_DB_TIMES,     news_check_time,     NULL },
    { NEWS_DB_TOPICS,    news_check_topic,    NULL },
    { NEWS_DB_PAGES,     news_check_page,     NULL },
    { NEWS_DB_COMMENTS,  news_check_left,     NULL },
    { NEWS_DB_CINDEX,    news_check_cindex,   NULL },
    { NEWS_DB_PENDING,   news_check_pending,  NULL },
    { NEWS_DB_THREADS,   news_check_thread,   NULL },
    { NEWS_DB_AUTHORS,   news_check_author,   NULL },
    { NEWS_DB_REVISIONS, news_check_revision, NULL },
    { NEWS_DB_USERS,     news_check_user,     NULL },
    { NEWS_DB_NAMES,     news_check_name,     NULL },
    { NEWS_DB_SESSIONS,  news_check_session,  NULL },
    { NEWS_DB_SDOCS,     news_check_sdoc,     news_check_sdocs_done },
    { NEWS_DB_POSTINGS,  news_check_posting,  NULL },
    { NEWS_DB_STEASERS,  news_check_steaser,  NULL },
    { NEWS_DB_WORDS,     news_check_word,     news_check_words_done },
    { NEWS_DB_STANDING,  news_check_standing, NULL },
    { NEWS_DB_MODLOG,    news_check_modlog,   NULL },
    { NEWS_DB_REPORTS,   news_check_report,   NULL },
};


/* the fragments every article has (comment pages are counted apart; the
 * state, written since, is read with the page and the JSON) */
static const int  news_check_kinds[] = {
    NEWS_FRAG_PAGE, NEWS_FRAG_JSON, NEWS_FRAG_SUMMARY, NEWS_FRAG_TEASER,
    NEWS_FRAG_ATOM, NEWS_FRAG_SITEMAP
};

/* of those, the ones rewritten by every change, comments included */
#define NEWS_CHECK_CURRENT_KINDS  4


static int news_check_walk(news_check_ctx_t *c, int db,
    news_check_entry_pt entry, news_err_t *err);
static void news_check_fail(news_check_ctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *news_check_key(news_buf_t *b, const void *p, size_t n);
static int news_check_get(news_check_ctx_t *c, int db, const void *k,
    size_t n, MDB_val *val);
static int news_check_load(news_check_ctx_t *c, uint64_t id,
    news_article_t *a);
static void news_check_article_slug(news_check_ctx_t *c,
    const news_article_t *a);
static void news_check_article_indexes(news_check_ctx_t *c,
    const news_article_t *a);
static void news_check_article_search(news_check_ctx_t *c,
    const news_article_t *a);
static void news_check_article_topic(news_check_ctx_t *c,
    const news_article_t *a, char kind, const char *name);
static void news_check_article_pages(news_check_ctx_t *c,
    const news_article_t *a);
static void news_check_article_comments(news_check_ctx_t *c,
    const news_article_t *a);
static void news_check_comment_page(news_check_ctx_t *c, uint64_t id,
    unsigned page, unsigned pages, int state);
static void news_check_piece(news_check_ctx_t *c, const MDB_val *key);
static void news_check_piece_html(news_check_ctx_t *c, uint64_t id,
    unsigned page, uint64_t top, const news_str_t *html);
static void news_check_comment_pages(news_check_ctx_t *c,
    const news_article_t *a, unsigned pages);
static int news_check_id_cmp(const void *a, const void *b);
static int news_check_has_topic(const news_article_t *a, char kind,
    const char *name, size_t n);


void
news_check_init(news_check_t *r)
{
    memset(r, 0, sizeof(*r));
    news_buf_init(&r->lines);
}


void
news_check_free(news_check_t *r)
{
    news_buf_free(&r->lines);
}


int
news_check_store(news_store_t *st, MDB_txn *txn, news_check_t *r,
    news_err_t *err)
{
    size_t            i;
    news_check_ctx_t  c;

    memset(&c, 0, sizeof(c));
    c.st = st;
    c.txn = txn;
    c.r = r;

    for (i = 0; i < sizeof(news_checks) / sizeof(news_checks[0]); i++) {
        c.db = news_db_names[news_checks[i].db];

        if (news_check_walk(&c, news_checks[i].db, news_checks[i].entry, err)
            != NEWS_OK)
        {
            return err->code;
        }

        if (news_checks[i].done) {
            news_checks[i].done(&c);
        }
    }

    if (r->lines.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


static int
news_check_walk(news_check_ctx_t *c, int db, news_check_entry_pt entry,
    news_err_t *err)
{
    int          rc;
    MDB_val      key, val;
    MDB_cursor  *cur;

    rc = mdb_cursor_open(c->txn, c->st->dbi[db], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        c->r->entries++;
        entry(c, &key, &val);
    }

    mdb_cursor_close(cur);

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "walking the store");
    }

    return NEWS_OK;
}


static void
news_check_fail(news_check_ctx_t *c, const char *fmt, ...)
{
    va_list  ap;
    char     line[512];

    c->r->violations++;

    if (c->r->violations > NEWS_CHECK_LINES) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    news_buf_addf(&c->r->lines, "%s: %s\n", c->db, line);
}


/* a key for a line: printable ASCII as is, other bytes as \xNN */
static const char *
news_check_key(news_buf_t *b, const void *p, size_t n)
{
    size_t                i;
    const unsigned char  *s;

    s = p;
    news_buf_reset(b);

    for (i = 0; i < n && i < 64; i++) {
        if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
            news_buf_addc(b, (char) s[i]);

        } else {
            news_buf_addf(b, "\\x%02x", s[i]);
        }
    }

    if (i < n) {
        news_buf_addl(b, "...");
    }

    return news_buf_cstr(b);
}


static int
news_check_get(news_check_ctx_t *c, int db, const void *k, size_t n,
    MDB_val *val)
{
    MDB_val  key;

    key.mv_data = (void *) k;
    key.mv_size = n;

    return mdb_get(c->txn, c->st->dbi[db], &key, val);
}


/* 0, or -1 after reporting nothing (the articles walk reports records) */
static int
news_check_load(news_check_ctx_t *c, uint64_t id, news_article_t *a)
{
    news_err_t  err;

    return news_article_load(c->st, c->txn, id, a, &err) == NEWS_OK ? 0 : -1;
}


/* meta: the schema version, the modification time */

static void
news_check_meta(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size == 6 && memcmp(key->mv_data, "schema", 6) == 0
        && val->mv_size != 4)
    {
        news_check_fail(c, "\"schema\" holds %zu bytes, not 4",
                        val->mv_size);
    }

    if (key->mv_size == 8 && memcmp(key->mv_data, "modified", 8) == 0
        && val->mv_size != 8)
    {
        news_check_fail(c, "\"modified\" holds %zu bytes, not 8",
                        val->mv_size);
    }
}


static void
news_check_meta_done(news_check_ctx_t *c)
{
    MDB_val  val;

    if (news_check_get(c, NEWS_DB_META, "schema", 6, &val) != 0) {
        news_check_fail(c, "no schema version");
    }

    news_check_id_mark(c, "article_id", NEWS_DB_ARTICLES, "article");
    news_check_id_mark(c, "comment_id", NEWS_DB_CINDEX, "comment");
}


/* the highest id ever given, where the store keeps one, is not behind */
static void
news_check_id_mark(news_check_ctx_t *c, const char *mark, int db,
    const char *what)
{
    uint64_t    last;
    MDB_val     val;
    news_err_t  err;

    if (news_check_get(c, NEWS_DB_META, mark, strlen(mark), &val) != 0) {
        return;
    }

    if (val.mv_size != 8) {
        news_check_fail(c, "\"%s\" holds %zu bytes, not 8", mark,
                        val.mv_size);
        return;
    }

    if (news_store_next_id(c->st, c->txn, db, &last, &err) == NEWS_OK
        && news_be64_get(val.mv_data) < last - 1)
    {
        news_check_fail(c, "\"%s\" is %llu, below %s %llu", mark,
                        (unsigned long long) news_be64_get(val.mv_data),
                        what, (unsigned long long) (last - 1));
    }
}


/* articles: each record, and everything that hangs off it */

static void
news_check_article(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    uint64_t        id;
    news_err_t      err;
    news_article_t  a;

    (void) val;

    if (key->mv_size != 8) {
        news_check_fail(c, "a key of %zu bytes", key->mv_size);
        return;
    }

    id = news_be64_get(key->mv_data);

    if (news_article_load(c->st, c->txn, id, &a, &err) != NEWS_OK) {
        news_check_fail(c, "article %llu: %s", (unsigned long long) id,
                        err.msg);
        return;
    }

    if (a.id != id) {
        news_check_fail(c, "article %llu: its record says id %llu",
                        (unsigned long long) id, (unsigned long long) a.id);
    }

    news_check_article_slug(c, &a);
    news_check_article_indexes(c, &a);
    news_check_article_search(c, &a);
    news_check_article_pages(c, &a);
    news_check_article_comments(c, &a);

    news_article_free(&a);
}


static void
news_check_article_slug(news_check_ctx_t *c, const news_article_t *a)
{
    int      rc;
    MDB_val  val;

    rc = news_check_get(c, NEWS_DB_SLUGS, a->slug, strlen(a->slug), &val);

    if (rc != 0) {
        news_check_fail(c, "article %llu: its slug \"%s\" is not in slugs",
                        (unsigned long long) a->id, a->slug);
        return;
    }

    if (val.mv_size != 8 || news_be64_get(val.mv_data) != a->id) {
        news_check_fail(c, "article %llu: its slug \"%s\" names %s %llu",
                        (unsigned long long) a->id, a->slug,
                        val.mv_size == 8 ? "article" : "(as a former slug)",
                        (unsigned long long) (val.mv_size >= 8
                                              ? news_be64_get(val.mv_data)
                                              : 0));
    }
}


/* a published article is in the time index and its section's and tags' */
static void
news_check_article_indexes(news_check_ctx_t *c, const news_article_t *a)
{
    unsigned       i;
    MDB_val        val;
    unsigned char  k[NEWS_CURSOR_LEN];

    if (a->status != NEWS_PUBLISHED) {
        return;
    }

    news_be64_put(k, (uint64_t) a->published_at);
    news_be64_put(k + 8, a->id);

    if (news_check_get(c, NEWS_DB_TIMES, k, sizeof(k), &val) != 0) {
        news_check_fail(c, "article %llu: published but not in times",
                        (unsigned long long) a->id);
    }

    news_check_article_topic(c, a, 's', a->section);

    for (i = 0; i < a->ntags; i++) {
        news_check_article_topic(c, a, 't', a->tags[i]);
    }
}


static void
news_check_article_topic(news_check_ctx_t *c, const news_article_t *a,
    char kind, const char *name)
{
    size_t         n;
    MDB_val        val;
    news_buf_t     k;
    unsigned char  t[NEWS_CURSOR_LEN];

    news_buf_init(&k);
    news_buf_addc(&k, kind);

    /* a name without letters or digits has no page, so no entry */
    if (!news_slugify(&k, name, strlen(name)) || k.failed) {
        if (k.failed) {
            news_check_fail(c, "article %llu: out of memory checking its "
                            "topics", (unsigned long long) a->id);
        }

        news_buf_free(&k);
        return;
    }

    n = k.len;
    k.data[0] = (char) (kind - 'a' + 'A');

    if (news_check_get(c, NEWS_DB_TOPICS, k.data, n, &val) != 0) {
        news_check_fail(c, "article %llu: %s \"%s\" has no name in topics",
                        (unsigned long long) a->id,
                        kind == 's' ? "section" : "tag", name);
    }

    k.data[0] = kind;
    news_be64_put(t, (uint64_t) a->published_at);
    news_be64_put(t + 8, a->id);
    news_buf_addc(&k, '\0');
    news_buf_add(&k, t, sizeof(t));

    if (!k.failed
        && news_check_get(c, NEWS_DB_TOPICS, k.data, k.len, &val) != 0)
    {
        news_check_fail(c, "article %llu: not in the topics index of %s "
                        "\"%s\"", (unsigned long long) a->id,
                        kind == 's' ? "section" : "tag", name);
    }

    news_buf_free(&k);
}


static void
news_check_article_pages(news_check_ctx_t *c, const news_article_t *a)
{
    int          rc;
    size_t       i;
    uint32_t     status;
    news_page_t  pg;

    status = (uint32_t) a->status
             | (a->comments_closed ? NEWS_COMMENTS_CLOSED : 0);

    for (i = 0; i < sizeof(news_check_kinds) / sizeof(int); i++) {
        rc = news_article_fragment(c->st, c->txn, a->id, news_check_kinds[i],
                                   &pg);
        if (rc != 0) {
            news_check_fail(c, "article %llu: fragment '%c' %s",
                            (unsigned long long) a->id,
                            news_check_kinds[i],
                            rc == NEWS_NOTFOUND ? "is missing"
                                               : "does not parse");
            continue;
        }

        if (pg.published_at != a->published_at) {
            news_check_fail(c, "article %llu: fragment '%c' says published "
                            "at %lld, the record %lld",
                            (unsigned long long) a->id, news_check_kinds[i],
                            (long long) pg.published_at,
                            (long long) a->published_at);
        }

        /* the feed and sitemap entries do not show what comments change */
        if (i >= NEWS_CHECK_CURRENT_KINDS) {
            continue;
        }

        if (pg.version != a->version || pg.status != status) {
            news_check_fail(c, "article %llu: fragment '%c' is version %u "
                            "status 0x%x, the record version %u status 0x%x",
                            (unsigned long long) a->id, news_check_kinds[i],
                            pg.version, pg.status, a->version, status);
        }
    }
}


typedef struct {
    uint64_t  id;
    unsigned  depth;
} news_check_id_t;


/*
 * The article's comments: its count of visible ones, each reply's parent
 * on the same article with a depth one less, and its comment pages.
 */
static void
news_check_article_comments(news_check_ctx_t *c, const news_article_t *a)
{
    size_t            i, visible;
    news_err_t        err;
    news_page_t       state;
    news_cstate_t     cst;
    news_comment_t   *cm;
    news_comments_t   cs;
    news_check_id_t  *ids, key, *parent;

    if (news_comments_load(c->st, c->txn, a->id, &cs, &err) != NEWS_OK) {
        news_check_fail(c, "article %llu: its comments do not load: %s",
                        (unsigned long long) a->id, err.msg);
        return;
    }

    ids = malloc((cs.n ? cs.n : 1) * sizeof(news_check_id_t));
    if (ids == NULL) {
        c->r->lines.failed = 1;
        news_comments_free(&cs);
        return;
    }

    visible = 0;

    for (i = 0; i < cs.n; i++) {
        ids[i].id = cs.items[i].id;
        ids[i].depth = cs.items[i].depth;
        visible += (cs.items[i].status == NEWS_COMMENT_VISIBLE);
    }

    qsort(ids, cs.n, sizeof(news_check_id_t), news_check_id_cmp);

    if (visible != a->comment_count) {
        news_check_fail(c, "article %llu: comment_count %u, but %zu visible "
                        "comments", (unsigned long long) a->id,
                        a->comment_count, visible);
    }

    for (i = 0; i < cs.n; i++) {
        cm = &cs.items[i];

        if (cm->status < NEWS_COMMENT_VISIBLE
            || cm->status > NEWS_COMMENT_DELETED)
        {
            news_check_fail(c, "article %llu: comment %llu has status %d",
                            (unsigned long long) a->id,
                            (unsigned long long) cm->id, cm->status);
        }

        if (cm->parent == 0) {
            if (cm->depth != 1) {
                news_check_fail(c, "article %llu: top comment %llu has "
                                "depth %u", (unsigned long long) a->id,
                                (unsigned long long) cm->id, cm->depth);
            }

            continue;
        }

        key.id = cm->parent;
        parent = bsearch(&key, ids, cs.n, sizeof(news_check_id_t),
                         news_check_id_cmp);

        if (parent == NULL) {
            news_check_fail(c, "article %llu: comment %llu replies to %llu, "
                            "not a comment of this article",
                            (unsigned long long) a->id,
                            (unsigned long long) cm->id,
                            (unsigned long long) cm->parent);

        } else if (cm->depth != parent->depth + 1
                   || cm->depth > NEWS_COMMENT_DEPTH)
        {
            news_check_fail(c, "article %llu: comment %llu has depth %u, its "
                            "parent %llu depth %u",
                            (unsigned long long) a->id,
                            (unsigned long long) cm->id, cm->depth,
                            (unsigned long long) parent->id, parent->depth);
        }
    }

    /* pages placed as comments came (articles.h), or as they fill now */
    news_check_comment_pages(c, a,
                             news_cstate_get(c->st, c->txn, a->id, &state,
                                             &cst) == NEWS_OK
                             ? cst.pages : news_render_comment_pages(&cs));

    free(ids);
    news_comments_free(&cs);
}


static int
news_check_id_cmp(const void *a, const void *b)
{
    uint64_t  x, y;

    x = ((const news_check_id_t *) a)->id;
    y = ((const news_check_id_t *) b)->id;

    return (x > y) - (x < y);
}


/*
 * Comment pages 1 .. pages are stored, and no others; in a store from
 * before the state fragment, page 1 is in the article page (render.h).
 */
static void
news_check_comment_pages(news_check_ctx_t *c, const news_article_t *a,
    unsigned pages)
{
    int            rc;
    unsigned       page, n, first;
    MDB_val        key, val;
    MDB_cursor    *cur;
    news_page_t    state;
    unsigned char  k[9];

    first = news_article_fragment(c->st, c->txn, a->id, NEWS_FRAG_STATE,
                                  &state) == NEWS_OK ? 1 : 2;

    news_be64_put(k, a->id);
    k[8] = NEWS_FRAG_COMMENTS;

    if (mdb_cursor_open(c->txn, c->st->dbi[NEWS_DB_PAGES], &cur) != 0) {
        return;
    }

    key.mv_data = k;
    key.mv_size = sizeof(k);
    n = 0;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && (key.mv_size == 13 || key.mv_size == NEWS_PIECE_KEY
                     || key.mv_size == NEWS_CHUNK_KEY)
         && memcmp(key.mv_data, k, 9) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        /* a thread beside its page: news_check_piece's */
        if (key.mv_size != 13) {
            continue;
        }

        page = news_be32_get((unsigned char *) key.mv_data + 9);
        n++;

        if (page < first || page > pages) {
            news_check_fail(c, "article %llu: comment page %u is stored, but "
                            "the comments fill %u", (unsigned long long) a->id,
                            page, pages);
        }

        news_check_comment_page(c, a->id, page, pages, first == 1);
    }

    mdb_cursor_close(cur);

    if (n < pages - first + 1) {
        news_check_fail(c, "article %llu: %u comment pages stored, the "
                        "comments fill %u", (unsigned long long) a->id,
                        n + first - 1, pages);
    }
}


/*
 * Comment page `page` of `pages` reads with the threads beside it (their
 * chunks in order, each of NEWS_CHUNK_BYTES but the last), shows a list
 * of threads when one is (a page that says "No comments yet" takes no
 * piece), and each piece is its top's thread as a page shows it, or
 * nothing.  From schema 12 on (articles.h): every piece in chunks in its
 * place, none of one value over NEWS_CHUNK_BYTES or in the older place
 * (of an article with the comment state, `state`: one from before is read
 * as it was stored until its next write).
 */
static void
news_check_comment_page(news_check_ctx_t *c, uint64_t id, unsigned page,
    unsigned pages, int state)
{
    size_t        i, shown;
    news_cpage_t  cp;

    if (news_article_comment_page(c->st, c->txn, id, page, &cp) != NEWS_OK) {
        news_cpage_free(&cp);
        news_check_fail(c, "article %llu: comment page %u does not read with "
                        "the threads beside it", (unsigned long long) id,
                        page);
        return;
    }

    for (i = 0, shown = 0; i < cp.n; i++) {
        shown += cp.th[i].len > 0;

        if (cp.pieced >> i & 1) {
            news_check_piece_html(c, id, page, cp.ids[i], &cp.piece[i]);
        }
    }

    if (cp.pieces && shown == 0 && pages <= 1) {
        news_check_fail(c, "article %llu: comment page %u has threads beside "
                        "it, and none to show", (unsigned long long) id,
                        page);
    }

    if (c->st->schema >= NEWS_SCHEMA_CHUNKS && cp.named && state
        && cp.regular != cp.pieced)
    {
        news_check_fail(c, "article %llu: comment page %u has pieces of the "
                        "form before threads were kept in chunks (%zu of "
                        "%zu in the older place)", (unsigned long long) id,
                        page, cp.old, cp.pieces);
    }

    news_cpage_free(&cp);
}


/*
 * A thread's chunk beside its comment page (articles.h; in the older
 * place, 'C', its page and top as they are): its top is placed on that
 * page
 */
static void
news_check_piece(news_check_ctx_t *c, const MDB_val *key)
{
    unsigned              page, placed;
    uint64_t              id, top;
    const unsigned char  *p;

    p = key->mv_data;
    id = news_be64_get(p);
    page = news_be32_get(p + 9);
    top = news_be64_get(p + 13);

    if (p[8] == NEWS_FRAG_PIECES) {
        page = ~page;
        top = ~top;
    }

    if (news_comment_page_get(c->st, c->txn, id, top, &placed) != 0
        || placed != page)
    {
        news_check_fail(c, "article %llu: the thread of comment %llu is "
                        "beside comment page %u, where it is not placed",
                        (unsigned long long) id, (unsigned long long) top,
                        page);
    }
}


/* a piece, its chunks joined, is the thread of `top` or nothing */
static void
news_check_piece_html(news_check_ctx_t *c, uint64_t id, unsigned page,
    uint64_t top, const news_str_t *html)
{
    int   len;
    char  head[sizeof("<li class=\"comment\" id=\"comment-\">\n") + 20];

    static const char  tail[] = "</li>\n";

    if (html->len == 0) {
        return;
    }

    len = snprintf(head, sizeof(head), "<li class=\"comment\" id=\"comment-"
                   "%llu\">\n", (unsigned long long) top);

    if (html->len < (size_t) len + sizeof(tail) - 1
        || memcmp(html->data, head, (size_t) len) != 0
        || memcmp(html->data + html->len - (sizeof(tail) - 1), tail,
                  sizeof(tail) - 1) != 0)
    {
        news_check_fail(c, "article %llu: what is beside comment page %u as "
                        "the thread of comment %llu is not that thread",
                        (unsigned long long) id, page,
                        (unsigned long long) top);
    }
}


/*
 * slugs: a current slug names its article; a former one a live article;
 * an import's old address ("/..." or "?p=N") is recorded with its
 * article under 0 . be64 id . address, and each record is a redirect
 */

static void
news_check_slug(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    int             former;
    const char     *name;
    uint64_t        id;
    news_buf_t      b;
    news_article_t  a;

    if (key->mv_size > 0 && ((unsigned char *) key->mv_data)[0] == '\0') {
        news_check_old_address(c, key, val);
        return;
    }

    news_buf_init(&b);
    name = news_check_key(&b, key->mv_data, key->mv_size);

    former = (val->mv_size == 9
              && ((unsigned char *) val->mv_data)[8] == 'R');

    if (val->mv_size != 8 && !former) {
        news_check_fail(c, "\"%s\": a value of %zu bytes", name,
                        val->mv_size);
        news_buf_free(&b);
        return;
    }

    id = news_be64_get(val->mv_data);

    if (news_check_load(c, id, &a) != 0) {
        news_check_fail(c, "%s \"%s\" names article %llu, which does not "
                        "exist", former ? "former slug" : "slug", name,
                        (unsigned long long) id);
        news_buf_free(&b);
        return;
    }

    if (!former && (strlen(a.slug) != key->mv_size
                    || memcmp(a.slug, key->mv_data, key->mv_size) != 0))
    {
        news_check_fail(c, "\"%s\" names article %llu, whose slug is \"%s\"",
                        name, (unsigned long long) id, a.slug);
    }

    if (former && strlen(a.slug) == key->mv_size
        && memcmp(a.slug, key->mv_data, key->mv_size) == 0)
    {
        news_check_fail(c, "former slug \"%s\" is article %llu's current "
                        "slug", name, (unsigned long long) id);
    }

    if (former && (name[0] == '/' || name[0] == '?')
        && !news_check_old_address_kept(c, key, id))
    {
        news_check_fail(c, "old address \"%s\" of article %llu is not "
                        "recorded with it", name, (unsigned long long) id);
    }

    news_article_free(&a);
    news_buf_free(&b);
}


static void
news_check_old_address(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    int             rc;
    uint64_t        id;
    MDB_val         to;
    news_buf_t      b;
    const char     *name;
    unsigned char  *k;

    k = key->mv_data;

    if (key->mv_size <= 9 || val->mv_size != 0) {
        news_check_fail(c, "an old address record of %zu bytes holding %zu",
                        key->mv_size, val->mv_size);
        return;
    }

    id = news_be64_get(k + 1);

    news_buf_init(&b);
    name = news_check_key(&b, k + 9, key->mv_size - 9);

    rc = news_check_get(c, NEWS_DB_SLUGS, k + 9, key->mv_size - 9, &to);

    if (rc != 0 || to.mv_size != 9 || ((unsigned char *) to.mv_data)[8] != 'R'
        || news_be64_get(to.mv_data) != id)
    {
        news_check_fail(c, "article %llu's old address \"%s\" does not "
                        "redirect to it", (unsigned long long) id, name);
    }

    news_buf_free(&b);
}


static int
news_check_old_address_kept(news_check_ctx_t *c, const MDB_val *key,
    uint64_t id)
{
    int            kept;
    MDB_val        val;
    news_buf_t     k;
    unsigned char  head[9];

    head[0] = '\0';
    news_be64_put(head + 1, id);

    news_buf_init(&k);
    news_buf_add(&k, head, sizeof(head));
    news_buf_add(&k, key->mv_data, key->mv_size);

    kept = !k.failed
           && news_check_get(c, NEWS_DB_SLUGS, k.data, k.len, &val) == 0;

    news_buf_free(&k);

    return kept;
}


/* times: published_at . id of a published article */

static void
news_check_time(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    int64_t         t;
    uint64_t        id;
    news_article_t  a;

    (void) val;

    if (key->mv_size != NEWS_CURSOR_LEN) {
        news_check_fail(c, "a key of %zu bytes", key->mv_size);
        return;
    }

    t = (int64_t) news_be64_get(key->mv_data);
    id = news_be64_get((unsigned char *) key->mv_data + 8);

    if (news_check_load(c, id, &a) != 0) {
        news_check_fail(c, "%lld . %llu: no article %llu", (long long) t,
                        (unsigned long long) id, (unsigned long long) id);
        return;
    }

    if (a.status != NEWS_PUBLISHED || a.published_at != t) {
        news_check_fail(c, "%lld . %llu: article %llu is %s, published at "
                        "%lld", (long long) t, (unsigned long long) id,
                        (unsigned long long) id,
                        a.status == NEWS_PUBLISHED ? "published" : "a draft",
                        (long long) a.published_at);
    }

    news_article_free(&a);
}


/*
 * topics: 's'/'t' . slug . 0 . published_at . id of a published article
 * with that section or tag; 'S'/'T' . slug -> a name that slugifies to it
 * (names stay when their last article goes: they are only headings)
 */

static void
news_check_topic(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    char                  kind;
    size_t                n;
    int64_t               t;
    uint64_t              id;
    const char           *name;
    news_buf_t            b, s;
    news_article_t        a;
    const unsigned char  *p, *nul;

    p = key->mv_data;
    kind = key->mv_size ? (char) p[0] : 0;

    news_buf_init(&b);
    name = news_check_key(&b, key->mv_data, key->mv_size);

    if (kind == 'S' || kind == 'T') {
        news_buf_init(&s);

        if (!news_slugify(&s, val->mv_data, val->mv_size)
            || s.len != key->mv_size - 1 || memcmp(s.data, p + 1, s.len) != 0)
        {
            news_check_fail(c, "\"%s\": the name \"%.*s\" is another slug's",
                            name, (int) (val->mv_size < 64 ? val->mv_size
                                                              : 64),
                            (const char *) val->mv_data);
        }

        news_buf_free(&s);
        news_buf_free(&b);
        return;
    }

    nul = key->mv_size ? memchr(p, '\0', key->mv_size) : NULL;
    n = nul ? key->mv_size - (size_t) (nul + 1 - p) : 0;

    if ((kind != 's' && kind != 't') || n != NEWS_CURSOR_LEN) {
        news_check_fail(c, "\"%s\": not a topics key", name);
        news_buf_free(&b);
        return;
    }

    t = (int64_t) news_be64_get(nul + 1);
    id = news_be64_get(nul + 9);

    if (news_check_load(c, id, &a) != 0) {
        news_check_fail(c, "\"%s\": no article %llu", name,
                        (unsigned long long) id);
        news_buf_free(&b);
        return;
    }

    if (a.status != NEWS_PUBLISHED || a.published_at != t
        || !news_check_has_topic(&a, kind, (const char *) p + 1,
                                 (size_t) (nul - p - 1)))
    {
        news_check_fail(c, "\"%s\": article %llu is not a published article "
                        "of that %s at that time", name,
                        (unsigned long long) id,
                        kind == 's' ? "section" : "tag");
    }

    news_article_free(&a);
    news_buf_free(&b);
}


static int
news_check_has_topic(const news_article_t *a, char kind, const char *name,
    size_t n)
{
    int         found;
    unsigned    i;
    news_buf_t  s;

    found = 0;
    news_buf_init(&s);

    for (i = 0; !found && i < (kind == 's' ? 1 : a->ntags); i++) {
        news_buf_reset(&s);

        if (news_slugify(&s, kind == 's' ? a->section : a->tags[i],
                         strlen(kind == 's' ? a->section : a->tags[i]))
            && s.len == n && memcmp(s.data, name, n) == 0)
        {
            found = 1;
        }
    }

    news_buf_free(&s);

    return found;
}


/* pages: id . kind (. be32 page for comment pages) of an article */

static void
news_check_page(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    int                   kind;
    uint64_t              id;
    MDB_val               rec;
    news_page_t           pg;
    const unsigned char  *p;

    p = key->mv_data;
    kind = key->mv_size > 8 ? p[8] : 0;

    /* a comment's record, before its article's fragments (comments.h) */
    if (news_comments_record(key)) {
        news_check_comment(c, key, val);
        return;
    }

    /* a top-level comment's page (articles.h): be32 page */
    if (key->mv_size == 17 && kind == NEWS_FRAG_PLACE) {
        if (val->mv_size != 4 || news_be32_get(val->mv_data) == 0) {
            news_check_fail(c, "article %llu: comment %llu has no page",
                            (unsigned long long) news_be64_get(p),
                            (unsigned long long) news_be64_get(p + 9));
        }

        return;
    }

    if ((key->mv_size == NEWS_PIECE_KEY || key->mv_size == NEWS_CHUNK_KEY)
        && (kind == NEWS_FRAG_COMMENTS || kind == NEWS_FRAG_PIECES))
    {
        news_check_piece(c, key);
        return;
    }

    if (!(key->mv_size == 13 && kind == NEWS_FRAG_COMMENTS)
        && !(key->mv_size == 9 && memchr("PJNSTAMF", kind, 8) != NULL))
    {
        news_check_fail(c, "a key of %zu bytes, kind 0x%02x", key->mv_size,
                        kind);
        return;
    }

    id = news_be64_get(p);

    if (news_check_get(c, NEWS_DB_ARTICLES, p, 8, &rec) != 0) {
        news_check_fail(c, "fragment '%c' of article %llu, which does not "
                        "exist", kind, (unsigned long long) id);
    }

    if (news_page_parse(val->mv_data, val->mv_size, &pg) != 0) {
        news_check_fail(c, "fragment '%c' of article %llu does not parse",
                        kind, (unsigned long long) id);
    }
}


/*
 * The comments database holds the records of a store of schema 6 or older
 * opened read-only, and nothing once the records are in pages.
 */
static void
news_check_left(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    if (c->st->records == NEWS_DB_COMMENTS) {
        news_check_comment(c, key, val);
        return;
    }

    news_check_fail(c, "a comment record left in comments, not in pages "
                    "(key of %zu bytes)", key->mv_size);
}


/*
 * a record (pages: article . created_at . id) of an existing article; the
 * comment index leads back to it; it is of its store's form (comments.h);
 * what it says agrees with the key and the status byte, and its public
 * JSON with its view
 */

static void
news_check_comment(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    uint64_t              id, article;
    MDB_val               rec;
    news_err_t            err;
    news_comment_t        cm;
    const unsigned char  *p;

    p = key->mv_data;

    if (key->mv_size != NEWS_COMMENTS_KEY || val->mv_size == 0) {
        news_check_fail(c, "a key of %zu bytes", key->mv_size);
        return;
    }

    article = news_be64_get(p);
    id = news_be64_get(p + 16);

    if (news_check_get(c, NEWS_DB_ARTICLES, p, 8, &rec) != 0) {
        news_check_fail(c, "comment %llu of article %llu, which does not "
                        "exist", (unsigned long long) id,
                        (unsigned long long) article);
    }

    if (news_check_get(c, NEWS_DB_CINDEX, p + 16, 8, &rec) != 0
        || rec.mv_size != NEWS_COMMENTS_KEY
        || memcmp(rec.mv_data, p, NEWS_COMMENTS_KEY) != 0)
    {
        news_check_fail(c, "comment %llu of article %llu: cindex does not "
                        "lead to it", (unsigned long long) id,
                        (unsigned long long) article);
        return;
    }

    if (news_comment_get(c->st, c->txn, id, &cm, &err) != NEWS_OK) {
        news_check_fail(c, "comment %llu: %s", (unsigned long long) id,
                        err.msg);
        return;
    }

    news_check_comment_form(c, val, &cm);

    if (cm.id != id || cm.article_id != article
        || cm.created_at != (int64_t) news_be64_get(p + 8)
        || cm.status != ((unsigned char *) val->mv_data)[0])
    {
        news_check_fail(c, "comment %llu: its record says id %llu, article "
                        "%llu, created %lld, status %d; its key and status "
                        "byte %llu, %llu, %lld, %d", (unsigned long long) id,
                        (unsigned long long) cm.id,
                        (unsigned long long) cm.article_id,
                        (long long) cm.created_at, cm.status,
                        (unsigned long long) id, (unsigned long long) article,
                        (long long) news_be64_get(p + 8),
                        ((unsigned char *) val->mv_data)[0]);
    }

    news_check_comment_indexes(c, p, &cm);
    news_comment_free(&cm);
}


/*
 * A record of a store of schema 8 has no full JSON after its view (one
 * of an older store opened read-only has); its public JSON is what its
 * view makes
 */
static void
news_check_comment_form(news_check_ctx_t *c, const MDB_val *val,
    const news_comment_t *cm)
{
    size_t        n;
    news_buf_t    b;
    news_cview_t  v;

    if (news_comment_view(val, &v) != 0) {
        return;                     /* news_comment_get said so */
    }

    if (v.full != NULL && c->st->schema >= NEWS_SCHEMA_SLIM) {
        news_check_fail(c, "comment %llu: a record of schema 7's form (its "
                        "full JSON after its view) in a store of schema %u",
                        (unsigned long long) cm->id, c->st->schema);
    }

    news_buf_init(&b);
    news_comment_json(&b, cm);
    n = news_be32_get((unsigned char *) val->mv_data + 1);

    if (!b.failed
        && (b.len != n
            || memcmp(b.data, (unsigned char *) val->mv_data
                              + NEWS_COMMENT_VALUE_HEAD, n) != 0))
    {
        news_check_fail(c, "comment %llu: its public JSON does not say what "
                        "its record says", (unsigned long long) cm->id);
    }

    news_buf_free(&b);
}


/* a pending comment is in the queue; a reply in its thread's index */
static void
news_check_comment_indexes(news_check_ctx_t *c, const unsigned char *p,
    const news_comment_t *cm)
{
    int            hashed;
    uint64_t       root, hash;
    MDB_val        rec, ck;
    news_err_t     err;
    unsigned char  k[NEWS_THREAD_KEY];

    if (cm->status == NEWS_COMMENT_PENDING
        && news_check_get(c, NEWS_DB_PENDING, p + 8, NEWS_PENDING_KEY, &rec)
           != 0)
    {
        news_check_fail(c, "pending comment %llu is not in the queue",
                        (unsigned long long) cm->id);
    }

    k[0] = 'c';
    news_be64_put(k + 1, cm->author_id);
    news_be64_put(k + 9, cm->id);

    if (cm->author_id
        && (news_check_get(c, NEWS_DB_AUTHORS, k, NEWS_AUTHOR_KEY, &rec) != 0
            || news_author_value(&rec, &ck, &hash, &hashed) != 0
            || memcmp(ck.mv_data, p, NEWS_COMMENTS_KEY) != 0))
    {
        news_check_fail(c, "comment %llu is not under its author %llu in "
                        "the author index", (unsigned long long) cm->id,
                        (unsigned long long) cm->author_id);
    }

    if (cm->parent == 0) {
        return;
    }

    if (news_comment_thread_of(c->st, c->txn, cm->parent, &root, &err)
        != NEWS_OK)
    {
        news_check_fail(c, "comment %llu: its parent's thread: %s",
                        (unsigned long long) cm->id, err.msg);
        return;
    }

    memcpy(k, p, 8);
    news_be64_put(k + 8, root);
    memcpy(k + 16, p + 8, 16);

    if (news_check_get(c, NEWS_DB_THREADS, k, sizeof(k), &rec) != 0) {
        news_check_fail(c, "reply %llu is not in thread %llu's index",
                        (unsigned long long) cm->id,
                        (unsigned long long) root);
    }
}


/* pending: be64 created_at . be64 id -> be64 article, a pending comment */

static void
news_check_pending(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    MDB_val        rec;
    unsigned char  k[NEWS_COMMENTS_KEY];

    if (key->mv_size != NEWS_PENDING_KEY || val->mv_size != 8) {
        news_check_fail(c, "a key of %zu bytes, a value of %zu",
                        key->mv_size, val->mv_size);
        return;
    }

    memcpy(k, val->mv_data, 8);
    memcpy(k + 8, key->mv_data, NEWS_PENDING_KEY);

    if (news_check_get(c, c->st->records, k, sizeof(k), &rec) != 0
        || rec.mv_size == 0
        || ((unsigned char *) rec.mv_data)[0] != NEWS_COMMENT_PENDING)
    {
        news_check_fail(c, "the queue holds comment %llu, which is not a "
                        "pending comment of article %llu",
                        (unsigned long long)
                        news_be64_get((unsigned char *) key->mv_data + 8),
                        (unsigned long long) news_be64_get(val->mv_data));
    }
}


/* threads: article . top comment . created_at . id, a reply that exists */

static void
news_check_thread(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    MDB_val               rec;
    const unsigned char  *p;
    unsigned char         k[NEWS_COMMENTS_KEY];

    p = key->mv_data;

    if (key->mv_size != NEWS_THREAD_KEY || val->mv_size != 0) {
        news_check_fail(c, "a key of %zu bytes, a value of %zu",
                        key->mv_size, val->mv_size);
        return;
    }

    memcpy(k, p, 8);
    memcpy(k + 8, p + 16, 16);

    if (news_check_get(c, c->st->records, k, sizeof(k), &rec) != 0) {
        news_check_fail(c, "thread %llu lists comment %llu, which is not a "
                        "comment of article %llu",
                        (unsigned long long) news_be64_get(p + 8),
                        (unsigned long long) news_be64_get(p + 24),
                        (unsigned long long) news_be64_get(p));
    }
}


/* cindex: comment id -> its comments key, which exists */

static void
news_check_cindex(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    uint64_t  id;
    MDB_val   rec;

    if (key->mv_size != 8 || val->mv_size != NEWS_COMMENTS_KEY) {
        news_check_fail(c, "a key of %zu bytes, a value of %zu",
                        key->mv_size, val->mv_size);
        return;
    }

    id = news_be64_get(key->mv_data);

    if (memcmp((unsigned char *) val->mv_data + 16, key->mv_data, 8) != 0) {
        news_check_fail(c, "comment %llu leads to comment %llu's key",
                        (unsigned long long) id,
                        (unsigned long long)
                        news_be64_get((unsigned char *) val->mv_data + 16));
        return;
    }

    if (news_check_get(c, c->st->records, val->mv_data, val->mv_size, &rec)
        != 0)
    {
        news_check_fail(c, "comment %llu (article %llu) is not in comments",
                        (unsigned long long) id,
                        (unsigned long long) news_be64_get(val->mv_data));
    }
}


/* revisions: id . be32 version, older than the live article's */

static void
news_check_revision(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    int             oom;
    uint32_t        version;
    uint64_t        id;
    cJSON          *obj;
    news_article_t  a;

    if (key->mv_size != 12) {
        news_check_fail(c, "a key of %zu bytes", key->mv_size);
        return;
    }

    id = news_be64_get(key->mv_data);
    version = news_be32_get((unsigned char *) key->mv_data + 8);

    obj = news_json_parse(val->mv_data, val->mv_size, &oom);
    if (!cJSON_IsObject(obj)) {
        news_check_fail(c, "article %llu version %u: %s",
                        (unsigned long long) id, version,
                        oom ? "out of memory checking it"
                            : "not a JSON object");
    }

    cJSON_Delete(obj);

    if (news_check_load(c, id, &a) != 0) {
        news_check_fail(c, "article %llu version %u: no such article",
                        (unsigned long long) id, version);
        return;
    }

    if (version >= a.version) {
        news_check_fail(c, "article %llu version %u: not older than the "
                        "article (version %u)", (unsigned long long) id,
                        version, a.version);
    }

    news_article_free(&a);
}


/* users: id -> an account whose name leads back to it */

static void
news_check_user(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    size_t       n;
    uint64_t     id;
    MDB_val      rec;
    news_user_t  u;
    char         lower[NEWS_NAME_MAX];

    (void) val;

    if (key->mv_size != 8) {
        news_check_fail(c, "a key of %zu bytes", key->mv_size);
        return;
    }

    id = news_be64_get(key->mv_data);

    if (news_user_get(c->st, c->txn, id, &u) != 0) {
        news_check_fail(c, "account %llu: a corrupt record",
                        (unsigned long long) id);
        return;
    }

    n = news_username_key(u.name, u.name_len, lower);

    if (news_check_get(c, NEWS_DB_NAMES, lower, n, &rec) != 0
        || rec.mv_size != 8 || news_be64_get(rec.mv_data) != id)
    {
        news_check_fail(c, "account %llu \"%s\": names does not lead to it",
                        (unsigned long long) id, u.name);
    }
}


/* names: a name in lower case -> the account of that name */

static void
news_check_name(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    size_t       n;
    uint64_t     id, mark;
    news_buf_t   b;
    const char  *name;
    news_user_t  u;
    char         lower[NEWS_NAME_MAX];

    news_buf_init(&b);
    name = news_check_key(&b, key->mv_data, key->mv_size);

    if (val->mv_size != 8) {
        news_check_fail(c, "\"%s\": a value of %zu bytes", name,
                        val->mv_size);
        news_buf_free(&b);
        return;
    }

    id = news_be64_get(val->mv_data);

    /* the next-id mark; a deleted account's name stays, reserved */
    if (((char *) key->mv_data)[0] == '\0'
        || (news_user_get(c->st, c->txn, id, &u) != 0
            && news_users_mark(c->st, c->txn, &mark) == 0 && id < mark))
    {
        news_buf_free(&b);
        return;
    }

    if (news_user_get(c->st, c->txn, id, &u) != 0) {
        news_check_fail(c, "\"%s\" names account %llu, which does not exist",
                        name, (unsigned long long) id);
        news_buf_free(&b);
        return;
    }

    n = news_username_key(u.name, u.name_len, lower);

    if (n != key->mv_size || memcmp(lower, key->mv_data, n) != 0) {
        news_check_fail(c, "\"%s\" names account %llu, whose name is \"%s\"",
                        name, (unsigned long long) id, u.name);
    }

    news_buf_free(&b);
}


/*
 * sessions: 's' . hash -> user, expiry, creation, of an existing
 * account, with its 'e' (expiry) and 'u' (user) index keys, and no index
 * key without its session
 */

#define NEWS_CHECK_SKEY  (1 + NEWS_SHA256_LEN)
#define NEWS_CHECK_IKEY  (9 + NEWS_SHA256_LEN)

static void
news_check_session(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    int                   kind;
    uint64_t              uid, expires;
    MDB_val               rec;
    news_user_t           u;
    const unsigned char  *p;
    unsigned char         s[NEWS_CHECK_SKEY], k[NEWS_CHECK_IKEY];

    p = key->mv_data;
    kind = key->mv_size ? p[0] : 0;

    if (kind == 's' && key->mv_size == NEWS_CHECK_SKEY
        && news_session_val_ok(val->mv_size))
    {
        uid = news_be64_get(val->mv_data);
        expires = news_be64_get((unsigned char *) val->mv_data + 8);

        if (news_user_get(c->st, c->txn, uid, &u) != 0) {
            news_check_fail(c, "a session of account %llu, which does not "
                            "exist", (unsigned long long) uid);
        }

        k[0] = 'e';
        news_be64_put(k + 1, expires);
        memcpy(k + 9, p + 1, NEWS_SHA256_LEN);

        if (news_check_get(c, NEWS_DB_SESSIONS, k, sizeof(k), &rec) != 0) {
            news_check_fail(c, "a session of account %llu has no expiry key",
                            (unsigned long long) uid);
        }

        k[0] = 'u';
        news_be64_put(k + 1, uid);

        if (news_check_get(c, NEWS_DB_SESSIONS, k, sizeof(k), &rec) != 0) {
            news_check_fail(c, "a session of account %llu has no user key",
                            (unsigned long long) uid);
        }

        return;
    }

    if ((kind != 'e' && kind != 'u') || key->mv_size != NEWS_CHECK_IKEY) {
        news_check_fail(c, "a key '%c' of %zu bytes, a value of %zu",
                        kind >= 0x20 && kind < 0x7f ? kind : '?',
                        key->mv_size, val->mv_size);
        return;
    }

    s[0] = 's';
    memcpy(s + 1, p + 9, NEWS_SHA256_LEN);

    if (news_check_get(c, NEWS_DB_SESSIONS, s, sizeof(s), &rec) != 0
        || !news_session_val_ok(rec.mv_size)
        || memcmp((unsigned char *) rec.mv_data + (kind == 'e' ? 8 : 0),
                  p + 1, 8) != 0)
    {
        news_check_fail(c, "an index key '%c' %llu without its session",
                        kind, (unsigned long long) news_be64_get(p + 1));
    }
}


/*
 * authors: 'c' . user . comment -> that comment's key, whose record says
 * that author, and their tail; 'd' . user -> 'k' or 'r', an account
 * that is gone
 */

static void
news_check_author(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    MDB_val               rec;
    const unsigned char  *p;

    p = key->mv_data;

    /* an author's tail: their posting rate and count (comments.h) */
    if (key->mv_size == NEWS_AUTHOR_KEY && p[0] == 'c'
        && news_be64_get(p + 9) == NEWS_AUTHOR_TAIL)
    {
        if (val->mv_size != NEWS_AUTHOR_TAIL_VALUE) {
            news_check_fail(c, "author %llu's tail of %zu bytes",
                            (unsigned long long) news_be64_get(p + 1),
                            val->mv_size);
        }

        return;
    }

    if (key->mv_size == NEWS_AUTHOR_KEY && p[0] == 'c') {
        news_check_author_entry(c, p, val);
        return;
    }

    if (key->mv_size != 9 || p[0] != 'd' || val->mv_size != 1
        || (((unsigned char *) val->mv_data)[0] != NEWS_DISOWN_KEEP
            && ((unsigned char *) val->mv_data)[0] != NEWS_DISOWN_REMOVE))
    {
        news_check_fail(c, "a key of %zu bytes, a value of %zu",
                        key->mv_size, val->mv_size);
        return;
    }

    if (news_check_get(c, NEWS_DB_USERS, p + 1, 8, &rec) == 0) {
        news_check_fail(c, "account %llu is marked deleted but exists",
                        (unsigned long long) news_be64_get(p + 1));
    }
}


static void
news_check_author_entry(news_check_ctx_t *c, const unsigned char *p,
    const MDB_val *val)
{
    int             hashed;
    uint64_t        uid, id, hash;
    MDB_val         rec, ck;
    news_err_t      err;
    news_comment_t  cm;

    uid = news_be64_get(p + 1);
    id = news_be64_get(p + 9);

    if (news_author_value(val, &ck, &hash, &hashed) != 0
        || news_be64_get((unsigned char *) ck.mv_data + 16) != id
        || news_check_get(c, c->st->records, ck.mv_data, ck.mv_size, &rec)
           != 0)
    {
        news_check_fail(c, "author %llu lists comment %llu, which is not "
                        "at the key it gives", (unsigned long long) uid,
                        (unsigned long long) id);
        return;
    }

    if (news_comment_get(c->st, c->txn, id, &cm, &err) != NEWS_OK) {
        return;     /* the comments walk reports it */
    }

    if (cm.author_id != uid) {
        news_check_fail(c, "author %llu lists comment %llu, whose author "
                        "is %llu", (unsigned long long) uid,
                        (unsigned long long) id,
                        (unsigned long long) cm.author_id);
    }

    /* a wrong hash would let a duplicate post through */
    if (hashed && hash != news_body_hash(cm.body, strlen(cm.body))) {
        news_check_fail(c, "author %llu lists comment %llu with the hash "
                        "of another text", (unsigned long long) uid,
                        (unsigned long long) id);
    }

    news_comment_free(&cm);
}


/* the search index: each article as it is, nothing else (search.h) */

static void
news_check_article_search(news_check_ctx_t *c, const news_article_t *a)
{
    news_buf_t  why;

    news_buf_init(&why);

    if (news_search_check_article(c->st, c->txn, a, &why) != 0) {
        news_check_fail(c, "article %llu in the search index: %s",
                        (unsigned long long) a->id, news_buf_cstr(&why));
    }

    news_buf_free(&why);
}


static void
news_check_sdoc(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    uint64_t        id;
    news_article_t  a;

    c->sdocs++;

    /* an index of an older format: reindex makes it anew, nothing to check */
    if (news_search_outdated(c->st, c->txn)) {
        return;
    }

    if (key->mv_size != 8 || val->mv_size != 12) {
        news_check_fail(c, "an entry of %zu and %zu bytes", key->mv_size,
                        val->mv_size);
        return;
    }

    id = news_be64_get(key->mv_data);

    if (news_check_load(c, id, &a) != 0) {
        news_check_fail(c, "article %llu is indexed but does not exist",
                        (unsigned long long) id);
        return;
    }

    if (a.status != NEWS_PUBLISHED) {
        news_check_fail(c, "article %llu is indexed but is a draft",
                        (unsigned long long) id);
    }

    news_article_free(&a);
}


static void
news_check_sdocs_done(news_check_ctx_t *c)
{
    uint64_t  docs, length;

    if (news_search_stats(c->st, c->txn, &docs, &length) != 0) {
        if (c->sdocs && !news_search_outdated(c->st, c->txn)) {
            news_check_fail(c, "%llu articles indexed, but no statistics",
                            (unsigned long long) c->sdocs);
        }

        return;
    }

    if (docs != c->sdocs) {
        news_check_fail(c, "the statistics count %llu articles, sdocs %llu",
                        (unsigned long long) docs,
                        (unsigned long long) c->sdocs);
    }
}


/* a word is stored as news_word_fold() makes it, on one of the lists */
static void
news_check_word(news_check_ctx_t *c, const MDB_val *key, const MDB_val *val)
{
    int            list;
    size_t         len;
    news_err_t     err;
    news_buf_t     k;
    char           w[NEWS_WORD_MAX + 3];

    list = val->mv_size == 1 ? *(unsigned char *) val->mv_data : 0;

    if (list == NEWS_WORDS_SUSPECT || list == NEWS_WORDS_BANNED) {
        c->words[list - 1]++;
    }

    if ((list == NEWS_WORDS_SUSPECT || list == NEWS_WORDS_BANNED)
        && news_word_fold(key->mv_data, key->mv_size, w, &len, &err)
           == NEWS_OK
        && len == key->mv_size && memcmp(w, key->mv_data, len) == 0)
    {
        return;
    }

    news_buf_init(&k);
    news_check_fail(c, "%s: not a folded word on a list",
                    news_check_key(&k, key->mv_data, key->mv_size));
    news_buf_free(&k);
}


/* a user id's standing (a deleted account's may stay: it refers on) */
static void
news_check_standing(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    if (key->mv_size != 8 || val->mv_size < 28
        || val->mv_size > 28 + NEWS_REASON_MAX)
    {
        news_check_fail(c, "an entry of %zu and %zu bytes", key->mv_size,
                        val->mv_size);
    }
}


static void
news_check_modlog(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    if (key->mv_size != 8 || val->mv_size < 9
        || ((char *) val->mv_data)[8] != '{')
    {
        news_check_fail(c, "an entry of %zu and %zu bytes that is not one",
                        key->mv_size, val->mv_size);
    }
}


/* a report, a tally or an entry of the tab's order (community.h) */
static void
news_check_report(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    const unsigned char  *k = key->mv_data;

    if (key->mv_size == NEWS_REPORT_KEY && k[0] == 'r'
        && val->mv_size >= 9 && val->mv_size <= 9 + NEWS_REPORT_NOTE_MAX
        && ((unsigned char *) val->mv_data)[8] < NEWS_REPORT_REASONS)
    {
        return;
    }

    if ((key->mv_size == 9 && k[0] == 'c' && val->mv_size == 21)
        || (key->mv_size == NEWS_REPORT_ORDER_KEY && k[0] == 'n'
            && val->mv_size == 0))
    {
        return;
    }

    news_check_fail(c, "an entry of %zu and %zu bytes that is not one",
                    key->mv_size, val->mv_size);
}


/* meta "words" counts what the lists hold */
static void
news_check_words_done(news_check_ctx_t *c)
{
    MDB_val  val;

    if (news_check_get(c, NEWS_DB_META, "words", 5, &val) != 0) {
        if (c->words[0] || c->words[1]) {
            news_check_fail(c, "words but no \"words\" in meta");
        }

        return;
    }

    if (val.mv_size != 16
        || news_be32_get((unsigned char *) val.mv_data + 8) != c->words[0]
        || news_be32_get((unsigned char *) val.mv_data + 12) != c->words[1])
    {
        news_check_fail(c, "meta \"words\" does not count %u suspect and "
                        "%u banned words", c->words[0], c->words[1]);
    }
}


static void
news_check_posting(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    news_check_search_entry(c, key, val, news_search_check_block);
}


static void
news_check_steaser(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val)
{
    news_check_search_entry(c, key, val, news_steaser_check_entry);
}


/* an entry of the search index's, by its own module's check */
static void
news_check_search_entry(news_check_ctx_t *c, const MDB_val *key,
    const MDB_val *val, news_check_search_pt check)
{
    news_buf_t  why, k;

    news_buf_init(&why);
    news_buf_init(&k);

    if (check(c->st, c->txn, key, val, &why) != 0) {
        news_check_fail(c, "%s: %s",
                        news_check_key(&k, key->mv_data, key->mv_size),
                        news_buf_cstr(&why));
    }

    news_buf_free(&why);
    news_buf_free(&k);
}
