# The seed article served from LMDB: its elements in order, the front
# page, the JSON API, 404/405/HEAD, and escaping of hostile text.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

sub text_of {
    my ($html) = @_;
    $html =~ s/<style>.*?<\/style>//s;
    $html =~ s/<[^>]*>/\n/g;
    my %ent = (quot => '"', amp => '&', lt => '<', gt => '>', '#39' => "'");
    $html =~ s/&(quot|amp|lt|gt|#39);/$ent{$1}/g;
    return join "\n", grep { /\S/ } map { s/^\s+|\s+$//gr } split /\n/, $html;
}

my $t = NewsTest->new(http => 'news_site_name "The <Daily> Test";');
my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'seed imported') or diag $err;
$t->run;

# the seed page, element by element and in order
my $res = $t->get("/articles/$SLUG");
is($res->{status}, 200, 'seed article: 200');
like($res->{headers}{'content-type'}, qr{^text/html; charset=utf-8}, 'html');
my $html = $res->{content};
like($html, qr/^<!doctype html>\n<html lang="en">/, 'doctype and lang');
like($html, qr/<meta charset="utf-8">/, 'charset');
like($html, qr/<meta name="viewport"/, 'viewport');
like($html, qr{<title>US Senator Marco Rubio Confirmed for Key Security Talks in Mexico · The &lt;Daily&gt; Test</title>},
     'title with the escaped site name');
like($html, qr{<h1>US Senator Marco Rubio Confirmed for Key Security Talks in Mexico</h1>},
     'headline is the h1');
like($html, qr{<p class="standfirst">US Senator Marco Rubio to Visit Mexico for Security Talks</p>},
     'subtitle');
like($html, qr{By <span class="author">News Desk</span> · <time datetime="2024-11-27T10:00:00Z">27 November 2024</time>},
     'byline and date');
for my $h ('Focus on Security Cooperation Amidst Complex Challenges',
           'Differing Perspectives on Bilateral Security Approaches',
           'What happens next') {
    like($html, qr{<h2>\Q$h\E</h2>}, "section heading h2: $h");
}
like($html, qr{<h2[^>]*>Comments</h2>}, 'comments heading');
like($html, qr{<a href="login\?next=/articles/$SLUG%23comment-form">Log in to comment</a>},
     'log in link comes back to the article');
like($html, qr{<style>}, 'a built-in stylesheet');

# the repo keeps the seed page as demo content; it must be the shared one
my $shared = $t->root . '/../shared/seed/article.txt';
if (-e $shared) {
    is(`cmp $shared demo/seed-article.txt 2>&1`, '', 'demo seed is the shared seed');
}
open my $fh, '<', 'demo/seed-article.txt' or die "seed: $!";
my @seed = grep { /\S/ } map { s/\s+$//r } <$fh>;
close $fh;
my $text = text_of($html);
my $pos = 0;
my $in_order = 1;
for my $line (@seed) {
    my $at = index($text, $line, $pos);
    if ($at < 0) {
        $in_order = 0;
        diag "missing or out of order: $line";
        last;
    }
    $pos = $at + length $line;
}
ok($in_order, 'every line of the seed page, in the seed order');

# HEAD: same headers, no body
$res = $t->request('HEAD', "/articles/$SLUG");
is($res->{status}, 200, 'HEAD 200');
is($res->{headers}{'content-length'}, length $html, 'HEAD content-length');
ok(!length($res->{content} // ''), 'HEAD has no body');

# the front page
$res = $t->get('/');
is($res->{status}, 200, 'front page');
like($res->{content}, qr{<a href="articles/$SLUG">US Senator Marco Rubio}, 'front page links the article');
like($res->{content}, qr{<base href="/">}, 'links resolve from the location');

# JSON
$res = $t->get("/api/articles/$SLUG");
is($res->{status}, 200, 'api article');
is($res->{headers}{'content-type'}, 'application/json', 'json type');
for my $k (qw(slug title subtitle author section tags published_at updated_at body_html comment_count)) {
    like($res->{content}, qr/"$k":/, "api article has $k");
}
like($res->{content}, qr{"body_html":"\\u003cp\\u003eSenator Marco Rubio}, 'body_html escaped for JSON');
$res = $t->get('/api/articles');
like($res->{content}, qr/^\{"articles":\[\{"slug":"$SLUG".*\],"next":null\}$/s, 'api list');

# errors
$res = $t->get('/articles/no-such-article');
is($res->{status}, 404, 'unknown slug: 404');
like($res->{content}, qr{<!doctype html>.*Page not found}s, 'an HTML 404 page');
for my $path ('/articles/../../etc/passwd', '/articles/..%2f..%2fetc%2fpasswd',
              '/articles/evil%00.html', '/articles/%ff%fe') {
    $res = $t->get($path);
    like($res->{status}, qr/^4\d\d$/, "hostile path $path: 4xx");
}
$res = $t->get('/api/articles/no-such-article');
is($res->{status}, 404, 'api unknown slug: 404');
like($res->{content}, qr/^\{"error":\{"code":"not_found","message":"[^"]+"\}\}$/, 'json error');
$res = $t->get('/nothing/here');
is($res->{status}, 404, 'unknown route: 404');
$res = $t->request('DELETE', "/articles/$SLUG");
is($res->{status}, 405, 'wrong method: 405');
is($res->{headers}{allow}, 'GET, HEAD', 'Allow header');
$res = $t->request('PATCH', '/api/articles');
is($res->{status}, 405, 'api wrong method: 405');
like($res->{content}, qr/"method_not_allowed"/, 'json 405');
$res = $t->get('/?page=0');
is($res->{status}, 400, 'page=0: 400');
$res = $t->get('/?page=abc');
is($res->{status}, 400, 'page=abc: 400');
$res = $t->get('/?page=2');
is($res->{status}, 404, 'page past the end: 404');
$res = $t->get('/api/articles?cursor=zz');
is($res->{status}, 400, 'bad cursor: 400');

# hostile text is escaped in every context
my $evil = NewsTest::json_file(<<'JSON');
{"slug": "evil", "title": "<script>alert(\"t\")</script> 'q' & co",
 "subtitle": "\"><img src=x onerror=alert(1)>",
 "author": "<b>Mallory</b>",
 "body": "Hi <script>alert(2)</script>\n\n<img src=x onerror=alert(3)>\n\n[click](javascript:alert(4))"}
JSON
($rc, $out, $err) = $t->newsctl('import', $evil);
is($rc, 0, 'hostile article imported (it is valid)') or diag $err;
$res = $t->get('/articles/evil');
is($res->{status}, 200, 'hostile article served');
my $page = $res->{content};
unlike($page =~ s{<script type="application/ld\+json">[^<]*</script>}{}r, qr/<script/i,
       'no script element but the JSON-LD data block');
like($page, qr{<script type="application/ld\+json">[^<]*"headline":"\\u003cscript\\u003e}, 'the JSON-LD escapes the title');
unlike($page, qr/<img/i, 'no img element');
unlike($page, qr/javascript:/i, 'no javascript: URL');
unlike($page, qr/<b>Mallory/, 'author escaped');
like($page, qr{<h1>&lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt; &#39;q&#39; &amp; co</h1>}, 'title escaped');
like($page, qr{content="&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;"}, 'subtitle escaped in an attribute');
$res = $t->get('/api/articles/evil');
unlike($res->{content}, qr/<|>/, 'no raw angle brackets in JSON');
$res = $t->get('/');
unlike($res->{content}, qr/<script/i, 'front page: no script element');

# two slugs, updates by re-import
my $upd = NewsTest::json_file('{"slug":"evil","title":"Now harmless","body":"plain"}');
($rc) = $t->newsctl('import', $upd);
is($rc, 0, 're-import of a slug');
like($t->get('/articles/evil')->{content}, qr{<h1>Now harmless</h1>}, 'the same slug is updated');

$t->done;
done_testing;
