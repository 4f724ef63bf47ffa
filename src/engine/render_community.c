/*
 * The moderators' pages' HTML and the reader's report form; see
 * render_community.h.  The account pages, and the form pieces both use,
 * are render_account.c's.
 */

#include <stdio.h>
#include <string.h>

#include "articles.h"
#include "comments.h"
#include "render.h"
#include "render_account.h"
#include "render_community.h"
#include "render_internal.h"
#include "routes.h"
#include "text.h"
#include "words.h"

#include <cjson/cJSON.h>


/* a moderation log entry written in one format, the i-th of its page */
typedef void (*news_render_log_pt)(news_buf_t *b, size_t i, uint64_t id,
    int64_t at, const cJSON *entry);


static int news_render_word(void *arg, int list, const char *w, size_t n);
static void news_render_standing(news_buf_t *b, const news_standing_t *s);
static void news_render_user_action(news_buf_t *b, const news_form_t *f,
    const news_user_t *u, const char *action, const char *label);
static int news_render_log_page(news_buf_t *b, news_store_t *st,
    MDB_txn *txn, uint64_t before, size_t limit, news_render_log_pt write,
    uint64_t *next, news_err_t *err);
static int news_render_log_entry(void *arg, uint64_t id, int64_t at,
    const char *json, size_t n);
static void news_render_log_html(news_buf_t *b, size_t i, uint64_t id,
    int64_t at, const cJSON *obj);
static void news_render_log_json(news_buf_t *b, size_t i, uint64_t id,
    int64_t at, const cJSON *obj);
static int news_render_reported(news_buf_t *b, news_store_t *st,
    MDB_txn *txn, const news_report_tally_t *t, const news_form_t *f,
    news_err_t *err);


static const char  *news_render_reasons[NEWS_REPORT_REASONS] = {
    "Spam", "Abuse", "Off topic", "Something else"
};


typedef struct {
    news_buf_t  *b;
    int          list;
    size_t       n;
} news_render_words_t;


int
news_render_words(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    const news_form_t *f, news_err_t *err)
{
    news_render_words_t  rw;

    news_buf_addl(b, "<h1>Word lists</h1>\n"
                  "<p>A banned word refuses a comment, anyone's; a suspect "
                  "word holds a reader's comment until a moderator approves "
                  "it. Words match whole words in any letter case, with or "
                  "without accents; a * at either end stands for any "
                  "letters there (spam* matches spammer).</p>\n");

    rw.b = b;

    for (rw.list = NEWS_WORDS_BANNED; rw.list >= NEWS_WORDS_SUSPECT;
         rw.list--)
    {
        rw.n = 0;
        news_buf_addf(b, "<h2>%s words</h2>\n<ul class=\"words\">\n",
                      rw.list == NEWS_WORDS_BANNED ? "Banned" : "Suspect");

        if (news_words_each(st, txn, news_render_word, &rw, err) != NEWS_OK) {
            return err->code;
        }

        news_buf_addl(b, "</ul>\n");

        if (rw.n == 0) {
            news_buf_addl(b, "<p>None.</p>\n");
        }
    }

    news_buf_addl(b, "<h2>Change the lists</h2>\n");
    news_render_form_error(b, f);
    news_render_form_start(b, NEWS_ROUTE_MODERATION_WORDS, f, NULL);
    news_buf_addf(b, "<p><label for=\"words\">Words, separated by spaces"
                  "</label>\n<input id=\"words\" name=\"words\" "
                  "type=\"text\" required maxlength=\"%d\"",
                  NEWS_WORDS_FIELD_MAX);
    news_render_field_end(b, "words", f);
    news_buf_addl(b, "</p>\n<p><button name=\"action\" value=\"banned\">"
                  "Ban</button> <button name=\"action\" value=\"suspect\">"
                  "Mark suspect</button> <button name=\"action\" "
                  "value=\"remove\">Remove</button></p>\n</form>\n");

    return NEWS_OK;
}


