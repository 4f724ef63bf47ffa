# The desk's refusals one by one (issue 21): the list's filters out of
# bounds, the form's publication time in each wrong shape, an image given
# by its text alone, an unknown button, an article that is not there (its
# form, its delete page, its versions, a post to it), the versions' page
# numbers out of range and a restore without its token or version. Each
# is a clear 4xx that changes nothing; the refused form keeps its values.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $J = JSON::PP->new->canonical;
my $csrf = $t->csrf_of($ed, '/desk/new');
sub get_ed { $t->get($_[0], { headers => { Cookie => $ed } }) }
sub rows { [ $_[0] =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g ] }

is($t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'story', title => 'Story', section => 'World',
                                                       body => "one\n" }))->{status}, 201, 'an article');
is($t->form_post($ed, '/desk/articles/story', { csrf => $csrf, title => 'Story', section => 'World', body => "two\n",
                                                action => 'save' })->{status}, 303, 'and a correction: version 1 kept');
my $before = $t->export;

# the list's filters
my $res = get_ed('/desk?section=' . ('a' x 193));
is($res->{status}, 400, 'a section filter longer than any encoded name: 400');
like($res->{content}, qr/the section at most 64 bytes/, 'saying what the filters take');
is(get_ed('/desk?section=' . ('a' x 65))->{status}, 400, 'a section of 65 bytes: 400');
$res = get_ed('/desk?section=' . ('%61' x 64));
is($res->{status}, 200, 'a section of 64 bytes, percent-encoded: read');
is_deeply(rows($res->{content}), [], 'and matching nothing');
$res = get_ed('/desk?section=!!!');
is($res->{status}, 200, 'a section name without a letter or digit: 200');
is_deeply(rows($res->{content}), [], 'names no section: no rows');
is_deeply(rows(get_ed('/desk?section=WORLD&status=published')->{content}), ['story'],
          'a section by its name in any case');
is_deeply(rows(get_ed('/desk?status=scheduled')->{content}), [], 'nothing scheduled');
is(get_ed('/desk?after=' . ('0' x 31))->{status}, 400, 'a cursor a digit short: 400');
$res = get_ed('/desk?after=' . ('f' x 32));
is($res->{status}, 200, 'a cursor past every change');
is_deeply(rows($res->{content}), ['story'], 'lists from the newest');
$res = get_ed('/desk?after=' . ('0' x 32));
is_deeply(rows($res->{content}), [], 'a cursor before every change: an empty page');

# the form's publication time
my %f = (csrf => $csrf, title => 'New one', section => 'World', body => 'Text.', action => 'save');
for my $bad ('2030-01-01 10:00', '2030-01-01T10:00:0', '2030-13-01T10:00', '2030-01-01T25:00:00',
             'yesterday', '2030-01-01T10:00:00Z') {
    $res = $t->form_post($ed, '/desk/new', { %f, published => $bad });
    is($res->{status}, 422, "published \"$bad\": 422");
    like($res->{content}, qr{id="published"[^>]*aria-invalid="true"}, '  the error on its field');
    like($res->{content}, qr{name="title"[^>]* value="New one"}, '  the values kept');
}
$res = $t->form_post($ed, '/desk/new', { %f, action => 'schedule' });
is($res->{status}, 422, 'scheduling with no time: 422');
like($res->{content}, qr/a time ahead to schedule/, 'saying a time ahead is needed');

# an image given by its text alone
for my $field ('image_alt', 'image_caption') {
    $res = $t->form_post($ed, '/desk/new', { %f, $field => 'Words' });
    is($res->{status}, 422, "$field without image_url: 422");
    like($res->{content}, qr{id="image_url"[^>]*aria-invalid="true"}, '  on the image URL');
}

# an unknown button, however close to a known one
for my $act ('previe', 'preview2', 'edi', 'edits', '') {
    is($t->form_post($ed, '/desk/new', { %f, action => $act })->{status}, 400, "action \"$act\": 400");
}
is($t->export, $before, 'nothing changed');

# an article that is not there
for my $path ('/desk/articles/gone', '/desk/articles/gone/delete', '/desk/articles/gone/revisions',
              '/desk/articles/gone/revisions?diff=1') {
    is(get_ed($path)->{status}, 404, "GET $path: 404");
}
is($t->form_post($ed, '/desk/articles/gone', { %f })->{status}, 404, 'a save to it: 404');
is($t->form_post($ed, '/desk/articles/gone', { %f, published => 'soon' })->{status}, 404,
   'a bad field for it: still 404 (no form for what is not there)');
is($t->form_post($ed, '/desk/articles/gone', { %f, action => 'preview' })->{status}, 404, 'its preview: 404');
is($t->form_post($ed, '/desk/articles/gone/delete', { csrf => $csrf })->{status}, 404, 'its delete: 404');
is($t->form_post($ed, '/desk/articles/gone/revisions', { csrf => $csrf, version => 1 })->{status}, 404,
   'a restore of it: 404');

