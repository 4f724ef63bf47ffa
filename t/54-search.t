# Search over real HTTP (issue 15): GET /search and GET /api/search, the
# query language (words, "phrases", -word, section:, tag:), case, accent
# and stemming folds, ranking (a title match above body matches), drafts,
# scheduled and deleted articles never found, writes found by the very next
# search, hostile queries and texts escaped everywhere, the limits' 400s,
# paging, validators, and the search box in every page's header.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest qw(api);

sub uri { my $s = shift; utf8::encode($s) if utf8::is_utf8($s);
          $s =~ s/([^A-Za-z0-9\-._~])/sprintf('%%%02X', ord $1)/ge; $s }

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');

# the slugs of a page's results, in order
sub found {
    my ($q) = @_;
    my $res = $t->get('/search?q=' . uri($q));
    return "status $res->{status}" unless $res->{status} == 200;
    my ($list) = $res->{content} =~ m{<ol class="teasers">(.*?)</ol>}s;
    return '' unless defined $list;
    return join ' ', $list =~ m{<h2><a href="articles/([^"]+)"}g;
}

sub put_article {
    my ($json) = @_;
    my $res = api($t, 'POST', '/api/articles', $ed, $json);
    is($res->{status}, 201, 'article created') or diag $res->{content};
}

put_article('{"slug":"cafe-society","title":"Café society","section":"Culture","tags":["Paris"],'
          . '"body":"The red fox talks to the lazy dog about the weather.","published_at":"2020-01-01T00:00:00Z"}');
put_article('{"slug":"market-report","title":"Market report","section":"Business","tags":["Trade"],'
          . '"body":"Grain prices rose. A fox was seen near the harbour, red in the light.",'
          . '"published_at":"2020-01-02T00:00:00Z"}');
put_article('{"slug":"fox-week","title":"Fox of the week","section":"World",'
          . '"body":"Nothing else to say.","published_at":"2020-01-03T00:00:00Z"}');
put_article('{"slug":"munich-beer","title":"In München","section":"World","body":"Beer halls.",'
          . '"published_at":"2020-01-04T00:00:00Z"}');
put_article('{"slug":"secret-draft","title":"Secret zebra plan","body":"zebra","status":"draft"}');
put_article('{"slug":"embargoed","title":"Embargoed giraffe","body":"giraffe",'
          . '"published_at":"2999-01-01T00:00:00Z"}');
put_article('{"slug":"hostile","title":"Tags in text","section":"World",'
          . '"body":"An <img src=x onerror=alert(1)> walrus & \\"quotes\\" here."}');

# ---- the page -----------------------------------------------------------------
my $res = $t->get('/search');
is($res->{status}, 200, 'GET /search with no query: the page');
like($res->{content}, qr{<meta name="robots" content="noindex">}, 'noindex');
like($res->{content}, qr{<input type="search" id="search-q" name="q"}, 'its search box');
like($res->{content}, qr{"a phrase"}, 'how to search');

$t->mark_log;
$res = $t->get('/search?q=fox');
is($res->{status}, 200, 'a search');
my $log = $t->log_since_mark;
like($log, qr/news: task posted.*news: task done "\/search"/s,
     'the query ran in a pool thread, not on the event loop');
like($log, qr/added to thread pool "news_search"/,
     "in the search pool the module declares, never the writes' pool");
unlike($log, qr/added to thread pool "(?!news_search")/, 'and in no other pool');
$t->mark_log;
is(api($t, 'GET', '/api/search?q=fox')->{status}, 200, 'an API search');
like($t->log_since_mark, qr/news: task posted.*news: task done "\/api\/search"/s,
     'in a pool thread too');
like($res->{content}, qr{<meta name="robots" content="noindex">}, 'results: noindex');
like($res->{content}, qr{<title>Search: fox}, 'the title holds the query');
like($res->{content}, qr{id="search-q" name="q" maxlength="256" value="fox"}, 'the query is kept in the box');
like($res->{content}, qr{<header class="site">.*id="site-q" name="q" maxlength="256" placeholder="Search" value="fox"><button}s,
     "and in the header's box");
like($res->{headers}{'cache-control'}, qr/public/, 'logged out: public');
ok($res->{headers}{etag}, 'with an ETag');
ok($res->{headers}{'last-modified'}, 'and Last-Modified');
is($t->get('/search?q=fox', { headers => { 'If-None-Match' => $res->{headers}{etag} } })->{status},
   304, 'revalidated: 304');
