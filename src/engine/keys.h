/*
 * Surrogate keys: every answer names the things it shows, and a write
 * names the things it changed, in the same words, so that a cache in
 * front (an nginx edge, a CDN) drops exactly the answers a write made
 * stale.
 *
 *   article-N       article N's page, comment pages, thread pages, its
 *                   JSON and its comments' JSON
 *   section-SLUG    a section's pages (all ?page=N) and its feed
 *   tag-SLUG        a tag's pages
 *   front           the front page (all ?page=N) and /api/articles
 *   feed            the Atom feeds
 *   sitemap         /sitemap.xml
 *   search          the search page and /api/search
 *
 * SLUG is the section's or tag's slug as in its URL: keys are [a-z0-9-],
 * safe in any header.
 */

#ifndef NEWS_KEYS_H
#define NEWS_KEYS_H

#include <stdint.h>

#include "article.h"
#include "buf.h"


/* ?page=N of lists goes up to this (each page walks the ones before it) */
#define NEWS_LIST_PAGES  50


/*
 * The keys of an answer, space-separated, by the letter its ETag starts
 * with: 'a' (page), 'j' (JSON), 'c' (comments JSON), 'r' (thread) of
 * article `article`; 'f' front and 'l' /api/articles; 's' and 't' a
 * section's or tag's page and 'A' a feed, with `topic` the kind letter
 * and slug ("sworld") or NULL; 'M' the sitemap; 'q' and 'Q' search.
 * Appends nothing for any other letter.
 */
void news_keys_answer(news_buf_t *b, char kind, uint64_t article,
    const char *topic);


/* what a change to an article touched */
enum {
    NEWS_KEYS_TEASER = 0,   /* its pages and its teasers (comment count) */
    NEWS_KEYS_ALL           /* ... and the feeds, the sitemap, search */
};

/*
 * The keys a change to article a makes stale: article-N (written
 * "article-N/SLUG/PAGES", its address and comment pages, for edges that
 * purge by address), and when a is published, the lists it is on.
 */
void news_keys_change(news_buf_t *b, const news_article_t *a, int what,
    unsigned pages);

/*
 * For edges that purge by address: every path (from the site's root,
 * "/articles/slug?comments=2") that the keys in keys[0..len) name, each
 * given to fn.  The same path may come twice.  Returns fn's first
 * non-zero result, or 0.
 */
typedef int (*news_path_pt)(const char *path, size_t len, void *arg);

int news_keys_paths(const char *keys, size_t len, news_path_pt fn,
    void *arg);

/* the keys alone ("article-N" without its address), space-separated */
void news_keys_plain(news_buf_t *b, const char *keys, size_t len);

#endif /* NEWS_KEYS_H */
