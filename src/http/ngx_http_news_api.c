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
    news_reader_t  rd;
    unsigned char  cursor[NEWS_CURSOR_LEN];

    if (ngx_http_news_list_args(r, &list, cursor) != NGX_OK) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request",
                                        "cursor must come from \"next\" and "
                                        "limit be 1 to 100");
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = ngx_http_news_buf(r);
    news_buf_addl(b, "{\"articles\":[");

    rc = news_read_list(&rd, &list, b, &err);

    if (rc == NEWS_OK) {
        rc = ngx_http_news_list_stamp(r, &rd, 'l', &err);
    }

    news_reader_end(&rd);

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
    int                   rc;
    ngx_buf_t            *b;
    ngx_uint_t            n;
    ngx_str_t             pieces[NEWS_PARTS_MAX + 2];
    news_buf_t           *source;
    news_err_t            err;
    news_reader_t         rd;
    news_article_view_t   v;

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = NULL;
    source = ngx_http_news_buf(r);

    rc = news_read_article(&rd, (char *) rt->slug.data, rt->slug.len,
                           NEWS_FRAG_JSON, 1, &v, &err);

    /* editors get the Markdown too */
    if (rc == NEWS_OK && !v.moved) {
        rc = news_read_source(&rd, v.id, &v.page, source, &err);
    }

    if (rc == NEWS_OK && !v.moved) {
        n = ngx_http_news_fragment_pieces(&v.page, pieces);
        pieces[n].data = (u_char *) source->data;
        pieces[n++].len = source->len;
        ngx_str_set(&pieces[n], "\n");

        if (ngx_http_news_validators(r, 'j', v.id, v.page.version,
                                     v.page.modified_at)
            != NGX_OK
            || (b = ngx_http_news_assemble(r, pieces, n + 1)) == NULL)
        {
            rc = news_err_set(&err, NEWS_ERROR, "out of memory");
        }
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    if (v.moved) {
        return ngx_http_news_moved(r, v.slug, 1);
    }

    return ngx_http_news_output(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}
