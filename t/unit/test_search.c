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
#include "article_fixture.h"
#include "articles.h"
#include "publish.h"
#include "check.h"
#include "render_search.h"
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
    return save_article(&st, json, id, NOW - 100);
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


/*
 * The ids found for a query, space-separated, best first ("" for none):
 * the first limit of them
 */
static const char *
search_n(const char *query, int64_t now, size_t limit)
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
    s->limit = limit;
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
search_at(const char *query, int64_t now)
{
    return search_n(query, now, 50);
}


/*
 * The search page's results for a query (the API's JSON if `json`),
 * read in txn, or in a read txn of their own when txn is NULL
 */
static const char *
results_in(MDB_txn *txn, const char *query, int json)
{
    int                  rc;
    MDB_txn             *own;
    news_err_t           err;
    news_query_t         q;
    news_search_t       *s;
    news_search_page_t   sp;
    static news_buf_t    b;

    news_buf_free(&b);
    news_buf_init(&b);
    news_search_parse(&q, query, strlen(query), &err);

    /* as the HTTP glue has it: not zeroed, only reset */
    s = malloc(sizeof(*s));
    memset(s, 0xa5, sizeof(*s));
    news_search_reset(s, NOW, 0, 20);

    memset(&sp, 0, sizeof(sp));
    sp.q = query;
    sp.qlen = strlen(query);
    sp.query = &q;
    sp.s = s;
    sp.page = 1;

    own = NULL;
    rc = txn ? NEWS_OK : news_store_read(&st, &own, &err);

    if (rc == NEWS_OK) {
        rc = news_search_run(&st, txn ? txn : own, &q, s, &err);
    }

    if (rc == NEWS_OK) {
        rc = json ? news_render_search_json(&st, txn ? txn : own, &sp, &b,
                                            &err)
                  : news_render_search_page(&st, txn ? txn : own, &sp, &b,
                                            &err);
    }

    if (own) {
        news_store_read_done(&st);
    }

    free(s);

    if (rc != NEWS_OK) {
        news_buf_reset(&b);
        news_buf_addf(&b, "error: %s", err.msg);
    }

    return news_buf_cstr(&b);
}


