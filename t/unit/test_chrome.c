/*
 * The site's chrome: the URLs news_logo and news_stylesheet accept (and
 * each way one is refused), the Content-Security-Policy sources made of
 * them, and the chrome's pieces with and without a logo and a stylesheet.
 */

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "render.h"
#include "text.h"


static const char *
url_check(const char *u)
{
    return news_url_check(u, strlen(u));
}


static void
test_url_check(void)
{
    char  big[1100];

    ok(url_check("/static/logo.png") == NULL, "a path");
    ok(url_check("https://cdn.example/logo.png?v=2#x") == NULL,
       "an https URL with a query");
    ok(url_check("HTTP://cdn.example/a.css") == NULL, "HTTP in capitals");
    ok(url_check("logo.png?at=12:00") == NULL,
       "a relative path with a colon after its query");

    ok(url_check("") != NULL, "empty: refused");
    memset(big, 'a', sizeof(big));
    ok(news_url_check(big, 1025) != NULL, "1025 bytes: refused");
    ok(news_url_check(big, 1024) == NULL, "1024: not");
    ok(url_check("/a b") != NULL, "a space");
    ok(url_check("/a\"b") != NULL, "a quote");
    ok(url_check("/a\x7f") != NULL, "DEL");
    ok(url_check("/caf\xc3\xa9") != NULL, "a byte past ASCII");
    ok(url_check("/a;b") != NULL, "a semicolon (it would end a CSP source)");
    ok(url_check("//cdn.example/a.css") != NULL, "scheme-relative");
    ok(url_check("javascript:alert(1)") != NULL, "javascript:");
    ok(url_check("ftp://cdn.example/a") != NULL, "ftp:");
    ok(url_check("data:image/png") != NULL, "data:");
    ok(url_check("httpx://cdn.example/") != NULL, "a scheme like http");
    ok(url_check("http:") != NULL, "http: alone");
    ok(url_check("http:/cdn.example") != NULL, "http: with one slash");
    ok(url_check("https:///a") != NULL, "https: with three slashes");
    ok(url_check("a:b") != NULL, "a one-letter scheme");
}


static void
test_csp(void)
{
    news_buf_t  b;

    news_buf_init(&b);
    news_render_csp(&b, "", 0, "", 0, "", 0, 0);
    ok(strstr(news_buf_cstr(&b), "style-src 'sha256-") != NULL
       && strstr(news_buf_cstr(&b), "img-src 'self' data:;") != NULL,
       "no logo, no stylesheet: the page's own sources only");
    ok(strstr(news_buf_cstr(&b), "script-src") == NULL,
       "not live: no script source");
    news_buf_free(&b);

    news_buf_init(&b);
    news_render_csp(&b, "", 0, "", 0, "", 0, 1);
    ok(strstr(news_buf_cstr(&b), "default-src 'none'; script-src 'sha256-")
       != NULL, "live: the live script by its hash");
    news_buf_free(&b);

    news_buf_init(&b);
    news_render_csp(&b, "https://cdn.example/l.png?v=1", 29,
                    "/site.css", 9, "", 0, 0);
    ok(strstr(news_buf_cstr(&b), "=' 'self'; img-src") != NULL,
       "a stylesheet by path: 'self'");
    ok(strstr(news_buf_cstr(&b), "data: https://cdn.example/l.png;") != NULL,
       "a logo by URL: the URL without its query: %s", news_buf_cstr(&b));
    news_buf_free(&b);

    /* news_image_hosts: the lead images' hosts, after the logo */
    news_buf_init(&b);
    news_render_csp(&b, "/logo.png", 9, "", 0, "img.example.com *.cdn.example",
                    29, 0);
    ok(strstr(news_buf_cstr(&b), "img-src 'self' data: 'self' img.example.com "
              "*.cdn.example;") != NULL,
       "the image hosts in img-src: %s", news_buf_cstr(&b));
    news_buf_free(&b);
}


static void
test_chrome(void)
{
    int         i;
    news_buf_t  c[NEWS_CHROME_N];

    for (i = 0; i < NEWS_CHROME_N; i++) {
        news_buf_init(&c[i]);
    }

    is_int(news_render_chrome(c, "A & B", 5, "/news/", 6,
                              "/logo.png?a=1&b=2", 17, "https://c/s.css", 15, 1),
           0, "the chrome with a logo and a stylesheet");
    ok(strstr(news_buf_cstr(&c[NEWS_CHROME_HEADER]),
              "<img src=\"/logo.png?a=1&amp;b=2\" alt=\"\"") != NULL,
       "the logo, escaped, before the name");
    ok(strstr(news_buf_cstr(&c[NEWS_CHROME_TITLE_END]),
              "<link rel=\"stylesheet\" href=\"https://c/s.css\">") != NULL,
       "the stylesheet linked");
    ok(strstr(news_buf_cstr(&c[NEWS_CHROME_CLOSE]), "A &amp; B") != NULL,
       "the name escaped");
    ok(strstr(news_buf_cstr(&c[NEWS_CHROME_CLOSE]), "<script>") != NULL,
       "live: the live script");

    for (i = 0; i < NEWS_CHROME_N; i++) {
        news_buf_free(&c[i]);
        news_buf_init(&c[i]);
    }

    is_int(news_render_chrome(c, "N", 1, "/", 1, "", 0, "", 0, 0), 0,
           "the chrome without");
    ok(strstr(news_buf_cstr(&c[NEWS_CHROME_HEADER]), "<img") == NULL
       && strstr(news_buf_cstr(&c[NEWS_CHROME_TITLE_END]), "stylesheet")
          == NULL
       && strstr(news_buf_cstr(&c[NEWS_CHROME_CLOSE]), "<script") == NULL,
       "no logo, no stylesheet link, no script");

    for (i = 0; i < NEWS_CHROME_N; i++) {
        news_buf_free(&c[i]);
    }
}


int
main(void)
{
    test_url_check();
    test_csp();
    test_chrome();

    return done_testing();
}
