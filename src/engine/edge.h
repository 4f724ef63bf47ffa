/*
 * Telling the edges: a thread of its own that drains the outbox
 * (outbox.h) to each edge's purge endpoint, so that neither the event
 * loop nor a write ever waits for an edge.
 *
 * Each round (every 100 ms) it reads what each edge has not had, sends
 * it, and moves the edge's mark in the store through the writer.  An
 * edge that is down or answers wrongly is tried again after 1 s, then
 * 2, 4 ... up to 30 s, from its mark: a purge queued meanwhile reaches it
 * when it is back.  Entries older than max-age are neither sent nor
 * kept: every copy of what they purge has expired.
 *
 * What an edge gets, for each address the keys name (keys.h,
 * news_keys_paths), is one request on a kept-alive connection:
 *
 *     PURGE {the URL's path}{address} HTTP/1.1
 *     Host: {the URL's host}
 *     Surrogate-Key: {the keys}
 *
 * which nginx's cache purge module (a location with proxy_cache_purge)
 * answers 200 (purged) or 404 (not held): both are success.
 *
 * A live publisher (news_live_publish: nchan's publisher location) gets
 * each comment event (live.h) of an article as
 *
 *     POST {the URL's path}/{article id} HTTP/1.1
 *     Content-Type: application/json
 *
 * with the event as the body; any 2xx is success.
 */

#ifndef NEWS_EDGE_H
#define NEWS_EDGE_H

#include <pthread.h>
#include <stdint.h>

#include "store.h"
#include "writer.h"


#define NEWS_EDGE_URL_MAX  512


typedef struct {
    const char  *url;           /* as configured: names its mark */
    char         host[256];
    char         port[8];
    char         path[NEWS_EDGE_URL_MAX];   /* without a trailing '/' */

    int          fd;            /* kept alive between rounds, or -1 */
    int          down;          /* failed last time (logged once) */
    int64_t      retry_at;
    unsigned     backoff;       /* seconds */
    uint64_t     mark;
    int          known;         /* mark read from the store */
    int          live;          /* a live publisher, not an edge */
} news_edge_t;


/* level 0: notice, 1: error */
typedef void (*news_edge_log_pt)(void *data, int level, const char *msg);

typedef struct {
    news_store_t      *st;
    news_writer_t     *writer;
    news_edge_t       *edges;
    unsigned           n;
    int64_t            max_age;
    news_edge_log_pt   log;
    void              *log_data;

    pthread_t          thread;
    pthread_mutex_t    lock;
    pthread_cond_t     cond;
    int                stop;
    int                running;
    int                forgot;      /* edges' marks dropped (no edge) */
} news_drain_t;


/*
 * Checks and splits "http://host[:port]/path" into e (the edge's purge
 * endpoint); 0, or -1 with why in msg.
 */
int news_edge_parse(news_edge_t *e, const char *url, char *msg,
    size_t size);

/* starts the drainer's thread: 0, or -1 */
int news_drain_start(news_drain_t *d);

/* stops it and waits for it (at most the socket timeouts, a few s) */
void news_drain_stop(news_drain_t *d);

#endif /* NEWS_EDGE_H */
