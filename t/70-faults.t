# Faults, each with a real nginx and a real store: a worker SIGKILLed while
# clients post comments, a reload during reads and writes, a full map, a
# full disk, a read-only store, and store files nginx must refuse to start
# with.  The promise under test: every write that got a 2xx is in the store
# afterwards, the store opens, and the site keeps answering.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use POSIX qw(_exit);
use Time::HiRes qw(sleep time);
use lib 't/lib';
use NewsTest;
use NewsFaults;

# mounts made here go away however the test ends
my @MOUNTS;
END { local $?; system("umount -l '$_' 2>/dev/null") for reverse @MOUNTS }

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE = "/articles/$SLUG";
my $API  = "/api/articles/$SLUG/comments";
my $JSON = { 'Content-Type' => 'application/json' };

sub post {
    my ($t, $cookie, $body) = @_;
    return $t->request('POST', $API, { headers => { %$JSON, Cookie => $cookie },
                                       content => encode_json({ body => $body }) });
}

# comment bodies in the store, from newsctl export (which also proves the
# store opens in another process)
sub stored_bodies {
    my ($t) = @_;
    my ($rc, $out, $err) = $t->newsctl('export');
    die "export failed ($rc): $err" if $rc;
    my %body;
    for my $a (@{ decode_json($out) }) {
        $body{ $_->{body} }++ for @{ $a->{comments} // [] };
    }
    return \%body;
}

# Children post (and read) in a loop and write "status body" per request
# to their file; the parent meanwhile does its harm.  Returns the lines.
sub clients {
    my ($t, $cookies, $n, $harm, $read) = @_;
    my @kids;
    for my $i (0 .. $#$cookies) {
        my $file = $t->dir . "/client-$i.txt";
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            open my $fh, '>', $file or _exit(1);
            $fh->autoflush(1);
            for my $j (1 .. $n) {
                my $body = "c-$i-$j " . ('x' x 50);
                my $r = post($t, $cookies->[$i], $body);
                print $fh "POST $r->{status} $body\n";
                if ($read) {
                    $r = $t->get($PAGE);
                    print $fh "GET $r->{status}\n";
                }
            }
            close $fh;
            _exit(0);
        }
        push @kids, [$pid, $file];
    }
    $harm->();
    my @lines;
    for my $k (@kids) {
        waitpid $k->[0], 0;
        open my $fh, '<', $k->[1] or die "$k->[1]: $!";
        push @lines, <$fh>;
    }
    chomp @lines;
    return @lines;
}

sub acked_missing {
    my ($t, @lines) = @_;
    my $stored = stored_bodies($t);
    my @acked = map { /^POST 2\d\d (.*)$/ ? $1 : () } @lines;
    return (scalar @acked, [grep { !$stored->{$_} } @acked], $stored);
}

### A worker SIGKILLed while clients post

# Both workers' posts go through the one shared writer: a worker killed
# while it leads a batch holds the other worker's posts too, which are
# answered 503 (they may or may not be saved), never 2xx.
{
    my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
    $t->newsctl('import', 'demo/seed-article.json');
    $t->run;
    # the master's report of the kill is expected here, and nowhere else
    $t->allow_log(qr/\[alert\].*exited on signal 9/);
    my @cookies = map { $t->login("crash$_") } 1 .. 16;

    my $killed = 0;
    my @lines = clients($t, \@cookies, 20, sub {
        for my $round (1 .. 2) {
            sleep 0.4;
            my @w = $t->worker_pids;
            $killed += kill 'KILL', $w[0] if @w;
        }
    });
    ok($killed >= 1, "killed $killed workers mid-write");

    # the master replaces them
    # (a bound on the wait, not a time to meet: under ASan beside t/69's
    # 5,000 streams a new worker twice failed to show within 30 s; what
    # the master's children and its log say then is printed, to find why)
    my $deadline = time + 90;
    sleep 0.1 while time < $deadline && (my @w = $t->worker_pids) < 2;
    my @w2 = $t->worker_pids;
    is(scalar @w2, 2, 'the master started new workers')
        or diag("workers: @w2\n", join '', grep { defined }
                (split /^/, $t->error_log)[-20 .. -1]);

    my ($acked, $missing, $stored) = acked_missing($t, @lines);
    ok($acked > 0, "$acked comments acknowledged while workers died");
    is_deeply($missing, [], 'every acknowledged comment is in the store');
    my @odd = grep { !/^c-\d+-\d+ x{50}$/ } keys %$stored;
    is_deeply(\@odd, [], 'no comment is half-written');
    like($t->error_log, qr/news_db: cleared \d+ stale reader slots/,
         'the new worker cleared the dead one\'s reader slots');
    my %other;
    $other{$_}++ for grep { !/^(?:2\d\d|503|599)$/ } map { /^POST (\d+) / ? $1 : () } @lines;
    is_deeply(\%other, {}, 'a post is answered 2xx, or 503, or its connection drops')
        or diag(explain(\%other));
    my %seen;
    $seen{$_}++ for map { /^POST (\d+) / ? $1 : () } @lines;
    note('answers: ' . join ', ', map { "$_: $seen{$_}" } sort keys %seen);
    is($t->get($PAGE)->{status}, 200, 'the site answers');
    is(post($t, $cookies[0], 'after the crash')->{status}, 201, 'and takes comments');
    my ($rc, $out) = $t->newsctl('stats');
    is($rc, 0, 'newsctl stats opens the store');
    ($rc, $out) = $t->newsctl('check');
    is($rc, 0, 'newsctl check finds the store whole') or diag($out);
    $t->done;
}

