# The editors' API, issue 20: PATCH changes only the fields it gives
# (every field against every JSON type: a wrong type is a 400 that
# changes nothing); editors get the Markdown beside the HTML; an update
# that leaves out published_at keeps it; a correction of a published
# article says "Updated" and does not move it in the lists and feeds;
# unpublishing is PATCH {"status":"draft"}.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use Time::Local qw(timegm);
use lib 't/lib';
use NewsTest qw(api);

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $reader = $t->login('reader1', 'reader');
my $J = JSON::PP->new->canonical;

sub epoch {
    my ($s) = @_;
    my @f = $s =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/ or return 0;
    return timegm($f[5], $f[4], $f[3], $f[2], $f[1] - 1, $f[0]);
}

is(api($t, 'POST', '/api/articles', $ed,
       '{"slug":"older","title":"Older story","subtitle":"Sub","author":"Ann","section":"World",'
     . '"tags":["Rain","Wind"],"body":"First *text*.","published_at":"2024-01-01T10:00:00Z"}')->{status},
   201, 'an older article');
is(api($t, 'POST', '/api/articles', $ed,
       '{"slug":"newer","title":"Newer story","section":"World","body":"b","published_at":"2024-06-01T10:00:00Z"}')->{status},
   201, 'a newer one');

sub order {
    my ($path) = @_;
    my $c = $t->get($path)->{content};
    my ($n, $o) = (index($c, 'Newer story'), index($c, 'Older story'));
    return ($n >= 0 && $o >= 0 && $n < $o) ? 'newer first' : "not in order ($n, $o)";
}
is(order('/'), 'newer first', 'the front page: newer first');

# editors get the Markdown; nobody else does
my $res = api($t, 'GET', '/api/articles/older', $ed);
my $a = $J->decode($res->{content});
is($a->{body}, 'First *text*.', 'an editor gets the Markdown body');
like($a->{body_html}, qr{<em>text</em>}, 'beside body_html');
for my $who ([undef, 'anonymous'], [$reader, 'a reader']) {
    my $other = $J->decode(api($t, 'GET', '/api/articles/older', $who->[0])->{content});
    ok(!exists $other->{body}, "$who->[1] gets no Markdown");
    ok(exists $other->{body_html}, "$who->[1] gets the HTML");
}

# who may patch
my $before = $t->export;
is(api($t, 'PATCH', '/api/articles/older', undef, '{"title":"X"}')->{status}, 401, 'anonymous: 401');
is(api($t, 'PATCH', '/api/articles/older', $reader, '{"title":"X"}')->{status}, 403, 'a reader: 403');
is(api($t, 'PATCH', '/api/articles/nothing-here', $ed, '{"title":"X"}')->{status}, 404, 'no article: 404');

# every field against every JSON type
my %values = (number => '5', true => 'true', false => 'false', null => 'null',
              string => '"text"', object => '{}', array => '[]',
              'array of numbers' => '[5]', 'array of null' => '[null]');
my %ok = (
    slug => ['string', 'null'], title => ['string'], subtitle => ['string', 'null'],
    author => ['string', 'null'], section => ['string', 'null'], body => ['string'],
    tags => ['null', 'array'], published_at => ['null'], updated_at => ['null'],
    status => [], comments_closed => ['true', 'false'],
);
for my $field (sort keys %ok) {
    for my $type (sort keys %values) {
        next if grep { $_ eq $type } @{$ok{$field}};
        next if $type eq 'string' && $field =~ /^(?:published_at|updated_at|status)$/;  # a wrong value, below
        my $r = api($t, 'PATCH', '/api/articles/older', $ed, qq({"$field":$values{$type}}));
        my $want = ($type eq 'null' && $field =~ /^(?:title|body|status|comments_closed)$/) ? qr/^4(?:00|22)$/ : qr/^400$/;
        $want = qr/^422$/ if $type eq 'null' && $field =~ /^(?:title|body)$/;
        like($r->{status}, $want, "$field as $type: $r->{status}");
    }
}
for my $case (['{"published_at":"yesterday"}', 422], ['{"updated_at":"x"}', 422],
              ['{"status":"gone"}', 422], ['{"slug":"Bad Slug"}', 422], ['{"title":""}', 422],
              ['{"body":""}', 422], ['{"colour":"red"}', 422], ['{"comments":[]}', 422],
              ['{"title":"' . ('x' x 301) . '"}', 422], ['[]', 422], ['"x"', 422], ['{"title":', 400],
              ['{"slug":"newer"}', 409], ['{"tags":[' . join(',', map { qq("t$_") } 1 .. 21) . ']}', 422]) {
    is(api($t, 'PATCH', '/api/articles/older', $ed, $case->[0])->{status}, $case->[1],
       "$case->[0]: $case->[1]");
}
is($t->export, $before, 'nothing changed');

# a correction: only the body changes, its place stays, "Updated" shows
sleep 1 while time % 60 > 57;
$res = api($t, 'PATCH', '/api/articles/older', $ed, '{"body":"Corrected *text*."}');
is($res->{status}, 200, 'a patch: 200');
$a = $J->decode($res->{content});
is($a->{body}, 'Corrected *text*.', 'the answer carries the Markdown');
is_deeply([@$a{qw(title subtitle author section published_at status)}, $a->{tags}],
          ['Older story', 'Sub', 'Ann', 'World', '2024-01-01T10:00:00Z', 'published', ['Rain', 'Wind']],
          'every other field as it was, published_at too');
