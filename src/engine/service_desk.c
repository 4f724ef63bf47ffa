/*
 * The desk's services (service.h): its pages, each read in one read txn
 * for an editor, and the form's fields made into the article JSON that
 * the article services take.
 */

#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "render_desk.h"
#include "service.h"
#include "text.h"


static int news_desk_article(news_store_t *st, const char *slug, size_t len,
    news_article_t *a, news_err_t *err);
static int news_desk_find(news_store_t *st, MDB_txn *txn, const char *slug,
    size_t len, uint64_t *id, news_err_t *err);
static int news_desk_versions(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t before, news_article_t *a, uint32_t *vers, size_t *n,
    news_err_t *err);
static int news_desk_two(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t from, uint32_t to, news_article_t *old, news_article_t *new,
    news_err_t *err);
static void news_desk_fields_of(news_desk_fields_t *v,
    const news_article_t *a, news_buf_t *tags, news_buf_t *time);
static void news_desk_str(news_str_t *s, const char *p);
static int news_desk_put(cJSON *obj, const char *name, const news_str_t *v);
static int news_desk_time(const news_str_t *v, int64_t *t);
static int news_desk_tags(cJSON *obj, const news_str_t *v);
static int news_desk_image(cJSON *obj, const news_desk_fields_t *v);
static int news_desk_preview_article(news_store_t *st, const char *slug,
    size_t len, const cJSON *obj, int64_t now, news_article_t *a,
    news_desk_edit_t *e, news_err_t *err);


int
news_desk_list_page(news_store_t *st, const news_actor_t *actor,
    news_desk_list_t *l, news_buf_t *b, news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = news_desk_list(st, txn, l, err);

    if (rc == NEWS_OK) {
        news_render_desk_list(b, l);
    }

    news_store_read_done(st);

    return rc;
}


int
news_desk_edit_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, int del, const news_form_t *f, int64_t now,
    news_buf_t *b, news_err_t *err)
{
    int                  rc;
    news_buf_t           tags, time;
    news_article_t       a;
    news_desk_edit_t     e;
    news_desk_fields_t   v;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_desk_article(st, slug, len, &a, err) != NEWS_OK)
    {
        return err->code;
    }

    if (del) {
        news_render_desk_delete(b, f, a.slug, a.title, strlen(a.title));
        news_article_free(&a);
        return NEWS_OK;
    }

    news_buf_init(&tags);
    news_buf_init(&time);
    news_desk_fields_of(&v, &a, &tags, &time);

    e.slug = a.slug;
    e.state = news_desk_state(a.status, a.published_at, now);
    e.published_at = a.published_at;
    e.updated_at = a.updated_at;

    news_render_desk_form(b, f, &e, &v);

    rc = (tags.failed || time.failed)
         ? news_err_set(err, NEWS_ERROR, "out of memory") : NEWS_OK;

    news_buf_free(&tags);
    news_buf_free(&time);
    news_article_free(&a);

    return rc;
}


int
news_desk_form_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, const news_form_t *f,
    const news_desk_fields_t *v, int64_t now, news_buf_t *b, news_err_t *err)
{
    news_article_t     a;
    news_desk_edit_t   e;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK) {
        return err->code;
    }

    if (slug == NULL) {
        memset(&e, 0, sizeof(e));
        news_render_desk_form(b, f, &e, v);
        return NEWS_OK;
    }

    if (news_desk_article(st, slug, len, &a, err) != NEWS_OK) {
        return err->code;
    }

    e.slug = a.slug;
    e.state = news_desk_state(a.status, a.published_at, now);
    e.published_at = a.published_at;
    e.updated_at = a.updated_at;

    news_render_desk_form(b, f, &e, v);
    news_article_free(&a);

    return NEWS_OK;
}


int
news_desk_preview(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, const news_form_t *f,
    const news_desk_fields_t *v, int64_t now, news_buf_t *page,
    news_buf_t *banner, news_err_t *err)
{
    int                rc;
    cJSON             *obj;
    news_page_t        pg;
    news_article_t     a;
    news_desk_edit_t   e;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK) {
        return err->code;
    }

    /* the values as Save would send them: the status stays as it is */
    if (news_desk_form_json(v, NEWS_DESK_SAVE, slug == NULL, now, &obj, err)
        != NEWS_OK)
    {
        return err->code;
    }

    memset(&e, 0, sizeof(e));
    rc = news_desk_preview_article(st, slug, len, obj, now, &a, &e, err);
    cJSON_Delete(obj);

    if (rc != NEWS_OK) {
        return rc;
    }

    /* the page fragment a save would store, rendered by the same code */
    if (news_render_fragment(page, &a, NEWS_FRAG_PAGE, NULL, 0) != 0
        || news_page_parse(page->data, page->len, &pg) != 0)
    {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");

    } else {
        e.slug = slug;
        news_render_desk_preview(banner, f, &e, v, &pg, now);
        rc = banner->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                            : NEWS_OK;
    }

    news_article_free(&a);

    return rc;
}


