# Two workers, each with its own environment opened after fork, serving
# the same store while newsctl writes to it.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

my $t = NewsTest->new(workers => 2);
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

# each worker logs its open as it starts; a loaded machine may still be
# starting the second one when run() returns
my %pids;
for (1 .. 100) {
    my @opened = $t->error_log
        =~ /\[debug\] (\d+)#\d+: news: store ".*" open in this worker/g;
    %pids = map { $_ => 1 } @opened;
    last if keys %pids >= 2;
    select(undef, undef, undef, 0.1);
}
is(scalar keys %pids, 2, 'each of the two workers opened the store itself');

# 4 clients x 50 requests, while newsctl imports new articles
my @kids;
for my $k (1 .. 4) {
    my $pid = fork // die;
    if ($pid == 0) {
        my $bad = 0;
        for (1 .. 50) {
            my $res = $t->get($_ % 2 ? "/articles/$SLUG" : '/api/articles');
            $bad++ if $res->{status} != 200;
        }
        exit($bad ? 1 : 0);
    }
    push @kids, $pid;
}

for my $i (1 .. 5) {
    my ($fh, $file) = tempfile(SUFFIX => '.json', UNLINK => 1);
    print $fh qq({"title":"Breaking $i","body":"News number $i"});
    close $fh;
    my ($rc, undef, $err) = $t->newsctl('import', $file);
    is($rc, 0, "import $i while two workers serve") or diag $err;
}

my $failed = 0;
for (@kids) { waitpid($_, 0); $failed++ if $? }
is($failed, 0, '200 concurrent reads all answered 200');

# every worker sees every commit (a renewed read txn is a new snapshot)
my %seen;
for (1 .. 20) {
    my $res = $t->get('/articles/breaking-5');
    $seen{$res->{status}}++;
}
is_deeply(\%seen, { 200 => 20 }, 'the last import is visible from both workers');

$t->stop;
my @closed = $t->error_log =~ /news: store closed in this worker/g;
is(scalar @closed, 2, 'both workers closed their environment on exit');
$t->done;
done_testing;
