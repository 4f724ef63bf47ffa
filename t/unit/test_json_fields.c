/*
 * The JSON checks of a comment (news_comment_from_json: newsctl's
 * import and restore) and of an article (news_article_from_json: the API,
 * import, and the stored record), field by field: each wrong type, range
 * and form refused with the field named, and the forms each takes.  The
 * image hosts' names (news_image_host_check) the same way.
 */

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "article.h"
#include "comments.h"


typedef struct {
    const char  *json;
    int          code;          /* NEWS_OK, what it is refused with, or
                                   ANY: refused */
    const char  *says;          /* in the message, when refused */
} news_case_t;

#define ANY  -1


#define C_OK(extra)                                                           \
    "{\"id\":7,\"author\":\"ann\",\"body\":\"b\","                            \
    "\"created_at\":\"2024-01-01T00:00:00Z\"" extra "}"


static const news_case_t  comments[] = {
    { "[1]", NEWS_INVALID, "must be an object" },
    { C_OK(",\"colour\":1"), NEWS_INVALID, "unknown field \"colour\"" },
    { "{\"id\":0,\"author\":\"a\"}", NEWS_INVALID, "\"id\" must be" },
    { "{\"id\":\"7\",\"author\":\"a\"}", NEWS_INVALID, "\"id\" must be" },
    { "{\"id\":1e300,\"author\":\"a\"}", NEWS_INVALID, "\"id\" must be" },
    { C_OK(",\"parent\":\"1\""), NEWS_INVALID, "\"parent\" must be" },
    { C_OK(",\"parent\":0"), NEWS_INVALID, "\"parent\" must be" },
    { C_OK(",\"parent\":1e300"), NEWS_INVALID, "\"parent\" must be" },
    { C_OK(",\"parent\":null"), NEWS_OK, NULL },
    { C_OK(",\"featured\":1"), NEWS_INVALID, "\"featured\" must be" },
    { C_OK(",\"featured\":true"), NEWS_OK, NULL },
    { C_OK(",\"depth\":\"2\""), NEWS_INVALID, "\"depth\" must be" },
    { C_OK(",\"depth\":256"), NEWS_INVALID, "\"depth\" must be" },
    { "{\"id\":7,\"body\":\"b\"}", NEWS_INVALID, "\"author\" must be" },
    { "{\"id\":7,\"author\":\"\",\"body\":\"b\"}", NEWS_INVALID,
      "\"author\" must be" },
    { "{\"id\":7,\"author\":\"a\\u0001b\",\"body\":\"b\"}", NEWS_INVALID,
      "\"author\" must be" },
    { "{\"id\":7,\"author\":\"" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      "aaaaaaaaaaaaaaaaaaaaaaaaa\",\"body\":\"b\"}", NEWS_INVALID,
      "\"author\" must be" },
    { C_OK(",\"author_id\":0"), NEWS_INVALID, "\"author_id\" must be" },
    { C_OK(",\"author_id\":\"3\""), NEWS_INVALID, "\"author_id\" must be" },
    { C_OK(",\"author_id\":3"), NEWS_OK, NULL },
    { "{\"id\":7,\"author\":\"a\"}", NEWS_INVALID, "\"body\" is required" },
    { "{\"id\":7,\"author\":\"a\",\"body\":7}", NEWS_INVALID,
      "\"body\" is required" },
    { C_OK(",\"status\":\"lost\""), NEWS_INVALID, "bad \"status\"" },
    { C_OK(",\"status\":3"), NEWS_INVALID, "bad \"status\"" },
    { C_OK(",\"status\":\"pending\""), NEWS_OK, NULL },
    { "{\"id\":7,\"author\":\"a\",\"body\":\"b\"}", NEWS_INVALID,
      "\"created_at\" must be" },
    { "{\"id\":7,\"author\":\"a\",\"body\":\"b\",\"created_at\":\"today\"}",
      NEWS_INVALID, "\"created_at\" must be" },
    { C_OK(",\"edited_at\":\"later\""), NEWS_INVALID, "bad \"edited_at\"" },
    { C_OK(",\"edited_at\":\"2024-01-02T00:00:00Z\""), NEWS_OK, NULL },
};


#define A(extra)                                                              \
    "{\"title\":\"T\",\"body\":\"b\",\"section\":\"World\"" extra "}"


