/*
 * The account pages' HTML; see render_account.h.
 */

#include <stdio.h>
#include <string.h>

#include "articles.h"
#include "comments.h"
#include "render.h"
#include "render_account.h"
#include "render_internal.h"
#include "routes.h"
#include "text.h"
#include "words.h"
#include "community.h"

#include <cjson/cJSON.h>


typedef struct {
    news_buf_t         *b;
    const news_form_t  *f;
} news_session_item_t;


static void news_render_username(news_buf_t *b, const news_form_t *f,
    const char *name, size_t name_len, const char *attrs);
static int news_render_session_item(const news_session_info_t *s,
    void *data);


const char  news_render_see_other_page[] =
    "<!doctype html>\n<title>See other</title>\n"
    "<p>Continue to the next page.</p>\n";


void
news_render_account_nav(news_buf_t *b, const news_nav_t *nav)
{
    news_buf_addl(b, "<span class=\"user\">");

    if (nav->welcome) {
        news_buf_adds(b, nav->welcome == 'r'
                         ? "<span role=\"status\">Welcome! Your account is "
                           "ready. </span>"
                         : "<span role=\"status\">Welcome back! </span>");
    }

    news_buf_addl(b, "Logged in as <b>");
    news_html_escape(b, nav->name, nav->name_len);
    news_buf_addl(b, "</b></span>");

    if (nav->desk) {
        news_buf_addl(b, "<a href=\"" NEWS_ROUTE_DESK "\">Desk</a>");
    }

    if (nav->moderate) {
        news_buf_addf(b, "<a href=\"" NEWS_ROUTE_MODERATION "\">Moderation "
                      "(%llu)</a>", (unsigned long long) nav->waiting);
    }

    news_buf_addl(b, "<a href=\"" NEWS_ROUTE_ACCOUNT "\">Your "
                  "account</a><form class=\"logout\" method=\"post\" "
                  "action=\"" NEWS_ROUTE_LOGOUT "\"><input type=\"hidden\" "
                  "name=\"csrf\" value=\"");
    news_buf_add(b, nav->csrf, nav->csrf_len);
    news_buf_addl(b, "\"><button type=\"submit\">Log out</button></form>");
}


const char *
news_render_credentials_title(int kind)
{
    return kind == NEWS_FORM_LOGIN ? "Log in" : "Register";
}


const char *
news_render_credentials_path(int kind)
{
    return kind == NEWS_FORM_LOGIN ? NEWS_ROUTE_LOGIN : NEWS_ROUTE_REGISTER;
}


void
news_render_credentials(news_buf_t *b, int kind, const news_form_t *f,
    const char *next, size_t next_len, const char *name, size_t name_len)
{
    const char  *title;

    title = news_render_credentials_title(kind);

    news_buf_addf(b, "<h1>%s</h1>\n", title);
    news_render_form_error(b, f);

    news_render_form_start(b, news_render_credentials_path(kind), f, NULL);
    news_buf_addl(b, "<input type=\"hidden\" name=\"next\" value=\"");
    news_html_escape(b, next, next_len);
    news_buf_addl(b, "\">\n");

    news_render_username(b, f, name, name_len, " autocomplete=\"username\"");

    news_buf_addf(b, "</p>\n<p><label for=\"password\">Password</label>\n"
                  "<input id=\"password\" name=\"password\" "
                  "type=\"password\" autocomplete=\"%s\" required "
                  "minlength=\"8\" maxlength=\"1024\"",
                  kind == NEWS_FORM_LOGIN ? "current-password"
                                          : "new-password");
    news_render_field_end(b, "password", f);

    news_buf_addf(b, "</p>\n<p><button type=\"submit\">%s</button></p>\n"
                  "</form>\n", title);

    /* the other form goes back to the same place */
    news_buf_adds(b, kind == NEWS_FORM_LOGIN
                     ? "<p>No account yet? <a href=\"" NEWS_ROUTE_REGISTER
                     : "<p>Have an account? <a href=\"" NEWS_ROUTE_LOGIN);
    news_buf_addl(b, "?next=");
    news_url_arg_escape(b, next, next_len);
    news_buf_adds(b, kind == NEWS_FORM_LOGIN ? "\">Register</a></p>\n"
                                             : "\">Log in</a></p>\n");
}


