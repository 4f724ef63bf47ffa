# Feeds, sitemap, robots.txt, search-engine tags, and HTTP caching.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

# well-formed XML, checked by a real XML parser (xmllint, libxml2-utils)
sub well_formed { return NewsTest::well_formed(@_) }

# HTTP::Tiny will not send a Host of our choosing: a raw request does
sub get_host {
    my ($t, $path, $host) = @_;
    my $raw = $t->raw("GET $path HTTP/1.0\r\nHost: $host\r\n\r\n");
    my ($head, $body) = split /\r\n\r\n/, $raw, 2;
    my ($status) = $head =~ m{^HTTP/1\.\d (\d+)};
    my %h;
    while ($head =~ /^([\w-]+): (.*?)\r?$/mg) { $h{lc $1} = $2 }
    return { status => $status, headers => \%h, content => $body };
}

my $t = NewsTest->new(http => 'news_site_name "Feeds & Co"; news_cache_max_age 120;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('import', NewsTest::json_file('[{"slug":"second","title":"Second <story>","subtitle":"A & B","body":"Text"},'
                                . '{"slug":"later","title":"Later","body":"b","published_at":"2999-01-01T00:00:00Z"},'
                                . '{"slug":"hidden-draft","title":"Draft","body":"b","status":"draft"}]'));
$t->run;

