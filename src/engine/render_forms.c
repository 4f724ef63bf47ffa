/*
 * The forms a reader or a moderator fills in around the comments: the
 * slot under an article's comments (the comment form and the reader's
 * recent comments to edit, the login link, or the closed notice), and
 * the moderation page.  Every form that changes something carries the
 * reader's CSRF token, as the handlers that take them require.
 */

#include <string.h>

#include "render_internal.h"
#include "text.h"


static void news_render_csrf_input(news_buf_t *b, const char *csrf,
    size_t csrf_len);
static void news_render_comment_count(news_buf_t *b,
    const news_comment_form_t *f);


static void
news_render_csrf_input(news_buf_t *b, const char *csrf, size_t csrf_len)
{
    news_buf_addf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%.*s\">\n",
                  (int) csrf_len, csrf);
}


void
news_render_comments_closed(news_buf_t *b)
{
    news_buf_addl(b, "<p class=\"comments-closed\">Comments are closed."
                  "</p>\n");
}


/*
 * "Log in to comment": the login's next is the comment form of this
 * article, below the location's prefix, so that a reader who logs in (or
 * registers from there) comes back to the form
 */
void
news_render_comment_login(news_buf_t *b, const char *prefix,
    size_t prefix_len, const char *slug, size_t slug_len)
{
    news_buf_addl(b, "<p class=\"comment-login\"><a href=\""
                  NEWS_ROUTE_LOGIN "?next=");
    news_url_arg_escape(b, prefix, prefix_len);
    news_buf_addl(b, NEWS_ROUTE_ARTICLE);
    news_url_arg_escape(b, slug, slug_len);
    news_buf_addl(b, "%23comment-form\">Log in to comment</a></p>\n");
}


/*
 * The comment form, a reply when f->reply; with the refused text if any.
 * Its action ends in #comment-form, so that a refused comment's page
 * (422 and the like, no redirect) opens at the form, the error above the
 * field; a count of the characters left is shown without script: the
 * limit before a post, what is left or too many after a refused one.
 */
void
news_render_comment_form(news_buf_t *b, const news_comment_form_t *f)
{
    news_buf_addf(b, "<form class=\"comment-form\" id=\"comment-form\" "
                  "method=\"post\" action=\"" NEWS_ROUTE_ARTICLE "%.*s"
                  NEWS_ROUTE_COMMENTS_SUFFIX "#comment-form\">\n",
                  (int) f->slug_len, f->slug);
    news_render_csrf_input(b, f->csrf, f->csrf_len);

    if (f->reply) {
        news_buf_addf(b, "<input type=\"hidden\" name=\"parent\" "
                      "value=\"%llu\">\n<p>Replying to <a href=\""
                      NEWS_ROUTE_ARTICLE "%.*s#comment-%llu\">",
                      (unsigned long long) f->reply, (int) f->slug_len,
                      f->slug, (unsigned long long) f->reply);

        if (f->reply_name_len) {
            news_html_escape(b, f->reply_name, f->reply_name_len);

        } else {
            news_buf_addl(b, "this comment");
        }

        news_buf_addf(b, "</a> · <a href=\"" NEWS_ROUTE_ARTICLE "%.*s"
                      "#comment-form\">reply to the article instead</a>"
                      "</p>\n", (int) f->slug_len, f->slug);
    }

    news_buf_addl(b, "<label for=\"comment-body\">Your comment, as <b>");
    news_html_escape(b, f->user, f->user_len);
    news_buf_addl(b, "</b></label>\n");

    /* a refused comment: the error, tied to the text it is about */
    if (f->error_len) {
        news_buf_addl(b, "<p class=\"error\" id=\"comment-error\" "
                      "role=\"alert\">");
        news_html_escape(b, f->error, f->error_len);
        news_buf_addl(b, "</p>\n<textarea id=\"comment-body\" name=\"body\" "
                      "rows=\"5\" aria-invalid=\"true\" "
                      "aria-describedby=\"comment-error comment-count\" "
                      "required>");
        news_html_escape(b, f->text, f->text_len);

    } else {
        news_buf_addf(b, "<textarea id=\"comment-body\" name=\"body\" "
                      "rows=\"5\" maxlength=\"%u\" "
                      "aria-describedby=\"comment-count\" required>",
                      f->max);
    }

    news_buf_addl(b, "</textarea>\n");
    news_render_comment_count(b, f);
    news_buf_addl(b, "<button type=\"submit\">Post comment</button>\n"
                  "</form>\n");
}


