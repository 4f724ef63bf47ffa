/*
 * The reply tree of an article's comments, which render_thread.c draws;
 * nothing else includes this.  The tree is built once for a set of
 * comments and cached in it (news_comments_t.tree): a write renders
 * several pages of the same comments, and each needs the tree.
 */

#ifndef NEWS_RENDER_TREE_H
#define NEWS_RENDER_TREE_H

#include "comment.h"


/* the reply tree of an article's comments, as indexes into its list */
#define NEWS_NONE  ((size_t) -1)

typedef struct {
    size_t  first;          /* first child */
    size_t  last;           /* last child, for appending in order */
    size_t  next;           /* next sibling */
    int     shown;          /* visible, or a placeholder above one */
} news_node_t;


typedef struct {
    news_node_t  *nodes;
    size_t        top_first;
    size_t        top_last;
    size_t        top_shown;
    int           cached;       /* nodes belong to the comments' cache */

    /* a moderator's page (never stored): every comment but the deleted,
     * each with its number and buttons carrying the CSRF token */
    int           staff;
    const char   *csrf;
    size_t        csrf_len;

    int           picks;        /* an editor's: Feature, Unfeature */
    int           newest;       /* top-level threads newest first */
    unsigned      pages;        /* the threads are one page's, all shown,
                                   of this many pages; 0: the article's,
                                   cut into pages of NEWS_COMMENTS_PAGE */
} news_thread_t;


/*
 * The tree of cs, with what shows to the public marked (an empty tree
 * for NULL or no comments); 0, or -1 when out of memory.
 * news_thread_build() caches it in cs and reuses it there;
 * news_thread_make() makes one afresh, which a moderator's page marks
 * again with t->staff set (news_thread_shown()).
 */
int news_thread_build(news_thread_t *t, const news_comments_t *cs);
int news_thread_make(news_thread_t *t, const news_comments_t *cs);
void news_thread_free(news_thread_t *t);

/* marks what shows below comment i (at depth): 1 when i itself shows */
int news_thread_shown(news_thread_t *t, const news_comments_t *cs,
    size_t i, unsigned depth);

/* the replies shown below comment i, at every depth */
size_t news_thread_replies(const news_thread_t *t, size_t i);


#endif /* NEWS_RENDER_TREE_H */
