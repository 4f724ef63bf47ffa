/*
 * Thread-pool offload: "run this in a pool thread, then resume the
 * request on the event loop".  Password hashing and every write
 * transaction (which fsyncs twice at commit) go through here, so the
 * worker's event loop never waits for the CPU or the disk.
 *
 * Hashing has a pool of its own (news_hash_thread_pool), so that a crowd
 * of logins never queues ahead of a comment's write, and a cap on the
 * hashes a worker has queued or running (news_hash_queue): beyond it a
 * login or registration is refused at once rather than waiting.
 *
 * The request outlives the task, as nginx's own thread users arrange
 * (ngx_http_file_cache.c, ngx_http_copy_filter_module.c): before
 * posting, count and blocked go up, so neither a client that goes away
 * nor a timeout frees r->pool (which holds the task) while a thread
 * works on it.  When the thread is done, the event handler takes blocked
 * down and calls r->write_event_handler: our resume function, or nginx's
 * own finalizer if the request was terminated meanwhile.  The resume
 * function answers and finalizes exactly once.
 */

#include "ngx_http_news.h"



typedef struct {
    ngx_http_news_work_pt   work;
    ngx_http_news_done_pt   done;
    void                   *data;
    ngx_uint_t              finished;   /* set on the event loop */
    ngx_uint_t              hash;       /* counted in nmcf->hashes */
    ngx_event_t             guard;      /* holds off a graceful exit */
} ngx_http_news_task_t;


static ngx_int_t ngx_http_news_task_post(ngx_http_request_t *r,
    ngx_uint_t pool, ngx_http_news_work_pt work, ngx_http_news_done_pt done,
    void *data);
static ngx_int_t ngx_http_news_hash_post(ngx_http_request_t *r,
    ngx_http_news_work_pt work, ngx_http_news_done_pt done, void *data);
static ngx_int_t ngx_http_news_post(ngx_http_request_t *r,
    ngx_thread_pool_t *pool, ngx_http_news_work_pt work,
    ngx_http_news_done_pt done, void *data, ngx_uint_t hash);
static void ngx_http_news_task_handler(void *data, ngx_log_t *log);
static void ngx_http_news_detached_handler(void *data, ngx_log_t *log);
static void ngx_http_news_detached_done(ngx_event_t *ev);


/* work that no request waits for: its data lives in the task */
typedef struct {
    ngx_http_news_work_pt   work;
    void                   *data;
} ngx_http_news_detached_t;
static void ngx_http_news_task_event(ngx_event_t *ev);
static void ngx_http_news_task_resume(ngx_http_request_t *r);
static void ngx_http_news_task_guard(ngx_event_t *ev);


/*
 * Re-armed until the task is done; it only keeps the timer tree busy.
 * make coverage's test build sets it to half a second, so that the tasks
 * t/74 holds outlive it.
 */
#ifndef NGX_HTTP_NEWS_GUARD_MS
#define NGX_HTTP_NEWS_GUARD_MS  60000
#endif


/*
 * Posts work(data) to a thread pool (NGX_HTTP_NEWS_POOL_*: the writes',
 * the hashing or the search pool); done(r, data) runs on the event loop afterwards and
 * its result finalizes the request.  data must live in r->pool and hold
 * copies of every input: the thread may not touch r, pools or logs.
 * Returns what the handler returns: NGX_DONE, or, when the pool's queue
 * (or news_hash_queue) is full, a 503 with Retry-After answered here.
 */
ngx_int_t
ngx_http_news_task_start(ngx_http_request_t *r, ngx_uint_t pool,
    ngx_http_news_work_pt work, ngx_http_news_done_pt done, void *data)
{
    ngx_int_t  rc;

    rc = pool == NGX_HTTP_NEWS_POOL_HASH
         ? ngx_http_news_hash_post(r, work, done, data)
         : ngx_http_news_task_post(r, pool, work, done, data);

    return rc == NGX_OK ? NGX_DONE : ngx_http_news_busy(r);
}


