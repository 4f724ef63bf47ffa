# Comments: post, reply, read, edit, delete, moderate; bad input changes
# nothing; 200 concurrent posts to two workers all land.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

# a logged-in session: its cookie header
sub api_post {
    my ($t, $cookie, $path, $json, %h) = @_;
    return $t->request('POST', $path, { headers => { 'Content-Type' => 'application/json',
                                                     ($cookie ? (Cookie => $cookie) : ()), %h },
                                        content => $json });
}

sub csrf_of { my ($t, $cookie) = @_; return $t->csrf_of($cookie, $PAGE) }

sub form_post { my $t = shift; return $t->form_post(@_) }

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_comment_edit_window 15m;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('import', NewsTest::json_file('{"slug":"draft-one","title":"Draft","body":"b","status":"draft"}'));
$t->newsctl('import', NewsTest::json_file('{"slug":"other","title":"Other","body":"b"}'));
$t->run;

# logged out: the seed's own words, and no way to post
my $res = $t->get($PAGE);
like($res->{content}, qr{<h2[^>]*>Comments</h2>\n<p class="no-comments">No comments yet\.</p>\n<p class="comment-login"><a href="login\?next=/articles/$SLUG%23comment-form">Log in to comment</a>},
     'logged out: Comments, No comments yet., Log in to comment');
is(api_post($t, undef, $API, '{"body":"hi"}')->{status}, 401, 'JSON post without login: 401');
is($t->request('POST', "$PAGE/comments", { headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
                                           content => 'body=hi' })->{status}, 403, 'form post without login: 403');

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $mod = $t->login('mod1', 'moderator');
my $editor = $t->login('ed1', 'editor');

