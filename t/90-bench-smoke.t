#!/usr/bin/perl
# Smoke test of the benchmark (bench/run, `make bench`) with tiny settings,
# so that it cannot rot: 1 s runs without warm-up, a "large" store of 200
# articles.  It checks that the table and the JSON come out with numbers;
# it asserts no speed (that is the benchmark's report, not a test).
# Scenarios whose routes are not built yet must say "n/a (...)".

use strict;
use warnings;

use Test::More;
use File::Temp ();
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $wrk = grep { -x "$_/wrk" } split /:/, $ENV{PATH};
ok($wrk, 'wrk is installed (make test installs it)') or BAIL_OUT('no wrk');

my $out = File::Temp::tempdir('bench-smoke-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my %env = (BENCH_SECONDS => 1, BENCH_WARMUP => 0, BENCH_ARTICLES => 200,
           BENCH_COMMENTS => 1000, BENCH_SEED_COMMENTS => 5, BENCH_THREADS => 1,
           BENCH_CONNECTIONS => 4, BENCH_POSTERS => 4, BENCH_MAP => 256 << 20,
           BENCH_PAIRED => 0, BENCH_RESULTS => $out);
local @ENV{keys %env} = values %env;
delete local $ENV{BENCH_KEEP};

my ($rc, $stdout, $stderr) = NewsTest::run_cmd(['bench/run'], timeout => 120, dir => $out);
is($rc, 0, 'bench/run exits 0') or diag("stdout:\n$stdout\nstderr:\n$stderr");

# --- the table ------------------------------------------------------------------

my %line;
for (split /\n/, $stdout) {
    $line{$1} = $_ if /^\s*(S\d|L\d\w?|Q\d|E\d|W[r01]?|H[r0]?|P[01])\s{2}/;
}
my $num = qr/\d+(?:\.\d+)?/;
for my $id (qw(S1 S2 S5 L1 L1r L2 L5 Q1 Q2),
            (-f '/usr/lib/nginx/modules/ngx_http_cache_purge_module.so' ? 'E1' : ())) {
    like($line{$id} // '', qr/^\s*\Q$id\E\s{2}.*?\s{2}\d+\s+$num\s+$num\s+$num/,
         "table row $id: req/s, p50, p99, ratio");
}
if (-f '/usr/lib/nginx/modules/ngx_http_cache_purge_module.so') {
    like($line{E2} // '', qr/^\s*E2\s{2}.*?\s{2}$num\s+$num\s+within 1 s$/,
         'table row E2: p50 and p99 of a comment reaching the edge');
}
for my $id (qw(S3 S4 L3 W Wr W0 W1 H0 H Hr P0 P1)) {
    like($line{$id} // '', qr/\s(?:\d+(?:\.\d+)?(?: c\/s)?\s+$num\s+$num|n\/a \(.+?\))/,
         "table row $id: numbers or n/a with a reason");
}
for my $id (qw(W W0 W1 H)) {
    like($stdout, qr/^written per comment, \Q$id\E: \d+ bytes \(\d+ comments in \d+ commits: $num a commit\)/m,
         "$id: bytes written per comment, commits");
}
like($stdout, qr/^large store fill: 200 articles.*imported in $num s/m, 'fill time reported');
like($stdout, qr/^large store's free list: \d+ pages in \d+ records after the import; \d+ pages in \d+ records after W; .* after P1$/m,
     "the large store's free list after the import and the posting rows");
like($stdout, qr/^search beside SQLite FTS5 .*ours \d+ q\/s .*FTS5 $num q\/s .*index .* x; top-10 agreement .*$num%/m,
     'search beside FTS5: queries/s, index sizes, top-10 agreement');
like($stdout, qr/^small nginx, worker memory.*peak RSS \(VmHWM\) $num MiB/m, 'small: worker peak RSS');
like($stdout, qr/^large nginx, worker memory.*peak RSS \(VmHWM\) $num MiB/m, 'large: worker peak RSS');
like($stdout, qr/^store size on disk per comment: (?:\d+ bytes|n\/a \(not built yet\))/m,
     'store size per comment, or n/a');

# --- the JSON ------------------------------------------------------------------

my @files = glob "$out/*.json";
is(scalar @files, 1, 'one JSON result file') or diag("files: @files");
like($files[0] // '', qr{/\d{8}-\d{6}\.json$}, 'named YYYYMMDD-HHMMSS.json');
my $r = eval { decode_json(do { local (@ARGV, $/) = $files[0]; <> }) } // {};
is(ref $r->{rows}, 'ARRAY', 'JSON has rows') or diag($@);
my %row = map { $_->{id} => $_ } @{ $r->{rows} // [] };
for my $id (qw(S1 S2 L1 L1r L2)) {
    my $x = $row{$id} // {};
    is($x->{status}, 'ok', "JSON $id ran");
    ok(($x->{rps} // 0) > 0 && defined $x->{p50_ms} && defined $x->{p99_ms}
       && ($x->{ratio} // 0) > 0, "JSON $id: rps, p50, p99, ratio")
        or diag explain $x;
}
is($row{S2}{ratio}, 1, 'the static reference is its own ratio 1');
ok($r->{fill}{import_seconds} >= 0 && $r->{fill}{articles} == 200, 'JSON fill');
ok(@{ $r->{large}{memory} // [] } == 2 && $r->{large}{memory}[0]{vm_hwm_kb} > 0,
   'JSON memory of 2 workers');
ok($r->{large}{store}{counts}{articles} == 201, 'large store: 200 generated + the seed');

done_testing;
