# An article's comments as Atom (issue 16): /articles/{slug}/comments.xml
# holds its latest visible comments, newest first (no held, hidden or
# deleted one), each escaped, the feed well-formed and shaped as
# t/50-feeds.t checks the site's feed; the article page's validators
# (a comment changes them, a 304 before an entry is read) and its
# surrogate key; nothing for a draft, a scheduled or a missing article.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $API = "/api/articles/$SLUG/comments";
my $FEED = "/articles/$SLUG/comments.xml";

sub well_formed { return NewsTest::well_formed(@_) }

my $t = NewsTest->new(http => 'news_site_name "Feeds & Co"; news_comment_rate 0; '
                              . 'news_base_url https://news.example.com/;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('import', NewsTest::json_file('[{"slug":"later","title":"Later","body":"b",'
                                          . '"published_at":"2999-01-01T00:00:00Z"},'
                                          . '{"slug":"a-draft","title":"Draft","body":"b","status":"draft"},'
                                          . '{"slug":"quiet","title":"Quiet <one>","body":"b"}]'));
$t->run;

my $alice = $t->login('alice');
my $mod = $t->login('mod1', 'moderator');

sub post {
    my ($text) = @_;
    my ($id) = $t->json('POST', $alice, $API, $text)->{content} =~ /"id":(\d+)/;
    return $id;
}

my $first = post('{"body":"the first <b>word</b> & \"more\""}');
my $second = post('{"body":"a second one\n\nwith https://example.org/x a link"}');
my $hidden = post('{"body":"a comment soon hidden"}');
is($t->json('PATCH', $mod, "/api/comments/$hidden", '{"status":"hidden"}')->{status}, 204, 'one is hidden');

my $r = $t->get($FEED);
is($r->{status}, 200, 'the comments feed');
like($r->{headers}{'content-type'}, qr{^application/atom\+xml}, 'as Atom');
my $feed = $r->{content};
well_formed($feed, 'the comments feed');
like($feed, qr{<feed xmlns="http://www.w3.org/2005/Atom">}, 'an Atom feed');
like($feed, qr{<title>Comments on US Senator Marco Rubio Confirmed for Key Security Talks in Mexico</title>},
     'titled after the article');
like($feed, qr{<link rel="self" type="application/atom\+xml" href="https://news\.example\.com$FEED"/>},
     'an absolute self link');
like($feed, qr{<id>https://news\.example\.com$FEED</id>}, 'its id');
like($feed, qr{<updated>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</updated>}, 'updated');
like($feed, qr{<author><name>Feeds &amp; Co</name></author>}, 'the site as its author, escaped');
my @entries = $feed =~ /<entry>/g;
is(scalar @entries, 2, 'visible comments only');
unlike($feed, qr/soon hidden/, 'no hidden comment');
like($feed, qr{<entry>\n<title>Comment by alice</title>\n<link rel="alternate" type="text/html" href="https://news\.example\.com/articles/$SLUG#comment-$second"/>\n<id>https://news\.example\.com/articles/$SLUG#comment-$second</id>.*<entry>\n<title>Comment by alice</title>.*#comment-$first"/>}s,
     'newest first, with absolute links to each comment');
like($feed, qr{<content type="html">&lt;p&gt;the first &amp;lt;b&amp;gt;word&amp;lt;/b&amp;gt; &amp;amp; &amp;quot;more&amp;quot;&lt;/p&gt;},
     'a comment\'s text escaped twice: as the page shows it, then into the XML');
unlike($feed, qr/<b>/, 'no markup from a reader');
like($feed, qr{&lt;a href=&quot;https://example\.org/x&quot;}, 'links as the page makes them');

# the validators
my $etag = $r->{headers}{etag};
ok($etag, 'an ETag');
like($r->{headers}{'surrogate-key'} // '', qr/^article-\d+$/, 'the article\'s surrogate key');
is($t->get($FEED, { headers => { 'If-None-Match' => $etag } })->{status}, 304, 'a 304 while nothing changes');
my $third = post('{"body":"a third comment"}');
$r = $t->get($FEED, { headers => { 'If-None-Match' => $etag } });
is($r->{status}, 200, 'a new comment changes it');
like($r->{content}, qr{<entry>\n<title>Comment by alice</title>\n<link[^>]*#comment-$third"}, 'on top');

# nothing for what readers cannot see
$r = $t->get('/articles/quiet/comments.xml');
is($r->{status}, 200, 'an article without comments has a feed');
well_formed($r->{content}, 'the empty feed');
like($r->{content}, qr{<title>Comments on Quiet &lt;one&gt;</title>}, 'its title escaped');
unlike($r->{content}, qr/<entry>/, 'and no entry');
is($t->get('/articles/later/comments.xml')->{status}, 404, 'a scheduled article: 404');
is($t->get('/articles/a-draft/comments.xml')->{status}, 404, 'a draft: 404');
is($t->get('/articles/nothing-here/comments.xml')->{status}, 404, 'no article: 404');
is($t->request('POST', $FEED)->{status}, 405, 'POST: 405');

$t->done;
done_testing;
