# The fuzzers and the sanitizer build, briefly: `make fuzz-smoke` runs every
# libFuzzer target (t/fuzz/) for a few seconds from its seed corpus, and
# `make sanitize` runs the C unit tests and a newsctl import/export round
# trip built with AddressSanitizer and UndefinedBehaviorSanitizer.  Either
# fails on any crash, broken invariant or sanitizer report.  The long run
# is `make fuzz` (FUZZ_SECONDS per target).
use strict;
use warnings;
use Test::More;
use FindBin;

my $root = "$FindBin::Bin/..";

# clang and its fuzzer runtime come from Debian; fuzz-deps installs them
# as root, and there is nothing else to run them with
my $deps = `make -s -C $root fuzz-deps 2>&1`;
if ($? != 0) {
    plan skip_all => "clang with libFuzzer cannot be installed: $deps";
}

# build on both cores first; the runs themselves are one after another
my $out = `make -s -j2 -C $root fuzz-build 2>&1`;
is($? >> 8, 0, 'make fuzz-build') or diag $out;

$out = `make -s -C $root fuzz-smoke 2>&1`;
my $rc = $? >> 8;
is($rc, 0, 'make fuzz-smoke: every fuzz target runs clean') or diag $out;

my @ran = $out =~ /^fuzz: (\S+) for/mg;
cmp_ok(scalar @ran, '>=', 8, 'all fuzz targets ran: ' . join(' ', @ran));

$out = `make -s -C $root sanitize 2>&1`;
$rc = $? >> 8;
is($rc, 0, 'make sanitize: unit tests and newsctl clean under ASan+UBSan')
    or diag $out;
like($out, qr/round trip ok/, 'newsctl import/export ran under sanitizers');
unlike($out, qr/runtime error:|ERROR: (Address|Leak)Sanitizer/,
       'no sanitizer report');

done_testing;
