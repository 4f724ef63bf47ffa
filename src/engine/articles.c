/*
 * Articles in the store: slugs and old addresses, fragments and records
 * read, lists, revisions, the comment state and comment pages; see
 * articles.h for the layout of each database.  Writing an article is
 * publish.c's.
 *
 * Long (about 1,300 lines) for one reason: it is the read side of
 * articles.h's databases that every reader's path shares (slugs, old
 * addresses, times, topics, pages, revisions, the comment state), each
 * key built in one place here; publish.c writes them, and the desk and
 * search read an article's record for their own teasers.  The comment
 * pages with the threads beside them are comment_pages.c's.  Its seams,
 * should it grow: the addresses (slugs and old addresses), the lists
 * (times and topics), the comment state (news_cstate_*,
 * news_comment_page_*).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "text.h"


static int news_article_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    MDB_val *val, news_err_t *err);
static int news_article_view_of(news_store_t *st, MDB_txn *txn,
    uint64_t id, const char *without, news_article_t *a, cJSON **rec,
    news_err_t *err);
static int news_article_parse(const MDB_val *val, uint64_t id,
    const char *without, cJSON **obj, news_err_t *err);
static int news_article_record(const MDB_val *val, uint64_t id,
    news_article_t *a, news_err_t *err);
static int news_slug_get(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, int *moved);
static int news_fragment_join(news_store_t *st, MDB_txn *txn, uint64_t id,
    int kind, unsigned cpage, news_buf_t *join, news_page_t *pg);
static int news_article_comments_in(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned cpage, news_buf_t *join, news_page_t *pg);
static int news_article_state(news_store_t *st, MDB_txn *txn,
    news_article_t *a, news_err_t *err);
static int news_article_release(news_store_t *st, MDB_txn *txn,
    uint64_t id, news_buf_t *names, int walked, const char *what,
    news_err_t *err);
static int news_article_free_old_addresses(news_store_t *st, MDB_txn *txn,
    uint64_t id, news_err_t *err);
static void news_old_address_key(news_buf_t *b, uint64_t id,
    const char *address);
static void news_comment_page_key(unsigned char *k, uint64_t article,
    uint64_t top);


int
news_article_changed(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t comment, int kind, int64_t now, news_err_t *err)
{
    if (!st->batching) {
        st->ndirty = 0;

    } else if (st->ndirty == sizeof(st->dirty) / sizeof(st->dirty[0])
               && st->flush(st, txn, NULL, err) != NEWS_OK)
    {
        return err->code;
    }

    st->dirty_now = now;
    st->dirty[st->ndirty].article = id;
    st->dirty[st->ndirty].comment = comment;
    st->dirty[st->ndirty].kind = kind;
    st->ndirty++;

    return st->batching ? NEWS_OK : st->flush(st, txn, NULL, err);
}


/*
 * The times of an update that does not give them.  Without a
 * publication time it keeps its own (a correction does not move the
 * story in the lists and feeds), but a draft published now is dated now
 * (or keeps a time still ahead: it is scheduled).  Without an update
 * time, a change to an article readers could see is a correction, dated
 * now ("Updated" on its page); any other is dated with its publication.
 */
void
news_article_redate(news_article_t *a, const news_article_t *old,
    int64_t now)
{
    if (a->undated) {
        a->published_at = old->published_at;

        if (old->status == NEWS_DRAFT && a->status == NEWS_PUBLISHED
            && old->published_at < now)
        {
            a->published_at = now;
        }
    }

    if (a->updated_at != 0) {
        return;
    }

    a->updated_at = a->published_at;

    if (old->status == NEWS_PUBLISHED && old->published_at <= now
        && a->status == NEWS_PUBLISHED && now > a->published_at)
    {
        a->updated_at = now;
    }
}


/* an old slug: be64 id . 'R', so that readers are sent to the new one */
int
news_article_redirect(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t id, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  v[9];

    news_be64_put(v, id);
    v[8] = 'R';

    key.mv_data = (void *) slug;
    key.mv_size = strlen(slug);
    val.mv_data = v;
    val.mv_size = sizeof(v);

    rc = mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "keeping an old slug");
    }

    return NEWS_OK;
}


