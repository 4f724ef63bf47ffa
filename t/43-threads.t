# One thread cannot grow an article page without bound: an article page
# shows the first 10 replies of a thread and links to the thread's own
# page for the rest; a thread takes at most 200 replies, then a clear
# 403; an article takes any number of threads.  A thread with nothing to
# show, or asked for at a former address, is answered as such.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0;');

sub comment {
    my ($id, $parent, $body) = @_;
    return qq({"id":$id,"parent":@{[$parent // 'null']},"author":"bulk","body":"$body",)
         . qq("created_at":"2025-01-01T00:00:00Z"});
}

# thread 1: 30 replies (some nested), thread 100: 3 replies
my @c = (comment(1, undef, 'top one'));
push @c, comment(1 + $_, $_ % 3 ? 1 : $_, "reply $_") for 1 .. 30;
push @c, comment(100, undef, 'top two'), map { comment(100 + $_, 100, "small $_") } 1 .. 3;
my ($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    qq({"slug":"talk","title":"Talk & more","body":"b","comments":[@{[join ',', @c]}]})));
is($rc, 0, 'import two threads') or diag $err;
$t->newsctl('import', NewsTest::json_file('{"slug":"elsewhere","title":"Elsewhere","body":"b"}'));
$t->run;

my $page = $t->get('/articles/talk')->{content};
my @shown = $page =~ /<li class="comment" id="comment-(\d+)">/g;
is(scalar(grep { $_ > 1 && $_ <= 31 } @shown), 10, 'the long thread shows 10 of its 30 replies');
is(scalar(grep { $_ > 100 } @shown), 3, 'the short one shows all 3');
like($page, qr{<p class="more-replies"><a href="articles/talk\?thread=1#comment-1">20 more replies in this thread</a></p>},
     'and a link to the rest');
unlike($page, qr/thread=100/, 'no link under a short thread');

my $res = $t->get('/articles/talk?thread=1');
is($res->{status}, 200, 'the thread page: 200');
my @all = $res->{content} =~ /<li class="comment" id="comment-(\d+)">/g;
is(scalar @all, 31, 'holds the top comment and all 30 replies');
like($res->{content}, qr{<h1>A thread on <a href="articles/talk">Talk &amp; more</a></h1>}, 'named after its article');
like($res->{content}, qr/reply 30</, 'the last reply too');
unlike($res->{content}, qr/top two/, 'and no other thread');
like($res->{headers}{etag} // '', qr/./, 'with an ETag');
is($t->get('/articles/talk?thread=2')->{status}, 404, 'a reply is not a thread: 404');
is($t->get('/articles/talk?thread=999')->{status}, 404, 'a missing thread: 404');
is($t->get('/articles/elsewhere?thread=1')->{status}, 404, "another article's thread: 404");
is($t->get('/articles/talk?thread=x')->{status}, 400, 'a thread that is not a number: 400');
is($t->get('/articles/nothing?thread=1')->{status}, 404, 'a missing article: 404');

# a thread whose top comment is not shown (held for moderation, no
# replies): no thread to show, 404; a thread asked for under an
# article's former address: moved, 301
($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    '{"slug":"held","title":"Held","body":"b","comments":[{"id":300,"author":"bulk","body":"waiting",'
  . '"status":"pending","created_at":"2025-01-01T00:00:00Z"}]}'));
is($rc, 0, 'import an article whose one comment is held') or diag $err;
$res = $t->get('/articles/held?thread=300');
is($res->{status}, 404, 'the thread of a held comment: 404');
like($res->{content}, qr/There is no such thread here/, 'says so');
my $ed = $t->login('ed0', 'editor');
is($t->request('PATCH', '/api/articles/elsewhere', { headers => { 'Content-Type' => 'application/json', Cookie => $ed },
                                                       content => '{"slug":"elsewhere-now"}' })->{status},
   200, 'an article given a new address');
$res = $t->get('/articles/elsewhere?thread=1');
is($res->{status}, 301, 'a thread under its former address: 301');
like($res->{headers}{location} // '', qr{/articles/elsewhere-now\b}, 'to the new one');

# budgets
my $reader = $t->login('rita');
sub reply {
    my ($slug, $parent, $body) = @_;
    return $t->request('POST', "/api/articles/$slug/comments",
                       { headers => { 'Content-Type' => 'application/json', Cookie => $reader },
                         content => qq({"body":"$body"@{[defined $parent ? qq(,"parent":$parent) : '']}}) });
}
my @full = (comment(1000, undef, 'crowded'));
push @full, comment(1000 + $_, 1000, "r$_") for 1 .. 199;
($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    qq({"slug":"crowded","title":"Crowded","body":"b","comments":[@{[join ',', @full]}]})));
is($rc, 0, 'import a thread of 199 replies') or diag $err;
is(reply('crowded', 1000, 'the 200th')->{status}, 201, 'the 200th reply: 201');
$res = reply('crowded', 1150, 'one too many');
is($res->{status}, 403, 'the 201st, even deeper in the thread: 403');
like($res->{content}, qr/this thread has taken all the replies it can \(200\): start a new one/, 'says why');
is(reply('crowded', undef, 'a new thread')->{status}, 201, 'a new thread on the article: 201');

# an article takes any number of threads (once 5000): its 5001st comment
my @many = map { comment(10000 + $_, undef, "c$_") } 1 .. 5000;
($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    qq({"slug":"packed","title":"Packed","body":"b","comments":[@{[join ',', @many]}]})));
is($rc, 0, 'import an article of 5000 comments') or diag $err;
is(reply('packed', undef, 'the 5001st')->{status}, 201, 'the 5001st comment: 201');
like($t->get('/articles/packed?comments=101')->{content}, qr/the 5001st/, 'on page 101');

# an article whose comments are followed by another article's
my $editor = $t->login('ed1', 'editor');
is($t->request('DELETE', '/api/articles/talk', { headers => { Cookie => $editor } })->{status}, 204,
   'delete an article with comments that is not the last to have some: 204');
is($t->get('/articles/talk?thread=1')->{status}, 404, 'its threads are gone');
like($t->get('/articles/crowded')->{content}, qr/crowded/, "the next article's comments stay");

my ($crc, $cout, $cerr) = $t->newsctl('check');
is($crc, 0, 'newsctl check: the queue and thread indexes agree with the comments') or diag "$cout$cerr";
$t->done;
done_testing;
