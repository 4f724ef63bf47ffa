/*
 * The drainer and its HTTP client; see edge.h.
 */

/* strcasestr, SOCK_CLOEXEC, MSG_NOSIGNAL (nginx's build defines none) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "edge.h"
#include "keys.h"
#include "outbox.h"


#define NEWS_DRAIN_EVERY_MS   100
#define NEWS_DRAIN_IDLE_MS    1000      /* no edge: only drops old entries */
#define NEWS_DRAIN_ENTRIES    256       /* read a round */
#define NEWS_EDGE_TIMEOUT_MS  2000
#define NEWS_EDGE_BACKOFF_MAX 30


typedef struct {
    news_edge_t  *edge;
    const char   *keys;
    size_t        keys_len;
} news_edge_send_t;


static void *news_drain_thread(void *arg);
static void news_drain_round(news_drain_t *d);
static int news_drain_read(news_drain_t *d, news_outbox_batch_t *ob,
    uint64_t *last, int *oldest_done, int64_t stale, int *moved);
static int news_drain_deliver(news_drain_t *d, news_edge_t *e,
    news_outbox_batch_t *ob, int64_t stale, news_buf_t *keys);
static void news_drain_keys(news_outbox_batch_t *ob, uint64_t after,
    int64_t stale, news_buf_t *keys);
static int news_drain_has(const news_buf_t *keys, const char *t, size_t n);
static int news_drain_live(news_drain_t *d, news_edge_t *e,
    news_outbox_batch_t *ob, int64_t stale);
static void news_drain_back(news_drain_t *d, news_edge_t *e);
static void news_drain_failed(news_drain_t *d, news_edge_t *e,
    const char *why);
static int news_edge_send(const char *path, size_t len, void *arg);
static int news_edge_request(news_edge_t *e, const char *head, size_t len,
    const char *body, size_t body_len);
static int news_edge_connect(news_edge_t *e);
static int news_edge_answer(news_edge_t *e);
static void news_edge_close(news_edge_t *e);
static int64_t news_drain_now(void);


int
news_edge_parse(news_edge_t *e, const char *url, char *msg, size_t size)
{
    size_t       n;
    const char  *p, *host, *colon, *slash;

    memset(e, 0, sizeof(*e));
    e->url = url;
    e->fd = -1;

    if (strncmp(url, "http://", 7) != 0) {
        snprintf(msg, size, "\"%s\" is not an http:// URL (for https, "
                 "purge through a local proxy)", url);
        return -1;
    }

    host = url + 7;
    slash = strchr(host, '/');
    slash = slash ? slash : host + strlen(host);
    colon = memchr(host, ':', (size_t) (slash - host));

    n = (size_t) ((colon ? colon : slash) - host);

    if (n == 0 || n >= sizeof(e->host)) {
        snprintf(msg, size, "\"%s\" has no host", url);
        return -1;
    }

    memcpy(e->host, host, n);

    if (colon) {
        n = (size_t) (slash - colon - 1);

        /* getaddrinfo takes 65536 and up as the port modulo 65536 */
        if (n == 0 || n >= sizeof(e->port)
            || strspn(colon + 1, "0123456789") != n
            || strtoul(colon + 1, NULL, 10) - 1 > 65534)
        {
            snprintf(msg, size, "\"%s\" has a bad port", url);
            return -1;
        }

        memcpy(e->port, colon + 1, n);

    } else {
        memcpy(e->port, "80", 3);
    }

    n = strlen(slash);

    while (n && slash[n - 1] == '/') {
        n--;
    }

    if (n >= sizeof(e->path) - 200) {
        snprintf(msg, size, "\"%s\" is too long", url);
        return -1;
    }

    for (p = slash; p < slash + n; p++) {
        if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#') {
            snprintf(msg, size, "\"%s\": the path may hold no spaces, "
                     "controls, query or fragment", url);
            return -1;
        }
    }

    memcpy(e->path, slash, n);

    return 0;
}


