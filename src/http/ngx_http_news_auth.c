/*
 * Reader accounts on the nginx side: the /login, /register and /logout
 * forms, the JSON routes /api/users, /api/session and /api/me, the
 * session cookie, CSRF tokens, and the failed-login throttle.
 *
 * Everything slow runs in the thread pool (tasks.c): Argon2id hashing and
 * every write transaction.  What stays on the event loop is reading a
 * cookie, one session lookup in the worker's read txn, form and JSON
 * parsing, and the throttle check; all of them microseconds.
 *
 * Cookies (Path the location's prefix, HttpOnly, SameSite=Lax, and
 * Secure over TLS; over TLS at Path=/ the name has the __Host- prefix,
 * so that no other host or plain-HTTP page can set it):
 *   news_session  the 256-bit session token in hex; the store has only
 *                 its SHA-256
 *   news_pre      a pre-session token the login and register forms'
 *                 CSRF field is derived from
 */

#include "ngx_http_news.h"
#include "engine/render_account.h"
#include "engine/text.h"

#include <cjson/cJSON.h>


/* the names with their __Host- prefix; without it they start 7 bytes on */
#define NGX_HTTP_NEWS_SESSION_COOKIE  "__Host-news_session"
#define NGX_HTTP_NEWS_PRE_COOKIE      "__Host-news_pre"
#define NGX_HTTP_NEWS_HOST_PREFIX     (sizeof("__Host-") - 1)
#define NGX_HTTP_NEWS_CSRF_SESSION    "session"
#define NGX_HTTP_NEWS_CSRF_PRE        "pre-session"


enum {
    NGX_HTTP_NEWS_LOGIN = 0,
    NGX_HTTP_NEWS_REGISTER,
    NGX_HTTP_NEWS_LOGOUT,
    NGX_HTTP_NEWS_PASSWORD,         /* a new password: other sessions end */
    NGX_HTTP_NEWS_LOGOUT_ALL,       /* every session of the reader */
    NGX_HTTP_NEWS_END_USER,         /* a moderator ends a user's sessions */
    NGX_HTTP_NEWS_DELETE,           /* the reader deletes their account */
    NGX_HTTP_NEWS_END_ONE           /* the reader ends one of their
                                       sessions, by its id */
};


/* a deletion's comments to disown: what the detached writes need */
typedef struct {
    news_store_t       *st;
    news_writer_t      *writer;
} ngx_http_news_disown_t;


/* a session seen: what the detached write needs */
typedef struct {
    news_writer_t      *writer;
    int64_t             now;
    u_char              token[NEWS_TOKEN_LEN];
} ngx_http_news_touch_t;


/* one account operation: inputs copied before the post, outputs after */
typedef struct {
    news_store_t       *st;
    news_argon2_t       cost;
    int64_t             now;
    int64_t             ttl;
    ngx_uint_t          kind;
    ngx_uint_t          json;
    ngx_uint_t          start_session;
    unsigned            limit_account;
    unsigned            limit_address;
    unsigned            limit_register;

    size_t              name_len;
    char                name[NEWS_NAME_MAX + 1];
    size_t              pw_len;
    char                pw[NEWS_PASSWORD_MAX];
    size_t              new_pw_len;
    char                new_pw[NEWS_PASSWORD_MAX];
    char                hash[NEWS_HASH_MAX];    /* a new one to keep */
    uint64_t            uid;        /* who asks, when logged in */
    int                 role;
    int                 disown;     /* a deletion: NEWS_DISOWN_KEEP or
                                       _REMOVE, the comments' fate */
    u_char              sid[NEWS_SESSION_ID];   /* the session to end */
    ngx_uint_t          current;    /* it is this browser's */
    news_throttle_t     keys[3];    /* what the attempt counts under */
    size_t              nkeys;
    int64_t             wait;       /* out: NEWS_LIMITED, Retry-After */

    ngx_str_t           next;       /* event loop only */

    /* in: the session to end (logout); out: the new session */
    u_char              token[NEWS_TOKEN_LEN];

    int                 rc;         /* NEWS_OK, NEWS_INVALID: wrong
                                       credentials, NEWS_CONFLICT,
                                       NEWS_LIMITED, ... */
    news_err_t          err;
    news_user_t         user;
    news_writer_t      *writer;     /* every write goes through it */
    int                 ok;         /* the attempt succeeded */
} ngx_http_news_auth_t;


static const char *ngx_http_news_cookie_name(ngx_http_request_t *r,
    const char *name);
static ngx_int_t ngx_http_news_cookie_token(ngx_http_request_t *r,
    const char *name, u_char *token);
static ngx_int_t ngx_http_news_set_cookie(ngx_http_request_t *r,
    const char *name, u_char *token, time_t max_age);
static ngx_int_t ngx_http_news_pre_token(ngx_http_request_t *r,
    u_char *token);
static ngx_int_t ngx_http_news_hex(ngx_http_request_t *r, u_char *bin,
    size_t n, ngx_str_t *hex);
static ngx_int_t ngx_http_news_next_arg(ngx_http_request_t *r,
    ngx_str_t *next);
static void ngx_http_news_next_check(ngx_http_request_t *r, ngx_str_t *next);
static ngx_int_t ngx_http_news_form_page(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_uint_t status, ngx_str_t *name, ngx_str_t *next,
    const char *field, const char *msg);
static ngx_int_t ngx_http_news_account_form(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_str_t *body, ngx_str_t *name, ngx_str_t *pw,
    ngx_str_t *next);
static ngx_int_t ngx_http_news_login_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_register_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_logout_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_api_users_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_api_session_body(ngx_http_request_t *r,
    ngx_str_t *body);
static const char *ngx_http_news_json_credentials(ngx_http_request_t *r,
    ngx_str_t *body, ngx_str_t *name, ngx_str_t *pw);
static ngx_http_news_auth_t *ngx_http_news_auth_new(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_str_t *name, ngx_str_t *pw);
static size_t ngx_http_news_take_password(char *dst, ngx_str_t *pw);
static size_t ngx_http_news_client_addr(ngx_http_request_t *r,
    u_char *addr);
static void ngx_http_news_auth_keys(ngx_http_news_auth_t *a, u_char *addr,
    size_t alen);
static ngx_int_t ngx_http_news_throttled(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);
static ngx_int_t ngx_http_news_auth_limited(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);
static int ngx_http_news_attempt(ngx_http_news_auth_t *a);
static void ngx_http_news_attempt_end(ngx_http_news_auth_t *a, int ok);
static ngx_int_t ngx_http_news_auth_post(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);
static void ngx_http_news_auth_work(void *data);
static int ngx_http_news_auth_user(ngx_http_news_auth_t *a);
static int ngx_http_news_auth_write(ngx_http_news_auth_t *a);
static void ngx_http_news_auth_login(ngx_http_news_auth_t *a);
static void ngx_http_news_auth_register(ngx_http_news_auth_t *a);
static void ngx_http_news_auth_logout(ngx_http_news_auth_t *a);
static void ngx_http_news_auth_password(ngx_http_news_auth_t *a);
static void ngx_http_news_auth_end_all(ngx_http_news_auth_t *a);
static int ngx_http_news_auth_run(ngx_http_news_auth_t *a,
    news_write_pt apply);
static int ngx_http_news_attempt_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int ngx_http_news_attempt_end_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int ngx_http_news_auth_write_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int ngx_http_news_auth_end_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int ngx_http_news_session_touch_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int ngx_http_news_auth_logout_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static ngx_int_t ngx_http_news_api_password_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_account_page(ngx_http_request_t *r,
    ngx_uint_t status, const char *field, const char *msg);
static ngx_int_t ngx_http_news_account_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_end_sessions_page(ngx_http_request_t *r,
    ngx_uint_t status, ngx_http_news_auth_t *a, const char *field,
    const char *msg);
static ngx_int_t ngx_http_news_end_sessions_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_news_disown_work(void *data);
static int ngx_http_news_disown_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static ngx_int_t ngx_http_news_session_id(ngx_http_request_t *r,
    ngx_http_news_auth_t *a, ngx_str_t *hex);
