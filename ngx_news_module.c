/*
 * ngx_http_news_module: a news site answered inside the nginx worker from
 * an LMDB store.  This file holds the directives, the configuration
 * checks, and the per-worker lifecycle of the store; the routes live in
 * src/http/, the engine in src/engine/.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>

#include "http/ngx_http_news.h"
#include "engine/publish.h"
#include "engine/text.h"


#define NGX_HTTP_NEWS_DB_SIZE  ((off_t) 1024 * 1024 * 1024)

/* the default hashing pool's queue: news_hash_queue caps it per worker */
#define NGX_HTTP_NEWS_HASH_MAX_QUEUE    "65536"
#define NGX_HTTP_NEWS_SEARCH_MAX_QUEUE  "65536"


typedef struct {
    ngx_uid_t   uid;
    ngx_gid_t   gid;
} ngx_http_news_owner_t;


static void *ngx_http_news_create_main_conf(ngx_conf_t *cf);
static char *ngx_http_news_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_http_news_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_news_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_news(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_news_close_after(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_news_nav(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_news_build_nav(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_image_hosts(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_news_own_pool(ngx_conf_t *cf, ngx_str_t *name,
    char *dflt, char *queue, ngx_thread_pool_t **pool);
static char *ngx_http_news_check_db(ngx_conf_t *cf,
    ngx_http_news_main_conf_t *nmcf);
static void ngx_http_news_worker_owner(ngx_conf_t *cf,
    ngx_http_news_owner_t *owner);
static ngx_int_t ngx_http_news_can_write(ngx_http_news_owner_t *owner,
    struct stat *st);
static char *ngx_http_news_check_file(ngx_conf_t *cf, ngx_str_t *db,
    const char *name, ngx_http_news_owner_t *owner);
static char *ngx_http_news_check_mode(ngx_conf_t *cf, const char *path,
    struct stat *st);
static char *ngx_http_news_build_chrome(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_check_url(ngx_conf_t *cf, const char *name,
    ngx_str_t *url);
static char *ngx_http_news_check_base_url(ngx_conf_t *cf, ngx_str_t *url);
static char *ngx_http_news_site_marks(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_server_name(ngx_conf_t *cf,
    ngx_http_news_loc_conf_t *conf);
static char *ngx_http_news_check_handler(ngx_conf_t *cf,
    ngx_http_core_loc_conf_t *clcf);
static const char *ngx_http_news_handler_directive(ngx_conf_t *cf);
static ngx_int_t ngx_http_news_add_variables(ngx_conf_t *cf);
static news_user_t *ngx_http_news_variable_user(ngx_http_request_t *r);
static ngx_int_t ngx_http_news_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_news_role_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_news_cacheable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_news_init_process(ngx_cycle_t *cycle);
static void ngx_http_news_exit_process(ngx_cycle_t *cycle);
static void ngx_http_news_disown_left(ngx_cycle_t *cycle,
    ngx_http_news_main_conf_t *nmcf);
static ngx_int_t ngx_http_news_handler(ngx_http_request_t *r);
static char *ngx_http_news_password_cost(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_news_login_throttle(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);


static char *ngx_http_news_db_size_check(ngx_conf_t *cf, void *post,
    void *data);

static ngx_conf_post_t  ngx_http_news_db_size_post = {
    ngx_http_news_db_size_check
};


static ngx_conf_num_bounds_t  ngx_http_news_session_ttl_bounds = {
    ngx_conf_check_num_bounds, 1, 10 * 365 * 86400
};


static ngx_conf_num_bounds_t  ngx_http_news_body_max_bounds = {
    ngx_conf_check_num_bounds, 1024, 1024 * 1024
};


static ngx_conf_num_bounds_t  ngx_http_news_comment_max_bounds = {
    ngx_conf_check_num_bounds, 1, NEWS_COMMENT_HARD_MAX
};


static ngx_conf_num_bounds_t  ngx_http_news_comment_rate_bounds = {
    ngx_conf_check_num_bounds, 0, 100000
};


static ngx_conf_num_bounds_t  ngx_http_news_comment_links_bounds = {
    ngx_conf_check_num_bounds, 0, 1000
};


static ngx_conf_num_bounds_t  ngx_http_news_hash_queue_bounds = {
    ngx_conf_check_num_bounds, 1, 100000
};


static ngx_conf_num_bounds_t  ngx_http_news_register_throttle_bounds = {
    ngx_conf_check_num_bounds, 1, 100000
};


static ngx_command_t  ngx_http_news_commands[] = {

    { ngx_string("news_base_url"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_news_loc_conf_t, base_url),
      NULL },

    { ngx_string("news_cache_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, cache_max_age),
      NULL },

    { ngx_string("news_edge"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_news_edge,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_live_publish"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_news_live_publish,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_comment_max_length"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_max),
      &ngx_http_news_comment_max_bounds },

    { ngx_string("news_comment_edit_window"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_edit_window),
      NULL },

    { ngx_string("news_comment_premoderation"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_premoderation),
      NULL },

    { ngx_string("news_comment_rate"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_rate),
      &ngx_http_news_comment_rate_bounds },

    { ngx_string("news_comment_trust"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_trust),
      &ngx_http_news_comment_links_bounds },

    { ngx_string("news_comment_close_after"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_news_close_after,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_close_after),
      NULL },

    { ngx_string("news_comment_report_hide"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_report_hide),
      &ngx_http_news_comment_links_bounds },

    { ngx_string("news_comment_max_links"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, comment_max_links),
      &ngx_http_news_comment_links_bounds },

    { ngx_string("news_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, thread_pool_name),
      NULL },

    { ngx_string("news_hash_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, hash_pool_name),
      NULL },

    { ngx_string("news_search_thread_pool"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, search_pool_name),
      NULL },

    { ngx_string("news_hash_queue"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, hash_queue),
      &ngx_http_news_hash_queue_bounds },

    { ngx_string("news_session_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, session_ttl),
      &ngx_http_news_session_ttl_bounds },

    { ngx_string("news_session_idle"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, session_idle),
      NULL },

    { ngx_string("news_body_max"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_size_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, body_max),
      &ngx_http_news_body_max_bounds },

    { ngx_string("news_password_cost"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_news_password_cost,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_login_throttle"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_news_login_throttle,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_scheme_header"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, scheme_header),
      NULL },

    { ngx_string("news_register_throttle"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, throttle_register),
      &ngx_http_news_register_throttle_bounds },

    { ngx_string("news_db"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, db),
      NULL },

    { ngx_string("news_db_size"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_off_slot,
      NGX_HTTP_MAIN_CONF_OFFSET,
      offsetof(ngx_http_news_main_conf_t, db_size),
      &ngx_http_news_db_size_post },

    { ngx_string("news"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_news,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_security_headers"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_news_loc_conf_t, security_headers),
      NULL },

    { ngx_string("news_site_name"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_news_loc_conf_t, site_name),
      NULL },

    { ngx_string("news_site_logo"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_news_loc_conf_t, site_logo),
      NULL },

    { ngx_string("news_site_stylesheet"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_news_loc_conf_t, site_css),
      NULL },

    { ngx_string("news_nav"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_news_nav,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("news_image_hosts"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_news_image_hosts,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_variable_t  ngx_http_news_variables[] = {

    { ngx_string("news_user"), NULL, ngx_http_news_user_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("news_role"), NULL, ngx_http_news_role_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("news_cacheable"), NULL, ngx_http_news_cacheable_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static ngx_http_module_t  ngx_http_news_module_ctx = {
    ngx_http_news_add_variables,           /* preconfiguration */
    NULL,                                  /* postconfiguration */

    ngx_http_news_create_main_conf,        /* create main configuration */
    ngx_http_news_init_main_conf,          /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_news_create_loc_conf,         /* create location configuration */
    ngx_http_news_merge_loc_conf           /* merge location configuration */
};


ngx_module_t  ngx_http_news_module = {
    NGX_MODULE_V1,
    &ngx_http_news_module_ctx,             /* module context */
    ngx_http_news_commands,                /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_news_init_process,            /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_news_exit_process,            /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* the off_t setter takes "1g"; the map must hold at least a few pages */
static char *
ngx_http_news_db_size_check(ngx_conf_t *cf, void *post, void *data)
{
    off_t  *size = data;

    if (*size < NEWS_MAPSIZE_MIN) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_db_size\" must be at least 1m");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_news_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_news_main_conf_t));
    if (nmcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     nmcf->db = { 0, NULL };
     *     nmcf->enabled = 0;
     *     nmcf->store = { 0 };
     *     nmcf->thread_pool_name = { 0, NULL };
     *     nmcf->thread_pool = NULL;
     */

    nmcf->db_size = NGX_CONF_UNSET;
    nmcf->comment_max = NGX_CONF_UNSET;
    nmcf->comment_edit_window = NGX_CONF_UNSET;
    nmcf->comment_premoderation = NGX_CONF_UNSET;
    nmcf->comment_rate = NGX_CONF_UNSET;
    nmcf->comment_max_links = NGX_CONF_UNSET;
    nmcf->comment_trust = NGX_CONF_UNSET;
    nmcf->comment_report_hide = NGX_CONF_UNSET;
    nmcf->comment_close_after = NGX_CONF_UNSET;
    nmcf->cache_max_age = NGX_CONF_UNSET;
    nmcf->edges = NGX_CONF_UNSET_PTR;
    nmcf->session_ttl = NGX_CONF_UNSET;
    nmcf->session_idle = NGX_CONF_UNSET;
    nmcf->body_max = NGX_CONF_UNSET_SIZE;
    nmcf->argon2_memory = NGX_CONF_UNSET_UINT;
    nmcf->argon2_passes = NGX_CONF_UNSET_UINT;
    nmcf->throttle_account = NGX_CONF_UNSET_UINT;
    nmcf->throttle_address = NGX_CONF_UNSET_UINT;
    nmcf->throttle_register = NGX_CONF_UNSET_UINT;
    nmcf->hash_queue = NGX_CONF_UNSET_UINT;

    return nmcf;
}


static char *
ngx_http_news_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    if (nmcf->db_size == NGX_CONF_UNSET) {
        nmcf->db_size = NGX_HTTP_NEWS_DB_SIZE;
    }

    ngx_conf_init_value(nmcf->session_ttl, 30 * 86400);
    ngx_conf_init_value(nmcf->session_idle, 7 * 86400);
    ngx_conf_init_value(nmcf->comment_max, NEWS_COMMENT_MAX);
    ngx_conf_init_value(nmcf->comment_edit_window, 15 * 60);
    ngx_conf_init_value(nmcf->comment_premoderation, 0);
    ngx_conf_init_value(nmcf->comment_rate, 10);
    ngx_conf_init_value(nmcf->comment_max_links, 2);
    ngx_conf_init_value(nmcf->comment_trust, 0);
    ngx_conf_init_value(nmcf->comment_report_hide, 0);
    ngx_conf_init_value(nmcf->comment_close_after, 0);
    ngx_conf_init_value(nmcf->cache_max_age, 60);
    ngx_conf_init_size_value(nmcf->body_max, 8 * 1024);
    ngx_conf_init_uint_value(nmcf->argon2_memory, NEWS_ARGON2_MEMORY_MIN);
    ngx_conf_init_uint_value(nmcf->argon2_passes, NEWS_ARGON2_PASSES_MIN);
    ngx_conf_init_uint_value(nmcf->throttle_account, 5);
    ngx_conf_init_uint_value(nmcf->throttle_address, 20);
    ngx_conf_init_uint_value(nmcf->throttle_register, 20);
    ngx_conf_init_uint_value(nmcf->hash_queue, 64);

    if (nmcf->thread_pool_name.len == 0) {
        ngx_str_set(&nmcf->thread_pool_name, "default");
    }

    if (!nmcf->enabled) {
        return NGX_CONF_OK;
    }

    /*
     * Hashing and writes run in this pool.  An unknown name is reported
     * by the thread pool module after the whole file is read, so
     * "nginx -t" catches a typo.
     */
    nmcf->thread_pool = ngx_thread_pool_add(cf, &nmcf->thread_pool_name);
    if (nmcf->thread_pool == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_own_pool(cf, &nmcf->hash_pool_name, "news_hash",
                               "max_queue=" NGX_HTTP_NEWS_HASH_MAX_QUEUE,
                               &nmcf->hash_pool)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_own_pool(cf, &nmcf->search_pool_name, "news_search",
                               "max_queue=" NGX_HTTP_NEWS_SEARCH_MAX_QUEUE,
                               &nmcf->search_pool)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (nmcf->db.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news\" is used but \"news_db\" is not set "
                           "in the http block");
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_routes_compile(cf, nmcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_news_check_db(cf, nmcf);
}


/*
 * Password hashing and searches each run in a pool of their own, never
 * the writes' pool, so that neither a crowd of logins nor slow searches
 * can hold up a comment.  Unnamed, the pool is *dflt ("news_hash",
 * "news_search"), and when the main context does not declare that, the
 * module declares it as "thread_pool NAME threads=2 QUEUE" would: two
 * threads bound a worker's hashing memory to two hashes and its search
 * CPU to two searches.  Only "default" is made by nginx itself, so the
 * declaration goes through the thread_pool directive's own handler.
 */
static char *
ngx_http_news_own_pool(ngx_conf_t *cf, ngx_str_t *name, char *dflt,
    char *queue, ngx_thread_pool_t **pool)
{
    char          *rv;
    ngx_str_t     *arg;
    ngx_uint_t     i;
    ngx_array_t    args, *saved;
    ngx_module_t  *m;
    ngx_command_t *cmd;

    if (name->len) {
        *pool = ngx_thread_pool_add(cf, name);
        return *pool ? NGX_CONF_OK : NGX_CONF_ERROR;
    }

    name->data = (u_char *) dflt;
    name->len = ngx_strlen(dflt);

    *pool = ngx_thread_pool_get(cf->cycle, name);
    if (*pool) {
        return NGX_CONF_OK;
    }

    m = NULL;

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (ngx_strcmp(cf->cycle->modules[i]->name, "ngx_thread_pool_module")
            == 0)
        {
            m = cf->cycle->modules[i];
            break;
        }
    }

    for (cmd = m ? m->commands : NULL; cmd && cmd->name.len; cmd++) {
        if (ngx_strcmp(cmd->name.data, "thread_pool") == 0) {
            break;
        }
    }

    /*
     * The module needs nginx built with threads, which always has the
     * thread_pool module and its directive: a guard, never taken.
     */
    if (cmd == NULL || cmd->name.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "news: the thread_pool "
                           "directive is not there to declare \"%V\"", name);
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&args, cf->temp_pool, 4, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    arg = ngx_array_push_n(&args, 4);
    if (arg == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_str_set(&arg[0], "thread_pool");
    arg[1] = *name;
    ngx_str_set(&arg[2], "threads=2");
    arg[3].data = (u_char *) queue;
    arg[3].len = ngx_strlen(queue);

    saved = cf->args;
    cf->args = &args;
    rv = cmd->set(cf, cmd, cf->cycle->conf_ctx[m->index]);
    cf->args = saved;

    /*
     * the directive refuses only a name declared twice, and this one was
     * looked up just above: this and the NULL below are guards
     */
    if (rv != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    *pool = ngx_thread_pool_get(cf->cycle, name);

    return *pool ? NGX_CONF_OK : NGX_CONF_ERROR;
}


/*
 * The store directory is checked here, in the configuration phase, so
 * that "nginx -t" reports it: it must be a directory whose parent exists
 * (a missing last directory is created for the worker user, as nginx does
 * for its own paths) and that the worker user can write.
 */
static char *
ngx_http_news_check_db(ngx_conf_t *cf, ngx_http_news_main_conf_t *nmcf)
{
    u_char                 *p;
    ngx_str_t               parent;
    news_err_t              err;
    struct stat             st;
    ngx_http_news_owner_t   owner;

    if (ngx_conf_full_name(cf->cycle, &nmcf->db, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    /* the engine wants a C string; ngx_conf_full_name leaves one */
    while (nmcf->db.len > 1 && nmcf->db.data[nmcf->db.len - 1] == '/') {
        nmcf->db.data[--nmcf->db.len] = '\0';
    }

    ngx_http_news_worker_owner(cf, &owner);

    if (stat((char *) nmcf->db.data, &st) == -1) {

        if (ngx_errno != NGX_ENOENT) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "\"news_db\" \"%V\": stat() failed",
                               &nmcf->db);
            return NGX_CONF_ERROR;
        }

        parent = nmcf->db;

        for (p = nmcf->db.data + nmcf->db.len - 1; p > nmcf->db.data; p--) {
            if (*p == '/') {
                break;
            }
        }

        parent.len = (p == nmcf->db.data) ? 1 : (size_t) (p - nmcf->db.data);

        if (ngx_create_dir(nmcf->db.data, 0700) == NGX_FILE_ERROR) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "\"news_db\" \"%V\" cannot be created "
                               "(is its parent \"%V\" there?)",
                               &nmcf->db, &parent);
            return NGX_CONF_ERROR;
        }

        if (geteuid() == 0
            && chown((char *) nmcf->db.data, owner.uid, owner.gid) == -1)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                               "\"news_db\" \"%V\": chown() failed",
                               &nmcf->db);
            return NGX_CONF_ERROR;
        }

        return NGX_CONF_OK;
    }

    if (!S_ISDIR(st.st_mode)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_db\" \"%V\" is not a directory",
                           &nmcf->db);
        return NGX_CONF_ERROR;
    }

    if (!ngx_http_news_can_write(&owner, &st)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_db\" \"%V\" is not writable by the "
                           "worker user (uid %d)", &nmcf->db, owner.uid);
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_check_mode(cf, (char *) nmcf->db.data, &st)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_check_file(cf, &nmcf->db, "data.mdb", &owner)
        != NGX_CONF_OK
        || ngx_http_news_check_file(cf, &nmcf->db, "lock.mdb", &owner)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * Refuse a data.mdb that is not LMDB or is of a newer schema here, so
     * that "nginx -t", start and reload say so, rather than every worker
     * exiting with code 2 in init_process.  The check opens and closes
     * the env read-only without a lock file: nothing stays open in the
     * master (an env must not be used across fork, lmdb.h says) and
     * nothing is created as root (files the workers could not open).
     */
    if (news_store_check((char *) nmcf->db.data, &err) != NEWS_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_db\": %s",
                           err.msg);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * Who the workers will be.  The core module settles "user" only after
 * the whole file is read, so take what is known now: the directive if
 * it came before http{}, else nginx's own default when run as root.
 */
static void
ngx_http_news_worker_owner(ngx_conf_t *cf, ngx_http_news_owner_t *owner)
{
    struct group      *grp;
    struct passwd     *pwd;
    ngx_core_conf_t   *ccf;

    ccf = (ngx_core_conf_t *) ngx_get_conf(cf->cycle->conf_ctx,
                                           ngx_core_module);

    owner->uid = geteuid();
    owner->gid = getegid();

    if (owner->uid != 0) {
        return;
    }

    if (ccf->user != (ngx_uid_t) NGX_CONF_UNSET_UINT) {
        owner->uid = ccf->user;
        owner->gid = ccf->group;
        return;
    }

    pwd = getpwnam(NGX_USER);
    grp = getgrnam(NGX_GROUP);

    if (pwd != NULL && grp != NULL) {
        owner->uid = pwd->pw_uid;
        owner->gid = grp->gr_gid;
    }
}


static ngx_int_t
ngx_http_news_can_write(ngx_http_news_owner_t *owner, struct stat *st)
{
    mode_t  need;

    need = S_ISDIR(st->st_mode) ? (S_IWOTH|S_IXOTH) : (S_IROTH|S_IWOTH);

    if (owner->uid == 0) {
        return 1;
    }

    if (st->st_uid == owner->uid) {
        return (st->st_mode & (need << 6)) == (need << 6);
    }

    if (st->st_gid == owner->gid) {
        return (st->st_mode & (need << 3)) == (need << 3);
    }

    return (st->st_mode & need) == need;
}


static char *
ngx_http_news_check_file(ngx_conf_t *cf, ngx_str_t *db, const char *name,
    ngx_http_news_owner_t *owner)
{
    u_char       path[NGX_MAX_PATH];
    struct stat  st;

    ngx_snprintf(path, sizeof(path), "%V/%s%Z", db, name);

    if (stat((char *) path, &st) == -1) {
        return NGX_CONF_OK;
    }

    if (!S_ISREG(st.st_mode) || !ngx_http_news_can_write(owner, &st)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_db\": \"%s\" is not a file that the "
                           "worker user (uid %d) can read and write",
                           path, owner->uid);
        return NGX_CONF_ERROR;
    }

    return ngx_http_news_check_mode(cf, (char *) path, &st);
}


/*
 * The store holds every account's password hash and role: one that
 * others can write lets any local user make themselves admin, so it is
 * refused; one that others can read gives away the hashes, so it is
 * warned about.  nginx and newsctl make it 0700 and 0600.
 */
static char *
ngx_http_news_check_mode(ngx_conf_t *cf, const char *path, struct stat *st)
{
    char         mode[8];
    const char  *fix;

    /* ngx_sprintf() has no octal */
    snprintf(mode, sizeof(mode), "%04o", (unsigned) (st->st_mode & 07777));
    fix = S_ISDIR(st->st_mode) ? "0700" : "0600";

    if (st->st_mode & (S_IWGRP|S_IWOTH)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_db\": \"%s\" is writable by %s (mode "
                           "%s): anyone who can write the store can make "
                           "themselves admin; chmod %s it", path,
                           (st->st_mode & S_IWOTH) ? "others" : "its group",
                           mode, fix);
        return NGX_CONF_ERROR;
    }

    if (st->st_mode & S_IROTH) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "\"news_db\": \"%s\" is readable by others "
                           "(mode %s), and with it every password hash; "
                           "chmod %s it", path, mode, fix);
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_news_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_news_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_news_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->enabled = 0;
     *     conf->prefix = { 0, NULL };
     *     conf->site_name = { 0, NULL };
     *     conf->chrome = { { 0, NULL } ... };
     */

    conf->security_headers = NGX_CONF_UNSET;
    conf->nav = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_news_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_news_loc_conf_t *prev = parent;
    ngx_http_news_loc_conf_t *conf = child;

    ngx_conf_merge_str_value(conf->site_name, prev->site_name, "News");
    ngx_conf_merge_value(conf->security_headers, prev->security_headers, 1);

    if (conf->site_name.len > 200) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"news_site_name\" is longer than 200 bytes");
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->site_logo, prev->site_logo, "");
    ngx_conf_merge_str_value(conf->site_css, prev->site_css, "");
    ngx_conf_merge_str_value(conf->image_hosts, prev->image_hosts, "");
    ngx_conf_merge_ptr_value(conf->nav, prev->nav, NULL);

    if (ngx_http_news_check_url(cf, "news_site_logo", &conf->site_logo)
        != NGX_CONF_OK
        || ngx_http_news_check_url(cf, "news_site_stylesheet",
                                   &conf->site_css)
           != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_conf_merge_str_value(conf->base_url, prev->base_url, "");

    if (ngx_http_news_check_base_url(cf, &conf->base_url) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (!conf->enabled) {
        return NGX_CONF_OK;
    }

    /*
     * "news" in a location nested in another "news" location serves the
     * same site: that is how directives such as auth_request or internal
     * are put in front of some routes only
     */
    if (prev->enabled) {
        conf->prefix = prev->prefix;
    }

    if (ngx_http_news_check_handler(cf, ngx_http_conf_get_module_loc_conf(
                                            cf, ngx_http_core_module))
        != NGX_CONF_OK
        || ngx_http_news_server_name(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_site_marks(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_news_build_nav(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_news_build_chrome(cf, conf);
}


/*
 * The absolute URL of the site, for feeds, sitemaps and canonical links:
 * http or https, then URL characters only (it lands in HTML, XML and
 * JSON unescaped), ending in a slash (added if missing).
 */
static char *
ngx_http_news_check_base_url(ngx_conf_t *cf, ngx_str_t *url)
{
    u_char  *p;
    size_t   i;

    if (url->len == 0) {
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(url->data, "http://", 7) != 0
        && ngx_strncmp(url->data, "https://", 8) != 0)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_base_url\" must "
                           "start with http:// or https://: \"%V\"", url);
        return NGX_CONF_ERROR;
    }

    for (i = 0; i < url->len; i++) {
        if (url->data[i] <= ' ' || url->data[i] >= 0x7f
            || ngx_strchr("\"'<>\\`{}|^", url->data[i]) != NULL)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_base_url\" "
                               "holds a character not allowed in a URL: "
                               "\"%V\"", url);
            return NGX_CONF_ERROR;
        }
    }

    if (url->data[url->len - 1] == '/') {
        return NGX_CONF_OK;
    }

    p = ngx_pnalloc(cf->pool, url->len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, url->data, url->len);
    p[url->len] = '/';
    url->data = p;
    url->len++;

    return NGX_CONF_OK;
}


/* the site's name as the markers of stored fragments want it */
static char *
ngx_http_news_site_marks(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    int         failed;
    news_buf_t  b;

    news_buf_init(&b);
    news_html_escape(&b, (char *) conf->site_name.data, conf->site_name.len);
    conf->site_html.len = b.len;
    conf->site_html.data = ngx_pnalloc(cf->pool, b.len + 1);

    if (conf->site_html.data != NULL) {
        ngx_memcpy(conf->site_html.data, b.data, b.len);
    }

    /* inside the quotes of a JSON string: drop news_json_string's own */
    news_buf_reset(&b);
    news_json_string(&b, (char *) conf->site_name.data, conf->site_name.len);
    conf->site_json.len = b.len - 2;
    conf->site_json.data = ngx_pnalloc(cf->pool, b.len);

    if (conf->site_json.data != NULL && !b.failed) {
        ngx_memcpy(conf->site_json.data, b.data + 1, b.len - 2);
    }

    failed = b.failed;
    news_buf_free(&b);

    if (conf->site_html.data == NULL || conf->site_json.data == NULL
        || failed)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* the page around every article, rendered once per location */
static char *
ngx_http_news_build_chrome(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    int                         live;
    ngx_int_t                   i, rc;
    news_buf_t                  csp;
    news_buf_t                  chrome[NEWS_CHROME_N];
    ngx_http_news_main_conf_t  *nmcf;

    for (i = 0; i < NEWS_CHROME_N; i++) {
        news_buf_init(&chrome[i]);
    }

    /* live comments' script with news_live_publish (edge.c) */
    nmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_news_module);
    live = nmcf->live_publish.len > 0;

    rc = news_render_chrome(chrome, (char *) conf->site_name.data,
                            conf->site_name.len, (char *) conf->prefix.data,
                            conf->prefix.len, (char *) conf->site_logo.data,
                            conf->site_logo.len, (char *) conf->site_css.data,
                            conf->site_css.len, live);

    /* the pages' CSP: the hash of the inline stylesheet, the URLs above */
    news_buf_init(&csp);
    news_render_csp(&csp, (char *) conf->site_logo.data, conf->site_logo.len,
                    (char *) conf->site_css.data, conf->site_css.len,
                    (char *) conf->image_hosts.data, conf->image_hosts.len,
                    live);
    news_buf_addc(&csp, '\0');

    conf->csp.data = csp.failed ? NULL
                                : ngx_pstrdup(cf->pool, &(ngx_str_t) {
                                      csp.len, (u_char *) csp.data });
    conf->csp.len = csp.len - 1;
    news_buf_free(&csp);

    if (conf->csp.data == NULL) {
        rc = -1;
    }

    ngx_crc32_init(conf->chrome_crc);

    for (i = 0; i < NEWS_CHROME_N; i++) {
        if (rc == 0) {
            ngx_crc32_update(&conf->chrome_crc, (u_char *) chrome[i].data,
                             chrome[i].len);
            conf->chrome[i].len = chrome[i].len;
            conf->chrome[i].data = ngx_pstrdup(cf->pool,
                                               &(ngx_str_t) {
                                                   chrome[i].len,
                                                   (u_char *) chrome[i].data
                                               });
            if (conf->chrome[i].data == NULL && chrome[i].len) {
                rc = -1;
            }
        }

        news_buf_free(&chrome[i]);
    }

    ngx_crc32_update(&conf->chrome_crc, conf->nav_html.data,
                     conf->nav_html.len);
    ngx_crc32_final(conf->chrome_crc);

    if (rc != 0) {
        ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                      "news: out of memory rendering the site's chrome");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * news_nav off | section ...: the sections the header links to, in this
 * order, in place of the sections in use
 */
static char *
ngx_http_news_nav(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    ngx_str_t   *value, *name;
    ngx_uint_t   i;
    const char  *err;

    if (nlcf->nav != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    nlcf->nav = ngx_array_create(cf->pool, cf->args->nelts, sizeof(ngx_str_t));
    if (nlcf->nav == NULL) {
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    if (cf->args->nelts - 1 > NEWS_NAV_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_nav\" names %ui "
                           "sections, more than %d", cf->args->nelts - 1,
                           NEWS_NAV_MAX);
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        err = news_nav_name_check((char *) value[i].data, value[i].len);

        if (err != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_nav\" \"%V\" "
                               "%s", &value[i], err);
            return NGX_CONF_ERROR;
        }

        name = ngx_array_push(nlcf->nav);
        if (name == NULL) {
            return NGX_CONF_ERROR;
        }

        /* the parser ends each argument with a NUL: kept */
        *name = value[i];
    }

    return NGX_CONF_OK;
}


/* news_nav's links, rendered once per location; none without it */
static char *
ngx_http_news_build_nav(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    ngx_str_t    *value;
    ngx_uint_t    i;
    news_buf_t    b;
    const char   *names[NEWS_NAV_MAX];

    if (conf->nav == NULL) {
        return NGX_CONF_OK;
    }

    value = conf->nav->elts;

    for (i = 0; i < conf->nav->nelts; i++) {
        names[i] = (char *) value[i].data;
    }

    news_buf_init(&b);
    news_render_sections_nav(&b, names, conf->nav->nelts);

    conf->nav_html.len = b.len;
    conf->nav_html.data = b.failed ? NULL : ngx_pnalloc(cf->pool, b.len + 1);

    /* no sections, no bytes: b.data is NULL, which memcpy may not take */
    if (conf->nav_html.data != NULL && b.len) {
        ngx_memcpy(conf->nav_html.data, b.data, b.len);
    }

    news_buf_free(&b);

    return conf->nav_html.data == NULL ? NGX_CONF_ERROR : NGX_CONF_OK;
}


/*
 * news_image_hosts host ...: where articles' lead images may come from,
 * added to the CSP's img-src as they are written (host sources)
 */
static char *
ngx_http_news_image_hosts(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    u_char      *p;
    size_t       len;
    ngx_str_t   *value;
    ngx_uint_t   i;
    const char  *err;

    if (nlcf->image_hosts.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;
    len = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        err = news_image_host_check((char *) value[i].data, value[i].len);

        if (err != NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"news_image_hosts\" "
                               "\"%V\" %s", &value[i], err);
            return NGX_CONF_ERROR;
        }

        len += value[i].len + 1;
    }

    p = ngx_pnalloc(cf->pool, len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    nlcf->image_hosts.data = p;

    for (i = 1; i < cf->args->nelts; i++) {
        if (i > 1) {
            *p++ = ' ';
        }

        p = ngx_cpymem(p, value[i].data, value[i].len);
    }

    nlcf->image_hosts.len = p - nlcf->image_hosts.data;

    return NGX_CONF_OK;
}


/* news_site_logo and news_site_stylesheet: a path or an http(s) URL */
static char *
ngx_http_news_check_url(ngx_conf_t *cf, const char *name, ngx_str_t *url)
{
    const char  *err;

    if (url->len == 0) {
        return NGX_CONF_OK;
    }

    err = news_url_check((char *) url->data, url->len);

    if (err != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%s\" %s: \"%V\"", name,
                           err, url);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_news(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_loc_conf_t *nlcf = conf;

    u_char                     *p;
    ngx_http_core_loc_conf_t   *clcf;
    ngx_http_news_main_conf_t  *nmcf;

    if (nlcf->enabled) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    nmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_news_module);

#if (NGX_PCRE)
    if (clcf->regex || clcf->named) {
        return "cannot be used in a regex or named location";
    }
#endif

    if (ngx_http_news_check_handler(cf, clcf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    /* the prefix is the <base href> of every page: it ends in a slash */
    nlcf->prefix.len = clcf->name.len;

    if (clcf->name.len == 0 || clcf->name.data[clcf->name.len - 1] != '/') {
        nlcf->prefix.len++;
    }

    p = ngx_pnalloc(cf->pool, nlcf->prefix.len);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(p, clcf->name.data, clcf->name.len);
    p[nlcf->prefix.len - 1] = '/';
    nlcf->prefix.data = p;

    nlcf->enabled = 1;
    nmcf->enabled = 1;
    clcf->handler = ngx_http_news_handler;

    return NGX_CONF_OK;
}


/*
 * The host of absolute links when news_base_url is not set: the server's
 * first name that is a plain host name (not "", "_", a wildcard or a
 * regex).  None: links come from each request's Host, and the answers
 * say that they vary by it (ngx_http_news_host).
 */
static char *
ngx_http_news_server_name(ngx_conf_t *cf, ngx_http_news_loc_conf_t *conf)
{
    u_char                    c;
    size_t                    j;
    ngx_uint_t                i;
    ngx_http_server_name_t   *sn;
    ngx_http_core_srv_conf_t *cscf;

    if (conf->base_url.len) {
        return NGX_CONF_OK;
    }

    cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
    sn = cscf->server_names.elts;

    for (i = 0; i < cscf->server_names.nelts; i++) {

#if (NGX_PCRE)
        if (sn[i].regex) {
            continue;
        }
#endif

        if (sn[i].name.len == 0 || sn[i].name.data[0] == '.') {
            continue;
        }

        for (j = 0; j < sn[i].name.len; j++) {
            c = sn[i].name.data[j];

            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                  || c == '.' || c == '-'))
            {
                break;
            }
        }

        if (j == sn[i].name.len) {
            conf->server_host = sn[i].name;
            return NGX_CONF_OK;
        }
    }

    return NGX_CONF_OK;
}


/*
 * A location has one content handler: "news" beside "proxy_pass" (or
 * any other directive that answers requests itself) would silently lose
 * to whichever came last.  Called when "news" is read (another came
 * first) and when locations are merged (another came after).
 */
static char *
ngx_http_news_check_handler(ngx_conf_t *cf, ngx_http_core_loc_conf_t *clcf)
{
    if (clcf->handler == NULL || clcf->handler == ngx_http_news_handler) {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"news\" and \"%s\" cannot be in the same location "
                       "\"%V\": each answers the requests itself; put them "
                       "in separate locations",
                       ngx_http_news_handler_directive(cf), &clcf->name);

    return NGX_CONF_ERROR;
}


/*
 * The name of the directive that set the location's content handler, for
 * the message above.  nginx keeps no record of it; the upstream modules'
 * location confs all begin with their ngx_http_upstream_conf_t, whose
 * first field is set by their *_pass directive.
 */
static const char *
ngx_http_news_handler_directive(ngx_conf_t *cf)
{
    ngx_uint_t                   i, j;
    ngx_module_t                *m;
    ngx_http_upstream_conf_t    *ucf;

    static const char  *passes[][2] = {
        { "ngx_http_proxy_module", "proxy_pass" },
        { "ngx_http_fastcgi_module", "fastcgi_pass" },
        { "ngx_http_uwsgi_module", "uwsgi_pass" },
        { "ngx_http_scgi_module", "scgi_pass" },
        { "ngx_http_grpc_module", "grpc_pass" },
        { "ngx_http_memcached_module", "memcached_pass" }
    };

    for (i = 0; cf->cycle->modules[i]; i++) {
        m = cf->cycle->modules[i];

        if (m->type != NGX_HTTP_MODULE) {
            continue;
        }

        for (j = 0; j < sizeof(passes) / sizeof(passes[0]); j++) {
            if (ngx_strcmp(m->name, passes[j][0]) != 0) {
                continue;
            }

            ucf = ((ngx_http_conf_ctx_t *) cf->ctx)->loc_conf[m->ctx_index];

            /* every location has each module's conf: ucf != NULL guards */
            if (ucf != NULL && ucf->upstream != NULL) {
                return passes[j][1];
            }
        }
    }

    return "another content handler (proxy_pass with variables, "
           "fastcgi_pass, stub_status, empty_gif, ...)";
}


static ngx_int_t
ngx_http_news_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_news_variables; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/*
 * The reader of this request's session cookie, looked up once; usable in
 * any location of a server (a proxy_cache front included) as long as
 * some location serves "news", which opens the store.
 */
static news_user_t *
ngx_http_news_variable_user(ngx_http_request_t *r)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    if (nmcf == NULL || !nmcf->store_open) {
        return NULL;
    }

    ngx_http_news_auth_lookup(r);

    return ngx_http_news_user(r);
}


/* $news_user: the logged-in username, empty for anyone else */
static ngx_int_t
ngx_http_news_user_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    news_user_t  *user;

    user = ngx_http_news_variable_user(r);

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = user ? (u_char *) user->name : (u_char *) "";
    v->len = user ? user->name_len : 0;

    return NGX_OK;
}


/* $news_role: reader, moderator, editor or admin; empty when anonymous */
static ngx_int_t
ngx_http_news_role_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char   *role;
    news_user_t  *user;

    user = ngx_http_news_variable_user(r);
    role = user ? news_role_name(user->role) : "";

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) role;
    v->len = ngx_strlen(role);

    return NGX_OK;
}


/*
 * $news_cacheable: "1" for a GET or HEAD without a valid session, whose
 * answer is the same bytes for every logged-out reader; else "0".
 */
static ngx_int_t
ngx_http_news_cacheable_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_uint_t  cacheable;

    cacheable = (r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))
                && ngx_http_news_variable_user(r) == NULL;

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;
    v->data = (u_char *) (cacheable ? "1" : "0");
    v->len = 1;

    return NGX_OK;
}


/*
 * Each worker opens its own environment after fork (an MDB_env must not
 * cross a fork) and as the unprivileged user, so that permissions are
 * exactly what the workers will live with.
 */
static ngx_int_t
ngx_http_news_init_process(ngx_cycle_t *cycle)
{
    news_err_t                  err;
    ngx_http_news_main_conf_t  *nmcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    nmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_news_module);
    if (nmcf == NULL || !nmcf->enabled) {
        return NGX_OK;
    }

    if (news_store_open(&nmcf->store, (char *) nmcf->db.data,
                        (uint64_t) nmcf->db_size, &err)
        != NEWS_OK)
    {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "news_db: %s", err.msg);
        return NGX_ERROR;
    }

#ifdef M_MMAP_THRESHOLD
    /*
     * Argon2id takes 19 MiB or more per hash in pool threads.  glibc's
     * sliding mmap threshold would soon keep such blocks in per-thread
     * arenas for good; a fixed threshold maps and unmaps them each time,
     * so a worker's memory goes back to what reading pages needs.  Not
     * lower: LMDB allocates 2 MiB per nested write txn, and mapping that
     * for every write costs a TLB shootdown on every CPU.
     */
    (void) mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024);
#endif

#ifdef M_ARENA_MAX
    /*
     * Each pool thread that ever leads a write batch would keep its own
     * malloc arena with LMDB's 2 MiB dirty lists in it: tens of MiB per
     * worker.  Writes take turns anyway; two arenas are enough.
     */
    (void) mallopt(M_ARENA_MAX, 2);
#endif

    if (news_writer_init(&nmcf->writer, &nmcf->store) != 0) {
        ngx_log_error(NGX_LOG_EMERG, cycle->log, ngx_errno,
                      "news: the writer's mutex could not be created");
        news_store_close(&nmcf->store);
        return NGX_ERROR;
    }

    /* a batch of comments on one article renders its pages once */
    nmcf->writer.flush = news_articles_flush;

    nmcf->store_open = 1;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, cycle->log, 0,
                   "news: store \"%V\" open in this worker", &nmcf->db);

    if (nmcf->store.readonly) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "news_db: \"%V\" is on a read-only file system: "
                      "serving reads, refusing writes with 503", &nmcf->db);
    }

    if (nmcf->store.dead_readers) {
        ngx_log_error(NGX_LOG_WARN, cycle->log, 0,
                      "news_db: cleared %d stale reader slots of \"%V\"",
                      nmcf->store.dead_readers, &nmcf->db);
    }

    ngx_http_news_disown_left(cycle, nmcf);

    return ngx_http_news_edge_start(cycle, nmcf);
}


/*
 * A deleted account whose comments a stopped worker left half disowned
 * (one seek in the author index): the disowning goes on in the
 * background.
 */
static void
ngx_http_news_disown_left(ngx_cycle_t *cycle, ngx_http_news_main_conf_t *nmcf)
{
    int         more;
    news_err_t  err;

    if (!nmcf->store.readonly
        && news_author_disown_waiting(&nmcf->store, &more, &err) == NEWS_OK
        && more)
    {
        ngx_http_news_disown(nmcf, cycle->log);
    }
}


static void
ngx_http_news_exit_process(ngx_cycle_t *cycle)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_news_module);
    if (nmcf == NULL || !nmcf->store_open) {
        return;
    }

    /* the thread pools have exited by now: no write is in flight */
    ngx_http_news_edge_stop(nmcf);
    news_writer_destroy(&nmcf->writer);
    news_store_close(&nmcf->store);
    nmcf->store_open = 0;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, cycle->log, 0,
                   "news: store closed in this worker");
}