static const char *
results(const char *query)
{
    return results_in(NULL, query, 0);
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


/*
 * Block-max: a word in 1,000 articles, in the title of three; the best
 * three are found without looking up every doc (the blocks whose bound
 * cannot reach them are left), the same as a full walk would rank them.
 */
static void
test_blockmax(void)
{
    int             i;
    char            json[256], want[64];
    size_t          n;
    MDB_txn        *txn;
    uint64_t        id, top[3];
    news_err_t      err;
    news_query_t    q;
    news_search_t  *s;

    n = 0;

    for (i = 0; i < 1000; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"%s n%d\",\"author\":"
                 "\"A\",\"body\":\"the otter swims\"}",
                 i % 400 == 100 ? "Otter report" : "Report", i);
        id = save(json, 0);

        if (i % 400 == 100) {
            top[n++] = id;
        }
    }

    snprintf(want, sizeof(want), "%llu %llu %llu",
             (unsigned long long) top[2], (unsigned long long) top[1],
             (unsigned long long) top[0]);

    s = calloc(1, sizeof(*s));
    s->limit = 3;
    s->now = NOW;

    ok(news_search_parse(&q, "otter", 5, &err) == NEWS_OK
       && news_store_read(&st, &txn, &err) == NEWS_OK
       && news_search_run(&st, txn, &q, s, &err) == NEWS_OK,
       "a word of 1,000 articles");
    news_store_read_done(&st);

    snprintf(json, sizeof(json), "%llu %llu %llu",
             (unsigned long long) s->hits[0].id,
             (unsigned long long) s->hits[1].id,
             (unsigned long long) s->hits[2].id);
    is_str(json, want, "its title matches first, newest first");
    ok(s->more, "more follow");
    ok(s->looked > 0 && s->looked < 1000, "without looking at every doc");
    printf("# looked at %zu docs\n", s->looked);

    free(s);
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


/*
 * A hit's snippet from where the index has its words is the snippet the
 * text gives when read for them: the fields before the body (several
 * tags, words folded away, words too long, accents) counted as the index
 * counts them, the word deep in the body, in the title only, or in a
 * negated phrase's words.
 */
/*
 * A query's snippets the same three ways: read from the article's text
 * for the words, started from where the index has them, and from the
 * index and the teaser (its words marked from the index, its start from
 * the teaser's word starts).
 */
static void
snippets_agree(const char *query)
{
    size_t           i, same;
    MDB_txn         *txn;
    uint32_t         body;
    news_buf_t       scan, at, hit;
    news_err_t       err;
    news_query_t     q;
    news_article_t   a;
    news_steaser_t   t;
    news_search_t   *s;

    news_search_parse(&q, query, strlen(query), &err);

    /* as the HTTP glue has it: not zeroed, only reset */
    s = malloc(sizeof(*s));
    memset(s, 0xa5, sizeof(*s));
    news_search_reset(s, NOW, 0, 20);
    same = 0;

    if (news_store_read(&st, &txn, &err) != NEWS_OK
        || news_search_run(&st, txn, &q, s, &err) != NEWS_OK)
    {
        ok(0, "searching %s: %s", query, err.msg);
        free(s);
        return;
    }

    for (i = 0; i < s->count; i++) {
        if (news_article_load(&st, txn, s->hits[i].id, &a, &err) != NEWS_OK)
        {
            break;
        }

        news_buf_init(&scan);
        news_buf_init(&at);
        news_buf_init(&hit);
        body = news_search_body_start(&a);
        news_search_snippet(&scan, &q, a.body, strlen(a.body));
        news_search_snippet_at(&at, &q, a.body, strlen(a.body),
                               news_search_body_first(body, &q,
                                                      &s->words[i]));

        if (news_steaser_get(&st, txn, s->hits[i].id, &t, &err) == NEWS_OK) {
            news_search_snippet_hit(&hit, &q, &t, &s->words[i]);
        }

        same += scan.len == at.len
                && memcmp(scan.data, at.data, scan.len) == 0
                && scan.len == hit.len
                && memcmp(scan.data, hit.data, scan.len) == 0;
        news_buf_free(&scan);
        news_buf_free(&at);
        news_buf_free(&hit);
        news_article_free(&a);
    }

    news_store_read_done(&st);
    ok(s->count > 0 && s->nwords == s->count && same == s->count,
       "%s: %zu of %zu snippets the same from the index's positions "
       "(where to start, and which words to mark)",
       query, same, s->count);
    free(s);
}


static void
test_snippet_words(void)
{
    unsigned         k;
    const char      *queries[] = { "otter", "otter river", "\"river bank\"",
                                   "otter -\"bank river\"", "café" };

    save("{\"title\":\"An otter ½ ﬁsh Café\",\"subtitle\":\"Of the "
         "river-bank\",\"section\":\"Nature Notes\",\"tags\":[\"Wild "
         "Life\",\"Ünder ½ water\"],\"body\":\"One two three four five "
         "six seven eight nine ten eleven twelve thirteen "
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
         "fourteen ½ Ünder fifteen sixteen seventeen the river bank, then "
         "[an otter](http://example.com/otter-river) and a cafe.\"}", 0);
    save("{\"title\":\"Otter river bank café\",\"body\":\"Nothing of "
         "the sort here at all.\"}", 0);
    save("{\"title\":\"River\",\"tags\":[\"a\",\"b\",\"c\"],\"body\":"
         "\"The bank river otter, otter.\"}", 0);

    for (k = 0; k < sizeof(queries) / sizeof(queries[0]); k++) {
        snippets_agree(queries[k]);
    }
}


/*
 * Snippets deep in a body, where the teaser's word starts take them:
 * the first of the query's words at each place about a start (before,
 * on and after the NEWS_SNIPPET_STRIDE-th words, with words folded away
 * and too long among those before), near the end of what a snippet
 * looks through, and past it (the body's beginning then).
 */
static void
test_snippet_starts(void)
{
    char          *json;
    size_t         i, k, at;
    news_buf_t     b;
    const size_t   places[] = { 9, 10, 11, 25, 26, 27, 41, 42, 43, 200,
                                9000, 20000 };

    for (k = 0; k < sizeof(places) / sizeof(places[0]); k++) {
        news_buf_init(&b);
        news_buf_addf(&b, "{\"title\":\"Deep %zu\",\"body\":\"", places[k]);

        for (i = 0; i < places[k]; i++) {
            news_buf_addf(&b, i % 7 == 3 ? "½ wörd%zu, " : "word%zu ", i);

            if (i % 50 == 49) {
                news_buf_addl(&b, "ééééééééééééééééééééééééééééééééééééé "
                              "[a link](http://example.com/a-b-c) ");
            }
        }

        news_buf_addl(&b, "quokka numbat tail words.\"}");
        json = strdup(news_buf_cstr(&b));
        save(json, 0);
        free(json);
        news_buf_free(&b);
    }

    at = 0;
    news_buf_init(&b);
    news_buf_addl(&b, "{\"title\":\"Long\",\"body\":\"");

    while (b.len < NEWS_SNIPPET_SCAN - 40) {
        news_buf_addf(&b, "filler%zu ", at++);
    }

    news_buf_addl(&b, "quokka and then past the scan numbat\"}");
    json = strdup(news_buf_cstr(&b));
    save(json, 0);
    free(json);
    news_buf_free(&b);

    snippets_agree("quokka");
    snippets_agree("numbat");
    snippets_agree("quokka numbat");
    snippets_agree("\"quokka numbat\"");
}


/* the query language's refusals and odd corners */
static void
test_parse_edges(void)
{
    int           rc;
    news_err_t    err;
    news_query_t  q;
    const char   *s;

    s = "\"a b c d e f g h i j k l m n o p q\"";
    rc = news_search_parse(&q, s, strlen(s), &err);
    is_int(rc, NEWS_INVALID, "a phrase of 17 words is too many");

    s = "a b c d e f g h i j k l m n o p section:world";
    rc = news_search_parse(&q, s, strlen(s), &err);
    is_int(rc, NEWS_INVALID, "16 words and a filter are too many");
    ok(strstr(err.msg, "16") != NULL, "saying the limit: %s", err.msg);

    s = "fox section:!!!";
    rc = news_search_parse(&q, s, strlen(s), &err);
    ok(rc == NEWS_OK && q.terms[1].filter && q.terms[1].len == 2
       && memcmp(q.terms[1].term, "\1-", 2) == 0,
       "a section of no letters is the filter no article has");

    s = "fox tag:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "xxxxxxxxxxxxxxxxxx";
    rc = news_search_parse(&q, s, strlen(s), &err);
    ok(rc == NEWS_OK && q.terms[1].len == 2
       && memcmp(q.terms[1].term, "\1-", 2) == 0,
       "so is a tag longer than a term");

    s = "-\"red fox\" -tag:paris";
    rc = news_search_parse(&q, s, strlen(s), &err);
    is_int(rc, NEWS_INVALID, "a phrase and a filter to leave out, nothing "
           "to find");

    s = "\"unclosed phrase";
    rc = news_search_parse(&q, s, strlen(s), &err);
    ok(rc == NEWS_OK && q.nclauses == 1 && q.clauses[0].n == 2,
       "a phrase without its closing quote runs to the end");

    s = "- \"\" tag: section:";
    rc = news_search_parse(&q, s, strlen(s), &err);
    ok(rc == NEWS_OK && q.nclauses == 2 && !q.terms[0].filter,
       "a lone -, an empty phrase: nothing; tag: and section: alone are "
       "words");
}


/* deeper than NEWS_SEARCH_DEPTH: refused before anything is read */
static void
test_depth(void)
{
    MDB_txn        *txn;
    news_err_t      err;
    news_query_t    q;
    news_search_t  *s;

    news_search_parse(&q, "walrus", 6, &err);
    s = calloc(1, sizeof(*s));
    s->offset = NEWS_SEARCH_DEPTH - 10;
    s->limit = 11;
    s->now = NOW;

    news_store_read(&st, &txn, &err);
    is_int(news_search_run(&st, txn, &q, s, &err), NEWS_INVALID,
           "results past NEWS_SEARCH_DEPTH are refused");
    s->limit = 10;
    is_int(news_search_run(&st, txn, &q, s, &err), NEWS_OK,
           "up to it they are not");
    news_store_read_done(&st);
    free(s);
}


/*
 * More scheduled articles than a query keeps in memory: each hit's time
 * is then read from sdocs, and the scheduled ones are still not found.
 */
static void
test_scheduled_many(void)
{
    int             i, rc;
    char            json[256];
    cJSON          *obj;
    MDB_txn        *txn;
    uint64_t        now_id;
    news_err_t      err;
    news_article_t  a;

    ok(news_store_write(&st, &txn, &err) == NEWS_OK, "one write for many");
    rc = NEWS_OK;

    for (i = 0; rc == NEWS_OK && i < 1100; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"Lynx %d\",\"author\":"
                 "\"A\",\"published_at\":\"2034-05-18T03:33:20Z\","
                 "\"body\":\"lynx\"}", i);
        obj = cJSON_Parse(json);
        rc = news_article_from_json(&a, obj, NOW - 100, 0, &err);
        cJSON_Delete(obj);

        if (rc == NEWS_OK) {
            rc = news_article_save(&st, txn, &a, 0, NOW - 100, &err);
            news_article_free(&a);
        }
    }

    is_int(rc, NEWS_OK, "1,100 scheduled lynxes");
    ok(news_store_commit(&st, txn, &err) == NEWS_OK, "committed");

    now_id = save("{\"title\":\"A lynx today\",\"author\":\"A\","
                  "\"body\":\"lynx\"}", 0);
    is_str(search("lynx"), id1(now_id), "past 1,024 scheduled: only the "
           "published one is found");
    ok(strlen(search_at("lynx", (int64_t) NOW + 86400LL * 365 * 20)) > 100,
       "and all once they are due");
}