static void ngx_http_news_session_touch(void *data);
static ngx_int_t ngx_http_news_auth_done(ngx_http_request_t *r, void *data);
static ngx_int_t ngx_http_news_user_reply(ngx_http_request_t *r,
    ngx_uint_t status, news_user_t *u);


/* ---- who is asking ----------------------------------------------------- */


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
    uint64_t                    uid;
    MDB_txn                    *txn;
    news_err_t                  err;
    news_user_t                 user;
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

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "news: session lookup: %s", err.msg);
        return;
    }

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    rc = news_session_find(&nmcf->store, txn, ctx->token, ngx_time(),
                           nmcf->session_idle, &uid, &seen);
    if (rc == 0) {
        rc = news_user_get(&ngx_http_news_module_store(r), txn, uid, &user);
    }

    ngx_http_news_read_done(r);

    if (rc != 0) {
        if (rc != MDB_NOTFOUND) {
            news_store_fail(&err, rc, "session lookup");
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


news_user_t *
ngx_http_news_user(ngx_http_request_t *r)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    return ctx ? ctx->user : NULL;
}


/*
 * The header's account links of a logged-in reader: the name and a
 * logout button (a POST form, so a link from elsewhere cannot log anyone
 * out).  Built in r->pool: the caller's page may be in the scratch buffer.
 * Leaves nav empty for an anonymous reader.
 */
ngx_int_t
ngx_http_news_auth_nav(ngx_http_request_t *r, ngx_str_t *nav)
{
    ngx_str_t     csrf;
    news_buf_t    b;
    news_user_t  *user;

    user = ngx_http_news_user(r);
    if (user == NULL) {
        return NGX_OK;
    }

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_ERROR;
    }

    news_buf_init(&b);
    news_render_account_nav(&b, user->name, user->name_len,
                            (char *) csrf.data, csrf.len);

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
 * site: an Origin header, when present, must be this very site.
 */
ngx_int_t
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


/* ---- cookies ----------------------------------------------------------- */


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


static ngx_int_t
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
static ngx_int_t
ngx_http_news_set_cookie(ngx_http_request_t *r, const char *name,
    u_char *token, time_t max_age)
{
    u_char                    *p;
    size_t                     len;
    ngx_table_elt_t           *h;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    name = ngx_http_news_cookie_name(r, name);

    len = ngx_strlen(name) + 1 + NEWS_TOKEN_HEX
          + sizeof("; Path=") - 1 + nlcf->prefix.len
          + sizeof("; Max-Age=") - 1 + NGX_TIME_T_LEN
          + sizeof("; HttpOnly; SameSite=Lax; Secure") - 1;

    h = ngx_list_push(&r->headers_out.headers);
    p = ngx_pnalloc(r->pool, len);

    if (h == NULL || p == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Set-Cookie");
    h->value.data = p;

    p = ngx_sprintf(p, "%s=", name);

    if (token) {
        p = (u_char *) ngx_hex_dump(p, token, NEWS_TOKEN_LEN);
    }

    p = ngx_sprintf(p, "; Path=%V", &nlcf->prefix);

    if (token == NULL) {
        p = ngx_cpymem(p, "; Max-Age=0", sizeof("; Max-Age=0") - 1);

    } else if (max_age) {
        p = ngx_sprintf(p, "; Max-Age=%T", max_age);
    }

    p = ngx_cpymem(p, "; HttpOnly; SameSite=Lax",
                   sizeof("; HttpOnly; SameSite=Lax") - 1);

    if (ngx_http_news_secure(r)) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    h->value.len = p - h->value.data;

    return NGX_OK;
}


/* the pre-session token of the login and register forms; set if new */
static ngx_int_t
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


static ngx_int_t
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


/* ---- where to go after the login -------------------------------------- */


static ngx_int_t
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
        ngx_unescape_uri(&dst, &src, arg.len, NGX_UNESCAPE_REDIRECT);
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
static void
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


/* ---- the forms --------------------------------------------------------- */


/*
 * The login or register page (render_account.c).  An error goes next to
 * its field (field "username" or "password") or above the form (field
 * NULL).  The typed name is kept; the password never is.
 */
static ngx_int_t
ngx_http_news_form_page(ngx_http_request_t *r, ngx_uint_t kind,
    ngx_uint_t status, ngx_str_t *name, ngx_str_t *next, const char *field,
    const char *msg)
{
    int                    form;
    ngx_str_t              hex;
    news_buf_t            *b;
    news_form_t            f;
    u_char                 pre[NEWS_TOKEN_LEN], csrf[NEWS_SHA256_LEN];
    ngx_http_news_page_t   pg;

    if (ngx_http_news_pre_token(r, pre) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    news_csrf_token(pre, NGX_HTTP_NEWS_CSRF_PRE, csrf);

    if (ngx_http_news_hex(r, csrf, sizeof(csrf), &hex) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    form = (kind == NGX_HTTP_NEWS_LOGIN) ? NEWS_FORM_LOGIN
                                         : NEWS_FORM_REGISTER;

    ngx_memzero(&f, sizeof(f));
    f.csrf = (char *) hex.data;
    f.csrf_len = hex.len;
    f.field = field;
    f.msg = msg;

    b = ngx_http_news_scratch(r);

    news_render_credentials(b, form, &f, (char *) next->data, next->len,
                            name ? (char *) name->data : NULL,
                            name ? name->len : 0);

    ngx_memzero(&pg, sizeof(pg));
    pg.title.data = (u_char *) news_render_credentials_title(form);
    pg.title.len = ngx_strlen(pg.title.data);
    pg.path.data = (u_char *) news_render_credentials_path(form);
    pg.path.len = ngx_strlen(pg.path.data);

    return ngx_http_news_form_send(r, status, b, &pg);
}


/*
 * Sends a page holding a form (main content in b): in the site's chrome,
 * and never kept by a cache, as it holds a token.
 */
ngx_int_t
ngx_http_news_form_send(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, ngx_http_news_page_t *pg)
{

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg->main.data = (u_char *) b->data;
    pg->main.len = b->len;

    if (ngx_http_news_add_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send_page(r, status, pg);
}


/* a logged-in reader's form: the session's CSRF token, and the error */
ngx_int_t
ngx_http_news_form_of(ngx_http_request_t *r, news_form_t *f,
    const char *field, const char *msg)
{
    ngx_str_t  csrf;

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_memzero(f, sizeof(*f));
    f->csrf = (char *) csrf.data;
    f->csrf_len = csrf.len;
    f->field = field;
    f->msg = msg;

    return NGX_OK;
}


ngx_int_t
ngx_http_news_login(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_str_t  next;

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_login_body);
    }

    if (ngx_http_news_next_arg(r, &next) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_form_page(r, NGX_HTTP_NEWS_LOGIN, NGX_HTTP_OK, NULL,
                                   &next, NULL, NULL);
}


ngx_int_t
ngx_http_news_register(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_str_t  next;

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_register_body);
    }

    if (ngx_http_news_next_arg(r, &next) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_form_page(r, NGX_HTTP_NEWS_REGISTER, NGX_HTTP_OK,
                                   NULL, &next, NULL, NULL);
}


/*
 * The fields of a login or register form, with the CSRF check against
 * the pre-session cookie.  Returns NGX_DECLINED when the form may go on,
 * or the result of the answer already given (which may be NGX_OK).
 */
static ngx_int_t
ngx_http_news_account_form(ngx_http_request_t *r, ngx_uint_t kind,
    ngx_str_t *body, ngx_str_t *name, ngx_str_t *pw, ngx_str_t *next)
{
    ngx_int_t  rc[4];
    ngx_str_t  csrf;
    u_char     pre[NEWS_TOKEN_LEN], want[NEWS_SHA256_LEN],
               got[NEWS_SHA256_LEN];

    rc[0] = ngx_http_news_form_field(r, body, "username", name);
    rc[1] = ngx_http_news_form_field(r, body, "password", pw);
    rc[2] = ngx_http_news_form_field(r, body, "next", next);
    rc[3] = ngx_http_news_form_field(r, body, "csrf", &csrf);

    ngx_http_news_next_check(r, next);

    if (rc[0] == NGX_ERROR || rc[1] == NGX_ERROR || rc[2] == NGX_ERROR
        || rc[3] == NGX_ERROR)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc[0] < 0 || rc[1] < 0 || rc[2] < 0 || rc[3] < 0) {
        if (rc[0] < 0) {
            ngx_str_null(name);
        }

        return ngx_http_news_form_page(r, kind, NGX_HTTP_BAD_REQUEST, name,
                                       next, NULL,
                                       "The form arrived garbled (a field "
                                       "twice, or not UTF-8). Please try "
                                       "again.");
    }

    if (ngx_http_news_cookie_token(r, NGX_HTTP_NEWS_PRE_COOKIE, pre)
        != NGX_OK
        || news_hex_decode((char *) csrf.data, csrf.len, got, sizeof(got))
           != (ssize_t) sizeof(got))
    {
        goto forbidden;
    }

    news_csrf_token(pre, NGX_HTTP_NEWS_CSRF_PRE, want);

    if (!news_equal(want, got, sizeof(got))) {
        goto forbidden;
    }

    return NGX_DECLINED;

forbidden:

    return ngx_http_news_form_page(r, kind, NGX_HTTP_FORBIDDEN, name, next,
                                   NULL, "This form has expired or did not "
                                   "come from this site. Please try "
                                   "again.");
}


static ngx_int_t
ngx_http_news_login_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name, pw, next;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_account_form(r, NGX_HTTP_NEWS_LOGIN, body, &name, &pw,
                                    &next);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    /* the same answer as a wrong password: names are not disclosed */
    if (!news_username_valid((char *) name.data, name.len)
        || pw.len == 0 || pw.len > NEWS_PASSWORD_MAX)
    {
        return ngx_http_news_form_page(r, NGX_HTTP_NEWS_LOGIN,
                                       NGX_HTTP_UNAUTHORIZED, &name, &next,
                                       NULL, "Wrong username or password.");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_LOGIN, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->next = next;

    rc = ngx_http_news_throttled(r, a);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_auth_post(r, a);
}


static ngx_int_t
ngx_http_news_register_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name, pw, next;
    const char            *field, *msg;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_account_form(r, NGX_HTTP_NEWS_REGISTER, body, &name,
                                    &pw, &next);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    field = NULL;
    msg = NULL;

    if (!news_username_valid((char *) name.data, name.len)) {
        field = "username";
        msg = "Choose a username of 3 to 32 letters, digits, _ or -.";

    } else {
        switch (news_password_check((char *) pw.data, pw.len)) {

        case NEWS_PASSWORD_SHORT:
            field = "password";
            msg = "The password needs at least 8 characters.";
            break;

        case NEWS_PASSWORD_LONG:
            field = "password";
            msg = "The password may have at most 1024 bytes.";
            break;

        case NEWS_PASSWORD_BAD:
            field = "password";
            msg = "The password holds characters that cannot be used.";
            break;
        }
    }

    if (msg) {
        if (ngx_strcmp(field, "username") == 0 && name.len > 64) {
            name.len = 64;
        }

        return ngx_http_news_form_page(r, NGX_HTTP_NEWS_REGISTER, 422, &name,
                                       &next, field, msg);
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_REGISTER, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->next = next;
    a->start_session = 1;

    rc = ngx_http_news_throttled(r, a);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_auth_post(r, a);
}


ngx_int_t
ngx_http_news_logout(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_read_body(r, 0, ngx_http_news_logout_body);
}


static ngx_int_t
ngx_http_news_logout_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t                  rc;
    ngx_str_t                  csrf;
    ngx_http_news_ctx_t       *ctx;
    ngx_http_news_auth_t      *a;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    ctx = ngx_http_news_get_ctx(r);

    /* nothing to end: just drop the cookie */
    if (ctx == NULL || ctx->user == NULL) {
        if (ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_SESSION_COOKIE, NULL, 0)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_see_other(r, &nlcf->prefix);
    }

    rc = ngx_http_news_form_field(r, body, "csrf", &csrf);

    if (rc != 1 || ngx_http_news_csrf_check(r, &csrf) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_FORBIDDEN, "Forbidden",
                                        "This form has expired or did not "
                                        "come from this site.");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_LOGOUT, NULL, NULL);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->next = nlcf->prefix;

    return ngx_http_news_auth_post(r, a);
}