# Atom
my $res = get_host($t, '/feed.xml', 'news.example.com');
is($res->{status}, 200, 'feed.xml');
like($res->{headers}{'content-type'}, qr{^application/atom\+xml}, 'Atom type');
my $feed = $res->{content};
well_formed($feed, 'the Atom feed');
like($feed, qr{<feed xmlns="http://www.w3.org/2005/Atom">}, 'an Atom feed');
like($feed, qr{<title>Feeds &amp; Co</title>}, 'titled with the site name, escaped');
like($feed, qr{<link rel="self" type="application/atom\+xml" href="http://news\.example\.com/feed\.xml"/>}, 'absolute self link from the Host');
like($feed, qr{<id>http://news\.example\.com/feed\.xml</id>}, 'feed id');
like($feed, qr{<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</updated>}, 'feed updated');
my @entries = $feed =~ /<entry>/g;
is(scalar @entries, 2, 'published articles only: no draft, nothing scheduled');
like($feed, qr{<entry>\n<title>Second &lt;story&gt;</title>\n<link rel="alternate" type="text/html" href="http://news\.example\.com/articles/second"/>\n<id>http://news\.example\.com/articles/second</id>}, 'entries with absolute links and ids');
like($feed, qr{<summary>A &amp; B</summary>}, 'summary escaped');
unlike($feed, qr/Later|Draft/, 'no scheduled or draft article');
$res = get_host($t, '/feed.xml', 'evil"><script>');
unlike($res->{content}, qr/<script/, 'a forged Host does not reach the feed');

# sitemap and robots
$res = get_host($t, '/sitemap.xml', 'news.example.com');
is($res->{status}, 200, 'sitemap.xml');
well_formed($res->{content}, 'the sitemap');
like($res->{content}, qr{<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">}, 'a sitemap');
like($res->{content}, qr{<url><loc>http://news\.example\.com/articles/$SLUG</loc><lastmod>[^<]+Z</lastmod></url>}, 'every article with its last change');
my @urls = $res->{content} =~ /<url>/g;
is(scalar @urls, 2, 'published ones only');
$res = get_host($t, '/robots.txt', 'news.example.com');
like($res->{content}, qr{^User-agent: \*\n.*Sitemap: http://news\.example\.com/sitemap\.xml\n$}s, 'robots.txt points to the sitemap');

# the article page for search engines and link previews
my $page = get_host($t, '/articles/second', 'news.example.com')->{content};
like($page, qr{<link rel="canonical" href="http://news\.example\.com/articles/second">}, 'canonical link');
like($page, qr{<meta name="description" content="A &amp; B">}, 'meta description from the subtitle');
like($page, qr{<meta property="og:title" content="Second &lt;story&gt;">}, 'OpenGraph title');
like($page, qr{<meta property="og:site_name" content="Feeds &amp; Co">}, 'OpenGraph site');
like($page, qr{<meta name="twitter:card" content="summary">}, 'Twitter card');
my ($ld) = $page =~ m{<script type="application/ld\+json">(.*?)</script>}s;
ok($ld, 'JSON-LD');
like($ld, qr/"\@type":"NewsArticle","headline":"Second \\u003cstory\\u003e"/, 'NewsArticle headline, escaped for a script block');
like($ld, qr/"publisher":\{"\@type":"Organization","name":"Feeds \\u0026 Co"\}/, 'publisher from the site name');
like($ld, qr/"datePublished":"[^"]+Z","dateModified":"[^"]+Z"/, 'dates');

# HTTP caching
$res = $t->get("/articles/$SLUG");
my $etag = $res->{headers}{etag};
my $lm = $res->{headers}{'last-modified'};
like($etag, qr/^"a\d+\.\d+\.\d+\.h[0-9a-f]{8}"$/, 'an ETag (with the Host its links came from)');
ok($lm, 'a Last-Modified');
is($res->{headers}{'cache-control'}, 'public, max-age=0, s-maxage=120', 'public for anonymous readers: shared caches keep it, browsers revalidate');
is($res->{headers}{vary}, 'Accept-Encoding, Cookie, Host', 'it varies by the session cookie and by the Host its links came from (and by encoding, for gzip)');
is($t->get("/articles/$SLUG", { headers => { 'If-None-Match' => $etag } })->{status}, 304, 'If-None-Match: 304');
is($t->get("/articles/$SLUG", { headers => { 'If-Modified-Since' => $lm } })->{status}, 304, 'If-Modified-Since: 304');
is($t->get("/articles/$SLUG")->{content}, $res->{content}, 'the same bytes for every anonymous reader');
for my $path ('/', '/api/articles', "/api/articles/$SLUG", "/api/articles/$SLUG/comments", '/feed.xml', '/sitemap.xml') {
    my $r = $t->get($path);
    ok($r->{headers}{etag} && $r->{headers}{'last-modified'}, "$path has ETag and Last-Modified");
    is($t->get($path, { headers => { 'If-None-Match' => $r->{headers}{etag} } })->{status}, 304, "$path answers 304");
}

# a write changes the validators at once
$t->newsctl('import', NewsTest::json_file('{"slug":"second","title":"Second, corrected","body":"Text"}'));
isnt($t->get('/articles/second')->{headers}{etag}, $etag, 'an update changes the article ETag');
my $front = $t->get('/')->{headers}{etag};
$t->newsctl('import', NewsTest::json_file('{"slug":"third","title":"Third","body":"b"}'));
isnt($t->get('/')->{headers}{etag}, $front, 'a new article changes the front page ETag');
my $before = $t->get("/articles/$SLUG")->{headers}{etag};
my $pw = 'reader-password';
$t->request('POST', '/api/users', { headers => { 'Content-Type' => 'application/json' },
            content => qq({"username":"reader1","password":"$pw"}) });
my $s = $t->request('POST', '/api/session', { headers => { 'Content-Type' => 'application/json' },
                    content => qq({"username":"reader1","password":"$pw"}) });
my ($cookie) = ($s->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
$res = $t->request('POST', "/api/articles/$SLUG/comments", { headers => { 'Content-Type' => 'application/json', Cookie => $cookie },
                   content => '{"body":"a comment"}' });
is($res->{status}, 201, 'a comment');
isnt($t->get("/articles/$SLUG")->{headers}{etag}, $before, 'a comment changes the article ETag');
$res = $t->get("/articles/$SLUG", { headers => { Cookie => $cookie } });
is($res->{headers}{'cache-control'}, 'private, no-store', 'a logged-in page is private and never stored');
unlike($res->{headers}{etag}, qr/^\Q$before\E$/, 'with its own ETag');

$t->done;
done_testing;