/* how many characters are left: of the limit, or of a refused text */
static void
news_render_comment_count(news_buf_t *b, const news_comment_form_t *f)
{
    size_t  i, chars;

    news_buf_addl(b, "<p class=\"meta\" id=\"comment-count\">");

    if (!f->error_len) {
        news_buf_addf(b, "Up to %u characters.</p>\n", f->max);
        return;
    }

    /* characters, as the limit counts them: UTF-8 lead bytes */
    for (i = 0, chars = 0; i < f->text_len; i++) {
        chars += ((unsigned char) f->text[i] & 0xc0) != 0x80;
    }

    if (chars > f->max) {
        news_buf_addf(b, "%zu character%s too many: %zu of %u.</p>\n",
                      chars - f->max, chars - f->max == 1 ? "" : "s",
                      chars, f->max);
        return;
    }

    news_buf_addf(b, "%zu character%s left of %u.</p>\n", f->max - chars,
                  f->max - chars == 1 ? "" : "s", f->max);
}


/*
 * The reader's own comments held for approval: the page the comment
 * form's 303 lands on has them at their #comment-N, marked, though no
 * other reader sees them
 */
void
news_render_comment_held(news_buf_t *b, const news_comment_form_t *f,
    const news_comment_t *recent, size_t n)
{
    size_t  i, held;

    for (i = 0, held = 0; i < n; i++) {
        if (recent[i].status != NEWS_COMMENT_PENDING) {
            continue;
        }

        if (held++ == 0) {
            news_buf_addl(b, "<h3 class=\"recent-h\">Awaiting moderation"
                          "</h3>\n<p>Only you and the moderators see these "
                          "until a moderator approves them.</p>\n"
                          "<ol class=\"comment-list\">\n");
        }

        news_buf_addf(b, "<li class=\"comment held\" id=\"comment-%llu\">\n"
                      "<p class=\"meta\"><b>", (unsigned long long) recent[i].id);
        news_html_escape(b, f->user, f->user_len);
        news_buf_addl(b, "</b> ");
        news_render_comment_time(b, recent[i].created_at);
        news_buf_addl(b, " <span class=\"label\">Awaiting moderation</span>"
                      "</p>\n<div class=\"text\">");
        news_comment_html(b, recent[i].body, strlen(recent[i].body));
        news_buf_addl(b, "</div>\n");
        news_render_comment_own(b, f, &recent[i]);
        news_buf_addl(b, "</li>\n");
    }

    if (held) {
        news_buf_addl(b, "</ol>\n");
    }
}


void
news_render_comment_own(news_buf_t *b, const news_comment_form_t *f,
    const news_comment_t *c)
{
    unsigned long long  id;

    id = (unsigned long long) c->id;

    if (f->edit == c->id && c->created_at < f->now - f->window) {
        news_buf_addf(b, "<p class=\"error\" id=\"edit-%llu\" "
                      "role=\"alert\">This comment can no longer be "
                      "changed: comments can be changed for %lld minutes "
                      "after posting.</p>\n", id, (long long) f->window / 60);
        return;
    }

    if (c->created_at < f->now - f->window) {
        return;
    }

    if (f->edit != c->id) {
        news_buf_addl(b, "<p class=\"actions own\">Editable until ");
        news_render_clock(b, c->created_at + f->window);
        news_buf_addf(b, " · <a href=\"" NEWS_ROUTE_ARTICLE "%.*s?edit=%llu"
                      "#comment-%llu\">Edit<span class=\"vh\"> your "
                      "comment</span></a> · <a href=\"" NEWS_ROUTE_ARTICLE
                      "%.*s?delete=%llu\">Delete<span class=\"vh\"> your "
                      "comment</span></a></p>\n", (int) f->slug_len, f->slug,
                      id, id, (int) f->slug_len, f->slug, id);
        return;
    }

    /* the form in place: back at the comment after a save */
    news_buf_addf(b, "<form class=\"comment-edit\" method=\"post\" "
                  "action=\"" NEWS_ROUTE_ARTICLE "%.*s"
                  NEWS_ROUTE_ACTION_SUFFIX "\">\n"
                  "<input type=\"hidden\" name=\"id\" value=\"%llu\">\n",
                  (int) f->slug_len, f->slug, id);
    news_render_csrf_input(b, f->csrf, f->csrf_len);
    news_buf_addl(b, "<p class=\"meta\"><b>Editing your comment</b>, "
                  "editable until ");
    news_render_clock(b, c->created_at + f->window);
    news_buf_addf(b, "</p>\n<label for=\"edit-%llu\">Your comment</label>\n"
                  "<textarea id=\"edit-%llu\" name=\"body\" rows=\"5\" "
                  "maxlength=\"%u\" required>", id, id, f->max);
    news_html_escape(b, c->body, strlen(c->body));
    news_buf_addf(b, "</textarea>\n<button type=\"submit\" name=\"action\" "
                  "value=\"edit\">Save</button> <a href=\""
                  NEWS_ROUTE_ARTICLE "%.*s#comment-%llu\">Cancel</a>\n"
                  "</form>\n", (int) f->slug_len, f->slug, id);
}