/* ---- the account page ---------------------------------------------------- */


/*
 * GET /account: the reader's sessions and three forms, each with the
 * session's CSRF token: a new password, log out everywhere, delete the
 * account.  POST /account does what the form's action says.
 */
ngx_int_t
ngx_http_news_account(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, 0, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_account_body);
    }

    return ngx_http_news_account_page(r, NGX_HTTP_OK, NULL, NULL);
}


/* the page (render_account.c); an error goes next to its field, or above */
static ngx_int_t
ngx_http_news_account_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *field, const char *msg)
{
    int                    rc;
    MDB_txn               *txn;
    news_buf_t            *b;
    news_err_t             err;
    news_form_t            f;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_page_t   pg;

    ctx = ngx_http_news_get_ctx(r);

    if (ngx_http_news_form_of(r, &f, field, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_scratch(r);

    rc = news_render_account(b, &ngx_http_news_module_store(r), txn,
                             ctx->user, ctx->token, NGX_HTTP_NEWS_API_LIMIT,
                             &f, &err);
    ngx_http_news_read_done(r);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Your account");
    ngx_str_set(&pg.path, "account");

    return ngx_http_news_form_send(r, status, b, &pg);
}


static ngx_int_t
ngx_http_news_account_body(ngx_http_request_t *r, ngx_str_t *body)
{
    int                        disown;
    ngx_int_t                  rc[6];
    ngx_str_t                  csrf, action, pw, new_pw, name, comments,
                               sid;
    ngx_uint_t                 kind;
    news_user_t               *user;
    ngx_http_news_auth_t      *a;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    user = ngx_http_news_user(r);

    rc[0] = ngx_http_news_form_field(r, body, "csrf", &csrf);
    rc[1] = ngx_http_news_form_field(r, body, "action", &action);
    rc[2] = ngx_http_news_form_field(r, body, "password", &pw);
    rc[3] = ngx_http_news_form_field(r, body, "new_password", &new_pw);
    rc[4] = ngx_http_news_form_field(r, body, "comments", &comments);
    rc[5] = ngx_http_news_form_field(r, body, "session", &sid);

    if (rc[0] == NGX_ERROR || rc[1] == NGX_ERROR || rc[2] == NGX_ERROR
        || rc[3] == NGX_ERROR || rc[4] == NGX_ERROR || rc[5] == NGX_ERROR)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc[0] != 1 || ngx_http_news_csrf_check(r, &csrf) != NGX_OK) {
        return ngx_http_news_account_page(r, NGX_HTTP_FORBIDDEN, NULL,
                                          "This form has expired or did not "
                                          "come from this site. Please try "
                                          "again.");
    }

    if (rc[1] != 1 || rc[2] < 0 || rc[3] < 0 || rc[4] < 0 || rc[5] < 0) {
        return ngx_http_news_account_page(r, NGX_HTTP_BAD_REQUEST, NULL,
                                          "The form arrived garbled. Please "
                                          "try again.");
    }

    disown = NEWS_DISOWN_KEEP;

    if (action.len == 10 && ngx_strncmp(action.data, "logout-all", 10) == 0) {
        kind = NGX_HTTP_NEWS_LOGOUT_ALL;

    } else if (action.len == 11
               && ngx_strncmp(action.data, "end-session", 11) == 0)
    {
        kind = NGX_HTTP_NEWS_END_ONE;

    } else if (action.len == 6 && ngx_strncmp(action.data, "delete", 6) == 0)
    {
        kind = NGX_HTTP_NEWS_DELETE;

        if (comments.len) {
            disown = news_disown_parse((char *) comments.data, comments.len);
        }

        if (disown < 0) {
            return ngx_http_news_account_page(r, 422, NULL,
                                              "Choose whether your comments "
                                              "stay or go.");
        }

    } else if (action.len == 8
               && ngx_strncmp(action.data, "password", 8) == 0)
    {
        kind = NGX_HTTP_NEWS_PASSWORD;

        if (news_password_check((char *) new_pw.data, new_pw.len)
            != NEWS_PASSWORD_OK)
        {
            return ngx_http_news_account_page(r, 422, "new-password",
                                              "The new password needs 8 "
                                              "characters to 1024 bytes.");
        }

    } else {
        return ngx_http_news_account_page(r, NGX_HTTP_BAD_REQUEST, NULL,
                                          "Unknown action.");
    }

    name.data = (u_char *) user->name;
    name.len = user->name_len;

    a = ngx_http_news_auth_new(r, kind, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->new_pw_len = ngx_http_news_take_password(a->new_pw, &new_pw);
    a->disown = disown;
    a->next = nlcf->prefix;

    if (kind == NGX_HTTP_NEWS_END_ONE
        && ngx_http_news_session_id(r, a, &sid) != NGX_OK)
    {
        return ngx_http_news_account_page(r, NGX_HTTP_NOT_FOUND, NULL,
                                          "There is no such session.");
    }

    /* a password changed or another session ended: back to the account */
    if (kind == NGX_HTTP_NEWS_PASSWORD
        || (kind == NGX_HTTP_NEWS_END_ONE && !a->current))
    {
        a->next.data = ngx_pnalloc(r->pool, nlcf->prefix.len + 7);
        if (a->next.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        a->next.len = ngx_sprintf(a->next.data, "%Vaccount", &nlcf->prefix)
                      - a->next.data;
    }

    if (kind == NGX_HTTP_NEWS_PASSWORD || kind == NGX_HTTP_NEWS_DELETE) {
        rc[0] = ngx_http_news_throttled(r, a);
        if (rc[0] != NGX_DECLINED) {
            return rc[0];
        }
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * A session's id as the account page and GET /api/sessions show it
 * (hex), into a->sid; a->current if it is this browser's.  NGX_ERROR if
 * it is not such an id.
 */
static ngx_int_t
ngx_http_news_session_id(ngx_http_request_t *r, ngx_http_news_auth_t *a,
    ngx_str_t *hex)
{
    u_char                mine[NEWS_SHA256_LEN];
    ngx_http_news_ctx_t  *ctx;

    if (news_hex_decode((char *) hex->data, hex->len, a->sid,
                        sizeof(a->sid))
        != (ssize_t) sizeof(a->sid))
    {
        return NGX_ERROR;
    }

    ctx = ngx_http_news_get_ctx(r);
    news_sha256(ctx->token, NEWS_TOKEN_LEN, mine);
    a->current = ngx_memcmp(mine, a->sid, sizeof(a->sid)) == 0;

    return NGX_OK;
}


/*
 * GET /moderation/sessions: moderators' form to end a reader's sessions
 * (an admin's: anyone's); POST does it, with the session's CSRF token.
 */
ngx_int_t
ngx_http_news_moderation_sessions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, 0, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0,
                                       ngx_http_news_end_sessions_body);
    }

    return ngx_http_news_end_sessions_page(r, NGX_HTTP_OK, NULL, NULL, NULL);
}


static ngx_int_t
ngx_http_news_end_sessions_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc[2];
    ngx_str_t              csrf, name;
    ngx_http_news_auth_t  *a;

    rc[0] = ngx_http_news_form_field(r, body, "csrf", &csrf);
    rc[1] = ngx_http_news_form_field(r, body, "username", &name);

    if (rc[0] == NGX_ERROR || rc[1] == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rc[0] != 1 || ngx_http_news_csrf_check(r, &csrf) != NGX_OK) {
        return ngx_http_news_end_sessions_page(r, NGX_HTTP_FORBIDDEN, NULL,
                                               NULL, "This form has expired "
                                               "or did not come from this "
                                               "site. Please try again.");
    }

    if (rc[1] < 0 || !news_username_valid((char *) name.data, name.len)) {
        return ngx_http_news_end_sessions_page(r, 422, NULL, "username",
                                               "A username has 3 to 32 "
                                               "letters, digits, _ or -.");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_END_USER, &name,
                               &(ngx_str_t) ngx_null_string);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * The moderators' page (render_account.c): with what was just done (a
 * done, field NULL), an error tied to the name, or neither.  The name
 * asked for stays in the field.
 */
static ngx_int_t
ngx_http_news_end_sessions_page(ngx_http_request_t *r, ngx_uint_t status,
    ngx_http_news_auth_t *a, const char *field, const char *msg)
{
    u_char                *p;
    news_buf_t            *b;
    news_form_t            f;
    ngx_http_news_page_t   pg;

    if (ngx_http_news_form_of(r, &f, field, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (a != NULL && msg == NULL) {
        p = ngx_pnalloc(r->pool, a->name_len + sizeof("Every session of  "
                                                      "has ended."));
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *ngx_sprintf(p, "Every session of %*s has ended.", a->name_len,
                     a->name) = '\0';
        f.notice = (char *) p;
    }

    b = ngx_http_news_scratch(r);

    news_render_end_sessions(b, &f, a ? a->name : NULL,
                             a ? a->name_len : 0);

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "End a reader's sessions");
    ngx_str_set(&pg.path, "moderation/sessions");

    return ngx_http_news_form_send(r, status, b, &pg);
}


/*
 * After an account's deletion, its comments are disowned in the writes'
 * pool with no request waiting: a batch of NEWS_AUTHOR_BATCH per write,
 * each through the group-commit writer, so that other writes go between
 * them.  Any deletion's comments left over (a worker that stopped midway)
 * are taken up too, and a worker that starts takes them up.  Best
 * effort: what is not done now is done by the next deletion or start,
 * or newsctl user delete.
 */
void
ngx_http_news_disown(ngx_http_news_main_conf_t *nmcf, ngx_log_t *log)
{
    ngx_http_news_disown_t  d;

    d.st = &nmcf->store;
    d.writer = &nmcf->writer;

    if (ngx_http_news_detach(nmcf, log, ngx_http_news_disown_work, &d,
                             sizeof(d))
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_WARN, log, 0, "news: a deleted account's "
                      "comments wait for the next deletion or start (the "
                      "thread pool refused the task)");
    }
}


/* in a pool thread: batches until none is left, or one fails twice */
static void
ngx_http_news_disown_work(void *data)
{
    ngx_http_news_disown_t *d = data;

    int               more, failed;
    news_write_op_t   op;

    failed = 0;

    do {
        more = 0;
        ngx_memzero(&op, sizeof(op));
        op.apply = ngx_http_news_disown_apply;
        op.arg = &more;

        if (news_writer_run(d->writer, &op) != NEWS_OK) {
            more = (++failed < 2);
        }

    } while (more);
}


/* in the writer's transaction */
static int
ngx_http_news_disown_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    int  *more = arg;

    return news_author_disown_step(st, txn, (int64_t) time(NULL),
                                   NEWS_AUTHOR_BATCH, more, err);
}


