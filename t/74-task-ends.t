# A request that ends while its task runs in a pool thread: the client
# resets the connection while the comment's write (the writes' pool) or
# the login's lookup (the hashing pool) is held inside LMDB by the fault
# shim (t/faults/lmdbfault.c, PAUSE).  The worker must take the reset's
# events while the thread works (nothing to do yet), let the task finish,
# answer into the closed connection without a crash or an alert, keep its
# count of hashes right, and serve the next requests; the write the
# client gave up on is committed whole.  A login sent while the ended one
# is still in flight waits a second and is told why (429
# attempt_in_progress, never "too many failed logins").
use strict;
use warnings;
use Test::More;
use JSON::PP;
use IO::Socket::INET;
use Socket qw(SOL_SOCKET SO_LINGER);
use Time::HiRes qw(sleep);
use lib 't/lib';
use NewsTest;
use NewsFaults;

plan skip_all => 'no fault library (make faults-lib)' unless NewsFaults::lib();

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_hash_queue 1; news_login_throttle 100000 100000;');
my $f = NewsFaults->new($t);
$t->newsctl('import', 'demo/seed-article.json');
$f->run;
my $alice = $t->login('alice');
my @workers = $t->worker_pids;

# a request sent on a socket of its own, left unanswered
sub send_raw {
    my ($method, $path, $cookie, $body) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $t->port, Proto => 'tcp')
        or die "connect: $!";
    print $s "$method $path HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
           . ($cookie ? "Cookie: $cookie\r\n" : '')
           . 'Content-Length: ' . length($body) . "\r\nConnection: close\r\n\r\n$body";
    return $s;
}

# closed with a reset (SO_LINGER 0): epoll reports an error, and nginx
# calls the request's read and write handlers while its task runs
sub reset_close {
    my ($s) = @_;
    setsockopt($s, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0)) or die "SO_LINGER: $!";
    close $s;
}

sub comments { scalar @{ decode_json($t->get("/api/articles/$SLUG/comments")->{content})->{comments} } }

# ---- a comment's write, in the writes' pool ----------------------------------
my $before = comments();
$f->hold;
$f->arm("mdb_txn_commit 1 PAUSE\n");
my $s = send_raw('POST', "/api/articles/$SLUG/comments", $alice, '{"body":"nobody waits for this"}');
ok($f->wait_log(qr/^mdb_txn_commit 1 /m), 'the write is held inside its commit');
reset_close($s);
# the front page is answered after the worker has taken the reset (one
# event loop, and the reset reached it first)
is($t->get('/')->{status}, 200, 'the event loop answers meanwhile');
# held past the task guard's period in make coverage's test build (half
# a second), whose timer then fires and waits on
sleep 0.7;
$f->release;
$f->arm('');
# the task ends, its answer goes nowhere; the next request sees its write
my $after;
for (1 .. 500) {
    $after = comments();
    last if $after > $before;
    sleep 0.01;
}
is($after, $before + 1, 'the write the client gave up on is committed');

# ---- a login, in the hashing pool (news_hash_queue 1) -------------------------
$f->hold;
$f->arm("mdb_get\@news_user_find 1 PAUSE\n");
$s = send_raw('POST', '/api/session', undef, '{"username":"alice","password":"pw-of-alice-123"}');
ok($f->wait_log(qr/^mdb_get 1 /m), 'the login is held inside its lookup');
reset_close($s);
is($t->get('/')->{status}, 200, 'the event loop answers meanwhile');
# the held login is still in flight: another waits a second, and is told
# so, not that logins failed (it said "too many failed logins" even with
# a throttle of 100000)
my $r = $t->request('POST', '/api/session', { headers => { 'Content-Type' => 'application/json' },
                    content => '{"username":"alice","password":"pw-of-alice-123"}' });
is($r->{status}, 429, 'a login meanwhile waits for the one in flight');
is($r->{headers}{'retry-after'}, 1, 'for a second');
like($r->{content}, qr/"code":"attempt_in_progress"/, 'told that another attempt is in progress')
    or diag $r->{content};
$f->release;
$f->arm('');
# once the ended login's task is over (its hash and its write, answered
# into the closed connection), the next login is taken; until then it
# finds that one still in flight, or the hash queue (1) full
for (1 .. 500) {
    $r = $t->request('POST', '/api/session', { headers => { 'Content-Type' => 'application/json' },
                     content => '{"username":"alice","password":"pw-of-alice-123"}' });
    last unless $r->{status} == 503
        || ($r->{status} == 429 && $r->{content} =~ /attempt_in_progress/);
    sleep 0.05;
}
is($r->{status}, 200, 'the next login is taken: the ended one gave back its marks and its place in the hash queue')
    or diag $r->{content};

is_deeply([$t->worker_pids], \@workers, 'the worker never crashed');
my ($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean') or diag "$out$err";

$t->done;
done_testing;
