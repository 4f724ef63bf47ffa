/*
 * The search page's main part and the search API's JSON: search.c finds
 * the hits; here each hit is shown from its teaser (search_teaser.c),
 * with a snippet.  Every byte of the query and of the articles is
 * escaped for where it goes (a teaser's head when it was written).
 */

#include <stdio.h>
#include <string.h>

#include "articles.h"
#include "render_internal.h"
#include "render_search.h"
#include "routes.h"
#include "text.h"


static void news_search_form(news_buf_t *b, const char *q, size_t n);
static void news_search_snippet_of(news_buf_t *b,
    const news_search_page_t *sp, size_t i, const news_steaser_t *t);
static void news_search_pager(news_buf_t *b, const char *q, size_t n,
    unsigned page, int more);
static void news_url_encode(news_buf_t *b, const char *s, size_t n);


int
news_search_answer(news_store_t *st, news_search_page_t *sp,
    news_search_t *s, int json, news_buf_t *b, news_list_stamp_t *ls,
    news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    sp->s = s;

    if (news_store_begin(st, MDB_RDONLY, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = sp->query ? news_search_run(st, txn, sp->query, s, err) : NEWS_OK;

    if (rc == NEWS_OK) {
        rc = json ? news_render_search_json(st, txn, sp, b, err)
                  : news_render_search_page(st, txn, sp, b, err);
    }

    if (rc == NEWS_OK) {
        rc = news_list_stamp(st, txn, s->now, ls, err);
    }

    news_store_abort(st, txn);

    if (rc == NEWS_OK && b->failed) {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return rc;
}


int
news_render_search_page(news_store_t *st, MDB_txn *txn,
    const news_search_page_t *sp, news_buf_t *b, news_err_t *err)
{
    size_t          i;
    news_steaser_t  t;

    news_buf_addl(b, "<h1>Search</h1>\n");
    news_search_form(b, sp->q, sp->qlen);

    if (sp->query == NULL) {
        news_buf_addl(b, "<p>Every word must be found; \"a phrase\" must "
                      "be found as written; -word leaves out articles "
                      "with the word; section:name and tag:name keep to "
                      "a section or a tag. Case and accents do not "
                      "matter, nor word endings.</p>\n");
        return NEWS_OK;
    }

    if (sp->s->count == 0) {
        news_buf_addl(b, "<p>No results for <q>");
        news_html_escape(b, sp->q, sp->qlen);
        news_buf_addl(b, "</q>.</p>\n");
        news_search_pager(b, sp->q, sp->qlen, sp->page, 0);
        return NEWS_OK;
    }

    news_buf_addl(b, "<ol class=\"teasers\">\n");

    for (i = 0; i < sp->s->count; i++) {
        if (news_steaser_get(st, txn, sp->s->hits[i].id, &t, err)
            != NEWS_OK)
        {
            return err->code;
        }

        news_buf_add(b, t.head, t.head_len);
        news_search_snippet_of(b, sp, i, &t);
        news_buf_addl(b, "</p>\n</article></li>\n");
    }

    news_buf_addl(b, "</ol>\n");
    news_search_pager(b, sp->q, sp->qlen, sp->page, sp->s->more);

    return NEWS_OK;
}


int
news_render_search_json(news_store_t *st, MDB_txn *txn,
    const news_search_page_t *sp, news_buf_t *b, news_err_t *err)
{
    size_t          i;
    news_buf_t      snip;
    news_steaser_t  t;
    unsigned char   next[4];

    news_buf_init(&snip);
    news_buf_addl(b, "{\"query\":");
    news_json_string(b, sp->q, sp->qlen);
    news_buf_addl(b, ",\"results\":[");

    for (i = 0; i < sp->s->count; i++) {
        if (news_steaser_get(st, txn, sp->s->hits[i].id, &t, err)
            != NEWS_OK)
        {
            return err->code;
        }

        news_buf_adds(b, i ? ",{\"slug\":" : "{\"slug\":");
        news_json_string(b, t.slug, t.slug_len);
        news_buf_addl(b, ",\"title\":");
        news_json_string(b, t.title, t.title_len);
        news_buf_addl(b, ",\"section\":");
        news_json_string(b, t.section, t.section_len);
        news_buf_addl(b, ",\"published_at\":\"");
        news_time_rfc3339(b, t.published_at);
        news_buf_addf(b, "\",\"score\":%.4f,\"url\":\"" NEWS_ROUTE_ARTICLE,
                      sp->s->hits[i].score);
        news_buf_add(b, t.slug, t.slug_len);
        news_buf_addl(b, "\",\"snippet_html\":");

        /* the snippet as HTML (escaped, <mark> around the words), in JSON */
        news_buf_reset(&snip);
        news_search_snippet_of(&snip, sp, i, &t);
        news_json_string(b, snip.data ? snip.data : "", snip.len);
        b->failed |= snip.failed;

        news_buf_addc(b, '}');
    }

    news_buf_free(&snip);

    news_be32_put(next, (uint32_t) (sp->s->offset + sp->s->count));
    news_render_list_end(b, next, sizeof(next), sp->s->more);

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


/* the search box of the page itself, holding the query */
static void
news_search_form(news_buf_t *b, const char *q, size_t n)
{
    news_buf_addl(b, "<form class=\"search\" action=\"" NEWS_ROUTE_SEARCH
                  "\" method=\"get\" "
                  "role=\"search\"><label for=\"search-q\">Search "
                  "articles</label> <input type=\"search\" id=\"search-q\" "
                  "name=\"q\" maxlength=\"256\" value=\"");
    news_html_escape(b, q, n);
    news_buf_addl(b, "\"> <button type=\"submit\">Search</button></form>\n");
}


/*
 * Hit i's snippet: its words marked where the index has them, else (past
 * the hits that keep them) looked for in its text.
 */
static void
news_search_snippet_of(news_buf_t *b, const news_search_page_t *sp,
    size_t i, const news_steaser_t *t)
{
    if (i >= sp->s->nwords) {
        news_search_snippet_at(b, sp->query, t->body, t->body_len,
                               NEWS_SNIPPET_LOOK);
        return;
    }

    news_search_snippet_hit(b, sp->query, t, &sp->s->words[i]);
}


void
news_search_teaser_head(news_buf_t *b, const news_article_t *a)
{
    news_buf_addl(b, "<li><article>\n<h2><a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a></h2>\n<p class=\"meta\">");

    if (a->section[0]) {
        news_html_escape(b, a->section, strlen(a->section));
        news_buf_addl(b, " · ");
    }

    news_render_time(b, a->published_at);
    news_buf_addl(b, "</p>\n<p class=\"snippet\">");
}


static void
news_search_pager(news_buf_t *b, const char *q, size_t n, unsigned page,
    int more)
{
    if (page <= 1 && !more) {
        return;
    }

    news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Pages\">");

    if (page > 1) {
        news_buf_addl(b, "<a rel=\"prev\" href=\"" NEWS_ROUTE_SEARCH "?q=");
        news_url_encode(b, q, n);
        news_buf_addf(b, "&amp;page=%u\">Better matches</a> ", page - 1);
    }

    if (more) {
        news_buf_addl(b, "<a rel=\"next\" href=\"" NEWS_ROUTE_SEARCH "?q=");
        news_url_encode(b, q, n);
        news_buf_addf(b, "&amp;page=%u\">More results</a>", page + 1);
    }

    news_buf_addl(b, "</nav>\n");
}


/* a query argument's value: every byte but letters, digits, -._~ as %XX */
static void
news_url_encode(news_buf_t *b, const char *s, size_t n)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~')
        {
            news_buf_addc(b, (char) c);

        } else {
            news_buf_addf(b, "%%%02X", c);
        }
    }
}