/* ---- the JSON routes --------------------------------------------------- */


ngx_int_t
ngx_http_news_api_users(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    if (ngx_http_news_origin_ok(r) != NGX_OK) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN,
                                        "foreign_origin",
                                        "requests from other sites are "
                                        "refused");
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_api_users_body);
}


ngx_int_t
ngx_http_news_api_session(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_auth_t  *a;

    if (ngx_http_news_origin_ok(r) != NGX_OK) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN,
                                        "foreign_origin",
                                        "requests from other sites are "
                                        "refused");
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 1, ngx_http_news_api_session_body);
    }

    /* DELETE: the router discarded any body */

    ctx = ngx_http_news_get_ctx(r);

    if (ctx == NULL || ctx->user == NULL) {
        if (ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_SESSION_COOKIE, NULL, 0)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_no_content(r);
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_LOGOUT, NULL, NULL);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_news_auth_post(r, a);

    return rc == NGX_DONE ? NGX_DONE : rc;
}


ngx_int_t
ngx_http_news_api_me(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    news_user_t  *user;

    user = ngx_http_news_user(r);

    if (user == NULL) {
        return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                        "not_logged_in",
                                        "log in first");
    }

    return ngx_http_news_user_reply(r, NGX_HTTP_OK, user);
}


/*
 * GET /api/sessions: the reader's sessions, the current one marked;
 * DELETE: every one of them ends ("log out everywhere").
 */
