# The editors' desk in the browser (issue 20): /desk lists every article
# (drafts, scheduled, published), the latest changed first, filtered by
# status and section, paged from its own index; /desk/new and
# /desk/articles/{slug} write through plain forms (CSRF on each) that
# save, publish, schedule and unpublish; Delete asks on a page of its own;
# a draft's or a scheduled article's page says so to editors; readers and
# moderators get 403, nobody logged in goes to the login with next.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');
my $mod = $t->login('mod1', 'moderator');
my $reader = $t->login('reader1');
my $J = JSON::PP->new;

# who may
my $res = $t->get('/desk');
is($res->{status}, 303, 'logged out: sent on');
like($res->{headers}{location}, qr{/login\?next=/desk$}, 'to the login, with next');
like($t->get('/desk/articles/x')->{headers}{location}, qr{/login\?next=/desk/articles/x$},
     'next keeps the page asked for');
for my $who ([$reader, 'a reader'], [$mod, 'a moderator']) {
    for my $path ('/desk', '/desk/new', '/desk/articles/x', '/desk/articles/x/delete') {
        is($t->get($path, { headers => { Cookie => $who->[0] } })->{status}, 403, "$who->[1]: $path is 403");
    }
    is($t->form_post($who->[0], '/desk/new', { title => 'T', body => 'b', action => 'publish' })->{status}, 403,
       "$who->[1] cannot post the form");
}

# a new article, from the form
my $csrf = $t->csrf_of($ed, '/desk/new');
ok($csrf, 'the form carries a CSRF token');
my $before = $t->export;
$res = $t->form_post($ed, '/desk/new', { csrf => 'f' x 64, title => 'T', body => 'b', action => 'save' });
is($res->{status}, 403, 'a wrong CSRF token: 403');
like($res->{content}, qr/expired or did not come from this site/, 'saying why');
like($res->{content}, qr{name="title"[^>]* value="T"}, 'the values kept');
is($t->form_post($ed, '/desk/new', { title => 'T', body => 'b', action => 'save' })->{status}, 403, 'no CSRF token: 403');
$res = $t->form_post($ed, '/desk/new', { csrf => $csrf, title => '', body => 'b', action => 'save' });
is($res->{status}, 422, 'no headline: 422');
like($res->{content}, qr{<input id="title" name="title" type="text" required maxlength="300" value="" aria-invalid="true" aria-describedby="title-error">\s*<span class="error" id="title-error" role="alert">&quot;title&quot; is required</span>},
     'the error tied to its field');
$res = $t->form_post($ed, '/desk/new', { csrf => $csrf, title => 'X', body => 'b', image_url => 'javascript:alert(1)',
                                         image_alt => 'a', action => 'save' });
is($res->{status}, 422, 'a javascript: image: 422');
like($res->{content}, qr{id="image_url"[^>]*aria-invalid="true"}, 'on the image field');
is($t->form_post($ed, '/desk/new', { csrf => $csrf, title => 'X', body => 'b', action => 'explode' })->{status}, 400,
   'an unknown action: 400');
is($t->form_post($ed, '/desk/new', { csrf => $csrf, title => 'X', body => 'b', action => 'schedule',
                                     published => '2001-01-01T00:00' })->{status}, 422, 'scheduling in the past: 422');
$res = $t->request('POST', '/desk/new', { headers => { Cookie => $ed, 'Content-Type' => 'application/x-www-form-urlencoded' },
                                          content => "csrf=$csrf&title=A&title=B&body=b&action=save" });
is($res->{status}, 400, 'a field given twice: 400 (one answer, found by the HTTP fuzzer)');
is($t->export, $before, 'nothing changed');

my $hostile = q{<script>alert("t")</script> & 'q'};
$res = $t->form_post($ed, '/desk/new', { csrf => $csrf, title => $hostile, subtitle => 'Sub <b>', slug => 'draft-one',
                                         section => 'World', tags => 'Rain, Wind ,', body => "Line one\r\n\r\n*Two*",
                                         image_url => 'https://img.example.com/a.jpg?x=1&y="2"', image_alt => 'Alt <i>',
                                         image_caption => 'Cap', action => 'save' });
is($res->{status}, 422, 'a quote in the image URL is refused');
$res = $t->form_post($ed, '/desk/new', { csrf => $csrf, title => $hostile, subtitle => 'Sub <b>', slug => 'draft-one',
                                         section => 'World', tags => 'Rain, Wind ,', body => "Line one\r\n\r\n*Two*",
                                         image_url => 'https://img.example.com/a.jpg?x=1&y=2', image_alt => 'Alt <i>',
                                         image_caption => 'Cap', action => 'save' });