/*
 * A hit is shown from its teaser, which the article's writes keep in
 * step in their own txn: an update is shown in its new form by a search
 * in the same txn (and its old one again when that txn is thrown
 * away), a deleted article never.
 */
static void
test_teasers(void)
{
    int              rc;
    cJSON           *obj;
    MDB_txn         *txn;
    uint64_t         id;
    news_err_t       err;
    const char      *p;
    news_article_t   a;
    news_steaser_t   t;

    id = save("{\"title\":\"Old narwhal <headline>\",\"author\":\"A\","
              "\"section\":\"Oceans & Seas\",\"body\":\"The narwhal "
              "swims to Quokkaland.\"}", 0);
    p = results("narwhal");
    ok(strstr(p, "Old narwhal &lt;headline&gt;</a></h2>") != NULL
       && strstr(p, "Oceans &amp; Seas · <time") != NULL
       && strstr(p, "The <mark>narwhal</mark> swims to Quokkaland</p>") != NULL,
       "a hit shown from its teaser");

    obj = cJSON_Parse("{\"title\":\"New narwhal headline\",\"author\":"
                      "\"A\",\"section\":\"Oceans\",\"body\":\"The "
                      "narwhal dives deep.\"}");
    rc = news_article_from_json(&a, obj, NOW - 100, 0, &err);
    cJSON_Delete(obj);
    ok(rc == NEWS_OK && news_store_write(&st, &txn, &err) == NEWS_OK
       && news_article_save(&st, txn, &a, id, NOW - 100, &err) == NEWS_OK,
       "updated in a write txn");
    news_article_free(&a);

    p = results_in(txn, "narwhal", 0);
    ok(strstr(p, "New narwhal headline") != NULL
       && strstr(p, "<mark>narwhal</mark> dives deep") != NULL
       && strstr(p, "Old narwhal") == NULL && strstr(p, "swims") == NULL,
       "a search in the update's txn shows its new teaser");
    p = results_in(txn, "quokkaland", 0);
    ok(strstr(p, "No results for") != NULL, "and not the old words");
    news_store_abort(&st, txn);

    p = results("narwhal");
    ok(strstr(p, "Old narwhal &lt;headline&gt;") != NULL
       && strstr(p, "Quokkaland") != NULL,
       "the txn thrown away: the old teaser again");

    ok(save("{\"title\":\"New narwhal headline\",\"author\":\"A\","
            "\"section\":\"Oceans\",\"body\":\"The narwhal dives "
            "deep.\"}", id) == id, "updated for good");
    p = results_in(NULL, "narwhal", 1);
    ok(strstr(p, "\"title\":\"New narwhal headline\",\"section\":"
              "\"Oceans\"") != NULL
       && strstr(p, "dives deep") != NULL,
       "the API shows the new teaser");

    ok(delete(id) == NEWS_OK, "deleted");
    ok(strstr(results("narwhal"), "No results for") != NULL,
       "a deleted article is never shown");
    news_store_read(&st, &txn, &err);
    is_int(news_steaser_get(&st, txn, id, &t, &err), NEWS_NOTFOUND,
           "its teaser is gone with it");
    news_store_read_done(&st);
}