ngx_int_t
ngx_http_news_api_sessions(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    MDB_txn               *txn;
    ngx_str_t              piece;
    news_buf_t            *b;
    news_err_t             err;
    news_user_t           *user;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    ctx = ngx_http_news_get_ctx(r);
    user = ctx->user;

    if (r->method == NGX_HTTP_DELETE) {
        a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_LOGOUT_ALL, NULL, NULL);
        if (a == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_auth_post(r, a);
    }

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = ngx_http_news_scratch(r);
    news_buf_addl(b, "{\"sessions\":");

    rc = news_sessions_json(&ngx_http_news_module_store(r), txn, user->id,
                            ctx->token, NGX_HTTP_NEWS_API_LIMIT, b, &err);
    ngx_http_news_read_done(r);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    news_buf_addl(b, "}\n");

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    piece.data = (u_char *) b->data;
    piece.len = b->len;

    if (ngx_http_news_add_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send(r, NGX_HTTP_OK, &ngx_http_news_json_type,
                              &piece, 1);
}


/*
 * DELETE /api/sessions/{id}: one of the reader's sessions ends, named by
 * the id GET /api/sessions shows; another user's id is "no such session".
 */
ngx_int_t
ngx_http_news_api_session_end(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_END_ONE,
                               &(ngx_str_t) ngx_null_string,
                               &(ngx_str_t) ngx_null_string);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_session_id(r, a, &rt->slug) != NGX_OK) {
        return ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                        "no such session");
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * POST /api/password {"password": current, "new_password": ...};
 * POST /api/me/delete {"password": current, "comments": "keep" or
 * "remove" (default keep)}: the account goes.
 */
ngx_int_t
ngx_http_news_api_password(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_api_password_body);
}


static ngx_int_t
ngx_http_news_api_password_body(ngx_http_request_t *r, ngx_str_t *body)
{
    int                    disown;
    cJSON                 *root, *cur, *next, *how;
    ngx_int_t              rc;
    ngx_str_t              name, pw;
    ngx_uint_t             kind;
    const char            *why;
    news_user_t           *user;
    ngx_http_news_auth_t  *a;

    root = ngx_http_news_json_parse(body, &why);
    if (root == NULL) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request", why);
    }

    kind = (r->uri.len > 7
            && ngx_strncmp(r->uri.data + r->uri.len - 7, "/delete", 7) == 0)
           ? NGX_HTTP_NEWS_DELETE : NGX_HTTP_NEWS_PASSWORD;
    cur = cJSON_GetObjectItemCaseSensitive(root, "password");
    next = cJSON_GetObjectItemCaseSensitive(root, "new_password");

    if (kind == NGX_HTTP_NEWS_DELETE) {
        next = cur;
    }

    if (!cJSON_IsObject(root) || !cJSON_IsString(cur)
        || !cJSON_IsString(next))
    {
        cJSON_Delete(root);
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request",
                                        kind == NGX_HTTP_NEWS_DELETE
                                        ? "the password is required"
                                        : "password and new_password are "
                                          "required strings");
    }

    disown = NEWS_DISOWN_KEEP;
    how = cJSON_GetObjectItemCaseSensitive(root, "comments");

    if (kind == NGX_HTTP_NEWS_DELETE && how != NULL) {
        disown = cJSON_IsString(how)
                 ? news_disown_parse(how->valuestring,
                                     ngx_strlen(how->valuestring))
                 : -1;
    }

    if (disown < 0) {
        ngx_explicit_memzero(cur->valuestring, ngx_strlen(cur->valuestring));
        cJSON_Delete(root);
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "comments is \"keep\" or "
                                        "\"remove\"");
    }

    if (kind == NGX_HTTP_NEWS_PASSWORD
        && news_password_check(next->valuestring,
                               ngx_strlen(next->valuestring))
           != NEWS_PASSWORD_OK)
    {
        cJSON_Delete(root);
        return ngx_http_news_json_error(r, 422, "invalid_password",
                                        "a password has 8 characters to "
                                        "1024 bytes of UTF-8");
    }

    user = ngx_http_news_user(r);
    name.data = (u_char *) user->name;
    name.len = user->name_len;
    pw.data = (u_char *) cur->valuestring;
    pw.len = ngx_strlen(cur->valuestring);

    a = ngx_http_news_auth_new(r, kind, &name, &pw);

    if (a != NULL) {
        a->disown = disown;
    }

    if (a != NULL && kind == NGX_HTTP_NEWS_PASSWORD) {
        a->new_pw_len = ngx_min(ngx_strlen(next->valuestring),
                                NEWS_PASSWORD_MAX);
        ngx_memcpy(a->new_pw, next->valuestring, a->new_pw_len);
    }

    ngx_explicit_memzero(next->valuestring, ngx_strlen(next->valuestring));
    cJSON_Delete(root);

    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_news_throttled(r, a);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_auth_post(r, a);
}


/* DELETE /api/users/{name}/sessions: a moderator logs a user out */
ngx_int_t
ngx_http_news_api_user_sessions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (!news_username_valid((char *) rt->slug.data, rt->slug.len)) {
        return ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                        "no such user");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_END_USER, &rt->slug,
                               &(ngx_str_t) ngx_null_string);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * {"username": "...", "password": "..."}: an object, both strings, each
 * key once.  Returns NULL, or the message of a 400.  Parsed here on the
 * event loop: cJSON's error reporting is not thread-safe.
 */
static const char *
ngx_http_news_json_credentials(ngx_http_request_t *r, ngx_str_t *body,
    ngx_str_t *name, ngx_str_t *pw)
{
    cJSON       *root, *item;
    ngx_str_t   *dst;
    const char  *msg;

    ngx_str_null(name);
    ngx_str_null(pw);

    if (!news_utf8_valid((char *) body->data, body->len)) {
        return "the body is not UTF-8";
    }

    root = ngx_http_news_json_parse(body, &msg);
    if (root == NULL) {
        return msg;
    }

    msg = NULL;

    if (!cJSON_IsObject(root)) {
        msg = "the body must be a JSON object";
        goto done;
    }

    for (item = root->child; item; item = item->next) {

        if (ngx_strcmp(item->string, "username") == 0) {
            dst = name;

        } else if (ngx_strcmp(item->string, "password") == 0) {
            dst = pw;

        } else {
            continue;
        }

        if (dst->data != NULL) {
            msg = "a field occurs twice";
            goto done;
        }

        if (!cJSON_IsString(item)) {
            msg = "username and password must be strings";
            goto done;
        }

        dst->len = ngx_strlen(item->valuestring);
        dst->data = ngx_pnalloc(r->pool, dst->len + 1);
        if (dst->data == NULL) {
            msg = "out of memory";
            goto done;
        }

        ngx_memcpy(dst->data, item->valuestring, dst->len);
    }

    if (name->data == NULL || pw->data == NULL) {
        msg = "username and password are required";
    }

done:

    /* the tree held the password */
    for (item = root->child; item; item = item->next) {
        if (cJSON_IsString(item) && item->valuestring) {
            ngx_explicit_memzero(item->valuestring,
                                 ngx_strlen(item->valuestring));
        }
    }

    cJSON_Delete(root);

    return msg;
}


static ngx_int_t
ngx_http_news_api_users_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name, pw;
    const char            *msg;
    ngx_http_news_auth_t  *a;

    msg = ngx_http_news_json_credentials(r, body, &name, &pw);
    if (msg) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request", msg);
    }

    if (!news_username_valid((char *) name.data, name.len)) {
        return ngx_http_news_json_error(r, 422, "invalid_username",
                                        "a username has 3 to 32 letters, "
                                        "digits, _ or -");
    }

    if (news_password_check((char *) pw.data, pw.len) != NEWS_PASSWORD_OK) {
        return ngx_http_news_json_error(r, 422, "invalid_password",
                                        "a password has 8 characters to "
                                        "1024 bytes of UTF-8");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_REGISTER, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_news_throttled(r, a);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_auth_post(r, a);
}


