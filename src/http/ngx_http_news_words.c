/*
 * The moderators' word lists over HTTP: GET and PUT /api/words, the page
 * and form at /moderation/words.  Requests are read and checked here;
 * a change goes to the thread pool as one engine call (service.h), which
 * asks policy.c again and writes through the group-commit writer.
 */

#include "ngx_http_news.h"
#include "engine/render_account.h"
#include "engine/service.h"

#include <cjson/cJSON.h>


/* one change of the word lists: inputs for the thread, and its outcome */
typedef struct {
    ngx_uint_t          json;
    news_actor_t        actor;
    news_word_op_t     *ops;
    size_t              n;
    int                 replace;
    news_writer_t      *writer;
    int                 rc;             /* out: NEWS_* */
    news_err_t          err;            /* out */
} ngx_http_news_words_t;


static ngx_http_news_words_t *ngx_http_news_words_new(ngx_http_request_t *r,
    ngx_uint_t json, size_t max);
static ngx_int_t ngx_http_news_api_words_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_words_array(ngx_http_request_t *r,
    ngx_http_news_words_t *w, cJSON *a, int list);
static ngx_int_t ngx_http_news_words_form_body(ngx_http_request_t *r,
    ngx_str_t *body);
static ngx_int_t ngx_http_news_words_split(ngx_http_news_words_t *w,
    ngx_str_t *text, int list);
static ngx_int_t ngx_http_news_words_page(ngx_http_request_t *r,
    ngx_uint_t status, const char *msg);
static void ngx_http_news_words_work(void *data);
static ngx_int_t ngx_http_news_words_done(ngx_http_request_t *r,
    void *data);


