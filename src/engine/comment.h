/*
 * A comment: the record a reader writes, its text's rules, its JSON forms
 * (import and export, the API's item) and the limits every comment
 * keeps.  Where comments are kept in the store is comments.h's; the
 * renderers and the store both work on these records.
 */

#ifndef NEWS_COMMENT_H
#define NEWS_COMMENT_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "store.h"


#define NEWS_COMMENT_MAX          5000     /* characters, the default */
#define NEWS_COMMENT_HARD_MAX     100000   /* characters, any directive */
#define NEWS_COMMENT_DEPTH        4        /* a top comment is depth 1 */
#define NEWS_COMMENTS_PAGE        50       /* top-level threads a page */
#define NEWS_THREAD_SHOWN         10       /* replies a thread shows there */
#define NEWS_THREAD_MAX           200      /* replies a thread takes */
#define NEWS_FEATURED_MAX         10       /* editors' picks an article
                                              shows */


enum {
    NEWS_COMMENT_VISIBLE = 0,
    NEWS_COMMENT_PENDING,
    NEWS_COMMENT_HIDDEN,
    NEWS_COMMENT_DELETED
};


typedef struct {
    uint64_t    id;
    uint64_t    article_id;
    uint64_t    parent;         /* 0: a top-level comment */
    uint64_t    root;           /* a reply's top-level comment (writes) */
    char       *author;         /* username */
    uint64_t    author_id;      /* the author's user id; 0 in records
                                   written before ids were kept */
    char       *body;           /* plain text, normalised */
    int64_t     created_at;
    int64_t     edited_at;      /* 0: never */
    int         status;
    unsigned    depth;
    int         featured;       /* an editors' pick */
} news_comment_t;


typedef struct {
    news_comment_t  *items;
    size_t           n;
    size_t           cap;
    char            *arena;     /* the loaded items' strings, if loaded */
    void            *tree;      /* their reply tree, built once by the
                                   renderer (render_thread.c) */
    void           (*tree_free)(void *tree);  /* set with tree */
} news_comments_t;


/*
 * Checks and normalises comment text: valid UTF-8, no NUL or control
 * characters but newlines and tabs, CRLF to LF, trimmed, 1 to `max`
 * characters.  Appends the result to out.
 */
int news_comment_text(const char *s, size_t n, size_t max, news_buf_t *out,
    news_err_t *err);

int news_comment_status_parse(const char *s);
const char *news_comment_status_name(int status);

/* a comment of the import / export JSON; strings are malloc'd */
int news_comment_from_json(news_comment_t *c, const cJSON *obj,
    news_err_t *err);
cJSON *news_comment_to_json(const news_comment_t *c, int internal);

/* the public JSON of a comment: the API's item, escaped like all JSON */
void news_comment_json(news_buf_t *b, const news_comment_t *c);
void news_comment_free(news_comment_t *c);
void news_comments_free(news_comments_t *cs);

/* a copy of s, malloc'd (NULL when out of memory) */
char *news_comment_strdup(const char *s);

#endif /* NEWS_COMMENT_H */
