#!/usr/bin/perl
# Reader accounts: register, log in, log out, sessions, CSRF, the throttle,
# the JSON routes, bad input, newsctl user, and the thread pool keeping the
# worker free while passwords hash.

use strict;
use warnings;

use Test::More;
use Digest::SHA qw(sha256 sha256_hex);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(sleep time);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $FORM = 'application/x-www-form-urlencoded';

# sessions last 6 s: long enough for the checks below on a loaded machine
my $t = NewsTest->new(http => 'news_session_ttl 6s;');
$t->run;
my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'seed imported') or diag $err;

sub cookie_of {
    my ($res, $name) = @_;
    my $sc = $res->{headers}{'set-cookie'} // '';
    for my $c (ref $sc ? @$sc : ($sc)) {
        return ($1, $c) if $c =~ /^\Q$name\E=([0-9a-f]*)/;
    }
    return;
}

# GET a form page: its pre-session cookie and CSRF field
sub form {
    my ($path, $pre) = @_;
    my $res = $t->get($path, $pre ? { headers => { cookie => "news_pre=$pre" } } : {});
    my ($new) = cookie_of($res, 'news_pre');
    my ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    return ($res, $new // $pre, $csrf);
}

sub post_form {
    my ($path, $body, $cookie) = @_;
    return $t->request('POST', $path, { headers => { 'content-type' => $FORM,
                                                     $cookie ? (cookie => $cookie) : () },
                                        content => $body });
}

sub api {
    my ($method, $path, $json, %h) = @_;
    return $t->request($method, $path, { headers => { 'content-type' => 'application/json', %h },
                                         defined $json ? (content => $json) : () });
}

sub me {
    my ($token) = @_;
    return $t->get('/api/me', { headers => { cookie => "news_session=$token" } });
}

sub users {
    my ($rc, $out) = $t->newsctl('user', 'list');
    return scalar(() = $out =~ /^\d+\t/mg);
}

# --- The pages --------------------------------------------------------------

my ($res, $pre, $csrf) = form('/login');
is($res->{status}, 200, 'GET /login');
my (undef, $prec) = cookie_of($res, 'news_pre');
like($prec, qr/; Path=\/; HttpOnly; SameSite=Lax$/, 'pre-session cookie: Path=/, HttpOnly, SameSite=Lax, no Secure over http');
like($res->{content}, qr{<label for="username">Username</label>\s*<input id="username" name="username"}, 'login: labelled username');
like($res->{content}, qr{<label for="password">Password</label>\s*<input id="password" name="password"\s+type="password"}, 'login: labelled password');
like($res->{content}, qr{<a href="login">Log in</a><a href="register">Register</a>}, 'anonymous header: login and register links');
is($res->{headers}{'cache-control'}, 'no-store', 'form pages are not cached');
ok(length($csrf // '') == 64, 'login form carries a CSRF token');

$res = $t->request('HEAD', '/register');
is($res->{status}, 200, 'HEAD /register');
$res = $t->get('/logout');
is($res->{status}, 405, 'GET /logout: 405');
is($res->{headers}{allow}, 'POST', 'Allow: POST');

# --- Register with the form ----------------------------------------------------

($res, $pre, $csrf) = form('/register');
my $before = users();

$res = post_form('/register', "csrf=$csrf&username=bad+name&password=long-enough&next=%2Farticles%2F$SLUG", "news_pre=$pre");
is($res->{status}, 422, 'register: invalid name 422');
like($res->{content}, qr{value="bad name" aria-invalid="true" aria-describedby="username-error">\s*<span class="error" id="username-error" role="alert">}, 'inline error tied by aria-describedby, typed name kept');
unlike($res->{content}, qr/long-enough/, 'the password is never echoed');

$res = post_form('/register', "csrf=$csrf&username=Alice&password=short", "news_pre=$pre");
is($res->{status}, 422, 'register: short password 422');
like($res->{content}, qr{aria-describedby="password-error">\s*<span class="error" id="password-error" role="alert">[^<]*8 characters}, 'password error next to the password');
like($res->{content}, qr{value="Alice"}, 'name kept');

$res = post_form('/register', "csrf=$csrf&username=Alice&password=correct-horse", undef);
is($res->{status}, 403, 'register without the pre-session cookie: 403');
$res = post_form('/register', "csrf=" . ('0' x 64) . "&username=Alice&password=correct-horse", "news_pre=$pre");
is($res->{status}, 403, 'register with a wrong CSRF token: 403');
$res = post_form('/register', "username=Alice&password=correct-horse", "news_pre=$pre");
is($res->{status}, 403, 'register without a CSRF token: 403');
is(users(), $before, 'store unchanged by refused forms');

$res = post_form('/register', "csrf=$csrf&username=Alice&password=correct-horse&next=%2Farticles%2F$SLUG", "news_pre=$pre");
is($res->{status}, 303, 'register: 303');
like($res->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/articles/\Q$SLUG\E$}, 'back to next');
my ($alice, $sc) = cookie_of($res, 'news_session');
is(length($alice // ''), 64, '256-bit session token');
like($sc, qr/^news_session=[0-9a-f]{64}; Path=\/; Max-Age=6; HttpOnly; SameSite=Lax$/, 'session cookie: Path=/, Max-Age from news_session_ttl, HttpOnly, SameSite=Lax');
is(users(), $before + 1, 'one account more');

$res = post_form('/register', "csrf=$csrf&username=aLiCe&password=correct-horse", "news_pre=$pre");
is($res->{status}, 409, 'the name is taken in any case: 409');
like($res->{content}, qr{id="username-error" role="alert">This username is taken}, 'said next to the name');

# --- The header and the comment slot -------------------------------------------

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_session=$alice" } });
is($res->{status}, 200, 'article as Alice');
like($res->{content}, qr{<nav aria-label="Account"><span class="user">Logged in as <b>Alice</b></span><a href="account">Your account</a><form class="logout" method="post" action="logout"><input type="hidden" name="csrf" value="([0-9a-f]{64})"><button type="submit">Log out</button></form></nav>}, 'header: name, the account page and a logout button with a CSRF token');
my ($logout_csrf) = $res->{content} =~ /class="logout".*?name="csrf" value="([0-9a-f]{64})"/;
unlike($res->{content}, qr{Log in to comment}, 'no login link for a reader');

$res = $t->get("/articles/$SLUG");
like($res->{content}, qr{<a href="login\?next=(?:%2F|/)articles(?:%2F|/)\Q$SLUG\E%23comment-form">Log in to comment</a>}, 'anonymous: the login link');

# --- Logging in -------------------------------------------------------------------

($res, $pre, $csrf) = form("/login?next=%2Farticles%2F$SLUG");
like($res->{content}, qr{name="next" value="/articles/\Q$SLUG\E"}, 'next kept in the form');
my ($r2) = form('/login?next=%2F%2Fevil.example%2F');
like($r2->{content}, qr{name="next" value="/"}, '//host is not a next');
($r2) = form('/login?next=https%3A%2F%2Fevil.example%2F');
like($r2->{content}, qr{name="next" value="/"}, 'an absolute URL is not a next');

$res = post_form('/login', "csrf=$csrf&username=alice&password=wrong-horse", "news_pre=$pre");
is($res->{status}, 401, 'wrong password: 401');
my ($msg1) = $res->{content} =~ /<p class="error" id="form-error" role="alert">([^<]*)</;
like($res->{content}, qr{value="alice"}, 'typed name kept');
unlike($res->{content}, qr{wrong-horse}, 'password not kept');
$res = post_form('/login', "csrf=$csrf&username=nosuchuser&password=wrong-horse", "news_pre=$pre");
is($res->{status}, 401, 'unknown user: 401');
my ($msg2) = $res->{content} =~ /<p class="error" id="form-error" role="alert">([^<]*)</;
ok(defined $msg1 && $msg1 eq ($msg2 // ''), "same message for a wrong user and a wrong password: '$msg1'");

$res = post_form('/login', "csrf=$csrf&username=ALICE&password=correct-horse&next=%2F%2Fevil.example", "news_pre=$pre");
is($res->{status}, 303, 'login: 303');
like($res->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/$}, 'a foreign next goes to the front page');
my ($alice2) = cookie_of($res, 'news_session');
isnt($alice2, $alice, 'a new token at every login');
$res = post_form('/login', "csrf=$csrf&username=alice&password=correct-horse&next=%2Farticles%2F$SLUG", "news_pre=$pre");
like($res->{headers}{location}, qr{/articles/\Q$SLUG\E$}, 'login returns to next');
my ($alice3) = cookie_of($res, 'news_session');
my $logged_in = time;
isnt($alice3, $alice2, 'and another new token');
is(me($alice2)->{status}, 200, 'both sessions work');

# --- Stolen from the store's file --------------------------------------------------

{
    open my $fh, '<:raw', $t->db . '/data.mdb' or die $!;
    local $/;
    my $data = <$fh>;
    my $raw = pack 'H*', $alice2;
    ok(index($data, $raw) < 0, 'the token is not in data.mdb');
    ok(index($data, sha256($raw)) >= 0, 'its SHA-256 is');
    is(me(unpack 'H*', sha256($raw))->{status}, 401, 'a cookie made of the stored hash does not log in');
}

# --- Forged and expired cookies ------------------------------------------------------

is(me('0' x 64)->{status}, 401, 'forged cookie: 401');
is(me('xyz')->{status}, 401, 'malformed cookie: 401');
$res = $t->get('/', { headers => { cookie => 'news_session=' . ('1' x 64) } });
like($res->{content}, qr{<a href="login">Log in</a>}, 'forged cookie: anonymous page');

sleep 0.2 while time - $logged_in < 6.2;
is(me($alice)->{status}, 401, 'expired session: 401 (news_session_ttl 6s)');

# a login purges expired sessions from the store
($rc, $out) = $t->newsctl('stats');
my ($sess_before) = $out =~ /^sessions\s+(\d+)/m;
$res = api('POST', '/api/session', '{"username":"alice","password":"correct-horse"}');
is($res->{status}, 200, 'API login');
($rc, $out) = $t->newsctl('stats');
my ($sess_after) = $out =~ /^sessions\s+(\d+)/m;
is($sess_after, 3, "expired sessions purged at the next login ($sess_before keys before, 3 after)");
my ($token) = cookie_of($res, 'news_session');

# --- Logging out -----------------------------------------------------------------

$res = $t->get('/', { headers => { cookie => "news_session=$token" } });
($logout_csrf) = $res->{content} =~ /class="logout".*?name="csrf" value="([0-9a-f]{64})"/;
$res = post_form('/logout', "csrf=" . ('a' x 64), "news_session=$token");
is($res->{status}, 403, 'logout with a wrong CSRF token: 403');
is(me($token)->{status}, 200, 'still logged in');
$res = post_form('/logout', "csrf=$logout_csrf", "news_session=$token");
is($res->{status}, 303, 'logout: 303');
my (undef, $clear) = cookie_of($res, 'news_session');
like($clear, qr/^news_session=; Path=\/; Max-Age=0/, 'cookie cleared');
is(me($token)->{status}, 401, 'the session is gone from the store');

# --- The JSON API ----------------------------------------------------------------

$before = users();
$res = api('POST', '/api/users', '{"username":"bob_1","password":"bobs-password"}');
is($res->{status}, 201, 'POST /api/users: 201');
like($res->{content}, qr/^\{"user":\{"id":\d+,"username":"bob_1","role":"reader","created_at":"[-0-9T:]+Z"\}\}$/, 'the user, a reader');
$res = api('POST', '/api/users', '{"username":"BOB_1","password":"bobs-password"}');
is($res->{status}, 409, 'duplicate: 409');
like($res->{content}, qr/"code":"username_taken"/, 'username_taken');
$res = api('POST', '/api/users', '{"username":"b","password":"bobs-password"}');
is($res->{status}, 422, 'bad name: 422');
$res = api('POST', '/api/users', '{"username":"bob_2","password":"short"}');
is($res->{status}, 422, 'short password: 422');
$res = api('POST', '/api/users', '{"username":"bob_2","password":"x' . ('y' x 1024) . '"}');
is($res->{status}, 422, 'password over 1024 bytes: 422');
$res = api('POST', '/api/users', '{"username":"bob_2",');
is($res->{status}, 400, 'truncated JSON: 400');
like($res->{content}, qr/"code":"bad_request"/, 'bad_request');
$res = api('POST', '/api/users', '{"username":"bob_2","username":"bob_3","password":"bobs-password"}');
is($res->{status}, 400, 'duplicate JSON key: 400');
$res = api('POST', '/api/users', qq({"username":"bob_2","password":"bad\xff\xfe-password"}));
is($res->{status}, 400, 'non-UTF-8 JSON: 400');
$res = api('POST', '/api/users', '["bob_2","bobs-password"]');
is($res->{status}, 400, 'not an object: 400');
$res = $t->request('POST', '/api/users', { headers => { 'content-type' => 'text/plain' },
                                           content => '{"username":"bob_2","password":"bobs-password"}' });
is($res->{status}, 415, 'text/plain: 415');
$res = $t->request('POST', '/api/users', { content => '{"username":"bob_2","password":"bobs-password"}' });
is($res->{status}, 415, 'no Content-Type: 415');
$res = api('POST', '/api/users', '{"username":"bob_2","password":"bobs-password"}', origin => 'http://evil.example');
is($res->{status}, 403, 'foreign Origin: 403');
like($res->{content}, qr/"code":"foreign_origin"/, 'foreign_origin');
$res = api('POST', '/api/users', '{"username":"bob_2","password":"' . ('p' x 9000) . '"}');
is($res->{status}, 413, 'oversized body: 413');
is(users(), $before + 1, 'only the good request changed the store');

$res = api('POST', '/api/session', '{"username":"bob_1","password":"bobs-password"}', origin => $t->url(''));
is($res->{status}, 200, 'POST /api/session with our own Origin: 200');
my ($bob) = cookie_of($res, 'news_session');
$res = me($bob);
is($res->{status}, 200, 'GET /api/me: 200');
like($res->{content}, qr/"username":"bob_1"/, 'me is bob');
is($t->get('/api/me')->{status}, 401, 'GET /api/me anonymous: 401');
$res = api('POST', '/api/session', '{"username":"bob_1","password":"wrong-password"}');
is($res->{status}, 401, 'API wrong password: 401');
like($res->{content}, qr/"code":"invalid_credentials"/, 'invalid_credentials');
$res = $t->request('DELETE', '/api/session', { headers => { cookie => "news_session=$bob", origin => 'http://evil.example' } });
is($res->{status}, 403, 'DELETE /api/session from a foreign Origin: 403');
$res = $t->request('DELETE', '/api/session', { headers => { cookie => "news_session=$bob" } });
is($res->{status}, 204, 'DELETE /api/session: 204');
is(me($bob)->{status}, 401, 'logged out');

# --- Bad form input ----------------------------------------------------------------

($res, $pre, $csrf) = form('/login');
$before = users();
$res = post_form('/register', "csrf=$csrf&username=carol&username=dave&password=carols-password", "news_pre=$pre");
is($res->{status}, 400, 'duplicate form field: 400') or diag $res->{content};
$res = post_form('/register', "csrf=$csrf&username=carol&password=bad%FF%FEpassword", "news_pre=$pre");
is($res->{status}, 400, 'non-UTF-8 form field: 400');
$res = post_form('/register', "csrf=$csrf&username=carol&password=bad%ZZ", "news_pre=$pre");
is($res->{status}, 400, 'bad percent-encoding: 400');
$res = $t->request('POST', '/register', { headers => { cookie => "news_pre=$pre" },
                                         content => "csrf=$csrf&username=carol&password=carols-password" });
is($res->{status}, 415, 'form without its Content-Type: 415');
$res = post_form('/register', "csrf=$csrf&username=carol&password=" . ('x' x 9000), "news_pre=$pre");
is($res->{status}, 413, 'oversized form: 413');
like($res->{content}, qr/<html/, 'an HTML error page');
my $raw = $t->raw(["POST /register HTTP/1.0\r\nHost: localhost\r\nContent-Type: $FORM\r\n"
                   . "Cookie: news_pre=$pre\r\nContent-Length: 100\r\n\r\ncsrf=$csrf&user"], { timeout => 2 });
unlike($raw, qr{\AHTTP/1\.1 [23]}, 'a truncated body does not register anyone');
$raw = $t->raw("POST /register HTTP/1.1\r\nHost: localhost\r\nContent-Type: $FORM\r\n"
               . "Cookie: news_pre=$pre\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               . "2001\r\n" . ('x' x 8193) . "\r\n0\r\n\r\n");
like($raw, qr{\AHTTP/1\.1 413 }, 'a chunked body over news_body_max: 413');
is(users(), $before, 'bad input left the store unchanged');

# --- The throttle ---------------------------------------------------------------------

# one wrong password above, four more here
for my $i (1 .. 4) {
    $res = api('POST', '/api/session', '{"username":"bob_1","password":"guess-' . $i . '"}');
}
is($res->{status}, 401, 'the 5th wrong password is still answered 401');
$res = api('POST', '/api/session', '{"username":"bob_1","password":"bobs-password"}');
is($res->{status}, 429, 'then the account is slowed: 429, even with the right password');
my $retry = $res->{headers}{'retry-after'} // '';
like($retry, qr/^[1-5]$/, "with Retry-After ($retry s, at most news' first wait of 5)");
($res, $pre, $csrf) = form('/login');
$res = post_form('/login', "csrf=$csrf&username=BOB_1&password=bobs-password", "news_pre=$pre");
is($res->{status}, 429, 'the form too, in any letter case');
like($res->{content}, qr/Too many failed logins/, 'said on the page');
sleep(($retry || 5) + 0.3);
$res = api('POST', '/api/session', '{"username":"bob_1","password":"bobs-password"}');
is($res->{status}, 200, 'after Retry-After the right password works');

# --- newsctl user ---------------------------------------------------------------------

($rc, $out, $err) = $t->newsctl_in("editor-password\n", 'user', 'add', 'Editor1', '--role', 'editor');
is($rc, 0, 'newsctl user add --role editor') or diag $err;
($rc, $out, $err) = $t->newsctl_in("editor-password\n", 'user', 'add', 'EDITOR1', '--role', 'editor');
isnt($rc, 0, 'newsctl user add: name taken');
($rc, $out, $err) = $t->newsctl_in("short\n", 'user', 'add', 'Fay');
is($rc, 2, 'newsctl user add: short password refused');
($rc, $out, $err) = $t->newsctl_in("long-enough\n", 'user', 'add', 'Fay', '--role', 'king');
is($rc, 2, 'newsctl user add: unknown role refused');
$res = api('POST', '/api/session', '{"username":"editor1","password":"editor-password"}');
is($res->{status}, 200, 'the editor logs in while nginx runs');
like($res->{content}, qr/"role":"editor"/, 'as an editor');
my ($ed) = cookie_of($res, 'news_session');
is(($t->newsctl('user', 'set-role', 'Editor1', 'admin'))[0], 0, 'newsctl user set-role');
like(me($ed)->{content}, qr/"role":"admin"/, 'the new role shows at once');
($rc, $out) = $t->newsctl('user', 'list');
like($out, qr/^\d+\tEditor1\tadmin\t\d{4}-\d\d-\d\dT/m, 'newsctl user list');
is(($t->newsctl('user', 'delete', 'editor1'))[0], 0, 'newsctl user delete');
is(me($ed)->{status}, 401, 'a deleted account\'s sessions end');
isnt(($t->newsctl('user', 'delete', 'editor1'))[0], 0, 'deleting nobody fails');

$t->done;

# --- A second worker sees a session created by the first ----------------------------

{
    my $w = NewsTest->new(workers => 2, listen => 'reuseport',
                          log_format => '$pid $status $request_uri');
    $w->run;
    my $res = $w->request('POST', '/api/users', { headers => { 'content-type' => 'application/json' },
                                                  content => '{"username":"wanda","password":"wandas-password"}' });
    $res = $w->request('POST', '/api/session', { headers => { 'content-type' => 'application/json' },
                                                 content => '{"username":"wanda","password":"wandas-password"}' });
    is($res->{status}, 200, 'two workers: logged in');
    my ($tok) = cookie_of($res, 'news_session');
    my $ok = 1;
    for (1 .. 40) {
        my $r = $w->get('/api/me', { headers => { cookie => "news_session=$tok" } });
        $ok = 0 unless $r->{status} == 200;
    }
    ok($ok, 'every /api/me answered 200');
    sleep 0.1;
    my $log = do { local $/; open my $fh, '<', $w->dir . '/logs/access.log' or die; <$fh> };
    my ($creator) = $log =~ /^(\d+) 200 \/api\/session$/m;
    my %me = map { $_ => 1 } $log =~ /^(\d+) 200 \/api\/me$/mg;
    ok(grep({ $_ != $creator } keys %me), 'a worker other than the one that created the session accepted it')
        or diag $log;
    $w->done;
}

# --- 8 logins hash while the same worker answers an article ------------------------

{
    my $s = NewsTest->new(http => 'news_password_cost 64m 4;');
    $s->run;
    $s->newsctl('import', 'demo/seed-article.json');
    # eight accounts logging in from eight addresses: one attempt may be
    # in flight per account and per address
    my $made = 0;
    for my $i (1 .. 8) {
        my ($rc) = $s->newsctl_in("slow-password\n", 'user', 'add', "slow$i", '--cost', '64m,4');
        $made++ if $rc == 0;
    }
    is($made, 8, 'newsctl user add --cost 64m,4: users hashed as news_password_cost 64m 4 has it');

    $s->mark_log;
    my @logins;
    for my $i (1 .. 8) {
        my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $s->port,
                                         LocalAddr => '127.0.0.' . (1 + $i)) or die $!;
        my $b = qq({"username":"slow$i","password":"slow-password"});
        print $sock "POST /api/session HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    . "Content-Length: " . length($b) . "\r\n\r\n$b";
        push @logins, $sock;
    }

    # all 8 are in the pool before the article is asked for
    my $posted = 0;
    for (1 .. 100) {
        $posted = () = $s->log_since_mark =~ /news: task posted/g;
        last if $posted >= 8;
        sleep 0.05;
    }
    is($posted, 8, '8 logins posted to the thread pool');

    my $page = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $s->port) or die $!;
    print $page "GET /articles/$SLUG HTTP/1.0\r\nHost: localhost\r\n\r\n";
    my $got = '';
    while (sysread($page, $got, 65536, length $got)) { }
    like($got, qr{\AHTTP/1\.1 200 .*</html>\n\z}s, 'the article was served in full');

    my $sel = IO::Select->new(@logins);
    my $answered = () = $sel->can_read(0);
    cmp_ok($answered, '<', 8, "the article came while logins were still hashing ($answered of 8 answered)");

    my $done = 0;
    for my $sock (@logins) {
        my $resp = '';
        while (sysread($sock, $resp, 65536, length $resp)) { }
        $done++ if $resp =~ m{\AHTTP/1\.1 200 };
    }
    is($done, 8, 'and all 8 logins succeeded afterwards');

    # a client that leaves while its password hashes: the request waits
    # for its task, then is closed; the final check finds no leaked socket
    $s->mark_log;
    my $gone = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $s->port) or die $!;
    my $body = '{"username":"slow1","password":"slow-password"}';
    print $gone "POST /api/session HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                . "Content-Length: " . length($body) . "\r\n\r\n$body";
    for (1 .. 100) {
        last if $s->log_since_mark =~ /news: task posted/;
        sleep 0.05;
    }
    close $gone;
    for (1 .. 100) {
        last if $s->log_since_mark =~ /news: task done/;
        sleep 0.05;
    }
    like($s->log_since_mark, qr/news: task done/, 'the task of a departed client finished');
    is($s->get("/articles/$SLUG")->{status}, 200, 'and the worker serves on');
    $s->done;
}

# --- Configuration --------------------------------------------------------------------

{
    my $c = NewsTest->new(http => 'news_password_cost 1m 2;');
    my ($ok, $stderr) = $c->conf_test;
    ok(!$ok && $stderr =~ /invalid memory "1m" in "news_password_cost".*nginx\.conf:\d+/, 'news_password_cost below 19m fails nginx -t') or diag $stderr;
    $c = NewsTest->new(http => 'news_password_cost 19m 1;');
    ($ok, $stderr) = $c->conf_test;
    ok(!$ok && $stderr =~ /news_password_cost/, 'one pass fails nginx -t');
    $c = NewsTest->new(http => 'news_thread_pool nosuch;');
    ($ok, $stderr) = $c->conf_test;
    ok(!$ok && $stderr =~ /unknown thread pool "nosuch"/, 'an unknown news_thread_pool fails nginx -t') or diag $stderr;
    $c = NewsTest->new(main => 'thread_pool news threads=2;', http => 'news_thread_pool news; news_login_throttle 3 10; news_session_ttl 7d; news_body_max 4k;');
    ($ok, $stderr) = $c->conf_test;
    ok($ok, 'a named pool and the other directives pass nginx -t') or diag $stderr;
    # conf.example's limit_req in front of the account routes
    my ($map) = do { local $/; open my $fh, '<', 'conf.example' or die; <$fh> } =~ /(    map \$request_method.*?\n    \}\n\n    limit_req_zone[^\n]*\n)/s;
    ok($map, 'conf.example has the limit_req map');
    my $example = do { local $/; open my $fh, '<', 'conf.example' or die; <$fh> };
    my $demo = do { local $/; open my $fh, '<', 'demo/nginx.conf' or die; <$fh> };
    for my $line ($example =~ /^\s*(limit_req(?:_zone)? [^\n]*)$/mg) {
        ok(index($demo, $line) >= 0, "the demo config of make run has it too: $line");
    }
    my $l = NewsTest->new(http => $map, location => 'news; limit_req zone=news_login burst=2 nodelay; limit_req_status 429;');
    $l->run;
    my @st = map { $l->request('POST', '/api/session', { headers => { 'content-type' => 'application/json' },
                                                          content => '{"username":"nobody","password":"wrong-password"}' })->{status} } 1 .. 5;
    is($st[-1], 429, "nginx's limit_req answers 429 on repeated logins (@st)");
    is($l->get('/')->{status}, 200, 'and leaves the pages alone');
    $l->allow_log(qr/limiting requests/);
    $l->done;

    $c = NewsTest->new(http => 'news_login_throttle 0 10;');
    ($ok, $stderr) = $c->conf_test;
    ok(!$ok && $stderr =~ /news_login_throttle/, 'news_login_throttle 0 fails nginx -t');
}

done_testing;
