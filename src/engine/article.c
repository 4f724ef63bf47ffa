/*
 * The article record: validation of the contract's article JSON, and the
 * JSON it is stored and exported as.
 *
 * Why one file of about 900 lines: one record, read in (every field
 * checked, a patch merged onto the stored article) and written out, all
 * from the same tables of fields and keys (news_text_fields, the public
 * and image keys) and the same field readers; the lead image is one of
 * those fields.  The check of a news_nav name is the section field's
 * rule; news_json_parse, at the end, is how every stored record and
 * request body is parsed (a lack of memory told apart from bad JSON),
 * kept here with the record that first needed it.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article.h"
#include "text.h"


typedef struct {
    const char  *name;
    const char  *label;         /* the name in messages */
    size_t       max;
    int          multiline;
    size_t       offset;
} news_field_t;


static const news_field_t  news_text_fields[] = {
    { "title", "title", NEWS_TITLE_MAX, 0, offsetof(news_article_t, title) },
    { "subtitle", "subtitle", NEWS_SUBTITLE_MAX, 0,
      offsetof(news_article_t, subtitle) },
    { "author", "author", NEWS_AUTHOR_MAX, 0,
      offsetof(news_article_t, author) },
    { "section", "section", NEWS_SECTION_MAX, 0,
      offsetof(news_article_t, section) },
    { "body", "body", NEWS_BODY_MAX, 1, offsetof(news_article_t, body) },
    { "slug", "slug", NEWS_SLUG_MAX, 0, offsetof(news_article_t, slug) },
};

static const news_field_t  news_image_fields[] = {
    { "url", "image.url", NEWS_IMAGE_URL_MAX, 0,
      offsetof(news_article_t, image_url) },
    { "alt", "image.alt", NEWS_IMAGE_ALT_MAX, 0,
      offsetof(news_article_t, image_alt) },
    { "caption", "image.caption", NEWS_IMAGE_CAPTION_MAX, 0,
      offsetof(news_article_t, image_caption) },
};

static const char  *news_image_keys[] = {
    "url", "alt", "caption", "width", "height", NULL
};


/* 9999-12-31T23:59:59Z */
#define NEWS_TIME_MAX  253402300799LL


static const char  *news_public_keys[] = {
    "slug", "title", "subtitle", "author", "section", "tags",
    "published_at", "updated_at", "status", "body", "comments",
    "comments_closed", "live", "image", NULL
};

static const char  *news_internal_keys[] = {
    "id", "created_at", "version", "comment_count", "modified_at", NULL
};


static int news_article_fields(news_article_t *a, const cJSON *obj,
    int64_t now, int internal, news_err_t *err);
static int news_article_check_keys(const cJSON *obj, int internal,
    news_err_t *err);
static int news_article_text(news_article_t *a, const cJSON *obj,
    const news_field_t *f, news_err_t *err);
static int news_article_tags(news_article_t *a, const cJSON *obj,
    news_err_t *err);
static int news_article_image(news_article_t *a, const cJSON *obj,
    news_err_t *err);
static int news_article_image_size(const cJSON *img, const char *name,
    unsigned *out, news_err_t *err);
static int news_article_add_image(cJSON *obj, const news_article_t *a);
static int news_article_time(const cJSON *obj, const char *name,
    int64_t *out, news_err_t *err);
static int news_article_internal(news_article_t *a, const cJSON *obj,
    news_err_t *err);
static char *news_strndup(const char *s, size_t n);
static const char *news_view_string(const cJSON *obj, const char *name);
static double news_view_number(const cJSON *obj, const char *name,
    double max, double none);
static int64_t news_view_time(const cJSON *obj, const char *name);
static int news_json_member_span(const char *p, size_t n, const char *name,
    size_t *from, size_t *to);
static int news_json_string_end(const char *p, size_t n, size_t i,
    size_t *end);
static int news_json_space(char c);