/*
 * The article that holds a slug, current or former.  A slug that leads
 * to no article (left by a delete before deletes freed slugs) is free:
 * MDB_NOTFOUND, as for a slug never used.
 */
int
news_article_holder(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t *id)
{
    int            rc, moved;
    MDB_val        key, val;
    unsigned char  k[8];

    rc = news_slug_get(st, txn, slug, strlen(slug), id, &moved);
    if (rc != 0) {
        return rc;
    }

    news_be64_put(k, *id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    return mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, &val);
}




/*
 * The slugs an article had before (each rename filed the old record as a
 * revision) are released with it, so that a new article may take them;
 * a slug another article holds now is left alone.  The slugs are copied
 * out first: deleting invalidates the revisions' values.  Its old
 * addresses from an import go with them.
 */
int
news_article_free_slugs(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int             rc, oom;
    cJSON          *obj;
    MDB_val         key, val;
    news_buf_t      slugs;
    MDB_cursor     *cur;
    const char     *slug;
    unsigned char   k[8];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_buf_init(&slugs);
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size > sizeof(k) && memcmp(key.mv_data, k, 8) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        /* a slug skipped for want of memory would stay held */
        obj = news_json_parse(val.mv_data, val.mv_size, &oom);
        slugs.failed |= oom;
        slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                                     "slug"));
        if (slug != NULL) {
            news_buf_add(&slugs, slug, strlen(slug) + 1);
        }

        cJSON_Delete(obj);
    }

    mdb_cursor_close(cur);

    rc = news_article_release(st, txn, id, &slugs, rc, "reading revisions",
                              err);
    if (rc != NEWS_OK) {
        return rc;
    }

    return news_article_free_old_addresses(st, txn, id, err);
}


/*
 * Deletes each slugs entry named in `names` (0-terminated, one after the
 * other) that still leads to article id: one another article has taken
 * since is left alone.  The names were gathered by a walk that ended
 * with LMDB's code `walked` (`what` says of what); names is freed.
 */
static int
news_article_release(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_buf_t *names, int walked, const char *what, news_err_t *err)
{
    int          rc, moved;
    MDB_val      key;
    uint64_t     owner;
    const char  *p, *end;

    if (walked != 0 && walked != MDB_NOTFOUND) {
        news_buf_free(names);
        return news_store_fail(err, walked, what);
    }

    if (names->failed) {
        news_buf_free(names);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    rc = 0;
    end = names->data + names->len;

    for (p = names->data; rc == 0 && p != NULL && p < end;
         p += strlen(p) + 1)
    {
        rc = news_slug_get(st, txn, p, strlen(p), &owner, &moved);

        if (rc == 0 && owner == id) {
            key.mv_data = (void *) p;
            key.mv_size = strlen(p);
            rc = mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key, NULL);
        }

        if (rc == MDB_NOTFOUND) {
            rc = 0;
        }
    }

    news_buf_free(names);

    if (rc != 0) {
        return news_store_fail(err, rc, "freeing a former slug");
    }

    return NEWS_OK;
}


/*
 * An imported article's old addresses: each is a redirect entry and, so
 * that a delete finds them, a key 0 . be64 id . address (empty value; no
 * slug or path begins with a 0 byte).  An address that another article
 * had moves to this one, its record with it.
 */
