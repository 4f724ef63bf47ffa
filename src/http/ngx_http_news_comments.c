/*
 * Comments over HTTP, the writes: the form and JSON posts, the author's
 * edits, the moderators' actions, closing an article's comments.  What
 * is read of them (the API's list, the form under an article, the
 * moderation queue, a thread's page) is in comment_pages.c.
 *
 * Input is parsed and checked on the event loop (cheap); every write goes
 * to the thread pool, where the writer (engine/writer.h) groups it with
 * others into one transaction and one fsync.  The write itself re-checks
 * everything that depends on the store (the article, the parent, the
 * author, the time window) inside its transaction.
 *
 * Why one file of about 900 lines: every kind of comment write (a post,
 * an edit, a deletion, a moderator's act, closing, a pick) is one
 * ngx_http_news_cwrite_t that goes the same way: begun by
 * cwrite_start() (the reader may, the acting user and the site's policy
 * copied for the thread), its text checked by set_text(), done by
 * cwrite_work() in the pool and answered by cwrite_done(); a split would
 * export that struct and those steps to every part.  The reads are
 * comment_pages.c; readers' reports are reports.c.
 */

#include "ngx_http_news.h"
#include "engine/comments.h"
#include "engine/service.h"
#include "engine/text.h"


/* the engine's comment acts (policy.h), and closing an article's */
enum {
    NGX_HTTP_NEWS_C_POST = NEWS_COMMENT_ACT_POST,
    NGX_HTTP_NEWS_C_EDIT = NEWS_COMMENT_ACT_EDIT,
    NGX_HTTP_NEWS_C_DELETE = NEWS_COMMENT_ACT_DELETE,
    NGX_HTTP_NEWS_C_HIDE = NEWS_COMMENT_ACT_HIDE,
    NGX_HTTP_NEWS_C_UNHIDE = NEWS_COMMENT_ACT_UNHIDE,
    NGX_HTTP_NEWS_C_APPROVE = NEWS_COMMENT_ACT_APPROVE,
    NGX_HTTP_NEWS_C_DISMISS = NEWS_COMMENT_ACT_DISMISS,
    NGX_HTTP_NEWS_C_FEATURE = NEWS_COMMENT_ACT_FEATURE,
    NGX_HTTP_NEWS_C_UNFEATURE = NEWS_COMMENT_ACT_UNFEATURE,
    NGX_HTTP_NEWS_C_CLOSE,
    NGX_HTTP_NEWS_C_OPEN
};


static const char  *ngx_http_news_c_actions[] = {
    "post", "edit", "delete", "hide", "unhide", "approve", "dismiss",
    "feature", "unfeature", "close", "open", NULL
};


/* one comment write: inputs copied for the thread, and its outcome */
typedef struct {
    ngx_uint_t          action;
    ngx_uint_t          json;
    char                slug[NEWS_SLUG_MAX + 1];
    uint64_t            id;             /* the comment acted on */
    news_comment_t      c;              /* a new comment */
    char                author[NEWS_NAME_MAX + 1];
    news_actor_t        actor;
    news_comment_policy_t  policy;
    int64_t             now;
    unsigned            retry;          /* out: 429 Retry-After */
    ngx_str_t           back;           /* where a form goes afterwards */
    news_writer_t      *writer;
    int                 rc;             /* out: NEWS_* */
    news_err_t          err;            /* out */
} ngx_http_news_cwrite_t;


static ngx_http_news_cwrite_t *ngx_http_news_cwrite(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t action);
static ngx_int_t ngx_http_news_cwrite_start(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t json, int act, ngx_uint_t action,
    ngx_http_news_cwrite_t **wp);
static ngx_int_t ngx_http_news_cwrite_comment(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, int act, ngx_uint_t action,
    ngx_http_news_cwrite_t **wp);
static ngx_int_t ngx_http_news_comment_form_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_comment_json_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_comment_action_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_api_comment_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_comments_closing(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t action);
static ngx_int_t ngx_http_news_comments_close_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_text_error(ngx_http_request_t *r,
    ngx_int_t rc, news_err_t *err);
static ngx_int_t ngx_http_news_retry_after(ngx_http_request_t *r,
    ngx_http_news_cwrite_t *w);
static ngx_int_t ngx_http_news_comment_again(ngx_http_request_t *r,
    ngx_http_news_cwrite_t *w, ngx_uint_t status, const char *error,
    const char *text, size_t len);
