/*
 * WordPress eXtended RSS and Disqus exports, streamed with libxml2's
 * xmlReader: the reader expands one item (a post with its comments, or
 * one Disqus post) at a time and frees it before the next, so a file of
 * any size takes the memory of its largest item.  Entities are not
 * expanded and nothing is fetched from the network.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <libxml/xmlreader.h>

#include "articles.h"
#include "render.h"
#include "comments.h"
#include "sanitize.h"
#include "text.h"
#include "wxr.h"


#define NEWS_WXR_NS        "http://wordpress.org/export/"
#define NEWS_WXR_AUTHORS   10000    /* wp:author entries kept for bylines */
#define NEWS_WXR_COMMENTS  NEWS_ARTICLE_COMMENTS_MAX
#define NEWS_DSQ_NS        "http://disqus.com/disqus-internals"
#define NEWS_DSQ_THREADS   1000000
#define NEWS_NAME_MAX      64       /* a comment author's shown name */


typedef struct {
    char    *login;
    char    *name;
} news_wxr_author_t;


typedef struct {
    xmlTextReaderPtr     reader;
    news_wxr_author_t   *authors;
    size_t               nauthors;
    news_import_stats_t *stats;
    news_err_t          *err;
} news_wxr_t;


/* one wp:comment as read, before the dropped ones are taken out */
typedef struct {
    uint64_t    id;
    uint64_t    parent;
    int         status;         /* NEWS_COMMENT_*, or -1: dropped */
    cJSON      *obj;
} news_wxr_comment_t;


static xmlTextReaderPtr
news_xml_open(const char *path)
{
    int  options;

    /* no entity expansion, no DTD loading, no network */
    options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;

    if (strcmp(path, "-") == 0) {
        return xmlReaderForFd(0, "stdin", NULL, options);
    }

    return xmlReaderForFile(path, NULL, options);
}


static int
news_xml_is(xmlNode *node, const char *ns, const char *name)
{
    if (node->type != XML_ELEMENT_NODE
        || strcmp((const char *) node->name, name) != 0)
    {
        return 0;
    }

    if (ns == NULL) {
        return node->ns == NULL;
    }

    return node->ns != NULL && node->ns->href != NULL
           && strncmp((const char *) node->ns->href, ns, strlen(ns)) == 0;
}


/* the text of an element, malloc'd ("" when empty), NULL: no memory */
static char *
news_xml_text(xmlNode *node)
{
    xmlChar  *s;

    s = xmlNodeGetContent(node);
    if (s == NULL) {
        return strdup("");
    }

    return (char *) s;
}


static xmlNode *
news_xml_child(xmlNode *node, const char *ns, const char *name)
{
    xmlNode  *c;

    for (c = node->children; c; c = c->next) {
        if (news_xml_is(c, ns, name)) {
            return c;
        }
    }

    return NULL;
}


/* the trimmed text of a child element, or "" */
static char *
news_xml_field(xmlNode *node, const char *ns, const char *name)
{
    char     *s, *p;
    size_t    n;
    xmlNode  *c;

    c = news_xml_child(node, ns, name);
    s = c ? news_xml_text(c) : strdup("");

    if (s == NULL) {
        return NULL;
    }

    for (p = s; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++) {
        /* void */
    }

    n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'
                     || p[n - 1] == '\n' || p[n - 1] == '\r'))
    {
        n--;
    }

    memmove(s, p, n);
    s[n] = '\0';

    return s;
}


static uint64_t
news_xml_number(const char *s)
{
    uint64_t  v;

    for (v = 0; *s >= '0' && *s <= '9' && v < 1000000000000000ULL; s++) {
        v = v * 10 + (uint64_t) (*s - '0');
    }

    return *s == '\0' ? v : 0;
}


/* WordPress's "no date yet": a draft's or a held comment's GMT date */
static int
news_wxr_no_date(const char *s)
{
    return s[0] == '\0' || strcmp(s, "0000-00-00 00:00:00") == 0;
}