int
news_article_add_old_address(news_store_t *st, MDB_txn *txn,
    const char *address, uint64_t id, news_err_t *err)
{
    int         rc, moved;
    MDB_val     key, val;
    uint64_t    owner;
    news_buf_t  k;

    rc = news_slug_get(st, txn, address, strlen(address), &owner, &moved);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "looking up an old address");
    }

    news_buf_init(&k);
    news_old_address_key(&k, rc == 0 ? owner : id, address);

    key.mv_data = k.data;
    key.mv_size = k.len;

    if (rc == 0 && owner == id && moved && !k.failed
        && mdb_get(txn, st->dbi[NEWS_DB_SLUGS], &key, &val) == 0)
    {
        news_buf_free(&k);
        return NEWS_OK;         /* kept by an earlier import: no write */
    }

    if (rc == 0 && owner != id) {
        rc = k.failed ? ENOMEM : mdb_del(txn, st->dbi[NEWS_DB_SLUGS], &key,
                                         NULL);
        if (rc != 0 && rc != MDB_NOTFOUND) {
            news_buf_free(&k);
            return news_store_fail(err, rc, "moving an old address");
        }
    }

    if (news_article_redirect(st, txn, address, id, err) != NEWS_OK) {
        news_buf_free(&k);
        return err->code;
    }

    k.len = 0;
    news_old_address_key(&k, id, address);

    key.mv_data = k.data;
    key.mv_size = k.len;
    val.mv_data = "";
    val.mv_size = 0;

    rc = k.failed ? ENOMEM : mdb_put(txn, st->dbi[NEWS_DB_SLUGS], &key, &val,
                                     0);
    news_buf_free(&k);

    if (rc != 0) {
        return news_store_fail(err, rc, "keeping an old address");
    }

    return NEWS_OK;
}


static void
news_old_address_key(news_buf_t *b, uint64_t id, const char *address)
{
    unsigned char  k[9];

    k[0] = '\0';
    news_be64_put(k + 1, id);

    news_buf_add(b, k, sizeof(k));
    news_buf_adds(b, address);
}


/*
 * The old addresses an import gave the article are released with it (an
 * address another article has since taken stays that one's).  They are
 * copied out first, then their keys dropped.
 */
static int
news_article_free_old_addresses(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err)
{
    int             rc;
    MDB_val         key, val;
    news_buf_t      addresses;
    MDB_cursor     *cur;
    unsigned char   k[9];

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_SLUGS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_buf_init(&addresses);
    k[0] = '\0';
    news_be64_put(k + 1, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size > sizeof(k)
         && memcmp(key.mv_data, k, sizeof(k)) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        news_buf_add(&addresses, (char *) key.mv_data + sizeof(k),
                     key.mv_size - sizeof(k));
        news_buf_addc(&addresses, '\0');
    }

    mdb_cursor_close(cur);

    rc = news_article_release(st, txn, id, &addresses, rc,
                              "reading old addresses", err);
    if (rc != NEWS_OK) {
        return rc;
    }

    return news_store_drop_range(st, txn, NEWS_DB_SLUGS, k, sizeof(k), err);
}


int
news_article_id(news_store_t *st, MDB_txn *txn, const char *slug, size_t len,
    uint64_t *id)
{
    int  moved;

    return news_store_code(news_slug_get(st, txn, slug, len, id, &moved));
}


int
news_article_find(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, int *moved)
{
    return news_store_code(news_slug_get(st, txn, slug, len, id, moved));
}


/* LMDB's code: the callers inside this file tell MDB_NOTFOUND apart */
static int
news_slug_get(news_store_t *st, MDB_txn *txn, const char *slug, size_t len,
    uint64_t *id, int *moved)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = (void *) slug;
    key.mv_size = len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_SLUGS], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != 8 && val.mv_size != 9) {
        return MDB_CORRUPTED;
    }

    *id = news_be64_get(val.mv_data);
    *moved = (val.mv_size == 9);

    return 0;
}


int
news_article_public(const news_page_t *pg, int64_t now)
{
    return (pg->status & NEWS_STATUS_MASK) == NEWS_PUBLISHED
           && pg->published_at <= now;
}


int
news_article_public_id(news_store_t *st, MDB_txn *txn, uint64_t id,
    int64_t now)
{
    news_page_t  pg;

    /* the teaser's header says it: no record to parse */
    if (news_article_fragment(st, txn, id, NEWS_FRAG_TEASER, &pg) != 0) {
        return 0;
    }

    return news_article_public(&pg, now);
}


