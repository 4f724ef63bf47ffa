/*
 * The editors' desk in the browser: the list of articles, the
 * article's form and the page that asks before a deletion.  Editors and
 * admins only: others get 403, and a reader not logged in is sent to
 * the login, which brings them back.  Every form carries the session's
 * CSRF token.  The pages are the engine's (render_desk.c); the writes
 * are the editors' API's (editors.c), from the form's fields.  An
 * article's versions, and a version restored, are desk_versions.c's.
 */

#include "ngx_http_news.h"
#include "engine/render_desk.h"
#include "engine/render_search.h"
#include "engine/routes.h"
#include "engine/text.h"


/* the form's fields, in the order of news_desk_fields_t */
static const char  *ngx_http_news_desk_names[] = {
    "title", "subtitle", "slug", "section", "tags", "image_url",
    "image_alt", "image_caption", "body", "published"
};

#define NGX_HTTP_NEWS_DESK_FIELDS                                           \
    (sizeof(ngx_http_news_desk_names) / sizeof(char *))


static ngx_int_t ngx_http_news_desk_form(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t action);
static ngx_int_t ngx_http_news_desk_form_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_desk_delete_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_desk_fields(ngx_http_request_t *r,
    ngx_str_t *body, news_desk_fields_t *v);
static ngx_int_t ngx_http_news_desk_preview(ngx_http_request_t *r,
    ngx_http_news_awrite_t *w);
static ngx_int_t ngx_http_news_desk_done(ngx_http_request_t *r, void *data);
static ngx_int_t ngx_http_news_desk_form_page(ngx_http_request_t *r,
    ngx_uint_t status, news_err_t *err, const news_desk_fields_t *v);
static int ngx_http_news_desk_action(ngx_str_t *action);
static const char *ngx_http_news_desk_notice(ngx_http_request_t *r);


/* the editors' write, answered with the form again or a redirect */
const ngx_http_news_write_t  ngx_http_news_desk_write = {
    ngx_http_news_awrite_work, ngx_http_news_desk_done
};


