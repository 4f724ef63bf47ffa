/*
 * The module's configuration, as ngx_news_module.c's directive table
 * and module context name it: the main and location confs made, merged
 * and checked, the directives' own handlers, the variables.  Private to
 * ngx_news_module.c and the files that define these.
 */

#ifndef NGX_HTTP_NEWS_CONF_H
#define NGX_HTTP_NEWS_CONF_H

#include "http/ngx_http_news.h"


/* ngx_http_news_conf_main.c: the http{} level, the store directory */
void *ngx_http_news_create_main_conf(ngx_conf_t *cf);
char *ngx_http_news_init_main_conf(ngx_conf_t *cf, void *conf);

/* ngx_http_news_conf_loc.c: a location's site, its chrome rendered */
void *ngx_http_news_create_loc_conf(ngx_conf_t *cf);
char *ngx_http_news_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);

/* ngx_http_news_directives.c: directives that parse their own arguments */
char *ngx_http_news(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_news_check_handler(ngx_conf_t *cf,
    ngx_http_core_loc_conf_t *clcf);
char *ngx_http_news_close_after(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_news_nav(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_news_image_hosts(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_news_password_cost(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
char *ngx_http_news_login_throttle(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);

/* ngx_http_news_variables.c: $news_user, $news_role, $news_cacheable */
ngx_int_t ngx_http_news_add_variables(ngx_conf_t *cf);


#endif /* NGX_HTTP_NEWS_CONF_H */
