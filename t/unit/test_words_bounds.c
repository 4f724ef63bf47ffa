/*
 * The word lists at their bounds, in a real LMDB store: a word put twice,
 * a list at NEWS_WORDS_MAX words refusing one more, the 5,000 words of a
 * full list all found again by the compiled table (whose probing goes
 * past taken slots), and records that are not the lists' own (a value of
 * the wrong size, an unknown list, a key of stars alone, a meta record
 * of the wrong size) passed over rather than trusted.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "words.h"


static char          dir[] = "/tmp/news-unit-wordsb-XXXXXX";
static news_store_t  st;


/* the verdict on text in a write txn; -1 if it failed */
static int
screen(MDB_txn *txn, const char *text)
{
    int         v;
    news_err_t  err;

    if (news_words_screen(&st, txn, text, strlen(text), &v, &err)
        != NEWS_OK)
    {
        return -1;
    }

    return v;
}


static int
apply1(MDB_txn *txn, int list, const char *word, news_err_t *err)
{
    news_word_op_t  op;

    op.list = list;
    op.word = word;
    op.len = strlen(word);

    return news_words_apply(&st, txn, 0, &op, 1, err);
}


static int
raw_put(MDB_txn *txn, int db, const char *k, size_t klen, const void *v,
    size_t vlen)
{
    MDB_val  key, val;

    key.mv_data = (void *) k;
    key.mv_size = klen;
    val.mv_data = (void *) v;
    val.mv_size = vlen;

    return mdb_put(txn, st.dbi[db], &key, &val, 0);
}


static void
test_full_list(void)
{
    int              i, rc, found;
    char             w[32];
    MDB_txn         *txn;
    news_buf_t       b;
    news_err_t       err;

    ok(news_store_write(&st, &txn, &err) == NEWS_OK, "a write txn");

    is_int(apply1(txn, NEWS_WORDS_SUSPECT, "twice", &err), NEWS_OK,
           "a word onto a list");
    is_int(apply1(txn, NEWS_WORDS_SUSPECT, "TWICE", &err), NEWS_OK,
           "the same word again (folded the same): nothing to do");

    rc = NEWS_OK;

    for (i = 1; rc == NEWS_OK && i < NEWS_WORDS_MAX; i++) {
        snprintf(w, sizeof(w), "w%d", i);
        rc = apply1(txn, NEWS_WORDS_SUSPECT, w, &err);
    }

    is_int(rc, NEWS_OK, "5000 words on the suspect list");

    is_int(apply1(txn, NEWS_WORDS_SUSPECT, "onemore", &err), NEWS_INVALID,
           "one more: refused");
    ok(strstr(err.msg, "at most 5000 words") != NULL, "saying the bound: %s",
       err.msg);
    is_int(apply1(txn, NEWS_WORDS_BANNED, "other", &err), NEWS_OK,
           "the other list still takes words");
    is_int(apply1(txn, NEWS_WORDS_BANNED, "w17", &err), NEWS_OK,
           "a word moved from the full list to the other");
    is_int(apply1(txn, NEWS_WORDS_SUSPECT, "onemore", &err), NEWS_OK,
           "which leaves room for one");

    /* every word found by the table: probing past other words' slots */
    found = 0;

    for (i = 1; i < NEWS_WORDS_MAX; i++) {
        snprintf(w, sizeof(w), "say w%d now", i);
        found += screen(txn, w) == (i == 17 ? NEWS_WORDS_BANNED
                                             : NEWS_WORDS_SUSPECT);
    }

    is_int(found, NEWS_WORDS_MAX - 1, "each word of the lists is found");
    is_int(screen(txn, "w5000 w0 w50000 nothing"), NEWS_WORDS_NONE,
           "and words not on them are not");

    news_buf_init(&b);
    ok(news_words_json(&st, txn, &b, &err) == NEWS_OK, "the lists' JSON");
    ok(b.len > 5000 * 3 && strncmp(b.data, "{\"banned\":[\"other\",\"w17\"]",
                                   25) == 0,
       "with both lists");
    news_buf_free(&b);

    mdb_txn_abort(txn);
}


static void
test_not_ours(void)
{
    char             big[80];
    MDB_txn         *txn;
    news_buf_t       b;
    news_err_t       err;
    unsigned char    v2[2] = { 1, 1 }, seven = 7, banned = NEWS_WORDS_BANNED;

    ok(news_store_write(&st, &txn, &err) == NEWS_OK, "a write txn");

    is_int(apply1(txn, NEWS_WORDS_BANNED, "bad", &err), NEWS_OK,
           "a banned word");

    ok(raw_put(txn, NEWS_DB_WORDS, "long", 4, v2, 2) == 0,
       "a record whose value is two bytes");
    ok(raw_put(txn, NEWS_DB_WORDS, "odd", 3, &seven, 1) == 0,
       "a record on list 7");
    ok(raw_put(txn, NEWS_DB_WORDS, "**", 2, &banned, 1) == 0,
       "a record of stars alone");
    memset(big, 'k', sizeof(big));
    ok(raw_put(txn, NEWS_DB_WORDS, big, sizeof(big), &banned, 1) == 0,
       "a record longer than a word");

    /* the table is built again: the version moved with "bad" */
    is_int(screen(txn, "a long odd text"), NEWS_WORDS_NONE,
           "none of them matches");
    is_int(screen(txn, "bad"), NEWS_WORDS_BANNED, "the real word does");

    news_buf_init(&b);
    ok(news_words_json(&st, txn, &b, &err) == NEWS_OK, "the lists' JSON");
    ok(b.len && strcmp(news_buf_cstr(&b),
                       "{\"banned\":[\"**\",\"bad\"],\"suspect\":[]}\n") == 0,
       "holds what is on a list, not the rest: %s", news_buf_cstr(&b));
    news_buf_free(&b);

    /* a meta record of the wrong size: no lists, version 0 */
    ok(raw_put(txn, NEWS_DB_META, "words", 5, "short", 5) == 0,
       "the lists' meta record cut short");
    is_int(screen(txn, "bad"), NEWS_WORDS_NONE,
           "read as no lists: nothing screened");
    is_int(apply1(txn, NEWS_WORDS_SUSPECT, "fresh", &err), NEWS_OK,
           "a word put writes the record afresh");
    is_int(screen(txn, "bad fresh"), NEWS_WORDS_BANNED,
           "and the lists are read again");

    mdb_txn_abort(txn);
}


int
main(void)
{
    char        cmd[256];
    news_err_t  err;

    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return done_testing();
    }

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "open a new store");

    test_full_list();
    test_not_ours();

    news_store_close(&st);

    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