static const news_case_t  articles[] = {
    { A(",\"status\":\"gone\""), NEWS_INVALID, "status" },
    { A(",\"status\":\"scheduled\""), NEWS_OK, NULL },
    { A(",\"subtitle\":\"\xff\""), NEWS_INVALID, "UTF-8" },
    { A(",\"tags\":[\"\"]"), NEWS_INVALID, "each tag must be" },
    { A(",\"tags\":[\"a\\nb\"]"), NEWS_INVALID, "each tag must be" },
    { A(",\"tags\":[\"a\\u0007\"]"), NEWS_INVALID, "each tag must be" },
    { A(",\"tags\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]"), NEWS_INVALID,
      "each tag must be" },
    { A(",\"image\":{\"url\":\"https://i.example/a.jpg\",\"alt\":\"a\","
        "\"height\":\"5\"}"), ANY, "height" },
    { A(",\"image\":{\"url\":\"https://i.example/a.jpg\",\"alt\":\"a\","
        "\"width\":-1}"), ANY, "width" },
    { A(",\"image\":{\"url\":\"http://\",\"alt\":\"a\"}"), NEWS_INVALID,
      "image.url" },
    { A(",\"image\":{\"url\":\"ftp://i.example/a.jpg\",\"alt\":\"a\"}"),
      NEWS_INVALID, "image.url" },
    { A(",\"image\":null"), NEWS_OK, NULL },
    { A(",\"published_at\":5"), NEWS_MALFORMED, "must be a string" },
    { A(",\"published_at\":\"1970-01-01T00:00:00+01:00\""), NEWS_INVALID,
      "RFC 3339" },
    { A(",\"published_at\":null"), NEWS_OK, NULL },
    { "{\"title\":\"!!!\",\"body\":\"b\"}", NEWS_INVALID,
      "the title gives no slug" },
    { A(",\"slug\":\"Bad Slug\""), NEWS_INVALID, "\"slug\" must be" },
};


/* stored records (internal): their numbers in range, or refused */
#define R(extra)                                                              \
    "{\"title\":\"T\",\"body\":\"b\",\"slug\":\"t\"" extra "}"


static const news_case_t  records[] = {
    { R(""), NEWS_ERROR, "without an id" },
    { R(",\"id\":0"), NEWS_ERROR, "without an id" },
    { R(",\"id\":\"1\""), NEWS_ERROR, "without an id" },
    { R(",\"id\":1,\"created_at\":-1"), NEWS_ERROR, "out of range" },
    { R(",\"id\":1,\"version\":1e300"), NEWS_ERROR, "out of range" },
    { R(",\"id\":1,\"comment_count\":-3"), NEWS_ERROR, "out of range" },
    { R(",\"id\":1,\"created_at\":5,\"version\":3,\"comment_count\":2,"
        "\"modified_at\":9"), NEWS_OK, NULL },
    { R(",\"id\":1,\"modified_at\":-9"), NEWS_OK, NULL },
};


static void
test_comments(void)
{
    int             rc;
    size_t          i;
    cJSON          *obj;
    news_err_t      err;
    news_comment_t  c;

    for (i = 0; i < sizeof(comments) / sizeof(comments[0]); i++) {
        obj = cJSON_Parse(comments[i].json);
        memset(&err, 0, sizeof(err));

        rc = news_comment_from_json(&c, obj, &err);
        ok(rc == comments[i].code, "comment %s: %d", comments[i].json, rc);

        if (comments[i].says) {
            ok(strstr(err.msg, comments[i].says) != NULL, "  says %s: %s",
               comments[i].says, err.msg);

        } else {
            news_comment_free(&c);
        }

        cJSON_Delete(obj);
    }
}


static void
test_articles(const news_case_t *cases, size_t n, int internal)
{
    int             rc;
    size_t          i;
    cJSON          *obj;
    news_err_t      err;
    news_article_t  a;

    for (i = 0; i < n; i++) {
        obj = cJSON_Parse(cases[i].json);
        ok(obj != NULL, "parses: %s", cases[i].json);
        memset(&err, 0, sizeof(err));

        rc = news_article_from_json(&a, obj, 1700000000, internal, &err);

        if (cases[i].code != ANY) {
            ok(rc == cases[i].code, "article %s: %d", cases[i].json, rc);

        } else {
            ok(rc != NEWS_OK, "article %s: refused (%d)", cases[i].json, rc);
        }

        if (cases[i].says) {
            ok(strstr(err.msg, cases[i].says) != NULL, "  says %s: %s",
               cases[i].says, err.msg);
        }

        if (rc == NEWS_OK) {
            news_article_free(&a);
        }

        cJSON_Delete(obj);
    }
}


