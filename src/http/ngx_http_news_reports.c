/*
 * Readers' reports of comments over HTTP: POST /api/comments/{id}/reports
 * (a report) and DELETE (a moderator dismisses them), the report form
 * under each comment's "Report" link (/comments/{id}/report), and the
 * moderators' "Reported" tab (/moderation/reported) with its buttons.
 *
 * Requests are read and checked here; the report, the dismissal or the
 * moderator's act goes to the thread pool as one engine call
 * (service.h), which asks policy.c again inside its transaction.
 */

#include "ngx_http_news.h"
#include "engine/community.h"
#include "engine/render_account.h"
#include "engine/routes.h"
#include "engine/service.h"

#include <cjson/cJSON.h>


#define NGX_HTTP_NEWS_REPORT  -1        /* the act: a report, not a
                                           NEWS_COMMENT_ACT_* */

/* a report or a moderator's act: inputs for the thread, its outcome */
typedef struct {
    ngx_uint_t              json;
    int                     action;     /* NGX_HTTP_NEWS_REPORT or
                                           NEWS_COMMENT_ACT_* */
    int                     reason;     /* NEWS_REPORT_* */
    uint64_t                id;
    char                    note[NEWS_REPORT_NOTE_MAX + 1];
    news_actor_t            actor;
    news_comment_policy_t   policy;
    int64_t                 now;
    ngx_str_t               path;       /* the page, for its skip link */
    news_writer_t          *writer;
    int                     rc;         /* out: NEWS_* */
    news_err_t              err;        /* out */
} ngx_http_news_report_t;


static ngx_http_news_report_t *ngx_http_news_report_new(
    ngx_http_request_t *r, ngx_http_news_route_t *rt, ngx_uint_t json);
static ngx_int_t ngx_http_news_report_start(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t json, int act,
    ngx_http_news_report_t **rpp);
static ngx_int_t ngx_http_news_report_json_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_report_form_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_report_form(ngx_http_request_t *r,
    ngx_uint_t status, const char *field, const char *msg,
    const char *notice);
static ngx_int_t ngx_http_news_reported_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_reported_page(ngx_http_request_t *r,
    ngx_uint_t status, const char *msg);
static void ngx_http_news_report_work(void *data);
static ngx_int_t ngx_http_news_report_done(ngx_http_request_t *r,
    void *data);


static const ngx_http_news_write_t  ngx_http_news_report_write = {
    ngx_http_news_report_work, ngx_http_news_report_done
};


static ngx_http_news_report_t *
ngx_http_news_report_new(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t json)
{
    ngx_http_news_report_t     *rp;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    rp = ngx_pcalloc(r->pool, sizeof(ngx_http_news_report_t));
    if (rp == NULL || ngx_http_news_actor(r, &rp->actor) == NULL) {
        return NULL;
    }

    rp->json = json;
    rp->path = rt->path;
    rp->action = NGX_HTTP_NEWS_REPORT;
    rp->writer = &nmcf->writer;
    ngx_http_news_comment_policy(r, &rp->policy);
    ngx_http_news_get_ctx(r)->data = rp;

    return rp;
}


/*
 * A report or a dismissal of comment {id} begins: the reader may (else
 * the refusal is answered here) and the id is a number (else 404).
 * NGX_DECLINED: go on with *rpp.
 */
static ngx_int_t
ngx_http_news_report_start(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t json, int act, ngx_http_news_report_t **rpp)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, json, act);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    *rpp = ngx_http_news_report_new(r, rt, json);
    if (*rpp == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_id((char *) rt->slug.data, rt->slug.len, &(*rpp)->id)
        == NGX_OK)
    {
        return NGX_DECLINED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    return json ? ngx_http_news_json_error(r, NGX_HTTP_NOT_FOUND, "not_found",
                                           "no such comment")
                : ngx_http_news_html_error(r, NGX_HTTP_NOT_FOUND, "Not found",
                                           "There is no such comment.");
}


/* ---- the API ------------------------------------------------------------- */


/* POST {"reason", "note"}: a report; DELETE: a moderator dismisses them */
ngx_int_t
ngx_http_news_api_reports(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_http_news_report_t  *rp;

    rc = ngx_http_news_report_start(r, rt, 1,
                                    r->method == NGX_HTTP_DELETE
                                    ? NEWS_ACT_MODERATE : NEWS_ACT_ACCOUNT,
                                    &rp);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_discard_request_body(r);
        rp->action = NEWS_COMMENT_ACT_DISMISS;
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_write_start(r, &ngx_http_news_report_write,
                                         &rp->now, rp);
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_report_json_body);
}


