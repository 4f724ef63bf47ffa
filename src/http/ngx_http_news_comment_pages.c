/*
 * Comments as they are read: the API's list of an article's comments,
 * the form under an article for a logged-in reader (with their own
 * recent comments to edit), the moderation queue, and a thread's own
 * page.  Each reads through the request's reader (engine/reader.h),
 * ended once, on its one way out.
 */

#include "ngx_http_news.h"
#include "engine/text.h"


#define NGX_HTTP_NEWS_QUEUE_PAGE  50      /* comments a moderation page */


static ngx_int_t ngx_http_news_own_comments(ngx_http_request_t *r,
    news_comment_form_t *f, news_comment_t *recent, size_t n);
static ngx_int_t ngx_http_news_reply_form(ngx_http_request_t *r,
    news_reader_t *rd, news_article_view_t *v, news_comment_form_t *f,
    ngx_str_t *form);
static ngx_int_t ngx_http_news_plain_page(ngx_http_request_t *r,
    const char *title, news_buf_t *b, ngx_http_news_route_t *rt);
static int ngx_http_news_thread_render(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, news_article_view_t *v, uint64_t root,
    news_comments_t *cs, news_buf_t *b, ngx_uint_t *none, news_err_t *err);


ngx_int_t
ngx_http_news_api_comments(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int                   more, rc;
    ngx_str_t             value;
    ngx_uint_t            limit, newest;
    news_buf_t           *b;
    news_err_t            err;
    news_reader_t         rd;
    news_article_view_t   v;
    unsigned char         cursor[NEWS_COMMENTS_KEY], next[NEWS_COMMENTS_KEY];
    unsigned char *from;

    from = NULL;

    if (ngx_http_arg(r, (u_char *) "cursor", 6, &value) == NGX_OK) {
        if (news_hex_decode((char *) value.data, value.len, cursor,
                            sizeof(cursor))
            != (ssize_t) sizeof(cursor))
        {
            return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                            "bad_request", "cursor must "
                                            "come from \"next\"");
        }

        from = cursor;
    }

    if (ngx_http_news_number_arg(r, "limit", &limit) != NGX_OK
        || limit > NGX_HTTP_NEWS_API_LIMIT)
    {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request", "limit must be 1 to "
                                        "100");
    }

    if (ngx_http_arg(r, (u_char *) "limit", 5, &value) != NGX_OK) {
        limit = NGX_HTTP_NEWS_API_LIMIT;
    }

    if (ngx_http_news_sort_arg(r, &newest) != NGX_OK) {
        return ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                        "bad_request", "sort must be "
                                        "\"oldest\" or \"newest\"");
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 1);
    }

    b = ngx_http_news_buf(r);
    news_buf_addl(b, "{\"comments\":[");

    rc = news_read_comments(&rd, (char *) rt->slug.data, rt->slug.len, from,
                            limit, (int) newest, b, next, &more, &v, &err);

    if (rc == NEWS_OK
        && ngx_http_news_validators(r, 'c', v.id,
                                    v.page.version
                                    + ((uint64_t) newest << 33),
                                    v.page.modified_at)
           != NGX_OK)
    {
        rc = news_err_set(&err, NEWS_ERROR, "out of memory");
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return err.code == NEWS_INVALID
               ? ngx_http_news_json_error(r, NGX_HTTP_BAD_REQUEST,
                                          "bad_request", err.msg)
               : ngx_http_news_store_error(r, &err, 1);
    }

    news_render_list_end(b, next, sizeof(next), more);

    return ngx_http_news_send_buf(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}


/*
 * The slot under a logged-in reader's comments: the form (a reply when
 * ?reply=ID), and the reader's own recent comments with edit and delete
 * while the window is open.  Runs inside the page's reader.
 */
