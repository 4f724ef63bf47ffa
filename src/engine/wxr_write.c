/*
 * WXR 1.2 written (wxr.h), as WordPress writes it, for newsctl
 * export-wxr: the channel's head, authors and terms, then each article
 * with its comments, then the tail.  Every value is escaped or in CDATA.
 */

#include <string.h>

#include "articles.h"
#include "render.h"
#include "text.h"
#include "wxr.h"


/* text as CDATA, as WordPress writes it: "]]>" split across two sections */
static void
news_wxr_cdata(news_buf_t *b, const char *s)
{
    const char  *end;

    news_buf_addl(b, "<![CDATA[");

    while ((end = strstr(s, "]]>")) != NULL) {
        news_buf_add(b, s, (size_t) (end - s) + 2);
        news_buf_addl(b, "]]><![CDATA[");
        s = end + 2;
    }

    news_buf_adds(b, s);
    news_buf_addl(b, "]]>");
}


static void
news_wxr_element(news_buf_t *b, const char *indent, const char *name,
    const char *value)
{
    news_buf_adds(b, indent);
    news_buf_addf(b, "<%s>", name);
    news_wxr_cdata(b, value);
    news_buf_addf(b, "</%s>\n", name);
}


/* the same with the value escaped, as WordPress writes the channel's */
static void
news_wxr_text(news_buf_t *b, const char *indent, const char *name,
    const char *value)
{
    news_buf_adds(b, indent);
    news_buf_addf(b, "<%s>", name);
    news_html_escape(b, value, strlen(value));
    news_buf_addf(b, "</%s>\n", name);
}


/* "2024-03-05 17:30:00", WordPress's date form, in UTC */
static void
news_wxr_time(news_buf_t *b, int64_t t)
{
    size_t  at;

    at = b->len;
    news_time_rfc3339(b, t);

    if (!b->failed && b->len - at >= 19) {
        b->data[at + 10] = ' ';
        b->len = at + 19;
    }
}


static void
news_wxr_date_element(news_buf_t *b, const char *name, int64_t t)
{
    news_buf_addf(b, "\t\t<wp:%s><![CDATA[", name);
    news_wxr_time(b, t);
    news_buf_addf(b, "]]></wp:%s>\n", name);
}


void
news_wxr_head(news_buf_t *b, const char *site, const char *base,
    int64_t now)
{
    news_buf_addl(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
        "<!-- This is a WordPress eXtended RSS file (WXR 1.2) written by "
        "newsctl export-wxr. -->\n"
        "<rss version=\"2.0\"\n"
        "\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
        "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
        "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
        "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        "\txmlns:wp=\"http://wordpress.org/export/1.2/\"\n"
        ">\n\n<channel>\n");
    news_wxr_text(b, "\t", "title", site);
    news_wxr_text(b, "\t", "link", base);
    news_buf_addl(b, "\t<description></description>\n\t<pubDate>");
    news_time_http(b, now);
    news_buf_addl(b, "</pubDate>\n\t<language>en-US</language>\n"
                  "\t<wp:wxr_version>1.2</wp:wxr_version>\n");
    news_wxr_text(b, "\t", "wp:base_site_url", base);
    news_wxr_text(b, "\t", "wp:base_blog_url", base);
    news_buf_addl(b, "\n");
}


/* an author's login: the byline as a slug, or "author" */
static void
news_wxr_login(news_buf_t *b, const char *name)
{
    size_t  at;

    at = b->len;

    if (!news_slugify(b, name, strlen(name))) {
        b->len = at;
        news_buf_addl(b, "author");
    }
}


void
news_wxr_author_entry(news_buf_t *b, size_t id, const char *name)
{
    news_buf_addf(b, "\t<wp:author><wp:author_id>%zu</wp:author_id>"
                  "<wp:author_login><![CDATA[", id);
    news_wxr_login(b, name);
    news_buf_addl(b, "]]></wp:author_login><wp:author_email></wp:author_email>"
                  "<wp:author_display_name>");
    news_wxr_cdata(b, name);
    news_buf_addl(b, "</wp:author_display_name><wp:author_first_name>"
                  "</wp:author_first_name><wp:author_last_name>"
                  "</wp:author_last_name></wp:author>\n");
}


