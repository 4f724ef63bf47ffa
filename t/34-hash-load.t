#!/usr/bin/perl
# Password hashing cannot starve writes: 64 logins hashing at once (for
# names that do not exist, which hash all the same) leave comment posts
# succeeding, at a latency within a generous ratio of the same posts
# measured unloaded in this test; past news_hash_queue a login is a 503
# with Retry-After at once.

use strict;
use warnings;

use Test::More;
use IO::Socket::IP;
use IO::Select;
use Time::HiRes qw(time sleep);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $RATIO = 50;

my $t = NewsTest->new(http => 'news_comment_rate 0; '
                              . 'news_login_throttle 5 1000;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;
my $cookie = $t->login('poster');

# the median time of a few comment posts, and their statuses
sub posts {
    my ($n, $tag) = @_;
    my (@times, @status);
    for my $i (1 .. $n) {
        my $t0 = time;
        my $r = $t->request('POST', "/api/articles/$SLUG/comments",
                            { headers => { 'Content-Type' => 'application/json', Cookie => $cookie },
                              content => qq({"body":"$tag $i"}) });
        push @times, time - $t0;
        push @status, $r->{status};
    }
    @times = sort { $a <=> $b } @times;
    return ($times[$#times / 2], @status);
}

# n logins for unknown names, from n addresses of a /24, sent at once
sub send_logins {
    my ($nginx, $net, $n) = @_;
    my @socks;
    for my $i (1 .. $n) {
        my $s = IO::Socket::IP->new(PeerHost => '127.0.0.1', PeerPort => $nginx->port,
                                    LocalHost => "$net.$i") or die "connect: $!";
        my $body = qq({"username":"nobody$i","password":"wrong-password"});
        print $s "POST /api/session HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 . "Content-Length: " . length($body) . "\r\n\r\n$body";
        push @socks, $s;
    }
    return @socks;
}

my ($base, @st) = posts(9, 'unloaded');
is(scalar(grep { $_ == 201 } @st), 9, 'unloaded: 9 comments posted');

# 64 logins for unknown names from 64 addresses, all sent at once
$t->mark_log;
my @logins = send_logins($t, '127.0.2', 64);
for (1 .. 200) {
    last if (() = $t->log_since_mark =~ /news: task posted/g) >= 64;
    sleep 0.05;
}

my ($loaded, @st2) = posts(9, 'loaded');
is(scalar(grep { $_ == 201 } @st2), 9, "while 64 logins hash: every comment posted (@st2)");
my $answered = () = IO::Select->new(@logins)->can_read(0);
cmp_ok($answered, '<', 64, "the posts ran while logins were still hashing ($answered of 64 answered)");
cmp_ok($loaded, '<=', $RATIO * $base,
       sprintf('a post took %.1f ms loaded against %.1f ms unloaded: within %dx', 1000 * $loaded, 1000 * $base, $RATIO));

my %login;
for my $s (@logins) {
    my $resp = '';
    while (sysread($s, $resp, 65536, length $resp)) { }
    $login{$resp =~ m{\AHTTP/1\.1 (\d+)} ? $1 : 0}++;
}
is($login{401} // 0, 64, 'and every login was answered 401 (unknown names hash too)')
    or diag explain \%login;
$t->done;

# past news_hash_queue: 503 with Retry-After, at once
my $q = NewsTest->new(http => 'news_hash_queue 1; news_login_throttle 5 1000;');
$q->run;
my @socks = send_logins($q, '127.0.3', 4);
my @resp = map { my $r = ''; while (sysread($_, $r, 65536, length $r)) { } $r } @socks;
my @busy = grep { m{\AHTTP/1\.1 503 } } @resp;
cmp_ok(scalar @busy, '>=', 1, 'news_hash_queue 1: logins beyond the queue get 503');
like($busy[0] // '', qr/\r\nRetry-After: 1\r\n/, 'with Retry-After: 1');
like($busy[0] // '', qr/"code":"busy"/, 'and the JSON error busy');
$q->done;

done_testing;