/*
 * A write of `kind` to the writes' pool, its time (*now, a field of
 * data) taken first, on the event loop that keeps nginx's clock: the
 * one way the article, comment, moderation and report writes are posted.
 */
ngx_int_t
ngx_http_news_write_start(ngx_http_request_t *r,
    const ngx_http_news_write_t *kind, int64_t *now, void *data)
{
    *now = ngx_time();

    return ngx_http_news_task_start(r, NGX_HTTP_NEWS_POOL_WRITES, kind->work,
                                    kind->done, data);
}


/* 503 with Retry-After: the work was not taken, try again in a moment */
ngx_int_t
ngx_http_news_busy(ngx_http_request_t *r)
{
    ngx_http_news_ctx_t  *ctx;

    /* never taken in a test: see ngx_http_news_header_out */
    if (ngx_http_news_add_header(r, "Retry-After", "1") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx = ngx_http_news_get_ctx(r);

    if (ctx != NULL && ctx->json) {
        return ngx_http_news_json_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                        "busy", "the site is busy; try "
                                        "again after Retry-After seconds");
    }

    return ngx_http_news_html_error(r, NGX_HTTP_SERVICE_UNAVAILABLE, "Busy",
                                    "The site is busy; please try again in "
                                    "a moment.");
}


/* to the writes' or the search pool: NGX_OK or NGX_ERROR (the queue is
 * full, logged) */
static ngx_int_t
ngx_http_news_task_post(ngx_http_request_t *r, ngx_uint_t pool,
    ngx_http_news_work_pt work, ngx_http_news_done_pt done, void *data)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    return ngx_http_news_post(r, pool == NGX_HTTP_NEWS_POOL_SEARCH
                                 ? nmcf->search_pool : nmcf->thread_pool,
                              work, done, data, 0);
}


/*
 * The same for work that hashes a password: to the hashing pool, and
 * NGX_DECLINED (nothing posted) when the worker already has
 * news_hash_queue hashes queued or running.
 */
static ngx_int_t
ngx_http_news_hash_post(ngx_http_request_t *r, ngx_http_news_work_pt work,
    ngx_http_news_done_pt done, void *data)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    if (nmcf->hashes >= nmcf->hash_queue) {
        return NGX_DECLINED;
    }

    if (ngx_http_news_post(r, nmcf->hash_pool, work, done, data, 1)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    nmcf->hashes++;

    return NGX_OK;
}


static ngx_int_t
ngx_http_news_post(ngx_http_request_t *r, ngx_thread_pool_t *pool,
    ngx_http_news_work_pt work, ngx_http_news_done_pt done, void *data,
    ngx_uint_t hash)
{
    ngx_thread_task_t          *task;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_task_t       *t;

    /* the router made the request's ctx before any handler: not NULL */
    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /* nginx's own allocation, which the test build cannot fail (it wraps
     * the module's own calls to the pool alone) */
    task = ngx_thread_task_alloc(r->pool, sizeof(ngx_http_news_task_t));
    if (task == NULL) {
        return NGX_ERROR;
    }

    t = task->ctx;
    t->work = work;
    t->done = done;
    t->data = data;
    t->finished = 0;
    t->hash = hash;

    task->handler = ngx_http_news_task_handler;
    task->event.data = r;
    task->event.handler = ngx_http_news_task_event;

    if (ngx_thread_task_post(pool, task) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx->task = t;

    /*
     * A gracefully exiting worker (reload, quit) leaves its event loop as
     * soon as no non-cancelable timer is left (ngx_event_no_timers_left),
     * and a request waiting for a pool thread has none: the write would
     * commit in the thread but the answer would never be sent, the
     * client would see the connection close and the worker would log
     * "open socket left".  This timer keeps the worker in its loop until
     * the completion handler has answered.
     */
    t->guard.handler = ngx_http_news_task_guard;
    t->guard.data = r;
    t->guard.log = r->connection->log;
    t->guard.cancelable = 0;
    ngx_add_timer(&t->guard, NGX_HTTP_NEWS_GUARD_MS);

    r->main->blocked++;
    r->main->count++;
    r->write_event_handler = ngx_http_news_task_resume;

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "news: task posted");

    return NGX_OK;
}


