# ?sort=newest at its edges (issue 21): an article with no comments reads
# "No comments yet" as the plain page does; a page number past its pages
# is 404, as is any page after the first when there are none; a sort that
# is neither oldest nor newest is 400.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
is($t->json('POST', $ed, '/api/articles', '{"slug":"quiet","title":"Quiet","section":"World","body":"b"}')->{status},
   201, 'an article without comments');

my $res = $t->get('/articles/quiet?sort=newest');
is($res->{status}, 200, 'newest first: 200');
like($res->{content}, qr/No comments yet/, 'with no comments yet, as the plain page');
for my $q ('sort=newest&comments=2', 'sort=newest&comments=99') {
    is($t->get("/articles/quiet?$q")->{status}, 404, "?$q: 404");
}
is($t->get('/articles/quiet?sort=sideways')->{status}, 400, 'an unknown sort: 400');

$t->done;
done_testing;
