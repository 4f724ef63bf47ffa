/*
 * Word lists (words.h): words as typed to their stored form, the
 * matcher's whole words and stars, the worse list winning, and the
 * compiled lists following a change made in another transaction.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "words.h"


static char          dir[] = "/tmp/news-unit-words-XXXXXX";
static news_store_t  st;


static int
verdict(const char *text)
{
    int         v;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    if (news_words_screen(&st, txn, text, strlen(text), &v, &err)
        != NEWS_OK)
    {
        v = -1;
    }

    news_store_abort(&st, txn);

    return v;
}


static int
change(int replace, const news_word_op_t *ops, size_t n)
{
    int         rc;
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    rc = news_words_apply(&st, txn, replace, ops, n, &err);
    if (rc != NEWS_OK) {
        news_store_abort(&st, txn);
        return rc;
    }

    return news_store_commit(&st, txn, &err);
}


int
main(void)
{
    char        out[NEWS_WORD_MAX + 3];
    size_t      len;
    news_err_t  err;

    static const news_word_op_t  lists[] = {
        { NEWS_WORDS_BANNED, "Café", 5 },
        { NEWS_WORDS_BANNED, "spam*", 5 },
        { NEWS_WORDS_SUSPECT, "*coin", 5 },
        { NEWS_WORDS_SUSPECT, "*casino*", 8 },
        { NEWS_WORDS_SUSPECT, "MÜNCHEN", 8 },
    };
    static const news_word_op_t  other[] = {
        { NEWS_WORDS_BANNED, "fraud", 5 },
    };

    /* words as typed */
    ok(news_word_fold("Café", 5, out, &len, &err) == NEWS_OK
       && strcmp(out, "cafe") == 0, "Café is stored as cafe");
    ok(news_word_fold("*ÉTÉ*", 7, out, &len, &err) == NEWS_OK
       && strcmp(out, "*ete*") == 0, "stars kept at both ends");
    ok(news_word_fold("two words", 9, out, &len, &err) == NEWS_INVALID,
       "two words are not a word");
    ok(news_word_fold("a*b", 3, out, &len, &err) == NEWS_INVALID,
       "a star inside is refused");
    ok(news_word_fold("*", 1, out, &len, &err) == NEWS_INVALID,
       "a star alone is refused");
    ok(news_word_fold("<b>", 3, out, &len, &err) == NEWS_INVALID,
       "markup is not a word");
    ok(news_word_fold("\xff", 1, out, &len, &err) == NEWS_INVALID,
       "nor is invalid UTF-8");
    ok(strstr(err.msg, "\xff") == NULL, "and the message does not echo it");

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 << 20, &err) != NEWS_OK)
    {
        ok(0, "store: %s", err.msg);
        return done_testing();
    }

    is_int(verdict("anything at all"), NEWS_WORDS_NONE, "no lists: no verdict");
    is_int(change(0, lists, 5), NEWS_OK, "the lists are written");

    is_int(verdict("un CAFÉ noir"), NEWS_WORDS_BANNED, "folded, whole word");
    is_int(verdict("the cafeteria"), NEWS_WORDS_NONE, "not a longer word");
    is_int(verdict("spammers!"), NEWS_WORDS_BANNED, "spam* matches spammers");
    is_int(verdict("antispam"), NEWS_WORDS_NONE, "but not antispam");
    is_int(verdict("bitcoin"), NEWS_WORDS_SUSPECT, "*coin matches bitcoin");
    is_int(verdict("coins"), NEWS_WORDS_NONE, "not coins");
    is_int(verdict("onlinecasinos"), NEWS_WORDS_SUSPECT, "*casino* inside");
    is_int(verdict("casino"), NEWS_WORDS_SUSPECT, "and the word itself");
    is_int(verdict("munchen"), NEWS_WORDS_SUSPECT, "accents folded both ways");
    is_int(verdict("bitcoin spam"), NEWS_WORDS_BANNED, "the worse list wins");

    /* another txn's change: the compiled lists follow the version */
    is_int(change(1, other, 1), NEWS_OK, "replaced in another txn");
    is_int(verdict("spam"), NEWS_WORDS_NONE, "the old words are gone");
    is_int(verdict("FRAUD"), NEWS_WORDS_BANNED, "the new one is there");

    news_store_close(&st);

    {
        char  cmd[64 + sizeof(dir)];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        (void) system(cmd);
    }

    return done_testing();
}