ngx_int_t
ngx_http_news_comment_form(ngx_http_request_t *r, news_reader_t *rd,
    news_article_view_t *v, ngx_str_t *slug, ngx_str_t *slot)
{
    size_t                      n;
    ngx_str_t                   value, csrf;
    news_buf_t                 *b;
    news_err_t                  err;
    news_user_t                *user;
    ngx_http_news_ctx_t        *ctx;
    news_comment_t              recent[NGX_HTTP_NEWS_RECENT];
    news_comment_form_t         f;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
    user = ngx_http_news_user(r);
    b = ngx_http_news_buf(r);

    if (v->closed) {
        news_render_comments_closed(b);
        return ngx_http_news_buf_copy(r, b, slot);
    }

    /* a suspended or banned reader is told so, and why, in its place */
    if (news_read_standing(rd, &err) == NEWS_FORBIDDEN) {
        news_render_comment_refused(b, err.msg, ngx_strlen(err.msg));
        return ngx_http_news_buf_copy(r, b, slot);
    }

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_ERROR;
    }

    ctx = ngx_http_news_get_ctx(r);

    ngx_memzero(&f, sizeof(news_comment_form_t));
    f.slug = (char *) slug->data;
    f.slug_len = slug->len;
    f.csrf = (char *) csrf.data;
    f.csrf_len = csrf.len;
    f.user = user->name;
    f.user_len = user->name_len;
    f.reply = ctx ? ctx->form_parent : 0;
    f.max = (unsigned) nmcf->comment_max;
    f.now = rd->now;
    f.window = nmcf->comment_edit_window;

    if (ngx_http_arg(r, (u_char *) "reply", 5, &value) == NGX_OK
        && ngx_http_news_id((char *) value.data, value.len, &f.reply)
           != NGX_OK)
    {
        f.reply = 0;
    }

    if (ngx_http_arg(r, (u_char *) "edit", 4, &value) == NGX_OK
        && ngx_http_news_id((char *) value.data, value.len, &f.edit)
           != NGX_OK)
    {
        f.edit = 0;
    }

    if (ctx != NULL && ctx->form_error.len) {
        f.error = (char *) ctx->form_error.data;
        f.error_len = ctx->form_error.len;
        f.text = (char *) ctx->form_text.data;
        f.text_len = ctx->form_text.len;
    }

    /* a form without them is better than no form */
    if (news_read_recent(rd, v->id, nmcf->comment_edit_window, recent,
                         NGX_HTTP_NEWS_RECENT, &n, &err)
        != NEWS_OK)
    {
        n = 0;
    }

    if (ngx_http_news_own_comments(r, &f, recent, n) != NGX_OK) {
        while (n) {
            news_comment_free(&recent[--n]);
        }

        return NGX_ERROR;
    }

    news_render_comment_held(b, &f, recent, n);

    if (f.reply == 0 || ctx == NULL
        || ngx_http_news_reply_form(r, rd, v, &f, &ctx->reply_form) != NGX_OK)
    {
        news_render_comment_form(b, &f);
    }

    while (n) {
        news_comment_free(&recent[--n]);
    }

    return ngx_http_news_buf_copy(r, b, slot);
}


/*
 * Under each of the reader's own visible comments, Edit and Delete, or
 * (?edit=N) the edit form, for the article page to put in place (the
 * held ones have theirs in the slot, news_render_comment_held).  An
 * ?edit=N of no comment of theirs is 403, saying whose may be changed.
 */
