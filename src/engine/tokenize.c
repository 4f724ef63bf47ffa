/*
 * Cutting text into search terms (tokenize.h).  Plain ASCII words, most
 * of any English text, are folded and hashed by hand in the one pass
 * that finds them; only words with other characters go through
 * libutf8proc, into a buffer on the stack, so that no word costs an
 * allocation.  An import cuts every word of every article: this is the
 * larger part of what its search index costs.
 */

#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "tokenize.h"


/* the most code points of a word after NFKC decomposition */
#define NEWS_WORD_CPS  (NEWS_TERM_MAX * 4)

#define NEWS_FOLD  (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE \
                    | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK)


static int news_word_char(int32_t cp);


/*
 * ASCII letters and digits, most bytes of most texts, as they fold (A is
 * a, a is a, 7 is 7); 0: anything else, and every byte past ASCII
 */
static const char  news_ascii_fold[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
    ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
    ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
    ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z'
};
static size_t news_word_run(const uint8_t *s, size_t pos, size_t len,
    int in);
static size_t news_fold_unicode(const char *w, size_t n, char *out);
static size_t news_stem(char *term, size_t n, uint32_t *hash);


/*
 * Stems of recent words, by the hash of the word, one word a slot: words
 * repeat (a text's common words, an index of many texts), and a lookup
 * costs far less than Snowball's rules.  A slot keeps its stem's hash
 * too, and whether the stem is the start of the word ("talk" of "talks"),
 * which a hit then only cuts.  Words longer than the slot are stemmed
 * every time.
 */
#define NEWS_STEM_SLOTS  8192
#define NEWS_STEM_WORD   22

typedef struct {
    uint32_t    word_hash;
    uint32_t    stem_hash;
    uint8_t     word_len;
    uint8_t     stem_len;
    uint8_t     prefix;     /* the stem is word[0 .. stem_len) */
    char        word[NEWS_STEM_WORD];
    char        stem[NEWS_STEM_WORD];
} news_stem_slot_t;


/*
 * One stemmer per thread: a Snowball stemmer keeps state between calls.
 * The event loop and each thread of the write pool make theirs on first
 * use and keep it, and its cache, for the life of the thread.
 */
static _Thread_local struct sb_stemmer  *news_stemmer;
static _Thread_local news_stem_slot_t   *news_stems;


void
news_tokens_init(news_tokens_t *tk, const char *text, size_t len)
{
    memset(tk, 0, sizeof(*tk));
    tk->text = text;
    tk->len = len;
}


int
news_tokens_next(news_tokens_t *tk)
{
    char            c, *term;
    size_t          pos, len, start, end, n;
    uint32_t        h;
    const uint8_t  *s;

    s = (const uint8_t *) tk->text;
    len = tk->len;
    term = tk->term;

    for (pos = tk->pos; pos < len; /* void */) {

        /* what separates words: ASCII here, the rest in news_word_run */
        while (pos < len && s[pos] < 0x80 && !news_ascii_fold[s[pos]]) {
            pos++;
        }

        start = pos < len && s[pos] >= 0x80 ? news_word_run(s, pos, len, 0)
                                            : pos;
        if (start == len) {
            break;
        }

        /*
         * The word's ASCII run, folded and hashed as it is read: a word
         * all ASCII needs nothing more.  Past NEWS_TERM_MAX it is only
         * counted (and the word skipped).
         */
        h = NEWS_TERM_HASH_BASIS;
        n = 0;

        for (pos = start; pos < len && (c = news_ascii_fold[s[pos]]); pos++) {
            if (n < NEWS_TERM_MAX) {
                term[n] = c;
            }

            h = (h ^ (uint8_t) c) * NEWS_TERM_HASH_PRIME;
            n++;
        }

        end = pos < len && s[pos] >= 0x80 ? news_word_run(s, pos, len, 1)
                                          : pos;

        tk->start = start;
        tk->end = end;
        pos = end;

        if (end == start + n) {
            n = n <= NEWS_TERM_MAX ? n : 0;
            term[n] = '\0';

        } else {
            n = news_fold_unicode(tk->text + start, end - start, term);
            h = news_term_hash(term, n);
        }

        if (n == 0) {
            continue;           /* too long, or nothing left once folded */
        }

        tk->pos = pos;
        tk->term_len = n;
        tk->term_hash = h;

        if (tk->unstemmed) {
            return 1;
        }

        tk->term_len = news_stem(term, n, &tk->term_hash);

        if (tk->term_len == 0) {
            tk->failed = 1;
            return 0;
        }

        return 1;
    }

    tk->pos = len;

    return 0;
}


