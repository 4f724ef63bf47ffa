/*
 * The route table: a path below the location, the methods it takes, and
 * its handler.  A known path with a wrong method is a 405 with Allow.
 */

#include "ngx_http_news.h"
#include "engine/routes.h"
#include "engine/text.h"


/*
 * A route's pattern is built from routes.h's paths, each quoted (\Q..\E)
 * so that its dots are dots, anchored at both ends (\z: "$" would let a
 * decoded "%0A" through).  A slug is one path segment, checked after the
 * match by the engine's rule for slugs; a group named "user" holds a
 * username instead, checked by the rule for usernames.
 */
#define NGX_HTTP_NEWS_EXACT(path)                                           \
    ngx_string("^\\Q" path "\\E\\z")
#define NGX_HTTP_NEWS_SLUG(path, suffix)                                    \
    ngx_string("^\\Q" path "\\E([^/]+)\\Q" suffix "\\E\\z")
#define NGX_HTTP_NEWS_USER(path, suffix)                                    \
    ngx_string("^\\Q" path "\\E(?'user'[^/]+)\\Q" suffix "\\E\\z")

#define NGX_HTTP_NEWS_GET  (NGX_HTTP_GET|NGX_HTTP_HEAD)
#define NGX_HTTP_NEWS_FORM (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST)


typedef struct {
    ngx_str_t                  pattern;
    ngx_uint_t                 methods;
    ngx_http_news_handler_pt   handler;
} ngx_http_news_route_def_t;


/*
 * Rows of one path stand together (the router asks the first of them and
 * picks among them by method); no path matches two patterns.
 */
