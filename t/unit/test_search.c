/*
 * Unit tests of search: the tokenizer's folding and stemming, the query
 * language and its limits, the index kept by article writes (drafts,
 * scheduled and deleted articles never found; blocks split and merged
 * past NEWS_BLOCK_DOCS), ranking, and snippets.  A real LMDB environment
 * in a temporary directory, written through the article calls the module
 * makes.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "articles.h"
#include "check.h"
#include "search.h"
#include "text.h"


#define NOW  2000000000


static char          dir[] = "/tmp/news-unit-search-XXXXXX";
static news_store_t  st;


static const char *
term(const char *s)
{
    static news_tokens_t  tk;

    news_tokens_init(&tk, s, strlen(s));

    return news_tokens_next(&tk) ? tk.term : "";
}


static uint64_t
save(const char *json, uint64_t id)
{
    int             rc;
    cJSON          *obj;
    MDB_txn        *txn;
    uint64_t        got;
    news_err_t      err;
    news_article_t  a;

    obj = cJSON_Parse(json);
    rc = news_article_from_json(&a, obj, NOW - 100, 0, &err);
    cJSON_Delete(obj);

    if (rc != NEWS_OK) {
        printf("# %s\n", err.msg);
        return 0;
    }

    got = 0;

    if (news_store_write(&st, &txn, &err) == NEWS_OK) {
        rc = news_article_save(&st, txn, &a, id, NOW - 100, &err);
        got = a.id;

        if (rc != NEWS_OK) {
            printf("# %s\n", err.msg);
            news_store_abort(&st, txn);
            got = 0;

        } else if (news_store_commit(&st, txn, &err) != NEWS_OK) {
            got = 0;
        }
    }

    news_article_free(&a);

    return got;
}


static int
delete(uint64_t id)
{
    MDB_txn    *txn;
    news_err_t  err;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return -1;
    }

    if (news_article_delete(&st, txn, id, NOW, &err) != NEWS_OK) {
        news_store_abort(&st, txn);
        return -1;
    }

    return news_store_commit(&st, txn, &err);
}


/* the ids found for a query, space-separated, best first ("" for none) */
static const char *
search_at(const char *query, int64_t now)
{
    size_t           i;
    MDB_txn         *txn;
    news_err_t       err;
    news_query_t     q;
    news_search_t   *s;
    static char      out[4096];

    out[0] = '\0';

    if (news_search_parse(&q, query, strlen(query), &err) != NEWS_OK) {
        snprintf(out, sizeof(out), "error: %s", err.msg);
        return out;
    }

    s = calloc(1, sizeof(*s));
    s->limit = 50;
    s->now = now;

    if (news_store_read(&st, &txn, &err) != NEWS_OK
        || news_search_run(&st, txn, &q, s, &err) != NEWS_OK)
    {
        snprintf(out, sizeof(out), "error: %s", err.msg);

    } else {
        for (i = 0; i < s->count; i++) {
            snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%llu",
                     i ? " " : "", (unsigned long long) s->hits[i].id);
        }
    }

    news_store_read_done(&st);
    free(s);

    return out;
}


static const char *
search(const char *query)
{
    return search_at(query, NOW);
}


static const char *
ids(uint64_t a, uint64_t b)
{
    static char  out[64];

    snprintf(out, sizeof(out), "%llu %llu", (unsigned long long) a,
             (unsigned long long) b);

    return out;
}


static const char *
id1(uint64_t a)
{
    static char  out[64];

    snprintf(out, sizeof(out), "%llu", (unsigned long long) a);

    return out;
}


static void
test_tokenizer(void)
{
    is_str(term("Café"), "cafe", "accents and case fold: Café is cafe");
    is_str(term("CAFE"), "cafe", "CAFE is cafe");
    is_str(term("München"), "munchen", "München is munchen");
    is_str(term("talks"), "talk", "English stemming: talks is talk");
    is_str(term("Talked"), "talk", "Talked is talk");
    is_str(term("\xef\xac\x81sh"), "fish", "NFKC: the fi ligature is fi");
    is_str(term("  -- , ... 42nd"), "42nd", "separators are skipped");
    is_str(term("ΣΟΦΙΑ"), "σοφια", "Greek is folded");
    is_str(term("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa x"),
           "x", "a word past NEWS_TERM_MAX is skipped");
    is_str(term("\xff\xfe" "abc"), "abc", "invalid UTF-8 separates words");
}