int
news_render_account(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    const news_user_t *u, const unsigned char token[NEWS_TOKEN_LEN],
    size_t max, const news_form_t *f, news_err_t *err)
{
    news_session_item_t  item;

    news_buf_addl(b, "<h1>Your account</h1>\n<p>Logged in as <b>");
    news_html_escape(b, u->name, u->name_len);
    news_buf_addf(b, "</b> (%s).</p>\n", news_role_name(u->role));
    news_render_form_error(b, f);

    news_buf_addl(b, "<h2>Where you are logged in</h2>\n"
                  "<ul class=\"sessions\">\n");

    item.b = b;
    item.f = f;

    if (news_sessions_each(st, txn, u->id, token, max,
                           news_render_session_item, &item, err)
        != NEWS_OK)
    {
        return err->code;
    }

    news_buf_addl(b, "</ul>\n");
    news_render_form_start(b, NEWS_ROUTE_ACCOUNT, f, "logout-all");
    news_buf_addl(b, "<p><button type=\"submit\">Log out everywhere"
                  "</button></p>\n</form>\n"
                  "<h2>Change your password</h2>\n"
                  "<p>Every other browser is logged out.</p>\n");

    news_render_form_start(b, NEWS_ROUTE_ACCOUNT, f, "password");
    news_buf_addl(b, "<p><label for=\"password\">Current password</label>\n"
                  "<input id=\"password\" name=\"password\" "
                  "type=\"password\" autocomplete=\"current-password\" "
                  "required maxlength=\"1024\"");
    news_render_field_end(b, "password", f);
    news_buf_addl(b, "</p>\n<p><label for=\"new-password\">New password"
                  "</label>\n<input id=\"new-password\" name=\"new_password\" "
                  "type=\"password\" autocomplete=\"new-password\" required "
                  "minlength=\"8\" maxlength=\"1024\"");
    news_render_field_end(b, "new-password", f);
    news_buf_addl(b, "</p>\n<p><button type=\"submit\">Change password"
                  "</button></p>\n</form>\n"
                  "<h2>Delete your account</h2>\n"
                  "<p>Your name stays reserved: nobody can register it. "
                  "Your comments either stay, shown as "
                  "\xe2\x80\x9c" NEWS_DELETED_USER "\xe2\x80\x9d, or are "
                  "removed: their words go, and where others replied to "
                  "one, \xe2\x80\x9c[deleted]\xe2\x80\x9d stands in its "
                  "place.</p>\n");

    news_render_form_start(b, NEWS_ROUTE_ACCOUNT, f, "delete");
    news_buf_addl(b, "<fieldset>\n<legend>Your comments</legend>\n"
                  "<p><input type=\"radio\" id=\"comments-keep\" "
                  "name=\"comments\" value=\"keep\" checked>\n"
                  "<label for=\"comments-keep\">Keep them, shown as "
                  NEWS_DELETED_USER "</label></p>\n"
                  "<p><input type=\"radio\" id=\"comments-remove\" "
                  "name=\"comments\" value=\"remove\">\n"
                  "<label for=\"comments-remove\">Remove them</label></p>\n"
                  "</fieldset>\n"
                  "<p><label for=\"delete-password\">Password</label>\n"
                  "<input id=\"delete-password\" name=\"password\" "
                  "type=\"password\" autocomplete=\"current-password\" "
                  "required maxlength=\"1024\"");
    news_render_field_end(b, "delete-password", f);
    news_buf_addl(b, "</p>\n<p><button type=\"submit\">Delete my account"
                  "</button></p>\n</form>\n");

    return b->failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                     : NEWS_OK;
}


/*
 * One session: when it began and was last seen, and a button that ends
 * it, posting the session's id (a prefix of its token's hash).
 */
