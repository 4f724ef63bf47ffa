/*
 * Request bodies of the forms and the JSON API: the Content-Type is
 * checked first, the size is limited by news_body_max, and the body is
 * kept in memory only.  A body nginx spilled to a temp file (larger than
 * client_body_buffer_size) is refused with 413 rather than read: reading
 * a file would block the event loop.  Parsing (form fields, JSON) is the
 * route's business; what it gets is one contiguous, length-counted copy.
 */

#include "ngx_http_news.h"
#include "engine/text.h"
#include <cjson/cJSON.h>


static void ngx_http_news_body_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_news_body_flatten(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_type_is(ngx_http_request_t *r,
    const char *type, size_t len);
static ngx_uint_t ngx_http_news_json_nul(ngx_str_t *body);
static ngx_int_t ngx_http_news_json_twice(cJSON *node);
static int ngx_http_news_key_cmp(const void *a, const void *b);
static ngx_int_t ngx_http_news_form_field(ngx_http_request_t *r,
    ngx_str_t *body, const char *name, ngx_str_t *value);


/*
 * Reads the body of a form (json = 0) or of a JSON request, then calls
 * done(r, body) and finalizes with what it returns.  The caller returns
 * what this returns.
 */
ngx_int_t
ngx_http_news_read_body(ngx_http_request_t *r, ngx_uint_t json,
    ngx_http_news_body_pt done)
{
    ngx_int_t                   rc;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    /* the router made the request's ctx before any handler: not NULL */
    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->body_done = done;

    if (json ? !ngx_http_news_type_is(r, "application/json",
                                      sizeof("application/json") - 1)
             : !ngx_http_news_type_is(r, "application/x-www-form-urlencoded",
                     sizeof("application/x-www-form-urlencoded") - 1))
    {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_error(r, NGX_HTTP_UNSUPPORTED_MEDIA_TYPE,
                                   "unsupported_media_type",
                                   json ? "The body must be "
                                          "application/json."
                                        : "The form must be sent as "
                                          "application/"
                                          "x-www-form-urlencoded.");
    }

    if (r->headers_in.content_length_n > (off_t) nmcf->body_max) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_error(r, NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                   "too_large", "The request is too large.");
    }

    rc = ngx_http_read_client_request_body(r, ngx_http_news_body_handler);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        return rc;
    }

    return NGX_DONE;
}


/* media type match, parameters (";charset=utf-8") allowed */
static ngx_int_t
ngx_http_news_type_is(ngx_http_request_t *r, const char *type, size_t len)
{
    ngx_str_t  *ct;

    if (r->headers_in.content_type == NULL) {
        return 0;
    }

    ct = &r->headers_in.content_type->value;

    if (ct->len < len || ngx_strncasecmp(ct->data, (u_char *) type, len) != 0)
    {
        return 0;
    }

    return ct->len == len || ct->data[len] == ';' || ct->data[len] == ' ';
}


static void
ngx_http_news_body_handler(ngx_http_request_t *r)
{
    ngx_int_t             rc;
    ngx_str_t             body;
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    /* set before the body was asked for (ngx_http_news_read_body): a guard */
    if (ctx == NULL || ctx->body_done == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    rc = ngx_http_news_body_flatten(r, &body);

    if (rc == NGX_OK) {
        rc = ctx->body_done(r, &body);

    } else if (rc == NGX_HTTP_REQUEST_ENTITY_TOO_LARGE) {
        rc = ngx_http_news_error(r, rc, "too_large",
                                 "The request is too large.");
    }

    ngx_http_finalize_request(r, rc);
}


static ngx_int_t
ngx_http_news_body_flatten(ngx_http_request_t *r, ngx_str_t *body)
{
    u_char                     *p;
    size_t                      len;
    ngx_chain_t                *cl;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    body->len = 0;
    body->data = (u_char *) "";

    if (r->request_body == NULL || r->request_body->bufs == NULL) {
        return NGX_OK;
    }

    if (r->request_body->temp_file) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "news: request body buffered to a file refused; "
                      "raise client_body_buffer_size to news_body_max");
        return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
    }

    len = 0;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        /* an empty body ends with a lone last_buf: no data, no file */
        if (ngx_buf_special(cl->buf)) {
            continue;
        }

        /* never taken: a body in a file has temp_file set (above) */
        if (cl->buf->in_file || !ngx_buf_in_memory(cl->buf)) {
            return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
        }

        len += cl->buf->last - cl->buf->pos;

        if (len > nmcf->body_max) {
            return NGX_HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
    }

    if (len == 0) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    body->data = p;
    body->len = len;

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        if (ngx_buf_special(cl->buf)) {
            continue;
        }

        p = ngx_cpymem(p, cl->buf->pos, cl->buf->last - cl->buf->pos);
    }

    return NGX_OK;
}

