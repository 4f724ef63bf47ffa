/*
 * The site around every page, rendered once per location when the
 * configuration is read: the stylesheet, the chrome (head, header, nav,
 * footer), the Content-Security-Policy that allows exactly that
 * stylesheet, the checks of the logo and stylesheet URLs it may name;
 * and the <main> of an error page.
 */

#include <string.h>
#include <strings.h>

#include "render_internal.h"
#include "sha256.h"
#include "text.h"


/*
 * Our one stylesheet, inline: a page is one request and paints at once,
 * and at under 5 KB (about 1.5 KB gzipped) it costs less than the round
 * trip a stylesheet URL would add on a first visit.  The CSP allows
 * exactly these bytes by their hash (news_render_csp), computed when the
 * configuration is read; no 'unsafe-inline'.
 *
 * Colours meet WCAG AA (most reach AAA) in both schemes: text #1a1a1a,
 * muted #595959 (7.0:1), links #0b57a4 (7.2:1), errors #b00020 (7.2:1) on
 * white; #e8e6e3, #a8a8a8 (8.0:1), #8ab4f8 (8.9:1), #ff8a80 (8.2:1) on
 * #121212.  The text column is 40rem (about 70 characters a line).
 */
static const char  news_css[] =
    ":root{color-scheme:light dark;--fg:#1a1a1a;--muted:#595959;--bg:#fff;"
    "--soft:#f3f3f1;--line:#d4d4d4;--link:#0b57a4;--on-link:#fff;"
    "--err:#b00020;--sans:system-ui,-apple-system,'Segoe UI',Roboto,"
    "sans-serif}@media (prefers-color-scheme:dark){:root{--fg:#e8e6e3;"
    "--muted:#a8a8a8;--bg:#121212;--soft:#1f1f1f;--line:#3d3d3d;"
    "--link:#8ab4f8;--on-link:#121212;--err:#ff8a80}}*,::before,::after{"
    "box-sizing:border-box}body{margin:0;background:var(--bg);"
    "color:var(--fg);font:1.125rem/1.65 Georgia,'DejaVu Serif',"
    "'Times New Roman',serif}a{color:var(--link);"
    "text-underline-offset:.15em}:focus-visible{"
    "outline:3px solid var(--link);outline-offset:2px}.skip{"
    "position:absolute;left:.5rem;top:-5rem;z-index:1;padding:.5rem 1rem;"
    "background:var(--bg);border:2px solid var(--link);"
    "border-radius:.25rem;font:1rem var(--sans)}.skip:focus{top:.5rem}"
    "header.site,main,footer.site{max-width:40rem;margin:0 auto;"
    "padding:0 1.25rem}header.site{display:flex;flex-wrap:wrap;"
    "gap:.25rem 1.25rem;justify-content:space-between;align-items:center;"
    "padding-top:.5rem;padding-bottom:.5rem;"
    "border-bottom:1px solid var(--line);font-family:var(--sans)}.brand{"
    "display:inline-flex;align-items:center;gap:.5rem;padding:.25rem 0;"
    "font-weight:700;font-size:1.375rem;line-height:1.2;color:var(--fg);"
    "text-decoration:none}.brand img{height:2rem;width:auto}nav{"
    "display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem;"
    "font-size:1rem}nav a{display:inline-block;padding:.5rem 0}"
    "nav.sections{flex-basis:100%;gap:0 1rem}nav form{"
    "margin:0}form.search{display:flex;gap:.5rem;margin:0 0 1rem;"
    "font:1rem var(--sans)}header form.search{margin:0}form.search input{"
    "min-width:0;flex:1;padding:.4rem .5rem;font:inherit;color:var(--fg);"
    "background:var(--bg);border:1px solid var(--line);"
    "border-radius:.25rem}mark{background:#ffe58a;color:#000}"
    ".snippet{margin:0 0 .5rem}.vh{position:absolute;width:1px;height:1px;"
    "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}.user{color:var(--muted)}h1,h2,h3{line-height:1.2;"
    "font-weight:700}h1{font-size:2rem;margin:2rem 0 .75rem;"
    "letter-spacing:-.01em}h2{font-size:1.5rem;margin:2.25rem 0 .5rem}h3{"
    "font-size:1.25rem;margin:1.5rem 0 .5rem}@media (min-width:48rem){h1{"
    "font-size:2.5rem}}p,ul,ol,blockquote,pre{margin:0 0 1.1em}.standfirst{"
    "font-size:1.3125rem;line-height:1.45;color:var(--muted);"
    "margin:0 0 1rem}.byline,.meta{font:.9375rem/1.5 var(--sans);"
    "color:var(--muted)}.story header .byline{padding-bottom:1rem;"
    "border-bottom:1px solid var(--line);margin-bottom:1.75rem}"
    ".body blockquote{padding-left:1rem;border-left:4px solid var(--line);"
    "font-style:italic}.body img{max-width:100%;height:auto}.body pre{"
    "overflow-x:auto;padding:1rem;background:var(--soft)}.teasers{"
    "list-style:none;margin:0;padding:0}.teasers li{padding:1.25rem 0;"
    "border-bottom:1px solid var(--line)}.teasers h2{font-size:1.375rem;"
    "margin:0 0 .375rem}.teasers h2 a{color:var(--fg);text-decoration:none}"
    ".teasers h2 a:hover{text-decoration:underline}.teasers p{"
    "margin:0 0 .375rem}.pager{display:flex;flex-wrap:wrap;gap:1.5rem;"
    "margin:1.5rem 0;font-family:var(--sans)}.pager a{display:inline-block;"
    "padding:.5rem 0}.comments{margin-top:3rem;"
    "border-top:2px solid var(--fg)}.comment-list,.replies{list-style:none;"
    "margin:0;padding:0}.comment{margin:1rem 0 0}.comment>article{"
    "padding:.75rem 1rem;background:var(--soft);border-radius:.5rem}"
    ".comment>p.meta{margin:0;font-style:italic}.comment header a{"
    "color:var(--muted)}.comment header{display:flex;flex-wrap:wrap;"
    "gap:0 .75rem;align-items:baseline;margin:0 0 .25rem}.comment h3{"
    "margin:0;font:700 1rem/1.5 var(--sans);color:var(--fg)}.comment .text{"
    "font-size:1.0625rem}.comment .text p{margin:0 0 .5em}.replies{"
    "margin-left:.5rem;padding-left:.75rem;"
    "border-left:2px solid var(--line)}@media (min-width:40rem){.replies{"
    "margin-left:1rem;padding-left:1.25rem}}.actions{margin:.25rem 0 0;"
    "font:.9375rem var(--sans)}.actions a{display:inline-block;"
    "padding:.25rem 0}label{display:block;margin:0 0 .25rem;"
    "font:600 1rem var(--sans)}input:not([type=hidden]),textarea{"
    "display:block;width:100%;max-width:26rem;padding:.5rem .625rem;"
    "font:1rem var(--sans);color:var(--fg);background:var(--bg);"
    "border:1px solid var(--muted);border-radius:.25rem}textarea{"
    "max-width:none;min-height:6rem;font-family:inherit;resize:vertical}"
    "[aria-invalid=true]{border:2px solid var(--err)}.error{display:block;"
    "margin:.25rem 0 0;color:var(--err);font:600 .9375rem var(--sans)}"
    "p.error{margin:0 0 1.25rem;padding:.75rem 1rem;"
    "border-left:4px solid var(--err);background:var(--soft)}button{"
    "min-height:2.5rem;padding:.5rem 1.125rem;font:600 1rem var(--sans);"
    "color:var(--link);background:transparent;border:2px solid var(--link);"
    "border-radius:.375rem;cursor:pointer}button[type=submit],"
    "button[value=approve]{color:var(--on-link);background:var(--link)}"
    "nav [type=submit],button[value=delete]{color:var(--link);"
    "background:transparent}form.account{max-width:26rem}form.account p,"
    ".comment-form,.comment-edit{margin:0 0 1.25rem}.comment-form,"
    ".comment-edit{margin-top:1.5rem}.comment-form button,"
    ".comment-edit button{margin-top:.5rem}footer.site{margin-top:4rem;"
    "padding-top:1rem;padding-bottom:2rem;border-top:1px solid var(--line);"
    "font:.9375rem var(--sans);color:var(--muted)}.topics{"
    "font:.9375rem var(--sans)}.topics a{display:inline-block;"
    "padding:.25rem 0}.recent-h{font:700 1.125rem var(--sans);"
    "margin:2rem 0 0}.featured{margin:0 0 2rem;padding:.25rem 1rem;"
    "border-left:4px solid var(--link)}.sort{font:.9375rem var(--sans)}"
    ".held{padding:.75rem 1rem;"
    "border:2px dashed var(--muted);border-radius:.5rem}.label{"
    "font-weight:700;color:var(--fg)}.moderate{display:flex;"
    "flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.5rem 0 0;"
    "font:.9375rem var(--sans)}.moderate button{min-height:2.25rem;"
    "padding:.25rem .75rem}pre.diff{white-space:pre-wrap;"
    "overflow-wrap:anywhere;padding:1rem;background:var(--soft)}"
    "@media print{:root{--fg:#000;--muted:#333;--bg:#fff;"
    "--link:#000;--soft:#fff}body{font-size:11pt}header.site,footer.site,"
    ".skip,.comments,.pager,form{display:none}main{max-width:none;"
    "padding:0}.body a[href^=\"http\"]::after{content:\" (\" attr(href) \")\";"
    "font-size:.85em}h1,h2,h3{break-after:avoid}p{orphans:3;widows:3}}";


