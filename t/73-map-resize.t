# LMDB's rule for a map another process grew (MDB_MAP_RESIZED): this
# process may adopt the new size (mdb_env_set_mapsize) only while it has
# no transaction at all; lmdb.h forbids it otherwise and does not check,
# and the remap pulls the pages from under every live reader.
#
# The fault shim (t/faults/lmdbfault.c) holds a login's account lookup in
# a pool thread, inside its read transaction, and meanwhile makes the
# event loop's next read see MDB_MAP_RESIZED; the shim records any
# mdb_env_set_mapsize made while a transaction of the same environment is
# live.  The event loop must answer 503 rather than resize under the
# login, and adopt the size once nothing is live.
use strict;
use warnings;
use Test::More;
use Time::HiRes qw(sleep);
use POSIX qw(_exit);
use lib 't/lib';
use NewsTest;
use NewsFaults;

plan skip_all => 'no fault library (make faults-lib)' unless NewsFaults::lib();

my $t = NewsTest->new(workers => 1);
my $f = NewsFaults->new($t);
$t->newsctl('import', 'demo/seed-article.json');
$f->run;
my $alice = $t->login('alice');

# the login's account lookup waits in its read txn until .pause goes
$f->hold;
$f->arm("mdb_get\@news_user_find 1 PAUSE\n");

my $out = $t->dir . '/login.txt';
my $pid = fork // die "fork: $!";
if ($pid == 0) {
    my $r = $t->request('POST', '/api/session', { headers => { 'Content-Type' => 'application/json' },
                        content => '{"username":"alice","password":"pw-of-alice-123"}' });
    open my $fh, '>', $out or _exit(1);
    print $fh $r->{status};
    close $fh;
    _exit(0);
}

ok($f->wait_log(qr/^mdb_get 1 /m), 'the login waits inside its read transaction');

# now another process "grows the map": the event loop's next read sees it
$f->arm("mdb_txn_renew 1 MDB_MAP_RESIZED\n");
my $r = $t->get('/');
like($f->log, qr/^mdb_txn_renew 1 /m, 'the front page read saw MDB_MAP_RESIZED');
is($r->{status}, 503, 'with a transaction live in a pool thread the map is not resized: 503');

$f->release;
waitpid $pid, 0;
my $status = do { open my $fh, '<', $out or die; local $/; <$fh> };
is($status, 200, 'the login then finishes');

# the refused read dropped its txn: the next one begins afresh
my $before = length $f->log;
$f->arm("mdb_txn_renew 1 MDB_MAP_RESIZED\nmdb_txn_begin 1 MDB_MAP_RESIZED\n");
$r = $t->get('/');
like(substr($f->log, $before), qr/^mdb_txn_(?:renew|begin) 1 -30785 /m, 'the next read sees MDB_MAP_RESIZED too');
is($r->{status}, 200, 'with nothing live the event loop adopts the new size and answers');
$f->arm('');

unlike($f->log, qr/VIOLATION/, 'mdb_env_set_mapsize never ran beside a live transaction')
    or diag($f->log);
is($t->get("/articles/us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico")->{status}, 200,
   'pages are served after the resize');

$t->done;
done_testing;