static ngx_int_t ngx_http_news_set_text(ngx_http_request_t *r,
    ngx_http_news_cwrite_t *w, const char *s, size_t n, news_err_t *err);
static void ngx_http_news_cwrite_work(void *data);
static ngx_int_t ngx_http_news_cwrite_done(ngx_http_request_t *r,
    void *data);
static ngx_int_t ngx_http_news_cwrite_error(ngx_http_request_t *r,
    ngx_http_news_cwrite_t *w);
static ngx_int_t ngx_http_news_comment_created(ngx_http_request_t *r,
    ngx_http_news_cwrite_t *w);


static const ngx_http_news_write_t  ngx_http_news_cwrite_write = {
    ngx_http_news_cwrite_work, ngx_http_news_cwrite_done
};


/* ---- posting ----------------------------------------------------------- */


ngx_int_t
ngx_http_news_comment_post(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_uint_t               json;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_cwrite_t  *w;

    ctx = ngx_http_news_get_ctx(r);
    json = ctx->json;

    rc = ngx_http_news_cwrite_start(r, rt, json, NEWS_ACT_ACCOUNT,
                                    NGX_HTTP_NEWS_C_POST, &w);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_read_body(r, json,
                                   json ? ngx_http_news_comment_json_body
                                        : ngx_http_news_comment_form_body);
}


static ngx_http_news_cwrite_t *
ngx_http_news_cwrite(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t action)
{
    news_user_t                *user;
    ngx_http_news_ctx_t        *ctx;
    ngx_http_news_cwrite_t     *w;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
    ctx = ngx_http_news_get_ctx(r);
    user = ngx_http_news_user(r);

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_news_cwrite_t));
    if (w == NULL || user == NULL) {
        return NULL;
    }

    w->action = action;
    w->json = ctx->json;
    if (rt->slug.len) {
        ngx_memcpy(w->slug, rt->slug.data,
                   ngx_min(rt->slug.len, NEWS_SLUG_MAX));
    }

    /* a copy of the name for the thread: the user's record is the request's */
    ngx_memcpy(w->author, user->name, user->name_len);
    ngx_http_news_actor(r, &w->actor);
    w->actor.name = w->author;
    ngx_http_news_comment_policy(r, &w->policy);
    w->writer = &nmcf->writer;

    return w;
}


void
ngx_http_news_comment_policy(ngx_http_request_t *r, news_comment_policy_t *p)
{
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    p->max_length = nmcf->comment_max;
    p->edit_window = nmcf->comment_edit_window;
    p->premoderation = nmcf->comment_premoderation;
    p->rate = nmcf->comment_rate;
    p->max_links = nmcf->comment_max_links;
    p->trust = nmcf->comment_trust;
    p->report_hide = nmcf->comment_report_hide;
    p->close_after = nmcf->comment_close_after;
}


/*
 * A comment write begins: the reader may (else the refusal is answered
 * here), and the write's state is made and kept in the request's ctx.
 * NGX_DECLINED: go on with *wp.
 */
static ngx_int_t
ngx_http_news_cwrite_start(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t json, int act, ngx_uint_t action, ngx_http_news_cwrite_t **wp)
{
    ngx_int_t                rc;
    ngx_http_news_cwrite_t  *w;

    rc = ngx_http_news_need_user(r, json, act);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    w = ngx_http_news_cwrite(r, rt, action);
    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_news_get_ctx(r)->data = w;
    *wp = w;

    return NGX_DECLINED;
}


static ngx_int_t
ngx_http_news_comment_form_body(ngx_http_request_t *r, ngx_str_t *body)
{
    news_err_t                 err;
    ngx_int_t                rc;
    ngx_str_t                parent, text;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_cwrite_t  *w;

    static const char  *names[] = { "parent", "body" };
    ngx_str_t          *values[] = { &parent, &text };

    ctx = ngx_http_news_get_ctx(r);
    w = ctx->data;

    rc = ngx_http_news_form_read(r, body, names, values, 2);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (parent.len
        && ngx_http_news_id((char *) parent.data, parent.len, &w->c.parent)
           != NGX_OK)
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The form was not filled in as "
                                        "expected.");
    }

    if (text.data == NULL) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "The form came without the comment's "
                                        "text.");
    }

    rc = ngx_http_news_set_text(r, w, (char *) text.data, text.len, &err);

    if (rc == NGX_DECLINED) {
        return ngx_http_news_comment_again(r, w, 422, err.msg,
                                           (char *) text.data, text.len);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_text_error(r, rc, &err);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                     &w->now, w);
}


