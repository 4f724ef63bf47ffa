/*
 * The JSON API's read routes: the article JSON was rendered at write
 * time; a list is the stored summaries joined with commas.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


static ngx_int_t ngx_http_news_list_args(ngx_http_request_t *r,
    news_list_t *list, unsigned char *cursor);


ngx_int_t
ngx_http_news_api_articles(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t      rc;
    news_buf_t    *b;
    news_err_t     err;
    news_list_t    list;
    MDB_txn       *txn;
    unsigned char  cursor[NEWS_CURSOR_LEN];

    if (ngx_http_news_list_args(r, &list, cursor) != NGX_OK) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request",
                                        "cursor must come from \"next\" and "
                                        "limit be 1 to 100");
    }

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = ngx_http_news_scratch(r);
    news_buf_addl(b, "{\"articles\":[");

    rc = news_articles_list(&ngx_http_news_module_store(r), txn, &list, b,
                            &err);

    if (rc == NEWS_OK) {
        rc = ngx_http_news_list_validators(r, txn, 'l', list.now, &err);
    }

    ngx_http_news_read_done(r);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    news_render_list_end(b, list.next, NEWS_CURSOR_LEN, list.more);

    return ngx_http_news_send_buf(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}


static ngx_int_t
ngx_http_news_list_args(ngx_http_request_t *r, news_list_t *list,
    unsigned char *cursor)
{
    ngx_int_t  n;
    ngx_str_t  value;

    ngx_memzero(list, sizeof(news_list_t));
    list->limit = NGX_HTTP_NEWS_PAGE_SIZE;
    list->now = ngx_time();
    list->kind = NEWS_FRAG_SUMMARY;
    list->sep = ",";

    if (ngx_http_arg(r, (u_char *) "limit", 5, &value) == NGX_OK) {
        n = ngx_atoi(value.data, value.len);
        if (n < 1 || n > NGX_HTTP_NEWS_API_LIMIT) {
            return NGX_ERROR;
        }

        list->limit = n;
    }

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &value) == NGX_OK) {
        if (news_hex_decode((char *) value.data, value.len, cursor,
                            NEWS_CURSOR_LEN)
            != NEWS_CURSOR_LEN)
        {
            return NGX_ERROR;
        }

        list->cursor = cursor;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_news_api_article(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int           rc, moved;
    uint64_t      id;
    ngx_buf_t    *b;
    ngx_str_t     pieces[2];
    MDB_txn      *txn;
    news_err_t    err;
    news_page_t   page;

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    rc = news_article_find(&ngx_http_news_module_store(r), txn,
                           (char *) rt->slug.data, rt->slug.len, &id, &moved);

    if (rc == 0 && moved) {
        return ngx_http_news_moved(r, txn, id, 1);
    }

    if (rc == 0) {
        rc = ngx_http_news_visible_fragment(r, txn, id, NEWS_FRAG_JSON, &page);
    }

    if (rc != 0) {
        ngx_http_news_read_done(r);
        news_err_set(&err, rc, "reading an article");
        return ngx_http_news_store_error(r, &err, 1);
    }

    if (ngx_http_news_validators(r, 'j', id, page.version, page.modified_at)
        != NGX_OK)
    {
        ngx_http_news_read_done(r);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pieces[0].data = (u_char *) page.part[0].data;
    pieces[0].len = page.part[0].len;
    ngx_str_set(&pieces[1], "\n");

    b = ngx_http_news_assemble(r, pieces, 2);
    ngx_http_news_read_done(r);

    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_output(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}