### Every worker SIGKILLed at once while 16 clients post (issue 14's rate)

{
    # several workers: each has its own writer, all share the one store
    my $W = 4;
    my $t = NewsTest->new(workers => $W, http => 'news_comment_rate 0;');
    $t->newsctl('import', 'demo/seed-article.json');
    $t->run;
    $t->allow_log(qr/\[alert\].*exited on signal 9/);
    my @cookies = map { $t->login("burst$_") } 1 .. 16;

    my $killed = 0;
    my @lines = clients($t, \@cookies, 30, sub {
        for my $round (1 .. 2) {
            sleep 0.5;
            my @w = $t->worker_pids;
            $killed += kill 'KILL', @w if @w;
            my $deadline = time + 5;
            sleep 0.05 while time < $deadline && (@w = $t->worker_pids) < $W;
        }
    });
    ok($killed >= $W, "killed every worker, $killed in all, mid-write");

    my ($acked, $missing, $stored) = acked_missing($t, @lines);
    ok($acked > 0, "$acked comments acknowledged while every worker died");
    is_deeply($missing, [], 'every acknowledged comment is in the store');
    my @odd = grep { !/^c-\d+-\d+ x{50}$/ } keys %$stored;
    is_deeply(\@odd, [], 'no comment is half-written');
    my ($rc, $out) = $t->newsctl('check');
    is($rc, 0, 'newsctl check finds the store whole') or diag($out);
    my $n = 0;
    $n += $_ for values %$stored;
    like($t->get("/api/articles/$SLUG")->{content}, qr/"comment_count":$n,/,
         "the article counts the $n stored");
    $t->done;
}

### A worker SIGKILLed while its batch waits for the disk

# One poster, so that its batch is alone and the writer syncs it itself;
# that sync is held (the fault shim's PAUSE) and its worker killed: the
# write was committed but not answered.  The other worker, and the new
# one, go on writing; what was answered is there, the store is whole.
SKIP: {
    skip 'no fault library (make faults-lib)', 6 unless NewsFaults::lib();
    my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
    my $f = NewsFaults->new($t);
    $t->newsctl('import', 'demo/seed-article.json');
    $f->run;
    $t->allow_log(qr/\[alert\].*exited on signal 9/);
    my $cookie = $t->login('heldsync');

    $f->hold;
    $f->arm("fdatasync\@ngx_http_news 1 PAUSE\n");
    my $file = $t->dir . '/held.txt';
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my $r = post($t, $cookie, 'held at its sync');
        open my $fh, '>', $file or _exit(1);
        print $fh "POST $r->{status} held at its sync\n";
        close $fh;
        _exit(0);
    }
    ok($f->wait_log(qr/^fdatasync 1 /m), 'a committed batch waits for its own sync');
    my ($victim) = $f->log =~ /^fdatasync 1 \S+ (\d+)/m;
    ok($victim && kill('KILL', $victim), "its worker ($victim) killed there");
    waitpid $pid, 0;
    $f->arm('');
    $f->release;
    my $held = do { local (@ARGV, $/) = ($file); <> } // '';
    unlike($held, qr/^POST 2\d\d /, 'that write was not acknowledged') or diag($held);

    my @lines = map { my $r = post($t, $cookie, "after the kill $_");
                      "POST $r->{status} after the kill $_" } 1 .. 20;
    is_deeply([grep { !/^POST 201 / } @lines], [], 'the other workers take every write');
    my ($acked, $missing) = acked_missing($t, @lines);
    is_deeply($missing, [], "the $acked acknowledged are in the store");
    my ($rc, $out) = $t->newsctl('check');
    is($rc, 0, 'newsctl check finds the store whole') or diag($out);
    $t->done;
}

### A sync of the writer's own that fails

