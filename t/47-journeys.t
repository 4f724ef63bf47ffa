#!/usr/bin/perl
# Readers' journeys without a script (issue 20): "Log in to comment" ->
# Register -> back at the comment form with a welcome; next kept a path on
# this site whatever its encoding.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $FORM = 'application/x-www-form-urlencoded';

my $t = NewsTest->new;
$t->run;
my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'seed imported') or diag $err;

sub cookies_of {
    my ($res) = @_;
    my $sc = $res->{headers}{'set-cookie'} // [];
    return ref $sc ? @$sc : ($sc);
}

sub cookie_of {
    my ($res, $name) = @_;
    for my $c (cookies_of($res)) {
        return ($1, $c) if $c =~ /^\Q$name\E=([^;]*)/;
    }
    return;
}

sub post_form {
    my ($path, $body, $cookie) = @_;
    return $t->request('POST', $path, { headers => { 'content-type' => $FORM,
                                                     $cookie ? (cookie => $cookie) : () },
                                        content => $body });
}

sub unhtml { my $s = shift; $s =~ s/&amp;/&/g; $s =~ s/&quot;/"/g; $s =~ s/&#39;/'/g; return $s }

# --- "Log in to comment" -> Register -> the comment form -----------------------

my $res = $t->get("/articles/$SLUG");
my ($login) = $res->{content} =~ m{<p class="comment-login"><a href="([^"]+)">Log in to comment</a>};
is($login, "login?next=/articles/$SLUG%23comment-form", 'Log in to comment: next is the comment form');

$res = $t->get('/' . unhtml($login));
is($res->{status}, 200, 'the login page');
like($res->{content}, qr{name="next" value="/articles/\Q$SLUG\E#comment-form"}, 'login keeps next, fragment and all');
my ($register) = $res->{content} =~ m{No account yet\? <a href="([^"]+)">Register</a>};
is($register, "register?next=/articles/$SLUG%23comment-form", 'its Register link carries next');

$res = $t->get('/' . unhtml($register));
is($res->{status}, 200, 'the register page');
like($res->{content}, qr{name="next" value="/articles/\Q$SLUG\E#comment-form"}, 'register keeps next');
like($res->{content}, qr{Have an account\? <a href="login\?next=/articles/\Q$SLUG\E%23comment-form">Log in</a>}, 'and its Log in link too');
my ($pre) = cookie_of($res, 'news_pre');
my ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;

