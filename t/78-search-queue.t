# A worker keeps at most 64 searches queued or running: with every
# search held inside its read transaction by the fault shim (PAUSE), 65
# sent at once get exactly one 503 with Retry-After, at once, while the
# other pages keep answering; once the searches go on, the 64 get their
# results.
use strict;
use warnings;
use Test::More;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);
use lib 't/lib';
use NewsTest;
use NewsFaults;

plan skip_all => 'no fault library (make faults-lib)' unless NewsFaults::lib();

my $t = NewsTest->new(workers => 1, connections => 512);
my $f = NewsFaults->new($t);
$t->newsctl('import', 'demo/seed-article.json');
$f->run;
is($t->get('/search?q=rubio')->{status}, 200, 'a search answers');

# a search's read txn is begun in the search pool by news_store_begin;
# nothing else begins one while this test runs
$f->hold;
$f->arm("mdb_txn_begin\@news_store_begin * PAUSE\n");

my @socks = map {
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $t->port, Proto => 'tcp')
        or die "connect: $!";
    print $s "GET /search?q=rubio+$_ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    $s;
} 1 .. 65;
ok($f->wait_log(qr/^mdb_txn_begin \d+ /m), 'the searches are held in their transactions');

# the one past the bound is answered at once; the others wait
my %answer;
my $sel = IO::Select->new(@socks);
my $until = time + 20;      # a bound for a broken build, not a timed check
while (time < $until && !grep { /^HTTP\/1\.1 503/ } values %answer) {
    for my $s ($sel->can_read(0.5)) {
        my $n = sysread $s, my $buf, 65536;
        $answer{$s} .= $buf if $n;
        $sel->remove($s) unless $n;
    }
}
my @refused = grep { /^HTTP\/1\.1 503/ } values %answer;
is(scalar @refused, 1, 'one search of 65 is refused');
like($refused[0] // '', qr/\r\nRetry-After: \d+\r\n/i, '... with Retry-After');
is(scalar(grep { !/^HTTP\/1\.1 503/ && length } values %answer), 0, 'the 64 others wait');
is($t->get('/')->{status}, 200, 'the front page answers meanwhile');
is($t->get('/articles/us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico')->{status}, 200,
   '... and the article');

$f->release;
$f->arm('');

# the held ones go on
$until = time + 30;
while (time < $until && $sel->count) {
    for my $s ($sel->can_read(0.5)) {
        my $n = sysread $s, my $buf, 65536;
        $answer{$s} .= $buf if $n;
        $sel->remove($s) unless $n;
    }
}
is(scalar(grep { /^HTTP\/1\.1 200/ } values %answer), 64, 'the 64 held searches get their results');
is($t->get('/search?q=rubio')->{status}, 200, 'and the next search is taken');

close $_ for @socks;
$t->done;
done_testing;
