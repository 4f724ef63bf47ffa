/*
 * The moderators' tools over HTTP: readers' suspensions and bans
 * (/api/users/{name}/suspension, the user's page /moderation/users/{name}
 * with their comments), the moderation log.  The word lists are
 * words.c's.
 *
 * Requests are read and checked here; every change goes to the thread
 * pool as one engine call (service.h), which asks policy.c again and
 * writes through the group-commit writer.
 */

#include "ngx_http_news.h"
#include "engine/render_account.h"
#include "engine/service.h"
#include "engine/community.h"

#include <cjson/cJSON.h>


/* a suspension, a ban, its lifting, or a user's comments deleted */
typedef struct {
    ngx_uint_t          json;
    int                 action;         /* NEWS_JUDGE_* */
    news_actor_t        actor;
    char                name[NEWS_NAME_MAX + 1];
    ngx_str_t           path;           /* the user's page, for its skip link */
    int                 days;           /* -1: a ban */
    char                reason[NEWS_REASON_MAX + 1];
    uint64_t            from;           /* deleting: where the next batch */
    size_t              removed;
    /*
     * what a deletion answers, written after its commits: made with the
     * act, before the write, so that the JSON answer allocates nothing
     * of its own between the commit and the answer (a failure there
     * would answer 500 for a write made)
     */
    u_char              said[sizeof("{\"deleted\":}\n") - 1
                             + NGX_SIZE_T_LEN
                             + sizeof(" comments deleted.")];
    int                 more;
    int64_t             now;
    news_writer_t      *writer;
    int                 rc;             /* out: NEWS_* */
    news_err_t          err;            /* out */
} ngx_http_news_judge_t;


static ngx_int_t ngx_http_news_judge_start(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t json, ngx_http_news_judge_t **jp);
static ngx_int_t ngx_http_news_suspension_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_user_form_body(ngx_http_request_t *r,
    ngx_str_t *body);
static void ngx_http_news_judge_work(void *data);
static ngx_int_t ngx_http_news_judge_done(ngx_http_request_t *r,
    void *data);
static ngx_int_t ngx_http_news_user_page(ngx_http_request_t *r,
    ngx_uint_t status, const char *field, const char *msg,
    const char *notice);
static ngx_int_t ngx_http_news_modlog(ngx_http_request_t *r,
    ngx_http_news_route_t *rt, ngx_uint_t json);


static const ngx_http_news_write_t  ngx_http_news_judge_write = {
    ngx_http_news_judge_work, ngx_http_news_judge_done
};


/* ---- readers' standing -------------------------------------------------- */


/*
 * A moderator's act on the user {name} begins: the reader may (else the
 * refusal is answered here) and the act's state is made.  NGX_DECLINED:
 * go on with *jp.
 */
static ngx_int_t
ngx_http_news_judge_start(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t json, ngx_http_news_judge_t **jp)
{
    ngx_int_t                   rc;
    ngx_http_news_judge_t      *j;
    ngx_http_news_main_conf_t  *nmcf;

    rc = ngx_http_news_need_user(r, json, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    j = ngx_pcalloc(r->pool, sizeof(ngx_http_news_judge_t));
    if (j == NULL || ngx_http_news_actor(r, &j->actor) == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* the router takes only a valid username here (NEWS_NAME_MAX) */
    ngx_memcpy(j->name, rt->slug.data, rt->slug.len);
    j->path = rt->path;
    j->json = json;
    j->writer = &nmcf->writer;
    ngx_http_news_get_ctx(r)->data = j;
    *jp = j;

    return NGX_DECLINED;
}


/* POST {"days": N or null, "reason": "..."}: a suspension or a ban */
ngx_int_t
ngx_http_news_api_suspension(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t               rc;
    ngx_http_news_judge_t  *j;

    rc = ngx_http_news_judge_start(r, rt, 1, &j);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_DELETE) {
        rc = ngx_http_discard_request_body(r);
        j->action = NEWS_JUDGE_LIFT;
        if (rc != NGX_OK) {
            return rc;
        }

        return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                         &j->now, j);
    }

    return ngx_http_news_read_body(r, 1, ngx_http_news_suspension_body);
}


