# An edge that answers badly: the origin's drainer sends its purges to a
# peer on loopback that answers each request as the test tells it (a
# status it does not take, no status line, a head that never ends, a
# connection closed before or inside the answer, a body to read, a
# connection it must not keep).  Each failure is logged once, the purges
# wait in the outbox, the site keeps answering, and the same purges reach
# the edge once it answers 200 again.  The drainer's own store calls
# failing (the fault shim): it tries again next round, or says so when
# the marks it moved could not be written, and the purges reach the edge
# all the same.  nginx -t refuses a news_edge it could not use.  A
# second origin with a live publisher beside its edge, and purges kept
# 1 s: the publisher failing is logged as an edge is, and what waited
# longer than news_cache_max_age is dropped unsent, even while the
# outbox cannot drop it itself (its marks' write failing).
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
    # each connection one request: two edges of one drainer take turns
    close200 => ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", 1],
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

sub log_says { log_says_of($t, @_) }

sub log_says_of {
    my ($server, $re) = @_;
    for (1 .. 300) {
        return 1 if $server->error_log =~ $re;
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
    # its read txn not begun either (no request meanwhile begins one)
    $f->arm("mdb_txn_begin\@news_store_begin * EIO\n");
    ok(fires(qr/^mdb_txn_begin /m), "the drainer's read txn is refused");
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
$t->done;

# another origin on the same peer (the peer takes one connection at a
# time: the first origin is gone), with a live publisher beside its
# edge, and purges and events kept 1 s (news_cache_max_age): what waited
# longer while both failed is dropped unsent
my $t2 = NewsTest->new(workers => 1, make_db => 1);
$t2->{http} = "news_cache_max_age 1s;\n    news_comment_rate 0;\n"
            . "    news_edge http://127.0.0.1:$peer_port/purge;\n"
            . "    news_live_publish http://127.0.0.1:$peer_port/pub;";
$t2->allow_log(qr/news_edge .* failed|news_edge: moving the edges' marks/);
$t2->newsctl('import', 'demo/seed-article.json');
my $f2 = NewsFaults::lib() ? NewsFaults->new($t2) : undef;
$f2 ? $f2->run : $t2->run;
my $writer = $t2->login('writer1');
my ($article_id) = ($t2->get($ARTICLE)->{headers}{'surrogate-key'} // '') =~ /article-(\d+)/;
ok($article_id, "the article's id, from its keys");

# a comment's purge and live event, both seen by the peer; undef if
# either did not come in 15 s
sub both_reach_peer {
    my ($body) = @_;
    my $from = length seen();
    my $r = $t2->json('POST', $writer, "/api/articles/$SLUG/comments", qq({"body":"$body"}));
    is($r->{status}, 201, "the comment \"$body\" is taken");
    for (1 .. 300) {
        my $new = substr seen(), $from;
        return $new if $new =~ m{PURGE /purge\Q$ARTICLE\E } && $new =~ m{POST /pub/$article_id };
        sleep 0.05;
    }
    return undef;
}

set_mode('close200');
ok(defined both_reach_peer('both sent'), 'the purge and the live event are sent');
set_mode('status');
# with the shim, the outbox's own drop of what is older refused (the
# marks' write failing): the drainer passes over it all the same
$f2->arm("mdb_put\@news_outbox_mark * EIO\n") if $f2;
my $tried = both_reach_peer('stale');
ok(defined $tried, 'both are tried while the peer answers 500');
ok(log_says_of($t2, qr/news_edge "[^"]*\/pub" failed/), '... the live publisher is logged as failed');
ok(log_says_of($t2, qr/news_edge "[^"]*\/purge" failed/), '... and so is the edge');
# tried again after 1 s, then after 2 more: by then older than 1 s
sleep 2.5;
set_mode('close200');
my $from_back = length seen();
sleep 3;
is(substr(seen(), $from_back), '', 'what waited past news_cache_max_age is dropped, not sent');
$f2->arm('') if $f2;
ok(defined both_reach_peer('fresh'), 'the next comment reaches both');
$t2->done;

kill 'TERM', $peer;
waitpid $peer, 0;
done_testing;
