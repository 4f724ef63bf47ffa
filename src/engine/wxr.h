/*
 * Other systems' exports, read as a stream (libxml2's xmlReader: one item
 * in memory at a time, whatever the file's size): WordPress eXtended RSS
 * (WXR 1.0 to 1.2, what Tools -> Export writes) and the Disqus XML export.
 * Each item is handed over as the import JSON of an article (article.h)
 * with its comments, so that it is validated and written as every
 * import is.  And WXR 1.2 written, for the export.  WXR is read in
 * wxr.c, Disqus in disqus.c (both through import_xml.h), WXR written in
 * wxr_write.c.
 */

#ifndef NEWS_WXR_H
#define NEWS_WXR_H

#include <cjson/cJSON.h>

#include "article.h"
#include "buf.h"
#include "comments.h"
#include "store.h"


/* what an import counts, for its summary */
typedef struct {
    size_t  articles;
    size_t  comments;       /* visible */
    size_t  held;           /* waiting in the moderation queue */
    size_t  spam;           /* dropped */
    size_t  trash;          /* dropped (Disqus: deleted) */
    size_t  skipped;        /* pages, attachments, other post types */
    size_t  unmatched;      /* Disqus threads without their article */
} news_import_stats_t;


/*
 * A post of a WXR file as import JSON: {"slug","title",...,"comments":[]}
 * with each comment's "id" and "parent" the file's comment ids (the
 * caller gives them store ids).  `addresses` gets its old permalinks,
 * each NUL-terminated: the link's path ("/2024/03/hello", no trailing
 * slash) and "?p={post_id}".  `index` is its position among the file's
 * items, for messages.
 */
typedef int (*news_wxr_pt)(cJSON *article, const news_buf_t *addresses,
    size_t index, void *data, news_err_t *err);

/*
 * The old addresses of a post: its link's path as nginx sees a request's
 * (percent-decoded, no scheme, host or trailing slash) and, when post_id
 * is not 0, "?p={post_id}"; each NUL-terminated.
 */
void news_wxr_addresses(const char *link, uint64_t post_id, news_buf_t *out);

/*
 * Reads the WXR file at path (or stdin, "-") item by item: posts go to
 * handler, the rest is counted in stats.  An error (a malformed file, a
 * field out of its range, the handler's refusal) names the item and the
 * field, and stops the reading.
 */
int news_wxr_read(const char *path, news_wxr_pt handler, void *data,
    news_import_stats_t *stats, news_err_t *err);


/* a Disqus thread: its link, its identifier, its posts as comments */
typedef struct {
    const char  *link;
    const char  *identifier;    /* the site's own id for the page */
    const char  *title;
    size_t       index;         /* its position among the file's threads */
} news_disqus_thread_t;

/*
 * Reads a Disqus export: threads first, then posts.  Threads are kept
 * (their dsq:id, link and identifier: a few hundred bytes each); posts
 * are handed to handler one at a time as a comment JSON object whose
 * "id" and "parent" are the post's and its parent's dsq:id numbers,
 * with the thread they belong to (valid during the call only: keep its
 * index, the same each time the file is read).  Spam and deleted posts
 * are counted, not handed over.
 */
typedef int (*news_disqus_pt)(const news_disqus_thread_t *thread,
    cJSON *comment, size_t index, void *data, news_err_t *err);

int news_disqus_read(const char *path, news_disqus_pt handler, void *data,
    news_import_stats_t *stats, news_err_t *err);


/*
 * Writing WXR 1.2, what WordPress's importer reads: the channel's head
 * (site name, base URL), its authors and terms (sections 's', tags 't'),
 * an item per article with its comments, the tail.
 */
void news_wxr_head(news_buf_t *b, const char *site, const char *base,
    int64_t now);
void news_wxr_author_entry(news_buf_t *b, size_t id, const char *name);
void news_wxr_term(news_buf_t *b, size_t id, int kind, const char *name);
void news_wxr_term_entry(news_buf_t *b, size_t id, int kind,
    const char *name);
void news_wxr_generator(news_buf_t *b);
void news_wxr_item_out(news_buf_t *b, const news_article_t *a,
    const news_comment_t *comments, size_t n, const char *base, int64_t now);
void news_wxr_tail(news_buf_t *b);

#endif /* NEWS_WXR_H */
