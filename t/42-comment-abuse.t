# Comments under abuse: a reader learns nothing of comments they may not
# see (hidden, pending, deleted, elsewhere, missing: one answer); an
# approved comment edited under premoderation goes back to the queue; the
# moderation queue is paged from its own index.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 1, http => 'news_comment_premoderation on; news_comment_rate 0; '
                                           . 'news_comment_edit_window 15m;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('import', NewsTest::json_file('{"slug":"other","title":"Other","body":"b"}'));
$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $mod = $t->login('mod1', 'moderator');

sub json_req { return $t->json(@_) }

sub post {
    my ($cookie, $path, $body) = @_;
    my $r = json_req('POST', $cookie, $path, $body);
    my ($id) = $r->{content} =~ /^\{"id":(\d+)/;
    return $id;
}

sub set_status {
    my ($id, $status) = @_;
    return json_req('PATCH', $mod, "/api/comments/$id", qq({"status":"$status"}))->{status};
}

sub csrf_of { return $t->csrf_of(@_) }

sub form_post { return $t->form_post(@_) }

# one comment in every state a reader may not see, and one they may
my $visible = post($alice, $API, '{"body":"visible one"}');
is(set_status($visible, 'visible'), 204, 'a moderator approves');
my $hidden = post($alice, $API, '{"body":"hidden one"}');
set_status($hidden, 'visible');
set_status($hidden, 'hidden');
my $pending = post($alice, $API, '{"body":"pending one"}');
my $deleted = post($alice, $API, '{"body":"deleted one"}');
set_status($deleted, 'visible');
is(json_req('DELETE', $alice, "/api/comments/$deleted")->{status}, 204, 'its author deletes one');
my $elsewhere = post($alice, '/api/articles/other/comments', '{"body":"on another article"}');
set_status($elsewhere, 'visible');
$t->newsctl('import', NewsTest::json_file(
    '{"slug":"drafted","title":"Drafted","body":"b","status":"draft","comments":'
    . '[{"id":900,"author":"alice","body":"on a draft","created_at":"2025-01-01T00:00:00Z"}]}'));
my $missing = 999_999;

my %unseen = (hidden => $hidden, pending => $pending, deleted => $deleted,
              'on a draft' => 900, missing => $missing);
my (%patch, %del, %reply);
for my $what (sort keys %unseen) {
    my $id = $unseen{$what};
    my $r = json_req('PATCH', $bob, "/api/comments/$id", '{"body":"mine now"}');
    $patch{"$r->{status} $r->{content}"}{$what} = 1;
    $r = json_req('DELETE', $bob, "/api/comments/$id");
    $del{"$r->{status} $r->{content}"}{$what} = 1;
}
for my $what (sort(keys %unseen), 'elsewhere') {
    my $id = $what eq 'elsewhere' ? $elsewhere : $unseen{$what};
    my $r = json_req('POST', $bob, $API, qq({"body":"a reply","parent":$id}));
    $reply{"$r->{status} $r->{content}"}{$what} = 1;
}
is_deeply([keys %patch], [qq(404 {"error":{"code":"not_found","message":"no such comment"}}\n)],
          'PATCH: hidden, pending, deleted, on a draft and missing are one 404') or diag explain \%patch;
is_deeply([keys %del], [qq(404 {"error":{"code":"not_found","message":"no such comment"}}\n)],
          'DELETE: the same one 404') or diag explain \%del;
is_deeply([keys %reply], [qq(422 {"error":{"code":"invalid","message":"the comment replied to does not exist"}}\n)],
          'a reply to any of them or to another article\'s comment: one 422') or diag explain \%reply;
like(json_req('PATCH', $bob, "/api/comments/$visible", '{"body":"mine now"}')->{content}, qr/not your comment/,
     'a comment the reader can see may be named as not theirs');

# a form on this article naming a comment of another article, or none
my $csrf = csrf_of($bob, $PAGE);
my $far = form_post($bob, "$PAGE/comments/action", { id => $elsewhere, action => 'delete', csrf => $csrf });
my $none = form_post($bob, "$PAGE/comments/action", { id => $missing, action => 'delete', csrf => $csrf });
is($far->{status}, 404, "a form naming another article's comment: 404");
is($none->{status}, $far->{status}, 'as for a missing one');
my ($far_msg) = $far->{content} =~ m{<main[^>]*>(.*)</main>}s;
my ($none_msg) = $none->{content} =~ m{<main[^>]*>(.*)</main>}s;
is($far_msg, $none_msg, 'with the same words');

# an author still sees their own comment's state
like(json_req('PATCH', $alice, "/api/comments/$pending", '{"body":"pending, edited"}')->{status}, qr/^204$/,
     'the author edits their pending comment');

# premoderation: an approved comment edited goes back to the queue
my $approved = post($alice, $API, '{"body":"an innocent remark"}');
set_status($approved, 'visible');
like($t->get($PAGE)->{content}, qr/an innocent remark/, 'approved: public');
is(json_req('PATCH', $alice, "/api/comments/$approved", '{"body":"BUY CHEAP PILLS"}')->{status}, 204,
   'its author edits it');
my $page = $t->get($PAGE)->{content};
unlike($page, qr/BUY CHEAP PILLS/, 'the edit is not public');
unlike($page, qr/id="comment-$approved"/, 'nor is the comment: it waits for approval again');
like($t->get('/moderation', { headers => { Cookie => $mod } })->{content}, qr/BUY CHEAP PILLS/,
     'it is in the moderation queue');
like($t->get("$API")->{content}, qr/^(?!.*BUY CHEAP PILLS)/s, 'and not in the API list');
is(set_status($approved, 'visible'), 204, 'approved again');
like($t->get($PAGE)->{content}, qr/BUY CHEAP PILLS/, 'now public');
# the same through the edit form
$csrf = csrf_of($alice, $PAGE);
is(form_post($alice, "$PAGE/comments/action", { id => $approved, action => 'edit', body => 'edited by form',
                                               csrf => $csrf })->{status}, 303, 'an edit by form');
unlike($t->get($PAGE)->{content}, qr/edited by form/, 'waits for approval too');

# the queue is paged from its own index: 120 more pending comments
my @many = map { qq({"id":@{[5000 + $_]},"author":"bulk","body":"held $_","status":"pending",)
                 . qq("created_at":"2025-01-01T00:00:@{[sprintf '%02d', $_ % 60]}Z"}) } 1 .. 120;
my ($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file(
    qq({"slug":"queued","title":"Queued","body":"b","comments":[@{[join ',', @many]}]})));
is($rc, 0, 'import 120 pending comments') or diag $err;
my ($stats) = ($t->newsctl('stats'))[1];
my ($indexed) = $stats =~ /^pending\s+(\d+)/m;
is($indexed, 122, 'the pending index holds the 122 pending comments');

my (%seen, @sizes);
my $url = '/moderation';
for (1 .. 5) {
    my $res = $t->get($url, { headers => { Cookie => $mod } });
    is($res->{status}, 200, "queue page $url: 200");
    my @ids = $res->{content} =~ /<li class="comment" id="comment-(\d+)">/g;
    push @sizes, scalar @ids;
    $seen{$_}++ for @ids;
    my ($next) = $res->{content} =~ m{<a rel="next" href="(moderation\?after=[0-9a-f]+)">};
    last unless $next;
    $url = "/$next";
}
is_deeply(\@sizes, [50, 50, 22], 'pages of 50, the last holding the rest');
is(scalar(keys %seen), 122, 'every pending comment once');
is(scalar(grep { $_ > 1 } values %seen), 0, 'none twice');
is($t->get('/moderation?after=zz', { headers => { Cookie => $mod } })->{status}, 400, 'a forged queue link: 400');
is(set_status(5001, 'visible'), 204, 'approve one from the queue');
($stats) = ($t->newsctl('stats'))[1];
like($stats, qr/^pending\s+121$/m, 'it leaves the index');
is($t->request('DELETE', '/api/articles/queued', { headers => { Cookie => $t->login('ed1', 'editor') } })->{status},
   204, 'delete the article of 119 of them');
($stats) = ($t->newsctl('stats'))[1];
like($stats, qr/^pending\s+2$/m, 'they leave the index with it');

my ($crc, $cout, $cerr) = $t->newsctl('check');
is($crc, 0, 'newsctl check: the queue and thread indexes agree with the comments') or diag "$cout$cerr";
$t->done;

# the author's edit forms come from a bounded look at her own latest
# comments (her entries in the author index, at most 64, the page offering
# the newest 5), not from every comment of the edit window: others' later
# comments never push hers out; five later ones of her own do
my $b = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_comment_edit_window 15m;');
$b->newsctl('import', 'demo/seed-article.json');
$b->run;
my $ann = $b->login('ann');
my $ben = $b->login('ben');
my $post = sub {
    my ($cookie, $body) = @_;
    return $b->request('POST', $API, { headers => { 'Content-Type' => 'application/json', Cookie => $cookie },
                                       content => qq({"body":"$body"}) })->{status};
};
is($post->($ann, 'ann was here'), 201, 'ann posts');
like($b->get($PAGE, { headers => { Cookie => $ann } })->{content}, qr/ann was here.*?<p class="actions own">Editable until/s,
     'her Edit is offered');
$post->($ben, "ben $_") for 1 .. 64;
like($b->get($PAGE, { headers => { Cookie => $ann } })->{content}, qr{\?edit=1#comment-1},
     '64 later comments by others: still offered');
$post->($ann, "ann again $_") for 1 .. 5;
unlike($b->get($PAGE, { headers => { Cookie => $ann } })->{content}, qr{\?edit=1#comment-1},
       'five later ones of her own: the first is no longer offered');
# threads 51 to 70 are on the second comment page, hers at its end
my $own = $b->get("$PAGE?comments=2", { headers => { Cookie => $ann } })->{content};
is(join(' ', $own =~ /\?edit=(\d+)#/g), '66 67 68 69 70', 'her newest five are');
is($b->request('PATCH', '/api/comments/1', { headers => { 'Content-Type' => 'application/json', Cookie => $ann },
                                             content => '{"body":"ann, edited"}' })->{status}, 204,
   'she can still edit it through the API');
$b->done;

done_testing;
