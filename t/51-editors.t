# The editors' API: create, update (revisions, "Updated", slug redirects),
# delete; drafts and scheduled articles; sections and tags; bad input.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest qw(api);

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $reader = $t->login('reader1', 'reader');

my $json = '{"title":"Storm hits the coast","subtitle":"Thousands without power","author":"Ann Reporter",'
         . '"section":"World","tags":["Weather","Coast line"],"body":"## What happened\n\nWind. <script>x</script> [bad](javascript:alert(1))"}';
is(api($t, 'POST', '/api/articles', undef, $json)->{status}, 401, 'anonymous: 401');
is(api($t, 'POST', '/api/articles', $reader, $json)->{status}, 403, 'a reader: 403');
my $res = api($t, 'POST', '/api/articles', $ed, $json);
is($res->{status}, 201, 'an editor creates: 201');
like($res->{headers}{location}, qr{/api/articles/storm-hits-the-coast$}, 'Location of the new article');
like($res->{content}, qr/"slug":"storm-hits-the-coast".*"body_html":"\\u003ch2\\u003eWhat happened/, 'the article JSON back');
my $page = $t->get('/articles/storm-hits-the-coast')->{content};
like($page, qr{<h1>Storm hits the coast</h1>}, 'published at once');
unlike($page, qr{<script>x|javascript:}, 'raw HTML and javascript: links dropped');
like($page, qr{<a href="sections/world">World</a>.*<a href="tags/weather">Weather</a>.*<a href="tags/coast-line">Coast line</a>}s, 'links to its section and tags');

# bad input changes nothing
my $before = $t->export;
my @bad = (
    ['{"body":"no title"}', 422, 'no title'],
    ['{"title":"No body"}', 422, 'no body'],
    [$json, 409, 'a duplicate slug'],
    ['{"title":"T","body":"b","published_at":"tomorrow"}', 422, 'a bad date'],
    ['{"title":"T","body":"b","colour":"red"}', 422, 'an unknown field'],
    ['{"title":"T","body":"b","slug":"Bad Slug!"}', 422, 'a bad slug'],
    ['{"title":', 400, 'broken JSON'],
    ['{"title":"T","body":"' . ('x' x 9000) . '"}', 413, 'a body over the limit'],
);
for my $case (@bad) {
    my ($body, $status, $name) = @$case;
    is(api($t, 'POST', '/api/articles', $ed, $body)->{status}, $status, "$name: $status");
}
is(api($t, 'PUT', '/api/articles/storm-hits-the-coast', $reader, '{"title":"Mine","body":"b"}')->{status}, 403, 'a PUT by a reader: 403');
is(api($t, 'PUT', '/api/articles/no-such', $ed, '{"title":"X","body":"b"}')->{status}, 404, 'a PUT of a missing article: 404');
is($t->export, $before, 'the store is unchanged');

# an update: revision, Updated, a new slug with a redirect
sleep 1 while time % 60 > 57;
my $etag = $t->get('/articles/storm-hits-the-coast')->{headers}{etag};
$res = api($t, 'PUT', '/api/articles/storm-hits-the-coast', $ed,
           '{"title":"Storm hits the coast","subtitle":"Power back","section":"World","body":"Corrected.","published_at":"2020-01-01T00:00:00Z"}');
is($res->{status}, 200, 'an editor updates: 200');
$res = $t->get('/articles/storm-hits-the-coast');
like($res->{content}, qr/Corrected\./, 'the new text');
like($res->{content}, qr{ · Updated <time datetime="}, 'shown as updated');
isnt($res->{headers}{etag}, $etag, 'new validators');
$res = api($t, 'GET', '/api/articles/storm-hits-the-coast/revisions', $ed);
like($res->{content}, qr/^\{"revisions":\[\{"version":1,.*"body":"## What happened/s, 'the previous version is kept');
is(api($t, 'GET', '/api/articles/storm-hits-the-coast/revisions', $reader)->{status}, 403, 'revisions are for editors');
is(api($t, 'GET', '/api/articles/no-such-article/revisions', $ed)->{status}, 404,
   'the revisions of no article are a 404, not an error');
$res = api($t, 'PUT', '/api/articles/storm-hits-the-coast', $ed, '{"slug":"storm-update","title":"Storm: update","section":"World","body":"Moved."}');
is($res->{status}, 200, 'a new slug');
$res = $t->get('/articles/storm-hits-the-coast');
is($res->{status}, 301, 'the old URL answers 301');
like($res->{headers}{location}, qr{/articles/storm-update$}, 'to the new one');
is($t->get('/api/articles/storm-hits-the-coast')->{status}, 301, 'in the API too');
like($t->get('/articles/storm-update')->{content}, qr/Moved\./, 'the new URL serves');

# drafts and scheduled articles
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"a-draft","title":"A draft","body":"b","status":"draft"}')->{status}, 201, 'a draft');
is($t->get('/articles/a-draft')->{status}, 404, 'a draft is hidden from readers');
is($t->get('/articles/a-draft', { headers => { Cookie => $reader } })->{status}, 404, 'even logged-in ones');
$res = $t->get('/articles/a-draft', { headers => { Cookie => $ed } });
is($res->{status}, 200, 'an editor sees it');
is($res->{headers}{'cache-control'}, 'private, no-store', 'privately');
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"soon","title":"Soon","body":"b","published_at":"2999-01-01T00:00:00Z"}')->{status}, 201, 'a scheduled article');
is($t->get('/articles/soon')->{status}, 404, 'not shown before its time');
unlike($t->get('/')->{content}, qr/A draft|Soon/, 'neither is on the front page');
unlike($t->get('/feed.xml')->{content}, qr/A draft|Soon/, 'nor in the feed');

# sections and tags
$res = $t->get('/sections/world');
is($res->{status}, 200, 'a section page');
like($res->{content}, qr{<h1>Section: World</h1>.*Storm: update}s, 'lists its articles');
$res = $t->get('/tags/weather');
is($res->{status}, 404, 'a tag the update dropped, with no article left, is not found');
unlike($res->{content}, qr/Weather/, 'and its name is not shown');
is($t->get('/sections/nowhere')->{status}, 404, 'an unknown section: 404');
like($t->get('/sections/world/feed.xml')->{content}, qr{<feed xmlns="http://www.w3.org/2005/Atom">.*Storm: update}s, 'a section feed');
api($t, 'POST', '/api/articles', $ed, '{"slug":"tagged","title":"Tagged","body":"b","tags":["Coast line"]}');
like($t->get('/tags/coast-line')->{content}, qr{<h1>Tag: Coast line</h1>.*Tagged}s, 'a tag page');

# delete
is(api($t, 'DELETE', '/api/articles/storm-update', $reader)->{status}, 403, 'a reader cannot delete');
is(api($t, 'DELETE', '/api/articles/storm-update', $ed)->{status}, 204, 'an editor deletes');
is($t->get('/articles/storm-update')->{status}, 404, 'gone');
unlike($t->get('/sections/world')->{content}, qr/Storm/, 'and from its section');

$t->done;
done_testing;
