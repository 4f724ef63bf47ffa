/*
 * Every answer leaves through here: pages, errors (HTML or JSON), 204,
 * redirects and the Location of what a request made, validators.
 *
 * A page is a list of pieces (site chrome from the location conf,
 * fragments from the store) copied once into one request-pool buffer, so
 * the response is one write and nothing points into the LMDB map.
 */

#include "ngx_http_news.h"
#include "engine/render_account.h"
#include "engine/text.h"


/*
 * Media types without parameters: ngx_http_news_output() sets the
 * charset apart, as nginx's own modules do, so that the filters that
 * match on the type (gzip_types, sub_filter_types, ssi_types, ...) see
 * "text/html" and not "text/html; charset=utf-8".
 */
ngx_str_t  ngx_http_news_html_type = ngx_string("text/html");
ngx_str_t  ngx_http_news_json_type = ngx_string("application/json");


static ngx_int_t ngx_http_news_security_headers(ngx_http_request_t *r);
static ngx_int_t ngx_http_news_cache_control(ngx_http_request_t *r,
    ngx_uint_t private);
static ngx_int_t ngx_http_news_server_host(ngx_http_request_t *r,
    ngx_str_t *name, ngx_str_t *host);


/*
 * Copies the pieces into the request pool; call before the read txn ends,
 * then ngx_http_news_output().
 */
ngx_buf_t *
ngx_http_news_assemble(ngx_http_request_t *r, ngx_str_t *pieces, ngx_uint_t n)
{
    size_t       len;
    ngx_buf_t   *b;
    ngx_uint_t   i;

    len = 0;

    for (i = 0; i < n; i++) {
        len += pieces[i].len;
    }

    b = ngx_create_temp_buf(r->pool, len ? len : 1);
    if (b == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        if (pieces[i].len) {
            b->last = ngx_cpymem(b->last, pieces[i].data, pieces[i].len);
        }
    }

    return b;
}


