/*
 * Edges: the Surrogate-Key and Cache-Tag headers of every answer with
 * validators, the news_edge directive, and the drainer thread that tells
 * the edges what a write made stale (engine/edge.h), started in one
 * worker.
 */

#include "ngx_http_news.h"
#include "engine/keys.h"
#include "engine/outbox.h"


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
    size_t                i;
    news_buf_t            b;
    ngx_table_elt_t      *sk, *ct;
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    news_buf_init(&b);
    news_keys_answer(&b, kind, article, ctx ? ctx->topic : NULL);

    if (b.len == 0) {
        news_buf_free(&b);
        return b.failed ? NGX_ERROR : NGX_OK;
    }

    p = ngx_pnalloc(r->pool, 2 * b.len);
    sk = ngx_list_push(&r->headers_out.headers);
    ct = sk ? ngx_list_push(&r->headers_out.headers) : NULL;

    if (b.failed || p == NULL || ct == NULL) {
        news_buf_free(&b);
        return NGX_ERROR;
    }

    ngx_memcpy(p, b.data, b.len);
    ngx_memcpy(p + b.len, b.data, b.len);

    for (i = b.len; i < 2 * b.len; i++) {
        p[i] = p[i] == ' ' ? ',' : p[i];
    }

    sk->hash = 1;
    ngx_str_set(&sk->key, "Surrogate-Key");
    sk->value.data = p;
    sk->value.len = b.len;

    ct->hash = 1;
    ngx_str_set(&ct->key, "Cache-Tag");
    ct->value.data = p + b.len;
    ct->value.len = b.len;

    news_buf_free(&b);

    return NGX_OK;
}


/* news_edge http://host[:port]/path;  repeatable */
char *
ngx_http_news_edge(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    char         msg[NEWS_EDGE_URL_MAX + 128];
    ngx_str_t   *value, *url;
    news_edge_t  e;

    value = cf->args->elts;

    if (nmcf->edges == NGX_CONF_UNSET_PTR) {
        nmcf->edges = ngx_array_create(cf->pool, 2, sizeof(ngx_str_t));
        if (nmcf->edges == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (value[1].len >= NEWS_EDGE_URL_MAX
        || ngx_strlen(value[1].data) != value[1].len)
    {
        return "is too long, or holds a NUL";
    }

    if (news_edge_parse(&e, (char *) value[1].data, msg, sizeof(msg)) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "news_edge: %s", msg);
        return NGX_CONF_ERROR;
    }

    if (nmcf->edges->nelts == 64) {
        return "is given more than 64 times";
    }

    url = ngx_array_push(nmcf->edges);
    if (url == NULL) {
        return NGX_CONF_ERROR;
    }

    *url = value[1];

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
    ngx_uint_t     i, n;
    news_drain_t  *d;
    char           msg[NEWS_EDGE_URL_MAX + 128];

    if (ngx_worker != 0 || nmcf->store.readonly) {
        return NGX_OK;
    }

    d = &nmcf->drain;
    n = nmcf->edges == NGX_CONF_UNSET_PTR ? 0 : nmcf->edges->nelts;
    urls = n ? nmcf->edges->elts : NULL;

    /* no edge, and none before: no outbox, no thread */
    if (n == 0 && !news_outbox_in_use(&nmcf->store)) {
        return NGX_OK;
    }

    d->edges = n ? ngx_pcalloc(cycle->pool, n * sizeof(news_edge_t)) : NULL;
    if (n && d->edges == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        /* checked when the configuration was read */
        (void) news_edge_parse(&d->edges[i], (char *) urls[i].data, msg,
                               sizeof(msg));
    }

    d->n = n;
    d->st = &nmcf->store;
    d->writer = &nmcf->writer;
    d->max_age = nmcf->cache_max_age;
    d->log = ngx_http_news_edge_log;
    d->log_data = cycle->log;

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
