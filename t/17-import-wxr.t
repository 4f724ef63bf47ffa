# newsctl import-wxr on a real WordPress export (t/data/wordpress/export.xml,
# written by export_wp() of Debian's wordpress; make-export.sh makes it
# again): every field of every post, the sanitized bodies as served, the
# comments with their threads and states, the old addresses' 301s and their
# release when the article is deleted (check sees a lost one),
# idempotence, and all-or-nothing on a damaged copy.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $WXR = 't/data/wordpress/export.xml';
my $t = NewsTest->new(workers => 1);
$t->run;

my ($rc, $out, $err) = $t->newsctl('import-wxr', $WXR);
is($rc, 0, 'the real export imports') or diag $err;
is($out, "imported: 6 articles, 6 comments, 1 held for moderation, 0 spam and "
         . "1 trashed dropped, 4 skipped, 0 unmatched\n",
   'the summary: posts, comments, held, dropped, pages and the attachment skipped');

my $export = $t->export;
my %a = map { $_->{slug} => $_ } @{ decode_json($export) };
is_deeply([sort keys %a],
          [qw(a-draft-about-budgets cafe-culture-a-naive-guide council-votes
              hello-world pending-review scheduled-the-election-night)],
          'posts become articles; a draft without post_name gets a slug from its title');

my $c = $a{'council-votes'};
is($c->{title}, 'Council votes on the late buses', 'title');
is($c->{subtitle}, 'The buses run later from May.', 'excerpt as subtitle');
is($c->{author}, 'Ann Editor', 'dc:creator as the display name of wp:author');
is($c->{section}, 'Politics', 'the first category as section');
is_deeply($c->{tags}, ['buses', 'City Council'], 'post_tag as tags');
is($c->{published_at}, '2024-03-05T17:30:00Z', 'post_date_gmt');
is($c->{status}, 'published', 'publish');
is($a{'cafe-culture-a-naive-guide'}{title}, "Caf\x{e9} culture: a na\x{ef}ve guide",
   'UTF-8 titles');
is($a{'cafe-culture-a-naive-guide'}{author}, "Bob R\x{e9}porter", 'another author');
is($a{'cafe-culture-a-naive-guide'}{section}, 'Tech & Science', 'entities in names');
is($a{'scheduled-the-election-night'}{status}, 'published', 'future: published ...');
is($a{'scheduled-the-election-night'}{published_at}, '2030-05-01T19:00:00Z',
   '... at its future time, so scheduled');
is($a{'a-draft-about-budgets'}{status}, 'draft', 'draft');
is($a{'pending-review'}{status}, 'draft', 'pending is a draft');