int
news_drain_start(news_drain_t *d)
{
    d->stop = 0;
    d->running = 0;

    /*
     * with default attributes glibc's inits never fail (POSIX allows
     * it), and pthread_create fails only out of memory or threads, which
     * no test makes: none of the three returns below is taken
     */
    if (pthread_mutex_init(&d->lock, NULL) != 0) {
        return -1;
    }

    if (pthread_cond_init(&d->cond, NULL) != 0) {
        pthread_mutex_destroy(&d->lock);
        return -1;
    }

    if (pthread_create(&d->thread, NULL, news_drain_thread, d) != 0) {
        pthread_cond_destroy(&d->cond);
        pthread_mutex_destroy(&d->lock);
        return -1;
    }

    d->running = 1;

    return 0;
}


void
news_drain_stop(news_drain_t *d)
{
    unsigned  i;

    if (!d->running) {
        return;
    }

    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    pthread_cond_signal(&d->cond);
    pthread_mutex_unlock(&d->lock);

    pthread_join(d->thread, NULL);
    d->running = 0;

    pthread_cond_destroy(&d->cond);
    pthread_mutex_destroy(&d->lock);

    for (i = 0; i < d->n; i++) {
        news_edge_close(&d->edges[i]);
    }
}


static void *
news_drain_thread(void *arg)
{
    int              stop;
    long             ms;
    news_drain_t    *d;
    struct timespec  until;

    d = arg;

    for ( ;; ) {
        news_drain_round(d);

        ms = d->n ? NEWS_DRAIN_EVERY_MS : NEWS_DRAIN_IDLE_MS;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += ms * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;

        pthread_mutex_lock(&d->lock);

        while (!d->stop
               && pthread_cond_timedwait(&d->cond, &d->lock, &until) == 0)
        {
            /* woken without stop: wait the rest */
        }

        stop = d->stop;
        pthread_mutex_unlock(&d->lock);

        if (stop) {
            return NULL;
        }
    }
}


/*
 * One round: what each edge has not had, sent; the marks moved and what
 * no edge needs dropped, in one write through the writer.
 */
static void
news_drain_round(news_drain_t *d)
{
    int                   moved, oldest_done, write;
    unsigned              i;
    int64_t               now, stale;
    uint64_t              last, done;
    const char           *names[64];
    uint64_t              marks[64];
    char                  msg[400];
    news_buf_t            keys;
    news_write_op_t       op;
    news_outbox_marks_t   m;
    news_outbox_batch_t   ob;

    now = news_drain_now();
    stale = now - d->max_age;
    moved = 0;

    news_outbox_batch_init(&ob);
    news_buf_init(&keys);

    if (news_drain_read(d, &ob, &last, &oldest_done, stale, &moved)
        != NEWS_OK)
    {
        goto done;
    }

    for (i = 0; i < d->n; i++) {
        if (d->edges[i].retry_at > now || ob.n == 0
            || d->edges[i].mark >= ob.items[ob.n - 1].seq)
        {
            continue;
        }

        if (news_drain_deliver(d, &d->edges[i], &ob, stale, &keys) == 0) {
            d->edges[i].mark = ob.items[ob.n - 1].seq;
            moved = 1;
        }
    }

    done = last;

    for (i = 0; i < d->n; i++) {
        done = d->edges[i].mark < done ? d->edges[i].mark : done;
    }

    /* with no edge, the marks of edges once configured go, once */
    write = moved || oldest_done || (d->n == 0 && !d->forgot);
    d->forgot = 1;

    if (!write || d->n > 64) {
        goto done;
    }

    for (i = 0; i < d->n; i++) {
        names[i] = d->edges[i].url;
        marks[i] = d->edges[i].mark;
    }

    m.edges = names;
    m.marks = marks;
    m.n = d->n;
    m.done = done;
    m.stale = stale;

    memset(&op, 0, sizeof(op));
    op.apply = news_outbox_mark;
    op.arg = &m;

    if (news_writer_run(d->writer, &op) != NEWS_OK && d->log) {
        snprintf(msg, sizeof(msg), "news_edge: moving the edges' marks: %s",
                 op.err.msg);
        d->log(d->log_data, 1, msg);
    }

done:

    news_buf_free(&keys);
    news_outbox_batch_free(&ob);
}


/*
 * In a read txn of the drainer's own: each edge's mark (an edge new to
 * the store starts at the last entry: it holds nothing older), whether
 * the oldest entry may go, and the entries after the lowest mark.
 */
