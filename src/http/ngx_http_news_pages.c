/*
 * HTML pages: the site chrome of the location around fragments that were
 * rendered at write time.  A page read is a lookup or two and one copy.
 * Here: a page put together and sent, the lists of teasers (front,
 * sections, tags), an article's old addresses; the article page itself
 * is ngx_http_news_article_page.c.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


static ngx_int_t ngx_http_news_teasers(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, char kind);
static ngx_int_t ngx_http_news_self_path(ngx_http_request_t *r,
    ngx_http_news_loc_conf_t *nlcf, ngx_str_t *path);


/*
 * This page's own address below the <base href>, for the skip link's
 * "./path#main": the request line's URI and query as sent, so that the link
 * stays on this very page (an error page, ?page=2) and only scrolls.  The
 * "./" keeps it a path: a request for /javascript:alert(1)// must not
 * give a link whose scheme is javascript:.
 */
static ngx_int_t
ngx_http_news_self_path(ngx_http_request_t *r, ngx_http_news_loc_conf_t *nlcf,
    ngx_str_t *path)
{
    u_char     *p;
    size_t      len;
    ngx_str_t  *u;

    u = &r->unparsed_uri;

    if (u->len < nlcf->prefix.len
        || ngx_strncmp(u->data, nlcf->prefix.data, nlcf->prefix.len) != 0)
    {
        ngx_str_set(path, "./");
        return NGX_OK;
    }

    len = u->len - nlcf->prefix.len;

    p = ngx_pnalloc(r->pool,
                    sizeof("./") - 1 + len
                    + ngx_escape_html(NULL, u->data + nlcf->prefix.len, len));
    if (p == NULL) {
        return NGX_ERROR;
    }

    path->data = p;
    p = ngx_cpymem(p, "./", sizeof("./") - 1);
    path->len = (u_char *) ngx_escape_html(p, u->data + nlcf->prefix.len, len)
                - path->data;

    return NGX_OK;
}


/*
 * The reader was looked up by the router, before any read txn of the
 * page began, so the nav costs no store access here.
 */
ngx_int_t
ngx_http_news_page_pieces(ngx_http_request_t *r, ngx_http_news_page_t *pg,
    ngx_str_t *pieces)
{
    ngx_uint_t                 n;
    ngx_http_news_ctx_t       *ctx;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    ctx = ngx_http_news_get_ctx(r);

    if (ctx == NULL
        || (pg->nav.len == 0 && ngx_http_news_auth_nav(r, &pg->nav) != NGX_OK))
    {
        return NGX_ERROR;
    }

    if (pg->nav.len == 0) {
        pg->nav = nlcf->chrome[NEWS_CHROME_NAV_ANON];
    }

    if (ngx_http_news_self_path(r, nlcf, &pg->path) != NGX_OK) {
        return NGX_ERROR;
    }

    n = 0;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_OPEN];
    pieces[n++] = pg->title;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_TITLE_END];
    pieces[n++] = pg->head;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_BODY];
    pieces[n++] = pg->path;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_HEADER];
    pieces[n++] = pg->nav;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_SEARCH];
    pieces[n++] = pg->box;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_MAIN];
    pieces[n++] = nlcf->nav_html;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_HEADER_END];
    pieces[n++] = pg->main;
    pieces[n++] = pg->count;
    pieces[n++] = pg->main_end;
    pieces[n++] = pg->above;
    pieces[n++] = pg->comments;
    pieces[n++] = pg->slot;
    pieces[n++] = pg->tail;
    pieces[n++] = nlcf->chrome[NEWS_CHROME_CLOSE];

    return n;
}


ngx_int_t
ngx_http_news_send_page(ngx_http_request_t *r, ngx_uint_t status,
    ngx_http_news_page_t *pg)
{
    ngx_int_t  n;
    ngx_str_t  pieces[NGX_HTTP_NEWS_PIECES];

    n = ngx_http_news_page_pieces(r, pg, pieces);
    if (n == NGX_ERROR) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send(r, status, &ngx_http_news_html_type, pieces, n);
}


ngx_int_t
ngx_http_news_front(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_teasers(r, rt, 0);
}


/*
 * The topics key prefix of a section or tag slug from the URL: the kind
 * letter and the slug, NUL-terminated, in r->pool.  The request's list
 * is of that topic: its surrogate key (ctx->topic) says so.
 */
