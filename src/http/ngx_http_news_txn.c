/*
 * The old read path (ngx_http_news_txn.h): a reader's txn handed out,
 * for the files that have not moved to the reader yet.
 */

#include "ngx_http_news.h"


ngx_int_t
ngx_http_news_read(ngx_http_request_t *r, MDB_txn **txn, news_err_t *err)
{
    news_reader_t  rd;

    if (ngx_http_news_reader(r, &rd, err) != NEWS_OK) {
        return err->code;
    }

    *txn = rd.txn;

    return NEWS_OK;
}


void
ngx_http_news_read_done(ngx_http_request_t *r)
{
    news_store_read_done(&ngx_http_news_module_store(r));
}
