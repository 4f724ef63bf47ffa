package NewsBrowser;

=head1 NAME

NewsBrowser - a real browser for the reader-flow tests: Debian's Chromium,
headless, driven over the DevTools protocol on a pipe, with as many pages
(tabs) as a test needs

=head1 SYNOPSIS

    my $browser = NewsBrowser->new or plan skip_all => NewsBrowser::why_not();
    my $page = $browser->page($t);       # $t: the NewsTest whose url() it opens
    $page->go('/');
    $page->navigate_by(q{document.querySelector('a.brand').click()});
    like($page->text, qr/Log in/);
    $page->eval_js('location.pathname');
    my $other = $browser->page($t);      # a second tab, same cookies
    $browser->quit;                      # also done when it goes out of scope

Every wait gives up after 20 s with a message that names what it waited
for; a test wraps its journey in eval and reports $@ with
$browser->stderr.

=cut

use strict;
use warnings;
use File::Temp ();
use IO::Select;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(time);

my $CHROME = $ENV{CHROME_PATH} // '/usr/bin/chromium';
my $WAIT = 20;

sub why_not { -x $CHROME ? '' : "no $CHROME (make test installs Debian's chromium)" }

# Start the browser on --remote-debugging-pipe: JSON messages ending in NUL,
# commands on the browser's fd 3, answers and events on its fd 4.
sub new {
    my ($class) = @_;
    return undef if why_not();
    my $profile = File::Temp::tempdir('browser-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    pipe(my $to_chrome_r, my $to_chrome) or die "pipe: $!";
    pipe(my $from_chrome, my $from_chrome_w) or die "pipe: $!";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        # out of the way first (either may be fd 3 or 4); dup2's copies
        # are not closed on exec
        my ($r, $w) = (POSIX::dup2(fileno $to_chrome_r, 20), POSIX::dup2(fileno $from_chrome_w, 21));
        POSIX::dup2($r, 3) // POSIX::_exit(126);
        POSIX::dup2($w, 4) // POSIX::_exit(126);
        open STDOUT, '>', "$profile/stdout.log";
        open STDERR, '>', "$profile/stderr.log";
        exec { $CHROME } $CHROME, qw(--headless=new --no-sandbox --disable-gpu --disable-quic
                         --no-first-run --disable-background-networking --disable-component-update
                         --disable-sync --disable-dev-shm-usage --remote-debugging-pipe),
             "--user-data-dir=$profile", 'about:blank'
            or POSIX::_exit(127);
    }
    close $to_chrome_r;
    close $from_chrome_w;
    $to_chrome->autoflush(1);
    return bless { pid => $pid, profile => $profile, to => $to_chrome, from => $from_chrome,
                   inbox => '', next_id => 0, events => [] }, $class;
}

sub stderr {
    my ($self) = @_;
    open my $fh, '<', "$self->{profile}/stderr.log" or return '';
    local $/;
    return <$fh> // '';
}

# The next whole message from the browser, or die at $deadline.
sub _message {
    my ($self, $deadline) = @_;
    my $select = IO::Select->new($self->{from});
    while (index($self->{inbox}, "\0") < 0) {
        my $left = $deadline - time;
        die "browser: no answer in time\n" if $left <= 0 || !$select->can_read($left);
        sysread($self->{from}, $self->{inbox}, 65536, length $self->{inbox})
            or die "browser: pipe closed\n";
    }
    my $i = index($self->{inbox}, "\0");
    my $msg = substr($self->{inbox}, 0, $i);
    substr($self->{inbox}, 0, $i + 1) = '';
    return decode_json($msg);
}