$res = post_form('/register', "csrf=$csrf&username=newreader&password=correct-horse&next=%2Farticles%2F$SLUG%23comment-form", "news_pre=$pre");
is($res->{status}, 303, 'register: 303');
like($res->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/articles/\Q$SLUG\E#comment-form$}, 'back at the comment form');
my ($session) = cookie_of($res, 'news_session');
my ($hello, $hc) = cookie_of($res, 'news_hello');
is($hello, 'r', 'a welcome waits for the next page');
like($hc, qr/; Path=\/; Max-Age=60; HttpOnly; SameSite=Lax$/, 'for a minute, HttpOnly');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_session=$session; news_hello=r" } });
like($res->{content}, qr{<span class="user"><span role="status">Welcome! Your account is ready\. </span>Logged in as <b>newreader</b></span>}, 'a one-line welcome');
like($res->{content}, qr{<form class="comment-form" id="comment-form"}, 'and the comment form the fragment names');
my (undef, $gone) = cookie_of($res, 'news_hello');
like($gone // '', qr/^news_hello=; Path=\/; Max-Age=0/, 'the welcome is said once: its cookie expires');
like($res->{headers}{'cache-control'} // '', qr/private/, 'on a private page');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_session=$session" } });
unlike($res->{content}, qr/Welcome/, 'the next page says no welcome');

$res = $t->get("/articles/$SLUG", { headers => { cookie => "news_hello=r" } });
unlike($res->{content}, qr/Welcome/, 'nor a logged-out one with the cookie');
ok(!cookie_of($res, 'news_hello'), 'which is left alone');

# a login says welcome back
$res = $t->get("/login?next=%2Farticles%2F$SLUG%23comment-form");
($pre) = cookie_of($res, 'news_pre');
($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
$res = post_form('/login', "csrf=$csrf&username=newreader&password=correct-horse&next=%2Farticles%2F$SLUG%23comment-form", "news_pre=$pre");
is($res->{status}, 303, 'login: 303');
like($res->{headers}{location}, qr{/articles/\Q$SLUG\E#comment-form$}, 'back at the form');
($session) = cookie_of($res, 'news_session');
($hello) = cookie_of($res, 'news_hello');
is($hello, 'l', 'a login\'s welcome');
$res = $t->get('/', { headers => { cookie => "news_session=$session; news_hello=l" } });
like($res->{content}, qr{<span role="status">Welcome back! </span>Logged in as <b>newreader</b>}, 'welcome back');

# --- teasers: section, author, time, and the way to the comments ----------------

like($t->get('/')->{content}, qr{<p class="meta"><a href="sections/world">World</a> · By News Desk · <time datetime="[^"]+">[^<]+ UTC</time> · <a href="articles/\Q$SLUG\E#comments">0 comments<span class="vh"> on US Senator Marco Rubio[^<]*</span></a></p>}, 'a teaser says its section, author, time, and links to its comments');

# --- every page names the feed -------------------------------------------------

for my $path ('/', "/articles/$SLUG", '/login', '/search', '/no-such-page') {
    like($t->get($path)->{content}, qr{<link rel="alternate" type="application/atom\+xml" href="feed\.xml" title="News">}, "$path: the feed's autodiscovery link");
}

# --- next stays on this site, however it is written -----------------------------

my @foreign = ('//evil.example/', 'https://evil.example/', '/\\evil.example/',
               '%2F%2Fevil.example', 'https%3A%2F%2Fevil.example', '%2F%5Cevil.example',
               '/%5Cevil.example', '%2f%2fevil.example', '%252F%252Fevil.example',
               '/%09/evil.example', "javascript:alert(1)", '%23%2F%2Fevil.example',
               "/\x01/x");
for my $next (@foreign) {
    my $q = $next;
    $q =~ s/([^A-Za-z0-9%\/._~-])/sprintf('%%%02X', ord $1)/ge;
    $res = $t->get("/login?next=$q");
    my ($v) = $res->{content} =~ /name="next" value="([^"]*)"/;
    $v = unhtml($v // '');
    ok($v =~ m{^/} && $v !~ m{^/[/\\]} && $v !~ /[\\\x00-\x20]/, "GET next=$next: kept a path here ($v)");

    ($pre) = cookie_of($res, 'news_pre');
    ($csrf) = $res->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    $res = post_form('/login', "csrf=$csrf&username=newreader&password=correct-horse&next=$q", "news_pre=$pre");
    like($res->{headers}{location} // '', qr{^http://127\.0\.0\.1:\d+/(?![/\\])}, "POST next=$next: 303 to this site");
}

$t->done;

# --- A premoderated author sees their held comment; nobody else does ------------

{
    my $p = NewsCitizen::start(conf => front_conf('news_comment_premoderation on; news_comment_rate 0;'));
    my $carol = $p->login('carol');
    my $dave = $p->login('dave');
    my $mod = $p->login('pmod', 'moderator');
    my $PAGE = "/articles/$SLUG";
    my %H = (host => 'news.example');

    my $anon = NewsCitizen::raw_get($p, $PAGE, %H);
    is($anon->{headers}{'x-cache'}, 'MISS', 'the public page: into the cache');

    my $page = NewsCitizen::raw_get($p, $PAGE, %H, cookie => $carol);
    my ($csrf) = $page->{body} =~ /name="csrf" value="([0-9a-f]+)"/;
    my $res = $p->request('POST', "$PAGE/comments", { headers => { Cookie => $carol,
                                                                  'Content-Type' => $FORM },
                                                     content => "csrf=$csrf&body=Held+words+of+carol" });
    is($res->{status}, 303, "a premoderated comment: 303") or diag "$res->{status} $res->{content}";
    my ($id) = ($res->{headers}{location} // '') =~ /#comment-(\d+)$/;
    ok($id, "to its #comment-" . ($id // '?'));

    $page = NewsCitizen::raw_get($p, $PAGE, %H, cookie => $carol);
    is($page->{headers}{'x-cache'}, 'BYPASS', 'the author\'s page goes around the cache');
    like($page->{body}, qr{<li class="comment held" id="comment-$id">\n<p class="meta"><b>carol</b> <time[^>]*>[^<]*</time> <span class="label">Awaiting moderation</span></p>\n<div class="text"><p>Held words of carol</p>\n</div>}, 'the author finds it at its anchor, awaiting moderation');
    like($page->{headers}{'cache-control'}, qr/private/, 'on a private page');

    for my $who ([ 'another reader', $dave ], [ 'a logged-out reader', undef ]) {
        my $other = NewsCitizen::raw_get($p, $PAGE, %H, $who->[1] ? (cookie => $who->[1]) : ());
        unlike($other->{body}, qr/Held words|Awaiting moderation|comment-$id"/, "$who->[0] never sees it");
    }
    my $cached = NewsCitizen::raw_get($p, $PAGE, %H);
    like($cached->{headers}{'x-cache'}, qr/^(HIT|MISS|EXPIRED|REVALIDATED)$/, "an anonymous read through the cache ($cached->{headers}{'x-cache'})");
    unlike($cached->{body}, qr/Held words|Awaiting moderation/, 'never holds it');
    $cached = NewsCitizen::raw_get($p, $PAGE, %H);
    is($cached->{headers}{'x-cache'}, 'HIT', 'nor the cached copy after it');
    unlike($cached->{body}, qr/Held words|Awaiting moderation/, 'which never holds it');
    unlike(NewsCitizen::raw_get($p, "/api/articles/$SLUG/comments", %H)->{body}, qr/Held words/, 'nor does the API\'s list');

    # the moderator's header counts the queue; a reader's has no such link
    $page = NewsCitizen::raw_get($p, '/', %H, cookie => $mod);
    like($page->{body}, qr{<a href="moderation">Moderation \(1\)</a>}, 'the moderator\'s header: Moderation (1)');
    unlike(NewsCitizen::raw_get($p, '/', %H, cookie => $dave)->{body}, qr/Moderation/, 'a reader\'s has no queue link');
    unlike($page->{body}, qr/href="desk"/, 'nor a moderator the desk');
    ($csrf) = $page->{body} =~ /name="csrf" value="([0-9a-f]+)"/;
    $res = $p->request('POST', '/moderation', { headers => { Cookie => $mod,
                                                             'Content-Type' => $FORM },
                                                content => "csrf=$csrf&id=$id&action=approve" });
    is($res->{status}, 303, 'approved');
    like(NewsCitizen::raw_get($p, '/', %H, cookie => $mod)->{body}, qr{>Moderation \(0\)</a>}, 'and the count is 0');
    $page = NewsCitizen::raw_get($p, $PAGE, %H, cookie => $carol);
    unlike($page->{body}, qr/Awaiting moderation/, 'approved: no longer awaiting');
    like(NewsCitizen::raw_get($p, $PAGE, %H, cookie => $dave)->{body}, qr/Held words of carol/, 'and shown to all');

    my $ed = $p->login('eddie', 'editor');
    like(NewsCitizen::raw_get($p, '/', %H, cookie => $ed)->{body}, qr{<a href="desk">Desk</a><a href="moderation">Moderation \(0\)</a>}, 'an editor: the desk and the queue');
    $p->done;
}

# --- Moderation in place ---------------------------------------------------------

{
    my $m = NewsTest->new(http => 'news_comment_premoderation on; news_comment_rate 0;');
    $m->run;
    $m->newsctl('import', 'demo/seed-article.json');
    my $PAGE = "/articles/$SLUG";
    my $mod = $m->login('mia', 'moderator');
    my $erin = $m->login('erin');
    my $frank = $m->login('frank');
    my $get = sub { my ($c, $path) = @_; $m->get($path // $PAGE, { headers => { $c ? (Cookie => $c) : () } }) };
    my $post = sub {
        my ($c, $path, $body) = @_;
        $m->request('POST', $path, { headers => { Cookie => $c, 'Content-Type' => $FORM }, content => $body });
    };
    my $csrf_of = sub { my ($page) = @_; ($page =~ /name="csrf" value="([0-9a-f]+)"/)[0] };

    # a moderator's comment goes straight up; two readers' wait
    my $mc = $csrf_of->($get->($mod)->{content});
    is($post->($mod, "$PAGE/comments", "csrf=$mc&body=From+the+desk")->{status}, 303, 'a moderator comments');
    my $ec = $csrf_of->($get->($erin)->{content});
    my ($held) = ($post->($erin, "$PAGE/comments", "csrf=$ec&body=Erin+waits")->{headers}{location} // '') =~ /comment-(\d+)/;
    ok($held, 'a reader\'s comment is held');

    my $page = $get->($mod)->{content};
    like($page, qr{<a href="moderation">Moderation \(1\)</a>}, 'the header counts it');
    like($page, qr{<li class="comment" id="comment-$held">\n<div class="held">\n<p class="label">Awaiting moderation</p>\n<article>.*?Erin waits.*?</article>\n</div>\n<form class="moderate" method="post" action="articles/\Q$SLUG\E/comments/action"><input type="hidden" name="csrf" value="$mc"><input type="hidden" name="id" value="$held"><span class="meta">No\. $held</span> <button name="action" value="approve">Approve<span class="vh"> comment $held</span></button> <a href="articles/\Q$SLUG\E\?delete=$held">Delete<span class="vh"> comment $held</span></a></form>}s,
         'the moderator sees the held comment in place, greyed, labelled, numbered, with Approve and Delete');
    like($page, qr{<span class="meta">No\. 1</span> <button name="action" value="hide">Hide<span class="vh"> comment 1</span></button>}, 'and Hide on a visible one');
    for my $who ([ 'a reader', $frank ], [ 'a logged-out reader', undef ]) {
        my $p = $get->($who->[1])->{content};
        unlike($p, qr/class="moderate"|Erin waits|No\. \d/, "$who->[0]: no buttons, no held comment");
    }

    # hide from the article page: back at the comment, greyed
    my $res = $post->($mod, "$PAGE/comments/action", "csrf=$mc&id=1&action=hide");
    is($res->{status}, 303, 'Hide: 303');
    like($res->{headers}{location}, qr{/articles/\Q$SLUG\E#comment-1$}, 'back at the same comment');
    $page = $get->($mod)->{content};
    like($page, qr{<li class="comment" id="comment-1">\n<div class="held">\n<p class="label">Hidden by a moderator</p>\n<article>.*?From the desk.*?</article>\n</div>\n<form class="moderate"[^>]*>.*?<button name="action" value="unhide">Unhide<span class="vh"> comment 1</span></button>}s,
         'the hidden comment stays, greyed and labelled, with Unhide');
    unlike($get->($frank)->{content}, qr/From the desk/, 'readers no longer see it');
    unlike($get->(undef)->{content}, qr/From the desk/, 'nor the public page');

    is($post->($mod, "$PAGE/comments/action", "id=1&action=unhide")->{status}, 403, 'no CSRF token: 403');
    is($post->($frank, "$PAGE/comments/action", "csrf=" . $csrf_of->($get->($frank)->{content}) . "&id=1&action=unhide")->{status}, 404, 'a reader cannot unhide: 404 as for no comment');
    is($post->($mod, "$PAGE/comments/action", "csrf=$mc&id=1&action=unhide")->{status}, 303, 'Unhide: 303');
    like($get->(undef)->{content}, qr/From the desk/, 'public again');

    # Delete asks first, on a page of its own
    $res = $get->($mod, "$PAGE?delete=$held");
    is($res->{status}, 200, 'the delete confirmation page');
    is($res->{headers}{'cache-control'}, 'no-store', 'never cached');
    like($res->{content}, qr{<h1>Delete comment No\. $held\?</h1>}, 'it asks');
    like($res->{content}, qr{<form method="post" action="articles/\Q$SLUG\E/comments/action">\n<input type="hidden" name="csrf" value="$mc">\n<input type="hidden" name="id" value="$held">\n<p><button name="action" value="delete" class="danger">Delete comment No\. $held</button> <a href="articles/\Q$SLUG\E#comment-$held">Cancel: back to the comment</a>}, 'a button that deletes it and the way back');
    is($get->(undef, "$PAGE?delete=$held")->{status}, 403, 'logged out: 403');
    is($get->($mod, "$PAGE?delete=x")->{status}, 400, 'a bad number: 400');
    $res = $post->($mod, "$PAGE/comments/action", "csrf=$mc&id=$held&action=delete");
    is($res->{status}, 303, 'deleted');
    like($res->{headers}{location}, qr{#comment-$held$}, 'back where it was');
    $page = $get->($mod)->{content};
    unlike($page, qr/Erin waits/, 'gone for the moderator too');
    like($page, qr{>Moderation \(0\)</a>}, 'and from the count');
    $m->done;
}

# --- Replies in place -------------------------------------------------------------

{
    my $q = NewsTest->new(http => 'news_comment_rate 0; news_comment_max_length 40;');
    $q->run;
    $q->newsctl('import', 'demo/seed-article.json');
    my $PAGE = "/articles/$SLUG";
    my $gina = $q->login('gina');
    my $hal = $q->login('hal');
    my $get = sub { my ($c, $path) = @_; $q->get($path // $PAGE, { headers => { $c ? (Cookie => $c) : () } }) };
    my $post = sub {
        my ($c, $path, $body) = @_;
        $q->request('POST', $path, { headers => { Cookie => $c, 'Content-Type' => $FORM }, content => $body });
    };
    my ($gc) = $get->($gina)->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    $post->($gina, "$PAGE/comments", "csrf=$gc&body=First+of+gina");
    $post->($gina, "$PAGE/comments", "csrf=$gc&body=Second+of+gina");

    my $page = $get->(undef)->{content};
    like($page, qr{<a href="articles/\Q$SLUG\E\?reply=1#comment-form">Reply<span class="vh"> to gina</span></a>}, 'Reply says to whom');
    like($page, qr{<a href="articles/\Q$SLUG\E#comment-1"><span class="vh">Permalink to gina\x{e2}\x{80}\x{99}s comment of </span><time }, 'the permalink says whose');

    # logged out: Reply goes to the login, and back to that reply form
    my $res = $get->(undef, "$PAGE?reply=1");
    is($res->{status}, 303, 'logged out, Reply: 303');
    like($res->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/login\?next=/articles/\Q$SLUG\E\?reply=1%23comment-form$}, 'to the login, next the reply form');
    my ($next) = $res->{headers}{location} =~ m{(/login\?.*)$};
    like($get->(undef, $next)->{content}, qr{name="next" value="/articles/\Q$SLUG\E\?reply=1#comment-form"}, 'which the login keeps');

    # logged in: the form right under comment 1, naming its author
    $page = $get->($hal, "$PAGE?reply=1")->{content};
    like($page, qr{<li class="comment" id="comment-1">\n<article>.*?First of gina.*?</article>\n<form class="comment-form" id="comment-form" method="post" action="articles/\Q$SLUG\E/comments#comment-form">\n<input type="hidden" name="csrf" value="[0-9a-f]+">\n<input type="hidden" name="parent" value="1">\n<p>Replying to <a href="articles/\Q$SLUG\E#comment-1">gina</a>}s,
         'the reply form stands under the comment: Replying to gina');
    is(scalar(() = $page =~ /id="comment-form"/g), 1, 'one form on the page');
    like($get->($hal, "$PAGE?reply=99")->{content}, qr{</ol>\n<form class="comment-form" id="comment-form"[^>]*>\n<input[^>]*>\n<input type="hidden" name="parent" value="99">\n<p>Replying to <a href="[^"]*">this comment</a>}, 'no such comment: the form stays below, for the post to refuse');

    # a refused comment comes back at the form, the error above, the count shown
    my ($hc) = $page =~ /name="csrf" value="([0-9a-f]+)"/;
    $res = $post->($hal, "$PAGE/comments", "csrf=$hc&parent=1&body=" . ('x' x 45));
    is($res->{status}, 422, 'too long: 422');
    like($res->{content}, qr{<li class="comment" id="comment-1">\n<article>.*?</article>\n<form class="comment-form" id="comment-form"}s, 'the refused reply is back under its comment');
    like($res->{content}, qr{<p class="error" id="comment-error" role="alert">[^<]+</p>\n<textarea id="comment-body" name="body" rows="5" aria-invalid="true" aria-describedby="comment-error comment-count" required>x{45}</textarea>\n<p class="meta" id="comment-count">5 characters too many: 45 of 40\.</p>}, 'the error above the field, the count below');
    like($get->($hal)->{content}, qr{aria-describedby="comment-count" required></textarea>\n<p class="meta" id="comment-count">Up to 40 characters\.</p>}, 'the limit before a post');

    # own comments: editable until HH:MM
    $page = $get->($gina)->{content};
    like($page, qr{<p class="actions own">Editable until <time datetime="[^"]+">\d\d:\d\d UTC</time> · <a href="articles/[^"?]+\?edit=2#comment-2">Edit}, 'editable until HH:MM');
    $q->done;
}

done_testing;

# a proxy_cache in front of the module, as in t/61
sub front_conf {
    my ($http) = @_;
    return <<"EOF";
load_module %%MODULE%%;
daemon off;
worker_processes 1;
pid %%DIR%%/nginx.pid;
error_log %%DIR%%/logs/error.log debug;
events { worker_connections 256; }
http {
    client_body_temp_path %%DIR%%/tmp/body;
    proxy_temp_path %%DIR%%/tmp/proxy;
    fastcgi_temp_path %%DIR%%/tmp/fastcgi;
    uwsgi_temp_path %%DIR%%/tmp/uwsgi;
    scgi_temp_path %%DIR%%/tmp/scgi;
    news_db %%DB%%;
    news_db_size 64m;
    news_cache_max_age 60s;
    $http
    proxy_cache_path %%DIR%%/tmp/cache keys_zone=front:1m;

    server {
        listen unix:%%DIR%%/origin.sock;
        location / { news; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        location / {
            proxy_pass http://unix:%%DIR%%/origin.sock:;
            proxy_set_header Host \$host;
            proxy_http_version 1.1;
            proxy_cache front;
            proxy_cache_bypass \$news_user;
            proxy_no_cache \$news_user;
            add_header X-Cache \$upstream_cache_status always;
        }
    }
}
EOF
}
