# The account page's refusals not asked elsewhere (issue 21): a deletion
# that names neither keep nor remove for the comments, a session to end
# that is not hex or not a whole id, or none given; each a clear 4xx page
# that changes nothing. Then "log out everywhere" done right.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(workers => 1);
$t->run;
my $c1 = $t->login('alice');
# a second session of the same reader
my $r = $t->json('POST', undef, '/api/session', '{"username":"alice","password":"pw-of-alice-123"}');
my ($c2) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
ok($c2, 'a second session');
my $csrf = $t->csrf_of($c1, '/account');
ok($csrf, 'the account page has a token');
my $before = $t->export;

sub form { $t->request('POST', '/account', { headers => { Cookie => $_[0],
                                                          'Content-Type' => 'application/x-www-form-urlencoded' },
                                             content => $_[1] }) }

my $res = form($c1, "csrf=$csrf&action=delete&password=pw-of-alice-123&comments=maybe");
is($res->{status}, 422, 'a deletion with comments=maybe: 422');
like($res->{content}, qr/Choose whether your comments stay or go/, 'saying what to choose');
for my $sid ('xyz', 'ab', '0' x 63, 'g' x 64, '') {
    $res = form($c1, "csrf=$csrf&action=end-session&session=$sid");
    is($res->{status}, 404, 'ending session "' . substr($sid, 0, 8) . '...": 404');
    like($res->{content}, qr/There is no such session/, '  saying so');
}
is(form($c1, "csrf=$csrf&action=end-session")->{status}, 404, 'ending no session named: 404');
for my $act ('logout', 'logout-al', 'delet', 'passwords') {
    is(form($c1, "csrf=$csrf&action=$act")->{status}, 400, "action \"$act\": 400");
}
is($t->export, $before, 'nothing changed');
is($t->get('/account', { headers => { Cookie => $c2 } })->{status}, 200, 'the other session still works');

# done right: every session ends, this one too
$res = form($c1, "csrf=$csrf&action=logout-all");
is($res->{status}, 303, 'log out everywhere');
is($t->get('/account', { headers => { Cookie => $c2 } })->{status}, 403, 'the other session ended: refused as anyone logged out is');
is($t->get('/account', { headers => { Cookie => $c1 } })->{status}, 403, 'nor this one');

$t->done;
done_testing;
