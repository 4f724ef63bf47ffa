# An article's life as readers and caches see it: a scheduled article
# falling due changes every list's validators; deleted articles free
# their slugs and never lend their id (ETag, redirects) to a new one; a
# moved draft's new address is not told; sections and tags nobody may see
# do not exist; closing comments is no edit; list pages are bounded; the
# skip link cannot carry a scheme.
use strict;
use warnings;
use Test::More;
use POSIX qw(strftime);
use lib 't/lib';
use NewsTest qw(api);

sub cond {
    my ($t, $path, $res) = @_;
    return $t->get($path, { headers => { 'If-None-Match' => $res->{headers}{etag},
                                         'If-Modified-Since' => $res->{headers}{'last-modified'} } });
}

my $t = NewsTest->new;
$t->run;
my $ed = $t->login('editor1', 'editor');

# ---- the skip link of a page reached at a scheme-like path ------------------
my $res = $t->get('/javascript:alert(document.domain)//');
is($res->{status}, 404, 'a javascript: path is a 404');
my ($skip) = $res->{content} =~ /<a class="skip" href="([^"]*)"/;
like($skip, qr{^\./}, 'the skip link is a ./ path');
unlike($skip, qr{^javascript:}i, 'the skip link carries no javascript: scheme');

# ---- ids are never reused ---------------------------------------------------
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"retracted","title":"Wrong story","body":"Retracted text."}')->{status},
   201, 'an article');
my $old = $t->get('/articles/retracted');
is(api($t, 'DELETE', '/api/articles/retracted', $ed)->{status}, 204, 'retracted: deleted');
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"retracted","title":"Right story","body":"New text."}')->{status},
   201, 'a new article under the same slug');
my $new = $t->get('/articles/retracted');
isnt($new->{headers}{etag}, $old->{headers}{etag}, "a re-created article does not get its predecessor's ETag");
$res = $t->get('/articles/retracted', { headers => { 'If-None-Match' => $old->{headers}{etag} } });
is($res->{status}, 200, "a cache holding the retracted text gets the new one, not 304");
like($res->{content}, qr/New text\./, 'the new text');

# a deleted article's former slug does not lead to whatever takes its id
api($t, 'POST', '/api/articles', $ed, '{"slug":"ceo-story","title":"CEO story","body":"b"}');
api($t, 'PUT', '/api/articles/ceo-story', $ed, '{"slug":"ceo-story-2","title":"CEO story","body":"b"}');
is($t->get('/articles/ceo-story')->{status}, 301, 'renamed: the old slug redirects');
is(api($t, 'DELETE', '/api/articles/ceo-story-2', $ed)->{status}, 204, 'then deleted');
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"board-ousts-ceo","title":"Board ousts CEO tonight","body":"b","status":"draft"}')->{status},
   201, 'an embargoed draft is written next');
$res = $t->get('/articles/ceo-story');
is($res->{status}, 404, "the deleted article's former slug is a 404");
ok(!$res->{headers}{location}, 'with no Location');
unlike($res->{content}, qr/board-ousts-ceo/, 'and no word of the draft');

# ---- a deleted article's former slugs are free --------------------------------
api($t, 'POST', '/api/articles', $ed, '{"slug":"first-name","title":"Naming","body":"b"}');
is(api($t, 'PUT', '/api/articles/first-name', $ed, '{"slug":"second-name","title":"Naming","body":"b"}')->{status},
   200, 'renamed first-name -> second-name');
is(api($t, 'DELETE', '/api/articles/second-name', $ed)->{status}, 204, 'deleted');
is($t->get('/articles/first-name')->{status}, 404, 'the former slug is a 404');
is(api($t, 'POST', '/api/articles', $ed, '{"slug":"first-name","title":"Naming again","body":"b"}')->{status},
   201, 'and free for a new article (not 409)');
like($t->get('/articles/first-name')->{content}, qr/Naming again/, 'which it serves');

# ---- a moved article that became a draft does not tell its new address ------
api($t, 'POST', '/api/articles', $ed, '{"slug":"falcon","title":"Falcon","body":"b"}');
is(api($t, 'PUT', '/api/articles/falcon', $ed,
       '{"slug":"project-falcon-launch","title":"Project Falcon launch","body":"b","status":"draft"}')->{status},
   200, 'renamed into a draft');
for my $path ('/articles/falcon', '/api/articles/falcon') {
    $res = $t->get($path);
    is($res->{status}, 404, "$path: 404 to readers");
    ok(!$res->{headers}{location}, "$path: no Location");
    unlike($res->{content}, qr/project-falcon-launch/, "$path: the draft's slug is not told");
}
$res = $t->get('/articles/falcon', { headers => { Cookie => $ed } });
is($res->{status}, 301, 'an editor is sent on');
like($res->{headers}{location}, qr{/articles/project-falcon-launch$}, 'to the draft');

