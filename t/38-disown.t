#!/usr/bin/perl
# The end of an account and its sessions: a reader deleting the account
# chooses whether the comments stay (as "[deleted user]") or go; a
# deleted account's comments are disowned a batch at a time while other
# writes go on; one chosen session ends by its id, never the token, and
# only the reader's own; a moderator's form ends a reader's sessions;
# newsctl export carries each comment's author id and import restores it.

use strict;
use warnings;

use Digest::SHA qw(sha256_hex);
use JSON::PP;
use Test::More;
use Time::HiRes qw(sleep);
use lib 't/lib';
use NewsTest;

my $JSON = { 'Content-Type' => 'application/json' };
my $FORM = { 'Content-Type' => 'application/x-www-form-urlencoded' };
my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

my $t = NewsTest->new(http => 'news_comment_rate 0;');
$t->run;
$t->newsctl('import', 'demo/seed-article.json');

sub as {
    my ($method, $path, $cookie, $json) = @_;
    return $t->request($method, $path, { headers => { %$JSON, Cookie => $cookie },
                                         defined $json ? (content => $json) : () });
}

sub form {
    my ($path, $cookie, $body) = @_;
    return $t->request('POST', $path, { headers => { %$FORM, Cookie => $cookie },
                                        content => $body });
}

sub me { return as('GET', '/api/me', $_[0])->{status} }

sub uid {
    my ($cookie) = @_;
    return as('GET', '/api/me', $cookie)->{content} =~ /"id":(\d+)/ ? $1 : 0;
}

sub comment {
    my ($cookie, $body, $parent) = @_;
    my $json = defined $parent ? qq({"body":"$body","parent":$parent}) : qq({"body":"$body"});
    my $r = as('POST', "/api/articles/$SLUG/comments", $cookie, $json);
    return $r->{content} =~ /"id":(\d+)/ ? $1 : 0;
}

sub csrf_of { return $t->csrf_of(@_) }

# what the id of a session is: the first 16 hex digits of its token's SHA-256
sub sid { my ($cookie) = @_; my ($tok) = $cookie =~ /=([0-9a-f]+)/; return substr(sha256_hex(pack('H*', $tok)), 0, 16) }

# a deletion's comments are disowned in the background: wait for it
sub eventually {
    my ($path, $re) = @_;
    my $body = '';
    for (1 .. 600) {
        $body = $t->get($path)->{content};
        return $body if $body =~ $re;
        sleep 0.1;
    }
    return $body;
}

sub check_clean {
    my ($name) = @_;
    my ($rc, $out, $err) = $t->newsctl('check');
    is($rc, 0, "newsctl check: $name") or diag "$out$err";
}

# --- deleting an account: its comments go -----------------------------------------

my $leaver = $t->login('leaver');
my $other = $t->login('other');
my $top = comment($leaver, 'Words of the leaver');
my $reply = comment($other, 'A reply to the leaver', $top);
my $alone = comment($leaver, 'Unanswered words of the leaver');
ok($top && $reply && $alone, 'the leaver comments, another reader replies to one');

my $res = as('POST', '/api/me/delete', $leaver, '{"password":"pw-of-leaver-123","comments":"maybe"}');
is($res->{status}, 422, 'comments neither keep nor remove: 422');
is(me($leaver), 200, 'the account is still there');
$res = as('POST', '/api/me/delete', $leaver, '{"password":"pw-of-leaver-123","comments":"remove"}');
is($res->{status}, 204, 'POST /api/me/delete with "comments":"remove": 204');

my $page = eventually("/articles/$SLUG", qr/^(?!.*Words of the leaver)/s);
unlike($page, qr/[Ww]ords of the leaver/, 'the article page no longer shows their words');
unlike($page, qr/>leaver</, 'nor their name');
like($page, qr/A reply to the leaver/, "the other reader's reply stays");
like($page, qr/\[deleted\]/, 'under the placeholder where the comment was');
unlike($page, qr/id="comment-$alone"/, 'an unanswered comment is gone from the page');
my $list = $t->get("/api/articles/$SLUG/comments")->{content};
unlike($list, qr/"author":"leaver"/, 'the API lists none of theirs');
like($list, qr/"parent":$top,"author":"other"/, 'the reply still hangs under it');
my $export = $t->export;
unlike($export, qr/"author":\s*"leaver"/, 'the export names them nowhere');
like($export, qr/"author":\s*"\[deleted user\]",\s*"body":\s*"\[deleted\]"/, 'the records say "[deleted user]", "[deleted]"');
check_clean('the author index agrees after a deletion');

