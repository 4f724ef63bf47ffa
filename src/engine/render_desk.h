/*
 * The editors' desk in the browser: the list of articles, the article's
 * form, the page that asks before a deletion, the banner over a page
 * readers cannot see yet (render_desk.c), and an article's versions and
 * their differences (render_desk_versions.c).  Everything shown is
 * escaped for where it goes.
 */

#ifndef NEWS_RENDER_DESK_H
#define NEWS_RENDER_DESK_H

#include "desk.h"
#include "render.h"
#include "render_account.h"


/* what the desk's form shows: an article's fields as text */
typedef struct news_desk_fields_s {
    news_str_t   title;
    news_str_t   subtitle;
    news_str_t   slug;
    news_str_t   section;
    news_str_t   tags;          /* parted by commas */
    news_str_t   image_url;
    news_str_t   image_alt;
    news_str_t   image_caption;
    news_str_t   body;
    news_str_t   published;     /* YYYY-MM-DDTHH:MM:SS, UTC, or empty */
} news_desk_fields_t;

/* which button sent the form */
enum {
    NEWS_DESK_SAVE = 0,
    NEWS_DESK_PUBLISH,
    NEWS_DESK_SCHEDULE,
    NEWS_DESK_UNPUBLISH,
    NEWS_DESK_RESTORE           /* not a button: a version restored */
};

/* the article the form edits; slug NULL: a new one */
typedef struct {
    const char  *slug;
    int          state;         /* NEWS_DESK_DRAFT .. PUBLISHED */
    int64_t      published_at;
    int64_t      updated_at;
} news_desk_edit_t;


/* the desk pages' <head>: private pages, but said what they are */
#define NEWS_DESK_HEAD                                                        \
    "<meta name=\"description\" content=\"The editors' desk: write, "        \
    "preview, schedule and correct the site's articles.\">\n"

/* versions on a page of an article's revisions */
#define NEWS_DESK_REVISIONS  10

/* lines of context around each change in a diff of the text */
#define NEWS_DESK_DIFF_CONTEXT  3

/* one version on the revisions page */
typedef struct {
    const news_article_t  *a;
    const news_article_t  *prev;    /* the version before it, or NULL */
    uint32_t               version; /* 0: the current one */
} news_desk_version_t;


/* the list page's <main>: the filters, the articles, the next page */
void news_render_desk_list(news_buf_t *b, const news_desk_list_t *l);

/* the form's page <main>, with f's values, error and notice */
void news_render_desk_form(news_buf_t *b, const news_form_t *f,
    const news_desk_edit_t *e, const news_desk_fields_t *v);

/* the page that asks before the article is deleted */
void news_render_desk_delete(news_buf_t *b, const news_form_t *f,
    const char *slug, const char *title, size_t title_len);

/*
 * Over an article page that readers cannot see, for the editors who
 * can: "Draft" or "Scheduled for ..." (nothing for a public page)
 */
void news_render_desk_banner(news_buf_t *b, const news_page_t *pg,
    int64_t now);

/*
 * An article's versions (v[0] the newest), what each changed, links to
 * compare each with the current text and a form to restore it; a link
 * to the page of versions below `earlier` when not 0
 */
void news_render_desk_revisions(news_buf_t *b, const news_form_t *f,
    const char *slug, const char *title, const news_desk_version_t *v,
    size_t n, uint32_t earlier);

/*
 * What changed from version `from` (old) to `to` (new; 0: the current
 * text): each other field that changed, and the body line by line, its
 * lines removed and added marked in words as well as <del> and <ins>.
 * Texts too far apart for the diff's bounds (diff.h) say so instead.
 */
void news_render_desk_diff(news_buf_t *b, const news_form_t *f,
    const char *slug, uint32_t from, uint32_t to, const news_article_t *old,
    const news_article_t *new);

/*
 * The form over a preview (pg: its page): "Preview", the state readers
 * would find it in, and the values again, hidden, with "Back to
 * editing" and the buttons that save them
 */
void news_render_desk_preview(news_buf_t *b, const news_form_t *f,
    const news_desk_edit_t *e, const news_desk_fields_t *v,
    const news_page_t *pg, int64_t now);

/*
 * Over the preview of the form's unsaved values: "Preview", and "Draft"
 * or "Scheduled for ..." when readers would not see the page yet
 */
void news_render_desk_preview_banner(news_buf_t *b, const news_page_t *pg,
    int64_t now);

#endif /* NEWS_RENDER_DESK_H */
