/*
 * Who is asking: the session cookie looked up once per request, the
 * logged-in reader, the header's account links, and the cookies
 * themselves (ngx_http_news_auth.h says what each one holds).
 */

#include "ngx_http_news_auth.h"


/* a session seen: what the detached write needs */
typedef struct {
    news_writer_t      *writer;
    int64_t             now;
    u_char              token[NEWS_TOKEN_LEN];
} ngx_http_news_touch_t;


static const char *ngx_http_news_cookie_name(ngx_http_request_t *r,
    const char *name);
static void ngx_http_news_session_touch(void *data);
static ngx_int_t ngx_http_news_cookie_out(ngx_http_request_t *r,
    const char *name, ngx_str_t *value, time_t max_age);
static u_char ngx_http_news_take_hello(ngx_http_request_t *r);
static void ngx_http_news_waiting(ngx_http_request_t *r,
    ngx_http_news_ctx_t *ctx);


/*
 * Looks the session cookie up once per request, before the page opens
 * its own read txn (the worker has one cached read txn).  A forged,
 * unknown or expired cookie simply means "anonymous".
 */
void
ngx_http_news_auth_lookup(ngx_http_request_t *r)
{
    int                         rc;
    int64_t                     seen;
    news_err_t                  err;
    news_user_t                 user;
    news_reader_t               rd;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_touch_t       touch;
    ngx_http_news_main_conf_t  *nmcf;

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL || ctx->looked_up) {
        return;
    }

    ctx->looked_up = 1;

    if (ngx_http_news_cookie_token(r, NGX_HTTP_NEWS_SESSION_COOKIE,
                                   ctx->token)
        != NGX_OK)
    {
        return;
    }

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    rc = ngx_http_news_reader(r, &rd, &err);

    if (rc == NEWS_OK) {
        rc = news_read_session(&rd, ctx->token, nmcf->session_idle, &user,
                               &seen, &err);
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        if (rc != NEWS_NOTFOUND) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "news: %s", err.msg);
        }

        return;
    }

    ctx->user = ngx_palloc(r->pool, sizeof(news_user_t));
    if (ctx->user == NULL) {
        return;
    }

    *ctx->user = user;
    ngx_memzero(ctx->user->hash, sizeof(ctx->user->hash));

    ngx_http_news_waiting(r, ctx);

    /*
     * The idle timeout needs to know when a session was last used: a
     * write no request waits for, at most once a minute per session (a
     * quarter of the timeout, if that is shorter).
     */
    if (nmcf->session_idle
        && ngx_time() - seen >= ngx_min(NEWS_SESSION_SEEN,
                                        nmcf->session_idle / 4)
        && !nmcf->store.readonly)
    {
        touch.writer = &nmcf->writer;
        touch.now = ngx_time();
        ngx_memcpy(touch.token, ctx->token, NEWS_TOKEN_LEN);

        (void) ngx_http_news_task_detach(r, ngx_http_news_session_touch,
                                         &touch, sizeof(touch));
        ngx_explicit_memzero(touch.token, NEWS_TOKEN_LEN);
    }
}


/*
 * A moderator's header says how many comments wait in the queue: LMDB
 * keeps the count of the queue's entries, so this is one more short read
 * (no walk of the queue), for moderators only.  Unknown stays 0.
 */
static void
ngx_http_news_waiting(ngx_http_request_t *r, ngx_http_news_ctx_t *ctx)
{
    news_err_t     err;
    news_reader_t  rd;

    if (news_actor_may(ngx_http_news_actor(r, &ctx->actor),
                       NEWS_ACT_MODERATE, &err)
        != NEWS_OK)
    {
        return;
    }

    ctx->moderator = 1;

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK
        || news_read_waiting(&rd, &ctx->waiting, &err) != NEWS_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "news: %s",
                      err.msg);
    }

    news_reader_end(&rd);
}


news_user_t *
ngx_http_news_user(ngx_http_request_t *r)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    return ctx ? ctx->user : NULL;
}


/*
 * The header's account links of a logged-in reader: the name (or the
 * welcome after a login), the staff's links, and a logout button (a POST
 * form, so a link from elsewhere cannot log anyone out).  Built in
 * r->pool.  Leaves nav empty for an anonymous reader.
 */
ngx_int_t
ngx_http_news_auth_nav(ngx_http_request_t *r, ngx_str_t *nav)
{
    ngx_str_t             csrf;
    news_buf_t            b;
    news_err_t            err;
    news_nav_t            n;
    news_user_t          *user;
    news_actor_t          actor;
    ngx_http_news_ctx_t  *ctx;

    user = ngx_http_news_user(r);
    if (user == NULL) {
        return NGX_OK;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(&n, sizeof(news_nav_t));
    n.name = user->name;
    n.name_len = user->name_len;
    n.csrf = (char *) csrf.data;
    n.csrf_len = csrf.len;
    n.welcome = ngx_http_news_take_hello(r);

    ngx_http_news_actor(r, &actor);
    n.desk = news_actor_may(&actor, NEWS_ACT_EDIT, &err) == NEWS_OK;
    n.moderate = ctx->moderator;
    n.waiting = ctx->waiting;

    news_buf_init(&b);
    news_render_account_nav(&b, &n);

    nav->data = b.failed ? NULL : ngx_pnalloc(r->pool, b.len);
    if (nav->data == NULL) {
        news_buf_free(&b);
        return NGX_ERROR;
    }

    nav->len = b.len;
    ngx_memcpy(nav->data, b.data, b.len);
    news_buf_free(&b);

    return NGX_OK;
}


/*
 * The __Host- prefix binds a cookie to this host and HTTPS, but the
 * browser takes it only with Secure and Path=/: over HTTPS at the root
 * the name carries it, elsewhere not.
 */
static const char *
ngx_http_news_cookie_name(ngx_http_request_t *r, const char *name)
{
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (nlcf->prefix.len == 1 && ngx_http_news_secure(r)) {
        return name;
    }

    return name + NGX_HTTP_NEWS_HOST_PREFIX;
}


ngx_int_t
ngx_http_news_cookie_token(ngx_http_request_t *r, const char *name,
    u_char *token)
{
    ngx_str_t  key, value;

    name = ngx_http_news_cookie_name(r, name);
    key.data = (u_char *) name;
    key.len = ngx_strlen(name);

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, &key,
                                          &value)
        == NGX_DECLINED)
    {
        return NGX_DECLINED;
    }

    if (news_hex_decode((char *) value.data, value.len, token,
                        NEWS_TOKEN_LEN)
        != NEWS_TOKEN_LEN)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * token NULL: expire the cookie; max_age 0: until the browser closes.
 * Path is the location's prefix: a site under /news/ does not hand its
 * session to the rest of the host.
 */
