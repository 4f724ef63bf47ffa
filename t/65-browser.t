# A real browser (Debian's Chromium, headless, driven over the DevTools
# protocol on a pipe): open an article logged out, log in, come back to it
# and see the logged-in page, post a comment, log out and see the
# logged-out page.  What it guards: the browser's own cache never shows a
# page of the wrong session (issue 11, point 6).
use strict;
use warnings;
use Test::More;
use File::Temp ();
use IO::Select;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time);
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $CHROME = $ENV{CHROME_PATH} // '/usr/bin/chromium';
plan skip_all => "no $CHROME (make test installs Debian's chromium)" unless -x $CHROME;

my $SLUG = $NewsCitizen::SLUG;
my $t = NewsCitizen::start(http => 'news_comment_rate 0; news_cache_max_age 600;');
$t->login('alice');    # registered; the browser logs in with the form

### The DevTools protocol over --remote-debugging-pipe: JSON messages
### ending in NUL, commands on the browser's fd 3, answers on its fd 4.

my $profile = File::Temp::tempdir('browser-XXXXXX', TMPDIR => 1, CLEANUP => 1);
pipe(my $to_chrome_r, my $to_chrome) or die "pipe: $!";
pipe(my $from_chrome, my $from_chrome_w) or die "pipe: $!";
my $pid = fork // die "fork: $!";
if ($pid == 0) {
    # out of the way first (either may be fd 3 or 4); dup2's copies are
    # not closed on exec
    my ($r, $w) = (POSIX::dup2(fileno $to_chrome_r, 20), POSIX::dup2(fileno $from_chrome_w, 21));
    POSIX::dup2($r, 3) // POSIX::_exit(126);
    POSIX::dup2($w, 4) // POSIX::_exit(126);
    open STDOUT, '>', "$profile/stdout.log";
    open STDERR, '>', "$profile/stderr.log";
    exec { $CHROME } $CHROME, qw(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
                     --disable-background-networking --disable-component-update --disable-sync
                     --disable-dev-shm-usage --remote-debugging-pipe), "--user-data-dir=$profile",
         'about:blank'
        or POSIX::_exit(127);
}
close $to_chrome_r;
close $from_chrome_w;
local $SIG{PIPE} = 'IGNORE';
$to_chrome->autoflush(1);

my ($next_id, $inbox, @events, $session) = (0, '');

sub message {
    my ($deadline) = @_;
    my $select = IO::Select->new($from_chrome);
    while (index($inbox, "\0") < 0) {
        my $left = $deadline - time;
        die "browser: no answer in time\n" if $left <= 0 || !$select->can_read($left);
        sysread($from_chrome, $inbox, 65536, length $inbox) or die "browser: pipe closed\n";
    }
    my $i = index($inbox, "\0");
    my $msg = substr($inbox, 0, $i);
    substr($inbox, 0, $i + 1) = '';
    return decode_json($msg);
}

sub send_cmd {
    my ($method, $params, $no_session) = @_;
    my $id = ++$next_id;
    my $msg = { id => $id, method => $method, params => $params // {} };
    $msg->{sessionId} = $session if $session && !$no_session;
    print $to_chrome encode_json($msg), "\0";
    my $deadline = time + 20;
    while (1) {
        my $m = message($deadline);
        if (defined $m->{id} && $m->{id} == $id) {
            die "browser: $method: $m->{error}{message}\n" if $m->{error};
            return $m->{result};
        }
        push @events, $m if $m->{method};
    }
}

sub wait_event {
    my ($name) = @_;
    my $deadline = time + 20;
    while (1) {
        while (my $e = shift @events) { return $e if $e->{method} eq $name }
        my $m = message($deadline);
        push @events, $m if $m->{method};
    }
}

sub eval_js {
    my ($js) = @_;
    my $r = send_cmd('Runtime.evaluate', { expression => $js, returnByValue => JSON::PP::true,
                                           awaitPromise => JSON::PP::true });
    return $r->{result}{value};
}

# run $js that leaves the page (a click, a submit) and wait for the next one
sub navigate_by {
    my ($js) = @_;
    @events = ();
    eval_js($js);
    wait_event('Page.loadEventFired');
}

sub go {
    my ($path) = @_;
    @events = ();
    send_cmd('Page.navigate', { url => $t->url($path) });
    wait_event('Page.loadEventFired');
}

sub text { eval_js('document.body.innerText') // '' }

my $ok = eval {
    my $target = send_cmd('Target.createTarget', { url => 'about:blank' }, 1)->{targetId};
    $session = send_cmd('Target.attachToTarget', { targetId => $target, flatten => JSON::PP::true }, 1)->{sessionId};
    send_cmd('Page.enable');
    send_cmd('Network.enable');

    go('/');
    like(text(), qr/Log in/, 'logged out: the front page');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Log in to comment/, 'logged out: the article asks to log in');

    navigate_by(q{document.querySelector('.comment-login a').click()});
    like(eval_js('location.pathname'), qr{/login$}, '"Log in to comment" opens the login page');
    navigate_by(q{document.getElementById('username').value = 'alice';
                  document.getElementById('password').value = 'pw-of-alice-123';
                  document.querySelector('form.account').submit()});
    like(eval_js('location.pathname'), qr{/articles/$SLUG$}, 'logging in returns to the article');
    like(text(), qr/Logged in as alice/, 'and it is the logged-in page, not the cached logged-out one');

    # the browser holds both pages from before: it must not show them
    navigate_by(q{document.querySelector('a.brand').click()});
    like(text(), qr/Logged in as alice/, 'the front page, seen logged out before: now the logged-in one');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Logged in as alice/, 'coming back to the article: the logged-in page');
    unlike(text(), qr/Log in to comment/, 'with no login link');
    go("/articles/$SLUG");
    like(text(), qr/Logged in as alice/, 'and again when its address is typed');

    navigate_by(q{document.getElementById('comment-body').value = 'Posted from a real browser';
                  document.getElementById('comment-form').submit()});
    like(text(), qr/Posted from a real browser/, 'a comment posted from the form is on the page');

    navigate_by(q{document.querySelector('form.logout').submit()});
    unlike(text(), qr/Logged in as/, 'logging out: the front page names no one');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Log in to comment/, 'logged out: the article asks to log in again');
    unlike(text(), qr/Logged in as/, 'and names no one');
    like(text(), qr/Posted from a real browser/, 'with the comment');
    1;
};
ok($ok, 'the browser session ran to the end')
    or diag $@, do { local (@ARGV, $/) = "$profile/stderr.log"; <> } // '';

kill 'TERM', $pid;
waitpid $pid, 0;
$t->done;
done_testing;