# A command, to the browser itself or (with $session) to one page; events
# that arrive meanwhile are kept for wait_event.
sub send_cmd {
    my ($self, $method, $params, $session) = @_;
    my $id = ++$self->{next_id};
    my $msg = { id => $id, method => $method, params => $params // {} };
    $msg->{sessionId} = $session if $session;
    local $SIG{PIPE} = 'IGNORE';
    print { $self->{to} } encode_json($msg), "\0";
    my $deadline = time + $WAIT;
    while (1) {
        my $m = $self->_message($deadline);
        if (defined $m->{id} && $m->{id} == $id) {
            die "browser: $method: $m->{error}{message}\n" if $m->{error};
            return $m->{result};
        }
        push @{ $self->{events} }, $m if $m->{method};
    }
}

# The first event $name of page $session since its events were last cleared.
sub wait_event {
    my ($self, $name, $session) = @_;
    my $deadline = time + $WAIT;
    my $events = $self->{events};
    while (1) {
        for my $i (0 .. $#$events) {
            my $e = $events->[$i];
            next unless $e->{method} eq $name && ($e->{sessionId} // '') eq ($session // '');
            splice @$events, $i, 1;
            return $e;
        }
        my $m = $self->_message($deadline);
        push @$events, $m if $m->{method};
    }
}

sub clear_events {
    my ($self, $session) = @_;
    @{ $self->{events} } = grep { ($_->{sessionId} // '') ne ($session // '') } @{ $self->{events} };
}

# A new tab showing about:blank, sharing the profile (and so the cookies)
# of the others; $t->url(PATH) is where go(PATH) leads.
sub page {
    my ($self, $t) = @_;
    my $target = $self->send_cmd('Target.createTarget', { url => 'about:blank' })->{targetId};
    my $session = $self->send_cmd('Target.attachToTarget',
                                  { targetId => $target, flatten => JSON::PP::true })->{sessionId};
    my $page = bless { browser => $self, session => $session, t => $t }, 'NewsBrowser::Page';
    $page->send_cmd('Page.enable');
    $page->send_cmd('Network.enable');
    return $page;
}

sub quit {
    my ($self) = @_;
    return unless $self->{pid};
    kill 'TERM', $self->{pid};
    waitpid $self->{pid}, 0;
    delete $self->{pid};
}

sub DESTROY { $_[0]->quit }

package NewsBrowser::Page;

sub send_cmd {
    my ($self, $method, $params) = @_;
    return $self->{browser}->send_cmd($method, $params, $self->{session});
}

sub wait_event {
    my ($self, $name) = @_;
    return $self->{browser}->wait_event($name, $self->{session});
}

sub eval_js {
    my ($self, $js) = @_;
    my $r = $self->send_cmd('Runtime.evaluate', { expression => $js, returnByValue => JSON::PP::true,
                                                  awaitPromise => JSON::PP::true });
    return $r->{result}{value};
}

# Run $js that leaves the page (a click, a submit) and wait for the next one.
sub navigate_by {
    my ($self, $js) = @_;
    $self->{browser}->clear_events($self->{session});
    $self->eval_js($js);
    $self->wait_event('Page.loadEventFired');
}

sub go {
    my ($self, $path) = @_;
    $self->{browser}->clear_events($self->{session});
    $self->send_cmd('Page.navigate', { url => $self->{t}->url($path) });
    $self->wait_event('Page.loadEventFired');
}

sub text { $_[0]->eval_js('document.body.innerText') // '' }

# Poll $js (an expression) until it is true or $seconds pass; its last value.
sub wait_for {
    my ($self, $js, $seconds) = @_;
    my $deadline = Time::HiRes::time() + ($seconds // $WAIT);
    while (1) {
        my $v = $self->eval_js($js);
        return $v if $v || Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.05);
    }
}

# A PNG of the page as it is, written to $file.
sub screenshot {
    my ($self, $file) = @_;
    my $png = $self->send_cmd('Page.captureScreenshot', { format => 'png' })->{data};
    require MIME::Base64;
    open my $fh, '>:raw', $file or die "$file: $!";
    print $fh MIME::Base64::decode_base64($png);
    close $fh or die "$file: $!";
}

1;
