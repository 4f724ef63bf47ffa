/*
 * HTML to Markdown (article bodies) and to plain text (comments), on
 * libxml2's HTML parser, with an allowlist of elements.  The Markdown is
 * rendered later by cmark in its safe mode, which drops raw HTML and
 * unsafe links once more.
 *
 * Why one file of about 850 lines: it is one walk of one parsed tree.
 * Every element's writer (links, images, code, lists, tables, quotes)
 * goes through the same few state keepers of news_md_t (the pending
 * break, the line prefix of quotes and lists, the escapes at the start
 * of a line), which a split would have to export; the plain text of
 * comments is a short second walker over the same parse and allowlist.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/HTMLparser.h>

#include "sanitize.h"


#define NEWS_MD_PREFIX_MAX  64      /* nesting deeper than this is flattened */
#define NEWS_MD_DEPTH_MAX   256     /* elements deeper than this are dropped */

enum {
    NEWS_BREAK_NONE = 0,
    NEWS_BREAK_LINE,
    NEWS_BREAK_BLOCK
};


typedef struct {
    news_buf_t  *out;
    char         prefix[NEWS_MD_PREFIX_MAX + 1];  /* "> ", list indents */
    size_t       prefix_len;
    int          bol;           /* at the start of a line */
    int          line_digits;   /* the line so far is digits only */
    int          first;         /* at the start of a line's content */
    int          fresh;         /* a block just parted: nothing since */
    int          pending;       /* NEWS_BREAK_* before the next content */
    int          space;         /* a space before the next content */
    int          inlined;       /* inside a heading or a cell: one line */
    unsigned     depth;
} news_md_t;


static void news_md_children(news_md_t *md, xmlNode *node);
static void news_md_node(news_md_t *md, xmlNode *node);


/* elements dropped with everything in them */
static const char *news_html_dropped[] = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed",
    "applet", "noscript", "template", "svg", "math", "form", "input",
    "button", "select", "textarea", "head", "title", "meta", "link",
    "base", "canvas", "audio", "video", "source", "track", "noembed",
    "noframes", "xml", NULL
};

/* elements that part paragraphs (their content is kept) */
static const char *news_html_blocks[] = {
    "p", "div", "section", "article", "header", "footer", "main", "aside",
    "nav", "address", "details", "summary", "dl", "dt", "dd", "center",
    "caption", "figure", "body", NULL
};


static int
news_html_in(const char *name, const char **list)
{
    for (/* void */; *list; list++) {
        if (strcasecmp(name, *list) == 0) {
            return 1;
        }
    }

    return 0;
}


int
news_url_safe(const char *url, int images)
{
    size_t       i;
    const char  *colon;

    while (*url == ' ' || *url == '\t' || *url == '\n' || *url == '\r') {
        url++;
    }

    for (i = 0; url[i]; i++) {
        if ((unsigned char) url[i] < ' ' || url[i] == 0x7f) {
            return 0;
        }
    }

    if (url[0] == '\0') {
        return 0;
    }

    /* a scheme is what comes before the first ':' ahead of any / ? # */
    colon = url + strcspn(url, ":/?#");
    if (*colon != ':') {
        return 1;
    }

    if (strncasecmp(url, "http:", 5) == 0
        || strncasecmp(url, "https:", 6) == 0)
    {
        return 1;
    }

    return !images && strncasecmp(url, "mailto:", 7) == 0;
}


/* the separator a block or a line asks for, then the line's prefix */
static void
news_md_start(news_md_t *md)
{
    size_t  n;

    if (md->fresh) {
        md->pending = NEWS_BREAK_NONE;
        md->fresh = 0;
    }

    if (md->out->len > 0 && md->pending != NEWS_BREAK_NONE) {
        if (!md->bol) {
            news_buf_addc(md->out, '\n');
        }

        if (md->pending == NEWS_BREAK_BLOCK) {
            n = md->prefix_len;
            while (n > 0 && md->prefix[n - 1] == ' ') {
                n--;
            }

            news_buf_add(md->out, md->prefix, n);
            news_buf_addc(md->out, '\n');
        }

        md->bol = 1;
    }

    md->pending = NEWS_BREAK_NONE;

    if (md->bol) {
        news_buf_add(md->out, md->prefix, md->prefix_len);
        md->bol = 0;
        md->first = 1;
        md->line_digits = 1;
        md->space = 0;
    }

    if (md->space) {
        news_buf_addc(md->out, ' ');
        md->space = 0;
        md->first = 0;
        md->line_digits = 0;
    }
}