/*
 * From pos, the first byte whose character is (in: is not) a word's: past
 * what separates words, or past a word's letters, marks and digits.  An
 * invalid UTF-8 byte is no word's.
 */
static size_t
news_word_run(const uint8_t *s, size_t pos, size_t len, int in)
{
    int32_t           cp;
    utf8proc_ssize_t  k;

    while (pos < len) {
        if (s[pos] < 0x80) {
            if ((news_ascii_fold[s[pos]] != 0) != in) {
                break;
            }

            pos++;
            continue;
        }

        k = utf8proc_iterate(s + pos, (utf8proc_ssize_t) (len - pos), &cp);
        if ((k > 0 && news_word_char(cp)) != in) {
            break;
        }

        pos += k > 0 ? (size_t) k : 1;
    }

    return pos;
}


static int
news_word_char(int32_t cp)
{
    if (cp < 0x80) {
        return cp >= 0 && news_ascii_fold[cp] != 0;
    }

    switch (utf8proc_category(cp)) {

    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;

    default:
        return 0;
    }
}


/*
 * NFKC, case folding and no marks; what NFKC turns into something that is
 * not a letter or digit ("½" has a fraction slash) is dropped.
 */
static size_t
news_fold_unicode(const char *w, size_t n, char *out)
{
    int32_t           cps[NEWS_WORD_CPS];
    uint8_t           enc[4];
    size_t            len;
    utf8proc_ssize_t  i, m, k;

    m = utf8proc_decompose((const uint8_t *) w, (utf8proc_ssize_t) n, cps,
                           NEWS_WORD_CPS, NEWS_FOLD);
    if (m < 0 || m > NEWS_WORD_CPS) {
        return 0;
    }

    m = utf8proc_normalize_utf32(cps, m, NEWS_FOLD | UTF8PROC_COMPOSE);
    if (m < 0) {
        return 0;
    }

    len = 0;

    for (i = 0; i < m; i++) {
        if (!news_word_char(cps[i])) {
            continue;
        }

        k = utf8proc_encode_char(cps[i], enc);

        if (len + (size_t) k > NEWS_TERM_MAX) {
            return 0;
        }

        memcpy(out + len, enc, (size_t) k);
        len += (size_t) k;
    }

    out[len] = '\0';

    return len;
}


/* term, n bytes, stemmed in place; *hash: its hash, then the stem's */
static size_t
news_stem(char *term, size_t n, uint32_t *hash)
{
    int                len;
    const sb_symbol   *stem;
    news_stem_slot_t  *slot;

    if (news_stemmer == NULL) {
        news_stemmer = sb_stemmer_new("english", NULL);
        news_stems = calloc(NEWS_STEM_SLOTS, sizeof(news_stem_slot_t));

        if (news_stemmer == NULL || news_stems == NULL) {
            sb_stemmer_delete(news_stemmer);
            news_stemmer = NULL;
            free(news_stems);
            news_stems = NULL;
            return 0;
        }
    }

    slot = NULL;

    if (n <= NEWS_STEM_WORD) {
        slot = &news_stems[*hash % NEWS_STEM_SLOTS];

        if (slot->word_hash == *hash && slot->word_len == n
            && memcmp(slot->word, term, n) == 0)
        {
            if (!slot->prefix) {
                memcpy(term, slot->stem, slot->stem_len);
            }

            term[slot->stem_len] = '\0';
            *hash = slot->stem_hash;
            return slot->stem_len;
        }
    }

    stem = sb_stemmer_stem(news_stemmer, (const sb_symbol *) term, (int) n);
    if (stem == NULL) {
        return 0;
    }

    len = sb_stemmer_length(news_stemmer);
    if (len <= 0 || len > NEWS_TERM_MAX) {
        return n;       /* the word as it is: its hash is right already */
    }

    /* a stem is never longer than its word: it fits the slot */
    if (slot && (size_t) len <= NEWS_STEM_WORD) {
        slot->word_hash = *hash;
        slot->word_len = (uint8_t) n;
        memcpy(slot->word, term, n);
        slot->stem_len = (uint8_t) len;
        memcpy(slot->stem, stem, (size_t) len);
        slot->prefix = memcmp(term, stem, (size_t) len) == 0;
        slot->stem_hash = news_term_hash((const char *) stem, (size_t) len);
    }

    memcpy(term, stem, (size_t) len);
    term[len] = '\0';
    *hash = news_term_hash(term, (size_t) len);

    return (size_t) len;
}