/*
 * A store from before the teasers (schema 4, no steasers database), or
 * with their first form (schema 5, "steasers", without the words'
 * starts): the first opening writes a teaser for each article the index
 * holds, and lets the first form go.
 */
static void
test_teaser_fill(void)
{
    MDB_dbi        old;
    MDB_txn       *txn;
    MDB_val        key, val;
    news_err_t     err;
    news_check_t   r;
    char           before[8192];

    snprintf(before, sizeof(before), "%s", results("walrus"));

    news_store_write(&st, &txn, &err);
    ok(mdb_drop(txn, st.dbi[NEWS_DB_STEASERS], 1) == 0,
       "the teasers' database taken away");
    key.mv_data = val.mv_data = "x";
    key.mv_size = val.mv_size = 1;
    ok(mdb_dbi_open(txn, "steasers", MDB_CREATE, &old) == 0
       && mdb_put(txn, old, &key, &val, 0) == 0,
       "their first form's database there");
    news_store_commit(&st, txn, &err);
    news_store_close(&st);

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "opened again: %s", err.msg);
    news_store_read(&st, &txn, &err);
    ok(mdb_dbi_open(txn, "steasers", 0, &old) == MDB_NOTFOUND,
       "the first form's database is gone");
    news_store_read_done(&st);
    is_str(results("walrus"), before, "the same results from the teasers "
           "written on opening");

    news_check_init(&r);
    news_store_read(&st, &txn, &err);
    ok(news_check_store(&st, txn, &r, &err) == NEWS_OK && r.violations == 0,
       "check: the teasers agree with the articles %s",
       news_buf_cstr(&r.lines));
    news_store_read_done(&st);
    news_check_free(&r);
}