/* "2024-03-05 17:30:00" (WordPress) to RFC 3339; 0 if not a date */
static int
news_wxr_date(const char *s, news_buf_t *out)
{
    int64_t  t;
    char     rfc[32];

    if (strlen(s) != 19 || strncmp(s, "0000", 4) == 0 || s[10] != ' ') {
        return 0;
    }

    memcpy(rfc, s, 10);
    rfc[10] = 'T';
    memcpy(rfc + 11, s + 11, 8);
    memcpy(rfc + 19, "Z", 2);

    if (news_time_parse(rfc, 20, &t) != 0) {
        return 0;
    }

    news_buf_reset(out);
    news_buf_adds(out, rfc);

    return 1;
}


/* plain text on one line, no longer than max bytes (a whole character) */
static void
news_line(news_buf_t *out, const char *html, size_t max)
{
    size_t       i, j;
    news_buf_t   t;

    news_buf_init(&t);
    news_html_to_text(html, strlen(html), &t);
    news_buf_reset(out);

    for (i = 0; i < t.len; i++) {
        if ((unsigned char) t.data[i] < ' ' || t.data[i] == 0x7f) {
            if (out->len > 0 && out->data[out->len - 1] != ' ') {
                news_buf_addc(out, ' ');
            }

            continue;
        }

        news_buf_addc(out, t.data[i]);
    }

    news_buf_free(&t);

    for (i = 0; i < out->len && out->data[i] == ' '; i++) {
        /* void */
    }

    memmove(out->data, out->data + i, out->len - i);
    out->len -= i;

    while (out->len > 0 && out->data[out->len - 1] == ' ') {
        out->len--;
    }

    if (out->len > max) {
        for (j = max; j > 0 && ((unsigned char) out->data[j] & 0xc0) == 0x80;
             j--)
        {
            /* void */
        }

        out->len = j;
    }

    news_buf_cstr(out);
}


static int
news_wxr_author(news_wxr_t *w, xmlNode *node)
{
    char               *login, *name;
    news_wxr_author_t  *p;

    if (w->nauthors >= NEWS_WXR_AUTHORS) {
        return NEWS_OK;
    }

    p = realloc(w->authors, (w->nauthors + 1) * sizeof(news_wxr_author_t));
    if (p == NULL) {
        return news_err_set(w->err, NEWS_ERROR, "out of memory");
    }

    w->authors = p;
    login = news_xml_field(node, NEWS_WXR_NS, "author_login");
    name = news_xml_field(node, NEWS_WXR_NS, "author_display_name");

    if (login == NULL || name == NULL) {
        free(login);
        free(name);
        return news_err_set(w->err, NEWS_ERROR, "out of memory");
    }

    p[w->nauthors].login = login;
    p[w->nauthors].name = name;
    w->nauthors++;

    return NEWS_OK;
}


/* the display name of a login, as wp:author gives it */
static const char *
news_wxr_byline(news_wxr_t *w, const char *login)
{
    size_t  i;

    for (i = 0; i < w->nauthors; i++) {
        if (strcmp(w->authors[i].login, login) == 0
            && w->authors[i].name[0] != '\0')
        {
            return w->authors[i].name;
        }
    }

    return login;
}


static int
news_wxr_comment_status(const char *approved)
{
    if (strcmp(approved, "1") == 0) {
        return NEWS_COMMENT_VISIBLE;
    }

    if (strcmp(approved, "0") == 0) {
        return NEWS_COMMENT_PENDING;
    }

    return -1;
}


/* a comment author as a shown name: one line, at most 64 bytes */
static int
news_comment_name(cJSON *obj, const char *raw)
{
    news_buf_t  name;
    int         ok;

    news_buf_init(&name);
    news_line(&name, raw, NEWS_NAME_MAX);

    ok = cJSON_AddStringToObject(obj, "author",
                                 name.len ? news_buf_cstr(&name)
                                          : "Anonymous") != NULL;
    news_buf_free(&name);

    return ok && !name.failed;
}