static ngx_http_news_route_def_t  ngx_http_news_routes[] = {

    /* HTML pages and forms */
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_FRONT),
      NGX_HTTP_NEWS_GET, ngx_http_news_front },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_ARTICLE, ""),
      NGX_HTTP_NEWS_GET, ngx_http_news_article },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_ARTICLE, NEWS_ROUTE_COMMENTS_SUFFIX),
      NGX_HTTP_POST, ngx_http_news_comment_post },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_ARTICLE, NEWS_ROUTE_COMMENTS_FEED_SUFFIX),
      NGX_HTTP_NEWS_GET, ngx_http_news_comments_feed },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_ARTICLE, NEWS_ROUTE_ACTION_SUFFIX),
      NGX_HTTP_POST, ngx_http_news_comment_action },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_SECTION, ""),
      NGX_HTTP_NEWS_GET, ngx_http_news_section },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_SECTION, NEWS_ROUTE_TOPIC_FEED_SUFFIX),
      NGX_HTTP_NEWS_GET, ngx_http_news_topic_feed },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_TAG, ""),
      NGX_HTTP_NEWS_GET, ngx_http_news_tag },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_LOGIN),
      NGX_HTTP_NEWS_FORM, ngx_http_news_login },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_REGISTER),
      NGX_HTTP_NEWS_FORM, ngx_http_news_register },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_ACCOUNT),
      NGX_HTTP_NEWS_FORM, ngx_http_news_account },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_LOGOUT),
      NGX_HTTP_POST, ngx_http_news_logout },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_MODERATION),
      NGX_HTTP_NEWS_GET, ngx_http_news_moderation },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_MODERATION),
      NGX_HTTP_POST, ngx_http_news_comment_action },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_END_SESSIONS),
      NGX_HTTP_NEWS_FORM, ngx_http_news_moderation_sessions },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_MODERATION_WORDS),
      NGX_HTTP_NEWS_FORM, ngx_http_news_moderation_words },
    { NGX_HTTP_NEWS_USER(NEWS_ROUTE_MODERATION_USER, ""),
      NGX_HTTP_NEWS_FORM, ngx_http_news_moderation_user },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_MODLOG),
      NGX_HTTP_NEWS_GET, ngx_http_news_moderation_log },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_MODERATION_REPORTED),
      NGX_HTTP_NEWS_FORM, ngx_http_news_moderation_reported },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_COMMENT, NEWS_ROUTE_REPORT_SUFFIX),
      NGX_HTTP_NEWS_FORM, ngx_http_news_report_page },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_SEARCH),
      NGX_HTTP_NEWS_GET, ngx_http_news_search },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_DESK),
      NGX_HTTP_NEWS_GET, ngx_http_news_desk },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_DESK_NEW),
      NGX_HTTP_NEWS_FORM, ngx_http_news_desk_new },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_DESK_ARTICLE, ""),
      NGX_HTTP_NEWS_FORM, ngx_http_news_desk_article },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_DESK_ARTICLE,
                         NEWS_ROUTE_DESK_DELETE_SUFFIX),
      NGX_HTTP_NEWS_FORM, ngx_http_news_desk_delete },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_DESK_ARTICLE, NEWS_ROUTE_REVISIONS_SUFFIX),
      NGX_HTTP_NEWS_FORM, ngx_http_news_desk_revisions },

    /* feeds and files for robots */
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_FEED),
      NGX_HTTP_NEWS_GET, ngx_http_news_feed },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_SITEMAP),
      NGX_HTTP_NEWS_GET, ngx_http_news_sitemap },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_ROBOTS),
      NGX_HTTP_NEWS_GET, ngx_http_news_robots },

    /* the JSON API */
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_ARTICLES),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_articles },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_ARTICLES),
      NGX_HTTP_POST, ngx_http_news_api_create },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, ""),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_article },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, ""),
      NGX_HTTP_PUT|NGX_HTTP_PATCH|NGX_HTTP_DELETE, ngx_http_news_api_change },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, NEWS_ROUTE_REVISIONS_SUFFIX),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_revisions },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, NEWS_ROUTE_COMMENTS_SUFFIX),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_comments },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, NEWS_ROUTE_COMMENTS_SUFFIX),
      NGX_HTTP_POST, ngx_http_news_comment_post },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, NEWS_ROUTE_CLOSE_SUFFIX),
      NGX_HTTP_POST, ngx_http_news_comments_close },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_ARTICLE, NEWS_ROUTE_OPEN_SUFFIX),
      NGX_HTTP_POST, ngx_http_news_comments_open },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_COMMENT, ""),
      NGX_HTTP_PATCH|NGX_HTTP_DELETE, ngx_http_news_api_comment },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_COMMENT, NEWS_ROUTE_REPORTS_SUFFIX),
      NGX_HTTP_POST|NGX_HTTP_DELETE, ngx_http_news_api_reports },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_COMMENT, NEWS_ROUTE_FEATURED_SUFFIX),
      NGX_HTTP_POST|NGX_HTTP_DELETE, ngx_http_news_api_featured },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_USERS),
      NGX_HTTP_POST, ngx_http_news_api_users },
    { NGX_HTTP_NEWS_USER(NEWS_ROUTE_API_USER, NEWS_ROUTE_SUSPENSION_SUFFIX),
      NGX_HTTP_POST|NGX_HTTP_DELETE, ngx_http_news_api_suspension },
    { NGX_HTTP_NEWS_USER(NEWS_ROUTE_API_USER, NEWS_ROUTE_USER_COMMENTS_SUFFIX),
      NGX_HTTP_DELETE, ngx_http_news_api_user_comments },
    { NGX_HTTP_NEWS_USER(NEWS_ROUTE_API_USER, NEWS_ROUTE_SESSIONS_SUFFIX),
      NGX_HTTP_DELETE, ngx_http_news_api_user_sessions },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_SESSION),
      NGX_HTTP_POST|NGX_HTTP_DELETE, ngx_http_news_api_session },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_SESSIONS),
      NGX_HTTP_NEWS_GET|NGX_HTTP_DELETE, ngx_http_news_api_sessions },
    { NGX_HTTP_NEWS_SLUG(NEWS_ROUTE_API_SESSION_ONE, ""),
      NGX_HTTP_DELETE, ngx_http_news_api_session_end },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_ME),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_me },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_ME_DELETE),
      NGX_HTTP_POST, ngx_http_news_api_password },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_PASSWORD),
      NGX_HTTP_POST, ngx_http_news_api_password },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_MODLOG),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_modlog },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_SEARCH),
      NGX_HTTP_NEWS_GET, ngx_http_news_api_search },
    { NGX_HTTP_NEWS_EXACT(NEWS_ROUTE_API_WORDS),
      NGX_HTTP_NEWS_GET|NGX_HTTP_PUT, ngx_http_news_api_words },
};

#define NGX_HTTP_NEWS_ROUTES                                                \
    (sizeof(ngx_http_news_routes) / sizeof(ngx_http_news_route_def_t))