/* GET /desk: the articles, the latest changed first */
ngx_int_t
ngx_http_news_desk(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t          rc;
    ngx_str_t          arg;
    news_buf_t        *b;
    news_err_t         err;
    news_actor_t       actor;
    news_desk_list_t  *l;
    unsigned char     *after;

    rc = ngx_http_news_desk_may(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    l = ngx_pcalloc(r->pool, sizeof(news_desk_list_t));
    after = ngx_pnalloc(r->pool, NEWS_DESK_CURSOR);

    if (l == NULL || after == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    l->now = ngx_time();

    if (ngx_http_arg(r, (u_char *) "status", 6, &arg) == NGX_OK) {
        l->state = news_desk_state_parse((char *) arg.data, arg.len);
    }

    if (ngx_http_arg(r, (u_char *) "section", 7, &arg) == NGX_OK
        && arg.len)
    {
        if (arg.len > 3 * NEWS_SECTION_MAX) {
            l->state = -1;

        } else {
            l->section = (char *) ngx_pnalloc(r->pool, arg.len);
            if (l->section == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            {
                u_char  *dst = (u_char *) l->section, *src = arg.data;

                ngx_unescape_uri(&dst, &src, arg.len, NGX_UNESCAPE_URI);
                l->section_len = dst - (u_char *) l->section;
            }
        }
    }

    if (ngx_http_arg(r, (u_char *) "after", 5, &arg) == NGX_OK) {
        if (news_hex_decode((char *) arg.data, arg.len, after,
                            NEWS_DESK_CURSOR)
            != NEWS_DESK_CURSOR)
        {
            l->state = -1;
        }

        l->after = after;
    }

    if (l->state < 0 || l->section_len > NEWS_SECTION_MAX) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The status must be draft, "
                                        "scheduled or published, the "
                                        "section at most 64 bytes, and "
                                        "\"after\" come from the page's "
                                        "link.");
    }

    b = ngx_http_news_buf(r);

    if (news_desk_list_page(&ngx_http_news_module_store(r),
                            ngx_http_news_actor(r, &actor), l, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    return ngx_http_news_desk_send(r, NGX_HTTP_OK, b, &rt->path, "Desk");
}


/* GET, POST /desk/new */
ngx_int_t
ngx_http_news_desk_new(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_desk_form(r, rt, NGX_HTTP_NEWS_A_CREATE);
}


/* GET, POST /desk/articles/{slug} */
ngx_int_t
ngx_http_news_desk_article(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_desk_form(r, rt, NGX_HTTP_NEWS_A_PATCH);
}


/* GET, POST /desk/articles/{slug}/delete */
ngx_int_t
ngx_http_news_desk_delete(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_desk_form(r, rt, NGX_HTTP_NEWS_A_DELETE);
}


/*
 * A desk form: its page, or what it sends, which the editors' write
 * (editors.c) does for the action of the page it is on
 */
static ngx_int_t
ngx_http_news_desk_form(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t action)
{
    ngx_int_t                rc;
    ngx_uint_t               del;
    news_buf_t              *b;
    news_err_t               err;
    news_form_t              f;
    news_actor_t             actor;
    news_desk_fields_t       v;
    ngx_http_news_awrite_t  *w;

    rc = ngx_http_news_desk_may(r);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    w = ngx_http_news_awrite_new(r, action, &rt->slug);
    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    w->path = rt->path;
    del = action == NGX_HTTP_NEWS_A_DELETE;

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0,
                                       del ? ngx_http_news_desk_delete_body
                                           : ngx_http_news_desk_form_body);
    }

    if (action == NGX_HTTP_NEWS_A_CREATE) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        ngx_memzero(&v, sizeof(v));

        return ngx_http_news_desk_form_page(r, NGX_HTTP_OK, NULL, &v);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_news_form_of(r, &f, NULL, NULL) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f.notice = ngx_http_news_desk_notice(r);
    b = ngx_http_news_buf(r);

    if (news_desk_edit_page(&ngx_http_news_module_store(r),
                            ngx_http_news_actor(r, &actor),
                            (char *) rt->slug.data, rt->slug.len, del, &f,
                            ngx_time(), b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    return ngx_http_news_desk_send(r, NGX_HTTP_OK, b, &rt->path,
                                   del ? "Delete an article"
                                       : "Edit an article");
}


/*
 * Editors and admins: NGX_DECLINED.  Nobody logged in is sent to the
 * login, which brings them back here; anyone else is refused.
 */
ngx_int_t
ngx_http_news_desk_may(ngx_http_request_t *r)
{
    u_char     *p;
    size_t      n;
    ngx_int_t   rc;
    ngx_str_t   login;

    if (ngx_http_news_user(r) != NULL) {
        return ngx_http_news_need_user(r, 0, NEWS_ACT_EDIT);
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    /* the request's path (the router matched it) goes back as next */
    n = r->uri.len + 2 * ngx_escape_uri(NULL, r->uri.data, r->uri.len,
                                        NGX_ESCAPE_ARGS);

    if (ngx_http_news_site_path(r, &login, sizeof(NEWS_ROUTE_LOGIN "?next=")
                                + n, NEWS_ROUTE_LOGIN "?next=")
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = (u_char *) ngx_escape_uri(login.data + login.len, r->uri.data,
                                  r->uri.len, NGX_ESCAPE_ARGS);
    login.len = p - login.data;

    return ngx_http_news_see_other(r, &login);
}


/* fields: csrf, action (save, publish, schedule, unpublish), the article */
static ngx_int_t
ngx_http_news_desk_form_body(ngx_http_request_t *r, ngx_str_t *body)
{
    int                      action;
    cJSON                   *obj;
    ngx_int_t                rc;
    ngx_str_t                act;
    news_err_t               err;
    ngx_http_news_awrite_t  *w;

    static const char  *names[] = { "action" };
    ngx_str_t          *values[] = { &act };

    w = ngx_http_news_get_ctx(r)->data;

    /* the form's article is dated as its write will be: now */
    w->now = ngx_time();

    /* the fields first: a refused token shows the form as it was sent */
    rc = ngx_http_news_desk_fields(r, body, &w->fields);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    rc = ngx_http_news_form_read(r, body, names, values, 1);

    if (rc == NGX_HTTP_FORBIDDEN) {
        news_err_set(&err, NEWS_FORBIDDEN, NGX_HTTP_NEWS_FORM_EXPIRED);
        return ngx_http_news_desk_form_page(r, NGX_HTTP_FORBIDDEN, &err,
                                            &w->fields);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (act.len == 7 && ngx_strncmp(act.data, "preview", 7) == 0) {
        return ngx_http_news_desk_preview(r, w);
    }

    /* from the preview, back to the form with its values */
    if (act.len == 4 && ngx_strncmp(act.data, "edit", 4) == 0) {
        return ngx_http_news_desk_form_page(r, NGX_HTTP_OK, NULL,
                                            &w->fields);
    }

    action = ngx_http_news_desk_action(&act);

    if (action < 0) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Unknown action.");
    }

    w->desk_action = action;

    if (news_desk_form_json(&w->fields, action,
                            w->action == NGX_HTTP_NEWS_A_CREATE,
                            w->now, &obj, &err)
        != NEWS_OK)
    {
        return ngx_http_news_desk_form_page(r, 422, &err, &w->fields);
    }

    if (w->action == NGX_HTTP_NEWS_A_PATCH) {
        rc = news_article_patch_check(obj, &err);
        w->patch = obj;

    } else {
        rc = news_article_from_json(&w->a, obj, w->now, 0, &err);
        cJSON_Delete(obj);
    }

    if (rc != NEWS_OK) {
        return ngx_http_news_desk_form_page(r, err.code == NEWS_ERROR
                                               ? 500 : 422, &err,
                                            &w->fields);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_desk_write, &w->now,
                                     w);
}


/*
 * The article page that saving the form would make, in the chrome as
 * readers get it, under the preview's form (render_desk.c); nothing is
 * written, no cache keeps it and no search engine indexes it.  A value a
 * save would refuse comes back at the form.
 */
static ngx_int_t
ngx_http_news_desk_preview(ngx_http_request_t *r, ngx_http_news_awrite_t *w)
{
    news_buf_t            *frag, *head, *main;
    news_err_t             err;
    news_form_t            f;
    news_page_t            page;
    news_str_t             marks[NEWS_MARKS];
    news_actor_t           actor;
    ngx_http_news_page_t   pg;

    if (ngx_http_news_form_of(r, &f, NULL, NULL) != NGX_OK
        || ngx_http_news_marks(r, marks) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    frag = ngx_http_news_buf(r);
    main = ngx_http_news_buf(r);

    if (news_desk_preview(&ngx_http_news_module_store(r),
                          ngx_http_news_actor(r, &actor),
                          w->slug[0] ? w->slug : NULL, ngx_strlen(w->slug),
                          &f, &w->fields, ngx_time(), frag, main, &err)
        != NEWS_OK)
    {
        if (err.code == NEWS_INVALID || err.code == NEWS_MALFORMED) {
            return ngx_http_news_desk_form_page(r, 422, &err, &w->fields);
        }

        return ngx_http_news_refused(r, &err, 0);
    }

    if (news_page_parse(frag->data, frag->len, &page) != 0
        || page.nparts != NEWS_PAGE_PARTS)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    head = ngx_http_news_buf(r);
    news_buf_addl(head, NEWS_SEARCH_HEAD);
    news_render_expand(head, page.part[NEWS_PART_HEAD].data,
                       page.part[NEWS_PART_HEAD].len, marks);

    /* the story around its comment count: a preview shows no comments */
    news_buf_add(main, page.part[NEWS_PART_ARTICLE].data,
                 page.part[NEWS_PART_ARTICLE].len);
    news_render_count_words(main, 0);
    news_buf_add(main, page.part[NEWS_PART_STORY_END].data,
                 page.part[NEWS_PART_STORY_END].len);

    if (head->failed) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memzero(&pg, sizeof(pg));
    pg.main.data = (u_char *) main->data;
    pg.main.len = main->len;
    pg.title.data = (u_char *) page.part[NEWS_PART_TITLE].data;
    pg.title.len = page.part[NEWS_PART_TITLE].len;
    pg.head.data = (u_char *) head->data;
    pg.head.len = head->len;
    pg.tail.data = (u_char *) page.part[NEWS_PART_TAIL].data;
    pg.tail.len = page.part[NEWS_PART_TAIL].len;
    pg.path = w->path;

    if (main->failed
        || ngx_http_news_add_header(r, "Cache-Control", "private, no-store")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send_page(r, NGX_HTTP_OK, &pg);
}


/* fields: csrf */
static ngx_int_t
ngx_http_news_desk_delete_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t                rc;
    ngx_http_news_awrite_t  *w;

    w = ngx_http_news_get_ctx(r)->data;

    rc = ngx_http_news_form_read(r, body, NULL, NULL, 0);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_desk_write, &w->now,
                                     w);
}


/* every field of the article's form, as ngx_http_news_form_fields() */
static ngx_int_t
ngx_http_news_desk_fields(ngx_http_request_t *r, ngx_str_t *body,
    news_desk_fields_t *v)
{
    ngx_int_t    rc;
    ngx_str_t    value[NGX_HTTP_NEWS_DESK_FIELDS],
                *values[NGX_HTTP_NEWS_DESK_FIELDS];
    ngx_uint_t   i;
    news_str_t  *s;

    for (i = 0; i < NGX_HTTP_NEWS_DESK_FIELDS; i++) {
        values[i] = &value[i];
    }

    rc = ngx_http_news_form_fields(r, body, ngx_http_news_desk_names, values,
                                   NGX_HTTP_NEWS_DESK_FIELDS);
    if (rc != NGX_OK) {
        return rc;
    }

    /* news_desk_fields_t is these fields' news_str_t, in this order */
    s = (news_str_t *) v;

    for (i = 0; i < NGX_HTTP_NEWS_DESK_FIELDS; i++) {
        s[i].data = (char *) value[i].data;
        s[i].len = value[i].len;
    }

    return NGX_OK;
}


/* after the write: the article's form again, or what went wrong */
static ngx_int_t
ngx_http_news_desk_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_awrite_t *w = data;

    ngx_str_t    location;
    ngx_uint_t   status;

    static const char  *done[] = {
        "saved", "published", "scheduled", "unpublished", "restored"
    };

    if (w->rc == NEWS_OK && w->action == NGX_HTTP_NEWS_A_DELETE) {
        if (ngx_http_news_site_path(r, &location, sizeof(NEWS_ROUTE_DESK),
                                    NEWS_ROUTE_DESK)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_see_other(r, &location);
    }

    if (w->rc == NEWS_OK) {
        if (ngx_http_news_site_path(r, &location,
                                    sizeof(NEWS_ROUTE_DESK_ARTICLE "?done=")
                                    + NEWS_SLUG_MAX + 16,
                                    NEWS_ROUTE_DESK_ARTICLE "%s?done=%s",
                                    w->a.slug, done[w->desk_action])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_see_other(r, &location);
    }

    /* no form was sent: what went wrong, on a page of its own */
    if (w->action == NGX_HTTP_NEWS_A_DELETE
        || w->desk_action == NEWS_DESK_RESTORE)
    {
        return ngx_http_news_refused(r, &w->err, 0);
    }

    status = w->rc == NEWS_CONFLICT ? NGX_HTTP_CONFLICT
             : w->rc == NEWS_NOTFOUND ? NGX_HTTP_NOT_FOUND
             : w->rc == NEWS_INVALID || w->rc == NEWS_MALFORMED ? 422
             : 0;

    if (status == 0) {
        return ngx_http_news_refused(r, &w->err, 0);
    }

    return ngx_http_news_desk_form_page(r, status, &w->err, &w->fields);
}


/* the form with the values sent, and the error tied to its field */
static ngx_int_t
ngx_http_news_desk_form_page(ngx_http_request_t *r, ngx_uint_t status,
    news_err_t *err, const news_desk_fields_t *v)
{
    news_buf_t              *b;
    news_err_t               e;
    news_form_t              f;
    news_actor_t             actor;
    ngx_http_news_awrite_t  *w;

    w = ngx_http_news_get_ctx(r)->data;

    if (ngx_http_news_form_of(r, &f,
                              err ? news_desk_error_field(err->msg) : NULL,
                              err ? err->msg : NULL)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_news_buf(r);

    if (news_desk_form_page(&ngx_http_news_module_store(r),
                            ngx_http_news_actor(r, &actor),
                            w->slug[0] ? w->slug : NULL, ngx_strlen(w->slug),
                            &f, v, ngx_time(), b, &e)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &e, 0);
    }

    return ngx_http_news_desk_send(r, status, b, &w->path, w->slug[0]
                                                           ? "Edit an article"
                                                           : "New article");
}


/* a desk page in the chrome, with the desk's head */
ngx_int_t
ngx_http_news_desk_send(ngx_http_request_t *r, ngx_uint_t status,
    news_buf_t *b, ngx_str_t *path, const char *title)
{
    ngx_http_news_page_t  pg;

    static ngx_str_t  head = ngx_string(NEWS_DESK_HEAD);

    ngx_memzero(&pg, sizeof(pg));
    pg.title.data = (u_char *) title;
    pg.title.len = ngx_strlen(title);
    pg.head = head;
    pg.path = *path;

    return ngx_http_news_form_send(r, status, b, &pg);
}


static int
ngx_http_news_desk_action(ngx_str_t *action)
{
    ngx_uint_t  i;

    static const char  *names[] = {
        "save", "publish", "schedule", "unpublish"
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (action->len == ngx_strlen(names[i])
            && ngx_strncmp(action->data, names[i], action->len) == 0)
        {
            return (int) i;
        }
    }

    return -1;
}


/* ?done= after a write: what was done, in words (fixed strings only) */
static const char *
ngx_http_news_desk_notice(ngx_http_request_t *r)
{
    ngx_str_t   done;
    ngx_uint_t  i;

    static const char  *words[][2] = {
        { "saved", "Saved." },
        { "published", "Published: readers see it now." },
        { "scheduled", "Scheduled." },
        { "unpublished", "Unpublished: it is a draft again, which readers "
                         "cannot see." },
        { "restored", "Restored: the version's text is the current one, "
                      "saved as a new version." }
    };

    if (ngx_http_arg(r, (u_char *) "done", 4, &done) != NGX_OK) {
        return NULL;
    }

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (done.len == ngx_strlen(words[i][0])
            && ngx_strncmp(done.data, words[i][0], done.len) == 0)
        {
            return words[i][1];
        }
    }

    return NULL;
}