/* Markdown syntax written by us, never escaped */
static void
news_md_raw(news_md_t *md, const char *s)
{
    news_md_start(md);
    news_buf_adds(md->out, s);
    md->line_digits = 0;
    md->first = 0;
}


/* a list item's or a heading's mark: what follows starts the content */
static void
news_md_mark(news_md_t *md, const char *s)
{
    news_md_raw(md, s);
    md->first = 1;
    md->line_digits = 1;
}


static void
news_md_break(news_md_t *md, int kind)
{
    if (kind > md->pending) {
        md->pending = kind;
    }

    md->space = 0;
}


/* one character of text, escaped where Markdown would read it */
static void
news_md_char(news_md_t *md, unsigned char c)
{
    int  first;

    news_md_start(md);

    first = md->first;
    md->first = 0;

    if (strchr("\\`*_[]<>&!{}", c) != NULL
        || (first && strchr("#-+=~|>:", c) != NULL)
        || (md->line_digits && !first && (c == '.' || c == ')')))
    {
        news_buf_addc(md->out, '\\');
    }

    news_buf_addc(md->out, (char) c);

    if (!isdigit(c)) {
        md->line_digits = 0;
    }
}


/*
 * Text: runs of white space become one space; a blank line parts
 * paragraphs, as WordPress's formatting of classic posts does.
 */
static void
news_md_text(news_md_t *md, const char *s)
{
    int  newlines;

    for (/* void */; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'
            || *s == '\f')
        {
            newlines = 0;

            while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'
                   || *s == '\f')
            {
                newlines += (*s == '\n');
                s++;
            }

            s--;

            if (newlines >= 2 && !md->inlined) {
                news_md_break(md, NEWS_BREAK_BLOCK);

            } else if (!md->bol && md->pending == NEWS_BREAK_NONE) {
                md->space = 1;
            }

            continue;
        }

        news_md_char(md, (unsigned char) *s);
    }
}


static const char *
news_md_attr(xmlNode *node, const char *name)
{
    xmlAttr  *a;

    for (a = node->properties; a; a = a->next) {
        if (strcasecmp((const char *) a->name, name) == 0
            && a->children && a->children->content)
        {
            return (const char *) a->children->content;
        }
    }

    return NULL;
}


/* an address as a Markdown link destination: <...>, nothing breaks out */
static void
news_md_url(news_md_t *md, const char *url)
{
    while (*url == ' ' || *url == '\t' || *url == '\n' || *url == '\r') {
        url++;
    }

    news_buf_addc(md->out, '<');

    for (/* void */; *url; url++) {
        if ((unsigned char) *url <= ' ' || *url == '<' || *url == '>'
            || *url == '\\')
        {
            news_buf_addf(md->out, "%%%02X", (unsigned char) *url);

        } else {
            news_buf_addc(md->out, *url);
        }
    }

    news_buf_addc(md->out, '>');
}


static void
news_md_push(news_md_t *md, const char *s, size_t *saved)
{
    size_t  n;

    *saved = md->prefix_len;
    n = strlen(s);

    if (md->prefix_len + n <= NEWS_MD_PREFIX_MAX) {
        memcpy(md->prefix + md->prefix_len, s, n);
        md->prefix_len += n;
        md->prefix[md->prefix_len] = '\0';
    }
}


static void
news_md_pop(news_md_t *md, size_t saved)
{
    md->prefix_len = saved;
    md->prefix[saved] = '\0';
}


static void
news_md_inline(news_md_t *md, xmlNode *node, const char *mark)
{
    news_md_raw(md, mark);
    news_md_children(md, node);
    news_buf_adds(md->out, mark);
}


static void
news_md_link(news_md_t *md, xmlNode *node)
{
    const char  *href;

    href = news_md_attr(node, "href");

    if (href == NULL || !news_url_safe(href, 0)) {
        news_md_children(md, node);
        return;
    }

    news_md_raw(md, "[");
    news_md_children(md, node);
    news_buf_adds(md->out, "](");
    news_md_url(md, href);
    news_buf_adds(md->out, ")");
}