int
news_article_fragment(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg)
{
    int  rc;

    if (kind == NEWS_FRAG_PAGE) {
        return news_article_page(st, txn, id, 1, NULL, pg);
    }

    rc = news_fragment_get(st, txn, id, kind, pg);

    if (rc == 0 && kind == NEWS_FRAG_JSON) {
        rc = news_fragment_join(st, txn, id, kind, 1, NULL, pg);
    }

    return news_store_code(rc);
}


int
news_article_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned cpage, news_buf_t *join, news_page_t *pg)
{
    int  rc;

    rc = news_fragment_get(st, txn, id, NEWS_FRAG_PAGE, pg);

    if (rc == 0) {
        rc = news_fragment_join(st, txn, id, NEWS_FRAG_PAGE, cpage, join, pg);
    }

    return news_store_code(rc);
}


/*
 * The page or the JSON with what comments change put in (render.h): the
 * state's validators, and comment page `cpage` with its pieces and the
 * count after the page's parts, or the count between the JSON's two
 * parts.  Two lookups and a short walk more, whatever the comments.  A
 * page or JSON of a store from before the state fragment is whole
 * already, but for its comment pages after the first.
 */
static int
news_fragment_join(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    unsigned cpage, news_buf_t *join, news_page_t *pg)
{
    int          rc;
    news_page_t  state;

    rc = news_fragment_get(st, txn, id, NEWS_FRAG_STATE, &state);

    if (rc == MDB_NOTFOUND) {
        return (kind == NEWS_FRAG_PAGE && cpage > 1)
               ? news_article_comments_in(st, txn, id, cpage, join, pg) : 0;
    }

    if (rc != 0) {
        return rc;
    }

    pg->version = state.version;
    pg->modified_at = state.modified_at;

    if (kind == NEWS_FRAG_JSON) {
        if (pg->nparts != 2) {
            return MDB_CORRUPTED;
        }

        pg->part[2] = pg->part[1];
        pg->part[1] = state.part[0];
        pg->nparts = 3;

        return 0;
    }

    if (pg->nparts != NEWS_ARTICLE_PARTS && pg->nparts != NEWS_PAGE_PARTS) {
        return MDB_CORRUPTED;
    }

    /* the state and comment page 1 are written together */
    rc = news_article_comments_in(st, txn, id, cpage, join, pg);
    if (rc != 0) {
        return (rc == MDB_NOTFOUND && cpage > 1) ? rc : MDB_CORRUPTED;
    }

    /* the count in the byline's link, between the story's two parts */
    if (pg->nparts == NEWS_PAGE_PARTS) {
        pg->part[NEWS_PART_COUNT] = state.part[0];
        pg->nparts = NEWS_PART_COUNT + 1;
    }

    return 0;
}


/* comment page cpage joined in the page's NEWS_PART_COMMENTS: LMDB's code */
static int
news_article_comments_in(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned cpage, news_buf_t *join, news_page_t *pg)
{
    int  rc;

    if (join == NULL) {
        pg->part[NEWS_PART_COMMENTS].data = "";
        pg->part[NEWS_PART_COMMENTS].len = 0;
        return 0;
    }

    rc = news_article_comment_html(st, txn, id, cpage, join,
                                   &pg->part[NEWS_PART_COMMENTS]);

    if (rc == NEWS_NOTFOUND) {
        return MDB_NOTFOUND;
    }

    if (rc != NEWS_OK) {
        return join->failed ? ENOMEM : MDB_CORRUPTED;
    }

    return 0;
}


/* LMDB's code, for the callers inside this file and publish.c */
int
news_fragment_get(news_store_t *st, MDB_txn *txn, uint64_t id, int kind,
    news_page_t *pg)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[9];

    news_be64_put(k, id);
    k[8] = (unsigned char) kind;
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_PAGES], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (news_page_parse(val.mv_data, val.mv_size, pg) != 0
        || pg->nparts == 0)
    {
        return MDB_CORRUPTED;
    }

    return 0;
}


