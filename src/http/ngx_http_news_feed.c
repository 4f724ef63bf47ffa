/*
 * What machines read: the Atom feed, the sitemap, robots.txt.  Entries
 * were rendered at write time with a marker where the site's absolute
 * URL goes; here the markers are filled in and the entries joined.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


#define NGX_HTTP_NEWS_FEED_ENTRIES  20
#define NGX_HTTP_NEWS_COMMENT_ENTRIES  50
#define NGX_HTTP_NEWS_SITEMAP_MAX   50000   /* the sitemap protocol's cap */


/* the charset is added apart (ngx_http_news_output) */
static ngx_str_t  ngx_http_news_atom_type =
    ngx_string("application/atom+xml");
static ngx_str_t  ngx_http_news_xml_type = ngx_string("application/xml");
static ngx_str_t  ngx_http_news_text_type = ngx_string("text/plain");


static ngx_int_t ngx_http_news_base(ngx_http_request_t *r, ngx_str_t *base);
static ngx_int_t ngx_http_news_list_page(ngx_http_request_t *r,
    const char *topic, const char *feed);
static ngx_uint_t ngx_http_news_unchanged(ngx_http_request_t *r);
static int ngx_http_news_comments_feed_body(ngx_http_request_t *r,
    news_reader_t *rd, news_article_view_t *v, const char *slug,
    news_str_t *marks, news_buf_t *b, news_err_t *err);
static void ngx_http_news_list_head(ngx_http_request_t *r, const char *feed,
    news_str_t *marks, news_buf_t *b);
static int ngx_http_news_list_empty(news_reader_t *rd, news_list_t *list,
    news_err_t *err);


/*
 * The absolute URL of the location: news_base_url, else the request's
 * own scheme and the site's host (ngx_http_news_host).
 */
static ngx_int_t
ngx_http_news_base(ngx_http_request_t *r, ngx_str_t *base)
{
    u_char                    *p;
    ngx_str_t                  host;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (nlcf->base_url.len) {
        *base = nlcf->base_url;
        return NGX_OK;
    }

    if (ngx_http_news_host(r, &host) != NGX_OK) {
        return NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, sizeof("https://") - 1 + host.len
                             + nlcf->prefix.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    base->data = p;

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        p = ngx_cpymem(p, "https://", 8);

    } else
#endif
    {
        p = ngx_cpymem(p, "http://", 7);
    }

    p = ngx_cpymem(p, host.data, host.len);
    p = ngx_cpymem(p, nlcf->prefix.data, nlcf->prefix.len);
    base->len = p - base->data;

    return NGX_OK;
}


ngx_int_t
ngx_http_news_marks(ngx_http_request_t *r, news_str_t *marks)
{
    ngx_str_t                  base;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    if (ngx_http_news_base(r, &base) != NGX_OK) {
        return NGX_ERROR;
    }

    marks[NEWS_MARK_BASE - 1].data = (char *) base.data;
    marks[NEWS_MARK_BASE - 1].len = base.len;
    marks[NEWS_MARK_SITE_HTML - 1].data = (char *) nlcf->site_html.data;
    marks[NEWS_MARK_SITE_HTML - 1].len = nlcf->site_html.len;
    marks[NEWS_MARK_SITE_JSON - 1].data = (char *) nlcf->site_json.data;
    marks[NEWS_MARK_SITE_JSON - 1].len = nlcf->site_json.len;

    return NGX_OK;
}


/* GET /feed.xml: the newest articles as Atom */
ngx_int_t
ngx_http_news_feed(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_list_page(r, NULL, NEWS_ROUTE_FEED);
}