static ngx_int_t
ngx_http_news_suspension_body(ngx_http_request_t *r, ngx_str_t *body)
{
    cJSON                  *obj, *days, *reason;
    ngx_int_t               rc;
    news_err_t              err;
    ngx_http_news_judge_t  *j;

    j = ngx_http_news_get_ctx(r)->data;

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    days = cJSON_GetObjectItemCaseSensitive(obj, "days");
    reason = cJSON_GetObjectItemCaseSensitive(obj, "reason");

    if (!cJSON_IsObject(obj)
        || cJSON_GetArraySize(obj) != (reason != NULL) + 1
        || !(cJSON_IsNull(days)
             || (cJSON_IsNumber(days)
                 && days->valuedouble == days->valueint
                 && news_suspend_days_check(days->valueint, &err)
                    == NEWS_OK))
        || (reason != NULL && !cJSON_IsString(reason)))
    {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "send {\"days\": 1 to 3650, or null "
                                        "for a ban, \"reason\": text}");
    }

    if (reason != NULL
        && news_reason_check(reason->valuestring,
                             ngx_strlen(reason->valuestring), &err)
           != NEWS_OK)
    {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid", err.msg);
    }

    j->action = NEWS_JUDGE_SUSPEND;
    j->days = cJSON_IsNull(days) ? -1 : (int) days->valuedouble;

    if (reason != NULL) {
        ngx_cpystrn((u_char *) j->reason, (u_char *) reason->valuestring,
                    sizeof(j->reason));
    }

    cJSON_Delete(obj);

    return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                     &j->now, j);
}


/* DELETE: every comment of the user, as "Delete all comments" does */
ngx_int_t
ngx_http_news_api_user_comments(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t               rc;
    ngx_http_news_judge_t  *j;

    rc = ngx_http_news_judge_start(r, rt, 1, &j);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    j->action = NEWS_JUDGE_REMOVE;

    return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                     &j->now, j);
}


/* GET: the user's page; POST: its forms (action, days, reason, csrf) */
ngx_int_t
ngx_http_news_moderation_user(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t               rc;
    ngx_http_news_judge_t  *j;

    rc = ngx_http_news_judge_start(r, rt, 0, &j);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    if (r->method == NGX_HTTP_POST) {
        return ngx_http_news_read_body(r, 0, ngx_http_news_user_form_body);
    }

    return ngx_http_news_user_page(r, NGX_HTTP_OK, NULL, NULL, NULL);
}


static ngx_int_t
ngx_http_news_user_form_body(ngx_http_request_t *r, ngx_str_t *body)
{
    ngx_int_t               rc, days;
    ngx_str_t               action, value, reason;
    news_err_t              err;
    ngx_http_news_judge_t  *j;

    static const char  *names[] = { "action", "days", "reason" };
    ngx_str_t          *values[] = { &action, &value, &reason };

    j = ngx_http_news_get_ctx(r)->data;

    rc = ngx_http_news_form_read(r, body, names, values, 3);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_user_page(r, rc, NULL,
                                       NGX_HTTP_NEWS_FORM_EXPIRED, NULL);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    if (action.len == 4 && ngx_strncmp(action.data, "lift", 4) == 0)
    {
        j->action = NEWS_JUDGE_LIFT;
        return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                         &j->now, j);
    }

    if (action.len == 15
        && ngx_strncmp(action.data, "delete-comments", 15) == 0)
    {
        j->action = NEWS_JUDGE_REMOVE;
        return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                         &j->now, j);
    }

    if (action.len != 7 || ngx_strncmp(action.data, "suspend", 7) != 0) {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Unknown action.");
    }

    days = value.len ? ngx_atoi(value.data, value.len) : -1;

    if (value.len && news_suspend_days_check(days, &err) != NEWS_OK) {
        return ngx_http_news_user_page(r, 422, "days", "A suspension is 1 "
                                       "to 3650 days; leave it empty for a "
                                       "ban.", NULL);
    }

    if (reason.len
        && (news_reason_check((char *) reason.data, reason.len, &err)
            != NEWS_OK))
    {
        return ngx_http_news_user_page(r, 422, "reason", err.msg, NULL);
    }

    j->action = NEWS_JUDGE_SUSPEND;
    j->days = (int) days;

    if (reason.len) {
        ngx_memcpy(j->reason, reason.data, reason.len);
    }

    return ngx_http_news_write_start(r, &ngx_http_news_judge_write,
                                     &j->now, j);
}


/*
 * In a pool thread.  Deleting every comment of a user is a batch a
 * write, each through the group-commit writer, so that other writes go
 * between them.
 */
static void
ngx_http_news_judge_work(void *data)
{
    ngx_http_news_judge_t  *j = data;

    size_t  removed;

    switch (j->action) {

    case NEWS_JUDGE_SUSPEND:
        j->rc = news_user_suspend(j->writer, &j->actor, j->name, j->days,
                                  j->reason, j->now, &j->err);
        break;

    case NEWS_JUDGE_LIFT:
        j->rc = news_user_lift(j->writer, &j->actor, j->name, j->now,
                               &j->err);
        break;

    default:
        do {
            j->rc = news_user_comments_remove(j->writer, &j->actor, j->name,
                                              &j->from, &removed, &j->more,
                                              j->now, &j->err);
            j->removed += removed;
        } while (j->rc == NEWS_OK && j->more);
    }
}