# the versions' numbers
my $R = '/desk/articles/story/revisions';
for my $q ('before=0', 'before=x', 'before=12345678901', 'before=4294967296', 'before=', 'to=2',
           'diff=1&to=0', 'diff=0', 'diff=-1') {
    $res = get_ed("$R?$q");
    is($res->{status}, 400, "?$q: 400");
}
like($res->{content}, qr/A version is a whole number from 1/, 'saying what a version is');
$res = get_ed("$R?before=4294967295");
is($res->{status}, 200, 'below the highest version there can be: read');
like($res->{content}, qr{<th scope="row">Version 1</th>}, 'version 1 listed');
unlike($res->{content}, qr{<th scope="row">Current</th>}, 'the current one not (a later page)');
$res = get_ed("$R?before=1");
is($res->{status}, 404, 'before the first version: 404');
like($res->{content}, qr/no earlier versions/, 'saying there are none');
is(get_ed("$R?diff=7")->{status}, 404, 'a diff from a version never saved: 404');

# a restore: its token, its version
is($t->form_post($ed, $R, { version => 1 })->{status}, 403, 'a restore without its token: 403');
for my $v (undef, '', '0', 'one', '99999999999') {
    is($t->form_post($ed, $R, { csrf => $csrf, (defined $v ? (version => $v) : ()) })->{status}, 400,
       'a restore of version ' . ($v // '(none)') . ': 400');
}
is($t->form_post($ed, $R, { csrf => $csrf, version => 5 })->{status}, 404, 'a version never saved: 404');

# a notice word the form does not know says nothing
$res = get_ed('/desk/articles/story?done=bogus');
is($res->{status}, 200, 'the form with an unknown notice');
unlike($res->{content}, qr{class="notice"}, 'shows none');

is($t->export, $before, 'nothing changed at all');

# the pages for the states and changes the refusals above did not show:
# the list's next link keeps its filters
my @bulk = map { { slug => "bulk-$_", title => "Bulk $_", section => 'World', body => 'b', status => 'draft' } } 1 .. 51;
my ($rc, $out, $err) = $t->newsctl('import', NewsTest::json_file($J->encode(\@bulk)));
is($rc, 0, '51 drafts imported') or diag $err;
$res = get_ed('/desk?status=draft&section=World');
is(scalar @{ rows($res->{content}) }, 50, 'a filtered page holds 50');
my ($next) = $res->{content} =~ m{<a href="(desk\?status=draft&amp;section=world&amp;after=[0-9a-f]{32})">Earlier changes</a>};
ok($next, 'its link on keeps both filters');
$next =~ s/&amp;/&/g;
is_deeply(rows(get_ed("/$next")->{content}), ['bulk-1'], 'the one left on the next page');

# a scheduled article's form says when
$t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'later', title => 'Later', section => 'World', body => 'b',
                                                    published_at => '2999-01-01T00:00:00Z' }));
like(get_ed('/desk/articles/later')->{content}, qr{Scheduled for <time datetime="2999-01-01T00:00:00Z">},
     'a scheduled article: "Scheduled for" its time');

# a correction well after publication says "updated"
$t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'old', title => 'Old', section => 'World',
                                                    body => join('', map { "line $_\n" } 1 .. 20),
                                                    published_at => '2020-01-01T00:00:00Z' }));
is($t->form_post($ed, '/desk/articles/old', { csrf => $csrf, title => 'Old', section => 'World', action => 'save',
                                              published => '2020-01-01T00:00:00', subtitle => 'Now with one',
                                              body => join('', map { $_ == 4 || $_ == 12 ? "changed $_\n" : "line $_\n" } 1 .. 20) })
   ->{status}, 303, 'a correction years later');
like(get_ed('/desk/articles/old')->{content}, qr{, updated <time}, 'its form says it was updated');

# what changed: the standfirst from none, lines far apart, the status and time
$res = get_ed('/desk/articles/old/revisions?diff=1');
is($res->{status}, 200, 'the diff from version 1');
like($res->{content}, qr{\(none\)}, 'a standfirst that was empty: "(none)"');
like($res->{content}, qr{… 1 unchanged line …}, 'one kept line between two changes\' context: counted, singular');
like($res->{content}, qr{… 5 unchanged lines …}, 'and more: plural');
is($t->form_post($ed, '/desk/articles/old', { csrf => $csrf, title => 'Old', section => 'World', action => 'schedule',
                                              published => '2999-06-01T00:00', subtitle => 'Now with one',
                                              body => 'short' })->{status}, 303, 'then scheduled, far ahead');
$res = get_ed('/desk/articles/old/revisions?diff=1');
like($res->{content}, qr{Publication time}, 'the diff names the publication time');

$t->done;
done_testing;
