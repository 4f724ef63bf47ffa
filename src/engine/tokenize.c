/*
 * Cutting text into search terms (tokenize.h).  Plain ASCII words, most
 * of any English text, are folded by hand; only words with other
 * characters go through libutf8proc, into a buffer on the stack, so that
 * no word costs an allocation.
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


/* ASCII letters and digits: most bytes of most texts, without a call */
static const uint8_t  news_ascii_word[128] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1
};
static size_t news_fold_ascii(const char *w, size_t n, char *out);
static size_t news_fold_unicode(const char *w, size_t n, char *out);
static size_t news_stem(char *term, size_t n);


/*
 * Stems of recent words, by a hash of the word, one word a slot: words
 * repeat (a text's common words, an index of many texts), and a lookup
 * costs far less than Snowball's rules.  Words longer than the slot are
 * stemmed every time.
 */
#define NEWS_STEM_SLOTS  4096
#define NEWS_STEM_WORD   23

typedef struct {
    uint8_t     word_len;
    uint8_t     stem_len;
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
    int              ascii;
    int32_t          cp;
    size_t           start;
    utf8proc_ssize_t k;
    const uint8_t   *s;

    s = (const uint8_t *) tk->text;

    while (tk->pos < tk->len) {

        /* skip what separates words */
        while (tk->pos < tk->len) {
            if (s[tk->pos] < 0x80) {
                if (news_ascii_word[s[tk->pos]]) {
                    break;
                }

                tk->pos++;
                continue;
            }

            k = utf8proc_iterate(s + tk->pos, tk->len - tk->pos, &cp);
            if (k > 0 && news_word_char(cp)) {
                break;
            }

            tk->pos += k > 0 ? (size_t) k : 1;
        }

        if (tk->pos == tk->len) {
            return 0;
        }

        start = tk->pos;
        ascii = 1;

        while (tk->pos < tk->len) {
            if (s[tk->pos] < 0x80) {
                if (!news_ascii_word[s[tk->pos]]) {
                    break;
                }

                tk->pos++;
                continue;
            }

            k = utf8proc_iterate(s + tk->pos, tk->len - tk->pos, &cp);
            if (k <= 0 || !news_word_char(cp)) {
                break;
            }

            ascii &= cp < 0x80;
            tk->pos += (size_t) k;
        }

        tk->start = start;
        tk->end = tk->pos;

        tk->term_len = ascii
            ? news_fold_ascii(tk->text + start, tk->pos - start, tk->term)
            : news_fold_unicode(tk->text + start, tk->pos - start, tk->term);

        if (tk->term_len == 0) {
            continue;           /* too long, or nothing left once folded */
        }

        if (tk->unstemmed) {
            return 1;
        }

        tk->term_len = news_stem(tk->term, tk->term_len);

        if (tk->term_len == 0) {
            tk->failed = 1;
            return 0;
        }

        return 1;
    }

    return 0;
}


static int
news_word_char(int32_t cp)
{
    if (cp < 0x80) {
        return cp >= 0 && news_ascii_word[cp];
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


static size_t
news_fold_ascii(const char *w, size_t n, char *out)
{
    size_t  i;

    if (n > NEWS_TERM_MAX) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        out[i] = (w[i] >= 'A' && w[i] <= 'Z') ? (char) (w[i] + 32) : w[i];
    }

    out[n] = '\0';

    return n;
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


static size_t
news_stem(char *term, size_t n)
{
    int                len;
    size_t             i;
    uint32_t           h;
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
        h = 2166136261u;                                /* FNV-1a */
        for (i = 0; i < n; i++) {
            h = (h ^ (uint8_t) term[i]) * 16777619u;
        }

        slot = &news_stems[h % NEWS_STEM_SLOTS];

        if (slot->word_len == n && memcmp(slot->word, term, n) == 0) {
            memcpy(term, slot->stem, slot->stem_len);
            term[slot->stem_len] = '\0';
            return slot->stem_len;
        }
    }

    stem = sb_stemmer_stem(news_stemmer, (const sb_symbol *) term, (int) n);
    if (stem == NULL) {
        return 0;
    }

    len = sb_stemmer_length(news_stemmer);
    if (len <= 0 || len > NEWS_TERM_MAX) {
        return n;
    }

    /* a stem is never longer than its word: it fits the slot */
    if (slot && (size_t) len <= NEWS_STEM_WORD) {
        slot->word_len = (uint8_t) n;
        memcpy(slot->word, term, n);
        slot->stem_len = (uint8_t) len;
        memcpy(slot->stem, stem, (size_t) len);
    }

    memcpy(term, stem, (size_t) len);
    term[len] = '\0';

    return (size_t) len;
}