int
news_article_from_json(news_article_t *a, const cJSON *obj, int64_t now,
    int internal, news_err_t *err)
{
    news_buf_t  slug;

    memset(a, 0, sizeof(*a));

    if (news_article_fields(a, obj, now, internal, err) != NEWS_OK) {
        goto failed;
    }

    if (a->title[0] == '\0') {
        news_err_set(err, NEWS_INVALID, "\"title\" is required");
        goto failed;
    }

    if (a->body[0] == '\0') {
        news_err_set(err, NEWS_INVALID, "\"body\" is required");
        goto failed;
    }

    if (a->slug[0] == '\0') {
        news_buf_init(&slug);

        if (!news_slugify(&slug, a->title, strlen(a->title))) {
            news_buf_free(&slug);
            news_err_set(err, NEWS_INVALID, "the title gives no slug; "
                         "set \"slug\"");
            goto failed;
        }

        free(a->slug);
        a->slug = news_strndup(news_buf_cstr(&slug), slug.len);
        news_buf_free(&slug);

        if (a->slug == NULL) {
            news_err_set(err, NEWS_ERROR, "out of memory");
            goto failed;
        }

    } else if (!news_slug_valid(a->slug, strlen(a->slug))) {
        news_err_set(err, NEWS_INVALID, "\"slug\" must be 1 to %d of "
                     "a-z, 0-9 and single inner dashes", NEWS_SLUG_MAX);
        goto failed;
    }

    if (internal && news_article_internal(a, obj, err) != NEWS_OK) {
        goto failed;
    }

    return NEWS_OK;

failed:

    news_article_free(a);
    return err->code;
}


/*
 * Every field the object gives, each checked alone (type, size, form);
 * what it leaves out stays empty.  What needs the whole article (a
 * title, a body, a slug) is news_article_from_json()'s.
 */