# ---- sections and tags nobody may see do not exist ----------------------------
is(api($t, 'POST', '/api/articles', $ed,
       '{"slug":"embargo","title":"E","body":"b","section":"Embargoed Desk","tags":["Project Osprey"],'
       . '"published_at":"2999-01-01T00:00:00Z"}')->{status}, 201, 'a scheduled article with a new section and tag');
for my $path ('/sections/embargoed-desk', '/tags/project-osprey', '/sections/embargoed-desk/feed.xml') {
    $res = $t->get($path);
    is($res->{status}, 404, "$path: 404 while scheduled");
    unlike($res->{content}, qr/Embargoed Desk|Project Osprey/, "$path: the name is not shown");
}
api($t, 'POST', '/api/articles', $ed, '{"slug":"gone","title":"Gone","body":"b","tags":["Short Lived"]}');
is($t->get('/tags/short-lived')->{status}, 200, 'a tag page');
api($t, 'DELETE', '/api/articles/gone', $ed);
$res = $t->get('/tags/short-lived');
is($res->{status}, 404, 'after its only article is deleted: 404');
unlike($res->{content}, qr/Short Lived/, 'without the name');

# ---- closing comments is not an edit ----------------------------------------
api($t, 'POST', '/api/articles', $ed, '{"slug":"debate","title":"Debate","body":"b","published_at":"2020-01-01T00:00:00Z"}');
my $before = $t->get('/articles/debate');
is(api($t, 'POST', '/api/articles/debate/comments/close', $ed)->{status} =~ /^20/ ? 1 : 0, 1, 'comments closed');
$res = $t->get('/articles/debate');
like($res->{content}, qr/Comments are closed/, 'the page says so');
isnt($res->{headers}{etag}, $before->{headers}{etag}, 'with new validators');
unlike($res->{content}, qr/Updated <time/, 'not shown as updated');
like(api($t, 'GET', '/api/articles/debate/revisions', $ed)->{content}, qr/^\{"revisions":\[\]\}/,
     'no revision filed');
api($t, 'POST', '/api/articles/debate/comments/open', $ed);
like(api($t, 'GET', '/api/articles/debate/revisions', $ed)->{content}, qr/^\{"revisions":\[\]\}/,
     'nor by opening them again');

# ---- ?page=N is bounded -------------------------------------------------------
$res = $t->get('/?page=51');
is($res->{status}, 404, 'a list page past the bound: 404');
like($res->{content}, qr/go back 50 pages/, 'saying how far lists go');
is($t->get('/?page=50')->{status}, 404, 'the last page allowed (empty here): 404 as any empty page');

# ---- the sitemap answers 304 before building anything ------------------------
$res = $t->get('/sitemap.xml');
is($res->{status}, 200, 'the sitemap');
$t->mark_log;
is(cond($t, '/sitemap.xml', $res)->{status}, 304, 'revalidated: 304');
like($t->log_since_mark, qr/news: list unchanged, 304 before reading it/, 'answered before reading a single entry');

# ---- a scheduled article falling due changes every list ----------------------
api($t, 'POST', '/api/articles', $ed, '{"slug":"city-now","title":"City now","body":"b","section":"City","tags":["Night"]}');
my $due = time + 3;
my $at = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $due);
is(api($t, 'POST', '/api/articles', $ed,
       qq({"slug":"midnight-story","title":"Midnight story","body":"b","section":"City","tags":["Night"],"published_at":"$at"}))->{status},
   201, 'an article scheduled a few seconds ahead');

my @lists = ('/', '/feed.xml', '/sitemap.xml', '/api/articles', '/sections/city', '/tags/night',
             '/sections/city/feed.xml');
my %seen;
for my $path (@lists) {
    $res = $t->get($path);
    $seen{$path} = $res;
    unlike($res->{content}, qr/Midnight story|midnight-story/, "$path: not listed before its time");
    my ($age) = ($res->{headers}{"cache-control"} // "") =~ /s-maxage=(\d+)/;
    ok(defined $age && $age <= $due - time + 1, "$path: caches keep it no longer than until it falls due (s-maxage $age)");
}
sleep 1 while time <= $due;
for my $path (@lists) {
    $res = cond($t, $path, $seen{$path});
    is($res->{status}, 200, "$path: the old validators get the new list once it is due, not 304");
    like($res->{content}, qr/Midnight story|midnight-story/, "$path: which lists it");
    isnt($res->{headers}{etag}, $seen{$path}{headers}{etag}, "$path: a new ETag");
}

$t->done;
done_testing;
