# newsctl import-disqus on a Disqus export written from Disqus's documented
# format (t/data/disqus/export.xml), after the real WordPress export: threads
# found by old path, by the WordPress plugin's identifier and by the new
# address; replies keep their parents; spam and deleted posts dropped and
# counted; the unmatched thread listed; a second import adds nothing; a
# damaged file imports nothing; an export of more posts than a write batch
# keeps its replies' parents across batches; a reply before its parent in
# the file; standard input from a pipe (the file is read more than once);
# an export of 30,000 posts imports with 48 MB of data memory (RLIMIT_DATA),
# where holding every post needed over 40; an import stopped part-way
# (a full store) completed by the same import again.
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

sub dsq { qq{<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n$_[0]</disqus>\n} }

sub post {
    my ($id, $thread, $name, $time, $parent) = @_;
    return qq{<post dsq:id="$id"><message><![CDATA[<p>Post by $name</p>]]></message>}
         . qq{<createdAt>$time</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>}
         . qq{<author><name>$name</name></author><thread dsq:id="$thread"/>}
         . ($parent ? qq{<parent dsq:id="$parent"/>} : '') . "</post>\n";
}

my $hello = qq{<thread dsq:id="1"><id>hello-world</id><link>https://news.example/articles/hello-world</link><title>a</title></thread>\n};

sub comments_of {
    my %a = map { $_->{slug} => $_ } @{ decode_json($t->export) };
    return map { $_->{author} => $_ } map { @{ $a{$_}{comments} } } @_;
}

# more posts than a write batch (1000), two threads interleaved: replies
# find parents written by an earlier batch, and a second import adds none
my $big = $hello . qq{<thread dsq:id="2"><id>pending-review</id><link></link><title>b</title></thread>\n};
for my $i (1 .. 2400) {
    my %parent = (2300 => 5006, 2301 => 7351, 2302 => 5007);
    $big .= post(5000 + $i, $i % 2 + 1, "P$i", sprintf('2024-05-01T00:%02d:%02dZ', int($i / 60), $i % 60),
                 $parent{$i});
}
my $bigfile = NewsTest::json_file(dsq($big));
($rc, $out, $err) = $t->newsctl('import-disqus', $bigfile);
is($rc, 0, 'an export larger than a batch') or diag $err;
like($out, qr/^imported: 0 articles, 2400 comments,/m, 'every post counted');
my %p = comments_of('hello-world', 'pending-review');
is(scalar(grep { /^P\d+$/ } keys %p), 2400, 'every post is a comment');
is($p{P2300}{parent}, $p{P6}{id}, 'a reply finds its parent written two batches before');
ok(!defined $p{P2301}{parent}, 'a reply to a later post is a top comment');
ok(!defined $p{P2302}{parent}, "a reply to another thread's post too");
is(scalar(grep { /^P\d+$/ } map { $_->{author} } @{ { map { $_->{slug} => $_ } @{ decode_json($t->export) } }->{'pending-review'}{comments} }),
   1200, 'the other thread has its half');
$export = $t->export;
($rc, $out, $err) = $t->newsctl('import-disqus', $bigfile);
is($rc, 0, 'the large export again') or diag $err;
is($t->export, $export, 'adds nothing');

# a reply read before its parent (and that one before its own): it waits
# for the next reading of the file, and keeps its parent
my $council = qq{<thread dsq:id="3"><id>x</id><link>https://news.example/articles/council-votes</link><title>c</title></thread>\n};
my $late = NewsTest::json_file(dsq($council . post(9102, 3, 'Q2', '2024-06-01T00:00:02Z', 9101)
                                            . post(9101, 3, 'Q1', '2024-06-01T00:00:01Z', 9100)
                                            . post(9100, 3, 'Q0', '2024-06-01T00:00:00Z')));
($rc, $out, $err) = $t->newsctl('import-disqus', $late);
is($rc, 0, 'replies before their parents in the file') or diag $err;
like($out, qr/^imported: 0 articles, 3 comments,/m, 'all three counted once');
%p = comments_of('council-votes');
ok(!defined $p{Q0}{parent}, 'the top post on top');
is($p{Q1}{parent}, $p{Q0}{id}, 'its reply under it');
is($p{Q2}{parent}, $p{Q1}{id}, "and the reply's reply under that");
like($t->get('/articles/council-votes')->{content}, qr/Post by Q2/, 'shown on the page');

# standard input from a pipe: copied aside, since the file is read twice
my $build = $ENV{TEST_NEWS_BUILD} // NewsTest->root . '/build';
my $piped = NewsTest::json_file(dsq($hello . post(9200, 1, 'Piped', '2024-06-02T00:00:00Z')));
($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'cat "$1" | "$0" --db "$2" import-disqus -',
                                       "$build/newsctl", $piped, $t->db]);
is($rc, 0, 'standard input from a pipe') or diag $err;
like($out, qr/^imported: 0 articles, 1 comment,/m, 'its post counted');
%p = comments_of('hello-world');
ok($p{Piped}, 'and imported');

# memory: 30,000 posts over 100 threads in 48 MB of data (brk and private
# mappings; the store's map is a shared file mapping and does not count),
# in a map larger than the test's 64 MB.
# A sanitizer build reserves far more than that for itself: not there.
SKIP: {
    skip 'a sanitizer build of newsctl', 8 if $ENV{ASAN_OPTIONS} || $build =~ m{/asan$};
    my $wxr = qq{<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>M</title><wp:wxr_version>1.2</wp:wxr_version>\n};
    my $threads = '';
    for my $n (1 .. 100) {
        $wxr .= qq{<item><title>Memory $n</title><link>http://m.example/$n/</link><dc:creator>ann</dc:creator>}
              . qq{<content:encoded><![CDATA[<p>Body $n</p>]]></content:encoded><wp:post_id>$n</wp:post_id>}
              . qq{<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>memory-$n</wp:post_name>}
              . qq{<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n};
        $threads .= qq{<thread dsq:id="$n"><id>memory-$n</id><link>http://m.example/$n/</link><title>m</title></thread>\n};
    }
    ($rc, $out, $err) = $t->newsctl('import-wxr', NewsTest::json_file("$wxr</channel></rss>\n"));
    is($rc, 0, 'the articles of the memory test') or diag $err;
    my $file = NewsTest::json_file(dsq($threads . join('', map {
        my $s = sprintf '%02d:%02d:%02d', int($_ / 3600), int($_ / 60) % 60, $_ % 60;
        qq{<post dsq:id="} . (100000 + $_) . qq{"><message><![CDATA[<p>Comment $_ says } . ('something ' x 30)
        . qq{</p>]]></message><createdAt>2024-02-01T${s}Z</createdAt><author><name>Reader $_</name></author>}
        . qq{<thread dsq:id="} . ($_ % 100 + 1) . '"/>'
        . ($_ % 3 == 0 && $_ > 100 ? qq{<parent dsq:id="} . (100000 + $_ - 100) . '"/>' : '') . "</post>\n"
    } 1 .. 30000)));
    # first in a map that cannot take them: it stops part-way, some
    # batches written whose articles are not re-rendered yet (check says
    # so); the same import again in a map large enough completes it
    my $small = (-s $t->db . '/data.mdb') + 4 * 1024 * 1024;
    ($rc, $out, $err) = $t->newsctl('--size', $small, 'import-disqus', $file);
    is($rc, 1, 'a store too small: stopped');
    like($err, qr/import-disqus stopped: .*MDB_MAP_FULL.*\n.*[1-9]\d* comments were written before it stopped: importing the same files again adds the rest/,
         'it says what was written and how to complete it');
    ($rc, $out) = $t->newsctl('check');
    like($out, qr/comment_count \d+, but \d+ visible comments/, 'check sees articles not re-rendered yet');
    ($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'ulimit -d 49152 && exec "$0" --db "$1" --size 268435456 import-disqus "$2"',
                                           "$build/newsctl", $t->db, $file], timeout => 600);
    is($rc, 0, '30,000 posts imported with 48 MB of data memory') or diag $err;
    like($out, qr/^imported: 0 articles, 30000 comments,/m, 'every post counted');
    like($t->get('/articles/memory-2')->{content}, qr/Comment 101 says/, 'on its page');
    my %a = map { $_->{slug} => $_ } @{ decode_json($t->export) };
    is(scalar(map { @{ $a{"memory-$_"}{comments} } } 1 .. 100), 30000, 'each post once');
}

($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean') or diag $out;

$t->done;
done_testing;
