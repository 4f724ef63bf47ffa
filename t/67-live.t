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
    my $t = NewsLive::site(http => 'news_comment_premoderation on;');

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

# a live blog: an article marked "live" by its editors sends its new body
# to open pages on every update; other articles, and drafts, send nothing
{
    my $t = NewsLive::site(http => 'news_comment_rate 0;');
    my $editor = $t->login('editor1', 'editor');
    my $reader = $t->login('reader3');
    my $id = NewsLive::article_id($t, $SLUG);
    my $seed = decode_json(do { local (@ARGV, $/) = 'demo/seed-article.json'; <> });
    my $put = sub {
        my (%change) = @_;
        return $t->request('PUT', "/api/articles/$SLUG",
                           { headers => { %$JSON, Cookie => $editor },
                             content => encode_json({ %$seed, %change }) });
    };

    for my $bad ('"yes"', '1', 'null', '[]', '{}') {
        my $r = $t->request('PUT', "/api/articles/$SLUG",
                            { headers => { %$JSON, Cookie => $editor },
                              content => substr(encode_json($seed), 0, -1) . qq(,"live":$bad}) });
        is($r->{status}, 400, "\"live\": $bad is refused (a wrong JSON type)");
        like($r->{content}, qr/live/, '... naming the field');
    }
    unlike($t->get("/articles/$SLUG")->{content}, qr{class="live"}, 'not live: no label');

    my $sub = NewsLive::subscribe($t, $id);
    # an update of an article that is not live: no event (the next one is a comment's)
    is($put->(body => "Not live yet.\n\n$seed->{body}")->{status}, 200, 'an update, not live');
    post($t, $reader, 'A comment between updates');
    my $ev = NewsLive::next_event($sub, 10);
    ok($ev && $ev->{id} && !exists $ev->{body}, '... sends no body, the next event is a comment');

    my $entry = "**14:05** The talks resume <script>alert(1)</script> after lunch.";
    my $r = $put->(live => JSON::PP::true, body => "$entry\n\n$seed->{body}");
    is($r->{status}, 200, 'an editor marks the article live, with a first entry');
    $ev = NewsLive::next_event($sub, 10);
    like($ev && $ev->{body} // '', qr{<strong>14:05</strong> The talks resume}, '... open pages get the new body');
    unlike($ev && $ev->{body} // '', qr{<script}, '... as the page shows it: markup in the text stays text');
    is(scalar(grep { !/^body$/ } keys %{ $ev // {} }), 0, '... and nothing else');
    my $page = $t->get("/articles/$SLUG")->{content};
    like($page, qr{<p class="byline"><strong class="live">Live</strong> · }, 'the page says Live');
    is(decode_json($t->get("/api/articles/$SLUG")->{content})->{live}, JSON::PP::true,
       'the JSON says "live": true');

    $r = $put->(live => JSON::PP::true, status => 'draft', body => "Draft entry\n\n$seed->{body}");
    is($r->{status}, 200, 'a live article put back to draft');
    post($t, $editor, 'An editor comments on the draft');
    $r = $put->(live => JSON::PP::false, body => "Over.\n\n$seed->{body}");
    is($r->{status}, 200, '... published again, no longer live');
    post($t, $reader, 'The last comment');
    $ev = NewsLive::next_event($sub, 10);
    ok($ev && !exists $ev->{body}, 'neither the draft nor the article that is no longer live sent a body');
    unlike($t->get("/articles/$SLUG")->{content}, qr{class="live"}, '... and the label is gone');
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