/* a damaged index, seen by newsctl check; each in a txn thrown away */
static int
damaged(const char *what, MDB_dbi dbi, const void *k, size_t klen,
    const void *v, ssize_t vlen, const char *want)
{
    int            found;
    MDB_txn       *txn;
    MDB_val        key, val;
    news_err_t     err;
    news_check_t   r;

    news_store_write(&st, &txn, &err);
    key.mv_data = (void *) k;
    key.mv_size = klen;
    val.mv_data = (void *) v;
    val.mv_size = vlen < 0 ? 0 : (size_t) vlen;

    if ((vlen < 0 ? mdb_del(txn, dbi, &key, NULL)
                  : mdb_put(txn, dbi, &key, &val, 0)) != 0)
    {
        news_store_abort(&st, txn);
        return ok(0, "%s: damaged", what);
    }

    news_check_init(&r);
    news_check_store(&st, txn, &r, &err);
    found = r.violations > 0 && strstr(news_buf_cstr(&r.lines), want);
    ok(found, "check sees %s: %s", what,
       found ? want : news_buf_cstr(&r.lines));
    news_check_free(&r);
    news_store_abort(&st, txn);

    return found;
}


static void
test_damage(void)
{
    MDB_txn        *txn;
    MDB_val         key, val;
    uint64_t        tea, draft;
    news_err_t      err;
    size_t          tzlen;
    unsigned char   kb[8], sd[12], pk[7], blk[24], tz[4096];

    tea = strtoull(search("tea"), NULL, 10);
    draft = strtoull(search("zebra"), NULL, 10);
    ok(tea > 0 && draft == 0, "an article to damage");
    draft = save("{\"title\":\"Quiet draft\",\"author\":\"A\","
                 "\"status\":\"draft\",\"body\":\"hush\"}", 0);

    news_be64_put(kb, tea);
    key.mv_data = kb;
    key.mv_size = 8;
    news_store_read(&st, &txn, &err);
    ok(mdb_get(txn, st.dbi[NEWS_DB_SDOCS], &key, &val) == 0
       && val.mv_size == 12, "its sdocs entry");
    memcpy(sd, val.mv_data, 12);
    news_store_read_done(&st);

    damaged("statistics of the wrong size", st.dbi[NEWS_DB_META],
            "search.2", 8, "xyz", 3, "its statistics");
    damaged("no statistics", st.dbi[NEWS_DB_META], "search.2", 8, NULL, -1,
            "but no statistics");
    damaged("a published article not in sdocs", st.dbi[NEWS_DB_SDOCS],
            kb, 8, NULL, -1, "published, but not in sdocs");

    sd[7]++;
    damaged("sdocs at another time", st.dbi[NEWS_DB_SDOCS], kb, 8, sd, 12,
            "at another publication time");
    sd[7]--;
    sd[11]++;
    damaged("sdocs with another length", st.dbi[NEWS_DB_SDOCS], kb, 8,
            sd, 12, "in sdocs with length");
    sd[11]--;
    damaged("an sdocs entry of the wrong size", st.dbi[NEWS_DB_SDOCS], kb, 8,
            sd, 11, "an entry of 8 and 11 bytes");

    news_be64_put(kb, draft);
    damaged("a draft in sdocs", st.dbi[NEWS_DB_SDOCS], kb, 8, sd, 12,
            "a draft, but in sdocs");
    news_be64_put(kb, 999999);
    damaged("an article that does not exist in sdocs", st.dbi[NEWS_DB_SDOCS],
            kb, 8, sd, 12, "article 999999 is indexed but does not exist");

    /* its teaser: gone, stale, not one, or of an article not indexed */
    news_be64_put(kb, tea);
    news_store_read(&st, &txn, &err);
    ok(mdb_get(txn, st.dbi[NEWS_DB_STEASERS], &key, &val) == 0
       && val.mv_size < sizeof(tz), "its teaser");
    tzlen = val.mv_size;
    memcpy(tz, val.mv_data, tzlen);
    news_store_read_done(&st);

    damaged("a published article without its teaser",
            st.dbi[NEWS_DB_STEASERS], kb, 8, NULL, -1,
            "indexed, but without its search teaser");
    tz[tzlen - 1] ^= 1;
    damaged("a stale teaser", st.dbi[NEWS_DB_STEASERS], kb, 8, tz, tzlen,
            "its search teaser is not the article's as it is");
    tz[tzlen - 1] ^= 1;
    damaged("a teaser that does not decode", st.dbi[NEWS_DB_STEASERS], kb, 8,
            tz, tzlen - 1, "a search teaser that does not decode");
    news_be64_put(kb, 999999);
    damaged("a teaser of an article not indexed", st.dbi[NEWS_DB_STEASERS],
            kb, 8, tz, tzlen,
            "a search teaser of article 999999, which is not indexed");

    damaged("a posting key without its doc", st.dbi[NEWS_DB_POSTINGS],
            "ab", 2, "\0\0\0\0\0\0", 6, "not a term . 0 . doc key");

    memcpy(pk, "zz\0", 3);
    news_be32_put(pk + 3, (uint32_t) tea);
    damaged("a block of no postings", st.dbi[NEWS_DB_POSTINGS], pk, 7,
            "\0\0\0\0\0\0", 6, "a block that does not decode");

    /*
     * format 2: the last doc, a count of 1 or 2, one bound (wtf 1, norm
     * 0); a posting: delta, wtf, norm; then each one's positions' length
     */
    news_be32_put(blk, 999999);
    memcpy(blk + 4, "\0\1\1\1\0\0\1\0\0", 9);
    damaged("a block whose header lies", st.dbi[NEWS_DB_POSTINGS], pk, 7,
            blk, 13, "a block whose header names another last doc");

    news_be32_put(blk, (uint32_t) tea);
    memcpy(blk + 4, "\0\2\1\1\0\0\1\0\0\1\0\0\0", 13);
    damaged("a block of a doc twice", st.dbi[NEWS_DB_POSTINGS], pk, 7,
            blk, 17, "a block whose docs are out of order");

    news_be32_put(pk + 3, 999999);
    news_be32_put(blk, 999999);
    memcpy(blk + 4, "\0\1\1\1\0\0\1\0\0", 9);
    damaged("a posting of an article not indexed", st.dbi[NEWS_DB_POSTINGS],
            pk, 7, blk, 13, "a posting of doc 999999, which is not indexed");

    /* a good block of a term without a directory; a directory that lies */
    news_be32_put(pk + 3, (uint32_t) tea);
    news_be32_put(blk, (uint32_t) tea);
    memcpy(blk + 4, "\0\1\1\1\0\0\1\0\0", 9);
    damaged("a block of a term without a directory",
            st.dbi[NEWS_DB_POSTINGS], pk, 7, blk, 13,
            "a block of a term without a directory");
    news_be32_put(blk, (uint32_t) tea);
    news_be32_put(blk + 4, (uint32_t) tea + 1);
    memcpy(blk + 8, "\0\1\1\1\0", 5);
    damaged("a directory that is not its blocks' headers",
            st.dbi[NEWS_DB_POSTINGS], "tea\1", 4, blk, 13,
            "a term's directory that is not its blocks' headers");
    damaged("a directory without blocks", st.dbi[NEWS_DB_POSTINGS], "zz\1",
            3, blk, 13, "a term's directory that is not its blocks' headers");

    /*
     * tea's directory: one group (varint 1; be32 first and last, varints
     * docs, blocks and bytes, the byte n, its first pair's wtf at 13)
     */
    key.mv_data = "tea\1";
    key.mv_size = 4;
    news_store_read(&st, &txn, &err);
    ok(mdb_get(txn, st.dbi[NEWS_DB_POSTINGS], &key, &val) == 0
       && val.mv_size < sizeof(tz) && ((uint8_t *) val.mv_data)[0] == 1,
       "tea's directory: one group");
    tzlen = val.mv_size;
    memcpy(tz, val.mv_data, tzlen);
    news_store_read_done(&st);
    tz[13]++;
    damaged("a group that bounds its blocks with another pair",
            st.dbi[NEWS_DB_POSTINGS], "tea\1", 4, tz, tzlen,
            "a term's directory that is not its blocks' headers");
}