static int
news_drain_read(news_drain_t *d, news_outbox_batch_t *ob, uint64_t *last,
    int *oldest_done, int64_t stale, int *moved)
{
    int                   rc;
    unsigned              i;
    uint64_t              lo;
    MDB_txn              *txn;
    news_err_t            err;
    news_outbox_batch_t   first;

    *oldest_done = 0;

    if (news_store_begin(d->st, MDB_RDONLY, &txn, &err) != NEWS_OK) {
        return err.code;
    }

    rc = news_outbox_last(d->st, txn, last, &err);
    lo = *last;

    for (i = 0; rc == NEWS_OK && i < d->n; i++) {
        if (!d->edges[i].known) {
            rc = news_outbox_mark_of(d->st, txn, d->edges[i].url,
                                     &d->edges[i].mark, &err);

            if (rc == NEWS_NOTFOUND) {
                d->edges[i].mark = *last;
                *moved = 1;
                rc = NEWS_OK;
            }

            d->edges[i].known = (rc == NEWS_OK);
        }

        lo = d->edges[i].mark < lo ? d->edges[i].mark : lo;
    }

    news_outbox_batch_init(&first);

    if (rc == NEWS_OK) {
        rc = news_outbox_read(d->st, txn, 0, 1, &first, &err);
    }

    if (rc == NEWS_OK && first.n) {
        *oldest_done = first.items[0].seq <= lo
                       || first.items[0].time < stale;
    }

    news_outbox_batch_free(&first);

    if (rc == NEWS_OK && lo < *last) {
        rc = news_outbox_read(d->st, txn, lo, NEWS_DRAIN_ENTRIES, ob, &err);
    }

    news_store_abort(d->st, txn);

    return rc;
}


/* 0: the edge has had every address of the keys after its mark */
static int
news_drain_deliver(news_drain_t *d, news_edge_t *e, news_outbox_batch_t *ob,
    int64_t stale, news_buf_t *keys)
{
    news_buf_t        plain;
    news_edge_send_t  s;

    if (e->live) {
        return news_drain_live(d, e, ob, stale);
    }

    news_buf_reset(keys);
    news_drain_keys(ob, e->mark, stale, keys);

    if (keys->failed) {
        return -1;
    }

    if (keys->len == 0) {
        return 0;
    }

    news_buf_init(&plain);
    news_keys_plain(&plain, keys->data, keys->len);
    news_buf_addc(&plain, '\0');

    s.edge = e;
    s.keys = plain.data;
    s.keys_len = plain.failed ? 0 : plain.len - 1;

    if (plain.failed
        || news_keys_paths(keys->data, keys->len, news_edge_send, &s) != 0)
    {
        news_buf_free(&plain);
        news_drain_failed(d, e, strerror(errno ? errno : EIO));
        return -1;
    }

    news_buf_free(&plain);
    news_drain_back(d, e);

    return 0;
}


/* each live event after the publisher's mark, in order */
static int
news_drain_live(news_drain_t *d, news_edge_t *e, news_outbox_batch_t *ob,
    int64_t stale)
{
    int                 n;
    char                req[NEWS_EDGE_URL_MAX + 256], *json;
    size_t              i;
    const char         *p, *end, *line, *eol;
    unsigned long long  article;

    for (i = 0; i < ob->n; i++) {
        if (ob->items[i].seq <= e->mark || ob->items[i].time < stale) {
            continue;
        }

        p = ob->data.data + ob->items[i].off;
        end = p + ob->items[i].len;

        /* the keys come first; each event is a line after them */
        for (line = memchr(p, '\n', (size_t) (end - p)); line != NULL;
             line = eol < end ? eol : NULL)
        {
            line++;
            eol = memchr(line, '\n', (size_t) (end - line));
            eol = eol ? eol : end;
            article = strtoull(line, &json, 10);

            /* live.c writes each event so: only a damaged entry is not */
            if (json >= eol || *json != ' ') {
                continue;
            }

            json++;

            n = snprintf(req, sizeof(req), "POST %s/%llu HTTP/1.1\r\n"
                         "Host: %s\r\nUser-Agent: ngx_news_module\r\n"
                         "Content-Type: application/json\r\n"
                         "Content-Length: %zu\r\n\r\n",
                         e->path, article, e->host, (size_t) (eol - json));

            if (n < 0 || (size_t) n >= sizeof(req)
                || news_edge_request(e, req, (size_t) n, json,
                                     (size_t) (eol - json)) != 0)
            {
                news_drain_failed(d, e, strerror(errno ? errno : EIO));
                return -1;
            }
        }
    }

    news_drain_back(d, e);

    return 0;
}


