/*
 * The directives that parse their arguments themselves: "news" (which
 * makes a location the site, and refuses a second content handler
 * beside it), news_nav, news_image_hosts, news_password_cost,
 * news_login_throttle, news_comment_close_after.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "http/ngx_http_news_conf.h"
#include "engine/text.h"


static const char *ngx_http_news_handler_directive(ngx_conf_t *cf);
static ngx_int_t ngx_http_news_handler(ngx_http_request_t *r);


char *
ngx_http_news(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    u_char                     *p;
    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_news_main_conf_t  *nmcf;

    if (nlcf->enabled) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    nmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_news_module);

#if (NGX_PCRE)
    if (clcf->regex || clcf->named) {
        return "cannot be used in a regex or named location";
    }
#endif

    if (ngx_http_news_check_handler(cf, clcf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    /* the prefix is the <base href> of every page: it ends in a slash */
    nlcf->prefix.len = clcf->name.len;

    if (clcf->name.len == 0 || clcf->name.data[clcf->name.len - 1] != '/') {
        nlcf->prefix.len++;
    }

    p = ngx_pnalloc(cf->pool, nlcf->prefix.len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, clcf->name.data, clcf->name.len);
    p[nlcf->prefix.len - 1] = '/';
    nlcf->prefix.data = p;

    nlcf->enabled = 1;
    nmcf->enabled = 1;
    clcf->handler = ngx_http_news_handler;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_news_handler(ngx_http_request_t *r)
{
    return ngx_http_news_route(r);
}


/*
 * A location has one content handler: "news" beside "proxy_pass" (or
 * any other directive that answers requests itself) would silently lose
 * to whichever came last.  Called when "news" is read (another came
 * first) and when locations are merged (another came after).
 */
char *
ngx_http_news_check_handler(ngx_conf_t *cf, ngx_http_core_loc_conf_t *clcf)
{
    if (clcf->handler == NULL || clcf->handler == ngx_http_news_handler) {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"news\" and \"%s\" cannot be in the same location "
                       "\"%V\": each answers the requests itself; put them "
                       "in separate locations",
                       ngx_http_news_handler_directive(cf), &clcf->name);

    return NGX_CONF_ERROR;
}


/*
 * The name of the directive that set the location's content handler, for
 * the message above.  nginx keeps no record of it; the upstream modules'
 * location confs all begin with their ngx_http_upstream_conf_t, whose
 * first field is set by their *_pass directive.
 */
static const char *
ngx_http_news_handler_directive(ngx_conf_t *cf)
{
    ngx_uint_t                   i, j;
    ngx_module_t                *m;
    ngx_http_upstream_conf_t    *ucf;

    static const char  *passes[][2] = {
        { "ngx_http_proxy_module", "proxy_pass" },
        { "ngx_http_fastcgi_module", "fastcgi_pass" },
        { "ngx_http_uwsgi_module", "uwsgi_pass" },
        { "ngx_http_scgi_module", "scgi_pass" },
        { "ngx_http_grpc_module", "grpc_pass" },
        { "ngx_http_memcached_module", "memcached_pass" }
    };

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != NGX_HTTP_MODULE) {
            continue;
        }

        for (j = 0; j < sizeof(passes) / sizeof(passes[0]); j++) {
            if (ngx_strcmp(m->name, passes[j][0]) != 0) {
                continue;
            }

            ucf = ((ngx_http_conf_ctx_t *) cf->ctx)->loc_conf[m->ctx_index];

            /* every location has each module's conf: ucf != NULL guards */
            if (ucf != NULL && ucf->upstream != NULL) {
                return passes[j][1];
            }
        }
    }

    return "another content handler (proxy_pass with variables, "
           "fastcgi_pass, stub_status, empty_gif, ...)";
}


/*
 * news_nav off | section ...: the sections the header links to, in this
 * order, in place of the sections in use
 */
