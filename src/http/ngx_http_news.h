/*
 * The nginx side of the news module: shared confs and the glue between
 * nginx requests and the engine.  The engine (src/engine) knows nothing
 * of nginx; these files translate, and nothing more.
 */

#ifndef NGX_HTTP_NEWS_H
#define NGX_HTTP_NEWS_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "engine/articles.h"
#include "engine/render.h"
#include "engine/store.h"


#define NGX_HTTP_NEWS_PAGE_SIZE    20
#define NGX_HTTP_NEWS_PAGE_MAX     100000
#define NGX_HTTP_NEWS_API_LIMIT    100


typedef struct {
    ngx_str_t           db;             /* news_db, full path */
    off_t               db_size;        /* news_db_size */
    ngx_flag_t          enabled;        /* some location has news; */

    /* worker process state, set in init_process */
    news_store_t        store;
    news_buf_t          scratch;        /* lists are assembled here */
    ngx_uint_t          store_open;
} ngx_http_news_main_conf_t;


typedef struct {
    ngx_flag_t          enabled;
    ngx_str_t           prefix;         /* the location: "/" or "/news/" */
    ngx_str_t           site_name;      /* news_site_name */
    ngx_str_t           chrome[NEWS_CHROME_N];
} ngx_http_news_loc_conf_t;


/* a route's handler gets the path below the location and the slug, if any */
typedef struct {
    ngx_str_t           path;
    ngx_str_t           slug;
} ngx_http_news_route_t;


typedef ngx_int_t (*ngx_http_news_handler_pt)(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);


extern ngx_module_t  ngx_http_news_module;


/* the worker's store */
#define ngx_http_news_module_store(r)                                        \
    (((ngx_http_news_main_conf_t *)                                           \
      ngx_http_get_module_main_conf(r, ngx_http_news_module))->store)


ngx_int_t ngx_http_news_route(ngx_http_request_t *r);

/* pages.c: HTML */
ngx_int_t ngx_http_news_front(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_article(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_html_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *title, const char *text);

/* api.c: JSON */
ngx_int_t ngx_http_news_api_articles(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_article(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_json_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message);

/* reply.c: sending */
ngx_buf_t *ngx_http_news_assemble(ngx_http_request_t *r, ngx_str_t *pieces,
    ngx_uint_t n);
ngx_int_t ngx_http_news_output(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);
ngx_int_t ngx_http_news_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *pieces, ngx_uint_t n);
ngx_int_t ngx_http_news_store_error(ngx_http_request_t *r, news_err_t *err,
    ngx_uint_t json);
ngx_int_t ngx_http_news_read(ngx_http_request_t *r, MDB_txn **txn,
    news_err_t *err);
void ngx_http_news_read_done(ngx_http_request_t *r);
news_buf_t *ngx_http_news_scratch(ngx_http_request_t *r);

extern ngx_str_t  ngx_http_news_html_type;
extern ngx_str_t  ngx_http_news_json_type;

#endif /* NGX_HTTP_NEWS_H */