static int
news_article_fields(news_article_t *a, const cJSON *obj, int64_t now,
    int internal, news_err_t *err)
{
    size_t        i;
    const cJSON  *v;
    const char   *s;

    if (!cJSON_IsObject(obj)) {
        return news_err_set(err, NEWS_INVALID, "an article must be a JSON "
                            "object");
    }

    if (news_article_check_keys(obj, internal, err) != NEWS_OK) {
        return err->code;
    }

    for (i = 0; i < sizeof(news_text_fields) / sizeof(news_text_fields[0]);
         i++)
    {
        if (news_article_text(a, obj, &news_text_fields[i], err) != NEWS_OK) {
            return err->code;
        }
    }

    if (news_article_tags(a, obj, err) != NEWS_OK
        || news_article_image(a, obj, err) != NEWS_OK)
    {
        return err->code;
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "published_at");
    a->undated = v == NULL || cJSON_IsNull(v);
    a->published_at = now;

    if (news_article_time(obj, "published_at", &a->published_at, err)
        != NEWS_OK)
    {
        return err->code;
    }

    /* 0: not given; the store decides (publication, or the update time) */
    a->updated_at = 0;

    if (news_article_time(obj, "updated_at", &a->updated_at, err) != NEWS_OK)
    {
        return err->code;
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "status");
    if (v != NULL) {
        s = cJSON_GetStringValue(v);

        if (s == NULL) {
            return news_err_set(err, NEWS_MALFORMED, "\"status\" must be a "
                                "string");
        }

        if (strcmp(s, "draft") == 0) {
            a->status = NEWS_DRAFT;

        } else if (strcmp(s, "published") != 0 && strcmp(s, "scheduled") != 0)
        {
            return news_err_set(err, NEWS_INVALID, "\"status\" must be "
                                "\"published\" or \"draft\"");
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "comments");
    if (v != NULL && !cJSON_IsArray(v)) {
        return news_err_set(err, NEWS_MALFORMED, "\"comments\" must be an "
                            "array");
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "comments_closed");
    if (v != NULL && !cJSON_IsBool(v)) {
        return news_err_set(err, NEWS_MALFORMED, "\"comments_closed\" must "
                            "be true or false");
    }

    a->comments_closed = cJSON_IsTrue(v);

    v = cJSON_GetObjectItemCaseSensitive(obj, "live");
    if (v != NULL && !cJSON_IsBool(v)) {
        return news_err_set(err, NEWS_MALFORMED, "\"live\" must be true or "
                            "false");
    }

    a->live = cJSON_IsTrue(v);

    return NEWS_OK;
}


int
news_article_patch_check(const cJSON *patch, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    memset(&a, 0, sizeof(a));

    if (cJSON_GetObjectItemCaseSensitive(patch, "comments") != NULL) {
        return news_err_set(err, NEWS_INVALID, "\"comments\" cannot be "
                            "changed with the article");
    }

    rc = news_article_fields(&a, patch, 0, 0, err);
    news_article_free(&a);

    return rc;
}


/*
 * The stored article in its public form with each member of the patch
 * put in place of its own, read again as a whole article: a field the
 * patch leaves out keeps its value, "updated_at" but when the patch
 * gives it (the store dates a correction), and `undated` says whether
 * the patch leaves "published_at" out.
 */
int
news_article_merge(const news_article_t *old, const cJSON *patch,
    int64_t now, news_article_t *a, news_err_t *err)
{
    int           rc;
    cJSON        *merged, *copy;
    const cJSON  *v;

    memset(a, 0, sizeof(*a));

    if (news_article_patch_check(patch, err) != NEWS_OK) {
        return err->code;
    }

    merged = news_article_to_json(old, 0);
    if (merged == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    cJSON_DeleteItemFromObjectCaseSensitive(merged, "updated_at");

    cJSON_ArrayForEach(v, patch) {
        copy = cJSON_Duplicate(v, 1);

        if (copy == NULL) {
            cJSON_Delete(merged);
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        cJSON_DeleteItemFromObjectCaseSensitive(merged, v->string);
        cJSON_AddItemToObject(merged, v->string, copy);
    }

    rc = news_article_from_json(a, merged, now, 0, err);
    cJSON_Delete(merged);

    if (rc == NEWS_OK) {
        v = cJSON_GetObjectItemCaseSensitive(patch, "published_at");
        a->undated = v == NULL || cJSON_IsNull(v);
    }

    return rc;
}


static int
news_article_check_keys(const cJSON *obj, int internal, news_err_t *err)
{
    int           known, i;
    const cJSON  *v;

    cJSON_ArrayForEach(v, obj) {
        known = 0;

        for (i = 0; news_public_keys[i]; i++) {
            if (strcmp(v->string, news_public_keys[i]) == 0) {
                known = 1;
            }
        }

        for (i = 0; internal && news_internal_keys[i]; i++) {
            if (strcmp(v->string, news_internal_keys[i]) == 0) {
                known = 1;
            }
        }

        if (!known) {
            return news_err_set(err, NEWS_INVALID, "unknown field \"%.64s\"",
                                v->string);
        }
    }

    return NEWS_OK;
}


static int
news_article_text(news_article_t *a, const cJSON *obj, const news_field_t *f,
    news_err_t *err)
{
    char         **dst;
    size_t         n;
    const char    *s;
    const cJSON   *v;

    dst = (char **) ((char *) a + f->offset);
    s = "";

    v = cJSON_GetObjectItemCaseSensitive(obj, f->name);

    if (v != NULL && !cJSON_IsNull(v)) {
        s = cJSON_GetStringValue(v);
        if (s == NULL) {
            return news_err_set(err, NEWS_MALFORMED, "\"%s\" must be a "
                                "string", f->label);
        }
    }

    n = strlen(s);

    if (!f->multiline) {
        news_trim(&s, &n);
    }

    if (n > f->max) {
        return news_err_set(err, NEWS_INVALID, "\"%s\" is longer than %zu "
                            "bytes", f->label, f->max);
    }

    if (!news_utf8_valid(s, n)) {
        return news_err_set(err, NEWS_INVALID, "\"%s\" is not valid UTF-8",
                            f->label);
    }

    if (news_has_control(s, n) || (!f->multiline && memchr(s, '\n', n))) {
        return news_err_set(err, NEWS_INVALID, "\"%s\" holds control "
                            "characters", f->label);
    }

    *dst = news_strndup(s, n);
    if (*dst == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


static int
news_article_tags(news_article_t *a, const cJSON *obj, news_err_t *err)
{
    size_t        n;
    const char   *s;
    const cJSON  *v, *tag;

    v = cJSON_GetObjectItemCaseSensitive(obj, "tags");
    if (v == NULL || cJSON_IsNull(v)) {
        return NEWS_OK;
    }

    if (!cJSON_IsArray(v)) {
        return news_err_set(err, NEWS_MALFORMED, "\"tags\" must be an array "
                            "of strings");
    }

    cJSON_ArrayForEach(tag, v) {
        s = cJSON_GetStringValue(tag);
        if (s == NULL) {
            return news_err_set(err, NEWS_MALFORMED, "\"tags\" must be an "
                                "array of strings");
        }

        if (a->ntags == NEWS_TAGS_MAX) {
            return news_err_set(err, NEWS_INVALID, "more than %d \"tags\"",
                                NEWS_TAGS_MAX);
        }

        n = strlen(s);
        news_trim(&s, &n);

        if (n == 0 || n > NEWS_TAG_MAX || !news_utf8_valid(s, n)
            || news_has_control(s, n) || memchr(s, '\n', n))
        {
            return news_err_set(err, NEWS_INVALID, "each tag must be 1 to %d "
                                "bytes of UTF-8 text", NEWS_TAG_MAX);
        }

        a->tags[a->ntags] = news_strndup(s, n);
        if (a->tags[a->ntags] == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        a->ntags++;
    }

    return NEWS_OK;
}


/*
 * The lead image, {"url","alt","caption","width","height"}: an http(s)
 * URL fit to stand in an attribute and in the CSP, the text a reader
 * who cannot see it is told instead (required with a URL), an optional
 * caption and, optionally, both of its sizes so that the page is laid
 * out before it loads.  Absent or null: none.
 */
static int
news_article_image(news_article_t *a, const cJSON *obj, news_err_t *err)
{
    int           known, i;
    size_t        k;
    const cJSON  *img, *v;

    img = cJSON_GetObjectItemCaseSensitive(obj, "image");

    if (img != NULL && !cJSON_IsNull(img) && !cJSON_IsObject(img)) {
        return news_err_set(err, NEWS_MALFORMED, "\"image\" must be an "
                            "object or null");
    }

    if (!cJSON_IsObject(img)) {
        img = NULL;
    }

    cJSON_ArrayForEach(v, img) {
        known = 0;

        for (i = 0; news_image_keys[i]; i++) {
            known |= strcmp(v->string, news_image_keys[i]) == 0;
        }

        if (!known) {
            return news_err_set(err, NEWS_INVALID, "unknown field "
                                "\"image.%.64s\"", v->string);
        }
    }

    for (k = 0; k < sizeof(news_image_fields) / sizeof(news_image_fields[0]);
         k++)
    {
        if (news_article_text(a, img, &news_image_fields[k], err) != NEWS_OK) {
            return err->code;
        }
    }

    if (news_article_image_size(img, "width", &a->image_width, err) != NEWS_OK
        || news_article_image_size(img, "height", &a->image_height, err)
           != NEWS_OK)
    {
        return err->code;
    }

    if (img == NULL) {
        return NEWS_OK;
    }

    if (a->image_url[0] == '\0') {
        return news_err_set(err, NEWS_INVALID, "\"image.url\" is required "
                            "with an image");
    }

    if (news_url_check(a->image_url, strlen(a->image_url)) != NULL
        || (strncasecmp(a->image_url, "http://", 7) != 0
            && strncasecmp(a->image_url, "https://", 8) != 0)
        || strlen(a->image_url) < sizeof("http://x") - 1)
    {
        return news_err_set(err, NEWS_INVALID, "\"image.url\" must be an "
                            "http:// or https:// URL of printable ASCII "
                            "without spaces, quotes, \"<>\\`;,{}|^\" "
                            "(percent-encode the rest)");
    }

    if (a->image_alt[0] == '\0') {
        return news_err_set(err, NEWS_INVALID, "\"image.alt\" is required: "
                            "what the image shows, for who cannot see it");
    }

    if ((a->image_width == 0) != (a->image_height == 0)) {
        return news_err_set(err, NEWS_INVALID, "\"image.width\" and "
                            "\"image.height\" go together");
    }

    return NEWS_OK;
}


static int
news_article_image_size(const cJSON *img, const char *name, unsigned *out,
    news_err_t *err)
{
    const cJSON  *v;

    *out = 0;

    v = cJSON_GetObjectItemCaseSensitive(img, name);
    if (v == NULL || cJSON_IsNull(v)) {
        return NEWS_OK;
    }

    if (!cJSON_IsNumber(v)) {
        return news_err_set(err, NEWS_MALFORMED, "\"image.%s\" must be a "
                            "number", name);
    }

    /* !(x >= lo && x <= hi) refuses NaN too */
    if (!(v->valuedouble >= 1 && v->valuedouble <= NEWS_IMAGE_SIZE_MAX)
        || v->valuedouble != (double) (unsigned) v->valuedouble)
    {
        return news_err_set(err, NEWS_INVALID, "\"image.%s\" must be a "
                            "whole number of pixels, 1 to %d", name,
                            NEWS_IMAGE_SIZE_MAX);
    }

    *out = (unsigned) v->valuedouble;

    return NEWS_OK;
}


const char *
news_image_host_check(const char *h, size_t n)
{
    size_t  i, port;

    if (n == 0 || n > 255) {
        return "must be 1 to 255 bytes";
    }

    i = (n > 2 && h[0] == '*' && h[1] == '.') ? 2 : 0;

    if (h[i] == '.' || h[i] == '-' || h[i] == ':') {
        return "must be a host name (\"img.example.com\", "
               "\"*.example.com\"), with an optional \":port\"";
    }

    for (port = 0; i < n; i++) {
        if (port && (h[i] < '0' || h[i] > '9')) {
            return "has a port that is not a number";
        }

        if (h[i] == ':' && !port && i + 1 < n) {
            port = i;
            continue;
        }

        if (!port && !((h[i] >= 'a' && h[i] <= 'z')
                       || (h[i] >= 'A' && h[i] <= 'Z')
                       || (h[i] >= '0' && h[i] <= '9')
                       || h[i] == '.' || h[i] == '-'))
        {
            return "must be a host name (\"img.example.com\", "
                   "\"*.example.com\"), with an optional \":port\"; "
                   "no scheme, path, quote or space";
        }
    }

    return NULL;
}


static int
news_article_time(const cJSON *obj, const char *name, int64_t *out,
    news_err_t *err)
{
    int64_t       t;
    const char   *s;
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (v == NULL || cJSON_IsNull(v)) {
        return NEWS_OK;
    }

    s = cJSON_GetStringValue(v);
    if (s == NULL) {
        return news_err_set(err, NEWS_MALFORMED, "\"%s\" must be a string",
                            name);
    }

    /*
     * an offset can move 1970-01-01 or 9999-12-31 out of the range that
     * news_time_rfc3339() prints as a date-time news_time_parse() takes
     * back: such a time would export but not import again
     */
    if (news_time_parse(s, strlen(s), &t) != 0
        || t < 0 || t > NEWS_TIME_MAX)
    {
        return news_err_set(err, NEWS_INVALID, "\"%s\" must be an RFC 3339 "
                            "date-time such as 2024-11-27T10:00:00Z", name);
    }

    *out = t;

    return NEWS_OK;
}


static int
news_article_internal(news_article_t *a, const cJSON *obj, news_err_t *err)
{
    const cJSON  *v, *c, *ver, *cc;

    /*
     * A double out of the range of the integer it is cast to is undefined
     * behaviour (a damaged record could hold 1e300): check every range.
     * !(x >= lo && x <= hi) also refuses NaN.
     */

    v = cJSON_GetObjectItemCaseSensitive(obj, "id");
    if (!cJSON_IsNumber(v)
        || !(v->valuedouble >= 1 && v->valuedouble <= 9007199254740992.0))
    {
        return news_err_set(err, NEWS_ERROR, "stored article without an id");
    }

    c = cJSON_GetObjectItemCaseSensitive(obj, "created_at");
    ver = cJSON_GetObjectItemCaseSensitive(obj, "version");
    cc = cJSON_GetObjectItemCaseSensitive(obj, "comment_count");

    if ((cJSON_IsNumber(c)
         && !(c->valuedouble >= 0 && c->valuedouble <= NEWS_TIME_MAX))
        || (cJSON_IsNumber(ver)
            && !(ver->valuedouble >= 0 && ver->valuedouble <= UINT32_MAX))
        || (cJSON_IsNumber(cc)
            && !(cc->valuedouble >= 0 && cc->valuedouble <= UINT32_MAX)))
    {
        return news_err_set(err, NEWS_ERROR, "stored article %.0f has a "
                            "number out of range", v->valuedouble);
    }

    a->id = (uint64_t) v->valuedouble;

    a->created_at = cJSON_IsNumber(c) ? (int64_t) c->valuedouble
                                      : a->published_at;

    a->version = cJSON_IsNumber(ver) ? (uint32_t) ver->valuedouble : 1;

    a->comment_count = cJSON_IsNumber(cc) ? (uint32_t) cc->valuedouble : 0;

    c = cJSON_GetObjectItemCaseSensitive(obj, "modified_at");
    a->modified_at = (cJSON_IsNumber(c) && c->valuedouble >= 0
                      && c->valuedouble <= NEWS_TIME_MAX)
                     ? (int64_t) c->valuedouble : a->updated_at;

    return NEWS_OK;
}


void
news_article_view_json(news_article_t *a, const cJSON *obj)
{
    size_t        i;
    const cJSON  *tag, *img;

    memset(a, 0, sizeof(*a));

    img = cJSON_GetObjectItemCaseSensitive(obj, "image");

    for (i = 0; i < sizeof(news_text_fields) / sizeof(news_text_fields[0]);
         i++)
    {
        *(const char **) ((char *) a + news_text_fields[i].offset) =
            news_view_string(obj, news_text_fields[i].name);
    }

    for (i = 0; i < sizeof(news_image_fields) / sizeof(news_image_fields[0]);
         i++)
    {
        *(const char **) ((char *) a + news_image_fields[i].offset) =
            news_view_string(img, news_image_fields[i].name);
    }

    cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(obj, "tags")) {
        if (a->ntags < NEWS_TAGS_MAX && cJSON_IsString(tag)) {
            a->tags[a->ntags++] = tag->valuestring;
        }
    }

    a->image_width = (unsigned) news_view_number(img, "width",
                                                 NEWS_IMAGE_SIZE_MAX, 0);
    a->image_height = (unsigned) news_view_number(img, "height",
                                                  NEWS_IMAGE_SIZE_MAX, 0);
    a->published_at = news_view_time(obj, "published_at");
    a->updated_at = news_view_time(obj, "updated_at");
    a->status = strcmp(news_view_string(obj, "status"), "draft") == 0
                ? NEWS_DRAFT : NEWS_PUBLISHED;
    a->comments_closed = cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(obj, "comments_closed"));
    a->live = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "live"));
    a->id = (uint64_t) news_view_number(obj, "id", 9007199254740992.0, 0);
    a->created_at = (int64_t) news_view_number(obj, "created_at",
                                               NEWS_TIME_MAX,
                                               (double) a->published_at);
    a->modified_at = (int64_t) news_view_number(obj, "modified_at",
                                                NEWS_TIME_MAX,
                                                (double) a->updated_at);
    a->version = (uint32_t) news_view_number(obj, "version", UINT32_MAX, 1);
    a->comment_count = (uint32_t) news_view_number(obj, "comment_count",
                                                   UINT32_MAX, 0);
}


/* a string member of a stored record (obj may be NULL), "" when none */
static const char *
news_view_string(const cJSON *obj, const char *name)
{
    const char  *s;

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, name));

    return s ? s : "";
}


