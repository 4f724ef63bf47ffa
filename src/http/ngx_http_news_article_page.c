/*
 * The article page: its stored fragments with the reader's own slot
 * (the comment form, or the way to log in), put in place under the
 * comments; a moderator's comments rendered for them; the page that
 * asks before a comment is deleted; a logged-out reader's "Reply".
 */

#include "ngx_http_news.h"
#include "engine/text.h"


static int ngx_http_news_article_page(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, news_reader_t *rd, news_article_view_t *v,
    ngx_uint_t cpage, ngx_uint_t newest, ngx_buf_t **out, news_err_t *err);
static int ngx_http_news_staff_comments(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, news_reader_t *rd, news_article_view_t *v,
    ngx_uint_t cpage, ngx_uint_t newest, ngx_str_t *comments,
    news_err_t *err);
static ngx_int_t ngx_http_news_count_link(ngx_http_request_t *r,
    news_page_t *page, ngx_http_news_page_t *pg);
static ngx_int_t ngx_http_news_delete_confirm(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_str_t *id);
static ngx_int_t ngx_http_news_reply_login(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, uint64_t id);
static ngx_int_t ngx_http_news_in_place(ngx_http_request_t *r,
    ngx_str_t *comments, ngx_str_t *slot);
static ngx_int_t ngx_http_news_splice(ngx_http_request_t *r, ngx_str_t *s,
    ngx_http_news_insert_t *pts, ngx_uint_t n);
static ngx_int_t ngx_http_news_comment_slot(ngx_http_request_t *r,
    news_reader_t *rd, news_article_view_t *v, ngx_str_t *slug,
    ngx_str_t *slot);
static ngx_int_t ngx_http_news_login_slot(ngx_http_request_t *r,
    ngx_str_t *slug, news_buf_t *b);


ngx_int_t
ngx_http_news_article(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int                    rc;
    ngx_buf_t             *b;
    ngx_uint_t             cpage, newest;
    news_err_t             err;
    news_reader_t          rd;
    ngx_http_news_ctx_t   *ctx;
    news_article_view_t    v;
    uint64_t               reply;
    ngx_str_t              thread, id;

    /* a thread's own page (comments.c) */
    if (ngx_http_arg(r, (u_char *) "thread", 6, &thread) == NGX_OK) {
        return ngx_http_news_thread(r, rt);
    }

    /* "delete this comment?" before the form that does it */
    if (ngx_http_arg(r, (u_char *) "delete", 6, &id) == NGX_OK) {
        return ngx_http_news_delete_confirm(r, rt, &id);
    }

    /* a reply's form is for a logged-in reader: the login first */
    if (ngx_http_arg(r, (u_char *) "reply", 5, &id) == NGX_OK
        && ngx_http_news_id((char *) id.data, id.len, &reply) == NGX_OK
        && ngx_http_news_user(r) == NULL)
    {
        return ngx_http_news_reply_login(r, rt, reply);
    }

    if (ngx_http_news_number_arg(r, "comments", &cpage) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The comment page must be a whole "
                                        "number from 1.");
    }

    if (ngx_http_news_sort_arg(r, &newest) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The comments' order must be "
                                        "oldest or newest.");
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = NULL;

    /* newest first is cut from the stored pages by news_read_newest() */
    rc = news_read_article(&rd, (char *) rt->slug.data, rt->slug.len,
                           NEWS_FRAG_PAGE, newest ? 1 : cpage, &v, &err);

    if (rc == NEWS_OK && !v.moved) {
        rc = ngx_http_news_article_page(r, rt, &rd, &v, cpage, newest, &b,
                                        &err);
    }

    /* the copy is made: the map may move on */
    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (v.moved) {
        return ngx_http_news_moved(r, v.slug, 0);
    }

    /* a refused comment comes back as the page with the form's error */
    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    return ngx_http_news_output(r, (ctx && ctx->form_status)
                                   ? ctx->form_status : NGX_HTTP_OK,
                                &ngx_http_news_html_type, b);
}


/*
 * The article page in r->pool, with the reader's slot under its
 * comments and its validators set: made inside the reader, as its parts
 * point into the map.
 */