/* a row's pattern, compiled once per configuration */
struct ngx_http_news_route_re_s {
    ngx_regex_t               *regex;
    ngx_uint_t                 rows;     /* it and the next rows of its path */
    ngx_uint_t                 user;     /* its group is a username */
};


static ngx_int_t ngx_http_news_match(ngx_http_request_t *r,
    ngx_http_news_route_re_t *re, ngx_http_news_route_t *rt);
static ngx_int_t ngx_http_news_dispatch(ngx_http_request_t *r,
    ngx_uint_t first, ngx_uint_t rows, ngx_http_news_route_t *rt,
    ngx_uint_t json);
static ngx_int_t ngx_http_news_not_allowed(ngx_http_request_t *r,
    ngx_uint_t methods, ngx_uint_t json);


/*
 * Compiles every route's pattern once, at configuration time (with
 * "pcre_jit on;" nginx JIT-compiles them after the configuration is read);
 * rows that share a path share one regex.
 */
ngx_int_t
ngx_http_news_routes_compile(ngx_conf_t *cf,
    ngx_http_news_main_conf_t *nmcf)
{
    u_char                      errstr[NGX_MAX_CONF_ERRSTR];
    ngx_uint_t                  i, first;
    ngx_regex_compile_t         rc;
    ngx_http_news_route_re_t   *re;
    ngx_http_news_route_def_t  *def;

    re = ngx_pcalloc(cf->pool,
                     NGX_HTTP_NEWS_ROUTES * sizeof(ngx_http_news_route_re_t));
    if (re == NULL) {
        return NGX_ERROR;
    }

    first = 0;

    for (i = 0; i < NGX_HTTP_NEWS_ROUTES; i++) {
        def = &ngx_http_news_routes[i];

        if (i > 0
            && def->pattern.len == ngx_http_news_routes[first].pattern.len
            && ngx_strncmp(def->pattern.data,
                           ngx_http_news_routes[first].pattern.data,
                           def->pattern.len)
               == 0)
        {
            re[first].rows++;
            continue;
        }

        ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

        rc.pattern = def->pattern;
        rc.pool = cf->pool;
        rc.err.len = NGX_MAX_CONF_ERRSTR;
        rc.err.data = errstr;

        if (ngx_regex_compile(&rc) != NGX_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "news route \"%V\": %V",
                               &def->pattern, &rc.err);
            return NGX_ERROR;
        }

        first = i;
        re[i].regex = rc.regex;
        re[i].rows = 1;
        re[i].user = rc.named_captures > 0
                     && ngx_strcmp(rc.names + 2, "user") == 0;
    }

    nmcf->routes = re;

    return NGX_OK;
}


