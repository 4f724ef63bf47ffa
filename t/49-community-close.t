# news_comment_close_after (issue 16): an article's comments close by
# themselves that long after its publication, with no write at that
# moment (as a scheduled article falls due): the page says "Comments are
# closed" in place of the form, posts by form and by JSON get 403 saying
# so, the page's ETag changes when they close and shared caches keep it
# no longer than until then.  An editor's own closing still holds, and
# `off` and bad values of the directive are checked by nginx -t.
use strict;
use warnings;
use Test::More;
use POSIX qw(strftime);
use lib 't/lib';
use NewsTest;

my $WINDOW = 8;         # seconds: news_comment_close_after 8s

sub rfc3339 { return strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $_[0]) }

# the directive's values
my $c = NewsTest->new(http => 'news_comment_close_after 0;');
my ($ok, $err) = $c->conf_test;
ok(!$ok, 'news_comment_close_after 0 fails nginx -t');
like($err, qr/"news_comment_close_after" takes a time of a second or more/, 'naming the directive');
$c = NewsTest->new(http => 'news_comment_close_after soon;');
($ok, $err) = $c->conf_test;
ok(!$ok, 'a value that is not a time fails nginx -t');
$c = NewsTest->new(http => 'news_comment_close_after off;');
($ok, $err) = $c->conf_test;
ok($ok, 'off is taken') or diag $err;

my $t = NewsTest->new(workers => 2, http => "news_comment_rate 0; news_comment_close_after ${WINDOW}s; "
                                           . 'news_cache_max_age 600s;');
my $now = time;
$t->newsctl('import', NewsTest::json_file(qq([
  {"slug":"old","title":"Old news","body":"long ago","published_at":"2020-01-01T00:00:00Z"},
  {"slug":"fresh","title":"Fresh news","body":"just now","published_at":") . rfc3339($now - 1) . qq("},
  {"slug":"closing","title":"Closing soon","body":"a moment ago","published_at":") . rfc3339($now - 2) . qq("}
])));
$t->run;

my $alice = $t->login('alice');
my $ed = $t->login('ed1', 'editor');

sub comment {
    my ($slug, $text) = @_;
    return $t->json('POST', $alice, "/api/articles/$slug/comments", qq({"body":"$text"}));
}

# an article older than the window: closed from the start
my $r = comment('old', 'too late');
is($r->{status}, 403, 'an article older than the window takes no comment');
like($r->{content}, qr/comments are closed on this article/, 'saying so');
my $csrf = $t->csrf_of($alice, '/articles/old');
$r = $t->form_post($alice, '/articles/old/comments', { body => 'too late by form', csrf => $csrf });
is($r->{status}, 403, 'nor by form');
like($r->{content}, qr/<p class="comments-closed">Comments are closed\./, 'the page says so in place of the form');
my $page = $t->get('/articles/old', { headers => { Cookie => $alice } })->{content};
like($page, qr/Comments are closed\./, 'the page says comments are closed');
unlike($page, qr/<textarea/, 'and has no form');
like($t->get('/articles/old')->{content}, qr/Comments are closed\./, 'to anyone');

# a fresh one: open, and closing by itself later
is(comment('fresh', 'in time')->{status}, 201, 'a fresh article takes comments');
$r = $t->get('/articles/closing');
like($r->{content}, qr/Log in to comment/, 'an article inside its window offers the login');
my $etag = $r->{headers}{etag};
my ($smax) = ($r->{headers}{'cache-control'} // '') =~ /s-maxage=(\d+)/;
ok(defined $smax && $smax <= $WINDOW, "shared caches keep it no longer than until it closes (s-maxage=$smax)");
is($t->get('/articles/closing', { headers => { 'If-None-Match' => $etag } })->{status}, 304,
   'its ETag holds while nothing changes');

# the window ends: nothing is written, and everything says so
my $closes = $now - 2 + $WINDOW;
sleep 1 while time <= $closes;
$r = $t->get('/articles/closing');
like($r->{content}, qr/Comments are closed\./, 'once the window has passed the page says comments are closed');
unlike($r->{content}, qr/Log in to comment/, 'the login link is gone');
isnt($r->{headers}{etag}, $etag, 'the ETag changed without a write');
is($t->get('/articles/closing', { headers => { 'If-None-Match' => $etag } })->{status}, 200,
   'the old ETag gets the new page');
is($t->get('/articles/closing', { headers => { 'If-None-Match' => $r->{headers}{etag} } })->{status}, 304,
   'the new one a 304');
$r = comment('closing', 'just too late');
is($r->{status}, 403, 'a post after the window: 403');
like($r->{content}, qr/comments are closed on this article/, 'saying so');
$page = $t->get('/articles/closing', { headers => { Cookie => $alice } })->{content};
unlike($page, qr/<textarea/, 'the form is gone');

# an editor's reopening does not reopen one past its window
is($t->json('POST', $ed, '/api/articles/old/comments/open', '{}')->{status}, 204, 'an editor "reopens" an old one');
is(comment('old', 'still too late')->{status}, 403, 'its window has still passed');

my ($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check: the store is whole') or diag $out;

$t->done;
done_testing;