static ngx_int_t
ngx_http_news_report_json_body(ngx_http_request_t *r, ngx_str_t *body)
{
    cJSON                   *obj, *reason, *note;
    ngx_int_t                rc;
    news_err_t               err;
    ngx_http_news_report_t  *rp;

    rp = ngx_http_news_get_ctx(r)->data;

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    reason = cJSON_GetObjectItemCaseSensitive(obj, "reason");
    note = cJSON_GetObjectItemCaseSensitive(obj, "note");

    rp->reason = cJSON_IsString(reason)
                 ? news_report_reason_parse(reason->valuestring,
                                            ngx_strlen(reason->valuestring))
                 : -1;

    if (!cJSON_IsObject(obj)
        || cJSON_GetArraySize(obj) != (note != NULL) + 1
        || rp->reason < 0
        || (note != NULL && !cJSON_IsString(note)))
    {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "send {\"reason\": \"spam\", "
                                        "\"abuse\", \"off_topic\" or "
                                        "\"other\", \"note\": text}");
    }

    if (note != NULL
        && news_report_note_check(note->valuestring,
                                  ngx_strlen(note->valuestring), &err)
           != NEWS_OK)
    {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid", err.msg);
    }

    if (note != NULL) {
        ngx_cpystrn((u_char *) rp->note, (u_char *) note->valuestring,
                    sizeof(rp->note));
    }

    cJSON_Delete(obj);

    return ngx_http_news_write_start(r, &ngx_http_news_report_write,
                                     &rp->now, rp);
}


/* ---- the reader's form --------------------------------------------------- */


/* GET: the form under a comment's "Report" link; POST: the report */
ngx_int_t
ngx_http_news_report_page(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t                rc;
    ngx_http_news_report_t  *rp;

    rc = ngx_http_news_report_start(r, rt, 0, NEWS_ACT_ACCOUNT, &rp);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_report_form_body);
    }

    return ngx_http_news_report_form(r, NGX_HTTP_OK, NULL, NULL, NULL);
}


/* fields: csrf, reason, note */
static ngx_int_t
ngx_http_news_report_form_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t                rc;
    ngx_str_t                reason, note;
    news_err_t               err;
    ngx_http_news_report_t  *rp;

    static const char  *names[] = { "reason", "note" };
    ngx_str_t          *values[] = { &reason, &note };

    rp = ngx_http_news_get_ctx(r)->data;

    rc = ngx_http_news_form_read(r, body, names, values, 2);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_report_form(r, rc, NULL,
                                         NGX_HTTP_NEWS_FORM_EXPIRED, NULL);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    rp->reason = news_report_reason_parse((char *) reason.data, reason.len);

    if (rp->reason < 0) {
        return ngx_http_news_report_form(r, 422, NULL, "Choose what is "
                                         "wrong with the comment.", NULL);
    }

    if (news_report_note_check((char *) note.data, note.len, &err)
        != NEWS_OK)
    {
        return ngx_http_news_report_form(r, 422, "note", err.msg, NULL);
    }

    /* an absent note comes as NULL, which memcpy may not take */
    if (note.len) {
        ngx_memcpy(rp->note, note.data, note.len);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_report_write,
                                     &rp->now, rp);
}


