/*
 * Disqus exports read (wxr.h), streamed with libxml2's xmlReader through
 * import_xml.h: one post expanded at a time, the threads kept by their
 * Disqus id so that each post finds its page.  Entities are not expanded
 * and nothing is fetched from the network.
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



#define NEWS_DSQ_NS        "http://disqus.com/disqus-internals"
#define NEWS_DSQ_THREADS   1000000
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
