#!/usr/bin/perl
# A deleted account's name, and with it its comments, cannot be taken
# over: names of deleted accounts stay reserved, user ids are never given
# twice, and a comment belongs to its author's id, not to a name.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $JSON = { 'Content-Type' => 'application/json' };

my $t = NewsTest->new(http => 'news_comment_rate 0;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

sub id_of {
    my ($cookie) = @_;
    my $me = $t->get('/api/me', { headers => { Cookie => $cookie } })->{content};
    return $me =~ /"id":(\d+)/ ? $1 : undef;
}

my $victim = $t->login('victim');
my $victim_id = id_of($victim);
my $res = $t->request('POST', "/api/articles/$SLUG/comments",
                      { headers => { %$JSON, Cookie => $victim },
                        content => '{"body":"I stand by every word."}' });
is($res->{status}, 201, 'the victim comments');
my ($cid) = $res->{content} =~ /"id":(\d+)/;

# the stored record carries the author's id: in its view, the author's
# name's length, their id and name, then the body (src/engine/comments.h)
my $data = do { local $/; open my $fh, '<:raw', $t->db . '/data.mdb' or die $!; <$fh> };
my $view = pack('n', 6) . pack('Q>', $victim_id) . 'victimI stand by every word.';
ok(index($data, $view) >= 0, 'the stored comment carries the author id');

is(($t->newsctl('user', 'delete', 'victim'))[0], 0, 'the account is deleted');

# the attack: register the freed name, then edit the old comment
$res = $t->request('POST', '/api/users', { headers => $JSON,
                   content => '{"username":"Victim","password":"takeover-pw-1"}' });
is($res->{status}, 409, 'the name of a deleted account stays reserved (409)');
like($res->{content}, qr/"code":"username_taken"/, 'as a taken name');
my ($rc) = $t->newsctl_in("takeover-pw-1\n", 'user', 'add', 'VICTIM');
isnt($rc, 0, 'newsctl user add refuses it too');

$res = $t->request('POST', '/api/session', { headers => $JSON,
                   content => '{"username":"victim","password":"pw-of-victim-123"}' });
is($res->{status}, 401, 'the deleted account cannot log in');

# ids: the last account deleted, the next one gets a new id
my $last = $t->login('lastone');
my $last_id = id_of($last);
is(($t->newsctl('user', 'delete', 'lastone'))[0], 0, 'the newest account is deleted');
my $next = $t->login('nextone');
my $next_id = id_of($next);
cmp_ok($next_id, '>', $last_id, "a deleted id is never given again ($last_id deleted, then $next_id)");
cmp_ok($last_id, '>', $victim_id, 'ids only grow');

# ownership by id: nobody else, whatever their name, edits the comment
$res = $t->request('PATCH', "/api/comments/$cid", { headers => { %$JSON, Cookie => $next },
                                                   content => '{"body":"Taken over."}' });
is($res->{status}, 403, "another account cannot edit the deleted user's comment");
$res = $t->get("/api/articles/$SLUG/comments");
like($res->{content}, qr/"author":"\[deleted user\]","body":"I stand by every word\."/,
     'the comment is unchanged, and no longer under the old name');

my ($crc, $cout, $cerr) = $t->newsctl('check');
is($crc, 0, 'newsctl check: reserved names and the id mark are in order') or diag "$cout$cerr";

$t->done;
done_testing;
