# Word lists, links and duplicates (issue 16): banned words refuse a
# comment (anyone's, by form and by JSON, without naming the word),
# suspect words and too many links hold a reader's comment, whole words
# folded for case and accents with * at either end; the lists are kept
# in the store, changed by newsctl, the API and the moderators' form,
# and seen by every worker at its next comment without a reload; the
# same text twice from one reader within ten minutes is a 409.
use strict;
use warnings;
use utf8;
use Test::More;
use Encode qw(encode_utf8);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0; news_body_max 64k; client_body_buffer_size 64k;');
$t->newsctl('import', 'demo/seed-article.json');

# newsctl: add, list, remove; a bad word changes nothing
my ($rc, $out, $err) = $t->newsctl('words', 'add', 'banned', 'Café', 'spam*');
is($rc, 0, 'newsctl words add banned') or diag $err;
($rc, $out, $err) = $t->newsctl('words', 'add', 'suspect', '*coin', 'crypto', '*casino*');
is($rc, 0, 'newsctl words add suspect') or diag $err;
($rc, $out, $err) = $t->newsctl('words', 'add', 'banned', 'fine', '<script>');
is($rc, 1, 'a word that is not a word is refused');
like($err, qr/word 2: a word is one word/, 'naming its place');
unlike($err, qr/script/, 'not the word');
($rc, $out) = $t->newsctl('words', 'list');
is($out, "suspect *casino*\nsuspect *coin\nbanned cafe\nsuspect crypto\nbanned spam*\n",
   'newsctl words list: folded, with their lists; the refused command added nothing');
($rc, undef, $err) = $t->newsctl('words', 'remove', 'nothere');
is($rc, 1, 'removing a word on no list fails');
like($err, qr/on no list/, 'and says so');
($rc) = $t->newsctl('words', 'add', 'suspect', 'moveme');
($rc) = $t->newsctl('words', 'add', 'banned', 'MoveMe');
($rc, $out) = $t->newsctl('words', 'list');
like($out, qr/^banned moveme$/m, 'a word added to the other list moves there');
($rc) = $t->newsctl('words', 'remove', 'moveme');
is($rc, 0, 'newsctl words remove');
($rc, $out) = $t->newsctl('words', 'list');
unlike($out, qr/moveme/, 'gone');

$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $mod = $t->login('mod1', 'moderator');

sub json_req {
    my ($method, $cookie, $path, $body) = @_;
    return $t->request($method, $path, { headers => { 'Content-Type' => 'application/json',
                                                      ($cookie ? (Cookie => $cookie) : ()) },
                                         (defined $body ? (content => encode_utf8($body)) : ()) });
}

