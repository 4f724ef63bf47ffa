/*
 * The tokenizer's own paths against libutf8proc and libstemmer called
 * directly: a plain ASCII word is folded by hand, its hash taken as it is
 * read and its stem found in a cache, and each must give what the
 * libraries give.  Words at NEWS_TERM_MAX and at the cache's word size,
 * words that start in ASCII and go on past it, what separates them, the
 * unstemmed form, and thousands of words read twice (the second time
 * from the cache, after it has thrown many out).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <utf8proc.h>

#include "tap.h"
#include "tokenize.h"


static struct sb_stemmer  *stemmer;


/* what the libraries make of one word of letters and digits */
static const char *
expected(const char *word, int stem)
{
    static char        out[1024];
    size_t             n;
    utf8proc_uint8_t  *folded;
    const sb_symbol   *s;

    if (utf8proc_map((const utf8proc_uint8_t *) word, 0, &folded,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT
                     | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD
                     | UTF8PROC_STRIPMARK)
        < 0)
    {
        return "(utf8proc failed)";
    }

    n = strlen((char *) folded);

    if (n > NEWS_TERM_MAX) {
        free(folded);
        return "";
    }

    if (!stem) {
        memcpy(out, folded, n + 1);
        free(folded);
        return out;
    }

    s = sb_stemmer_stem(stemmer, (const sb_symbol *) folded, (int) n);
    n = (size_t) sb_stemmer_length(stemmer);
    memcpy(out, s, n);
    out[n] = '\0';
    free(folded);

    return out;
}


/* the first term of text; "" if none */
static const char *
first(const char *text, int unstemmed, news_tokens_t *tk)
{
    news_tokens_init(tk, text, strlen(text));
    tk->unstemmed = unstemmed;

    return news_tokens_next(tk) ? tk->term : "";
}


/* the term of one word, its hash checked */
static int
same(const char *word, int unstemmed)
{
    const char     *got;
    news_tokens_t   tk;

    got = first(word, unstemmed, &tk);

    if (strcmp(got, expected(word, !unstemmed)) != 0) {
        printf("# %s: got %s, expected %s\n", word, got,
             expected(word, !unstemmed));
        return 0;
    }

    if (*got && tk.term_hash != news_term_hash(tk.term, tk.term_len)) {
        printf("# %s: the hash of %s is not its term's\n", word, got);
        return 0;
    }

    return 1;
}


static void
test_bounds(void)
{
    char           w[128];
    news_tokens_t  tk;

    memset(w, 'B', 64);
    w[64] = '\0';
    is_int(strlen(first(w, 1, &tk)), 64, "an ASCII word of NEWS_TERM_MAX "
           "bytes is kept");
    ok(same(w, 0), "and stemmed as the stemmer does");

    memset(w, 'B', 65);
    w[65] = '\0';
    is_str(first(w, 0, &tk), "", "one byte more is skipped");

    memcpy(w + 65, " Next", 6);
    is_str(first(w, 0, &tk), "next", "and the word after it is the first");
    is_int(tk.start, 66, "at its place");
    is_int(tk.end, 70, "to its end");

    memset(w, 'b', 63);
    memcpy(w + 63, "\xc3\xa9", 3);
    is_int(strlen(first(w, 1, &tk)), 64, "63 ASCII bytes and an é fold to "
           "64 bytes: kept");
    is_int(tk.end, 65, "the word ends after the é");

    memset(w, 'b', 64);
    memcpy(w + 64, "\xc3\xa9 x", 5);
    is_str(first(w, 0, &tk), "x", "64 ASCII bytes and an é are too long");

    memset(w, 'b', 70);
    memcpy(w + 70, "\xc3\xa9 x", 5);
    is_str(first(w, 0, &tk), "x", "and so are 70 and an é");

    /* the stem cache keeps words of 22 bytes: 21 to 24, twice */
    ok(same("Internationalizations", 0) && same("internationalizations", 0),
       "a word of 21 bytes, from the stemmer and from the cache");
    ok(same("Institutionalisations", 0) && same("XInstitutionalisations", 0)
       && same("xinstitutionalisations", 0),
       "22 bytes");
    ok(same("counterrevolutionaries", 0) && same("COUNTERREVOLUTIONARIES", 0)
       && same("Acounterrevolutionaries", 0)
       && same("acounterrevolutionaries", 0)
       && same("Abcounterrevolutionaries", 0)
       && same("abcounterrevolutionaries", 0),
       "22, 23 and 24 bytes");
}