static ngx_int_t
ngx_http_news_api_session_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name, pw;
    const char            *msg;
    ngx_http_news_auth_t  *a;

    msg = ngx_http_news_json_credentials(r, body, &name, &pw);
    if (msg) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request", msg);
    }

    if (!news_username_valid((char *) name.data, name.len)
        || pw.len == 0 || pw.len > NEWS_PASSWORD_MAX)
    {
        return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                        "invalid_credentials",
                                        "wrong username or password");
    }

    a = ngx_http_news_auth_new(r, NGX_HTTP_NEWS_LOGIN, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_news_throttled(r, a);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_auth_post(r, a);
}


static ngx_int_t
ngx_http_news_user_reply(ngx_http_request_t *r, ngx_uint_t status,
    news_user_t *u)
{
    ngx_str_t    piece;
    news_buf_t  *b;

    b = ngx_http_news_scratch(r);
    news_buf_addl(b, "{\"user\":");
    news_user_json(b, u);
    news_buf_addl(b, "}\n");

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    piece.data = (u_char *) b->data;
    piece.len = b->len;

    if (ngx_http_news_add_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send(r, status, &ngx_http_news_json_type, &piece, 1);
}


/* ---- the account operations, in the thread pool ------------------------ */


/*
 * Moves a password from the request body into the task (at most
 * NEWS_PASSWORD_MAX bytes) and wipes the body's copy.  A field the
 * request did not carry has no data at all: nothing to move.
 */
static size_t
ngx_http_news_take_password(char *dst, ngx_str_t *pw)
{
    size_t  len;

    if (pw->data == NULL) {
        return 0;
    }

    len = ngx_min(pw->len, NEWS_PASSWORD_MAX);
    ngx_memcpy(dst, pw->data, len);
    ngx_explicit_memzero(pw->data, pw->len);

    return len;
}


static ngx_http_news_auth_t *
ngx_http_news_auth_new(ngx_http_request_t *r, ngx_uint_t kind,
    ngx_str_t *name, ngx_str_t *pw)
{
    size_t                      alen;
    u_char                      addr[16];
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_auth_t       *a;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
    ctx = ngx_http_news_get_ctx(r);

    a = ngx_pcalloc(r->pool, sizeof(ngx_http_news_auth_t));
    if (a == NULL || ctx == NULL) {
        return NULL;
    }

    a->st = &nmcf->store;
    a->writer = &nmcf->writer;
    a->cost.memory = nmcf->argon2_memory;
    a->cost.passes = nmcf->argon2_passes;
    a->now = ngx_time();
    a->ttl = nmcf->session_ttl;
    a->kind = kind;
    a->json = ctx->json;
    a->limit_account = nmcf->throttle_account;
    a->limit_address = nmcf->throttle_address;
    a->limit_register = nmcf->throttle_register;
    a->disown = NEWS_DISOWN_KEEP;

    if (ctx->user) {
        a->uid = ctx->user->id;
        a->role = ctx->user->role;
    }

    if (kind == NGX_HTTP_NEWS_LOGOUT || kind == NGX_HTTP_NEWS_LOGOUT_ALL) {
        ngx_memcpy(a->token, ctx->token, NEWS_TOKEN_LEN);
        return a;
    }

    /* a moderator's or an account's own action may carry no name */
    a->name_len = ngx_min(name->len, NEWS_NAME_MAX);
    if (a->name_len) {
        ngx_memcpy(a->name, name->data, a->name_len);
    }

    a->pw_len = ngx_http_news_take_password(a->pw, pw);

    alen = ngx_http_news_client_addr(r, addr);
    ngx_http_news_auth_keys(a, addr, alen);

    return a;
}


/*
 * The address an attempt is counted under: the client's (after nginx's
 * realip module, when set_real_ip_from trusts a proxy), the IPv4 address
 * of an IPv4 client on a dual-stack listener (::ffff:a.b.c.d), and the
 * /64 of an IPv6 client, since one host owns that much.
 */
static size_t
ngx_http_news_client_addr(ngx_http_request_t *r, u_char *addr)
{
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    switch (r->connection->sockaddr->sa_family) {

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) r->connection->sockaddr;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            ngx_memcpy(addr, &sin6->sin6_addr.s6_addr[12], 4);
            return 4;
        }

        ngx_memcpy(addr, sin6->sin6_addr.s6_addr, 8);
        return 8;
#endif

    case AF_INET:
        sin = (struct sockaddr_in *) r->connection->sockaddr;
        ngx_memcpy(addr, &sin->sin_addr.s_addr, 4);
        return 4;

    default:
        ngx_memcpy(addr, "local", 5);
        return 5;
    }
}


/*
 * A login counts under three keys.  The account and address together
 * get the hard limit: the guesser waits 5 s, 10 s, ... up to 15 minutes.
 * The address alone gets its own hard limit, across accounts.  The
 * account alone is only slowed (one attempt a second past the limit),
 * so that guesses from elsewhere cannot lock its owner out.  The account
 * and the address each have at most one attempt in flight.  A
 * registration counts under its address, one in flight at a time.
 */
static void
ngx_http_news_auth_keys(ngx_http_news_auth_t *a, u_char *addr, size_t alen)
{
    news_throttle_t  *k;

    k = a->keys;

    if (a->kind == NGX_HTTP_NEWS_REGISTER) {
        k[0].len = news_throttle_key_register(addr, alen, k[0].key);
        k[0].limit = a->limit_register;
        k[0].busy = 1;
        k[0].success = NEWS_THROTTLE_KEEP;
        a->nkeys = 1;
        return;
    }

    k[0].len = news_throttle_key_pair(a->name, a->name_len, addr, alen,
                                      k[0].key);
    k[0].limit = a->limit_account;
    k[0].success = NEWS_THROTTLE_FORGET;

    k[1].len = news_throttle_key_addr(addr, alen, k[1].key);
    k[1].limit = a->limit_address;
    k[1].busy = 1;
    k[1].success = NEWS_THROTTLE_UNDO;

    k[2].len = news_throttle_key_name(a->name, a->name_len, k[2].key);
    k[2].limit = a->limit_account;
    k[2].slow = 1;
    k[2].busy = 1;
    k[2].success = NEWS_THROTTLE_FORGET;

    a->nkeys = 3;
}


/*
 * A quick look before anything is queued: NGX_DECLINED when the attempt
 * may go on to the pool (which checks again, and counts, in its write
 * transaction), or the result of the answer given: 429 or a store error.
 */
static ngx_int_t
ngx_http_news_throttled(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, a->json);
    }

    rc = news_throttle_wait(a->st, txn, a->keys, a->nkeys, a->now, &a->wait);

    ngx_http_news_read_done(r);

    if (rc != 0) {
        news_store_fail(&err, rc, "reading the login throttle");
        return ngx_http_news_store_error(r, &err, a->json);
    }

    if (a->wait == 0) {
        return NGX_DECLINED;
    }

    ngx_explicit_memzero(a->pw, sizeof(a->pw));

    return ngx_http_news_auth_limited(r, a);
}


/* 429 with Retry-After */
static ngx_int_t
ngx_http_news_auth_limited(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    u_char      *p;
    const char  *msg;

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN + 1);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_sprintf(p, "%L", a->wait) = '\0';

    if (ngx_http_news_add_header(r, "Retry-After", (char *) p) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (a->kind == NGX_HTTP_NEWS_REGISTER) {
        msg = "Too many registrations from your address. Please wait a "
              "while and try again.";

        return a->json
               ? ngx_http_news_json_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                          "too_many_registrations",
                                          "too many registrations; wait for "
                                          "Retry-After seconds")
               : ngx_http_news_form_page(r, NGX_HTTP_NEWS_REGISTER,
                                         NGX_HTTP_TOO_MANY_REQUESTS,
                                         &(ngx_str_t) { a->name_len,
                                                        (u_char *) a->name },
                                         &a->next, NULL, msg);
    }

    if (a->json) {
        return ngx_http_news_json_error(r, NGX_HTTP_TOO_MANY_REQUESTS,
                                        "too_many_attempts",
                                        "too many failed logins; wait for "
                                        "Retry-After seconds");
    }

    return ngx_http_news_form_page(r, NGX_HTTP_NEWS_LOGIN,
                                   NGX_HTTP_TOO_MANY_REQUESTS,
                                   &(ngx_str_t) { a->name_len,
                                                  (u_char *) a->name },
                                   &a->next, NULL,
                                   "Too many failed logins. Please wait a "
                                   "moment and try again.");
}