like($c->{body}, qr/^The \*\*council\*\* voted \*late\*/, 'the body as Markdown');
like($c->{body}, qr/\n## What changes\n/, 'headings');
like($c->{body}, qr/!\[The town hall at night\]\(<https:\/\/example.org\/wp-content\/uploads\/2024\/03\/hall.jpg>\)/,
     'images with their alt text');
like($c->{body}, qr/\*The hall, lit for the vote\*/, 'figure captions');
like($c->{body}, qr/\n> We listened\.\n/, 'blockquotes');
like($c->{body}, qr/\*\*Ward\*\* \| \*\*Votes\*\*\n\nNorth \| 1,204/, 'tables, a row a paragraph');
unlike($c->{body}, qr/<script|alert|javascript:|onerror|onclick|iframe|style=|color:|data:/i,
       'scripts, handlers, unsafe links, frames and styles are gone');
like($c->{body}, qr/\\\*not emphasis\\\*, # not a heading, \\\[not\\\]\(a link\)/,
     'text that looks like Markdown stays text');

my @cm = @{ $c->{comments} };
is(scalar @cm, 5, 'the trashed comment is dropped');
my %by = map { $_->{body} => $_ } @cm;
my ($one, $two, $fair, $held, $ann) = map { $by{$_} } ('Good news.

About time.', 'I disagree: this study (https://example.com/study) says otherwise.',
    "Fair point.\n\nStill good.", 'Waiting for a moderator.', 'Thanks all.');
ok($one && $two && $fair && $held && $ann, 'comment text: tags removed, paragraphs and links kept')
    or diag explain \@cm;
is($two->{parent}, $one->{id}, 'a reply keeps its parent');
is($fair->{parent}, $two->{id}, 'and a reply to the reply');
is($ann->{parent}, $one->{id}, 'a second reply to the first');
is($held->{status}, 'pending', 'comment_approved 0 waits for moderation');
is($one->{status}, 'visible', 'comment_approved 1 is visible');
is($one->{author}, 'Reader One', 'comment_author shown');
is($one->{created_at}, '2024-03-05T18:00:00Z', 'comment_date_gmt');

# as served
my $page = $t->get('/articles/council-votes');
is($page->{status}, 200, 'the article page');
like($page->{content}, qr{<h2>What changes</h2>}, 'its heading');
like($page->{content}, qr{<img src="https://example.org/wp-content/uploads/2024/03/hall.jpg" alt="The town hall at night" />},
     'its image');
unlike($page->{content}, qr/alert\(|javascript:|onerror=|evil\.example/, 'nothing hostile served');
like($page->{content}, qr/Reader Two/, 'its comments');
unlike($page->{content}, qr/Waiting for a moderator|I take it back/, 'not the held or trashed ones');

my $found = $t->get('/api/search?q=council+buses');
like($found->{content}, qr/council-votes/, 'imported articles are in the search index');

# old addresses
for my $case (['/2024/03/05/council-votes', '/articles/council-votes'],
              ['/2024/03/05/council-votes/', '/articles/council-votes'],
              ['/?p=4', '/articles/council-votes'],
              ['/2024/03/06/cafe-culture-a-naive-guide/', '/articles/cafe-culture-a-naive-guide'],
              ['/?p=5', '/articles/cafe-culture-a-naive-guide']) {
    my ($old, $new) = @$case;
    my $r = $t->get($old);
    is($r->{status}, 301, "$old answers 301");
    like($r->{headers}{location} // '', qr/\Q$new\E$/, "to $new");
}
is($t->get('/?p=6')->{status}, 404, "a draft's old address does not tell where it is");
is($t->get('/?p=7')->{status}, 404, "nor a scheduled article's");
is($t->get('/?p=99')->{status}, 200, 'an unknown post id is the front page, as any other argument');
is($t->get('/2024/03/05/nothing')->{status}, 404, 'an unknown old path is a 404');
is($t->get('/?page=1')->{status}, 200, 'the front page with other arguments');

# idempotent
my $stats = ($t->newsctl('stats'))[1];
($rc, $out, $err) = $t->newsctl('import-wxr', $WXR);
is($rc, 0, 'the same file again') or diag $err;
is($t->export, $export, 'leaves the store as after once');
my $stats2 = ($t->newsctl('stats'))[1];
s/^(file|used)_bytes.*\n//mg for $stats, $stats2;
is($stats2, $stats, 'the same entries in every table');

# all or nothing
open my $fh, '<:raw', $WXR or die $!;
my $xml = do { local $/; <$fh> };
close $fh;

sub damaged {
    my ($from, $to) = @_;
    my $copy = $xml;
    $copy =~ s/\Q$from\E/$to/ or die "no $from";
    return NewsTest::json_file($copy);
}

for my $case (
    [damaged('<wp:post_date_gmt><![CDATA[2024-03-06 08:00:00]]>',
             '<wp:post_date_gmt><![CDATA[yesterday]]>') . '',
     qr/item 5: wp:post_date_gmt "yesterday" is not a date; nothing imported/,
     'a bad date names the item and the field'],
    [damaged('<wp:comment_date_gmt><![CDATA[2024-03-05 18:05:00]]>',
             '<wp:comment_date_gmt><![CDATA[soon]]>'),
     qr/item 4: comment 3: wp:comment_date_gmt is not a date/,
     'a bad comment date names the item and the comment'],
    [damaged('<title><![CDATA[Council votes on the late buses]]></title>',
             '<title><![CDATA[' . ('x' x 10) . ']]></title><wp:post_id>'),
     qr/not well-formed XML/, 'malformed XML is refused'],
    [damaged('<wp:wxr_version>1.2</wp:wxr_version>', '<wp:wxr_version>9.9</wp:wxr_version>'),
     qr/wp:wxr_version "9.9"/, 'an unknown WXR version is refused'],
    [damaged('<wp:post_name><![CDATA[council-votes]]></wp:post_name>',
             '<wp:post_name><![CDATA[council-votes]]></wp:post_name><category domain="category"><![CDATA['
             . ('s' x 80) . ']]></category>'),
     qr/item 4: "council-votes": .*"section"/, 'a section too long for the store'],
) {
    my ($file, $want, $name) = @$case;
    my $before = $t->export;
    ($rc, $out, $err) = $t->newsctl('import-wxr', $file);
    is($rc, 1, "$name: refused");
    like($err, $want, "$name: the message") or diag $err;
    is($t->export, $before, "$name: nothing changed");
}

# spam (WordPress's exporter leaves it out; other tools' WXR has it)
my $spam = damaged('<wp:comment_approved><![CDATA[0]]>', '<wp:comment_approved><![CDATA[spam]]>');
($rc, $out, $err) = $t->newsctl('import-wxr', $spam);
is($rc, 0, 'a file with spam') or diag $err;
like($out, qr/6 comments, 0 held for moderation, 1 spam and 1 trashed dropped/, 'spam is dropped and counted');
my ($cv) = grep { $_->{slug} eq 'council-votes' } @{ decode_json($t->export) };
is(scalar @{ $cv->{comments} }, 4, 'and its comment is gone from the article');

($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean') or diag $out;

# deleting an imported article frees its old addresses
sub one_post {
    my ($slug, $link, $id) = @_;
    return NewsTest::json_file(<<"XML");
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Other</title><wp:wxr_version>1.2</wp:wxr_version>
<item><title>$slug</title><link>$link</link><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[<p>Text of $slug.</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>$id</wp:post_id><wp:post_date_gmt>2024-04-01 10:00:00</wp:post_date_gmt>
<wp:post_name>$slug</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
</channel></rss>
XML
}

my $ed = $t->login('editor1', 'editor');
my $del = $t->request('DELETE', '/api/articles/council-votes', { headers => { Cookie => $ed } });
is($del->{status}, 204, 'an imported article deleted');
is($t->get('/2024/03/05/council-votes/')->{status}, 404, 'its old path is a 404');
is($t->get('/?p=4')->{status}, 200, 'its ?p= is the front page again');
($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean after the delete') or diag $out;

($rc, $out, $err) = $t->newsctl('import-wxr', one_post('bus-news', 'http://newsfixture/2024/03/05/council-votes/', 4));
is($rc, 0, 'a later import takes the freed addresses') or diag $err;
like($t->get('/2024/03/05/council-votes')->{headers}{location} // '', qr{/articles/bus-news$},
     'the old path now leads to the new article');
like($t->get('/?p=4')->{headers}{location} // '', qr{/articles/bus-news$}, 'and ?p=4');

($rc, $out, $err) = $t->newsctl('import-wxr', one_post('cafe-again', 'http://newsfixture/2024/03/06/cafe-culture-a-naive-guide/', 5));
is($rc, 0, 'an import giving a live article\'s addresses to another') or diag $err;
like($t->get('/?p=5')->{headers}{location} // '', qr{/articles/cafe-again$}, 'the address moves');
$del = $t->request('DELETE', '/api/articles/cafe-culture-a-naive-guide', { headers => { Cookie => $ed } });
is($del->{status}, 204, 'the article that had them deleted');
like($t->get('/2024/03/06/cafe-culture-a-naive-guide')->{headers}{location} // '', qr{/articles/cafe-again$},
     'the moved address stays with the article that has it');
$del = $t->request('DELETE', '/api/articles/cafe-again', { headers => { Cookie => $ed } });
is($t->get('/?p=5')->{status}, 200, 'and goes when that one is deleted');
is($t->get('/2024/03/06/cafe-culture-a-naive-guide')->{status}, 404, 'its path too');
($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean at the end') or diag $out;

$t->done;

# check sees an old address kept without its record, and a record of none
my (undef, $dump) = NewsTest::run_cmd(['mdb_dump', '-s', 'slugs', $t->db]);
my ($be64) = $dump =~ /^ 68656c6c6f2d776f726c64\n ([0-9a-f]{16})$/m;      # hello-world
my $hello = { id => hex $be64 };
$be64 =~ s/(..)/\\$1/g;
my ($load) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'slugs', $t->db],
                               stdin => "/unrecorded\n${be64}R\n\\00${be64}/nowhere\n\n");
is($load, 0, 'mdb_load damages slugs');
($rc, $out, $err) = $t->newsctl("check");
is($rc, 1, "check: exit 1") or diag $err;
like($out, qr{^slugs: old address "/unrecorded" of article $hello->{id} is not recorded with it$}m,
     'an old address without its record');
like($out, qr{^slugs: article $hello->{id}'s old address "/nowhere" does not redirect to it$}m,
     "a record without its address") or diag $out;
done_testing;
