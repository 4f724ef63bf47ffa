/*
 * GET /search?q=&page= (the page) and GET /api/search?q=&cursor=&limit=
 * (JSON): the arguments are checked here, the engine finds and renders.
 * A query is one bounded walk of the index (search.h), on the event loop
 * like any page.
 */

#include "ngx_http_news.h"
#include "engine/render_search.h"
#include "engine/text.h"


static ngx_int_t ngx_http_news_search_query(ngx_http_request_t *r,
    news_buf_t *q, news_query_t *query, news_err_t *err);
static ngx_int_t ngx_http_news_search_run(ngx_http_request_t *r,
    news_search_page_t *sp, ngx_uint_t json, size_t offset, size_t limit,
    news_buf_t *b, news_err_t *err);
static ngx_int_t ngx_http_news_search_title(ngx_http_request_t *r,
    news_buf_t *q, ngx_str_t *title);


static ngx_str_t  ngx_http_news_noindex = ngx_string(NEWS_SEARCH_HEAD);


ngx_int_t
ngx_http_news_search(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t              n;
    ngx_uint_t             page;
    news_buf_t             q, *b;
    news_err_t             err;
    news_query_t           query;
    news_search_page_t     sp;
    ngx_http_news_page_t   pg;

    ngx_memzero(&pg, sizeof(pg));

    if (ngx_http_news_number_arg(r, "page", &page) != NGX_OK
        || page > NEWS_SEARCH_DEPTH / NGX_HTTP_NEWS_PAGE_SIZE)
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The page number must be a whole "
                                        "number from 1 to 50.");
    }

    news_buf_init(&q);
    n = ngx_http_news_search_query(r, &q, &query, &err);

    if (n == NEWS_INVALID) {
        news_buf_free(&q);
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", err.msg);
    }

    if (n != NEWS_OK && n != NEWS_NOTFOUND) {
        news_buf_free(&q);
        return ngx_http_news_store_error(r, &err, 0);
    }

    ngx_memzero(&sp, sizeof(sp));
    sp.q = q.data ? q.data : "";
    sp.qlen = q.len;
    sp.query = n == NEWS_OK ? &query : NULL;
    sp.page = page;

    b = ngx_http_news_scratch(r);

    n = ngx_http_news_search_run(r, &sp, 0,
                                 (page - 1) * NGX_HTTP_NEWS_PAGE_SIZE,
                                 NGX_HTTP_NEWS_PAGE_SIZE, b, &err);

    if (n != NEWS_OK) {
        news_buf_free(&q);
        return ngx_http_news_store_error(r, &err, 0);
    }

    n = ngx_http_news_search_title(r, &q, &pg.title);
    news_buf_free(&q);

    if (n != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg.head = ngx_http_news_noindex;
    pg.main.data = (u_char *) b->data;
    pg.main.len = b->len;
    pg.path = rt->path;

    return ngx_http_news_send_page(r, NGX_HTTP_OK, &pg);
}


ngx_int_t
ngx_http_news_api_search(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t           n, limit;
    uint32_t            offset;
    ngx_str_t           value;
    news_buf_t          q, *b;
    news_err_t          err;
    news_query_t        query;
    news_search_page_t  sp;
    unsigned char       cursor[4];

    ngx_memzero(&sp, sizeof(sp));
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

    news_buf_init(&q);
    n = ngx_http_news_search_query(r, &q, &query, &err);

    if (n == NEWS_INVALID || n == NEWS_NOTFOUND) {
        news_buf_free(&q);
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_query",
                                        n == NEWS_NOTFOUND
                                        ? "q must hold a word to find"
                                        : err.msg);
    }

    if (n != NEWS_OK) {
        news_buf_free(&q);
        return ngx_http_news_store_error(r, &err, 1);
    }

    sp.q = q.data;
    sp.qlen = q.len;
    sp.query = &query;

    b = ngx_http_news_scratch(r);

    n = ngx_http_news_search_run(r, &sp, 1, offset, limit, b, &err);
    news_buf_free(&q);

    if (n != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    return ngx_http_news_send_buf(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}


/*
 * The q argument, decoded, and parsed: NEWS_OK, NEWS_NOTFOUND for an
 * empty or absent one, NEWS_INVALID with a message for the reader.
 */
static ngx_int_t
ngx_http_news_search_query(ngx_http_request_t *r, news_buf_t *q,
    news_query_t *query, news_err_t *err)
{
    int  rc;

    rc = news_form_field((char *) r->args.data, r->args.len, "q", q);

    if (rc == NEWS_FORM_DUP || rc == NEWS_FORM_BAD) {
        return news_err_set(err, NEWS_INVALID, "Give the search once, as "
                            "text (UTF-8).");
    }

    if (q->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (rc == 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no search");
    }

    return news_search_parse(query, q->data, q->len, err);
}


/*
 * One page of hits, rendered, with the validators of a list (the index
 * changes with every write, and a scheduled article falling due changes
 * the hits without one).  An empty box reads nothing but the validators.
 */
static ngx_int_t
ngx_http_news_search_run(ngx_http_request_t *r, news_search_page_t *sp,
    ngx_uint_t json, size_t offset, size_t limit, news_buf_t *b,
    news_err_t *err)
{
    int             rc;
    MDB_txn        *txn;
    news_search_t  *s;
    news_store_t   *st;

    s = ngx_pcalloc(r->pool, sizeof(news_search_t));
    if (s == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    s->now = ngx_time();
    s->offset = offset;
    s->limit = limit;
    sp->s = s;
    st = &ngx_http_news_module_store(r);

    if (ngx_http_news_read(r, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;

    if (sp->query) {
        rc = news_search_run(st, txn, sp->query, s, err);
    }

    if (rc == NEWS_OK) {
        rc = json ? news_render_search_json(st, txn, sp, b, err)
                  : news_render_search_page(st, txn, sp, b, err);
    }

    if (rc == NEWS_OK) {
        rc = ngx_http_news_list_validators(r, txn, json ? 'Q' : 'q', s->now,
                                           err);
    }

    ngx_http_news_read_done(r);

    if (rc == NEWS_OK && b->failed) {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return rc;
}


/* "Search: the query", escaped, in r->pool; "Search" for an empty box */
static ngx_int_t
ngx_http_news_search_title(ngx_http_request_t *r, news_buf_t *q,
    ngx_str_t *title)
{
    u_char  *p;

    if (q->len == 0) {
        ngx_str_set(title, "Search");
        return NGX_OK;
    }

    title->len = sizeof("Search: ") - 1 + q->len
                 + ngx_escape_html(NULL, (u_char *) q->data, q->len);

    p = ngx_pnalloc(r->pool, title->len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    title->data = p;
    p = ngx_cpymem(p, "Search: ", sizeof("Search: ") - 1);
    ngx_escape_html(p, (u_char *) q->data, q->len);

    return NGX_OK;
}