/*
 * To a pool: logins and registrations hash, to the hashing pool; the
 * answer comes from ngx_http_news_auth_done().  A full hashing queue is
 * a 503 with Retry-After, at once.
 */
static ngx_int_t
ngx_http_news_auth_post(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    ngx_int_t  rc;

    rc = ngx_http_news_task_start(r, a->kind == NGX_HTTP_NEWS_LOGIN
                                     || a->kind == NGX_HTTP_NEWS_REGISTER
                                     || a->kind == NGX_HTTP_NEWS_PASSWORD
                                     || a->kind == NGX_HTTP_NEWS_DELETE,
                                  ngx_http_news_auth_work,
                                  ngx_http_news_auth_done, a);

    if (rc != NGX_DONE) {
        ngx_explicit_memzero(a->pw, sizeof(a->pw));
    }

    return rc;
}


/* in a pool thread: only the engine, liblmdb and libargon2 */
static void
ngx_http_news_auth_work(void *data)
{
    ngx_http_news_auth_t  *a = data;

    switch (a->kind) {

    case NGX_HTTP_NEWS_LOGIN:
        ngx_http_news_auth_login(a);
        break;

    case NGX_HTTP_NEWS_REGISTER:
        ngx_http_news_auth_register(a);
        break;

    case NGX_HTTP_NEWS_PASSWORD:
    case NGX_HTTP_NEWS_DELETE:
        ngx_http_news_auth_password(a);
        break;

    case NGX_HTTP_NEWS_LOGOUT_ALL:
    case NGX_HTTP_NEWS_END_USER:
    case NGX_HTTP_NEWS_END_ONE:
        ngx_http_news_auth_end_all(a);
        break;

    default:
        ngx_http_news_auth_logout(a);
    }

    ngx_explicit_memzero(a->pw, sizeof(a->pw));
    ngx_explicit_memzero(a->new_pw, sizeof(a->new_pw));
}


/*
 * Counts the attempt before the password is hashed, in its own committed
 * write txn: parallel guesses are counted as they arrive, and one that
 * finds another in flight for its account or address is refused.
 * Returns NEWS_OK to go on; else a->rc says why not.
 */
static int
ngx_http_news_attempt(ngx_http_news_auth_t *a)
{
    return ngx_http_news_auth_run(a, ngx_http_news_attempt_apply);
}


static int
ngx_http_news_attempt_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_auth_t *a = arg;

    return news_attempt_begin(st, txn, a->keys, a->nkeys, a->now, &a->wait,
                              err);
}


/*
 * One write of an account operation through the group-commit writer,
 * committed (with whatever else was queued) before it returns: a->rc and
 * a->err say how it went.
 */
static int
ngx_http_news_auth_run(ngx_http_news_auth_t *a, news_write_pt apply)
{
    news_write_op_t  op;

    ngx_memzero(&op, sizeof(op));
    op.apply = apply;
    op.arg = a;

    a->rc = news_writer_run(a->writer, &op);
    if (a->rc != NEWS_OK) {
        a->err = op.err;
    }

    return a->rc;
}


/*
 * Ends an attempt in a txn of its own, after the account's write: takes
 * its in-flight marks off and, if ok, applies each key's success rule.
 * Twice if need be: a store error must not leave the account or the
 * address refused for the marks' lifetime.
 */
static void
ngx_http_news_attempt_end(ngx_http_news_auth_t *a, int ok)
{
    int              i;
    news_write_op_t  op;

    a->ok = ok;

    for (i = 0; i < 2; i++) {
        ngx_memzero(&op, sizeof(op));
        op.apply = ngx_http_news_attempt_end_apply;
        op.arg = a;

        if (news_writer_run(a->writer, &op) == NEWS_OK) {
            return;
        }
    }
}


static int
ngx_http_news_attempt_end_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_auth_t *a = arg;

    return news_attempt_end(st, txn, a->keys, a->nkeys, a->ok, err);
}


/*
 * The account of a login, read in a read txn of its own: a hash is never
 * computed under the writer lock.  0, MDB_NOTFOUND, another LMDB code, or
 * -1 when no txn could begin (a->err says why).
 */
static int
ngx_http_news_auth_user(ngx_http_news_auth_t *a)
{
    int       rc;
    MDB_txn  *txn;

    if (news_store_begin(a->st, MDB_RDONLY, &txn, &a->err) != NEWS_OK) {
        return -1;
    }

    rc = news_user_find(a->st, txn, a->name, a->name_len, &a->user);
    news_store_abort(a->st, txn);

    return rc;
}


/*
 * The account's own write once its password is hashed, in one txn: a
 * login's session (and rehash), a registration's account (and session),
 * a new password (and the end of every other session), a deletion.
 * NEWS_OK, or a->rc says what failed.
 */
static int
ngx_http_news_auth_write(ngx_http_news_auth_t *a)
{
    return ngx_http_news_auth_run(a, ngx_http_news_auth_write_apply);
}


/* in the writer's txn: the engine's account services */
static int
ngx_http_news_auth_write_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_auth_t *a = arg;

    switch (a->kind) {

    case NGX_HTTP_NEWS_REGISTER:
        return news_user_register(st, txn, &a->user, a->now, a->ttl,
                                  a->start_session ? a->token : NULL, err);

    case NGX_HTTP_NEWS_DELETE:
        return news_user_delete(st, txn, a->name, a->name_len, a->disown,
                                err);

    case NGX_HTTP_NEWS_PASSWORD:
        if (news_sessions_drop_user(st, txn, a->user.id, err) != NEWS_OK) {
            return err->code;
        }

        return news_user_login(st, txn, a->user.id, a->hash, a->now, a->ttl,
                               a->token, err);

    default: /* a login */
        return news_user_login(st, txn, a->user.id,
                               a->hash[0] ? a->hash : NULL, a->now, a->ttl,
                               a->token, err);
    }
}


static void
ngx_http_news_auth_login(ngx_http_news_auth_t *a)
{
    int   rc, ok;
    char  scratch[NEWS_HASH_MAX];

    if (ngx_http_news_attempt(a) != NEWS_OK) {
        return;
    }

    ok = 0;

    rc = ngx_http_news_auth_user(a);

    if (rc == 0) {
        ok = news_password_verify(a->user.hash, a->pw, a->pw_len);
        a->rc = ok ? NEWS_OK : NEWS_INVALID;

        /*
         * A hash made before news_password_cost was raised verifies
         * faster than an unknown name's dummy hash: pay the configured
         * cost too, right password or wrong, so that the time tells
         * nothing; a right password keeps the new hash.
         */
        if (news_password_cheaper(a->user.hash, &a->cost)
            && news_password_hash(&a->cost, a->pw, a->pw_len, scratch,
                                  sizeof(scratch), &a->err)
               == NEWS_OK
            && ok)
        {
            ngx_memcpy(a->hash, scratch, sizeof(scratch));
        }

    } else if (rc == MDB_NOTFOUND) {
        /* as slow as a wrong password: existence stays secret */
        (void) news_password_hash(&a->cost, a->pw, a->pw_len, scratch,
                                  sizeof(scratch), &a->err);
        a->rc = NEWS_INVALID;

    } else {
        a->rc = rc < 0 ? a->err.code
                       : news_store_fail(&a->err, rc, "finding an account");
    }

    /* the session's lifetime starts now, not when the hash was queued */
    a->now = (int64_t) time(NULL);

    if (ok && ngx_http_news_auth_write(a) != NEWS_OK) {
        ok = 0;
    }

    ngx_http_news_attempt_end(a, ok);
}


static void
ngx_http_news_auth_register(ngx_http_news_auth_t *a)
{
    if (ngx_http_news_attempt(a) != NEWS_OK) {
        return;
    }

    a->rc = news_password_hash(&a->cost, a->pw, a->pw_len, a->user.hash,
                               sizeof(a->user.hash), &a->err);

    ngx_memcpy(a->user.name, a->name, a->name_len);
    a->user.name[a->name_len] = '\0';
    a->user.name_len = a->name_len;
    a->user.role = NEWS_ROLE_READER;
    a->now = (int64_t) time(NULL);

    if (a->rc == NEWS_OK) {
        (void) ngx_http_news_auth_write(a);
    }

    /* a registration counts whatever came of it */
    ngx_http_news_attempt_end(a, 1);
}


