# Lead images (issue 20): an article's "image" {url, alt, caption, width,
# height} is checked (http(s) URLs only, alt required, sizes), shown as a
# <figure> above the body with its sizes and loading, used by OpenGraph,
# the Twitter card and JSON-LD, kept by PATCH, export and import; and
# news_image_hosts adds hosts to the CSP's img-src, a bad host failing
# nginx -t with a message that names it.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest qw(api);

# nginx -t: each bad host refused, naming the directive and the host
for my $bad ('http://img.example.com', 'img.example.com/path', "'self'", 'a b', '*.', '-x.com',
             'img.example.com:', 'img.example.com:80x', '*', 'img<x', 'img;x') {
    my $t = NewsTest->new(http => qq(news_image_hosts img.example.com "$bad";));
    my ($ok, $stderr) = $t->conf_test;
    ok(!$ok, "news_image_hosts '$bad' fails nginx -t");
    like($stderr, qr/\[emerg\].*"news_image_hosts" "\Q$bad\E" /, 'naming the directive and the host');
}

my $t = NewsTest->new(http => 'news_image_hosts img.example.com *.cdn.example.org:8443;');
$t->run;
my $ed = $t->login('editor1', 'editor');
my $J = JSON::PP->new->canonical;

my $csp = $t->get('/')->{headers}{'content-security-policy'};
like($csp, qr/img-src 'self' data: img\.example\.com \*\.cdn\.example\.org:8443;/, 'the hosts in img-src');

my $image = '{"url":"https://img.example.com/storm.jpg?w=1200&h=675","alt":"Waves over the sea wall",'
          . '"caption":"The harbour at noon <b>\"live\"</b>","width":1200,"height":675}';
my $res = api($t, 'POST', '/api/articles', $ed,
              qq({"slug":"storm","title":"Storm","subtitle":"Wind","body":"Text.","image":$image}));
is($res->{status}, 201, 'an article with a lead image');
is_deeply($J->decode($res->{content})->{slug}, 'storm', 'created');

my $page = $t->get('/articles/storm')->{content};
like($page, qr{<div class="body">\n<figure class="lead">\n<img src="https://img\.example\.com/storm\.jpg\?w=1200&amp;h=675" alt="Waves over the sea wall" width="1200" height="675" loading="eager" decoding="async">\n<figcaption>The harbour at noon &lt;b&gt;&quot;live&quot;&lt;/b&gt;</figcaption>\n</figure>\n<p>Text\.</p>},
     'a figure above the body, sized, the caption escaped');
like($page, qr{<meta property="og:image" content="https://img\.example\.com/storm\.jpg\?w=1200&amp;h=675">}, 'og:image');
like($page, qr{<meta property="og:image:alt" content="Waves over the sea wall">}, 'og:image:alt');
like($page, qr{<meta name="twitter:card" content="summary_large_image">}, 'the large card');
like($page, qr{"headline":"Storm","image":"https://img\.example\.com/storm\.jpg\?w=1200\\u0026h=675"}, 'the JSON-LD image');

# the image survives a patch of another field, and the export's round trip
$res = api($t, 'PATCH', '/api/articles/storm', $ed, '{"body":"New text."}');
my $a = $J->decode($res->{content});
like($t->get('/articles/storm')->{content}, qr{<figure class="lead">.*New text}s, 'a patch keeps the image');
my $export = $t->export;
my ($art) = grep { $_->{slug} eq 'storm' } @{ $J->decode($export) };
is_deeply($art->{image}, { url => 'https://img.example.com/storm.jpg?w=1200&h=675', alt => 'Waves over the sea wall',
                           caption => 'The harbour at noon <b>"live"</b>', width => 1200, height => 675 },
          'exported with its image');
my $t2 = NewsTest->new;
my ($rc, undef, $err) = $t2->newsctl('import', NewsTest::json_file($export));
is($rc, 0, 'the export imports') or diag $err;
is($t2->export, $export, 'and exports again the same');

# no image: the small card, no figure; null clears it
$res = api($t, 'PATCH', '/api/articles/storm', $ed, '{"image":null}');
is($res->{status}, 200, 'image null clears it');
$page = $t->get('/articles/storm')->{content};
unlike($page, qr{<figure|og:image}, 'no figure, no og:image');
like($page, qr{<meta name="twitter:card" content="summary">}, 'the small card');

# bad images change nothing
my $before = $t->export;
for my $case (['"x"', 400, 'a string'], ['[]', 400, 'an array'], ['5', 400, 'a number'],
              ['{"url":5,"alt":"a"}', 400, 'a numeric url'], ['{"url":"https://img.example.com/a.jpg","alt":true}', 400, 'a boolean alt'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","width":"5","height":5}', 400, 'a width as a string'],
              ['{"url":"javascript:alert(1)","alt":"a"}', 422, 'a javascript: URL'],
              ['{"url":"JaVaScRiPt:alert(1)","alt":"a"}', 422, 'a javascript: URL in mixed case'],
              ['{"url":"data:image/png;base64,AAAA","alt":"a"}', 422, 'a data: URL'],
              ['{"url":"//evil.example/a.jpg","alt":"a"}', 422, 'a scheme-relative URL'],
              ['{"url":"/local/a.jpg","alt":"a"}', 422, 'a path'],
              ['{"url":"https://img.example.com/a b.jpg","alt":"a"}', 422, 'a space'],
              ['{"url":"https://img.example.com/a\".jpg","alt":"a"}', 422, 'a quote'],
              ['{"url":"https://img.example.com/<x>.jpg","alt":"a"}', 422, 'angle brackets'],
              ['{"url":"https://img.example.com/a.jpg"}', 422, 'no alt'],
              ['{"url":"https://img.example.com/a.jpg","alt":""}', 422, 'an empty alt'],
              ['{"alt":"a"}', 422, 'no url'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","width":100}', 422, 'a width without a height'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","width":0,"height":5}', 422, 'a width of 0'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","width":10001,"height":5}', 422, 'a width too large'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","width":1.5,"height":5}', 422, 'a fractional width'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a","colour":"red"}', 422, 'an unknown member'],
              ['{"url":"https://img.example.com/' . ('a' x 1100) . '","alt":"a"}', 422, 'a URL too long'],
              ['{"url":"https://img.example.com/a.jpg","alt":"a\nb"}', 422, 'an alt of two lines']) {
    my ($img, $status, $name) = @$case;
    $res = api($t, 'PATCH', '/api/articles/storm', $ed, qq({"image":$img}));
    is($res->{status}, $status, "$name: $status");
}
is($t->export, $before, 'nothing changed');

$t->done;
done_testing;