/* news_password_cost 19m 2;  Argon2id memory and passes, OWASP floor */
static char *
ngx_http_news_password_cost(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    ssize_t     size;
    ngx_int_t   passes;
    ngx_str_t  *value;

    if (nmcf->argon2_memory != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[1]);
    if (size == NGX_ERROR || size / 1024 < NEWS_ARGON2_MEMORY_MIN
        || size / 1024 > 4 * 1024 * 1024)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid memory \"%V\" in \"news_password_cost\": "
                           "use 19m (the OWASP minimum) to 4096m",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    passes = ngx_atoi(value[2].data, value[2].len);
    if (passes < NEWS_ARGON2_PASSES_MIN || passes > 100) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid passes \"%V\" in \"news_password_cost\": "
                           "use 2 (the OWASP minimum) to 100", &value[2]);
        return NGX_CONF_ERROR;
    }

    nmcf->argon2_memory = size / 1024;
    nmcf->argon2_passes = passes;

    return NGX_CONF_OK;
}


/* news_login_throttle 5 20;  failures per account, per address */
static char *
ngx_http_news_login_throttle(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t *nmcf = conf;

    ngx_int_t   n[2];
    ngx_str_t  *value;
    ngx_uint_t  i;

    if (nmcf->throttle_account != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 0; i < 2; i++) {
        n[i] = ngx_atoi(value[i + 1].data, value[i + 1].len);

        if (n[i] < 1 || n[i] > 100000) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid number \"%V\" in "
                               "\"news_login_throttle\": use 1 to 100000",
                               &value[i + 1]);
            return NGX_CONF_ERROR;
        }
    }

    nmcf->throttle_account = n[0];
    nmcf->throttle_address = n[1];

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_news_handler(ngx_http_request_t *r)
{
    return ngx_http_news_route(r);
}


/* news_comment_close_after time | off: a time of at least a second */
static char *
ngx_http_news_close_after(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_news_main_conf_t  *nmcf = conf;

    time_t      t;
    ngx_str_t  *value;

    if (nmcf->comment_close_after != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        nmcf->comment_close_after = 0;
        return NGX_CONF_OK;
    }

    t = ngx_parse_time(&value[1], 1);

    if (t == (time_t) NGX_ERROR || t < 1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%V\" takes a time of a "
                           "second or more (30d, 12h) or \"off\", not "
                           "\"%V\"", &cmd->name, &value[1]);
        return NGX_CONF_ERROR;
    }

    nmcf->comment_close_after = t;

    return NGX_CONF_OK;
}
