/*
 * The editors' API: create, update and delete articles, and list an
 * article's revisions.  Editors and admins only.  The article JSON is
 * checked on the event loop; the write, which renders every fragment of
 * the article, runs in the thread pool through the group-commit writer.
 */

#include "ngx_http_news.h"
#include "engine/routes.h"
#include "engine/service.h"
#include "engine/text.h"




static ngx_int_t ngx_http_news_awrite_start(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t action);
static ngx_int_t ngx_http_news_article_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_news_awrite_cleanup(void *data);
static ngx_int_t ngx_http_news_awrite_done(ngx_http_request_t *r,
    void *data);


static const ngx_http_news_write_t  ngx_http_news_awrite_write = {
    ngx_http_news_awrite_work, ngx_http_news_awrite_done
};


/* POST /api/articles */
ngx_int_t
ngx_http_news_api_create(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_awrite_start(r, rt, NGX_HTTP_NEWS_A_CREATE);
}


/* PUT, PATCH and DELETE /api/articles/{slug} */
ngx_int_t
ngx_http_news_api_change(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_awrite_start(r, rt,
                                      r->method == NGX_HTTP_DELETE
                                      ? NGX_HTTP_NEWS_A_DELETE
                                      : r->method == NGX_HTTP_PATCH
                                      ? NGX_HTTP_NEWS_A_PATCH
                                      : NGX_HTTP_NEWS_A_UPDATE);
}


static ngx_int_t
ngx_http_news_awrite_start(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t action)
{
    ngx_int_t                rc;
    ngx_http_news_awrite_t  *w;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_EDIT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    w = ngx_http_news_awrite_new(r, action, &rt->slug);
    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (action == NGX_HTTP_NEWS_A_DELETE) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_write_start(r, &ngx_http_news_awrite_write,
                                         &w->now, w);
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_article_body);
}


/*
 * An article write's state, in the request's ctx: who writes, which
 * article (the slug in the URL), and the writer.  The article's strings
 * and a patch are freed with the request.
 */
ngx_http_news_awrite_t *
ngx_http_news_awrite_new(ngx_http_request_t *r, ngx_uint_t action,
    ngx_str_t *slug)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_awrite_t     *w;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
    ctx = ngx_http_news_get_ctx(r);

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_news_awrite_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (w == NULL || cln == NULL) {
        return NULL;
    }

    /* the article's strings are malloc'd by the engine */
    cln->handler = ngx_http_news_awrite_cleanup;
    cln->data = w;

    w->action = action;
    w->writer = &nmcf->writer;
    w->now = ngx_time();

    /* a copy for the thread: the user's record is the request's */
    (void) ngx_http_news_actor(r, &w->actor);
    ngx_cpystrn((u_char *) w->name, (u_char *) w->actor.name,
                sizeof(w->name));
    w->actor.name = w->name;

    if (slug->len) {
        ngx_memcpy(w->slug, slug->data, ngx_min(slug->len, NEWS_SLUG_MAX));
    }

    ctx->data = w;

    return w;
}


static void
ngx_http_news_awrite_cleanup(void *data)
{
    ngx_http_news_awrite_t *w = data;

    news_article_free(&w->a);
    cJSON_Delete(w->patch);
}


static ngx_int_t
ngx_http_news_article_body(ngx_http_request_t *r, ngx_str_t *body)
{
    char                    *slug;
    cJSON                   *obj;
    ngx_int_t                rc;
    news_err_t               err;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_awrite_t  *w;

    ctx = ngx_http_news_get_ctx(r);
    w = ctx->data;
    w->now = ngx_time();

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    /* a patch is merged into the stored article in the write */
    if (w->action == NGX_HTTP_NEWS_A_PATCH) {
        if (news_article_patch_check(obj, &err) != NEWS_OK) {
            cJSON_Delete(obj);
            return ngx_http_news_refused(r, &err, 1);
        }

        w->patch = obj;

        return ngx_http_news_write_start(r, &ngx_http_news_awrite_write,
                                         &w->now, w);
    }

    rc = news_article_from_json(&w->a, obj, w->now, 0, &err);

    /* an update without a slug keeps the one it has */
    if (rc == NEWS_OK && w->action == NGX_HTTP_NEWS_A_UPDATE
        && cJSON_GetObjectItemCaseSensitive(obj, "slug") == NULL)
    {
        slug = strdup(w->slug);
        if (slug == NULL) {
            rc = news_err_set(&err, NEWS_ERROR, "out of memory");

        } else {
            free(w->a.slug);
            w->a.slug = slug;
        }
    }

    cJSON_Delete(obj);

    if (rc != NEWS_OK) {
        return ngx_http_news_refused(r, &err, 1);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_awrite_write,
                                     &w->now, w);
}