char *
ngx_http_news_nav(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    ngx_str_t   *value, *name;
    ngx_uint_t   i;
    const char  *err;

    if (nlcf->nav != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    nlcf->nav = ngx_array_create(cf->pool, cf->args->nelts, sizeof(ngx_str_t));

    /* NULL only when nginx's own allocation fails, which the test build
     * cannot make (it wraps the module's own calls to the pool alone) */
    if (nlcf->nav == NULL) {
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    if (cf->args->nelts - 1 > NEWS_NAV_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_nav\" names %ui "
                           "sections, more than %d", cf->args->nelts - 1,
                           NEWS_NAV_MAX);
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        err = news_nav_name_check((char *) value[i].data, value[i].len);

        if (err != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_nav\" \"%V\" "
                               "%s", &value[i], err);
            return NGX_CONF_ERROR;
        }

        /* the array holds every argument: never grown, so never NULL */
        name = ngx_array_push(nlcf->nav);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        /* the parser ends each argument with a NUL: kept */
        *name = value[i];
    }

    return NGX_CONF_OK;
}


/*
 * news_image_hosts host ...: where articles' lead images may come from,
 * added to the CSP's img-src as they are written (host sources)
 */
char *
ngx_http_news_image_hosts(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    u_char      *p;
    size_t       len;
    ngx_str_t   *value;
    ngx_uint_t   i;
    const char  *err;

    if (nlcf->image_hosts.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    len = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        err = news_image_host_check((char *) value[i].data, value[i].len);

        if (err != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_image_hosts\" "
                               "\"%V\" %s", &value[i], err);
            return NGX_CONF_ERROR;
        }

        len += value[i].len + 1;
    }

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    nlcf->image_hosts.data = p;

    for (i = 1; i < cf->args->nelts; i++) {
        if (i > 1) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, value[i].data, value[i].len);
    }

    nlcf->image_hosts.len = p - nlcf->image_hosts.data;

    return NGX_CONF_OK;
}


/* news_password_cost 19m 2;  Argon2id memory and passes, OWASP floor */
char *
ngx_http_news_password_cost(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    ssize_t     size;
    ngx_int_t   passes;
    ngx_str_t  *value;

    if (nmcf->argon2_memory != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[1]);
    if (size == NGX_ERROR || size / 1024 < NEWS_ARGON2_MEMORY_MIN
        || size / 1024 > 4 * 1024 * 1024)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid memory \"%V\" in \"news_password_cost\": "
                           "use 19m (the OWASP minimum) to 4096m",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    passes = ngx_atoi(value[2].data, value[2].len);
    if (passes < NEWS_ARGON2_PASSES_MIN || passes > 100) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid passes \"%V\" in \"news_password_cost\": "
                           "use 2 (the OWASP minimum) to 100", &value[2]);
        return NGX_CONF_ERROR;
    }

    nmcf->argon2_memory = size / 1024;
    nmcf->argon2_passes = passes;

    return NGX_CONF_OK;
}


/* news_login_throttle 5 20;  failures per account, per address */
char *
ngx_http_news_login_throttle(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    ngx_int_t   n[2];
    ngx_str_t  *value;
    ngx_uint_t  i;

    if (nmcf->throttle_account != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 0; i < 2; i++) {
        n[i] = ngx_atoi(value[i + 1].data, value[i + 1].len);

        if (n[i] < 1 || n[i] > 100000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number \"%V\" in "
                               "\"news_login_throttle\": use 1 to 100000",
                               &value[i + 1]);
            return NGX_CONF_ERROR;
        }
    }

    nmcf->throttle_account = n[0];
    nmcf->throttle_address = n[1];

    return NGX_CONF_OK;
}


/* news_comment_close_after time | off: a time of at least a second */
char *
ngx_http_news_close_after(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t  *nmcf = conf;

    time_t      t;
    ngx_str_t  *value;

    if (nmcf->comment_close_after != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        nmcf->comment_close_after = 0;
        return NGX_CONF_OK;
    }

    t = ngx_parse_time(&value[1], 1);

    if (t == (time_t) NGX_ERROR || t < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" takes a time of a "
                           "second or more (30d, 12h) or \"off\", not "
                           "\"%V\"", &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    nmcf->comment_close_after = t;

    return NGX_CONF_OK;
}
