/*
 * The comment record: its text's rules, its status names, its JSON forms
 * and freeing it; see comment.h.
 */

#include <stdlib.h>
#include <string.h>

#include "comment.h"
#include "text.h"


static const char  *news_comment_status_names[] = {
    "visible", "pending", "hidden", "deleted"
};


int
news_comment_text(const char *s, size_t n, size_t max, news_buf_t *out,
    news_err_t *err)
{
    size_t  i, chars;

    news_trim(&s, &n);

    if (n == 0) {
        return news_err_set(err, NEWS_INVALID, "the comment is empty");
    }

    if (!news_utf8_valid(s, n) || memchr(s, '\0', n) != NULL) {
        return news_err_set(err, NEWS_INVALID, "the comment is not valid "
                            "UTF-8 text");
    }

    if (news_has_control(s, n)) {
        return news_err_set(err, NEWS_INVALID, "the comment holds control "
                            "characters");
    }

    chars = 0;

    for (i = 0; i < n; i++) {
        /* count characters, not bytes: skip UTF-8 continuation bytes */
        if (((unsigned char) s[i] & 0xc0) != 0x80) {
            chars++;
        }

        if (s[i] == '\r') {
            if (i + 1 < n && s[i + 1] == '\n') {
                continue;
            }

            news_buf_addc(out, '\n');
            continue;
        }

        news_buf_addc(out, s[i]);
    }

    if (chars > max) {
        return news_err_set(err, NEWS_INVALID, "the comment is longer than "
                            "%zu characters", max);
    }

    if (out->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


int
news_comment_status_parse(const char *s)
{
    int  i;

    for (i = 0; i <= NEWS_COMMENT_DELETED; i++) {
        if (strcmp(s, news_comment_status_names[i]) == 0) {
            return i;
        }
    }

    return -1;
}


const char *
news_comment_status_name(int status)
{
    if (status < 0 || status > NEWS_COMMENT_DELETED) {
        return "deleted";
    }

    return news_comment_status_names[status];
}


int
news_comment_from_json(news_comment_t *c, const cJSON *obj, news_err_t *err)
{
    const char   *s;
    news_buf_t    body;
    const cJSON  *v;

    memset(c, 0, sizeof(*c));

    if (!cJSON_IsObject(obj)) {
        return news_err_set(err, NEWS_INVALID, "a comment must be an object");
    }

    cJSON_ArrayForEach(v, obj) {
        if (strcmp(v->string, "id") && strcmp(v->string, "parent")
            && strcmp(v->string, "author") && strcmp(v->string, "body")
            && strcmp(v->string, "author_id")
            && strcmp(v->string, "created_at")
            && strcmp(v->string, "edited_at")
            && strcmp(v->string, "status") && strcmp(v->string, "article")
            && strcmp(v->string, "depth")
            && strcmp(v->string, "featured"))
        {
            return news_err_set(err, NEWS_INVALID, "comment: unknown field "
                                "\"%.64s\"", v->string);
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "id");
    if (v != NULL && (!cJSON_IsNumber(v) || v->valuedouble < 1
                      || v->valuedouble > 9007199254740991.0))
    {
        return news_err_set(err, NEWS_INVALID, "comment: \"id\" must be a "
                            "positive integer");
    }

    c->id = v ? (uint64_t) v->valuedouble : 0;

    v = cJSON_GetObjectItemCaseSensitive(obj, "parent");
    if (v != NULL && !cJSON_IsNull(v)
        && (!cJSON_IsNumber(v) || v->valuedouble < 1
            || v->valuedouble > 9007199254740991.0))
    {
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"parent\" "
                            "must be an id or null",
                            (unsigned long long) c->id);
    }

    c->parent = cJSON_IsNumber(v) ? (uint64_t) v->valuedouble : 0;

    /*
     * casting a double out of the integer's range is undefined behaviour:
     * !(x >= lo && x <= hi) refuses that, and NaN
     */
    v = cJSON_GetObjectItemCaseSensitive(obj, "article");
    if (v != NULL && (!cJSON_IsNumber(v) || !(v->valuedouble >= 0
                                              && v->valuedouble
                                                 <= 9007199254740991.0)))
    {
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"article\" "
                            "must be an id", (unsigned long long) c->id);
    }

    c->article_id = v ? (uint64_t) v->valuedouble : 0;

    v = cJSON_GetObjectItemCaseSensitive(obj, "depth");
    if (v != NULL && (!cJSON_IsNumber(v) || !(v->valuedouble >= 1
                                              && v->valuedouble <= 255)))
    {
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"depth\" "
                            "must be 1 to 255", (unsigned long long) c->id);
    }

    c->depth = v ? (unsigned) v->valuedouble : 1;

    v = cJSON_GetObjectItemCaseSensitive(obj, "featured");
    if (v != NULL && !cJSON_IsBool(v)) {
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"featured\" "
                            "must be true or false",
                            (unsigned long long) c->id);
    }

    c->featured = cJSON_IsTrue(v);

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "author"));
    if (s == NULL || s[0] == '\0' || strlen(s) > 64
        || !news_utf8_valid(s, strlen(s)) || news_has_control(s, strlen(s)))
    {
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"author\" "
                            "must be a username",
                            (unsigned long long) c->id);
    }

    c->author = news_comment_strdup(s);

    v = cJSON_GetObjectItemCaseSensitive(obj, "author_id");
    if (v != NULL && (!cJSON_IsNumber(v) || v->valuedouble < 1
                      || v->valuedouble > 9007199254740991.0))
    {
        news_comment_free(c);
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"author_id\" "
                            "must be a user id", (unsigned long long) c->id);
    }

    c->author_id = v ? (uint64_t) v->valuedouble : 0;

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "body"));
    if (s == NULL) {
        news_comment_free(c);
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"body\" is "
                            "required", (unsigned long long) c->id);
    }

    news_buf_init(&body);

    if (news_comment_text(s, strlen(s), NEWS_COMMENT_HARD_MAX, &body, err)
        != NEWS_OK)
    {
        news_buf_free(&body);
        news_comment_free(c);
        return err->code;
    }

    c->body = news_comment_strdup(news_buf_cstr(&body));
    news_buf_free(&body);

    v = cJSON_GetObjectItemCaseSensitive(obj, "status");
    c->status = NEWS_COMMENT_VISIBLE;

    if (v != NULL) {
        s = cJSON_GetStringValue(v);
        c->status = s ? news_comment_status_parse(s) : -1;

        if (c->status < 0) {
            news_comment_free(c);
            return news_err_set(err, NEWS_INVALID, "comment: bad \"status\"");
        }
    }

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                              "created_at"));
    /*
     * A time before 1970 (1970-01-01T00:30:00+01:00) would make its
     * record's key sort among its article's fragments (comments.h)
     */
    if (s == NULL || news_time_parse(s, strlen(s), &c->created_at) != 0
        || c->created_at < 0)
    {
        news_comment_free(c);
        return news_err_set(err, NEWS_INVALID, "comment %llu: \"created_at\" "
                            "must be an RFC 3339 date-time from 1970 on",
                            (unsigned long long) c->id);
    }

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                              "edited_at"));
    if (s != NULL && news_time_parse(s, strlen(s), &c->edited_at) != 0) {
        news_comment_free(c);
        return news_err_set(err, NEWS_INVALID, "comment: bad \"edited_at\"");
    }

    if (c->author == NULL || c->body == NULL) {
        news_comment_free(c);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/*
 * The public form is the API's item; the internal form is the record.
 * NULL if any allocation failed, never an object with a member missing.
 */
cJSON *
news_comment_to_json(const news_comment_t *c, int internal)
{
    int          ok;
    cJSON       *obj;
    news_buf_t   t;

    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return NULL;
    }

    news_buf_init(&t);

    ok = cJSON_AddNumberToObject(obj, "id", (double) c->id) != NULL;

    if (c->parent) {
        ok &= cJSON_AddNumberToObject(obj, "parent", (double) c->parent)
              != NULL;

    } else {
        ok &= cJSON_AddNullToObject(obj, "parent") != NULL;
    }

    ok &= cJSON_AddStringToObject(obj, "author", c->author) != NULL;

    /* ownership goes by id: a name can change hands, an id cannot */
    if (c->author_id) {
        ok &= cJSON_AddNumberToObject(obj, "author_id",
                                      (double) c->author_id) != NULL;
    }

    ok &= cJSON_AddStringToObject(obj, "body", c->body) != NULL;

    news_time_rfc3339(&t, c->created_at);
    ok &= !t.failed && cJSON_AddStringToObject(obj, "created_at",
                                               news_buf_cstr(&t)) != NULL;

    if (c->edited_at) {
        news_buf_reset(&t);
        news_time_rfc3339(&t, c->edited_at);
        ok &= !t.failed && cJSON_AddStringToObject(obj, "edited_at",
                                                   news_buf_cstr(&t)) != NULL;
    }

    ok &= cJSON_AddStringToObject(obj, "status",
                                  news_comment_status_name(c->status))
          != NULL;

    if (c->featured) {
        ok &= cJSON_AddTrueToObject(obj, "featured") != NULL;
    }

    if (internal) {
        ok &= cJSON_AddNumberToObject(obj, "article", (double) c->article_id)
              != NULL;
        ok &= cJSON_AddNumberToObject(obj, "depth", c->depth) != NULL;
    }

    news_buf_free(&t);

    if (!ok) {
        cJSON_Delete(obj);
        return NULL;
    }

    return obj;
}


