/*
 * The account forms: /login, /register, /logout, /account (a new
 * password, ending sessions, deleting the account) and the moderators'
 * /moderation/sessions.  Each reads and checks its form on the event
 * loop and hands the act to the pool (account_task.c); the pages are
 * written by engine/render_account.c.
 */

#include "ngx_http_news_auth.h"


static ngx_int_t ngx_http_news_account_form(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_str_t *body, ngx_str_t *name, ngx_str_t *pw,
    ngx_str_t *next);
static ngx_int_t ngx_http_news_credentials(ngx_http_request_t *r,
    ngx_uint_t kind, ngx_str_t *body);
static ngx_int_t ngx_http_news_login_refused(ngx_http_request_t *r,
    ngx_uint_t json, ngx_str_t *name, ngx_str_t *pw, ngx_str_t *next);
static ngx_int_t ngx_http_news_register_refused(ngx_http_request_t *r,
    ngx_uint_t json, ngx_str_t *name, ngx_str_t *pw, ngx_str_t *next);
static ngx_int_t ngx_http_news_logout_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_account_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_end_sessions_body(ngx_http_request_t *r,
    ngx_str_t *body);


/*
 * The login or register page (render_account.c).  An error goes next to
 * its field (field "username" or "password") or above the form (field
 * NULL).  The typed name is kept; the password never is.
 */
