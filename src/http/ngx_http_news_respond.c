/*
 * Every answer but an error leaves through here: pages, JSON, 204,
 * redirects and the Location of what a request made, validators and
 * caching headers (errors and refusals: ngx_http_news_errors.c).
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

    /* nginx's own allocation, which the test build cannot fail (it wraps
     * the module's own calls to the pool alone): nor can its callers */
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

    /* neither header's failure is taken in a test: see
     * ngx_http_news_header_out */
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

    /* never NULL in a test: see ngx_http_news_assemble */
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

    /* never taken in a test: see ngx_http_news_header_out */
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
    return ngx_http_news_header_out(r, key, (u_char *) value,
                                    ngx_strlen(value))
           ? NGX_OK : NGX_ERROR;
}


/*
 * A header of the answer, pushed only once its value is whole: an element
 * pushed before a failure would go out, on the error page that follows,
 * with whatever its memory held as its value's length.
 */
ngx_table_elt_t *
ngx_http_news_header_out(ngx_http_request_t *r, const char *key,
    u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    /*
     * ngx_list_push allocates inside nginx, which the test build cannot
     * fail (it wraps the module's own calls to the pool alone): no test
     * sees this NULL, nor its callers' failures that follow from it
     */
    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value.data = value;
    h->value.len = len;

    return h;
}


ngx_int_t
ngx_http_news_validators(ngx_http_request_t *r, char kind, uint64_t a,
    uint64_t b, int64_t modified)
{
    u_char                     *p, *value;
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

    value = ngx_pnalloc(r->pool, len);
    if (value == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(value, "\"%c%uL.%uL.%uD", kind, a, b, nlcf->chrome_crc);

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

    etag = ngx_http_news_header_out(r, "ETag", value, p - value);
    if (etag == NULL) {
        return NGX_ERROR;
    }

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
    u_char                     *p, *last;
    time_t                      max_age;
    ngx_table_elt_t            *cc, **ccp;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_main_conf_t  *nmcf;

    /* never taken in a test: see ngx_http_news_header_out */
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
    if (p == NULL) {
        return NGX_ERROR;
    }

    last = ngx_sprintf(p, "public, max-age=0, s-maxage=%T", max_age);

    cc = ngx_http_news_header_out(r, "Cache-Control", p, last - p);
    if (cc == NULL) {
        return NGX_ERROR;
    }

    /* an operator's "expires" may set the freshness of public pages */
    if (r->headers_out.cache_control.elts == NULL
        && ngx_array_init(&r->headers_out.cache_control, r->pool, 1,
                          sizeof(ngx_table_elt_t *))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* nginx's own allocation, which the test build cannot fail (it wraps
     * the module's own calls to the pool alone) */
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

    /* getsockname() of the request's own open socket: never fails */
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


/* the same from a stamp read before (search's, in a pool thread's txn) */
ngx_int_t
ngx_http_news_stamp_validators(ngx_http_request_t *r, char kind,
    const news_list_stamp_t *ls, news_err_t *err)
{
    ngx_http_news_ctx_t  *ctx;

    /* the router made the request's ctx before any handler: not NULL */
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

    h = ngx_http_news_header_out(r, "Location", path->data, path->len);
    if (h == NULL) {
        return NGX_ERROR;
    }

    if (redirect) {
        r->headers_out.location = h;
    }

    return NGX_OK;
}