ngx_int_t
ngx_http_news_route(ngx_http_request_t *r)
{
    size_t                      skip;
    ngx_int_t                   rc;
    ngx_uint_t                  i, json;
    ngx_http_news_route_t       rt;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_loc_conf_t   *nlcf;
    ngx_http_news_main_conf_t  *nmcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    ngx_str_null(&rt.slug);

    /*
     * the path below the site's prefix (a nested location's is the one
     * around it), without its leading slash
     */
    skip = ngx_min(nlcf->prefix.len - 1, r->uri.len);
    rt.path.data = r->uri.data + skip;
    rt.path.len = r->uri.len - skip;

    if (rt.path.len && rt.path.data[0] == '/') {
        rt.path.data++;
        rt.path.len--;
    }

    /* "api/..." and "api" itself */
    json = rt.path.len >= sizeof(NEWS_ROUTE_API) - 2
           && ngx_strncmp(rt.path.data, NEWS_ROUTE_API,
                          sizeof(NEWS_ROUTE_API) - 2) == 0
           && (rt.path.len == sizeof(NEWS_ROUTE_API) - 2
               || rt.path.data[sizeof(NEWS_ROUTE_API) - 2] == '/');

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->json = json;

    /* who is asking, before any page opens its own read txn */
    ngx_http_news_auth_lookup(r);

    /* an imported article's old "/?p=N" (only the front page has a p) */
    if (rt.path.len == 0 && r->args.len) {
        rc = ngx_http_news_old_address(r);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    /* at most one regex a path: the rows between are its path's */
    for (i = 0; i < NGX_HTTP_NEWS_ROUTES; i += nmcf->routes[i].rows) {

        rc = ngx_http_news_match(r, &nmcf->routes[i], &rt);

        if (rc == NGX_DECLINED) {
            continue;
        }

        if (rc != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_dispatch(r, i, nmcf->routes[i].rows, &rt, json);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    /* an imported article's old path */
    rc = json ? NGX_DECLINED : ngx_http_news_old_address(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (json) {
        return ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                        "no such resource");
    }

    return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND, "Page not found",
                                    "There is no page at this address.");
}


/*
 * NGX_OK with rt->slug set when the path is this pattern's and its slug
 * or username is valid, NGX_DECLINED when not
 */
static ngx_int_t
ngx_http_news_match(ngx_http_request_t *r, ngx_http_news_route_re_t *re,
    ngx_http_news_route_t *rt)
{
    int        captures[6];
    ngx_int_t  rc;

    rc = ngx_regex_exec(re->regex, &rt->path, captures, 6);

    if (rc == NGX_REGEX_NO_MATCHED) {
        return NGX_DECLINED;
    }

    if (rc < 0) {
        ngx_log_error(NGX_LOG_ALERT, r->connection->log, 0,
                      ngx_regex_exec_n " failed: %i on \"%V\"", rc,
                      &rt->path);
        return NGX_ERROR;
    }

    if (rc < 2) {
        return NGX_OK;
    }

    rt->slug.data = rt->path.data + captures[2];
    rt->slug.len = captures[3] - captures[2];

    if (re->user) {
        return news_username_valid((char *) rt->slug.data, rt->slug.len)
               ? NGX_OK : NGX_DECLINED;
    }

    return news_slug_valid((char *) rt->slug.data, rt->slug.len)
           ? NGX_OK : NGX_DECLINED;
}


/* the row of the matched path that takes this method, or 405 */
static ngx_int_t
ngx_http_news_dispatch(ngx_http_request_t *r, ngx_uint_t first,
    ngx_uint_t rows, ngx_http_news_route_t *rt, ngx_uint_t json)
{
    ngx_int_t                   rc;
    ngx_uint_t                  i, allowed;
    ngx_http_news_route_def_t  *def;

    def = NULL;
    allowed = 0;

    for (i = first; i < first + rows; i++) {
        if (r->method & ngx_http_news_routes[i].methods) {
            def = &ngx_http_news_routes[i];
            break;
        }

        allowed |= ngx_http_news_routes[i].methods;
    }

    /* POST, PUT and PATCH handlers read their bodies; the rest are dropped */
    if (def == NULL
        || !(r->method & (NGX_HTTP_POST|NGX_HTTP_PUT|NGX_HTTP_PATCH)))
    {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (def == NULL) {
        return ngx_http_news_not_allowed(r, allowed, json);
    }

    return def->handler(r, rt);
}


/* the Allow header's words, each followed by ", " */
static struct {
    ngx_uint_t   method;
    ngx_str_t    name;
} ngx_http_news_allow[] = {
    { NGX_HTTP_GET, ngx_string("GET, HEAD, ") },
    { NGX_HTTP_POST, ngx_string("POST, ") },
    { NGX_HTTP_PUT, ngx_string("PUT, ") },
    { NGX_HTTP_PATCH, ngx_string("PATCH, ") },
    { NGX_HTTP_DELETE, ngx_string("DELETE, ") },
    { 0, ngx_null_string }
};


static ngx_int_t
ngx_http_news_not_allowed(ngx_http_request_t *r, ngx_uint_t methods,
    ngx_uint_t json)
{
    size_t            len;
    u_char      *p, *last;
    ngx_uint_t   i;

    /* sized from the words themselves: all five methods fit */
    len = 0;

    for (i = 0; ngx_http_news_allow[i].name.len; i++) {
        len += ngx_http_news_allow[i].name.len;
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    last = p;

    for (i = 0; ngx_http_news_allow[i].name.len; i++) {
        if (methods & ngx_http_news_allow[i].method) {
            last = ngx_cpymem(last, ngx_http_news_allow[i].name.data,
                              ngx_http_news_allow[i].name.len);
        }
    }

    if (ngx_http_news_header_out(r, "Allow", p, (last - p) - 2) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (json) {
        return ngx_http_news_json_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "method_not_allowed",
                                        "this method is not allowed here");
    }

    return ngx_http_news_html_error(r, NGX_HTTP_NOT_ALLOWED,
                                    "Method not allowed",
                                    "This address does not take that "
                                    "method.");
}
