/*
 * Fault injection for tests: a shared library, loaded with LD_PRELOAD into
 * nginx or newsctl (or linked into the test build of the module), that
 * makes a chosen call fail with a chosen error, by name and by count.
 *
 * Nothing here is in the production build.  The rules live in a control
 * file named by NEWS_FAULT_FILE (read when the process starts; nginx
 * workers inherit the name).  The file is read again whenever its inode,
 * size or modification time changes, so a test arms a fault in a running
 * nginx by writing a new file and renaming it into place.  Reading it
 * again restarts every count.  One rule a line:
 *
 *     NAME[@OBJECT] WHEN ERROR
 *
 *   NAME    mdb_put, mdb_txn_commit, ... (the LMDB calls below), fdatasync,
 *           malloc, calloc, realloc, ngx_palloc, ngx_pnalloc, ngx_pcalloc,
 *           ngx_thread_task_post (the last four only in the test build,
 *           where the module is linked with -Wl,--wrap=NAME)
 *   OBJECT  counts only calls made from a shared object or program whose
 *           path contains OBJECT, or from the exported function of that
 *           name (mdb_get@news_user_find); malloc, calloc and realloc
 *           default to "news" (the module and newsctl), the rest to any
 *           caller
 *   WHEN    N (the Nth call after arming), N+ (the Nth and every later
 *           one), * (every call)
 *   ERROR   MDB_MAP_FULL, MDB_TXN_FULL, MDB_READERS_FULL, MDB_MAP_RESIZED,
 *           MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_BAD_TXN, MDB_NOTFOUND,
 *           EIO, ENOSPC, ENOMEM, EACCES, EAGAIN, or a number; allocation
 *           functions return NULL and the thread pool post NGX_ERROR
 *           whatever is written here.  PAUSE does not fail the call: it
 *           holds it (the caller's thread waits) while the file named by
 *           the control file's name plus ".pause" exists, then makes it
 *
 * Every fault that fires appends "NAME N ERROR pid OBJECT+OFFSET" (the
 * caller, for addr2line) to the control file's name plus ".log", so a
 * test knows whether its Nth call happened at all:
 * a loop arms the 1st, 2nd, ... call of a name until one no longer fires.
 *
 * The shim also keeps the rule lmdb.h states and leaves unchecked: an
 * mdb_env_set_mapsize on an open environment while any transaction of it
 * is live in the process appends "VIOLATION ..." to the log.
 *
 * A failed call behaves as LMDB's own would: a failed mdb_txn_commit
 * frees the txn (LMDB always does), and a txn whose put, del or drop
 * failed refuses every later call with MDB_BAD_TXN, as LMDB's
 * MDB_TXN_ERROR flag does, until it is aborted.
 */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <lmdb.h>


#define FAULT_RULES_MAX   32
#define FAULT_NAME_MAX    64
#define FAULT_FILE_MAX    8192
#define FAULT_POISON_MAX  64
#define FAULT_LIVE_MAX    256
#define FAULT_PAUSE       (-1000000)


typedef struct {
    char        name[FAULT_NAME_MAX];
    char        object[FAULT_NAME_MAX];
    unsigned    nth;
    int         from;          /* N+ */
    int         every;         /* * */
    int         error;
    unsigned    calls;
} fault_rule_t;


static pthread_mutex_t   fault_lock = PTHREAD_MUTEX_INITIALIZER;
static char              fault_path[4096];
static struct stat       fault_seen;
static fault_rule_t      fault_rules[FAULT_RULES_MAX];
static int               fault_nrules;
static int               fault_alloc_armed;
static MDB_txn          *fault_poisoned[FAULT_POISON_MAX];
static MDB_txn          *fault_live[FAULT_LIVE_MAX];
static void             *fault_lmdb;
static __thread int      fault_busy;
static volatile int      fault_exiting;