static void
test_record_numbers(void)
{
    cJSON           *obj;
    news_err_t       err;
    news_article_t   a;

    obj = cJSON_Parse(R(",\"id\":4,\"created_at\":5,\"version\":3,"
                        "\"comment_count\":2,\"modified_at\":9"));
    ok(news_article_from_json(&a, obj, 1700000000, 1, &err) == NEWS_OK,
       "a record with its numbers");
    ok(a.id == 4 && a.created_at == 5 && a.version == 3
       && a.comment_count == 2 && a.modified_at == 9, "each read");
    news_article_free(&a);
    cJSON_Delete(obj);

    obj = cJSON_Parse(R(",\"id\":4,\"modified_at\":-9,"
                        "\"updated_at\":\"2024-01-01T00:00:00Z\""));
    ok(news_article_from_json(&a, obj, 1700000000, 1, &err) == NEWS_OK,
       "a record without created_at, version, a count");
    ok(a.version == 1 && a.comment_count == 0
       && a.modified_at == a.updated_at && a.created_at == a.published_at,
       "defaults: version 1, no comments, changed when updated");
    news_article_free(&a);
    cJSON_Delete(obj);
}


static void
test_hosts(void)
{
    size_t  i;
    char    big[300];

    static const char  *good[] = {
        "img.example.com", "*.example.com", "IMG-1.example.com:8080", "a"
    };

    static const char  *bad[] = {
        ".example.com", "-x.example", ":80", "*..x", "x:8o",
        "x/y", "x y", "http://x", "x\"", "*.:1"
    };

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ok(news_image_host_check(good[i], strlen(good[i])) == NULL,
           "host %s taken", good[i]);
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ok(news_image_host_check(bad[i], strlen(bad[i])) != NULL,
           "host %s refused", bad[i]);
    }

    ok(news_image_host_check("", 0) != NULL, "an empty host refused");
    memset(big, 'a', sizeof(big));
    ok(news_image_host_check(big, 256) != NULL, "256 bytes refused");
    ok(news_image_host_check(big, 255) == NULL, "255 taken");
    ok(news_image_host_check("x:", 2) != NULL, "a colon and no port refused");
}


/*
 * news_json_parse_without: the top-level member's string emptied, every
 * other byte parsed as it was; nested members of that name, a string
 * that only reads like it, escapes before a closing quote, spaces around
 * the colon; a text without it (or where it is no string) parsed whole
 */
static void
test_parse_without(void)
{
    int     oom;
    size_t  i;
    cJSON  *got, *want;

    static const struct {
        const char  *text;
        const char  *want;
    } cases[] = {
        { "{\"a\":\"x\",\"body\":\"long \\\"quoted\\\" \\\\ text\","
          "\"c\":{\"body\":\"inner\"},\"d\":1}",
          "{\"a\":\"x\",\"body\":\"\",\"c\":{\"body\":\"inner\"},\"d\":1}" },
        { "{\"c\":{\"body\":\"in\"},\"t\":[\"body\",{\"body\":1}],"
          "\"body\":\"out\"}",
          "{\"c\":{\"body\":\"in\"},\"t\":[\"body\",{\"body\":1}],"
          "\"body\":\"\"}" },
        { "{\"t\":\"body\",\"body\":\"x\"}", "{\"t\":\"body\",\"body\":\"\"}" },
        { "{\"body\":\"ends \\\\\\\\\",\"z\":2}", "{\"body\":\"\",\"z\":2}" },
        { "{ \"body\" :\n \"x\" , \"y\" : 1 }", "{\"body\":\"\",\"y\":1}" },
        { "{\"bodys\":\"x\",\"y\":\"body\"}",
          "{\"bodys\":\"x\",\"y\":\"body\"}" },
        { "{\"body\":7}", "{\"body\":7}" },
        { "{\"body\":\"\\u00e9t\\u00e9\"}", "{\"body\":\"\"}" },
    };

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        got = news_json_parse_without(cases[i].text, strlen(cases[i].text),
                                      "body", &oom);
        want = cJSON_Parse(cases[i].want);
        ok(got != NULL && want != NULL && cJSON_Compare(got, want, 1),
           "parse without body: case %zu", i);
        cJSON_Delete(got);
        cJSON_Delete(want);
    }

    got = news_json_parse_without("{\"body\":\"abc", 12, "body", &oom);
    ok(got == NULL && !oom, "a text that ends in the string is not JSON");
    got = news_json_parse_without("{\"a\":1,\"body\":\"x\"}", 7, "body",
                                  &oom);
    ok(got == NULL && !oom, "only len bytes are read");
}


int
main(void)
{
    test_comments();
    test_articles(articles, sizeof(articles) / sizeof(articles[0]), 0);
    test_articles(records, sizeof(records) / sizeof(records[0]), 1);
    test_record_numbers();
    test_hosts();
    test_parse_without();

    return done_testing();
}