int
news_article_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, news_err_t *err)
{
    int      rc;
    MDB_val  val;

    if (news_article_get(st, txn, id, &val, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_record(&val, id, a, err);

    if (rc == NEWS_OK && news_article_state(st, txn, a, err) != NEWS_OK) {
        news_article_free(a);
        return err->code;
    }

    return rc;
}


int
news_article_view(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, cJSON **rec, news_err_t *err)
{
    return news_article_view_of(st, txn, id, NULL, a, rec, err);
}


int
news_article_view_head(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_article_t *a, cJSON **rec, news_err_t *err)
{
    return news_article_view_of(st, txn, id, "body", a, rec, err);
}


/* news_article_view's, the record's member `without` left out if set */
static int
news_article_view_of(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *without, news_article_t *a, cJSON **rec, news_err_t *err)
{
    MDB_val  val;

    if (news_article_get(st, txn, id, &val, err) != NEWS_OK
        || news_article_parse(&val, id, without, rec, err) != NEWS_OK)
    {
        return err->code;
    }

    news_article_view_json(a, *rec);

    return NEWS_OK;
}


/* the stored record of article id: NEWS_NOTFOUND when there is none */
static int
news_article_get(news_store_t *st, MDB_txn *txn, uint64_t id, MDB_val *val,
    news_err_t *err)
{
    int            rc;
    MDB_val        key;
    unsigned char  k[8];

    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_ARTICLES], &key, val);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article");
    }

    return NEWS_OK;
}


/* a stored record (an article's, or one of its revisions), parsed */
static int
news_article_record(const MDB_val *val, uint64_t id, news_article_t *a,
    news_err_t *err)
{
    int     rc;
    cJSON  *obj;

    if (news_article_parse(val, id, NULL, &obj, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_from_json(a, obj, 0, 1, err);
    cJSON_Delete(obj);

    return rc;
}


/* a stored record's JSON, a lack of memory told apart from damage */
static int
news_article_parse(const MDB_val *val, uint64_t id, const char *without,
    cJSON **obj, news_err_t *err)
{
    int  oom;

    *obj = without == NULL
           ? news_json_parse(val->mv_data, val->mv_size, &oom)
           : news_json_parse_without(val->mv_data, val->mv_size, without,
                                     &oom);
    if (*obj == NULL) {
        return oom ? news_err_set(err, NEWS_ERROR, "out of memory")
                   : news_err_set(err, NEWS_ERROR, "article %llu: corrupt "
                                  "record", (unsigned long long) id);
    }

    return NEWS_OK;
}


int
news_article_revision_load(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t version, news_article_t *a, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[12];

    news_be64_put(k, id);
    news_be32_put(k + 8, version);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_REVISIONS], &key, &val);

    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no version %u of this "
                            "article", (unsigned) version);
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading a revision");
    }

    return news_article_record(&val, id, a, err);
}


int
news_article_revision_list(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t before, uint32_t *out, size_t n, size_t *count, int *more,
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  k[12];

    *count = 0;
    *more = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_be64_put(k, id);
    news_be32_put(k + 8, before ? before : UINT32_MAX);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    /* the first key at or past (id, before); the one before it is ours */
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == MDB_NOTFOUND ? MDB_LAST
                                                           : MDB_PREV);

    while (rc == 0 && key.mv_size == 12 && memcmp(key.mv_data, k, 8) == 0) {
        if (*count == n) {
            *more = 1;
            break;
        }

        out[(*count)++] = news_be32_get((unsigned char *) key.mv_data + 8);
        rc = mdb_cursor_get(cur, &key, &val, MDB_PREV);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading revisions");
    }

    return NEWS_OK;
}


/*
 * What comments changed since the record was written is in the state
 * fragment (render.h): the version, the last change, the count.  The
 * record's version is the higher one only in a store damaged by hand,
 * which newsctl check then reports.
 */
