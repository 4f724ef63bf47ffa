# The importers' refusals and odd corners, on files written here rather
# than the real exports of t/17 and t/18: XML that is cut, not XML, not
# WXR or hostile (an external entity), items and comments with a field
# missing or out of range, threads and posts without their ids; each
# refused with the item named and nothing written.  What is accepted at
# an edge: a title cut at a character's boundary, comments whose parents
# were dropped or come later, pingbacks, an author without a display
# name, old addresses with percent escapes, a file on standard input.
# No nginx: newsctl alone on a store of its own.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use Encode ();
use File::Temp qw(tempdir);
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
my $tmp = tempdir(CLEANUP => 1);

sub file { return NewsTest::json_file($_[0]) }

# a WordPress export of the items given (each its inner XML)
sub wxr {
    my ($items, %o) = @_;
    my $version = exists $o{version} ? $o{version} : '<wp:wxr_version>1.2</wp:wxr_version>';
    $o{$_} //= '' for qw(doctype authors);
    return qq(<?xml version="1.0" encoding="UTF-8"?>\n$o{doctype}<rss version="2.0"
 xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old site</title>$version<wp:base_site_url>http://old.example</wp:base_site_url>
$o{authors}) . join('', map { "<item>$_</item>\n" } @$items) . "</channel></rss>\n";
}

# one post's inner XML; fields given replace (or, undef, remove) its own
sub item {
    my (%f) = @_;
    my %d = (title => '<![CDATA[A post]]>', link => 'http://old.example/2024/03/a-post/',
             'dc:creator' => 'ann', 'content:encoded' => '<![CDATA[<p>Text.</p>]]>',
             'wp:post_id' => 7, 'wp:post_date_gmt' => '2024-03-05 10:00:00',
             'wp:post_name' => 'a-post', 'wp:status' => 'publish', 'wp:post_type' => 'post');
    my $comments = delete $f{comments} // '';
    %d = (%d, %f);
    return join('', map { defined $d{$_} ? "<$_>$d{$_}</$_>" : () } sort keys %d) . $comments;
}

sub comment {
    my (%f) = @_;
    my %d = ('wp:comment_id' => 1, 'wp:comment_author' => 'Carol',
             'wp:comment_date_gmt' => '2024-03-05 11:00:00', 'wp:comment_content' => 'Hello',
             'wp:comment_approved' => 1, 'wp:comment_parent' => 0);
    %d = (%d, %f);
    return '<wp:comment>' . join('', map { defined $d{$_} ? "<$_>$d{$_}</$_>" : () } sort keys %d)
         . "</wp:comment>\n";
}

sub refused {
    my ($cmd, $xml, $want, $what) = @_;
    my $before = $t->export;
    my ($rc, $out, $err) = $t->newsctl($cmd, ref $xml ? $$xml : file($xml));
    is($rc, 1, "$what: refused");
    like($err, $want, "$what: says why") or diag $err;
    is($t->export, $before, "$what: nothing written");
}

sub article {
    my ($slug) = @_;
    my ($a) = grep { $_->{slug} eq $slug } @{ decode_json($t->export) };
    return $a;
}

$t->newsctl('import', NewsTest::json_file('[{"slug":"seed","title":"Seed","body":"b"}]'));

# ---- WXR: refused ------------------------------------------------------------
refused('import-wxr', \"$tmp/missing.xml", qr/cannot open or read it|No such file/, 'a missing file');
refused('import-wxr', '', qr/not well-formed XML|empty|no wp:wxr_version/, 'an empty file');
refused('import-wxr', "just some text\n", qr/not well-formed XML/, 'not XML');
refused('import-wxr', wxr([item()]) =~ s{</channel></rss>\n}{}r, qr/not well-formed XML/, 'a cut file');
refused('import-wxr', wxr([item()], version => ''), qr/no wp:wxr_version: not a/, 'RSS that is not WXR');
refused('import-wxr', '<?xml version="1.0"?><feed><entry/></feed>', qr/wp:wxr_version|not a/, 'another XML format');
refused('import-wxr', wxr([item('wp:post_date_gmt' => '2024-13-45 99:00:00')]),
        qr/wp:post_date_gmt "2024-13-45 99:00:00" is not a date/, 'a date of the right shape but no day');
refused('import-wxr', wxr([item(comments => comment('wp:comment_id' => 0))]),
        qr/comment "[^"]*": /, 'a comment without an id');
refused('import-wxr', wxr([item(comments => comment('wp:comment_id' => 'x1'))]),
        qr/comment "x1"/, 'a comment whose id is not a number');
refused('import-wxr', wxr([item(comments => join '', map { comment('wp:comment_id' => $_) } 1 .. 5001)]),
        qr/wp:comment: more than 5000 comments/, 'more comments than an article takes');
refused('import-wxr', wxr([item(), item('wp:post_id' => 8, 'wp:post_date_gmt' => 'soon')]),
        qr/item 2: wp:post_date_gmt "soon" is not a date; nothing imported/, 'the second item bad: neither written');

