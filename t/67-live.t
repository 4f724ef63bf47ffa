# Live comments: the module publishes each comment change to nchan
# (Debian's libnginx-mod-nchan) after its commit, and a reader's
# Server-Sent Events stream gets it: a new comment's HTML, an approval,
# a moderator's hide as a removal; a held comment never.  Then two nginx
# sharing one Redis (Debian's redis-server): a comment posted on one
# reaches a reader connected to the other.
use strict;
use warnings;
use Test::More;
use Digest::SHA ();
use File::Temp ();
use POSIX ();
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time sleep);
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsLive;

my $NCHAN = $NewsLive::NCHAN;
plan skip_all => "no $NCHAN (Debian's libnginx-mod-nchan)" unless -f $NCHAN;

my $SLUG = $NewsCitizen::SLUG;
my $JSON = { 'Content-Type' => 'application/json' };

sub post {
    my ($t, $cookie, $body, $parent) = @_;
    my $json = encode_json({ body => $body, ($parent ? (parent => $parent) : ()) });
    return $t->request('POST', "/api/articles/$SLUG/comments",
                       { headers => { %$JSON, Cookie => $cookie }, content => $json });
}

# nginx -t refuses a publisher it could not send to, or two
for my $bad ('news_live_publish https://nchan.example/pub;',
             "news_live_publish http://a/pub;\n    news_live_publish http://b/pub;") {
    my $t = NewsTest->new(http => $bad);
    my ($ok, $why) = $t->conf_test;
    ok(!$ok, "refused: $bad");
    like($why, qr/news_live_publish/, '... naming news_live_publish');
}