# --- deleting an account from the form: its comments stay ------------------------

my $keeper = $t->login('keeper');
comment($keeper, 'Words worth keeping');
$page = $t->get('/account', { headers => { Cookie => $keeper } })->{content};
like($page, qr{<input type="radio" id="comments-keep" name="comments" value="keep" checked>}, 'the account page offers to keep the comments');
like($page, qr{<input type="radio" id="comments-remove" name="comments" value="remove">}, 'or to remove them');
my $csrf = csrf_of($keeper, '/account');
is(form('/account', $keeper, "csrf=$csrf&action=delete&comments=perhaps&password=pw-of-keeper-123")->{status},
   422, 'the form with another choice: 422');
is(form('/account', $keeper, "csrf=" . ('0' x 64) . "&action=delete&comments=keep&password=pw-of-keeper-123")->{status},
   403, 'a wrong CSRF token: 403');
is(me($keeper), 200, 'the account is still there');
$res = form('/account', $keeper, "csrf=$csrf&action=delete&comments=keep&password=pw-of-keeper-123");
is($res->{status}, 303, 'deleted by the form, keeping the comments: 303');
$list = eventually("/api/articles/$SLUG/comments", qr/"author":"\[deleted user\]","body":"Words worth keeping"/);
like($list, qr/"author":"\[deleted user\]","body":"Words worth keeping"/, 'the comment stays, as "[deleted user]"');
unlike($list, qr/keeper/, 'not under the old name');
is($t->request('POST', '/api/users', { headers => $JSON,
   content => '{"username":"Keeper","password":"someone-elses-pw"}' })->{status}, 409, 'whose name stays reserved');
check_clean('after a deletion that keeps the comments');

# --- ten thousand comments go in batches while others write ------------------------

my $prolific = $t->login('prolific');
my $pid = uid($prolific);
my @articles;
for my $n (1 .. 4) {
    my @cs = map { { author => 'prolific', author_id => 0 + $pid, body => "Bulk comment $n.$_",
                     created_at => sprintf('2025-01-01T%02d:%02d:%02dZ', $_ / 3600, ($_ / 60) % 60, $_ % 60) } } 1 .. 2500;
    push @articles, { title => "Bulk $n", slug => "bulk-$n", body => 'Bulk.', published_at => '2025-01-01T00:00:00Z',
                      comments => \@cs };
}
my ($rc, $out, $err) = $t->newsctl('import', NewsTest::json_file(JSON::PP->new->encode(\@articles)));
is($rc, 0, 'an account with 10,000 comments (newsctl import, with its id)') or diag $err;
check_clean('the import filled the author index');

$res = as('POST', '/api/me/delete', $prolific, '{"password":"pw-of-prolific-123","comments":"remove"}');
is($res->{status}, 204, 'the account is deleted');
my $ok = 0;
my $poster = $t->login('poster');
for my $i (1 .. 20) {
    my $r = as('POST', "/api/articles/bulk-" . (1 + $i % 4) . "/comments", $poster, qq({"body":"Meanwhile $i"}));
    $ok++ if $r->{status} == 201;
}
is($ok, 20, 'every other comment posted meanwhile is written');
my $last = eventually('/api/articles/bulk-4/comments?limit=100', qr/^(?!.*Bulk comment)/s);
unlike($last, qr/Bulk comment/, 'in the end none of the 10,000 is left');
like($last, qr/Meanwhile/, 'and the others are');
my $left = () = $t->export =~ /prolific/g;
is($left, 0, 'nor is the name anywhere');
check_clean('after 10,000 comments were disowned');

# --- ending one session ----------------------------------------------------------