/*
 * In a pool thread: the engine's call, which decides who may; the desk's
 * writes run it too, with their own answer
 */
void
ngx_http_news_awrite_work(void *data)
{
    ngx_http_news_awrite_t  *w = data;

    switch (w->action) {

    case NGX_HTTP_NEWS_A_CREATE:
        w->rc = news_article_create(w->writer, &w->actor, &w->a, w->now,
                                    &w->err);
        break;

    case NGX_HTTP_NEWS_A_UPDATE:
        w->rc = news_article_update(w->writer, &w->actor, w->slug, &w->a,
                                    w->now, &w->err);
        break;

    case NGX_HTTP_NEWS_A_PATCH:
        w->rc = news_article_patch(w->writer, &w->actor, w->slug, w->patch,
                                   &w->a, w->now, &w->err);
        break;

    default:
        w->rc = news_article_remove(w->writer, &w->actor, w->slug, w->now,
                                    &w->err);
    }
}


/* answers with the article as the API shows it, read back from the store */
static ngx_int_t
ngx_http_news_awrite_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_awrite_t *w = data;

    ngx_uint_t      back, n;
    ngx_buf_t      *b;
    ngx_str_t       pieces[NEWS_PARTS_MAX + 1], location;
    news_buf_t     *source;
    news_err_t      err;
    news_page_t     page;
    news_reader_t   rd;

    if (w->rc != NEWS_OK) {
        return ngx_http_news_refused(r, &w->err, 1);
    }

    if (w->action == NGX_HTTP_NEWS_A_DELETE) {
        return ngx_http_news_no_content(r);
    }

    /*
     * The write is committed: a read-back that fails must not answer an
     * error (a client would retry and meet its own article).  It answers
     * the success with an empty object instead.
     */
    ngx_str_set(&pieces[0], "{}");
    n = 1;
    back = 0;
    source = ngx_http_news_buf(r);

    /* the article as its editor gets it: with its Markdown */
    if (ngx_http_news_reader(r, &rd, &err) == NEWS_OK
        && news_read_fragment(&rd, w->a.id, NEWS_FRAG_JSON, &page, &err)
           == NEWS_OK
        && news_read_source(&rd, w->a.id, &page, source, &err) == NEWS_OK)
    {
        n = ngx_http_news_fragment_pieces(&page, pieces);
        pieces[n].data = (u_char *) source->data;
        pieces[n++].len = source->len;
        back = 1;
    }

    b = ngx_http_news_assemble(r, pieces, n);
    news_reader_end(&rd);

    if (!back) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "news: article \"%s\" written; %s", w->a.slug,
                      err.msg);
    }

    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (w->action != NGX_HTTP_NEWS_A_CREATE) {
        return ngx_http_news_output(r, NGX_HTTP_OK, &ngx_http_news_json_type,
                                    b);
    }

    /* 201 Created, and where; written, it says so even without where */
    if (ngx_http_news_site_path(r, &location,
                                sizeof(NEWS_ROUTE_API_ARTICLE) - 1
                                + NEWS_SLUG_MAX,
                                NEWS_ROUTE_API_ARTICLE "%s", w->a.slug)
        != NGX_OK
        || ngx_http_news_location(r, &location, 0) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "news: article \"%s\" written; no memory for its "
                      "Location", w->a.slug);
    }

    return ngx_http_news_output(r, NGX_HTTP_CREATED, &ngx_http_news_json_type,
                                b);
}


/* GET /api/articles/{slug}/revisions: what each earlier version said */
ngx_int_t
ngx_http_news_api_revisions(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t      rc;
    news_buf_t    *b;
    news_err_t     err;
    news_actor_t   actor;

    rc = ngx_http_news_need_user(r, 1, NEWS_ACT_EDIT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    b = ngx_http_news_buf(r);

    if (news_article_revisions(&ngx_http_news_module_store(r),
                               ngx_http_news_actor(r, &actor),
                               (char *) rt->slug.data, rt->slug.len, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_store_error(r, &err, 1);
    }

    return ngx_http_news_send_buf(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}
