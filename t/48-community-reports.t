# Readers' reports of comments (issue 16): any logged-in reader reports a
# visible comment once, by JSON or by the form under its "Report" link
# (CSRF); every field of the JSON with every JSON type; a note is
# size-limited and hostile notes stay text; one's own comment, a hidden
# one and a second report are refused, as is a suspended reader.  The
# "Reported" tab lists comments most reported first with their reasons,
# a page at a time; moderators dismiss the reports or act (hide, delete),
# by form and by JSON, each in the log.  news_comment_report_hide: at N
# reports from different readers the comment is hidden until a moderator
# decides, and stays hidden when its author edits it.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_comment_report_hide 3;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $carol = $t->login('carol');
my $dave = $t->login('dave');
my $mod = $t->login('mod1', 'moderator');

sub json_req { return $t->json(@_) }
sub csrf_of { return $t->csrf_of(@_) }
sub form_post { return $t->form_post(@_) }

sub post {
    my ($cookie, $text) = @_;
    my ($id) = json_req('POST', $cookie, $API, qq({"body":"$text"}))->{content} =~ /"id":(\d+)/;
    return $id;
}

sub report {
    my ($cookie, $id, $body) = @_;
    return json_req('POST', $cookie, "/api/comments/$id/reports", $body // '{"reason":"spam"}');
}

sub visible {
    my ($id) = @_;
    return $t->get($PAGE)->{content} =~ /id="comment-$id">\n<article>/ ? 1 : 0;
}

my $c1 = post($alice, 'a first comment to report');
my $c2 = post($alice, 'a second comment to report');
my $c3 = post($bob, 'a third comment nobody minds');
ok($c1 && $c2 && $c3, 'three comments');

# the Report link under each comment
my $page = $t->get($PAGE)->{content};
like($page, qr{<a href="comments/$c1/report" rel="nofollow">Report</a>}, 'each comment has a Report link');

# JSON: every field with every JSON type
is(report(undef, $c1)->{status}, 401, 'nobody logged in: 401');
for my $bad ('{}', '{"reason":null}', '{"reason":1}', '{"reason":true}', '{"reason":[]}', '{"reason":{}}',
             '{"reason":"nonsense"}', '{"reason":"SPAM"}', '{"reason":"spam","note":null}',
             '{"reason":"spam","note":1}', '{"reason":"spam","note":false}', '{"reason":"spam","note":[]}',
             '{"reason":"spam","note":{}}', '{"reason":"spam","other":1}', '{"note":"x"}', '[]', '"spam"', '1',
             'null') {
    my $r = report($bob, $c1, $bad);
    ok($r->{status} == 422 || $r->{status} == 400, "$bad: refused ($r->{status})");
}
is(report($bob, $c1, '{"reason":')->{status}, 400, 'not JSON: 400');
is(report($bob, $c1, '{"reason":"spam","reason":"abuse"}')->{status}, 400, 'a key twice: 400');
is(report($bob, $c1, '{"reason":"spam","note":"' . ('n' x 501) . '"}')->{status}, 422, 'a note over 500 bytes: 422');
is(report($bob, $c1, '{"reason":"spam","note":"two\nlines"}')->{status}, 422, 'a note of two lines: 422');
like(report($bob, $c1, '{"reason":"spam","note":"' . ('n' x 501) . '"}')->{content}, qr/at most 500 bytes/,
     'saying why');
is(report($bob, 999999)->{status}, 404, 'no such comment: 404');
is(report($bob, 'x')->{status}, 404, 'not a number: 404');
is(json_req('PATCH', $bob, "/api/comments/$c1/reports", '{}')->{status}, 405, 'PATCH: 405');

my $r = report($alice, $c1);
is($r->{status}, 403, 'one\'s own comment: 403');
like($r->{content}, qr/you cannot report your own comment/, 'saying so');

my $hostile = '<script>alert(1)</script> & "quotes"';
$r = report($bob, $c1, qq({"reason":"abuse","note":"<script>alert(1)</script> & \\"quotes\\""}));
is($r->{status}, 204, 'a reader reports a comment');
$r = report($bob, $c1, '{"reason":"spam"}');
is($r->{status}, 409, 'a second report by the same reader: 409');
like($r->{content}, qr/already reported/, 'saying so');
is(visible($c1), 1, 'one report hides nothing');

# hidden comments cannot be reported
is(json_req('PATCH', $mod, "/api/comments/$c3", '{"status":"hidden"}')->{status}, 204, 'a moderator hides one');
is(report($carol, $c3)->{status}, 404, 'a hidden comment cannot be reported: 404');
like(report($carol, $c3)->{content}, qr/no such comment/, 'said as if it did not exist');
is(json_req('PATCH', $mod, "/api/comments/$c3", '{"status":"visible"}')->{status}, 204, 'shown again');

# a suspended reader reports nothing
is(json_req('POST', $mod, '/api/users/dave/suspension', '{"days":1,"reason":"cool off"}')->{status}, 204,
   'dave is suspended');
$r = report($dave, $c3);
is($r->{status}, 403, 'a suspended reader may not report');
like($r->{content}, qr/suspended until/, 'told why');
is(json_req('DELETE', $mod, '/api/users/dave/suspension')->{status}, 204, 'lifted');
is(json_req('POST', $mod, '/api/users/dave/suspension', '{"days":1,"reason":"two\\nlines"}')->{status}, 422,
   'a suspension\'s reason is on one line too');

# the form: a page under the Report link, CSRF, reasons
is($t->get("/comments/$c2/report")->{status}, 403, 'the form needs a login');
$r = $t->get("/comments/$c2/report", { headers => { Cookie => $carol } });
is($r->{status}, 200, 'the report form');
like($r->{content}, qr/<input type="radio" name="reason" id="reason-off_topic" value="off_topic">/, 'with its reasons');
like($r->{content}, qr/a second comment to report/, 'showing the comment');
is($t->get("/comments/$c2/report", { headers => { Cookie => $alice } })->{status}, 403,
   'the author gets no form for their own comment');
is($t->get("/comments/$c3/report", { headers => { Cookie => $carol } })->{status}, 200, 'any visible comment');
my $csrf = csrf_of($carol, "/comments/$c2/report");
is(form_post($carol, "/comments/$c2/report", { reason => 'spam' })->{status}, 403, 'without the CSRF token: 403');
$r = form_post($carol, "/comments/$c2/report", { csrf => $csrf });
is($r->{status}, 422, 'no reason: 422');
like($r->{content}, qr/Choose what is wrong with the comment/, 'saying so');
$r = form_post($carol, "/comments/$c2/report", { csrf => $csrf, reason => 'spam', note => 'x' x 501 });
is($r->{status}, 422, 'a long note: 422');
like($r->{content}, qr/id="note-error" role="alert">a note is at most 500 bytes/, 'tied to the field');
$r = form_post($carol, "/comments/$c2/report", { csrf => $csrf, reason => 'off_topic', note => $hostile });
is($r->{status}, 200, 'reported by form');
like($r->{content}, qr/Thank you: a moderator will look at this comment\./, 'thanked');
$r = form_post($carol, "/comments/$c2/report", { csrf => $csrf, reason => 'spam' });
is($r->{status}, 409, 'twice by form: 409');
is(report($carol, $c1, '{"reason":"other"}')->{status}, 204, 'carol reports the first too');

# the Reported tab: most reported first, reasons, notes escaped
is($t->get('/moderation/reported', { headers => { Cookie => $bob } })->{status}, 403, 'readers have no tab');
$r = $t->get('/moderation/reported', { headers => { Cookie => $mod } });
is($r->{status}, 200, 'the Reported tab');
like($r->{content}, qr/<a href="moderation\/reported" aria-current="page">Reported<\/a>/, 'a tab of /moderation');
like($t->get('/moderation', { headers => { Cookie => $mod } })->{content}, qr/<a href="moderation\/reported">Reported<\/a>/,
     'linked from the queue');
like($r->{content}, qr/id="comment-$c1">.*id="comment-$c2">/s, 'the most reported first');
like($r->{content}, qr/<b>2 reports<\/b> \(Abuse: 1, Something else: 1\)/, 'with its reasons counted');
like($r->{content}, qr/<li>Abuse: &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;<\/li>/,
     'and the notes, escaped');
unlike($r->{content}, qr/<script>/, 'nothing a reader wrote is markup');
like($r->{content}, qr/<b>1 report<\/b> \(Off topic: 1\)/, 'the second');
is($t->get('/moderation/reported?after=x', { headers => { Cookie => $mod } })->{status}, 400, 'a bad cursor: 400');
$r = $t->get("/moderation/reported?after=2-$c1", { headers => { Cookie => $mod } });
unlike($r->{content}, qr/id="comment-$c1">/, 'the next page starts after the cursor');
like($r->{content}, qr/id="comment-$c2">/, 'with the next one');

# moderators dismiss or act
$csrf = csrf_of($mod, '/moderation/reported');
is(form_post($mod, '/moderation/reported', { id => $c2, action => 'dismiss' })->{status}, 403,
   'without the CSRF token: 403');
is(form_post($bob, '/moderation/reported', { id => $c2, action => 'dismiss', csrf => $csrf })->{status}, 403,
   'a reader may not dismiss');
is(form_post($mod, '/moderation/reported', { id => $c2, action => 'bogus', csrf => $csrf })->{status}, 400,
   'an unknown action: 400');
is(form_post($mod, '/moderation/reported', { id => $c2, action => 'dismiss', csrf => $csrf })->{status}, 303,
   'a moderator dismisses the reports by form');
$r = $t->get('/moderation/reported', { headers => { Cookie => $mod } });
unlike($r->{content}, qr/id="comment-$c2">/, 'the comment leaves the tab');
is(visible($c2), 1, 'and stays');
is(json_req('DELETE', $mod, "/api/comments/$c2/reports")->{status}, 409, 'nothing left to dismiss: 409');
is(report($carol, $c2, '{"reason":"spam"}')->{status}, 204, 'a dismissed report may be made again');
is(json_req('DELETE', $bob, "/api/comments/$c2/reports")->{status}, 403, 'readers may not dismiss by JSON');
is(json_req('DELETE', $mod, "/api/comments/$c2/reports")->{status}, 204, 'a moderator dismisses by JSON');
is(form_post($mod, '/moderation/reported', { id => $c1, action => 'hide', csrf => $csrf })->{status}, 303,
   'a moderator hides a reported comment from the tab');
is(visible($c1), 0, 'it is hidden');
unlike($t->get('/moderation/reported', { headers => { Cookie => $mod } })->{content}, qr/id="comment-$c1">/,
       'and decided: off the tab');

# news_comment_report_hide 3: hidden at the third reader's report
my $c4 = post($alice, 'a comment three readers dislike');
is(report($bob, $c4)->{status}, 204, 'one report');
is(report($carol, $c4, '{"reason":"abuse"}')->{status}, 204, 'two');
is(visible($c4), 1, 'still shown at two');
is(report($dave, $c4, '{"reason":"off_topic"}')->{status}, 204, 'three');
is(visible($c4), 0, 'hidden at three, until a moderator decides');
is(json_req('GET', undef, $API)->{content} =~ /"id":$c4,/ ? 1 : 0, 0, 'gone from the API too');
$r = $t->get('/moderation/reported', { headers => { Cookie => $mod } });
like($r->{content}, qr/<b>3 reports<\/b> \([^)]*\) · hidden by the reports until you decide/, 'the tab says so');
like($r->{content}, qr/Dismiss the reports and show it/, 'and offers to show it again');
is(json_req('PATCH', $alice, "/api/comments/$c4", '{"body":"edited, still bad"}')->{status}, 204,
   'its author edits it');