like($res->{content}, qr{<p class="snippet">.*<mark>fox</mark>}s, 'snippets mark the words');
like($res->{content}, qr{Culture · <time datetime="2020-01-01T00:00:00Z">}, 'teasers: section and date');

# ---- the search box in every page's header ---------------------------------------
for my $path ('/', '/articles/fox-week', '/sections/world', '/login') {
    like($t->get($path)->{content},
         qr{<header class="site">.*<form class="search" role="search" action="search" method="get"><label for="site-q" class="vh">Search articles</label><input type="search" id="site-q" name="q"}s,
         "$path: a search box in the header");
}
unlike($t->get('/')->{content}, qr{id="site-q"[^>]*value=}, 'empty on other pages');
unlike($t->get('/search')->{content}, qr{id="site-q"[^>]*value=}, 'and on the search page without a query');

# ---- the query language, folds, ranking -------------------------------------------
like(found('fox'), qr/^fox-week (market-report cafe-society|cafe-society market-report)$/,
     'a title match ranks above body matches');
is(found('cafe'), 'cafe-society', 'cafe finds Café');
is(found('CAFÉ'), 'cafe-society', 'CAFÉ finds Café');
is(found('munchen'), 'munich-beer', 'munchen finds München');
is(found('talk'), 'cafe-society', 'talk finds talks (stemming)');
is(found('talking'), 'cafe-society', 'and talking');
like(found('fox red'), qr/^(market-report cafe-society|cafe-society market-report)$/, 'every word must match');
is(found('"red fox"'), 'cafe-society', 'a phrase: the words in a row');
is(found('"fox red"'), '', 'not in another order');
is(found('fox -dog'), 'fox-week market-report', '-word leaves out');
is(found('fox -"lazy dog"'), 'fox-week market-report', '-"phrase" leaves out');
is(found('fox section:business'), 'market-report', 'section:name');
is(found('fox section:Business'), 'market-report', 'section:Name');
is(found('fox -section:business'), 'fox-week cafe-society', '-section:name');
is(found('fox tag:paris'), 'cafe-society', 'tag:name');
is(found('section:world'), 'hostile munich-beer fox-week', 'a filter alone: newest first');

# ---- never found: drafts, scheduled, deleted ------------------------------------------
is(found('zebra'), '', 'a draft is never found');
is(found('giraffe'), '', 'a scheduled article before its time is not found');
$res = api($t, 'GET', '/api/search?q=giraffe');
is_deeply(decode_json($res->{content})->{results}, [], 'nor in the API');
put_article('{"slug":"okapi","title":"Okapi","body":"okapi"}');
is(found('okapi'), 'okapi', 'a new article is found by the very next search');
is(api($t, 'DELETE', '/api/articles/okapi', $ed)->{status}, 204, 'deleted');
is(found('okapi'), '', 'and is gone from the very next search');
is(api($t, 'PUT', '/api/articles/fox-week', $ed,
       '{"title":"Badger of the week","section":"World","body":"Nothing else.","published_at":"2020-01-03T00:00:00Z"}')->{status},
   200, 'an article updated');
is(found('badger'), 'fox-week', 'found in its new form');
like(found('fox'), qr/^(market-report cafe-society|cafe-society market-report)$/, 'not in its old one');
is(api($t, 'PUT', '/api/articles/market-report', $ed,
       '{"title":"Market report","body":"fox","status":"draft"}')->{status}, 200, 'an article back to a draft');
is(found('fox'), 'cafe-society', 'is no longer found');
like($t->get('/search?q=fox', { headers => { Cookie => $ed } })->{headers}{'cache-control'}, qr/private/,
     'logged in: private');