/*
 * A number member from 0 to max (a double out of the range of the
 * integer it is cast to would be undefined behaviour); `none` when
 * absent, as news_article_internal() reads it; 0 when out of range or NaN.
 */
static double
news_view_number(const cJSON *obj, const char *name, double max,
    double none)
{
    const cJSON  *v;

    v = cJSON_GetObjectItemCaseSensitive(obj, name);

    if (!cJSON_IsNumber(v)) {
        return none;
    }

    return v->valuedouble >= 0 && v->valuedouble <= max ? v->valuedouble : 0;
}


/* an RFC 3339 member as Unix time, 0 when none or not one */
static int64_t
news_view_time(const cJSON *obj, const char *name)
{
    int64_t      t;
    const char  *s;

    s = news_view_string(obj, name);

    return news_time_parse(s, strlen(s), &t) == 0 ? t : 0;
}


/*
 * NULL if any allocation failed, never an object with a member missing or
 * a time left empty: the result is stored as the article's record.
 */
cJSON *
news_article_to_json(const news_article_t *a, int internal)
{
    int          ok;
    unsigned     i;
    cJSON       *obj, *tags;
    news_buf_t   t;

    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return NULL;
    }

    news_buf_init(&t);
    ok = 1;

    if (internal) {
        ok &= cJSON_AddNumberToObject(obj, "id", (double) a->id) != NULL;
        ok &= cJSON_AddNumberToObject(obj, "created_at",
                                      (double) a->created_at) != NULL;
        ok &= cJSON_AddNumberToObject(obj, "modified_at",
                                      (double) a->modified_at) != NULL;
        ok &= cJSON_AddNumberToObject(obj, "version", a->version) != NULL;
        ok &= cJSON_AddNumberToObject(obj, "comment_count",
                                      a->comment_count) != NULL;
    }

    ok &= cJSON_AddStringToObject(obj, "slug", a->slug) != NULL;
    ok &= cJSON_AddStringToObject(obj, "title", a->title) != NULL;
    ok &= cJSON_AddStringToObject(obj, "subtitle", a->subtitle) != NULL;
    ok &= cJSON_AddStringToObject(obj, "author", a->author) != NULL;
    ok &= cJSON_AddStringToObject(obj, "section", a->section) != NULL;

    tags = cJSON_AddArrayToObject(obj, "tags");
    ok &= tags != NULL;

    for (i = 0; tags != NULL && i < a->ntags; i++) {
        ok &= cJSON_AddItemToArray(tags, cJSON_CreateString(a->tags[i]));
    }

    news_time_rfc3339(&t, a->published_at);
    ok &= !t.failed && cJSON_AddStringToObject(obj, "published_at",
                                               news_buf_cstr(&t)) != NULL;

    news_buf_reset(&t);
    news_time_rfc3339(&t, a->updated_at);
    ok &= !t.failed && cJSON_AddStringToObject(obj, "updated_at",
                                               news_buf_cstr(&t)) != NULL;

    ok &= cJSON_AddStringToObject(obj, "status",
                                  a->status == NEWS_DRAFT
                                  ? "draft" : "published") != NULL;
    ok &= cJSON_AddStringToObject(obj, "body", a->body) != NULL;

    if (a->comments_closed) {
        ok &= cJSON_AddTrueToObject(obj, "comments_closed") != NULL;
    }

    if (a->live) {
        ok &= cJSON_AddTrueToObject(obj, "live") != NULL;
    }

    if (a->image_url != NULL && a->image_url[0]) {
        ok &= news_article_add_image(obj, a);
    }

    news_buf_free(&t);

    if (!ok) {
        cJSON_Delete(obj);
        return NULL;
    }

    return obj;
}


