# The desk's versions of an article (issue 20): every save keeps the
# version it replaced; /desk/articles/{slug}/revisions lists them, the
# newest first, each with when and what it changed, ten a page;
# ?diff=N[&to=M] shows what changed from version N, the body line by line
# (removed and added lines marked in words and by <del>/<ins>, not by
# colour), everything escaped, the diff's cost bounded (a text too far
# apart says so); Restore (POST, CSRF) makes a version's text the current
# one as a new save through the editors' write, and comes back to the
# form with a banner.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $reader = $t->login('reader1');
my $J = JSON::PP->new->canonical;
my $csrf = $t->csrf_of($ed, '/desk/new');
my $R = '/desk/articles/story/revisions';

sub get_ed { $t->get($_[0], { headers => { Cookie => $ed } }) }
sub article { $J->decode($t->json('GET', $ed, '/api/articles/story')->{content}) }

# version 1, then two corrections through the form
$t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'story', title => 'First <b>title</b>', section => 'World',
                                                    tags => ['Rain'], body => "one\ntwo\nthree\n<script>x()</script>\n" }));
my %f = (csrf => $csrf, title => 'Second title', section => 'World', tags => 'Rain, Wind', action => 'save',
         published => substr(article()->{published_at}, 0, 19));
is($t->form_post($ed, '/desk/articles/story', { %f, body => "one\n2\nthree\n<script>x()</script>\nfour" })->{status}, 303,
   'a correction');
is($t->form_post($ed, '/desk/articles/story', { %f, section => 'City', body => "one\n2\nthree\n<script>x()</script>\nfour" })->{status},
   303, 'another: the section alone');

# who may
is($t->get($R)->{status}, 303, 'logged out: to the login');
is($t->get($R, { headers => { Cookie => $reader } })->{status}, 403, 'a reader: 403');
is($t->form_post($reader, $R, { csrf => $csrf, version => 1 })->{status}, 403, 'a reader cannot restore');

# the list
my $res = get_ed($R);
is($res->{status}, 200, 'the versions page');
is($res->{headers}{'cache-control'}, 'no-store', 'never stored');
my $page = $res->{content};
like(get_ed('/desk/articles/story')->{content}, qr{<a href="desk/articles/story/revisions">Earlier versions}, 'linked from the form');
like($page, qr{<h1>Versions of “Second title”</h1>}, 'its heading');
like($page, qr{Who saved each one is not recorded}, 'says what is not known');
my @rows = $page =~ m{<tr><th scope="row">([^<]+)</th>}g;
my @vers = map { /Version (\d+)/ ? $1 : () } @rows;
is($rows[0], 'Current', 'the current version first');
is(scalar @vers, 2, 'two earlier versions');
ok($vers[0] > $vers[1], 'the newest first');
like($page, qr{<th scope="row">Current</th><td><time[^>]*>.*?</time></td><td>Section\.</td>}s, 'the current one changed the section');
like($page, qr{<th scope="row">Version $vers[0]</th><td><time[^>]*>.*?</time></td><td>Headline, tags; text: 2 lines added, 1 removed\.</td>}s,
     'the one before changed the headline, the tags and two lines');
like($page, qr{<th scope="row">Version $vers[1]</th><td><time[^>]*>.*?</time></td><td>The first version kept\.</td>}s, 'the first');
like($page, qr{<a href="desk/articles/story/revisions\?diff=$vers[1]">Compare version $vers[1] with the current text</a>},
     'a link to compare');
like($page, qr{<form class="account" method="post" action="desk/articles/story/revisions">\s*<input type="hidden" name="csrf" value="$csrf">\s*<input type="hidden" name="version" value="$vers[1]">\s*<button type="submit">Restore version $vers[1]</button>},
     'a Restore form, with the token');

# the diff against the current text
$res = get_ed("$R?diff=$vers[1]");
is($res->{status}, 200, 'the diff');
$page = $res->{content};
like($page, qr{<h1>Changes from version $vers[1] to the current text</h1>}, 'its heading');
like($page, qr{<dt>Headline</dt>\s*<dd><del><span class="vh">Was: </span>First &lt;b&gt;title&lt;/b&gt;</del></dd>\s*<dd><ins><span class="vh">Now: </span>Second title</ins></dd>},
     'the headline, old and new, escaped');
like($page, qr{<dt>Section</dt>}, 'the section');
like($page, qr{<dt>Tags</dt>\s*<dd><del><span class="vh">Was: </span>Rain</del></dd>\s*<dd><ins><span class="vh">Now: </span>Rain, Wind</ins></dd>}, 'the tags');
like($page, qr{2 lines added, 1 removed\.}, 'the count');
like($page, qr{<pre class="diff">  one\n<del><span class="vh">Removed: </span>− two</del>\n<ins><span class="vh">Added: </span>\+ 2</ins>\n  three\n  &lt;script&gt;x\(\)&lt;/script&gt;\n<ins><span class="vh">Added: </span>\+ four</ins>\n</pre>},
     'the body line by line: kept, removed and added marked in words, escaped');
unlike($page, qr{<script>x}, 'no raw markup');
like($page, qr{<button type="submit">Restore version $vers[1]</button>}, 'Restore from here');

# between two versions; nothing changed in the text
$page = get_ed("$R?diff=$vers[0]&to=$vers[0]")->{content};
like($page, qr{<p>The text did not change\.</p>}, 'the same text: says so');
like($page, qr{<p>No other field changed\.</p>}, 'and no field');
$page = get_ed("$R?diff=$vers[1]&to=$vers[0]")->{content};
like($page, qr{<h1>Changes from version $vers[1] to version $vers[0]</h1>}, 'two versions');
unlike($page, qr{<dt>Section</dt>}, 'the section had not changed yet');

