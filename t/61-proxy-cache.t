# A proxy_cache in front of the module, in the same nginx (the origin on a
# unix socket): anonymous pages are shared, logged-in pages bypass it with
# $news_user, and no request's Host can poison what other readers get.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $ARTICLE = "/articles/$SLUG";

# the origin's server block gets $origin (e.g. a server_name)
sub front {
    my ($origin) = @_;
    return NewsCitizen::start(conf => <<"EOF");
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
    proxy_cache_path %%DIR%%/tmp/cache keys_zone=front:1m;
    log_format front '\$status \$uri \$upstream_cache_status user=\$news_user cacheable=\$news_cacheable';

    server {
        listen unix:%%DIR%%/origin.sock;
        $origin
        access_log %%DIR%%/logs/origin.log;
        location / { news; gzip on; gzip_vary on; }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        access_log %%DIR%%/logs/front.log front;
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

# Host as the client chose it
sub get {
    my ($t, $path, %o) = @_;
    return NewsCitizen::raw_get($t, $path, host => $o{host} // 'news.example', cookie => $o{cookie},
                                headers => $o{headers});
}

sub canonical {
    my ($page) = @_;
    my ($href) = $page =~ /<link rel="canonical" href="([^"]*)"/;
    return $href // '';
}

{
    my $t = front('');
    my $alice = $t->login('alice');

    # anonymous readers share one copy
    my $first = get($t, $ARTICLE);
    is($first->{status}, 200, 'through the cache: 200');
    is($first->{headers}{'x-cache'}, 'MISS', 'first anonymous read: a miss');
    is($first->{headers}{'cache-control'}, 'public, max-age=0, s-maxage=60', 'shared caches may keep it, browsers revalidate');
    my $again = get($t, $ARTICLE);
    is($again->{headers}{'x-cache'}, 'HIT', 'second anonymous read: a hit');
    is($again->{body}, $first->{body}, 'the same page');
    like($again->{body}, qr/Log in to comment/, 'the logged-out page');

    # logged in: around the cache, never into it
    my $mine = get($t, $ARTICLE, cookie => $alice);
    is($mine->{headers}{'x-cache'}, 'BYPASS', 'logged in: proxy_cache_bypass $news_user');
    like($mine->{body}, qr/Logged in as <b>alice<\/b>/, 'logged in: the reader\'s own page');
    is($mine->{headers}{'cache-control'}, 'private, no-store', 'logged in: private, no-store');
    my $anon = get($t, $ARTICLE);
    is($anon->{headers}{'x-cache'}, 'HIT', 'anonymous again: still the shared copy');
    unlike($anon->{body}, qr/alice/, 'which never holds a reader\'s page');
    for my $path ('/', "/api/articles/$SLUG", '/feed.xml') {
        is(get($t, $path, cookie => $alice)->{headers}{'x-cache'}, 'BYPASS', "logged in: $path bypasses");
        get($t, $path);
        is(get($t, $path)->{headers}{'x-cache'}, 'HIT', "logged out: $path is shared");
    }

    # the origin compresses; the cache keeps the compressed copy beside the
    # plain one (nginx 1.22's cache keys on the last Vary line only)
    my $gz = { 'Accept-Encoding' => 'gzip' };
    my $z1 = get($t, "$ARTICLE?z=1", headers => $gz);
    is($z1->{headers}{'content-encoding'}, 'gzip', 'gzip at the origin: compressed through the cache');
    like($z1->{headers}{vary}, qr/Accept-Encoding/, 'gzip_vary: the cache keeps a copy per encoding');
    my $z2 = get($t, "$ARTICLE?z=1", headers => $gz);
    is($z2->{headers}{'x-cache'}, 'HIT', 'the compressed copy is served from the cache');
    is($z2->{body}, $z1->{body}, 'the same compressed bytes');
    my $plain = get($t, "$ARTICLE?z=1");
    ok(!$plain->{headers}{'content-encoding'}, 'a client without gzip gets the plain page');
    like($plain->{body}, qr/<article/, 'readable');
    is(get($t, "$ARTICLE?z=1", headers => $gz)->{headers}{'content-encoding'}, 'gzip',
       'and the compressed copy is still there for the others');

    # a forged Host gets its own copy and poisons no one
    my $evil = get($t, "$ARTICLE?x=1", host => 'attacker.example');
    like(canonical($evil->{body}), qr{^http://attacker\.example/}, 'without server_name, links follow the Host');
    like($evil->{headers}{vary}, qr/Host/, 'and the answer says it varies by Host');
    my $good = get($t, "$ARTICLE?x=1");
    isnt($good->{headers}{'x-cache'}, 'HIT', 'another Host: not the attacker\'s copy');
    is(canonical($good->{body}), "http://news.example/articles/$SLUG", 'the reader\'s links are their own');
    is(get($t, "$ARTICLE?x=1")->{headers}{'x-cache'}, 'HIT', 'and that copy is shared in turn');
    for my $path ('/feed.xml?x=1', '/sitemap.xml?x=1') {
        get($t, $path, host => 'attacker.example');
        unlike(get($t, $path)->{body}, qr/attacker/, "$path: a forged Host poisons no one");
    }
    my $e1 = get($t, '/?y=1')->{headers}{etag};
    my $e2 = get($t, '/?y=1', host => 'other.example')->{headers}{etag};
    isnt($e1, $e2, 'the ETag depends on the Host when links do');

    $t->stop;
    my $log = do { local (@ARGV, $/) = $t->dir . '/logs/front.log'; <> };
    like($log, qr{^200 $ARTICLE HIT user= cacheable=1$}m, '$news_cacheable and $news_user in the front\'s log: a hit');
    like($log, qr{^200 $ARTICLE BYPASS user=alice cacheable=0$}m, 'and a logged-in bypass');
    $t->done;
}

# with a server_name: links never come from the request
{
    my $t = front('server_name news.example.com www.example.com;');
    my $evil = get($t, $ARTICLE, host => 'attacker.example');
    is(canonical($evil->{body}), "http://news.example.com/articles/$SLUG", 'server_name: the canonical link is the server\'s name');
    unlike($evil->{headers}{vary}, qr/Host/, 'server_name: no Vary: Host needed');
    my $good = get($t, $ARTICLE, host => 'www.example.com');
    is($good->{headers}{'x-cache'}, 'HIT', 'server_name: one shared copy for every Host');
    is(canonical($good->{body}), "http://news.example.com/articles/$SLUG", 'with the server\'s links');
    for my $path ('/feed.xml', '/sitemap.xml', '/robots.txt', "/api/articles/$SLUG") {
        unlike(get($t, $path, host => 'attacker.example')->{body}, qr/attacker/, "server_name: $path never names the Host");
    }
    like(get($t, '/feed.xml', host => 'x.example')->{body}, qr{<id>http://news\.example\.com/feed\.xml</id>}, 'server_name: the feed\'s id');
    $t->done;
}

# news_base_url beats both
{
    my $t = front('server_name news.example.com; news_base_url https://www.example.org/news/;');
    my $res = get($t, $ARTICLE, host => 'attacker.example');
    is(canonical($res->{body}), "https://www.example.org/news/articles/$SLUG", 'news_base_url: its links');
    unlike($res->{headers}{vary}, qr/Host/, 'news_base_url: no Vary: Host');
    $t->done;
}

done_testing;
