/*
 * The desk's index: every article, drafts and scheduled ones too, by the
 * time of its last change, newest first, so that the editors' list is a
 * walk from one end of a B-tree, however many articles the store holds.
 *
 *   desk  't' . be64 modified_at . be64 id -> be64 published_at .
 *           u8 status . u8 length . section . u8 length . slug . title
 *         'i' . be64 id -> be64 modified_at (where its 't' entry is)
 *
 * Kept in the article write's transaction (publish.c); filled from the
 * articles the first time a store from before it is opened.
 */

#ifndef NEWS_DESK_H
#define NEWS_DESK_H

#include "article.h"
#include "buf.h"
#include "store.h"


#define NEWS_DESK_PAGE     50      /* articles a page */
#define NEWS_DESK_WALK     1000    /* entries a filtered page looks at */
#define NEWS_DESK_CURSOR   16      /* be64 modified_at . be64 id */


/* what the desk shows of a state (news_desk_state) */
enum {
    NEWS_DESK_ANY = 0,
    NEWS_DESK_DRAFT,
    NEWS_DESK_SCHEDULED,
    NEWS_DESK_PUBLISHED
};


/* one article as the list shows it; the strings point into the map */
typedef struct {
    uint64_t      id;
    int64_t       modified_at;
    int64_t       published_at;
    int           state;            /* NEWS_DESK_DRAFT .. PUBLISHED */
    const char   *section;
    size_t        section_len;
    const char   *slug;
    size_t        slug_len;
    const char   *title;
    size_t        title_len;
} news_desk_item_t;


/* a page of the list: what is asked, and what it found */
typedef struct news_desk_list_s {
    int                  state;     /* NEWS_DESK_ANY: all */
    const char          *section;   /* NULL or "": all; else its name */
    size_t               section_len;
    const unsigned char *after;     /* NULL, or a cursor: older than it */
    int64_t              now;

    news_desk_item_t     items[NEWS_DESK_PAGE];
    size_t               n;
    int                  more;      /* out: a next page may hold more */
    unsigned char        next[NEWS_DESK_CURSOR];  /* out, when more */
} news_desk_list_t;


/* the article's entry: put (add) in place of its last, or taken out */
int news_desk_index(news_store_t *st, MDB_txn *txn, const news_article_t *a,
    int add, news_err_t *err);

/*
 * A page of the list, newest change first: at most NEWS_DESK_PAGE
 * articles of the state and section asked, looking at no more than
 * NEWS_DESK_WALK entries (a filter that matches little gives a short
 * page and a cursor to go on from).
 */
int news_desk_list(news_store_t *st, MDB_txn *txn, news_desk_list_t *l,
    news_err_t *err);

/* the index of a store from before it, filled from its articles */
int news_desk_fill(news_store_t *st, MDB_txn *txn, news_err_t *err);

/* NEWS_DESK_* of an article at `now`, and its word ("draft", ...) */
int news_desk_state(int status, int64_t published_at, int64_t now);
const char *news_desk_state_name(int state);

/* NEWS_DESK_* of a word of news_desk_state_name() (n bytes), or -1 */
int news_desk_state_parse(const char *s, size_t n);

#endif /* NEWS_DESK_H */