static ngx_int_t
ngx_http_news_comment_json_body(ngx_http_request_t *r, ngx_str_t *body)
{
    news_err_t                 err;
    ngx_int_t                rc;
    cJSON                   *obj, *v;
    const char              *text;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_cwrite_t  *w;

    ctx = ngx_http_news_get_ctx(r);
    w = ctx->data;

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    /* an array's members have no names: only an object is walked */
    rc = cJSON_IsObject(obj) ? NGX_OK : NGX_DECLINED;
    text = NULL;

    for (v = rc == NGX_OK ? obj->child : NULL; v != NULL; v = v->next) {
        if (ngx_strcmp(v->string, "body") == 0 && cJSON_IsString(v)) {
            text = v->valuestring;

        } else if (ngx_strcmp(v->string, "parent") == 0
                   && (cJSON_IsNull(v)
                       || (cJSON_IsNumber(v) && v->valuedouble >= 1
                           && v->valuedouble < 9007199254740992.0
                           /* an id is whole: 1.5 is not "1" */
                           && (double) (uint64_t) v->valuedouble
                              == v->valuedouble)))
        {
            w->c.parent = cJSON_IsNull(v) ? 0 : (uint64_t) v->valuedouble;

        } else {
            rc = NGX_DECLINED;
        }
    }

    if (rc != NGX_OK || text == NULL) {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "send {\"body\": text} and, for a "
                                        "reply, \"parent\": an id");
    }

    rc = ngx_http_news_set_text(r, w, text, ngx_strlen(text), &err);
    cJSON_Delete(obj);

    if (rc != NGX_OK) {
        return ngx_http_news_text_error(r, rc, &err);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                     &w->now, w);
}


/*
 * A reader's comment the site refused comes back as the article page,
 * the text in the form and the reason tied to it, with the status.
 */
