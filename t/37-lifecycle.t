#!/usr/bin/perl
# The account life cycle: a reader sees their sessions and ends them all
# ("log out everywhere"), changes their password (every other session
# ends), a moderator ends a user's sessions, and a session unused for
# news_session_idle ends before its absolute lifetime.

use strict;
use warnings;

use Test::More;
use Time::HiRes qw(sleep time);
use lib 't/lib';
use NewsTest;

my $JSON = { 'Content-Type' => 'application/json' };

my $t = NewsTest->new;
$t->run;
my $rc;

sub login {
    my ($name, $pw) = @_;
    my $r = $t->request('POST', '/api/session', { headers => $JSON,
                        content => qq({"username":"$name","password":"$pw"}) });
    my ($c) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    return ($r->{status}, $c);
}

sub as {
    my ($method, $path, $cookie, $json) = @_;
    return $t->request($method, $path, { headers => { %$JSON, Cookie => $cookie },
                                         defined $json ? (content => $json) : () });
}

sub me { return as('GET', '/api/me', $_[0])->{status} }

is($t->request('POST', '/api/users', { headers => $JSON,
   content => '{"username":"alice","password":"first-password"}' })->{status}, 201, 'alice registers');
my (undef, $a1) = login('alice', 'first-password');
my (undef, $a2) = login('alice', 'first-password');

# --- seeing one's sessions ---------------------------------------------------

my $res = as('GET', '/api/sessions', $a1);
is($res->{status}, 200, 'GET /api/sessions');
my @ids = $res->{content} =~ /"id":"([0-9a-f]{16})"/g;
is(scalar @ids, 2, 'two sessions');
is(scalar(() = $res->{content} =~ /"current":true/g), 1, 'one of them the current one');
like($res->{content}, qr/"created_at":"[-0-9T:]+Z","last_seen":"[-0-9T:]+Z","expires_at":"[-0-9T:]+Z"/, 'with their times');
unlike($res->{content}, qr/\Q@{[substr($a1, 13)]}\E/, 'no token in the list');
is($t->get('/api/sessions')->{status}, 401, 'anonymous: 401');
is(as('GET', '/api/sessions', "$a1", undef)->{headers}{'cache-control'}, 'no-store', 'not cached');

# --- changing the password ---------------------------------------------------------

