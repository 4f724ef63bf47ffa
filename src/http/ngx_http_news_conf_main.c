/*
 * The module's http{}-level configuration: defaults, the thread pools it
 * uses (declared when the main context does not), and the store
 * directory checked so that "nginx -t" reports what the workers would
 * fail on.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>
#include <grp.h>
#include <pwd.h>

#include "http/ngx_http_news_conf.h"
#include "engine/service.h"
#include "engine/shared_writer.h"


#define NGX_HTTP_NEWS_DB_SIZE  ((off_t) 1024 * 1024 * 1024)

/* the default hashing pool's queue: news_hash_queue caps it per worker */
#define NGX_HTTP_NEWS_HASH_MAX_QUEUE    "65536"
#define NGX_HTTP_NEWS_SEARCH_MAX_QUEUE  "65536"


typedef struct {
    ngx_uid_t   uid;
    ngx_gid_t   gid;
} ngx_http_news_owner_t;


static char *ngx_http_news_own_pool(ngx_conf_t *cf, ngx_str_t *name,
    char *dflt, char *queue, ngx_thread_pool_t **pool);
static char *ngx_http_news_shared_zone(ngx_conf_t *cf,
    ngx_http_news_main_conf_t *nmcf);
static ngx_int_t ngx_http_news_shared_init(ngx_shm_zone_t *zone,
    void *data);
static size_t ngx_http_news_shared_data(ngx_http_news_main_conf_t *nmcf);
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


void *
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


char *
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

    /* NULL only when nginx's own allocation fails, which the test build
     * cannot make (it wraps the module's own calls to the pool alone) */
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

    if (ngx_http_news_routes_compile(cf, nmcf) != NGX_OK
        || ngx_http_news_shared_zone(cf, nmcf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    return ngx_http_news_check_db(cf, nmcf);
}


/*
 * The workers' shared writer of comment posts (engine/shared_writer.h)
 * lives in a zone of its own, made afresh by each configuration
 * (noreuse): workers of an older one, still finishing, keep theirs.  The
 * zone's slab pool gives it one block; the slab's own pages and
 * descriptors take the rest.
 */
static char *
ngx_http_news_shared_zone(ngx_conf_t *cf, ngx_http_news_main_conf_t *nmcf)
{
    size_t           size;
    ngx_str_t        name = ngx_string("news_shared_writer");
    ngx_shm_zone_t  *zone;

    size = news_shared_size(ngx_http_news_shared_data(nmcf));
    size += size / 64 + 8 * ngx_pagesize;

    zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_news_module);
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    zone->init = ngx_http_news_shared_init;
    zone->data = nmcf;
    zone->noreuse = 1;
    nmcf->shared_zone = zone;

    return NGX_CONF_OK;
}


/* in the master, before the workers start: they inherit the mapping */
static ngx_int_t
ngx_http_news_shared_init(ngx_shm_zone_t *zone, void *data)
{
    void                       *p;
    size_t                      size, bytes;
    ngx_slab_pool_t            *pool;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = zone->data;
    pool = (ngx_slab_pool_t *) zone->shm.addr;
    bytes = ngx_http_news_shared_data(nmcf);
    size = news_shared_size(bytes);

    p = ngx_slab_alloc(pool, size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (news_shared_init(p, size, bytes) != 0) {
        ngx_log_error(NGX_LOG_EMERG, zone->shm.log, ngx_errno,
                      "news: the shared writer's mutex could not be made");
        return NGX_ERROR;
    }

    nmcf->shared = p;

    return NGX_OK;
}


/*
 * A slot holds a comment post with its text: no larger than the request
 * body it came in, nor than news_comment_max_length characters of UTF-8
 */
static size_t
ngx_http_news_shared_data(ngx_http_news_main_conf_t *nmcf)
{
    return news_comment_post_size(ngx_min(nmcf->body_max,
                                          4 * (size_t) nmcf->comment_max));
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

    /* the array holds 4: the push never grows it, so never fails */
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

    /* fails only when nginx's own allocation does, which the test build
     * cannot make (it wraps the module's own calls to the pool alone) */
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

        /* root may chown the directory it has just made: only a file
         * system that refuses owners refuses, which no test has */
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

    /* nginx started by a user other than root (every test starts it as
     * root, whose workers are another user) */
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
