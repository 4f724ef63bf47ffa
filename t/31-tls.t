# Over TLS the session cookie is also Secure (over plain HTTP it cannot
# be, or the browser would drop it) and, at Path=/, named with the
# __Host- prefix; the site works the same.
use strict;
use warnings;
use Test::More;
use HTTP::Tiny;
use lib 't/lib';
use NewsTest;

plan skip_all => 'needs openssl and IO::Socket::SSL (make deps installs them)'
    unless `openssl version 2>/dev/null` && eval { require IO::Socket::SSL; 1 };

my $t = NewsTest->new(tls => 1);
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $http = HTTP::Tiny->new(verify_SSL => 0, timeout => 5, max_redirect => 0);
my $base = 'https://127.0.0.1:' . $t->port;
my $json = { 'Content-Type' => 'application/json' };
my $cred = '{"username":"tlsreader","password":"tls-reader-password"}';

is($http->get("$base/")->{status}, 200, 'the front page over TLS');
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