isnt($a->{updated_at}, '2024-01-01T10:00:00Z', 'updated_at is set');
my $page = $t->get('/articles/older')->{content};
like($page, qr{Corrected <em>text</em>}, 'the new text');
like($page, qr{<time datetime="2024-01-01T10:00:00Z">.*? · Updated <time datetime="\Q$a->{updated_at}\E">}s,
     'the page says Updated, the publication time kept');
is(order('/'), 'newer first', 'the front page order is unchanged');
is(order('/sections/world'), 'newer first', 'the section order is unchanged');
is(order('/feed.xml'), 'newer first', 'the feed order is unchanged');
like($t->get('/feed.xml')->{content}, qr{<published>2024-01-01T10:00:00Z</published>}, 'the feed keeps its date');
like(api($t, 'GET', '/api/articles/older/revisions', $ed)->{content}, qr/First \*text\*/, 'a revision kept');

# a PUT without published_at keeps it too
$res = api($t, 'PUT', '/api/articles/newer', $ed, '{"title":"Newer story","section":"World","body":"again"}');
is($J->decode($res->{content})->{published_at}, '2024-06-01T10:00:00Z', 'a PUT without published_at keeps it');
is(order('/'), 'newer first', 'and its place');

# a slug change leaves a redirect, as an update does
$res = api($t, 'PATCH', '/api/articles/older', $ed, '{"slug":"older-moved"}');
is($res->{status}, 200, 'a new slug');
is($J->decode($res->{content})->{title}, 'Older story', 'the title kept');
$res = $t->get('/articles/older');
is($res->{status}, 301, 'the old address answers 301');
like($res->{headers}{location}, qr{/articles/older-moved$}, 'to the new one');
is(api($t, 'PATCH', '/api/articles/older', $ed, '{"title":"X"}')->{status}, 404,
   'a former slug is not patched');

# hostile text stays text
api($t, 'PATCH', '/api/articles/older-moved', $ed, '{"title":"<script>alert(1)</script> & \"q\""}');
$page = $t->get('/articles/older-moved')->{content};
unlike($page, qr{<script>alert}, 'a hostile title is escaped');
like($page, qr{<h1>&lt;script&gt;alert\(1\)&lt;/script&gt; &amp; &quot;q&quot;</h1>}, 'shown as text');

# unpublish and publish again without re-sending the article
$res = api($t, 'PATCH', '/api/articles/older-moved', $ed, '{"status":"draft"}');
is($res->{status}, 200, 'unpublished');
is($J->decode($res->{content})->{status}, 'draft', 'a draft now');
is($t->get('/articles/older-moved')->{status}, 404, 'readers no longer see it');
unlike($t->get('/')->{content}, qr/alert\(1\)/, 'nor on the front page');
unlike($t->get('/feed.xml')->{content}, qr/older-moved/, 'nor in the feed');
is($J->decode(api($t, 'GET', '/api/articles/older-moved', $ed)->{content})->{body}, 'Corrected *text*.',
   'the editor still reads it, Markdown and all');
my $t0 = time;
$res = api($t, 'PATCH', '/api/articles/older-moved', $ed, '{"status":"published"}');
$a = $J->decode($res->{content});
is($a->{status}, 'published', 'published again');
ok(epoch($a->{published_at}) >= $t0 - 1, 'a draft published without a time is dated now')
    or diag $a->{published_at};
is($a->{published_at}, $a->{updated_at}, 'and shows no "Updated"');
unlike($t->get('/articles/older-moved')->{content}, qr/Updated/, 'on its page');

# a draft's edits are not corrections; a scheduled one keeps its time
api($t, 'POST', '/api/articles', $ed, '{"slug":"soon","title":"Soon","body":"b","published_at":"2999-01-01T00:00:00Z"}');
$a = $J->decode(api($t, 'PATCH', '/api/articles/soon', $ed, '{"body":"c"}')->{content});
is($a->{published_at}, '2999-01-01T00:00:00Z', 'a scheduled article keeps its time');
is($a->{updated_at}, '2999-01-01T00:00:00Z', 'an edit before it is out is no correction');
$a = $J->decode(api($t, 'PATCH', '/api/articles/soon', $ed, '{"published_at":"2998-01-01T00:00:00Z"}')->{content});
is($a->{published_at}, '2998-01-01T00:00:00Z', 'rescheduled');
is($t->get('/articles/soon')->{status}, 404, 'still hidden');

# comments_closed and tags by patch
$a = $J->decode(api($t, 'PATCH', '/api/articles/newer', $ed, '{"comments_closed":true,"tags":["Storm"]}')->{content});
is_deeply($a->{tags}, ['Storm'], 'tags replaced');
like($t->get('/articles/newer')->{content}, qr/Comments are closed/i, 'comments closed');
is(api($t, 'POST', '/api/articles/newer/comments', $reader, '{"body":"late"}')->{status}, 403, 'no comment then');

$t->done;
done_testing;