void
news_comment_free(news_comment_t *c)
{
    free(c->author);
    free(c->body);
    c->author = NULL;
    c->body = NULL;
}


void
news_comments_free(news_comments_t *cs)
{
    size_t  i;

    /* loaded items point into one arena; imported ones own theirs */
    for (i = 0; cs->arena == NULL && i < cs->n; i++) {
        news_comment_free(&cs->items[i]);
    }

    free(cs->arena);
    if (cs->tree != NULL) {
        cs->tree_free(cs->tree);
    }

    free(cs->items);
    memset(cs, 0, sizeof(*cs));
}


/*
 * The public form of a comment: the API's list item and the answer to a
 * post, escaped like every other JSON answer (no raw < > & in it).
 */
void
news_comment_json(news_buf_t *b, const news_comment_t *c)
{
    news_buf_addf(b, "{\"id\":%llu,\"parent\":", (unsigned long long) c->id);

    if (c->parent) {
        news_buf_addf(b, "%llu", (unsigned long long) c->parent);

    } else {
        news_buf_addl(b, "null");
    }

    news_buf_addl(b, ",\"author\":");
    news_json_string(b, c->author, strlen(c->author));
    news_buf_addl(b, ",\"body\":");
    news_json_string(b, c->body, strlen(c->body));
    news_buf_addl(b, ",\"created_at\":\"");
    news_time_rfc3339(b, c->created_at);

    if (c->edited_at) {
        news_buf_addl(b, "\",\"edited_at\":\"");
        news_time_rfc3339(b, c->edited_at);
    }

    news_buf_addf(b, "\",\"status\":\"%s\"%s}",
                  news_comment_status_name(c->status),
                  c->featured ? ",\"featured\":true" : "");
}


char *
news_comment_strdup(const char *s)
{
    size_t   n;
    char    *p;

    n = strlen(s);
    p = malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n + 1);
    }

    return p;
}
