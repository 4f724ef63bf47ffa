#!/usr/bin/perl
# Readers' journeys without a script (issue 20): "Log in to comment" ->
# Register -> back at the comment form with a welcome; next kept a path on
# this site whatever its encoding.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $FORM = 'application/x-www-form-urlencoded';

my $t = NewsTest->new;
$t->run;
my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'seed imported') or diag $err;

sub cookies_of {
    my ($res) = @_;
    my $sc = $res->{headers}{'set-cookie'} // [];
    return ref $sc ? @$sc : ($sc);
}

sub cookie_of {
    my ($res, $name) = @_;
    for my $c (cookies_of($res)) {
        return ($1, $c) if $c =~ /^\Q$name\E=([^;]*)/;
    }
    return;
}

sub post_form {
    my ($path, $body, $cookie) = @_;
    return $t->request('POST', $path, { headers => { 'content-type' => $FORM,
                                                     $cookie ? (cookie => $cookie) : () },
                                        content => $body });
}

sub unhtml { my $s = shift; $s =~ s/&amp;/&/g; $s =~ s/&quot;/"/g; $s =~ s/&#39;/'/g; return $s }

# --- "Log in to comment" -> Register -> the comment form -----------------------

my $res = $t->get("/articles/$SLUG");
my ($login) = $res->{content} =~ m{<p class="comment-login"><a href="([^"]+)">Log in to comment</a>};
is($login, "login?next=/articles/$SLUG%23comment-form", 'Log in to comment: next is the comment form');

$res = $t->get('/' . unhtml($login));
is($res->{status}, 200, 'the login page');
like($res->{content}, qr{name="next" value="/articles/\Q$SLUG\E#comment-form"}, 'login keeps next, fragment and all');
my ($register) = $res->{content} =~ m{No account yet\? <a href="([^"]+)">Register</a>};
is($register, "register?next=/articles/$SLUG%23comment-form", 'its Register link carries next');

$res = $t->get('/' . unhtml($register));
is($res->{status}, 200, 'the register page');
like($res->{content}, qr{name="next" value="/articles/\Q$SLUG\E#comment-form"}, 'register keeps next');
like($res->{content}, qr{Have an account\? <a href="login\?next=/articles/\Q$SLUG\E%23comment-form">Log in</a>}, 'and its Log in link too');
my ($pre) = cookie_of($res, 'news_pre');
my ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;

$res = post_form('/register', "csrf=$csrf&username=newreader&password=correct-horse&next=%2Farticles%2F$SLUG%23comment-form", "news_pre=$pre");
is($res->{status}, 303, 'register: 303');
like($res->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/articles/\Q$SLUG\E#comment-form$}, 'back at the comment form');
my ($session) = cookie_of($res, 'news_session');
my ($hello, $hc) = cookie_of($res, 'news_hello');
is($hello, 'r', 'a welcome waits for the next page');
like($hc, qr/; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/, 'for a minute, HttpOnly');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_session=$session; news_hello=r" } });
like($res->{content}, qr{<span class="user"><span role="status">Welcome! Your account is ready\. </span>Logged in as <b>newreader</b></span>}, 'a one-line welcome');
like($res->{content}, qr{<form class="comment-form" id="comment-form"}, 'and the comment form the fragment names');
my (undef, $gone) = cookie_of($res, 'news_hello');
like($gone // '', qr/^news_hello=; Path=\/; Max-Age=0/, 'the welcome is said once: its cookie expires');
like($res->{headers}{'cache-control'} // '', qr/private/, 'on a private page');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_session=$session" } });
unlike($res->{content}, qr/Welcome/, 'the next page says no welcome');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_hello=r" } });
unlike($res->{content}, qr/Welcome/, 'nor a logged-out one with the cookie');
ok(!cookie_of($res, 'news_hello'), 'which is left alone');

# a login says welcome back
$res = $t->get("/login?next=%2Farticles%2F$SLUG%23comment-form");
($pre) = cookie_of($res, 'news_pre');
($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
$res = post_form('/login', "csrf=$csrf&username=newreader&password=correct-horse&next=%2Farticles%2F$SLUG%23comment-form", "news_pre=$pre");
is($res->{status}, 303, 'login: 303');
like($res->{headers}{location}, qr{/articles/\Q$SLUG\E#comment-form$}, 'back at the form');
($session) = cookie_of($res, 'news_session');
($hello) = cookie_of($res, 'news_hello');
is($hello, 'l', 'a login\'s welcome');
$res = $t->get('/', { headers => { cookie => "news_session=$session; news_hello=l" } });
like($res->{content}, qr{<span role="status">Welcome back! </span>Logged in as <b>newreader</b>}, 'welcome back');

# --- next stays on this site, however it is written -----------------------------

my @foreign = ('//evil.example/', 'https://evil.example/', '/\\evil.example/',
               '%2F%2Fevil.example', 'https%3A%2F%2Fevil.example', '%2F%5Cevil.example',
               '/%5Cevil.example', '%2f%2fevil.example', '%252F%252Fevil.example',
               '/%09/evil.example', "javascript:alert(1)", '%23%2F%2Fevil.example',
               "/\x01/x");
for my $next (@foreign) {
    my $q = $next;
    $q =~ s/([^A-Za-z0-9%\/._~-])/sprintf('%%%02X', ord $1)/ge;
    $res = $t->get("/login?next=$q");
    my ($v) = $res->{content} =~ /name="next" value="([^"]*)"/;
    $v = unhtml($v // '');
    ok($v =~ m{^/} && $v !~ m{^/[/\\]} && $v !~ /[\\\x00-\x20]/, "GET next=$next: kept a path here ($v)");

    ($pre) = cookie_of($res, 'news_pre');
    ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    $res = post_form('/login', "csrf=$csrf&username=newreader&password=correct-horse&next=$q", "news_pre=$pre");
    like($res->{headers}{location} // '', qr{^http://127\.0\.0\.1:\d+/(?![/\\])}, "POST next=$next: 303 to this site");
}

$t->done;
done_testing;