$res = as('POST', '/api/password', $a1, '{"password":"wrong-password","new_password":"second-password"}');
is($res->{status}, 403, 'a wrong current password: 403');
like($res->{content}, qr/"code":"wrong_password"/, 'wrong_password');
$res = as('POST', '/api/password', $a1, '{"password":"first-password","new_password":"short"}');
is($res->{status}, 422, 'a short new password: 422');
$res = as('POST', '/api/password', $a1, '{"password":"first-password"}');
is($res->{status}, 400, 'no new password: 400');
$res = as('POST', '/api/password', $a1, '{"password":"first-password","new_password":"second-password"}');
is($res->{status}, 200, 'the password changes');
my ($a3) = ($res->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
ok($a3, 'with a new session for this browser');
is(me($a1), 401, 'the session it was changed from has ended');
is(me($a2), 401, 'and every other session');
is(me($a3), 200, 'the new one works');
is((login('alice', 'first-password'))[0], 401, 'the old password no longer logs in');
my ($st, $a4) = login('alice', 'second-password');
is($st, 200, 'the new one does');

# --- log out everywhere ------------------------------------------------------------

$res = as('DELETE', '/api/sessions', $a3);
is($res->{status}, 204, 'DELETE /api/sessions: 204');
like($res->{headers}{'set-cookie'} // '', qr/^news_session=; Path=\/; Max-Age=0/, 'the cookie is cleared');
is(me($a3), 401, 'this session has ended');
is(me($a4), 401, 'and the other one');
is(as('DELETE', '/api/sessions', $a3)->{status}, 401, 'logged out: 401');

# --- a moderator ends a user's sessions --------------------------------------------------

my (undef, $a5) = login('alice', 'second-password');
my $mod = $t->login('mod1', 'moderator');
my $ed = $t->login('ed1', 'editor');
is(as('DELETE', '/api/users/ed1/sessions', $a5)->{status}, 403, 'a reader cannot');
is(as('DELETE', '/api/users/ed1/sessions', $mod)->{status}, 403, 'a moderator cannot end an editor\'s');
is(me($ed), 200, 'the editor is still in');
is(as('DELETE', '/api/users/nobody/sessions', $mod)->{status}, 404, 'an unknown user: 404');
is(as('DELETE', '/api/users/ALICE/sessions', $mod)->{status}, 204, 'a moderator ends a reader\'s sessions');
is(me($a5), 401, 'the reader is logged out');
is(me($mod), 200, 'the moderator is not');

# --- deleting one's account --------------------------------------------------------

$t->newsctl('import', 'demo/seed-article.json');
my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $leaver = $t->login('leaver');
is(as('POST', "/api/articles/$SLUG/comments", $leaver, '{"body":"Goodbye, all."}')->{status}, 201, 'the leaver comments');
is(as('POST', '/api/me/delete', $leaver, '{"password":"wrong-password"}')->{status}, 403, 'POST /api/me/delete with a wrong password: 403');
is(as('POST', '/api/me/delete', $leaver, '{}')->{status}, 400, 'without one: 400');
is(me($leaver), 200, 'the account is still there');
$res = as('POST', '/api/me/delete', $leaver, '{"password":"pw-of-leaver-123"}');
is($res->{status}, 204, 'POST /api/me/delete with the password: 204');
like($res->{headers}{'set-cookie'} // '', qr/^news_session=; Path=\/; Max-Age=0/, 'the cookie is cleared');
is(me($leaver), 401, 'the session has ended');
is((login('leaver', 'pw-of-leaver-123'))[0], 401, 'the account cannot log in');
($rc) = $t->newsctl('user', 'list');
unlike(($t->newsctl('user', 'list'))[1], qr/\tleaver\t/, 'it is gone from newsctl user list');
is($t->request('POST', '/api/users', { headers => $JSON,
   content => '{"username":"leaver","password":"someone-else-pw"}' })->{status}, 409, 'its name stays reserved');
# its comments are disowned in the background, a batch at a time
my $list = '';
for (1 .. 100) {
    $list = $t->get("/api/articles/$SLUG/comments")->{content};
    last if $list =~ /\[deleted user\]/;
    sleep 0.1;
}
like($list, qr/"author":"\[deleted user\]","body":"Goodbye, all\."/, 'its comments stay, as "[deleted user]" (the default)');
unlike($list, qr/leaver/, 'not under its name');
$t->done;

# --- the account page ---------------------------------------------------------------

{
    my $h = NewsTest->new;
    $h->run;
    my $c = $h->login('webby');
    my $form = { 'Content-Type' => 'application/x-www-form-urlencoded' };
    my $page = $h->get('/account', { headers => { Cookie => $c } });
    is($page->{status}, 200, 'GET /account');
    is($page->{headers}{'cache-control'}, 'no-store', 'not cached');
    like($page->{content}, qr{<h1>Your account</h1>}, 'the page');
    like($page->{content}, qr{\(this browser\)}, 'lists this session');
    my ($csrf) = $page->{content} =~ /name="csrf" value="([0-9a-f]{64})"/;
    is($h->get('/account')->{status}, 403, 'anonymous: refused');
    my $post = sub {
        my ($cookie, $body) = @_;
        return $h->request('POST', '/account', { headers => { %$form, Cookie => $cookie }, content => $body });
    };
    is($post->($c, "csrf=" . ('0' x 64) . "&action=logout-all")->{status}, 403, 'a wrong CSRF token: 403');
    my $r = $post->($c, "csrf=$csrf&action=password&password=wrong-password&new_password=a-new-password");
    is($r->{status}, 403, 'a wrong current password: 403');
    like($r->{content}, qr{id="password"[^>]*aria-invalid="true"[^>]*aria-describedby="password-error"}, 'the error tied to the field');
    $r = $post->($c, "csrf=$csrf&action=password&password=pw-of-webby-123&new_password=a-new-password");
    is($r->{status}, 303, 'the password changes: 303');
    like($r->{headers}{location} // '', qr{/account$}, 'back to the account page');
    my ($c2) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    is($h->get('/api/me', { headers => { Cookie => $c } })->{status}, 401, 'the old session ended');
    $page = $h->get('/account', { headers => { Cookie => $c2 } });
    ($csrf) = $page->{content} =~ /name="csrf" value="([0-9a-f]{64})"/;
    $r = $post->($c2, "csrf=$csrf&action=delete&password=a-new-password");
    is($r->{status}, 303, 'the account is deleted: 303');
    is($h->get('/api/me', { headers => { Cookie => $c2 } })->{status}, 401, 'and logged out');
    $h->done;
}

# --- the idle timeout -------------------------------------------------------------

my $i = NewsTest->new(http => 'news_session_idle 4s;');
$i->run;
my $cookie = $i->login('idler');
my $t0 = time;
my $alive = 1;
for my $at (1.5, 3, 4.5, 6) {
    sleep 0.1 while time - $t0 < $at;
    $alive = 0 if $i->get('/api/me', { headers => { Cookie => $cookie } })->{status} != 200;
}
ok($alive, 'a session in use outlives news_session_idle (used every 1.5 s for 6 s, idle 4s)');
sleep 0.1 while time - $t0 < 6 + 5.5;
is($i->get('/api/me', { headers => { Cookie => $cookie } })->{status}, 401, 'unused for longer than 4 s, it has ended');
$i->done;

done_testing;