static const struct {
    const char  *name;
    int          value;
} fault_errors[] = {
    { "MDB_MAP_FULL", MDB_MAP_FULL },
    { "MDB_TXN_FULL", MDB_TXN_FULL },
    { "MDB_READERS_FULL", MDB_READERS_FULL },
    { "MDB_MAP_RESIZED", MDB_MAP_RESIZED },
    { "MDB_CORRUPTED", MDB_CORRUPTED },
    { "MDB_PAGE_NOTFOUND", MDB_PAGE_NOTFOUND },
    { "MDB_BAD_TXN", MDB_BAD_TXN },
    { "MDB_NOTFOUND", MDB_NOTFOUND },
    { "MDB_KEYEXIST", MDB_KEYEXIST },
    { "EIO", EIO },
    { "ENOSPC", ENOSPC },
    { "ENOMEM", ENOMEM },
    { "EACCES", EACCES },
    { "EAGAIN", EAGAIN },
    { "PAUSE", FAULT_PAUSE },
    { NULL, 0 }
};


static void fault_reload(void);


__attribute__((constructor))
static void
fault_init(void)
{
    const char  *p;

    p = getenv("NEWS_FAULT_FILE");
    if (p != NULL && strlen(p) < sizeof(fault_path)) {
        strcpy(fault_path, p);
    }

    /* the rules now, not at the first call checked: an allocation rule
     * counts newsctl's allocations before its first LMDB call too */
    fault_reload();
}


static int
fault_error_value(const char *s)
{
    int  i;

    for (i = 0; fault_errors[i].name; i++) {
        if (strcmp(s, fault_errors[i].name) == 0) {
            return fault_errors[i].value;
        }
    }

    return atoi(s);
}


static int
fault_is_alloc(const char *name)
{
    return strcmp(name, "malloc") == 0 || strcmp(name, "calloc") == 0
           || strcmp(name, "realloc") == 0;
}


/* under fault_lock; no stdio (it allocates) */
static void
fault_parse(char *text)
{
    int            n;
    char          *line, *save, *at;
    char           name[FAULT_NAME_MAX], when[32], error[64];
    fault_rule_t  *r;

    fault_nrules = 0;
    fault_alloc_armed = 0;

    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
    {
        if (line[0] == '#' || fault_nrules == FAULT_RULES_MAX) {
            continue;
        }

        n = sscanf(line, "%63s %31s %63s", name, when, error);
        if (n != 3) {
            continue;
        }

        r = &fault_rules[fault_nrules];
        memset(r, 0, sizeof(*r));

        at = strchr(name, '@');
        if (at) {
            *at++ = '\0';
            snprintf(r->object, sizeof(r->object), "%s", at);

        } else if (fault_is_alloc(name)) {
            strcpy(r->object, "news");
        }

        snprintf(r->name, sizeof(r->name), "%s", name);

        if (strcmp(when, "*") == 0) {
            r->every = 1;

        } else {
            r->nth = (unsigned) strtoul(when, &at, 10);
            r->from = (*at == '+');
        }

        r->error = fault_error_value(error);

        if (fault_is_alloc(r->name)) {
            fault_alloc_armed = 1;
        }

        fault_nrules++;
    }
}


/* under fault_lock: reads the rules again if the file changed */
static void
fault_reload(void)
{
    int          fd;
    ssize_t      n, got;
    struct stat  sb;
    static char  text[FAULT_FILE_MAX];

    if (fault_path[0] == '\0') {
        return;
    }

    if (stat(fault_path, &sb) != 0) {
        /* a process that took another identity for a while (newsctl
         * opening a store as its directory's owner) keeps its rules */
        if (errno == EACCES) {
            return;
        }

        memset(&sb, 0, sizeof(sb));
    }

    if (sb.st_ino == fault_seen.st_ino && sb.st_size == fault_seen.st_size
        && sb.st_mtim.tv_sec == fault_seen.st_mtim.tv_sec
        && sb.st_mtim.tv_nsec == fault_seen.st_mtim.tv_nsec)
    {
        return;
    }

    fault_seen = sb;
    got = 0;

    fd = open(fault_path, O_RDONLY);
    if (fd != -1) {
        while (got < (ssize_t) sizeof(text) - 1) {
            n = read(fd, text + got, sizeof(text) - 1 - got);
            if (n <= 0) {
                break;
            }

            got += n;
        }

        close(fd);
    }

    text[got] = '\0';
    fault_parse(text);
}


