/*
 * What the importers of other systems' exports (wxr.c: WordPress,
 * disqus.c: Disqus) share, and no other file uses: libxml2's xmlReader
 * opened safely, an element's text and children, a line of plain text
 * from HTML, a comment author's name, and their errors' words.
 */

#ifndef NEWS_IMPORT_XML_H
#define NEWS_IMPORT_XML_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <libxml/xmlreader.h>

#include "buf.h"
#include "store.h"


/* a reader of the file ("-": standard input): no entities, no network */
xmlTextReaderPtr news_xml_open(const char *path);

/* whether node is the element `name` in namespace ns (NULL: none) */
int news_xml_is(xmlNode *node, const char *ns, const char *name);

/* the text of an element, malloc'd ("" when empty), NULL: no memory */
char *news_xml_text(xmlNode *node);

/* the first child element `name` in namespace ns, or NULL */
xmlNode *news_xml_child(xmlNode *node, const char *ns, const char *name);

/* the trimmed text of a child element, or "", malloc'd; NULL: no memory */
char *news_xml_field(xmlNode *node, const char *ns, const char *name);

/* a decimal id of at most 16 digits, or 0 */
uint64_t news_xml_number(const char *s);

/* plain text on one line, no longer than max bytes (a whole character) */
void news_line(news_buf_t *out, const char *html, size_t max);

/* a comment author as obj's "author": one line, at most 64 bytes; 0: no
 * memory */
int news_comment_name(cJSON *obj, const char *raw);

/* "what n: " before err's message */
void news_err_prefix(news_err_t *err, const char *what, size_t n);

/* NEWS_INVALID, saying where the XML stopped being well-formed */
int news_xml_failed(xmlTextReaderPtr r, const char *what, size_t index,
    news_err_t *err);


#endif /* NEWS_IMPORT_XML_H */
