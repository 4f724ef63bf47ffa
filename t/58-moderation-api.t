# The moderators' JSON routes of issue 16 beside their pages: "delete
# all comments of this user" (DELETE /api/users/{name}/comments) and the
# moderation log (GET /api/moderation/log, newest first, ?before= and
# ?limit=, hostile reasons escaped as the API escapes); both refused to
# readers and to other sites; usernames of any case and with _ reach the
# user routes.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('Bob_2');
my $mod = $t->login('mod1', 'moderator');

my @ids;
for my $i (1 .. 3) {
    my ($id) = $t->json('POST', $bob, $API, qq({"body":"bob says $i"}))->{content} =~ /"id":(\d+)/;
    push @ids, $id;
}
my ($kept) = $t->json('POST', $alice, $API, '{"body":"alice stays"}')->{content} =~ /"id":(\d+)/;

# delete all comments of a user
is($t->json('DELETE', undef, '/api/users/Bob_2/comments')->{status}, 401, 'nobody logged in: 401');
is($t->json('DELETE', $alice, '/api/users/Bob_2/comments')->{status}, 403, 'a reader: 403');
is($t->request('DELETE', '/api/users/Bob_2/comments',
               { headers => { Cookie => $mod, Origin => 'http://evil.example' } })->{status}, 403,
   'another site: 403');
is($t->json('DELETE', $mod, '/api/users/nobody/comments')->{status}, 404, 'no such user: 404');
is($t->json('POST', $mod, '/api/users/Bob_2/comments', '{}')->{status}, 405, 'POST: 405');
my $r = $t->json('DELETE', $mod, '/api/users/Bob_2/comments');
is($r->{status}, 200, 'a moderator deletes every comment of a user');
is_deeply(decode_json($r->{content}), { deleted => 3 }, 'saying how many');
my $list = $t->get($API)->{content};
unlike($list, qr/bob says/, 'none is listed');
like($list, qr/alice stays/, 'others\' stay');
is_deeply(decode_json($t->json('DELETE', $mod, '/api/users/bob_2/comments')->{content}), { deleted => 0 },
          'again (any case): none left');
is($t->get('/moderation/users/BOB_2', { headers => { Cookie => $mod } })->{status}, 200,
   'the user\'s page takes the name in any case');

# the log as JSON
is($t->json('POST', $mod, '/api/users/alice/suspension',
            '{"days":2,"reason":"<script>alert(1)</script> & \"x\""}')->{status}, 204, 'a suspension to log');
is($t->json('PATCH', $mod, "/api/comments/$kept", '{"status":"hidden"}')->{status}, 204, 'a hiding to log');
is($t->json('GET', undef, '/api/moderation/log')->{status}, 401, 'the log needs a login');
is($t->json('GET', $alice, '/api/moderation/log')->{status}, 403, 'readers may not read it');
$r = $t->json('GET', $mod, '/api/moderation/log');
is($r->{status}, 200, 'a moderator reads the log');
like($r->{headers}{'content-type'}, qr{^application/json}, 'as JSON');
like($r->{headers}{'cache-control'} // '', qr/no-store/, 'never stored');
unlike($r->{content}, qr/<script>/, 'markup in a reason is escaped');
my $log = decode_json($r->{content});
is(scalar @{ $log->{entries} }, 3, 'three entries');
is($log->{next}, undef, 'and no more');
my ($hide, $suspend, $remove) = @{ $log->{entries} };
is($hide->{action}, 'hide', 'newest first');
is($hide->{comment}, $kept, 'which comment');
is($hide->{user}, 'alice', 'whose');
is($hide->{by}, 'mod1', 'by whom');
like($hide->{at}, qr/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'when');
is($suspend->{reason}, '<script>alert(1)</script> & "x"', 'the reason as written, once decoded');
is($remove->{action}, 'delete all comments', 'the deletion of a user\'s comments');
is($remove->{reason}, '3 comments', 'with how many');
ok($hide->{id} > $suspend->{id}, 'ids go down');

$r = $t->json('GET', $mod, '/api/moderation/log?limit=1');
$log = decode_json($r->{content});
is(scalar @{ $log->{entries} }, 1, '?limit=1: one entry');
is($log->{next}, $hide->{id}, 'and where the next page starts');
$log = decode_json($t->json('GET', $mod, "/api/moderation/log?limit=1&before=$log->{next}")->{content});
is($log->{entries}[0]{action}, 'suspend', '?before= goes on');
for my $bad ('limit=0', 'limit=501', 'limit=x', 'before=0', 'before=x') {
    is($t->json('GET', $mod, "/api/moderation/log?$bad")->{status}, 400, "$bad: 400");
}

$t->done;
done_testing;