static int
news_article_state(news_store_t *st, MDB_txn *txn, news_article_t *a,
    news_err_t *err)
{
    int          rc;
    size_t       i;
    uint64_t     count;
    news_page_t  state;

    rc = news_fragment_get(st, txn, a->id, NEWS_FRAG_STATE, &state);

    if (rc == MDB_NOTFOUND) {
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading an article's state");
    }

    /* the count is the map's bytes, not a C string */
    count = 0;

    for (i = 0; i < state.part[0].len && i < 10; i++) {
        if (state.part[0].data[i] < '0' || state.part[0].data[i] > '9') {
            break;
        }

        count = count * 10 + (uint64_t) (state.part[0].data[i] - '0');
    }

    if (i == 0 || i != state.part[0].len || count > UINT32_MAX) {
        return news_err_set(err, NEWS_ERROR, "article %llu: corrupt state",
                            (unsigned long long) a->id);
    }

    if (state.version > a->version) {
        a->version = state.version;
    }

    a->modified_at = state.modified_at;
    a->comment_count = (uint32_t) count;

    return NEWS_OK;
}


int
news_articles_list(news_store_t *st, MDB_txn *txn, news_list_t *l,
    news_buf_t *out, news_err_t *err)
{
    int                   rc;
    size_t                skip, plen;
    MDB_val               key, val;
    MDB_cursor           *cur;
    news_page_t           pg;
    unsigned char         start[NEWS_SLUG_MAX + 2 + NEWS_CURSOR_LEN];
    const unsigned char  *t;

    l->count = 0;
    l->more = 0;
    skip = l->skip;

    /* a topic's keys are its prefix, a NUL, then a times key */
    plen = l->topic ? strlen(l->topic) + 1 : 0;

    if (plen > NEWS_SLUG_MAX + 2) {
        return NEWS_OK;
    }

    if (plen) {
        memcpy(start, l->topic, plen);
    }

    /* the first key after the last second published by now */
    news_times_key(start + plen, l->now + 1, 0);

    if (l->cursor && memcmp(l->cursor, start + plen, NEWS_CURSOR_LEN) < 0) {
        memcpy(start + plen, l->cursor, NEWS_CURSOR_LEN);
    }

    rc = mdb_cursor_open(txn, st->dbi[plen ? NEWS_DB_TOPICS : NEWS_DB_TIMES],
                         &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    /* the first key at or after the start, then one step back */
    key.mv_data = start;
    key.mv_size = plen + NEWS_CURSOR_LEN;

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    /* a failed seek leaves the cursor nowhere: MDB_PREV would start over */
    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(cur, &key, &val,
                            rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    }

    for ( /* void */ ; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_PREV))
    {
        if (key.mv_size != plen + NEWS_CURSOR_LEN
            || memcmp(key.mv_data, start, plen) != 0)
        {
            if (plen) {
                break;
            }

            continue;
        }

        t = (const unsigned char *) key.mv_data + plen;

        if (skip) {
            skip--;
            continue;
        }

        if (l->count == l->limit) {
            l->more = 1;
            break;
        }

        rc = news_fragment_get(st, txn, news_be64_get(t + 8), l->kind, &pg);
        if (rc != 0) {
            break;
        }

        if (l->count && l->sep) {
            news_buf_adds(out, l->sep);
        }

        if (l->marks) {
            news_render_expand(out, pg.part[0].data, pg.part[0].len,
                               l->marks);

        } else {
            news_buf_add(out, pg.part[0].data, pg.part[0].len);
        }

        memcpy(l->next, t, NEWS_CURSOR_LEN);
        l->count++;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "listing articles");
    }

    if (out->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


int
news_articles_schedule(news_store_t *st, MDB_txn *txn, int64_t now,
    news_schedule_t *sc, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  start[NEWS_CURSOR_LEN];

    sc->due = 0;
    sc->next = 0;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_TIMES], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    news_times_key(start, now + 1, 0);
    key.mv_data = start;
    key.mv_size = sizeof(start);

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);

    if (rc == 0 && key.mv_size == NEWS_CURSOR_LEN) {
        sc->next = (int64_t) news_be64_get(key.mv_data);
    }

    if (rc == 0 || rc == MDB_NOTFOUND) {
        rc = mdb_cursor_get(cur, &key, &val,
                            rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    }

    if (rc == 0 && key.mv_size == NEWS_CURSOR_LEN) {
        sc->due = (int64_t) news_be64_get(key.mv_data);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the schedule");
    }

    return NEWS_OK;
}