# an external entity is not fetched, nor a file read
my $xxe = wxr([item(title => '&xxe;')], doctype => qq(<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n));
my ($rc, $out, $err) = $t->newsctl('import-wxr', file($xxe));
my $a = article('a-post');
unlike(encode_json($a // {}), qr/root:/, 'an external entity: /etc/passwd is not read into the store');
$t->newsctl('import', NewsTest::json_file('[]'));

# ---- WXR: accepted at an edge ----------------------------------------------------
my $long = ('é' x 149) . 'xé';            # 301 bytes: the cut falls inside the last é
my $edge = wxr([item(title => "<![CDATA[$long]]>", 'wp:post_name' => 'edge', 'wp:post_id' => 11,
                     link => 'http://old.example/2024/%E2%82%ac-%c3%a9t%C3%A9/?x=1',
                     'dc:creator' => 'nameless',
                     comments => comment('wp:comment_id' => 1, 'wp:comment_approved' => 'spam')
                               . comment('wp:comment_id' => 2, 'wp:comment_parent' => 1,
                                         'wp:comment_content' => 'child of spam')
                               . comment('wp:comment_id' => 3, 'wp:comment_parent' => 9,
                                         'wp:comment_content' => 'child of a later one')
                               . comment('wp:comment_id' => 9, 'wp:comment_content' => 'later')
                               . comment('wp:comment_id' => 4, 'wp:comment_type' => 'pingback',
                                         'wp:comment_content' => 'a pingback')
                               . comment('wp:comment_id' => 5, 'wp:comment_date_gmt' => '0000-00-00 00:00:00',
                                         'wp:comment_date' => '2024-03-05 12:00:00',
                                         'wp:comment_approved' => 0, 'wp:comment_content' => 'held, no date'))],
               authors => '<wp:author><wp:author_login>nameless</wp:author_login>'
                        . '<wp:author_display_name></wp:author_display_name></wp:author>');
($rc, $out, $err) = $t->newsctl('import-wxr', file($edge));
is($rc, 0, 'a file of edge cases is imported') or diag "$out$err";
$a = article('edge');
ok($a, 'its article') or BAIL_OUT('no article');
is(length(Encode::encode_utf8($a->{title})), 299, 'a title of 301 bytes is cut to at most 300 ...');
is($a->{title}, Encode::decode_utf8(('é' x 149) . 'x'), '... at a character boundary');
is($a->{author}, 'nameless', 'an author without a display name: the login');
my %c = map { $_->{body} => $_ } @{ $a->{comments} };
ok(!grep({ /pingback/ } keys %c), 'a pingback is dropped');
ok($c{'child of spam'} && !$c{'child of spam'}{parent}, 'the child of a dropped comment goes to the top');
ok($c{'child of a later one'} && !$c{'child of a later one'}{parent},
   'so does a comment whose parent comes after it');
is($c{'held, no date'}{status}, 'pending', 'a held comment without a GMT date is held');
is($c{'held, no date'}{created_at}, '2024-03-05T12:00:00Z', 'dated by its local date');

# a thread deeper than the site's four levels: a reply to a comment at the
# fourth level answers that comment's parent instead, at the fourth level
my $deep = join '', map { comment('wp:comment_id' => $_, 'wp:comment_parent' => $_ - 1,
                                  'wp:comment_content' => "level $_") } 1 .. 6;
($rc, $out, $err) = $t->newsctl('import-wxr', file(wxr([item('wp:post_name' => 'deep', 'wp:post_id' => 13,
                                                              comments => $deep)])));
is($rc, 0, 'a thread six deep is imported') or diag "$out$err";
%c = map { $_->{body} => $_ } @{ article('deep')->{comments} };
is($c{"level $_"}{parent}, $c{'level ' . ($_ - 1)}{id}, "level $_ under level " . ($_ - 1)) for 2 .. 4;
is($c{'level 5'}{parent}, $c{'level 3'}{id}, 'level 5 under level 3, its parent\'s parent');
is($c{'level 6'}{parent}, $c{'level 3'}{id}, 'level 6 too');

# more authors than are kept for bylines (10,000): a post by one past
# them is bylined by its login, one by a kept author by its name
my $crowd = join '', map { "<wp:author><wp:author_login>a$_</wp:author_login>"
                         . "<wp:author_display_name>Author $_</wp:author_display_name></wp:author>" } 1 .. 10001;
($rc, $out, $err) = $t->newsctl('import-wxr', file(wxr([item('wp:post_name' => 'by-first', 'wp:post_id' => 14,
                                                              'dc:creator' => 'a1'),
                                                         item('wp:post_name' => 'by-last', 'wp:post_id' => 15,
                                                              'dc:creator' => 'a10001')],
                                                        authors => $crowd)));
is($rc, 0, 'an export of 10,001 authors') or diag "$out$err";
is(article('by-first')->{author}, 'Author 1', 'a kept author: the display name');
is(article('by-last')->{author}, 'a10001', 'the 10,001st: the login');

# more than one batch (1,000 items a txn): every item written, the first
# batch committed before the second is begun
my @many = map { item(title => "<![CDATA[Batch $_]]>", 'wp:post_name' => "wxr-batch-$_",
                      'wp:post_id' => 1000 + $_, link => "http://old.example/batch/$_/") } 1 .. 1001;
($rc, $out, $err) = $t->newsctl('import-wxr', file(wxr(\@many)));
is($rc, 0, 'an import-wxr of 1,001 items') or diag "$out$err";
like($out, qr/^imported: 1001 articles,/, 'imports them all');
ok(article('wxr-batch-1001'), 'the last of them is there');

# standard input
# standard input: import-wxr reads a file twice (to check, then to write),
# so it is refused with a message (before, the second reading found
# nothing and said "not well-formed XML")
my $before = $t->export;
($rc, $out, $err) = $t->newsctl_in(wxr([item('wp:post_name' => 'from-stdin', 'wp:post_id' => 12)]),
                                   'import-wxr', '-');
is($rc, 1, 'import-wxr of standard input: refused');
like($err, qr/import-wxr reads each file twice .*give a file, not "-"/, 'saying why');
is($t->export, $before, 'nothing written');

# ---- Disqus: refused ----------------------------------------------------------------
sub dsq {
    my ($body) = @_;
    return qq(<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" )
         . qq(xmlns:dsq="http://disqus.com/disqus-internals">\n$body</disqus>\n);
}
my $thread = '<thread dsq:id="1"><id></id><link>https://news.example/articles/seed</link><title>T</title></thread>';
sub post {
    my ($id, %o) = @_;
    my $parent = $o{parent} ? qq(<parent dsq:id="$o{parent}"/>) : '';
    my $idattr = defined $id ? qq( dsq:id="$id") : '';
    return qq(<post$idattr><id></id><message><![CDATA[$o{message}]]></message>)
         . qq(<createdAt>2024-03-05T19:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>)
         . qq(<author><name>Dan</name><isAnonymous>true</isAnonymous></author><thread dsq:id="1"/>$parent</post>\n);
}
refused('import-disqus', \"$tmp/missing.xml", qr/cannot open or read it|No such file/, 'Disqus: a missing file');
refused('import-disqus', "<disqus>\n", qr/not well-formed XML/, 'Disqus: a cut file');
refused('import-disqus', "plain text\n", qr/not well-formed XML/, 'Disqus: not XML');
refused('import-disqus', dsq('<thread><link>https://news.example/articles/seed</link></thread>'),
        qr/thread 1: no dsq:id/, 'Disqus: a thread without its id');
refused('import-disqus', dsq($thread . post(undef, message => 'x')), qr/no dsq:id/, 'Disqus: a post without its id');
refused('import-disqus', dsq($thread . post(8, message => 'x') . post(8, message => 'y')),
        qr/post 8: dsq:id: given to two posts/, 'Disqus: two posts with one id');

# ---- Disqus: accepted at an edge ---------------------------------------------------------
($rc, $out, $err) = $t->newsctl_in(dsq($thread . post(5, message => '<p>a <script>x</script>b</p>')
                                      . post(6, message => 'reply', parent => 5)
                                      . post(7, message => 'orphan', parent => 77)),
                                  'import-disqus', '-');
is($rc, 0, 'Disqus on standard input: a post, its reply, a post whose parent is nowhere') or diag $err;
my %seed = map { $_->{body} => $_ } @{ article('seed')->{comments} };
is(scalar keys %seed, 3, 'all three on the article');
ok(!grep({ /script|alert/ } keys %seed), 'the script is gone from the text');
is($seed{reply}{parent}, $seed{'a b'}{id}, 'the reply under its parent') or diag explain \%seed;
ok($seed{orphan} && !$seed{orphan}{parent}, 'the orphan at the top');

# ---- export-wxr: a title holding the end of a CDATA section ---------------------------------
$t->newsctl('import', NewsTest::json_file(encode_json([{ slug => 'cdata', title => 'a ]]> b', body => 'b',
                                                         tags => ['!!!'] }])));
($rc, $out, $err) = $t->newsctl('export-wxr');
is($rc, 0, 'export-wxr') or diag $err;
like($out, qr/a \]\]\]\]><!\[CDATA\[> b/, '"]]>" in a title is split across two CDATA sections');

my $copy = NewsTest->new;
($rc, undef, $err) = $copy->newsctl('import-wxr', file($out));
is($rc, 0, 'the export imports into another store') or diag $err;
my ($back) = grep { $_->{slug} eq 'cdata' } @{ decode_json($copy->export) };
is($back->{title}, 'a ]]> b', 'with the title as it was');

($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check is clean') or diag $out;

done_testing;
