#!/usr/bin/perl
# An nginx worker's memory on a store filled by newsctl import-wxr: one
# worker (the distro nginx with the module, as in make test) serves the
# store; every imported article is read once by its URL and every tenth by
# its old address (301); the worker's RSS, and the part of it outside the
# LMDB map (from /proc/PID/smaps, as bench/run measures it), are printed
# before and after.  Not part of make test.  Run by
# `sh bench/import-memory.sh worker [N]`, which writes the WXR:
#   perl bench/import-worker-memory.pl FILE.wxr N
use strict;
use warnings;
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use HTTP::Tiny;
use Test::More;
use Time::HiRes qw(time);

my $ROOT;
BEGIN { $ROOT = abs_path(dirname(__FILE__) . '/..') }
use lib "$ROOT/t/lib";
require NewsTest;

my ($file, $n) = @ARGV;
die "usage: $0 FILE.wxr N\n" unless $file && $n;

sub slurp {
    open my $fh, '<', $_[0] or return '';
    local $/;
    return <$fh>;
}

sub memory {
    my ($pid) = @_;
    my %v = map { /^(\w+):\s+(\d+) kB/ ? ($1 => $2) : () } split /\n/, slurp("/proc/$pid/status");
    my ($map, $in) = (0, 0);
    for (split /\n/, slurp("/proc/$pid/smaps")) {
        if (/^[0-9a-f]+-[0-9a-f]+ /) { $in = m{/data\.mdb$} ? 1 : 0; next }
        $map += $1 if $in && /^Rss:\s+(\d+) kB/;
    }
    return sprintf 'RSS %.1f MiB (peak %.1f), in the LMDB map %.1f MiB, outside it %.1f MiB (anonymous %.1f MiB)',
        map { $_ / 1024 } $v{VmRSS}, $v{VmHWM}, $map, $v{VmRSS} - $map, $v{RssAnon};
}

my $t = NewsTest->new(workers => 1, db_size => undef, log_level => "warn");
my $started = time;
# not $t->newsctl, whose commands may take a minute at most
my $out = qx{"$ROOT/build/newsctl" --db "${\ $t->db}" --size 8589934592 import-wxr "$file"};
die "import-wxr failed\n" if $?;
chomp $out;
printf "import-wxr: %s (%.0f s)\n", $out, time - $started;

$t->run;
my ($pid) = $t->worker_pids;
my $http = HTTP::Tiny->new(keep_alive => 1, max_redirect => 0);
$http->get($t->url('/'));
print "worker after one request: ", memory($pid), "\n";

my %status;
$started = time;
for my $i (1 .. $n) {
    $status{ $http->get($t->url("/articles/article-$i"))->{status} }++;
    $status{ $http->get($t->url("/$i/"))->{status} }++ if $i % 10 == 0;
}
printf "read %d articles and %d old addresses in %.0f s: %s\n", $n, int($n / 10), time - $started,
    join ', ', map { "$_: $status{$_}" } sort keys %status;
print "worker after reading them all: ", memory($pid), "\n";

$t->done;        # checks error.log and that nginx is gone
done_testing;