static ngx_int_t
ngx_http_news_comment_again(ngx_http_request_t *r, ngx_http_news_cwrite_t *w,
    ngx_uint_t status, const char *error, const char *text, size_t len)
{
    u_char                 *p;
    ngx_http_news_ctx_t    *ctx;
    ngx_http_news_route_t   rt;

    ctx = ngx_http_news_get_ctx(r);
    p = ngx_pnalloc(r->pool, sizeof(NEWS_ROUTE_ARTICLE) - 1 + NEWS_SLUG_MAX
                             + ngx_strlen(error) + len);
    if (ctx == NULL || p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* copies: the text and the message may live in a renderer's buffer */
    ctx->form_text.data = p;
    ctx->form_text.len = len;
    p = ngx_cpymem(p, text, len);

    ctx->form_error.data = p;
    ctx->form_error.len = ngx_strlen(error);
    p = ngx_cpymem(p, error, ctx->form_error.len);

    ctx->form_status = status;
    ctx->form_parent = w->c.parent;

    rt.path.data = p;
    p = ngx_cpymem(p, NEWS_ROUTE_ARTICLE, sizeof(NEWS_ROUTE_ARTICLE) - 1);
    rt.slug.data = p;
    p = ngx_cpymem(p, w->slug, ngx_strlen(w->slug));
    rt.slug.len = p - rt.slug.data;
    rt.path.len = p - rt.path.data;

    return ngx_http_news_article(r, &rt);
}


/* the answer to text that ngx_http_news_set_text() refused */
static ngx_int_t
ngx_http_news_text_error(ngx_http_request_t *r, ngx_int_t rc,
    news_err_t *err)
{
    if (rc == NGX_DECLINED) {
        return ngx_http_news_error(r, 422, "invalid", err->msg);
    }

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/*
 * Checks and normalises the text into r->pool for the thread: NGX_OK,
 * NGX_DECLINED when the text is refused (err says why), or NGX_ERROR.
 */
static ngx_int_t
ngx_http_news_set_text(ngx_http_request_t *r, ngx_http_news_cwrite_t *w,
    const char *s, size_t n, news_err_t *err)
{
    u_char                     *p;
    news_buf_t                  text;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);
    news_buf_init(&text);

    if (news_comment_text(s, n, nmcf->comment_max, &text, err) != NEWS_OK) {
        news_buf_free(&text);
        return err->code == NEWS_INVALID ? NGX_DECLINED : NGX_ERROR;
    }

    p = ngx_pnalloc(r->pool, text.len + 1);
    if (p == NULL) {
        news_buf_free(&text);
        return NGX_ERROR;
    }

    ngx_memcpy(p, text.data, text.len);
    p[text.len] = '\0';
    news_buf_free(&text);

    w->c.body = (char *) p;

    return NGX_OK;
}


/* a comment's number as the request gives it: a whole number from 1 */
ngx_int_t
ngx_http_news_id(const char *s, size_t n, uint64_t *id)
{
    ngx_int_t  v;

    v = ngx_atoi((u_char *) s, n);
    if (v < 1) {
        return NGX_ERROR;
    }

    *id = (uint64_t) v;

    return NGX_OK;
}


/* ---- edits, deletions, moderation --------------------------------------- */


/*
 * The forms of the comment slot and of the moderation page: fields id,
 * action (edit, delete, hide, unhide, approve), body for an edit, csrf.
 */
ngx_int_t
ngx_http_news_comment_action(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_http_news_cwrite_t  *w;

    rc = ngx_http_news_cwrite_start(r, rt, 0, NEWS_ACT_ACCOUNT,
                                    NGX_HTTP_NEWS_C_EDIT, &w);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_read_body(r, 0, ngx_http_news_comment_action_body);
}


static ngx_int_t
ngx_http_news_comment_action_body(ngx_http_request_t *r, ngx_str_t *body)
{
    news_err_t                 err;
    ngx_int_t                  rc;
    ngx_uint_t                 i;
    ngx_str_t                  id, value, text;
    ngx_http_news_ctx_t       *ctx;
    ngx_http_news_cwrite_t    *w;

    static const char  *names[] = { "id", "action", "body" };
    ngx_str_t          *values[] = { &id, &value, &text };

    ctx = ngx_http_news_get_ctx(r);
    w = ctx->data;

    rc = ngx_http_news_form_read(r, body, names, values, 3);
    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (ngx_http_news_id((char *) id.data, id.len, &w->id) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "Say which comment, by its number.");
    }

    /* the article's buttons; its reports are dismissed on their tab */
    for (i = NGX_HTTP_NEWS_C_EDIT; i <= NGX_HTTP_NEWS_C_UNFEATURE; i++) {
        if (i != NGX_HTTP_NEWS_C_DISMISS
            && ngx_strlen(ngx_http_news_c_actions[i]) == value.len
            && ngx_strncmp(ngx_http_news_c_actions[i], value.data, value.len)
               == 0)
        {
            break;
        }
    }

    if (i > NGX_HTTP_NEWS_C_UNFEATURE) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Unknown action.");
    }

    w->action = i;

    if (w->action == NGX_HTTP_NEWS_C_EDIT) {
        if (text.data == NULL) {
            return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                            "Bad request",
                                            "The form came without the "
                                            "comment's text.");
        }

        rc = ngx_http_news_set_text(r, w, (char *) text.data, text.len,
                                    &err);
        if (rc != NGX_OK) {
            return ngx_http_news_text_error(r, rc, &err);
        }
    }

    /* back to the article, or to the queue the moderator came from */
    if (w->slug[0] == '\0'
        && ngx_http_news_site_path(r, &w->back,
                                   sizeof(NEWS_ROUTE_MODERATION) - 1,
                                   NEWS_ROUTE_MODERATION)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                     &w->now, w);
}


/*
 * A JSON write of comment {id} begins (see cwrite_start), which names no
 * article; an id that is not a number is no comment: 404
 */
static ngx_int_t
ngx_http_news_cwrite_comment(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    int act, ngx_uint_t action, ngx_http_news_cwrite_t **wp)
{
    ngx_int_t  rc;

    rc = ngx_http_news_cwrite_start(r, rt, 1, act, action, wp);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    (*wp)->slug[0] = '\0';

    if (ngx_http_news_id((char *) rt->slug.data, rt->slug.len, &(*wp)->id)
        == NGX_OK)
    {
        return NGX_DECLINED;
    }

    rc = ngx_http_discard_request_body(r);

    return rc != NGX_OK ? rc
                        : ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND,
                                                   "not_found",
                                                   "no such comment");
}


/* PATCH {"body"} (the author) or {"status"} (moderators); DELETE */
ngx_int_t
ngx_http_news_api_comment(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_http_news_cwrite_t  *w;

    rc = ngx_http_news_cwrite_comment(r, rt, NEWS_ACT_ACCOUNT,
                                      NGX_HTTP_NEWS_C_DELETE, &w);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                         &w->now, w);
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_api_comment_body);
}


