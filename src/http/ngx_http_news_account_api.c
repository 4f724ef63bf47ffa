/*
 * The accounts' JSON routes: /api/users, /api/session, /api/me,
 * /api/sessions (and one of them), /api/password and a moderator's
 * /api/users/{name}/sessions.
 */

#include "ngx_http_news_auth.h"


static ngx_int_t ngx_http_news_api_password_body(ngx_http_request_t *r,
    ngx_str_t *body);


/* POST /api/users: refused from another site's page, as /api/session */
ngx_int_t
ngx_http_news_api_users(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_own_origin(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_register_body);
}


/* POST, DELETE /api/session: logging in or out */
ngx_int_t
ngx_http_news_api_session(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_own_origin(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 1, ngx_http_news_login_body);
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

    a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_LOGOUT, NULL, NULL);
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
    ngx_str_t              piece;
    news_buf_t            *b;
    news_err_t             err;
    news_reader_t          rd;
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_auth_t  *a;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    ctx = ngx_http_news_get_ctx(r);

    if (r->method == NGX_HTTP_DELETE) {
        a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_LOGOUT_ALL, NULL, NULL);
        if (a == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_auth_post(r, a);
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = ngx_http_news_buf(r);
    news_buf_addl(b, "{\"sessions\":");

    rc = news_read_sessions(&rd, ctx->token, NGX_HTTP_NEWS_API_LIMIT, b,
                            &err);
    news_reader_end(&rd);

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

    a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_END_ONE,
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
    ngx_str_t              name, pw;
    ngx_int_t              rc;
    ngx_uint_t             kind;
    news_user_t           *user;
    ngx_http_news_auth_t  *a;

    root = ngx_http_news_json_body(r, body, &rc);
    if (root == NULL) {
        return rc;
    }

    kind = (r->uri.len > 7
            && ngx_strncmp(r->uri.data + r->uri.len - 7, "/delete", 7) == 0)
           ? NEWS_ACCOUNT_DELETE : NEWS_ACCOUNT_PASSWORD;
    cur = cJSON_GetObjectItemCaseSensitive(root, "password");
    next = cJSON_GetObjectItemCaseSensitive(root, "new_password");

    if (kind == NEWS_ACCOUNT_DELETE) {
        next = cur;
    }

    if (!cJSON_IsObject(root) || !cJSON_IsString(cur)
        || !cJSON_IsString(next))
    {
        cJSON_Delete(root);
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request",
                                        kind == NEWS_ACCOUNT_DELETE
                                        ? "the password is required"
                                        : "password and new_password are "
                                          "required strings");
    }

    disown = NEWS_DISOWN_KEEP;
    how = cJSON_GetObjectItemCaseSensitive(root, "comments");

    if (kind == NEWS_ACCOUNT_DELETE && how != NULL) {
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

    if (kind == NEWS_ACCOUNT_PASSWORD
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
        a->ac.disown = disown;
    }

    if (a != NULL && kind == NEWS_ACCOUNT_PASSWORD) {
        a->ac.new_pw_len = ngx_min(ngx_strlen(next->valuestring),
                                NEWS_PASSWORD_MAX);
        ngx_memcpy(a->ac.new_pw, next->valuestring, a->ac.new_pw_len);
    }

    ngx_explicit_memzero(next->valuestring, ngx_strlen(next->valuestring));
    cJSON_Delete(root);

    if (a == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
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

    /* the router takes only a valid username here */
    a = ngx_http_news_auth_new(r, NEWS_ACCOUNT_END_USER, &rt->slug,
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
const char *
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


ngx_int_t
ngx_http_news_user_reply(ngx_http_request_t *r, ngx_uint_t status,
    news_user_t *u)
{
    news_buf_t  *b;

    b = ngx_http_news_buf(r);
    news_buf_addl(b, "{\"user\":");
    news_user_json(b, u);
    news_buf_addl(b, "}\n");

    if (ngx_http_news_add_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a name is letters, digits, '_' and '-': nothing to escape */
    return ngx_http_news_send_written(r, status, b,
                                      "{\"user\":{\"name\":\"%s\","
                                      "\"role\":\"%s\"}}\n",
                                      u->name, news_role_name(u->role));
}