/*
 * cJSON_ParseWithLength() is too lenient for bodies: it stops at the end
 * of the first value, so '{"a":1} junk' parses; its strings are C
 * strings, so a NUL byte, raw or escaped as \u0000, silently cuts the
 * text short (a password "a\u0000b" would be "a"); and an object may
 * hold a key twice, the last one winning where a form refuses it.  All
 * three are refused here: NULL means a 400, and *why says which.
 */
cJSON *
ngx_http_news_json_parse(ngx_str_t *body, const char **why)
{
    u_char      *p, *last;
    cJSON       *obj;
    const char  *end;

    *why = "the body is not valid JSON";

    if (body->len == 0 || ngx_strlchr(body->data, body->data + body->len, '\0')
                          != NULL)
    {
        return NULL;
    }

    end = NULL;
    obj = cJSON_ParseWithLengthOpts((char *) body->data, body->len, &end, 0);
    if (obj == NULL) {
        return NULL;
    }

    last = body->data + body->len;

    /* cJSON sets end whenever it parses: p != NULL guards its contract */
    for (p = (u_char *) end; p != NULL && p < last; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
            cJSON_Delete(obj);
            return NULL;
        }
    }

    if (ngx_http_news_json_nul(body)) {
        *why = "a string holds a NUL character (\\u0000)";
        cJSON_Delete(obj);
        return NULL;
    }

    if (ngx_http_news_json_twice(obj) != NGX_OK) {
        *why = "a key occurs twice in one object";
        cJSON_Delete(obj);
        return NULL;
    }

    return obj;
}


/*
 * Whether valid JSON text escapes a NUL inside a string: a backslash
 * begins an escape only inside a string, and "\\u0000" (an escaped
 * backslash, then text) is not one.
 */
static ngx_uint_t
ngx_http_news_json_nul(ngx_str_t *body)
{
    u_char      *p, *last;
    ngx_uint_t   in_string;

    in_string = 0;
    last = body->data + body->len;

    for (p = body->data; p < last; p++) {

        if (*p == '"') {
            in_string = !in_string;
            continue;
        }

        /*
         * the text parsed as JSON: a backslash never ends it, and a \u
         * has its four digits, so "p + 1 == last" and "last - p > 4" are
         * guards, never decisive
         */
        if (!in_string || *p != '\\' || p + 1 == last) {
            continue;
        }

        p++;

        if (*p == 'u' && last - p > 4 && ngx_strncmp(p + 1, "0000", 4) == 0)
        {
            return 1;
        }
    }

    return 0;
}


/*
 * NGX_OK when no object in the tree holds a key twice.  The keys of an
 * object are sorted to be compared (a body of 1m can hold 100,000 keys);
 * the depth is bounded by cJSON's nesting limit.
 */
static ngx_int_t
ngx_http_news_json_twice(cJSON *node)
{
    size_t      n, i;
    cJSON      *v;
    ngx_int_t   rc;
    char      **keys;

    n = 0;

    for (v = node->child; v != NULL; v = v->next) {
        if (ngx_http_news_json_twice(v) != NGX_OK) {
            return NGX_ERROR;
        }

        n++;
    }

    if (!cJSON_IsObject(node) || n < 2) {
        return NGX_OK;
    }

    /* nginx's malloc: the fault shim fails the module's own calls alone */
    keys = ngx_alloc(n * sizeof(char *), ngx_cycle->log);
    if (keys == NULL) {
        return NGX_ERROR;
    }

    i = 0;

    for (v = node->child; v != NULL; v = v->next) {
        keys[i++] = v->string;
    }

    ngx_qsort(keys, n, sizeof(char *), ngx_http_news_key_cmp);

    rc = NGX_OK;

    for (i = 1; i < n; i++) {
        if (ngx_strcmp(keys[i - 1], keys[i]) == 0) {
            rc = NGX_ERROR;
            break;
        }
    }

    ngx_free(keys);

    return rc;
}


static int
ngx_http_news_key_cmp(const void *a, const void *b)
{
    return ngx_strcmp(*(char **) a, *(char **) b);
}


