# Editors' picks and the comments' order (issue 16).  Editors (and admins)
# feature a comment by JSON (POST and DELETE /api/comments/{id}/featured)
# or by the Feature button beside the moderation buttons (CSRF, back at
# #comment-N); readers and moderators get 403; a hidden, held or deleted
# comment, a second pick and an article's 11th are refused with 409.  The
# picks show above the thread, labelled, for everyone, in the very next
# read; a pick that is hidden, deleted or unfeatured leaves the block, an
# edit shows in it; each pick is in the moderation log; the JSON says
# which comments are featured.  ?sort=newest orders the top-level threads
# newest first on the article page, its later pages and the JSON list
# (replies under their parents as ever); the pager keeps the order, each
# order has its own ETag, the canonical link names the plain page, a bad
# order is 400; newsctl check stays clean and a deleted article leaves
# nothing behind.
use strict;
use warnings;
use Test::More;
use JSON::PP qw(decode_json);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 1,
                      http => 'news_comment_rate 0; news_comment_edit_window 1h;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $mod = $t->login('mod1', 'moderator');
my $ed = $t->login('ed1', 'editor');
my $admin = $t->login('root1', 'admin');

sub post {
    my ($cookie, $text, $parent, $api) = @_;
    my $body = defined $parent ? qq({"body":"$text","parent":$parent}) : qq({"body":"$text"});
    my $r = $t->json('POST', $cookie, $api // $API, $body);
    my ($id) = $r->{content} =~ /"id":(\d+)/;
    return $id;
}

sub feature { return $t->json('POST', $_[0], "/api/comments/$_[1]/featured", $_[2]) }
sub unfeature { return $t->json('DELETE', $_[0], "/api/comments/$_[1]/featured") }

# the block above the thread, from a page
sub picks {
    my ($html) = @_;
    my ($block) = $html =~ m{(<section class="featured".*?</section>)}s;
    return $block // '';
}

sub page { return $t->get($_[0] // $PAGE, $_[1] ? { headers => { Cookie => $_[1] } } : undef) }

my $c1 = post($alice, 'the first comment, worth a pick');
my $c2 = post($bob, 'a second comment');
my $c3 = post($alice, 'a reply under the first', $c1);
ok($c1 && $c2 && $c3, 'three comments');

is(picks(page()->{content}), '', 'no picks: no block');

# ---- permissions and refusals ------------------------------------------

is(feature(undef, $c1)->{status}, 401, 'nobody logged in: 401');
my $r = feature($alice, $c1);
is($r->{status}, 403, 'a reader may not feature: 403');
is(feature($alice, $c2)->{status}, 403, 'not even another\'s comment');
is(feature($mod, $c1)->{status}, 403, 'a plain moderator may not: 403');
is(unfeature($mod, $c1)->{status}, 403, 'nor unfeature');
is(feature($ed, 999999)->{status}, 404, 'no such comment: 404');
is(feature($ed, 'x')->{status}, 404, 'not a number: 404');
is($t->json('PATCH', $ed, "/api/comments/$c1/featured", '{}')->{status}, 405, 'PATCH: 405');
for my $bad ('{"x":1}', '[]', '1', '"yes"', 'null') {
    is(feature($ed, $c1, $bad)->{status}, 422, "a body of $bad: 422");
}
is(feature($ed, $c1, '{')->{status}, 400, 'not JSON: 400');
is(unfeature($ed, $c1)->{status}, 409, 'unfeaturing a comment not featured: 409');

# ---- a pick by JSON ------------------------------------------------------

$r = feature($ed, $c1, '{}');
is($r->{status}, 204, 'an editor features a comment: 204');
$r = feature($ed, $c1);
is($r->{status}, 409, 'twice: 409');
like($r->{content}, qr/already featured/, 'saying so');

my $anon = page()->{content};
my $block = picks($anon);
like($block, qr/Editors\x{2019} picks|Editors’ picks/, 'the block, read at once, has its heading');
like($block, qr{<p class="label">Editors’ pick</p>}, 'each pick labelled');
like($block, qr/the first comment, worth a pick/, 'with the comment\'s text');
like($block, qr{href="articles/$SLUG#comment-$c1"}, 'linking to its place in the thread');
unlike($block, qr/a second comment/, 'only the pick');
unlike($block, qr/id="comment-/, 'no id of the thread\'s repeated');
ok(index($anon, $block) < index($anon, qq{id="comment-$c1"}), 'above the thread');
like($anon, qr{<h2 id="comments-h">Comments</h2>\n<p class="sort">}, 'under the comments\' heading');
is(picks(page(undef, $alice)->{content}), $block, 'readers see it as well');
like(picks(page(undef, $mod)->{content}), qr/worth a pick/, 'and moderators');

my $list = decode_json($t->json('GET', undef, $API)->{content});
my %featured = map { $_->{id} => $_->{featured} } @{ $list->{comments} };
ok($featured{$c1}, 'the JSON says the pick is featured');
ok(!defined $featured{$c2}, 'and says nothing of the others');

# the log
my $log = decode_json($t->json('GET', $mod, '/api/moderation/log')->{content});
is($log->{entries}[0]{action}, 'feature', 'the pick is in the moderation log');
is($log->{entries}[0]{by}, 'ed1', 'by the editor');
is($log->{entries}[0]{comment}, $c1, 'of the comment');

# ---- the button, for editors only ----------------------------------------

my $ed_page = page(undef, $ed)->{content};
like($ed_page, qr{<button name="action" value="unfeature">Unfeature<span class="vh"> comment $c1</span></button>},
     'an editor sees Unfeature on the pick');
like($ed_page, qr{<button name="action" value="feature">Feature<span class="vh"> comment $c2</span></button>},
     'and Feature on the others');
unlike(page(undef, $mod)->{content}, qr/value="feature"/, 'a moderator sees no Feature button');
unlike(page(undef, $alice)->{content}, qr/value="feature"/, 'nor a reader');
unlike($anon, qr/value="feature"/, 'nor the public page');

my $csrf = $t->csrf_of($ed, $PAGE);
my $action = "/articles/$SLUG/comments/action";
($action) = $ed_page =~ m{<form class="moderate" method="post" action="([^"]+)"};
$action = "/$action";
is($t->form_post($ed, $action, { id => $c2, action => 'feature' })->{status}, 403, 'the form without CSRF: 403');
is($t->form_post($ed, $action, { id => $c2, action => 'feature', csrf => 'ab' x 16 })->{status}, 403,
   'with a wrong token: 403');
$r = $t->form_post($ed, $action, { id => $c2, action => 'feature', csrf => $csrf });
is($r->{status}, 303, 'the Feature button');
like($r->{headers}{location}, qr{/articles/$SLUG#comment-$c2$}, 'back at the comment');
like(picks(page()->{content}), qr/a second comment/, 'the next read shows the new pick');
my $mcsrf = $t->csrf_of($mod, $PAGE);
is($t->form_post($mod, $action, { id => $c2, action => 'unfeature', csrf => $mcsrf })->{status}, 403,
   'a moderator\'s form post: 403');
$r = $t->form_post($ed, $action, { id => $c2, action => 'unfeature', csrf => $csrf });
is($r->{status}, 303, 'the Unfeature button');
unlike(picks(page()->{content}), qr/a second comment/, 'the pick leaves the block');
is($t->form_post($ed, $action, { id => $c2, action => 'unfeature', csrf => $csrf })->{status}, 409,
   'unfeaturing it again: 409');
is($t->form_post($ed, $action, { id => $c2, action => 'dismiss', csrf => $csrf })->{status}, 400,
   'the article\'s form takes no other action');
$log = decode_json($t->json('GET', $mod, '/api/moderation/log')->{content});
is($log->{entries}[0]{action}, 'unfeature', 'unfeaturing is in the log too');

# ---- composition ---------------------------------------------------------

# an edit of a pick shows in the block
is($t->json('PATCH', $alice, "/api/comments/$c1", '{"body":"the first comment, edited"}')->{status}, 204,
   'the author edits the pick');
like(picks(page()->{content}), qr/the first comment, edited/, 'the edit shows in the block');

# hidden: out of the block, and cannot be featured again while hidden
is($t->json('PATCH', $mod, "/api/comments/$c1", '{"status":"hidden"}')->{status}, 204, 'a moderator hides the pick');
is(picks(page()->{content}), '', 'a hidden pick leaves the block');
$r = feature($ed, $c2);
is($r->{status}, 204, 'another pick');
is($t->json('PATCH', $mod, "/api/comments/$c2", '{"status":"hidden"}')->{status}, 204, 'hidden');
is(unfeature($ed, $c2)->{status}, 204, 'a hidden pick can be unfeatured');
$r = feature($ed, $c2);
is($r->{status}, 409, 'a hidden comment cannot be featured: 409');
like($r->{content}, qr/a hidden comment cannot be featured/, 'saying why');
is($t->json('PATCH', $mod, "/api/comments/$c2", '{"status":"visible"}')->{status}, 204, 'shown again');
is($t->json('PATCH', $mod, "/api/comments/$c1", '{"status":"visible"}')->{status}, 204, 'the first shown again');
like(picks(page()->{content}), qr/the first comment, edited/, 'an unhidden pick is back in the block');

# deleted: out of the block for good
my $c4 = post($bob, 'a comment to delete');
is(feature($ed, $c4)->{status}, 204, 'featured');
is($t->json('DELETE', $bob, "/api/comments/$c4")->{status}, 204, 'its author deletes it');
unlike(picks(page()->{content}), qr/a comment to delete/, 'a deleted pick leaves the block');
$r = feature($ed, $c4);
is($r->{status}, 409, 'a deleted comment cannot be featured: 409');
like($r->{content}, qr/a deleted comment cannot be featured/, 'saying why');
is(unfeature($ed, $c4)->{status}, 409, 'nor is it featured any more');

# held (premoderation of one word)
is($t->json('PUT', $mod, '/api/words', '{"banned":[],"suspect":["heldword"]}')->{status}, 204, 'a suspect word');
my $c5 = post($bob, 'this one has heldword in it');
ok($c5, 'a held comment');
$r = feature($ed, $c5);
is($r->{status}, 409, 'a held comment cannot be featured: 409');
like($r->{content}, qr/a held comment cannot be featured/, 'saying why');

# hostile text is inert in the block
my $c6 = post($bob, '<script>alert(1)</script> & <b>bold</b>');
is(feature($admin, $c6)->{status}, 204, 'an admin features a comment');
$block = picks(page()->{content});
unlike($block, qr/<script>|<b>/, 'no markup of the comment\'s in the block');
like($block, qr/&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;b&gt;/, 'shown as text');

# ---- the cap -------------------------------------------------------------

my @more;
push @more, post($bob, "a pick number $_") for 1 .. 9;
my $n = 2;    # c1 and c6
for my $id (@more) {
    last if $n == 10;
    is(feature($ed, $id)->{status}, 204, "pick $n") if $n >= 9;
    feature($ed, $id) if $n < 9;
    $n++;
}
$r = feature($ed, $more[-1]);
is($r->{status}, 409, 'the 11th pick of an article: 409');
like($r->{content}, qr/10 featured comments/, 'saying the limit');
my $count = () = picks(page()->{content}) =~ /<p class="label">/g;
is($count, 10, 'ten picks in the block');
is(unfeature($ed, $c6)->{status}, 204, 'one goes');
is(feature($ed, $more[-1])->{status}, 204, 'and another may come');

my ($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean with picks') or diag "$out$err";

# ---- ?sort=newest ----------------------------------------------------------

# a second article with three pages of threads
my $art = '{"title":"Sorting test","body":"Text.","slug":"sorting-test"}';
is($t->json('POST', $ed, '/api/articles', $art)->{status}, 201, 'a second article');
my $API2 = '/api/articles/sorting-test/comments';
my $PAGE2 = '/articles/sorting-test';
my @top;
push @top, post($alice, "thread number $_", undef, $API2) for 1 .. 120;
is(scalar(grep { defined } @top), 120, '120 threads');
my $reply = post($bob, 'a reply in thread 120', $top[-1], $API2);
my $reply1 = post($bob, 'a reply in thread 1', $top[0], $API2);
ok($reply && $reply1, 'and replies');

sub threads {
    my ($html) = @_;
    my ($list) = $html =~ m{<ol class="comment-list">\n(.*)</ol>}s;
    return [ $list =~ /<p>thread number (\d+)<\/p>/g ];
}

$r = page($PAGE2);
my $old = threads($r->{content});
is("@$old[0..1]", '1 2', 'oldest first by default');
is(scalar @$old, 50, 'fifty threads a page');
my $etag_old = $r->{headers}{etag};

$r = page("$PAGE2?sort=newest");
is($r->{status}, 200, '?sort=newest');
my $new = threads($r->{content});
is(scalar @$new, 50, 'fifty threads');
is("@$new[0..2]", '120 119 118', 'newest first');
is($new->[-1], 71, 'page 1 ends at thread 71');
like($r->{content}, qr{thread number 120</p>\n</div>.*?a reply in thread 120}s, 'replies stay under their parent');
isnt($r->{headers}{etag}, $etag_old, 'its own ETag');
like($r->{content}, qr{<link rel="canonical" href="[^"]*/articles/sorting-test">}, 'the canonical link names the plain page');
like($r->{content}, qr{<p class="sort">Order: <a href="articles/sorting-test#comments">Oldest first</a> · <a href="articles/sorting-test\?sort=newest#comments" aria-current="page">Newest first</a></p>},
     'the order\'s links, newest marked');
like(page($PAGE2)->{content}, qr{<a href="articles/sorting-test#comments" aria-current="page">Oldest first</a>},
     'and oldest marked on the plain page');
like($r->{content}, qr{<a rel="next" href="articles/sorting-test\?sort=newest&amp;comments=2#comments">Older comments</a>},
     'the pager keeps the order');
is($t->get("$PAGE2?sort=newest", { headers => { 'If-None-Match' => $r->{headers}{etag} } })->{status}, 304,
   'its ETag answers 304');
is($t->get("$PAGE2?sort=newest", { headers => { 'If-None-Match' => $etag_old } })->{status}, 200,
   'the oldest order\'s does not');

$r = page("$PAGE2?sort=newest&comments=2");
$new = threads($r->{content});
is("$new->[0] $new->[-1]", '70 21', 'newest page 2: threads 70 to 21');
like($r->{content}, qr{<a rel="prev" href="articles/sorting-test\?sort=newest#comments">Newer comments</a>},
     'back to newest page 1');
$r = page("$PAGE2?sort=newest&comments=3");
$new = threads($r->{content});
is("$new->[0] $new->[-1]", '20 1', 'newest page 3: threads 20 to 1');
like($r->{content}, qr{thread number 1</p>\n</div>.*?a reply in thread 1}s, 'with its reply');
unlike($r->{content}, qr/rel="next"/, 'the last page');
is(page("$PAGE2?sort=newest&comments=4")->{status}, 404, 'past the last page: 404');
is(page("$PAGE2?sort=oldest")->{status}, 200, '?sort=oldest');
is(join(' ', @{ threads(page("$PAGE2?sort=oldest&comments=3")->{content}) }[0, -1]), '101 120',
   'oldest page 3');
for my $bad ('sideways', 'NEWEST', '', 'newest%00') {
    $r = page("$PAGE2?sort=$bad");
    is($r->{status}, 400, "?sort=$bad: 400");
}
like(page("$PAGE2?sort=x")->{content}, qr/oldest or newest/, 'saying which orders there are');

# a moderator's page in either order (rendered for them)
$new = threads(page("$PAGE2?sort=newest", $mod)->{content});
is("$new->[0] $new->[-1]", '120 71', 'a moderator\'s page newest first');

# a new thread shows at once at the top of newest page 1
my $late = post($bob, 'the latest thread', undef, $API2);
like(page("$PAGE2?sort=newest")->{content}, qr{<ol class="comment-list">\n<li class="comment" id="comment-$late">},
     'a new thread tops the newest page in the next read');

# the JSON list, newest first with its cursor
$r = $t->json('GET', undef, "$API2?sort=newest&limit=3");
is($r->{status}, 200, 'the JSON list newest first');
my $j = decode_json($r->{content});
is(join(' ', map { $_->{id} } @{ $j->{comments} }), "$late $reply1 $reply", 'newest first');
$j = decode_json($t->json('GET', undef, "$API2?sort=newest&limit=2&cursor=$j->{next}")->{content});
is(join(' ', map { $_->{id} } @{ $j->{comments} }), "$top[119] $top[118]", 'the cursor goes on, older');
is($t->json('GET', undef, "$API2?sort=up")->{status}, 400, 'a bad order in JSON: 400');
isnt($t->json('GET', undef, "$API2?sort=newest")->{headers}{etag}, $t->json('GET', undef, $API2)->{headers}{etag},
     'each order its own ETag');

# ---- a deleted article leaves nothing behind --------------------------------

my $pick = post($bob, 'a pick on the second article', undef, $API2);
is(feature($ed, $pick)->{status}, 204, 'a pick on the second article');
like(picks(page($PAGE2)->{content}), qr/a pick on the second article/, 'shown');
is($t->json('DELETE', $ed, '/api/articles/sorting-test')->{status}, 204, 'the article is deleted');
is(page($PAGE2)->{status}, 404, 'its page is gone');
is(page("$PAGE2?sort=newest")->{status}, 404, 'in either order');
is(feature($ed, $pick)->{status}, 404, 'its comments are no one\'s to pick');
($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean after the deletion') or diag "$out$err";

$t->done;
done_testing;
