/*
 * Edges: the Surrogate-Key and Cache-Tag headers of every answer with
 * validators, the news_edge and news_live_publish directives, and the
 * drainer thread that tells the edges what a write made stale and nchan
 * what open pages are to show (engine/edge.h), started in one worker.
 */

#include "ngx_http_news.h"
#include "engine/keys.h"
#include "engine/outbox.h"


static char *ngx_http_news_edge_url(ngx_conf_t *cf, ngx_str_t *url,
    const char *name);
static void ngx_http_news_edge_log(void *data, int level, const char *msg);


/*
 * The keys come from the engine (keys.h) by the answer's kind; the
 * glue copies them into the headers.  Cache-Tag is the same list with
 * commas, as CDNs that read that header want it.
 */
ngx_int_t
ngx_http_news_surrogate_keys(ngx_http_request_t *r, char kind,
    uint64_t article)
{
    u_char               *p;
    size_t                i, len;
    news_buf_t            b;
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    news_buf_init(&b);
    news_keys_answer(&b, kind, article, ctx ? ctx->topic : NULL);

    if (b.len == 0) {
        news_buf_free(&b);
        return b.failed ? NGX_ERROR : NGX_OK;
    }

    p = b.failed ? NULL : ngx_pnalloc(r->pool, 2 * b.len);
    if (p == NULL) {
        news_buf_free(&b);
        return NGX_ERROR;
    }

    ngx_memcpy(p, b.data, b.len);
    ngx_memcpy(p + b.len, b.data, b.len);
    len = b.len;
    news_buf_free(&b);

    for (i = len; i < 2 * len; i++) {
        p[i] = p[i] == ' ' ? ',' : p[i];
    }

    if (ngx_http_news_header_out(r, "Surrogate-Key", p, len) == NULL
        || ngx_http_news_header_out(r, "Cache-Tag", p + len, len) == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* a URL the drainer can send to, or why not, naming the directive */
static char *
ngx_http_news_edge_url(ngx_conf_t *cf, ngx_str_t *url, const char *name)
{
    char         msg[NEWS_EDGE_URL_MAX + 128];
    news_edge_t  e;

    if (url->len >= NEWS_EDGE_URL_MAX || ngx_strlen(url->data) != url->len) {
        return "is too long, or holds a NUL";
    }

    if (news_edge_parse(&e, (char *) url->data, msg, sizeof(msg)) != 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "%s: %s", name, msg);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* news_edge http://host[:port]/path;  repeatable */
char *
ngx_http_news_edge(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    char        *rv;
    ngx_str_t   *value, *url;

    value = cf->args->elts;

    if (nmcf->edges == NGX_CONF_UNSET_PTR) {
        nmcf->edges = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));

        /* NULL only when nginx's own allocation fails, which the test
         * build cannot make (it wraps the module's own calls to the pool
         * alone) */
        if (nmcf->edges == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    rv = ngx_http_news_edge_url(cf, &value[1], "news_edge");
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    /* the drainer's marks, the live publisher's among them, fit 64 */
    if (nmcf->edges->nelts == 32) {
        return "is given more than 32 times";
    }

    /* NULL only when nginx's own allocation for the array's growth
     * fails: as above */
    url = ngx_array_push(nmcf->edges);
    if (url == NULL) {
        return NGX_CONF_ERROR;
    }

    *url = value[1];

    return NGX_CONF_OK;
}


/* news_live_publish http://host[:port]/path;  nchan's publisher */
char *
ngx_http_news_live_publish(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    char        *rv;
    ngx_str_t   *value;

    value = cf->args->elts;

    if (nmcf->live_publish.data != NULL) {
        return "is duplicate";
    }

    rv = ngx_http_news_edge_url(cf, &value[1], "news_live_publish");
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    nmcf->live_publish = value[1];

    return NGX_CONF_OK;
}


/*
 * One worker drains the outbox (worker 0: a purge sent twice while a
 * reload's old worker 0 finishes is harmless, as purges are).  Not on a
 * store served read-only: the marks could not move.
 */
ngx_int_t
ngx_http_news_edge_start(ngx_cycle_t *cycle, ngx_http_news_main_conf_t *nmcf)
{
    ngx_str_t     *urls;
    ngx_uint_t     i, n, edges;
    news_drain_t  *d;
    char           msg[NEWS_EDGE_URL_MAX + 128];

    if (ngx_worker != 0 || nmcf->store.readonly) {
        return NGX_OK;
    }

    d = &nmcf->drain;
    edges = nmcf->edges == NGX_CONF_UNSET_PTR ? 0 : nmcf->edges->nelts;
    urls = edges ? nmcf->edges->elts : NULL;
    n = edges + (nmcf->live_publish.len ? 1 : 0);

    /* no edge, and none before: no outbox, no thread */
    if (n == 0 && !news_outbox_in_use(&nmcf->store)) {
        return NGX_OK;
    }

    d->edges = n ? ngx_pcalloc(cycle->pool, n * sizeof(news_edge_t)) : NULL;
    if (n && d->edges == NULL) {
        return NGX_ERROR;
    }

    /* checked when the configuration was read */
    for (i = 0; i < edges; i++) {
        (void) news_edge_parse(&d->edges[i], (char *) urls[i].data, msg,
                               sizeof(msg));
    }

    if (n > edges) {
        (void) news_edge_parse(&d->edges[edges],
                               (char *) nmcf->live_publish.data, msg,
                               sizeof(msg));
        d->edges[edges].live = 1;
    }

    d->n = n;
    d->st = &nmcf->store;
    d->writer = &nmcf->writer;
    d->max_age = nmcf->cache_max_age;
    d->log = ngx_http_news_edge_log;
    d->log_data = cycle->log;

    /* fails only when pthreads do, which no test makes (edge.c) */
    if (news_drain_start(d) != 0) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                      "news_edge: the drainer's thread could not start");
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_http_news_edge_stop(ngx_http_news_main_conf_t *nmcf)
{
    news_drain_stop(&nmcf->drain);
}


/* from the drainer's thread: ngx_log_error writes whole lines at once */
static void
ngx_http_news_edge_log(void *data, int level, const char *msg)
{
    ngx_uint_t  lv;

    lv = level ? NGX_LOG_ERR : NGX_LOG_NOTICE;

    ngx_log_error(lv, (ngx_log_t *) data, 0, "%s", msg);
}