/* a section ('s') or a tag ('t') of the channel's list */
void
news_wxr_term(news_buf_t *b, size_t id, int kind, const char *name)
{
    news_buf_t  slug;

    news_buf_init(&slug);
    news_slugify(&slug, name, strlen(name));

    if (kind == 's') {
        news_buf_addf(b, "\t<wp:category>\n\t\t<wp:term_id>%zu</wp:term_id>\n"
                      "\t\t<wp:category_nicename>", id);
        news_wxr_cdata(b, news_buf_cstr(&slug));
        news_buf_addl(b, "</wp:category_nicename>\n\t\t<wp:category_parent>"
                      "<![CDATA[]]></wp:category_parent>\n\t\t<wp:cat_name>");
        news_wxr_cdata(b, name);
        news_buf_addl(b, "</wp:cat_name>\n\t</wp:category>\n");

    } else {
        news_buf_addf(b, "\t<wp:tag>\n\t\t<wp:term_id>%zu</wp:term_id>\n"
                      "\t\t<wp:tag_slug>", id);
        news_wxr_cdata(b, news_buf_cstr(&slug));
        news_buf_addl(b, "</wp:tag_slug>\n\t\t<wp:tag_name>");
        news_wxr_cdata(b, name);
        news_buf_addl(b, "</wp:tag_name>\n\t</wp:tag>\n");
    }

    news_buf_free(&slug);
}


/* the same term in WordPress 4.4's general form, which it writes too */
void
news_wxr_term_entry(news_buf_t *b, size_t id, int kind, const char *name)
{
    news_buf_addf(b, "\t<wp:term>\n\t\t<wp:term_id>%zu</wp:term_id>\n"
                  "\t\t<wp:term_taxonomy><![CDATA[%s]]></wp:term_taxonomy>\n"
                  "\t\t<wp:term_slug><![CDATA[", id,
                  kind == 's' ? "category" : "post_tag");
    news_slugify(b, name, strlen(name));
    news_buf_addl(b, "]]></wp:term_slug>\n\t\t<wp:term_parent><![CDATA[]]>"
                  "</wp:term_parent>\n\t\t<wp:term_name>");
    news_wxr_cdata(b, name);
    news_buf_addl(b, "</wp:term_name>\n\t</wp:term>\n");
}


/* after the terms, before the items */
void
news_wxr_generator(news_buf_t *b)
{
    news_buf_addl(b, "\n\t<generator>newsctl export-wxr</generator>\n\n");
}


static void
news_wxr_category(news_buf_t *b, const char *domain, const char *name)
{
    news_buf_addf(b, "\t\t<category domain=\"%s\" nicename=\"", domain);
    news_slugify(b, name, strlen(name));
    news_buf_addl(b, "\">");
    news_wxr_cdata(b, name);
    news_buf_addl(b, "</category>\n");
}


static void
news_wxr_comment_out(news_buf_t *b, const news_comment_t *c)
{
    const char  *approved;

    approved = c->status == NEWS_COMMENT_VISIBLE ? "1"
               : c->status == NEWS_COMMENT_PENDING ? "0" : "trash";

    news_buf_addf(b, "\t\t<wp:comment>\n\t\t\t<wp:comment_id>%llu"
                  "</wp:comment_id>\n\t\t\t<wp:comment_author>",
                  (unsigned long long) c->id);
    news_wxr_cdata(b, c->author);
    news_buf_addl(b, "</wp:comment_author>\n\t\t\t<wp:comment_author_email>"
                  "<![CDATA[]]></wp:comment_author_email>\n"
                  "\t\t\t<wp:comment_author_url></wp:comment_author_url>\n"
                  "\t\t\t<wp:comment_author_IP><![CDATA[]]>"
                  "</wp:comment_author_IP>\n\t\t\t<wp:comment_date><![CDATA[");
    news_wxr_time(b, c->created_at);
    news_buf_addl(b, "]]></wp:comment_date>\n\t\t\t<wp:comment_date_gmt>"
                  "<![CDATA[");
    news_wxr_time(b, c->created_at);
    news_buf_addl(b, "]]></wp:comment_date_gmt>\n\t\t\t<wp:comment_content>");
    news_wxr_cdata(b, c->body);
    news_buf_addf(b, "</wp:comment_content>\n\t\t\t<wp:comment_approved>"
                  "<![CDATA[%s]]></wp:comment_approved>\n"
                  "\t\t\t<wp:comment_type><![CDATA[comment]]>"
                  "</wp:comment_type>\n\t\t\t<wp:comment_parent>%llu"
                  "</wp:comment_parent>\n\t\t\t<wp:comment_user_id>0"
                  "</wp:comment_user_id>\n\t\t</wp:comment>\n", approved,
                  (unsigned long long) c->parent);
}