int
news_list_stamp(news_store_t *st, MDB_txn *txn, int64_t now,
    news_list_stamp_t *ls, news_err_t *err)
{
    if (news_articles_schedule(st, txn, now, &ls->sc, err) != NEWS_OK) {
        return err->code;
    }

    ls->snapshot = news_store_snapshot(st, txn);
    ls->modified = news_store_modified(st, txn);

    return NEWS_OK;
}


int
news_topic_name(news_store_t *st, MDB_txn *txn, const char *topic,
    news_buf_t *name)
{
    int      rc;
    char     k[NEWS_SLUG_MAX + 2];
    size_t   n;
    MDB_val  key, val;

    n = strlen(topic);
    if (n < 2 || n > sizeof(k)) {
        return NEWS_NOTFOUND;
    }

    memcpy(k, topic, n);
    k[0] = (char) (k[0] - 'a' + 'A');
    key.mv_data = k;
    key.mv_size = n;

    rc = mdb_get(txn, st->dbi[NEWS_DB_TOPICS], &key, &val);
    if (rc == 0) {
        news_buf_add(name, val.mv_data, val.mv_size);
    }

    return news_store_code(rc);
}


void
news_times_key(unsigned char *key, int64_t t, uint64_t id)
{
    news_be64_put(key, (uint64_t) t);
    news_be64_put(key + 8, id);
}


/* an editors' route, and rare: parsing the old records is fine here */
int
news_article_revisions_json(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_buf_t *b, news_err_t *err)
{
    int             rc, first, oom;
    cJSON          *obj;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[8];
    news_article_t  a;
    news_err_t      skipped;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_REVISIONS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_buf_addl(b, "{\"revisions\":[");
    news_be64_put(k, id);
    key.mv_data = k;
    key.mv_size = 8;
    first = 1;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && key.mv_size == 12 && memcmp(key.mv_data, k, 8) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        obj = news_json_parse(val.mv_data, val.mv_size, &oom);
        b->failed |= oom;

        if (obj == NULL
            || news_article_from_json(&a, obj, 0, 1, &skipped) != NEWS_OK)
        {
            cJSON_Delete(obj);
            continue;
        }

        cJSON_Delete(obj);
        news_buf_addf(b, "%s{\"version\":%u,\"updated_at\":\"",
                      first ? "" : ",", a.version);
        news_time_rfc3339(b, a.updated_at);
        news_buf_addl(b, "\",\"slug\":");
        news_json_string(b, a.slug, strlen(a.slug));
        news_buf_addl(b, ",\"title\":");
        news_json_string(b, a.title, strlen(a.title));
        news_buf_addl(b, ",\"body\":");
        news_json_string(b, a.body, strlen(a.body));
        news_buf_addc(b, '}');
        news_article_free(&a);
        first = 0;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading revisions");
    }

    news_buf_addl(b, "]}\n");

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


#define NEWS_CSTATE_HEAD  24


int
news_cstate_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_page_t *state, news_cstate_t *cs)
{
    int                   rc;
    size_t                i;
    uint64_t              count;
    const unsigned char  *p;

    rc = news_fragment_get(st, txn, id, NEWS_FRAG_STATE, state);
    if (rc != 0) {
        return news_store_code(rc);
    }

    if (state->nparts != 2 || state->part[1].len < NEWS_CSTATE_HEAD) {
        return NEWS_NOTFOUND;
    }

    for (i = 0, count = 0; i < state->part[0].len && i < 10; i++) {
        if (state->part[0].data[i] < '0' || state->part[0].data[i] > '9') {
            return NEWS_ERROR;
        }

        count = count * 10 + (uint64_t) (state->part[0].data[i] - '0');
    }

    p = (const unsigned char *) state->part[1].data;

    cs->count = (uint32_t) count;
    cs->tops = news_be32_get(p);
    cs->pages = news_be32_get(p + 4);
    cs->last = news_be32_get(p + 8);
    cs->stored = news_be32_get(p + 12);
    cs->flags = news_be32_get(p + 16);
    cs->npicks = news_be32_get(p + 20);

    if (i == 0 || count > UINT32_MAX || cs->npicks > NEWS_FEATURED_MAX
        || state->part[1].len != NEWS_CSTATE_HEAD + 8 * cs->npicks)
    {
        return NEWS_ERROR;
    }

    for (i = 0; i < cs->npicks; i++) {
        cs->picks[i] = news_be64_get(p + NEWS_CSTATE_HEAD + 8 * i);
    }

    return NEWS_OK;
}