/* a wp:comment as comment JSON, its status, its ids */
static int
news_wxr_comment(news_wxr_t *w, xmlNode *node, news_wxr_comment_t *c)
{
    char        *id, *parent, *author, *date, *local, *content, *approved;
    char        *type;
    int          rc;
    news_buf_t   b, t;

    id = news_xml_field(node, NEWS_WXR_NS, "comment_id");
    parent = news_xml_field(node, NEWS_WXR_NS, "comment_parent");
    author = news_xml_field(node, NEWS_WXR_NS, "comment_author");
    date = news_xml_field(node, NEWS_WXR_NS, "comment_date_gmt");
    local = news_xml_field(node, NEWS_WXR_NS, "comment_date");
    content = news_xml_field(node, NEWS_WXR_NS, "comment_content");
    approved = news_xml_field(node, NEWS_WXR_NS, "comment_approved");
    type = news_xml_field(node, NEWS_WXR_NS, "comment_type");

    news_buf_init(&b);
    news_buf_init(&t);
    rc = NEWS_OK;
    memset(c, 0, sizeof(*c));

    if (!id || !parent || !author || !date || !local || !content
        || !approved || !type)
    {
        rc = news_err_set(w->err, NEWS_ERROR, "out of memory");
        goto done;
    }

    c->id = news_xml_number(id);
    c->parent = news_xml_number(parent);
    c->status = news_wxr_comment_status(approved);

    if (c->id == 0) {
        rc = news_err_set(w->err, NEWS_INVALID, "comment \"%.40s\": "
                          "wp:comment_id must be a positive number", id);
        goto done;
    }

    if (c->status < 0) {
        if (strcmp(approved, "spam") == 0) {
            w->stats->spam++;

        } else {
            w->stats->trash++;
        }

        goto done;
    }

    /* pingbacks and trackbacks are other sites' notices, not comments */
    if (type[0] != '\0' && strcmp(type, "comment") != 0) {
        c->status = -1;
        w->stats->skipped++;
        goto done;
    }

    news_html_to_text(content, strlen(content), &t);

    if (!news_wxr_date(date, &b)
        && (!news_wxr_no_date(date) || !news_wxr_date(local, &b)))
    {
        rc = news_err_set(w->err, NEWS_INVALID, "comment %llu: "
                          "wp:comment_date_gmt is not a date",
                          (unsigned long long) c->id);
        goto done;
    }

    c->obj = cJSON_CreateObject();

    if (c->obj == NULL || !news_comment_name(c->obj, author)
        || !cJSON_AddStringToObject(c->obj, "body", news_buf_cstr(&t))
        || !cJSON_AddStringToObject(c->obj, "created_at", news_buf_cstr(&b))
        || !cJSON_AddStringToObject(c->obj, "status",
                                    news_comment_status_name(c->status))
        || !cJSON_AddNumberToObject(c->obj, "id", (double) c->id)
        || t.failed || b.failed)
    {
        rc = news_err_set(w->err, NEWS_ERROR, "out of memory");
    }

done:

    free(id);
    free(parent);
    free(author);
    free(date);
    free(local);
    free(content);
    free(approved);
    free(type);
    news_buf_free(&b);
    news_buf_free(&t);

    return rc;
}


/*
 * The comments of an item, in the order of their ids (a reply comes after
 * what it answers); a reply to a dropped comment answers what that one
 * answered.
 */
static int
news_wxr_comments(news_wxr_t *w, xmlNode *item, cJSON *article)
{
    int                  rc;
    size_t               i, j, n, hops;
    cJSON               *arr;
    xmlNode             *c;
    uint64_t             parent;
    news_wxr_comment_t  *cs, tmp;

    n = 0;
    for (c = item->children; c; c = c->next) {
        n += news_xml_is(c, NEWS_WXR_NS, "comment");
    }

    if (n > NEWS_WXR_COMMENTS) {
        return news_err_set(w->err, NEWS_INVALID, "wp:comment: more than %d "
                            "comments", NEWS_WXR_COMMENTS);
    }

    arr = cJSON_AddArrayToObject(article, "comments");
    cs = calloc(n ? n : 1, sizeof(news_wxr_comment_t));

    if (arr == NULL || cs == NULL) {
        free(cs);
        return news_err_set(w->err, NEWS_ERROR, "out of memory");
    }

    rc = NEWS_OK;
    i = 0;

    for (c = item->children; c && rc == NEWS_OK; c = c->next) {
        if (news_xml_is(c, NEWS_WXR_NS, "comment")) {
            rc = news_wxr_comment(w, c, &cs[i++]);
        }
    }

    /* insertion sort by id: exports are nearly always in order already */
    for (i = 1; i < n; i++) {
        for (j = i; j > 0 && cs[j - 1].id > cs[j].id; j--) {
            tmp = cs[j];
            cs[j] = cs[j - 1];
            cs[j - 1] = tmp;
        }
    }

    for (i = 0; i < n && rc == NEWS_OK; i++) {
        if (cs[i].status < 0) {
            continue;
        }

        /* up through dropped (or absent) parents, never in a loop */
        parent = cs[i].parent;

        for (hops = 0; parent != 0 && hops <= n; hops++) {
            for (j = 0; j < i && cs[j].id != parent; j++) {
                /* void */
            }

            if (j == i) {
                parent = 0;         /* no earlier comment of that id */
                break;
            }

            if (cs[j].status >= 0) {
                break;
            }

            parent = cs[j].parent;
        }

        if (parent != 0
            && !cJSON_AddNumberToObject(cs[i].obj, "parent", (double) parent))
        {
            rc = news_err_set(w->err, NEWS_ERROR, "out of memory");
            break;
        }

        if (cs[i].status == NEWS_COMMENT_PENDING) {
            w->stats->held++;

        } else {
            w->stats->comments++;
        }

        cJSON_AddItemToArray(arr, cs[i].obj);
        cs[i].obj = NULL;
    }

    for (i = 0; i < n; i++) {
        cJSON_Delete(cs[i].obj);
    }

    free(cs);

    return rc;
}