static void
test_parse(void)
{
    int           rc;
    char          big[400];
    news_err_t    err;
    news_query_t  q;

    rc = news_search_parse(&q, "Cafe \"red fox\" -dog section:World tag:Trade",
                           43, &err);
    is_int(rc, NEWS_OK, "a query of every kind parses");
    is_int(q.nclauses, 5, "five clauses");
    is_int(q.clauses[1].n, 2, "a phrase has its two words");
    is_int(q.clauses[2].negate, 1, "-dog is negated");
    ok(q.terms[4].filter && memcmp(q.terms[4].term, "\1sworld", 7) == 0,
       "section:World is the filter of the section's slug");
    ok(q.terms[5].filter && memcmp(q.terms[5].term, "\1ttrade", 7) == 0,
       "tag:Trade is the filter of the tag's slug");

    memset(big, ' ', sizeof(big));
    memcpy(big + 252, "word", 4);
    rc = news_search_parse(&q, big, 257, &err);
    is_int(rc, NEWS_INVALID, "257 bytes are too long");
    rc = news_search_parse(&q, big, 256, &err);
    is_int(rc, NEWS_OK, "256 bytes are not");

    rc = news_search_parse(&q, "a b c d e f g h i j k l m n o p q", 33, &err);
    is_int(rc, NEWS_INVALID, "17 words are too many");
    ok(strstr(err.msg, "16") != NULL, "the message says the limit: %s",
       err.msg);
    rc = news_search_parse(&q, "a b c d e f g h i j k l m n o p", 31, &err);
    is_int(rc, NEWS_OK, "16 words are not");

    rc = news_search_parse(&q, "-dog", 4, &err);
    is_int(rc, NEWS_INVALID, "only words to leave out is refused");
    rc = news_search_parse(&q, "  ... ", 6, &err);
    is_int(rc, NEWS_NOTFOUND, "no word at all is an empty search");
    rc = news_search_parse(&q, "a\001b", 3, &err);
    is_int(rc, NEWS_INVALID, "control characters are refused");
    rc = news_search_parse(&q, "\xc3", 1, &err);
    is_int(rc, NEWS_INVALID, "invalid UTF-8 is refused");
}


static void
test_search(void)
{
    uint64_t  cafe, body, title, draft, later, gone, munich;

    cafe = save("{\"title\":\"Café society\",\"author\":\"A\","
                "\"section\":\"Culture\",\"tags\":[\"Paris\"],"
                "\"body\":\"The red fox talks to the lazy dog.\"}", 0);
    body = save("{\"title\":\"Market report\",\"author\":\"A\","
                "\"section\":\"Business\",\"tags\":[\"Trade\"],"
                "\"body\":\"Grain prices rose. A fox was seen near the "
                "harbour, red in the evening light.\"}", 0);
    title = save("{\"title\":\"Fox news of the week\",\"author\":\"A\","
                 "\"section\":\"World\",\"body\":\"Nothing else here.\"}", 0);
    munich = save("{\"title\":\"In München\",\"author\":\"A\","
                  "\"section\":\"World\",\"body\":\"Beer.\"}", 0);
    draft = save("{\"title\":\"Secret fox draft\",\"author\":\"A\","
                 "\"section\":\"World\",\"status\":\"draft\","
                 "\"body\":\"zebra\"}", 0);
    later = save("{\"title\":\"Scheduled giraffe\",\"author\":\"A\","
                 "\"section\":\"World\",\"published_at\":"
                 "\"2034-05-18T03:33:20Z\",\"body\":\"giraffe\"}", 0);
    gone = save("{\"title\":\"Gone okapi\",\"author\":\"A\","
                "\"section\":\"World\",\"body\":\"okapi\"}", 0);

    ok(cafe && body && title && munich && draft && later && gone,
       "articles saved");

    is_str(search("cafe"), id1(cafe), "cafe finds Café");
    is_str(search("CAFÉ"), id1(cafe), "CAFÉ finds Café");
    is_str(search("munchen"), id1(munich), "munchen finds München");
    is_str(search("talk"), id1(cafe), "talk finds talks (stemming)");
    is_str(search("fox"), "3 1 2", "a title match ranks above body matches");
    is_str(search("fox red"), ids(cafe, body), "all words must match");
    is_str(search("\"red fox\""), id1(cafe), "a phrase: the words in a row");
    is_str(search("\"fox red\""), "", "not in that order");
    is_str(search("fox -dog"), ids(title, body), "-dog leaves out dog");
    is_str(search("fox -\"lazy dog\""), ids(title, body),
           "-\"a phrase\" leaves out the phrase");
    is_str(search("fox section:business"), id1(body), "section:name");
    is_str(search("fox -section:business"), ids(title, cafe),
           "-section:name");
    is_str(search("fox tag:paris"), id1(cafe), "tag:name");
    is_str(search("section:world"), "7 4 3",
           "a filter alone: equal scores, the newest first");
    is_str(search("zebra"), "", "a draft is never found");
    is_str(search("giraffe"), "", "a scheduled article is not found "
           "before its time");
    is_str(search_at("giraffe", (int64_t) NOW + 86400LL * 365 * 20), id1(later),
           "and is once it is due");
    is_str(search("okapi"), id1(gone), "found before it is deleted");
    ok(delete(gone) == NEWS_OK, "deleted");
    is_str(search("okapi"), "", "a deleted article is never found");

    /* an update is found in its new form, not the old */
    ok(save("{\"slug\":\"cafe-society\",\"title\":\"Tea society\","
            "\"author\":\"A\",\"section\":\"Culture\","
            "\"body\":\"Quiet.\"}", cafe) == cafe, "updated");
    is_str(search("cafe"), "", "the old title is gone");
    is_str(search("tea"), id1(cafe), "the new one is found");
    is_str(search("fox"), ids(title, body), "so are the old body's words");

    /* back to a draft: gone from search */
    ok(save("{\"slug\":\"fox-news-of-the-week\",\"title\":\"Fox news\","
            "\"author\":\"A\",\"status\":\"draft\",\"body\":\"x\"}", title)
       == title, "unpublished");
    is_str(search("fox"), id1(body), "an unpublished article is not found");
}


