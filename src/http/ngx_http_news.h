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
#include "engine/comments.h"
#include "engine/keys.h"
#include "engine/edge.h"
#include "engine/policy.h"
#include "engine/reader.h"
#include "engine/render.h"
#include "engine/render_desk.h"
#include "engine/sessions.h"
#include "engine/store.h"
#include "engine/users.h"
#include "engine/writer.h"

#if !(NGX_THREADS)
#error the news module needs nginx built --with-threads
#endif

#if !(NGX_PCRE)
#error the news module needs nginx built with PCRE (its router)
#endif


#define NGX_HTTP_NEWS_PAGE_SIZE    20
#define NGX_HTTP_NEWS_PAGE_MAX     100000
/* ?page=N of lists: each page walks over those before it (20 x 49) */
#define NGX_HTTP_NEWS_LIST_PAGES   NEWS_LIST_PAGES
#define NGX_HTTP_NEWS_API_LIMIT    100
#define NGX_HTTP_NEWS_NEXT_MAX     1024


/* a route's compiled pattern (ngx_http_news_router.c) */
typedef struct ngx_http_news_route_re_s  ngx_http_news_route_re_t;


typedef struct {
    ngx_str_t           db;             /* news_db, full path */
    off_t               db_size;        /* news_db_size */
    ngx_flag_t          enabled;        /* some location has news; */

    ngx_str_t           thread_pool_name;   /* news_thread_pool */
    ngx_thread_pool_t  *thread_pool;
    ngx_str_t           hash_pool_name;     /* news_hash_thread_pool */
    ngx_thread_pool_t  *hash_pool;
    ngx_str_t           search_pool_name;   /* news_search_thread_pool */
    ngx_thread_pool_t  *search_pool;
    ngx_uint_t          hash_queue;         /* news_hash_queue */
    time_t              session_ttl;        /* news_session_ttl */
    time_t              session_idle;       /* news_session_idle */
    size_t              body_max;           /* news_body_max */
    ngx_uint_t          argon2_memory;      /* news_password_cost, KiB */
    ngx_uint_t          argon2_passes;
    ngx_uint_t          throttle_account;   /* news_login_throttle */
    ngx_uint_t          throttle_address;
    ngx_uint_t          throttle_register;  /* news_register_throttle */
    ngx_str_t           scheme_header;      /* news_scheme_header */

    ngx_int_t           comment_max;        /* news_comment_max_length */
    time_t              comment_edit_window;
    ngx_flag_t          comment_premoderation;
    ngx_int_t           comment_rate;       /* per user and minute */
    ngx_int_t           comment_max_links;  /* more: held */
    ngx_int_t           comment_trust;      /* first approved ones held */
    ngx_int_t           comment_report_hide; /* reports that hide one */
    time_t              comment_close_after; /* 0: comments stay open */
    time_t              cache_max_age;      /* news_cache_max_age */
    ngx_array_t        *edges;              /* news_edge URLs */
    ngx_str_t           live_publish;       /* news_live_publish URL */

    /* the workers' shared writer of comment posts (made at configuration) */
    ngx_shm_zone_t     *shared_zone;
    struct news_shared_s  *shared;

    /* worker process state, set in init_process */
    news_store_t        store;
    news_writer_t       writer;             /* group commit */
    ngx_uint_t          hashes;         /* queued or running (tasks.c) */
    ngx_uint_t          searches;       /* queued or running (search.c) */
    ngx_uint_t          store_open;
    news_drain_t        drain;          /* tells the edges (worker 0) */

    ngx_http_news_route_re_t  *routes;  /* the route table's regexes */
} ngx_http_news_main_conf_t;


