/*
 * The render tier: every byte of HTML, XML and JSON a reader or a feed
 * reader sees is written by the src/engine/render_*.c files, each byte
 * escaped for where it lands.  An article's pages are rendered once, at
 * write time, into stored fragments; the site chrome once per nginx
 * location at configuration time; the per-reader pieces (the forms, the
 * moderation page, a list's heading) at request time, into a buffer that
 * the nginx side sends.  The read path only copies.
 *
 *   render_fragment.c  the stored fragment format, below
 *   render_article.c   the article page, its SEO head, its JSON
 *   render_thread.c    the reply tree, comment pages, a thread's page
 *   render_list.c      teasers, list headings and pagers, JSON list ends
 *   render_feed.c      Atom entries and head, sitemap entries and head
 *   render_forms.c     the comment form, the moderation page
 *   render_chrome.c    stylesheet, chrome, CSP, error pages
 *   render_text.c      <time>, Markdown bodies, comment text
 *
 * A stored fragment ("page value") is a small header followed by parts:
 *
 *   be64 published_at | be64 modified_at | be32 version | be32 status |
 *   be32 nparts | nparts x (be32 length | bytes)
 *
 * What an article's comments change is kept apart from what its text
 * makes, so that a comment writes a few small records and never renders
 * the article again: the page fragment's NEWS_PART_COMMENTS is empty and
 * its comments are comment page 1; the JSON fragment is two parts, the
 * JSON before and after its comment count; and the state fragment holds
 * the article's version and last change (its validators) in its header
 * and the count of visible comments, in decimal, as its first part; its
 * second is the comment state (articles.h, news_cstate_t), which lets a
 * comment write its thread alone into its page.  A reader's lookup of the
 * page or the JSON puts them together (articles.c,
 * news_article_fragment).  A store written before this layout has no
 * state fragment, and its page and JSON are whole; one written before the
 * comment state has a state of one part, and its next write renders the
 * article's comment pages whole once.
 */

#ifndef NEWS_RENDER_H
#define NEWS_RENDER_H

#include <sys/types.h>

#include "article.h"
#include "buf.h"
#include "comment.h"
#include "routes.h"


#define NEWS_PAGE_HEADER  28
#define NEWS_PARTS_MAX    8


/* kinds of stored fragments: the last byte of a pages key */
enum {
    NEWS_FRAG_PAGE = 'P',       /* the article page: NEWS_PART_* */
    NEWS_FRAG_JSON = 'J',       /* GET /api/articles/{slug}: 2 parts */
    NEWS_FRAG_SUMMARY = 'S',    /* one item of GET /api/articles */
    NEWS_FRAG_TEASER = 'T',     /* one item of the front page */
    NEWS_FRAG_COMMENTS = 'C',   /* comment page N >= 1; key: . be32 N;
                                 * its HTML, where its threads start, and
                                 * their tops' ids (news_render_comment_
                                 * value; a page stored before: the HTML
                                 * and the starts, or the HTML alone) */
    NEWS_FRAG_FEATURED = 'F',   /* above the thread: the links to each
                                 * order and the editors' picks; a part
                                 * oldest first, a part newest first */
    NEWS_FRAG_STATE = 'N',      /* what comments change: see below */
    NEWS_FRAG_ATOM = 'A',       /* one <entry> of the Atom feed */
    NEWS_FRAG_SITEMAP = 'M'     /* one <url> of the sitemap */
};


/*
 * What only the server knows at request time is left in stored
 * fragments as one marker byte (no user text can hold a control byte):
 * the site's absolute base URL, and the site's name for HTML and JSON.
 */
#define NEWS_MARK_BASE       '\x01'
#define NEWS_MARK_SITE_HTML  '\x02'
#define NEWS_MARK_SITE_JSON  '\x03'
#define NEWS_MARKS           3


/* the page header's status word: the article's status, and flags */
#define NEWS_STATUS_MASK     0xff
#define NEWS_COMMENTS_CLOSED 0x100


/*
 * The parts of an article page; the per-reader comment slot (login link
 * or form) goes between COMMENTS and TAIL.  The story is cut around its
 * link to the comments in the byline ("12 comments"): the count is the
 * state's, put between ARTICLE and STORY_END on a read, so that a comment
 * never renders the story again.  A page stored before that link has
 * NEWS_ARTICLE_PARTS parts, its story whole in ARTICLE.
 */