/* the caller as object+offset, for addr2line */
static void
fault_log(const char *name, unsigned nth, int error, const void *caller)
{
    int          fd, len;
    char         path[4096 + 8], line[512];
    Dl_info      info;
    const char  *object;
    uintptr_t    offset;

    object = "?";
    offset = (uintptr_t) caller;

    if (caller && dladdr(caller, &info) && info.dli_fname) {
        object = info.dli_fname;
        offset = (uintptr_t) caller - (uintptr_t) info.dli_fbase;
    }

    snprintf(path, sizeof(path), "%s.log", fault_path);
    len = snprintf(line, sizeof(line), "%s %u %d %d %s+0x%lx\n", name, nth,
                   error, (int) getpid(), object, (unsigned long) offset);

    fd = open(path, O_WRONLY|O_APPEND|O_CREAT, 0666);
    if (fd == -1) {
        return;
    }

    (void) fchmod(fd, 0666);
    (void) write(fd, line, len);
    close(fd);
}


static int
fault_caller_is(const void *caller, const char *object)
{
    Dl_info  info;

    if (object[0] == '\0') {
        return 1;
    }

    if (caller == NULL || dladdr(caller, &info) == 0
        || info.dli_fname == NULL)
    {
        return 0;
    }

    return strstr(info.dli_fname, object) != NULL
           || (info.dli_sname && strcmp(info.dli_sname, object) == 0);
}


/* PAUSE: the caller waits while the ".pause" file exists (a minute at most) */
static void
fault_pause(void)
{
    int          i;
    char         path[4096 + 8];
    struct stat  sb;

    snprintf(path, sizeof(path), "%s.pause", fault_path);

    for (i = 0; i < 6000 && stat(path, &sb) == 0; i++) {
        usleep(10000);
    }
}


/*
 * Once exit() begins, allocations are no longer failed: what allocates
 * then is the C runtime and, in the coverage build, gcov writing its
 * data, which cannot fail cleanly (it crashes).  The handler is
 * registered at the first check, from main or later, so that it runs
 * before the destructors that write the coverage data; a forked nginx
 * worker inherits it.
 */
static void
fault_exit(void)
{
    fault_exiting = 1;
}


/* under fault_lock */
static void
fault_at_exit(void)
{
    static int  registered;

    if (!registered) {
        registered = 1;
        (void) atexit(fault_exit);
    }
}


/* the error to return for this call of name, or 0 to make the real call */
static int
fault_check(const char *name, const void *caller)
{
    int            i, error;
    fault_rule_t  *r;

    if (fault_path[0] == '\0' || fault_busy) {
        return 0;
    }

    fault_busy = 1;
    error = 0;

    pthread_mutex_lock(&fault_lock);
    fault_at_exit();
    fault_reload();

    for (i = 0; i < fault_nrules; i++) {
        r = &fault_rules[i];

        if (strcmp(r->name, name) != 0
            || !fault_caller_is(caller, r->object))
        {
            continue;
        }

        r->calls++;

        if (r->every || r->calls == r->nth || (r->from && r->calls > r->nth))
        {
            error = r->error ? r->error : EIO;
            fault_log(name, r->calls, error, caller);
            break;
        }
    }

    pthread_mutex_unlock(&fault_lock);

    if (error == FAULT_PAUSE) {
        fault_pause();
        error = 0;
    }

    fault_busy = 0;

    return error;
}


static void
fault_poison(MDB_txn *txn)
{
    int  i;

    pthread_mutex_lock(&fault_lock);

    for (i = 0; i < FAULT_POISON_MAX; i++) {
        if (fault_poisoned[i] == NULL) {
            fault_poisoned[i] = txn;
            break;
        }
    }

    pthread_mutex_unlock(&fault_lock);
}


