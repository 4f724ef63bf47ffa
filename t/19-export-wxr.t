# newsctl export-wxr: the site as WXR 1.2.  Checked against what WordPress's
# own exporter writes (t/data/wordpress/export.xml): the same channel head,
# the same elements of an item and of a comment in the same order; the
# file is well-formed XML (xmllint); and imported into a fresh store it
# gives back the same articles and comments (the round trip).
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $REAL = 't/data/wordpress/export.xml';

sub slurp { open my $fh, '<:raw', $_[0] or die "$_[0]: $!"; local $/; <$fh> }

# the names of the elements directly inside $xml, in order, each once
sub children {
    my ($xml) = @_;
    $xml =~ s/<!\[CDATA\[.*?\]\]>//gs;
    my ($depth, @names, %seen) = (0);
    while ($xml =~ /<(\/?)([\w:]+)[^>]*?(\/?)>/g) {
        my ($close, $name, $empty) = ($1, $2, $3);
        if ($close) { $depth--; next }
        push @names, $name if $depth == 0 && !$seen{$name}++;
        $depth++ unless $empty;
    }
    return \@names;
}

sub items { my @i = $_[0] =~ m{<item>(.*?)</item>}gs; return @i }

my $t = NewsTest->new(workers => 1);
$t->run;
my ($rc, $out, $err) = $t->newsctl('import-wxr', $REAL);
is($rc, 0, 'the real export imported') or diag $err;

($rc, $out, $err) = $t->newsctl('export-wxr', 'https://news.example');
is($rc, 0, 'export-wxr') or diag $err;
my $file = NewsTest::json_file($out);
my ($lrc, undef, $lerr) = NewsTest::run_cmd(['xmllint', '--noout', $file]);
is($lrc, 0, 'well-formed XML') or diag $lerr;

my $real = slurp($REAL);
my ($real_post) = grep { /<wp:post_type><!\[CDATA\[post\]\]>/ } items($real);
my ($ours) = grep { /<wp:post_name><!\[CDATA\[council-votes\]\]>/ } items($out);
ok($ours, 'the article is an item');

my @want = grep { $_ ne 'wp:postmeta' } @{ children($real_post) };
is_deeply(children($ours), \@want, "an item's elements, in WordPress's order")
    or diag explain children($ours);

my ($real_comment) = $real =~ m{<wp:comment>(.*?)</wp:comment>}s;
my ($our_comment) = $ours =~ m{<wp:comment>(.*?)</wp:comment>}s;
is_deeply(children($our_comment), children($real_comment), "a comment's elements, in order");

my ($real_channel) = $real =~ m{<channel>(.*?)<item>}s;
my ($our_channel) = $out =~ m{<channel>(.*?)<item>}s;
is_deeply(children($our_channel), children($real_channel),
          "the channel's head, authors and terms") or diag explain children($our_channel);

like($out, qr{<wp:wxr_version>1\.2</wp:wxr_version>}, 'WXR 1.2');
like($ours, qr{<category domain="category" nicename="politics"><!\[CDATA\[Politics\]\]></category>},
     'the section as its category');
like($ours, qr{<category domain="post_tag" nicename="city-council"><!\[CDATA\[City Council\]\]></category>},
     'tags');
like($ours, qr{<content:encoded><!\[CDATA\[<p>The <strong>council</strong>}, 'the body as HTML');
like($ours, qr{<wp:comment_approved><!\[CDATA\[0\]\]></wp:comment_approved>}, 'a held comment as 0');
my ($sched) = grep { /scheduled-the-election-night/ } items($out);
like($sched, qr{<wp:status><!\[CDATA\[future\]\]>}, 'a scheduled article is future');
my ($draft) = grep { /a-draft-about-budgets/ } items($out);
like($draft, qr{<wp:status><!\[CDATA\[draft\]\]>}, 'a draft is a draft');

# the round trip
my $t2 = NewsTest->new(workers => 1);
($rc, $out, $err) = $t2->newsctl('import-wxr', $file);
is($rc, 0, 'our export imports') or diag $err;
is($t2->export, $t->export, 'into the same articles and comments');

$t->done;
done_testing;