static int
news_hex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}


/*
 * The old addresses of a post: its link's path, percent-decoded as nginx
 * decodes a request's (no scheme, host or trailing slash), and ?p=ID
 */
void
news_wxr_addresses(const char *link, uint64_t post_id, news_buf_t *out)
{
    char         path[NEWS_OLD_ADDRESS_MAX + 1];
    size_t       i, n, len;
    const char  *p;

    p = strstr(link, "://");
    p = p ? strchr(p + 3, '/') : (link[0] == '/' ? link : NULL);
    n = p ? strcspn(p, "?#") : 0;

    for (i = 0, len = 0; i < n && len < sizeof(path) - 1; i++, len++) {
        if (p[i] == '%' && i + 2 < n && news_hex(p[i + 1]) >= 0
            && news_hex(p[i + 2]) >= 0)
        {
            path[len] = (char) (news_hex(p[i + 1]) * 16 + news_hex(p[i + 2]));
            i += 2;

        } else {
            path[len] = p[i];
        }
    }

    while (len > 1 && path[len - 1] == '/') {
        len--;
    }

    if (i == n && len > 1 && news_utf8_valid(path, len)
        && !news_has_control(path, len))
    {
        news_buf_add(out, path, len);
        news_buf_addc(out, '\0');
    }

    if (post_id) {
        news_buf_addf(out, "?p=%llu", (unsigned long long) post_id);
        news_buf_addc(out, '\0');
    }
}


