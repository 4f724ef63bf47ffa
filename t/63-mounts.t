# Where operators mount the module and what they put in front of it: a
# /news/ prefix, two mounts of one store, alias, error_page, internal and
# auth_request, limit_req and limit_conn from conf.example, and realip.
use strict;
use warnings;
use Test::More;
use IO::Socket::INET;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $JSON = { 'Content-Type' => 'application/json' };
my $FORM = { 'Content-Type' => 'application/x-www-form-urlencoded' };

# location /news/, the same store at / too, and an alias-style mount
{
    my $t = NewsCitizen::start(location => 'news;',
                               server => 'location /news/ { news; } '
                                         . 'location /blog/ { alias %%DIR%%/html/; news; }');
    my $alice = NewsCitizen::login_at($t, '/news/', 'alice');
    for my $w ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$w;
        my $res = NewsCitizen::fetch($t, "/news/articles/$SLUG", cookie => $cookie);
        is($res->{status}, 200, "/news/, $name: the article");
        like($res->{body}, qr{<base href="/news/">}, "/news/, $name: its links are below /news/");
        like($res->{body}, $cookie ? qr/Logged in as <b>alice/ : qr/Log in to comment/, "/news/, $name: the right page");
        like(NewsCitizen::fetch($t, '/news/feed.xml', cookie => $cookie)->{body},
             qr{<link rel="alternate" type="text/html" href="http://127\.0\.0\.1:\d+/news/articles/$SLUG"/>},
             "/news/, $name: the feed links below /news/");
        like(NewsCitizen::fetch($t, "/news/api/articles/$SLUG", cookie => $cookie)->{body}, qr/"slug":"$SLUG"/,
             "/news/, $name: the JSON API");
        my $root = NewsCitizen::fetch($t, "/articles/$SLUG", cookie => $cookie);
        is($root->{status}, 200, "/ and /news/ share the store, $name");
        like($root->{body}, qr{<base href="/">}, "/, $name: with its own links");
        my $blog = NewsCitizen::fetch($t, "/blog/articles/$SLUG", cookie => $cookie);
        is($blog->{status}, 200, "alias-style /blog/, $name: alias changes nothing");
        like($blog->{body}, qr{<base href="/blog/">}, "/blog/, $name: links below /blog/");
    }
    my $csrf = NewsCitizen::csrf($t, $alice, "/news/articles/$SLUG");
    my $res = NewsCitizen::fetch($t, "/news/articles/$SLUG/comments", method => 'POST', cookie => $alice,
                                 headers => $FORM, content => "csrf=$csrf&body=posted+at+%2Fnews%2F");
    is($res->{status}, 303, '/news/: a comment form posts');
    like($res->{headers}{location}, qr{/news/articles/$SLUG#comment-\d+$}, '/news/: and returns below /news/');
    $t->done;
}

# error_page: the operator's 404 and 50x pages for HTML answers, the
# module's own JSON errors for the API, the module's pages where no
# error_page is set (location /plain/)
{
    my $t = NewsCitizen::start(db_size => '1m',
                               http => 'news_comment_rate 0; news_comment_max_length 100000; news_body_max 256k;',
                               location => 'news; error_page 404 /errors/404.html; '
                                           . 'error_page 500 502 503 504 507 /errors/50x.html; '
                                           . 'client_body_buffer_size 256k;',
                               server => 'location /errors/ { root %%DIR%%/html; internal; } '
                                         . 'location /plain/ { news; }');
    NewsCitizen::put($t, 'errors/404.html', "<p>The operator's own 404</p>\n");
    NewsCitizen::put($t, 'errors/50x.html', "<p>The operator's own 50x</p>\n");
    $t->allow_log(qr/the store is full/);
    my $alice = $t->login('alice');
    for my $w ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$w;
        for my $path ('/no/such/page', '/articles/no-such-article', '/tags/no-such-tag') {
            my $res = NewsCitizen::fetch($t, $path, cookie => $cookie);
            is($res->{status}, 404, "error_page 404, $name: $path is 404");
            is($res->{body}, "<p>The operator's own 404</p>\n", "error_page 404, $name: $path is the operator's page");
        }
        my $api = NewsCitizen::fetch($t, '/api/articles/no-such-article', cookie => $cookie);
        is($api->{status}, 404, "error_page, $name: a JSON 404");
        like($api->{body}, qr/^\{"error":\{"code":"not_found"/, "error_page, $name: the API keeps its JSON error");
        my $plain = NewsCitizen::fetch($t, '/plain/no/such/page', cookie => $cookie);
        is($plain->{status}, 404, "no error_page, $name: 404");
        like($plain->{body}, qr{<h1>Page not found</h1>}, "no error_page, $name: the module's own page");
    }
    is(NewsCitizen::fetch($t, '/moderation', cookie => $alice)->{status}, 403,
       'error_page without 403: a 403 is the module\'s');
    like(NewsCitizen::fetch($t, '/moderation', cookie => $alice)->{body}, qr/<h1>Forbidden/, 'its own page');

    # a full store: the JSON post gets the module's 507, the form the operator's 50x page
    my $big = 'z' x 60000;
    my $full;
    for (1 .. 40) {     # each a new text: the same one again would be a duplicate (409)
        $full = NewsCitizen::json($t, 'POST', "/api/articles/$SLUG/comments", qq({"body":"$_ $big"}), $alice);
        last if $full->{status} != 201;
    }
    is($full->{status}, 507, 'a full store: 507');
    like($full->{body}, qr/"code":"store_full"/, 'the API\'s own JSON error');
    my $csrf = NewsCitizen::csrf($t, $alice);
    my $res = NewsCitizen::fetch($t, "/articles/$SLUG/comments", method => 'POST', cookie => $alice,
                                 headers => $FORM, content => "csrf=$csrf&body=$big");
    is($res->{status}, 507, 'error_page 507: the form post is 507');
    is($res->{body}, "<p>The operator's own 50x</p>\n", 'error_page 507: the operator\'s 50x page');
    $t->done;
}

# internal and auth_request in front of parts of the site: nested
# locations with news serve the site of the location around them
{
    my $t = NewsCitizen::start(location => 'news; '
                                   . 'location /api/articles { news; auth_request /_editor_auth; } '
                                   . 'location /moderation { news; internal; }',
                               server => 'location = /_editor_auth { internal; '
                                   . 'if ($request_method ~ ^(GET|HEAD)$) { return 204; } '
                                   . 'if ($http_x_editor_key = "s3cret") { return 204; } return 403; }');
    my $ed = $t->login('edna', 'editor');
    my $mod = $t->login('maude', 'moderator');
    my $article = '{"title":"Guarded","body":"b"}';
    for my $w ([ 'logged out', undef ], [ 'logged in', $ed ]) {
        my ($name, $cookie) = @$w;
        is(NewsCitizen::fetch($t, '/api/articles', cookie => $cookie)->{status}, 200,
           "auth_request, $name: reading the API needs no key");
        like(NewsCitizen::fetch($t, "/api/articles/$SLUG", cookie => $cookie)->{body}, qr/"slug":"$SLUG"/,
             "auth_request, $name: the nested location answers the site's routes");
        is(NewsCitizen::json($t, 'POST', '/api/articles', $article, $cookie)->{status}, 403,
           "auth_request, $name: a write without the operator's key is refused before the module");
    }
    my $res = NewsCitizen::fetch($t, '/api/articles', method => 'POST', cookie => $ed,
                                 headers => { %$JSON, 'X-Editor-Key' => 's3cret' }, content => $article);
    is($res->{status}, 201, 'auth_request: with the key, the editor\'s write reaches the module');
    is(NewsCitizen::fetch($t, '/api/articles', method => 'POST', headers => { %$JSON, 'X-Editor-Key' => 's3cret' },
                          content => $article)->{status}, 401, 'auth_request: the key alone is no login');
    is(NewsCitizen::fetch($t, '/moderation', cookie => $mod)->{status}, 404, 'internal: /moderation is not reachable');
    is(NewsCitizen::fetch($t, '/articles/guarded', cookie => $mod)->{status}, 200, 'internal: the rest of the site is');
    $t->done;
}

# conf.example's limit_req zones, realip in front of them and of the
# module's own throttle, and limit_conn (conf.example sets no limit_conn:
# a per-address cap would hurt readers behind one NAT)
{
    # conf.example's own lines, so that this test stays true to it: its
    # maps and limit_req zones, and its location's limit_req lines
    my $example = do { local (@ARGV, $/) = 'conf.example'; <> };
    my $http = join '', $example =~ /^(    map \$request_method:\$uri .*?^    \}\n|    limit_req_zone .*?;\n)/msg;
    my $location = join ' ', $example =~ /^ {12}(limit_req(?:_status)? .*?;)$/mg;
    like($http, qr/zone=news_login.*zone=news_comments/s, 'conf.example\'s limit_req zones');
    like($location, qr/limit_req zone=news_login .*limit_req zone=news_comments .*limit_req_status 429;/,
         'and its location\'s limit_req lines');
    my $t = NewsCitizen::start(http => $http . 'limit_conn_zone $binary_remote_addr zone=news_conn:1m; '
                                   . 'set_real_ip_from 127.0.0.1; real_ip_header X-Forwarded-For; '
                                   . 'news_login_throttle 5 2;',
                               location => "news; $location limit_conn news_conn 2;");
    my $from = sub { { 'X-Forwarded-For' => $_[0], %{ $_[1] // {} } } };
    my @st = map { NewsCitizen::fetch($t, '/login', method => 'POST', headers => $from->('10.0.0.1', $FORM),
                                      content => 'username=x&password=y')->{status} } 1 .. 12;
    is_deeply([ @st[0 .. 10] ], [ (403) x 11 ], 'limit_req: within rate and burst, the module answers (no CSRF token: 403)');
    is($st[11], 429, 'limit_req: then nginx answers 429');
    like($t->error_log, qr/limiting requests, excess: .* client: 10\.0\.0\.1/, 'realip: limit_req saw the forwarded address');
    is(NewsCitizen::fetch($t, '/login', method => 'POST', headers => $from->('10.0.0.2', $FORM),
                          content => 'username=x&password=y')->{status}, 403, 'realip: another address is not limited');
    is(NewsCitizen::fetch($t, "/articles/$SLUG", headers => $from->('10.0.0.1'))->{status}, 200,
       'limit_req: reading is never limited');
    my $alice = $t->login('alice');
    my @c = map { NewsCitizen::json($t, 'POST', "/api/articles/$SLUG/comments", '{"body":"x"}', undef)->{status} } 1 .. 12;
    is($c[11], 429, 'limit_req: comment posts have their own zone');

    # the module's own login throttle counts by the forwarded address too
    my @login = map { NewsCitizen::fetch($t, '/api/session', method => 'POST', headers => $from->('10.9.9.9', $JSON),
                                         content => qq({"username":"nobody$_","password":"wrong-password"}))->{status} } 1 .. 3;
    is_deeply(\@login, [ 401, 401, 429 ], 'realip: the module throttles the forwarded address after 2 failures');
    is(NewsCitizen::fetch($t, '/api/session', method => 'POST', headers => $from->('10.9.9.8', $JSON),
                           content => '{"username":"alice","password":"pw-of-alice-123"}')->{status}, 200,
       'realip: another forwarded address logs in');

    # limit_conn 2: two requests still reading their bodies hold the slots
    # (the address is realip's, and one the limit_req zones have not seen)
    my @held = map {
        my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $t->port) or die;
        print $s "POST /api/articles/$SLUG/comments HTTP/1.1\r\nHost: x\r\nCookie: $alice\r\n"
                 . "X-Forwarded-For: 10.7.7.7\r\nContent-Type: application/json\r\n"
                 . "Content-Length: 100\r\n\r\n{\"bo";
        $s->flush;
        $s;
    } 1 .. 2;
    my $third = sub { NewsCitizen::fetch($t, "/articles/$SLUG", headers => $from->('10.7.7.7'))->{status} };
    my $st = 0;
    for (1 .. 100) { $st = $third->(); last if $st == 503; sleep 0.05 }
    is($st, 503, 'limit_conn: a third connection from the address gets 503');
    is(NewsCitizen::fetch($t, "/articles/$SLUG", headers => $from->('10.7.7.8'))->{status}, 200,
       'limit_conn: another address is served');
    close $_ for @held;
    for (1 .. 100) { $st = $third->(); last if $st == 200; sleep 0.05 }
    is($st, 200, 'limit_conn: and the address is served again once they close');
    $t->allow_log(qr/limiting (requests|connections)/);
    $t->done;
}

done_testing;
