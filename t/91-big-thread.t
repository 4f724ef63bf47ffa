# An article of 100,000 comments takes one more, and every comment page
# of it reads, as an article of ten does: a comment writes its own
# thread into its own page (src/engine/publish.c, news_articles_flush),
# never the article's whole thread, and an article takes as many
# comments as its threads hold.  The comments are made by newsctl import
# (25,000 threads of a top comment and three replies: 500 pages).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(workers => 1, db_size => '1g', http => 'news_comment_rate 0;');

my $THREADS = 25_000;
my @c;

for my $i (0 .. $THREADS - 1) {
    my $top = 4 * $i + 1;
    for ([$top, 'null'], [$top + 1, $top], [$top + 2, $top + 1], [$top + 3, $top]) {
        push @c, qq({"id":$_->[0],"parent":$_->[1],"author":"bulk","body":"comment $_->[0]",)
               . qq("created_at":"2025-01-01T00:00:00Z"});
    }
}

is(scalar @c, 100_000, '100,000 comments');
my ($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    qq({"slug":"big","title":"Big","body":"b","comments":[@{[join ',', @c]}]})));
is($rc, 0, 'imported') or diag $err;
@c = ();
$t->run;

my $r = $t->get('/articles/big');
is($r->{status}, 200, 'the article page');
like($r->{content}, qr/100000 comments/, 'counts them all');
like($r->{content}, qr/id="comment-1">.*id="comment-2">.*id="comment-3">/s, 'page 1 holds the first thread');

for my $page (2, 250, 500) {
    my $first = 4 * 50 * ($page - 1) + 1;
    my $res = $t->get("/articles/big?comments=$page");
    is($res->{status}, 200, "comment page $page");
    like($res->{content}, qr/id="comment-$first">/, "holds thread $first");
}

is($t->get('/articles/big?comments=501')->{status}, 404, 'no page 501 yet');

my $reader = $t->login('rita');
sub post {
    my ($body, $parent) = @_;
    my $res = $t->request('POST', '/api/articles/big/comments',
                          { headers => { 'Content-Type' => 'application/json', Cookie => $reader },
                            content => qq({"body":"$body"@{[$parent ? qq(,"parent":$parent) : '']}}) });
    is($res->{status}, 201, "$body: 201") or diag $res->{content};
    return ($res->{content} =~ /"id":(\d+)/)[0];
}

# page 500 holds 50 threads: a new one opens page 501
my $new = post('one more thread');
$r = $t->get('/articles/big?comments=501');
is($r->{status}, 200, 'the new thread opens page 501');
like($r->{content}, qr/id="comment-$new">.*one more thread/s, 'and is on it');
like($r->{content}, qr/rel="prev" href="articles\/big\?comments=500#comments"/, 'linked back to page 500');
like($t->get('/articles/big?comments=500')->{content}, qr/rel="next" href="articles\/big\?comments=501#comments"/,
     'page 500 links on to it');
like($t->get('/articles/big')->{content}, qr/100001 comments/, 'counted');

# a reply goes into its thread's page, under its parent's replies
my $reply = post('a late reply', 1);
$r = $t->get('/articles/big');
like($r->{content}, qr/id="comment-1">.*id="comment-3">.*id="comment-4">.*id="comment-$reply">.*a late reply.*id="comment-5">/s,
     'a reply on page 1 after its parent\'s replies, before the next thread');

# newest first: the new thread leads
$r = $t->get('/articles/big?sort=newest');
like($r->{content}, qr/<ol class="comment-list">\n<li class="comment" id="comment-$new">/, 'newest first leads with it');
$r = $t->get('/articles/big?sort=newest&comments=501');
is($r->{status}, 200, 'the last newest-first page');
like($r->{content}, qr/id="comment-1">/, 'ends with the first thread');

# a thread page of the big article
like($t->get('/articles/big?thread=1')->{content}, qr/a late reply/, 'the thread page has the reply');

$t->done;
done_testing;
