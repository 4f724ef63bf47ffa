/*
 * An account act in the thread pool: its inputs copied out of the
 * request (the passwords moved, the body's copy wiped), the engine's
 * news_account_run() in a pool thread (the hashing pool for the acts
 * that hash), and the answer back on the event loop.  A deletion's
 * comments are disowned after it, in the background.
 */

#include "ngx_http_news_auth.h"


static void ngx_http_news_auth_work(void *data);
static ngx_int_t ngx_http_news_auth_done(ngx_http_request_t *r, void *data);
static void ngx_http_news_disown_work(void *data);


/*
 * Moves a password from the request body into the task (at most
 * NEWS_PASSWORD_MAX bytes) and wipes the body's copy.  A field the
 * request did not carry has no data at all: nothing to move.
 */
size_t
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


ngx_http_news_auth_t *
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
    a->ac.cost.memory = nmcf->argon2_memory;
    a->ac.cost.passes = nmcf->argon2_passes;
    a->ac.now = ngx_time();
    a->ac.ttl = nmcf->session_ttl;
    a->ac.kind = kind;
    a->json = ctx->json;
    a->ac.limit_account = nmcf->throttle_account;
    a->ac.limit_address = nmcf->throttle_address;
    a->ac.limit_register = nmcf->throttle_register;
    a->ac.disown = NEWS_DISOWN_KEEP;

    if (ctx->user) {
        a->ac.uid = ctx->user->id;
        a->ac.role = ctx->user->role;
    }

    if (kind == NEWS_ACCOUNT_LOGOUT || kind == NEWS_ACCOUNT_LOGOUT_ALL) {
        ngx_memcpy(a->ac.token, ctx->token, NEWS_TOKEN_LEN);
        return a;
    }

    /* a moderator's or an account's own action may carry no name */
    a->ac.name_len = ngx_min(name->len, NEWS_NAME_MAX);
    if (a->ac.name_len) {
        ngx_memcpy(a->ac.name, name->data, a->ac.name_len);
    }

    a->ac.pw_len = ngx_http_news_take_password(a->ac.pw, pw);

    alen = ngx_http_news_client_addr(r, addr);
    news_account_keys(&a->ac, addr, alen);

    return a;
}


/*
 * To a pool: logins, registrations, password changes and deletions hash,
 * to the hashing pool, after the throttle's look (a 429 at once); the
 * answer comes from ngx_http_news_auth_done().  A full hashing queue is
 * a 503 with Retry-After, at once.
 */
ngx_int_t
ngx_http_news_auth_post(ngx_http_request_t *r, ngx_http_news_auth_t *a)
{
    ngx_int_t   rc;
    ngx_uint_t  hashes;

    hashes = a->ac.kind == NEWS_ACCOUNT_LOGIN
             || a->ac.kind == NEWS_ACCOUNT_REGISTER
             || a->ac.kind == NEWS_ACCOUNT_PASSWORD
             || a->ac.kind == NEWS_ACCOUNT_DELETE;

    rc = hashes ? ngx_http_news_throttled(r, a) : NGX_DECLINED;

    if (rc == NGX_DECLINED) {
        rc = ngx_http_news_task_start(r, hashes ? NGX_HTTP_NEWS_POOL_HASH
                                                : NGX_HTTP_NEWS_POOL_WRITES,
                                      ngx_http_news_auth_work,
                                      ngx_http_news_auth_done, a);
    }

    if (rc != NGX_DONE) {
        ngx_explicit_memzero(a->ac.pw, sizeof(a->ac.pw));
    }

    return rc;
}