static int
ngx_http_news_article_page(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    news_reader_t *rd, news_article_view_t *v, ngx_uint_t cpage,
    ngx_uint_t newest, ngx_buf_t **out, news_err_t *err)
{
    ngx_int_t              n;
    news_buf_t            *head, *banner;
    news_str_t             marks[NEWS_MARKS];
    ngx_str_t              pieces[NGX_HTTP_NEWS_PIECES];
    ngx_http_news_page_t   pg;

    ngx_memzero(&pg, sizeof(pg));

    if (newest
        && news_read_newest(rd, v, (char *) rt->slug.data, rt->slug.len,
                            (unsigned) cpage, ngx_http_news_buf(r), err)
           != NEWS_OK)
    {
        return err->code;
    }

    /*
     * Comments that close by themselves (news_comment_close_after) change
     * the page without a write: its ETag says so from then on, it was
     * last modified then, and caches keep it no longer than until then.
     * Newest first is another page of the same version: a bit of its own.
     */
    ngx_http_news_get_ctx(r)->stale_at = (time_t) v->closes_at;

    if (ngx_http_news_comment_slot(r, rd, v, &rt->slug, &pg.slot) != NGX_OK
        || ngx_http_news_validators(r, 'a', v->id,
                                    v->page.version
                                    + ((uint64_t) v->closed_late << 32)
                                    + ((uint64_t) newest << 33),
                                    v->closed_late
                                    ? ngx_max(v->page.modified_at,
                                              v->page.published_at
                                              + rd->close_after)
                                    : v->page.modified_at)
           != NGX_OK
        || ngx_http_news_marks(r, marks) != NGX_OK)
    {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    head = ngx_http_news_buf(r);
    news_render_expand(head, v->page.part[NEWS_PART_HEAD].data,
                       v->page.part[NEWS_PART_HEAD].len, marks);

    pg.title.data = (u_char *) v->page.part[NEWS_PART_TITLE].data;
    pg.title.len = v->page.part[NEWS_PART_TITLE].len;
    pg.head.data = (u_char *) head->data;
    pg.head.len = head->len;
    pg.main.data = (u_char *) v->page.part[NEWS_PART_ARTICLE].data;
    pg.main.len = v->page.part[NEWS_PART_ARTICLE].len;

    /* a page readers cannot see yet says so to the editors who can */
    banner = ngx_http_news_buf(r);
    news_render_desk_banner(banner, &v->page, ngx_time());

    if (banner->len) {
        news_buf_add(banner, pg.main.data, pg.main.len);
        pg.main.data = (u_char *) banner->data;
        pg.main.len = banner->len;
    }

    if (ngx_http_news_count_link(r, &v->page, &pg) != NGX_OK) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    pg.above.data = (u_char *) v->above[newest].data;
    pg.above.len = v->above[newest].len;
    pg.comments.data = (u_char *) v->comments.data;
    pg.comments.len = v->comments.len;

    if (ngx_http_news_staff_comments(r, rt, rd, v, cpage, newest,
                                     &pg.comments, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (ngx_http_news_in_place(r, &pg.comments, &pg.slot) != NGX_OK) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }
    pg.tail.data = (u_char *) v->page.part[NEWS_PART_TAIL].data;
    pg.tail.len = v->page.part[NEWS_PART_TAIL].len;
    pg.path = rt->path;

    n = ngx_http_news_page_pieces(r, &pg, pieces);
    *out = (n == NGX_ERROR) ? NULL : ngx_http_news_assemble(r, pieces, n);

    if (*out == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/*
 * The words of the link to the comments that ends the byline ("12
 * comments"), from the state's count, and the story after them: a page
 * stored before that link is whole in its NEWS_PART_ARTICLE.
 */
static ngx_int_t
ngx_http_news_count_link(ngx_http_request_t *r, news_page_t *page,
    ngx_http_news_page_t *pg)
{
    ngx_int_t    n;
    news_buf_t  *b;
    news_str_t  *count;

    if (page->nparts != NEWS_PART_COUNT + 1) {
        return NGX_OK;
    }

    count = &page->part[NEWS_PART_COUNT];
    n = ngx_atoi((u_char *) count->data, count->len);

    b = ngx_http_news_buf(r);
    news_render_count_words(b, n == NGX_ERROR ? 0 : (unsigned) n);

    pg->main_end.data = (u_char *) page->part[NEWS_PART_STORY_END].data;
    pg->main_end.len = page->part[NEWS_PART_STORY_END].len;

    if (b->failed) {
        return NGX_ERROR;
    }

    pg->count.data = (u_char *) b->data;
    pg->count.len = b->len;

    return NGX_OK;
}


/*
 * A moderator reads the comments as a moderator: rendered now, with the
 * hidden and held ones and every comment's buttons, in place of the
 * stored page (which stays the public's: a moderator's page is private).
 * Anyone else keeps the stored page.
 */
static int
ngx_http_news_staff_comments(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    news_reader_t *rd, news_article_view_t *v, ngx_uint_t cpage,
    ngx_uint_t newest, ngx_str_t *comments, news_err_t *err)
{
    u_char               *slug;
    ngx_str_t             csrf;
    news_buf_t           *b;
    ngx_http_news_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    if (ctx == NULL || ctx->user == NULL || !ctx->moderator) {
        return NEWS_OK;
    }

    slug = ngx_pnalloc(r->pool, rt->slug.len + 1);

    if (slug == NULL || ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    *ngx_cpymem(slug, rt->slug.data, rt->slug.len) = '\0';

    b = ngx_http_news_buf(r);

    if (news_read_staff_comments(rd, v->id, (char *) slug, v->closed,
                                 (unsigned) cpage, (int) newest,
                                 (char *) csrf.data,
                                 csrf.len, b, err)
        != NEWS_OK)
    {
        return err->code;
    }

    comments->data = (u_char *) b->data;
    comments->len = b->len;

    return NEWS_OK;
}


/*
 * What stands right under a comment, after its own <article> (the engine
 * finds the spot, render_thread.c): the reader's own comments' Edit and
 * Delete or the edit form (?edit=N), and a reply's form (comment_pages.c
 * made them).  The page's comments are copied around them.  A comment
 * of the reader's not on this page has nothing to show here; a reply's
 * form whose comment is not (another comment page, a reply beyond the
 * shown ones) opens the slot under the comments instead.
 */
static ngx_int_t
ngx_http_news_in_place(ngx_http_request_t *r, ngx_str_t *comments,
    ngx_str_t *slot)
{
    ssize_t                 at;
    ngx_uint_t              i, n;
    ngx_http_news_ctx_t    *ctx;
    ngx_http_news_insert_t *own, pts[NGX_HTTP_NEWS_RECENT + 1];

    ctx = ngx_http_get_module_ctx(r, ngx_http_news_module);

    if (ctx == NULL) {
        return NGX_OK;
    }

    n = 0;
    own = ctx->own ? ctx->own->elts : NULL;

    for (i = 0; own && i < ctx->own->nelts && n < NGX_HTTP_NEWS_RECENT; i++) {
        at = news_render_reply_point((char *) comments->data, comments->len,
                                     own[i].id);
        if (at >= 0) {
            pts[n].id = (uint64_t) at;
            pts[n++].html = own[i].html;
        }
    }

    if (ctx->reply_form.len) {
        at = news_render_reply_point((char *) comments->data, comments->len,
                                     ctx->reply_id);

        if (at < 0) {
            /* not on this page: the form leads the slot */
            pts[n].id = 0;
            pts[n].html = ctx->reply_form;

            if (ngx_http_news_splice(r, slot, &pts[n], 1) != NGX_OK) {
                return NGX_ERROR;
            }

        } else {
            pts[n].id = (uint64_t) at;
            pts[n++].html = ctx->reply_form;
        }
    }

    return ngx_http_news_splice(r, comments, pts, n);
}


/*
 * s with each of the n pieces put in at its offset (its id); pieces at
 * the same offset keep their order
 */
static ngx_int_t
ngx_http_news_splice(ngx_http_request_t *r, ngx_str_t *s,
    ngx_http_news_insert_t *pts, ngx_uint_t n)
{
    u_char                  *p, *q;
    size_t                   len, from;
    ngx_uint_t               i, k;
    ngx_http_news_insert_t   t;

    if (n == 0) {
        return NGX_OK;
    }

    len = s->len;

    /* a few dozen at most: an insertion sort, which keeps ties in order */
    for (i = 0; i < n; i++) {
        len += pts[i].html.len;

        for (k = i; k > 0 && pts[k - 1].id > pts[k].id; k--) {
            t = pts[k];
            pts[k] = pts[k - 1];
            pts[k - 1] = t;
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    q = p;
    from = 0;

    for (i = 0; i < n; i++) {
        q = ngx_cpymem(q, s->data + from, pts[i].id - from);
        q = ngx_cpymem(q, pts[i].html.data, pts[i].html.len);
        from = pts[i].id;
    }

    q = ngx_cpymem(q, s->data + from, s->len - from);

    s->data = p;
    s->len = q - p;

    return NGX_OK;
}


/*
 * A logged-out reader's "Reply": 303 to the login, whose next is that
 * reply's form on this article (the stored page's link is the same for
 * everyone, so the way to the login is taken here).
 */
static ngx_int_t
ngx_http_news_reply_login(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    uint64_t id)
{
    ngx_str_t                  location;
    news_buf_t                *b;
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
    b = ngx_http_news_buf(r);

    news_buf_add(b, nlcf->prefix.data, nlcf->prefix.len);
    news_buf_addl(b, NEWS_ROUTE_LOGIN "?next=");
    news_url_arg_escape(b, (char *) nlcf->prefix.data, nlcf->prefix.len);
    news_buf_addf(b, NEWS_ROUTE_ARTICLE "%.*s?reply=%llu%%23comment-form",
                  (int) rt->slug.len, rt->slug.data, (unsigned long long) id);

    if (ngx_http_news_buf_copy(r, b, &location) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_see_other(r, &location);
}


/*
 * GET /articles/{slug}?delete=ID: the page that asks before a comment
 * goes, for a logged-in reader (the form's action decides who may).
 */
static ngx_int_t
ngx_http_news_delete_confirm(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_str_t *value)
{
    uint64_t               id;
    ngx_int_t              rc;
    ngx_str_t              csrf;
    news_buf_t            *b;
    ngx_http_news_page_t   pg;

    if (ngx_http_news_id((char *) value->data, value->len, &id) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Say which comment, "
                                        "by its number.");
    }

    rc = ngx_http_news_need_user(r, 0, NEWS_ACT_ACCOUNT);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_news_buf(r);
    news_render_delete_confirm(b, (char *) rt->slug.data, rt->slug.len, id,
                               (char *) csrf.data, csrf.len);

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Delete a comment");
    pg.path = rt->path;

    return ngx_http_news_form_send(r, NGX_HTTP_OK, b, &pg);
}


/*
 * The per-reader slot under an article's comments: the comment form for
 * a logged-in reader, the login link for everyone else, or the notice
 * that comments are closed.  Runs inside the page's reader; the slot
 * is in r->pool.
 */
static ngx_int_t
ngx_http_news_comment_slot(ngx_http_request_t *r, news_reader_t *rd,
    news_article_view_t *v, ngx_str_t *slug, ngx_str_t *slot)
{
    news_buf_t  *b;

    if (ngx_http_news_user(r) != NULL) {
        return ngx_http_news_comment_form(r, rd, v, slug, slot);
    }

    b = ngx_http_news_buf(r);

    if (v->closed) {
        news_render_comments_closed(b);

    } else if (ngx_http_news_login_slot(r, slug, b) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_news_buf_copy(r, b, slot);
}


/* "Log in to comment", coming back to this article's form after it */
static ngx_int_t
ngx_http_news_login_slot(ngx_http_request_t *r, ngx_str_t *slug,
    news_buf_t *b)
{
    ngx_http_news_loc_conf_t  *nlcf;

    nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);

    news_render_comment_login(b, (char *) nlcf->prefix.data,
                              nlcf->prefix.len, (char *) slug->data,
                              slug->len);

    return NGX_OK;
}