static int
news_article_add_image(cJSON *obj, const news_article_t *a)
{
    int     ok;
    cJSON  *img;

    img = cJSON_AddObjectToObject(obj, "image");
    if (img == NULL) {
        return 0;
    }

    ok = cJSON_AddStringToObject(img, "url", a->image_url) != NULL;
    ok &= cJSON_AddStringToObject(img, "alt", a->image_alt) != NULL;
    ok &= cJSON_AddStringToObject(img, "caption", a->image_caption) != NULL;

    if (a->image_width) {
        ok &= cJSON_AddNumberToObject(img, "width", a->image_width) != NULL;
        ok &= cJSON_AddNumberToObject(img, "height", a->image_height)
              != NULL;
    }

    return ok;
}


void
news_article_free(news_article_t *a)
{
    unsigned  i;

    free(a->image_url);
    free(a->image_alt);
    free(a->image_caption);
    free(a->slug);
    free(a->title);
    free(a->subtitle);
    free(a->author);
    free(a->section);
    free(a->body);

    for (i = 0; i < a->ntags; i++) {
        free(a->tags[i]);
    }

    memset(a, 0, sizeof(*a));
}


static char *
news_strndup(const char *s, size_t n)
{
    char  *p;

    p = malloc(n + 1);
    if (p == NULL) {
        return NULL;
    }

    memcpy(p, s, n);
    p[n] = '\0';

    return p;
}


