/*
 * Every error and refusal leaves through here, in the request's
 * language (JSON under /api/, else the site's error page, or the
 * operator's own error_page): the engine's refusals and store failures
 * as statuses, a form refused, a reader who may not act.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


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