sub post {
    my ($cookie, $text) = @_;
    my $body = $text;
    $body =~ s/(["\\])/\\$1/g;
    $body =~ s/\n/\\n/g;
    return json_req('POST', $cookie, $API, qq({"body":"$body"}));
}

sub status_of {
    my ($r) = @_;
    return $r->{status} == 201 ? ($r->{content} =~ /"status":"(\w+)"/)[0] // 'visible' : $r->{status};
}

sub csrf_of { return $t->csrf_of(@_) }

sub form_post {
    my ($cookie, $path, $fields) = @_;
    my $body = join '&', map { my $v = encode_utf8($fields->{$_});
                               $v =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge; "$_=$v" } sort keys %$fields;
    return $t->request('POST', $path, { headers => { Cookie => $cookie,
                                        'Content-Type' => 'application/x-www-form-urlencoded' },
                                        content => $body });
}

# banned: refused for anyone, whole words, folded, with wildcards
my $r = post($alice, 'I had a CAFE au lait');
is($r->{status}, 422, 'a banned word in other letters and without its accent: 422');
like($r->{content}, qr/"message":"a word in this comment is not allowed here"/, 'the message says so');
unlike($r->{content}, qr/caf/i, 'without naming the word');
is(post($alice, 'spammers everywhere')->{status}, 422, 'spam* matches spammers');
is(post($alice, 'SPAM!')->{status}, 422, 'and spam itself');
is(post($mod, 'a moderator says café')->{status}, 422, "a moderator's own comment too");
is(status_of(post($alice, 'the cafeteria is open')), 'visible', 'a longer word is not the word');
is(status_of(post($alice, 'antispam tools')), 'visible', 'nor one it ends');

# suspect: held for readers, not for moderators
is(status_of(post($alice, 'buy bitcoin now')), 'pending', '*coin holds bitcoin');
is(status_of(post($alice, 'Crypto, they said')), 'pending', 'a suspect word holds the comment');
is(status_of(post($alice, 'the onlinecasinos of old')), 'pending', '*casino* holds a word holding it');
is(status_of(post($mod, 'moderators may say crypto')), 'visible', "a moderator's comment is not held");
is(post($alice, 'crypto and cafe')->{status}, 422, 'banned wins over suspect');

# links: more than news_comment_max_links (2) held
is(status_of(post($bob, "see https://a.example/ and http://b.example/x")), 'visible', 'two links: posted');
is(status_of(post($bob, "see https://a.example/ http://b.example/ https://c.example/")), 'pending',
   'three links: held');
is(status_of(post($bob, "not links: ftp://x.example/ www.y.example z.example")), 'visible',
   'what the page does not make a link does not count');

# duplicates: the same text from the same reader within ten minutes
is(status_of(post($bob, 'A remark worth making once')), 'visible', 'a remark');
$r = post($bob, "A remark worth making once\r\n");
is($r->{status}, 409, 'the same text again (once normalised): 409');
like($r->{content}, qr/"code":"conflict"/, 'a conflict');
is(status_of(post($alice, 'A remark worth making once')), 'visible', 'another reader may say the same');

# by form: the page comes back with the text and the reason
my $csrf = csrf_of($alice, $PAGE);
$r = form_post($alice, "$PAGE/comments", { body => 'Spam of the day', csrf => $csrf });
is($r->{status}, 422, 'a banned word by form: 422');
like($r->{content}, qr/role="alert"[^>]*>a word in this comment is not allowed here/, 'the reason, announced');
like($r->{content}, qr/Spam of the day<\/textarea>/, 'the text kept in the form');
$r = form_post($alice, "$PAGE/comments", { body => 'crypto by form', csrf => $csrf });
is($r->{status}, 303, 'a suspect word by form: posted');
$r = form_post($alice, "$PAGE/comments", { body => 'crypto by form', csrf => $csrf });
is($r->{status}, 409, 'the same again by form: 409');
like($r->{content}, qr/posted this same comment/, 'saying why');
unlike($t->get($PAGE)->{content}, qr/crypto by form/, 'the held one is not shown');

# edits: a banned word refused, a suspect word holds the edited comment
my ($id) = post($bob, 'an ordinary remark')->{content} =~ /"id":(\d+)/;
$r = json_req('PATCH', $bob, "/api/comments/$id", '{"body":"now with spam"}');
is($r->{status}, 422, 'an edit with a banned word: 422');
is(json_req('PATCH', $bob, "/api/comments/$id", '{"body":"now with crypto"}')->{status}, 204,
   'an edit with a suspect word is taken');
unlike($t->get($PAGE)->{content}, qr/now with crypto/, 'and held');

# the API: moderators only; PUT replaces both lists (news_body_max 64k
# lets a list past its 5000 words be sent)
is(json_req('GET', $alice, '/api/words')->{status}, 403, 'a reader may not read the lists');
is(json_req('GET', undef, '/api/words')->{status}, 401, 'nor may anyone logged out (401)');
$r = json_req('GET', $mod, '/api/words');
is($r->{status}, 200, 'a moderator reads them');
is($r->{content}, qq({"banned":["cafe","spam*"],"suspect":["*casino*","*coin","crypto"]}\n), 'as JSON');
is(json_req('PUT', $alice, '/api/words', '{"banned":[],"suspect":[]}')->{status}, 403,
   'a reader may not change them');
for my $bad ('{"banned":["x"]}', '{"banned":"x","suspect":[]}', '{"banned":[1],"suspect":[]}',
             '{"banned":[],"suspect":[],"other":[]}', '[]') {
    is(json_req('PUT', $mod, '/api/words', $bad)->{status}, 422, "PUT $bad: 422");
}
$r = json_req('PUT', $mod, '/api/words', '{"banned":["ok","<img src=x onerror=alert(1)>"],"suspect":[]}');
is($r->{status}, 422, 'a hostile word: 422');
like($r->{content}, qr/word 2: a word is one word/, 'naming its place');
unlike($r->{content}, qr/img|onerror/, 'not the word');
is(json_req('GET', $mod, '/api/words')->{content},
   qq({"banned":["cafe","spam*"],"suspect":["*casino*","*coin","crypto"]}\n), 'nothing changed');
is(json_req('PUT', $mod, '/api/words', '{"banned":["Ärger","both"],"suspect":["both","hmm*"]}')->{status}, 204,
   'PUT replaces both lists');
is(json_req('GET', $mod, '/api/words')->{content}, qq({"banned":["arger","both"],"suspect":["hmm*"]}\n),
   'a word on both is banned');
my $many = join ',', map { qq("w$_") } 1 .. 5001;
$r = json_req('PUT', $mod, '/api/words', qq({"banned":[$many],"suspect":[]}));
is($r->{status}, 422, 'a list of 5001 words: 422');
like($r->{content}, qr/at most 5000/, '... saying how many it holds');
is(json_req('PUT', $mod, '/api/words', '{"banned":["Ärger","both","ARGER","arger"],"suspect":["both","hmm*","HMM*"]}')->{status},
   204, 'a word given twice, in other cases and accents');
is(json_req('GET', $mod, '/api/words')->{content}, qq({"banned":["arger","both"],"suspect":["hmm*"]}\n),
   '... is kept once');

# every worker sees the change at its next comment, without a reload
my %seen;
for my $i (1 .. 6) {
    $seen{post($alice, "spam is fine now $i")->{status}}++;
    $seen{post($alice, "so much ärger $i")->{status}}++;
}
is_deeply(\%seen, { 201 => 6, 422 => 6 }, 'old words no longer refuse, new ones do, on both workers');

# the moderators' page and form
is($t->get('/moderation/words', { headers => { Cookie => $alice } })->{status}, 403, 'a reader: 403');
$r = $t->get('/moderation/words', { headers => { Cookie => $mod } });
is($r->{status}, 200, 'the word lists page');
like($r->{content}, qr{<h2>Banned words</h2>\n<ul class="words">\n<li>arger</li>\n<li>both</li>}, 'lists its words');
like($t->get('/moderation', { headers => { Cookie => $mod } })->{content}, qr{href="moderation/words"},
     'linked from the moderation page');
$csrf = csrf_of($mod, '/moderation/words');
$r = form_post($mod, '/moderation/words', { words => 'scam, Fraud*', action => 'banned' });
is($r->{status}, 403, 'without the CSRF token: 403');
$r = form_post($mod, '/moderation/words', { words => 'scam, Fraud*', action => 'banned', csrf => $csrf });
is($r->{status}, 303, 'banned by form');
like($r->{headers}{location}, qr{/moderation/words$}, 'back to the page');
$r = form_post($mod, '/moderation/words', { words => "both\nhmm*", action => 'remove', csrf => $csrf });
is($r->{status}, 303, 'removed by form');
$r = form_post($mod, '/moderation/words', { words => 'ok "><script>alert(1)</script>', action => 'suspect',
                                             csrf => $csrf });
is($r->{status}, 422, 'a hostile word by form: 422');
like($r->{content}, qr/aria-invalid="true" aria-describedby="words-error">\n<span class="error" id="words-error" role="alert">word 2: a word is one word/,
     'the reason, tied to the field');
unlike($r->{content}, qr/<script>alert/, 'nothing of it as HTML');
$r = form_post($mod, '/moderation/words', { words => 'x', action => 'nuke', csrf => $csrf });
is($r->{status}, 400, 'an unknown action: 400');
$r = form_post($mod, '/moderation/words', { words => 'a' x 4001, action => 'banned', csrf => $csrf });
is($r->{status}, 422, 'too many bytes at once: 422');
is(json_req('GET', $mod, '/api/words')->{content}, qq({"banned":["arger","fraud*","scam"],"suspect":[]}\n),
   'the lists as the forms left them');
is(post($alice, 'fraudulent!')->{status}, 422, 'and comments meet them at once');

($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check: the store is whole') or diag $out;

$t->done;
done_testing;