int
news_cstate_save(news_store_t *st, MDB_txn *txn, uint64_t id,
    const news_page_t *state, const news_cstate_t *cs, news_err_t *err)
{
    news_article_t  a;

    memset(&a, 0, sizeof(news_article_t));
    a.id = id;
    a.published_at = state->published_at;
    a.modified_at = state->modified_at;
    a.version = state->version;
    a.status = (int) (state->status & NEWS_STATUS_MASK);
    a.comments_closed = (state->status & NEWS_COMMENTS_CLOSED) != 0;

    return news_cstate_put(st, txn, &a, cs, err);
}


int
news_cstate_put(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    const news_cstate_t *cs, news_err_t *err)
{
    int             rc;
    size_t          i;
    MDB_val         key, val;
    news_buf_t      b;
    news_article_t  counted;
    unsigned char   k[9], v[NEWS_CSTATE_HEAD + 8 * NEWS_FEATURED_MAX];

    news_be32_put(v, cs->tops);
    news_be32_put(v + 4, cs->pages);
    news_be32_put(v + 8, cs->last);
    news_be32_put(v + 12, cs->stored);
    news_be32_put(v + 16, cs->flags);
    news_be32_put(v + 20, cs->npicks);

    for (i = 0; i < cs->npicks; i++) {
        news_be64_put(v + NEWS_CSTATE_HEAD + 8 * i, cs->picks[i]);
    }

    counted = *a;
    counted.comment_count = cs->count;

    news_buf_init(&b);
    news_render_state(&b, &counted, v, NEWS_CSTATE_HEAD + 8 * cs->npicks);

    if (b.failed) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_be64_put(k, a->id);
    k[8] = NEWS_FRAG_STATE;
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = b.data;
    val.mv_size = b.len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
    news_buf_free(&b);

    if (rc != 0) {
        return news_store_fail(err, rc, "writing an article's state");
    }

    return NEWS_OK;
}


unsigned
news_cstate_place(news_cstate_t *cs)
{
    if (cs->pages == 0) {
        cs->pages = 1;
        cs->last = 0;
    }

    if (cs->last >= NEWS_COMMENTS_PAGE) {
        cs->pages++;
        cs->last = 0;
    }

    cs->last++;
    cs->tops++;

    return cs->pages;
}


static void
news_comment_page_key(unsigned char *k, uint64_t article, uint64_t top)
{
    news_be64_put(k, article);
    k[8] = NEWS_FRAG_PLACE;
    news_be64_put(k + 9, top);
}


int
news_comment_page_get(news_store_t *st, MDB_txn *txn, uint64_t article,
    uint64_t top, unsigned *page)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[17];

    news_comment_page_key(k, article, top);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = mdb_get(txn, st->dbi[NEWS_DB_PAGES], &key, &val);
    if (rc != 0) {
        return rc;
    }

    if (val.mv_size != 4) {
        return MDB_CORRUPTED;
    }

    *page = news_be32_get(val.mv_data);

    return *page ? 0 : MDB_CORRUPTED;
}


int
news_comment_page_put(news_store_t *st, MDB_txn *txn, uint64_t article,
    uint64_t top, unsigned page, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[17], v[4];

    news_comment_page_key(k, article, top);
    news_be32_put(v, page);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = v;
    val.mv_size = sizeof(v);

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a comment's page");
    }

    return NEWS_OK;
}