char *
ngx_http_news_topic_key(ngx_http_request_t *r, char kind, ngx_str_t *slug)
{
    u_char               *p;
    ngx_http_news_ctx_t  *ctx;

    p = ngx_pnalloc(r->pool, slug->len + 2);
    ctx = ngx_http_news_get_ctx(r);

    if (p == NULL || ctx == NULL) {
        return NULL;
    }

    ctx->topic = (char *) p;

    p[0] = kind;
    ngx_memcpy(p + 1, slug->data, slug->len);
    p[slug->len + 1] = '\0';

    return (char *) p;
}


/* the article's JSON is two parts with its comment count between them */
ngx_uint_t
ngx_http_news_fragment_pieces(const news_page_t *page, ngx_str_t *pieces)
{
    ngx_uint_t  i;

    for (i = 0; i < page->nparts; i++) {
        pieces[i].data = (u_char *) page->part[i].data;
        pieces[i].len = page->part[i].len;
    }

    return page->nparts;
}


/*
 * An article reached by a former address: 301 to where it is now, of
 * the page (api = 0) or of its JSON.  The engine told the new slug only
 * if the reader may see the article (news_read_article).
 */
ngx_int_t
ngx_http_news_moved(ngx_http_request_t *r, const char *slug, ngx_uint_t api)
{
    ngx_str_t  location;

    if (ngx_http_news_site_path(r, &location,
                                sizeof(NEWS_ROUTE_API_ARTICLE) - 1
                                + NEWS_SLUG_MAX,
                                "%s%s", api ? NEWS_ROUTE_API_ARTICLE
                                            : NEWS_ROUTE_ARTICLE,
                                slug)
        != NGX_OK
        || ngx_http_news_location(r, &location, 1) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return api ? ngx_http_news_json_error(r, NGX_HTTP_MOVED_PERMANENTLY,
                                          "moved", "the article moved")
               : ngx_http_news_html_error(r, NGX_HTTP_MOVED_PERMANENTLY,
                                          "Moved", "This article has a new "
                                          "address.");
}


/*
 * An imported article's address on the site it came from (newsctl
 * import-wxr keeps them): its old path, or "/?p=N", answers 301 to the
 * article like a former slug; one lookup.  NGX_DECLINED when the address
 * is no old one.
 */
ngx_int_t
ngx_http_news_old_address(ngx_http_request_t *r)
{
    int                   rc;
    u_char                key[NEWS_OLD_ADDRESS_MAX + 1], *last;
    size_t                len;
    ngx_str_t             p;
    news_err_t            err;
    news_reader_t         rd;
    news_article_view_t   v;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_DECLINED;
    }

    len = r->uri.len;
    while (len > 1 && r->uri.data[len - 1] == '/') {
        len--;
    }

    if (len == 1 && ngx_http_arg(r, (u_char *) "p", 1, &p) == NGX_OK) {
        if (p.len == 0 || p.len > 19) {
            return NGX_DECLINED;
        }

        last = ngx_snprintf(key, sizeof(key) - 1, "?p=%V", &p);
        len = last - key;

    } else if (len > 1 && len <= NEWS_OLD_ADDRESS_MAX) {
        ngx_memcpy(key, r->uri.data, len);

    } else {
        return NGX_DECLINED;
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    rc = news_read_article(&rd, (char *) key, len, NEWS_FRAG_JSON, 1, &v,
                           &err);
    news_reader_end(&rd);

    if (!v.moved) {
        return NGX_DECLINED;
    }

    /* an old address of an article the reader may not see is a 404 */
    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    return ngx_http_news_moved(r, v.slug, 0);
}


/* GET /sections/{name} */
ngx_int_t
ngx_http_news_section(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_teasers(r, rt, 's');
}


/* GET /tags/{name} */
ngx_int_t
ngx_http_news_tag(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_teasers(r, rt, 't');
}


/*
 * A page of teasers, newest first: the front page (kind 0), or a section
 * ('s') or tag ('t') page, whose name is rt->slug.
 */
static ngx_int_t
ngx_http_news_teasers(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    char kind)
{
    int                        rc;
    size_t                     main_len;
    ngx_uint_t                 page;
    news_buf_t                *b, name;
    news_err_t                 err;
    news_list_t                list;
    news_reader_t              rd;
    ngx_http_news_page_t       pg;
    ngx_http_news_loc_conf_t  *lcf;

    if (ngx_http_news_number_arg(r, "page", &page) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The page number must be a whole "
                                        "number from 1.");
    }

    /* a deeper page would walk over every article before it */
    if (page > NGX_HTTP_NEWS_LIST_PAGES) {
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                        "Page not found",
                                        "Lists go back 50 pages; the "
                                        "sitemap and the API reach every "
                                        "article.");
    }

    ngx_memzero(&list, sizeof(list));
    ngx_memzero(&pg, sizeof(pg));

    if (kind) {
        list.topic = ngx_http_news_topic_key(r, kind, &rt->slug);
        if (list.topic == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);
    news_buf_init(&name);

    rc = NEWS_OK;

    if (kind && news_read_topic(&rd, list.topic, &name) != NEWS_OK) {
        rc = NEWS_NOTFOUND;
    }

    if (rc == NEWS_OK) {
        news_render_list_head(b, kind, name.data, name.len);

        list.skip = (page - 1) * NGX_HTTP_NEWS_PAGE_SIZE;
        list.limit = NGX_HTTP_NEWS_PAGE_SIZE;
        list.kind = NEWS_FRAG_TEASER;

        rc = news_read_list(&rd, &list, b, &err);
    }

    /*
     * a section or tag none of whose articles a reader may see (all
     * drafts, scheduled or gone) does not exist: its name is not shown
     */
    if (rc == NEWS_OK && list.count == 0 && (kind || page > 1)) {
        rc = NEWS_NOTFOUND;
    }

    if (rc == NEWS_OK) {
        rc = ngx_http_news_list_stamp(r, &rd, kind ? kind : 'f', &err);
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        news_buf_free(&name);
        return rc == NEWS_NOTFOUND
               ? ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                          "Page not found",
                                          kind ? "No article has this "
                                                 "section or tag."
                                               : "There are no more "
                                                 "articles.")
               : ngx_http_news_store_error(r, &err, 0);
    }

    /* pager links are relative to <base>: this page's own path */
    news_render_list_tail(b, list.count, page,
                          list.more && page < NGX_HTTP_NEWS_LIST_PAGES,
                          (char *) rt->path.data, rt->path.len);

    if (b->failed) {
        news_buf_free(&name);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the <title>: the topic's name, escaped, in r->pool */
    if (kind) {
        pg.title.len = name.len + ngx_escape_html(NULL, (u_char *) name.data,
                                                  name.len);
        pg.title.data = ngx_pnalloc(r->pool, pg.title.len + 1);

        if (pg.title.data == NULL || name.failed) {
            news_buf_free(&name);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_escape_html(pg.title.data, (u_char *) name.data, name.len);

    } else {
        ngx_str_set(&pg.title, "Latest news");
    }

    news_buf_free(&name);

    /* what a search result shows under the title, after the <main> */
    main_len = b->len;
    lcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    news_render_list_description(b, kind, (char *) pg.title.data,
                                 pg.title.len, (char *) lcf->site_html.data,
                                 lcf->site_html.len);

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg.head.data = (u_char *) b->data + main_len;
    pg.head.len = b->len - main_len;
    pg.main.data = (u_char *) b->data;
    pg.main.len = main_len;
    pg.path = rt->path;

    return ngx_http_news_send_page(r, NGX_HTTP_OK, &pg);
}


/* ?sort=oldest (the default) or newest: *newest; anything else is NGX_ERROR */
ngx_int_t
ngx_http_news_sort_arg(ngx_http_request_t *r, ngx_uint_t *newest)
{
    ngx_str_t  value;

    *newest = 0;

    if (ngx_http_arg(r, (u_char *) "sort", 4, &value) != NGX_OK) {
        return NGX_OK;
    }

    if (value.len == 6 && ngx_strncmp(value.data, "oldest", 6) == 0) {
        return NGX_OK;
    }

    if (value.len == 6 && ngx_strncmp(value.data, "newest", 6) == 0) {
        *newest = 1;
        return NGX_OK;
    }

    return NGX_ERROR;
}


ngx_int_t
ngx_http_news_number_arg(ngx_http_request_t *r, const char *name,
    ngx_uint_t *page)
{
    ngx_int_t  n;
    ngx_str_t  value;

    *page = 1;

    if (ngx_http_arg(r, (u_char *) name, ngx_strlen(name), &value)
        != NGX_OK)
    {
        return NGX_OK;
    }

    n = ngx_atoi(value.data, value.len);

    if (n < 1 || n > NGX_HTTP_NEWS_PAGE_MAX) {
        return NGX_ERROR;
    }

    *page = n;

    return NGX_OK;
}