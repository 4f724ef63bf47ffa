/*
 * An article: the record a newsroom writes, its validation, and its JSON
 * form (the contract's article JSON for import, export and the API).
 */

#ifndef NEWS_ARTICLE_H
#define NEWS_ARTICLE_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "buf.h"
#include "store.h"


#define NEWS_TITLE_MAX     300
#define NEWS_SUBTITLE_MAX  1000
#define NEWS_AUTHOR_MAX    200
#define NEWS_SECTION_MAX   64
#define NEWS_TAG_MAX       64
#define NEWS_TAGS_MAX      20
#define NEWS_BODY_MAX      (1024 * 1024)
#define NEWS_IMAGE_URL_MAX      1024
#define NEWS_IMAGE_ALT_MAX      300
#define NEWS_IMAGE_CAPTION_MAX  1000
#define NEWS_IMAGE_SIZE_MAX     10000   /* pixels, each side */


enum {
    NEWS_PUBLISHED = 0,
    NEWS_DRAFT
};


typedef struct {
    uint64_t    id;
    char       *slug;
    char       *title;
    char       *subtitle;       /* "" when absent, never NULL */
    char       *author;
    char       *section;
    char       *body;           /* Markdown source */
    char       *tags[NEWS_TAGS_MAX];
    char       *image_url;      /* the lead image, "" when none */
    char       *image_alt;
    char       *image_caption;
    unsigned    image_width;    /* 0 when not given (with its height) */
    unsigned    image_height;
    unsigned    ntags;
    int64_t     published_at;
    int         undated;        /* published_at was not given: an update
                                   keeps the one it had */
    int64_t     updated_at;
    int64_t     created_at;
    int64_t     modified_at;    /* the last change to its pages */
    int         status;         /* NEWS_PUBLISHED, NEWS_DRAFT */
    uint32_t    version;        /* bumped by every write: the ETag */
    uint32_t    comment_count;  /* visible comments */
    int         comments_closed;
    int         live;           /* a live blog: updates reach open pages */

    /* the body rendered once for all fragments of a write (not owned) */
    const char *html;
    size_t      html_len;
} news_article_t;


/*
 * Validates an article JSON object and fills a; strings are malloc'd.
 * `now` is the default published_at.  A "comments" array is left to the
 * caller (see comments.h).  `internal` accepts the fields only
 * the stored record has (id, created_at, version, comment_count).  On
 * error fills err (NEWS_INVALID) with a message that names the field.
 */
int news_article_from_json(news_article_t *a, const cJSON *obj, int64_t now,
    int internal, news_err_t *err);

/*
 * Checks the fields a patch gives, each alone (types, sizes, forms), on
 * the event loop: NEWS_MALFORMED for a wrong JSON type, NEWS_INVALID for
 * a wrong value.
 */
int news_article_patch_check(const cJSON *patch, news_err_t *err);

/*
 * The article old with the fields the patch gives changed, validated as
 * a whole (a fills as news_article_from_json() does; a->undated says
 * whether the patch leaves the date out).
 */
int news_article_merge(const news_article_t *old, const cJSON *patch,
    int64_t now, news_article_t *a, news_err_t *err);

/*
 * NULL when h is fit for news_image_hosts (a host name, "*." and a
 * domain, or either with ":port"), else what is wrong
 */
const char *news_image_host_check(const char *h, size_t n);

#define NEWS_NAV_MAX  12        /* sections the header links to */

/* why a section's name cannot be in news_nav, or NULL */
const char *news_nav_name_check(const char *name, size_t n);

/*
 * A stored record's fields as they are, without news_article_from_json's
 * checks and copies (its write checked them): a's strings point into obj
 * ("" for one absent), so a lives as long as obj and is never
 * news_article_free'd.  A damaged record gives empty or zero fields,
 * never a wild pointer or a number out of its range.
 */
void news_article_view_json(news_article_t *a, const cJSON *obj);

/* the stored record (also the export form, plus internal fields) */
cJSON *news_article_to_json(const news_article_t *a, int internal);

void news_article_free(news_article_t *a);

/*
 * A stored JSON record parsed (cJSON_ParseWithLength); NULL when it could
 * not be, with *oom set when cJSON ran out of memory and clear when the
 * bytes are not JSON, so that a lack of memory is not called corruption.
 */
cJSON *news_json_parse(const void *data, size_t len, int *oom);

/*
 * The same with the string value of top-level member `name` left out
 * (read as ""): a record's fields without its body, for a fraction of
 * the parse
 */
cJSON *news_json_parse_without(const void *data, size_t len,
    const char *name, int *oom);

#endif /* NEWS_ARTICLE_H */