ngx_int_t
ngx_http_news_set_cookie(ngx_http_request_t *r, const char *name,
    u_char *token, time_t max_age)
{
    u_char     hex[NEWS_TOKEN_HEX];
    ngx_str_t  value;

    value.data = hex;
    value.len = 0;

    if (token) {
        value.len = ngx_hex_dump(hex, token, NEWS_TOKEN_LEN) - hex;
    }

    return ngx_http_news_cookie_out(r, name, &value, token ? max_age : -1);
}


/* a cookie of the site's: max_age -1 expires it, 0 lasts the session */
static ngx_int_t
ngx_http_news_cookie_out(ngx_http_request_t *r, const char *name,
    ngx_str_t *value, time_t max_age)
{
    u_char                    *p, *cookie;
    size_t                     len;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    name = ngx_http_news_cookie_name(r, name);

    len = ngx_strlen(name) + 1 + value->len
          + sizeof("; Path=") - 1 + nlcf->prefix.len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; HttpOnly; SameSite=Lax; Secure") - 1;

    cookie = ngx_pnalloc(r->pool, len);
    if (cookie == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(cookie, "%s=%V; Path=%V", name, value, &nlcf->prefix);

    if (max_age < 0) {
        p = ngx_cpymem(p, "; Max-Age=0", sizeof("; Max-Age=0") - 1);

    } else if (max_age) {
        p = ngx_sprintf(p, "; Max-Age=%T", max_age);
    }

    p = ngx_cpymem(p, "; HttpOnly; SameSite=Lax",
                   sizeof("; HttpOnly; SameSite=Lax") - 1);

    if (ngx_http_news_secure(r)) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    if (ngx_http_news_header_out(r, "Set-Cookie", cookie, p - cookie)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The one-line welcome on the first page after a login ('l') or a
 * registration ('r'): a cookie the form's 303 sets and the page that
 * shows the welcome expires, so that a reload does not show it again.
 */
ngx_int_t
ngx_http_news_set_hello(ngx_http_request_t *r, u_char kind)
{
    ngx_str_t  value;

    value.data = &kind;
    value.len = 1;

    return ngx_http_news_cookie_out(r, NGX_HTTP_NEWS_HELLO_COOKIE, &value,
                                    NGX_HTTP_NEWS_HELLO_AGE);
}


/* the welcome to show on this page ('l', 'r'), expired once read; or 0 */
static u_char
ngx_http_news_take_hello(ngx_http_request_t *r)
{
    ngx_str_t    key, value, none;
    const char  *name;

    name = ngx_http_news_cookie_name(r, NGX_HTTP_NEWS_HELLO_COOKIE);
    key.data = (u_char *) name;
    key.len = ngx_strlen(name);

    if (ngx_http_parse_multi_header_lines(&r->headers_in.cookies, &key,
                                          &value)
        == NGX_DECLINED
        || value.len != 1 || (value.data[0] != 'l' && value.data[0] != 'r'))
    {
        return 0;
    }

    ngx_str_null(&none);

    if (ngx_http_news_cookie_out(r, NGX_HTTP_NEWS_HELLO_COOKIE, &none, -1)
        != NGX_OK)
    {
        return 0;
    }

    return value.data[0];
}


/* the pre-session token of the login and register forms; set if new */
ngx_int_t
ngx_http_news_pre_token(ngx_http_request_t *r, u_char *token)
{
    if (ngx_http_news_cookie_token(r, NGX_HTTP_NEWS_PRE_COOKIE, token)
        == NGX_OK)
    {
        return NGX_OK;
    }

    if (news_token_new(token) != 0) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, ngx_errno,
                      "getrandom() failed");
        return NGX_ERROR;
    }

    return ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_PRE_COOKIE, token, 0);
}


ngx_int_t
ngx_http_news_hex(ngx_http_request_t *r, u_char *bin, size_t n,
    ngx_str_t *hex)
{
    hex->data = ngx_pnalloc(r->pool, 2 * n);
    if (hex->data == NULL) {
        return NGX_ERROR;
    }

    hex->len = ngx_hex_dump(hex->data, bin, n) - hex->data;

    return NGX_OK;
}


/* in the writes' pool, no request waiting: the session was seen now */
static void
ngx_http_news_session_touch(void *data)
{
    ngx_http_news_touch_t *t = data;

    news_account_seen(t->writer, t->token, t->now);
}