/*
 * cJSON's allocations go through news_json_alloc, which notes a failure
 * in the calling thread: cJSON itself reports a lack of memory and bad
 * syntax alike, as NULL.
 */
static pthread_once_t  news_json_once = PTHREAD_ONCE_INIT;
static _Thread_local int  news_json_failed;


static void *
news_json_alloc(size_t n)
{
    void  *p;

    p = malloc(n);
    news_json_failed |= (p == NULL);

    return p;
}


static void
news_json_hooks(void)
{
    cJSON_Hooks  hooks = { news_json_alloc, free };

    cJSON_InitHooks(&hooks);
}


cJSON *
news_json_parse(const void *data, size_t len, int *oom)
{
    cJSON  *obj;

    /* with default attributes glibc's pthread_once never fails */
    (void) pthread_once(&news_json_once, news_json_hooks);

    news_json_failed = 0;
    obj = cJSON_ParseWithLength(data, len);
    *oom = obj == NULL && news_json_failed;

    return obj;
}


/*
 * A JSON object parsed with the string value of its top-level member
 * `name` left out (read as ""): a stored article's record without its
 * body, for what shows only its other fields.  The text is parsed whole
 * when the member is not found as such.
 */
cJSON *
news_json_parse_without(const void *data, size_t len, const char *name,
    int *oom)
{
    char    *copy;
    size_t   from, to;
    cJSON   *obj;

    if (news_json_member_span(data, len, name, &from, &to) != 0) {
        return news_json_parse(data, len, oom);
    }

    copy = malloc(len - (to - from) + 1);
    if (copy == NULL) {
        *oom = 1;
        return NULL;
    }

    memcpy(copy, data, from);
    memcpy(copy + from, (const char *) data + to, len - to);

    obj = news_json_parse(copy, len - (to - from), oom);
    free(copy);

    return obj;
}