static void
news_md_image(news_md_t *md, xmlNode *node)
{
    const char  *src, *alt;
    int          inlined;

    src = news_md_attr(node, "src");
    alt = news_md_attr(node, "alt");

    if (src == NULL || !news_url_safe(src, 1)) {
        return;
    }

    news_md_raw(md, "![");
    inlined = md->inlined;
    md->inlined = 1;
    news_md_text(md, alt ? alt : "");
    md->inlined = inlined;
    news_buf_adds(md->out, "](");
    news_md_url(md, src);
    news_buf_adds(md->out, ")");
}


static void
news_md_code(news_md_t *md, xmlNode *node)
{
    size_t    run, longest;
    xmlChar  *text;
    const char *p;

    text = xmlNodeGetContent(node);
    if (text == NULL) {
        return;
    }

    for (p = (const char *) text, run = 0, longest = 0; *p; p++) {
        run = (*p == '`') ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }

    news_md_start(md);

    for (run = 0; run <= longest; run++) {
        news_buf_addc(md->out, '`');
    }

    news_buf_addc(md->out, ' ');

    for (p = (const char *) text; *p; p++) {
        news_buf_addc(md->out, *p == '\n' || *p == '\r' ? ' ' : *p);
    }

    news_buf_addc(md->out, ' ');

    for (run = 0; run <= longest; run++) {
        news_buf_addc(md->out, '`');
    }

    md->line_digits = 0;
    xmlFree(text);
}


/* preformatted text: an indented code block, taken as it is */
static void
news_md_pre(news_md_t *md, xmlNode *node)
{
    size_t      saved;
    xmlChar    *text;
    const char *p;

    text = xmlNodeGetContent(node);
    if (text == NULL) {
        return;
    }

    news_md_break(md, NEWS_BREAK_BLOCK);
    news_md_push(md, "    ", &saved);
    news_md_start(md);

    for (p = (const char *) text; *p; p++) {
        if (*p == '\r') {
            continue;
        }

        if (*p == '\n') {
            news_buf_addc(md->out, '\n');
            news_buf_add(md->out, md->prefix, md->prefix_len);
            continue;
        }

        news_buf_addc(md->out, *p);
    }

    news_md_pop(md, saved);
    news_md_break(md, NEWS_BREAK_BLOCK);
    xmlFree(text);
}


static void
news_md_list(news_md_t *md, xmlNode *node, int ordered)
{
    char      mark[16];
    size_t    saved;
    unsigned  n;
    xmlNode  *li;

    news_md_break(md, md->prefix_len && md->pending == NEWS_BREAK_NONE
                      ? NEWS_BREAK_LINE : NEWS_BREAK_BLOCK);

    for (li = node->children, n = 1; li; li = li->next) {
        if (li->type != XML_ELEMENT_NODE
            || strcasecmp((const char *) li->name, "li") != 0)
        {
            if (li->type == XML_ELEMENT_NODE) {
                news_md_node(md, li);
            }

            continue;
        }

        if (ordered) {
            snprintf(mark, sizeof(mark), "%u. ", n++);

        } else {
            strcpy(mark, "- ");
        }

        news_md_mark(md, mark);
        news_md_push(md, ordered ? "    " : "  ", &saved);
        news_md_children(md, li);
        news_md_pop(md, saved);
        news_md_break(md, NEWS_BREAK_LINE);
    }

    news_md_break(md, NEWS_BREAK_BLOCK);
}


static void
news_md_heading(news_md_t *md, xmlNode *node, int level)
{
    static const char  *marks[] = { "# ", "## ", "### ", "#### ", "##### ",
                                    "###### " };

    news_md_break(md, NEWS_BREAK_BLOCK);
    news_md_mark(md, marks[level - 1]);
    md->inlined++;
    news_md_children(md, node);
    md->inlined--;
    news_md_break(md, NEWS_BREAK_BLOCK);
}


