/*
 * What the two importers (wxr.c, disqus.c) share: libxml2 reader helpers
 * (see import_xml.h), a line of text from HTML, a comment author's name,
 * and the words of their errors.
 */

#include <stdlib.h>
#include <string.h>
#include <libxml/xmlreader.h>

#include "import_xml.h"
#include "sanitize.h"
#include "text.h"


#define NEWS_AUTHOR_NAME_MAX  64    /* a comment author's shown name */


xmlTextReaderPtr
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


int
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
char *
news_xml_text(xmlNode *node)
{
    xmlChar  *s;

    s = xmlNodeGetContent(node);
    if (s == NULL) {
        return strdup("");
    }

    return (char *) s;
}


xmlNode *
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
char *
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


uint64_t
news_xml_number(const char *s)
{
    uint64_t  v;

    for (v = 0; *s >= '0' && *s <= '9' && v < 1000000000000000ULL; s++) {
        v = v * 10 + (uint64_t) (*s - '0');
    }

    return *s == '\0' ? v : 0;
}


/* plain text on one line, no longer than max bytes (a whole character) */
void
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


/* a comment author as a shown name: one line, at most 64 bytes */
int
news_comment_name(cJSON *obj, const char *raw)
{
    news_buf_t  name;
    int         ok;

    news_buf_init(&name);
    news_line(&name, raw, NEWS_AUTHOR_NAME_MAX);

    ok = cJSON_AddStringToObject(obj, "author",
                                 name.len ? news_buf_cstr(&name)
                                          : "Anonymous") != NULL;
    news_buf_free(&name);

    return ok && !name.failed;
}


/* "where: " before an error's message */
void
news_err_prefix(news_err_t *err, const char *what, size_t n)
{
    char  msg[sizeof(err->msg)];

    memcpy(msg, err->msg, sizeof(msg));
    news_err_set(err, err->code, "%s %zu: %s", what, n, msg);
}


/* what the reader says when the XML is not well-formed */
int
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