void
news_render_edit_refused(news_buf_t *b, const news_comment_form_t *f)
{
    news_buf_addf(b, "<p class=\"error\" role=\"alert\">You can change "
                  "only your own comments, for %lld minutes after posting."
                  "</p>\n", (long long) f->window / 60);
}


void
news_render_moderation_head(news_buf_t *b)
{
    news_buf_addl(b, "<h1>Moderation</h1>\n");
    news_render_moderation_tabs(b, 0);
    news_buf_addl(b, "<h2>Held for approval</h2>\n"
                  "<ol class=\"comment-list\">\n");
}


void
news_render_moderation_tabs(news_buf_t *b, int reported)
{
    news_buf_addf(b, "<nav class=\"tabs\" aria-label=\"Moderation\"><a "
                  "href=\"" NEWS_ROUTE_MODERATION "\"%s>Held for approval"
                  "</a> <a href=\"" NEWS_ROUTE_MODERATION_REPORTED "\"%s>"
                  "Reported</a></nav>\n",
                  reported ? "" : " aria-current=\"page\"",
                  reported ? " aria-current=\"page\"" : "");
}


/* one comment held for approval, with its approve and delete buttons */
void
news_render_pending_item(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const char *csrf, size_t csrf_len)
{
    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n"
                  "<p class=\"meta\"><span class=\"author\">",
                  (unsigned long long) c->id);
    news_html_escape(b, c->author, strlen(c->author));
    news_buf_addl(b, "</span> on <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "\">");
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a> · ");
    news_render_comment_time(b, c->created_at);
    news_buf_addl(b, "</p>\n<div class=\"text\">");
    news_comment_html(b, c->body, strlen(c->body));
    news_buf_addl(b, "</div>\n<form method=\"post\" action=\""
                  NEWS_ROUTE_MODERATION "\"><input type=\"hidden\" "
                  "name=\"csrf\" value=\"");
    news_buf_add(b, csrf, csrf_len);
    news_buf_addf(b, "\"><input type=\"hidden\" name=\"id\" value=\"%llu\">"
                  "<button name=\"action\" value=\"approve\">Approve"
                  "</button> <button name=\"action\" value=\"delete\">"
                  "Delete</button></form>\n</li>\n",
                  (unsigned long long) c->id);
}


/*
 * After the queue's items: whether it is empty, the link to its next
 * page (`next` is the last item's key), and moderation of any comment by
 * its number.
 */
void
news_render_moderation_tail(news_buf_t *b, size_t count, int more,
    const unsigned char *next, size_t next_len, const char *csrf,
    size_t csrf_len)
{
    news_buf_addl(b, "</ol>\n");

    if (count == 0) {
        news_buf_addl(b, "<p>Nothing is waiting.</p>\n");
    }

    if (more) {
        news_buf_addl(b, "<p><a rel=\"next\" href=\"" NEWS_ROUTE_MODERATION
                      "?after=");
        news_hex_encode(b, next, next_len);
        news_buf_addl(b, "\">Later comments</a></p>\n");
    }

    news_buf_addl(b, "<h2>Any comment</h2>\n<form method=\"post\" "
                  "action=\"" NEWS_ROUTE_MODERATION "\">\n");
    news_render_csrf_input(b, csrf, csrf_len);
    news_buf_addl(b, "<label for=\"mod-id\">Comment number</label>\n"
                  "<input id=\"mod-id\" name=\"id\" inputmode=\"numeric\" "
                  "required>\n<button name=\"action\" value=\"hide\">Hide"
                  "</button> <button name=\"action\" value=\"unhide\">"
                  "Unhide</button> <button name=\"action\" "
                  "value=\"delete\">Delete</button>\n</form>\n"
                  "<h2>Readers</h2>\n<p><a href=\"" NEWS_ROUTE_END_SESSIONS
                  "\">End a reader's sessions</a></p>\n"
                  "<h2>Words</h2>\n<p><a href=\""
                  NEWS_ROUTE_MODERATION_WORDS "\">Banned and suspect "
                  "words</a></p>\n<h2>Log</h2>\n<p><a href=\""
                  NEWS_ROUTE_MODLOG "\">Who did what, and why</a></p>\n");
}


