/*
 * A location's configuration merged and made ready once: the site's
 * name, logo, stylesheet and base URL checked, the host of absolute
 * links, and the page around every article (chrome, CSP, the sections'
 * links) rendered here rather than per request.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "http/ngx_http_news_conf.h"
#include "engine/text.h"


static char *ngx_http_news_build_nav(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_build_chrome(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_check_url(ngx_conf_t *cf, const char *name,
    ngx_str_t *url);
static char *ngx_http_news_check_base_url(ngx_conf_t *cf, ngx_str_t *url);
static char *ngx_http_news_site_marks(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_server_name(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);


void *
ngx_http_news_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_news_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_news_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->enabled = 0;
     *     conf->prefix = { 0, NULL };
     *     conf->site_name = { 0, NULL };
     *     conf->chrome = { { 0, NULL } ... };
     */

    conf->security_headers = NGX_CONF_UNSET;
    conf->nav = NGX_CONF_UNSET_PTR;

    return conf;
}


char *
ngx_http_news_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_news_loc_conf_t *prev = parent;
    ngx_http_news_loc_conf_t *conf = child;

    ngx_conf_merge_str_value(conf->site_name, prev->site_name, "News");
    ngx_conf_merge_value(conf->security_headers, prev->security_headers, 1);

    if (conf->site_name.len > 200) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_site_name\" is longer than 200 bytes");
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->site_logo, prev->site_logo, "");
    ngx_conf_merge_str_value(conf->site_css, prev->site_css, "");
    ngx_conf_merge_str_value(conf->image_hosts, prev->image_hosts, "");
    ngx_conf_merge_ptr_value(conf->nav, prev->nav, NULL);

    if (ngx_http_news_check_url(cf, "news_site_logo", &conf->site_logo)
        != NGX_CONF_OK
        || ngx_http_news_check_url(cf, "news_site_stylesheet",
                                   &conf->site_css)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->base_url, prev->base_url, "");

    if (ngx_http_news_check_base_url(cf, &conf->base_url) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (!conf->enabled) {
        return NGX_CONF_OK;
    }

    /*
     * "news" in a location nested in another "news" location serves the
     * same site: that is how directives such as auth_request or internal
     * are put in front of some routes only
     */
    if (prev->enabled) {
        conf->prefix = prev->prefix;
    }

    if (ngx_http_news_check_handler(cf, ngx_http_conf_get_module_loc_conf(
                                            cf, ngx_http_core_module))
        != NGX_CONF_OK
        || ngx_http_news_server_name(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_site_marks(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_build_nav(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_news_build_chrome(cf, conf);
}


/*
 * The absolute URL of the site, for feeds, sitemaps and canonical links:
 * http or https, then URL characters only (it lands in HTML, XML and
 * JSON unescaped), ending in a slash (added if missing).
 */
static char *
ngx_http_news_check_base_url(ngx_conf_t *cf, ngx_str_t *url)
{
    u_char  *p;
    size_t   i;

    if (url->len == 0) {
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(url->data, "http://", 7) != 0
        && ngx_strncmp(url->data, "https://", 8) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_base_url\" must "
                           "start with http:// or https://: \"%V\"", url);
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < url->len; i++) {
        if (url->data[i] <= ' ' || url->data[i] >= 0x7f
            || ngx_strchr("\"'<>\\`{}|^", url->data[i]) != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_base_url\" "
                               "holds a character not allowed in a URL: "
                               "\"%V\"", url);
            return NGX_CONF_ERROR;
        }
    }

    if (url->data[url->len - 1] == '/') {
        return NGX_CONF_OK;
    }

    p = ngx_pnalloc(cf->pool, url->len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, url->data, url->len);
    p[url->len] = '/';
    url->data = p;
    url->len++;

    return NGX_CONF_OK;
}


/* the site's name as the markers of stored fragments want it */
static char *
ngx_http_news_site_marks(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    int         failed;
    news_buf_t  b;

    news_buf_init(&b);
    news_html_escape(&b, (char *) conf->site_name.data, conf->site_name.len);
    conf->site_html.len = b.len;
    conf->site_html.data = ngx_pnalloc(cf->pool, b.len + 1);

    if (conf->site_html.data != NULL) {
        ngx_memcpy(conf->site_html.data, b.data, b.len);
    }

    /* inside the quotes of a JSON string: drop news_json_string's own */
    news_buf_reset(&b);
    news_json_string(&b, (char *) conf->site_name.data, conf->site_name.len);
    conf->site_json.len = b.len - 2;
    conf->site_json.data = ngx_pnalloc(cf->pool, b.len);

    if (conf->site_json.data != NULL && !b.failed) {
        ngx_memcpy(conf->site_json.data, b.data + 1, b.len - 2);
    }

    failed = b.failed;
    news_buf_free(&b);

    if (conf->site_html.data == NULL || conf->site_json.data == NULL
        || failed)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the page around every article, rendered once per location */
static char *
ngx_http_news_build_chrome(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    int                         live;
    ngx_int_t                   i, rc;
    news_buf_t                  csp;
    news_buf_t                  chrome[NEWS_CHROME_N];
    ngx_http_news_main_conf_t  *nmcf;

    for (i = 0; i < NEWS_CHROME_N; i++) {
        news_buf_init(&chrome[i]);
    }

    /* live comments' script with news_live_publish (edge.c) */
    nmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_news_module);
    live = nmcf->live_publish.len > 0;

    rc = news_render_chrome(chrome, (char *) conf->site_name.data,
                            conf->site_name.len, (char *) conf->prefix.data,
                            conf->prefix.len, (char *) conf->site_logo.data,
                            conf->site_logo.len, (char *) conf->site_css.data,
                            conf->site_css.len, live);

    /* the pages' CSP: the hash of the inline stylesheet, the URLs above */
    news_buf_init(&csp);
    news_render_csp(&csp, (char *) conf->site_logo.data, conf->site_logo.len,
                    (char *) conf->site_css.data, conf->site_css.len,
                    (char *) conf->image_hosts.data, conf->image_hosts.len,
                    live);
    news_buf_addc(&csp, '\0');

    conf->csp.data = csp.failed ? NULL
                                : ngx_pstrdup(cf->pool, &(ngx_str_t) {
                                      csp.len, (u_char *) csp.data });
    conf->csp.len = csp.len - 1;
    news_buf_free(&csp);

    if (conf->csp.data == NULL) {
        rc = -1;
    }

    ngx_crc32_init(conf->chrome_crc);

    for (i = 0; i < NEWS_CHROME_N; i++) {
        if (rc == 0) {
            ngx_crc32_update(&conf->chrome_crc, (u_char *) chrome[i].data,
                             chrome[i].len);
            conf->chrome[i].len = chrome[i].len;
            conf->chrome[i].data = ngx_pstrdup(cf->pool,
                                               &(ngx_str_t) {
                                                   chrome[i].len,
                                                   (u_char *) chrome[i].data
                                               });
            /* nginx's own allocation, which the test build cannot fail
             * (it wraps the module's own calls to the pool alone) */
            if (conf->chrome[i].data == NULL && chrome[i].len) {
                rc = -1;
            }
        }

        news_buf_free(&chrome[i]);
    }

    ngx_crc32_update(&conf->chrome_crc, conf->nav_html.data,
                     conf->nav_html.len);
    ngx_crc32_final(conf->chrome_crc);

    if (rc != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "news: out of memory rendering the site's chrome");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* news_nav's links, rendered once per location; none without it */
static char *
ngx_http_news_build_nav(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    ngx_str_t    *value;
    ngx_uint_t    i;
    news_buf_t    b;
    const char   *names[NEWS_NAV_MAX];

    if (conf->nav == NULL) {
        return NGX_CONF_OK;
    }

    value = conf->nav->elts;

    for (i = 0; i < conf->nav->nelts; i++) {
        names[i] = (char *) value[i].data;
    }

    news_buf_init(&b);
    news_render_sections_nav(&b, names, conf->nav->nelts);

    conf->nav_html.len = b.len;
    conf->nav_html.data = b.failed ? NULL : ngx_pnalloc(cf->pool, b.len + 1);

    /* no sections, no bytes: b.data is NULL, which memcpy may not take */
    if (conf->nav_html.data != NULL && b.len) {
        ngx_memcpy(conf->nav_html.data, b.data, b.len);
    }

    news_buf_free(&b);

    if (conf->nav_html.data == NULL) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "news: out of memory rendering the sections' menu");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* news_site_logo and news_site_stylesheet: a path or an http(s) URL */
static char *
ngx_http_news_check_url(ngx_conf_t *cf, const char *name, ngx_str_t *url)
{
    const char  *err;

    if (url->len == 0) {
        return NGX_CONF_OK;
    }

    err = news_url_check((char *) url->data, url->len);

    if (err != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%s\" %s: \"%V\"", name,
                           err, url);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * The host of absolute links when news_base_url is not set: the server's
 * first name that is a plain host name (not "", "_", a wildcard or a
 * regex).  None: links come from each request's Host, and the answers
 * say that they vary by it (ngx_http_news_host).
 */
static char *
ngx_http_news_server_name(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    u_char                    c;
    size_t                    j;
    ngx_uint_t                i;
    ngx_http_server_name_t   *sn;
    ngx_http_core_srv_conf_t *cscf;

    if (conf->base_url.len) {
        return NGX_CONF_OK;
    }

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    sn = cscf->server_names.elts;

    for (i = 0; i < cscf->server_names.nelts; i++) {

#if (NGX_PCRE)
        if (sn[i].regex) {
            continue;
        }
#endif

        if (sn[i].name.len == 0 || sn[i].name.data[0] == '.') {
            continue;
        }

        for (j = 0; j < sn[i].name.len; j++) {
            c = sn[i].name.data[j];

            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                  || c == '.' || c == '-'))
            {
                break;
            }
        }

        if (j == sn[i].name.len) {
            conf->server_host = sn[i].name;
            return NGX_CONF_OK;
        }
    }

    return NGX_CONF_OK;
}