ngx_int_t
ngx_http_news_output(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b)
{
    ngx_int_t                  rc;
    ngx_chain_t                out;
    ngx_http_news_loc_conf_t  *nlcf;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;

    /*
     * Everything we send is UTF-8.  JSON is UTF-8 by definition and takes
     * no charset parameter (RFC 8259); the others say so.  nginx's header
     * filter writes "; charset=utf-8" after the type.
     */
    if (type != &ngx_http_news_json_type) {
        ngx_str_set(&r->headers_out.charset, "utf-8");
    }

    /*
     * "news_security_headers off" leaves them all to the operator's own
     * add_header lines (which cannot remove ours, only add to them)
     */
    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (nlcf->security_headers
        && type == &ngx_http_news_html_type
        && ngx_http_news_security_headers(r) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* JSON too: a browser must never sniff an answer into HTML */
    if (nlcf->security_headers
        && type == &ngx_http_news_json_type
        && ngx_http_news_add_header(r, "X-Content-Type-Options", "nosniff")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/* sends what a renderer put in a buffer (ngx_http_news_buf's, mostly) */
ngx_int_t
ngx_http_news_send_buf(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, news_buf_t *b)
{
    ngx_str_t  piece;

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    piece.data = (u_char *) b->data;
    piece.len = b->len;

    return ngx_http_news_send(r, status, type, &piece, 1);
}


/*
 * The JSON answer to a committed write.  When the engine's buffer for it
 * failed, an error would have the client send the write again and be
 * told it is done already (a duplicate, a taken name): the brief answer
 * fmt makes, from the pool, says what was written instead.
 */
ngx_int_t
ngx_http_news_send_written(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, const char *fmt, ...)
{
    u_char     *p;
    va_list     args;
    ngx_str_t   brief;

    if (!b->failed) {
        return ngx_http_news_send_buf(r, status, &ngx_http_news_json_type, b);
    }

    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "news: no memory for the answer to \"%V\", answered "
                  "briefly", &r->uri);

    brief.data = ngx_pnalloc(r->pool, NGX_HTTP_NEWS_BRIEF_MAX);
    if (brief.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    va_start(args, fmt);
    p = ngx_vslprintf(brief.data, brief.data + NGX_HTTP_NEWS_BRIEF_MAX, fmt,
                      args);
    va_end(args);

    brief.len = p - brief.data;

    return ngx_http_news_send(r, status, &ngx_http_news_json_type, &brief, 1);
}


ngx_int_t
ngx_http_news_send(ngx_http_request_t *r, ngx_uint_t status, ngx_str_t *type,
    ngx_str_t *pieces, ngx_uint_t n)
{
    ngx_buf_t  *b;

    b = ngx_http_news_assemble(r, pieces, n);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_output(r, status, type, b);
}


/*
 * The policy has no script source at all: nothing inline can run.  Styles
 * are our inline stylesheet by its hash and news_site_stylesheet, built
 * with the chrome (news_render_csp).
 */
static ngx_int_t
ngx_http_news_security_headers(ngx_http_request_t *r)
{
    const char                *csp;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    csp = nlcf->csp.len ? (const char *) nlcf->csp.data
                        : "default-src 'none'; img-src 'self' data:; "
                          "form-action 'self'; base-uri 'self'; "
                          "frame-ancestors 'none'";

    if (ngx_http_news_add_header(r, "Content-Security-Policy", csp)
        != NGX_OK
        || ngx_http_news_add_header(r, "X-Content-Type-Options", "nosniff")
           != NGX_OK
        || ngx_http_news_add_header(r, "Referrer-Policy",
                                    "strict-origin-when-cross-origin")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_news_add_header(ngx_http_request_t *r, const char *key,
    const char *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = (u_char *) value;
    h->value.len = ngx_strlen(value);

    return NGX_OK;
}


ngx_int_t
ngx_http_news_validators(ngx_http_request_t *r, char kind, uint64_t a,
    uint64_t b, int64_t modified)
{
    u_char                     *p;
    size_t                      len;
    uint32_t                    host_crc;
    ngx_str_t                   csrf, host;
    news_user_t                *user;
    ngx_table_elt_t            *etag;
    ngx_http_news_loc_conf_t   *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    user = ngx_http_news_user(r);

    /* a logged-in page holds the reader's name and form tokens */
    ngx_str_null(&csrf);

    if (user != NULL && ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_ERROR;
    }

    len = sizeof("\"x.-.-.-.u-.h-\"") + 4 * NGX_INT64_LEN + 8 + 8;

    p = ngx_pnalloc(r->pool, len);
    etag = ngx_list_push(&r->headers_out.headers);

    if (p == NULL || etag == NULL) {
        return NGX_ERROR;
    }

    etag->hash = 1;
    ngx_str_set(&etag->key, "ETag");
    etag->value.data = p;

    p = ngx_sprintf(p, "\"%c%uL.%uL.%uD", kind, a, b, nlcf->chrome_crc);

    if (user != NULL) {
        p = ngx_sprintf(p, ".u%uL.%*s", user->id, ngx_min(csrf.len, 8),
                        csrf.data);
    }

    /* links made from the Host: one host's copy is not another's */
    if (ngx_http_news_host_varies(r)) {
        if (ngx_http_news_host(r, &host) != NGX_OK) {
            return NGX_ERROR;
        }

        host_crc = ngx_crc32_short(host.data, host.len);
        p = ngx_sprintf(p, ".h%08xD", host_crc);
    }

    *p++ = '"';
    etag->value.len = p - etag->value.data;
    r->headers_out.etag = etag;

    if (modified > 0) {
        r->headers_out.last_modified_time = (time_t) modified;
    }

    if (ngx_http_news_surrogate_keys(r, kind, a) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_news_cache_control(r, user != NULL);
}


/*
 * Every answer with validators depends on the session cookie, and on the
 * Host when links are made from it: Vary says so to every cache.  It
 * names Accept-Encoding too, for gzip: nginx 1.22's proxy_cache keys on
 * the last Vary line alone, and gzip_vary's comes before ours.  A
 * logged-in page is never stored.  An anonymous one may be kept by
 * shared caches (s-maxage) while browsers revalidate it each time
 * (max-age=0, a cheap 304): a browser that has just logged in must not
 * show the logged-out copy it holds.
 */
static ngx_int_t
ngx_http_news_cache_control(ngx_http_request_t *r, ngx_uint_t private)
{
    u_char                     *p;
    time_t                      max_age;
    ngx_table_elt_t            *cc, **ccp;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_main_conf_t  *nmcf;

    if (ngx_http_news_add_header(r, "Vary",
                                 ngx_http_news_host_varies(r)
                                 ? "Accept-Encoding, Cookie, Host"
                                 : "Accept-Encoding, Cookie")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /*
     * Not registered as r->headers_out.cache_control: nginx's "expires"
     * replaces that one, and must never turn a private page public (it
     * adds its own header beside this one instead).
     */
    if (private) {
        return ngx_http_news_add_header(r, "Cache-Control",
                                        "private, no-store");
    }

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    /* a list must not outlive the next scheduled article's arrival */
    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);
    max_age = nmcf->cache_max_age;

    if (ctx != NULL && ctx->stale_at > ngx_time()) {
        max_age = ngx_min(max_age, ctx->stale_at - ngx_time());
    }

    p = ngx_pnalloc(r->pool, sizeof("public, max-age=0, s-maxage=")
                             + NGX_TIME_T_LEN);
    cc = ngx_list_push(&r->headers_out.headers);

    if (p == NULL || cc == NULL) {
        return NGX_ERROR;
    }

    cc->hash = 1;
    ngx_str_set(&cc->key, "Cache-Control");
    cc->value.data = p;
    cc->value.len = ngx_sprintf(p, "public, max-age=0, s-maxage=%T",
                                max_age)
                    - p;

    /* an operator's "expires" may set the freshness of public pages */
    if (r->headers_out.cache_control.elts == NULL
        && ngx_array_init(&r->headers_out.cache_control, r->pool, 1,
                          sizeof(ngx_table_elt_t *))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    ccp = ngx_array_push(&r->headers_out.cache_control);
    if (ccp == NULL) {
        return NGX_ERROR;
    }

    *ccp = cc;

    return NGX_OK;
}


/*
 * The host of the site's absolute URLs (feeds, sitemap, canonical and
 * OpenGraph links, JSON-LD).  With a server_name it is the server's first
 * plain name with the port the request came in on, as in nginx's own
 * redirects with server_name_in_redirect on: no request can choose what a
 * cached page links to.  Without one it is the request's Host, only host
 * characters taken (a forged Host cannot inject markup), and the answers
 * vary by it (ngx_http_news_host_varies).
 */
ngx_int_t
ngx_http_news_host(ngx_http_request_t *r, ngx_str_t *host)
{
    u_char                    *p, c;
    size_t                     i;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (nlcf->server_host.len) {
        return ngx_http_news_server_host(r, &nlcf->server_host, host);
    }

    ngx_str_set(host, "localhost");

    if (r->headers_in.host == NULL) {
        return NGX_OK;
    }

    p = r->headers_in.host->value.data;

    for (i = 0; i < r->headers_in.host->value.len; i++) {
        c = ngx_tolower(p[i]);

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
              || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
        {
            return NGX_OK;
        }
    }

    *host = r->headers_in.host->value;

    return NGX_OK;
}


/* the name, and the port unless it is the scheme's own (or a socket's) */
static ngx_int_t
ngx_http_news_server_host(ngx_http_request_t *r, ngx_str_t *name,
    ngx_str_t *host)
{
    u_char      *p;
    in_port_t    port, standard;

    if (ngx_connection_local_sockaddr(r->connection, NULL, 0) != NGX_OK) {
        return NGX_ERROR;
    }

    port = ngx_inet_get_port(r->connection->local_sockaddr);
    standard = 80;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        standard = 443;
    }
#endif

    if (port == standard || port == 0) {
        *host = *name;
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, name->len + sizeof(":65535") - 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    host->data = p;
    host->len = ngx_sprintf(p, "%V:%ui", name, (ngx_uint_t) port) - p;

    return NGX_OK;
}


/* absolute links come from the request's Host */
ngx_uint_t
ngx_http_news_host_varies(ngx_http_request_t *r)
{
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    return nlcf->base_url.len == 0 && nlcf->server_host.len == 0;
}


/*
 * An error page of the operator's (error_page) for this status, in this
 * location: the handler then returns the status and nginx's own
 * special-response handler redirects to it, exactly as it decides to.
 */
ngx_uint_t
ngx_http_news_operator_page(ngx_http_request_t *r, ngx_uint_t status)
{
    ngx_uint_t                 i;
    ngx_http_err_page_t       *page;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->error_pages == NULL || r->error_page || r->uri_changes == 0) {
        return 0;
    }

    page = clcf->error_pages->elts;

    for (i = 0; i < clcf->error_pages->nelts; i++) {
        if ((ngx_uint_t) page[i].status == status) {
            return 1;
        }
    }

    return 0;
}


/* the same from a stamp read before (search's, in a pool thread's txn) */
ngx_int_t
ngx_http_news_stamp_validators(ngx_http_request_t *r, char kind,
    const news_list_stamp_t *ls, news_err_t *err)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    ctx->stale_at = (time_t) ls->sc.next;

    if (ngx_http_news_validators(r, kind, ls->snapshot, (uint64_t) ls->sc.due,
                                 ngx_max(ls->modified, ls->sc.due))
        != NGX_OK)
    {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/*
 * A write the engine refused: the status and a message saying why, in
 * JSON or HTML.  Store failures go on to ngx_http_news_store_error().
 */
ngx_int_t
ngx_http_news_refused(ngx_http_request_t *r, news_err_t *err,
    ngx_uint_t json)
{
    ngx_uint_t   status;
    const char  *code, *title;

    switch (err->code) {

    case NEWS_INVALID:
    case NEWS_GONE:
        status = 422;
        code = "invalid";
        title = "Not saved";
        break;

    case NEWS_MALFORMED:
        status = NGX_HTTP_BAD_REQUEST;
        code = "bad_type";
        title = "Not saved";
        break;

    case NEWS_FORBIDDEN:
        status = NGX_HTTP_FORBIDDEN;
        code = "forbidden";
        title = "Forbidden";
        break;

    case NEWS_CONFLICT:
        status = NGX_HTTP_CONFLICT;
        code = "conflict";
        title = "Not saved";
        break;

    case NEWS_LIMITED:
        status = NGX_HTTP_TOO_MANY_REQUESTS;
        code = "rate_limited";
        title = "Slow down";
        break;

    case NEWS_NOTFOUND:
        status = NGX_HTTP_NOT_FOUND;
        code = "not_found";
        title = "Not found";
        break;

    default:
        return ngx_http_news_store_error(r, err, json);
    }

    if (json) {
        return ngx_http_news_json_error(r, status, code, err->msg);
    }

    return ngx_http_news_html_error(r, status, title, err->msg);
}


/* a store failure: the status says what the client may do about it */
ngx_int_t
ngx_http_news_store_error(ngx_http_request_t *r, news_err_t *err,
    ngx_uint_t json)
{
    ngx_uint_t   status, level;
    const char  *code, *text;

    switch (err->code) {

    case NEWS_NOTFOUND:
        status = NGX_HTTP_NOT_FOUND;
        level = 0;
        code = "not_found";
        text = "There is no page at this address.";
        break;

    case NEWS_FULL:
        status = 507;
        level = NGX_LOG_CRIT;
        code = "store_full";
        text = "The site cannot take new writes right now.";
        break;

    case NEWS_BUSY:
        status = NGX_HTTP_SERVICE_UNAVAILABLE;
        level = NGX_LOG_ERR;
        code = "busy";
        text = "The site is busy; please try again in a moment.";
        break;

    default:
        status = NGX_HTTP_INTERNAL_SERVER_ERROR;
        level = NGX_LOG_ERR;
        code = "internal_error";
        text = "Something went wrong on our side.";
    }

    if (level) {
        ngx_log_error(level, r->connection->log, 0, "news: %s", err->msg);
    }

    if (json) {
        return ngx_http_news_json_error(r, status, code, text);
    }

    return ngx_http_news_html_error(r, status,
                                    status == NGX_HTTP_NOT_FOUND
                                    ? "Page not found" : "Sorry",
                                    text);
}


/* ---- errors, refusals ------------------------------------------------- */


/* an error in the request's language: JSON under /api/, else a page */
ngx_int_t
ngx_http_news_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *text)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_news_get_ctx(r);

    if (ctx != NULL && ctx->json) {
        return ngx_http_news_json_error(r, status, code, text);
    }

    return ngx_http_news_html_error(r, status,
                                    status == NGX_HTTP_FORBIDDEN
                                    ? "Forbidden" : "Bad request", text);
}


/*
 * What ngx_http_news_form_read() refused, on the site's error page: 403
 * for the token, 400 for a garbled field; else rc (a 500)
 */
ngx_int_t
ngx_http_news_form_refused(ngx_http_request_t *r, ngx_int_t rc)
{
    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_html_error(r, NGX_HTTP_FORBIDDEN, "Forbidden",
                                        NGX_HTTP_NEWS_FORM_EXPIRED);
    }

    if (rc == NGX_HTTP_BAD_REQUEST) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        NGX_HTTP_NEWS_FORM_GARBLED);
    }

    return rc;
}


ngx_int_t
ngx_http_news_html_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *title, const char *text)
{
    news_buf_t            *b;
    ngx_http_news_page_t   pg;

    if (ngx_http_news_operator_page(r, status)) {
        return status;
    }

    b = ngx_http_news_buf(r);
    news_render_error_main(b, (int) status, title, text);

    ngx_memzero(&pg, sizeof(pg));
    pg.title.len = ngx_strlen(title);
    pg.title.len += ngx_escape_html(NULL, (u_char *) title, pg.title.len);
    pg.title.data = ngx_pnalloc(r->pool, pg.title.len);

    if (b->failed || pg.title.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_escape_html(pg.title.data, (u_char *) title, ngx_strlen(title));
    pg.main.data = (u_char *) b->data;
    pg.main.len = b->len;

    return ngx_http_news_send_page(r, status, &pg);
}


ngx_int_t
ngx_http_news_json_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message)
{
    news_buf_t  *b;

    b = ngx_http_news_buf(r);

    news_buf_addf(b, "{\"error\":{\"code\":\"%s\",\"message\":", code);
    news_json_string(b, message, ngx_strlen(message));
    news_buf_addl(b, "}}\n");

    return ngx_http_news_send_buf(r, status, &ngx_http_news_json_type, b);
}


ngx_int_t
ngx_http_news_see_other(ngx_http_request_t *r, ngx_str_t *location)
{
    ngx_str_t  piece;

    if (ngx_http_news_location(r, location, 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    piece.data = (u_char *) news_render_see_other_page;
    piece.len = ngx_strlen(news_render_see_other_page);

    return ngx_http_news_send(r, NGX_HTTP_SEE_OTHER,
                              &ngx_http_news_html_type, &piece, 1);
}


/*
 * Who may act: a logged-in user of at least `role` (NGX_DECLINED: go
 * on).  Anyone else is answered here: anonymous JSON gets 401, anonymous
 * forms 403 with the way to log in, and the unread body is discarded;
 * the result is what to finalize with.
 */
ngx_int_t
ngx_http_news_need_user(ngx_http_request_t *r, ngx_uint_t json, int act)
{
    ngx_int_t      rc;
    ngx_uint_t     may;
    news_err_t     err;
    news_user_t   *user;
    news_actor_t   actor;

    user = ngx_http_news_user(r);
    may = user != NULL
          && news_actor_may(ngx_http_news_actor(r, &actor), act, &err)
             == NEWS_OK;

    if (may) {
        return json ? ngx_http_news_own_origin(r) : NGX_DECLINED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (user != NULL) {
        return ngx_http_news_error(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                   "Your account may not do this.");
    }

    if (json) {
        return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                        "login_required",
                                        "log in first");
    }

    return ngx_http_news_html_error(r, NGX_HTTP_FORBIDDEN, "Log in first",
                                    "Log in to comment: use the link at the "
                                    "top of the page.");
}


/* ---- no body, redirects, Location --------------------------------------- */


/* 204 No Content */
ngx_int_t
ngx_http_news_no_content(ngx_http_request_t *r)
{
    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}


/*
 * A path on this site, in r->pool: the location's prefix, then what fmt
 * (an ngx_sprintf() format) makes of the arguments, at most max bytes.
 */
ngx_int_t
ngx_http_news_site_path(ngx_http_request_t *r, ngx_str_t *path, size_t max,
    const char *fmt, ...)
{
    u_char                    *p;
    va_list                    args;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    path->data = ngx_pnalloc(r->pool, nlcf->prefix.len + max);
    if (path->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(path->data, nlcf->prefix.data, nlcf->prefix.len);

    va_start(args, fmt);
    p = ngx_vslprintf(p, p + max, fmt, args);
    va_end(args);

    path->len = p - path->data;

    return NGX_OK;
}


/*
 * The Location header.  A redirect's (redirect = 1) is also nginx's own
 * headers_out.location, which nginx makes absolute as for its own
 * redirects (absolute_redirect); a 201's stays the path it is.
 */
ngx_int_t
ngx_http_news_location(ngx_http_request_t *r, ngx_str_t *path,
    ngx_uint_t redirect)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Location");
    h->value = *path;

    if (redirect) {
        r->headers_out.location = h;
    }

    return NGX_OK;
}
