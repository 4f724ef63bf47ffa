/*
 * The importers' sanitizer: WordPress HTML to Markdown (rendered by the
 * same cmark call as every body) and comment HTML to text; every payload
 * of t/data/xss-payloads.txt, alone and inside allowed elements, comes
 * out inert.
 */

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tap.h"
#include "render.h"
#include "sanitize.h"


/* the body as a reader gets it: sanitized, then rendered */
static char *
body_html(const char *html)
{
    char        *s;
    news_buf_t   md, out;

    news_buf_init(&md);
    news_buf_init(&out);

    if (news_html_to_markdown(html, strlen(html), &md) != 0) {
        news_buf_free(&md);
        return NULL;
    }

    news_markdown(&out, md.data ? md.data : "", md.len);
    news_buf_free(&md);
    s = strdup(news_buf_cstr(&out));
    news_buf_free(&out);

    return s;
}


static char *
markdown_of(const char *html)
{
    char        *s;
    news_buf_t   md;

    news_buf_init(&md);
    news_html_to_markdown(html, strlen(html), &md);
    s = strdup(news_buf_cstr(&md));
    news_buf_free(&md);

    return s;
}


static char *
text_of(const char *html)
{
    char        *s;
    news_buf_t   t;

    news_buf_init(&t);
    news_html_to_text(html, strlen(html), &t);
    s = strdup(news_buf_cstr(&t));
    news_buf_free(&t);

    return s;
}


/* http(s), mailto, or no scheme: a ':' only after a / ? or # */
static int
url_ok(const char *s)
{
    size_t  n;

    if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0
        || strncasecmp(s, "mailto:", 7) == 0)
    {
        return 1;
    }

    n = strcspn(s, ":/?#\"");

    return s[n] != ':';
}


/* what would run: a script, a handler, an unsafe URL, a frame, a style */
static const char *
problem(const char *html)
{
    const char  *p, *q;

    if (strcasestr(html, "<script") || strcasestr(html, "<iframe")
        || strcasestr(html, "<style") || strcasestr(html, "<svg")
        || strcasestr(html, "<object") || strcasestr(html, "<embed")
        || strcasestr(html, "<math") || strcasestr(html, "<form")
        || strcasestr(html, " style=") || strcasestr(html, "<body"))
    {
        return "an element or attribute the allowlist drops";
    }

    /* inside each tag, outside its quoted values */
    for (p = html; (p = strchr(p, '<')) != NULL; p = q) {
        for (q = p + 1; *q && *q != '>'; q++) {
            if (*q == '"') {
                q = strchr(q + 1, '"');
                if (q == NULL) {
                    return "an unclosed attribute";
                }

                continue;
            }

            if ((q[0] == ' ' || q[0] == '\t' || q[0] == '/')
                && strncasecmp(q + 1, "on", 2) == 0)
            {
                return "an event handler";
            }

            if ((strncasecmp(q, " href=\"", 7) == 0
                 || strncasecmp(q, " src=\"", 6) == 0)
                && !url_ok(strchr(q, '"') + 1))
            {
                return "an unsafe URL";
            }
        }

        if (*q == '\0') {
            return "an unclosed tag";
        }
    }

    return NULL;
}


static const char *wraps[] = {
    "%s",
    "<p>%s</p>",
    "<p>text <a href=\"%s\">link</a></p>",
    "<img src=\"%s\" alt=\"%s\">",
    "<ul><li>%s</li></ul>",
    "<blockquote><p>%s</p></blockquote>",
    "<h2>%s</h2>",
    "<table><tr><td>%s</td></tr></table>",
    "<figure><img src=\"x.jpg\" alt=\"a\"><figcaption>%s</figcaption></figure>",
    "<a href=\"https://ok.example/\" title=\"%s\">t</a>",
    "<pre>%s</pre>",
    "<code>%s</code>",
};


/* html's Markdown is want */
static void
markdown_is(const char *html, const char *want, const char *what)
{
    char  *got;

    got = markdown_of(html);
    is_str(got, want, what);
    free(got);
}


/* the odd corners of both walks */
static void
test_edges(void)
{
    int          i;
    char        *got, deep[4096];
    news_buf_t   b;

    markdown_is("<a href=\"https://x.example/\">a</a> "
                "<a href=\"https://y.example/\">b</a>",
                "[a](<https://x.example/>) [b](<https://y.example/>)\n",
                "two links at the top level: side by side, the space kept "
                "(libxml2 nested the second inside the first)");
    markdown_is("<b>a</b> <i>b</i> text", "**a** *b* text\n",
                "so are emphases");

    got = text_of("<a href=\"https://x.example/\">a</a> <b>b</b>");
    is_str(got, "\n\na (https://x.example/) b\n\n",
           "and in a comment's text");
    free(got);

    markdown_is("<p><a href=\" \t https://x.example/\">l</a></p>",
                "[l](<https://x.example/>)\n",
                "a link's address without its leading blanks");
    markdown_is("<pre>a\r\nb</pre>", "    a\n    b\n",
                "preformatted text: indented, CRs gone");
    markdown_is("<ul><p>x</p><li>a</li></ul>", "x\n\n- a\n",
                "a list's child that is not an item");
    markdown_is("<p>a<br>b</p><p>c</p><hr><p>d</p>",
                "a\\\nb\n\nc\n\n* * *\n\nd\n", "a line break, a rule");
    markdown_is("<table><tr><td>a<br>b</td><td>c</td></tr></table>",
                "a b | c\n", "a break inside a table cell is a space");
    markdown_is("<code>x`y``z</code>", "``` x`y``z ```\n",
                "code holding backticks: a longer fence");
    markdown_is("<a>no address</a> <a href=\"javascript:x\">js</a> <img>",
                "no address js\n", "links without a safe address are "
                "their text; an image without a source goes");

    deep[0] = '\0';
    for (i = 0; i < 300; i++) {
        strcat(deep, "<span>");
    }
    strcat(deep, "deep");

    markdown_is(deep, "", "past 256 elements deep, the content is dropped");
    got = text_of(deep);
    ok(strstr(got, "deep") == NULL, "from a comment's text too");
    free(got);

    news_buf_init(&b);
    ok(news_html_to_markdown("", 0, &b) == 0 && b.len == 0,
       "no HTML: no Markdown");
    ok(news_html_to_text("", 0, &b) == 0 && b.len == 0, "nor text");
    news_buf_free(&b);
}