/* the first category as the section, the tags (at most 20) */
static int
news_wxr_topics(xmlNode *item, cJSON *article, news_err_t *err)
{
    int          section;
    char        *name;
    cJSON       *tags;
    xmlNode     *c;
    const char  *domain;
    news_buf_t   line;

    section = 0;
    tags = cJSON_AddArrayToObject(article, "tags");
    news_buf_init(&line);

    for (c = item->children; c && tags; c = c->next) {
        if (!news_xml_is(c, NULL, "category")) {
            continue;
        }

        domain = (const char *) xmlGetNoNsProp(c, (const xmlChar *) "domain");
        name = news_xml_text(c);

        if (name != NULL) {
            news_line(&line, name, 1000);
        }

        if (domain && name && line.len > 0) {
            if (!section && strcmp(domain, "category") == 0) {
                section = 1;
                cJSON_AddStringToObject(article, "section",
                                        news_buf_cstr(&line));

            } else if (strcmp(domain, "post_tag") == 0
                       && cJSON_GetArraySize(tags) < NEWS_TAGS_MAX)
            {
                cJSON_AddItemToArray(tags,
                                     cJSON_CreateString(news_buf_cstr(&line)));
            }
        }

        xmlFree((xmlChar *) domain);
        free(name);
    }

    news_buf_free(&line);

    if (tags == NULL || line.failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    return NEWS_OK;
}


/* wp:status to the article's: NULL for one not imported (trash...) */
static const char *
news_wxr_status(const char *s)
{
    if (strcmp(s, "publish") == 0 || strcmp(s, "future") == 0) {
        return "published";     /* a future date schedules it */
    }

    if (strcmp(s, "draft") == 0 || strcmp(s, "pending") == 0
        || strcmp(s, "private") == 0)
    {
        return "draft";
    }

    return NULL;
}


typedef struct {
    char  *title, *link, *creator, *content, *excerpt, *post_id;
    char  *date_gmt, *date, *modified_gmt, *name, *status, *type;
} news_wxr_fields_t;


static void
news_wxr_fields_free(news_wxr_fields_t *f)
{
    char  **p;

    for (p = (char **) f; p < (char **) (f + 1); p++) {
        free(*p);
    }
}


static int
news_wxr_fields(xmlNode *item, news_wxr_fields_t *f)
{
    char  **p;

    f->title = news_xml_field(item, NULL, "title");
    f->link = news_xml_field(item, NULL, "link");
    f->creator = news_xml_field(item, "http://purl.org/dc/elements/1.1/",
                                "creator");
    f->content = news_xml_field(item, "http://purl.org/rss/1.0/modules/"
                                      "content/", "encoded");
    f->excerpt = news_xml_field(item, NEWS_WXR_NS, "encoded");
    f->post_id = news_xml_field(item, NEWS_WXR_NS, "post_id");
    f->date_gmt = news_xml_field(item, NEWS_WXR_NS, "post_date_gmt");
    f->date = news_xml_field(item, NEWS_WXR_NS, "post_date");
    f->modified_gmt = news_xml_field(item, NEWS_WXR_NS, "post_modified_gmt");
    f->name = news_xml_field(item, NEWS_WXR_NS, "post_name");
    f->status = news_xml_field(item, NEWS_WXR_NS, "status");
    f->type = news_xml_field(item, NEWS_WXR_NS, "post_type");

    for (p = (char **) f; p < (char **) (f + 1); p++) {
        if (*p == NULL) {
            return -1;
        }
    }

    return 0;
}


/* an item: a post to the handler, the rest counted */
static int
news_wxr_item(news_wxr_t *w, xmlNode *item, size_t index,
    news_wxr_pt handler, void *data)
{
    int                 rc;
    cJSON              *a;
    const char         *status;
    news_buf_t          b, addresses;
    news_wxr_fields_t   f;

    memset(&f, 0, sizeof(f));

    if (news_wxr_fields(item, &f) != 0) {
        news_wxr_fields_free(&f);
        return news_err_set(w->err, NEWS_ERROR, "out of memory");
    }

    status = news_wxr_status(f.status);

    if (strcmp(f.type, "post") != 0 || status == NULL) {
        w->stats->skipped++;
        news_wxr_fields_free(&f);
        return NEWS_OK;
    }

    a = cJSON_CreateObject();
    news_buf_init(&b);
    news_buf_init(&addresses);
    rc = NEWS_OK;

    if (a == NULL) {
        rc = news_err_set(w->err, NEWS_ERROR, "out of memory");
        goto done;
    }

    /* an empty or percent-encoded post_name: the slug comes from the title */
    if (f.name[0] != '\0' && news_slug_valid(f.name, strlen(f.name))) {
        cJSON_AddStringToObject(a, "slug", f.name);
    }

    news_line(&b, f.title, NEWS_TITLE_MAX);
    cJSON_AddStringToObject(a, "title", b.len ? news_buf_cstr(&b)
                                              : "Untitled");

    news_line(&b, f.excerpt, NEWS_SUBTITLE_MAX);
    if (b.len) {
        cJSON_AddStringToObject(a, "subtitle", news_buf_cstr(&b));
    }

    news_line(&b, news_wxr_byline(w, f.creator), NEWS_AUTHOR_MAX);
    if (b.len) {
        cJSON_AddStringToObject(a, "author", news_buf_cstr(&b));
    }

    news_buf_reset(&b);
    if (news_html_to_markdown(f.content, strlen(f.content), &b) != 0) {
        rc = news_err_set(w->err, NEWS_ERROR, "content:encoded: the HTML "
                          "parser failed");
        goto done;
    }

    cJSON_AddStringToObject(a, "body", news_buf_cstr(&b));

    /* a draft has no GMT date: its last change, or its local date */
    if (!news_wxr_date(f.date_gmt, &b)
        && (!news_wxr_no_date(f.date_gmt)
            || (!news_wxr_date(f.modified_gmt, &b)
                && !news_wxr_date(f.date, &b))))
    {
        rc = news_err_set(w->err, NEWS_INVALID, "wp:post_date_gmt \"%.40s\" "
                          "is not a date", f.date_gmt);
        goto done;
    }

    cJSON_AddStringToObject(a, "published_at", news_buf_cstr(&b));
    cJSON_AddStringToObject(a, "status", status);

    if (news_wxr_topics(item, a, w->err) != NEWS_OK
        || news_wxr_comments(w, item, a) != NEWS_OK)
    {
        rc = w->err->code;
        goto done;
    }

    news_wxr_addresses(f.link, news_xml_number(f.post_id), &addresses);

    if (b.failed || addresses.failed) {
        rc = news_err_set(w->err, NEWS_ERROR, "out of memory");
        goto done;
    }

    w->stats->articles++;
    rc = handler(a, &addresses, index, data, w->err);

done:

    cJSON_Delete(a);
    news_buf_free(&b);
    news_buf_free(&addresses);
    news_wxr_fields_free(&f);

    return rc;
}


static int
news_wxr_version(news_wxr_t *w, xmlNode *node)
{
    char  *v;
    int    ok;

    v = news_xml_text(node);
    ok = v && (strcmp(v, "1.0") == 0 || strcmp(v, "1.1") == 0
               || strcmp(v, "1.2") == 0);

    if (!ok) {
        news_err_set(w->err, NEWS_INVALID, "wp:wxr_version \"%.20s\" is not "
                     "1.0, 1.1 or 1.2", v ? v : "");
    }

    free(v);

    return ok ? NEWS_OK : NEWS_INVALID;
}


/* "where: " before an error's message */
static void
news_err_prefix(news_err_t *err, const char *what, size_t n)
{
    char  msg[sizeof(err->msg)];

    memcpy(msg, err->msg, sizeof(msg));
    news_err_set(err, err->code, "%s %zu: %s", what, n, msg);
}


/* what the reader says when the XML is not well-formed */
static int
news_xml_failed(xmlTextReaderPtr r, const char *what, size_t index,
    news_err_t *err)
{
    const xmlError  *e;

    e = xmlGetLastError();

    return news_err_set(err, NEWS_INVALID, "%s: not well-formed XML near "
                        "line %d%s%.200s (after %s %zu)", what,
                        e ? e->line : xmlTextReaderGetParserLineNumber(r),
                        e && e->message ? ": " : "",
                        e && e->message ? e->message : "", what, index);
}


int
news_wxr_read(const char *path, news_wxr_pt handler, void *data,
    news_import_stats_t *stats, news_err_t *err)
{
    int          rc, ret, type, depth, version;
    size_t       i, items;
    xmlNode     *node;
    news_wxr_t   w;

    memset(&w, 0, sizeof(w));
    w.stats = stats;
    w.err = err;
    w.reader = news_xml_open(path);

    if (w.reader == NULL) {
        return news_err_set(err, NEWS_INVALID, "cannot open or read it");
    }

    rc = NEWS_OK;
    items = 0;
    version = 0;
    ret = xmlTextReaderRead(w.reader);

    while (ret == 1 && rc == NEWS_OK) {
        type = xmlTextReaderNodeType(w.reader);
        depth = xmlTextReaderDepth(w.reader);

        if (type != XML_READER_TYPE_ELEMENT || depth != 2) {
            ret = xmlTextReaderRead(w.reader);
            continue;
        }

        node = xmlTextReaderExpand(w.reader);
        if (node == NULL) {
            ret = -1;
            break;
        }

        if (news_xml_is(node, NULL, "item")) {
            items++;
            rc = news_wxr_item(&w, node, items, handler, data);
            if (rc != NEWS_OK) {
                news_err_prefix(err, "item", items);
            }

        } else if (news_xml_is(node, NEWS_WXR_NS, "author")) {
            rc = news_wxr_author(&w, node);

        } else if (news_xml_is(node, NEWS_WXR_NS, "wxr_version")) {
            version = 1;
            rc = news_wxr_version(&w, node);
        }

        ret = xmlTextReaderNext(w.reader);
    }

    if (rc == NEWS_OK && ret != 0) {
        rc = news_xml_failed(w.reader, "item", items, err);
    }

    if (rc == NEWS_OK && !version) {
        rc = news_err_set(err, NEWS_INVALID, "no wp:wxr_version: not a "
                          "WordPress export");
    }

    for (i = 0; i < w.nauthors; i++) {
        free(w.authors[i].login);
        free(w.authors[i].name);
    }

    free(w.authors);
    xmlFreeTextReader(w.reader);

    return rc;
}


/* ---- Disqus ------------------------------------------------------------- */


#define NEWS_DSQ_ELEMENTS  "http://disqus.com"


typedef struct {
    uint64_t              dsq_id;
    news_disqus_thread_t  t;
} news_dsq_thread_t;


typedef struct {
    news_dsq_thread_t   *threads;
    size_t               n;
    size_t               cap;
    int                  sorted;
} news_dsq_t;


static uint64_t
news_dsq_id(xmlNode *node)
{
    uint64_t  id;
    xmlChar  *v;

    v = xmlGetNsProp(node, (const xmlChar *) "id",
                     (const xmlChar *) NEWS_DSQ_NS);
    id = v ? news_xml_number((const char *) v) : 0;
    xmlFree(v);

    return id;
}


static int
news_dsq_thread(news_dsq_t *d, xmlNode *node, news_err_t *err)
{
    news_dsq_thread_t  *p, *t;

    if (d->n >= NEWS_DSQ_THREADS) {
        return news_err_set(err, NEWS_INVALID, "more than %d threads",
                            NEWS_DSQ_THREADS);
    }

    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        p = realloc(d->threads, d->cap * sizeof(news_dsq_thread_t));
        if (p == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        d->threads = p;
    }

    t = &d->threads[d->n];
    memset(t, 0, sizeof(*t));
    d->sorted = 0;
    t->dsq_id = news_dsq_id(node);
    t->t.link = news_xml_field(node, NEWS_DSQ_ELEMENTS, "link");
    t->t.identifier = news_xml_field(node, NEWS_DSQ_ELEMENTS, "id");
    t->t.title = news_xml_field(node, NEWS_DSQ_ELEMENTS, "title");
    t->t.index = d->n++;

    if (!t->t.link || !t->t.identifier || !t->t.title) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    if (t->dsq_id == 0) {
        return news_err_set(err, NEWS_INVALID, "thread %zu: no dsq:id", d->n);
    }

    return NEWS_OK;
}


static int
news_dsq_cmp(const void *a, const void *b)
{
    const news_dsq_thread_t  *x = a, *y = b;

    return x->dsq_id < y->dsq_id ? -1 : x->dsq_id > y->dsq_id;
}


static news_dsq_thread_t *
news_dsq_find(news_dsq_t *d, uint64_t id)
{
    news_dsq_thread_t  key;

    if (!d->sorted) {
        qsort(d->threads, d->n, sizeof(news_dsq_thread_t), news_dsq_cmp);
        d->sorted = 1;
    }

    key.dsq_id = id;

    return bsearch(&key, d->threads, d->n, sizeof(news_dsq_thread_t),
                   news_dsq_cmp);
}


static int
news_dsq_true(xmlNode *node, const char *name)
{
    char  *v;
    int    yes;

    v = news_xml_field(node, NEWS_DSQ_ELEMENTS, name);
    yes = v && strcmp(v, "true") == 0;
    free(v);

    return yes;
}


/* a post: spam and deleted ones counted, the others handed over */
static int
news_dsq_post(news_dsq_t *d, xmlNode *node, size_t index,
    news_disqus_pt handler, void *data, news_import_stats_t *stats,
    news_err_t *err)
{
    int                 rc;
    char               *message, *created, *name;
    cJSON              *obj;
    xmlNode            *c, *author;
    uint64_t            id, thread, parent;
    news_buf_t          text;
    news_dsq_thread_t  *t;

    id = news_dsq_id(node);
    c = news_xml_child(node, NEWS_DSQ_ELEMENTS, "thread");
    thread = c ? news_dsq_id(c) : 0;
    c = news_xml_child(node, NEWS_DSQ_ELEMENTS, "parent");
    parent = c ? news_dsq_id(c) : 0;

    if (id == 0) {
        return news_err_set(err, NEWS_INVALID, "no dsq:id");
    }

    if (news_dsq_true(node, "isSpam")) {
        stats->spam++;
        return NEWS_OK;
    }

    if (news_dsq_true(node, "isDeleted")) {
        stats->trash++;
        return NEWS_OK;
    }

    t = news_dsq_find(d, thread);
    if (t == NULL) {
        return news_err_set(err, NEWS_INVALID, "%llu: thread: no thread "
                            "%llu in the file", (unsigned long long) id,
                            (unsigned long long) thread);
    }

    author = news_xml_child(node, NEWS_DSQ_ELEMENTS, "author");
    message = news_xml_field(node, NEWS_DSQ_ELEMENTS, "message");
    created = news_xml_field(node, NEWS_DSQ_ELEMENTS, "createdAt");
    name = author ? news_xml_field(author, NEWS_DSQ_ELEMENTS, "name")
                  : strdup("");
    news_buf_init(&text);
    obj = cJSON_CreateObject();
    rc = NEWS_OK;

    if (!message || !created || !name || !obj) {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");
        goto done;
    }

    news_html_to_text(message, strlen(message), &text);

    if (!news_comment_name(obj, name)
        || !cJSON_AddNumberToObject(obj, "id", (double) id)
        || (parent && !cJSON_AddNumberToObject(obj, "parent",
                                                (double) parent))
        || !cJSON_AddStringToObject(obj, "body", news_buf_cstr(&text))
        || !cJSON_AddStringToObject(obj, "created_at", created)
        || text.failed)
    {
        rc = news_err_set(err, NEWS_ERROR, "out of memory");
        goto done;
    }

    rc = handler(&t->t, obj, index, data, err);

done:

    cJSON_Delete(obj);
    free(message);
    free(created);
    free(name);
    news_buf_free(&text);

    return rc;
}


int
news_disqus_read(const char *path, news_disqus_pt handler, void *data,
    news_import_stats_t *stats, news_err_t *err)
{
    int               rc, ret;
    size_t            i, posts;
    xmlNode          *node;
    news_dsq_t        d;
    xmlTextReaderPtr  r;

    memset(&d, 0, sizeof(d));
    r = news_xml_open(path);

    if (r == NULL) {
        return news_err_set(err, NEWS_INVALID, "cannot open or read it");
    }

    rc = NEWS_OK;
    posts = 0;
    ret = xmlTextReaderRead(r);

    while (ret == 1 && rc == NEWS_OK) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT
            || xmlTextReaderDepth(r) != 1)
        {
            ret = xmlTextReaderRead(r);
            continue;
        }

        node = xmlTextReaderExpand(r);
        if (node == NULL) {
            ret = -1;
            break;
        }

        if (news_xml_is(node, NEWS_DSQ_ELEMENTS, "thread")) {
            rc = news_dsq_thread(&d, node, err);

        } else if (news_xml_is(node, NEWS_DSQ_ELEMENTS, "post")) {
            posts++;
            rc = news_dsq_post(&d, node, posts, handler, data, stats, err);
            if (rc != NEWS_OK) {
                news_err_prefix(err, "post", posts);
            }
        }

        ret = xmlTextReaderNext(r);
    }

    if (rc == NEWS_OK && ret != 0) {
        rc = news_xml_failed(r, "post", posts, err);
    }

    for (i = 0; i < d.n; i++) {
        free((char *) d.threads[i].t.link);
        free((char *) d.threads[i].t.identifier);
        free((char *) d.threads[i].t.title);
    }

    free(d.threads);
    xmlFreeTextReader(r);

    return rc;
}


/* ---- writing WXR 1.2 ---------------------------------------------------- */


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
        ">\n\n<channel>\n\t<title>");
    news_html_escape(b, site, strlen(site));
    news_buf_addl(b, "</title>\n\t<link>");
    news_html_escape(b, base, strlen(base));
    news_buf_addl(b, "</link>\n\t<description></description>\n\t<pubDate>");
    news_time_http(b, now);
    news_buf_addl(b, "</pubDate>\n\t<language>en-US</language>\n"
                  "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
                  "\t<wp:base_site_url>");
    news_html_escape(b, base, strlen(base));
    news_buf_addl(b, "</wp:base_site_url>\n\t<wp:base_blog_url>");
    news_html_escape(b, base, strlen(base));
    news_buf_addl(b, "</wp:base_blog_url>\n\n");
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
