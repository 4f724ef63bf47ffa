# Every write route with each call it makes failing in turn (t/faults/
# lmdbfault.c, preloaded into nginx and newsctl): the 1st, 2nd, ... call of
# an LMDB function (or malloc, or, in the test build, nginx's pool
# allocators and thread-pool post) fails with a chosen error until the
# request no longer makes that many calls.  After each:
#   - the answer is a clear 4xx or 5xx (507 for a full map or disk, 503
#     for a busy or resized store), or the write fully succeeded;
#   - the worker did not crash and logged no [alert];
#   - a refused write changed nothing (newsctl export is the same) and
#     the store's invariants hold (newsctl check, when built);
#   - the same request succeeds once the fault is gone.
# `make test` runs a short form (one error per call; a few write routes,
# every read route and newsctl's check and exports with the first calls
# of each name, the other write routes with the first three of each LMDB
# call: a read costs no export or check after it, and the reads take
# most of the store's and the pages' failure paths); NEWS_FAULTS_FULL=1
# (`make test-faults`) runs every route with every error and every call;
# NEWS_FAULTS_FULL=wide runs every route and every call with the first
# error only, which takes every failure's path in about half the time
# (`make coverage COV_FAULTS_FULL=wide`).
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsFaults;

my $FULL = $ENV{NEWS_FAULTS_FULL};
my $WIDE = ($FULL // '') eq 'wide';
my $root = NewsTest->root;
my $lib = NewsFaults::lib();
plan skip_all => 'no fault library (make faults-lib)' unless $lib;

my $build = $ENV{TEST_NEWS_BUILD} // "$root/build";
my $module = do { local $/; open my $fh, '<', "$build/ngx_http_news_module.so"; <$fh> } // '';
# the test build wraps nginx's pool and thread-pool calls (coverage.mk)
my $wrapped = index($module, '__wrap_ngx_thread_task_post') >= 0;
# a preload cannot replace malloc under a sanitizer runtime, which
# interposes it first; newsctl's preload follows that runtime
my $sanitized = ($ENV{TEST_NGINX_PRELOAD} // '') =~ /asan/;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $JSON = { 'Content-Type' => 'application/json' };

my $t = NewsTest->new(workers => 1,
    http => "news_comment_rate 0; news_login_throttle 100000 100000; news_register_throttle 100000;\n"
          . "    news_comment_edit_window 1h;");
# the server's faults, and newsctl's
my $shim = NewsFaults->new($t);
my $ctl_shim = NewsFaults->new($t, 'faults-ctl');

# a store invariant checker, if this newsctl has one
my $has_check = do {
    my ($rc, $out, $err) = ctl('check');
    $rc == 0 || $err !~ /usage|unknown command/i;
};

$t->newsctl('import', 'demo/seed-article.json');
$t->allow_log(qr/the store is full|the disk holding the store is full/);

$shim->run;

my $ed = $t->login('ed1', 'editor');
my $mod = $t->login('mod1', 'moderator');
my $alice = $t->login('alice');
my $bob = $t->login('bob');
my $carol = $t->login('carol');

sub api {
    my ($method, $path, $cookie, $body) = @_;
    return $t->request($method, $path, { headers => { %$JSON, ($cookie ? (Cookie => $cookie) : ()) },
                                         (defined $body ? (content => $body) : ()) });
}

# newsctl without faults (export, check, set-up)
sub ctl {
    my (@args) = @_;
    local $ENV{NEWS_FAULT_FILE};
    delete $ENV{NEWS_FAULT_FILE};
    return $t->newsctl(@args);
}

# the whole store as JSON; a store newsctl cannot export is a finding
sub export {
    my ($rc, $out, $err) = ctl('export');
    return $rc ? "newsctl export failed: $err" : $out;
}

# a write that must work before the loops start: its id
my $r = api('POST', "/api/articles/$SLUG/comments", $alice, '{"body":"the parent"}');
is($r->{status}, 201, 'a top comment to reply to and edit') or BAIL_OUT($r->{content});
my $parent = decode_json($r->{content})->{id};
my $replies = 0;
my ($doomed, $moderated, $closable, $form_csrf, $pre, $pre_csrf, $restore_from, $desk_csrf);
# a version of the article kept, for the desk's diff and restore
$r = api('PATCH', "/api/articles/$SLUG", $ed, '{"subtitle":"A subtitle kept in version 1"}');
is($r->{status}, 200, 'the article saved once, its first version kept') or BAIL_OUT($r->{content});
my ($kept) = $t->get("/desk/articles/$SLUG/revisions", { headers => { Cookie => $ed } })->{content} =~ /\?diff=(\d+)"/;
ok($kept, "the kept version's number") or BAIL_OUT('no version kept');

# a thread takes 200 replies: a new parent every 90 cases (each adds at
# most two)
sub rotate_parent {
    return if ++$replies % 90;
    my $r = api('POST', "/api/articles/$SLUG/comments", $alice, '{"body":"another parent"}');
    die "a new parent: $r->{status} $r->{content}" unless $r->{status} == 201;
    $parent = decode_json($r->{content})->{id};
}

sub csrf_of {
    my ($path, $cookie) = @_;
    my ($csrf) = $t->get($path, { headers => { Cookie => $cookie } })->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    return $csrf // die "no CSRF token in $path";
}

sub form {
    my ($method, $path, $cookie, $fields) = @_;
    my $body = join '&', map { my $v = $fields->{$_};
                               $v =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge; "$_=$v" } sort keys %$fields;
    return $t->request($method, $path, { headers => { 'Content-Type' => 'application/x-www-form-urlencoded',
                                                      ($cookie ? (Cookie => $cookie) : ()) },
                                         content => $body });
}

# what the error log gained since the last look.  No waiting for the log
# to settle (that cost a tenth of a second a case): a line a worker writes
# after its answer is read with the next case's, so none is missed, and
# the final check ($t->done) reads the whole log again.
my $log_pos = 0;
sub log_grown {
    open my $fh, '<', $t->error_log_path or return '';
    seek $fh, $log_pos, 0;
    local $/;
    my $new = <$fh> // '';
    $log_pos += length $new;
    return $new;
}

# NEWS_FAULTS_SHARD=K/N: only every Nth route from the Kth (make
# test-faults runs the shards side by side, each with its own nginx)
my ($shard, $shards) = ($ENV{NEWS_FAULTS_SHARD} // '1/1') =~ m{^(\d+)/(\d+)$}
    or die "NEWS_FAULTS_SHARD is K/N\n";

# each route: run($i) sends attempt $i (the retry sends the same $i);
# ok is the success status
my @routes = (
    { name => 'comment post', ok => 201, heavy => 1, short => 1, run => sub {
        api('POST', "/api/articles/$SLUG/comments", $alice, qq({"body":"comment $_[0]"})) } },
    { name => 'reply', ok => 201, heavy => 1, before => \&rotate_parent, run => sub {
        api('POST', "/api/articles/$SLUG/comments", $alice, qq({"body":"reply $_[0]","parent":$parent})) } },
    { name => 'edit', ok => 204, run => sub {
        api('PATCH', "/api/comments/$parent", $alice, qq({"body":"edited $_[0]"})) } },
    # a comment of its own: the replies' parent left hidden would take
    # no reply
    { name => 'moderate', ok => 204, heavy => 1, short => 1, before => sub {
        $moderated //= do {
            my $r = api('POST', "/api/articles/$SLUG/comments", $alice, '{"body":"to be moderated"}');
            die "a comment to moderate: $r->{status}" unless $r->{status} == 201;
            decode_json($r->{content})->{id};
        };
      },
      run => sub {
        my $status = $_[0] % 2 ? 'hidden' : 'visible';
        api('PATCH', "/api/comments/$moderated", $mod, qq({"status":"$status"})) } },
    { name => 'register', ok => 201, run => sub {
        api('POST', '/api/users', undef, qq({"username":"user$_[0]","password":"password-$_[0]"})) } },
    { name => 'log in', ok => 200, short => 1, run => sub {
        api('POST', '/api/session', undef, '{"username":"alice","password":"pw-of-alice-123"}') } },
    { name => 'article create', ok => 201, short => 1, run => sub {
        api('POST', '/api/articles', $ed, qq({"slug":"new-$_[0]","title":"New $_[0]","body":"Text $_[0].",)
                                     . qq("section":"World","tags":["Tag $_[0]"]})) } },
    { name => 'article update', ok => 200, heavy => 1, run => sub {
        # its section and a tag kept: the section and tag pages and feeds
        # are read routes of their own
        api('PUT', "/api/articles/$SLUG", $ed, encode_json({ title => "Update $_[0]", body => "Body $_[0].",
                                                             section => 'World', tags => ['Security'] })) } },
    { name => 'article delete', ok => 204, before => sub {
        ctl('import', NewsTest::json_file(qq({"slug":"doomed-$_[0]","title":"Doomed","body":"b"}))) },
      run => sub { api('DELETE', "/api/articles/doomed-$_[0]", $ed) } },
    { name => 'import', ok => 0, short => 1, newsctl => 1, run => sub {
        my $file = NewsTest::json_file(encode_json([{ slug => "imported-$_[0]", title => "Imported $_[0]",
            body => "b", comments => [{ author => 'x', body => "c $_[0]", created_at => '2026-01-02T03:04:05Z' }] }]));
        faulty_ctl('import', $file) } },
    { name => 'newsctl user add', ok => 0, newsctl => 1, run => sub {
        faulty_ctl_in("password-$_[0]\n", 'user', 'add', "staff$_[0]", '--role', 'moderator') } },
    { name => 'newsctl user set-role', ok => 0, newsctl => 1, run => sub {
        faulty_ctl('user', 'set-role', 'mod1', $_[0] % 2 ? 'editor' : 'moderator') } },
    { name => 'newsctl user delete', ok => 0, newsctl => 1, before => sub {
        ctl_in("password-$_[0]\n", 'user', 'add', "gone$_[0]", '--role', 'reader') },
      run => sub { faulty_ctl('user', 'delete', "gone$_[0]") } },
    # the importers: a WordPress item with a comment and its tags, a
    # Disqus post on the seed article's thread, the search index rebuilt
    { name => 'newsctl import-wxr', ok => 0, heavy => 1, short => 1, newsctl => 1, run => sub {
        faulty_ctl('import-wxr', wxr_file($_[0])) } },
    # an article of its own each time: comments piling up on one would
    # make each import load (and allocate for) all of them
    { name => 'newsctl import-disqus', ok => 0, newsctl => 1, before => sub {
        ctl('import', NewsTest::json_file(qq({"slug":"disqus-$_[0]","title":"Disqus","body":"b"}))) },
      run => sub { faulty_ctl('import-disqus', disqus_file($_[0])) } },
    # the same steps for every article: the first 40 calls of each
    # function reach them all, a whole store's worth would take an hour
    { name => 'newsctl reindex', ok => 0, heavy => 1, newsctl => 1, max => 40, run => sub { faulty_ctl('reindex') } },
    # read-only commands: no store change to look for
    { name => 'newsctl export', ok => 0, short => 1, newsctl => 1, read => 1, run => sub { faulty_ctl('export') } },
    { name => 'newsctl stats', ok => 0, newsctl => 1, read => 1, run => sub { faulty_ctl('stats') } },
    { name => 'newsctl backup', ok => 0, newsctl => 1, run => sub {
        faulty_ctl('backup', $t->dir . "/backup-$_[0]") } },
    { name => 'newsctl restore', ok => 0, newsctl => 1, before => sub {
        $restore_from //= do { my ($rc, undef, $err) = ctl('backup', $t->dir . '/restore-from');
                               die "a backup to restore: $err" if $rc; $t->dir . '/restore-from' } },
      run => sub { faulty_ctl('--db', $t->dir . "/restored-$_[0]", 'restore', $restore_from) } },
    { name => 'newsctl check', ok => 0, short => 1, newsctl => 1, read => 1, run => sub { faulty_ctl('check') } },
    { name => 'newsctl export-wxr', ok => 0, short => 1, newsctl => 1, read => 1, run => sub {
        faulty_ctl('export-wxr', 'https://news.example') } },
    { name => 'newsctl user list', ok => 0, newsctl => 1, read => 1, run => sub { faulty_ctl('user', 'list') } },
    { name => 'newsctl words list', ok => 0, newsctl => 1, read => 1, run => sub { faulty_ctl('words', 'list') } },
    { name => 'newsctl modlog', ok => 0, newsctl => 1, read => 1, run => sub { faulty_ctl('modlog') } },
    { name => 'newsctl words add', ok => 0, newsctl => 1, run => sub {
        faulty_ctl('words', 'add', $_[0] % 2 ? 'banned' : 'suspect', "w$_[0]", "x$_[0]*") } },
    { name => 'newsctl words remove', ok => 0, newsctl => 1, before => sub { ctl('words', 'add', 'suspect', "gone$_[0]") },
      run => sub { faulty_ctl('words', 'remove', "gone$_[0]") } },
    { name => 'newsctl user delete, comments removed', ok => 0, newsctl => 1, before => sub {
        my $who = $t->login("leaver$_[0]", 'reader');
        my $r = api('POST', "/api/articles/$SLUG/comments", $who, qq({"body":"leaving $_[0]"}));
        die "a comment of the leaver: $r->{status}" unless $r->{status} == 201;
      },
      run => sub { faulty_ctl('user', 'delete', "leaver$_[0]", '--comments', 'remove') } },
    { name => 'comment delete', ok => 204, heavy => 1, before => sub {
        my $r = api('POST', "/api/articles/$SLUG/comments", $alice, '{"body":"to be deleted"}');
        die "a comment to delete: $r->{status}" unless $r->{status} == 201;
        $doomed = decode_json($r->{content})->{id};
      },
      run => sub { api('DELETE', "/api/comments/$doomed", $alice) } },
    # an article of its own: the seed article's comments left closed
    # would take no comment
    { name => 'comments close and open', ok => 204, before => sub {
        $closable //= ctl('import', NewsTest::json_file('{"slug":"closable","title":"Closable","body":"b"}')) },
      run => sub { api('POST', '/api/articles/closable/comments/' . ($_[0] % 2 ? 'close' : 'open'), $ed) } },
    # the community's tools: a report (bob's, on a comment of alice's
    # posted for it), the word lists, a suspension set and lifted, the
    # deletion of every comment of a user
    { name => 'report', ok => 204, short => 1, before => sub {
        my $r = api('POST', "/api/articles/$SLUG/comments", $alice, qq({"body":"to be reported $_[0]"}));
        die "a comment to report: $r->{status}" unless $r->{status} == 201;
        $doomed = decode_json($r->{content})->{id};
      },
      run => sub { api('POST', "/api/comments/$doomed/reports", $bob, qq({"reason":"spam","note":"note $_[0]"})) } },
    { name => 'reports dismissed', ok => 204, before => sub {
        my $r = api('POST', "/api/articles/$SLUG/comments", $alice, qq({"body":"reported, then dismissed $_[0]"}));
        die "a comment to report: $r->{status}" unless $r->{status} == 201;
        $doomed = decode_json($r->{content})->{id};
        $r = api('POST', "/api/comments/$doomed/reports", $bob, '{"reason":"abuse"}');
        die "a report: $r->{status}" unless $r->{status} == 204;
      },
      run => sub { api('DELETE', "/api/comments/$doomed/reports", $mod) } },
    { name => 'word lists', ok => 204, short => 1, run => sub {
        api('PUT', '/api/words', $mod, qq({"banned":["ban$_[0]","*spam*"],"suspect":["odd$_[0]"]})) } },
    { name => 'suspension', ok => 204, run => sub {
        $_[0] % 2 ? api('POST', '/api/users/carol/suspension', $mod, qq({"days":3,"reason":"r $_[0]"}))
                  : api('POST', '/api/users/carol/suspension', $mod, '{"days":null}') } },
    { name => 'suspension lifted', ok => 204, before => sub {
        my $r = api('POST', '/api/users/carol/suspension', $mod, '{"days":1}');
        die "a suspension: $r->{status}" unless $r->{status} == 204;
      },
      run => sub { api('DELETE', '/api/users/carol/suspension', $mod) } },
    # each case adds two comments: the first 40 calls of each function
    # reach every step of the deletion
    # (its short form: every realloc and every pool allocation of the
    # module, where the build can fail it; the last of either once built
    # the answer after the commit, which turned a deletion made into a 500)
    { name => "a user's comments deleted", ok => 200, max => 40, short => 'realloc|ngx_pnalloc', before => sub {
        for my $k (1 .. 2) {
            my $r = api('POST', "/api/articles/$SLUG/comments", $carol, qq({"body":"carol's $_[0].$k"}));
            die "carol's comment: $r->{status}" unless $r->{status} == 201;
        }
      },
      run => sub { api('DELETE', '/api/users/carol/comments', $mod) } },
    # the HTML forms (their tokens fetched before the fault is armed)
    { name => 'comment form post', ok => 303, heavy => 1, before => sub { $form_csrf //= csrf_of('/articles/' . $SLUG, $alice) },
      run => sub { form('POST', "/articles/$SLUG/comments", $alice, { body => "form comment $_[0]", csrf => $form_csrf }) } },
    { name => 'reply form post', ok => 303, heavy => 1, before => sub {
        rotate_parent();
        $form_csrf //= csrf_of('/articles/' . $SLUG, $alice) },
      run => sub { form('POST', "/articles/$SLUG/comments", $alice,
                        { body => "form reply $_[0]", parent => $parent, csrf => $form_csrf }) } },
    { name => 'login form', ok => 303, before => sub {
        my $res = $t->get('/login');
        ($pre) = ($res->{headers}{'set-cookie'} // '') =~ /^(news_pre=[0-9a-f]+)/;
        ($pre_csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
      },
      run => sub { form('POST', '/login', $pre, { username => 'alice', password => 'pw-of-alice-123',
                                                  csrf => $pre_csrf }) } },
    # reads: a page or answer, or a clear 5xx, never a crash; no store
    # change to look for.  All in the short form, the login page with
    # nginx's pool failing alone (it reads no store: only the test build
    # can fail it); the logged-out article page among them: a header
    # pushed before its value's allocation failed once went out on the
    # error page with a length of whatever its memory held
    (map { my ($name, $path, $who) = @$_;
           { name => $name, ok => 200, read => 1,
             short => $name eq 'login page' ? 'ngx_palloc|ngx_pnalloc|ngx_pcalloc' : 1,
             anon => scalar($path =~ m{^/desk}),
             run => sub { api('GET', $path, $who ? $$who : undef) } } }
     [ 'front page', '/' ],
     [ 'article page', "/articles/$SLUG" ],
     [ 'article page, logged in', "/articles/$SLUG", \$alice ],
     [ 'article page, a moderator', "/articles/$SLUG", \$mod ],
     [ 'section page', '/sections/world' ],
     [ 'tag page', '/tags/security' ],
     [ 'feed', '/feed.xml' ],
     [ 'section feed', '/sections/world/feed.xml' ],
     [ 'sitemap', '/sitemap.xml' ],
     [ 'api articles', '/api/articles' ],
     [ 'api article', "/api/articles/$SLUG" ],
     [ 'api comments', "/api/articles/$SLUG/comments" ],
     [ 'api revisions', "/api/articles/$SLUG/revisions", \$ed ],
     [ 'api me', '/api/me', \$alice ],
     [ 'api sessions', '/api/sessions', \$alice ],
     [ 'account page', '/account', \$alice ],
     [ 'moderation page', '/moderation', \$mod ],
     [ 'moderation, reported', '/moderation/reported', \$mod ],
     [ 'moderation, words', '/moderation/words', \$mod ],
     [ "moderation, a user's page", '/moderation/users/alice', \$mod ],
     [ 'moderation log', '/moderation/log', \$mod ],
     [ 'api moderation log', '/api/moderation/log', \$mod ],
     [ 'api words', '/api/words', \$mod ],
     [ 'comments feed', "/articles/$SLUG/comments.xml" ],
     [ 'login page', '/login' ],
     [ 'search page', '/search?q=senator+%22security+talks%22+section:world+-nothing' ],
     [ 'search page, logged in', '/search?q=rubio+tag:security', \$alice ],
     [ 'api search', '/api/search?q=senator+-%22no+such+phrase%22&limit=5' ],
     [ 'desk', '/desk', \$ed ],
     [ 'desk, an article', "/desk/articles/$SLUG", \$ed ],
     [ 'desk, versions', "/desk/articles/$SLUG/revisions", \$ed ],
     [ 'desk, a diff', "/desk/articles/$SLUG/revisions?diff=$kept", \$ed ]),
    # the desk's preview (writes nothing), a save and a version restored
    { name => 'desk preview', ok => 200, read => 1, anon => 1, before => sub { $desk_csrf //= csrf_of('/desk/new', $ed) },
      run => sub { form('POST', "/desk/articles/$SLUG", $ed,
                        { csrf => $desk_csrf, action => 'preview', title => "Previewed $_[0]", section => 'World',
                          body => "A *previewed* body $_[0]", tags => 'one, two' }) } },
    { name => 'desk save', ok => 303, max => 40, before => sub { $desk_csrf //= csrf_of('/desk/new', $ed) },
      run => sub { form('POST', "/desk/articles/$SLUG", $ed,
                        { csrf => $desk_csrf, action => 'save', title => "Saved $_[0]", section => 'World',
                          subtitle => 'US Senator Marco Rubio confirmed for key security talks in Mexico',
                          body => "Senator Marco Rubio, security talks in Mexico: saved $_[0]", tags => 'security' }) } },
    { name => 'desk restore', ok => 303, max => 40, before => sub { $desk_csrf //= csrf_of('/desk/new', $ed) },
      run => sub { form('POST', "/desk/articles/$SLUG/revisions", $ed, { csrf => $desk_csrf, version => $kept }) } },
);

# a WordPress export of one post (with a category, a tag and a comment)
sub wxr_file {
    my ($i) = @_;
    return NewsTest::json_file(<<"XML");
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Old site</title>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://old.example</wp:base_site_url>
<wp:author><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_display_name><![CDATA[Ann]]></wp:author_display_name></wp:author>
<item><title><![CDATA[Old post $i]]></title><link>http://old.example/$i/old-post-$i/</link>
<dc:creator><![CDATA[ann]]></dc:creator><guid isPermaLink="false">http://old.example/?p=$i</guid>
<content:encoded><![CDATA[<p>Old <b>text</b> $i with <a href="https://example.com/">a link</a>.</p><ul><li>one</li></ul>]]></content:encoded>
<excerpt:encoded><![CDATA[An excerpt]]></excerpt:encoded>
<wp:post_id>$i</wp:post_id><wp:post_date_gmt><![CDATA[2024-03-05 10:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[old-post-$i]]></wp:post_name><wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
<category domain="category" nicename="world"><![CDATA[World]]></category>
<category domain="post_tag" nicename="old"><![CDATA[Old $i]]></category>
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author><![CDATA[Carol]]></wp:comment_author>
<wp:comment_date_gmt><![CDATA[2024-03-05 11:00:00]]></wp:comment_date_gmt>
<wp:comment_content><![CDATA[A <i>comment</i> $i]]></wp:comment_content>
<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
</item></channel></rss>
XML
}

# a Disqus export of one post on article disqus-N's thread
sub disqus_file {
    my ($i) = @_;
    return NewsTest::json_file(<<"XML");
<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
<thread dsq:id="1"><id></id><link>https://news.example/articles/disqus-$i</link><title>T</title></thread>
<post dsq:id="$i"><id></id><message><![CDATA[<p>Disqus <b>post</b> $i</p>]]></message>
<createdAt>2024-03-05T19:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>
<author><name>Dan</name><isAnonymous>true</isAnonymous></author><thread dsq:id="1"/></post>
</disqus>
XML
}

# newsctl with the faults armed in $ctl_shim
sub faulty_ctl { faulty_ctl_in(undef, @_) }

sub faulty_ctl_in {
    my ($stdin, @args) = @_;
    local $ENV{NEWS_FAULT_FILE} = $ctl_shim->file;
    local $ENV{LD_PRELOAD} = $sanitized ? "$ENV{TEST_NGINX_PRELOAD}:$lib" : $lib;
    my ($rc, $out, $err) = $t->newsctl_in($stdin, @args);
    return { status => $rc, content => $err };
}

sub ctl_in {
    my ($stdin, @args) = @_;
    local $ENV{NEWS_FAULT_FILE};
    delete $ENV{NEWS_FAULT_FILE};
    return $t->newsctl_in($stdin, @args);
}

# the calls to fail, each with the errors to fail it with (the first is
# the short form's)
my @calls = (
    [ mdb_txn_begin   => qw(MDB_READERS_FULL MDB_MAP_RESIZED) ],
    [ mdb_txn_renew   => qw(MDB_MAP_RESIZED MDB_READERS_FULL) ],
    [ mdb_get         => qw(MDB_CORRUPTED EIO) ],
    [ mdb_put         => qw(MDB_MAP_FULL MDB_TXN_FULL ENOSPC) ],
    [ mdb_del         => qw(EIO MDB_MAP_FULL) ],
    [ mdb_cursor_open => qw(ENOMEM) ],
    [ mdb_cursor_get  => qw(MDB_CORRUPTED MDB_PAGE_NOTFOUND) ],
    [ mdb_cursor_put  => qw(MDB_TXN_FULL MDB_MAP_FULL) ],
    [ mdb_cursor_del  => qw(EIO) ],
    [ mdb_txn_commit  => qw(ENOSPC EIO MDB_MAP_FULL) ],
    [ mdb_env_copy2   => qw(ENOSPC) ],
    ($sanitized ? () : ([ malloc => 'ENOMEM' ], [ realloc => 'ENOMEM' ], [ calloc => 'ENOMEM' ])),
    ($wrapped ? ([ ngx_palloc => 'ENOMEM' ], [ ngx_pnalloc => 'ENOMEM' ], [ ngx_pcalloc => 'ENOMEM' ],
                 [ ngx_thread_task_post => 'EAGAIN' ]) : ()),
);

# how many calls of each name to fail in turn (the short form stops early,
# and earlier on the routes not marked short, where it fails LMDB's calls
# alone)
my $MAX_CALLS = $FULL ? 400 : 6;
my $MAX_BRIEF = 3;
my %expect_5xx = (MDB_MAP_FULL => 507, ENOSPC => 507, MDB_READERS_FULL => 503,
                  MDB_MAP_RESIZED => 503, EAGAIN => 503);

my $attempt = 0;
my ($faults, $refused, @problems) = (0, 0);
my @workers = $t->worker_pids;

sub problem { push @problems, substr(join(': ', @_), 0, 400); diag($problems[-1]) }

# shards share out the heavy routes (the ones that make hundreds of
# allocations) first, then the rest
my @order = ((grep { $_->{heavy} } @routes), (grep { !$_->{heavy} } @routes));
for my $r (0 .. $#order) {
    my $route = $order[$r];
    # the short form of a route not marked short: its first LMDB calls
    my $brief = !$FULL && !$route->{short};
    # a short form of calls this build cannot fail (realloc under ASan)
    next if !$FULL && !$brief && $route->{short} ne '1' && !grep { $_->[0] =~ /^(?:$route->{short})$/ } @calls;
    next unless $r % $shards == $shard - 1;
    # NEWS_FAULTS_ROUTE=pattern: only the routes it matches (debugging)
    next if $ENV{NEWS_FAULTS_ROUTE} && $route->{name} !~ /$ENV{NEWS_FAULTS_ROUTE}/;
    my $armed = $route->{newsctl} ? $ctl_shim : $shim;
    my ($route_start, $route_faults) = (time, $faults);
    for my $call (@calls) {
        my ($name, @errors) = @$call;
        next if $route->{newsctl} && $name =~ /^ngx_/;
        # NEWS_FAULTS_CALL=pattern: only the calls it matches (debugging)
        next if $ENV{NEWS_FAULTS_CALL} && $name !~ /$ENV{NEWS_FAULTS_CALL}/;
        @errors = ($errors[0]) unless $FULL && !$WIDE;
        # short => 'name|name': the short form fails those calls alone,
        # every time
        my $only = !$FULL && !$brief && $route->{short} ne '1' ? $route->{short} : undef;
        next if $only && $name !~ /^(?:$only)$/;
        next if $brief && $name !~ /^mdb_/;
        my $max = $only ? 400 : $brief ? $MAX_BRIEF : $MAX_CALLS;
        $max = $route->{max} if $route->{max} && $route->{max} < $max;
        for my $error (@errors) {
            for my $n (1 .. $max) {
                my $i = ++$attempt;
                $route->{before}->($i) if $route->{before};
                my $before = $route->{read} ? '' : export();
                my $what = "$route->{name}: $name #$n $error";

                $armed->fired;
                $armed->arm("$name $n $error\n");
                my $res = $route->{run}->($i);
                $armed->arm('');
                last unless length $armed->fired;
                $faults++;
                my $log = log_grown();

                my $status = $res->{status};
                my $ok = $status == $route->{ok};
                if ($route->{newsctl}) {
                    problem($what, "newsctl died ($status): $res->{content}") if $status >= 128;
                } elsif (!$ok) {
                    # anon: a session the store could not read is nobody
                    # logged in (ngx_http_news_auth_lookup), whom the desk
                    # sends to the login
                    problem($what, "status $status is not a clear error: $res->{content}")
                        unless $status >= 400 && $status <= 599 || $route->{anon} && $status == 303;
                    problem($what, "$status, not $expect_5xx{$error}")
                        if $status >= 500 && $expect_5xx{$error} && $status != $expect_5xx{$error}
                           && $name !~ /alloc|ngx_/;
                }
                problem($what, "alert in the log: $1") if $log =~ /(.*\[(?:alert|emerg)\].*)/;
                problem($what, "a worker died: $1") if $log =~ /(.*exited on signal.*)/;
                my @now = $t->worker_pids;
                if ("@now" ne "@workers") {
                    problem($what, "workers changed: @workers -> @now");
                    @workers = @now;
                }
                if ($has_check && !$route->{read}) {
                    my ($rc, $out, $err) = ctl('check');
                    problem($what, "newsctl check: $out$err") if $rc;
                }
                my $after = $route->{read} ? '' : export();
                problem($what, $after) if $after =~ /^newsctl export failed/;
                next if $ok;

                $refused++;
                problem($what, 'a refused write changed the store' . ($after =~ /^newsctl export failed: .*/ ? ": $&" : ''))
                    if $after ne $before;
                my $again = $route->{run}->($i);
                problem($what, "the retry without the fault answered $again->{status}: $again->{content}")
                    if $again->{status} != $route->{ok};
            }
        }
    }
    # a route no fault reaches tests nothing (a request refused before
    # it reaches the store, say)
    problem($route->{name}, 'no fault fired') if $faults == $route_faults;
    diag(sprintf '%s: %d faults in %d s', $route->{name}, $faults - $route_faults, time - $route_start)
        if $FULL;
}

ok($faults > ($ENV{NEWS_FAULTS_ROUTE} || $shards > 1 ? 0 : $FULL ? 500 : 40), "faults fired: $faults, of them $refused refused writes"
   . ($wrapped ? ' (test build: pool and thread-pool faults too)' : ''));
is(scalar @problems, 0, 'every fault gave a clear answer, changed nothing and left the store whole');
is_deeply([$t->worker_pids], \@workers, 'the worker never crashed');

$t->done;
done_testing;