static ngx_int_t
ngx_http_news_api_comment_body(ngx_http_request_t *r, ngx_str_t *body)
{
    news_err_t                 err;
    ngx_int_t                rc;
    cJSON                   *obj, *v;
    const char              *s;
    ngx_http_news_ctx_t     *ctx;
    ngx_http_news_cwrite_t  *w;

    ctx = ngx_http_news_get_ctx(r);
    w = ctx->data;

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    rc = NGX_DECLINED;
    v = cJSON_GetObjectItemCaseSensitive(obj, "body");
    s = cJSON_GetStringValue(v);

    if (cJSON_IsObject(obj) && cJSON_GetArraySize(obj) == 1 && s != NULL) {
        w->action = NGX_HTTP_NEWS_C_EDIT;
        rc = ngx_http_news_set_text(r, w, s, ngx_strlen(s), &err);
        if (rc != NGX_OK) {
            cJSON_Delete(obj);
            return ngx_http_news_text_error(r, rc, &err);
        }
    }

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                              "status"));

    if (cJSON_IsObject(obj) && cJSON_GetArraySize(obj) == 1 && s != NULL) {
        rc = NGX_OK;

        if (ngx_strcmp(s, "hidden") == 0) {
            w->action = NGX_HTTP_NEWS_C_HIDE;

        } else if (ngx_strcmp(s, "visible") == 0) {
            w->action = NGX_HTTP_NEWS_C_UNHIDE;

        } else {
            rc = NGX_DECLINED;
        }
    }

    cJSON_Delete(obj);

    if (rc != NGX_OK) {
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "send {\"body\": text} or "
                                        "{\"status\": \"hidden\" or "
                                        "\"visible\"}");
    }

    return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                     &w->now, w);
}


/* editors close and reopen an article's comments */
ngx_int_t
ngx_http_news_comments_close(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_comments_closing(r, rt, NGX_HTTP_NEWS_C_CLOSE);
}


ngx_int_t
ngx_http_news_comments_open(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_comments_closing(r, rt, NGX_HTTP_NEWS_C_OPEN);
}


static ngx_int_t
ngx_http_news_comments_closing(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t action)
{
    ngx_int_t                rc;
    ngx_http_news_cwrite_t  *w;

    rc = ngx_http_news_cwrite_start(r, rt, 1, NEWS_ACT_EDIT, action, &w);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_comments_close_body);
}


/*
 * An editors' pick: POST /api/comments/{id}/featured, DELETE to undo;
 * 204.  Readers and moderators are refused before any body is read.
 */
ngx_int_t
ngx_http_news_api_featured(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_http_news_cwrite_t  *w;

    rc = ngx_http_news_cwrite_comment(r, rt, NEWS_ACT_EDIT,
                                      r->method == NGX_HTTP_DELETE
                                      ? NGX_HTTP_NEWS_C_UNFEATURE
                                      : NGX_HTTP_NEWS_C_FEATURE, &w);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_DELETE) {
        return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                         &w->now, w);
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_comments_close_body);
}


/*
 * No body or {}: sent as JSON like every other write of the API (closing
 * or opening an article's comments, an editors' pick)
 */
static ngx_int_t
ngx_http_news_comments_close_body(ngx_http_request_t *r, ngx_str_t *body)
{
    cJSON                   *obj;
    ngx_int_t                rc;
    ngx_uint_t               empty;
    ngx_http_news_cwrite_t  *w;

    if (body->len != 0) {
        obj = ngx_http_news_json_body(r, body, &rc);
        if (obj == NULL) {
            return rc;
        }

        empty = cJSON_IsObject(obj) && obj->child == NULL;
        cJSON_Delete(obj);

        if (!empty) {
            return ngx_http_news_json_error(r, 422, "invalid",
                                            "send no body or {}");
        }
    }

    w = ngx_http_news_get_ctx(r)->data;

    return ngx_http_news_write_start(r, &ngx_http_news_cwrite_write,
                                     &w->now, w);
}


/* ---- the write, in the thread pool -------------------------------------- */


