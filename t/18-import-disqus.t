# newsctl import-disqus on a Disqus export written from Disqus's documented
# format (t/data/disqus/export.xml), after the real WordPress export: threads
# found by old path, by the WordPress plugin's identifier and by the new
# address; replies keep their parents; spam and deleted posts dropped and
# counted; the unmatched thread listed; a second import adds nothing; a
# damaged file imports nothing.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $DSQ = 't/data/disqus/export.xml';
my $t = NewsTest->new(workers => 1);
$t->run;

my ($rc, $out, $err) = $t->newsctl('import-wxr', 't/data/wordpress/export.xml');
is($rc, 0, 'the WordPress export first') or diag $err;

($rc, $out, $err) = $t->newsctl('import-disqus', $DSQ);
is($rc, 0, 'the Disqus export imports') or diag $err;
is($out, "unmatched thread: http://newsfixture/2019/01/01/a-page-long-gone/ id gone-page\n"
         . "imported: 0 articles, 5 comments, 0 held for moderation, 1 spam and "
         . "1 trashed dropped, 0 skipped, 1 unmatched\n",
   'the unmatched thread listed, then the summary');

my $export = $t->export;
my %a = map { $_->{slug} => $_ } @{ decode_json($export) };
my %by = map { $_->{author} => $_ } @{ $a{'council-votes'}{comments} };
ok($by{Carol} && $by{Dan} && $by{Frank}, 'posts of the thread found by its old path');
is($by{Carol}{body}, "Disqus says: finally.\n\nSee the plan (https://example.com/bus).",
   'the message as text, paragraphs and links kept');
is($by{Dan}{body}, 'Agreed.', 'scripts dropped');
is($by{Dan}{parent}, $by{Carol}{id}, 'a reply keeps its parent');
ok(!defined $by{Frank}{parent}, 'a reply to a deleted post becomes a top comment');
ok(!$by{Spammer} && !$by{Erin}, 'spam and deleted posts are not imported');
is(scalar @{ $a{'council-votes'}{comments} }, 8, 'next to the WordPress comments');
is($by{Carol}{created_at}, '2024-03-05T19:00:00Z', 'createdAt');
ok((grep { $_->{author} eq 'Gina' } @{ $a{'cafe-culture-a-naive-guide'}{comments} }),
   'a thread found by the WordPress plugin identifier ("5 http://.../?p=5")');
ok((grep { $_->{author} eq 'Hal' } @{ $a{'hello-world'}{comments} }),
   'a thread found by the new address /articles/{slug}');

my $page = $t->get('/articles/council-votes');
like($page->{content}, qr/Disqus says: finally\./, 'served on the article page');

($rc, $out, $err) = $t->newsctl('import-disqus', $DSQ);
is($rc, 0, 'the same file again');
is($t->export, $export, 'adds nothing');

open my $fh, '<:raw', $DSQ or die $!;
my $xml = do { local $/; <$fh> };
close $fh;
for my $case (['<createdAt>2024-03-05T19:05:00Z</createdAt>', '<createdAt>later</createdAt>',
               qr/post 2: comment 3002: "created_at" must be an RFC 3339/, 'a bad date'],
              ['<thread dsq:id="2002"/>', '<thread dsq:id="9999"/>',
               qr/post 6: 3006: thread: no thread 9999/, 'a post of no thread'],
              ['</disqus>', '', qr/not well-formed XML/, 'a cut file']) {
    my ($from, $to, $want, $name) = @$case;
    (my $copy = $xml) =~ s/\Q$from\E/$to/ or die $from;
    ($rc, $out, $err) = $t->newsctl('import-disqus', NewsTest::json_file($copy));
    is($rc, 1, "$name: refused");
    like($err, $want, "$name: named") or diag $err;
    is($t->export, $export, "$name: nothing changed");
}

($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean') or diag $out;

$t->done;
done_testing;