enum {
    NEWS_PART_TITLE = 0,        /* escaped headline, for <title> */
    NEWS_PART_HEAD,             /* extra <head> elements */
    NEWS_PART_ARTICLE,          /* the article up to its comment count */
    NEWS_PART_COMMENTS,         /* the first page of comments */
    NEWS_PART_TAIL,             /* closes the comments section */
    NEWS_ARTICLE_PARTS,
    NEWS_PART_STORY_END = NEWS_ARTICLE_PARTS,   /* the article after its
                                 * count, the comments heading */
    NEWS_PAGE_PARTS,            /* the parts of a page stored now */
    NEWS_PART_COUNT = NEWS_PAGE_PARTS   /* on a read: the state's count */
};


/* the site chrome, in page order; the glue fills the gaps between them */
enum {
    NEWS_CHROME_OPEN = 0,       /* doctype .. <title> */
    NEWS_CHROME_TITLE_END,      /* " · Site</title>", the stylesheet */
    NEWS_CHROME_BODY,           /* </head><body><a class="skip" href=" */
    NEWS_CHROME_HEADER,         /* #main">..<header>..<nav> */
    NEWS_CHROME_NAV_ANON,       /* log in / register links */
    NEWS_CHROME_SEARCH,         /* </nav>, the header's search box .. its
                                 * <input> up to its value, if any */
    NEWS_CHROME_MAIN,           /* the box's end; then the sections' links
                                 * (news_nav or the store's) */
    NEWS_CHROME_HEADER_END,     /* </header><main> */
    NEWS_CHROME_CLOSE,          /* </main><footer>..</html> */
    NEWS_CHROME_N
};


typedef struct {
    const char  *data;
    size_t       len;
} news_str_t;


typedef struct {
    int64_t      published_at;
    int64_t      modified_at;   /* Last-Modified */
    uint32_t     version;       /* the ETag */
    uint32_t     status;
    unsigned     nparts;
    news_str_t   part[NEWS_PARTS_MAX];
} news_page_t;


/* reads a stored fragment; -1 when it is malformed */
int news_page_parse(const void *p, size_t n, news_page_t *pg);

/*
 * The stored fragment of the given kind for an article with its comments
 * (cs may be NULL: none).  For NEWS_FRAG_COMMENTS, `page` is the page.
 * Neither the page nor the JSON depends on the comments (see above).
 */
int news_render_fragment(news_buf_t *b, const news_article_t *a, int kind,
    const news_comments_t *cs, unsigned page);

/* ,"body":"Markdown"} : what ends the article JSON editors are sent */
void news_render_json_source(news_buf_t *b, const news_article_t *a);

/*
 * A moderator's page `page` of the article's comments, rendered at
 * request time and never stored: hidden and held comments show too,
 * greyed and labelled, and every comment has its number, Hide, Unhide
 * or Approve, and Delete (render_thread.c).  cs holds the threads of that
 * page of `pages` (those the stored page places there), or with pages 0
 * all the article's, cut into pages of NEWS_COMMENTS_PAGE.
 */
void news_render_comments_staff(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, unsigned page, unsigned pages, int newest,
    int picks, const char *csrf, size_t csrf_len);

/*
 * Every top-level thread of cs in order, as a comment page shows it (its
 * top and NEWS_THREAD_SHOWN replies), appended to b: thread i is b's
 * bytes (*at)[i] .. (*at)[i + 1], empty when nothing of it shows, its top
 * comment (*ids)[i]; *n threads.  The caller frees *at and *ids; -1 when
 * out of memory.  The pieces a comment page is spliced from.
 */
int news_render_threads(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, size_t **at, uint64_t **ids, size_t *n);

/*
 * A stored comment page of the current layout: page `page` of `pages`,
 * its threads th[0..n) (empty: not shown) and their tops' ids; its frame,
 * the same with the threads' HTML left out (their offsets all where they
 * start: articles.h, news_cpage_t, has where they are then); and the
 * threads and ids read back from one, or a page of two parts stored
 * before they were named, its ids 0 (-1: neither, or more than max
 * threads, or offsets that do not hold).
 */
void news_render_comment_value(news_buf_t *b, const news_article_t *a,
    unsigned page, unsigned pages, const news_str_t *th, const uint64_t *ids,
    size_t n);
void news_render_comment_frame(news_buf_t *b, const news_article_t *a,
    unsigned page, unsigned pages, const news_str_t *th, const uint64_t *ids,
    size_t n);
int news_comment_page_threads(const news_page_t *pg, news_str_t *th,
    uint64_t *ids, size_t max, size_t *n);

/*
 * The state fragment: a's header and count, and the comment state's
 * bytes (articles.h, news_cstate_t), n of them
 */
