# newsctl import / export / stats against a live nginx: validation that
# names the bad article and imports nothing, updates by slug, round trip.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(workers => 2);
$t->run;

my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'import while nginx runs') or diag $err;
like($out, qr/imported 1 article/, 'says what it imported');
is($t->get('/api/articles')->{status}, 200, 'served after import');

my @bad = (
    ['{"title":"x"}', qr/article 1: "body" is required/],
    ['[{"title":"ok","body":"b"},{"slug":"two","body":"b"}]',
     qr/article 2 \(two\): "title" is required/],
    ['{"title":"t","body":"b","published_at":"31/12/2024"}', qr/RFC 3339/],
    ['{"title":"t","body":"b","colour":"red"}', qr/unknown field "colour"/],
    ['{"title":"t","body":"b","slug":"../etc"}', qr/"slug" must be/],
    ['{"title":"t", "body": ', qr/not valid JSON/],
    ['"just a string"', qr/must be a JSON object/],
    ['{"title":"' . ('x' x 301) . '","body":"b"}', qr/"title" is longer than 300/],
);
for my $case (@bad) {
    my ($json, $want) = @$case;
    ($rc, $out, $err) = $t->newsctl('import', NewsTest::json_file($json));
    is($rc, 1, "bad import fails: " . substr($json, 0, 40));
    like($err, $want, 'and says which article and why');
}

# a file with one bad article imports nothing of itself or of other files
my $good = NewsTest::json_file('{"title":"Good one","body":"b"}');
my $mixed = NewsTest::json_file('[{"title":"Also good","body":"b"},{"title":"bad"}]');
($rc, $out, $err) = $t->newsctl('import', $good, $mixed);
is($rc, 1, 'mixed import fails');
like($err, qr/nothing imported/, 'says nothing was imported');
is($t->get('/articles/good-one')->{status}, 404, 'the good article of the batch is not there');
is($t->get('/articles/also-good')->{status}, 404, 'nor its neighbour');

# export, wipe, import the export: the same articles
($rc, $out, $err) = $t->newsctl('import', $good);
is($rc, 0, 'good import');
my ($rc2, $export) = $t->newsctl('export');
is($rc2, 0, 'export');
like($export, qr/"slug":\s*"good-one"/, 'export has the article');
like($export, qr/"comments":\s*\[\]/, 'export has a comments array');

my $t2 = NewsTest->new;
my $file = NewsTest::json_file($export);
($rc, $out, $err) = $t2->newsctl('import', $file);
is($rc, 0, 'import of an export') or diag $err;
my (undef, $export2) = $t2->newsctl('export');
is($export2, $export, 'export -> import -> export is the same');

($rc, $out) = $t->newsctl('stats');
is($rc, 0, 'stats');
like($out, qr/^articles\s+2$/m, 'stats counts articles');
like($out, qr/^map_bytes\s+\d+/m, 'stats shows the map size');

($rc, $out, $err) = $t->newsctl('frobnicate');
is($rc, 2, 'unknown command: usage');
like($err, qr/usage/, 'prints usage');

$t->done;
done_testing;