typedef struct {
    ngx_flag_t          enabled;
    ngx_str_t           prefix;         /* the location: "/" or "/news/" */
    ngx_str_t           site_name;      /* news_site_name */
    ngx_str_t           site_logo;      /* news_site_logo, or empty */
    ngx_str_t           site_css;       /* news_site_stylesheet, or empty */
    ngx_str_t           image_hosts;    /* news_image_hosts, parted by
                                           spaces, or empty */
    ngx_str_t           csp;            /* of HTML pages, NUL-terminated */
    ngx_str_t           chrome[NEWS_CHROME_N];
    uint32_t            chrome_crc;     /* in every ETag: a new chrome */
    ngx_str_t           base_url;       /* news_base_url, or empty */
    ngx_str_t           server_host;    /* the first plain server_name */
    ngx_str_t           site_html;      /* the name escaped for HTML */
    ngx_str_t           site_json;      /* ... and inside a JSON string */
    ngx_flag_t          security_headers;   /* news_security_headers */
    ngx_array_t        *nav;            /* news_nav: NULL or empty: none;
                                           else the sections' names */
    ngx_str_t           nav_html;       /* news_nav's links, rendered */
} ngx_http_news_loc_conf_t;


/* a route's handler gets the path below the location and the slug, if any */
typedef struct {
    ngx_str_t           path;
    ngx_str_t           slug;
} ngx_http_news_route_t;