static void
test_mixed(void)
{
    news_tokens_t  tk;

    ok(same("M\xc3\xbcller", 0), "ASCII then ü: the whole word folds "
       "through utf8proc");
    is_str(first("M\xc3\xbcller", 0, &tk), "muller", "Müller is muller");
    ok(same("na\xc3\xafvely", 0), "naïvely");
    ok(same("cafe\xcc\x81s", 0), "a combining accent after ASCII");
    is_str(first("cafe\xcc\x81", 0, &tk), "cafe", "café with a combining "
           "accent is cafe");
    ok(same("\xc3\x89" "clairs", 0), "a word that starts past ASCII");
    ok(same("\xef\xac\x81shing", 0), "the fi ligature");
    ok(same("Stra\xc3\x9f" "e", 0), "ß folds to ss");

    is_str(first("abc\xe2\x80\x94" "def", 0, &tk), "abc", "an em dash "
           "ends an ASCII word");
    is_int(tk.end, 3, "where it starts");
    ok(news_tokens_next(&tk) && strcmp(tk.term, "def") == 0
       && tk.start == 6 && tk.end == 9, "and the next word is after it");
    ok(!news_tokens_next(&tk), "and then none");

    is_str(first("Walks\xff", 0, &tk), "walk", "an invalid byte ends a word");
    is_int(tk.end, 5, "before it");

    is_str(first("x\xc3", 0, &tk), "x", "a cut UTF-8 sequence ends a word");
    ok(!news_tokens_next(&tk), "and is no word");

    is_str(first("  Running", 1, &tk), "running", "unstemmed: folded only");
    is_int(tk.term_hash, news_term_hash("running", 7),
           "with the folded word's hash");
    is_str(first("  R\xc3\xbcnning", 1, &tk), "running",
           "and past ASCII too");
    is_int(tk.term_hash, news_term_hash("running", 7), "the same hash");

    is_str(first("Running", 0, &tk), "run", "stemmed: running is run");
    is_int(tk.term_hash, news_term_hash("run", 3), "with the stem's hash");
    is_str(first("RUNNING", 0, &tk), "run", "again, from the cache");
    is_int(tk.term_hash, news_term_hash("run", 3), "the same hash");
    is_str(first("happy", 0, &tk), "happi", "a stem that is not the "
           "word's start: happy is happi");
    is_str(first("Happy", 0, &tk), "happi", "again, from the cache");
    is_int(tk.term_hash, news_term_hash("happi", 5), "with the stem's hash");
}


/*
 * Many words, each read twice: the first time the cache may miss, the
 * second it may hit or have thrown it out for another word of its slot.
 */
static void
test_many(void)
{
    static const char  *roots[] = {
        "talk", "happy", "nation", "run", "hope", "generous", "city",
        "fly", "agree", "argue", "relate", "condition", "sensible",
        "electric", "formal", "adjust", "dependent", "adopt", "bowl",
        "goodness", "effective", "tr", "news", "x", "9"
    };
    static const char  *suffixes[] = {
        "", "s", "es", "ies", "ing", "ed", "ly", "ness", "ational", "ization",
        "fulness", "ousli", "iveness", "ment", "able", "ibility", "ied", "y",
        "er", "est", "al", "ism", "ist", "iti"
    };

    int       round, bad, bad_hash;
    char      word[64];
    size_t    r, s, i, k;
    unsigned  seed;

    bad = 0;
    bad_hash = 0;

    for (round = 0; round < 2; round++) {
        seed = 7;

        for (i = 0; i < 20000; i++) {
            seed = seed * 1103515245u + 12345u;
            r = (seed >> 16) % (sizeof(roots) / sizeof(roots[0]));
            seed = seed * 1103515245u + 12345u;
            s = (seed >> 16) % (sizeof(suffixes) / sizeof(suffixes[0]));

            /* a number after one word in seven: a word of its own */
            if (i % 7 == 0) {
                snprintf(word, sizeof(word), "%s%s%zu", roots[r], suffixes[s],
                         i);

            } else {
                snprintf(word, sizeof(word), "%s%s", roots[r], suffixes[s]);
            }

            /* some in capitals: the same word to the cache */
            for (k = 0; word[k] && (i + round) % 3 == 0; k += 2) {
                if (word[k] >= 'a' && word[k] <= 'z') {
                    word[k] = (char) (word[k] - 32);
                }
            }

            if (!same(word, 0)) {
                bad++;
            }

            if (!same(word, 1)) {
                bad_hash++;
            }
        }
    }

    is_int(bad, 0, "40,000 words: each stem is the stemmer's, from the "
           "stemmer or the cache, with its hash");
    is_int(bad_hash, 0, "and each unstemmed term is the word folded");
}


int
main(void)
{
    stemmer = sb_stemmer_new("english", NULL);
    ok(stemmer != NULL, "a stemmer to compare with");

    test_bounds();
    test_mixed();
    test_many();

    sb_stemmer_delete(stemmer);

    return done_testing();
}
