/*
 * The desk's versions of an article: the list of its versions, what
 * changed between two of them, and a version restored.  Editors and
 * admins only, as the rest of the desk (desk.c), whose write a restore
 * goes through.  The pages are the engine's (render_desk_versions.c).
 */

#include "ngx_http_news.h"
#include "engine/render_desk.h"


static ngx_int_t ngx_http_news_desk_restore_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_desk_version(ngx_str_t *s, uint32_t *v);


/*
 * GET /desk/articles/{slug}/revisions: its versions (?before=N: those
 * below N), or ?diff=N[&to=M] what changed from version N to M (or to
 * the current text); POST (csrf, version): that version restored
 */
ngx_int_t
ngx_http_news_desk_revisions(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    int                      rc;
    u_char                  *slug;
    uint32_t                 before, from, to;
    ngx_int_t                n;
    ngx_str_t                arg;
    news_buf_t              *b;
    news_err_t               err;
    news_form_t              f;
    news_actor_t             actor;
    ngx_http_news_awrite_t  *w;

    n = ngx_http_news_desk_may(r);
    if (n != NGX_DECLINED) {
        return n;
    }

    if (r->method == NGX_HTTP_POST) {
        w = ngx_http_news_awrite_new(r, NGX_HTTP_NEWS_A_PATCH, &rt->slug);
        if (w == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        w->path = rt->path;
        w->desk_action = NEWS_DESK_RESTORE;

        return ngx_http_news_read_body(r, 0, ngx_http_news_desk_restore_body);
    }

    n = ngx_http_discard_request_body(r);
    if (n != NGX_OK) {
        return n;
    }

    before = from = to = 0;

    if ((ngx_http_arg(r, (u_char *) "before", 6, &arg) == NGX_OK
         && ngx_http_news_desk_version(&arg, &before) != NGX_OK)
        || (ngx_http_arg(r, (u_char *) "diff", 4, &arg) == NGX_OK
            && ngx_http_news_desk_version(&arg, &from) != NGX_OK)
        || (ngx_http_arg(r, (u_char *) "to", 2, &arg) == NGX_OK
            && (from == 0 || ngx_http_news_desk_version(&arg, &to) != NGX_OK)))
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "A version is a whole number from "
                                        "1, and \"to\" goes with "
                                        "\"diff\".");
    }

    /* the pages' links name the article by it: NUL-terminated */
    slug = ngx_pnalloc(r->pool, rt->slug.len + 1);

    if (slug == NULL || ngx_http_news_form_of(r, &f, NULL, NULL) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_cpymem(slug, rt->slug.data, rt->slug.len) = '\0';
    b = ngx_http_news_buf(r);

    rc = from ? news_desk_diff_page(&ngx_http_news_module_store(r),
                                    ngx_http_news_actor(r, &actor),
                                    (char *) slug, rt->slug.len, from, to,
                                    &f, b, &err)
              : news_desk_revisions_page(&ngx_http_news_module_store(r),
                                         ngx_http_news_actor(r, &actor),
                                         (char *) slug, rt->slug.len,
                                         before, &f, b, &err);

    if (rc != NEWS_OK) {
        return ngx_http_news_refused(r, &err, 0);
    }

    return ngx_http_news_desk_send(r, NGX_HTTP_OK, b, &rt->path,
                                   from ? "Changes" : "Versions");
}


/*
 * fields: csrf, version.  The version's fields are read here and sent
 * as a patch, through the editors' write like any other.
 */
static ngx_int_t
ngx_http_news_desk_restore_body(ngx_http_request_t *r, ngx_str_t *body)
{
    uint32_t                 version;
    ngx_int_t                rc;
    ngx_str_t                value;
    news_err_t               err;
    news_actor_t             actor;
    ngx_http_news_awrite_t  *w;

    static const char  *names[] = { "version" };
    ngx_str_t          *values[] = { &value };

    w = ngx_http_news_get_ctx(r)->data;

    rc = ngx_http_news_form_read(r, body, names, values, 1);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (ngx_http_news_desk_version(&value, &version) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "A version is a whole number from "
                                        "1.");
    }

    if (news_desk_restore_patch(&ngx_http_news_module_store(r),
                                ngx_http_news_actor(r, &actor), w->slug,
                                ngx_strlen(w->slug), version, &w->patch,
                                &err)
        != NEWS_OK
        || news_article_patch_check(w->patch, &err) != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_desk_write, &w->now,
                                     w);
}


/* a version number: 1 to 2^32 - 1, digits only */
static ngx_int_t
ngx_http_news_desk_version(ngx_str_t *s, uint32_t *v)
{
    ngx_int_t  n;

    if (s->len == 0 || s->len > 10) {
        return NGX_ERROR;
    }

    n = ngx_atoi(s->data, s->len);

    if (n < 1 || (uint64_t) n > UINT32_MAX) {
        return NGX_ERROR;
    }

    *v = (uint32_t) n;

    return NGX_OK;
}