/*
 * Where the characters of the string value of top-level member `name`
 * lie in JSON object text p (between its quotes: [*from, *to)); -1 when
 * there is no such member or the text ends early.  Strings are skipped
 * by their quotes, so a long value costs a memchr, not a parse.
 */
static int
news_json_member_span(const char *p, size_t n, const char *name,
    size_t *from, size_t *to)
{
    size_t  i, end, len, depth;

    len = strlen(name);
    depth = 0;

    for (i = 0; i < n; i++) {

        if (p[i] == '{' || p[i] == '[') {
            depth++;
            continue;
        }

        if (p[i] == '}' || p[i] == ']') {
            if (depth-- <= 1) {
                return -1;
            }

            continue;
        }

        if (p[i] != '"') {
            continue;
        }

        if (news_json_string_end(p, n, i + 1, &end) != 0) {
            return -1;
        }

        /* a string followed by ':' is a member's name */
        if (depth == 1 && end - (i + 1) == len
            && memcmp(p + i + 1, name, len) == 0)
        {
            for (i = end + 1; i < n && news_json_space(p[i]); i++) {
                /* void */
            }

            if (i < n && p[i] == ':') {
                for (i++; i < n && news_json_space(p[i]); i++) {
                    /* void */
                }

                if (i == n || p[i] != '"'
                    || news_json_string_end(p, n, i + 1, &end) != 0)
                {
                    return -1;
                }

                *from = i + 1;
                *to = end;

                return 0;
            }
        }

        i = end;
    }

    return -1;
}


