/*
 * The editors' desk (render_desk.h): plain HTML forms, no script.  An
 * article's versions and their differences are render_desk_versions.c's.
 */

#include <string.h>

#include "render_desk.h"
#include "render_internal.h"
#include "text.h"


typedef struct {
    const char  *id;            /* the field's name and id */
    const char  *label;
    const char  *hint;          /* under the label, or NULL */
    size_t       offset;        /* of its news_str_t in the fields */
    size_t       max;
    const char  *type;          /* of the <input>; NULL: a <textarea> */
    int          required;
} news_desk_input_t;


static const news_desk_input_t  news_desk_inputs[] = {
    { "title", "Headline", NULL, offsetof(news_desk_fields_t, title),
      NEWS_TITLE_MAX, "text", 1 },
    { "subtitle", "Standfirst", NULL, offsetof(news_desk_fields_t, subtitle),
      NEWS_SUBTITLE_MAX, "text", 0 },
    { "slug", "Address (slug)", "Empty: made from the headline. A new one "
      "leaves the old address sending readers on.",
      offsetof(news_desk_fields_t, slug), NEWS_SLUG_MAX, "text", 0 },
    { "section", "Section", NULL, offsetof(news_desk_fields_t, section),
      NEWS_SECTION_MAX, "text", 0 },
    { "tags", "Tags", "Parted by commas.", offsetof(news_desk_fields_t, tags),
      NEWS_TAGS_MAX * (NEWS_TAG_MAX + 2), "text", 0 },
    { "image_url", "Lead image URL", "An http:// or https:// address.",
      offsetof(news_desk_fields_t, image_url), NEWS_IMAGE_URL_MAX, "url", 0 },
    { "image_alt", "Lead image: what it shows (alt text)", "Required with "
      "an image, for readers who cannot see it.",
      offsetof(news_desk_fields_t, image_alt), NEWS_IMAGE_ALT_MAX, "text", 0 },
    { "image_caption", "Lead image caption", NULL,
      offsetof(news_desk_fields_t, image_caption), NEWS_IMAGE_CAPTION_MAX,
      "text", 0 },
    { "body", "Text (Markdown)", NULL, offsetof(news_desk_fields_t, body),
      NEWS_BODY_MAX, NULL, 1 },
    { "published", "Publication time (UTC)", "Empty: now, when published. "
      "A time ahead schedules the article.",
      offsetof(news_desk_fields_t, published), 19, "datetime-local", 0 },
};


static void news_render_desk_state(news_buf_t *b, const news_desk_edit_t *e);
static void news_render_desk_input(news_buf_t *b, const news_form_t *f,
    const news_desk_input_t *in, const news_str_t *value);
static void news_render_desk_buttons(news_buf_t *b,
    const news_desk_edit_t *e, int preview);
static void news_render_desk_filters(news_buf_t *b,
    const news_desk_list_t *l);
static void news_render_desk_item(news_buf_t *b, const news_desk_item_t *it);
static void news_render_desk_query(news_buf_t *b, const news_desk_list_t *l);
static void news_render_desk_action(news_buf_t *b,
    const news_desk_edit_t *e);
static void news_render_desk_unseen(news_buf_t *b, const news_page_t *pg);


void
news_render_desk_list(news_buf_t *b, const news_desk_list_t *l)
{
    size_t  i;

    news_buf_addl(b, "<h1>Desk</h1>\n<p><a href=\"" NEWS_ROUTE_DESK_NEW
                  "\">Write a new article</a></p>\n");

    news_render_desk_filters(b, l);

    if (l->n == 0) {
        news_buf_addl(b, "<p>No articles here.</p>\n");

    } else {
        news_buf_addl(b, "<table class=\"desk\">\n<caption>Articles, the "
                      "latest changed first</caption>\n<thead><tr>"
                      "<th scope=\"col\">Headline</th>"
                      "<th scope=\"col\">Status</th>"
                      "<th scope=\"col\">Section</th>"
                      "<th scope=\"col\">Changed</th></tr></thead>\n"
                      "<tbody>\n");

        for (i = 0; i < l->n; i++) {
            news_render_desk_item(b, &l->items[i]);
        }

        news_buf_addl(b, "</tbody>\n</table>\n");
    }

    if (l->more) {
        news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Pages\">"
                      "<a href=\"" NEWS_ROUTE_DESK "?");
        news_render_desk_query(b, l);
        news_buf_addl(b, "after=");
        news_hex_encode(b, l->next, NEWS_DESK_CURSOR);
        news_buf_addl(b, "\">Earlier changes</a></nav>\n");
    }
}