/* is txn poisoned; with clear, forget it (it is being freed) */
static int
fault_poisoned_txn(MDB_txn *txn, int clear)
{
    int  i, found;

    found = 0;

    pthread_mutex_lock(&fault_lock);

    for (i = 0; i < FAULT_POISON_MAX; i++) {
        if (txn != NULL && fault_poisoned[i] == txn) {
            found = 1;

            if (clear) {
                fault_poisoned[i] = NULL;
            }
        }
    }

    pthread_mutex_unlock(&fault_lock);

    return found;
}


/* the live top-level txns, for the mdb_env_set_mapsize rule */
static void
fault_live_set(MDB_txn *txn, int live)
{
    int  i;

    pthread_mutex_lock(&fault_lock);

    for (i = 0; i < FAULT_LIVE_MAX; i++) {
        if (live && fault_live[i] == NULL) {
            fault_live[i] = txn;
            break;
        }

        if (!live && fault_live[i] == txn) {
            fault_live[i] = NULL;
            break;
        }
    }

    pthread_mutex_unlock(&fault_lock);
}


static int
fault_live_count(MDB_env *env)
{
    int  i, n;

    n = 0;

    pthread_mutex_lock(&fault_lock);

    for (i = 0; i < FAULT_LIVE_MAX; i++) {
        if (fault_live[i] && mdb_txn_env(fault_live[i]) == env) {
            n++;
        }
    }

    pthread_mutex_unlock(&fault_lock);

    return n;
}


static void *
fault_real(const char *name)
{
    void  *sym;

    if (fault_lmdb == NULL) {
        fault_lmdb = dlopen("liblmdb.so.0", RTLD_LAZY);
    }

    sym = fault_lmdb ? dlsym(fault_lmdb, name) : NULL;
    if (sym == NULL) {
        sym = dlsym(RTLD_NEXT, name);
    }

    if (sym == NULL) {
        fprintf(stderr, "lmdbfault: no real %s\n", name);
        abort();
    }

    return sym;
}


#define REAL(type, name)                                                      \
    static __typeof__(type)  real;                                            \
    if (real == NULL) {                                                       \
        real = (type) fault_real(name);                                       \
    }

#define CALLER  __builtin_return_address(0)


/* LMDB: reads and txns */

