/*
 * The desk's pages of an article's versions (render_desk.h): the list of
 * its revisions, one version with what changed in its fields, the line
 * diff of its text (diff.h), and the form that restores it.
 */

#include <string.h>

#include "diff.h"
#include "render_desk.h"
#include "render_internal.h"
#include "text.h"


static void news_render_desk_version(news_buf_t *b, const news_form_t *f,
    const char *slug, const news_desk_version_t *v);
static void news_render_desk_changes(news_buf_t *b,
    const news_article_t *old, const news_article_t *new);
static size_t news_render_desk_fields_changed(news_buf_t *b,
    const news_article_t *old, const news_article_t *new, int values);
static int news_render_desk_field(news_buf_t *b, const char *name,
    const char *old, const char *new, int values, size_t *n);
static void news_render_desk_value(news_buf_t *b, const char *s);
static void news_render_desk_tags(news_buf_t *b, const news_article_t *a);
static void news_render_desk_body_diff(news_buf_t *b, const char *old,
    const char *new);
static void news_render_desk_diff_line(news_buf_t *b,
    const news_diff_line_t *l);
static void news_render_desk_restore(news_buf_t *b, const news_form_t *f,
    const char *slug, uint32_t version);
static size_t news_min_size(size_t a, size_t b);


void
news_render_desk_revisions(news_buf_t *b, const news_form_t *f,
    const char *slug, const char *title, const news_desk_version_t *v,
    size_t n, uint32_t earlier)
{
    size_t  i;

    news_buf_addl(b, "<h1>Versions of “");
    news_html_escape(b, title, strlen(title));
    news_buf_addl(b, "”</h1>\n<p>Every save keeps the version it "
                  "replaced. Who saved each one is not recorded. "
                  "Restoring a version makes its headline, standfirst, "
                  "byline, section, tags, lead image and text the current "
                  "ones, as a new save; the address, the status and the "
                  "publication time stay as they are.</p>\n");
    news_render_form_error(b, f);

    news_buf_addl(b, "<table class=\"desk\">\n<caption>Versions, the "
                  "newest first</caption>\n<thead><tr>"
                  "<th scope=\"col\">Version</th>"
                  "<th scope=\"col\">Saved</th>"
                  "<th scope=\"col\">What it changed</th>"
                  "<th scope=\"col\">Actions</th></tr></thead>\n"
                  "<tbody>\n");

    for (i = 0; i < n; i++) {
        news_render_desk_version(b, f, slug, &v[i]);
    }

    news_buf_addl(b, "</tbody>\n</table>\n");

    if (earlier) {
        news_buf_addl(b, "<nav class=\"pager\" aria-label=\"Pages\">"
                      "<a href=\"" NEWS_ROUTE_DESK_ARTICLE);
        news_buf_adds(b, slug);
        news_buf_addf(b, NEWS_ROUTE_REVISIONS_SUFFIX "?before=%u\">Earlier "
                      "versions</a></nav>\n", (unsigned) earlier);
    }

    news_buf_addl(b, "<p><a href=\"" NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(b, slug);
    news_buf_addl(b, "\">Back to the article's form</a></p>\n");
}


static void
news_render_desk_version(news_buf_t *b, const news_form_t *f,
    const char *slug, const news_desk_version_t *v)
{
    if (v->version == 0) {
        news_buf_addl(b, "<tr><th scope=\"row\">Current</th><td>");

    } else {
        news_buf_addf(b, "<tr><th scope=\"row\">Version %u</th><td>",
                      (unsigned) v->version);
    }

    news_render_comment_time(b, v->a->modified_at);
    news_buf_addl(b, "</td><td>");

    if (v->prev == NULL) {
        news_buf_addl(b, "The first version kept.");

    } else {
        news_render_desk_changes(b, v->prev, v->a);
    }

    news_buf_addl(b, "</td><td>");

    if (v->version == 0) {
        news_buf_addl(b, "This is what readers are shown.</td></tr>\n");
        return;
    }

    news_buf_addl(b, "<a href=\"" NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(b, slug);
    news_buf_addf(b, NEWS_ROUTE_REVISIONS_SUFFIX "?diff=%u\">Compare "
                  "version %u with the current text</a>\n",
                  (unsigned) v->version, (unsigned) v->version);
    news_render_desk_restore(b, f, slug, v->version);
    news_buf_addl(b, "</td></tr>\n");
}


/* a line: the fields that changed, and the text's lines added, removed */
static void
news_render_desk_changes(news_buf_t *b, const news_article_t *old,
    const news_article_t *new)
{
    int          rc;
    size_t       n;
    news_diff_t  d;

    n = news_render_desk_fields_changed(b, old, new, 0);

    if (strcmp(old->body, new->body) != 0) {
        news_buf_adds(b, n ? "; text: " : "Text: ");
        n++;

        rc = news_diff_lines(old->body, strlen(old->body), new->body,
                             strlen(new->body), &d);

        if (rc == NEWS_DIFF_OK) {
            news_buf_addf(b, "%zu line%s added, %zu removed", d.added,
                          d.added == 1 ? "" : "s", d.removed);
            news_diff_free(&d);

        } else if (rc == NEWS_DIFF_TOO_BIG) {
            news_buf_addl(b, "too many changes to count");

        } else {
            b->failed = 1;
        }
    }

    news_buf_adds(b, n ? "." : "Nothing readers see changed.");
}


/*
 * The fields but the body that differ, by name ("Headline, section"), or
 * (values) each with its old value deleted and its new one inserted;
 * how many
 */
static size_t
news_render_desk_fields_changed(news_buf_t *b, const news_article_t *old,
    const news_article_t *new, int values)
{
    size_t      n;
    news_buf_t  ot, nt;

    n = 0;
    news_buf_init(&ot);
    news_buf_init(&nt);

    news_render_desk_tags(&ot, old);
    news_render_desk_tags(&nt, new);

    news_render_desk_field(b, "Headline", old->title, new->title, values,
                           &n);
    news_render_desk_field(b, "Standfirst", old->subtitle, new->subtitle,
                           values, &n);
    news_render_desk_field(b, "Byline", old->author, new->author, values,
                           &n);
    news_render_desk_field(b, "Address", old->slug, new->slug, values, &n);
    news_render_desk_field(b, "Section", old->section, new->section,
                           values, &n);
    news_render_desk_field(b, "Tags", news_buf_cstr(&ot),
                           news_buf_cstr(&nt), values, &n);
    news_render_desk_field(b, "Lead image", old->image_url, new->image_url,
                           values, &n);
    news_render_desk_field(b, "Lead image alt text", old->image_alt,
                           new->image_alt, values, &n);
    news_render_desk_field(b, "Lead image caption", old->image_caption,
                           new->image_caption, values, &n);
    news_render_desk_field(b, "Status",
                           old->status == NEWS_DRAFT ? "draft" : "published",
                           new->status == NEWS_DRAFT ? "draft" : "published",
                           values, &n);

    if (old->published_at != new->published_at) {
        news_buf_reset(&ot);
        news_buf_reset(&nt);
        news_time_rfc3339(&ot, old->published_at);
        news_time_rfc3339(&nt, new->published_at);
        news_render_desk_field(b, "Publication time", news_buf_cstr(&ot),
                               news_buf_cstr(&nt), values, &n);
    }

    if (ot.failed || nt.failed) {
        b->failed = 1;
    }

    news_buf_free(&ot);
    news_buf_free(&nt);

    return n;
}


/* one field, when it changed; *n counts them */
static int
news_render_desk_field(news_buf_t *b, const char *name, const char *old,
    const char *new, int values, size_t *n)
{
    old = old ? old : "";
    new = new ? new : "";

    if (strcmp(old, new) == 0) {
        return 0;
    }

    if (!values) {
        if (*n) {
            news_buf_addl(b, ", ");
            news_buf_addc(b, (char) (name[0] - 'A' + 'a'));
            news_buf_adds(b, name + 1);

        } else {
            news_buf_adds(b, name);
        }

        (*n)++;
        return 1;
    }

    news_buf_addf(b, "<dt>%s</dt>\n<dd><del><span class=\"vh\">Was: "
                  "</span>", name);
    news_render_desk_value(b, old);
    news_buf_addl(b, "</del></dd>\n<dd><ins><span class=\"vh\">Now: "
                  "</span>");
    news_render_desk_value(b, new);
    news_buf_addl(b, "</ins></dd>\n");
    (*n)++;

    return 1;
}


/* a field's value, escaped; an empty one says so */
static void
news_render_desk_value(news_buf_t *b, const char *s)
{
    if (s[0] == '\0') {
        news_buf_addl(b, "(none)");
        return;
    }

    news_html_escape(b, s, strlen(s));
}


static void
news_render_desk_tags(news_buf_t *b, const news_article_t *a)
{
    unsigned  i;

    for (i = 0; i < a->ntags; i++) {
        if (i) {
            news_buf_addl(b, ", ");
        }

        news_buf_adds(b, a->tags[i]);
    }
}


void
news_render_desk_diff(news_buf_t *b, const news_form_t *f, const char *slug,
    uint32_t from, uint32_t to, const news_article_t *old,
    const news_article_t *new)
{
    size_t  n;

    news_buf_addf(b, "<h1>Changes from version %u to ", (unsigned) from);

    if (to) {
        news_buf_addf(b, "version %u</h1>\n", (unsigned) to);

    } else {
        news_buf_addl(b, "the current text</h1>\n");
    }

    news_buf_addl(b, "<p><a href=\"" NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(b, slug);
    news_buf_addl(b, NEWS_ROUTE_REVISIONS_SUFFIX "\">Back to the versions"
                  "</a></p>\n<h2>Other fields</h2>\n<dl class=\"diff\">\n");

    n = news_render_desk_fields_changed(b, old, new, 1);

    news_buf_addl(b, "</dl>\n");

    if (n == 0) {
        news_buf_addl(b, "<p>No other field changed.</p>\n");
    }

    news_buf_addl(b, "<h2>Text</h2>\n");
    news_render_desk_body_diff(b, old->body, new->body);
    news_render_desk_restore(b, f, slug, from);
}


/*
 * The body's lines: each change with NEWS_DESK_DIFF_CONTEXT lines kept
 * around it, and the runs of kept lines between changes counted
 */
static void
news_render_desk_body_diff(news_buf_t *b, const char *old, const char *new)
{
    int          rc;
    size_t       i, j, k, lead, trail, hidden;
    news_diff_t  d;

    rc = news_diff_lines(old, strlen(old), new, strlen(new), &d);

    if (rc == NEWS_DIFF_NOMEM) {
        b->failed = 1;
        return;
    }

    if (rc == NEWS_DIFF_TOO_BIG) {
        news_buf_addf(b, "<p>The two texts are too far apart to compare "
                      "line by line (more than %d lines, or more than %d "
                      "lines added and removed). Compare versions nearer "
                      "to each other, or restore this one to read it "
                      "whole.</p>\n", NEWS_DIFF_LINES_MAX,
                      NEWS_DIFF_EDITS_MAX);
        return;
    }

    if (d.added == 0 && d.removed == 0) {
        news_buf_addl(b, "<p>The text did not change.</p>\n");
        news_diff_free(&d);
        return;
    }

    news_buf_addf(b, "<p>%zu line%s added, %zu removed. Removed lines are "
                  "marked “−” and struck through, added lines “+” and "
                  "underlined.</p>\n<pre class=\"diff\">",
                  d.added, d.added == 1 ? "" : "s", d.removed);

    for (i = 0; i < d.n; i = j) {
        if (d.lines[i].op != NEWS_DIFF_SAME) {
            news_render_desk_diff_line(b, &d.lines[i]);
            j = i + 1;
            continue;
        }

        /* a run of kept lines: its ends near a change are shown */
        for (j = i; j < d.n && d.lines[j].op == NEWS_DIFF_SAME; j++) {
            /* void */
        }

        lead = i > 0 ? news_min_size(NEWS_DESK_DIFF_CONTEXT, j - i) : 0;
        trail = j < d.n ? news_min_size(NEWS_DESK_DIFF_CONTEXT,
                                        j - i - lead)
                        : 0;
        hidden = j - i - lead - trail;

        for (k = i; k < i + lead; k++) {
            news_render_desk_diff_line(b, &d.lines[k]);
        }

        if (hidden) {
            news_buf_addf(b, "<span class=\"meta\">… %zu unchanged "
                          "line%s …</span>\n", hidden,
                          hidden == 1 ? "" : "s");
        }

        for (k = j - trail; k < j; k++) {
            news_render_desk_diff_line(b, &d.lines[k]);
        }
    }

    news_buf_addl(b, "</pre>\n");
    news_diff_free(&d);
}


/* a line of the body's diff, its mark in words for who cannot see it */
static void
news_render_desk_diff_line(news_buf_t *b, const news_diff_line_t *l)
{
    switch (l->op) {

    case NEWS_DIFF_DEL:
        news_buf_addl(b, "<del><span class=\"vh\">Removed: </span>− ");
        news_html_escape(b, l->s, l->len);
        news_buf_addl(b, "</del>\n");
        return;

    case NEWS_DIFF_ADD:
        news_buf_addl(b, "<ins><span class=\"vh\">Added: </span>+ ");
        news_html_escape(b, l->s, l->len);
        news_buf_addl(b, "</ins>\n");
        return;

    default:
        news_buf_addl(b, "  ");
        news_html_escape(b, l->s, l->len);
        news_buf_addc(b, '\n');
    }
}


/* a button that makes a version the current one */
static void
news_render_desk_restore(news_buf_t *b, const news_form_t *f,
    const char *slug, uint32_t version)
{
    news_buf_t  action;

    news_buf_init(&action);
    news_buf_addl(&action, NEWS_ROUTE_DESK_ARTICLE);
    news_buf_adds(&action, slug);
    news_buf_addl(&action, NEWS_ROUTE_REVISIONS_SUFFIX);

    news_render_form_start(b, news_buf_cstr(&action), f, NULL);
    news_buf_addf(b, "<input type=\"hidden\" name=\"version\" value=\"%u\">"
                  "\n<button type=\"submit\">Restore version %u</button>\n"
                  "</form>\n", (unsigned) version, (unsigned) version);

    if (action.failed) {
        b->failed = 1;
    }

    news_buf_free(&action);
}


static size_t
news_min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}