void news_render_state(news_buf_t *b, const news_article_t *a,
    const void *cstate, size_t n);

/*
 * Newest first: a page of the top-level threads the other way round,
 * each with its replies as ever.  The public's is cut from the stored
 * pages: their threads th[lo .. hi], counted across them, copied the
 * other way round (render_thread.c).
 */
void news_render_comments_newest(news_buf_t *b, const char *slug,
    size_t slug_len, const news_str_t *th, size_t lo, size_t hi,
    unsigned page, unsigned pages);

/* the "Oldest first / Newest first" links under the comments' heading */
void news_render_comment_sort(news_buf_t *b, const char *slug,
    size_t slug_len, int newest);

/* the editors' picks above the thread (in NEWS_FRAG_FEATURED), or nothing */
void news_render_featured(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs);

/*
 * Where a reply's form goes in a comment page as render_thread.c writes
 * it (stored or a moderator's): the offset right after comment id's own
 * <article>, or -1 when the page does not show that comment
 */
ssize_t news_render_reply_point(const char *page, size_t n, uint64_t id);

/* the page that asks before a comment is deleted (render_forms.c) */
void news_render_delete_confirm(news_buf_t *b, const char *slug,
    size_t slug_len, uint64_t id, const char *csrf, size_t csrf_len);

/* one visible comment without its replies, for a live stream (live.h) */
void news_render_live_comment(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c);

/* a live blog's body as its page shows it, for its open pages (live.h) */
void news_render_live_body(news_buf_t *b, const news_article_t *a);

/* how many pages the article's comment threads fill (at least 1) */
unsigned news_render_comment_pages(const news_comments_t *cs);

/*
 * The <main> of a thread's own page: its top comment and every reply (an
 * article page shows NEWS_THREAD_SHOWN replies of a thread and links here
 * for the rest), headed by the article's title (HTML already) and ending
 * in a link back to comment `id` there.  cs is
 * news_comments_thread_load()'s; a only gives the slug and whether
 * comments are closed.  0, 1 when the thread shows nothing, or -1 (out
 * of memory).
 */
int news_render_thread_page(news_buf_t *b, const news_article_t *a,
    const news_str_t *title, uint64_t id, const news_comments_t *cs);

/*
 * The header's links to sections (names NUL-terminated, those without a
 * letter or digit skipped): nothing when n is 0 (render_chrome.c)
 */
void news_render_sections_nav(news_buf_t *b, const char *const *names,
    size_t n);

/*
 * "12 comments", "1 comment": the words of a count of visible comments,
 * the teasers' and the article's byline's (render_text.c)
 */
void news_render_count_words(news_buf_t *b, unsigned n);

/* renders checked comment text as HTML: paragraphs, line breaks, links */
void news_comment_html(news_buf_t *b, const char *s, size_t n);

/* one of a user's comments on their moderation page, with its buttons */
void news_render_author_item(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const char *csrf, size_t csrf_len);

/* instead of the comment form: "You cannot comment: " and why */
void news_render_comment_refused(news_buf_t *b, const char *why, size_t n);

/* how many links news_comment_html() makes of the text */
unsigned news_comment_links(const char *s, size_t n);

/* appends s with each marker replaced by marks[marker - 1] */
void news_render_expand(news_buf_t *b, const char *s, size_t n,
    const news_str_t *marks);

/*
 * A list page's <main>: the heading of the front page (kind 0), or of a
 * section ('s') or tag ('t') page with its name, and the list's opening;
 * the teasers (NEWS_FRAG_TEASER) follow; then the tail: the list's end
 * (or "No articles yet" when count is 0) and a pager to page - 1 and,
 * when `older`, to page + 1, relative to the list's own path `here`.
 */
void news_render_list_head(news_buf_t *b, int kind, const char *name,
    size_t name_len);
void news_render_list_tail(news_buf_t *b, size_t count, unsigned long page,
    int older, const char *here, size_t here_len);

/* a list page's <meta name="description">; title and site are HTML */
void news_render_list_description(news_buf_t *b, int kind, const char *title,
    size_t title_len, const char *site, size_t site_len);

/* closes a JSON list answer: ],"next":"hex cursor" or null} */
void news_render_list_end(news_buf_t *b, const unsigned char *next,
    size_t n, int more);

/* the opening of the Atom feed, up to its first entry, and its end */
void news_render_feed_head(news_buf_t *b, const char *path, int64_t updated);

/*
 * An article's comments feed: its head (`title` the article's, as HTML
 * text), then an <entry> a comment (slug: the article's address).
 */
