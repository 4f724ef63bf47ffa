/*
 * ngx_http_news_module: a news site answered inside the nginx worker from
 * an LMDB store.  This file defines the module: its directive table and
 * contexts, and the per-worker lifecycle of the store.  The directives'
 * handlers and the confs made, merged and checked are in the files that
 * src/http/ngx_http_news_conf.h names; the routes live in src/http/, the
 * engine in src/engine/.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <malloc.h>

#include "http/ngx_http_news.h"
#include "http/ngx_http_news_conf.h"
#include "engine/publish.h"
#include "engine/shared_writer.h"


static ngx_int_t ngx_http_news_init_process(ngx_cycle_t *cycle);
static void ngx_http_news_exit_process(ngx_cycle_t *cycle);
static void ngx_http_news_disown_left(ngx_cycle_t *cycle,
    ngx_http_news_main_conf_t *nmcf);


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

    /* every worker's comment posts in one batch (engine/shared_writer.h) */
    if (!nmcf->store.readonly) {
        nmcf->writer.shared = nmcf->shared;
    }

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
    unsigned long               batches, writes, mixed;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_news_module);
    if (nmcf == NULL || !nmcf->store_open) {
        return;
    }

    /* the thread pools have exited by now: no write is in flight */
    ngx_http_news_edge_stop(nmcf);

    if (nmcf->writer.shared != NULL) {
        news_shared_counts(nmcf->writer.shared, &batches, &writes, &mixed);
        ngx_log_debug3(NGX_LOG_DEBUG_HTTP, cycle->log, 0,
                       "news: the shared writer so far: %ul comment posts "
                       "in %ul batches, %ul with another worker's",
                       writes, batches, mixed);
    }

    news_writer_destroy(&nmcf->writer);
    news_store_close(&nmcf->store);
    nmcf->store_open = 0;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, cycle->log, 0,
                   "news: store closed in this worker");
}
