# Faults that stay: a call fails from its Nth time on (the shim's "N+"),
# so that every later call of the request fails too, the engine's own
# second tries included: a write transaction begun again after the map
# was resized, a read transaction begun afresh after its renewal failed,
# a login's in-flight marks taken off again after the first try failed.
# t/72 fails one call at a time, which a second try always gets past.
# After each case:
#   - the answer is a clear 4xx or 5xx (507 for a full map, 503 for a
#     resized one), or the request fully succeeded;
#   - no crash, no [alert];
#   - a refused write changed nothing (newsctl export) and the store's
#     invariants hold (newsctl check);
#   - once the fault is gone, the route works again at once: in
#     particular a login is not refused because an earlier one could
#     not take its marks off.
# NEWS_FAULTS_FULL=1 (make test-faults) fails every call, not the first
# few of each function.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsFaults;

plan skip_all => 'no fault library (make faults-lib)' unless NewsFaults::lib();

my $FULL = $ENV{NEWS_FAULTS_FULL};
my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $JSON = { 'Content-Type' => 'application/json' };

my $t = NewsTest->new(workers => 1,
    http => 'news_comment_rate 0; news_login_throttle 100000 100000; news_register_throttle 100000;');
my $f = NewsFaults->new($t);
$t->newsctl('import', 'demo/seed-article.json');
$t->allow_log(qr/the store is full|the disk holding the store is full/);
$f->run;

my $alice = $t->login('alice');
$t->login('bob');
my $session;

sub api {
    my ($method, $path, $cookie, $body) = @_;
    return $t->request($method, $path, { headers => { %$JSON, ($cookie ? (Cookie => $cookie) : ()) },
                                         (defined $body ? (content => $body) : ()) });
}

sub export {
    my ($rc, $out, $err) = $t->newsctl('export');
    return $rc ? "newsctl export failed: $err" : $out;
}

# a session of bob's, made without a fault, for the routes that end one
# (or all of bob's)
sub new_session {
    my $r = api('POST', '/api/session', undef, '{"username":"bob","password":"pw-of-bob-123"}');
    die "a session: $r->{status} $r->{content}" unless $r->{status} == 200;
    ($session) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
}

my @routes = (
    { name => 'log in', ok => 200, run => sub {
        api('POST', '/api/session', undef, '{"username":"alice","password":"pw-of-alice-123"}') } },
    { name => 'register', ok => 201, run => sub {
        api('POST', '/api/users', undef, qq({"username":"user$_[0]","password":"password-$_[0]"})) } },
    { name => 'log out', ok => 204, before => \&new_session, run => sub { api('DELETE', '/api/session', $session) } },
    { name => 'log out everywhere', ok => 204, before => \&new_session, run => sub {
        api('DELETE', '/api/sessions', $session) } },
    { name => 'comment post', ok => 201, run => sub {
        api('POST', "/api/articles/$SLUG/comments", $alice, qq({"body":"comment $_[0]"})) } },
    { name => 'api sessions', ok => 200, read => 1, run => sub { api('GET', '/api/sessions', $alice) } },
    { name => 'article page', ok => 200, read => 1, run => sub { api('GET', "/articles/$SLUG", $alice) } },
);

my @calls = (
    [ mdb_txn_begin  => 'MDB_MAP_RESIZED' ],
    [ mdb_txn_renew  => 'MDB_MAP_RESIZED' ],
    [ mdb_txn_commit => 'EIO' ],
    [ mdb_put        => 'MDB_MAP_FULL' ],
    [ mdb_del        => 'EIO' ],
    [ mdb_get        => 'EIO' ],
    [ mdb_cursor_get => 'EIO' ],
    [ mdb_cursor_del => 'EIO' ],
);
my %expect_5xx = (MDB_MAP_FULL => 507, MDB_MAP_RESIZED => 503);
my $MAX_CALLS = $FULL ? 200 : 6;

my ($i, $faults, @problems) = (0, 0);
my @workers = $t->worker_pids;
sub problem { push @problems, substr(join(': ', @_), 0, 400); diag($problems[-1]) }

for my $route (@routes) {
    my $route_faults = $faults;
    for my $call (@calls) {
        my ($name, $error) = @$call;
        for my $n (1 .. $MAX_CALLS) {
            $i++;
            $route->{before}->($i) if $route->{before};
            my $before = $route->{read} ? '' : export();
            my $what = "$route->{name}: $name $n+ $error";

            $f->fired;
            $t->mark_log;
            $f->arm("$name $n+ $error\n");
            my $res = $route->{run}->($i);
            $f->arm('');
            last unless $f->fired;
            $faults++;

            my $status = $res->{status};
            my $ok = $status == $route->{ok};
            problem($what, "status $status is not a clear error: $res->{content}")
                unless $ok || ($status >= 400 && $status <= 599);
            problem($what, "$status, not $expect_5xx{$error}")
                if $status >= 500 && $expect_5xx{$error} && $status != $expect_5xx{$error};
            my $log = $t->log_since_mark;
            problem($what, "alert in the log: $1") if $log =~ /(.*\[(?:alert|emerg)\].*)/;
            my @now = $t->worker_pids;
            if ("@now" ne "@workers") {
                problem($what, "workers changed: @workers -> @now");
                @workers = @now;
            }
            unless ($route->{read}) {
                my ($rc, $out, $err) = $t->newsctl('check');
                problem($what, "newsctl check: $out$err") if $rc;
                my $after = export();
                problem($what, $after) if $after =~ /^newsctl export failed/;
                problem($what, 'a refused write changed the store') if !$ok && $after ne $before;
            }

            # the fault gone, the route works at once (a new case of it)
            $i++;
            $route->{before}->($i) if $route->{before};
            my $again = $route->{run}->($i);
            problem($what, "without the fault the route answered $again->{status}: $again->{content}")
                if $again->{status} != $route->{ok};
        }
    }
    problem($route->{name}, 'no fault fired') if $faults == $route_faults;
}

ok($faults > 0, "faults fired: $faults");
is(scalar @problems, 0, 'every fault that stays gave a clear answer, changed nothing, and left nothing behind');
is_deeply([$t->worker_pids], \@workers, 'the worker never crashed');

$t->done;
done_testing;
