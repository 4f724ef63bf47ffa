/*
 * Word lists: words that refuse a comment (banned) and words that hold
 * it for a moderator (suspect), kept in the store and changed while the
 * site runs.
 *
 * A word is matched on whole words of the text, both folded as search
 * folds them (tokenize.h: NFKC, case folding, accents stripped) but not
 * stemmed: "Café" on a list matches "CAFE" and "cafe", not "cafes".  A
 * `*` at either end (or both) stands for any letters there: "spam*"
 * matches "spammer", "*coin" matches "bitcoin", "*casino*" matches
 * "onlinecasinos".  A word is stored folded, stars kept:
 *
 *   words  the folded word -> u8 list (NEWS_WORDS_BANNED or _SUSPECT)
 *   meta   "words" -> be64 version . be32 suspect . be32 banned: the
 *          version moves with every change, the counts are each list's
 *
 * Matching is a set lookup per word of the text, not a pattern: the
 * compiled lists are hash tables of the stored words (exact, prefix,
 * suffix and infix words apart), built afresh in a write transaction
 * whenever the version it was built from has moved.  A text costs a few
 * lookups per word whatever the lists hold (a lookup per distinct
 * length of starred words on the list, at most NEWS_WORD_MAX).
 */

#ifndef NEWS_WORDS_H
#define NEWS_WORDS_H

#include <stddef.h>

#include "buf.h"
#include "store.h"


#define NEWS_WORD_MAX    64         /* bytes of a folded word, no stars */
#define NEWS_WORD_TYPED  256        /* bytes of a word as typed */
#define NEWS_WORDS_MAX   5000       /* words a list holds */
#define NEWS_WORDS_FIELD_MAX  4000  /* bytes of a form's words at once */


/* the lists, and the verdict on a text (the worse list it hit) */
enum {
    NEWS_WORDS_NONE = 0,
    NEWS_WORDS_SUSPECT,
    NEWS_WORDS_BANNED
};


/* "banned" or "suspect" (n bytes) to NEWS_WORDS_*, or -1 */
int news_words_list_parse(const char *s, size_t n);
const char *news_words_list_name(int list);

/*
 * A word as typed to its stored form (at most NEWS_WORD_MAX + 2 bytes
 * and a NUL into out): one word of letters and digits, a `*` allowed at
 * either end.  NEWS_INVALID says why not, without echoing the word.
 */
int news_word_fold(const char *s, size_t n, char *out, size_t *len,
    news_err_t *err);

/* empties both lists */
int news_words_clear(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * One change of a request or a command: a word onto a list (off the
 * other one, if it was there), or off its list (NEWS_NOTFOUND if on none)
 */
typedef struct {
    int          list;          /* NEWS_WORDS_*: onto it; 0: off its list */
    const char  *word;          /* as typed */
    size_t       len;
} news_word_op_t;

/*
 * Applies ops in order, stopping at the first refused (the caller's txn
 * is then to be aborted: all or none); the error names the word's place
 * ("word 3: ..."), never the word.  `replace` empties both lists first.
 */
int news_words_apply(news_store_t *st, MDB_txn *txn, int replace,
    const news_word_op_t *ops, size_t n, news_err_t *err);

/* every word with its list, in byte order; `each` may stop with non-0 */
typedef int (*news_words_each_pt)(void *arg, int list, const char *w,
    size_t n);

int news_words_each(news_store_t *st, MDB_txn *txn, news_words_each_pt each,
    void *arg, news_err_t *err);

/* {"banned":[...],"suspect":[...]} */
int news_words_json(news_store_t *st, MDB_txn *txn, news_buf_t *b,
    news_err_t *err);

/*
 * The verdict on a text (NEWS_WORDS_NONE, _SUSPECT or _BANNED), from the
 * lists as txn sees them.  Call it in a write txn: the compiled lists
 * are the store's (st->words), rebuilt here when the version moved, and
 * only the thread holding the write txn touches them.
 */
int news_words_screen(news_store_t *st, MDB_txn *txn, const char *text,
    size_t n, int *verdict, news_err_t *err);

/* frees the compiled lists (the store's close) */
void news_words_free(news_store_t *st);

#endif /* NEWS_WORDS_H */
