/*
 * GET /search?q=&page= (the page) and GET /api/search?q=&cursor=&limit=
 * (JSON): the arguments are checked here, on the event loop; the query,
 * the rendering and the validators' reads run in a pool thread in a read
 * txn of their own (news_search_answer), because a query of common words
 * costs more than a lookup.  The work of one query is bounded in the
 * engine (search.h); the searches a worker has queued or running are
 * bounded here, so that they never crowd the writes out of their pool.
 */

#include "ngx_http_news.h"
#include "engine/render_search.h"
#include "engine/text.h"


/* searches a worker has queued or running; beyond it: 503 Retry-After */
#define NGX_HTTP_NEWS_SEARCH_QUEUE  64


/* a search handed to a pool thread: inputs copied, outputs filled there */
typedef struct {
    news_store_t          *st;
    news_search_page_t     sp;
    news_query_t           query;
    news_search_t         *s;
    ngx_uint_t             json;
    ngx_str_t              title;       /* the page's, escaped */
    ngx_str_t              box;         /* the header box's value */
    ngx_str_t              path;        /* the route's */
    news_buf_t             out;         /* the page's main part or JSON */
    news_list_stamp_t      stamp;
    news_err_t             err;
    int                    rc;
    ngx_http_news_main_conf_t  *nmcf;
} ngx_http_news_search_task_t;


static ngx_int_t ngx_http_news_search_query(ngx_http_request_t *r,
    ngx_str_t *q, news_query_t *query, news_err_t *err);
static ngx_int_t ngx_http_news_search_start(ngx_http_request_t *r,
    ngx_http_news_search_task_t *t, size_t offset, size_t limit);
static void ngx_http_news_search_work(void *data);
static ngx_int_t ngx_http_news_search_done(ngx_http_request_t *r,
    void *data);
static void ngx_http_news_search_cleanup(void *data);
static ngx_int_t ngx_http_news_search_title(ngx_http_request_t *r,
    ngx_str_t *q, ngx_str_t *title, ngx_str_t *box);


static ngx_str_t  ngx_http_news_noindex = ngx_string(NEWS_SEARCH_HEAD);

/* an older store's index waits for its operator (search.h) */
static const char  ngx_http_news_unbuilt[] = "Search is not available until "
    "the site's operator runs newsctl reindex.";


ngx_int_t
ngx_http_news_search(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                     n;
    ngx_str_t                     q;
    ngx_uint_t                    page;
    news_err_t                    err;
    ngx_http_news_search_task_t  *t;

    if (ngx_http_news_number_arg(r, "page", &page) != NGX_OK
        || page > NEWS_SEARCH_DEPTH / NGX_HTTP_NEWS_PAGE_SIZE)
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The page number must be a whole "
                                        "number from 1 to 50.");
    }

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_news_search_task_t));
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = ngx_http_news_search_query(r, &q, &t->query, &err);

    if (n == NEWS_INVALID) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", err.msg);
    }

    if (n != NEWS_OK && n != NEWS_NOTFOUND) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (ngx_http_news_search_title(r, &q, &t->title, &t->box) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    t->sp.q = (const char *) q.data;
    t->sp.qlen = q.len;
    t->sp.query = n == NEWS_OK ? &t->query : NULL;
    t->sp.page = page;
    t->path = rt->path;

    return ngx_http_news_search_start(r, t,
                                      (page - 1) * NGX_HTTP_NEWS_PAGE_SIZE,
                                      NGX_HTTP_NEWS_PAGE_SIZE);
}


ngx_int_t
ngx_http_news_api_search(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                     n, limit;
    uint32_t                      offset;
    ngx_str_t                     value, q;
    news_err_t                    err;
    ngx_http_news_search_task_t  *t;
    unsigned char                 cursor[4];

    limit = NGX_HTTP_NEWS_PAGE_SIZE;
    offset = 0;

    if (ngx_http_arg(r, (u_char *) "limit", 5, &value) == NGX_OK) {
        limit = ngx_atoi(value.data, value.len);

        if (limit < 1 || limit > NGX_HTTP_NEWS_API_LIMIT) {
            return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                            "bad_request",
                                            "limit must be 1 to 100");
        }
    }

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &value) == NGX_OK) {
        if (news_hex_decode((char *) value.data, value.len, cursor, 4) != 4
            || news_be32_get(cursor) + limit > NEWS_SEARCH_DEPTH)
        {
            return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                            "bad_request",
                                            "cursor must come from "
                                            "\"next\"; results go 1,000 "
                                            "deep");
        }

        offset = news_be32_get(cursor);
    }

    t = ngx_pcalloc(r->pool, sizeof(ngx_http_news_search_task_t));
    if (t == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = ngx_http_news_search_query(r, &q, &t->query, &err);

    if (n == NEWS_INVALID || n == NEWS_NOTFOUND) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_query",
                                        n == NEWS_NOTFOUND
                                        ? "q must hold a word to find"
                                        : err.msg);
    }

    if (n != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    t->sp.q = (const char *) q.data;
    t->sp.qlen = q.len;
    t->sp.query = &t->query;
    t->json = 1;
    t->path = rt->path;

    return ngx_http_news_search_start(r, t, offset, limit);
}


/*
 * The q argument, decoded into r->pool, and parsed: NEWS_OK,
 * NEWS_NOTFOUND for an empty or absent one, NEWS_INVALID with a message
 * for the reader.
 */
