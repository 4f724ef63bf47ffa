/*
 * The route table: a path below the location, the methods it takes, and
 * its handler.  A known path with a wrong method is a 405 with Allow.
 */

#include "ngx_http_news.h"
#include "engine/routes.h"
#include "engine/text.h"


typedef struct {
    ngx_str_t                  path;     /* exact, or the part before a slug */
    ngx_uint_t                 slug;     /* a slug follows `path` */
    ngx_uint_t                 methods;
    ngx_uint_t                 json;     /* errors answered in JSON */
    ngx_uint_t                 body;     /* the handler reads the body */
    ngx_http_news_handler_pt   handler;
    ngx_str_t                  suffix;   /* what follows the slug */
} ngx_http_news_route_def_t;


static ngx_http_news_route_def_t  ngx_http_news_routes[] = {

    { ngx_string(NEWS_ROUTE_FRONT), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_front,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_ARTICLE), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_article,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_LOGIN), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_login,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_REGISTER), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_register,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_ACCOUNT), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_account,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_LOGOUT), 0, NGX_HTTP_POST, 0, 1,
      ngx_http_news_logout,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ARTICLES), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_articles,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_article,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ARTICLES), 0, NGX_HTTP_POST, 1, 1,
      ngx_http_news_api_create,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1,
      NGX_HTTP_PUT|NGX_HTTP_PATCH|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_change,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_revisions, ngx_string(NEWS_ROUTE_REVISIONS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_DESK), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_desk,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_DESK_NEW), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_desk_new,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_DESK_ARTICLE), 1,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_desk_article,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_DESK_ARTICLE), 1,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_desk_delete, ngx_string(NEWS_ROUTE_DESK_DELETE_SUFFIX) },

    { ngx_string(NEWS_ROUTE_DESK_ARTICLE), 1,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_desk_revisions,
      ngx_string(NEWS_ROUTE_REVISIONS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_USERS), 0, NGX_HTTP_POST, 1, 1,
      ngx_http_news_api_users,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_SESSION), 0,
      NGX_HTTP_POST|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_session,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ME), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_me,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_SESSIONS), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_DELETE, 1, 0,
      ngx_http_news_api_sessions,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_SESSION_ONE), 1, NGX_HTTP_DELETE, 1, 0,
      ngx_http_news_api_session_end,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_END_SESSIONS), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_moderation_sessions,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_MODERATION_WORDS), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_moderation_words,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_MODERATION_USER), 1,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_moderation_user,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_MODLOG), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_moderation_log,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_USER), 1, NGX_HTTP_POST|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_suspension,
      ngx_string(NEWS_ROUTE_SUSPENSION_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_WORDS), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_PUT, 1, 1,
      ngx_http_news_api_words,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_PASSWORD), 0, NGX_HTTP_POST, 1, 1,
      ngx_http_news_api_password,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_ME_DELETE), 0, NGX_HTTP_POST, 1, 1,
      ngx_http_news_api_password,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_USER), 1, NGX_HTTP_DELETE, 1, 0,
      ngx_http_news_api_user_comments,
      ngx_string(NEWS_ROUTE_USER_COMMENTS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_MODLOG), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_modlog,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_USER), 1, NGX_HTTP_DELETE, 1, 0,
      ngx_http_news_api_user_sessions,
      ngx_string(NEWS_ROUTE_SESSIONS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_ARTICLE), 1, NGX_HTTP_POST, 0, 1,
      ngx_http_news_comment_post, ngx_string(NEWS_ROUTE_COMMENTS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_ARTICLE), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_comments_feed,
      ngx_string(NEWS_ROUTE_COMMENTS_FEED_SUFFIX) },

    { ngx_string(NEWS_ROUTE_ARTICLE), 1, NGX_HTTP_POST, 0, 1,
      ngx_http_news_comment_action, ngx_string(NEWS_ROUTE_ACTION_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_comments, ngx_string(NEWS_ROUTE_COMMENTS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_POST, 1, 1,
      ngx_http_news_comment_post, ngx_string(NEWS_ROUTE_COMMENTS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_POST, 1, 1,
      ngx_http_news_comments_close, ngx_string(NEWS_ROUTE_CLOSE_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_ARTICLE), 1, NGX_HTTP_POST, 1, 1,
      ngx_http_news_comments_close, ngx_string(NEWS_ROUTE_OPEN_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_COMMENT), 1,
      NGX_HTTP_POST|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_reports, ngx_string(NEWS_ROUTE_REPORTS_SUFFIX) },

    { ngx_string(NEWS_ROUTE_API_COMMENT), 1,
      NGX_HTTP_POST|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_featured, ngx_string(NEWS_ROUTE_FEATURED_SUFFIX) },

    { ngx_string(NEWS_ROUTE_COMMENT), 1,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_report_page, ngx_string(NEWS_ROUTE_REPORT_SUFFIX) },

    { ngx_string(NEWS_ROUTE_MODERATION_REPORTED), 0,
      NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST, 0, 1,
      ngx_http_news_moderation_reported,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_COMMENT), 1,
      NGX_HTTP_PATCH|NGX_HTTP_DELETE, 1, 1,
      ngx_http_news_api_comment,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_FEED), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_feed,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_SITEMAP), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_sitemap,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_SECTION), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_topic,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_SECTION), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_topic_feed, ngx_string(NEWS_ROUTE_TOPIC_FEED_SUFFIX) },

    { ngx_string(NEWS_ROUTE_TAG), 1, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_topic,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_SEARCH), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_search,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_API_SEARCH), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 1, 0,
      ngx_http_news_api_search,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_ROBOTS), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_robots,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_MODERATION), 0, NGX_HTTP_GET|NGX_HTTP_HEAD, 0, 0,
      ngx_http_news_moderation,
      ngx_null_string },

    { ngx_string(NEWS_ROUTE_MODERATION), 0, NGX_HTTP_POST, 0, 1,
      ngx_http_news_comment_action,
      ngx_null_string },
};