is($res->{status}, 303, 'saved: 303');
like($res->{headers}{location}, qr{/desk/articles/draft-one\?done=saved$}, 'to its form');
my $a = $J->decode($t->json('GET', $ed, '/api/articles/draft-one')->{content});
is($a->{status}, 'draft', 'a draft');
is($a->{body}, "Line one\n\n*Two*", 'the body, its line ends made plain');
is_deeply($a->{tags}, ['Rain', 'Wind'], 'the tags parted by commas');
is($t->get('/articles/draft-one')->{status}, 404, 'readers do not see it');

# its form: every field, escaped
$res = $t->get('/desk/articles/draft-one?done=saved', { headers => { Cookie => $ed } });
is($res->{status}, 200, 'the form');
is($res->{headers}{'cache-control'}, 'no-store', 'never stored');
my $page = $res->{content};
unlike($page, qr{<script>alert}, 'no hostile markup');
like($page, qr{<h1>Edit: &lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt; &amp; &#39;q&#39;</h1>|<h1>Edit: &lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt; &amp; 'q'</h1>},
     'the headline escaped');
like($page, qr{<p class="notice" role="status">Saved\.</p>}, 'says it was saved');
like($page, qr{Draft: readers cannot see it\.}, 'says it is a draft');
like($page, qr{value="Rain, Wind"}, 'the tags');
like($page, qr{<textarea id="body" name="body" rows="20" cols="60" required>\nLine one\n\n\*Two\*</textarea>}, 'the body');
like($page, qr{value="https://img\.example\.com/a\.jpg\?x=1&amp;y=2"}, 'the image URL');
like($page, qr{value="Alt &lt;i&gt;"}, 'the alt text');
like($page, qr{<button type="submit" name="action" value="publish">Publish now</button>}, 'a Publish button');

# the editor's preview of a draft says so
$page = $t->get('/articles/draft-one', { headers => { Cookie => $ed } })->{content};
like($page, qr{<main id="main">.*<p class="banner" role="note"><strong>Draft</strong>: readers cannot see this page\.</p>\s*<article}s,
     'the draft banner over the page');

# schedule, publish, correct, unpublish from the form
sub fields {
    my (%over) = @_;
    return { csrf => $csrf, title => 'Draft one', section => 'World', body => 'Text.', %over };
}
$res = $t->form_post($ed, '/desk/articles/draft-one', fields(action => 'schedule', published => '2999-01-01T10:00'));
is($res->{status}, 303, 'scheduled');
like($t->get('/articles/draft-one', { headers => { Cookie => $ed } })->{content},
     qr{<p class="banner" role="note"><strong>Scheduled for <time datetime="2999-01-01T10:00:00Z">}, 'the scheduled banner');
is($t->get('/articles/draft-one')->{status}, 404, 'still hidden from readers');
$res = $t->form_post($ed, '/desk/articles/draft-one', fields(action => 'publish'));
is($res->{status}, 303, 'published');
like($res->{headers}{location}, qr{\?done=published$}, 'says so');
$page = $t->get('/articles/draft-one')->{content};
like($page, qr{<h1>Draft one</h1>}, 'readers see it');
unlike($page, qr{class="banner"}, 'with no banner');
$a = $J->decode($t->json('GET', $ed, '/api/articles/draft-one')->{content});
my $published = $a->{published_at};
sleep 1 while time % 60 > 57;
sleep 61 - (time % 60) if 0;
$res = $t->form_post($ed, '/desk/articles/draft-one', fields(action => 'save', body => 'Corrected.',
                                                             published => substr($published, 0, 19)));
is($res->{status}, 303, 'a correction');
$a = $J->decode($t->json('GET', $ed, '/api/articles/draft-one')->{content});
is($a->{published_at}, $published, 'keeps its publication time');
is($a->{body}, 'Corrected.', 'the new text');
$res = $t->form_post($ed, '/desk/articles/draft-one', fields(action => 'unpublish'));
is($res->{status}, 303, 'unpublished');
is($t->get('/articles/draft-one')->{status}, 404, 'gone from readers');
is($J->decode($t->json('GET', $ed, '/api/articles/draft-one')->{content})->{status}, 'draft', 'a draft again');

# a slug change from the form
$res = $t->form_post($ed, '/desk/articles/draft-one', fields(action => 'save', slug => 'renamed'));
like($res->{headers}{location}, qr{/desk/articles/renamed\?done=saved$}, 'a new slug: its form at the new address');
is($t->get('/desk/articles/draft-one', { headers => { Cookie => $ed } })->{status}, 404, 'the desk has no former slugs');
$t->json('POST', $ed, '/api/articles', '{"slug":"other","title":"Other","section":"Sport","body":"b"}');
$res = $t->form_post($ed, '/desk/articles/renamed', fields(action => 'save', slug => 'other'));
is($res->{status}, 409, 'a slug taken: 409');
like($res->{content}, qr{id="slug"[^>]*aria-invalid="true"}, 'on the slug field');

# the list
for my $i (1 .. 3) {
    $t->json('POST', $ed, '/api/articles', qq({"slug":"pub-$i","title":"Published $i","section":"World","body":"b"}));
}
$t->json('POST', $ed, '/api/articles', '{"slug":"later","title":"Later","section":"World","body":"b","published_at":"2999-01-01T00:00:00Z"}');
$page = $t->get('/desk', { headers => { Cookie => $ed } })->{content};
my @order = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is_deeply(\@order, [qw(later pub-3 pub-2 pub-1 other renamed)], 'every article, the latest changed first');
like($page, qr{<a href="desk/articles/renamed">Draft one</a></td><td>Draft</td><td>World</td>}, 'status and section');
like($page, qr{<td>Scheduled for <time datetime="2999-01-01T00:00:00Z">}, 'scheduled');
$page = $t->get('/desk?status=draft', { headers => { Cookie => $ed } })->{content};
@order = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is_deeply(\@order, ['renamed'], 'drafts only');
like($page, qr{<option value="draft" selected>}, 'the filter shown');
$page = $t->get('/desk?section=sport', { headers => { Cookie => $ed } })->{content};
@order = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is_deeply(\@order, ['other'], 'one section');
$page = $t->get('/desk?status=published&section=World', { headers => { Cookie => $ed } })->{content};
@order = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is_deeply(\@order, [qw(pub-3 pub-2 pub-1)], 'both filters');
is($t->get('/desk?status=bogus', { headers => { Cookie => $ed } })->{status}, 400, 'a bad status: 400');
is($t->get('/desk?after=zz', { headers => { Cookie => $ed } })->{status}, 400, 'a bad cursor: 400');
like($t->get('/desk?section=%3Cscript%3E', { headers => { Cookie => $ed } })->{content}, qr{value="&lt;script&gt;"},
     'a hostile filter is escaped');

# paging: more than a page
for my $i (1 .. 50) {
    $t->newsctl('import', NewsTest::json_file(qq({"slug":"bulk-$i","title":"Bulk $i","body":"b","status":"draft"})));
}
$page = $t->get('/desk', { headers => { Cookie => $ed } })->{content};
@order = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is(scalar @order, 50, 'a page holds 50');
my ($next) = $page =~ m{<a href="(desk\?after=[0-9a-f]{32})">Earlier changes</a>};
ok($next, 'and links to the earlier changes');
$page = $t->get("/$next", { headers => { Cookie => $ed } })->{content};
my @rest = $page =~ m{<td><a href="desk/articles/([a-z0-9-]+)">}g;
is(scalar @rest, 6, 'the rest on the next page');
my %seen; $seen{$_}++ for @order, @rest;
is(scalar keys %seen, 56, 'every article once');

# delete: a page that asks, then the form
$res = $t->get('/desk/articles/renamed/delete', { headers => { Cookie => $ed } });
is($res->{status}, 200, 'the delete page');
like($res->{content}, qr{<h1>Delete “Draft one”\?</h1>}, 'asks');
is($t->form_post($ed, '/desk/articles/renamed/delete', { csrf => 'f' x 64 })->{status}, 403, 'a wrong token: 403');
is($t->form_post($reader, '/desk/articles/renamed/delete', { csrf => $csrf })->{status}, 403, 'a reader: 403');
is($t->get('/api/articles/renamed', { headers => { Cookie => $ed } })->{status}, 200, 'still there');
$res = $t->form_post($ed, '/desk/articles/renamed/delete', { csrf => $csrf });
is($res->{status}, 303, 'deleted');
like($res->{headers}{location}, qr{/desk$}, 'back to the desk');
is($t->get('/api/articles/renamed', { headers => { Cookie => $ed } })->{status}, 404, 'gone');
unlike($t->get('/desk', { headers => { Cookie => $ed } })->{content}, qr{desk/articles/renamed"}, 'and from the list');

# the index is filled for a store from before it, and kept by newsctl check
my ($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check passes') or diag "$out$err";

$t->done;
done_testing;