/*
 * A new password, or the account's deletion: the current password is
 * checked (counted by the login throttle, as a login is).  A new one is
 * hashed, and every session of the account ends but a new one for this
 * browser: whoever else was logged in, perhaps with the old password, is
 * out.  A deleted account goes with its sessions; its name stays
 * reserved and its comments stay, under that name.
 */
static void
ngx_http_news_auth_password(ngx_http_news_auth_t *a)
{
    int  rc, ok;

    if (ngx_http_news_attempt(a) != NEWS_OK) {
        return;
    }

    ok = 0;
    rc = ngx_http_news_auth_user(a);

    if (rc == 0 && a->user.id == a->uid) {
        ok = news_password_verify(a->user.hash, a->pw, a->pw_len)
             && (a->kind == NGX_HTTP_NEWS_DELETE
                 || news_password_hash(&a->cost, a->new_pw, a->new_pw_len,
                                       a->hash, sizeof(a->hash), &a->err)
                    == NEWS_OK);
        a->rc = ok ? NEWS_OK : NEWS_INVALID;

    } else {
        a->rc = rc < 0 ? a->err.code
                       : news_store_fail(&a->err, rc ? rc : MDB_NOTFOUND,
                                         "finding the account");
    }

    a->now = (int64_t) time(NULL);

    if (ok && ngx_http_news_auth_write(a) != NEWS_OK) {
        ok = 0;
    }

    ngx_http_news_attempt_end(a, ok);
}


/*
 * Sessions end: one of the reader's own, by its id (a->sid, looked for
 * among a->uid's sessions only); all of the reader's ("log out
 * everywhere", a->uid); or, for a moderator, all of another account's
 * (a->name), one of a lower role unless the moderator is an admin.
 */
static void
ngx_http_news_auth_end_all(ngx_http_news_auth_t *a)
{
    (void) ngx_http_news_auth_run(a, ngx_http_news_auth_end_apply);
}


static int
ngx_http_news_auth_end_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_auth_t *a = arg;

    switch (a->kind) {

    case NGX_HTTP_NEWS_END_USER:
        return news_user_end_sessions(st, txn, a->name, a->name_len, a->role,
                                      err);

    case NGX_HTTP_NEWS_END_ONE:
        return news_session_end_id(st, txn, a->uid, a->sid, err);

    default:
        return news_sessions_drop_user(st, txn, a->uid, err);
    }
}


/* in the writes' pool, no request waiting: the session was seen now */
static void
ngx_http_news_session_touch(void *data)
{
    ngx_http_news_touch_t *t = data;

    news_write_op_t  op;

    ngx_memzero(&op, sizeof(op));
    op.apply = ngx_http_news_session_touch_apply;
    op.arg = t;

    (void) news_writer_run(t->writer, &op);
}


static int
ngx_http_news_session_touch_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_touch_t *t = arg;

    return news_session_touch(st, txn, t->token, t->now, err);
}


static void
ngx_http_news_auth_logout(ngx_http_news_auth_t *a)
{
    (void) ngx_http_news_auth_run(a, ngx_http_news_auth_logout_apply);
}


static int
ngx_http_news_auth_logout_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    ngx_http_news_auth_t *a = arg;

    return news_session_delete(st, txn, a->token, err);
}


/* back on the event loop: answer */
static ngx_int_t
ngx_http_news_auth_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_auth_t *a = data;

    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(a->user.hash, sizeof(a->user.hash));

    switch (a->rc) {

    case NEWS_OK:
        break;

    case NEWS_INVALID:
        if ((a->kind == NGX_HTTP_NEWS_PASSWORD
             || a->kind == NGX_HTTP_NEWS_DELETE)
            && !a->json)
        {
            return ngx_http_news_account_page(r, NGX_HTTP_FORBIDDEN,
                                              a->kind == NGX_HTTP_NEWS_DELETE
                                              ? "delete-password"
                                              : "password",
                                              "The password is wrong.");
        }

        if (a->kind == NGX_HTTP_NEWS_PASSWORD
            || a->kind == NGX_HTTP_NEWS_DELETE)
        {
            return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN,
                                            "wrong_password",
                                            "the current password is wrong");
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "news: failed login for \"%*s\"", a->name_len,
                      a->name);

        if (a->json) {
            return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                            "invalid_credentials",
                                            "wrong username or password");
        }

        return ngx_http_news_form_page(r, NGX_HTTP_NEWS_LOGIN,
                                       NGX_HTTP_UNAUTHORIZED,
                                       &(ngx_str_t) { a->name_len,
                                                      (u_char *) a->name },
                                       &a->next, NULL,
                                       "Wrong username or password.");

    case NEWS_LIMITED:
        return ngx_http_news_auth_limited(r, a);

    case NEWS_NOTFOUND:
        if (a->kind == NGX_HTTP_NEWS_END_ONE) {
            return a->json ? ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND,
                                                      "not_found",
                                                      "no such session")
                           : ngx_http_news_account_page(r,
                                                        NGX_HTTP_NOT_FOUND,
                                                        NULL, "There is no "
                                                        "such session.");
        }

        if (a->kind == NGX_HTTP_NEWS_END_USER && !a->json) {
            return ngx_http_news_end_sessions_page(r, NGX_HTTP_NOT_FOUND, a,
                                                   "username",
                                                   "There is no such "
                                                   "account.");
        }

        return ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                        "no such user");

    case NEWS_FORBIDDEN:
        if (a->kind == NGX_HTTP_NEWS_END_USER && !a->json) {
            return ngx_http_news_end_sessions_page(r, NGX_HTTP_FORBIDDEN, a,
                                                   "username",
                                                   "Only an admin ends the "
                                                   "sessions of staff.");
        }

        return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                        a->err.msg);

    case NEWS_CONFLICT:
        if (a->json) {
            return ngx_http_news_json_error(r, NGX_HTTP_CONFLICT,
                                            "username_taken",
                                            "this username is taken");
        }

        return ngx_http_news_form_page(r, NGX_HTTP_NEWS_REGISTER,
                                       NGX_HTTP_CONFLICT,
                                       &(ngx_str_t) { a->name_len,
                                                      (u_char *) a->name },
                                       &a->next, "username",
                                       "This username is taken; please "
                                       "choose another.");

    default:
        return ngx_http_news_store_error(r, &a->err, a->json);
    }

    if (a->kind == NGX_HTTP_NEWS_END_USER) {
        return a->json ? ngx_http_news_no_content(r)
                       : ngx_http_news_end_sessions_page(r, NGX_HTTP_OK, a,
                                                         NULL, NULL);
    }

    if (a->kind == NGX_HTTP_NEWS_DELETE) {
        ngx_http_news_disown(ngx_http_get_module_main_conf(r,
                                                      ngx_http_news_module),
                             r->connection->log);
    }

    if (a->kind == NGX_HTTP_NEWS_END_ONE && !a->current) {
        return a->json ? ngx_http_news_no_content(r)
                       : ngx_http_news_see_other(r, &a->next);
    }

    if (a->kind == NGX_HTTP_NEWS_LOGOUT
        || a->kind == NGX_HTTP_NEWS_LOGOUT_ALL
        || a->kind == NGX_HTTP_NEWS_DELETE
        || a->kind == NGX_HTTP_NEWS_END_ONE)
    {
        if (ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_SESSION_COOKIE, NULL, 0)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (a->json) {
            return ngx_http_news_no_content(r);
        }

        return ngx_http_news_see_other(r, &a->next);
    }

    /* a new session: a new token at every login, so no fixation */
    if (a->kind == NGX_HTTP_NEWS_LOGIN || a->kind == NGX_HTTP_NEWS_PASSWORD
        || a->start_session)
    {
        if (ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_SESSION_COOKIE,
                                     a->token, nmcf->session_ttl)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_explicit_memzero(a->token, sizeof(a->token));

    if (a->json) {
        return ngx_http_news_user_reply(r, a->kind == NGX_HTTP_NEWS_REGISTER
                                           ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                                        &a->user);
    }

    return ngx_http_news_see_other(r, &a->next);
}