static int
news_render_word(void *arg, int list, const char *w, size_t n)
{
    news_render_words_t  *rw = arg;

    if (list != rw->list) {
        return 0;
    }

    rw->n++;
    news_buf_addl(rw->b, "<li>");
    news_html_escape(rw->b, w, n);
    news_buf_addl(rw->b, "</li>\n");

    return 0;
}


/*
 * A user's moderation page: who they are, their standing, the forms
 * that suspend, ban, lift and delete every comment of theirs, and the
 * heading of their comments (render_forms.c's items follow).
 */
void
news_render_user_head(news_buf_t *b, const news_form_t *f,
    const news_user_t *u, const news_standing_t *s, int64_t now)
{
    char  action[sizeof(NEWS_ROUTE_MODERATION_USER) + NEWS_NAME_MAX];

    /* a username is letters, digits, _ and -: safe in a path */
    snprintf(action, sizeof(action), NEWS_ROUTE_MODERATION_USER "%s",
             u->name);

    news_buf_addl(b, "<h1>");
    news_html_escape(b, u->name, u->name_len);
    news_buf_addf(b, "</h1>\n<p>%s since ", news_role_name(u->role));
    news_time_human(b, u->created_at);
    news_buf_addf(b, "; %u comments approved or posted directly since the "
                  "last rejection.</p>\n", (unsigned) s->approved);

    if (f->notice != NULL) {
        news_buf_addl(b, "<p class=\"notice\" role=\"status\">");
        news_html_escape(b, f->notice, strlen(f->notice));
        news_buf_addl(b, "</p>\n");
    }

    news_buf_addl(b, "<h2>Standing</h2>\n<p>");

    if (news_standing_suspended(s, now)) {
        news_buf_addl(b, "The account is ");
        news_render_standing(b, s);
        news_buf_addl(b, ".</p>\n");
        news_render_user_action(b, f, u, "lift", "Lift");

    } else {
        news_buf_addl(b, "The account may comment.</p>\n");
    }

    news_render_form_error(b, f);
    news_render_form_start(b, action, f, NULL);
    news_buf_addf(b, "<p><label for=\"days\">Days (empty: a ban)</label>\n"
                  "<input id=\"days\" name=\"days\" type=\"number\" min=\"1\" "
                  "max=\"%d\"", NEWS_SUSPEND_DAYS_MAX);
    news_render_field_end(b, "days", f);
    news_buf_addf(b, "</p>\n<p><label for=\"reason\">Reason (shown to the "
                  "reader)</label>\n<input id=\"reason\" name=\"reason\" "
                  "type=\"text\" maxlength=\"%d\"", NEWS_REASON_MAX);
    news_render_field_end(b, "reason", f);
    news_buf_addl(b, "</p>\n<p><button name=\"action\" value=\"suspend\">"
                  "Suspend or ban</button></p>\n</form>\n");

    news_buf_addl(b, "<h2>Comments</h2>\n");
    news_render_user_action(b, f, u, "delete-comments",
                            "Delete all comments of this user");
    news_buf_addl(b, "<ol class=\"comment-list\">\n");
}


/* after the user's comments: whether there were any */
void
news_render_user_tail(news_buf_t *b, size_t count)
{
    news_buf_addl(b, "</ol>\n");

    if (count == 0) {
        news_buf_addl(b, "<p>No comments.</p>\n");
    }
}


/* "suspended until ...: reason" or "banned: reason", escaped */
static void
news_render_standing(news_buf_t *b, const news_standing_t *s)
{
    news_buf_t  t;

    news_buf_init(&t);
    news_standing_text(&t, s);
    news_html_escape(b, t.data, t.len);
    b->failed |= t.failed;
    news_buf_free(&t);
}


/* a form of one button on a user's page */
static void
news_render_user_action(news_buf_t *b, const news_form_t *f,
    const news_user_t *u, const char *action, const char *label)
{
    news_buf_addf(b, "<form method=\"post\" action=\""
                  NEWS_ROUTE_MODERATION_USER "%s\"><input type=\"hidden\" "
                  "name=\"csrf\" value=\"", u->name);
    news_buf_add(b, f->csrf, f->csrf_len);
    news_buf_addf(b, "\"><button name=\"action\" value=\"%s\">%s</button>"
                  "</form>\n", action, label);
}


