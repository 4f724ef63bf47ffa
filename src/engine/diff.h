/*
 * A line diff of two texts (the desk's revisions: what a body gained and
 * lost).  Myers' shortest edit script, bounded in what it takes: at most
 * NEWS_DIFF_LINES_MAX lines a side and NEWS_DIFF_EDITS_MAX lines added
 * and removed in all, past which it gives up and says so, so that its
 * time (lines x edits) and memory (edits squared) stay small.
 */

#ifndef NEWS_DIFF_H
#define NEWS_DIFF_H

#include <stddef.h>


#define NEWS_DIFF_LINES_MAX  5000
#define NEWS_DIFF_EDITS_MAX  500

enum {
    NEWS_DIFF_SAME = 0,         /* in both */
    NEWS_DIFF_DEL,              /* in a only: removed */
    NEWS_DIFF_ADD               /* in b only: added */
};

/* a line (without its newline), pointing into a or b */
typedef struct {
    int          op;
    const char  *s;
    size_t       len;
} news_diff_line_t;

typedef struct {
    news_diff_line_t  *lines;   /* malloc'd: news_diff_free() */
    size_t             n;
    size_t             added;
    size_t             removed;
} news_diff_t;

enum {
    NEWS_DIFF_OK = 0,
    NEWS_DIFF_TOO_BIG = -1,     /* past the bounds: no diff */
    NEWS_DIFF_NOMEM = -2
};

/*
 * Every line of a and of b in order, each kept, removed or added, with
 * as few removed and added as can be.  A last line without a newline is
 * a line; the texts are read by length only.
 */
int news_diff_lines(const char *a, size_t an, const char *b, size_t bn,
    news_diff_t *d);

void news_diff_free(news_diff_t *d);

#endif /* NEWS_DIFF_H */
