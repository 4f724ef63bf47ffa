# newsctl backup while 100 comments are being posted: the copy opens and
# holds every comment acknowledged before it began; restore serves it.
use strict;
use warnings;
use Test::More;
use Time::HiRes qw(time sleep);
use File::Temp qw(tempdir);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $API = "/api/articles/$SLUG/comments";

my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my @cookies;
for my $k (1 .. 4) {
    my $pw = "poster-password-$k";
    $t->request('POST', '/api/users', { headers => { 'Content-Type' => 'application/json' },
                content => qq({"username":"poster$k","password":"$pw"}) });
    my $r = $t->request('POST', '/api/session', { headers => { 'Content-Type' => 'application/json' },
                        content => qq({"username":"poster$k","password":"$pw"}) });
    my ($c) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    push @cookies, $c;
}

my $acks = tempdir(CLEANUP => 1);
my @kids;
for my $k (0 .. 3) {
    my $pid = fork // die;
    if ($pid == 0) {
        open my $log, '>', "$acks/$k" or die;
        $log->autoflush(1);
        for my $i (1 .. 25) {
            my $r = $t->request('POST', $API, { headers => { 'Content-Type' => 'application/json', Cookie => $cookies[$k] },
                                content => qq({"body":"p$k-$i"}) });
            printf $log "%s %.6f\n", "p$k-$i", time if $r->{status} == 201;
        }
        exit 0;
    }
    push @kids, $pid;
}

# start the backup once some posts are in, while the rest keep coming
for (1 .. 200) {
    my $n = 0;
    for my $k (0 .. 3) { $n += () = (-e "$acks/$k" ? `cat $acks/$k` : '') =~ /\n/g }
    last if $n >= 20;
    sleep 0.01;
}
my $began = time;
my $dest = $t->dir . '/backup';
my ($rc, $out, $err) = $t->newsctl('backup', $dest);
is($rc, 0, 'backup while comments are posted') or diag $err;
waitpid($_, 0) for @kids;

my %acked;
for my $k (0 .. 3) {
    open my $fh, '<', "$acks/$k" or die;
    while (<$fh>) { my ($body, $at) = split; $acked{$body} = $at }
}
is(scalar keys %acked, 100, 'all 100 posts were acknowledged');
my @before = grep { $acked{$_} < $began } keys %acked;
cmp_ok(scalar @before, '>=', 20, scalar(@before) . ' were acknowledged before the backup began');

my ($rc2, $copy, $err2) = NewsTest::run_cmd([$t->root . '/build/newsctl', '--db', $dest, 'export']);
is($rc2, 0, 'the backup opens') or diag $err2;
my @missing = grep { $copy !~ /"body":\s*"\Q$_\E"/ } @before;
is(scalar @missing, 0, 'it holds every comment acknowledged before it began') or diag "missing: @missing";
my ($stats_rc) = NewsTest::run_cmd([$t->root . '/build/newsctl', '--db', $dest, 'stats']);
is($stats_rc, 0, 'stats of the backup');
($rc, undef, $err) = $t->newsctl('backup', $dest);
is($rc, 1, 'a backup never overwrites');
like($err, qr/give a new directory/, 'and says so');
# a list's ETag holds the store's snapshot: the last one served here
my ($was) = ($t->get('/')->{headers}{etag} // '') =~ /^"\w(\d+)\./;
ok(defined $was, "the front page's ETag holds a snapshot ($was)");
$t->done;

# restore into a fresh store and serve it
my $t2 = NewsTest->new(make_db => 0);
($rc, $out, $err) = $t2->newsctl('restore', $dest);
is($rc, 0, 'restore') or diag $err;
if ($> == 0) { system('chown', '-R', 'nobody:nogroup', $t2->db) }
($rc, undef, $err) = $t2->newsctl('restore', $dest);
is($rc, 1, 'restore refuses a directory that holds a store');
$t2->run;
my $res = $t2->get("/api/articles/$SLUG");
like($res->{content}, qr/"comment_count":(\d+)/, 'the restored store serves the article');
my ($count) = $res->{content} =~ /"comment_count":(\d+)/;
cmp_ok($count, '>=', scalar @before, "with its comments ($count)");
# the copies number their transactions from 1 again: the snapshots go on
# from above the store's, so no list's ETag comes round again
my ($now) = ($t2->get('/')->{headers}{etag} // '') =~ /^"\w(\d+)\./;
cmp_ok($now // 0, '>', $was, "the restored store's snapshots go on from above the store's ($now)");
$t2->done;

done_testing;
