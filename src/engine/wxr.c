/*
 * WordPress eXtended RSS exports read (wxr.h), streamed with libxml2's
 * xmlReader through import_xml.h: the reader expands one item (a post
 * with its comments) at a time and frees it before the next, so a file
 * of any size takes the memory of its largest item.  Entities are not
 * expanded and nothing is fetched from the network.  Disqus exports are
 * disqus.c's; writing WXR is wxr_write.c's.
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
#include "import_xml.h"
#include "text.h"
#include "wxr.h"


#define NEWS_WXR_NS        "http://wordpress.org/export/"
#define NEWS_WXR_AUTHORS   10000    /* wp:author entries kept for bylines */
#define NEWS_WXR_COMMENTS  5000     /* comments of one item read */


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
