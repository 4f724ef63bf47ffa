/*
 * Words of a text as search terms: the same cut for the index, the query
 * and the snippets, so that what is written and what is asked meet.
 *
 * A word is a run of letters, combining marks and digits (Unicode
 * categories L*, M*, N*); everything else separates words.  Its term is
 * the word in NFKC form, case-folded, without accents (libutf8proc:
 * "Café" and "CAFE" are both "cafe", "München" is "munchen", "ﬁ" is
 * "fi"), then stemmed by Snowball's English stemmer (libstemmer:
 * "talks" and "talked" are "talk").  Words whose term would be longer
 * than NEWS_TERM_MAX bytes are skipped (no reader types them).
 */

#ifndef NEWS_TOKENIZE_H
#define NEWS_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>


#define NEWS_TERM_MAX  64


typedef struct {
    const char  *text;      /* the text being cut, not owned */
    size_t       len;
    size_t       pos;       /* where the next word is looked for */

    /* the current word: its bytes in text, and its term */
    size_t       start;
    size_t       end;
    char         term[NEWS_TERM_MAX + 1];
    size_t       term_len;
    uint32_t     term_hash; /* news_term_hash(term, term_len) */
    int          failed;    /* no stemmer (out of memory): stopped */
    int          unstemmed; /* set after init: terms folded, not stemmed
                               (word lists match words as written) */
} news_tokens_t;


void news_tokens_init(news_tokens_t *tk, const char *text, size_t len);

/*
 * Moves to the next word: 1, with tk->term and its place in the text set,
 * or 0 at the end of the text (or with tk->failed set, when no stemmer
 * could be made: a term left unstemmed would never meet its query).
 * Invalid UTF-8 bytes separate words.
 */
int news_tokens_next(news_tokens_t *tk);


/*
 * FNV-1a of a term's bytes: the tokenizer hashes a word as it reads it,
 * and its stem cache keeps each stem's hash, so that a table of terms
 * (the index's) need not hash them again.
 */
#define NEWS_TERM_HASH_BASIS  2166136261u
#define NEWS_TERM_HASH_PRIME  16777619u

static inline uint32_t
news_term_hash(const char *t, size_t len)
{
    size_t    i;
    uint32_t  h;

    h = NEWS_TERM_HASH_BASIS;
    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) t[i]) * NEWS_TERM_HASH_PRIME;
    }

    return h;
}

#endif /* NEWS_TOKENIZE_H */
