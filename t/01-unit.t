# Runs the C unit tests (t/unit/test_*.c, built by `make unit` into
# build/unit/) and passes their TAP through as subtests.
use strict;
use warnings;
use Test::More;
use FindBin;

my $root = "$FindBin::Bin/..";
my @bins = sort glob("$root/build/unit/test_*");
ok(@bins, 'unit test binaries are built') or BAIL_OUT('run make unit');

for my $bin (@bins) {
    my ($name) = $bin =~ m{([^/]+)$};
    subtest $name => sub {
        my $out = `$bin 2>&1`;
        my $rc = $? >> 8;
        my @not_ok = grep { /^not ok/ } split /\n/, $out;
        my ($plan) = $out =~ /^1\.\.(\d+)/m;
        ok($plan && $plan > 0, "$name ran $plan tests" ) or diag $out;
        is($rc, 0, "$name exits 0");
        is(scalar @not_ok, 0, "$name has no failures") or diag join "\n", @not_ok;
    };
}

done_testing;