is(visible($c4), 0, 'it stays hidden after the edit');
like($t->get('/moderation/reported', { headers => { Cookie => $mod } })->{content}, qr/id="comment-$c4">/,
     'and on the tab');
is(form_post($mod, '/moderation/reported', { id => $c4, action => 'dismiss', csrf => $csrf })->{status}, 303,
   'the moderator dismisses the reports');
is(visible($c4), 1, 'and the comment is back');

my $c5 = post($bob, 'another comment three readers dislike');
report($_, $c5) for ($alice, $carol, $dave);
is(visible($c5), 0, 'hidden by three reports');
is(form_post($mod, '/moderation/reported', { id => $c5, action => 'delete', csrf => $csrf })->{status}, 303,
   'deleted from the tab');
unlike($t->get('/moderation/reported', { headers => { Cookie => $mod } })->{content}, qr/id="comment-$c5">/,
       'and off it');

# the log
$r = $t->get('/moderation/log', { headers => { Cookie => $mod } });
like($r->{content}, qr/<b>mod1<\/b> dismiss reports comment $c2 of/, 'a dismissal is logged');
like($r->{content}, qr/<b>dave<\/b> hidden by reports comment $c4 of <a href="moderation\/users\/alice">alice<\/a>: 3 reports/,
     'a hiding by the reports, with the report that did it');
like($r->{content}, qr/<b>mod1<\/b> hide comment $c1 of/, 'acting on one');
like($r->{content}, qr/<b>mod1<\/b> delete comment $c5 of/, 'a deletion');

my ($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check: the store is whole') or diag $out;

$t->done;
done_testing;