SKIP: {
    skip 'no fault library (make faults-lib)', 4 unless NewsFaults::lib();
    my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0;');
    my $f = NewsFaults->new($t);
    $t->newsctl('import', 'demo/seed-article.json');
    $f->run;
    $t->allow_log(qr/syncing the store/);
    my $cookie = $t->login('syncfails');

    $f->arm("fdatasync\@ngx_http_news * EIO\n");
    my $r = post($t, $cookie, 'its sync failed');
    is($r->{status}, 500, 'a write whose sync fails is answered 500, not 2xx');
    like($f->fired, qr/^fdatasync 1 /m, 'the sync was the writer\'s own');
    $f->arm('');
    is(post($t, $cookie, 'synced')->{status}, 201, 'once syncs work again, writes are acknowledged');
    my ($rc, $out) = $t->newsctl('check');
    is($rc, 0, 'newsctl check finds the store whole') or diag($out);
    $t->done;
}

### nginx -s reload during reads and writes

{
    my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
    $t->newsctl('import', 'demo/seed-article.json');
    $t->run;
    my @cookies = map { $t->login("reload$_") } 1 .. 4;

    my $reloads = 0;
    my @lines = clients($t, \@cookies, 40, sub {
        for (1 .. 3) {
            sleep 0.3;
            $reloads += $t->reload ? 1 : 0;
        }
    }, 1);
    is($reloads, 3, 'three reloads while clients post and read');
    my @bad = grep { !/^(POST 201 |GET 200$)/ } @lines;
    is_deeply(\@bad, [], 'no request failed or was dropped (' . scalar(@lines) . ' requests)');
    my ($acked, $missing) = acked_missing($t, @lines);
    is($acked, 160, 'all 160 comments acknowledged');
    is_deeply($missing, [], 'and all are in the store');
    my $closed = () = $t->error_log =~ /news: store closed in this worker/g;
    ok($closed >= 6, "the old workers closed the environment as they exited ($closed)");
    $t->done;
}

### A full map: 507, reads go on; raise news_db_size, reload, writes work