/*
 * A store from before the directories (schema 8): the first opening
 * makes each term's directory from its blocks.
 */
static void
test_dirs_fill(void)
{
    int            rc;
    MDB_txn       *txn;
    MDB_val        key, val;
    MDB_cursor    *cur;
    news_err_t     err;
    news_check_t   r;
    unsigned       gone;
    char           before[3][8192];
    const char    *q[3] = { "walrus", "tea", "seal walrus" };
    unsigned char  older[4];

    for (gone = 0; gone < 3; gone++) {
        snprintf(before[gone], sizeof(before[gone]), "%s", results(q[gone]));
    }

    news_store_write(&st, &txn, &err);
    mdb_cursor_open(txn, st.dbi[NEWS_DB_POSTINGS], &cur);
    gone = 0;

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        if (((char *) key.mv_data)[key.mv_size - 1] == '\1'
            && memchr(key.mv_data, '\0', key.mv_size) == NULL)
        {
            gone += mdb_cursor_del(cur, 0) == 0;
        }
    }

    mdb_cursor_close(cur);
    news_be32_put(older, 8);
    key.mv_data = "schema";
    key.mv_size = 6;
    val.mv_data = older;
    val.mv_size = 4;
    ok(gone > 10 && mdb_put(txn, st.dbi[NEWS_DB_META], &key, &val, 0) == 0,
       "%u directories taken away, the store of schema 8", gone);
    news_store_commit(&st, txn, &err);
    is_str(search("walrus"), "", "without directories a word is found "
           "nowhere");
    news_store_close(&st);

    ok(news_store_open(&st, dir, 64 * 1024 * 1024, &err) == NEWS_OK,
       "opened again: %s", err.msg);

    for (gone = 0; gone < 3; gone++) {
        ok(strcmp(results(q[gone]), before[gone]) == 0, "%s: the same "
           "results from the directories written on opening", q[gone]);
    }

    news_check_init(&r);
    news_store_read(&st, &txn, &err);
    ok(news_check_store(&st, txn, &r, &err) == NEWS_OK && r.violations == 0,
       "check: the directories agree with the blocks %s",
       news_buf_cstr(&r.lines));
    news_store_read_done(&st);
    news_check_free(&r);
}