static ngx_int_t
ngx_http_news_search_query(ngx_http_request_t *r, ngx_str_t *q,
    news_query_t *query, news_err_t *err)
{
    int         rc;
    news_buf_t  b;

    ngx_str_set(q, "");
    news_buf_init(&b);

    rc = news_form_field((char *) r->args.data, r->args.len, "q", &b);

    if (rc == NEWS_FORM_DUP || rc == NEWS_FORM_BAD) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_INVALID, "Give the search once, as "
                            "text (UTF-8).");
    }

    if (b.failed) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (rc == 0 || b.len == 0) {
        news_buf_free(&b);
        return news_err_set(err, NEWS_NOTFOUND, "no search");
    }

    q->len = b.len;
    q->data = ngx_pnalloc(r->pool, b.len);

    if (q->data == NULL) {
        news_buf_free(&b);
        ngx_str_set(q, "");
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    ngx_memcpy(q->data, b.data, b.len);
    news_buf_free(&b);

    return news_search_parse(query, (const char *) q->data, q->len, err);
}


/*
 * Hands the search to its own pool (news_search_thread_pool), never the
 * writes', so that slow searches cannot hold up a comment.  The output buffer is the
 * engine's (malloc): a cleanup of r->pool frees it and counts the search
 * out, whether the answer was sent or the request went away meanwhile.
 */
static ngx_int_t
ngx_http_news_search_start(ngx_http_request_t *r,
    ngx_http_news_search_task_t *t, size_t offset, size_t limit)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    if (!nmcf->store_open) {
        news_err_set(&t->err, NEWS_BUSY, "the store is not open");
        return ngx_http_news_store_error(r, &t->err, t->json);
    }

    if (nmcf->searches >= NGX_HTTP_NEWS_SEARCH_QUEUE) {
        return ngx_http_news_busy(r);
    }

    /* not zeroed: news_search_reset clears what a search reads */
    t->s = ngx_palloc(r->pool, sizeof(news_search_t));
    cln = ngx_pool_cleanup_add(r->pool, 0);

    if (t->s == NULL || cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    news_search_reset(t->s, ngx_time(), offset, limit);
    t->st = &nmcf->store;
    t->nmcf = nmcf;
    news_buf_init(&t->out);

    cln->handler = ngx_http_news_search_cleanup;
    cln->data = t;
    nmcf->searches++;

    return ngx_http_news_task_start(r, NGX_HTTP_NEWS_POOL_SEARCH,
                                    ngx_http_news_search_work,
                                    ngx_http_news_search_done, t);
}


/* in a pool thread */
static void
ngx_http_news_search_work(void *data)
{
    ngx_http_news_search_task_t  *t = data;

    t->rc = news_search_answer(t->st, &t->sp, t->s, (int) t->json, &t->out,
                               &t->stamp, &t->err);
}


/* on the event loop: the answer, with the validators of a list */
static ngx_int_t
ngx_http_news_search_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_search_task_t  *t = data;

    ngx_http_news_page_t  pg;

    if (t->rc == NEWS_OK) {
        t->rc = ngx_http_news_stamp_validators(r, t->json ? 'Q' : 'q',
                                               &t->stamp, &t->err);
    }

    if (t->rc != NEWS_OK && t->s->unbuilt) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "news: %s",
                      t->err.msg);
        return t->json
               ? ngx_http_news_json_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                          "search_unavailable",
                                          ngx_http_news_unbuilt)
               : ngx_http_news_html_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                          "Search unavailable",
                                          ngx_http_news_unbuilt);
    }

    if (t->rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &t->err, t->json);
    }

    if (t->json) {
        return ngx_http_news_send_buf(r, NGX_HTTP_OK,
                                      &ngx_http_news_json_type, &t->out);
    }

    ngx_memzero(&pg, sizeof(pg));
    pg.title = t->title;
    pg.box = t->box;
    pg.head = ngx_http_news_noindex;
    pg.main.data = (u_char *) t->out.data;
    pg.main.len = t->out.len;
    pg.path = t->path;

    return ngx_http_news_send_page(r, NGX_HTTP_OK, &pg);
}


static void
ngx_http_news_search_cleanup(void *data)
{
    ngx_http_news_search_task_t  *t = data;

    news_buf_free(&t->out);
    t->nmcf->searches--;
}


/*
 * "Search: the query" for the title and ` value="the query"` for the
 * header's box, escaped, in r->pool; "Search" and nothing for an empty
 * box.
 */
static ngx_int_t
ngx_http_news_search_title(ngx_http_request_t *r, ngx_str_t *q,
    ngx_str_t *title, ngx_str_t *box)
{
    u_char    *p;
    uintptr_t  escapes;

    if (q->len == 0) {
        ngx_str_set(title, "Search");
        ngx_str_null(box);
        return NGX_OK;
    }

    escapes = ngx_escape_html(NULL, q->data, q->len);
    title->len = sizeof("Search: ") - 1 + q->len + escapes;
    box->len = sizeof(" value=\"\"") - 1 + q->len + escapes;

    p = ngx_pnalloc(r->pool, title->len + box->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    title->data = p;
    p = ngx_cpymem(p, "Search: ", sizeof("Search: ") - 1);
    p = (u_char *) ngx_escape_html(p, q->data, q->len);

    box->data = p;
    p = ngx_cpymem(p, " value=\"", sizeof(" value=\"") - 1);
    p = (u_char *) ngx_escape_html(p, q->data, q->len);
    *p = '"';

    return NGX_OK;
}
