#!/usr/bin/perl
# The login throttle against parallel guesses and against lockout:
# attempts are counted before the password is hashed, one may be in
# flight per account and per address, the hard limit is per account and
# address, the account alone is only slowed, IPv4 clients of a
# dual-stack listener are told apart by their own address, and an IPv6
# client is counted by its /64.

use strict;
use warnings;

use Test::More;
use IO::Socket::INET;
use IO::Socket::IP;
use Time::HiRes qw(sleep);
use lib 't/lib';
use NewsTest;

my $JSON = { 'Content-Type' => 'application/json' };

# many logins sent at once from one source address; their statuses
sub parallel_logins {
    my ($t, $from, @bodies) = @_;
    my @socks;
    for my $body (@bodies) {
        my $s = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $t->port,
                                    LocalHost => ref $from ? shift @$from : $from) or die "connect: $!";
        print $s "POST /api/session HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 . "Content-Length: " . length($body) . "\r\n\r\n$body";
        push @socks, $s;
    }
    my @status;
    for my $s (@socks) {
        my $resp = '';
        while (sysread($s, $resp, 65536, length $resp)) { }
        push @status, $resp =~ m{\AHTTP/1\.1 (\d+)} ? $1 : 0;
    }
    return @status;
}

# one login from a chosen source address: (status, Retry-After)
sub login_from {
    my ($t, $from, $name, $pw) = @_;
    my $http = HTTP::Tiny->new(timeout => 30, local_address => $from);
    my $r = $http->request('POST', $t->url('/api/session'),
                           { headers => $JSON, content => qq({"username":"$name","password":"$pw"}) });
    return ($r->{status}, $r->{headers}{'retry-after'});
}

sub count { my ($want, @s) = @_; return scalar grep { $_ == $want } @s }

# the owner, from an address of their own: at most slowed, never blocked
sub owner_logs_in {
    my ($t, $what) = @_;
    my ($s, $retry) = login_from($t, '127.0.0.3', 'owner', 'right-password');
    if ($s == 429) {
        is($retry, 1, "$what: the owner is at most slowed, Retry-After 1");
        sleep 1.1;
        ($s) = login_from($t, '127.0.0.3', 'owner', 'right-password');
    }
    is($s, 200, "$what: the owner logs in from another address");
}

my $t = NewsTest->new(http => 'news_login_throttle 5 1000;');
$t->run;
is(($t->newsctl_in("right-password\n", 'user', 'add', 'owner'))[0], 0, 'the account');

# --- 16 guesses at once -----------------------------------------------------

my @st = parallel_logins($t, '127.0.0.2', map { qq({"username":"owner","password":"guess-$_"}) } 1 .. 16);
my ($wrong, $limited) = (count(401, @st), count(429, @st));
is($wrong + $limited, 16, "16 parallel guesses: each a 401 or a 429 (@st)");
cmp_ok($wrong, '<=', 5, "no more guesses evaluated than the limit allows ($wrong)");
cmp_ok($limited, '>=', 11, "the rest refused with 429 ($limited)");

# the guesser's address stays blocked for this account, even with the
# right password: nothing tells it that it has found the password
my ($s, $retry) = login_from($t, '127.0.0.2', 'owner', 'right-password');
if ($s != 429) {
    # fewer than 5 were evaluated: use up the rest one by one
    login_from($t, '127.0.0.2', 'owner', "guess-$_") for 1 .. 5;
    ($s, $retry) = login_from($t, '127.0.0.2', 'owner', 'right-password');
}
is($s, 429, 'the guessing address gets 429 for the account');
cmp_ok($retry // 0, '>=', 1, "with Retry-After ($retry)");

# --- the owner, from elsewhere, is not locked out ---------------------------

owner_logs_in($t, 'after guesses from one address');

# --- 16 guesses at once from 16 addresses -----------------------------------

@st = parallel_logins($t, [map { "127.0.1.$_" } 1 .. 16],
                      map { qq({"username":"owner","password":"spread-$_"}) } 1 .. 16);
($wrong, $limited) = (count(401, @st), count(429, @st));
is($wrong + $limited, 16, "16 guesses from 16 addresses: 401 or 429 (@st)");
cmp_ok($limited, '>=', 8, "one attempt in flight per account: most refused ($limited)");
sleep 1.1;
owner_logs_in($t, 'after guesses from 16 addresses');
$t->done;

# --- a dual-stack listener: each IPv4 client has its own bucket -------------

SKIP: {
    my $probe = IO::Socket::IP->new(LocalHost => '::', LocalPort => 0, Listen => 1, V6Only => 0);
    skip 'no IPv6 on this machine', 3 unless $probe;
    close $probe;

    my $d = NewsTest->new(conf => <<'CONF');
load_module %%MODULE%%;
daemon off;
master_process off;
pid %%DIR%%/nginx.pid;
error_log %%DIR%%/logs/error.log debug;
events { worker_connections 256; }
http {
    access_log %%DIR%%/logs/access.log;
    client_body_temp_path %%DIR%%/tmp/body;
    news_db %%DB%%;
    news_db_size 64m;
    news_login_throttle 5 3;
    server {
        listen [::]:%%PORT%% ipv6only=off;
        location / { news; }
    }
}
CONF
    $d->run;
    # three wrong logins, each at another account, block the address
    my @s = map { (login_from($d, '127.0.0.4', "nobody$_", 'wrong-password'))[0] } 1 .. 3;
    is("@s", '401 401 401', 'three failures from 127.0.0.4 (address limit 3)');
    is((login_from($d, '127.0.0.4', 'nobody4', 'wrong-password'))[0], 429,
       '127.0.0.4 is blocked on the dual-stack listener');
    is((login_from($d, '127.0.0.5', 'nobody4', 'wrong-password'))[0], 401,
       '127.0.0.5 is not: ::ffff:a.b.c.d is keyed by the IPv4 address');
    $d->done;
}

# --- IPv6 clients (their address given by the realip module, so no IPv6
# on the machine is needed): a /64 is one client, its neighbour another -----

{
    my $v = NewsTest->new(http => "news_login_throttle 5 3;\n    set_real_ip_from 127.0.0.1;\n"
                                . "    real_ip_header X-Real-IP;");
    $v->run;
    my $from = sub {
        my ($ip, $name) = @_;
        return $v->request('POST', '/api/session',
                           { headers => { %$JSON, 'X-Real-IP' => $ip },
                             content => qq({"username":"$name","password":"wrong-password"}) })->{status};
    };
    my @s = map { $from->("2001:db8:1:2::$_", "nobody$_") } 1 .. 3;
    is("@s", '401 401 401', 'three failures from three addresses of 2001:db8:1:2::/64 (address limit 3)');
    is($from->('2001:db8:1:2:ffff::9', 'nobody4'), 429, 'a fourth address of that /64 is blocked');
    is($from->('2001:db8:1:3::1', 'nobody4'), 401, 'the next /64 is not');
    $v->done;
}

done_testing;