void news_render_comments_feed_head(news_buf_t *b, const char *slug,
    const char *title, size_t title_len, int64_t updated);
void news_render_comment_entry(news_buf_t *b, const char *slug,
    const news_comment_t *c);
void news_render_feed_tail(news_buf_t *b);

/* the opening of the sitemap, up to its first <url>, and its end */
void news_render_sitemap_head(news_buf_t *b);
void news_render_sitemap_tail(news_buf_t *b);


/* what the comment form of one reader on one article shows */
typedef struct {
    const char  *slug;
    size_t       slug_len;
    const char  *csrf;          /* the reader's CSRF token, hex */
    size_t       csrf_len;
    const char  *user;          /* the reader's name */
    size_t       user_len;
    uint64_t     reply;         /* the comment replied to; 0: none */
    const char  *reply_name;    /* its author ... */
    size_t       reply_name_len;    /* ... 0: unknown */
    const char  *error;         /* why a comment was refused ... */
    size_t       error_len;     /* ... 0: none */
    const char  *text;          /* and its text, to correct */
    size_t       text_len;
    unsigned     max;           /* the longest comment, in characters */
    int64_t      now;
    int64_t      window;        /* how long a comment may be edited */
    uint64_t     edit;          /* ?edit=N: the comment being edited */
} news_comment_form_t;

/* the per-reader slot under an article's comments: one of these (the
 * login link's prefix is the location's, as configured) */
void news_render_comments_closed(news_buf_t *b);
void news_render_comment_login(news_buf_t *b, const char *prefix,
    size_t prefix_len, const char *slug, size_t slug_len);
void news_render_comment_form(news_buf_t *b, const news_comment_form_t *f);

/*
 * Before the form: the reader's own comments held for approval (among
 * their recent ones), "Awaiting moderation", each at its #comment-N, as
 * only they (and the moderators) see them; after the form: those still
 * in the edit window, each to edit or delete.
 */
void news_render_comment_held(news_buf_t *b, const news_comment_form_t *f,
    const news_comment_t *recent, size_t n);

/*
 * What goes right under one of the reader's own comments (the article
 * page splices it into the stored comment page after the comment's
 * <article>): while it may be changed, until when, Edit (the form in
 * place: ?edit=N) and Delete (the page that asks first); with f->edit
 * naming it, the edit form itself, or why it can no longer be changed.
 */
void news_render_comment_own(news_buf_t *b, const news_comment_form_t *f,
    const news_comment_t *c);

/* ?edit=N of no comment the reader may change: why, in its place */
void news_render_edit_refused(news_buf_t *b, const news_comment_form_t *f);

/*
 * The moderation page's <main>: the head, then one item per comment held
 * for approval, with approve and delete buttons, then the tail: the link
 * to the queue's next page and the form that moderates any comment.
 */
void news_render_moderation_head(news_buf_t *b);

/* the moderation pages' tabs: the queue, or the reported comments */
void news_render_moderation_tabs(news_buf_t *b, int reported);
void news_render_pending_item(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const char *csrf, size_t csrf_len);
void news_render_moderation_tail(news_buf_t *b, size_t count, int more,
    const unsigned char *next, size_t next_len, const char *csrf,
    size_t csrf_len);

/* Markdown to HTML with raw HTML and unsafe links dropped */
int news_markdown(news_buf_t *b, const char *md, size_t n);

/*
 * The site chrome for a site name and the location prefix (ends in '/'),
 * with an optional logo URL and an extra stylesheet URL (empty: none);
 * live: with the live comments' script
 */
int news_render_chrome(news_buf_t chrome[NEWS_CHROME_N], const char *site,
    size_t site_len, const char *prefix, size_t prefix_len, const char *logo,
    size_t logo_len, const char *css, size_t css_len, int live);

/*
 * The Content-Security-Policy of HTML pages: our inline stylesheet by its
 * SHA-256, and the logo and extra stylesheet URLs; images from the
 * hosts of `images` too (news_image_hosts: checked host sources parted
 * by spaces, or empty); no script source but, when live, the live
 * comments' script by its SHA-256
 */
void news_render_csp(news_buf_t *b, const char *logo, size_t logo_len,
    const char *css, size_t css_len, const char *images, size_t images_len,
    int live);


/*
 * A page's <meta name="description"> from its title (HTML already): what
 * a form page says of itself
 */
void news_render_page_description(news_buf_t *b, const char *title,
    size_t title_len);

/* the <main> of an error page */
void news_render_error_main(news_buf_t *b, int status, const char *title,
    const char *text);

#endif /* NEWS_RENDER_H */
