/*
 * The module's variables, for the rest of nginx (proxy_cache_bypass,
 * log formats, map): $news_user, $news_role, $news_cacheable.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "http/ngx_http_news_conf.h"


static news_user_t *ngx_http_news_variable_user(ngx_http_request_t *r);
static ngx_int_t ngx_http_news_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_news_role_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_news_cacheable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_news_variables[] = {

    { ngx_string("news_user"), NULL, ngx_http_news_user_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("news_role"), NULL, ngx_http_news_role_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("news_cacheable"), NULL, ngx_http_news_cacheable_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_news_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_news_variables; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);

        /* a name taken by another module, or nginx's own allocation
         * failing, which the test build cannot make (it wraps the
         * module's own calls to the pool alone): no test has either */
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * The reader of this request's session cookie, looked up once; usable in
 * any location of a server (a proxy_cache front included) as long as
 * some location serves "news", which opens the store.
 */
static news_user_t *
ngx_http_news_variable_user(ngx_http_request_t *r)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    if (nmcf == NULL || !nmcf->store_open) {
        return NULL;
    }

    ngx_http_news_auth_lookup(r);

    return ngx_http_news_user(r);
}


/* $news_user: the logged-in username, empty for anyone else */
static ngx_int_t
ngx_http_news_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    news_user_t  *user;

    user = ngx_http_news_variable_user(r);

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = user ? (u_char *) user->name : (u_char *) "";
    v->len = user ? user->name_len : 0;

    return NGX_OK;
}


/* $news_role: reader, moderator, editor or admin; empty when anonymous */
static ngx_int_t
ngx_http_news_role_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char   *role;
    news_user_t  *user;

    user = ngx_http_news_variable_user(r);
    role = user ? news_role_name(user->role) : "";

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) role;
    v->len = ngx_strlen(role);

    return NGX_OK;
}


/*
 * $news_cacheable: "1" for a GET or HEAD without a valid session, whose
 * answer is the same bytes for every logged-out reader; else "0".
 */
static ngx_int_t
ngx_http_news_cacheable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_uint_t  cacheable;

    cacheable = (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))
                && ngx_http_news_variable_user(r) == NULL;

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) (cacheable ? "1" : "0");
    v->len = 1;

    return NGX_OK;
}
