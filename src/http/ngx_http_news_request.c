/*
 * What a handler has of its request: the module's state for it (ctx),
 * the logged-in reader as the engine's acting user, the request's reader
 * of the store (engine/reader.h) and buffers for the renderers, each
 * freed with the request.
 */

#include "ngx_http_news.h"


static void ngx_http_news_buf_free(void *data);


ngx_http_news_ctx_t *
ngx_http_news_get_ctx(ngx_http_request_t *r)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_news_ctx_t));
        if (ctx == NULL) {
            return NULL;
        }

        ngx_http_set_ctx(r, ctx, ngx_http_news_module);
    }

    return ctx;
}


/* the logged-in reader as the engine's acting user, or NULL */
news_actor_t *
ngx_http_news_actor(ngx_http_request_t *r, news_actor_t *actor)
{
    news_user_t  *user;

    user = ngx_http_news_user(r);
    if (user == NULL) {
        return NULL;
    }

    actor->id = user->id;
    actor->name = user->name;
    actor->role = user->role;
    actor->since = user->created_at;

    return actor;
}


/*
 * The request's reader (engine/reader.h): the worker's store, the
 * logged-in reader as the acting user (kept in the request's ctx, which
 * outlives the reader), now.  news_reader_end() may be called on it
 * whatever this returned.
 */
int
ngx_http_news_reader(ngx_http_request_t *r, news_reader_t *rd,
    news_err_t *err)
{
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    ngx_memzero(rd, sizeof(news_reader_t));

    if (!nmcf->store_open) {
        return news_err_set(err, NEWS_BUSY, "the store is not open");
    }

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (news_reader_begin(rd, &nmcf->store,
                          ngx_http_news_actor(r, &ctx->actor), ngx_time(),
                          err)
        != NEWS_OK)
    {
        return err->code;
    }

    rd->close_after = nmcf->comment_close_after;

    return NEWS_OK;
}


/*
 * The validators of a list (the front, section and tag pages, the feeds,
 * the sitemap, the API's list), from its reader: the store's snapshot
 * changes with every write, and the publication time of the newest
 * article out changes when a scheduled one falls due, which writes
 * nothing.  That time is also the Last-Modified if it is the later one,
 * and public caches may keep the answer only until the next scheduled
 * article falls due.
 */
int
ngx_http_news_list_stamp(ngx_http_request_t *r, news_reader_t *rd, char kind,
    news_err_t *err)
{
    news_list_stamp_t  ls;

    if (news_read_stamp(rd, &ls, err) != NEWS_OK) {
        return err->code;
    }

    return ngx_http_news_stamp_validators(r, kind, &ls, err);
}


/*
 * A buffer of the request's own for a renderer, freed with the request:
 * a fresh one at every call, so that no caller clears what another
 * still points at.  With no memory for it, a buffer that has failed:
 * writes to it are dropped and b->failed says so, as for any buffer
 * that could not grow.
 */
news_buf_t *
ngx_http_news_buf(ngx_http_request_t *r)
{
    news_buf_t          *b;
    ngx_pool_cleanup_t  *cln;

    static news_buf_t    failed = { NULL, 0, 0, 1 };

    cln = ngx_pool_cleanup_add(r->pool, sizeof(news_buf_t));
    if (cln == NULL) {
        return &failed;
    }

    b = cln->data;
    news_buf_init(b);
    cln->handler = ngx_http_news_buf_free;

    return b;
}


static void
ngx_http_news_buf_free(void *data)
{
    news_buf_free(data);
}


/* what a renderer wrote into b, copied into r->pool; b may be reused */
ngx_int_t
ngx_http_news_buf_copy(ngx_http_request_t *r, news_buf_t *b, ngx_str_t *s)
{
    if (b->failed) {
        return NGX_ERROR;
    }

    s->len = b->len;
    s->data = ngx_pnalloc(r->pool, b->len);
    if (s->data == NULL) {
        return NGX_ERROR;
    }

    /* an empty buffer has no data at all: memcpy wants a pointer even so */
    if (b->len) {
        ngx_memcpy(s->data, b->data, b->len);
    }

    return NGX_OK;
}
