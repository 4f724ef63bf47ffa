# Over TLS the session cookie is also Secure (over plain HTTP it cannot
# be, or the browser would drop it) and, at Path=/, named with the
# __Host- prefix; the site works the same, and its absolute links name
# the server's port when it is not 443.
use strict;
use warnings;
use Test::More;
use HTTP::Tiny;
use lib 't/lib';
use NewsTest;

plan skip_all => 'needs openssl and IO::Socket::SSL (make deps installs them)'
    unless `openssl version 2>/dev/null` && eval { require IO::Socket::SSL; 1 };

my $t = NewsTest->new(tls => 1, server => 'server_name news.example;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $http = HTTP::Tiny->new(verify_SSL => 0, timeout => 5, max_redirect => 0);
my $base = 'https://127.0.0.1:' . $t->port;
my $json = { 'Content-Type' => 'application/json' };
my $cred = '{"username":"tlsreader","password":"tls-reader-password"}';

is($http->get("$base/")->{status}, 200, 'the front page over TLS');
# the site's absolute links: the server's name, with the port the request
# came in on since it is not TLS's own 443
like($http->get("$base/feed.xml")->{content}, qr{<link rel="alternate" type="text/html" href="https://news\.example:${\ $t->port}/"/>},
     "the feed's links name the server with the port, not 443's");
is($http->request('POST', "$base/api/users", { headers => $json, content => $cred })->{status},
   201, 'register over TLS');
my $res = $http->request('POST', "$base/api/session", { headers => $json, content => $cred });
is($res->{status}, 200, 'log in over TLS');
my $cookie = $res->{headers}{'set-cookie'} // '';
like($cookie, qr/^__Host-news_session=[0-9a-f]{64}; Path=\/;/, 'a session cookie, with the __Host- prefix at Path=/');
like($cookie, qr/; Secure(;|$)/, 'marked Secure over TLS');
like($cookie, qr/; HttpOnly/, 'and HttpOnly');
like($cookie, qr/; SameSite=Lax/, 'and SameSite=Lax');
my ($session) = $cookie =~ /^(__Host-news_session=[0-9a-f]+)/;
$res = $http->get("$base/api/me", { headers => { Cookie => $session } });
like($res->{content}, qr/"username":"tlsreader"/, 'and it logs the reader in');

$t->done;
done_testing;