/* newsctl check agrees with the index, and sees a posting taken away */
/* the postings' leaf pages and entries */
static void
postings_stat(MDB_stat *ms)
{
    MDB_txn     *txn;
    news_err_t   err;

    memset(ms, 0, sizeof(*ms));
    news_store_read(&st, &txn, &err);
    mdb_stat(txn, st.dbi[NEWS_DB_POSTINGS], ms);
    news_store_read_done(&st);
}


/*
 * A word of 2,100 articles has its blocks in groups (its directory sums
 * up NEWS_DIR_GROUP blocks a group, and a query reads the blocks of the
 * groups whose bound can make its results): its seven title matches,
 * one in every 300 articles, come first, newest first.  The same results
 * when the directories are not read (a store of an older schema opened
 * read-only: the blocks' headers walked instead); a directory that does
 * not decode is an error, not a result.  test_check's clean check
 * holds the groups to their blocks.
 */
static void
test_groups(void)
{
    int              i, rc;
    char             json[256], want[160], got[4096];
    size_t           n;
    cJSON           *obj;
    MDB_txn         *txn;
    MDB_val          key, val;
    uint32_t         schema;
    uint64_t         top[7];
    news_err_t       err;
    news_article_t   a;

    news_store_write(&st, &txn, &err);

    for (i = 0, n = 0, rc = NEWS_OK; rc == NEWS_OK && i < 2100; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"%s g%d\",\"author\":"
                 "\"A\",\"body\":\"a narwhal swims\"}",
                 i % 300 == 150 ? "Narwhal seen" : "Seen", i);
        obj = cJSON_Parse(json);
        rc = news_article_from_json(&a, obj, NOW - 100, 0, &err);
        cJSON_Delete(obj);

        if (rc == NEWS_OK) {
            rc = news_article_save(&st, txn, &a, 0, NOW - 100, &err);

            if (i % 300 == 150) {
                top[n++] = a.id;
            }

            news_article_free(&a);
        }
    }

    ok(rc == NEWS_OK && news_store_commit(&st, txn, &err) == NEWS_OK,
       "2,100 articles of one word, in one txn");

    key.mv_data = "narwhal\1";
    key.mv_size = 8;
    news_store_read(&st, &txn, &err);
    rc = mdb_get(txn, st.dbi[NEWS_DB_POSTINGS], &key, &val);
    ok(rc == 0 && ((uint8_t *) val.mv_data)[0] >= 2,
       "its directory has %u groups of blocks",
       rc == 0 ? ((uint8_t *) val.mv_data)[0] : 0);
    news_store_read_done(&st);

    snprintf(want, sizeof(want), "%llu %llu %llu %llu %llu %llu %llu ",
             (unsigned long long) top[6], (unsigned long long) top[5],
             (unsigned long long) top[4], (unsigned long long) top[3],
             (unsigned long long) top[2], (unsigned long long) top[1],
             (unsigned long long) top[0]);
    snprintf(got, sizeof(got), "%s", search("narwhal"));
    ok(strncmp(got, want, strlen(want)) == 0,
       "its title matches first, newest first: %.*s", (int) strlen(want),
       got);

    schema = st.schema;
    st.schema = NEWS_SCHEMA_GROUPS - 1;
    is_str(search("narwhal"), got, "the same from its blocks' headers, in "
           "a store of an older schema read as it is");
    is_str(search("narwhal g1950"), id1(top[6]), "and with another word");
    st.schema = schema;

    news_store_write(&st, &txn, &err);
    val.mv_data = "\2\0\0";
    val.mv_size = 3;
    ok(mdb_put(txn, st.dbi[NEWS_DB_POSTINGS], &key, &val, 0) == 0
       && strcmp(results_in(txn, "narwhal", 0),
                 "error: reading the search index") == 0,
       "a directory that does not decode: an error");
    news_store_abort(&st, txn);
}


/*
 * A phrase whose words are in every article but rarely in a row: 630
 * articles have both words, a third of them in the title (which scores
 * more), and 30 have them in a row, the 14 oldest of those with the words
 * in the title too.  The positions are read only for the docs whose
 * score can still make the results asked for, and the walk finds the
 * newer 16 first: the results are the 14 newest first, then the 16,
 * whatever the number asked.
 */