/* in a pool thread: the engine's call, which decides who may */
static void
ngx_http_news_cwrite_work(void *data)
{
    ngx_http_news_cwrite_t  *w = data;

    switch (w->action) {

    case NGX_HTTP_NEWS_C_POST:
        w->rc = news_comment_add(w->writer, &w->policy, &w->actor, w->slug,
                                 &w->c, w->now, &w->retry, &w->err);
        break;

    case NGX_HTTP_NEWS_C_CLOSE:
    case NGX_HTTP_NEWS_C_OPEN:
        w->rc = news_article_set_closed(w->writer, &w->actor, w->slug,
                                        w->action == NGX_HTTP_NEWS_C_CLOSE,
                                        w->now, &w->err);
        break;

    default:
        w->rc = news_comment_change(w->writer, &w->policy, &w->actor,
                                    w->slug, w->id, (int) w->action,
                                    w->c.body, w->now, &w->err);
    }
}


/* ---- answering ---------------------------------------------------------- */


static ngx_int_t
ngx_http_news_cwrite_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_cwrite_t *w = data;

    ngx_str_t                  location;
    ngx_http_news_loc_conf_t  *nlcf;

    if (w->rc != NEWS_OK && !w->json && w->action == NGX_HTTP_NEWS_C_POST
        && (w->rc == NEWS_INVALID || w->rc == NEWS_GONE
            || w->rc == NEWS_FORBIDDEN || w->rc == NEWS_LIMITED
            || w->rc == NEWS_CONFLICT))
    {
        if (ngx_http_news_retry_after(r, w) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_comment_again(r, w,
                                           w->rc == NEWS_FORBIDDEN
                                           ? NGX_HTTP_FORBIDDEN
                                           : w->rc == NEWS_LIMITED
                                             ? NGX_HTTP_TOO_MANY_REQUESTS
                                           : w->rc == NEWS_CONFLICT
                                             ? NGX_HTTP_CONFLICT
                                             : 422,
                                           w->err.msg, w->c.body,
                                           ngx_strlen(w->c.body));
    }

    if (w->rc != NEWS_OK) {
        return ngx_http_news_cwrite_error(r, w);
    }

    if (w->json && w->action == NGX_HTTP_NEWS_C_POST) {
        return ngx_http_news_comment_created(r, w);
    }

    if (w->json) {
        return ngx_http_news_no_content(r);
    }

    if (w->back.len) {
        return ngx_http_news_see_other(r, &w->back);
    }

    /* back to the article, at the comment */
    if (ngx_http_news_site_path(r, &location,
                                sizeof(NEWS_ROUTE_ARTICLE "#comment-") - 1
                                + NEWS_SLUG_MAX + NGX_INT64_LEN,
                                NEWS_ROUTE_ARTICLE "%s#comment-%uL", w->slug,
                                w->action == NGX_HTTP_NEWS_C_POST
                                ? w->c.id : w->id)
        != NGX_OK)
    {
        /* the write is committed: say so, back to the front page */
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "news: comment on \"%s\" written; no memory for its "
                      "address", w->slug);
        nlcf = ngx_http_get_module_loc_conf(r, ngx_http_news_module);
        return ngx_http_news_see_other(r, &nlcf->prefix);
    }

    return ngx_http_news_see_other(r, &location);
}


static ngx_int_t
ngx_http_news_cwrite_error(ngx_http_request_t *r, ngx_http_news_cwrite_t *w)
{
    if (ngx_http_news_retry_after(r, w) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_refused(r, &w->err, w->json);
}


/* a post refused for its pace says when to come back */
static ngx_int_t
ngx_http_news_retry_after(ngx_http_request_t *r, ngx_http_news_cwrite_t *w)
{
    u_char  *p;

    if (w->rc != NEWS_LIMITED) {
        return NGX_OK;
    }

    p = ngx_pnalloc(r->pool, NGX_INT_T_LEN + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    *ngx_sprintf(p, "%ui", (ngx_uint_t) w->retry) = '\0';

    return ngx_http_news_add_header(r, "Retry-After", (char *) p);
}


static ngx_int_t
ngx_http_news_comment_created(ngx_http_request_t *r, ngx_http_news_cwrite_t *w)
{
    news_buf_t  *b;

    b = ngx_http_news_buf(r);

    news_comment_json(b, &w->c);
    news_buf_addc(b, '\n');

    return ngx_http_news_send_written(r, NGX_HTTP_CREATED, b,
                                      "{\"id\":%uL,\"status\":\"%s\"}\n",
                                      w->c.id,
                                      news_comment_status_name(w->c.status));
}