/* one of a user's comments on their moderation page, with its buttons */
void
news_render_author_item(news_buf_t *b, const news_article_t *a,
    const news_comment_t *c, const char *csrf, size_t csrf_len)
{
    news_buf_addf(b, "<li class=\"comment\" id=\"comment-%llu\">\n"
                  "<p class=\"meta\">%s · <a href=\"" NEWS_ROUTE_ARTICLE,
                  (unsigned long long) c->id,
                  news_comment_status_name(c->status));
    news_buf_adds(b, a->slug);
    news_buf_addf(b, "#comment-%llu\">", (unsigned long long) c->id);
    news_html_escape(b, a->title, strlen(a->title));
    news_buf_addl(b, "</a> · ");
    news_render_comment_time(b, c->created_at);
    news_buf_addl(b, "</p>\n<div class=\"text\">");
    news_comment_html(b, c->body, strlen(c->body));
    news_buf_addl(b, "</div>\n");

    if (c->status == NEWS_COMMENT_DELETED) {
        news_buf_addl(b, "</li>\n");
        return;
    }

    news_buf_addl(b, "<form method=\"post\" action=\"" NEWS_ROUTE_MODERATION
                  "\">");
    news_render_csrf_input(b, csrf, csrf_len);
    news_buf_addf(b, "<input type=\"hidden\" name=\"id\" value=\"%llu\">"
                  "<button name=\"action\" value=\"%s\">%s</button> "
                  "<button name=\"action\" value=\"delete\">Delete</button>"
                  "</form>\n</li>\n", (unsigned long long) c->id,
                  c->status == NEWS_COMMENT_VISIBLE ? "hide" : "unhide",
                  c->status == NEWS_COMMENT_VISIBLE ? "Hide" : "Show");
}


/* instead of the comment form: why this reader may not comment */
void
news_render_comment_refused(news_buf_t *b, const char *why, size_t n)
{
    news_buf_addl(b, "<p class=\"notice\" id=\"comment-form\" role=\"status\">"
                  "You cannot comment: ");
    news_html_escape(b, why, n);
    news_buf_addl(b, ".</p>\n");
}


/*
 * Before a comment is deleted: what goes, the button that deletes it
 * (the article's action route, which comes back to the article) and the
 * way back to the comment untouched
 */
void
news_render_delete_confirm(news_buf_t *b, const char *slug, size_t slug_len,
    uint64_t id, const char *csrf, size_t csrf_len)
{
    news_buf_addf(b, "<h1>Delete comment No. %llu?</h1>\n<p>Its words go "
                  "for good; replies to it stay, under \xe2\x80\x9c[deleted]"
                  "\xe2\x80\x9d.</p>\n<form method=\"post\" action=\""
                  NEWS_ROUTE_ARTICLE "%.*s" NEWS_ROUTE_ACTION_SUFFIX "\">\n",
                  (unsigned long long) id, (int) slug_len, slug);
    news_render_csrf_input(b, csrf, csrf_len);
    news_buf_addf(b, "<input type=\"hidden\" name=\"id\" value=\"%llu\">\n"
                  "<p><button name=\"action\" value=\"delete\" "
                  "class=\"danger\">Delete comment No. %llu</button> "
                  "<a href=\"" NEWS_ROUTE_ARTICLE "%.*s#comment-%llu\">"
                  "Cancel: back to the comment</a></p>\n</form>\n",
                  (unsigned long long) id, (unsigned long long) id,
                  (int) slug_len, slug, (unsigned long long) id);
}
