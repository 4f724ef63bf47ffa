/*
 * The search page's main part and the search API's answer (search.h
 * finds the hits).
 */

#ifndef NEWS_RENDER_SEARCH_H
#define NEWS_RENDER_SEARCH_H

#include "articles.h"
#include "buf.h"
#include "search.h"
#include "store.h"


/* the search pages' <head> addition: results are not for search engines */
#define NEWS_SEARCH_HEAD  "<meta name=\"robots\" content=\"noindex\">\n"


typedef struct {
    const char          *q;         /* the query as typed (UTF-8) */
    size_t               qlen;
    const news_query_t  *query;     /* NULL: an empty box */
    const news_search_t *s;         /* the hits of the page */
    unsigned             page;      /* the HTML page's number, from 1 */
} news_search_page_t;


/*
 * <h1>, the search form holding the query, then the results as teasers
 * (title link, section, date, snippet), "No results for ..." or, for an
 * empty box, how to search; links to the pages before and after.
 */
int news_render_search_page(news_store_t *st, MDB_txn *txn,
    const news_search_page_t *sp, news_buf_t *b, news_err_t *err);

/*
 * {"query":..., "results":[{"slug","title","section","published_at",
 * "score","url","snippet_html"}...], "next": cursor-or-null}
 */
int news_render_search_json(news_store_t *st, MDB_txn *txn,
    const news_search_page_t *sp, news_buf_t *b, news_err_t *err);

/*
 * A search page's teaser of article a up to its snippet: <li><article>,
 * the title's link, section and date, <p class="snippet">; written into
 * the article's search teaser (search.h) when it is indexed, and the
 * snippet, "</p>\n</article></li>\n" follow it on the page.
 */
void news_search_teaser_head(news_buf_t *b, const news_article_t *a);

/*
 * A whole answer in a read txn of its own, for a pool thread (MDB_NOTLS:
 * a txn may live in any thread, one at a time): runs sp->query (none: an
 * empty box) into s, renders the page (json = 0) or the JSON into b and
 * reads the list's validators into ls, all from one snapshot.
 */
int news_search_answer(news_store_t *st, news_search_page_t *sp,
    news_search_t *s, int json, news_buf_t *b, news_list_stamp_t *ls,
    news_err_t *err);

#endif /* NEWS_RENDER_SEARCH_H */