static ngx_int_t
ngx_http_news_judge_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_judge_t  *j = data;

    ngx_str_t  back, answer;

    if (j->json && j->rc == NEWS_OK && j->action == NEWS_JUDGE_REMOVE) {
        answer.data = j->said;
        answer.len = ngx_sprintf(j->said, "{\"deleted\":%uz}\n", j->removed)
                     - j->said;

        return ngx_http_news_send(r, NGX_HTTP_OK, &ngx_http_news_json_type,
                                  &answer, 1);
    }

    if (j->json) {
        return j->rc == NEWS_OK ? ngx_http_news_no_content(r)
                                : ngx_http_news_refused(r, &j->err, 1);
    }

    if (j->rc == NEWS_CONFLICT) {
        return ngx_http_news_user_page(r, NGX_HTTP_CONFLICT, NULL,
                                       j->err.msg, NULL);
    }

    if (j->rc != NEWS_OK) {
        return ngx_http_news_refused(r, &j->err, 0);
    }

    if (j->action == NEWS_JUDGE_REMOVE) {
        *ngx_sprintf(j->said, "%uz comments deleted.", j->removed) = '\0';

        return ngx_http_news_user_page(r, NGX_HTTP_OK, NULL, NULL,
                                       (char *) j->said);
    }

    if (ngx_http_news_site_path(r, &back, sizeof(NEWS_ROUTE_MODERATION_USER)
                                          - 1 + NEWS_NAME_MAX,
                                NEWS_ROUTE_MODERATION_USER "%s", j->name)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_see_other(r, &back);
}


/* the user's page: an error tied to a field, or a notice of what was done */
static ngx_int_t
ngx_http_news_user_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *field, const char *msg, const char *notice)
{
    news_buf_t             *b;
    news_err_t              err;
    news_form_t             f;
    ngx_http_news_judge_t  *j;
    ngx_http_news_page_t    pg;

    j = ngx_http_news_get_ctx(r)->data;

    if (ngx_http_news_form_of(r, &f, field, msg) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    f.notice = notice;
    b = ngx_http_news_buf(r);

    if (news_user_page(&ngx_http_news_module_store(r), &j->actor, j->name,
                       &f, ngx_time(), b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "A reader");
    pg.path = j->path;

    return ngx_http_news_form_send(r, status, b, &pg);
}


/* GET /moderation/log?before=ID */
ngx_int_t
ngx_http_news_moderation_log(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    return ngx_http_news_modlog(r, rt, 0);
}


/* GET /api/moderation/log?before=ID&limit=N */
ngx_int_t
ngx_http_news_api_modlog(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    return ngx_http_news_modlog(r, rt, 1);
}


/* a page of the log, before the entry `before` names: HTML or JSON */
static ngx_int_t
ngx_http_news_modlog(ngx_http_request_t *r, ngx_http_news_route_t *rt,
    ngx_uint_t json)
{
    ngx_int_t              rc, before, limit;
    ngx_str_t              value;
    news_buf_t            *b;
    news_err_t             err;
    news_actor_t           actor;
    ngx_http_news_page_t   pg;

    rc = ngx_http_news_need_user(r, json, NEWS_ACT_MODERATE);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    before = 0;
    limit = json ? NEWS_MODLOG_PAGE : 0;

    if (ngx_http_arg(r, (u_char *) "before", 6, &value) == NGX_OK) {
        before = ngx_atoi(value.data, value.len);
        if (before < 1) {
            return ngx_http_news_error(r, NGX_HTTP_BAD_REQUEST, "bad_request",
                                       "That link to the log is not one of "
                                       "ours.");
        }
    }

    if (json && ngx_http_arg(r, (u_char *) "limit", 5, &value) == NGX_OK) {
        limit = ngx_atoi(value.data, value.len);
        if (limit < 1 || limit > NEWS_MODLOG_LIMIT) {
            return ngx_http_news_error(r, NGX_HTTP_BAD_REQUEST, "bad_request",
                                       "limit is 1 to 500");
        }
    }

    b = ngx_http_news_buf(r);

    if (news_modlog_page(&ngx_http_news_module_store(r),
                         ngx_http_news_actor(r, &actor), (uint64_t) before,
                         (size_t) limit, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, json);
    }

    if (json) {
        if (ngx_http_news_add_header(r, "Cache-Control", "no-store")
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        return ngx_http_news_send_buf(r, NGX_HTTP_OK,
                                      &ngx_http_news_json_type, b);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Moderation log");
    pg.path = rt->path;

    return ngx_http_news_form_send(r, NGX_HTTP_OK, b, &pg);
}