static ngx_int_t ngx_http_news_match(ngx_http_news_route_def_t *def,
    ngx_http_news_route_t *rt);
static ngx_int_t ngx_http_news_not_allowed(ngx_http_request_t *r,
    ngx_uint_t methods, ngx_uint_t json);


ngx_int_t
ngx_http_news_route(ngx_http_request_t *r)
{
    size_t                      skip;
    ngx_int_t                   rc;
    ngx_uint_t                  i, allowed, json;
    ngx_http_news_route_t       rt;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_loc_conf_t   *nlcf;
    ngx_http_news_route_def_t  *def;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

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

    allowed = 0;
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

    for (i = 0; i < sizeof(ngx_http_news_routes)
                    / sizeof(ngx_http_news_route_def_t); i++)
    {
        def = &ngx_http_news_routes[i];

        if (!ngx_http_news_match(def, &rt)) {
            continue;
        }

        if (!(r->method & def->methods)) {
            allowed |= def->methods;
            continue;
        }

        /* GET and HEAD bodies are discarded; POST handlers read theirs */
        if (!def->body
            || !(r->method & (NGX_HTTP_POST|NGX_HTTP_PUT|NGX_HTTP_PATCH)))
        {
            rc = ngx_http_discard_request_body(r);
            if (rc != NGX_OK) {
                return rc;
            }
        }

        return def->handler(r, &rt);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (allowed) {
        return ngx_http_news_not_allowed(r, allowed, json);
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


static ngx_int_t
ngx_http_news_match(ngx_http_news_route_def_t *def, ngx_http_news_route_t *rt)
{
    if (!def->slug) {
        return rt->path.len == def->path.len
               && ngx_strncmp(rt->path.data, def->path.data, def->path.len)
                  == 0;
    }

    if (rt->path.len <= def->path.len + def->suffix.len
        || ngx_strncmp(rt->path.data, def->path.data, def->path.len) != 0
        || (def->suffix.len
            && ngx_strncmp(rt->path.data + rt->path.len - def->suffix.len,
                           def->suffix.data, def->suffix.len) != 0))
    {
        return 0;
    }

    rt->slug.data = rt->path.data + def->path.len;
    rt->slug.len = rt->path.len - def->path.len - def->suffix.len;

    /* the routes whose "slug" is a username: any case, with _ */
    if (def->handler == ngx_http_news_api_user_sessions
        || def->handler == ngx_http_news_api_user_comments
        || def->handler == ngx_http_news_api_suspension
        || def->handler == ngx_http_news_moderation_user)
    {
        return news_username_valid((char *) rt->slug.data, rt->slug.len);
    }

    return news_slug_valid((char *) rt->slug.data, rt->slug.len);
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
    u_char           *p, *last;
    ngx_uint_t        i;
    ngx_table_elt_t  *h;

    /* sized from the words themselves: all five methods fit */
    len = 0;

    for (i = 0; ngx_http_news_allow[i].name.len; i++) {
        len += ngx_http_news_allow[i].name.len;
    }

    h = ngx_list_push(&r->headers_out.headers);
    p = ngx_pnalloc(r->pool, len);

    if (h == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    last = p;

    for (i = 0; ngx_http_news_allow[i].name.len; i++) {
        if (methods & ngx_http_news_allow[i].method) {
            last = ngx_cpymem(last, ngx_http_news_allow[i].name.data,
                              ngx_http_news_allow[i].name.len);
        }
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Allow");
    h->value.data = p;
    h->value.len = (last - p) - 2;

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