ngx_int_t
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

    form = (kind == NEWS_ACCOUNT_LOGIN) ? NEWS_FORM_LOGIN
                                         : NEWS_FORM_REGISTER;

    ngx_memzero(&f, sizeof(f));
    f.csrf = (char *) hex.data;
    f.csrf_len = hex.len;
    f.field = field;
    f.msg = msg;

    b = ngx_http_news_buf(r);

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
    news_buf_t  *head;

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg->main.data = (u_char *) b->data;
    pg->main.len = b->len;

    /* a page that says nothing else of itself is described by its title */
    if (pg->head.len == 0 && pg->title.len) {
        head = ngx_http_news_buf(r);
        news_render_page_description(head, (char *) pg->title.data,
                                     pg->title.len);

        if (head->failed) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        pg->head.data = (u_char *) head->data;
        pg->head.len = head->len;
    }

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

    return ngx_http_news_form_page(r, NEWS_ACCOUNT_LOGIN, NGX_HTTP_OK, NULL,
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

    return ngx_http_news_form_page(r, NEWS_ACCOUNT_REGISTER, NGX_HTTP_OK,
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
    ngx_int_t  rc;
    ngx_str_t  csrf;
    u_char     pre[NEWS_TOKEN_LEN], want[NEWS_SHA256_LEN],
               got[NEWS_SHA256_LEN];

    static const char  *names[] = { "username", "password", "next", "csrf" };
    ngx_str_t          *values[] = { name, pw, next, &csrf };

    rc = ngx_http_news_form_fields(r, body, names, values, 4);

    ngx_http_news_next_check(r, next);

    if (rc == NGX_HTTP_BAD_REQUEST) {
        return ngx_http_news_form_page(r, kind, NGX_HTTP_BAD_REQUEST, name,
                                       next, NULL,
                                       NGX_HTTP_NEWS_FORM_GARBLED);
    }

    if (rc != NGX_OK) {
        return rc;
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
                                   NULL, NGX_HTTP_NEWS_FORM_EXPIRED);
}


/* a login's body, the form's or the API's (ngx_http_news_credentials) */
ngx_int_t
ngx_http_news_login_body(ngx_http_request_t *r, ngx_str_t *body)
{
    return ngx_http_news_credentials(r, NEWS_ACCOUNT_LOGIN, body);
}


/* a registration's body, the form's or the API's */
ngx_int_t
ngx_http_news_register_body(ngx_http_request_t *r, ngx_str_t *body)
{
    return ngx_http_news_credentials(r, NEWS_ACCOUNT_REGISTER, body);
}


/*
 * The name and password of a login or a registration (kind), from the
 * form or, on the API (ctx->json), from {"username", "password"}: read,
 * checked by the kind's rule, then the act posted.  A refusal is answered
 * as the body came: the form shown again with its error, or JSON.
 */
static ngx_int_t
ngx_http_news_credentials(ngx_http_request_t *r, ngx_uint_t kind,
    ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name, pw, next;
    ngx_uint_t             json;
    const char            *msg;
    ngx_http_news_auth_t  *a;

    json = ngx_http_news_get_ctx(r)->json;
    ngx_str_null(&next);

    if (json) {
        msg = ngx_http_news_json_credentials(r, body, &name, &pw);
        if (msg) {
            return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                            "bad_request", msg);
        }

    } else {
        rc = ngx_http_news_account_form(r, kind, body, &name, &pw, &next);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    rc = (kind == NEWS_ACCOUNT_LOGIN)
         ? ngx_http_news_login_refused(r, json, &name, &pw, &next)
         : ngx_http_news_register_refused(r, json, &name, &pw, &next);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    a = ngx_http_news_auth_new(r, kind, &name, &pw);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->next = next;

    /* the form's registration logs the reader in; the API's does not */
    if (kind == NEWS_ACCOUNT_REGISTER && !json) {
        a->ac.start_session = 1;
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * A login's name and password, only as long as they may be: anything
 * else has the answer of a wrong password, so that names are not
 * disclosed.  NGX_DECLINED: go on.
 */
static ngx_int_t
ngx_http_news_login_refused(ngx_http_request_t *r, ngx_uint_t json,
    ngx_str_t *name, ngx_str_t *pw, ngx_str_t *next)
{
    if (news_username_valid((char *) name->data, name->len)
        && pw->len > 0 && pw->len <= NEWS_PASSWORD_MAX)
    {
        return NGX_DECLINED;
    }

    if (json) {
        return ngx_http_news_json_error(r, NGX_HTTP_UNAUTHORIZED,
                                        "invalid_credentials",
                                        "wrong username or password");
    }

    return ngx_http_news_form_page(r, NEWS_ACCOUNT_LOGIN,
                                   NGX_HTTP_UNAUTHORIZED, name, next, NULL,
                                   "Wrong username or password.");
}


/*
 * A registration's name and password, by the account rules (users.h);
 * the form's error is tied to its field.  NGX_DECLINED: go on.
 */
static ngx_int_t
ngx_http_news_register_refused(ngx_http_request_t *r, ngx_uint_t json,
    ngx_str_t *name, ngx_str_t *pw, ngx_str_t *next)
{
    int          check;
    const char  *field, *msg;

    check = news_password_check((char *) pw->data, pw->len);

    if (json && !news_username_valid((char *) name->data, name->len)) {
        return ngx_http_news_json_error(r, 422, "invalid_username",
                                        "a username has 3 to 32 letters, "
                                        "digits, _ or -");
    }

    if (json && check != NEWS_PASSWORD_OK) {
        return ngx_http_news_json_error(r, 422, "invalid_password",
                                        "a password has 8 characters to "
                                        "1024 bytes of UTF-8");
    }

    field = "password";

    if (!news_username_valid((char *) name->data, name->len)) {
        field = "username";
        msg = "Choose a username of 3 to 32 letters, digits, _ or -.";

        /* the name typed goes back into the form: a sane length of it */
        if (name->len > 64) {
            name->len = 64;
        }

    } else if (check == NEWS_PASSWORD_SHORT) {
        msg = "The password needs at least 8 characters.";

    } else if (check == NEWS_PASSWORD_LONG) {
        msg = "The password may have at most 1024 bytes.";

    } else if (check == NEWS_PASSWORD_BAD) {
        /*
         * Not reached from the form: its fields are refused before this
         * when they hold a NUL or are not UTF-8 (400, t/39).  Kept for
         * the check's whole answer.
         */
        msg = "The password holds characters that cannot be used.";

    } else {
        return NGX_DECLINED;
    }

    return ngx_http_news_form_page(r, NEWS_ACCOUNT_REGISTER, 422, name, next,
                                   field, msg);
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

    rc = ngx_http_news_form_read(r, body, NULL, NULL, 0);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_LOGOUT, NULL, NULL);
    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    a->next = nlcf->prefix;

    return ngx_http_news_auth_post(r, a);
}


/*
 * GET /account: the reader's sessions and three forms, each with the
 * session's CSRF token: a new password, log out everywhere, delete the
 * account.  POST /account does what the form's action says.
 */
ngx_int_t
ngx_http_news_account(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_body_route(r, 0, NEWS_ACT_ACCOUNT, NGX_HTTP_POST,
                                  ngx_http_news_account_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_account_page(r, NGX_HTTP_OK, NULL, NULL);
}


/* the page (render_account.c); an error goes next to its field, or above */
ngx_int_t
ngx_http_news_account_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *field, const char *msg)
{
    int                    rc;
    news_buf_t            *b;
    news_err_t             err;
    news_form_t            f;
    news_reader_t          rd;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_page_t   pg;

    ctx = ngx_http_news_get_ctx(r);

    if (ngx_http_news_form_of(r, &f, field, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);

    rc = news_read_account_page(&rd, ctx->user, ctx->token,
                                NGX_HTTP_NEWS_API_LIMIT, &f, b, &err);
    news_reader_end(&rd);

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
    ngx_int_t                  rc;
    ngx_str_t                  action, pw, new_pw, name, comments, sid;
    ngx_uint_t                 kind;
    news_user_t               *user;
    ngx_http_news_auth_t      *a;
    ngx_http_news_loc_conf_t  *nlcf;

    static const char  *names[] = { "action", "password", "new_password",
                                    "comments", "session" };
    ngx_str_t          *values[] = { &action, &pw, &new_pw, &comments,
                                     &sid };

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    user = ngx_http_news_user(r);

    rc = ngx_http_news_form_read(r, body, names, values, 5);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_account_page(r, rc, NULL,
                                          NGX_HTTP_NEWS_FORM_EXPIRED);
    }

    if (rc == NGX_HTTP_BAD_REQUEST || (rc == NGX_OK && action.data == NULL))
    {
        return ngx_http_news_account_page(r, NGX_HTTP_BAD_REQUEST, NULL,
                                          NGX_HTTP_NEWS_FORM_GARBLED);
    }

    if (rc != NGX_OK) {
        return rc;
    }

    disown = NEWS_DISOWN_KEEP;

    if (action.len == 10 && ngx_strncmp(action.data, "logout-all", 10) == 0) {
        kind = NEWS_ACCOUNT_LOGOUT_ALL;

    } else if (action.len == 11
               && ngx_strncmp(action.data, "end-session", 11) == 0)
    {
        kind = NEWS_ACCOUNT_END_ONE;

    } else if (action.len == 6 && ngx_strncmp(action.data, "delete", 6) == 0)
    {
        kind = NEWS_ACCOUNT_DELETE;

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
        kind = NEWS_ACCOUNT_PASSWORD;

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

    a->ac.new_pw_len = ngx_http_news_take_password(a->ac.new_pw, &new_pw);
    a->ac.disown = disown;
    a->next = nlcf->prefix;

    if (kind == NEWS_ACCOUNT_END_ONE
        && ngx_http_news_session_id(r, a, &sid) != NGX_OK)
    {
        return ngx_http_news_account_page(r, NGX_HTTP_NOT_FOUND, NULL,
                                          "There is no such session.");
    }

    /* a password changed or another session ended: back to the account */
    if (kind == NEWS_ACCOUNT_PASSWORD
        || (kind == NEWS_ACCOUNT_END_ONE && !a->current))
    {
        a->next.data = ngx_pnalloc(r->pool, nlcf->prefix.len + 7);
        if (a->next.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        a->next.len = ngx_sprintf(a->next.data, "%Vaccount", &nlcf->prefix)
                      - a->next.data;
    }

    return ngx_http_news_auth_post(r, a);
}


/*
 * A session's id as the account page and GET /api/sessions show it
 * (hex), into a->ac.sid; a->current if it is this browser's.  NGX_ERROR if
 * it is not such an id.
 */
ngx_int_t
ngx_http_news_session_id(ngx_http_request_t *r, ngx_http_news_auth_t *a,
    ngx_str_t *hex)
{
    u_char                mine[NEWS_SHA256_LEN];
    ngx_http_news_ctx_t  *ctx;

    if (news_hex_decode((char *) hex->data, hex->len, a->ac.sid,
                        sizeof(a->ac.sid))
        != (ssize_t) sizeof(a->ac.sid))
    {
        return NGX_ERROR;
    }

    ctx = ngx_http_news_get_ctx(r);
    news_sha256(ctx->token, NEWS_TOKEN_LEN, mine);
    a->current = ngx_memcmp(mine, a->ac.sid, sizeof(a->ac.sid)) == 0;

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

    rc = ngx_http_news_body_route(r, 0, NEWS_ACT_MODERATE, NGX_HTTP_POST,
                                  ngx_http_news_end_sessions_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_end_sessions_page(r, NGX_HTTP_OK, NULL, NULL, NULL);
}


static ngx_int_t
ngx_http_news_end_sessions_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t              rc;
    ngx_str_t              name;
    ngx_http_news_auth_t  *a;

    static const char  *names[] = { "username" };
    ngx_str_t          *values[] = { &name };

    rc = ngx_http_news_form_read(r, body, names, values, 1);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_end_sessions_page(r, rc, NULL, NULL,
                                               NGX_HTTP_NEWS_FORM_EXPIRED);
    }

    if (rc == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        return rc;
    }

    /* a garbled name is a wrong one */
    if (rc != NGX_OK || !news_username_valid((char *) name.data, name.len)) {
        return ngx_http_news_end_sessions_page(r, 422, NULL, "username",
                                               "A username has 3 to 32 "
                                               "letters, digits, _ or -.");
    }

    a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_END_USER, &name,
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
ngx_int_t
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
        p = ngx_pnalloc(r->pool, a->ac.name_len + sizeof("Every session of  "
                                                      "has ended."));
        if (p == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        *ngx_sprintf(p, "Every session of %*s has ended.", a->ac.name_len,
                     a->ac.name) = '\0';
        f.notice = (char *) p;
    }

    b = ngx_http_news_buf(r);

    news_render_end_sessions(b, &f, a ? a->ac.name : NULL,
                             a ? a->ac.name_len : 0);

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "End a reader's sessions");
    ngx_str_set(&pg.path, "moderation/sessions");

    return ngx_http_news_form_send(r, status, b, &pg);
}