static void
news_drain_back(news_drain_t *d, news_edge_t *e)
{
    if (e->down && d->log) {
        char  msg[NEWS_EDGE_URL_MAX + 64];

        snprintf(msg, sizeof(msg), "news_edge \"%s\" is back: purges "
                 "sent", e->url);
        d->log(d->log_data, 0, msg);
    }

    e->down = 0;
    e->backoff = 0;
    e->retry_at = 0;
}


/* the keys of the entries after `after` not older than stale, each once */
static void
news_drain_keys(news_outbox_batch_t *ob, uint64_t after, int64_t stale,
    news_buf_t *keys)
{
    size_t       i, n;
    const char  *p, *end, *t;

    for (i = 0; i < ob->n; i++) {
        if (ob->items[i].seq <= after || ob->items[i].time < stale) {
            continue;
        }

        p = ob->data.data + ob->items[i].off;
        end = memchr(p, '\n', ob->items[i].len);
        end = end ? end : p + ob->items[i].len;

        while (p < end) {
            while (p < end && *p == ' ') {
                p++;
            }

            for (t = p; p < end && *p != ' '; p++) { /* void */ }

            n = (size_t) (p - t);

            if (n && !news_drain_has(keys, t, n)) {
                if (keys->len) {
                    news_buf_addc(keys, ' ');
                }

                news_buf_add(keys, t, n);
            }
        }
    }
}


static int
news_drain_has(const news_buf_t *keys, const char *t, size_t n)
{
    const char  *p, *end;

    p = keys->data;
    end = p ? p + keys->len : p;

    while (p && p < end) {
        if ((size_t) (end - p) >= n && memcmp(p, t, n) == 0
            && (p + n == end || p[n] == ' '))
        {
            return 1;
        }

        p = memchr(p, ' ', (size_t) (end - p));
        p = p ? p + 1 : NULL;
    }

    return 0;
}


static void
news_drain_failed(news_drain_t *d, news_edge_t *e, const char *why)
{
    char  msg[NEWS_EDGE_URL_MAX + 256];

    news_edge_close(e);

    e->backoff = e->backoff ? e->backoff * 2 : 1;
    e->backoff = e->backoff > NEWS_EDGE_BACKOFF_MAX
                 ? NEWS_EDGE_BACKOFF_MAX : e->backoff;
    e->retry_at = news_drain_now() + e->backoff;

    if (!e->down && d->log) {
        snprintf(msg, sizeof(msg), "news_edge \"%s\" failed (%s): its "
                 "purges wait in the outbox, tried again from %u s on",
                 e->url, why, e->backoff);
        d->log(d->log_data, 1, msg);
    }

    e->down = 1;
}


/* one purge on the edge's kept-alive connection; 0 or -1 (errno set) */
static int
news_edge_send(const char *path, size_t len, void *arg)
{
    int                n;
    char               req[NEWS_EDGE_URL_MAX * 2 + 4096];
    news_edge_t       *e;
    news_edge_send_t  *s;

    s = arg;
    e = s->edge;

    /* a long key list is cut: the addresses are what purges here */
    n = snprintf(req, sizeof(req), "PURGE %s%.*s HTTP/1.1\r\nHost: %s\r\n"
                 "User-Agent: ngx_news_module\r\n"
                 "Surrogate-Key: %.*s\r\n\r\n",
                 e->path, (int) len, path, e->host,
                 (int) (s->keys_len > 2048 ? 0 : s->keys_len), s->keys);

    /*
     * never taken: the edge's path and host are shorter than
     * NEWS_EDGE_URL_MAX, an address is a slug's (keys.c) and the keys are
     * cut at 2048 bytes, so the request fits its buffer
     */
    if (n < 0 || (size_t) n >= sizeof(req)) {
        errno = E2BIG;
        return -1;
    }

    return news_edge_request(e, req, (size_t) n, NULL, 0);
}