/* GET /sections/{name}/feed.xml: the section's newest articles */
ngx_int_t
ngx_http_news_topic_feed(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    u_char      *self;
    const char  *topic;

    topic = ngx_http_news_topic_key(r, 's', &rt->slug);

    /* the feed's own path, for rel="self": a slug needs no escaping */
    self = ngx_pnalloc(r->pool, rt->path.len + 1);

    if (topic == NULL || self == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_cpymem(self, rt->path.data, rt->path.len) = '\0';

    return ngx_http_news_list_page(r, topic, (char *) self);
}


/*
 * GET /articles/{slug}/comments.xml: the article's latest visible
 * comments, newest first, with the article page's validators (every
 * comment write changes them) and its surrogate key.
 */
ngx_int_t
ngx_http_news_comments_feed(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int                  rc;
    char                 slug[NEWS_SLUG_MAX + 1];
    ngx_str_t            piece;
    ngx_uint_t           unchanged;
    news_buf_t          *b;
    news_err_t           err;
    news_str_t           marks[NEWS_MARKS];
    news_reader_t        rd;
    news_article_view_t  v;

    if (rt->slug.len > NEWS_SLUG_MAX
        || ngx_http_news_marks(r, marks) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_cpymem(slug, rt->slug.data, rt->slug.len) = '\0';

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);
    unchanged = 0;

    rc = news_read_article(&rd, slug, rt->slug.len, NEWS_FRAG_PAGE, 1, &v,
                           &err);

    /* a feed reader follows no redirect of an old address: not found */
    if (rc == NEWS_OK && v.moved) {
        rc = NEWS_NOTFOUND;
    }

    if (rc == NEWS_OK
        && ngx_http_news_validators(r, 'x', v.id, v.page.version,
                                    v.page.modified_at)
           != NGX_OK)
    {
        rc = news_err_set(&err, NEWS_ERROR, "out of memory");
    }

    if (rc == NEWS_OK) {
        unchanged = ngx_http_news_unchanged(r);
    }

    if (rc == NEWS_OK && !unchanged) {
        rc = ngx_http_news_comments_feed_body(r, &rd, &v, slug, marks, b,
                                              &err);
    }

    news_reader_end(&rd);

    if (rc == NEWS_NOTFOUND) {
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                        "Page not found",
                                        "There is no such article.");
    }

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (unchanged) {
        r->header_only = 1;
        ngx_str_null(&piece);
        return ngx_http_news_send(r, NGX_HTTP_OK, &ngx_http_news_atom_type,
                                  &piece, 1);
    }

    piece.data = (u_char *) b->data;
    piece.len = b->len;

    return ngx_http_news_send(r, NGX_HTTP_OK, &ngx_http_news_atom_type,
                              &piece, 1);
}


/* the feed's head, entries and tail, their markers filled in */
static int
ngx_http_news_comments_feed_body(ngx_http_request_t *r, news_reader_t *rd,
    news_article_view_t *v, const char *slug, news_str_t *marks,
    news_buf_t *b, news_err_t *err)
{
    int          rc;
    news_buf_t   raw;

    news_buf_init(&raw);
    news_render_comments_feed_head(&raw, slug,
                                   v->page.part[NEWS_PART_TITLE].data,
                                   v->page.part[NEWS_PART_TITLE].len,
                                   r->headers_out.last_modified_time);

    rc = news_read_comment_entries(rd, v, slug,
                                   NGX_HTTP_NEWS_COMMENT_ENTRIES, &raw, err);

    if (rc == NEWS_OK) {
        news_render_feed_tail(&raw);
        news_render_expand(b, raw.data ? raw.data : "", raw.len, marks);
    }

    if (rc == NEWS_OK && (raw.failed || b->failed)) {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");
    }

    news_buf_free(&raw);

    return rc;
}


/* GET /sitemap.xml: every published article, newest first */
ngx_int_t
ngx_http_news_sitemap(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_list_page(r, NULL, NULL);
}


/*
 * A list of stored entries with their markers filled in, between the head
 * and tail of the Atom feed (when feed is its path; of the section topic,
 * if not NULL) or of the sitemap (feed NULL).  The validators come first:
 * a client that has the list gets its 304 before a single entry is read.
 * A section's feed with nothing a reader may see is a 404, as its page
 * is.
 */