{
    my $t = NewsTest->new(
        main => "load_module $NCHAN;",
        http => join("\n    ", 'news_comment_premoderation on;',
                     'news_live_publish http://127.0.0.1:%%PORT%%/live-publish;'),
        server => NewsLive::locations());
    my ($rc, undef, $err) = $t->newsctl('import', 'demo/seed-article.json');
    die "import: $err" if $rc;
    $t->run;

    my $mod = $t->login('mod1', 'moderator');
    my $reader = $t->login('reader1');
    my $id = NewsLive::article_id($t, $SLUG);
    ok($id, 'the article id, from its key');

    # the page names its stream and carries one script, allowed by its hash
    my $page = $t->get("/articles/$SLUG");
    like($page->{content}, qr{<section class="comments" id="comments" [^>]*data-live="live/$id"},
         'the comments section names its stream');
    my @scripts = $page->{content} =~ m{<script>(.*?)</script>}sg;
    is(scalar @scripts, 1, 'one script');
    my $hash = Digest::SHA::sha256_base64($scripts[0] // '') . '=';
    my $csp = $page->{headers}{'content-security-policy'} // '';
    like($csp, qr{script-src 'sha256-\Q$hash\E'}, '... allowed by its hash in the CSP');
    unlike($csp, qr{unsafe-inline}, '... no unsafe-inline');
    unlike($scripts[0] // '', qr{https?:}, '... no third-party request');

    my $sub = NewsLive::subscribe($t, $id);
    like($sub->{head}, qr{^HTTP/1\.1 200}, 'a reader opens the stream');
    like($sub->{head}, qr{Content-Type: text/event-stream}i, '... Server-Sent Events');

    # a held comment never reaches the stream
    my $r = post($t, $reader, 'Held for a moderator, secret words.');
    is($r->{status}, 201, 'a reader posts (held for moderation)');
    my $held = decode_json($r->{content})->{id};

    # a moderator's own comment is not held: it is on the stream
    $r = post($t, $mod, 'A moderator says hello live.');
    is($r->{status}, 201, 'a moderator posts');
    my $top = decode_json($r->{content})->{id};
    my $ev = NewsLive::next_event($sub, 10);
    ok($ev, 'an event arrives');
    is($ev->{id}, $top, "... for the moderator's comment, not the held one");
    like($ev->{html} // '', qr{<li class="comment" id="comment-$top">.*A moderator says hello live\.}s,
         '... with its HTML as the thread shows it');
    is($ev->{parent}, 0, '... a top comment');

    # approving the held comment shows it; hiding it takes it away
    $r = $t->request('PATCH', "/api/comments/$held",
                     { headers => { %$JSON, Cookie => $mod }, content => '{"status":"visible"}' });
    is($r->{status}, 204, 'the moderator approves the held comment');
    $ev = NewsLive::next_event($sub, 10);
    is($ev && $ev->{id}, $held, 'the approved comment is on the stream');
    like($ev && $ev->{html} // '', qr/secret words/, '... with its text');

    $r = $t->request('PATCH', "/api/comments/$held",
                     { headers => { %$JSON, Cookie => $mod }, content => '{"status":"hidden"}' });
    is($r->{status}, 204, 'the moderator hides it');
    $ev = NewsLive::next_event($sub, 10);
    is_deeply($ev, { id => $held, remove => JSON::PP::true }, 'a removal, and nothing of its text');

    # a reply names its parent; text that would be markup stays text
    $r = post($t, $mod, '<script>alert(1)</script> a reply', $top);
    is($r->{status}, 201, 'a reply');
    $ev = NewsLive::next_event($sub, 10);
    is($ev && $ev->{parent}, $top, '... names its parent');
    unlike($ev && $ev->{html} // '', qr/<script>/, '... escaped');

    close $sub->{sock};
    $t->done;
}

# two nginx, one Redis: the origin publishes, a reader on the other gets it
SKIP: {
    my $redis_bin = '/usr/bin/redis-server';
    skip "no $redis_bin (Debian's redis-server)", 4 unless -x $redis_bin;

    my $dir = File::Temp::tempdir('redis-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my $port = free_port();
    my $redis = fork // die "fork: $!";
    if ($redis == 0) {
        open STDOUT, '>', "$dir/redis.log";
        open STDERR, '>&', \*STDOUT;
        exec($redis_bin, '--port', $port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
             '--dir', $dir) or POSIX::_exit(127);
    }
    my $up = 0;
    for (1 .. 250) {
        last if $up = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 1);
        sleep 0.02;
    }
    ok($up, 'redis-server listens');

    my $origin = NewsTest->new(
        main => "load_module $NCHAN;",
        http => 'news_live_publish http://127.0.0.1:%%PORT%%/live-publish;',
        server => NewsLive::locations($port));
    my ($rc, undef, $err) = $origin->newsctl('import', 'demo/seed-article.json');
    die "import: $err" if $rc;
    my $other = NewsTest->new(module => 0, main => "load_module $NCHAN;",
                              location => 'return 404;', server => NewsLive::locations($port));
    $origin->run;
    $other->run;

    my $id = NewsLive::article_id($origin, $SLUG);
    # nchan connects to Redis after it starts: until then it answers 503
    my $sub;
    for (1 .. 100) {
        $sub = NewsLive::subscribe($other, $id);
        last if $sub->{head} =~ m{^HTTP/1\.1 200};
        close $sub->{sock};
        sleep 0.05;
    }
    like($sub->{head}, qr{^HTTP/1\.1 200}, 'a reader opens the stream on the other nginx');

    my $reader = $origin->login('reader2');
    my $r = post($origin, $reader, 'Across machines, through Redis.');
    is($r->{status}, 201, 'a comment posted at the origin');
    my $ev = NewsLive::next_event($sub, 10);
    like($ev && $ev->{html} // '', qr/Across machines, through Redis\./,
         '... reaches the reader connected to the other nginx');

    close $sub->{sock};
    $other->done;
    $origin->done;
    kill 'TERM', $redis;
    waitpid $redis, 0;
}

done_testing;

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0) or die $!;
    return $s->sockport;
}