/* the form (an error tied to a field, or above it), or the thanks */
static ngx_int_t
ngx_http_news_report_form(ngx_http_request_t *r, ngx_uint_t status,
    const char *field, const char *msg, const char *notice)
{
    news_buf_t              *b;
    news_err_t               err;
    news_form_t              f;
    ngx_http_news_page_t     pg;
    ngx_http_news_report_t  *rp;

    rp = ngx_http_news_get_ctx(r)->data;

    if (ngx_http_news_form_of(r, &f, field, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f.notice = notice;
    b = ngx_http_news_buf(r);

    if (news_report_form_page(&ngx_http_news_module_store(r), &rp->actor,
                              rp->id, &f, ngx_time(), b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Report a comment");
    pg.path = rp->path;

    return ngx_http_news_form_send(r, status, b, &pg);
}


/* ---- the moderators' tab ------------------------------------------------- */


/* GET ?after=COUNT-ID: a page of the tab; POST: a button of it */
ngx_int_t
ngx_http_news_moderation_reported(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_need_user(r, 0, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (ngx_http_news_report_new(r, rt, 0) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_reported_body);
    }

    return ngx_http_news_reported_page(r, NGX_HTTP_OK, NULL);
}


/* fields: csrf, id, action (dismiss, hide, delete) */
static ngx_int_t
ngx_http_news_reported_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t                rc;
    ngx_str_t                id, action;
    ngx_http_news_report_t  *rp;

    static const char  *names[] = { "id", "action" };
    ngx_str_t          *values[] = { &id, &action };

    rp = ngx_http_news_get_ctx(r)->data;

    rc = ngx_http_news_form_read(r, body, names, values, 2);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_reported_page(r, rc, NGX_HTTP_NEWS_FORM_EXPIRED);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (ngx_http_news_id((char *) id.data, id.len, &rp->id) != NGX_OK) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request",
                                        "Say which comment, by its number.");
    }

    rp->action = -1;

    if (action.len == 7 && ngx_strncmp(action.data, "dismiss", 7) == 0) {
        rp->action = NEWS_COMMENT_ACT_DISMISS;

    } else if (action.len == 4 && ngx_strncmp(action.data, "hide", 4) == 0) {
        rp->action = NEWS_COMMENT_ACT_HIDE;

    } else if (action.len == 6
               && ngx_strncmp(action.data, "delete", 6) == 0)
    {
        rp->action = NEWS_COMMENT_ACT_DELETE;
    }

    if (rp->action < 0) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Unknown action.");
    }

    return ngx_http_news_write_start(r, &ngx_http_news_report_write,
                                     &rp->now, rp);
}


/* the tab, from ?after=COUNT-ID (the "More" link), with an error */
static ngx_int_t
ngx_http_news_reported_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg)
{
    u_char                  *dash;
    ngx_int_t                count, id;
    ngx_str_t                value;
    news_buf_t              *b;
    news_err_t               err;
    news_form_t              f;
    ngx_http_news_page_t     pg;
    ngx_http_news_report_t  *rp;

    rp = ngx_http_news_get_ctx(r)->data;
    count = 0;
    id = 0;

    if (r->method != NGX_HTTP_POST
        && ngx_http_arg(r, (u_char *) "after", 5, &value) == NGX_OK)
    {
        dash = ngx_strlchr(value.data, value.data + value.len, '-');

        if (dash != NULL) {
            count = ngx_atoi(value.data, dash - value.data);
            id = ngx_atoi(dash + 1, value.data + value.len - dash - 1);
        }

        if (dash == NULL || count < 1 || count > NGX_MAX_UINT32_VALUE
            || id < 1)
        {
            return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                            "Bad request", "That link to "
                                            "the reported comments is not "
                                            "one of ours.");
        }
    }

    if (ngx_http_news_form_of(r, &f, NULL, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_news_buf(r);

    if (news_reports_page(&ngx_http_news_module_store(r), &rp->actor,
                          (uint32_t) count, (uint64_t) id, &f, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Reported comments");
    pg.path = rp->path;

    return ngx_http_news_form_send(r, status, b, &pg);
}


/* ---- the write, in the thread pool --------------------------------------- */


/* in a pool thread */
static void
ngx_http_news_report_work(void *data)
{
    ngx_http_news_report_t  *rp = data;

    if (rp->action == NGX_HTTP_NEWS_REPORT) {
        rp->rc = news_comment_report(rp->writer, &rp->policy, &rp->actor,
                                     rp->id, rp->reason, rp->note, rp->now,
                                     &rp->err);
        return;
    }

    rp->rc = news_comment_change(rp->writer, &rp->policy, &rp->actor, NULL,
                                 rp->id, rp->action, NULL, rp->now,
                                 &rp->err);
}


static ngx_int_t
ngx_http_news_report_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_report_t  *rp = data;

    ngx_str_t  back;

    if (rp->json && rp->rc == NEWS_OK) {
        return ngx_http_news_no_content(r);
    }

    if (rp->rc != NEWS_OK) {
        return ngx_http_news_refused(r, &rp->err, rp->json);
    }

    if (rp->action == NGX_HTTP_NEWS_REPORT) {
        return ngx_http_news_report_form(r, NGX_HTTP_OK, NULL, NULL,
                                         "Thank you: a moderator will look "
                                         "at this comment.");
    }

    if (ngx_http_news_site_path(r, &back,
                                sizeof(NEWS_ROUTE_MODERATION_REPORTED) - 1,
                                NEWS_ROUTE_MODERATION_REPORTED)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_see_other(r, &back);
}