/*
 * A JSON body parsed (ngx_http_news_json_parse()), or NULL after a 400
 * saying why, with *rc what to finalize with
 */
cJSON *
ngx_http_news_json_body(ngx_http_request_t *r, ngx_str_t *body,
    ngx_int_t *rc)
{
    cJSON       *obj;
    const char  *why;

    obj = ngx_http_news_json_parse(body, &why);

    if (obj == NULL) {
        *rc = ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST, "bad_json",
                                       why);
    }

    return obj;
}


/*
 * A route that reads a body for some methods (POST for a form, PUT for
 * the word lists), for a reader whom the engine lets do act (NEWS_ACT_*):
 * such a request's body goes to done; NGX_DECLINED for the others (GET
 * and HEAD), which the route answers itself; else the refusal, answered.
 */
ngx_int_t
ngx_http_news_body_route(ngx_http_request_t *r, ngx_uint_t json, int act,
    ngx_uint_t methods, ngx_http_news_body_pt done)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, json, act);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method & methods) {
        return ngx_http_news_read_body(r, json, done);
    }

    return NGX_DECLINED;
}


/*
 * A form's fields: *values[i] is names[i]'s value, decoded into r->pool;
 * an absent field is { 0, NULL }, an empty one { 0, "" }.  NGX_OK,
 * NGX_HTTP_BAD_REQUEST for a field garbled or given twice, or
 * NGX_HTTP_INTERNAL_SERVER_ERROR.
 */
ngx_int_t
ngx_http_news_form_fields(ngx_http_request_t *r, ngx_str_t *body,
    const char *const *names, ngx_str_t **values, ngx_uint_t n)
{
    ngx_int_t   rc, bad;
    ngx_uint_t  i;

    bad = 0;

    for (i = 0; i < n; i++) {
        rc = ngx_http_news_form_field(r, body, names[i], values[i]);

        if (rc == NGX_ERROR) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc == 1 && values[i]->data == NULL) {
            values[i]->data = (u_char *) "";
        }

        bad |= (rc != 1 && rc != 0);
    }

    return bad ? NGX_HTTP_BAD_REQUEST : NGX_OK;
}


/*
 * The same for a logged-in reader's form, whose "csrf" field must be the
 * token of the reader's session: NGX_OK, NGX_HTTP_FORBIDDEN when it is
 * not (absent, garbled or another's), then NGX_HTTP_BAD_REQUEST for any
 * other field garbled or twice, or NGX_HTTP_INTERNAL_SERVER_ERROR.
 * ngx_http_news_form_refused() answers any of these.
 */
ngx_int_t
ngx_http_news_form_read(ngx_http_request_t *r, ngx_str_t *body,
    const char *const *names, ngx_str_t **values, ngx_uint_t n)
{
    ngx_int_t  rc;
    ngx_str_t  csrf;

    rc = ngx_http_news_form_field(r, body, "csrf", &csrf);

    if (rc == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc != 1 || ngx_http_news_csrf_check(r, &csrf) != NGX_OK) {
        return NGX_HTTP_FORBIDDEN;
    }

    return ngx_http_news_form_fields(r, body, names, values, n);
}


/*
 * A form field's value, decoded into r->pool (the work buffer is wiped:
 * it may have held a password): 1 found, 0 absent, NEWS_FORM_BAD
 * (garbled or twice), NGX_ERROR.
 */
static ngx_int_t
ngx_http_news_form_field(ngx_http_request_t *r, ngx_str_t *body,
    const char *name, ngx_str_t *value)
{
    int         rc;
    news_buf_t  b;

    ngx_str_null(value);
    news_buf_init(&b);

    rc = news_form_field((char *) body->data, body->len, name, &b);

    if (rc == 1 && !b.failed && b.len) {
        value->data = ngx_pnalloc(r->pool, b.len);
        if (value->data == NULL) {
            news_buf_free(&b);
            return NGX_ERROR;
        }

        ngx_memcpy(value->data, b.data, b.len);
        value->len = b.len;
    }

    if (b.failed) {
        rc = NGX_ERROR;

    } else if (rc == NEWS_FORM_DUP) {
        /* NEWS_FORM_DUP is -1, NGX_ERROR's value: both are a 400 anyway */
        rc = NEWS_FORM_BAD;
    }

    /* the buffer may have held a password */
    if (b.data) {
        ngx_explicit_memzero(b.data, b.cap);
    }

    news_buf_free(&b);

    return rc;
}