/* a table: a paragraph a row, its cells parted by " | " */
static void
news_md_row(news_md_t *md, xmlNode *tr)
{
    int       first;
    xmlNode  *cell;

    news_md_break(md, NEWS_BREAK_BLOCK);
    md->inlined++;

    for (cell = tr->children, first = 1; cell; cell = cell->next) {
        if (cell->type != XML_ELEMENT_NODE) {
            continue;
        }

        if (!first) {
            news_md_raw(md, " | ");
        }

        first = 0;

        if (strcasecmp((const char *) cell->name, "th") == 0) {
            news_md_inline(md, cell, "**");

        } else {
            news_md_children(md, cell);
        }
    }

    md->inlined--;
    news_md_break(md, NEWS_BREAK_BLOCK);
}


static void
news_md_blockquote(news_md_t *md, xmlNode *node)
{
    size_t  saved, n;

    /* parted from what came before under the outer prefix, not "> " */
    if (md->out->len > 0 && !md->fresh) {
        if (!md->bol) {
            news_buf_addc(md->out, '\n');
        }

        for (n = md->prefix_len; n > 0 && md->prefix[n - 1] == ' '; n--) {
            /* void */
        }

        news_buf_add(md->out, md->prefix, n);
        news_buf_addc(md->out, '\n');
        md->bol = 1;
        md->fresh = 1;
    }

    md->pending = NEWS_BREAK_NONE;
    news_md_push(md, "> ", &saved);
    news_md_children(md, node);
    news_md_pop(md, saved);
    news_md_break(md, NEWS_BREAK_BLOCK);
}


static void
news_md_element(news_md_t *md, xmlNode *node)
{
    const char  *name;

    name = (const char *) node->name;

    if (news_html_in(name, news_html_dropped)) {
        return;
    }

    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
        news_md_heading(md, node, name[1] - '0');

    } else if (strcmp(name, "ul") == 0 || strcmp(name, "ol") == 0) {
        news_md_list(md, node, name[0] == 'o');

    } else if (strcmp(name, "blockquote") == 0) {
        news_md_blockquote(md, node);

    } else if (strcmp(name, "tr") == 0) {
        news_md_row(md, node);

    } else if (strcmp(name, "figcaption") == 0) {
        news_md_break(md, NEWS_BREAK_BLOCK);
        news_md_inline(md, node, "*");
        news_md_break(md, NEWS_BREAK_BLOCK);

    } else if (news_html_in(name, news_html_blocks)) {
        news_md_break(md, NEWS_BREAK_BLOCK);
        news_md_children(md, node);
        news_md_break(md, NEWS_BREAK_BLOCK);

    } else if (strcmp(name, "pre") == 0) {
        news_md_pre(md, node);

    } else if (strcmp(name, "code") == 0 || strcmp(name, "kbd") == 0
               || strcmp(name, "samp") == 0 || strcmp(name, "tt") == 0)
    {
        news_md_code(md, node);

    } else if (strcmp(name, "em") == 0 || strcmp(name, "i") == 0
               || strcmp(name, "cite") == 0)
    {
        news_md_inline(md, node, "*");

    } else if (strcmp(name, "strong") == 0 || strcmp(name, "b") == 0) {
        news_md_inline(md, node, "**");

    } else if (strcmp(name, "a") == 0) {
        news_md_link(md, node);

    } else if (strcmp(name, "img") == 0) {
        news_md_image(md, node);

    } else if (strcmp(name, "br") == 0) {
        if (!md->inlined && !md->bol) {
            news_md_raw(md, "\\");
            news_md_break(md, NEWS_BREAK_LINE);

        } else {
            md->space = !md->bol;
        }

    } else if (strcmp(name, "hr") == 0) {
        news_md_break(md, NEWS_BREAK_BLOCK);
        news_md_raw(md, "* * *");
        news_md_break(md, NEWS_BREAK_BLOCK);

    } else {
        /* any other element: unwrapped, its text kept */
        news_md_children(md, node);
    }
}


static void
news_md_node(news_md_t *md, xmlNode *node)
{
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
        news_md_text(md, (const char *) node->content);
        return;
    }

    if (node->type != XML_ELEMENT_NODE) {
        return;     /* comments (WordPress's block marks), PIs */
    }

    news_md_element(md, node);
}


static void
news_md_children(news_md_t *md, xmlNode *node)
{
    xmlNode  *child;

    if (md->depth >= NEWS_MD_DEPTH_MAX) {
        return;
    }

    md->depth++;

    for (child = node->children; child; child = child->next) {
        news_md_node(md, child);
    }

    md->depth--;
}


