/*
 * What keeps other sites' requests out: the CSRF value of a reader's
 * forms and its check, the Origin of JSON writes, the scheme a request
 * came over, and where a form may send the reader after it (?next=, a
 * path on this site only).
 */

#include "ngx_http_news_auth.h"


static ngx_int_t ngx_http_news_origin_ok(ngx_http_request_t *r);


/* the CSRF token of the logged-in reader's forms, in hex */
ngx_int_t
ngx_http_news_csrf_value(ngx_http_request_t *r, ngx_str_t *hex)
{
    u_char                digest[NEWS_SHA256_LEN];
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);
    if (ctx == NULL || ctx->user == NULL) {
        return NGX_ERROR;
    }

    /* a page asks for it several times: the nav, each form, the ETag */
    if (ctx->csrf.len) {
        *hex = ctx->csrf;
        return NGX_OK;
    }

    news_csrf_token(ctx->token, NGX_HTTP_NEWS_CSRF_SESSION, digest);

    if (ngx_http_news_hex(r, digest, sizeof(digest), hex) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->csrf = *hex;

    return NGX_OK;
}


/* NGX_OK if value is the logged-in reader's CSRF token */
ngx_int_t
ngx_http_news_csrf_check(ngx_http_request_t *r, ngx_str_t *value)
{
    u_char                want[NEWS_SHA256_LEN], got[NEWS_SHA256_LEN];
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);
    if (ctx == NULL || ctx->user == NULL) {
        return NGX_DECLINED;
    }

    if (news_hex_decode((char *) value->data, value->len, got, sizeof(got))
        != (ssize_t) sizeof(got))
    {
        return NGX_DECLINED;
    }

    news_csrf_token(ctx->token, NGX_HTTP_NEWS_CSRF_SESSION, want);

    return news_equal(want, got, sizeof(got)) ? NGX_OK : NGX_DECLINED;
}


/*
 * The JSON API refuses requests that a browser sent on behalf of another
 * site, before anything is read: NGX_DECLINED when the request is the
 * site's own, else the refusal, already answered.
 */
ngx_int_t
ngx_http_news_own_origin(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    if (ngx_http_news_origin_ok(r) == NGX_OK) {
        return NGX_DECLINED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN, "foreign_origin",
                                    "requests from other sites are "
                                    "refused");
}


/* an Origin header, when present, must be this very site */
static ngx_int_t
ngx_http_news_origin_ok(ngx_http_request_t *r)
{
    size_t            len;
    ngx_str_t        *host;
    ngx_uint_t        ssl;
    ngx_table_elt_t  *origin;

    origin = ngx_http_news_header_in(r, "Origin");
    if (origin == NULL) {
        return NGX_OK;
    }

    if (r->headers_in.host == NULL) {
        return NGX_DECLINED;
    }

    host = &r->headers_in.host->value;
    ssl = ngx_http_news_secure(r);

    len = ssl ? sizeof("https://") - 1 : sizeof("http://") - 1;

    if (origin->value.len != len + host->len
        || ngx_strncasecmp(origin->value.data,
                           (u_char *) (ssl ? "https://" : "http://"), len)
           != 0
        || ngx_strncasecmp(origin->value.data + len, host->data, host->len)
           != 0)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/* the first request header of this name, or NULL */
ngx_table_elt_t *
ngx_http_news_header_in(ngx_http_request_t *r, const char *name)
{
    size_t            len;
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    len = ngx_strlen(name);
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


/*
 * Whether the reader came over HTTPS: the connection is TLS, or, behind
 * a proxy that ends TLS, the header named by news_scheme_header (set by
 * that proxy, which must overwrite whatever the client sent) says https.
 */
ngx_uint_t
ngx_http_news_secure(ngx_http_request_t *r)
{
    ngx_table_elt_t            *h;
    ngx_http_news_main_conf_t  *nmcf;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        return 1;
    }
#endif

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    if (nmcf->scheme_header.len == 0) {
        return 0;
    }

    h = ngx_http_news_header_in(r, (char *) nmcf->scheme_header.data);

    return h != NULL && h->value.len == 5
           && ngx_strncasecmp(h->value.data, (u_char *) "https", 5) == 0;
}


ngx_int_t
ngx_http_news_next_arg(ngx_http_request_t *r, ngx_str_t *next)
{
    u_char     *dst, *src;
    ngx_str_t   arg;

    ngx_str_null(next);

    if (ngx_http_arg(r, (u_char *) "next", 4, &arg) == NGX_OK
        && arg.len <= NGX_HTTP_NEWS_NEXT_MAX)
    {
        dst = ngx_pnalloc(r->pool, arg.len);
        if (dst == NULL) {
            return NGX_ERROR;
        }

        next->data = dst;
        src = arg.data;
        /*
         * decoded whole, as the form's field is: a next is a path with
         * its own query and fragment ("/a?reply=2#comment-form"), which
         * NGX_UNESCAPE_REDIRECT would cut at the '?'; the check below
         * sees every decoded byte
         */
        ngx_unescape_uri(&dst, &src, arg.len, 0);
        next->len = dst - next->data;
    }

    ngx_http_news_next_check(r, next);

    return NGX_OK;
}


/*
 * Only a path on this site: it starts with one '/', not "//" or "/\"
 * (which browsers read as another host), and holds printable ASCII only.
 * Anything else goes to the front page of the location.
 */
void
ngx_http_news_next_check(ngx_http_request_t *r, ngx_str_t *next)
{
    size_t                     i;
    ngx_http_news_loc_conf_t  *nlcf;

    if (next->len > 0 && next->len <= NGX_HTTP_NEWS_NEXT_MAX
        && next->data[0] == '/'
        && (next->len == 1 || (next->data[1] != '/' && next->data[1] != '\\')))
    {
        for (i = 0; i < next->len; i++) {
            if (next->data[i] <= 0x20 || next->data[i] >= 0x7f
                || next->data[i] == '\\')
            {
                break;
            }
        }

        if (i == next->len) {
            return;
        }
    }

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    *next = nlcf->prefix;
}
