# An edge that answers badly: the origin's drainer sends its purges to a
# peer on loopback that answers each request as the test tells it (a
# status it does not take, no status line, a head that never ends, a
# connection closed before or inside the answer, a body to read, a
# connection it must not keep).  Each failure is logged once, the purges
# wait in the outbox, the site keeps answering, and the same purges reach
# the edge once it answers 200 again.  The drainer's own store calls
# failing (the fault shim): it tries again next round, or says so when
# the marks it moved could not be written, and the purges reach the edge
# all the same.  nginx -t refuses a news_edge it could not use.
use strict;
use warnings;
use Test::More;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsFaults;

my $SLUG = $NewsCitizen::SLUG;
my $ARTICLE = "/articles/$SLUG";

# nginx -t: a URL past the limit, and more edges than it keeps
{
    my $t = NewsTest->new(http => 'news_edge http://edge.example/' . ('p' x 600) . ';');
    my ($ok, $why) = $t->conf_test;
    ok(!$ok, 'a news_edge URL of 600 bytes is refused');
    like($why, qr/news_edge.*too long/, '... saying it is too long');

    $t = NewsTest->new(http => join ' ', map { "news_edge http://127.0.0.1:9/e$_;" } 1 .. 33);
    ($ok, $why) = $t->conf_test;
    ok(!$ok, '33 news_edge lines are refused');
    like($why, qr/more than 32 times/, '... saying how many it takes');

    for my $port (0, 65536, 99999) {
        $t = NewsTest->new(http => "news_edge http://127.0.0.1:$port/purge;");
        ($ok, $why) = $t->conf_test;
        ok(!$ok, "a news_edge on port $port is refused");
        like($why, qr/news_edge.*has a bad port/, '... saying why');
    }
}

# the peer: one process, one connection at a time, requests read in
# turn on a kept connection; each answered as the mode file says
my $t = NewsTest->new(workers => 1, make_db => 1);
my $f = NewsFaults::lib() ? NewsFaults->new($t) : undef;
my $dir = $t->dir;
my ($mode_file, $seen_file) = ("$dir/peer.mode", "$dir/peer.log");
my $listen = IO::Socket::INET->new(Listen => 16, LocalAddr => '127.0.0.1', LocalPort => 0,
                                   Proto => 'tcp', ReuseAddr => 1) or die "listen: $!";
my $peer_port = $listen->sockport;

sub set_mode {
    my ($mode) = @_;
    open my $fh, '>', "$mode_file.tmp" or die $!;
    print $fh $mode;
    close $fh;
    rename "$mode_file.tmp", $mode_file or die $!;
}

