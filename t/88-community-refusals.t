# The community forms' refusals one by one (issue 21): the words form
# with no word, too many bytes, an unknown action close to a known one,
# words parted by tabs and line ends, a word to remove that is on no list;
# PUT /api/words with a suspect list past its bound; a reader's page and
# the suspension API for a name that cannot be one, the reader's form
# with each action close to a known one, days and a reason out of range,
# a lift with nothing to lift; the moderation log's cursor. Each is a
# clear 4xx that changes nothing.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(workers => 1, http => 'news_body_max 64k; client_body_buffer_size 64k;');
$t->run;
my $mod = $t->login('mod1', 'moderator');
my $alice = $t->login('alice');
sub get_mod { $t->get($_[0], { headers => { Cookie => $mod } }) }

my $csrf = $t->csrf_of($mod, '/moderation/words');
ok($csrf, 'the words form has a token');
my $before = $t->export;

# the words form
for my $case ([' ', 'only spaces'], [" \t\r\n,, ", 'only separators'], ['', 'nothing']) {
    my $r = $t->form_post($mod, '/moderation/words', { csrf => $csrf, words => $case->[0], action => 'banned' });
    is($r->{status}, 422, "$case->[1]: 422");
    like($r->{content}, qr/Give one word or more|words/, '  saying what it wants');
}
my $r = $t->form_post($mod, '/moderation/words', { csrf => $csrf, words => 'a ' x 2001, action => 'banned' });
is($r->{status}, 422, 'more than 4000 bytes: 422');
for my $act ('remov', 'removes', 'ban', 'suspects', '') {
    is($t->form_post($mod, '/moderation/words', { csrf => $csrf, words => 'x', action => $act })->{status}, 400,
       "action \"$act\": 400");
}
is($t->form_post($mod, '/moderation/words', { csrf => $csrf, words => 'x' })->{status}, 400, 'no action: 400');
$r = $t->form_post($mod, '/moderation/words', { csrf => $csrf, words => 'nothere', action => 'remove' });
ok($r->{status} == 404 || $r->{status} == 422, "a word on no list to remove: $r->{status}");
like($r->{content}, qr/on no list/, '  saying so');
is($t->export, $before, 'nothing changed');

$r = $t->form_post($mod, '/moderation/words', { csrf => $csrf, words => "one\ttwo\rthree\nfour,five", action => 'suspect' });
is($r->{status}, 303, 'words parted by a tab, CR, LF and a comma');
is($t->json('GET', $mod, '/api/words')->{content}, qq({"banned":[],"suspect":["five","four","one","three","two"]}\n),
   'each a word of its own');
$r = $t->form_post($mod, '/moderation/words', { csrf => $csrf, words => "two\tfour", action => 'remove' });
is($r->{status}, 303, 'two removed at once');
is($t->json('GET', $mod, '/api/words')->{content}, qq({"banned":[],"suspect":["five","one","three"]}\n), 'the rest kept');

# PUT /api/words: the suspect list past its bound
my $many = join ',', map { qq("w$_") } 1 .. 5001;
$r = $t->json('PUT', $mod, '/api/words', qq({"banned":[],"suspect":[$many]}));
is($r->{status}, 422, 'a suspect list of 5001 words: 422');
is($t->json('GET', $mod, '/api/words')->{content}, qq({"banned":[],"suspect":["five","one","three"]}\n),
   'the lists unchanged');
$before = $t->export;

# names that cannot be a reader's
for my $name ('a%20b', '%3Cx%3E', 'x' x 65) {
    is(get_mod("/moderation/users/$name")->{status}, 404, "the page of \"$name\": 404");
    is($t->form_post($mod, "/moderation/users/$name", { csrf => $csrf, action => 'lift' })->{status}, 404,
       "  its form: 404");
    $r = $t->json('POST', $mod, "/api/users/$name/suspension", '{"days":1}');
    is($r->{status}, 404, '  its suspension: 404');
    like($r->{content}, qr/"not_found"/, '  JSON saying so');
    is($t->json('DELETE', $mod, "/api/users/$name/suspension")->{status}, 404, '  its lift: 404');
}

# the reader's form
my $U = '/moderation/users/alice';
my $ucsrf = $t->csrf_of($mod, $U);
ok($ucsrf, "the reader's page has a token");
for my $act ('lif', 'lifts', 'delete-comment', 'delete-commentss', 'suspen', 'suspends', '') {
    is($t->form_post($mod, $U, { csrf => $ucsrf, action => $act })->{status}, 400, "action \"$act\": 400");
}
is($t->form_post($mod, $U, { csrf => $ucsrf })->{status}, 400, 'no action: 400');
is($t->form_post($mod, $U, { action => 'lift' })->{status}, 403, 'no token: 403');
for my $days ('0', '3651', 'x', '-1', '99999999999999999999') {
    $r = $t->form_post($mod, $U, { csrf => $ucsrf, action => 'suspend', days => $days });
    is($r->{status}, 422, "days \"$days\": 422");
    like($r->{content}, qr/A suspension is 1 to 3650 days/, '  saying the range');
}
for my $reason ("two\nlines", 'r' x 161, "bell\x07") {
    $r = $t->form_post($mod, $U, { csrf => $ucsrf, action => 'suspend', days => 2, reason => $reason });
    is($r->{status}, 422, 'a reason of ' . length($reason) . ' bytes with what a reason may not hold: 422');
    like($r->{content}, qr/aria-invalid="true"/, '  tied to its field');
}
$r = $t->form_post($mod, $U, { csrf => $ucsrf, action => 'lift' });
is($r->{status}, 409, 'a lift with nothing to lift: 409');
is($t->json('DELETE', $mod, '/api/users/alice/suspension')->{status}, 409, '  and by the API');
is($t->export, $before, 'nothing changed');

# a ban (days empty) with a reason, then lifted: the form's own path
$r = $t->form_post($mod, $U, { csrf => $ucsrf, action => 'suspend', days => '', reason => 'spam, twice' });
is($r->{status}, 303, 'a ban with a reason');
like(get_mod($U)->{content}, qr/spam, twice/, 'the page says why');
is($t->form_post($mod, $U, { csrf => $ucsrf, action => 'lift' })->{status}, 303, 'lifted');

# the moderation log's cursor
for my $q ('before=x', 'before=0', 'before=-3', 'before=99999999999999999999999') {
    ok(get_mod("/moderation/log?$q")->{status} =~ /^(400|404)$/, "the log ?$q: a 4xx");
    ok($t->json('GET', $mod, "/api/moderation/log?$q")->{status} =~ /^(400|404)$/, "  and by the API");
}
for my $q ('limit=0', 'limit=501', 'limit=x') {
    is($t->json('GET', $mod, "/api/moderation/log?$q")->{status}, 400, "the log's ?$q: 400");
}

$t->done;
done_testing;