# bad arguments
is(get_ed("$R?diff=0")->{status}, 400, 'version 0: 400');
is(get_ed("$R?diff=x1")->{status}, 400, 'not a number: 400');
is(get_ed("$R?diff=99999999999")->{status}, 400, 'too big: 400');
is(get_ed("$R?to=1")->{status}, 400, 'to without diff: 400');
is(get_ed("$R?diff=999")->{status}, 404, 'no such version: 404');
is(get_ed('/desk/articles/nope/revisions')->{status}, 404, 'no such article: 404');

# long texts: context around the changes, the rest counted
my $long = join '', map { "line $_\n" } 1 .. 40;
(my $changed = $long) =~ s/line 20\n/line twenty\n/;
$t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'long', title => 'Long', body => $long }));
$t->json('PATCH', $ed, '/api/articles/long', $J->encode({ body => $changed }));
my ($lv) = get_ed('/desk/articles/long/revisions')->{content} =~ m{\?diff=(\d+)"};
$page = get_ed("/desk/articles/long/revisions?diff=$lv")->{content};
like($page, qr{<pre class="diff"><span class="meta">… 16 unchanged lines …</span>\n  line 17\n  line 18\n  line 19\n<del><span class="vh">Removed: </span>− line 20</del>\n<ins><span class="vh">Added: </span>\+ line twenty</ins>\n  line 21\n  line 22\n  line 23\n<span class="meta">… 17 unchanged lines …</span>\n</pre>},
     'three lines of context, the unchanged runs counted');

# past the diff's bounds: said, not computed
my $big = join '', map { "row $_\n" } 1 .. 600;
(my $other = $big) =~ s/row (\d+)/ROW $1/g;
$t->json('POST', $ed, '/api/articles', $J->encode({ slug => 'big', title => 'Big', body => $big }));
$t->json('PATCH', $ed, '/api/articles/big', $J->encode({ body => $other }));
$page = get_ed('/desk/articles/big/revisions')->{content};
like($page, qr{Text: too many changes to count\.}, 'the list says a change too big to count');
my ($bv) = $page =~ m{\?diff=(\d+)"};
$page = get_ed("/desk/articles/big/revisions?diff=$bv")->{content};
like($page, qr{too far apart to compare line by line \(more than 5000 lines, or more than 500 lines added and removed\)},
     'the diff page says why it shows no diff');

# restore
my $before = $t->export;
is($t->form_post($ed, $R, { csrf => 'f' x 64, version => $vers[1] })->{status}, 403, 'a wrong token: 403');
is($t->form_post($ed, $R, { csrf => $csrf, version => 'x' })->{status}, 400, 'a bad version: 400');
is($t->form_post($ed, $R, { csrf => $csrf, version => 999 })->{status}, 404, 'no such version: 404');
is($t->export, $before, 'nothing changed');
my $was = article();
$res = $t->form_post($ed, $R, { csrf => $csrf, version => $vers[1] });
is($res->{status}, 303, 'restored');
like($res->{headers}{location}, qr{/desk/articles/story\?done=restored$}, 'back to the form');
like(get_ed('/desk/articles/story?done=restored')->{content},
     qr{<p class="notice" role="status">Restored: the version&#39;s text is the current one, saved as a new version\.</p>|<p class="notice" role="status">Restored: the version's text is the current one, saved as a new version\.</p>},
     'with a banner');
my $now = article();
is($now->{title}, 'First <b>title</b>', 'the headline restored');
is($now->{body}, "one\ntwo\nthree\n<script>x()</script>\n", 'the text restored');
is_deeply($now->{tags}, ['Rain'], 'the tags');
is($now->{section}, 'World', 'the section');
is($now->{slug}, 'story', 'the address stays');
is($now->{published_at}, $was->{published_at}, 'the publication time stays');
is($now->{status}, 'published', 'and the status');
@rows = get_ed($R)->{content} =~ m{<tr><th scope="row">([^<]+)</th>}g;
is(scalar @rows, 4, 'a new version: the one replaced is kept');
like(get_ed($R)->{content}, qr{<th scope="row">Current</th><td><time[^>]*>.*?</time></td><td>Headline, section, tags; text: 1 line added, 2 removed\.</td>}s,
     'and the restore is described like any change');

# paging: ten a page, then the earlier ones
$t->json('POST', $ed, '/api/articles', '{"slug":"many","title":"Many","body":"v0"}');
$t->json('PATCH', $ed, '/api/articles/many', qq({"body":"v$_"})) for 1 .. 12;
$page = get_ed('/desk/articles/many/revisions')->{content};
@rows = $page =~ m{<tr><th scope="row">([^<]+)</th>}g;
is(scalar @rows, 11, 'the current and ten versions');
my ($earlier) = $page =~ m{<a href="(desk/articles/many/revisions\?before=\d+)">Earlier versions</a>};
ok($earlier, 'a link to the earlier ones');
unlike($page, qr{The first version kept}, 'the first is not on this page');
$page = get_ed("/$earlier")->{content};
my @more = $page =~ m{<tr><th scope="row">([^<]+)</th>}g;
is(scalar @more, 2, 'the two left');
like($page, qr{The first version kept}, 'down to the first');
my %seen;
$seen{$_}++ for @rows, @more;
is(scalar(grep { $seen{$_} > 1 } keys %seen), 0, 'none twice');
unlike($page, qr{Earlier versions</a>}, 'no further page');

$t->done;
done_testing;