/*
 * Posts work(data) to the writes' pool with no request waiting for it
 * (a session's "last seen"): size bytes of data are copied into a task
 * of its own, freed on the event loop when the work is done.  Best
 * effort: NGX_ERROR when it could not be posted.
 */
ngx_int_t
ngx_http_news_task_detach(ngx_http_request_t *r, ngx_http_news_work_pt work,
    void *data, size_t size)
{
    return ngx_http_news_detach(
               ngx_http_get_module_main_conf(r, ngx_http_news_module),
               r->connection->log, work, data, size);
}


/* the same with no request at all (a worker's start) */
ngx_int_t
ngx_http_news_detach(ngx_http_news_main_conf_t *nmcf, ngx_log_t *log,
    ngx_http_news_work_pt work, void *data, size_t size)
{
    ngx_thread_task_t         *task;
    ngx_http_news_detached_t  *d;

    /* nginx's malloc: the fault shim fails the module's own calls alone */
    task = ngx_calloc(sizeof(ngx_thread_task_t)
                      + sizeof(ngx_http_news_detached_t) + size, log);
    if (task == NULL) {
        return NGX_ERROR;
    }

    d = (ngx_http_news_detached_t *) (task + 1);
    d->work = work;
    d->data = d + 1;
    ngx_memcpy(d->data, data, size);

    task->ctx = d;
    task->handler = ngx_http_news_detached_handler;
    task->event.handler = ngx_http_news_detached_done;
    task->event.data = task;
    task->event.log = ngx_cycle->log;

    if (ngx_thread_task_post(nmcf->thread_pool, task) != NGX_OK) {
        ngx_free(task);
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_http_news_detached_handler(void *data, ngx_log_t *log)
{
    ngx_http_news_detached_t  *d = data;

    (void) log;

    d->work(d->data);
}


static void
ngx_http_news_detached_done(ngx_event_t *ev)
{
    ngx_free(ev->data);
}


/* in a pool thread */
static void
ngx_http_news_task_handler(void *data, ngx_log_t *log)
{
    ngx_http_news_task_t  *t = data;

    (void) log;

    t->work(t->data);
}


/* on the event loop, as nginx's own thread users do */
static void
ngx_http_news_task_event(ngx_event_t *ev)
{
    ngx_connection_t           *c;
    ngx_http_request_t         *r;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_task_t       *t;
    ngx_http_news_main_conf_t  *nmcf;

    r = ev->data;
    c = r->connection;

    ngx_http_set_log_request(c->log, r);

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "news: task done \"%V\"", &r->uri);

    /* the task's own ctx, even if r's module ctx was zeroed meanwhile */
    t = ((ngx_thread_task_t *)
         ((u_char *) ev - offsetof(ngx_thread_task_t, event)))->ctx;

    if (t->guard.timer_set) {
        ngx_del_timer(&t->guard);
    }

    if (t->hash) {
        nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
        nmcf->hashes--;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);
    if (ctx != NULL && ctx->task != NULL) {
        t = ctx->task;
        t->finished = 1;
    }

    r->main->blocked--;

    r->write_event_handler(r);

    ngx_http_run_posted_requests(c);
}


/*
 * Also called by write events that arrive while the thread still works
 * (the connection stays writable): then there is nothing to do yet.
 */
static void
ngx_http_news_task_resume(ngx_http_request_t *r)
{
    ngx_http_news_ctx_t   *ctx;
    ngx_http_news_task_t  *t;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);
    if (ctx == NULL || ctx->task == NULL) {
        return;
    }

    t = ctx->task;
    if (!t->finished) {
        return;
    }

    ctx->task = NULL;
    r->write_event_handler = ngx_http_request_empty_handler;

    ngx_http_finalize_request(r, t->done(r, t->data));
}


/* a task slower than the guard's period: wait on */
static void
ngx_http_news_task_guard(ngx_event_t *ev)
{
    ngx_add_timer(ev, NGX_HTTP_NEWS_GUARD_MS);
}