/*
 * An article as a WXR item: its body as the HTML readers get, the
 * status WordPress gives a published, scheduled or draft post, its
 * section and tags, its comments (hidden and deleted ones as trash).
 */
void
news_wxr_item_out(news_buf_t *b, const news_article_t *a,
    const news_comment_t *comments, size_t n, const char *base, int64_t now)
{
    size_t       i;
    news_buf_t   html;
    const char  *status;

    status = a->status == NEWS_DRAFT ? "draft"
             : a->published_at > now ? "future" : "publish";

    news_buf_init(&html);
    news_markdown(&html, a->body, strlen(a->body));

    news_buf_addl(b, "\t<item>\n\t\t<title>");
    news_wxr_cdata(b, a->title);
    news_buf_addl(b, "</title>\n\t\t<link>");
    news_html_escape(b, base, strlen(base));
    news_buf_addl(b, "/articles/");
    news_buf_adds(b, a->slug);
    news_buf_addl(b, "</link>\n\t\t<pubDate>");
    news_time_http(b, a->published_at);
    news_buf_addl(b, "</pubDate>\n\t\t<dc:creator><![CDATA[");
    news_wxr_login(b, a->author);
    news_buf_addl(b, "]]></dc:creator>\n\t\t<guid isPermaLink=\"false\">");
    news_html_escape(b, base, strlen(base));
    news_buf_addf(b, "/?p=%llu</guid>\n\t\t<description></description>\n",
                  (unsigned long long) a->id);
    news_wxr_element(b, "\t\t", "content:encoded", news_buf_cstr(&html));
    news_wxr_element(b, "\t\t", "excerpt:encoded", a->subtitle);
    news_buf_addf(b, "\t\t<wp:post_id>%llu</wp:post_id>\n",
                  (unsigned long long) a->id);
    news_wxr_date_element(b, "post_date", a->published_at);
    news_wxr_date_element(b, "post_date_gmt", a->published_at);
    news_wxr_date_element(b, "post_modified", a->updated_at);
    news_wxr_date_element(b, "post_modified_gmt", a->updated_at);
    news_buf_addf(b, "\t\t<wp:comment_status><![CDATA[%s]]>"
                  "</wp:comment_status>\n"
                  "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n",
                  a->comments_closed ? "closed" : "open");
    news_wxr_element(b, "\t\t", "wp:post_name", a->slug);
    news_wxr_element(b, "\t\t", "wp:status", status);
    news_buf_addl(b, "\t\t<wp:post_parent>0</wp:post_parent>\n"
                  "\t\t<wp:menu_order>0</wp:menu_order>\n"
                  "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                  "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
                  "\t\t<wp:is_sticky>0</wp:is_sticky>\n");

    if (a->section[0] != '\0') {
        news_wxr_category(b, "category", a->section);
    }

    for (i = 0; i < a->ntags; i++) {
        news_wxr_category(b, "post_tag", a->tags[i]);
    }

    for (i = 0; i < n; i++) {
        news_wxr_comment_out(b, &comments[i]);
    }

    news_buf_addl(b, "\t</item>\n");

    if (html.failed) {
        b->failed = 1;
    }

    news_buf_free(&html);
}


void
news_wxr_tail(news_buf_t *b)
{
    news_buf_addl(b, "</channel>\n</rss>\n");
}