/*
 * The HTML inside one <body> of its own: given several top-level nodes
 * and no root (HTML_PARSE_NOIMPLIED), libxml2 2.9 nests every element
 * after the first inside the one before and drops the spaces between
 * them ("<a>x</a> <a>y</a>" became a link inside a link).
 */
static htmlDocPtr
news_html_parse(const char *html, size_t len)
{
    char        *s;
    htmlDocPtr   doc;

    if (len > (size_t) 0x7fffffff - sizeof("<body>")) {
        return NULL;
    }

    s = malloc(sizeof("<body>") - 1 + len);
    if (s == NULL) {
        return NULL;
    }

    memcpy(s, "<body>", sizeof("<body>") - 1);
    memcpy(s + sizeof("<body>") - 1, html, len);

    doc = htmlReadMemory(s, (int) (sizeof("<body>") - 1 + len), NULL,
                         "UTF-8",
                         HTML_PARSE_RECOVER | HTML_PARSE_NOERROR
                         | HTML_PARSE_NOWARNING | HTML_PARSE_NONET
                         | HTML_PARSE_NOIMPLIED);
    free(s);

    return doc;
}


int
news_html_to_markdown(const char *html, size_t len, news_buf_t *out)
{
    xmlNode     *node;
    news_md_t    md;
    htmlDocPtr   doc;

    memset(&md, 0, sizeof(md));
    md.out = out;
    md.bol = 1;

    if (len == 0) {
        return 0;
    }

    doc = news_html_parse(html, len);
    if (doc == NULL) {
        return -1;
    }

    for (node = doc->children; node; node = node->next) {
        news_md_node(&md, node);
    }

    xmlFreeDoc(doc);

    if (!md.bol) {
        news_buf_addc(out, '\n');
    }

    return out->failed ? -1 : 0;
}


/* comments: the text, blocks parted by blank lines, links' addresses */
static void
news_text_children(news_buf_t *out, xmlNode *node, unsigned depth)
{
    const char  *name, *href;
    xmlNode     *child;

    if (depth >= NEWS_MD_DEPTH_MAX) {
        return;
    }

    for (child = node->children; child; child = child->next) {
        if (child->type == XML_TEXT_NODE
            || child->type == XML_CDATA_SECTION_NODE)
        {
            news_buf_adds(out, (const char *) child->content);
            continue;
        }

        if (child->type != XML_ELEMENT_NODE) {
            continue;
        }

        name = (const char *) child->name;

        if (news_html_in(name, news_html_dropped)) {
            continue;
        }

        if (strcmp(name, "br") == 0) {
            news_buf_addc(out, '\n');
            continue;
        }

        if (news_html_in(name, news_html_blocks)
            || strcmp(name, "blockquote") == 0 || strcmp(name, "li") == 0
            || strcmp(name, "pre") == 0)
        {
            news_buf_addl(out, "\n\n");
            news_text_children(out, child, depth + 1);
            news_buf_addl(out, "\n\n");
            continue;
        }

        news_text_children(out, child, depth + 1);

        href = strcmp(name, "a") == 0 ? news_md_attr(child, "href") : NULL;

        if (href != NULL
            && (strncasecmp(href, "http://", 7) == 0
                || strncasecmp(href, "https://", 8) == 0)
            && strpbrk(href, " \t\r\n") == NULL)
        {
            news_buf_addl(out, " (");
            news_buf_adds(out, href);
            news_buf_addl(out, ")");
        }
    }
}


int
news_html_to_text(const char *html, size_t len, news_buf_t *out)
{
    size_t       i, j, n;
    xmlNode      tmp;
    htmlDocPtr   doc;

    if (len == 0) {
        return 0;
    }

    doc = news_html_parse(html, len);
    if (doc == NULL) {
        return -1;
    }

    memset(&tmp, 0, sizeof(tmp));
    tmp.children = doc->children;
    news_text_children(out, &tmp, 0);
    xmlFreeDoc(doc);

    if (out->failed) {
        return -1;
    }

    /* no more than one blank line in a row */
    for (i = 0, j = 0, n = 0; i < out->len; i++) {
        n = out->data[i] == '\n' ? n + 1 : 0;

        if (n <= 2) {
            out->data[j++] = out->data[i];
        }
    }

    out->len = j;

    return 0;
}