/* the closing quote of the string whose characters begin at p[i] */
static int
news_json_string_end(const char *p, size_t n, size_t i, size_t *end)
{
    size_t       k;
    const char  *q;

    while (i < n) {
        q = memchr(p + i, '"', n - i);
        if (q == NULL) {
            return -1;
        }

        /* escaped when an odd number of backslashes comes before it */
        for (k = (size_t) (q - p); k > i && p[k - 1] == '\\'; k--) {
            /* void */
        }

        if (((size_t) (q - p) - k) % 2 == 0) {
            *end = (size_t) (q - p);
            return 0;
        }

        i = (size_t) (q - p) + 1;
    }

    return -1;
}


static int
news_json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}


const char *
news_nav_name_check(const char *name, size_t n)
{
    size_t      i;
    int         named;
    news_buf_t  slug;

    if (n == 0 || n > NEWS_SECTION_MAX) {
        return "must be 1 to 64 bytes";
    }

    for (i = 0; i < n; i++) {
        if ((unsigned char) name[i] < 0x20 || name[i] == 0x7f) {
            return "holds a control character";
        }
    }

    if (!news_utf8_valid(name, n)) {
        return "is not UTF-8";
    }

    news_buf_init(&slug);
    named = news_slugify(&slug, name, n);
    news_buf_free(&slug);

    return named ? NULL : "has no letter or digit to make its address";
}