typedef ngx_int_t (*ngx_http_news_handler_pt)(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* a request body, read into memory: returns what to finalize with */
typedef ngx_int_t (*ngx_http_news_body_pt)(ngx_http_request_t *r,
    ngx_str_t *body);

/* runs in a pool thread: thread-safe code only, no r, no pools, no log */
typedef void (*ngx_http_news_work_pt)(void *data);

/* runs on the event loop when the work is done: what to finalize with */
typedef ngx_int_t (*ngx_http_news_done_pt)(ngx_http_request_t *r,
    void *data);

/* a kind of write: its work in the writes' pool, then its answer */
typedef struct {
    ngx_http_news_work_pt   work;
    ngx_http_news_done_pt   done;
} ngx_http_news_write_t;


#define NGX_HTTP_NEWS_RECENT      5       /* own comments offered to edit */


/* a piece of a page to put in: under comment id, or at offset id */
typedef struct {
    uint64_t                    id;
    ngx_str_t                   html;
} ngx_http_news_insert_t;


/* the per-request state of the module */
typedef struct {
    news_user_t                *user;       /* NULL: anonymous */
    news_actor_t                actor;      /* the user, as the engine's */
    u_char                      token[NEWS_TOKEN_LEN];  /* of the session */
    unsigned                    looked_up:1;
    unsigned                    moderator:1;    /* with ... */
    uint64_t                    waiting;        /* ... the queue's count */
    unsigned                    json:1;     /* errors are JSON */

    ngx_http_news_body_pt       body_done;
    void                       *task;       /* ngx_http_news_task_t */
    void                       *data;       /* the route's own state */
    ngx_str_t                   csrf;       /* hex, once made */

    /* a refused comment form, shown again with its text and error */
    ngx_uint_t                  form_status;
    ngx_str_t                   form_error;
    ngx_str_t                   form_text;
    uint64_t                    form_parent;

    /* a reply's form, for the article page to put under its comment */
    ngx_str_t                   reply_form;
    uint64_t                    reply_id;

    /* ngx_http_news_insert_t: under the reader's own comments, the same */
    ngx_array_t                *own;

    /* 0, or when a list gets stale: the next scheduled article is due */
    time_t                      stale_at;

    /* a list's section or tag ("s" or "t" . slug): its surrogate key */
    const char                 *topic;

} ngx_http_news_ctx_t;


extern ngx_module_t  ngx_http_news_module;


/* the worker's store */
#define ngx_http_news_module_store(r)                                        \
    (((ngx_http_news_main_conf_t *)                                           \
      ngx_http_get_module_main_conf(r, ngx_http_news_module))->store)


ngx_int_t ngx_http_news_routes_compile(ngx_conf_t *cf,
    ngx_http_news_main_conf_t *nmcf);
ngx_int_t ngx_http_news_route(ngx_http_request_t *r);

/* request.c: what a handler has of its request */
ngx_http_news_ctx_t *ngx_http_news_get_ctx(ngx_http_request_t *r);
/* the logged-in reader as the engine's acting user, or NULL */
news_actor_t *ngx_http_news_actor(ngx_http_request_t *r,
    news_actor_t *actor);
/* the request's reader, begun (engine/reader.h; end: news_reader_end) */
int ngx_http_news_reader(ngx_http_request_t *r, news_reader_t *rd,
    news_err_t *err);
/* ETag, Last-Modified and Cache-Control of a list, from its reader */
int ngx_http_news_list_stamp(ngx_http_request_t *r, news_reader_t *rd,
    char kind, news_err_t *err);
/* a renderer's buffer, the request's own (never NULL; b->failed) */
news_buf_t *ngx_http_news_buf(ngx_http_request_t *r);
/* what a renderer wrote, copied into r->pool */
ngx_int_t ngx_http_news_buf_copy(ngx_http_request_t *r, news_buf_t *b,
    ngx_str_t *s);

/* pages.c: HTML */
ngx_int_t ngx_http_news_front(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_section(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_tag(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_old_address(ngx_http_request_t *r);
/* a fragment's parts as pieces to assemble (room for NEWS_PARTS_MAX) */
ngx_uint_t ngx_http_news_fragment_pieces(const news_page_t *page,
    ngx_str_t *pieces);
/* 301 to the article's address now (the page's, or api: its JSON's) */
ngx_int_t ngx_http_news_moved(ngx_http_request_t *r, const char *slug,
    ngx_uint_t api);
char *ngx_http_news_topic_key(ngx_http_request_t *r, char kind,
    ngx_str_t *slug);

/* the gaps between chrome pieces, in page order */
typedef struct {
    ngx_str_t   title;
    ngx_str_t   head;
    ngx_str_t   path;       /* this page below the location: skip link */
    ngx_str_t   nav;        /* empty: the user's links, or the anonymous */
    ngx_str_t   box;        /* the header box's value="...", or empty */
    ngx_str_t   main;
    ngx_str_t   count;      /* an article's: its comment count's words, */
    ngx_str_t   main_end;   /* and the rest of the story after them */
    ngx_str_t   above;      /* above an article's thread: its order's
                               links, the editors' picks */
    ngx_str_t   comments;   /* an article's comment page */
    ngx_str_t   slot;       /* per reader: comment form or login link */
    ngx_str_t   tail;
} ngx_http_news_page_t;

/* the chrome's, news_nav's links and ngx_http_news_page_t's 12 */
#define NGX_HTTP_NEWS_PIECES  (NEWS_CHROME_N + 12)

/* ?sort=oldest|newest of an article's comments (oldest when absent) */
ngx_int_t ngx_http_news_sort_arg(ngx_http_request_t *r, ngx_uint_t *newest);

/* ?name=N, a whole number from 1 (1 when absent) */
ngx_int_t ngx_http_news_number_arg(ngx_http_request_t *r, const char *name,
    ngx_uint_t *n);
ngx_int_t ngx_http_news_page_pieces(ngx_http_request_t *r,
    ngx_http_news_page_t *pg, ngx_str_t *pieces);
/* a page in the site's chrome, sent as HTML with this status */
ngx_int_t ngx_http_news_send_page(ngx_http_request_t *r, ngx_uint_t status,
    ngx_http_news_page_t *pg);

/* article_page.c: the article page */
ngx_int_t ngx_http_news_article(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* feed.c: Atom, sitemap, robots.txt */
ngx_int_t ngx_http_news_feed(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_sitemap(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_robots(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_topic_feed(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_comments_feed(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* search.c: the search page and its JSON */
ngx_int_t ngx_http_news_search(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_search(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* the values of the markers of stored fragments (render.h) */
ngx_int_t ngx_http_news_marks(ngx_http_request_t *r, news_str_t *marks);

/* api.c: JSON */
ngx_int_t ngx_http_news_api_articles(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_article(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* account.c: the account forms */
ngx_int_t ngx_http_news_login(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_register(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_logout(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_account(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation_sessions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
/* a logged-in reader's form page: the session's CSRF token, the error */
ngx_int_t ngx_http_news_form_of(ngx_http_request_t *r, news_form_t *f,
    const char *field, const char *msg);
/* a form page in the chrome, never stored by a cache */
ngx_int_t ngx_http_news_form_send(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, ngx_http_news_page_t *pg);

/* account_api.c: the accounts' JSON */
ngx_int_t ngx_http_news_api_users(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_session(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_me(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_sessions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_password(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_session_end(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_user_sessions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* account_task.c: deleted accounts' comments disowned, in the background */
void ngx_http_news_disown(ngx_http_news_main_conf_t *nmcf, ngx_log_t *log);

/* session.c: who is asking */
void ngx_http_news_auth_lookup(ngx_http_request_t *r);
news_user_t *ngx_http_news_user(ngx_http_request_t *r);
ngx_int_t ngx_http_news_auth_nav(ngx_http_request_t *r, ngx_str_t *nav);

/* csrf.c: other sites' requests kept out */
ngx_int_t ngx_http_news_csrf_value(ngx_http_request_t *r, ngx_str_t *hex);
ngx_int_t ngx_http_news_csrf_check(ngx_http_request_t *r, ngx_str_t *value);
/* NGX_DECLINED, or a foreign Origin refused (403 foreign_origin) */
ngx_int_t ngx_http_news_own_origin(ngx_http_request_t *r);
ngx_table_elt_t *ngx_http_news_header_in(ngx_http_request_t *r,
    const char *name);
/* over TLS, or behind a TLS proxy that says so (news_scheme_header) */
ngx_uint_t ngx_http_news_secure(ngx_http_request_t *r);

/* editors.c: the editors' API */
ngx_int_t ngx_http_news_api_create(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_change(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_revisions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

enum {
    NGX_HTTP_NEWS_A_CREATE = 0,
    NGX_HTTP_NEWS_A_UPDATE,
    NGX_HTTP_NEWS_A_PATCH,
    NGX_HTTP_NEWS_A_DELETE
};

/* an article write, from the API or the desk's forms */
typedef struct {
    ngx_uint_t          action;         /* NGX_HTTP_NEWS_A_* */
    char                slug[NEWS_SLUG_MAX + 1];  /* the one in the URL */
    news_article_t      a;
    cJSON              *patch;          /* PATCH: the fields it changes */
    news_actor_t        actor;
    char                name[NEWS_NAME_MAX + 1];
    int64_t             now;
    news_writer_t      *writer;
    ngx_str_t           path;           /* the desk: the form's page */
    news_desk_fields_t  fields;         /* the desk: the form as sent */
    int                 desk_action;    /* the desk: NEWS_DESK_SAVE .. */
    int                 rc;             /* out: NEWS_* */
    news_err_t          err;            /* out */
} ngx_http_news_awrite_t;

ngx_http_news_awrite_t *ngx_http_news_awrite_new(ngx_http_request_t *r,
    ngx_uint_t action, ngx_str_t *slug);
void ngx_http_news_awrite_work(void *data);

/* desk.c: the editors' desk in the browser */
ngx_int_t ngx_http_news_desk(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_desk_new(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_desk_article(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_desk_delete(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_desk_may(ngx_http_request_t *r);
ngx_int_t ngx_http_news_desk_send(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, ngx_str_t *path, const char *title);
extern const ngx_http_news_write_t  ngx_http_news_desk_write;

/* desk_versions.c: an article's versions on the desk */
ngx_int_t ngx_http_news_desk_revisions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* words.c: the moderators' word lists */
ngx_int_t ngx_http_news_api_words(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation_words(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* community.c: the moderators' other tools */
ngx_int_t ngx_http_news_api_suspension(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation_user(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation_log(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_user_comments(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_modlog(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* comments.c: comment writes and moderation */
ngx_int_t ngx_http_news_comment_post(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_comment_action(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_api_comment(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_comments_close(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_comments_open(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
/* an editors' pick: POST or DELETE /api/comments/{id}/featured */
ngx_int_t ngx_http_news_api_featured(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
/* a comment's number as the request gives it: a whole number from 1 */
ngx_int_t ngx_http_news_id(const char *s, size_t n, uint64_t *id);
/* the news_comment_* directives, for the engine's rules */
void ngx_http_news_comment_policy(ngx_http_request_t *r,
    news_comment_policy_t *p);

/* reports.c: readers' reports of comments, the "Reported" tab */
ngx_int_t ngx_http_news_api_reports(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_report_page(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation_reported(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);

/* comment_pages.c: comments read, the queue, a thread's page */
ngx_int_t ngx_http_news_api_comments(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_moderation(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
ngx_int_t ngx_http_news_thread(ngx_http_request_t *r,
    ngx_http_news_route_t *rt);
/* the slot under an article for a logged-in reader: the form, own edits */
ngx_int_t ngx_http_news_comment_form(ngx_http_request_t *r,
    news_reader_t *rd, news_article_view_t *v, ngx_str_t *slug,
    ngx_str_t *slot);

/* body.c: request bodies */
ngx_int_t ngx_http_news_read_body(ngx_http_request_t *r, ngx_uint_t json,
    ngx_http_news_body_pt done);
struct cJSON *ngx_http_news_json_parse(ngx_str_t *body, const char **why);
struct cJSON *ngx_http_news_json_body(ngx_http_request_t *r, ngx_str_t *body,
    ngx_int_t *rc);
ngx_int_t ngx_http_news_body_route(ngx_http_request_t *r, ngx_uint_t json,
    int act, ngx_uint_t methods, ngx_http_news_body_pt done);
ngx_int_t ngx_http_news_form_fields(ngx_http_request_t *r, ngx_str_t *body,
    const char *const *names, ngx_str_t **values, ngx_uint_t n);
ngx_int_t ngx_http_news_form_read(ngx_http_request_t *r, ngx_str_t *body,
    const char *const *names, ngx_str_t **values, ngx_uint_t n);

/* tasks.c: the thread pools */
#define NGX_HTTP_NEWS_POOL_WRITES  0    /* news_thread_pool */
#define NGX_HTTP_NEWS_POOL_HASH    1    /* news_hash_thread_pool */
#define NGX_HTTP_NEWS_POOL_SEARCH  2    /* news_search_thread_pool */

ngx_int_t ngx_http_news_task_start(ngx_http_request_t *r, ngx_uint_t pool,
    ngx_http_news_work_pt work, ngx_http_news_done_pt done, void *data);
ngx_int_t ngx_http_news_write_start(ngx_http_request_t *r,
    const ngx_http_news_write_t *kind, int64_t *now, void *data);
ngx_int_t ngx_http_news_busy(ngx_http_request_t *r);
ngx_int_t ngx_http_news_task_detach(ngx_http_request_t *r,
    ngx_http_news_work_pt work, void *data, size_t size);
ngx_int_t ngx_http_news_detach(ngx_http_news_main_conf_t *nmcf,
    ngx_log_t *log, ngx_http_news_work_pt work, void *data, size_t size);

/* respond.c: every answer */
ngx_buf_t *ngx_http_news_assemble(ngx_http_request_t *r, ngx_str_t *pieces,
    ngx_uint_t n);
ngx_int_t ngx_http_news_output(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_buf_t *b);
ngx_int_t ngx_http_news_send(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, ngx_str_t *pieces, ngx_uint_t n);
ngx_int_t ngx_http_news_send_buf(ngx_http_request_t *r, ngx_uint_t status,
    ngx_str_t *type, news_buf_t *b);
#define NGX_HTTP_NEWS_BRIEF_MAX  256
ngx_int_t ngx_http_news_send_written(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, const char *fmt, ...);
ngx_table_elt_t *ngx_http_news_header_out(ngx_http_request_t *r,
    const char *key, u_char *value, size_t len);
ngx_int_t ngx_http_news_add_header(ngx_http_request_t *r, const char *key,
    const char *value);
ngx_int_t ngx_http_news_no_content(ngx_http_request_t *r);
/* 303 See Other to a path on this site */
ngx_int_t ngx_http_news_see_other(ngx_http_request_t *r, ngx_str_t *location);
ngx_int_t ngx_http_news_site_path(ngx_http_request_t *r, ngx_str_t *path,
    size_t max, const char *fmt, ...);
ngx_int_t ngx_http_news_location(ngx_http_request_t *r, ngx_str_t *path,
    ngx_uint_t redirect);
/*
 * ETag, Last-Modified and Cache-Control of a GET answer: the tag is made
 * of a kind letter and two numbers that change with every write to what
 * the page shows (an article's id and version, or the store's txn id).
 * Anonymous answers are public and the same bytes for everyone (browsers
 * revalidate them, shared caches keep them news_cache_max_age); a
 * logged-in reader's are private and never stored.  nginx's not_modified filter answers
 * If-None-Match and If-Modified-Since with 304.
 */
ngx_int_t ngx_http_news_validators(ngx_http_request_t *r, char kind,
    uint64_t a, uint64_t b, int64_t modified);

/* errors.c: errors and refusals */
ngx_int_t ngx_http_news_store_error(ngx_http_request_t *r, news_err_t *err,
    ngx_uint_t json);
ngx_int_t ngx_http_news_refused(ngx_http_request_t *r, news_err_t *err,
    ngx_uint_t json);
/* errors in the request's language: JSON under /api/, else a page */
ngx_int_t ngx_http_news_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *text);
ngx_int_t ngx_http_news_html_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *title, const char *text);
/* a form refused by ngx_http_news_form_read(), and the words for it */
ngx_int_t ngx_http_news_form_refused(ngx_http_request_t *r, ngx_int_t rc);
#define NGX_HTTP_NEWS_FORM_EXPIRED                                          \
    "This form has expired or did not come from this site. Please try "     \
    "again."
#define NGX_HTTP_NEWS_FORM_GARBLED                                          \
    "The form arrived garbled (a field twice, or not UTF-8). Please try "   \
    "again."
ngx_int_t ngx_http_news_json_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *code, const char *message);
/*
 * NGX_DECLINED when the reader is logged in and the engine lets them do
 * this kind of act (NEWS_ACT_*, policy.h) and, for JSON, sent no foreign
 * Origin; else the refusal, already answered.
 */
ngx_int_t ngx_http_news_need_user(ngx_http_request_t *r, ngx_uint_t json,
    int act);
/* error_page covers this status here: return it instead of a page */
ngx_uint_t ngx_http_news_operator_page(ngx_http_request_t *r,
    ngx_uint_t status);

/* ngx_http_news_edge.c: the answer's surrogate keys; news_edge */
ngx_int_t ngx_http_news_surrogate_keys(ngx_http_request_t *r, char kind,
    uint64_t article);
char *ngx_http_news_edge(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
char *ngx_http_news_live_publish(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
ngx_int_t ngx_http_news_edge_start(ngx_cycle_t *cycle,
    ngx_http_news_main_conf_t *nmcf);
void ngx_http_news_edge_stop(ngx_http_news_main_conf_t *nmcf);
/* the host of absolute links, and whether it is the request's Host */
ngx_int_t ngx_http_news_host(ngx_http_request_t *r, ngx_str_t *host);
ngx_uint_t ngx_http_news_host_varies(ngx_http_request_t *r);
/* a list's validators from a stamp (ngx_http_news_list_stamp reads one) */
ngx_int_t ngx_http_news_stamp_validators(ngx_http_request_t *r, char kind,
    const news_list_stamp_t *ls, news_err_t *err);

extern ngx_str_t  ngx_http_news_html_type;
extern ngx_str_t  ngx_http_news_json_type;

#endif /* NGX_HTTP_NEWS_H */