/* a request's head and body on the kept-alive connection, its answer */
static int
news_edge_request(news_edge_t *e, const char *head, size_t len,
    const char *body, size_t body_len)
{
    int  tries;

    /* a kept-alive connection the edge closed meanwhile: once more anew */
    for (tries = 0; tries < 2; tries++) {
        if (e->fd == -1 && news_edge_connect(e) != 0) {
            return -1;
        }

        if (send(e->fd, head, len, MSG_NOSIGNAL) == (ssize_t) len
            && (body_len == 0
                || send(e->fd, body, body_len, MSG_NOSIGNAL)
                   == (ssize_t) body_len)
            && news_edge_answer(e) == 0)
        {
            return 0;
        }

        if (errno == EPROTO) {
            return -1;
        }

        news_edge_close(e);
    }

    return -1;
}


static int
news_edge_connect(news_edge_t *e)
{
    int               fd, rc, flags, soerr;
    socklen_t         len;
    struct pollfd     pfd;
    struct timeval    tv;
    struct addrinfo   hints, *ai;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;

    /*
     * a host that does not resolve: no test names one, as the answer
     * (and how long it takes) would be the machine's DNS's
     */
    if (getaddrinfo(e->host, e->port, &hints, &ai) != 0) {
        errno = EHOSTUNREACH;
        return -1;
    }

    /* out of descriptors or memory only: no test makes either */
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd == -1) {
        freeaddrinfo(ai);
        return -1;
    }

    /* a connect that hangs must not hold the drainer: poll it */
    flags = fcntl(fd, F_GETFL);
    (void) fcntl(fd, F_SETFL, flags | O_NONBLOCK);

    rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);

    if (rc != 0 && errno == EINPROGRESS) {
        pfd.fd = fd;
        pfd.events = POLLOUT;

        rc = poll(&pfd, 1, NEWS_EDGE_TIMEOUT_MS);
        soerr = 0;
        len = sizeof(soerr);

        if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0
            && soerr == 0)
        {
            rc = 0;

        } else {
            errno = rc == 0 ? ETIMEDOUT : (soerr ? soerr : errno);
            rc = -1;
        }
    }

    if (rc != 0) {
        soerr = errno;
        close(fd);
        errno = soerr;
        return -1;
    }

    (void) fcntl(fd, F_SETFL, flags);

    tv.tv_sec = NEWS_EDGE_TIMEOUT_MS / 1000;
    tv.tv_usec = 0;
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));

    e->fd = fd;

    return 0;
}


/*
 * Reads one answer: 200 (purged) and 404 (not held) are success.  Its
 * body is read by Content-Length; without one, the connection ends with
 * it.  Anything else is EPROTO.
 */
static int
news_edge_answer(news_edge_t *e)
{
    int          status, close_after;
    char         buf[8192], *eoh, *cl;
    size_t       have, body, want;
    ssize_t      n;

    have = 0;
    eoh = NULL;

    while (eoh == NULL) {
        if (have == sizeof(buf) - 1) {
            errno = EPROTO;
            return -1;
        }

        n = recv(e->fd, buf + have, sizeof(buf) - 1 - have, 0);

        if (n <= 0) {
            errno = n == 0 ? ECONNRESET : errno;
            return -1;
        }

        have += (size_t) n;
        buf[have] = '\0';
        eoh = strstr(buf, "\r\n\r\n");
    }

    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) {
        errno = EPROTO;
        return -1;
    }

    body = have - (size_t) (eoh + 4 - buf);
    *eoh = '\0';

    cl = strcasestr(buf, "\r\nContent-Length:");
    close_after = cl == NULL
                  || strcasestr(buf, "\r\nConnection: close") != NULL;

    if (cl != NULL) {
        want = strtoul(cl + 17, NULL, 10);

        while (body < want) {
            n = recv(e->fd, buf, sizeof(buf) < want - body
                                 ? sizeof(buf) : want - body, 0);

            if (n <= 0) {
                errno = n == 0 ? ECONNRESET : errno;
                return -1;
            }

            body += (size_t) n;
        }
    }

    if (close_after) {
        news_edge_close(e);
    }

    if (e->live ? status / 100 != 2 : status != 200 && status != 404) {
        errno = EPROTO;
        return -1;
    }

    return 0;
}


static void
news_edge_close(news_edge_t *e)
{
    if (e->fd != -1) {
        close(e->fd);
        e->fd = -1;
    }
}


static int64_t
news_drain_now(void)
{
    return (int64_t) time(NULL);
}