int
main(void)
{
    char        line[4096], html[9000], *got;
    FILE       *f;
    size_t      i, n, bad;
    const char *why;

    got = markdown_of("<p>A <strong>b</strong> <em>c</em> "
                      "<a href=\"https://x.example/a?b=1&amp;c=2\">d</a></p>"
                      "<h2>Head</h2><ul><li>one</li><li>two</li></ul>");
    is_str(got, "A **b** *c* [d](<https://x.example/a?b=1&c=2>)\n\n## Head\n\n"
           "- one\n- two\n", "paragraph, emphasis, link, heading, list");
    free(got);

    got = body_html("<!-- wp:paragraph --><p>One</p><!-- /wp:paragraph -->"
                    "<blockquote><p>Q</p></blockquote>"
                    "<figure><img src=\"/a.jpg\" alt=\"An alt\"><figcaption>Cap"
                    "</figcaption></figure>"
                    "<ol><li>x<ul><li>y</li></ul></li></ol>");
    ok(strstr(got, "<p>One</p>") && strstr(got, "<blockquote>\n<p>Q</p>")
       && strstr(got, "<img src=\"/a.jpg\" alt=\"An alt\" />")
       && strstr(got, "<em>Cap</em>") && strstr(got, "<ol>")
       && strstr(got, "<li>y</li>") && !strstr(got, "wp:paragraph"),
       "blocks, figures and nested lists render");
    free(got);

    got = body_html("<table><tr><th>A</th><th>B</th></tr>"
                    "<tr><td>1</td><td>2</td></tr></table>");
    is_str(got, "<p><strong>A</strong> | <strong>B</strong></p>\n<p>1 | 2</p>\n",
           "a table: a row a paragraph");
    free(got);

    got = body_html("Classic post.\n\nSecond *paragraph* # [x](y) <b>b</b>\n"
                    "line two\n\n1. not a list\n- not either");
    is_str(got, "<p>Classic post.</p>\n<p>Second *paragraph* # [x](y) "
           "<strong>b</strong> line two</p>\n<p>1. not a list - not either</p>\n",
           "blank lines part paragraphs; Markdown in the text stays text");
    free(got);

    got = body_html("<p><a href=\"javascript:alert(1)\">js</a> "
                    "<a href=\"JaVaScRiPt&#58;alert(2)\">js2</a> "
                    "<a href=\" data:text/html,x\">d</a> "
                    "<img src=\"x\" onerror=\"alert(4)\" alt=\"broken\">"
                    "<span style=\"color:red\" onclick=\"alert(5)\">s</span>"
                    "</p><script>alert(3)</script><iframe src=\"https://e/\">"
                    "</iframe><style>b{}</style>");
    is_str(got, "<p>js js2 d <img src=\"x\" alt=\"broken\" />s</p>\n",
           "unsafe links, handlers, styles, scripts and frames go");
    free(got);

    got = text_of("<p>Fair point.</p><p>Still <b>good</b>: "
                  "<a href=\"https://example.com/s\">this</a>"
                  "<br>next</p><script>alert(1)</script>");
    is_str(got, "\n\nFair point.\n\nStill good: this (https://example.com/s)\n"
           "next\n\n", "comment HTML to text: paragraphs, breaks, links");
    free(got);

    ok(news_url_safe("https://a/", 0) && news_url_safe("/x", 1)
       && news_url_safe("mailto:a@b", 0) && !news_url_safe("mailto:a@b", 1)
       && !news_url_safe("javascript:x", 0) && !news_url_safe("java\tscript:x", 0)
       && !news_url_safe("vbscript:x", 0) && !news_url_safe("data:x", 1)
       && news_url_safe("a/b:c", 0), "the URL allowlist");

    ok(problem("<img src=x onerror=alert(1)>")
       && problem("<a href=\"javascript:x\">") && problem("<p style=\"x\">")
       && problem("<script>") && !problem("<a href=\"/x:y\" title=\" onx\">"),
       "the inertness check itself tells");

    test_edges();

    f = fopen("t/data/xss-payloads.txt", "r");
    ok(f != NULL, "the XSS corpus");
    if (f == NULL) {
        return done_testing();
    }

    n = 0;
    bad = 0;

    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') {
            continue;
        }

        n++;

        for (i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++) {
            snprintf(html, sizeof(html), wraps[i], line, line);
            got = body_html(html);
            why = got ? problem(got) : "no output";

            if (why) {
                bad++;
                printf("# payload %zu in wrap %zu: %s: %s\n", n, i, why,
                       got ? got : "");
            }

            free(got);

        }
    }

    fclose(f);
    ok(n >= 40, "%zu payloads", n);
    is_int(bad, 0, "every payload in every allowed element is inert");

    return done_testing();
}
