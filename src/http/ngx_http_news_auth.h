/*
 * What the account files of the nginx side share (session.c, csrf.c,
 * throttle.c, account.c, account_api.c, account_task.c): the cookies, an
 * account act on its way to the pool, and the helpers they call across.
 *
 * Cookies (Path the location's prefix, HttpOnly, SameSite=Lax, and
 * Secure over TLS; over TLS at Path=/ the name has the __Host- prefix,
 * so that no other host or plain-HTTP page can set it):
 *   news_session  the 256-bit session token in hex; the store has only
 *                 its SHA-256
 *   news_pre      a pre-session token the login and register forms'
 *                 CSRF field is derived from
 *   news_hello    'l' or 'r' for a minute after a login or registration
 *                 by form: the next page says welcome, and expires it
 */

#ifndef NGX_HTTP_NEWS_AUTH_H
#define NGX_HTTP_NEWS_AUTH_H

#include "ngx_http_news.h"
#include "engine/render_account.h"
#include "engine/service.h"
#include "engine/text.h"


/* the names with their __Host- prefix; without it they start 7 bytes on */
#define NGX_HTTP_NEWS_SESSION_COOKIE  "__Host-news_session"
#define NGX_HTTP_NEWS_PRE_COOKIE      "__Host-news_pre"
#define NGX_HTTP_NEWS_HELLO_COOKIE    "__Host-news_hello"
#define NGX_HTTP_NEWS_HELLO_AGE       60
#define NGX_HTTP_NEWS_HOST_PREFIX     (sizeof("__Host-") - 1)
#define NGX_HTTP_NEWS_CSRF_SESSION    "session"
#define NGX_HTTP_NEWS_CSRF_PRE        "pre-session"


/* one account act (engine/service.h): inputs copied before the post */
typedef struct {
    news_account_t      ac;         /* the engine's: in and out */
    news_store_t       *st;
    news_writer_t      *writer;     /* every write goes through it */
    ngx_uint_t          json;
    ngx_uint_t          current;    /* the session ended is this browser's */
    ngx_str_t           next;       /* where the form goes after */
} ngx_http_news_auth_t;


/* session.c: cookies */
ngx_int_t ngx_http_news_cookie_token(ngx_http_request_t *r, const char *name,
    u_char *token);
ngx_int_t ngx_http_news_set_cookie(ngx_http_request_t *r, const char *name,
    u_char *token, time_t max_age);
ngx_int_t ngx_http_news_pre_token(ngx_http_request_t *r, u_char *token);
ngx_int_t ngx_http_news_set_hello(ngx_http_request_t *r, u_char kind);
ngx_int_t ngx_http_news_hex(ngx_http_request_t *r, u_char *bin, size_t n,
    ngx_str_t *hex);

/* csrf.c: where to go after a form */
ngx_int_t ngx_http_news_next_arg(ngx_http_request_t *r, ngx_str_t *next);
void ngx_http_news_next_check(ngx_http_request_t *r, ngx_str_t *next);

/* throttle.c */
size_t ngx_http_news_client_addr(ngx_http_request_t *r, u_char *addr);
/* NGX_DECLINED: go on; else the 429 or store error, answered (auth_post) */
ngx_int_t ngx_http_news_throttled(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);
ngx_int_t ngx_http_news_auth_limited(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);

/* account.c: the pages */
ngx_int_t ngx_http_news_form_page(ngx_http_request_t *r, ngx_uint_t kind,
    ngx_uint_t status, ngx_str_t *name, ngx_str_t *next, const char *field,
    const char *msg);
ngx_int_t ngx_http_news_account_page(ngx_http_request_t *r,
    ngx_uint_t status, const char *field, const char *msg);
ngx_int_t ngx_http_news_end_sessions_page(ngx_http_request_t *r,
    ngx_uint_t status, ngx_http_news_auth_t *a, const char *field,
    const char *msg);
ngx_int_t ngx_http_news_session_id(ngx_http_request_t *r,
    ngx_http_news_auth_t *a, ngx_str_t *hex);
/* the bodies of a login and a registration, the forms' and the API's */
ngx_int_t ngx_http_news_login_body(ngx_http_request_t *r, ngx_str_t *body);
ngx_int_t ngx_http_news_register_body(ngx_http_request_t *r,
    ngx_str_t *body);

/* account_api.c */
/* {"username", "password"} read: NULL, or the message of a 400 */
const char *ngx_http_news_json_credentials(ngx_http_request_t *r,
    ngx_str_t *body, ngx_str_t *name, ngx_str_t *pw);
ngx_int_t ngx_http_news_user_reply(ngx_http_request_t *r, ngx_uint_t status,
    news_user_t *u);

/* account_task.c: an act (NEWS_ACCOUNT_*) to the pool, and its answer */
ngx_http_news_auth_t *ngx_http_news_auth_new(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_str_t *name, ngx_str_t *pw);
size_t ngx_http_news_take_password(char *dst, ngx_str_t *pw);
ngx_int_t ngx_http_news_auth_post(ngx_http_request_t *r,
    ngx_http_news_auth_t *a);

#endif /* NGX_HTTP_NEWS_AUTH_H */
