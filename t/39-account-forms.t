# The account forms' refusals, one by one: each a clear page with its
# status and message, and nothing changed (the account still logs in
# with its old password).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $FORM = 'application/x-www-form-urlencoded';
my $t = NewsTest->new;
$t->run;

sub post_form {
    my ($path, $body, $cookie) = @_;
    return $t->request('POST', $path, { headers => { 'content-type' => $FORM,
                                                     $cookie ? (cookie => $cookie) : () },
                                        content => $body });
}

# the register form's pre-session and token
my $res = $t->get('/register');
my ($pre) = ($res->{headers}{'set-cookie'} // '') =~ /^news_pre=([0-9a-f]+)/;
my ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
ok($pre && $csrf, 'the register form gives a pre-session and a token');

$res = post_form('/register', "csrf=$csrf&username=longpass&password=" . ('p' x 1025), "news_pre=$pre");
is($res->{status}, 422, 'a password of 1025 bytes: 422');
like($res->{content}, qr/The password may have at most 1024 bytes\./, '... saying the limit');

# a NUL or a byte that is not UTF-8 in a field is the form's 400 before
# the password is looked at
$res = post_form('/register', "csrf=$csrf&username=badpass&password=long-enough%00with-a-nul", "news_pre=$pre");
is($res->{status}, 400, 'a password holding a NUL: 400');
like($res->{content}, qr/The form arrived garbled/, '... a garbled form');

$res = post_form('/register', "csrf=$csrf&username=" . ('n' x 100) . "&password=long-enough-1", "news_pre=$pre");
is($res->{status}, 422, 'a username of 100 letters: 422');
like($res->{content}, qr/value="${\ ('n' x 64)}"/, '... the box keeps its first 64');
unlike($res->{content}, qr/n{65}/, '... and no more');

# the account page's form, logged in
my $alice = $t->login('alice');
my $page = $t->get('/account', { headers => { Cookie => $alice } })->{content};
($csrf) = $page =~ /name="csrf" value="([0-9a-f]+)"/;

$res = post_form('/account', "csrf=$csrf&password=pw-of-alice-123", $alice);
is($res->{status}, 400, 'no action: 400');
like($res->{content}, qr/The form arrived garbled/, '... a garbled form');

$res = post_form('/account', "csrf=$csrf&action=rename&password=pw-of-alice-123", $alice);
is($res->{status}, 400, 'an unknown action: 400');
like($res->{content}, qr/Unknown action\./, '... saying so');

$res = post_form('/account', "csrf=$csrf&action=password&password=pw-of-alice-123&new_password=short", $alice);
is($res->{status}, 422, 'a new password too short: 422');
like($res->{content}, qr/The new password needs 8 characters to 1024 bytes\./, '... saying the bounds');

$res = post_form('/account', "csrf=$csrf&action=password&password=pw-of-alice-123&new_password=" . ('q' x 1025),
                 $alice);
is($res->{status}, 422, 'a new password too long: 422');

$res = $t->json('POST', undef, '/api/session', '{"username":"alice","password":"pw-of-alice-123"}');
is($res->{status}, 200, 'the old password still logs in');

$t->done;
done_testing;