my %answers = (
    ok       => ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0],
    body     => ["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 0],
    late     => [["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", 'hello'], 0],
    close404 => ["HTTP/1.1 404 Not Found\r\n\r\n", 1],
    garbage  => ["nonsense\r\n\r\n", 0],
    status   => ["HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", 0],
    endless  => ['x' x 9000, 0],
    reset    => ['', 1],
    short    => ["HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 1],
);

set_mode('ok');
my $peer = fork // die "fork: $!";
if ($peer == 0) {
    $SIG{PIPE} = 'IGNORE';
    while (my $c = $listen->accept) {
        my $buf = '';
        CONN: while (1) {
            while ($buf !~ /\r\n\r\n/) {
                my $n = sysread $c, $buf, 65536, length $buf;
                last CONN unless $n;
            }
            my ($head, $rest) = split /\r\n\r\n/, $buf, 2;
            my ($len) = $head =~ /\r\ncontent-length:\s*(\d+)/i;
            while (length($rest) < ($len // 0)) {
                my $n = sysread $c, $rest, 65536, length $rest;
                last CONN unless $n;
            }
            $buf = substr $rest, $len // 0;
            my ($line) = $head =~ /^([^\r\n]*)/;
            my $mode = do { open my $fh, '<', $mode_file; local $/; <$fh> } // 'ok';
            open my $log, '>>', $seen_file or die $!;
            print $log "$mode $line\n";
            close $log;
            my ($answer, $close) = @{ $answers{$mode} };
            # pieces of an answer, a moment apart: the client reads the
            # body after the head
            my @pieces = ref $answer ? @$answer : ($answer);
            while (defined(my $piece = shift @pieces)) {
                syswrite $c, $piece if length $piece;
                sleep 0.05 if @pieces;
            }
            last if $close;
        }
        close $c;
    }
    exit 0;
}
close $listen;

# no rate on comments: the reader posts one for each case
$t->{http} = "news_base_url http://news.example.com/;\n    news_cache_max_age 300s;\n"
           . "    news_comment_rate 0;\n"
           . "    news_edge http://127.0.0.1:$peer_port/purge;";
$t->allow_log(qr/news_edge .* failed|news_edge: moving the edges' marks/);
$t->newsctl('import', 'demo/seed-article.json');
$f ? $f->run : $t->run;
my $reader = $t->login('reader1');

sub seen { open my $fh, '<', $seen_file or return ''; local $/; return <$fh> // '' }

# a comment, then the first request the peer sees after it; undef if none
# came in 15 s (a bound for a broken build, not a timed check)
my $n = 0;
sub comment_reaches_peer {
    my $from = length seen();
    my $r = $t->json('POST', $reader, "/api/articles/$SLUG/comments", '{"body":"comment ' . ++$n . '"}');
    is($r->{status}, 201, "comment $n is taken");
    for (1 .. 300) {
        my $new = substr seen(), $from;
        return $new if $new =~ m{PURGE /purge\Q$ARTICLE\E };
        sleep 0.05;
    }
    return undef;
}

sub log_says {
    my ($re) = @_;
    for (1 .. 300) {
        return 1 if $t->error_log =~ $re;
        sleep 0.05;
    }
    return 0;
}

# answers it takes
for my $mode (qw(ok body late close404)) {
    set_mode($mode);
    my $seen = comment_reaches_peer();
    like($seen // '', qr{^$mode PURGE /purge\Q$ARTICLE\E HTTP/1\.1$}m, "$mode: the purge is sent");
}
unlike($t->error_log, qr/news_edge .* failed/, 'none of those is a failure');

# answers it refuses: logged, kept, sent again once the edge is back
my $failed = 0;
for my $mode (qw(garbage status endless reset short)) {
    set_mode($mode);
    my $seen = comment_reaches_peer();
    ok(defined $seen, "$mode: the purge is tried");
    $failed++;
    ok(log_says(qr/(?:news_edge "[^"]*" failed.*){$failed}/s), "$mode: the edge is logged as failed");
    is($t->get($ARTICLE)->{status}, 200, "$mode: the site keeps answering");
    my $back = () = $t->error_log =~ /is back/g;
    my $from = length seen();
    set_mode('ok');
    ok(log_says(qr/(?:is back: purges sent.*){${\ ($back + 1)}}/s), "$mode: the edge is back once it answers");
    like(substr(seen(), $from), qr{^ok PURGE /purge\Q$ARTICLE\E }m, "$mode: the waiting purge reached it");
}

# whether the shim fails a call matching re, since its log was last
# looked at (15 s at most)
sub fires {
    my ($re) = @_;
    my $new = '';
    for (1 .. 300) {
        $new .= $f->fired;
        return 1 if $new =~ $re;
        sleep 0.05;
    }
    return 0;
}

# the drainer's own store calls failing
SKIP: {
    skip 'no fault library (make faults-lib)', 1 unless $f;
    set_mode('ok');

    # the outbox unreadable: nothing is sent until it reads again
    $f->fired;
    $f->arm("mdb_cursor_open\@news_outbox_read * EIO\n");
    ok(fires(qr/^mdb_cursor_open /m), 'the drainer cannot read the outbox');
    my $from = length seen();
    my $r = $t->json('POST', $reader, "/api/articles/$SLUG/comments", '{"body":"unread"}');
    is($r->{status}, 201, 'a comment is taken meanwhile');
    $f->fired;
    ok(fires(qr/^mdb_cursor_open /m), '... and the next round fails too');
    unlike(substr(seen(), $from), qr/PURGE/, '... and its purge waits');
    $f->arm('');
    my $sent = 0;
    for (1 .. 300) {
        last if $sent = substr(seen(), $from) =~ m{PURGE /purge\Q$ARTICLE\E };
        sleep 0.05;
    }
    ok($sent, '... then goes once the outbox reads again');

    # the marks not written: logged; the purges were sent, and go on
    my $marks = 0;
    for my $call (qw(mdb_put mdb_cursor_open mdb_cursor_del)) {
        $f->fired;
        $f->arm("$call\@news_outbox_mark 1 EIO\n");
        ok(defined comment_reaches_peer(), "$call of the marks failing: the purge is sent");
        ok(fires(qr/^$call /m), '... the call failed');
        $marks++;
        ok(log_says(qr/(?:news_edge: moving the edges' marks: .*){$marks}/s),
           '... and the log says the marks were not moved');
        $f->arm('');
    }
    ok(defined comment_reaches_peer(), 'the marks written again: the next purge is sent');
}

# the last comment's round sent in full: the peer's log stops growing
for (1 .. 30) {
    my $len = length seen();
    sleep 0.5;
    last if length seen() == $len;
}
my $from = length seen();
is($t->get($ARTICLE)->{status}, 200, 'a read sends nothing');
sleep 0.3;
is(substr(seen(), $from), '', '... and nothing already sent is sent again');

kill 'TERM', $peer;
waitpid $peer, 0;
$t->done;
done_testing;