static int
news_render_session_item(const news_session_info_t *s, void *data)
{
    news_session_item_t  *item = data;

    news_buf_t  *b;

    b = item->b;

    news_buf_addl(b, "<li><span id=\"session-");
    news_hex_encode(b, s->hash, NEWS_SESSION_ID);
    news_buf_addl(b, "\">Since <time datetime=\"");
    news_time_rfc3339(b, s->created);
    news_buf_addl(b, "\">");
    news_time_rfc3339(b, s->created);
    news_buf_addl(b, "</time>, last seen <time datetime=\"");
    news_time_rfc3339(b, s->seen);
    news_buf_addl(b, "\">");
    news_time_rfc3339(b, s->seen);
    news_buf_adds(b, s->current ? "</time> (this browser)</span>\n"
                                : "</time></span>\n");

    news_render_form_start(b, NEWS_ROUTE_ACCOUNT, item->f, "end-session");
    news_buf_addl(b, "<input type=\"hidden\" name=\"session\" value=\"");
    news_hex_encode(b, s->hash, NEWS_SESSION_ID);
    news_buf_addl(b, "\">\n<button type=\"submit\" aria-describedby=\""
                  "session-");
    news_hex_encode(b, s->hash, NEWS_SESSION_ID);
    news_buf_adds(b, s->current ? "\">Log out here</button>\n</form></li>\n"
                                : "\">End this session</button>\n</form>"
                                  "</li>\n");

    return b->failed;
}


void
news_render_end_sessions(news_buf_t *b, const news_form_t *f,
    const char *name, size_t name_len)
{
    news_buf_addl(b, "<h1>End a reader's sessions</h1>\n"
                  "<p>Every browser where the account is logged in is "
                  "logged out; its password stays. A moderator ends "
                  "readers' sessions; an admin anyone's.</p>\n");

    if (f->notice != NULL) {
        news_buf_addl(b, "<p class=\"notice\" role=\"status\">");
        news_html_escape(b, f->notice, strlen(f->notice));
        news_buf_addl(b, "</p>\n");
    }

    news_render_form_error(b, f);
    news_render_form_start(b, NEWS_ROUTE_END_SESSIONS, f, NULL);
    news_render_username(b, f, name, name_len, "");
    news_buf_addl(b, "</p>\n<p><button type=\"submit\">End their sessions"
                  "</button></p>\n</form>\n");
}


/* the username field, the name asked for kept in it; `attrs` adds more */
static void
news_render_username(news_buf_t *b, const news_form_t *f, const char *name,
    size_t name_len, const char *attrs)
{
    news_buf_addf(b, "<p><label for=\"username\">Username</label>\n"
                  "<input id=\"username\" name=\"username\" type=\"text\"%s "
                  "required minlength=\"3\" maxlength=\"32\" "
                  "pattern=\"[A-Za-z0-9_\\-]{3,32}\" value=\"", attrs);
    news_html_escape(b, name, name_len);
    news_buf_addc(b, '"');
    news_render_field_end(b, "username", f);
}


/* an error of no field, above the forms */
void
news_render_form_error(news_buf_t *b, const news_form_t *f)
{
    if (f->msg == NULL || f->field != NULL) {
        return;
    }

    news_buf_addl(b, "<p class=\"error\" id=\"form-error\" role=\"alert\">");
    news_html_escape(b, f->msg, strlen(f->msg));
    news_buf_addl(b, "</p>\n");
}


/*
 * A POST form with the CSRF token and, if `what`, its action field;
 * described by the error above it, if there is one.
 */
void
news_render_form_start(news_buf_t *b, const char *action,
    const news_form_t *f, const char *what)
{
    news_buf_addf(b, "<form class=\"account\" method=\"post\" "
                  "action=\"%s\"%s>\n<input type=\"hidden\" name=\"csrf\" "
                  "value=\"", action, (f->msg && f->field == NULL)
                                     ? " aria-describedby=\"form-error\""
                                     : "");
    news_buf_add(b, f->csrf, f->csrf_len);
    news_buf_addl(b, "\">\n");

    if (what != NULL) {
        news_buf_addf(b, "<input type=\"hidden\" name=\"action\" "
                      "value=\"%s\">\n", what);
    }
}


/*
 * Closes an <input>; when the error is this field's, ties it to the
 * field and announces it.
 */
void
news_render_field_end(news_buf_t *b, const char *id, const news_form_t *f)
{
    if (f->msg == NULL || f->field == NULL || strcmp(f->field, id) != 0) {
        news_buf_addc(b, '>');
        return;
    }

    news_buf_addf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\">"
                  "\n<span class=\"error\" id=\"%s-error\" role=\"alert\">",
                  id, id);
    news_html_escape(b, f->msg, strlen(f->msg));
    news_buf_addl(b, "</span>");
}