/* a GET form: the status and the section shown */
static void
news_render_desk_filters(news_buf_t *b, const news_desk_list_t *l)
{
    int          s;
    const char  *names[] = { "Any", "Drafts", "Scheduled", "Published" };

    news_buf_addl(b, "<form class=\"search\" method=\"get\" action=\""
                  NEWS_ROUTE_DESK "\">\n<label for=\"desk-status\">Status"
                  "</label>\n<select id=\"desk-status\" name=\"status\">\n");

    for (s = NEWS_DESK_ANY; s <= NEWS_DESK_PUBLISHED; s++) {
        news_buf_addf(b, "<option value=\"%s\"%s>%s</option>\n",
                      news_desk_state_name(s),
                      s == l->state ? " selected" : "", names[s]);
    }

    news_buf_addl(b, "</select>\n<label for=\"desk-section\">Section</label>\n"
                  "<input id=\"desk-section\" name=\"section\" "
                  "maxlength=\"64\" value=\"");
    news_html_escape(b, l->section ? l->section : "", l->section_len);
    news_buf_addl(b, "\">\n<button type=\"submit\">Show</button>\n</form>\n");
}


/* status=...&section=...& of the list shown, for its next page */
static void
news_render_desk_query(news_buf_t *b, const news_desk_list_t *l)
{
    if (l->state != NEWS_DESK_ANY) {
        news_buf_addf(b, "status=%s&amp;", news_desk_state_name(l->state));
    }

    /* the section's slug stands for it: a-z, 0-9 and -, safe in a URL */
    if (l->section_len) {
        news_buf_addl(b, "section=");
        (void) news_slugify(b, l->section, l->section_len);
        news_buf_addl(b, "&amp;");
    }
}


static void
news_render_desk_item(news_buf_t *b, const news_desk_item_t *it)
{
    news_buf_addl(b, "<tr><td><a href=\"" NEWS_ROUTE_DESK_ARTICLE);
    news_buf_add(b, it->slug, it->slug_len);
    news_buf_addl(b, "\">");
    news_html_escape(b, it->title, it->title_len);
    news_buf_addl(b, "</a></td><td>");

    switch (it->state) {

    case NEWS_DESK_DRAFT:
        news_buf_addl(b, "Draft");
        break;

    case NEWS_DESK_SCHEDULED:
        news_buf_addl(b, "Scheduled for ");
        news_render_time(b, it->published_at);
        break;

    default:
        news_buf_addl(b, "Published ");
        news_render_time(b, it->published_at);
    }

    news_buf_addl(b, "</td><td>");
    news_html_escape(b, it->section, it->section_len);
    news_buf_addl(b, "</td><td>");
    news_render_comment_time(b, it->modified_at);
    news_buf_addl(b, "</td></tr>\n");
}


void
news_render_desk_form(news_buf_t *b, const news_form_t *f,
    const news_desk_edit_t *e, const news_desk_fields_t *v)
{
    size_t      i;
    news_buf_t  action;

    news_buf_init(&action);
    news_render_desk_action(&action, e);

    if (e->slug == NULL) {
        news_buf_addl(b, "<h1>New article</h1>\n");

    } else {
        news_buf_addl(b, "<h1>Edit: ");
        news_html_escape(b, v->title.data, v->title.len);
        news_buf_addl(b, "</h1>\n");
    }

    if (f->notice != NULL) {
        news_buf_addl(b, "<p class=\"notice\" role=\"status\">");
        news_html_escape(b, f->notice, strlen(f->notice));
        news_buf_addl(b, "</p>\n");
    }

    news_render_desk_state(b, e);
    news_render_form_error(b, f);
    news_render_form_start(b, news_buf_cstr(&action), f, NULL);

    for (i = 0; i < sizeof(news_desk_inputs) / sizeof(news_desk_inputs[0]);
         i++)
    {
        news_render_desk_input(b, f, &news_desk_inputs[i],
                               (const news_str_t *)
                               ((const char *) v
                                + news_desk_inputs[i].offset));
    }

    news_render_desk_buttons(b, e, 0);
    news_buf_addl(b, "</form>\n");

    if (e->slug != NULL) {
        news_buf_addl(b, "<p><a href=\"" NEWS_ROUTE_DESK_ARTICLE);
        news_buf_adds(b, e->slug);
        news_buf_addl(b, NEWS_ROUTE_REVISIONS_SUFFIX "\">Earlier versions, "
                      "their changes, and Restore</a></p>\n"
                      "<p><a href=\"" NEWS_ROUTE_DESK_ARTICLE);
        news_buf_adds(b, e->slug);
        news_buf_addl(b, NEWS_ROUTE_DESK_DELETE_SUFFIX "\">Delete this "
                      "article</a></p>\n");
    }

    news_buf_addl(b, "<p><a href=\"" NEWS_ROUTE_DESK "\">Back to the desk"
                  "</a></p>\n");

    if (action.failed) {
        b->failed = 1;
    }

    news_buf_free(&action);
}


