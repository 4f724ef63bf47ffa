# Readers' standing and the moderation log (issue 16): news_comment_trust
# holds a reader's first approved comments and a rejection starts the
# count again (a suspect word still holds a trusted reader's comment);
# moderators suspend or ban a reader by JSON or by form (403 with the
# reason and the end date when they post, the comment form says so) and
# lift it; "delete all comments of this user"; every act in the log, on
# /moderation/log and in newsctl modlog; hostile reasons stay text.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_comment_trust 2;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('words', 'add', 'suspect', 'crypto');
$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $mod = $t->login('mod1', 'moderator');
my $ed = $t->login('ed1', 'editor');
my $admin = $t->login('root1', 'admin');

sub json_req { return $t->json(@_) }

sub post {
    my ($cookie, $text) = @_;
    my $r = json_req('POST', $cookie, $API, qq({"body":"$text"}));
    my ($id) = $r->{content} =~ /"id":(\d+)/;
    my ($status) = $r->{content} =~ /"status":"(\w+)"/;
    return ($r->{status}, $id, $status // '');
}

sub csrf_of { return $t->csrf_of(@_) }

sub form_post { return $t->form_post(@_) }

sub set_status {
    my ($id, $status) = @_;
    return json_req('PATCH', $mod, "/api/comments/$id", qq({"status":"$status"}))->{status};
}

# trust: the first two approved comments wait; a rejection starts again
my (undef, $a1, $s1) = post($alice, 'first words');
is($s1, 'pending', 'a new reader\'s first comment waits');
my $csrf = csrf_of($mod, '/moderation');
is(form_post($mod, '/moderation', { id => $a1, action => 'approve', csrf => $csrf })->{status}, 303,
   'a moderator approves it by form');
my (undef, $a2, $s2) = post($alice, 'second words');
is($s2, 'pending', 'the second waits too');
is(set_status($a2, 'visible'), 204, 'approved by JSON');
my (undef, $a3, $s3) = post($alice, 'third words');
is($s3, 'visible', 'after two approvals the reader posts directly');
my (undef, undef, $s4) = post($alice, 'some crypto talk');
is($s4, 'pending', 'a trusted reader\'s comment with a suspect word is still held');
is(set_status($a3, 'hidden'), 204, 'a moderator hides one of theirs');
my (undef, undef, $s5) = post($alice, 'after the rejection');
is($s5, 'pending', 'a rejection starts the count again');
my (undef, undef, $sm) = post($mod, 'a moderator never waits');
is($sm, 'visible', 'moderators are trusted');

# suspension by JSON: 403 with the reason and the end date
my $r = json_req('POST', $bob, '/api/users/alice/suspension', '{"days":3,"reason":"rude"}');
is($r->{status}, 403, 'a reader may not suspend anyone');
for my $bad ('{"days":0}', '{"days":3651}', '{"days":1.5}', '{"days":"3"}', '{"reason":"x"}',
             '{"days":3,"reason":1}', '{"days":3,"reason":"x","other":1}', '[]') {
    is(json_req('POST', $mod, '/api/users/alice/suspension', $bad)->{status}, 422, "$bad: 422");
}
is(json_req('POST', $mod, '/api/users/alice/suspension', '{"days":3,"reason":"' . ('r' x 161) . '"}')->{status},
   422, 'a reason over 160 bytes: 422');
is(json_req('POST', $mod, '/api/users/nobody/suspension', '{"days":3}')->{status}, 404, 'no such user: 404');
is(json_req('POST', $mod, '/api/users/ed1/suspension', '{"days":3}')->{status}, 403,
   'a moderator may not suspend an editor');
is(json_req('POST', $mod, '/api/users/mod1/suspension', '{"days":3}')->{status}, 403, 'nor themselves');
$r = json_req('POST', $mod, '/api/users/alice/suspension',
              '{"days":3,"reason":"<script>alert(1)</script> insults"}');
is($r->{status}, 204, 'a moderator suspends a reader for 3 days');
$r = json_req('POST', $alice, $API, '{"body":"let me speak"}');
is($r->{status}, 403, 'the suspended reader may not post');
like($r->{content}, qr/your account is suspended until \d+ \w+ \d{4}, \d\d:\d\d UTC: \\u003cscript\\u003ealert\(1\)\\u003c\/script\\u003e insults/,
     'told until when and why (escaped as JSON)');
is(json_req('PATCH', $alice, "/api/comments/$a1", '{"body":"edit"}')->{status}, 403, 'nor edit');
like($t->get('/api/me', { headers => { Cookie => $alice } })->{status}, qr/^200$/, 'but still logged in');
my $page = $t->get($PAGE, { headers => { Cookie => $alice } })->{content};
like($page, qr/You cannot comment: your account is suspended until [^<]+: &lt;script&gt;alert\(1\)&lt;\/script&gt; insults\./,
     'the comment form says so, the reason escaped');
unlike($page, qr/<textarea/, 'and is not offered');
$csrf = csrf_of($alice, '/account');
$r = form_post($alice, "$PAGE/comments", { body => 'by form', csrf => $csrf });
is($r->{status}, 403, 'a form post: 403');
like($r->{content}, qr/your account is suspended until/, 'saying why');

# lifting, and a ban by form
is(json_req('DELETE', $mod, '/api/users/alice/suspension')->{status}, 204, 'lifted');
is(json_req('DELETE', $mod, '/api/users/alice/suspension')->{status}, 409, 'lifting again: 409');
is((post($alice, 'free again'))[0], 201, 'the reader posts again');
is($t->get('/moderation/users/bob', { headers => { Cookie => $alice } })->{status}, 403, 'a reader: 403');
$r = $t->get('/moderation/users/bob', { headers => { Cookie => $mod } });
is($r->{status}, 200, 'a user\'s page');
$csrf = csrf_of($mod, '/moderation/users/bob');
is(form_post($mod, '/moderation/users/bob', { action => 'suspend', reason => 'x' })->{status}, 403,
   'without the CSRF token: 403');
$r = form_post($mod, '/moderation/users/bob', { action => 'suspend', days => '0', reason => 'x', csrf => $csrf });
is($r->{status}, 422, 'zero days: 422');
like($r->{content}, qr/id="days-error" role="alert">A suspension is 1 to 3650 days/, 'tied to the field');
$r = form_post($mod, '/moderation/users/bob', { action => 'suspend', days => '', reason => 'spam "bot"', csrf => $csrf });
is($r->{status}, 303, 'no days: a ban');
$r = json_req('POST', $bob, $API, '{"body":"hello"}');
like($r->{content}, qr/your account is banned: spam \\"bot\\"/, 'the banned reader is told');
$r = $t->get('/moderation/users/bob', { headers => { Cookie => $mod } });
like($r->{content}, qr/The account is banned: spam &quot;bot&quot;\./, 'the page says so');
$r = form_post($mod, '/moderation/users/bob', { action => 'lift', csrf => $csrf });
is($r->{status}, 303, 'lifted by form');

# delete all comments of a user
for my $i (1 .. 3) { post($bob, "bob says $i") }
$r = form_post($mod, '/moderation/users/bob', { action => 'delete-comments', csrf => $csrf });
is($r->{status}, 200, 'every comment of the user deleted in one action');
like($r->{content}, qr/3 comments deleted\./, 'saying how many');
unlike($t->get($PAGE)->{content}, qr/bob says/, 'none is shown');
like($r->{content}, qr/deleted · <a href="articles\/$SLUG#comment-\d+"/, 'the user\'s page lists them as deleted');

# the log
$r = $t->get('/moderation/log', { headers => { Cookie => $mod } });
is($r->{status}, 200, 'the moderation log');
like($r->{content}, qr/<b>mod1<\/b> approve comment $a1 of <a href="moderation\/users\/alice">alice<\/a>/,
     'an approval');
like($r->{content}, qr/<b>mod1<\/b> hide comment $a3 of/, 'a hiding');
like($r->{content}, qr/<b>mod1<\/b> suspend of <a href="moderation\/users\/alice">alice<\/a>: &lt;script&gt;/,
     'a suspension with its reason, escaped');
like($r->{content}, qr/<b>mod1<\/b> ban of <a href="moderation\/users\/bob">bob<\/a>: spam &quot;bot&quot;/, 'a ban');
like($r->{content}, qr/<b>mod1<\/b> lift of/, 'a lifting');
like($r->{content}, qr/<b>mod1<\/b> delete all comments of <a href="moderation\/users\/bob">bob<\/a>: 3 comments/,
     'the deletion of a user\'s comments');
is($t->get('/moderation/log', { headers => { Cookie => $alice } })->{status}, 403, 'readers may not read it');
is($t->get('/moderation/log?before=x', { headers => { Cookie => $mod } })->{status}, 400, 'a bad cursor: 400');
my ($rc, $out) = $t->newsctl('modlog');
is($rc, 0, 'newsctl modlog');
like($out, qr/^\d{4}-\d\d-\d\dT\S+ \{"by":"mod1","action":"suspend","user":"alice","reason":"<script>alert\(1\)<\/script> insults"\}$/m,
     'a line an entry, as JSON');
is(json_req('POST', $admin, '/api/users/mod1/suspension', '{"days":1,"reason":"cool off"}')->{status}, 204,
   'an admin may suspend a moderator');

($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check: the store is whole') or diag $out;

$t->done;
done_testing;