static void
test_phrase_rare(void)
{
    int              i, rc;
    char             json[256], want[512];
    size_t           n;
    cJSON           *obj;
    MDB_txn         *txn;
    uint64_t         in_row[30];
    news_err_t       err;
    news_article_t   a;

    news_store_write(&st, &txn, &err);

    for (i = 0, n = 0, rc = NEWS_OK; rc == NEWS_OK && i < 630; i++) {
        snprintf(json, sizeof(json), "{\"title\":\"%s r%d\",\"author\":"
                 "\"A\",\"body\":\"%s\"}",
                 i % 3 == 0 || (i % 21 == 10 && i < 300) ? "Vole by the fen"
                                                         : "A report", i,
                 i % 21 == 10 ? "a fen vole was seen"
                 : i % 2 ? "a vole was seen near the fen"
                 : "a vole was seen far away from the fen, in the reeds");
        obj = cJSON_Parse(json);
        rc = news_article_from_json(&a, obj, NOW - 100, 0, &err);
        cJSON_Delete(obj);

        if (rc == NEWS_OK) {
            rc = news_article_save(&st, txn, &a, 0, NOW - 100, &err);

            if (i % 21 == 10) {
                in_row[n++] = a.id;
            }

            news_article_free(&a);
        }
    }

    if (rc != NEWS_OK || n != 30) {
        news_store_abort(&st, txn);
        ok(0, "630 articles of two words: %s", err.msg);
        return;
    }

    ok(news_store_commit(&st, txn, &err) == NEWS_OK,
       "630 articles of two words, 30 of them with the words in a row");

    for (i = 13, want[0] = '\0'; i >= 0; i--) {
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "%llu ",
                 (unsigned long long) in_row[i]);
    }

    for (i = 29; i >= 14; i--) {
        snprintf(want + strlen(want), sizeof(want) - strlen(want), "%llu%s",
                 (unsigned long long) in_row[i], i > 14 ? " " : "");
    }

    is_str(search_n("\"fen vole\"", NOW, 50), want,
           "the phrase finds the 30, those with the words in the title "
           "first, newest first");

    snprintf(want, sizeof(want), "%llu", (unsigned long long) in_row[13]);
    is_str(search_n("\"fen vole\"", NOW, 1), want,
           "the first of them when one is asked for");

    snprintf(want, sizeof(want), "%llu %llu %llu %llu %llu",
             (unsigned long long) in_row[13], (unsigned long long) in_row[12],
             (unsigned long long) in_row[11], (unsigned long long) in_row[10],
             (unsigned long long) in_row[9]);
    is_str(search_n("\"fen vole\"", NOW, 5), want, "the first 5 of 5");
    is_str(search_n("vole fen \"fen vole\"", NOW, 5), want,
           "the same with the words again beside the phrase");

    snprintf(want, sizeof(want), "%llu", (unsigned long long) in_row[13]);
    ok(strstr(search_n("vole -\"fen vole\"", NOW, 50), want) == NULL
       && strlen(search_n("vole -\"fen vole\"", NOW, 50)) > 0,
       "a negated phrase leaves the 30 out of the word's results");
}


/*
 * A bulk load written again into full pages: reindex (which adds every
 * article) ends with it; the same postings, in fewer leaves, and the
 * scratch database gone.
 */
static void
test_compact(void)
{
    MDB_dbi     scratch;
    MDB_txn    *txn;
    MDB_stat    before, after;
    news_err_t  err;
    char        walrus[4096], seal[64];

    postings_stat(&before);
    snprintf(walrus, sizeof(walrus), "%s", search("walrus"));
    snprintf(seal, sizeof(seal), "%s", search("seal"));

    ok(news_search_reindex(&st, &err) == NEWS_OK, "reindex");
    postings_stat(&after);

    is_int(after.ms_entries, before.ms_entries, "the same blocks");
    ok(after.ms_leaf_pages < before.ms_leaf_pages,
       "in fewer leaf pages (%zu before, %zu after)",
       before.ms_leaf_pages, after.ms_leaf_pages);
    is_str(search("walrus"), walrus, "the same results");
    is_str(search("seal"), seal, "for each word");

    news_store_read(&st, &txn, &err);
    is_int(mdb_dbi_open(txn, NEWS_POSTINGS_SCRATCH, 0, &scratch),
           MDB_NOTFOUND, "no scratch database is left");
    news_store_read_done(&st);
}


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
    ok(r.violations == 2
       && strstr(news_buf_cstr(&r.lines), "term \"seal\" has no posting")
       && strstr(news_buf_cstr(&r.lines), "seal\\x01: a term's directory "
                 "that is not its blocks' headers"),
       "check names it, and its directory: %s", news_buf_cstr(&r.lines));
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
    test_blockmax();
    test_snippet();
    test_snippet_words();
    test_parse_edges();
    test_depth();
    test_scheduled_many();
    test_teasers();
    test_damage();
    test_compact();
    test_teaser_fill();
    test_dirs_fill();
    test_groups();
    test_phrase_rare();
    test_check();
    test_snippet_starts();

    news_store_close(&st);
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);

    return done_testing();
}