/* more articles than a block holds: appends, splits, a middle update */
static void
test_blocks(void)
{
    int         i;
    char        json[256];
    uint64_t    id, mid;
    const char *r;

    mid = 0;

    for (i = 0; i < 300; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"Walrus %d\",\"author\":"
                 "\"A\",\"body\":\"walrus number n%d\"}", i, i);
        id = save(json, 0);

        if (i == 150) {
            mid = id;
        }
    }

    r = search("walrus");
    ok(strlen(r) > 0 && strncmp(r, "error", 5) != 0, "300 walruses found");
    is_str(search("n150"), id1(mid), "one of them by its own word");

    snprintf(json, sizeof(json), "{\"slug\":\"walrus-150\",\"title\":"
             "\"Seal\",\"author\":\"A\",\"body\":\"seal\"}");
    ok(save(json, mid) == mid, "one in the middle updated");
    is_str(search("n150"), "", "its old word is gone");
    is_str(search("seal"), id1(mid), "its new one is found");
    is_str(search("walrus n151"), id1(mid + 1), "its neighbours are kept");
    is_str(search("walrus n149"), id1(mid - 1), "on both sides");
}


static void
test_snippet(void)
{
    news_buf_t    b;
    news_err_t    err;
    news_query_t  q;
    const char   *text = "One two three four five six seven eight nine "
                         "ten eleven twelve **Foxes** <script> run "
                         "[far](http://example.com/fox) away.";

    news_search_parse(&q, "fox", 3, &err);
    news_buf_init(&b);
    news_search_snippet(&b, &q, text, strlen(text));
    news_buf_addc(&b, '\0');

    is_str(b.data, "… three four five six seven eight nine ten eleven "
           "twelve <mark>Foxes</mark> &lt;script&gt; run far away",
           "a snippet: words before the match, the match marked, "
           "Markdown and link addresses out, the rest escaped");

    news_buf_free(&b);
}


/* newsctl check agrees with the index, and sees a posting taken away */
static void
test_check(void)
{
    MDB_txn       *txn;
    MDB_val        key;
    news_err_t     err;
    news_check_t   r;
    const char    *k = "seal\0\0\0\0";
    unsigned char  kb[9];

    news_check_init(&r);
    news_store_read(&st, &txn, &err);
    ok(news_check_store(&st, txn, &r, &err) == NEWS_OK && r.violations == 0,
       "check: the index agrees with the articles");
    news_store_read_done(&st);
    if (r.violations) {
        printf("# %s", news_buf_cstr(&r.lines));
    }
    news_check_free(&r);

    /* the one posting of "seal" (its block is keyed by its doc) */
    memcpy(kb, k, 5);
    news_be32_put(kb + 5, (uint32_t) strtoul(search("seal"), NULL, 10));
    news_store_write(&st, &txn, &err);
    key.mv_data = kb;
    key.mv_size = 9;
    ok(mdb_del(txn, st.dbi[NEWS_DB_POSTINGS], &key, NULL) == 0,
       "a posting taken away behind the index's back");
    news_store_commit(&st, txn, &err);

    news_check_init(&r);
    news_store_read(&st, &txn, &err);
    news_check_store(&st, txn, &r, &err);
    news_store_read_done(&st);
    ok(r.violations == 1
       && strstr(news_buf_cstr(&r.lines), "term \"seal\" has no posting"),
       "check names it: %s", news_buf_cstr(&r.lines));
    news_check_free(&r);
}


int
main(void)
{
    char        path[256];
    news_err_t  err;

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        printf("Bail out! no store\n");
        return 1;
    }

    test_tokenizer();
    test_parse();
    test_search();
    test_blocks();
    test_snippet();
    test_check();

    news_store_close(&st);
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);

    return done_testing();
}