typedef struct {
    news_buf_t          *b;
    size_t               count;
    news_render_log_pt   write;
} news_render_log_t;


/* the moderation log, a page of it before entry `before` (0: the newest) */
int
news_render_modlog(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint64_t before, news_err_t *err)
{
    uint64_t  next;

    news_buf_addl(b, "<h1>Moderation log</h1>\n<ol class=\"log\">\n");

    if (news_render_log_page(b, st, txn, before, NEWS_MODLOG_PAGE,
                             news_render_log_html, &next, err)
        != NEWS_OK)
    {
        return err->code;
    }

    news_buf_addl(b, "</ol>\n");

    if (next) {
        news_buf_addf(b, "<p><a rel=\"next\" href=\"" NEWS_ROUTE_MODLOG
                      "?before=%llu\">Earlier entries</a></p>\n",
                      (unsigned long long) next);
    }

    return NEWS_OK;
}


/*
 * A page of the log in one format: each entry parsed once here, and
 * handed to `write` (news_render_log_html or news_render_log_json)
 */
static int
news_render_log_page(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint64_t before, size_t limit, news_render_log_pt write, uint64_t *next,
    news_err_t *err)
{
    news_render_log_t  rl;

    rl.b = b;
    rl.count = 0;
    rl.write = write;

    return news_modlog_each(st, txn, before, limit, news_render_log_entry,
                            &rl, next, err);
}


static int
news_render_log_entry(void *arg, uint64_t id, int64_t at, const char *json,
    size_t n)
{
    news_render_log_t  *rl = arg;

    cJSON  *entry;

    entry = cJSON_ParseWithLength(json, n);
    rl->write(rl->b, rl->count++, id, at, entry);
    cJSON_Delete(entry);

    return 0;
}


static void
news_render_log_html(news_buf_t *b, size_t i, uint64_t id, int64_t at,
    const cJSON *obj)
{
    const cJSON  *v;
    const char   *s;

    (void) i;
    (void) id;

    news_buf_addl(b, "<li><time datetime=\"");
    news_time_rfc3339(b, at);
    news_buf_addl(b, "\">");
    news_time_human(b, at);
    news_buf_addl(b, "</time>");
    news_buf_addl(b, " <b>");
    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "by"));
    news_html_escape(b, s ? s : "?", s ? strlen(s) : 1);
    news_buf_addl(b, "</b> ");
    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                              "action"));
    news_html_escape(b, s ? s : "?", s ? strlen(s) : 1);

    v = cJSON_GetObjectItemCaseSensitive(obj, "comment");
    if (cJSON_IsNumber(v)) {
        news_buf_addf(b, " comment %.0f", v->valuedouble);
    }

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, "user"));
    if (s != NULL) {
        news_buf_addl(b, " of <a href=\"" NEWS_ROUTE_MODERATION_USER);
        news_html_escape(b, s, strlen(s));
        news_buf_addl(b, "\">");
        news_html_escape(b, s, strlen(s));
        news_buf_addl(b, "</a>");
    }

    s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                              "reason"));
    if (s != NULL) {
        news_buf_addl(b, ": ");
        news_html_escape(b, s, strlen(s));
    }

    news_buf_addl(b, "</li>\n");
}