static ngx_int_t
ngx_http_news_list_page(ngx_http_request_t *r, const char *topic,
    const char *feed)
{
    ngx_int_t       rc;
    ngx_str_t       piece, *type;
    ngx_uint_t      unchanged;
    news_buf_t     *b;
    news_err_t      err;
    news_str_t      marks[NEWS_MARKS];
    news_list_t     list;
    news_reader_t   rd;

    ngx_memzero(&list, sizeof(list));
    list.topic = topic;
    list.limit = feed ? NGX_HTTP_NEWS_FEED_ENTRIES : NGX_HTTP_NEWS_SITEMAP_MAX;
    list.kind = feed ? NEWS_FRAG_ATOM : NEWS_FRAG_SITEMAP;
    type = feed ? &ngx_http_news_atom_type : &ngx_http_news_xml_type;

    if (ngx_http_news_marks(r, marks) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);

    rc = topic ? ngx_http_news_list_empty(&rd, &list, &err) : NEWS_OK;

    if (rc == NEWS_OK) {
        rc = ngx_http_news_list_stamp(r, &rd, feed ? 'A' : 'M', &err);
    }

    /* a client that has the list gets its 304 before an entry is read */
    unchanged = (rc == NEWS_OK && ngx_http_news_unchanged(r));

    if (rc == NEWS_OK && !unchanged) {
        ngx_http_news_list_head(r, feed, marks, b);
        list.marks = marks;
        rc = news_read_list(&rd, &list, b, &err);
    }

    news_reader_end(&rd);

    if (rc == NEWS_NOTFOUND) {
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND,
                                        "Page not found",
                                        "No article has this section or "
                                        "tag.");
    }

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (unchanged) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "news: list unchanged, 304 before reading it");
        r->header_only = 1;
        ngx_str_null(&piece);
        return ngx_http_news_send(r, NGX_HTTP_OK, type, &piece, 1);
    }

    if (feed) {
        news_render_feed_tail(b);

    } else {
        news_render_sitemap_tail(b);
    }

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    piece.data = (u_char *) b->data;
    piece.len = b->len;

    return ngx_http_news_send(r, NGX_HTTP_OK, type, &piece, 1);
}


/* the head of the feed or the sitemap, its markers filled in */
static void
ngx_http_news_list_head(ngx_http_request_t *r, const char *feed,
    news_str_t *marks, news_buf_t *b)
{
    news_buf_t  head;

    news_buf_init(&head);

    if (feed) {
        news_render_feed_head(&head, feed,
                              r->headers_out.last_modified_time);

    } else {
        news_render_sitemap_head(&head);
    }

    news_render_expand(b, head.data ? head.data : "", head.len, marks);
    news_buf_free(&head);
}


/* NEWS_NOTFOUND when a reader may see nothing of the list: one seek */
static int
ngx_http_news_list_empty(news_reader_t *rd, news_list_t *list,
    news_err_t *err)
{
    news_buf_t   none;
    news_list_t  probe;

    probe = *list;
    probe.limit = 0;
    probe.marks = NULL;
    news_buf_init(&none);

    if (news_read_list(rd, &probe, &none, err) != NEWS_OK) {
        return err->code;
    }

    return probe.more ? NEWS_OK : NEWS_NOTFOUND;
}


/*
 * Whether nginx's not_modified filter will answer this request 304, so
 * that the list need not be built: only the plain case of a client
 * sending back the ETag it was given (and the Last-Modified, if it sends
 * If-Modified-Since too) with no other precondition.  Anything else is
 * built and left to the filter.
 */
static ngx_uint_t
ngx_http_news_unchanged(ngx_http_request_t *r)
{
    time_t            ims;
    ngx_table_elt_t  *inm, *etag;

    inm = r->headers_in.if_none_match;
    etag = r->headers_out.etag;

    if (inm == NULL || etag == NULL
        || r->headers_in.if_match != NULL
        || r->headers_in.if_unmodified_since != NULL
        || inm->value.len != etag->value.len
        || ngx_strncmp(inm->value.data, etag->value.data, etag->value.len)
           != 0)
    {
        return 0;
    }

    if (r->headers_in.if_modified_since == NULL) {
        return 1;
    }

    ims = ngx_parse_http_time(r->headers_in.if_modified_since->value.data,
                              r->headers_in.if_modified_since->value.len);

    return ims != NGX_ERROR && ims == r->headers_out.last_modified_time;
}


/* GET /robots.txt: everything may be read; the sitemap is here */
ngx_int_t
ngx_http_news_robots(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_str_t   pieces[3], base;

    if (ngx_http_news_base(r, &base) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&pieces[0], "User-agent: *\nAllow: /\nSitemap: ");
    pieces[1] = base;
    ngx_str_set(&pieces[2], NEWS_ROUTE_SITEMAP "\n");

    return ngx_http_news_send(r, NGX_HTTP_OK, &ngx_http_news_text_type,
                              pieces, 3);
}