int
mdb_txn_begin(MDB_env *env, MDB_txn *parent, unsigned int flags,
    MDB_txn **txn)
{
    int  rc;
    REAL(int (*)(MDB_env *, MDB_txn *, unsigned int, MDB_txn **),
         "mdb_txn_begin")

    if (fault_poisoned_txn(parent, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_txn_begin", CALLER);
    if (rc) {
        return rc;
    }

    rc = real(env, parent, flags, txn);
    if (rc == 0 && parent == NULL) {
        fault_live_set(*txn, 1);
    }

    return rc;
}


int
mdb_txn_renew(MDB_txn *txn)
{
    int  rc;
    REAL(int (*)(MDB_txn *), "mdb_txn_renew")

    rc = fault_check("mdb_txn_renew", CALLER);
    if (rc) {
        return rc;
    }

    rc = real(txn);
    if (rc == 0) {
        fault_live_set(txn, 1);
    }

    return rc;
}


int
mdb_txn_commit(MDB_txn *txn)
{
    int  rc;
    REAL(int (*)(MDB_txn *), "mdb_txn_commit")

    fault_live_set(txn, 0);

    /* LMDB frees the txn whatever the commit's outcome */
    if (fault_poisoned_txn(txn, 1)) {
        mdb_txn_abort(txn);
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_txn_commit", CALLER);
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }

    return real(txn);
}


void
mdb_txn_abort(MDB_txn *txn)
{
    REAL(void (*)(MDB_txn *), "mdb_txn_abort")

    fault_live_set(txn, 0);
    (void) fault_poisoned_txn(txn, 1);
    real(txn);
}


void
mdb_txn_reset(MDB_txn *txn)
{
    REAL(void (*)(MDB_txn *), "mdb_txn_reset")

    fault_live_set(txn, 0);
    (void) fault_poisoned_txn(txn, 1);
    real(txn);
}


int
mdb_get(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    int  rc;
    REAL(int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *), "mdb_get")

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_get", CALLER);
    return rc ? rc : real(txn, dbi, key, data);
}


int
mdb_dbi_open(MDB_txn *txn, const char *name, unsigned int flags,
    MDB_dbi *dbi)
{
    int  rc;
    REAL(int (*)(MDB_txn *, const char *, unsigned int, MDB_dbi *),
         "mdb_dbi_open")

    rc = fault_check("mdb_dbi_open", CALLER);
    return rc ? rc : real(txn, name, flags, dbi);
}


int
mdb_env_create(MDB_env **env)
{
    int  rc;
    REAL(int (*)(MDB_env **), "mdb_env_create")

    rc = fault_check("mdb_env_create", CALLER);
    return rc ? rc : real(env);
}


int
mdb_env_open(MDB_env *env, const char *path, unsigned int flags,
    mdb_mode_t mode)
{
    int  rc;
    REAL(int (*)(MDB_env *, const char *, unsigned int, mdb_mode_t),
         "mdb_env_open")

    rc = fault_check("mdb_env_open", CALLER);
    return rc ? rc : real(env, path, flags, mode);
}


int
mdb_env_set_mapsize(MDB_env *env, size_t size)
{
    int  rc;
    REAL(int (*)(MDB_env *, size_t), "mdb_env_set_mapsize")

    rc = fault_live_count(env);
    if (rc && fault_path[0]) {
        fault_log("VIOLATION mdb_env_set_mapsize with live txns", rc, 0,
                  CALLER);
    }

    rc = fault_check("mdb_env_set_mapsize", CALLER);
    return rc ? rc : real(env, size);
}


int
mdb_env_copy2(MDB_env *env, const char *path, unsigned int flags)
{
    int  rc;
    REAL(int (*)(MDB_env *, const char *, unsigned int), "mdb_env_copy2")

    rc = fault_check("mdb_env_copy2", CALLER);
    return rc ? rc : real(env, path, flags);
}


int
mdb_cursor_open(MDB_txn *txn, MDB_dbi dbi, MDB_cursor **cursor)
{
    int  rc;
    REAL(int (*)(MDB_txn *, MDB_dbi, MDB_cursor **), "mdb_cursor_open")

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_cursor_open", CALLER);
    return rc ? rc : real(txn, dbi, cursor);
}


int
mdb_cursor_get(MDB_cursor *cursor, MDB_val *key, MDB_val *data,
    MDB_cursor_op op)
{
    int  rc;
    REAL(int (*)(MDB_cursor *, MDB_val *, MDB_val *, MDB_cursor_op),
         "mdb_cursor_get")

    if (fault_poisoned_txn(mdb_cursor_txn(cursor), 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_cursor_get", CALLER);
    return rc ? rc : real(cursor, key, data, op);
}


/* LMDB: writes; a failed one leaves its txn refusing all but abort */

int
mdb_put(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data,
    unsigned int flags)
{
    int  rc;
    REAL(int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *, unsigned int),
         "mdb_put")

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_put", CALLER);
    if (rc) {
        fault_poison(txn);
        return rc;
    }

    return real(txn, dbi, key, data, flags);
}


int
mdb_del(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *data)
{
    int  rc;
    REAL(int (*)(MDB_txn *, MDB_dbi, MDB_val *, MDB_val *), "mdb_del")

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_del", CALLER);
    if (rc) {
        /* a missing key is a plain answer, not a broken txn */
        if (rc != MDB_NOTFOUND) {
            fault_poison(txn);
        }

        return rc;
    }

    return real(txn, dbi, key, data);
}


int
mdb_cursor_put(MDB_cursor *cursor, MDB_val *key, MDB_val *data,
    unsigned int flags)
{
    int       rc;
    MDB_txn  *txn;
    REAL(int (*)(MDB_cursor *, MDB_val *, MDB_val *, unsigned int),
         "mdb_cursor_put")

    txn = mdb_cursor_txn(cursor);

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_cursor_put", CALLER);
    if (rc) {
        fault_poison(txn);
        return rc;
    }

    return real(cursor, key, data, flags);
}


int
mdb_cursor_del(MDB_cursor *cursor, unsigned int flags)
{
    int       rc;
    MDB_txn  *txn;
    REAL(int (*)(MDB_cursor *, unsigned int), "mdb_cursor_del")

    txn = mdb_cursor_txn(cursor);

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_cursor_del", CALLER);
    if (rc) {
        fault_poison(txn);
        return rc;
    }

    return real(cursor, flags);
}


int
mdb_drop(MDB_txn *txn, MDB_dbi dbi, int del)
{
    int  rc;
    REAL(int (*)(MDB_txn *, MDB_dbi, int), "mdb_drop")

    if (fault_poisoned_txn(txn, 0)) {
        return MDB_BAD_TXN;
    }

    rc = fault_check("mdb_drop", CALLER);
    if (rc) {
        fault_poison(txn);
        return rc;
    }

    return real(txn, dbi, del);
}


/*
 * The disk: fdatasync, LMDB's in a commit (fdatasync@liblmdb) or the
 * writer's own (fdatasync@ngx_http_news), fails with the rule's error
 * without syncing.
 */
int
fdatasync(int fd)
{
    int         rc;
    static int  (*real)(int);

    if (real == NULL) {
        real = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    }

    rc = fault_check("fdatasync", CALLER);
    if (rc) {
        errno = rc;
        return -1;
    }

    return real(fd);
}


/* memory: only calls from the chosen objects count (see the rules) */

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);


void *
malloc(size_t size)
{
    if (fault_alloc_armed && !fault_exiting
        && fault_check("malloc", CALLER))
    {
        errno = ENOMEM;
        return NULL;
    }

    return __libc_malloc(size);
}


void *
calloc(size_t n, size_t size)
{
    if (fault_alloc_armed && !fault_exiting
        && fault_check("calloc", CALLER))
    {
        errno = ENOMEM;
        return NULL;
    }

    return __libc_calloc(n, size);
}


void *
realloc(void *p, size_t size)
{
    if (fault_alloc_armed && !fault_exiting
        && fault_check("realloc", CALLER))
    {
        errno = ENOMEM;
        return NULL;
    }

    return __libc_realloc(p, size);
}


/*
 * nginx's pools and thread pool live in the nginx binary, which a preload
 * cannot interpose (the executable comes first in symbol lookup); the
 * test build links the module with -Wl,--wrap=NAME, which sends the
 * module's calls here.
 */

static void *
fault_nginx(const char *name)
{
    void  *sym;

    sym = dlsym(RTLD_DEFAULT, name);
    if (sym == NULL) {
        fprintf(stderr, "lmdbfault: no %s in this process\n", name);
        abort();
    }

    return sym;
}


#define NGINX_REAL(type, name)                                                \
    static __typeof__(type)  real;                                            \
    if (real == NULL) {                                                       \
        real = (type) fault_nginx(name);                                      \
    }


void *
__wrap_ngx_palloc(void *pool, size_t size)
{
    NGINX_REAL(void *(*)(void *, size_t), "ngx_palloc")

    return fault_check("ngx_palloc", CALLER) ? NULL : real(pool, size);
}


void *
__wrap_ngx_pnalloc(void *pool, size_t size)
{
    NGINX_REAL(void *(*)(void *, size_t), "ngx_pnalloc")

    return fault_check("ngx_pnalloc", CALLER) ? NULL : real(pool, size);
}


void *
__wrap_ngx_pcalloc(void *pool, size_t size)
{
    NGINX_REAL(void *(*)(void *, size_t), "ngx_pcalloc")

    return fault_check("ngx_pcalloc", CALLER) ? NULL : real(pool, size);
}


intptr_t
__wrap_ngx_thread_task_post(void *pool, void *task)
{
    NGINX_REAL(intptr_t (*)(void *, void *), "ngx_thread_task_post")

    /* NGX_ERROR: what nginx answers when the pool's queue is full */
    return fault_check("ngx_thread_task_post", CALLER) ? -1 : real(pool, task);
}