/*
 * The article a save of obj would make: new, or the stored one with the
 * form's fields, dated as the write dates it (nothing is written); e
 * gets where the stored one stands
 */
static int
news_desk_preview_article(news_store_t *st, const char *slug, size_t len,
    const cJSON *obj, int64_t now, news_article_t *a, news_desk_edit_t *e,
    news_err_t *err)
{
    int              rc;
    news_article_t   old;

    if (slug == NULL) {
        rc = news_article_from_json(a, obj, now, 0, err);

        if (rc == NEWS_OK) {
            a->created_at = now;
            a->modified_at = now;
            a->version = 1;
            a->updated_at = a->published_at;
        }

        return rc;
    }

    if (news_desk_article(st, slug, len, &old, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_merge(&old, obj, now, a, err);

    if (rc == NEWS_OK) {
        a->id = old.id;
        a->created_at = old.created_at;
        a->comment_count = old.comment_count;
        a->version = old.version + 1;
        a->modified_at = now;
        news_article_redate(a, &old, now);
    }

    e->state = news_desk_state(old.status, old.published_at, now);
    e->published_at = old.published_at;
    e->updated_at = old.updated_at;

    news_article_free(&old);

    return rc;
}


/*
 * The article at its current slug (a former one is no article here),
 * read in a read txn of its own
 */
static int
news_desk_article(news_store_t *st, const char *slug, size_t len,
    news_article_t *a, news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;
    uint64_t  id;

    if (news_store_read(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_desk_find(st, txn, slug, len, &id, err);

    if (rc == NEWS_OK) {
        rc = news_article_load(st, txn, id, a, err);
    }

    news_store_read_done(st);

    return rc;
}


/* the id of the article at its current slug */
static int
news_desk_find(news_store_t *st, MDB_txn *txn, const char *slug, size_t len,
    uint64_t *id, news_err_t *err)
{
    int  moved;

    if (news_article_find(st, txn, slug, len, id, &moved) != 0 || moved) {
        return news_err_set(err, NEWS_NOTFOUND, "no article \"%.*s\"",
                            (int) (len > NEWS_SLUG_MAX ? NEWS_SLUG_MAX
                                                       : len),
                            slug);
    }

    return NEWS_OK;
}


int
news_desk_revisions_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t before, const news_form_t *f,
    news_buf_t *b, news_err_t *err)
{
    int                  rc;
    size_t               i, n, shown;
    MDB_txn             *txn;
    uint64_t             id;
    uint32_t             vers[NEWS_DESK_REVISIONS + 2];
    news_article_t       a[NEWS_DESK_REVISIONS + 2];
    news_desk_version_t  v[NEWS_DESK_REVISIONS + 1];

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    n = 0;
    rc = news_desk_find(st, txn, slug, len, &id, err);

    if (rc == NEWS_OK) {
        rc = news_desk_versions(st, txn, id, before, a, vers, &n, err);
    }

    news_store_read_done(st);

    if (rc == NEWS_OK) {
        /* the last one read only tells what the one before it changed */
        shown = n > (size_t) NEWS_DESK_REVISIONS + (before == 0)
                ? n - 1 : n;

        for (i = 0; i < shown; i++) {
            v[i].a = &a[i];
            v[i].prev = i + 1 < n ? &a[i + 1] : NULL;
            v[i].version = vers[i];
        }

        news_render_desk_revisions(b, f, slug, a[0].title, v, shown,
                                   shown < n ? vers[shown - 1] : 0);

        rc = b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                       : NEWS_OK;
    }

    for (i = 0; i < n; i++) {
        news_article_free(&a[i]);
    }

    return rc;
}


/*
 * The versions a page of revisions shows, the newest first: the current
 * one (version 0) on the first page, then NEWS_DESK_REVISIONS revisions
 * below `before`, and one more when there is one (what the oldest shown
 * changed is told against it)
 */
static int
news_desk_versions(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint32_t before, news_article_t *a, uint32_t *vers, size_t *n,
    news_err_t *err)
{
    int     more;
    size_t  i, first, count;

    *n = 0;
    first = 0;

    if (before == 0) {
        if (news_article_load(st, txn, id, &a[0], err) != NEWS_OK) {
            return err->code;
        }

        vers[0] = 0;
        first = 1;
        *n = 1;
    }

    if (news_article_revision_list(st, txn, id, before, vers + first,
                                   NEWS_DESK_REVISIONS + 1, &count, &more,
                                   err)
        != NEWS_OK)
    {
        return err->code;
    }

    for (i = 0; i < count; i++) {
        if (news_article_revision_load(st, txn, id, vers[first + i],
                                       &a[first + i], err)
            != NEWS_OK)
        {
            return err->code;
        }

        (*n)++;
    }

    if (*n == 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no earlier versions");
    }

    return NEWS_OK;
}


int
news_desk_diff_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t from, uint32_t to,
    const news_form_t *f, news_buf_t *b, news_err_t *err)
{
    int              rc;
    MDB_txn         *txn;
    uint64_t         id;
    news_article_t   old, new;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = news_desk_find(st, txn, slug, len, &id, err);

    if (rc == NEWS_OK) {
        rc = news_desk_two(st, txn, id, from, to, &old, &new, err);
    }

    news_store_read_done(st);

    if (rc != NEWS_OK) {
        return rc;
    }

    news_render_desk_diff(b, f, slug, from, to, &old, &new);

    news_article_free(&old);
    news_article_free(&new);

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


/* revision `from`, and revision `to` or (0) the current article */
static int
news_desk_two(news_store_t *st, MDB_txn *txn, uint64_t id, uint32_t from,
    uint32_t to, news_article_t *old, news_article_t *new, news_err_t *err)
{
    int  rc;

    if (news_article_revision_load(st, txn, id, from, old, err) != NEWS_OK) {
        return err->code;
    }

    rc = to ? news_article_revision_load(st, txn, id, to, new, err)
            : news_article_load(st, txn, id, new, err);

    if (rc != NEWS_OK) {
        news_article_free(old);
    }

    return rc;
}


int
news_desk_restore_patch(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t version, cJSON **patch,
    news_err_t *err)
{
    int              rc;
    size_t           i;
    MDB_txn         *txn;
    uint64_t         id;
    news_article_t   rev;

    /* what stays as it is now: where, whether and when readers see it */
    static const char  *keep[] = {
        "slug", "published_at", "updated_at", "status", "comments_closed",
        "live"
    };

    *patch = NULL;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = news_desk_find(st, txn, slug, len, &id, err);

    if (rc == NEWS_OK) {
        rc = news_article_revision_load(st, txn, id, version, &rev, err);
    }

    news_store_read_done(st);

    if (rc != NEWS_OK) {
        return rc;
    }

    *patch = news_article_to_json(&rev, 0);
    news_article_free(&rev);

    if (*patch == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(*patch, keep[i]);
    }

    /* a version without a lead image takes the current one away */
    if (!cJSON_HasObjectItem(*patch, "image")
        && cJSON_AddNullToObject(*patch, "image") == NULL)
    {
        cJSON_Delete(*patch);
        *patch = NULL;
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/* the stored article as the form shows it */
static void
news_desk_fields_of(news_desk_fields_t *v, const news_article_t *a,
    news_buf_t *tags, news_buf_t *time)
{
    unsigned  i;

    news_desk_str(&v->title, a->title);
    news_desk_str(&v->subtitle, a->subtitle);
    news_desk_str(&v->slug, a->slug);
    news_desk_str(&v->section, a->section);
    news_desk_str(&v->image_url, a->image_url);
    news_desk_str(&v->image_alt, a->image_alt);
    news_desk_str(&v->image_caption, a->image_caption);
    news_desk_str(&v->body, a->body);

    for (i = 0; i < a->ntags; i++) {
        if (i) {
            news_buf_addl(tags, ", ");
        }

        news_buf_adds(tags, a->tags[i]);
    }

    /* "YYYY-MM-DDTHH:MM:SSZ" without its Z: what datetime-local takes */
    news_time_rfc3339(time, a->published_at);

    if (time->len && time->data[time->len - 1] == 'Z') {
        time->len--;
    }

    v->tags.data = tags->data;
    v->tags.len = tags->len;
    v->published.data = time->data;
    v->published.len = time->len;
}


static void
news_desk_str(news_str_t *s, const char *p)
{
    s->data = p ? p : "";
    s->len = p ? strlen(p) : 0;
}


int
news_desk_form_json(const news_desk_fields_t *v, int action, int is_new,
    int64_t now, cJSON **out, news_err_t *err)
{
    int           ok;
    int64_t       t;
    cJSON        *obj;
    news_buf_t    when;
    const char   *status;

    *out = NULL;
    t = 0;

    if (v->published.len && news_desk_time(&v->published, &t) != 0) {
        return news_err_set(err, NEWS_INVALID, "\"published\" must be a "
                            "date and time such as 2026-12-03T10:00:00");
    }

    if (action == NEWS_DESK_SCHEDULE && t <= now) {
        return news_err_set(err, NEWS_INVALID, "\"published\" must be a "
                            "time ahead to schedule the article");
    }

    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    ok = news_desk_put(obj, "title", &v->title)
         && news_desk_put(obj, "subtitle", &v->subtitle)
         && news_desk_put(obj, "section", &v->section)
         && news_desk_put(obj, "body", &v->body)
         && news_desk_tags(obj, &v->tags)
         && news_desk_image(obj, v);

    if (ok && v->slug.len) {
        ok = news_desk_put(obj, "slug", &v->slug);
    }

    /* Publish is now; Schedule and Save keep the time given, if any */
    if (action == NEWS_DESK_PUBLISH) {
        t = now;
    }

    news_buf_init(&when);

    if (ok && (v->published.len || action == NEWS_DESK_PUBLISH)) {
        news_time_rfc3339(&when, t);
        ok = !when.failed && cJSON_AddStringToObject(obj, "published_at",
                                                     news_buf_cstr(&when))
                             != NULL;
    }

    news_buf_free(&when);

    status = action == NEWS_DESK_UNPUBLISH ? "draft"
             : action == NEWS_DESK_SAVE ? (is_new ? "draft" : NULL)
             : "published";

    if (ok && status != NULL) {
        ok = cJSON_AddStringToObject(obj, "status", status) != NULL;
    }

    if (!ok) {
        cJSON_Delete(obj);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    *out = obj;

    return NEWS_OK;
}


static int
news_desk_put(cJSON *obj, const char *name, const news_str_t *v)
{
    int     ok;
    char   *s;
    size_t  i, n;

    s = malloc(v->len + 1);
    if (s == NULL) {
        return 0;
    }

    /* a browser sends a textarea's line ends as CR LF: the text has LF */
    for (i = 0, n = 0; i < v->len; i++) {
        if (v->data[i] != '\r') {
            s[n++] = v->data[i];
        }
    }

    s[n] = '\0';
    ok = cJSON_AddStringToObject(obj, name, s) != NULL;
    free(s);

    return ok;
}


/* "YYYY-MM-DDTHH:MM" or "...:SS", in UTC, as datetime-local sends it */
static int
news_desk_time(const news_str_t *v, int64_t *t)
{
    char  s[32];

    if (v->len == 16) {
        memcpy(s, v->data, 16);
        memcpy(s + 16, ":00Z", 5);

    } else if (v->len == 19) {
        memcpy(s, v->data, 19);
        memcpy(s + 19, "Z", 2);

    } else {
        return -1;
    }

    if (s[10] != 'T' || news_time_parse(s, strlen(s), t) != 0) {
        return -1;
    }

    return 0;
}


/* "a, b , c" to ["a","b","c"]; an empty one is left out */
static int
news_desk_tags(cJSON *obj, const news_str_t *v)
{
    size_t       n;
    cJSON       *tags;
    news_str_t   tag;
    const char  *p, *end, *comma;

    tags = cJSON_AddArrayToObject(obj, "tags");
    if (tags == NULL) {
        return 0;
    }

    p = v->data;
    end = p ? p + v->len : p;

    while (p != NULL && p < end) {
        comma = memchr(p, ',', end - p);
        n = (comma ? comma : end) - p;

        tag.data = p;
        tag.len = n;
        news_trim(&tag.data, &tag.len);

        if (tag.len) {
            char  *s = malloc(tag.len + 1);

            if (s == NULL) {
                return 0;
            }

            memcpy(s, tag.data, tag.len);
            s[tag.len] = '\0';

            if (!cJSON_AddItemToArray(tags, cJSON_CreateString(s))) {
                free(s);
                return 0;
            }

            free(s);
        }

        p = comma ? comma + 1 : end;
    }

    return 1;
}


/* the image when a URL is given, else none (null) */
static int
news_desk_image(cJSON *obj, const news_desk_fields_t *v)
{
    cJSON  *img;

    if (v->image_url.len == 0 && v->image_alt.len == 0
        && v->image_caption.len == 0)
    {
        return cJSON_AddNullToObject(obj, "image") != NULL;
    }

    img = cJSON_AddObjectToObject(obj, "image");

    return img != NULL
           && news_desk_put(img, "url", &v->image_url)
           && news_desk_put(img, "alt", &v->image_alt)
           && news_desk_put(img, "caption", &v->image_caption);
}


const char *
news_desk_error_field(const char *msg)
{
    size_t  i;

    static const char  *fields[][2] = {
        { "\"title\"", "title" }, { "\"subtitle\"", "subtitle" },
        { "\"slug\"", "slug" }, { "the slug", "slug" },
        { "the title gives no slug", "slug" },
        { "\"section\"", "section" }, { "tag", "tags" },
        { "\"image.url\"", "image_url" }, { "\"image.alt\"", "image_alt" },
        { "\"image.caption\"", "image_caption" }, { "\"body\"", "body" },
        { "\"published", "published" }
    };

    for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (strstr(msg, fields[i][0]) != NULL) {
            return fields[i][1];
        }
    }

    return NULL;
}
