#!/usr/bin/perl
# Smaller leaks of issue 12.11 on the account side: a raised
# news_password_cost rehashes at login (so known and unknown names cost
# the same), cookies stay under the location's prefix, carry __Host- over
# HTTPS at the root, and a TLS-terminating proxy's X-Forwarded-Proto
# (news_scheme_header) makes them Secure and the Origin check https.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;

my $JSON = { 'Content-Type' => 'application/json' };

sub data_mdb { my ($t) = @_; local $/; open my $fh, '<:raw', $t->db . '/data.mdb' or die $!; return <$fh> }

# --- a raised cost: the login rehashes ----------------------------------------

my $t = NewsTest->new(http => 'news_password_cost 32m 2;');
my ($rc, $out, $err) = $t->newsctl_in("old-cheap-password\n", 'user', 'add', 'veteran');
is($rc, 0, 'an account hashed at newsctl\'s default cost') or diag $err;
like(data_mdb($t), qr/\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'at 19m 2');
$t->run;
my $res = $t->request('POST', '/api/session', { headers => $JSON,
                      content => '{"username":"veteran","password":"wrong-password"}' });
is($res->{status}, 401, 'a wrong password');
unlike(data_mdb($t), qr/m=32768,t=2,p=1/, 'leaves the hash alone');
$res = $t->request('POST', '/api/session', { headers => $JSON,
                   content => '{"username":"veteran","password":"old-cheap-password"}' });
is($res->{status}, 200, 'the right password logs in');
my $data = data_mdb($t);
like($data, qr/\$argon2id\$v=19\$m=32768,t=2,p=1\$/, 'and the hash is now at news_password_cost 32m 2');
$res = $t->request('POST', '/api/session', { headers => $JSON,
                   content => '{"username":"veteran","password":"old-cheap-password"}' });
is($res->{status}, 200, 'the new hash verifies');
$t->done;

# --- a site under /news/: its cookies stay there --------------------------------

my $p = NewsTest->new(location => 'return 404;',
                      server => 'location /news/ { news; }');
$p->run;
$res = $p->get('/news/login');
like($res->{headers}{'set-cookie'} // '', qr/^news_pre=[0-9a-f]{64}; Path=\/news\/; HttpOnly/, 'the pre-session cookie has Path=/news/');
$res = $p->request('POST', '/news/api/users', { headers => $JSON,
                   content => '{"username":"subpath","password":"subpath-password"}' });
is($res->{status}, 201, 'register under /news/');
$res = $p->request('POST', '/news/api/session', { headers => $JSON,
                   content => '{"username":"subpath","password":"subpath-password"}' });
like($res->{headers}{'set-cookie'} // '', qr/^news_session=[0-9a-f]{64}; Path=\/news\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
     'the session cookie has Path=/news/, not the whole host');
$p->done;

# --- behind a TLS-terminating proxy -------------------------------------------

my $x = NewsTest->new(http => 'news_scheme_header X-Forwarded-Proto;');
$x->run;
$res = $x->request('POST', '/api/users', { headers => $JSON,
                   content => '{"username":"proxied","password":"proxied-password"}' });
is($res->{status}, 201, 'register');
my $cred = '{"username":"proxied","password":"proxied-password"}';
$res = $x->request('POST', '/api/session', { headers => { %$JSON, 'X-Forwarded-Proto' => 'https' }, content => $cred });
my $sc = $res->{headers}{'set-cookie'} // '';
like($sc, qr/^__Host-news_session=[0-9a-f]{64}; Path=\/; .*; Secure$/, 'X-Forwarded-Proto: https: a Secure __Host- cookie');
my ($cookie) = $sc =~ /^([^;]+)/;
$res = $x->get('/api/me', { headers => { Cookie => $cookie, 'X-Forwarded-Proto' => 'https' } });
is($res->{status}, 200, 'which logs the reader in');
$res = $x->request('POST', '/api/session', { headers => $JSON, content => $cred });
like($res->{headers}{'set-cookie'} // '', qr/^news_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/,
     'without the header: plain HTTP, no Secure');
my $host = '127.0.0.1:' . $x->port;
$res = $x->request('POST', '/api/session', { headers => { %$JSON, 'X-Forwarded-Proto' => 'https', Origin => "https://$host" },
                                             content => $cred });
is($res->{status}, 200, 'the Origin check takes https from the proxy');
$res = $x->request('POST', '/api/session', { headers => { %$JSON, 'X-Forwarded-Proto' => 'https', Origin => "http://$host" },
                                             content => $cred });
is($res->{status}, 403, 'and refuses http:// then');
$x->done;

my $n = NewsTest->new;
$n->run;
$res = $n->request('POST', '/api/users', { headers => { %$JSON, 'X-Forwarded-Proto' => 'https' },
                   content => '{"username":"direct","password":"direct-password"}' });
$res = $n->request('POST', '/api/session', { headers => { %$JSON, 'X-Forwarded-Proto' => 'https' },
                   content => '{"username":"direct","password":"direct-password"}' });
unlike($res->{headers}{'set-cookie'} // '', qr/Secure|__Host-/, 'without news_scheme_header the header is not trusted');
$n->done;

done_testing;