/*
 * The favicon: a data: URI, so that no request is made for it and no
 * /favicon.ico 404 shows in the console, whatever the location's prefix.
 */
#define NEWS_FAVICON                                                          \
    "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'"         \
    "%20viewBox='0%200%2032%2032'%3E%3Crect%20width='32'%20height='32'"       \
    "%20rx='6'%20fill='%230b57a4'/%3E%3Cpath%20d='M9%2024V8h3.2l7.6%2011V8"   \
    "H23v16h-3.2L12.2%2013v11z'%20fill='%23fff'/%3E%3C/svg%3E"


static void
news_base64(news_buf_t *b, const unsigned char *p, size_t n)
{
    size_t    i;
    uint32_t  v;

    static const char  d[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    for (i = 0; i + 2 < n; i += 3) {
        v = (uint32_t) p[i] << 16 | (uint32_t) p[i + 1] << 8 | p[i + 2];
        news_buf_addc(b, d[v >> 18]);
        news_buf_addc(b, d[(v >> 12) & 63]);
        news_buf_addc(b, d[(v >> 6) & 63]);
        news_buf_addc(b, d[v & 63]);
    }

    if (i < n) {
        v = (uint32_t) p[i] << 16 | (i + 1 < n ? (uint32_t) p[i + 1] << 8 : 0);
        news_buf_addc(b, d[v >> 18]);
        news_buf_addc(b, d[(v >> 12) & 63]);
        news_buf_addc(b, i + 1 < n ? d[(v >> 6) & 63] : '=');
        news_buf_addc(b, '=');
    }
}


/*
 * Live comments (news_live_publish): one small script, allowed by its
 * hash like the stylesheet, without which the page works the same (the
 * comments as of its load; a reload shows the rest).  It opens the
 * article's Server-Sent Events stream ("live/ID", relative to <base>,
 * from the comments section's data-live) and puts each comment it is
 * sent where a reload would show it: a reply under its parent, a top
 * comment at the end of the last comment page; an edit replaces the
 * comment's text, a removal takes it away (its replies stay under
 * "[removed]"); a live blog's update replaces the article's body.  The HTML comes from the renderer, escaped as on the
 * page; a <template> parses it, running nothing.
 */
static const char  news_live_js[] =
    "(function(){var s=document.querySelector('section[data-live]');"
    "if(!s||!window.EventSource)return;"
    "var es=new EventSource(s.getAttribute('data-live'));"
    "es.onmessage=function(m){var d=JSON.parse(m.data),"
    "o=document.getElementById('comment-'+d.id),a,l,p,t,n;"
    "if(d.body!=null){n=document.querySelector('.story .body');if(!n)return;"
    "t=document.createElement('template');t.innerHTML=d.body;"
    "n.replaceChildren(t.content);return}"
    "if(d.remove){if(!o)return;l=o.querySelector('ol');"
    "a=o.querySelector('article');if(!l){o.remove();return}"
    "if(a){n=document.createElement('p');n.className='meta';"
    "n.textContent='[removed]';a.replaceWith(n)}return}"
    "t=document.createElement('template');t.innerHTML=d.html;"
    "n=t.content.firstElementChild;if(!n)return;"
    "if(o){a=o.querySelector('article');if(a)a.replaceWith("
    "n.querySelector('article'));return}"
    "if(d.parent){p=document.getElementById('comment-'+d.parent);"
    "if(!p)return;l=p.querySelector(':scope>ol.replies');"
    "if(!l){l=document.createElement('ol');l.className='replies';"
    "p.appendChild(l)}}"
    "else{if(s.querySelector('a[rel=next]'))return;"
    "l=s.querySelector('ol.comment-list');"
    "if(!l){l=document.createElement('ol');l.className='comment-list';"
    "p=s.querySelector('.no-comments');if(!p)return;p.replaceWith(l)}}"
    "l.appendChild(n)}})();";


/* a CSP source for a checked URL: the URL itself (no query), or 'self' */
static void
news_render_csp_source(news_buf_t *b, const char *u, size_t n)
{
    size_t  i;

    if (n == 0) {
        return;
    }

    if (strncasecmp(u, "http://", 7) != 0 && strncasecmp(u, "https://", 8)
        != 0)
    {
        news_buf_addl(b, " 'self'");
        return;
    }

    for (i = 0; i < n && u[i] != '?' && u[i] != '#'; i++) {
        /* void */
    }

    news_buf_addc(b, ' ');
    news_buf_add(b, u, i);
}


void
news_render_csp(news_buf_t *b, const char *logo, size_t logo_len,
    const char *css, size_t css_len, const char *images, size_t images_len,
    int live)
{
    unsigned char  h[NEWS_SHA256_LEN];

    news_buf_addl(b, "default-src 'none'; ");

    if (live) {
        news_sha256(news_live_js, sizeof(news_live_js) - 1, h);
        news_buf_addl(b, "script-src 'sha256-");
        news_base64(b, h, sizeof(h));
        news_buf_addl(b, "'; ");
    }

    news_sha256(news_css, sizeof(news_css) - 1, h);

    news_buf_addl(b, "style-src 'sha256-");
    news_base64(b, h, sizeof(h));
    news_buf_addc(b, '\'');
    news_render_csp_source(b, css, css_len);
    news_buf_addl(b, "; img-src 'self' data:");
    news_render_csp_source(b, logo, logo_len);

    if (images_len) {
        news_buf_addc(b, ' ');
        news_buf_add(b, images, images_len);
    }
    /*
     * connect-src 'self' lets tools that fetch in the page's context
     * (Lighthouse reads robots.txt so) reach the site, and the live
     * script its stream; without it no script of the page's own runs
     */
    news_buf_addl(b, "; connect-src 'self'; form-action 'self'; "
                  "base-uri 'self'; frame-ancestors 'none'");
}


int
news_render_chrome(news_buf_t chrome[NEWS_CHROME_N], const char *site,
    size_t site_len, const char *prefix, size_t prefix_len, const char *logo,
    size_t logo_len, const char *css, size_t css_len, int live)
{
    int          i;
    news_buf_t  *c;

    c = chrome;

    news_buf_addl(&c[NEWS_CHROME_OPEN],
                  "<!doctype html>\n<html lang=\"en\">\n<head>\n"
                  "<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\">\n"
                  "<base href=\"");
    news_html_escape(&c[NEWS_CHROME_OPEN], prefix, prefix_len);
    news_buf_addl(&c[NEWS_CHROME_OPEN], "\">\n<title>");

    news_buf_addl(&c[NEWS_CHROME_TITLE_END], " · ");
    news_html_escape(&c[NEWS_CHROME_TITLE_END], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</title>\n"
                  "<meta name=\"theme-color\" content=\"#ffffff\" "
                  "media=\"(prefers-color-scheme: light)\">\n"
                  "<meta name=\"theme-color\" content=\"#121212\" "
                  "media=\"(prefers-color-scheme: dark)\">\n"
                  "<link rel=\"icon\" href=\"" NEWS_FAVICON "\">\n"
                  "<link rel=\"alternate\" type=\"application/atom+xml\" "
                  "href=\"" NEWS_ROUTE_FEED "\" title=\"");
    news_html_escape(&c[NEWS_CHROME_TITLE_END], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "\">\n<style>");
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], news_css);
    news_buf_addl(&c[NEWS_CHROME_TITLE_END], "</style>\n");

    if (css_len) {
        news_buf_addl(&c[NEWS_CHROME_TITLE_END],
                      "<link rel=\"stylesheet\" href=\"");
        news_html_escape(&c[NEWS_CHROME_TITLE_END], css, css_len);
        news_buf_addl(&c[NEWS_CHROME_TITLE_END], "\">\n");
    }

    news_buf_addl(&c[NEWS_CHROME_BODY],
                  "</head>\n<body>\n<a class=\"skip\" href=\"");

    news_buf_addl(&c[NEWS_CHROME_HEADER],
                  "#main\">Skip to content</a>\n<header class=\"site\">\n"
                  "<a class=\"brand\" href=\"./\">");

    if (logo_len) {
        /* decorative: the site's name follows as text */
        news_buf_addl(&c[NEWS_CHROME_HEADER], "<img src=\"");
        news_html_escape(&c[NEWS_CHROME_HEADER], logo, logo_len);
        news_buf_addl(&c[NEWS_CHROME_HEADER], "\" alt=\"\" height=\"32\">");
    }

    news_html_escape(&c[NEWS_CHROME_HEADER], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_HEADER],
                  "</a>\n<nav aria-label=\"Account\">");

    news_buf_addl(&c[NEWS_CHROME_NAV_ANON],
                  "<a href=\"" NEWS_ROUTE_LOGIN "\">Log in</a>"
                  "<a href=\"" NEWS_ROUTE_REGISTER "\">Register</a>");

    /*
     * every page's search box: a plain GET form, no script; the search
     * page puts the query in its value between the two pieces
     */
    news_buf_addl(&c[NEWS_CHROME_SEARCH],
                  "</nav>\n<form class=\"search\" role=\"search\" action=\""
                  NEWS_ROUTE_SEARCH "\" method=\"get\"><label "
                  "for=\"site-q\" class=\"vh\">Search articles</label>"
                  "<input type=\"search\" id=\"site-q\" name=\"q\" "
                  "maxlength=\"256\" placeholder=\"Search\"");
    news_buf_addl(&c[NEWS_CHROME_MAIN],
                  "><button type=\"submit\">Search</button></form>\n");
    news_buf_addl(&c[NEWS_CHROME_HEADER_END],
                  "</header>\n<main id=\"main\">\n");

    news_buf_addl(&c[NEWS_CHROME_CLOSE], "</main>\n<footer class=\"site\">"
                  "<p>");
    news_html_escape(&c[NEWS_CHROME_CLOSE], site, site_len);
    news_buf_addl(&c[NEWS_CHROME_CLOSE], "</p></footer>\n");

    if (live) {
        news_buf_addl(&c[NEWS_CHROME_CLOSE], "<script>");
        news_buf_addl(&c[NEWS_CHROME_CLOSE], news_live_js);
        news_buf_addl(&c[NEWS_CHROME_CLOSE], "</script>\n");
    }

    news_buf_addl(&c[NEWS_CHROME_CLOSE], "</body>\n</html>\n");

    for (i = 0; i < NEWS_CHROME_N; i++) {
        if (c[i].failed) {
            return -1;
        }
    }

    return 0;
}


void
news_render_sections_nav(news_buf_t *b, const char *const *names, size_t n)
{
    size_t  i;

    if (n == 0) {
        return;
    }

    news_buf_addl(b, "<nav class=\"sections\" aria-label=\"Sections\">");

    for (i = 0; i < n; i++) {
        (void) news_render_topic_link(b, NEWS_ROUTE_SECTION, names[i], 1);
    }

    news_buf_addl(b, "</nav>\n");
}


void
news_render_error_main(news_buf_t *b, int status, const char *title,
    const char *text)
{
    news_buf_addl(b, "<h1>");
    news_html_escape(b, title, strlen(title));
    news_buf_addl(b, "</h1>\n<p>");
    news_html_escape(b, text, strlen(text));
    news_buf_addf(b, "</p>\n<p class=\"meta\">Error %d · "
                  "<a href=\"./\">Front page</a></p>\n", status);
}


void
news_render_page_description(news_buf_t *b, const char *title,
    size_t title_len)
{
    news_buf_addl(b, "<meta name=\"description\" content=\"");
    news_buf_add(b, title, title_len);
    news_buf_addl(b, "\">\n");
}