{
    # 1m is the smallest news_db_size nginx -t accepts
    my $t = NewsTest->new(workers => 1, db_size => '1m', http => 'news_comment_rate 0;');
    my ($ok, $err) = do { $t->{db_size} = '512k'; $t->conf_test };
    ok(!$ok && $err =~ /"news_db_size" must be at least 1m/, 'news_db_size below 1m fails nginx -t');
    $t->{db_size} = '1m';
    $t->newsctl('import', 'demo/seed-article.json');
    $t->run;
    $t->allow_log(qr/\[crit\].*the store is full \(MDB_MAP_FULL\); raise news_db_size and reload/);
    my $cookie = $t->login('filler');

    my (@acked, $full);
    for my $i (1 .. 3000) {
        my $body = "fill-$i " . ('y' x 1900);
        my $r = post($t, $cookie, $body);
        if ($r->{status} == 201) { push @acked, $body; next }
        $full = $r;
        last;
    }
    ok(@acked > 0, scalar(@acked) . ' comments fit');
    is($full && $full->{status}, 507, 'then a JSON post gets 507');
    like($full && $full->{content}, qr/^\{"error":\{"code":"store_full","message":"[^"]+"\}\}$/, 'with a JSON error');
    like($t->error_log, qr/\[crit\].*the store is full \(MDB_MAP_FULL\); raise news_db_size and reload/,
         'the error log says what to do');

    my $page = $t->get($PAGE, { headers => { Cookie => $cookie } });
    is($page->{status}, 200, 'reads go on');
    my ($csrf) = $page->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    my $r = $t->request('POST', "$PAGE/comments", { headers => { Cookie => $cookie,
                        'Content-Type' => 'application/x-www-form-urlencoded' },
                        content => "csrf=$csrf&body=" . ('z' x 1900) });
    is($r->{status}, 507, 'a form post gets 507 too');
    like($r->{content}, qr/<html.*cannot take new writes/s, 'as an HTML page');
    is($t->get('/api/articles')->{status}, 200, 'the API reads go on');

    ok($t->reload(db_size => '64m'), 'reload with news_db_size 64m');
    $r = post($t, $cookie, 'room again');
    is($r->{status}, 201, 'writes work again');
    my (undef, $missing) = acked_missing($t, map { "POST 201 $_" } @acked, 'room again');
    is_deeply($missing, [], 'nothing acknowledged was lost');
    $t->done;
}

### A full disk (a tmpfs with size=) and a read-only store

SKIP: {
    skip 'mounting a tmpfs needs root', 1 if $> != 0;
    my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0;', db_size => '64m');
    my $db = $t->db;
    my $mounted = system("mount -t tmpfs -o size=2m,mode=0755,uid=" . getpwnam('nobody')
                         . ",gid=" . getgrnam('nogroup') . " news-test $db 2>/dev/null") == 0;
    skip 'mount -t tmpfs is not permitted here', 1 unless $mounted;
    push @MOUNTS, $db;
    my $umount = sub { system('umount', '-l', $db) if $mounted; $mounted = 0 };
    $t->newsctl('import', 'demo/seed-article.json');
    system('chown', '-R', 'nobody:nogroup', $db);
    $t->run;
    $t->allow_log(qr/\[crit\].*the disk holding the store is full/);
    my $cookie = $t->login('diskfill');

    my (@acked, $full);
    for my $i (1 .. 3000) {
        my $body = "disk-$i " . ('d' x 1900);
        my $r = post($t, $cookie, $body);
        if ($r->{status} == 201) { push @acked, $body; next }
        $full = $r;
        last;
    }
    ok(@acked > 0, scalar(@acked) . ' comments fit on the disk');
    is($full && $full->{status}, 507, 'then a post gets 507');
    my @lines = grep { !/\[debug\]/ } split /\n/, $t->error_log;
    ok((grep { /\[crit\].*the disk holding the store is full \(No space left on device\)/ } @lines),
       'the log says the disk is full') or diag join "\n", grep { /\[(error|crit)\]/ } @lines;
    is($t->get($PAGE)->{status}, 200, 'reads go on');
    # as large as the one refused: a smaller comment may fit in pages freed
    is(post($t, $cookie, 'disk-again ' . ('d' x 1900))->{status}, 507, 'writes still fail cleanly');
    $t->done;
    my (undef, $missing) = acked_missing($t, map { "POST 201 $_" } @acked);
    is_deeply($missing, [], 'every acknowledged comment is in the store (it opens)');

    # the same store, read-only: nginx starts, reads work, writes get 503
    my $ro = NewsTest->new(workers => 1, make_db => 0, conf => $t->conf_text =~ s/\Q$t->{dir}\E/%%DIR%%/gr =~ s/listen 127\.0\.0\.1:\d+/listen 127.0.0.1:%%PORT%%/r);
    system('mkdir', $ro->db) == 0 or die;
    system("mount --bind $db " . $ro->db . " && mount -o remount,bind,ro " . $ro->db) == 0
        or skip 'a read-only bind mount is not permitted here', 1;
    push @MOUNTS, $ro->db;
    my ($ok, $err) = $ro->conf_test;
    ok($ok, 'nginx -t accepts a read-only store') or diag $err;
    $ro->run;
    $ro->allow_log(qr/\[warn\].*read-only/);
    is($ro->get($PAGE)->{status}, 200, 'read-only store: reads work');
    my $r = $ro->request('POST', '/api/session', { headers => $JSON,
                         content => '{"username":"diskfill","password":"pw-of-diskfill-123"}' });
    ok($r->{status} == 503 || $r->{status} == 507, "read-only store: a write gets $r->{status}");
    like($r->{content}, qr/"error":\{"code":"(busy|store_full|read_only)"/, 'with a JSON error');
    $ro->done;
    system('umount', $ro->db);
    $umount->();
}

### Store files nginx must refuse: not LMDB, or of a newer schema

{
    my $t = NewsTest->new;
    open my $fh, '>', $t->db . '/data.mdb' or die;
    print $fh "this is not an LMDB environment\n" x 1000;
    close $fh;
    chown scalar getpwnam('nobody'), scalar getgrnam('nogroup'), $t->db . '/data.mdb' if $> == 0;
    my ($ok, $err) = $t->conf_test;
    ok(!$ok, 'nginx -t fails on a data.mdb that is not LMDB');
    like($err, qr{\[emerg\] "news_db": "\Q${\ $t->db}\E/data\.mdb" is not an LMDB environment}, 'naming the file');
    ok(!-e $t->db . '/lock.mdb', 'and creates no lock file');
    ok(!eval { $t->run; 1 }, 'nginx refuses to start');
}

{
    my $t = NewsTest->new;
    $t->newsctl('import', 'demo/seed-article.json');
    my $file = $t->db . '/data.mdb';
    open my $fh, '+<:raw', $file or die;
    local $/;
    my $data = <$fh>;
    my $n = ($data =~ s/schema\x00\x00\x00\x0c/schema\x00\x00\x00\x0d/g);
    seek $fh, 0, 0;
    print $fh $data;
    close $fh;
    ok($n >= 1, 'made the schema record say 13');
    my ($ok, $err) = $t->conf_test;
    ok(!$ok, 'nginx -t fails on a newer schema');
    like($err, qr{"\Q$file\E" was written by a newer version \(schema 13; this build reads up to 12\)}, 'naming the file and versions');
    ok(!eval { $t->run; 1 }, 'nginx refuses to start');
}

{
    # an empty data.mdb (a crash while creating it) and none at all are fine
    my $t = NewsTest->new;
    my ($ok, $err) = $t->conf_test;
    ok($ok, 'no data.mdb: nginx -t passes') or diag $err;
    ok(!-e $t->db . '/data.mdb' && !-e $t->db . '/lock.mdb', 'and creates nothing');
}

done_testing;