/* GET: both lists; PUT {"banned": [...], "suspect": [...]}: replaces them */
ngx_int_t
ngx_http_news_api_words(ngx_http_request_t *r, ngx_http_news_route_t *rt)
{
    ngx_int_t      rc;
    news_buf_t    *b;
    news_err_t     err;
    news_actor_t   actor;

    rc = ngx_http_news_body_route(r, 1, NEWS_ACT_MODERATE, NGX_HTTP_PUT,
                                  ngx_http_news_api_words_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    b = ngx_http_news_buf(r);

    if (news_words_read(&ngx_http_news_module_store(r),
                        ngx_http_news_actor(r, &actor), NULL, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 1);
    }

    if (ngx_http_news_add_header(r, "Cache-Control", "no-store") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_send_buf(r, NGX_HTTP_OK, &ngx_http_news_json_type, b);
}


/* a change's state, room for `max` words, kept in the request's ctx */
static ngx_http_news_words_t *
ngx_http_news_words_new(ngx_http_request_t *r, ngx_uint_t json, size_t max)
{
    ngx_http_news_words_t      *w;
    ngx_http_news_main_conf_t  *nmcf;

    nmcf = ngx_http_get_module_main_conf(r, ngx_http_news_module);

    w = ngx_pcalloc(r->pool, sizeof(ngx_http_news_words_t));
    if (w == NULL) {
        return NULL;
    }

    w->ops = ngx_pcalloc(r->pool, (max ? max : 1) * sizeof(news_word_op_t));
    if (w->ops == NULL
        || ngx_http_news_actor(r, &w->actor) == NULL)
    {
        return NULL;
    }

    w->json = json;
    w->writer = &nmcf->writer;
    ngx_http_news_get_ctx(r)->data = w;

    return w;
}


static ngx_int_t
ngx_http_news_api_words_body(ngx_http_request_t *r, ngx_str_t *body)
{
    cJSON                  *obj, *banned, *suspect;
    ngx_int_t               rc;
    ngx_http_news_words_t  *w;

    obj = ngx_http_news_json_body(r, body, &rc);
    if (obj == NULL) {
        return rc;
    }

    banned = cJSON_GetObjectItemCaseSensitive(obj, "banned");
    suspect = cJSON_GetObjectItemCaseSensitive(obj, "suspect");

    if (!cJSON_IsObject(obj) || cJSON_GetArraySize(obj) != 2
        || !cJSON_IsArray(banned) || !cJSON_IsArray(suspect)
        || cJSON_GetArraySize(banned) > NEWS_WORDS_MAX
        || cJSON_GetArraySize(suspect) > NEWS_WORDS_MAX)
    {
        cJSON_Delete(obj);
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "send {\"banned\": [words], "
                                        "\"suspect\": [words]}, at most 5000 "
                                        "words each");
    }

    w = ngx_http_news_words_new(r, 1, cJSON_GetArraySize(banned)
                                      + cJSON_GetArraySize(suspect));
    if (w == NULL) {
        cJSON_Delete(obj);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    w->replace = 1;

    /* suspect first: a word on both lists ends up banned */
    rc = ngx_http_news_words_array(r, w, suspect, NEWS_WORDS_SUSPECT);
    if (rc == NGX_OK) {
        rc = ngx_http_news_words_array(r, w, banned, NEWS_WORDS_BANNED);
    }

    cJSON_Delete(obj);

    if (rc == NGX_DECLINED) {
        return ngx_http_news_json_error(r, 422, "invalid",
                                        "every word is a string");
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_task_start(r, NGX_HTTP_NEWS_POOL_WRITES,
                                    ngx_http_news_words_work,
                                    ngx_http_news_words_done, w);
}


/* the array's strings as ops onto `list`, copied out of the JSON */
static ngx_int_t
ngx_http_news_words_array(ngx_http_request_t *r, ngx_http_news_words_t *w,
    cJSON *a, int list)
{
    u_char  *p;
    size_t   len;
    cJSON   *v;

    cJSON_ArrayForEach(v, a) {
        if (!cJSON_IsString(v)) {
            return NGX_DECLINED;
        }

        len = ngx_strlen(v->valuestring);

        p = ngx_pnalloc(r->pool, len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(p, v->valuestring, len + 1);

        w->ops[w->n].list = list;
        w->ops[w->n].word = (char *) p;
        w->ops[w->n].len = len;
        w->n++;
    }

    return NGX_OK;
}


/* GET: the lists and the form; POST: the form's change, then back here */
ngx_int_t
ngx_http_news_moderation_words(ngx_http_request_t *r,
    ngx_http_news_route_t *rt)
{
    ngx_int_t  rc;

    rc = ngx_http_news_body_route(r, 0, NEWS_ACT_MODERATE, NGX_HTTP_POST,
                                  ngx_http_news_words_form_body);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    return ngx_http_news_words_page(r, NGX_HTTP_OK, NULL);
}


/* fields: csrf, action (banned, suspect, remove), words */
static ngx_int_t
ngx_http_news_words_form_body(ngx_http_request_t *r, ngx_str_t *body)
{
    int                     list;
    ngx_int_t               rc;
    ngx_str_t               action, text;
    ngx_http_news_words_t  *w;

    static const char  *names[] = { "action", "words" };
    ngx_str_t          *values[] = { &action, &text };

    rc = ngx_http_news_form_read(r, body, names, values, 2);

    if (rc == NGX_HTTP_FORBIDDEN) {
        return ngx_http_news_words_page(r, rc, NGX_HTTP_NEWS_FORM_EXPIRED);
    }

    if (rc != NGX_OK) {
        return ngx_http_news_form_refused(r, rc);
    }

    list = news_words_list_parse((char *) action.data, action.len);

    if (list < 0 && !(action.len == 6
                      && ngx_strncmp(action.data, "remove", 6) == 0))
    {
        return ngx_http_news_html_error(r, NGX_HTTP_BAD_REQUEST,
                                        "Bad request", "Unknown action.");
    }

    if (text.len == 0 || text.len > NEWS_WORDS_FIELD_MAX) {
        return ngx_http_news_words_page(r, 422, "Give one word or more, "
                                        "at most 4000 bytes at once.");
    }

    /* at most a word for every two bytes */
    w = ngx_http_news_words_new(r, 0, text.len / 2 + 1);
    if (w == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_news_words_split(w, &text, list < 0 ? 0 : list) != NGX_OK)
    {
        return ngx_http_news_words_page(r, 422, "Give one word or more.");
    }

    return ngx_http_news_task_start(r, NGX_HTTP_NEWS_POOL_WRITES,
                                    ngx_http_news_words_work,
                                    ngx_http_news_words_done, w);
}


/* words parted by spaces, tabs, line ends or commas; NGX_DECLINED: none */
static ngx_int_t
ngx_http_news_words_split(ngx_http_news_words_t *w, ngx_str_t *text,
    int list)
{
    u_char  *p, *end, *start;

    p = text->data;
    end = p + text->len;

    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'
                           || *p == '\n' || *p == ','))
        {
            p++;
        }

        start = p;

        while (p < end && *p != ' ' && *p != '\t' && *p != '\r'
               && *p != '\n' && *p != ',')
        {
            p++;
        }

        if (p > start) {
            w->ops[w->n].list = list;
            w->ops[w->n].word = (char *) start;
            w->ops[w->n].len = p - start;
            w->n++;
        }
    }

    return w->n ? NGX_OK : NGX_DECLINED;
}


/* the moderators' page, with an error tied to the words field */
static ngx_int_t
ngx_http_news_words_page(ngx_http_request_t *r, ngx_uint_t status,
    const char *msg)
{
    news_buf_t            *b;
    news_err_t             err;
    news_form_t            f;
    news_actor_t           actor;
    ngx_http_news_page_t   pg;

    if (ngx_http_news_form_of(r, &f, msg && status == 422 ? "words" : NULL,
                              msg)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_http_news_buf(r);

    if (news_words_read(&ngx_http_news_module_store(r),
                        ngx_http_news_actor(r, &actor), &f, b, &err)
        != NEWS_OK)
    {
        return ngx_http_news_refused(r, &err, 0);
    }

    ngx_memzero(&pg, sizeof(pg));
    ngx_str_set(&pg.title, "Word lists");
    ngx_str_set(&pg.path, NEWS_ROUTE_MODERATION_WORDS);

    return ngx_http_news_form_send(r, status, b, &pg);
}


/* in a pool thread */
static void
ngx_http_news_words_work(void *data)
{
    ngx_http_news_words_t  *w = data;

    w->rc = news_words_change(w->writer, &w->actor, w->replace, w->ops, w->n,
                              &w->err);
}


static ngx_int_t
ngx_http_news_words_done(ngx_http_request_t *r, void *data)
{
    ngx_http_news_words_t  *w = data;

    ngx_str_t  back;

    if (w->json) {
        return w->rc == NEWS_OK ? ngx_http_news_no_content(r)
                                : ngx_http_news_refused(r, &w->err, 1);
    }

    if (w->rc == NEWS_INVALID || w->rc == NEWS_NOTFOUND) {
        return ngx_http_news_words_page(r, 422, w->err.msg);
    }

    if (w->rc != NEWS_OK) {
        return ngx_http_news_refused(r, &w->err, 0);
    }

    if (ngx_http_news_site_path(r, &back,
                                sizeof(NEWS_ROUTE_MODERATION_WORDS) - 1,
                                NEWS_ROUTE_MODERATION_WORDS)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_news_see_other(r, &back);
}
