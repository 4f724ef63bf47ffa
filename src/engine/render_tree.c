/*
 * The reply tree of an article's comments (render_tree.h): each
 * comment's replies as indexes into its list, found by id in O(log n),
 * and which comments show to whom.
 */

#include <stdlib.h>

#include "render_tree.h"


typedef struct {
    uint64_t  id;
    size_t    index;
} news_by_id_t;


static int news_by_id_cmp(const void *a, const void *b);
static void news_thread_cache_free(void *tree);


/*
 * The reply tree of a set of comments, built once: a write renders
 * several pages of the same comments, and each needs the tree.
 */
int
news_thread_build(news_thread_t *t, const news_comments_t *cs)
{
    news_thread_t  *cache;

    if (cs != NULL && cs->tree != NULL) {
        *t = *(news_thread_t *) cs->tree;
        return 0;
    }

    if (news_thread_make(t, cs) != 0) {
        return -1;
    }

    if (cs == NULL || t->nodes == NULL) {
        return 0;
    }

    cache = malloc(sizeof(news_thread_t));
    if (cache == NULL) {
        return 0;
    }

    t->cached = 1;
    *cache = *t;
    ((news_comments_t *) cs)->tree = cache;
    ((news_comments_t *) cs)->tree_free = news_thread_cache_free;

    return 0;
}


void
news_thread_free(news_thread_t *t)
{
    if (!t->cached) {
        free(t->nodes);
    }

    t->nodes = NULL;
}


/* the tree cached in a news_comments_t, freed with it */
static void
news_thread_cache_free(void *tree)
{
    news_thread_t  *t = tree;

    if (t == NULL) {
        return;
    }

    free(t->nodes);
    free(t);
}


int
news_thread_make(news_thread_t *t, const news_comments_t *cs)
{
    int             sorted;
    size_t          i, p;
    news_by_id_t   *by_id, key, *hit;

    t->top_first = NEWS_NONE;
    t->top_last = NEWS_NONE;
    t->top_shown = 0;
    t->nodes = NULL;
    t->cached = 0;
    t->staff = 0;
    t->newest = 0;
    t->picks = 0;
    t->pages = 0;

    if (cs == NULL || cs->n == 0) {
        return 0;
    }

    t->nodes = malloc(cs->n * sizeof(news_node_t));
    by_id = malloc(cs->n * sizeof(news_by_id_t));

    if (t->nodes == NULL || by_id == NULL) {
        free(t->nodes);
        free(by_id);
        t->nodes = NULL;
        return -1;
    }

    /*
     * Parents are found by id in O(log n): threads can be long.  Comments
     * come in time order, which is id order but for imports: sort only
     * when it is not.
     */
    sorted = 1;

    for (i = 0; i < cs->n; i++) {
        by_id[i].id = cs->items[i].id;
        by_id[i].index = i;

        if (i && by_id[i].id < by_id[i - 1].id) {
            sorted = 0;
        }
    }

    if (!sorted) {
        qsort(by_id, cs->n, sizeof(news_by_id_t), news_by_id_cmp);
    }

    for (i = 0; i < cs->n; i++) {
        t->nodes[i].first = NEWS_NONE;
        t->nodes[i].last = NEWS_NONE;
        t->nodes[i].next = NEWS_NONE;
        t->nodes[i].shown = 0;
    }

    for (i = 0; i < cs->n; i++) {
        p = NEWS_NONE;
        key.id = cs->items[i].parent;

        hit = key.id ? bsearch(&key, by_id, cs->n, sizeof(news_by_id_t),
                               news_by_id_cmp)
                     : NULL;

        /* a reply comes after its parent; anything else is a top */
        if (hit != NULL && hit->index < i) {
            p = hit->index;
        }

        if (p == NEWS_NONE) {
            if (t->top_last == NEWS_NONE) {
                t->top_first = i;

            } else {
                t->nodes[t->top_last].next = i;
            }

            t->top_last = i;
            continue;
        }

        if (t->nodes[p].last == NEWS_NONE) {
            t->nodes[p].first = i;

        } else {
            t->nodes[t->nodes[p].last].next = i;
        }

        t->nodes[p].last = i;
    }

    free(by_id);

    for (i = t->top_first; i != NEWS_NONE; i = t->nodes[i].next) {
        if (news_thread_shown(t, cs, i, 1)) {
            t->top_shown++;
        }
    }

    return 0;
}


static int
news_by_id_cmp(const void *a, const void *b)
{
    const news_by_id_t  *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}


/* a removed comment stays as a placeholder when replies below it show */
int
news_thread_shown(news_thread_t *t, const news_comments_t *cs, size_t i,
    unsigned depth)
{
    size_t  c;
    int     shown;

    if (depth > NEWS_COMMENT_DEPTH) {
        return 0;
    }

    shown = cs->items[i].status == NEWS_COMMENT_VISIBLE
            || (t->staff && cs->items[i].status != NEWS_COMMENT_DELETED);

    for (c = t->nodes[i].first; c != NEWS_NONE; c = t->nodes[c].next) {
        if (news_thread_shown(t, cs, c, depth + 1)) {
            shown = 1;
        }
    }

    if (cs->items[i].status == NEWS_COMMENT_PENDING && !t->staff) {
        shown = 0;
    }

    t->nodes[i].shown = shown;

    return shown;
}


/* the replies shown below comment i, at every depth */
size_t
news_thread_replies(const news_thread_t *t, size_t i)
{
    size_t  k, n;

    n = 0;

    for (k = t->nodes[i].first; k != NEWS_NONE; k = t->nodes[k].next) {
        if (t->nodes[k].shown) {
            n += 1 + news_thread_replies(t, k);
        }
    }

    return n;
}
