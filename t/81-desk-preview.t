# The desk's Preview (issue 20): the form's unsaved values rendered as
# readers will see the article page, by the renderer a save uses and in
# the same chrome, under a banner "Preview" (and "Draft" / "Scheduled for
# ..." as the status says), with the values kept in a hidden form to go
# back to editing or to save from there.  It writes nothing, checks the
# CSRF token and the values as a save would (a bad one comes back at the
# form), is never stored by a cache and is not indexed.
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
my $J = JSON::PP->new;
my $csrf = $t->csrf_of($ed, '/desk/new');
ok($csrf, 'a CSRF token');

my $hostile = q{<script>alert("t")</script> & 'q'};
my %new = (csrf => $csrf, title => $hostile, subtitle => 'Sub <b>', slug => 'prev-one', section => 'World',
           tags => 'Rain, Wind', body => "First *line*\r\n\r\n<script>x()</script>\r\n\r\n[a](javascript:alert(1))",
           image_url => 'https://img.example.com/a.jpg?x=1&y=2', image_alt => 'Alt <i>', image_caption => 'Cap "c"');

# who may, and the token
my $before = $t->export;
is($t->form_post($reader, '/desk/new', { %new, action => 'preview' })->{status}, 403, 'a reader: 403');
my $res = $t->form_post($ed, '/desk/new', { %new, csrf => 'f' x 64, action => 'preview' });
is($res->{status}, 403, 'a wrong CSRF token: 403');
unlike($res->{content}, qr{<article class="story">}, 'and no preview');
my %untokened = %new;
delete $untokened{csrf};
is($t->form_post($ed, '/desk/new', { %untokened, action => 'preview' })->{status}, 403, 'no token: 403');

# a new article's preview
$res = $t->form_post($ed, '/desk/new', { %new, action => 'preview' });
is($res->{status}, 200, 'the preview of a new article');
is($res->{headers}{'cache-control'}, 'private, no-store', 'never stored by a cache');
my $page = $res->{content};
like($page, qr{<meta name="robots" content="noindex">}, 'not indexed');
like($page, qr{<title>&lt;script&gt;alert}, 'the title as the page has it');
like($page, qr{<main id="main">\s*<form class="account" method="post" action="desk/new">.*?<p class="banner" role="note"><strong>Preview</strong>: nothing is saved yet; go back to the form to change or save it\. <strong>Draft</strong>: readers cannot see this page\.</p>}s,
     'the banner: Preview, and a draft');
