# The HTTP fuzzer: random requests over every route of the module's route
# table and every method, as an anonymous visitor, a reader, a moderator,
# an editor and an admin (real sessions and CSRF tokens), with mutated
# JSON and form bodies, queries, cookies and headers, and sequences that
# post, edit, moderate, rename, delete and re-create; several clients at
# once against two workers.  See t/fuzz-http/FuzzHTTP.pm for what is sent.
#
# Pass: no worker crashed (no "signal" in the log, the master up, the
# same workers), no sanitizer report, no 5xx but 503 and 507, no
# [alert]/[crit]/[emerg], every request answered, and `newsctl check`
# clean afterwards.
#
#   FUZZ_HTTP_SECONDS  how long (30)          FUZZ_HTTP_SEED     the seed (1)
#   FUZZ_HTTP_CLIENTS  clients at once (2)    FUZZ_HTTP_OUT      reports
#                                                                (build/fuzz-http)
# make fuzz-http runs it against the ASan/UBSan build for FUZZ_SECONDS.
use strict;
use warnings;
use Test::More;
use File::Path qw(make_path);
use POSIX qw(WNOHANG);
use Time::HiRes qw(time sleep);
use lib 't/lib', 't/fuzz-http';
use NewsTest;
use FuzzHTTP;

my $SECONDS = $ENV{FUZZ_HTTP_SECONDS} // 30;
my $SEED    = $ENV{FUZZ_HTTP_SEED} // 1;
my $CLIENTS = $ENV{FUZZ_HTTP_CLIENTS} // 2;
my $OUT     = $ENV{FUZZ_HTTP_OUT} // NewsTest->root . '/build/fuzz-http';

my @routes = FuzzHTTP::routes(NewsTest->root);
ok(@routes >= 20, 'read ' . @routes . ' routes from the router');
for my $r (grep { $_->{body} } @routes) {
    ok(defined FuzzHTTP::body_kind($r),
       "a body generator for $r->{handler} ($r->{path}*$r->{suffix})");
}

srand($SEED);
my $premoderation = $SEED % 2 ? 'on' : 'off';
note("seed $SEED, $SECONDS s, $CLIENTS clients, premoderation $premoderation");

my $t = NewsTest->new(workers => 2, log_level => 'notice', db_size => '256m',
                      http => "news_comment_rate 0; news_login_throttle 5 100000; "
                            . "news_comment_premoderation $premoderation;",
                      server => 'location /news/ { news; }');
$t->run;

### personas: real accounts, sessions and CSRF tokens

my %personas;

sub csrf_of {
    my ($path, $cookie) = @_;
    my $r = $t->get($path, { headers => { Cookie => $cookie } });
    my ($csrf) = $r->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    my ($pre) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_pre=[0-9a-f]+)/;
    return ($csrf, $pre);
}

for my $role (qw(editor moderator admin)) {
    my $name = "fz-$role";
    my $cookie = $t->login($name, $role);
    my ($csrf) = csrf_of('/', $cookie);
    $personas{$role} = { label => $role, name => $name, cookie => $cookie, csrf => $csrf };
}
{
    my $cookie = $t->login('fz-reader');
    my ($csrf) = csrf_of('/', $cookie);
    $personas{reader} = { label => 'reader', name => 'fz-reader', cookie => $cookie,
                          csrf => $csrf };
    my ($pre_csrf, $pre) = csrf_of('/login', '');
    $personas{anonymous} = { label => 'anonymous', pre_cookie => $pre, pre_csrf => $pre_csrf };
}
ok(!grep({ !$_->{csrf} && !$_->{pre_csrf} } values %personas), 'every persona has a CSRF token')
    or diag explain \%personas;

# a first article with a comment, so that slugs and ids exist from the start
my $seed = $t->request('POST', '/api/articles',
    { headers => { 'Content-Type' => 'application/json', Cookie => $personas{editor}{cookie} },
      content => '{"slug":"fz-seed","title":"Seed","section":"World","tags":["EU"],"body":"b"}' });
is($seed->{status}, 201, 'a seed article');

### the clients

# each run its own directory of reports, kept when it found something
$OUT .= "/run-$$";
make_path($OUT);
my %workers = map { $_ => 1 } $t->worker_pids;
my $start = time;
my @kids;
for my $k (1 .. $CLIENTS) {
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        eval { run_client($k); 1 } or do {
            open my $fh, '>>', "$OUT/client-$k.txt";
            print $fh "finding client $k died: $@";
            close $fh;
            POSIX::_exit(1);
        };
        POSIX::_exit(0);
    }
    push @kids, $pid;
}

# the monitor: the master up, the same workers, nothing bad in the log
my @findings;
my $log_pos = 0;
my $deadline = $start + $SECONDS + 60;
while (grep { $_ } @kids) {
    for my $i (0 .. $#kids) {
        next unless $kids[$i];
        $kids[$i] = 0 if waitpid($kids[$i], WNOHANG) == $kids[$i];
    }
    scan_log();
    if (!$t->is_running) {
        push @findings, 'the nginx master is gone';
        last;
    }
    if (time > $deadline) {
        push @findings, 'clients did not finish in time';
        kill 'KILL', grep { $_ } @kids;
        waitpid($_, 0) for grep { $_ } @kids;
        last;
    }
    sleep 0.5;
}
my %now = map { $_ => 1 } $t->worker_pids;
push @findings, "workers respawned: before " . join(',', sort keys %workers)
              . ", after " . join(',', sort keys %now)
    if join(',', sort keys %workers) ne join(',', sort keys %now);