my $c1 = $t->login('multi');
my $log = sub { my $r = $t->request('POST', '/api/session', { headers => $JSON,
                content => '{"username":"multi","password":"pw-of-multi-123"}' });
                return (($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/)[0] };
my $c2 = $log->();
my $c3 = $log->();
my $stranger = $t->login('stranger');

$res = as('GET', '/api/sessions', $c1);
my @ids = $res->{content} =~ /"id":"([0-9a-f]{16})"/g;
is(scalar @ids, 3, 'three sessions listed');
ok((grep { $_ eq sid($c2) } @ids), 'an id is a prefix of the SHA-256 of the token');
ok(!(grep { index($c1 . $c2 . $c3, $_) >= 0 } @ids), 'never a piece of a token');

is(as('DELETE', '/api/sessions/' . sid($stranger), $c1)->{status}, 404, "another reader's session: 404");
is(me($stranger), 200, 'which goes on');
is(as('DELETE', '/api/sessions/zz', $c1)->{status}, 404, 'a garbled id: 404');
is(as('DELETE', '/api/sessions/' . substr(sid($c2), 0, 15), $c1)->{status}, 404, 'a short one: 404');
is($t->request('DELETE', '/api/sessions/' . sid($c2), { headers => { Cookie => $c1 } })->{status}, 204,
   'DELETE /api/sessions/{id}: 204');
is(me($c2), 401, 'that session has ended');
is(me($c1), 200, 'this one goes on');
is(me($c3), 200, 'and so does the third');
is(as('DELETE', '/api/sessions/' . sid($c2), $c1)->{status}, 404, 'ended already: 404');
is($t->request('DELETE', '/api/sessions/' . sid($c3), { headers => { Cookie => $c1,
   Origin => 'http://evil.example' } })->{status}, 403, 'from another site: 403');
is(as('DELETE', '/api/sessions/' . sid($c3), '')->{status}, 401, 'anonymous: 401');

$page = $t->get('/account', { headers => { Cookie => $c1 } })->{content};
my @forms = $page =~ /name="session" value="([0-9a-f]{16})"/g;
is_deeply([sort @forms], [sort(sid($c1), sid($c3))], 'the account page has a form for each session');
ok(index($page, ($c1 =~ /=(.*)/)[0]) < 0, 'the page holds no token');
$csrf = csrf_of($c1, '/account');
is(form('/account', $c1, "csrf=" . ('0' x 64) . "&action=end-session&session=" . sid($c3))->{status}, 403,
   'the form with a wrong CSRF token: 403');
is(me($c3), 200, 'the session goes on');
is(form('/account', $c1, "csrf=$csrf&action=end-session&session=" . sid($stranger))->{status}, 404,
   "another reader's session by the form: 404");
is(me($stranger), 200, 'which goes on');
$res = form('/account', $c1, "csrf=$csrf&action=end-session&session=" . sid($c3));
is($res->{status}, 303, 'the form ends a session: 303');
like($res->{headers}{location} // '', qr{/account$}, 'back to the account page');
is(me($c3), 401, 'that session has ended');
$res = form('/account', $c1, "csrf=$csrf&action=end-session&session=" . sid($c1));
is($res->{status}, 303, 'ending this browser\'s own: 303');
like($res->{headers}{'set-cookie'} // '', qr/^news_session=; /, 'its cookie is cleared');
is(me($c1), 401, 'and it has ended');

# --- a moderator's form ------------------------------------------------------------

my $mod = $t->login('mod1', 'moderator');
my $admin = $t->login('admin1', 'admin');
my $admin2 = $t->login('admin2', 'admin');
my $ed = $t->login('ed1', 'editor');
my $target = $t->login('target');
like($t->get('/moderation', { headers => { Cookie => $mod } })->{content},
     qr{<a href="moderation/sessions">End a reader's sessions</a>}, 'the moderation page links to the form');
is($t->get('/moderation/sessions')->{status}, 403, 'anonymous: the form is refused');
is($t->get('/moderation/sessions', { headers => { Cookie => $target } })->{status}, 403, 'a reader: refused');
$page = $t->get('/moderation/sessions', { headers => { Cookie => $mod } });
is($page->{status}, 200, 'GET /moderation/sessions as a moderator');
is($page->{headers}{'cache-control'}, 'no-store', 'not cached');
like($page->{content}, qr{<label for="username">Username</label>}, 'a form that names the account');
$csrf = csrf_of($mod, '/moderation/sessions');
is(form('/moderation/sessions', $target, "csrf=" . csrf_of($target, '/account') . "&username=ed1")->{status}, 403,
   'a reader posting it: 403');
is(me($ed), 200, 'the editor goes on');
is(form('/moderation/sessions', $mod, "csrf=" . ('0' x 64) . "&username=target")->{status}, 403, 'a wrong CSRF token: 403');
is(me($target), 200, 'the reader goes on');
$res = form('/moderation/sessions', $mod, "csrf=$csrf&username=target");
is($res->{status}, 200, 'a moderator ends a reader\'s sessions');
like($res->{content}, qr{role="status">Every session of target has ended\.}, 'and is told so');
is(me($target), 401, 'the reader is logged out');
$res = form('/moderation/sessions', $mod, "csrf=$csrf&username=ed1");
is($res->{status}, 403, "a moderator cannot end an editor's");
like($res->{content}, qr{aria-describedby="username-error"}, 'the error tied to the name');
is(me($ed), 200, 'the editor goes on');
is(form('/moderation/sessions', $mod, "csrf=$csrf&username=nobody")->{status}, 404, 'an unknown name: 404');
is(form('/moderation/sessions', $mod, "csrf=$csrf&username=%3Cb%3E")->{status}, 422, 'a name that is no name: 422');
is(form('/moderation/sessions', $admin, "csrf=" . csrf_of($admin, '/moderation/sessions') . "&username=admin2")->{status},
   200, "an admin ends another admin's");
is(me($admin2), 401, 'who is logged out');
is(me($admin), 200, 'the admin is not');

# --- the author id through export and import -------------------------------------

my $rt = $t->login('roundtrip');
my $rtid = uid($rt);
comment($rt, 'Round trip');
$export = $t->export;
like($export, qr/"author":\s*"roundtrip",\s*"author_id":\s*$rtid,/, 'newsctl export carries the author id');

my $u = NewsTest->new;
$u->run;
my $file = NewsTest::json_file($export);
($rc, $out, $err) = $u->newsctl('import', $file);
is($rc, 0, 'the export imports into another store') or diag $err;
is($u->export, $export, 'whose export is the same, author ids and all');
($rc, $out, $err) = $u->newsctl('check');
is($rc, 0, 'and whose author index is right') or diag "$out$err";
$u->done;

($rc, $out, $err) = $t->newsctl('import', $file);
is($rc, 0, 'the export imports into its own store');
check_clean('which keeps its author index right');

# --- a deletion whose disowning stopped midway goes on ---------------------------

SKIP: {
    my $lib = ($ENV{TEST_NEWS_BUILD} // NewsTest->root . '/build') . '/faults/liblmdbfault.so';
    skip "no fault library $lib (make faults-lib)", 10 unless -f $lib;

    my $halted = $t->login('halted');
    my $hid = uid($halted);
    my @cs = map { { author => 'halted', author_id => 0 + $hid, body => "Halted $_",
                     created_at => sprintf('2025-02-01T00:%02d:%02dZ', $_ / 60, $_ % 60) } } 1 .. 300;
    $t->newsctl('import', NewsTest::json_file(encode_json([{ title => 'Halted', slug => 'halted',
                body => 'x', published_at => '2025-02-01T00:00:00Z', comments => \@cs }])));

    # newsctl's store open, the deletion, then its first batch fails
    my $faults = $t->dir . '/faults';
    open my $fh, '>', $faults or die $!;
    print $fh "mdb_txn_commit 3 EIO\n";
    close $fh;
    {
        local $ENV{NEWS_FAULT_FILE} = $faults;
        local $ENV{LD_PRELOAD} = $lib;
        ($rc, $out, $err) = $t->newsctl('user', 'delete', 'halted');
    }
    is($rc, 1, 'newsctl user delete stops when a batch fails');
    like($err, qr/run the command again to finish/, 'and says how to finish');
    is(me($halted), 401, 'the account is gone');
    like($t->get('/api/articles/halted/comments')->{content}, qr/"author":"halted"/, 'its comments are not yet disowned');
    check_clean('a deletion stopped midway is a consistent store');

    $t->reload;
    my $list = eventually('/api/articles/halted/comments?limit=100', qr/^(?!.*"author":"halted")/s);
    like($list, qr/"author":"\[deleted user\]","body":"Halted 1"/, 'a new worker disowns them');
    unlike($list, qr/"author":"halted"/, 'every one of them');

    # newsctl run again finishes what it began
    my $h2 = $t->login('halted2');
    comment($h2, 'Halted two');
    {
        local $ENV{NEWS_FAULT_FILE} = $faults;
        local $ENV{LD_PRELOAD} = $lib;
        is(($t->newsctl('user', 'delete', 'halted2', '--comments', 'remove'))[0], 1, 'another deletion stops midway');
    }
    is(($t->newsctl('user', 'delete', 'halted2'))[0], 0, 'newsctl user delete again finishes it');
    unlike($t->get("/api/articles/$SLUG/comments")->{content}, qr/Halted two/, 'as it was asked: removed');
}

$t->done;
done_testing;
