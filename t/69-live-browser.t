# Live comments as readers see them: two tabs of a real browser (Debian's
# Chromium) on one article; a comment and a reply posted from the form in
# one appear in the other without a reload, where a reload would put
# them; a moderator's hide takes the comment out of the open page; an
# editor's new entry in a live blog appears in its body.  Then
# 5,000 streams held open on one worker: every one gets the next comment,
# and the worker's memory and its CPU time while they idle are reported.
use strict;
use warnings;
use Test::More;
use Time::HiRes qw(time sleep);
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsLive;
use NewsBrowser;

plan skip_all => "no $NewsLive::NCHAN (Debian's libnginx-mod-nchan)" unless -f $NewsLive::NCHAN;

my $SLUG = $NewsCitizen::SLUG;
my $JSON = { 'Content-Type' => 'application/json' };
my $STREAMS = $ENV{TEST_LIVE_STREAMS} // 5000;

SKIP: {
    skip NewsBrowser::why_not(), 1 if NewsBrowser::why_not();
    my $t = NewsLive::site(http => 'news_comment_rate 0;');
    my $mod = $t->login('mod1', 'moderator');
    my $editor = $t->login('editor1', 'editor');
    my ($session) = $t->login('alice') =~ /=(.*)/;
    my $browser = NewsBrowser->new;

    my $ok = eval {
        my $writer = $browser->page($t);
        $writer->send_cmd('Network.setCookie', { name => 'news_session', value => $session,
                                                 url => $t->url('/'), httpOnly => JSON::PP::true });
        my $reader = $browser->page($t);
        $writer->go("/articles/$SLUG");
        $reader->go("/articles/$SLUG");
        like($reader->text, qr/Logged in as alice/, 'two tabs on the article, logged in');
        $reader->eval_js('window.stillTheSamePage = 1');

        $writer->navigate_by(q{document.getElementById('comment-body').value = 'Live from the first tab';
                               document.getElementById('comment-form').submit()});
        my $posted = time;
        like($writer->text, qr/Live from the first tab/, 'a comment posted from the form in one tab');
        my $shown = $reader->wait_for(q{document.querySelector('ol.comment-list')
                                         && document.body.innerText.includes('Live from the first tab')
                                         && window.stillTheSamePage === 1}, 10);
        ok($shown, '... appears in the other tab, without a reload');
        diag(sprintf 'live: the comment was in the other tab %.2f s after its page came back',
             time - $posted);
        my $id = $reader->eval_js(q{(function(){var l=document.querySelectorAll('ol.comment-list > li.comment');
                                    return l.length ? l[l.length-1].id.replace('comment-','') : ''})()});
        like($id, qr/^\d+$/, '... as the last comment of the list, where a reload puts it');

        # a reply (through the API, as the reply form posts it) lands under its parent
        my $r = $t->request('POST', "/api/articles/$SLUG/comments",
                            { headers => { %$JSON, Cookie => "news_session=$session" },
                              content => encode_json({ body => 'A reply, live', parent => 0 + $id }) });
        is($r->{status}, 201, 'a reply is posted');
        ok($reader->wait_for(qq{(function(){var p=document.getElementById('comment-$id');
                                  return p && p.querySelector('ol.replies') &&
                                  p.querySelector('ol.replies').innerText.includes('A reply, live')})()}, 10),
           '... and appears under its parent in the open tab');

        $r = $t->request('PATCH', "/api/comments/$id",
                         { headers => { %$JSON, Cookie => $mod }, content => '{"status":"hidden"}' });
        is($r->{status}, 204, 'a moderator hides the first comment');
        ok($reader->wait_for(q{!document.body.innerText.includes('Live from the first tab')
                                && document.body.innerText.includes('[removed]')}, 10),
           '... its text leaves the open tab, its reply stays under "[removed]"');

        # a live blog: the editors' new entry replaces the body of the open page
        my $seed = decode_json(do { local (@ARGV, $/) = 'demo/seed-article.json'; <> });
        $r = $t->request('PUT', "/api/articles/$SLUG",
                         { headers => { %$JSON, Cookie => $editor },
                           content => encode_json({ %$seed, live => JSON::PP::true,
                                                    body => "**11:02** A new entry, live.\n\n$seed->{body}" }) });
        is($r->{status}, 200, 'an editor adds an entry to the article, now a live blog');
        ok($reader->wait_for(q{(function(){var b=document.querySelector('.story .body strong');
                                return b && b.textContent === '11:02'
                                && document.querySelector('.story .body').innerText.includes('A new entry, live.')})()}, 10),
           '... the entry appears in the open tab, in the body');
        is($reader->eval_js('window.stillTheSamePage'), 1, 'all of it without a reload');
        1;
    };
    ok($ok, 'the two tabs ran to the end') or diag $@, $browser->stderr;
    $browser->quit;
    $t->done;
}

# Many open streams on one worker: each a socket that waits; nchan holds
# them in the event loop, so idle they cost no CPU.
SKIP: {
    my $want = $STREAMS + 500;
    skip "the open-file limit is below $want (ulimit -n)", 4
        if `sh -c 'ulimit -n'` < $want;
    my $t = NewsLive::site(http => 'news_comment_rate 0;',
                           main => "\nworker_rlimit_nofile " . (2 * $want) . ';',
                           test => { connections => $want, log_level => 'notice' });
    my $id = NewsLive::article_id($t, $SLUG);
    my ($worker) = $t->worker_pids;
    my $before = rss_kib($worker);

    my @subs;
    for (1 .. $STREAMS) {
        my $sub = NewsLive::subscribe($t, $id);
        last unless $sub->{head} =~ m{^HTTP/1\.1 200};
        push @subs, $sub;
    }
    is(scalar @subs, $STREAMS, "$STREAMS streams open on one worker");
    my $after = rss_kib($worker);
    diag(sprintf 'live: worker RSS %d KiB before, %d KiB with %d streams: %.1f KiB a stream',
         $before, $after, scalar @subs, ($after - $before) / (@subs || 1));

    my $cpu = cpu_ticks($worker);
    sleep 3;
    my $idle = cpu_ticks($worker) - $cpu;
    diag("live: the worker's CPU while $STREAMS streams idled 3 s: $idle ticks (1/100 s)");
    cmp_ok($idle, '<=', 30, '... idle streams cost (next to) no CPU');

    my $r = $t->request('POST', "/api/articles/$SLUG/comments",
                        { headers => { %$JSON, Cookie => $t->login('bob') },
                          content => '{"body":"To every open page"}' });
    is($r->{status}, 201, 'a comment is posted');
    my $got = grep { my $ev = NewsLive::next_event($_, 10); $ev && ($ev->{html} // '') =~ /To every open page/ } @subs;
    is($got, scalar @subs, '... and every stream gets it');
    close $_->{sock} for @subs;
    $t->done;
}

done_testing;

sub rss_kib {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/status" or return 0;
    while (<$fh>) { return $1 if /^VmRSS:\s+(\d+)/ }
    return 0;
}

sub cpu_ticks {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/stat" or return 0;
    my @f = split ' ', (<$fh> =~ s/^.*\) //r);
    return $f[11] + $f[12];    # utime + stime, fields 14 and 15 of stat(5)
}
