/*
 * HTML pages: the site chrome of the location around fragments that were
 * rendered at write time.  A page read is a lookup or two and one copy.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


static ngx_int_t ngx_http_news_teasers(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, char kind);
static ngx_int_t ngx_http_news_comment_slot(ngx_http_request_t *r,
    MDB_txn *txn, uint64_t id, ngx_str_t *slug, ngx_uint_t closed,
    ngx_str_t *slot);
static ngx_int_t ngx_http_news_self_path(ngx_http_request_t *r,
    ngx_http_news_loc_conf_t *nlcf, ngx_str_t *path);
static ngx_int_t ngx_http_news_login_slot(ngx_http_request_t *r,
    ngx_str_t *slug, news_buf_t *b);


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
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (pg->nav.len == 0 && ngx_http_news_auth_nav(r, &pg->nav) != NGX_OK) {
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
    pieces[n++] = nlcf->chrome[NEWS_CHROME_MAIN];
    pieces[n++] = pg->main;
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
 * letter and the slug, NUL-terminated, in r->pool.
 */
char *
ngx_http_news_topic_key(ngx_http_request_t *r, char kind, ngx_str_t *slug)
{
    u_char  *p;

    p = ngx_pnalloc(r->pool, slug->len + 2);
    if (p == NULL) {
        return NULL;
    }

    p[0] = kind;
    ngx_memcpy(p + 1, slug->data, slug->len);
    p[slug->len + 1] = '\0';

    return (char *) p;
}


/*
 * Published and due, or a draft or scheduled article that an editor is
 * looking at (the page is private to them anyway: they are logged in).
 */
ngx_uint_t
ngx_http_news_visible(ngx_http_request_t *r, news_page_t *page)
{
    news_actor_t  actor;

    return news_article_visible(page, ngx_http_news_actor(r, &actor),
                                ngx_time());
}


/*
 * An article's stored fragment if the reader may see the article: NEWS_OK,
 * or NEWS_NOTFOUND (as for no article at all) for a draft or a scheduled
 * one.
 */
int
ngx_http_news_visible_fragment(ngx_http_request_t *r, MDB_txn *txn,
    uint64_t id, int kind, news_page_t *page)
{
    int  rc;

    rc = news_article_fragment(&ngx_http_news_module_store(r), txn, id, kind,
                               page);

    if (rc == 0 && !ngx_http_news_visible(r, page)) {
        rc = NEWS_NOTFOUND;
    }

    return rc;
}


/*
 * The validators of a list (the front, section and tag pages, the feeds,
 * the sitemap, the API's list), inside its read txn: the store's
 * snapshot changes with every write, and the publication time of the
 * newest article out by `now` changes when a scheduled one falls due,
 * which writes nothing.  That time is also the Last-Modified if it is the
 * later one, and public caches may keep the answer only until the next
 * scheduled article falls due.
 */
ngx_int_t
ngx_http_news_list_validators(ngx_http_request_t *r, MDB_txn *txn, char kind,
    int64_t now, news_err_t *err)
{
    news_list_stamp_t  ls;

    if (news_list_stamp(&ngx_http_news_module_store(r), txn, now, &ls, err)
        != NEWS_OK)
    {
        return err->code;
    }

    return ngx_http_news_stamp_validators(r, kind, &ls, err);
}


