/*
 * Surrogate keys; see keys.h.
 */

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "routes.h"
#include "text.h"


/*
 * The comment pages purged by address: the first 100 (5,000 threads);
 * an edge that purges by key (article-N) has every page of any article
 */
#define NEWS_KEYS_PAGES_MAX  100


static void news_keys_topic(news_buf_t *b, const char *topic);
static void news_keys_slug(news_buf_t *b, const char *prefix,
    const char *name);
static int news_keys_token_paths(const char *t, size_t n, news_path_pt fn,
    void *arg);
static int news_keys_pages(const char *path, const char *arg, unsigned from,
    unsigned to, news_path_pt fn, void *data);
static int news_keys_emit(news_path_pt fn, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int news_keys_is(const char *t, size_t n, const char *key);


void
news_keys_answer(news_buf_t *b, char kind, uint64_t article,
    const char *topic)
{
    switch (kind) {

    case 'a':
    case 'j':
    case 'c':
    case 'x':
    case 'r':
        news_buf_addf(b, "article-%" PRIu64, article);
        break;

    case 'f':
    case 'l':
        news_buf_adds(b, "front");
        break;

    case 's':
    case 't':
        news_keys_topic(b, topic);
        break;

    case 'A':
        news_buf_adds(b, "feed");
        news_keys_topic(b, topic);
        break;

    case 'M':
        news_buf_adds(b, "sitemap");
        break;

    case 'q':
    case 'Q':
        news_buf_adds(b, "search");
        break;

    default:
        break;
    }
}


/* "sworld" (a topics key prefix) as "section-world" */
static void
news_keys_topic(news_buf_t *b, const char *topic)
{
    if (topic == NULL || topic[0] == '\0') {
        return;
    }

    news_keys_slug(b, topic[0] == 's' ? "section-" : "tag-", topic + 1);
}


/*
 * prefix and the slug of name, after a space if keys come before it;
 * nothing when name has no letter or digit
 */
static void
news_keys_slug(news_buf_t *b, const char *prefix, const char *name)
{
    size_t  len;

    len = b->len;

    if (len) {
        news_buf_addc(b, ' ');
    }

    news_buf_adds(b, prefix);

    if (!news_slugify(b, name, strlen(name))) {
        b->len = len;
    }
}


void
news_keys_change(news_buf_t *b, const news_article_t *a, int what,
    unsigned pages)
{
    unsigned  i;

    news_buf_addf(b, "article-%" PRIu64 "/%s/%u", a->id, a->slug,
                  pages ? pages : 1);

    if (a->status != NEWS_PUBLISHED) {
        return;
    }

    news_buf_adds(b, " front");

    news_keys_slug(b, "section-", a->section);

    for (i = 0; i < a->ntags; i++) {
        news_keys_slug(b, "tag-", a->tags[i]);
    }

    if (what == NEWS_KEYS_ALL) {
        news_buf_adds(b, " feed sitemap search");
    }
}


int
news_keys_paths(const char *keys, size_t len, news_path_pt fn, void *arg)
{
    int          rc;
    size_t       n;
    const char  *p, *end, *t;

    p = keys;
    end = keys + len;

    while (p < end) {
        while (p < end && *p == ' ') {
            p++;
        }

        t = p;

        while (p < end && *p != ' ') {
            p++;
        }

        n = (size_t) (p - t);

        if (n && (rc = news_keys_token_paths(t, n, fn, arg)) != 0) {
            return rc;
        }
    }

    return 0;
}


void
news_keys_plain(news_buf_t *b, const char *keys, size_t len)
{
    size_t       i;
    int          skip;

    skip = 0;

    for (i = 0; i < len; i++) {
        if (keys[i] == ' ') {
            skip = 0;

        } else if (keys[i] == '/') {
            skip = 1;
        }

        if (!skip) {
            news_buf_addc(b, keys[i]);
        }
    }
}


/*
 * The addresses of one key.  Lists are purged at every ?page=N an edge
 * may hold; search answers carry a query, which edge.conf.example does
 * not cache, so search names no address.
 */
static int
news_keys_token_paths(const char *t, size_t n, news_path_pt fn, void *arg)
{
    int          rc;
    char         slug[NEWS_SLUG_MAX + 1], path[NEWS_SLUG_MAX + 64];
    unsigned     pages;
    const char  *s, *e;

    if (news_keys_is(t, n, "front")) {
        return news_keys_pages("/" NEWS_ROUTE_FRONT, "page", 1,
                               NEWS_LIST_PAGES, fn, arg)
               || news_keys_emit(fn, arg, "/" NEWS_ROUTE_API_ARTICLES);
    }

    if (news_keys_is(t, n, "feed")) {
        return news_keys_emit(fn, arg, "/" NEWS_ROUTE_FEED);
    }

    if (news_keys_is(t, n, "sitemap")) {
        return news_keys_emit(fn, arg, "/" NEWS_ROUTE_SITEMAP);
    }

    if (n > 8 && n - 8 <= NEWS_SLUG_MAX && memcmp(t, "section-", 8) == 0) {
        snprintf(path, sizeof(path), "/" NEWS_ROUTE_SECTION "%.*s",
                 (int) (n - 8), t + 8);
        rc = news_keys_pages(path, "page", 1, NEWS_LIST_PAGES, fn, arg);

        return rc ? rc : news_keys_emit(fn, arg, "%s"
                                        NEWS_ROUTE_TOPIC_FEED_SUFFIX, path);
    }

    if (n > 4 && n - 4 <= NEWS_SLUG_MAX && memcmp(t, "tag-", 4) == 0) {
        snprintf(path, sizeof(path), "/" NEWS_ROUTE_TAG "%.*s",
                 (int) (n - 4), t + 4);
        return news_keys_pages(path, "page", 1, NEWS_LIST_PAGES, fn, arg);
    }

    /* article-N/SLUG/PAGES */
    if (n < 8 || memcmp(t, "article-", 8) != 0
        || (s = memchr(t, '/', n)) == NULL
        || (e = memchr(s + 1, '/', n - (size_t) (s + 1 - t))) == NULL
        || !news_slug_valid(s + 1, (size_t) (e - s - 1)))
    {
        return 0;
    }

    memcpy(slug, s + 1, (size_t) (e - s - 1));
    slug[e - s - 1] = '\0';
    pages = (unsigned) strtoul(e + 1, NULL, 10);
    pages = pages > NEWS_KEYS_PAGES_MAX ? NEWS_KEYS_PAGES_MAX : pages;

    snprintf(path, sizeof(path), "/" NEWS_ROUTE_ARTICLE "%s", slug);

    return news_keys_pages(path, "comments", 1, pages, fn, arg)
           || news_keys_emit(fn, arg, "/" NEWS_ROUTE_API_ARTICLE "%s", slug)
           || news_keys_emit(fn, arg, "/" NEWS_ROUTE_API_ARTICLE "%s"
                             NEWS_ROUTE_COMMENTS_SUFFIX, slug)
           || news_keys_emit(fn, arg, "/" NEWS_ROUTE_ARTICLE "%s"
                             NEWS_ROUTE_COMMENTS_FEED_SUFFIX, slug);
}


/* path, then path?arg=N for N in from..to */
static int
news_keys_pages(const char *path, const char *arg, unsigned from,
    unsigned to, news_path_pt fn, void *data)
{
    int       rc;
    unsigned  i;

    rc = news_keys_emit(fn, data, "%s", path);

    for (i = from; rc == 0 && i <= to; i++) {
        rc = news_keys_emit(fn, data, "%s?%s=%u", path, arg, i);
    }

    return rc;
}


static int
news_keys_emit(news_path_pt fn, void *arg, const char *fmt, ...)
{
    int      n;
    char     path[512];
    va_list  ap;

    va_start(ap, fmt);
    n = vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);

    if (n < 0 || (size_t) n >= sizeof(path)) {
        return 0;
    }

    return fn(path, (size_t) n, arg);
}


static int
news_keys_is(const char *t, size_t n, const char *key)
{
    return n == strlen(key) && memcmp(t, key, n) == 0;
}