/* in a pool thread: the engine's call, which hashes and writes */
static void
ngx_http_news_auth_work(void *data)
{
    ngx_http_news_auth_t  *a = data;

    news_account_run(a->writer, a->st, &a->ac);
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

    ngx_memzero(a->ac.user.hash, sizeof(a->ac.user.hash));

    switch (a->ac.rc) {

    case NEWS_OK:
        break;

    case NEWS_INVALID:
        if ((a->ac.kind == NEWS_ACCOUNT_PASSWORD
             || a->ac.kind == NEWS_ACCOUNT_DELETE)
            && !a->json)
        {
            return ngx_http_news_account_page(r, NGX_HTTP_FORBIDDEN,
                                              a->ac.kind == NEWS_ACCOUNT_DELETE
                                              ? "delete-password"
                                              : "password",
                                              "The password is wrong.");
        }

        if (a->ac.kind == NEWS_ACCOUNT_PASSWORD
            || a->ac.kind == NEWS_ACCOUNT_DELETE)
        {
            return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN,
                                            "wrong_password",
                                            "the current password is wrong");
        }

        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "news: failed login for \"%*s\"", a->ac.name_len,
                      a->ac.name);

        if (a->json) {
            return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                            "invalid_credentials",
                                            "wrong username or password");
        }

        return ngx_http_news_form_page(r, NEWS_ACCOUNT_LOGIN,
                                       NGX_HTTP_UNAUTHORIZED,
                                       &(ngx_str_t) { a->ac.name_len,
                                                      (u_char *) a->ac.name },
                                       &a->next, NULL,
                                       "Wrong username or password.");

    case NEWS_LIMITED:
        return ngx_http_news_auth_limited(r, a);

    case NEWS_NOTFOUND:
        if (a->ac.kind == NEWS_ACCOUNT_END_ONE) {
            return a->json ? ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND,
                                                      "not_found",
                                                      "no such session")
                           : ngx_http_news_account_page(r,
                                                        NGX_HTTP_NOT_FOUND,
                                                        NULL, "There is no "
                                                        "such session.");
        }

        if (a->ac.kind == NEWS_ACCOUNT_END_USER && !a->json) {
            return ngx_http_news_end_sessions_page(r, NGX_HTTP_NOT_FOUND, a,
                                                   "username",
                                                   "There is no such "
                                                   "account.");
        }

        return ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                        "no such user");

    case NEWS_FORBIDDEN:
        if (a->ac.kind == NEWS_ACCOUNT_END_USER && !a->json) {
            return ngx_http_news_end_sessions_page(r, NGX_HTTP_FORBIDDEN, a,
                                                   "username",
                                                   "Only an admin ends the "
                                                   "sessions of staff.");
        }

        return ngx_http_news_json_error(r, NGX_HTTP_FORBIDDEN, "forbidden",
                                        a->ac.err.msg);

    case NEWS_CONFLICT:
        if (a->json) {
            return ngx_http_news_json_error(r, NGX_HTTP_CONFLICT,
                                            "username_taken",
                                            "this username is taken");
        }

        return ngx_http_news_form_page(r, NEWS_ACCOUNT_REGISTER,
                                       NGX_HTTP_CONFLICT,
                                       &(ngx_str_t) { a->ac.name_len,
                                                      (u_char *) a->ac.name },
                                       &a->next, "username",
                                       "This username is taken; please "
                                       "choose another.");

    default:
        return ngx_http_news_store_error(r, &a->ac.err, a->json);
    }

    if (a->ac.kind == NEWS_ACCOUNT_END_USER) {
        return a->json ? ngx_http_news_no_content(r)
                       : ngx_http_news_end_sessions_page(r, NGX_HTTP_OK, a,
                                                         NULL, NULL);
    }

    if (a->ac.kind == NEWS_ACCOUNT_DELETE) {
        ngx_http_news_disown(ngx_http_get_module_main_conf(r,
                                                      ngx_http_news_module),
                             r->connection->log);
    }

    if (a->ac.kind == NEWS_ACCOUNT_END_ONE && !a->current) {
        return a->json ? ngx_http_news_no_content(r)
                       : ngx_http_news_see_other(r, &a->next);
    }

    if (a->ac.kind == NEWS_ACCOUNT_LOGOUT
        || a->ac.kind == NEWS_ACCOUNT_LOGOUT_ALL
        || a->ac.kind == NEWS_ACCOUNT_DELETE
        || a->ac.kind == NEWS_ACCOUNT_END_ONE)
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
    if (a->ac.kind == NEWS_ACCOUNT_LOGIN || a->ac.kind == NEWS_ACCOUNT_PASSWORD
        || a->ac.start_session)
    {
        if (ngx_http_news_set_cookie(r, NGX_HTTP_NEWS_SESSION_COOKIE,
                                     a->ac.token, nmcf->session_ttl)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    ngx_explicit_memzero(a->ac.token, sizeof(a->ac.token));

    if (a->json) {
        return ngx_http_news_user_reply(r, a->ac.kind == NEWS_ACCOUNT_REGISTER
                                           ? NGX_HTTP_CREATED : NGX_HTTP_OK,
                                        &a->ac.user);
    }

    if ((a->ac.kind == NEWS_ACCOUNT_LOGIN
         || a->ac.kind == NEWS_ACCOUNT_REGISTER)
        && ngx_http_news_set_hello(r, a->ac.kind == NEWS_ACCOUNT_LOGIN
                                      ? 'l' : 'r')
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_see_other(r, &a->next);
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
    news_writer_t  *w;

    w = &nmcf->writer;

    if (ngx_http_news_detach(nmcf, log, ngx_http_news_disown_work, &w,
                             sizeof(w))
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
    news_writer_t  **w = data;

    news_account_disown(*w);
}