# the form for a logged-in reader, and a post through it
$res = $t->get($PAGE, { headers => { Cookie => $alice } });
like($res->{content}, qr{<form class="comment-form" id="comment-form" method="post" action="articles/$SLUG/comments#comment-form">}, 'a comment form when logged in');
like($res->{content}, qr{<label for="comment-body">}, 'with a label');
unlike($res->{content}, qr/Log in to comment/, 'and no login link');
my $csrf = csrf_of($t, $alice);
$res = form_post($t, $alice, "$PAGE/comments", { body => "First!\n\nSecond paragraph, see https://example.org/x.", csrf => $csrf });
is($res->{status}, 303, 'form post: 303');
like($res->{headers}{location}, qr{/articles/$SLUG#comment-1$}, 'back to the article at the comment');
$res = $t->get($PAGE);
like($res->{content}, qr{<li class="comment" id="comment-1">.*class="author">alice</h3>.*<time datetime="[^"]+Z">}s,
     'the comment with author, anchor and time');
like($res->{content}, qr{<p>First!</p>\n<p>Second paragraph, see <a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>\.</p>},
     'paragraphs and a nofollow link');
unlike($res->{content}, qr/No comments yet/, 'no longer "No comments yet."');

# JSON post and replies
$res = api_post($t, $bob, $API, '{"body":"  a reply  ","parent":1}');
is($res->{status}, 201, 'JSON reply: 201');
like($res->{content}, qr/^\{"id":2,"parent":1,"author":"bob","body":"a reply","created_at":"[^"]+","status":"visible"\}$/, 'the comment JSON, trimmed');
api_post($t, $alice, $API, '{"body":"depth 3","parent":2}');
api_post($t, $bob, $API, '{"body":"depth 4","parent":3}');
$res = api_post($t, $alice, $API, '{"body":"depth 5","parent":4}');
is($res->{status}, 422, 'a reply beyond the depth cap: 422');
like($res->{content}, qr/nest at most 4 deep/, 'says why');
$res = $t->get($PAGE);
like($res->{content}, qr{id="comment-1">.*<ol class="replies">\n<li class="comment" id="comment-2">.*<ol class="replies">\n<li class="comment" id="comment-3">}s,
     'replies nested under their parent');

# bad input changes nothing
my $before = $t->export;
my @bad = (
    ['{"body":""}', 422, 'empty'],
    ['{"body":"   \n  "}', 422, 'blank'],
    ['{"body":"' . ('x' x 5001) . '"}', 422, 'over 5000 characters'],
    ['{"body":"a\u0000b"}', 400, 'a NUL byte'],
    ['{"body":"a\u001b[31mb"}', 422, 'a control character'],
    ["{\"body\":\"\xff\xfe\"}", 422, 'invalid UTF-8'],
    ['{"body":"x","parent":999}', 422, 'a forged parent'],
    ['{"body":"x","parent":"1"}', 422, 'a parent that is not a number'],
    ['{"body":"x","colour":"red"}', 422, 'an unknown field'],
    ['{"body":', 400, 'truncated JSON'],
    ['[' x 10000, 413, 'JSON nested 10,000 deep (over the body limit)'],
    ['[' x 2000, 400, 'JSON nested 2,000 deep'],
);
for my $case (@bad) {
    my ($json, $status, $name) = @$case;
    is(api_post($t, $alice, $API, $json)->{status}, $status, "$name: $status");
}
is(api_post($t, $alice, '/api/articles/other/comments', '{"body":"x","parent":1}')->{status}, 422,
   'a parent of another article: 422');
is(api_post($t, $alice, '/api/articles/no-such/comments', '{"body":"x"}')->{status}, 404, 'a missing article: 404');
is(api_post($t, $alice, '/api/articles/draft-one/comments', '{"body":"x"}')->{status}, 404, 'an unpublished article: 404');
is($t->request('POST', $API, { headers => { Cookie => $alice, 'Content-Type' => 'text/plain' },
                               content => '{"body":"x"}' })->{status}, 415, 'a wrong Content-Type: 415');
is(api_post($t, $alice, $API, '{"body":"x"}', Origin => 'http://evil.example')->{status}, 403, 'a foreign Origin: 403');
is(form_post($t, $alice, "$PAGE/comments", { body => 'no token' })->{status}, 403, 'a form without CSRF token: 403');
is(form_post($t, $alice, "$PAGE/comments", { body => 'bad token', csrf => 'ab' x 32 })->{status}, 403, 'a forged CSRF token: 403');
is(form_post($t, $bob, "$PAGE/comments", { body => 'token of another', csrf => $csrf })->{status}, 403, "another reader's token: 403");
$res = $t->request('POST', "$PAGE/comments", { headers => { Cookie => $alice, 'Content-Type' => 'application/x-www-form-urlencoded' },
                                              content => "body=a&body=b&csrf=$csrf" });
is($res->{status}, 400, 'a duplicate form field: 400');
# a refused form comes back as the article, the text kept, the error tied
my $long = 'y' x 5001;
$res = form_post($t, $alice, "$PAGE/comments", { body => $long, csrf => $csrf });
is($res->{status}, 422, 'a form post over the limit: 422');
like($res->{content}, qr{<p class="error" id="comment-error" role="alert">the comment is longer than 5000 characters</p>\n<textarea id="comment-body" name="body" rows="5" aria-invalid="true" aria-describedby="comment-error comment-count" required>y{5001}</textarea>\n<p class="meta" id="comment-count">1 character too many: 5001 of 5000\.</p>},
     'the article again, the text kept, the error tied to it and announced');
like($res->{content}, qr{<h1>US Senator Marco Rubio}, 'on the article page');
$res = form_post($t, $alice, "$PAGE/comments", { body => 'reply to nothing', parent => 999, csrf => $csrf });
is($res->{status}, 422, 'a form reply to a forged parent: 422');
like($res->{content}, qr{role="alert">the comment replied to does not exist</p>.*>reply to nothing</textarea>}s,
     'said at the form, the text kept');
is($t->export, $before, 'the store is unchanged by all of that');

# script payloads are shown inert
api_post($t, $bob, $API, '{"body":"<script>alert(1)</script> <img src=x onerror=alert(2)> javascript:alert(3) <svg onload=alert(4)>"}');
$res = $t->get($PAGE);
my ($section) = $res->{content} =~ m{(<section class="comments".*</section>)}s;
unlike($section, qr/<script|<img|<svg/i, 'no markup from a comment reaches the page');
like($res->{content}, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'it is shown as text');

# edits and deletions
my $edited = $t->request('PATCH', '/api/comments/1', { headers => { Cookie => $alice, 'Content-Type' => 'application/json' },
                                                        content => '{"body":"First, edited"}' });
is($edited->{status}, 204, 'the author edits within the window');
like($t->get($PAGE)->{content}, qr/id="comment-1">.*edited.*First, edited/s, 'shown edited');
is($t->request('PATCH', '/api/comments/1', { headers => { Cookie => $bob, 'Content-Type' => 'application/json' },
                                             content => '{"body":"hijack"}' })->{status}, 403, 'not by someone else');
is($t->request('DELETE', '/api/comments/2', { headers => { Cookie => $alice } })->{status}, 403, "nor deleted by someone else");
is($t->request('PATCH', '/api/comments/2', { headers => { Cookie => $bob, 'Content-Type' => 'application/json' },
                                             content => '{"status":"hidden"}' })->{status}, 403, 'readers cannot hide');
is($t->request('PATCH', '/api/comments/5', { headers => { Cookie => $mod, 'Content-Type' => 'application/json' },
                                             content => '{"status":"hidden"}' })->{status}, 204, 'a moderator hides');
unlike($t->get($PAGE)->{content}, qr/id="comment-5"/, 'hidden: gone from the page');
is($t->request('PATCH', '/api/comments/5', { headers => { Cookie => $mod, 'Content-Type' => 'application/json' },
                                             content => '{"status":"visible"}' })->{status}, 204, 'and unhides');
like($t->get($PAGE)->{content}, qr/id="comment-5"/, 'back on the page');
is($t->request('DELETE', '/api/comments/1', { headers => { Cookie => $alice } })->{status}, 204, 'the author deletes');
$res = $t->get($PAGE);
like($res->{content}, qr{<li class="comment" id="comment-1">\n<p class="meta">\[deleted\]</p>\n<ol class="replies">}, 'a deleted comment with replies leaves [deleted]');
unlike($res->{content}, qr/First, edited/, 'its words are gone');
is(api_post($t, $bob, $API, '{"body":"x","parent":1}')->{status}, 422, 'a reply to a deleted comment: 422');

# the HTML edit form of the author's recent comments
$res = $t->get($PAGE, { headers => { Cookie => $bob } });
like($res->{content}, qr{<a href="articles/$SLUG\?edit=2#comment-2">Edit<span class="vh"> your comment</span></a>}, 'Edit under own recent comments');
$res = $t->get("$PAGE?edit=2", { headers => { Cookie => $bob } });
like($res->{content}, qr{<form class="comment-edit" method="post" action="articles/$SLUG/comments/action">}, 'its edit form');
my $bcsrf = csrf_of($t, $bob);
$res = form_post($t, $bob, "$PAGE/comments/action", { id => 2, action => 'edit', body => 'reply, edited by form', csrf => $bcsrf });
is($res->{status}, 303, 'form edit: 303');
like($t->get($PAGE)->{content}, qr/reply, edited by form/, 'the form edit shows');

# counts and the API
$res = $t->get("/api/articles/$SLUG");
like($res->{content}, qr/"comment_count":4/, 'the article JSON counts visible comments');
like($t->get('/')->{content}, qr/4 comments/, 'the front page shows the count');
$res = $t->get("$API?limit=2");
like($res->{content}, qr/^\{"comments":\[\{"id":2,"parent":1,.*\],"next":"[0-9a-f]{48}"\}$/, 'the API lists, oldest first, with a cursor');
my ($next) = $res->{content} =~ /"next":"([0-9a-f]+)"/;
$res = $t->get("$API?cursor=$next");
like($res->{content}, qr/"id":4.*"next":null/, 'and the next page');
is($t->get("$API?cursor=zz")->{status}, 400, 'a bad cursor: 400');

# closed comments
is(api_post($t, $bob, "/api/articles/$SLUG/comments/close", '')->{status}, 403, 'a reader cannot close comments');
is(api_post($t, $editor, "/api/articles/$SLUG/comments/close", '')->{status}, 204, 'an editor closes comments');
is(api_post($t, $bob, $API, '{"body":"too late"}')->{status}, 403, 'posting to closed comments: 403');
like($t->get($PAGE, { headers => { Cookie => $bob } })->{content}, qr/Comments are closed\./, 'the page says so');
is(api_post($t, $editor, "/api/articles/$SLUG/comments/open", '')->{status}, 204, 'and reopens them');

# a long thread is paged
my @many = map { qq({"id":@{[1000 + $_]},"author":"bulk","body":"bulk comment $_","created_at":"2025-01-01T00:00:00Z"}) } 1 .. 60;
my $long_thread = NewsTest::json_file(qq({"slug":"long-thread","title":"Long thread","body":"b","comments":[@{[join ',', @many]}]}));
my ($rc, undef, $err) = $t->newsctl('import', $long_thread);
is($rc, 0, 'import an article with 60 comments') or diag $err;
$res = $t->get('/articles/long-thread');
like($res->{content}, qr/bulk comment 50</, 'page 1 holds 50 threads');
unlike($res->{content}, qr/bulk comment 51</, 'not the 51st');
like($res->{content}, qr{<a rel="next" href="articles/long-thread\?comments=2#comments">}, 'a link to the next page');
$res = $t->get('/articles/long-thread?comments=2');
like($res->{content}, qr/bulk comment 51<.*bulk comment 60</s, 'page 2 holds the rest');
is($t->get('/articles/long-thread?comments=3')->{status}, 404, 'past the last page: 404');
is($t->get("/api/articles/long-thread/comments?cursor=$next")->{status}, 400,
   "a cursor of another article's comments: 400");

# export holds the comments, and import takes them back
my $export = $t->export;
like($export, qr/"body":\s*"bulk comment 60"/, 'export includes comments');
my $t2 = NewsTest->new;
($rc, undef, $err) = $t2->newsctl('import', NewsTest::json_file($export));
is($rc, 0, 'the export imports') or diag $err;
is($t2->export, $export, 'and exports the same');

$t->done;

# premoderation and the posting rate
my $p = NewsTest->new(http => 'news_comment_premoderation on; news_comment_rate 2;');
$p->newsctl('import', 'demo/seed-article.json');
$p->run;
my $carol = $p->login('carol');
my $pm = $p->login('pmod', 'moderator');
$res = api_post($p, $carol, $API, '{"body":"held for approval"}');
is($res->{status}, 201, 'premoderated post: 201');
like($res->{content}, qr/"status":"pending"/, 'pending');
unlike($p->get($PAGE)->{content}, qr/held for approval/, 'not shown before approval');
is($p->get('/moderation', { headers => { Cookie => $carol } })->{status}, 403, 'the queue is for moderators');
$res = $p->get('/moderation', { headers => { Cookie => $pm } });
like($res->{content}, qr/held for approval/, 'the moderation queue lists it');
my ($mcsrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
$res = form_post($p, $pm, '/moderation', { id => 1, action => 'approve', csrf => $mcsrf });
is($res->{status}, 303, 'approve: 303');
like($p->get($PAGE)->{content}, qr/held for approval/, 'shown after approval');
api_post($p, $carol, $API, '{"body":"second"}');
$res = api_post($p, $carol, $API, '{"body":"third"}');
is($res->{status}, 429, 'the third post within a minute: 429');
like($res->{headers}{'retry-after'} // '', qr/^[1-9]\d*$/, 'with Retry-After');
$p->done;

# 200 comments from 4 clients into 2 workers: all land, counted
my $w = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
$w->newsctl('import', 'demo/seed-article.json');
$w->run;
my @cookies = map { $w->login("poster$_") } 1 .. 4;
my @kids;
for my $k (0 .. 3) {
    my $pid = fork // die;
    if ($pid == 0) {
        my $bad = 0;
        for my $i (1 .. 50) {
            my $r = api_post($w, $cookies[$k], $API, qq({"body":"c$k-$i"}));
            $bad++ if $r->{status} != 201;
        }
        exit($bad ? 1 : 0);
    }
    push @kids, $pid;
}
my $failed = 0;
for (@kids) { waitpid($_, 0); $failed++ if $? }
is($failed, 0, 'all 200 concurrent posts answered 201');
my $all = $w->export;
my $n = () = $all =~ /"body":\s*"c\d-\d+"/g;
is($n, 200, 'all 200 are in the store');
like($w->get("/api/articles/$SLUG")->{content}, qr/"comment_count":200/, 'and counted');
$w->done;

done_testing;