scan_log();

sub scan_log {
    for my $file ($t->error_log_path, $t->dir . '/logs/stderr.log') {
        open my $fh, '<', $file or next;
        seek $fh, $file eq $t->error_log_path ? $log_pos : 0, 0;
        while (my $line = <$fh>) {
            if ($line =~ /\[(?:alert|crit|emerg)\]|signal \d+|Sanitizer|runtime error:|AddressSanitizer/) {
                chomp $line;
                push @findings, "log: $line" unless grep { $_ eq "log: $line" } @findings;
            }
        }
        $log_pos = tell $fh if $file eq $t->error_log_path;
    }
}

# the clients' reports
my (%status, %by_route, @wrong, $sent);
for my $k (1 .. $CLIENTS) {
    open my $fh, '<', "$OUT/client-$k.txt" or do { push @findings, "client $k wrote no report"; next };
    while (my $line = <$fh>) {
        chomp $line;
        if ($line =~ /^sent (\d+)$/) { $sent += $1 }
        elsif ($line =~ /^status (\d+|none) (\d+)$/) { $status{$1} += $2 }
        elsif ($line =~ /^status (\S+) (\d+)$/) { $by_route{$1} += $2 }
        elsif ($line =~ /^finding (.*)$/) { push @findings, $1 }
        elsif ($line =~ /^wrong (.*)$/) { push @wrong, $1 }
    }
}
$sent //= 0;
my $secs = time - $start;
diag(sprintf "fuzz-http: seed %d, %.0f s, %d requests (%.0f/s), statuses: %s",
     $SEED, $secs, $sent, $sent / ($secs || 1),
     join(' ', map { "$_:$status{$_}" } sort keys %status));
ok($sent > 0, 'requests were sent');
note(join "\n", 'answers by handler, method and status:',
     map { "  $_ $by_route{$_}" } sort keys %by_route);

ok($t->is_running, 'the master is up after the run');
my ($rc, $out, $err) = $t->newsctl('check');
my @violations = split /\n/, $out;
is($rc, 0, 'newsctl check: the store is consistent after the run')
    or diag(join "\n", $err, @violations[0 .. ($#violations < 19 ? $#violations : 19)]);

# what a sequence answered that it should not have: bugs, but not crashes;
# listed, not failed on, while the issues they belong to are open
# (shown by prove -v, as make fuzz-http runs it)
note(join "\n", 'sequences answered wrongly (' . @wrong . '):', @wrong) if @wrong;

is(scalar @findings, 0, 'no findings') or diag(join "\n", @findings,
    "the clients' reports: $OUT/client-*.txt");

File::Path::remove_tree($OUT) unless @findings;

$t->done;
done_testing;

### a client: its own connection, random requests and sequences

sub run_client {
    my ($k) = @_;
    srand($SEED * 1000 + $k);
    my $c = FuzzHTTP->new(port => $t->port, routes => \@routes, personas => \%personas);
    $c->learn_slug('fz-seed');
    $c->live_slug('fz-seed', 1);
    my (%st, @recent, @found);
    my $end = $start + $SECONDS;

    my $record = sub {
        my ($req, $res) = @_;
        my $s = $res->{status} // 'none';
        $st{$s}++;
        $st{"$req->{route}{handler}:$req->{method}:$s"}++;
        push @recent, "$req->{method} $req->{path} -> $s";
        shift @recent if @recent > 5;
        my $why;
        if ($res->{error}) {
            $why = "no answer ($res->{error})";
        } elsif ($s >= 500 && $s != 503 && $s != 507) {
            $why = "status $s";
        }
        return unless $why;
        push @found, "$why as $req->{persona}: " . FuzzHTTP::describe($req)
                   . "\n  answer: " . substr($res->{body} // '', 0, 300)
                   . "\n  before it: " . join(' | ', @recent[0 .. $#recent - 1]);
    };

    $c->{on_answer} = $record;
    my @wrong;
    push @wrong, map { "client $k: scheduled: $_" } $c->scheduled if $k == 1;

    while (time < $end) {
        if (FuzzHTTP::chance(0.01)) {
            push @wrong, map { "client $k: lifecycle: $_" } $c->lifecycle($premoderation eq 'on');
            next;
        }
        my $req = $c->random_request;
        $req->{path} = '/news' . $req->{path} if FuzzHTTP::chance(0.1);
        my $res = $c->send($req);
        $record->($req, $res);
        $c->spent($req, $res);
        $c->learn($res, $req) unless $res->{error};
        last if @found > 50;
    }

    open my $fh, '>', "$OUT/client-$k.txt" or POSIX::_exit(1);
    print $fh "sent $c->{sent}\n";
    print $fh "status $_ $st{$_}\n" for sort keys %st;
    my %seen;
    print $fh "wrong $_\n" for grep { !$seen{ s/\d+/N/gr }++ } @wrong;
    for my $f (@found) {
        $f =~ s/\n/\\n/g;
        print $fh "finding client $k: $f\n";
    }
    close $fh;
}