like($page, qr{<article class="story">\s*<header>\s*<h1>&lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt; &amp; (&#39;|')q(&#39;|')</h1>},
     'the headline escaped, as on the page');
like($page, qr{<p>First <em>line</em></p>}, 'the Markdown rendered');
my ($story) = $page =~ m{(<article class="story">.*?</article>)}s;
unlike($story, qr{<script>x\(\)|javascript:alert|<script>alert}, 'no raw HTML, no script link');
like($page, qr{<figure class="lead">.*src="https://img\.example\.com/a\.jpg\?x=1&amp;y=2".*alt="Alt &lt;i&gt;"}s, 'the lead image');
like($page, qr{<meta property="og:image" content="https://img\.example\.com/a\.jpg\?x=1&amp;y=2">}, 'and its head');
like($page, qr{<input type="hidden" name="body" value="First \*line\*\r?\n\r?\n&lt;script&gt;x\(\)&lt;/script&gt;\r?\n\r?\n\[a\]\(javascript:alert\(1\)\)">},
     'the values kept, hidden and escaped');
like($page, qr{<input type="hidden" name="image_caption" value="Cap &quot;c&quot;">}, 'every field');
like($page, qr{<button type="submit" name="action" value="edit">Back to editing</button>}, 'back to editing');
like($page, qr{<button type="submit" name="action" value="publish">Publish now</button>}, 'or publish from here');
unlike($page, qr{value="preview"}, 'no second Preview');
is($t->export, $before, 'nothing written');
is($t->get('/articles/prev-one', { headers => { Cookie => $ed } })->{status}, 404, 'no article');

# back to the form with the values
$res = $t->form_post($ed, '/desk/new', { %new, action => 'edit' });
is($res->{status}, 200, 'back to editing');
like($res->{content}, qr{<textarea id="body" name="body" rows="20" cols="60" required>\nFirst \*line\*\r?\n\r?\n&lt;script&gt;},
     'the unsaved body in the form');
like($res->{content}, qr{<button type="submit" name="action" value="preview">Preview</button>}, 'the form has Preview');
is($t->export, $before, 'nothing written');

# a value a save would refuse comes back at the form
$res = $t->form_post($ed, '/desk/new', { %new, image_url => 'javascript:alert(1)', action => 'preview' });
is($res->{status}, 422, 'a javascript: image: 422');
like($res->{content}, qr{id="image_url"[^>]*aria-invalid="true"}, 'the error on its field');
unlike($res->{content}, qr{<article class="story">}, 'no preview');
$res = $t->form_post($ed, '/desk/new', { %new, title => '', action => 'preview' });
is($res->{status}, 422, 'no headline: 422');
like($res->{content}, qr{id="title-error" role="alert">&quot;title&quot; is required}, 'saying so at the field');
$res = $t->form_post($ed, '/desk/new', { %new, published => 'tomorrow', action => 'preview' });
is($res->{status}, 422, 'a bad time: 422');
like($res->{content}, qr{id="published"[^>]*aria-invalid="true"}, 'at the time field');
is($t->export, $before, 'nothing written');

# a stored article: its form's values over the stored record
$t->json('POST', $ed, '/api/articles', '{"slug":"sched","title":"Scheduled one","section":"World",'
                                       . '"body":"Old text.","published_at":"2999-01-01T10:00:00Z"}');
$before = $t->export;
my %sched = (csrf => $csrf, title => 'Scheduled one', section => 'World', body => "New *text*.\n\n- a\n- b",
             published => '2999-01-01T10:00:00', image_url => 'https://img.example.com/b.png', image_alt => 'B');
$res = $t->form_post($ed, '/desk/articles/sched', { %sched, action => 'preview' });
is($res->{status}, 200, 'the preview of a stored article');
$page = $res->{content};
like($page, qr{<form class="account" method="post" action="desk/articles/sched">}, 'its form goes to the article');
like($page, qr{<strong>Preview</strong>: nothing is saved yet; go back to the form to change or save it\. <strong>Scheduled for <time datetime="2999-01-01T10:00:00Z">},
     'Preview, and scheduled');
like($page, qr{<p>New <em>text</em>\.</p>}, 'the new text');
unlike($page, qr{Old text}, 'not the stored one');
like($page, qr{value="schedule">Save and keep scheduled</button>}, 'the scheduled article\'s buttons');
is($t->export, $before, 'nothing written');

# the preview is the page a save makes: the same article, byte for byte
my ($previewed) = $page =~ m{(<article class="story">.*?</article>)}s;
ok($previewed, 'an article in the preview');
$res = $t->form_post($ed, '/desk/articles/sched', { %sched, action => 'schedule' });
is($res->{status}, 303, 'saved with the same values');
my $saved = $t->get('/articles/sched', { headers => { Cookie => $ed } })->{content};
my ($stored) = $saved =~ m{(<article class="story">.*?</article>)}s;
is($previewed, $stored, 'the preview is the saved page\'s article');
my ($ph) = $page =~ m{(<meta property="og:title".*?)</head>}s;
my ($sh) = $saved =~ m{(<meta property="og:title".*?)</head>}s;
is($ph, $sh, 'and its head');

# a published article: Preview alone
$t->json('POST', $ed, '/api/articles', '{"slug":"live-one","title":"Live","section":"World","body":"b"}');
$res = $t->form_post($ed, '/desk/articles/live-one', { csrf => $csrf, title => 'Live, corrected', section => 'World',
                                                       body => 'c', action => 'preview' });
is($res->{status}, 200, 'a published article\'s preview');
like($res->{content}, qr{<strong>Preview</strong>: nothing is saved yet; go back to the form to change or save it\.</p>},
     'Preview, not a draft');
like($res->{content}, qr{<h1>Live, corrected</h1>}, 'the new headline');
is($t->get('/articles/live-one')->{content} =~ /Live, corrected/ ? 1 : 0, 0, 'readers still see the old one');
is($t->form_post($ed, '/desk/articles/gone', { csrf => $csrf, title => 'X', body => 'b', action => 'preview' })->{status},
   404, 'no such article: 404');

$t->done;
done_testing;