# ---- hostile queries and texts ----------------------------------------------------------
my $evil = q{<script>alert(1)</script>"'&};
$res = $t->get('/search?q=' . uri($evil));
is($res->{status}, 200, 'a hostile query');
unlike($res->{content}, qr{<script>alert}, 'never raw in the page');
like($res->{content}, qr{No results for <q>&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&#39;&amp;</q>},
     '"No results for ..." escaped');
like($res->{content}, qr{value="&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;&#39;&amp;"}, 'the box escaped');
like($res->{content}, qr{<title>Search: &lt;script&gt;}, 'the title escaped');
like($res->{content}, qr{placeholder="Search" value="&lt;script&gt;alert\(1\)&lt;/script&gt;&quot;'&amp;"><button},
     "the header's box escaped");
$res = api($t, 'GET', '/api/search?q=' . uri("$evil walrus"));
unlike($res->{content}, qr{<script>|<img}, 'JSON: nothing raw');
my $j = decode_json($res->{content});
is($j->{query}, "$evil walrus", 'JSON: the query as given');
$res = $t->get('/search?q=walrus');
unlike($res->{content}, qr{<img src=x}, 'an article text with markup: escaped in the snippet');
like($res->{content}, qr{An &lt;img src=x onerror=alert\(1\)&gt; <mark>walrus</mark> &amp; &quot;quotes&quot; here},
     'the snippet shows the text, escaped, the word marked');
$j = decode_json(api($t, 'GET', '/api/search?q=walrus')->{content});
is($j->{results}[0]{snippet_html}, 'An &lt;img src=x onerror=alert(1)&gt; <mark>walrus</mark> &amp; &quot;quotes&quot; here',
   'the JSON snippet: HTML, escaped, the word marked');

# ---- limits ------------------------------------------------------------------------------
$res = $t->get('/search?q=' . ('a' x 257));
is($res->{status}, 400, 'a query of 257 bytes: 400');
like($res->{content}, qr/at most 256 bytes/, 'saying the limit');
is($t->get('/search?q=' . ('b' x 256))->{status}, 200, '256 bytes: fine');
$res = $t->get('/search?q=' . uri(join ' ', 'a' .. 'q'));
is($res->{status}, 400, '17 words: 400');
like($res->{content}, qr/at most 16 words/, 'saying the limit');
is($t->get('/search?q=' . uri(join ' ', 'a' .. 'p'))->{status}, 200, '16 words: fine');
$res = api($t, 'GET', '/api/search?q=' . ('a' x 257));
is($res->{status}, 400, 'the API: 400 too');
is(decode_json($res->{content})->{error}{code}, 'bad_query', 'bad_query');
like(decode_json($res->{content})->{error}{message}, qr/256 bytes/, 'with the message');
is(api($t, 'GET', '/api/search')->{status}, 400, 'the API without q: 400');
is(api($t, 'GET', '/api/search?q=-fox')->{status}, 400, 'only words to leave out: 400');
is($t->get('/search?q=fox&page=51')->{status}, 400, 'past page 50: 400');
is($t->get('/search?q=a&q=b')->{status}, 400, 'q twice: 400');
is($t->get('/search?q=%ff')->{status}, 400, 'q not UTF-8: 400');
is(api($t, 'GET', '/api/search?q=fox&limit=101')->{status}, 400, 'limit past 100: 400');
is(api($t, 'GET', '/api/search?q=fox&cursor=zz')->{status}, 400, 'a bad cursor: 400');

# ---- the API: scores, paging ----------------------------------------------------------------
for my $i (1 .. 3) {
    put_article(qq({"slug":"heron-$i","title":"Heron $i","body":"heron","published_at":"2021-01-0${i}T00:00:00Z"}));
}
$res = api($t, 'GET', '/api/search?q=heron&limit=2');
is($res->{status}, 200, 'GET /api/search');
like($res->{headers}{'content-type'}, qr{application/json}, 'JSON');
$j = decode_json($res->{content});
is_deeply([map { $_->{slug} } @{$j->{results}}], ['heron-3', 'heron-2'], 'equal scores: the newest first');
ok($j->{results}[0]{score} > 0, 'with a score');
is($j->{results}[0]{url}, 'articles/heron-3', 'and its URL');
ok($j->{next}, 'and a cursor for more');
$j = decode_json(api($t, 'GET', "/api/search?q=heron&limit=2&cursor=$j->{next}")->{content});
is_deeply([map { $_->{slug} } @{$j->{results}}], ['heron-1'], 'the next page');
is($j->{next}, undef, 'the last');

# ---- pages of 20 ------------------------------------------------------------------------------
for my $i (1 .. 21) {
    api($t, 'POST', '/api/articles', $ed, qq({"slug":"ibis-$i","title":"Ibis $i","body":"ibis"}));
}
$res = $t->get('/search?q=ibis');
my @n = $res->{content} =~ m{<h2><a href="articles/ibis-}g;
is(scalar @n, 20, '20 results a page');
like($res->{content}, qr{<a rel="next" href="search\?q=ibis&amp;page=2">}, 'a link to the next page');
$res = $t->get('/search?q=ibis&page=2');
@n = $res->{content} =~ m{<h2><a href="articles/ibis-}g;
is(scalar @n, 1, 'the rest on page 2');
like($res->{content}, qr{<a rel="prev" href="search\?q=ibis&amp;page=1">}, 'with a link back');

# ---- bad queries of every kind: a 400 that says why, or the page without results ----------
for my $case (['a%01b', qr/without control characters/, 'a control character'],
              ['fox%C3%28', qr/as text \(UTF-8\)/, 'invalid UTF-8 after a word'],
              ['%22' . join('+', 'a' .. 'q') . '%22', qr/at most 16 words/, 'a phrase of 17 words'],
              [join('+', 'a' .. 'p') . '+section:world', qr/at most 16 words/, '16 words and a filter'],
              [join('+', 'a' .. 'o') . '+%22p+q%22', qr/at most 16 words/, '15 words and a phrase of two'],
              ['-section:world', qr/not only words to leave out/, 'only a filter to leave out'],
              ['-%22red+fox%22+-tag:paris', qr/not only words to leave out/, 'a phrase and a filter to leave out'],
              ['fox&q=', qr/once/, 'q twice, once empty'],
              ['fox%zz', qr/once, as text/, 'a bad percent escape']) {
    my ($q, $want, $name) = @$case;
    $res = $t->get("/search?q=$q");
    is($res->{status}, 400, "$name: 400");
    like($res->{content}, $want, "$name: saying why") or diag $res->{content};
    $res = api($t, 'GET', "/api/search?q=$q");
    is($res->{status}, 400, "$name: 400 from the API");
    is(eval { decode_json($res->{content})->{error}{code} }, 'bad_query', "$name: bad_query");
}
for my $q ('', '+++', '...+,+;', '%22', '%22%22', '-', '%22+%22') {
    $res = $t->get("/search?q=$q");
    is($res->{status}, 200, "q=$q: the page");
    unlike($res->{content}, qr/<ol class="teasers">/, "q=$q: no results");
    $res = api($t, 'GET', "/api/search?q=$q");
    is($res->{status}, 400, "q=$q: the API wants a word");
    like($res->{content}, qr/q must hold a word to find/, "q=$q: saying so");
}
is(found('section:%21%21%21'), '', 'a section with no letters names none');
is(found('tag:' . ('x' x 250)), '', 'a tag longer than any slug names none');
is(found('fox section:' . ('y' x 100)), '', 'nor a section that long');
is(found('walrus -section:%21'), 'hostile', 'leaving out a section of no name leaves out nothing');
is($t->get('/search?q=fox&page=0')->{status}, 400, 'page 0: 400');
is($t->get('/search?q=fox&page=x')->{status}, 400, 'page x: 400');
is($t->get('/search?q=fox&page=50')->{status}, 200, 'page 50: the last there is');
is(api($t, 'GET', '/api/search?q=fox&limit=0')->{status}, 400, 'limit 0: 400');
is(api($t, 'GET', '/api/search?q=fox&limit=many')->{status}, 400, 'limit not a number: 400');
is(api($t, 'GET', '/api/search?q=fox&cursor=000003e8')->{status}, 400, 'a cursor past 1,000 results: 400');
is(api($t, 'GET', '/api/search?q=fox&cursor=000003d4&limit=20')->{status}, 200, 'one that ends at 1,000: fine');
is(api($t, 'GET', '/api/search?q=fox&cursor=000003d4&limit=21')->{status}, 400, 'one past it: 400');
$res = $t->get('/search?q=' . uri('ibis "ibis" -~x'));
like($res->{content}, qr{<a rel="next" href="search\?q=ibis%20%22ibis%22%20-~x&amp;page=2">},
     'the next page keeps the query, every byte but letters, digits and -._~ escaped');

# ---- newsctl: the index agrees with the articles; reindex builds it anew ---------------
my ($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'newsctl check: the index agrees with the articles') or diag "$out$err";
($rc, $out, $err) = $t->newsctl('reindex');
is($rc, 0, 'newsctl reindex, while nginx serves') or diag $err;
like(found('ibis'), qr/^ibis-/, 'searches find the same after it');
is(found('zebra'), '', 'drafts still not');
($rc, $out, $err) = $t->newsctl('check');
is($rc, 0, 'and newsctl check agrees') or diag "$out$err";

$t->done;
done_testing;