static ngx_int_t
ngx_http_news_own_comments(ngx_http_request_t *r, news_comment_form_t *f,
    news_comment_t *recent, size_t n)
{
    size_t                   i;
    ngx_uint_t               found;
    news_buf_t              *b;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_insert_t  *own;

    /* the router made the request's ctx before any handler: not NULL */
    ctx = ngx_http_news_get_ctx(r);
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    /* nginx's own allocation, which the test build cannot fail (it wraps
     * the module's own calls to the pool alone) */
    ctx->own = ngx_array_create(r->pool, n ? n : 1,
                                sizeof(ngx_http_news_insert_t));
    if (ctx->own == NULL) {
        return NGX_ERROR;
    }

    found = 0;

    for (i = 0; i < n; i++) {
        found |= (recent[i].id == f->edit);

        if (recent[i].status != NEWS_COMMENT_VISIBLE) {
            continue;
        }

        own = ngx_array_push(ctx->own);
        b = ngx_http_news_buf(r);

        if (own == NULL || b == NULL) {
            return NGX_ERROR;
        }

        own->id = recent[i].id;
        news_render_comment_own(b, f, &recent[i]);

        if (ngx_http_news_buf_copy(r, b, &own->html) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (f->edit == 0 || found) {
        return NGX_OK;
    }

    own = ngx_array_push(ctx->own);
    b = ngx_http_news_buf(r);

    if (own == NULL || b == NULL) {
        return NGX_ERROR;
    }

    /* said where the form would be, or above the comment form */
    own->id = f->edit;
    news_render_edit_refused(b, f);
    ctx->form_status = NGX_HTTP_FORBIDDEN;

    return ngx_http_news_buf_copy(r, b, &own->html);
}


/*
 * A reply's form, to stand under the comment it answers (the article
 * page puts it there, pages.c), naming whom it answers; NGX_DECLINED
 * when that is no visible comment of this article (the form then stays
 * in the slot, as a reply the post will refuse with its reason).
 */
static ngx_int_t
ngx_http_news_reply_form(ngx_http_request_t *r, news_reader_t *rd,
    news_article_view_t *v, news_comment_form_t *f, ngx_str_t *form)
{
    news_buf_t  *b, *name;
    news_err_t   err;

    name = ngx_http_news_buf(r);

    if (news_read_reply_to(rd, v->id, f->reply, name, &err) != NEWS_OK) {
        return NGX_DECLINED;
    }

    f->reply_name = name->data;
    f->reply_name_len = name->len;
    ngx_http_news_get_ctx(r)->reply_id = f->reply;

    b = ngx_http_news_buf(r);
    news_render_comment_form(b, f);

    return ngx_http_news_buf_copy(r, b, form);
}


/* the queue of comments held for approval, and moderation by number */
ngx_int_t
ngx_http_news_moderation(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t              rc;
    ngx_str_t              csrf, value;
    news_pending_t         q;
    u_char                 after[NEWS_PENDING_KEY];
    news_buf_t            *b;
    news_err_t             err;
    news_reader_t          rd;

    rc = ngx_http_news_need_user(r, 0, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (ngx_http_news_csrf_value(r, &csrf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&q, sizeof(news_pending_t));
    q.limit = NGX_HTTP_NEWS_QUEUE_PAGE;
    q.csrf = (char *) csrf.data;
    q.csrf_len = csrf.len;

    if (ngx_http_arg(r, (u_char *) "after", 5, &value) == NGX_OK) {
        if (news_hex_decode((char *) value.data, value.len, after,
                            NEWS_PENDING_KEY)
            != NEWS_PENDING_KEY)
        {
            return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                            "Bad request", "That link to the "
                                            "queue is not one of ours.");
        }

        q.after = after;
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);
    news_render_moderation_head(b);

    rc = news_read_pending(&rd, &q, b, &err);
    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    news_render_moderation_tail(b, q.count, q.more, q.next, NEWS_PENDING_KEY,
                                (char *) csrf.data, csrf.len);

    if (b->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_plain_page(r, "Moderation", b, rt);
}


/* a page of the site's chrome around main text: the queue, a thread */
static ngx_int_t
ngx_http_news_plain_page(ngx_http_request_t *r, const char *title,
    news_buf_t *b, ngx_http_news_route_t *rt)
{
    ngx_http_news_page_t   pg;

    ngx_memzero(&pg, sizeof(pg));
    pg.title.data = (u_char *) title;
    pg.title.len = ngx_strlen(title);
    pg.main.data = (u_char *) b->data;
    pg.main.len = b->len;
    pg.path = rt->path;

    return ngx_http_news_send_page(r, NGX_HTTP_OK, &pg);
}


/* ---- a thread's own page ------------------------------------------------ */


/*
 * GET /articles/{slug}?thread=ID: a thread in full, where the article
 * page shows its first replies.  Read at request time: its top comment
 * and its replies from the thread index, at most NEWS_THREAD_MAX + 1
 * records however many comments the article holds.
 */
ngx_int_t
ngx_http_news_thread(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    int                    rc;
    uint64_t               id;
    ngx_str_t              value;
    ngx_uint_t             none;
    news_buf_t            *b;
    news_err_t             err;
    news_reader_t          rd;
    news_comments_t        cs;
    news_article_view_t    v;

    if (ngx_http_arg(r, (u_char *) "thread", 6, &value) != NGX_OK
        || ngx_http_news_id((char *) value.data, value.len, &id) != NGX_OK)
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "A thread is named "
                                        "by its first comment's number.");
    }

    if (ngx_http_news_reader(r, &rd, &err) != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    b = ngx_http_news_buf(r);

    rc = news_read_thread(&rd, (char *) rt->slug.data, rt->slug.len, id, &v,
                          &cs, &err);

    none = 0;

    if (rc == NEWS_OK && !v.moved) {
        rc = ngx_http_news_thread_render(r, rt, &v, id, &cs, b, &none, &err);
        news_comments_free(&cs);
    }

    news_reader_end(&rd);

    if (rc != NEWS_OK) {
        return ngx_http_news_store_error(r, &err, 0);
    }

    if (none) {
        return ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND, "Not found",
                                        "There is no such thread here.");
    }

    if (v.moved) {
        return ngx_http_news_moved(r, v.slug, 0);
    }

    return ngx_http_news_plain_page(r, "A thread", b, rt);
}


/*
 * The thread of the article in v, rendered into b, its validators set;
 * *none when the renderer finds no thread to show.
 */
static int
ngx_http_news_thread_render(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    news_article_view_t *v, uint64_t root, news_comments_t *cs,
    news_buf_t *b, ngx_uint_t *none, news_err_t *err)
{
    int             rc;
    news_article_t  a;

    /* what the renderer needs of the article: its address, if closed */
    ngx_memzero(&a, sizeof(news_article_t));
    a.id = v->id;
    a.comments_closed = v->closed;
    a.slug = ngx_pnalloc(r->pool, rt->slug.len + 1);
    if (a.slug == NULL) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    *ngx_cpymem(a.slug, rt->slug.data, rt->slug.len) = '\0';

    rc = news_render_thread_page(b, &a, &v->page.part[NEWS_PART_TITLE], root,
                                 cs);

    if (rc == 1) {
        *none = 1;
        return NEWS_OK;
    }

    if (rc != 0 || b->failed
        || ngx_http_news_validators(r, 'r', v->id, v->page.version,
                                    v->page.modified_at)
           != NGX_OK)
    {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}
