# The module inside nginx's filters: each configuration below is one real
# nginx, and each checks the filter's effect on HTML, JSON and feeds,
# logged out and logged in (README "With the rest of nginx").
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $ARTICLE = "/articles/$SLUG";

# a header that may come more than once, as one string
sub hdr {
    my ($res, $name) = @_;
    my $v = $res->{headers}{$name} // '';
    return ref $v ? join(', ', @$v) : $v;
}

# gzip, as most configs have it, with JSON and Atom added to its types
{
    my $t = NewsCitizen::start(http => 'gzip on; gzip_vary on; '
                                       . 'gzip_types application/json application/atom+xml;');
    my $alice = $t->login('alice');
    for my $who ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$who;
        for my $case ([ 'article', $ARTICLE, qr{^text/html; charset=utf-8$}, qr/<article/ ],
                      [ 'front page', '/', qr{^text/html; charset=utf-8$}, qr/<main/ ],
                      [ 'JSON', "/api/articles/$SLUG", qr{^application/json$}, qr/^\{"/ ],
                      [ 'Atom', '/feed.xml', qr{^application/atom\+xml; charset=utf-8$}, qr/<feed/ ]) {
            my ($what, $path, $type, $body) = @$case;
            my $plain = NewsCitizen::fetch($t, $path, cookie => $cookie);
            my $zip = NewsCitizen::fetch($t, $path, cookie => $cookie, gzip => 1);
            is($zip->{status}, 200, "gzip, $name: $what 200");
            like($zip->{headers}{'content-type'}, $type, "gzip, $name: $what type and charset apart");
            is($zip->{headers}{'content-encoding'}, 'gzip', "gzip, $name: $what is compressed");
            like(hdr($zip, 'vary'), qr/Accept-Encoding/, "gzip_vary, $name: $what varies by Accept-Encoding");
            like($zip->{body}, $body, "gzip, $name: $what decompresses to the answer");
            ok(!$plain->{headers}{'content-encoding'}, "gzip, $name: $what plain without Accept-Encoding");
            ok(length $zip->{content} < length($plain->{content}) * 0.7,
               sprintf "gzip, $name: $what smaller (%d of %d bytes)",
                       length $zip->{content}, length $plain->{content});
        }
    }
    $t->done;
}

my @who = ([ 'logged out', sub { undef } ], [ 'logged in', sub { $_[0]->login('alice') } ]);

# sub_filter: an operator's banner on every page, never inside JSON
{
    my $t = NewsCitizen::start(location => 'news; sub_filter "</body>" '
                                           . '"<p class=banner>Operator banner</p></body>";');
    for my $w (@who) {
        my ($name, $cookie) = ($w->[0], $w->[1]->($t));
        for my $path ($ARTICLE, '/', '/login', '/no/such/page') {
            like(NewsCitizen::fetch($t, $path, cookie => $cookie)->{body},
                 qr{<p class=banner>Operator banner</p></body>}, "sub_filter, $name: banner on $path");
        }
        unlike(NewsCitizen::fetch($t, "/api/articles/$SLUG", cookie => $cookie)->{body}, qr/banner/,
               "sub_filter, $name: not in JSON (sub_filter_types is text/html)");
        unlike(NewsCitizen::fetch($t, '/feed.xml', cookie => $cookie)->{body}, qr/banner/,
               "sub_filter, $name: not in the feed");
    }
    $t->done;
}

# ssi on the module's pages (a comment's SSI command stays text), and an
# operator's SSI page that includes the module's answers
{
    my $t = NewsCitizen::start(location => 'news; ssi on; ssi_types application/json;',
                               server => 'location /static/ { root %%DIR%%/html; ssi on; }');
    NewsCitizen::put($t, 'static/wrap.html', "<p>before</p><!--# include virtual=\"/api/articles/$SLUG\" -->"
                                             . '<p>after</p><!--# include virtual="/robots.txt" -->');
    my $alice = $t->login('alice');
    my $res = NewsCitizen::json($t, 'POST', "/api/articles/$SLUG/comments",
                                '{"body":"<!--# echo var=\"news_user\" --> sneaky"}', $alice);
    is($res->{status}, 201, 'ssi: a comment holding an SSI command');
    for my $w ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$w;
        my $page = NewsCitizen::fetch($t, $ARTICLE, cookie => $cookie)->{body};
        like($page, qr{&lt;!--# echo var=&quot;news_user&quot; --&gt; sneaky}, "ssi, $name: the comment's command is text");
        like($page, qr{</html>\s*$}, "ssi, $name: the page is whole");
        my $json = NewsCitizen::fetch($t, "/api/articles/$SLUG/comments", cookie => $cookie)->{body};
        like($json, qr{\\u003c!--# echo|<!--# echo}, "ssi, $name: JSON with ssi_types keeps the command as data");
        unlike($json, qr/"body":"alice sneaky"/, "ssi, $name: and never runs it");
        my $wrap = NewsCitizen::fetch($t, '/static/wrap.html', cookie => $cookie);
        is($wrap->{status}, 200, "ssi, $name: an operator's SSI page");
        like($wrap->{body}, qr{<p>before</p>\{"slug":"$SLUG".*\}\s*<p>after</p>User-agent: \*}s,
             "ssi, $name: includes the module's JSON and robots.txt");
    }
    $t->done;
}

# addition: the operator's header and footer around every page
{
    my $t = NewsCitizen::start(location => 'news; add_before_body /static/top.html; '
                                           . 'add_after_body /static/bottom.html;',
                               server => 'location /static/ { root %%DIR%%/html; }');
    NewsCitizen::put($t, 'static/top.html', '<!-- operator top -->');
    NewsCitizen::put($t, 'static/bottom.html', '<!-- operator bottom -->');
    for my $w (@who) {
        my ($name, $cookie) = ($w->[0], $w->[1]->($t));
        my $page = NewsCitizen::fetch($t, $ARTICLE, cookie => $cookie)->{body};
        like($page, qr{^<!-- operator top --><!doctype html>}i, "addition, $name: before the page");
        like($page, qr{</html>\n?<!-- operator bottom -->$}, "addition, $name: after the page");
        unlike(NewsCitizen::fetch($t, "/api/articles/$SLUG", cookie => $cookie)->{body}, qr/operator/,
               "addition, $name: not around JSON");
    }
    $t->done;
}

# charset: one charset parameter, the module's; charset_types may add one to JSON
{
    my $t = NewsCitizen::start(http => 'charset utf-8;');
    my $alice = $t->login('alice');
    for my $w ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$w;
        is(NewsCitizen::fetch($t, $ARTICLE, cookie => $cookie)->{headers}{'content-type'},
           'text/html; charset=utf-8', "charset, $name: one charset on pages");
        is(NewsCitizen::fetch($t, '/feed.xml', cookie => $cookie)->{headers}{'content-type'},
           'application/atom+xml; charset=utf-8', "charset, $name: one on the feed");
        is(NewsCitizen::fetch($t, "/api/articles/$SLUG", cookie => $cookie)->{headers}{'content-type'},
           'application/json', "charset, $name: JSON as the module sends it (not in charset_types)");
    }
    $t->done;
    $t = NewsCitizen::start(http => 'charset koi8-r; charset_types application/json;');
    my $res = NewsCitizen::fetch($t, $ARTICLE);
    is($res->{headers}{'content-type'}, 'text/html; charset=utf-8', 'charset koi8-r: the module\'s UTF-8 stays declared');
    is(NewsCitizen::fetch($t, "/api/articles/$SLUG")->{headers}{'content-type'},
       'application/json; charset=koi8-r', 'charset koi8-r: charset_types labels JSON (the operator\'s choice)');
    $t->done;
}

# add_header ... always: the operator's headers on every answer, errors too
{
    my $t = NewsCitizen::start(location => 'news; add_header X-Frame-Options SAMEORIGIN always; '
                                           . 'add_header X-Operator yes;');
    my $alice = $t->login('alice');
    for my $w ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$w;
        for my $path ($ARTICLE, "/api/articles/$SLUG", '/feed.xml') {
            my $res = NewsCitizen::fetch($t, $path, cookie => $cookie);
            is($res->{headers}{'x-frame-options'}, 'SAMEORIGIN', "add_header always, $name: $path");
            is($res->{headers}{'x-operator'}, 'yes', "add_header, $name: $path (200)");
            ok($res->{headers}{'content-security-policy'} || $path ne $ARTICLE,
               "add_header, $name: the module's own headers stay on $path");
        }
        for my $path ('/no/such/page', '/api/no/such') {
            my $res = NewsCitizen::fetch($t, $path, cookie => $cookie);
            is($res->{status}, 404, "$name: $path 404");
            is($res->{headers}{'x-frame-options'}, 'SAMEORIGIN', "add_header always, $name: on the 404 of $path");
            ok(!$res->{headers}{'x-operator'}, "add_header without always, $name: not on the 404 of $path");
        }
    }
    $t->done;
}

# expires and add_header Cache-Control beside the module's own
{
    my $t = NewsCitizen::start(location => 'news; expires 1h;');
    my $alice = $t->login('alice');
    my $res = NewsCitizen::fetch($t, $ARTICLE);
    is(hdr($res, 'cache-control'), 'max-age=3600', 'expires, logged out: the operator sets public pages\' freshness');
    ok($res->{headers}{expires}, 'expires, logged out: and Expires');
    like(hdr($res, 'vary'), qr/Cookie/, 'expires, logged out: still varies by the session cookie');
    $res = NewsCitizen::fetch($t, $ARTICLE, cookie => $alice);
    like(hdr($res, 'cache-control'), qr/private, no-store/, 'expires, logged in: never stored, whatever expires says');
    unlike(hdr($res, 'cache-control'), qr/public/, 'expires, logged in: never public');
    $t->done;
    $t = NewsCitizen::start(location => 'news; add_header Cache-Control "public, max-age=600";');
    $alice = $t->login('alice');
    $res = NewsCitizen::fetch($t, "/api/articles/$SLUG");
    like(hdr($res, 'cache-control'), qr/public, max-age=0, s-maxage=60/, 'add_header Cache-Control, logged out: the module\'s stays');
    $res = NewsCitizen::fetch($t, "/api/articles/$SLUG", cookie => $alice);
    like(hdr($res, 'cache-control'), qr/private, no-store/, 'add_header Cache-Control, logged in: no-store stays (it wins)');
    $t->done;
}

# access_log with a custom log_format: who asked, and whether the answer is shared
{
    my $t = NewsCitizen::start(http => 'log_format news \'$status $request_method $uri '
                                       . 'user=$news_user role=$news_role cacheable=$news_cacheable\'; '
                                       . 'access_log %%DIR%%/logs/news.log news;');
    my $alice = $t->login('alice');
    my $mod = $t->login('maude', 'moderator');
    NewsCitizen::fetch($t, $ARTICLE);
    NewsCitizen::fetch($t, $ARTICLE, cookie => $alice);
    NewsCitizen::fetch($t, '/moderation', cookie => $mod);
    NewsCitizen::fetch($t, $ARTICLE, cookie => 'news_session=' . ('0' x 64));
    NewsCitizen::json($t, 'POST', "/api/articles/$SLUG/comments", '{"body":"logged"}', $alice);
    $t->stop;
    my $log = do { local (@ARGV, $/) = $t->dir . '/logs/news.log'; <> };
    like($log, qr{^200 GET /articles/$SLUG user= role= cacheable=1$}m, 'log_format: an anonymous reader');
    like($log, qr{^200 GET /articles/$SLUG user=alice role=reader cacheable=0$}m, 'log_format: a logged-in reader');
    like($log, qr{^200 GET /moderation user=maude role=moderator cacheable=0$}m, 'log_format: a moderator');
    is(() = $log =~ /^200 GET \/articles\/\S+ user= role= cacheable=1$/mg, 2, 'log_format: a stale session is anonymous');
    like($log, qr{^201 POST /api/articles/$SLUG/comments user=alice role=reader cacheable=0$}m, 'log_format: a post');
    $t->done;
}

done_testing;