int
news_render_modlog_json(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint64_t before, size_t limit, news_err_t *err)
{
    uint64_t  next;

    news_buf_addl(b, "{\"entries\":[");

    if (news_render_log_page(b, st, txn, before, limit, news_render_log_json,
                             &next, err)
        != NEWS_OK)
    {
        return err->code;
    }

    if (next) {
        news_buf_addf(b, "],\"next\":%llu}\n", (unsigned long long) next);

    } else {
        news_buf_addl(b, "],\"next\":null}\n");
    }

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


/* an entry's members written again, escaped as all the API's JSON is */
static void
news_render_log_json(news_buf_t *b, size_t i, uint64_t id, int64_t at,
    const cJSON *obj)
{
    size_t        k;
    const cJSON  *v;
    const char   *s;

    static const char  *strings[] = { "by", "action", "user", "reason" };

    news_buf_addf(b, "%s{\"id\":%llu,\"at\":\"", i ? "," : "",
                  (unsigned long long) id);
    news_time_rfc3339(b, at);
    news_buf_addc(b, '"');

    for (k = 0; k < sizeof(strings) / sizeof(strings[0]); k++) {
        s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                                  strings[k]));
        if (s != NULL) {
            news_buf_addf(b, ",\"%s\":", strings[k]);
            news_json_string(b, s, strlen(s));
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(obj, "comment");
    if (cJSON_IsNumber(v)) {
        news_buf_addf(b, ",\"comment\":%.0f", v->valuedouble);
    }

    news_buf_addc(b, '}');
}


/* ---- reports ------------------------------------------------------------ */


int
news_render_reports(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint32_t count, uint64_t id, const news_form_t *f, news_err_t *err)
{
    int                  more;
    size_t               i, n;
    news_report_tally_t  t[NEWS_REPORTS_PAGE];

    if (news_report_list(st, txn, count, id, t, NEWS_REPORTS_PAGE, &n,
                         &more, err)
        != NEWS_OK)
    {
        return err->code;
    }

    news_buf_addl(b, "<h1>Moderation</h1>\n");
    news_render_moderation_tabs(b, 1);
    news_buf_addl(b, "<h2>Reported comments</h2>\n");
    news_render_form_error(b, f);
    news_buf_addl(b, "<ol class=\"comment-list\">\n");

    for (i = 0; i < n; i++) {
        if (news_render_reported(b, st, txn, &t[i], f, err) != NEWS_OK) {
            return err->code;
        }
    }

    news_buf_addl(b, "</ol>\n");

    if (n == 0) {
        news_buf_addl(b, "<p>No comment is reported.</p>\n");
    }

    if (more) {
        news_buf_addf(b, "<p><a rel=\"next\" href=\""
                      NEWS_ROUTE_MODERATION_REPORTED "?after=%u-%llu\">"
                      "More reported comments</a></p>\n",
                      (unsigned) t[n - 1].count,
                      (unsigned long long) t[n - 1].comment);
    }

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


/* one reported comment: what it says, why readers reported it, buttons */
static int
news_render_reported(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    const news_report_tally_t *t, const news_form_t *f, news_err_t *err)
{
    int                 i, rc;
    size_t              k, n;
    const char         *sep;
    news_article_t      a;
    news_comment_t      c;
    news_report_note_t  notes[NEWS_REPORT_NOTES];

    rc = news_comment_get(st, txn, t->comment, &c, err);
    if (rc == NEWS_NOTFOUND) {
        return NEWS_OK;                 /* newsctl check says so */
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    memset(&a, 0, sizeof(a));
    rc = news_article_load(st, txn, c.article_id, &a, err);

    if (rc == NEWS_OK) {
        rc = news_report_notes(st, txn, t->comment, notes, NEWS_REPORT_NOTES,
                               &n, err);
    }

    if (rc != NEWS_OK) {
        news_article_free(&a);
        news_comment_free(&c);
        return rc;
    }

    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n"
                  "<p class=\"meta\"><b>%u %s</b> (",
                  (unsigned long long) c.id, (unsigned) t->count,
                  t->count == 1 ? "report" : "reports");

    for (i = 0, sep = ""; i < NEWS_REPORT_REASONS; i++) {
        if (t->reasons[i]) {
            news_buf_addf(b, "%s%s: %u", sep, news_render_reasons[i],
                          (unsigned) t->reasons[i]);
            sep = ", ";
        }
    }

    news_buf_addf(b, ")%s · <a href=\"" NEWS_ROUTE_MODERATION_USER,
                  t->hidden ? " · hidden by the reports until you decide"
                            : "");
    news_html_escape(b, c.author, strlen(c.author));
    news_buf_addl(b, "\">");
    news_html_escape(b, c.author, strlen(c.author));
    news_buf_addl(b, "</a> on <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a.slug);
    news_buf_addf(b, "#comment-%llu\">", (unsigned long long) c.id);
    news_html_escape(b, a.title, strlen(a.title));
    news_buf_addl(b, "</a> · ");
    news_time_human(b, c.created_at);
    news_buf_addl(b, "</p>\n<div class=\"text\">");
    news_comment_html(b, c.body, strlen(c.body));
    news_buf_addl(b, "</div>\n<ul class=\"notes\">\n");

    for (k = 0; k < n; k++) {
        news_buf_addf(b, "<li>%s",
                      news_render_reasons[notes[k].reason
                                          % NEWS_REPORT_REASONS]);

        if (notes[k].note_len) {
            news_buf_addl(b, ": ");
            news_html_escape(b, notes[k].note, notes[k].note_len);
        }

        news_buf_addl(b, "</li>\n");
    }

    news_buf_addl(b, "</ul>\n<form method=\"post\" action=\""
                  NEWS_ROUTE_MODERATION_REPORTED "\"><input type=\"hidden\" "
                  "name=\"csrf\" value=\"");
    news_buf_add(b, f->csrf, f->csrf_len);
    news_buf_addf(b, "\"><input type=\"hidden\" name=\"id\" value=\"%llu\">"
                  "<button name=\"action\" value=\"dismiss\">Dismiss the "
                  "reports%s</button> <button name=\"action\" value=\"hide\">"
                  "Hide</button> <button name=\"action\" value=\"delete\">"
                  "Delete</button></form>\n</li>\n",
                  (unsigned long long) c.id, t->hidden ? " and show it" : "");

    news_article_free(&a);
    news_comment_free(&c);

    return NEWS_OK;
}


void
news_render_report_form(news_buf_t *b, const news_form_t *f,
    const news_article_t *a, const news_comment_t *c)
{
    int   i;
    char  action[sizeof(NEWS_ROUTE_COMMENT NEWS_ROUTE_REPORT_SUFFIX) + 24];

    news_buf_addl(b, "<h1>Report a comment</h1>\n<blockquote>"
                  "<p class=\"meta\">");
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addl(b, " on <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addf(b, "#comment-%llu\">", (unsigned long long) c->id);
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a></p>\n<div class=\"text\">");
    news_comment_html(b, c->body, strlen(c->body));
    news_buf_addl(b, "</div></blockquote>\n");

    if (f->notice != NULL) {
        news_buf_addl(b, "<p class=\"notice\" role=\"status\">");
        news_html_escape(b, f->notice, strlen(f->notice));
        news_buf_addf(b, "</p>\n<p><a href=\"" NEWS_ROUTE_ARTICLE
                      "%s#comment-%llu\">Back to the article</a></p>\n",
                      a->slug, (unsigned long long) c->id);
        return;
    }

    snprintf(action, sizeof(action), NEWS_ROUTE_COMMENT "%llu"
             NEWS_ROUTE_REPORT_SUFFIX, (unsigned long long) c->id);

    news_render_form_error(b, f);
    news_render_form_start(b, action, f, NULL);
    news_buf_addl(b, "<fieldset><legend>What is wrong with it?</legend>\n");

    for (i = 0; i < NEWS_REPORT_REASONS; i++) {
        news_buf_addf(b, "<p><input type=\"radio\" name=\"reason\" "
                      "id=\"reason-%s\" value=\"%s\"%s> <label "
                      "for=\"reason-%s\">%s</label></p>\n",
                      news_report_reason_name(i), news_report_reason_name(i),
                      i == 0 ? " required" : "", news_report_reason_name(i),
                      news_render_reasons[i]);
    }

    news_buf_addf(b, "</fieldset>\n<p><label for=\"note\">A note for the "
                  "moderators (optional)</label>\n<input id=\"note\" "
                  "name=\"note\" type=\"text\" maxlength=\"%d\"",
                  NEWS_REPORT_NOTE_MAX);
    news_render_field_end(b, "note", f);
    news_buf_addl(b, "</p>\n<p><button type=\"submit\">Report</button>"
                  "</p>\n</form>\n");
}
