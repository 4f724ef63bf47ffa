# newsctl check: a store written through the site (articles, a rename,
# comments, a hidden one, accounts, sessions) checks clean while nginx
# runs; a damaged index is reported, one line per violation, exit 1.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest qw(api);

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $mod = $t->login('mod1', 'moderator');
my $reader = $t->login('reader1');

is(api($t, 'POST', '/api/articles', $ed, '{"title":"Checked","section":"World","tags":["A b"],"body":"b"}')->{status},
   201, 'an article');
is(api($t, 'PUT', '/api/articles/checked', $ed, '{"slug":"checked-2","title":"Checked","section":"Europe","body":"c"}')->{status},
   200, 'renamed, moved to another section');
is(api($t, 'POST', '/api/articles', $ed, '{"title":"A draft","status":"draft","body":"b"}')->{status},
   201, 'a draft');
my $c1 = api($t, 'POST', '/api/articles/checked-2/comments', $reader, '{"body":"first"}');
is($c1->{status}, 201, 'a comment');
my ($id) = $c1->{content} =~ /"id":(\d+)/;
is(api($t, 'POST', '/api/articles/checked-2/comments', $reader, qq({"body":"a reply","parent":$id}))->{status},
   201, 'a reply');
is(api($t, 'PATCH', "/api/comments/$id", $mod, '{"status":"hidden"}')->{status}, 204, 'hidden');

my ($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'check: clean while nginx runs') or diag "$out$err";
is($out, '', 'no violation lines');
like($err, qr/^newsctl: check: \d+ entries, 0 violations$/m, 'a summary on stderr');

$t->done;

# damage one index behind the store's back: a former slug of no article,
# and a section entry of a missing article
my ($load) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'slugs', $t->db],
                             stdin => "gone\n\\00\\00\\00\\00\\00\\00\\03\\e7R\n");
is($load, 0, 'mdb_load damages slugs');
($load) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'topics', $t->db],
                          stdin => "sstale\\00\\00\\00\\00\\00\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00\\03\\e7\n\n");
is($load, 0, 'mdb_load damages topics');

($rc, $out, $err) = $t->newsctl('check');
is($rc, 1, 'check: exit 1 on a damaged store');
my @lines = split /\n/, $out;
is(scalar @lines, 2, 'one line per violation') or diag $out;
like($out, qr/^slugs: former slug "gone" names article 999, which does not exist$/m, 'the slug line');
like($out, qr/^topics: "sstale\\x00.*": no article 999$/m, 'the topics line');
like($err, qr/2 violations/, 'the summary counts them');

done_testing;
