#!/usr/bin/perl
# Prints gcovr's JSON summary (make coverage) as one table: lines and
# branches per file, and the total.
use strict;
use warnings;
use JSON::PP;

my $file = shift or die "usage: covtable.pl summary.json\n";
open my $fh, '<', $file or die "$file: $!\n";
my $s = decode_json(do { local $/; <$fh> });

my $fmt = "%-36s %7s %12s %7s %12s\n";
printf $fmt, 'file', 'lines', '', 'branches', '';
for my $f (sort { $a->{filename} cmp $b->{filename} } @{ $s->{files} }) {
    printf $fmt, $f->{filename},
        sprintf('%.1f%%', $f->{line_percent}),
        "$f->{line_covered}/$f->{line_total}",
        sprintf('%.1f%%', $f->{branch_percent} // 0),
        "$f->{branch_covered}/$f->{branch_total}";
}
printf $fmt, 'TOTAL',
    sprintf('%.1f%%', $s->{line_percent}),
    "$s->{line_covered}/$s->{line_total}",
    sprintf('%.1f%%', $s->{branch_percent}),
    "$s->{branch_covered}/$s->{branch_total}";