/* where the form is sent: the new article's page, or the article's */
static void
news_render_desk_action(news_buf_t *b, const news_desk_edit_t *e)
{
    if (e->slug == NULL) {
        news_buf_addl(b, NEWS_ROUTE_DESK_NEW);
        return;
    }

    news_buf_addl(b, NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(b, e->slug);
}


/*
 * Over the preview: what it is, and the form's values again (hidden), to
 * go back to editing them or to save them from here
 */
void
news_render_desk_preview(news_buf_t *b, const news_form_t *f,
    const news_desk_edit_t *e, const news_desk_fields_t *v,
    const news_page_t *pg, int64_t now)
{
    size_t             i;
    news_buf_t         action;
    const news_str_t  *value;

    news_buf_init(&action);
    news_render_desk_action(&action, e);

    news_render_form_start(b, news_buf_cstr(&action), f, NULL);
    news_render_desk_preview_banner(b, pg, now);

    for (i = 0; i < sizeof(news_desk_inputs) / sizeof(news_desk_inputs[0]);
         i++)
    {
        value = (const news_str_t *) ((const char *) v
                                      + news_desk_inputs[i].offset);

        news_buf_addf(b, "<input type=\"hidden\" name=\"%s\" value=\"",
                      news_desk_inputs[i].id);
        news_html_escape(b, value->data ? value->data : "", value->len);
        news_buf_addl(b, "\">\n");
    }

    news_render_desk_buttons(b, e, 1);
    news_buf_addl(b, "</form>\n");

    if (action.failed) {
        b->failed = 1;
    }

    news_buf_free(&action);
}


/* where the article stands, and where to see it as readers will */
static void
news_render_desk_state(news_buf_t *b, const news_desk_edit_t *e)
{
    if (e->slug == NULL) {
        news_buf_addl(b, "<p>A new article is saved as a draft until it is "
                      "published or scheduled.</p>\n");
        return;
    }

    news_buf_addl(b, "<p class=\"meta\">");

    switch (e->state) {

    case NEWS_DESK_DRAFT:
        news_buf_addl(b, "Draft: readers cannot see it.");
        break;

    case NEWS_DESK_SCHEDULED:
        news_buf_addl(b, "Scheduled for ");
        news_render_time(b, e->published_at);
        news_buf_addc(b, '.');
        break;

    default:
        news_buf_addl(b, "Published ");
        news_render_time(b, e->published_at);

        if (e->updated_at > e->published_at + 60) {
            news_buf_addl(b, ", updated ");
            news_render_time(b, e->updated_at);
        }

        news_buf_addc(b, '.');
    }

    news_buf_addl(b, " <a href=\"" NEWS_ROUTE_ARTICLE);
    news_buf_adds(b, e->slug);
    news_buf_addl(b, "\">The saved page as readers will see it</a>.</p>\n");
}


static void
news_render_desk_input(news_buf_t *b, const news_form_t *f,
    const news_desk_input_t *in, const news_str_t *value)
{
    news_buf_addf(b, "<p><label for=\"%s\">%s</label>", in->id, in->label);

    if (in->hint != NULL) {
        news_buf_addf(b, " <span class=\"meta\">%s</span>", in->hint);
    }

    if (in->type == NULL) {
        news_buf_addf(b, "<br>\n<textarea id=\"%s\" name=\"%s\" rows=\"20\" "
                      "cols=\"60\"%s", in->id, in->id,
                      in->required ? " required" : "");
        news_render_field_end(b, in->id, f);
        /* a newline after <textarea> is eaten by the parser: keep the
         * body's own first newline */
        news_buf_addc(b, '\n');
        news_html_escape(b, value->data ? value->data : "", value->len);
        news_buf_addl(b, "</textarea></p>\n");
        return;
    }

    news_buf_addf(b, "<br>\n<input id=\"%s\" name=\"%s\" type=\"%s\"%s%s",
                  in->id, in->id, in->type,
                  in->required ? " required" : "",
                  strcmp(in->type, "datetime-local") == 0
                  ? " step=\"1\"" : "");

    if (strcmp(in->type, "datetime-local") != 0) {
        news_buf_addf(b, " maxlength=\"%zu\"", in->max);
    }

    news_buf_addl(b, " value=\"");
    news_html_escape(b, value->data ? value->data : "", value->len);
    news_buf_addc(b, '"');
    news_render_field_end(b, in->id, f);
    news_buf_addl(b, "</p>\n");
}


/*
 * What can be done from where the article stands, and Preview; on the
 * preview, going back to the form instead
 */
static void
news_render_desk_buttons(news_buf_t *b, const news_desk_edit_t *e,
    int preview)
{
    int  state;

    state = e->slug == NULL ? NEWS_DESK_DRAFT : e->state;

    news_buf_addl(b, "<p class=\"actions\">");

    if (preview) {
        news_buf_addl(b, "<button type=\"submit\" name=\"action\" "
                      "value=\"edit\">Back to editing</button>\n");
    }

    switch (state) {

    case NEWS_DESK_DRAFT:
        news_buf_addl(b, "<button type=\"submit\" name=\"action\" "
                      "value=\"save\">Save draft</button>\n"
                      "<button type=\"submit\" name=\"action\" "
                      "value=\"publish\">Publish now</button>\n"
                      "<button type=\"submit\" name=\"action\" "
                      "value=\"schedule\">Schedule</button>");
        break;

    case NEWS_DESK_SCHEDULED:
        news_buf_addl(b, "<button type=\"submit\" name=\"action\" "
                      "value=\"schedule\">Save and keep scheduled</button>\n"
                      "<button type=\"submit\" name=\"action\" "
                      "value=\"publish\">Publish now</button>\n"
                      "<button type=\"submit\" name=\"action\" "
                      "value=\"unpublish\">Unpublish</button>");
        break;

    default:
        news_buf_addl(b, "<button type=\"submit\" name=\"action\" "
                      "value=\"save\">Update</button>\n"
                      "<button type=\"submit\" name=\"action\" "
                      "value=\"unpublish\">Unpublish</button>");
    }

    /* the form's values as readers would see them, nothing saved */
    if (!preview) {
        news_buf_addl(b, "\n<button type=\"submit\" name=\"action\" "
                      "value=\"preview\">Preview</button>");
    }

    news_buf_addl(b, "</p>\n");
}


void
news_render_desk_delete(news_buf_t *b, const news_form_t *f,
    const char *slug, const char *title, size_t title_len)
{
    news_buf_t  action;

    news_buf_init(&action);
    news_buf_addl(&action, NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(&action, slug);
    news_buf_addl(&action, NEWS_ROUTE_DESK_DELETE_SUFFIX);

    news_buf_addl(b, "<h1>Delete “");
    news_html_escape(b, title, title_len);
    news_buf_addl(b, "”?</h1>\n<p>The article goes with its comments and "
                  "revisions, and its address is free again. This cannot "
                  "be undone.</p>\n");
    news_render_form_error(b, f);
    news_render_form_start(b, news_buf_cstr(&action), f, NULL);
    news_buf_addl(b, "<p><button type=\"submit\">Delete the article"
                  "</button></p>\n</form>\n<p><a href=\""
                  NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(b, slug);
    news_buf_addl(b, "\">Keep it</a></p>\n");

    if (action.failed) {
        b->failed = 1;
    }

    news_buf_free(&action);
}


void
news_render_desk_banner(news_buf_t *b, const news_page_t *pg, int64_t now)
{
    if ((pg->status & NEWS_STATUS_MASK) != NEWS_DRAFT
        && pg->published_at <= now)
    {
        return;
    }

    news_buf_addl(b, "<p class=\"banner\" role=\"note\">");
    news_render_desk_unseen(b, pg);
    news_buf_addl(b, "</p>\n");
}


void
news_render_desk_preview_banner(news_buf_t *b, const news_page_t *pg,
    int64_t now)
{
    news_buf_addl(b, "<p class=\"banner\" role=\"note\"><strong>Preview"
                  "</strong>: nothing is saved yet; go back to the form to "
                  "change or save it.");

    if ((pg->status & NEWS_STATUS_MASK) == NEWS_DRAFT
        || pg->published_at > now)
    {
        news_buf_addc(b, ' ');
        news_render_desk_unseen(b, pg);
    }

    news_buf_addl(b, "</p>\n");
}


/* why readers cannot see the page: a draft, or scheduled ahead */
static void
news_render_desk_unseen(news_buf_t *b, const news_page_t *pg)
{
    if ((pg->status & NEWS_STATUS_MASK) == NEWS_DRAFT) {
        news_buf_addl(b, "<strong>Draft</strong>: readers cannot see this "
                      "page.");
        return;
    }

    news_buf_addl(b, "<strong>Scheduled for ");
    news_render_time(b, pg->published_at);
    news_buf_addl(b, "</strong>: readers will see this page then.");
}
