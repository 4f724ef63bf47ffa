/*
 * The read txn passed by hand: the old read path, kept only for the
 * files that do not take a reader yet (engine/reader.h).  Everything
 * else begins a reader (ngx_http_news_reader) and ends it with
 * news_reader_end.  This header and ngx_http_news_txn.c go when the
 * last caller has moved.
 */

#ifndef NGX_HTTP_NEWS_TXN_H
#define NGX_HTTP_NEWS_TXN_H

ngx_int_t ngx_http_news_read(ngx_http_request_t *r, MDB_txn **txn,
    news_err_t *err);
void ngx_http_news_read_done(ngx_http_request_t *r);

#endif /* NGX_HTTP_NEWS_TXN_H */