/* the same from a stamp read before (in a pool thread's txn) */
ngx_int_t
ngx_http_news_stamp_validators(ngx_http_request_t *r, char kind,
    const news_list_stamp_t *ls, news_err_t *err)
{
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    ctx->stale_at = (time_t) ls->sc.next;

    if (ngx_http_news_validators(r, kind, ls->snapshot, (uint64_t) ls->sc.due,
                                 ngx_max(ls->modified, ls->sc.due))
        != NGX_OK)
    {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/*
 * An article reached by a former slug: 301 to its current address, of
 * the page (api = 0) or of its JSON.  Only if the reader may see the
 * article now: the new address of a draft, a scheduled article (or, were
 * ids ever reused, an unrelated one) is not told; that is a 404 like any
 * unknown slug.  Ends the read txn.
 */
ngx_int_t
ngx_http_news_moved(ngx_http_request_t *r, MDB_txn *txn, uint64_t id,
    ngx_uint_t api)
{
    int              rc;
    ngx_str_t        location;
    news_err_t       err;
    news_page_t      page;
    news_article_t   a;

    rc = ngx_http_news_visible_fragment(r, txn, id, NEWS_FRAG_JSON, &page);

    if (rc != 0) {
        ngx_http_news_read_done(r);
        news_err_set(&err, rc, "reading a moved article");
        return ngx_http_news_store_error(r, &err, api);
    }

    if (news_article_load(&ngx_http_news_module_store(r), txn, id, &a, &err)
        != NEWS_OK)
    {
        ngx_http_news_read_done(r);
        return ngx_http_news_store_error(r, &err, api);
    }

    ngx_http_news_read_done(r);

    rc = ngx_http_news_site_path(r, &location,
                                 sizeof(NEWS_ROUTE_API_ARTICLE) - 1
                                 + NEWS_SLUG_MAX,
                                 "%s%s", api ? NEWS_ROUTE_API_ARTICLE
                                             : NEWS_ROUTE_ARTICLE,
                                 a.slug);
    if (rc == NGX_OK) {
        rc = ngx_http_news_location(r, &location, 1);
    }

    news_article_free(&a);

    if (rc != NGX_OK) {
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
    int         rc, moved;
    u_char      key[NEWS_OLD_ADDRESS_MAX + 1], *last;
    size_t      len;
    uint64_t    id;
    ngx_str_t   p;
    MDB_txn    *txn;
    news_err_t  err;

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

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    rc = news_article_find(&ngx_http_news_module_store(r), txn, (char *) key,
                           len, &id, &moved);

    if (rc == 0 && moved) {
        return ngx_http_news_moved(r, txn, id, 0);
    }

    ngx_http_news_read_done(r);

    return NGX_DECLINED;
}


/* GET /sections/{name} and /tags/{name} */
ngx_int_t
ngx_http_news_topic(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_teasers(r, rt, rt->path.data[0] == 's' ? 's' : 't');
}


/*
 * A page of teasers, newest first: the front page (kind 0), or a section
 * ('s') or tag ('t') page, whose name is rt->slug.
 */
static ngx_int_t
ngx_http_news_teasers(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    char kind)
{
    size_t                     main_len;
    ngx_int_t                  n;
    ngx_uint_t                 page;
    news_buf_t                *b, name;
    news_err_t                 err;
    news_list_t                list;
    MDB_txn                   *txn;
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

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_scratch(r);
    news_buf_init(&name);

    if (kind && news_topic_name(&ngx_http_news_module_store(r), txn,
                                list.topic, &name) != 0)
    {
        ngx_http_news_read_done(r);
        news_buf_free(&name);
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                        "Page not found",
                                        "No article has this section or "
                                        "tag.");
    }

    news_render_list_head(b, kind, name.data, name.len);

    list.skip = (page - 1) * NGX_HTTP_NEWS_PAGE_SIZE;
    list.limit = NGX_HTTP_NEWS_PAGE_SIZE;
    list.now = ngx_time();
    list.kind = NEWS_FRAG_TEASER;

    n = news_articles_list(&ngx_http_news_module_store(r), txn, &list, b,
                           &err);

    /*
     * a section or tag none of whose articles a reader may see (all
     * drafts, scheduled or gone) does not exist: its name is not shown
     */
    if (n == NEWS_OK && list.count == 0 && (kind || page > 1)) {
        ngx_http_news_read_done(r);
        news_buf_free(&name);
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                        "Page not found",
                                        kind ? "No article has this section "
                                               "or tag."
                                             : "There are no more articles.");
    }

    if (n == NEWS_OK) {
        n = ngx_http_news_list_validators(r, txn, kind ? kind : 'f',
                                          list.now, &err);
    }

    ngx_http_news_read_done(r);

    if (n != NEWS_OK) {
        news_buf_free(&name);
        return ngx_http_news_store_error(r, &err, 0);
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


ngx_int_t
ngx_http_news_article(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int                    rc, moved;
    ngx_int_t              n;
    uint64_t               id;
    ngx_buf_t             *b;
    ngx_uint_t             cpage;
    news_buf_t            *head;
    ngx_http_news_ctx_t   *ctx;
    news_str_t             marks[NEWS_MARKS];
    MDB_txn               *txn;
    news_err_t             err;
    news_page_t            page, comments;
    ngx_str_t              thread, pieces[NGX_HTTP_NEWS_PIECES];
    ngx_http_news_page_t   pg;

    ngx_memzero(&pg, sizeof(pg));

    /* a thread's own page (comments.c) */
    if (ngx_http_arg(r, (u_char *) "thread", 6, &thread) == NGX_OK) {
        return ngx_http_news_thread(r, rt);
    }

    if (ngx_http_news_number_arg(r, "comments", &cpage) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The comment page must be a whole "
                                        "number from 1.");
    }

    if (ngx_http_news_read(r, &txn, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    rc = news_article_find(&ngx_http_news_module_store(r), txn,
                           (char *) rt->slug.data, rt->slug.len, &id, &moved);

    if (rc == 0 && moved) {
        return ngx_http_news_moved(r, txn, id, 0);
    }

    if (rc == 0) {
        rc = news_article_fragment(&ngx_http_news_module_store(r), txn, id,
                                   NEWS_FRAG_PAGE, &page);
    }

    if (rc == 0 && (page.nparts != NEWS_ARTICLE_PARTS
                    || !ngx_http_news_visible(r, &page)))
    {
        rc = page.nparts != NEWS_ARTICLE_PARTS ? NEWS_ERROR
                                               : NEWS_NOTFOUND;
    }

    if (rc == 0) {
        comments.part[0] = page.part[NEWS_PART_COMMENTS];
    }

    if (rc == 0 && cpage > 1) {
        rc = news_article_comment_page(&ngx_http_news_module_store(r), txn,
                                       id, cpage, &comments);
    }

    if (rc != 0) {
        ngx_http_news_read_done(r);
        news_err_set(&err, rc, "reading an article page");
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (ngx_http_news_comment_slot(r, txn, id, &rt->slug,
                                   page.status & NEWS_COMMENTS_CLOSED,
                                   &pg.slot)
        != NGX_OK)
    {
        ngx_http_news_read_done(r);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_validators(r, 'a', id, page.version, page.modified_at)
        != NGX_OK)
    {
        ngx_http_news_read_done(r);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    pg.title.data = (u_char *) page.part[NEWS_PART_TITLE].data;
    pg.title.len = page.part[NEWS_PART_TITLE].len;
    /* the slot is in r->pool now: the scratch buffer is free for the head */
    if (ngx_http_news_marks(r, marks) != NGX_OK) {
        ngx_http_news_read_done(r);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    head = ngx_http_news_scratch(r);
    news_render_expand(head, page.part[NEWS_PART_HEAD].data,
                       page.part[NEWS_PART_HEAD].len, marks);

    pg.head.data = (u_char *) head->data;
    pg.head.len = head->len;
    pg.main.data = (u_char *) page.part[NEWS_PART_ARTICLE].data;
    pg.main.len = page.part[NEWS_PART_ARTICLE].len;
    pg.comments.data = (u_char *) comments.part[0].data;
    pg.comments.len = comments.part[0].len;
    pg.tail.data = (u_char *) page.part[NEWS_PART_TAIL].data;
    pg.tail.len = page.part[NEWS_PART_TAIL].len;
    pg.path = rt->path;

    n = ngx_http_news_page_pieces(r, &pg, pieces);
    b = (n == NGX_ERROR) ? NULL : ngx_http_news_assemble(r, pieces, n);

    /* the copy is made: the map may move on */
    ngx_http_news_read_done(r);

    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a refused comment comes back as the page with the form's error */
    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    return ngx_http_news_output(r, (ctx && ctx->form_status)
                                   ? ctx->form_status : NGX_HTTP_OK,
                                &ngx_http_news_html_type, b);
}


/*
 * The per-reader slot under an article's comments: the comment form for
 * a logged-in reader, the login link for everyone else, or the notice
 * that comments are closed.  Runs inside the page's read txn; the slot
 * is copied into r->pool, leaving the scratch buffer free.
 */
static ngx_int_t
ngx_http_news_comment_slot(ngx_http_request_t *r, MDB_txn *txn,
    uint64_t id, ngx_str_t *slug, ngx_uint_t closed, ngx_str_t *slot)
{
    news_buf_t  *b;

    if (ngx_http_news_user(r) != NULL) {
        return ngx_http_news_comment_form(r, txn, id, slug, closed, slot);
    }

    b = ngx_http_news_scratch(r);

    if (closed) {
        news_render_comments_closed(b);

    } else if (ngx_http_news_login_slot(r, slug, b) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_news_buf_copy(r, b, slot);
}


/* "Log in to comment", coming back to this article after the login */
static ngx_int_t
ngx_http_news_login_slot(ngx_http_request_t *r, ngx_str_t *slug,
    news_buf_t *b)
{
    u_char                    *p;
    ngx_str_t                  prefix;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    /* the location's prefix, escaped for the query string */
    p = ngx_pnalloc(r->pool, nlcf->prefix.len * 3);
    if (p == NULL) {
        return NGX_ERROR;
    }

    prefix.data = p;
    prefix.len = (u_char *) ngx_escape_uri(p, nlcf->prefix.data,
                                           nlcf->prefix.len, NGX_ESCAPE_ARGS)
                 - p;

    news_render_comment_login(b, (char *) prefix.data, prefix.len,
                              (char *) slug->data, slug->len);

    return NGX_OK;
}


