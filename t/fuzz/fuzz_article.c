/*
 * Article JSON as it arrives from newsctl import and, later, the API:
 * cJSON_ParseWithLength() + news_article_from_json(), then every
 * fragment kind rendered with news_render_fragment() (without comments:
 * see fuzz_comment.c for comment text) and read back with
 * news_page_parse().
 *
 * The first byte is a flag byte: bit 0 asks for the internal form (the
 * stored record, which carries id, version, ...).  Invariants:
 * - a rendered fragment parses back, its parts fill it exactly, and its
 *   header holds the article's times, version and status;
 * - the JSON fragments are valid JSON with the article's slug and title;
 * - the export form (news_article_to_json) of a valid article is accepted
 *   again and gives the same article (export, then import, loses nothing).
 */

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "article.h"
#include "render.h"
#include "text.h"


static const int  kinds[] = {
    NEWS_FRAG_PAGE, NEWS_FRAG_JSON, NEWS_FRAG_SUMMARY, NEWS_FRAG_TEASER,
    NEWS_FRAG_COMMENTS, NEWS_FRAG_FEATURED
};


static void
check_same(const news_article_t *a, const news_article_t *b)
{
    unsigned  i;

    FUZZ_CHECK(strcmp(a->slug, b->slug) == 0);
    FUZZ_CHECK(strcmp(a->title, b->title) == 0);
    FUZZ_CHECK(strcmp(a->subtitle, b->subtitle) == 0);
    FUZZ_CHECK(strcmp(a->author, b->author) == 0);
    FUZZ_CHECK(strcmp(a->section, b->section) == 0);
    FUZZ_CHECK(strcmp(a->body, b->body) == 0);
    FUZZ_CHECK(a->ntags == b->ntags);

    for (i = 0; i < a->ntags; i++) {
        FUZZ_CHECK(strcmp(a->tags[i], b->tags[i]) == 0);
    }

    FUZZ_CHECK(a->published_at == b->published_at);
    FUZZ_CHECK(a->status == b->status);
}


static void
check_fragment(const news_article_t *a, int kind)
{
    size_t        total;
    unsigned      i;
    cJSON        *v;
    news_buf_t    b, json;
    news_page_t   pg;

    news_buf_init(&b);
    news_buf_init(&json);

    FUZZ_CHECK(news_render_fragment(&b, a, kind, NULL, 1) == 0);
    FUZZ_CHECK(!b.failed);

    FUZZ_CHECK(news_page_parse(b.data, b.len, &pg) == 0);
    FUZZ_CHECK(pg.published_at == a->published_at);
    FUZZ_CHECK(pg.modified_at == a->modified_at);
    FUZZ_CHECK(pg.version == a->version);
    FUZZ_CHECK(pg.status == (uint32_t) a->status);
    /* the article's JSON is two parts, its comment count between them;
     * a comment page its HTML and its threads' bounds; what goes above
     * the thread a part for each order */
    FUZZ_CHECK(pg.nparts == (kind == NEWS_FRAG_PAGE ? NEWS_PAGE_PARTS
                             : kind == NEWS_FRAG_COMMENTS ? 3
                             : kind == NEWS_FRAG_JSON
                               || kind == NEWS_FRAG_FEATURED ? 2 : 1));

    total = NEWS_PAGE_HEADER;
    for (i = 0; i < pg.nparts; i++) {
        total += 4 + pg.part[i].len;
    }

    FUZZ_CHECK(total == b.len);

    if (kind == NEWS_FRAG_JSON || kind == NEWS_FRAG_SUMMARY) {
        for (i = 0; i < pg.nparts; i++) {
            FUZZ_CHECK(memchr(pg.part[i].data, '<', pg.part[i].len) == NULL);

            if (i) {
                news_buf_addl(&json, "0");
            }

            news_buf_add(&json, pg.part[i].data, pg.part[i].len);
        }

        FUZZ_CHECK(!json.failed);

        v = cJSON_ParseWithLength(json.data, json.len);
        FUZZ_CHECK(v != NULL);
        FUZZ_CHECK(cJSON_GetStringValue(
                       cJSON_GetObjectItemCaseSensitive(v, "slug")) != NULL);
        FUZZ_CHECK(strcmp(cJSON_GetStringValue(
                       cJSON_GetObjectItemCaseSensitive(v, "slug")),
                          a->slug) == 0);
        FUZZ_CHECK(strcmp(cJSON_GetStringValue(
                       cJSON_GetObjectItemCaseSensitive(v, "title")),
                          a->title) == 0);
        cJSON_Delete(v);
    }

    if (kind == NEWS_FRAG_PAGE) {
        /* the title part is escaped text: no markup at all */
        FUZZ_CHECK(memchr(pg.part[NEWS_PART_TITLE].data, '<',
                          pg.part[NEWS_PART_TITLE].len) == NULL);
        FUZZ_CHECK(!fuzz_memmem_ci(pg.part[NEWS_PART_ARTICLE].data,
                                   pg.part[NEWS_PART_ARTICLE].len, "<script"));
        FUZZ_CHECK(!fuzz_memmem_ci(pg.part[NEWS_PART_STORY_END].data,
                                   pg.part[NEWS_PART_STORY_END].len,
                                   "<script"));
    }

    news_buf_free(&json);
    news_buf_free(&b);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              internal;
    char            *s, *out;
    size_t           i;
    cJSON           *obj, *exp;
    news_err_t       err;
    news_article_t   a, a2;

    if (size < 1) {
        return 0;
    }

    internal = data[0] & 1;
    s = fuzz_exact(data + 1, size - 1);

    obj = cJSON_ParseWithLength(s, size - 1);
    if (obj == NULL) {
        free(s);
        return 0;
    }

    memset(&err, 0, sizeof(err));

    if (news_article_from_json(&a, obj, 1700000000, internal, &err)
        != NEWS_OK)
    {
        FUZZ_CHECK(err.code != NEWS_OK && err.msg[0] != '\0');
        FUZZ_CHECK(a.title == NULL && a.body == NULL && a.ntags == 0);
        cJSON_Delete(obj);
        free(s);
        return 0;
    }

    FUZZ_CHECK(a.title && a.title[0] && a.body && a.body[0]);
    FUZZ_CHECK(a.subtitle && a.author && a.section);
    FUZZ_CHECK(news_slug_valid(a.slug, strlen(a.slug)));

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        check_fragment(&a, kinds[i]);
    }

    /* export, then import again */
    exp = news_article_to_json(&a, 0);
    FUZZ_CHECK(exp != NULL);
    out = cJSON_PrintUnformatted(exp);
    FUZZ_CHECK(out != NULL);
    cJSON_Delete(exp);

    exp = cJSON_Parse(out);
    FUZZ_CHECK(exp != NULL);

    FUZZ_CHECK(news_article_from_json(&a2, exp, 1, 0, &err) == NEWS_OK);
    check_same(&a, &a2);

    news_article_free(&a2);
    cJSON_Delete(exp);
    free(out);

    news_article_free(&a);
    cJSON_Delete(obj);
    free(s);

    return 0;
}
