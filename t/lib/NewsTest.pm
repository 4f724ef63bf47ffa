package NewsTest;

=head1 NAME

NewsTest - run a private nginx with ngx_http_news_module for one test file

=head1 SYNOPSIS

    use Test::More;
    use lib 't/lib';
    use NewsTest;

    my $t = NewsTest->new(location => 'news;');
    $t->run;
    my $res = $t->get('/');
    is($res->{status}, 200, 'front page');
    $t->done;            # stops nginx and runs the final checks as tests
    done_testing;

=head1 DESCRIPTION

Each object owns a private prefix (a File::Temp directory, removed at exit
unless C<TEST_NGINX_LEAVE> is set) with C<nginx.conf>, C<logs/>, C<tmp/> and
the store directory C<db/>, plus a free port on 127.0.0.1.  Separate prefixes
and ports are what make C<prove -j> safe.

The nginx binary is C<$ENV{TEST_NGINX_BINARY}> or C</usr/sbin/nginx>; the
module is C<build/ngx_http_news_module.so> and the CLI C<build/newsctl>, both
found relative to this file (C<t/lib/../..>).  Test files run from the
repository root (C<prove t/...>), as C<use lib 't/lib'> assumes.

When the harness runs as root, nginx's workers run as C<nobody> (we never add
a C<user> line), so the prefix is made 0755 and C<db/> is created owned by
C<nobody:nogroup>.  Pass C<< make_db => 0 >> to leave C<db/> uncreated.

=head2 Final checks: call C<< $t->done >> before C<done_testing>

The final checks are ordinary tests, so they have to run while Test::More
still accepts tests.  That is why they live in C<done> and not in a
destructor: C<done> stops nginx (QUIT, then TERM, then KILL) and then emits
two tests:

=over

=item * the whole error.log (and nginx's captured stderr) has no C<[alert]>,
C<[crit]> or C<[emerg]> line and no "Sanitizer" line.  Lines matching a
pattern given to C<allow_log> are ignored, and so are lines written by
processes the harness already judged: an C<nginx -t> that C<conf_test>
reported as failed, or a start attempt that C<run> retried on a busy port.
A master that ignored QUIT for 10 s also fails this test.

=item * no nginx process of this prefix is left.

=back

If nginx never ran (the object was only used for C<conf_test>), both are
reported as skipped.

Forgetting C<done> is loud: if an object whose nginx ran reaches its
destructor or program exit without C<done>, the harness stops nginx, prints a
diagnostic, and sets the exit status to 255, so prove reports the file as
failed.  All of this is guarded by "am I the process that created the
object", so forked children never stop or judge nginx.

=head1 METHODS

=over

=item new(%opt)

Options: C<workers> (1), C<connections> (256, each worker's
C<worker_connections>), C<master> (1; 0 writes C<master_process off>,
for quick tests that need no fork, reload or exit_process), C<module> (1;
0 leaves out C<load_module> and the news_* lines so plain nginx can run),
C<main>, C<http>, C<server> (extra
text at main level, in http{} after the defaults, in server{}),
C<location> ('news;', the body of C<location />), C<listen> (more
parameters of the server's C<listen>, e.g. 'reuseport' or 'http2'), C<tls>
(0; 1 listens with C<ssl> on a self-signed certificate made in the
prefix), C<log_format> (the access log's format, e.g.
'$pid $status $request_uri', instead of nginx's combined), C<db_size> ('64m';
pass undef to omit C<news_db_size>), C<make_db> (1), C<log_level> ('debug';
a long run wants 'notice'), and C<conf>: a whole
config that replaces the template.  In C<conf> and in the fragments,
C<%%DIR%%>, C<%%PORT%%>,
C<%%MODULE%%> (the .so path) and C<%%DB%%> are substituted.

=item dir, db, port, pid, root, url($path), error_log_path

The prefix, the store directory, the port, the master pid (undef when not
running), the repository root, C<http://127.0.0.1:PORT$path>, the error log.

=item conf_text, write_conf

The config text for the current settings; write it to C<DIR/nginx.conf>.

=item conf_test

C<nginx -t> with the same C<-p -c -e> as C<run>.  Returns C<($ok, $stderr)>.

=item run

C<conf_test> (dies with its stderr on failure), then starts nginx in the
foreground and waits (5 s) for the pid file, a TCP connect and the
configured number of workers (the master listens before it forks).  Dies, after
cleaning up, if nginx exits or a worker "exited with fatal code".  Retries
up to 3 times with a new port on "Address already in use".

=item get($path, \%opt), request($method, $path, \%opt)

HTTP::Tiny response hashes; C<%opt> is passed to HTTP::Tiny (C<headers>,
C<content>, ...).  Timeout 5 s, no redirects followed, and one connection per
request (C<keep_alive> off) so every request is finished, log lines included,
before the next starts.  Use C<raw> for keep-alive and pipelining.

=item json($method, $cookie, $path, $body), api($method, $path, $cookie, $body)

A JSON request as the reader of C<$cookie> (undef: nobody); C<$body> is sent
as given.  C<api> is also a function (C<use NewsTest qw(api)>, then
C<api($t, ...)>).

=item raw($text or \@chunks, \%opt)

Sends bytes on a fresh socket and returns everything read until the server
closes or C<timeout> (5 s) passes.  With an array of chunks it sleeps
C<delay> (0.1 s) between them, to play a slow client.

=item newsctl(@args), newsctl_in($stdin, @args)

Runs C<build/newsctl --db DIR/db @args> and returns C<($rc, $stdout,
$stderr)>.  C<$rc> is the exit code, or 128+signal.

=item mark_log, log_since_mark, error_log, allow_log(qr/.../)

Error-log windows: C<log_since_mark> returns what was written since the
last C<mark_log>.  Both first wait until the log has been quiet for 45 ms,
so a window holds whole requests.  C<error_log> is the whole file.
C<allow_log> declares lines the final check must not complain about.

=item log_problems

The lines the final log check would complain about (used by C<done>).

=item worker_pids, is_running

The live children of the master; whether the master is alive.

=item reload(%changes)

Applies optional setting changes (same keys as C<new>), rewrites the config,
sends HUP and waits (10 s) until new workers replaced all the old ones.
Returns true on success.  Needs C<master_process on> (croaks otherwise).
If nginx rejects the config it returns false at once, and the settings and
C<nginx.conf> go back to what is still running; the master's C<[emerg]>
lines then count in the final check unless declared with C<allow_log>.

=item stop, done

See above.

=item NewsTest::run_cmd(\@argv, stdin => $text, timeout => $s, dir => $d)

Runs a command with stdout and stderr captured; returns
C<($rc, $stdout, $stderr, $pid)>.  Timeout default 60 s, then KILL.

=back

=cut

use strict;
use warnings;

use Carp qw(croak);
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec;
use File::Temp ();
use HTTP::Tiny;
use IO::Select;
use IO::Socket::INET;
use POSIX qw(WNOHANG);
use Scalar::Util qw(refaddr weaken);
use Test::More ();
use Time::HiRes qw(sleep time);
use Exporter qw(import);

# api() as a plain function for the tests that call api($t, ...)
our @EXPORT_OK = qw(api);

# t/lib/NewsTest.pm -> repository root, absolute so nginx's -p does not
# change what the paths mean.
my $ROOT   = abs_path(dirname(abs_path(__FILE__)) . '/../..');
my $BIN    = $ENV{TEST_NGINX_BINARY} // '/usr/sbin/nginx';
# TEST_NEWS_BUILD: another build directory (a private build while the
# shared one is being rebuilt)
my $BUILD  = $ENV{TEST_NEWS_BUILD} // "$ROOT/build";
my $MODULE = "$BUILD/ngx_http_news_module.so";
my $CTL    = "$BUILD/newsctl";

my $START_TIMEOUT  = 5;
my $RELOAD_TIMEOUT = 10;
my $HTTP_TIMEOUT   = 5;

# Every object, weakly, so the END block can find those still alive.
my %LIVE;
# How many objects reached exit with nginx run but done() never called.
my $UNFINISHED = 0;

my %DEFAULTS = (
    workers  => 1,
    connections => 256,
    master   => 1,
    module   => 1,
    main     => '',
    http     => '',
    server   => '',
    location => 'news;',
    listen   => '',
    tls      => 0,
    log_format => '',
    db_size  => '64m',
    make_db  => 1,
    log_level => 'debug',
    conf     => undef,
);

sub new {
    my ($class, %opt) = @_;
    for my $key (keys %opt) {
        croak "NewsTest: unknown option '$key'" unless exists $DEFAULTS{$key};
    }
    my $self = bless { %DEFAULTS, %opt }, $class;

    $self->{creator} = $$;
    $self->{allowed} = [];
    $self->{ignore_pids} = {};
    $self->{dir} = File::Temp::tempdir('nginx-news-XXXXXX', TMPDIR => 1,
                                       CLEANUP => !$ENV{TEST_NGINX_LEAVE});
    Test::More::diag("NewsTest prefix kept: $self->{dir}") if $ENV{TEST_NGINX_LEAVE};
    $self->{port} = _free_port();
    $self->_make_dirs;
    $self->_make_certificate if $self->{tls};

    $LIVE{refaddr $self} = $self;
    weaken $LIVE{refaddr $self};
    return $self;
}

sub dir            { $_[0]{dir} }
sub db             { "$_[0]{dir}/db" }
sub port           { $_[0]{port} }
sub pid            { $_[0]{pid} }
sub root           { $ROOT }
sub url            { "http://127.0.0.1:$_[0]{port}$_[1]" }
sub error_log_path { "$_[0]{dir}/logs/error.log" }
sub _stderr_path   { "$_[0]{dir}/logs/stderr.log" }

# Workers are unprivileged when we are root: they must be able to enter the
# prefix (tempdir makes it 0700) and write the temp dirs and the store.
sub _make_dirs {
    my ($self) = @_;
    my $dir = $self->{dir};
    make_path("$dir/logs", "$dir/tmp", { mode => 0755 });
    if ($> == 0) {
        chmod 0755, $dir or die "chmod $dir: $!";
    }
    return unless $self->{make_db};

    my $db = $self->db;
    # the store's own mode: nginx -t warns about one others can read
    mkdir $db, 0700 or die "mkdir $db: $!";
    if ($> == 0) {
        my $uid = getpwnam('nobody')  // die "NewsTest: no user nobody";
        my $gid = getgrnam('nogroup') // die "NewsTest: no group nogroup";
        chown $uid, $gid, $db or die "chown $db: $!";
    }
}

# A self-signed certificate for localhost, for a server that listens with TLS.
sub _make_certificate {
    my ($self) = @_;
    my $dir = $self->{dir};
    my ($rc, undef, $err) = run_cmd(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                                     '-nodes', '-days', '1', '-subj', '/CN=localhost',
                                     '-keyout', "$dir/key.pem", '-out', "$dir/cert.pem"]);
    croak "NewsTest: openssl could not make a certificate: $err" if $rc;
}

# Bind to port 0 and let the kernel choose.  There is a window between
# close and nginx's bind; run() covers it by retrying on a new port.
sub _free_port {
    my $sock = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                     Proto => 'tcp', Listen => 1)
        or die "NewsTest: cannot bind a probe socket: $@";
    my $port = $sock->sockport;
    close $sock;
    return $port;
}

### Configuration

sub conf_text {
    my ($self) = @_;
    return $self->_expand($self->{conf}) if defined $self->{conf};

    my $dir = $self->{dir};
    my $mod = $self->{module};
    my $master = $self->{master} ? 'on' : 'off';
    # Fragments are pasted verbatim on their own line; empty ones leave
    # no blank line behind.
    my $frag = sub { length $_[0] ? "$_[1]$_[0]\n" : '' };

    my $text = '';
    $text .= "load_module $MODULE;\n" if $mod;
    $text .= <<"EOF";
daemon off;
master_process $master;
worker_processes $self->{workers};
pid $dir/nginx.pid;
error_log $dir/logs/error.log $self->{log_level};
EOF
    $text .= $frag->($self->{main}, '');
    $text .= "events { worker_connections $self->{connections}; }\nhttp {\n";
    $text .= length $self->{log_format}
           ? "    log_format test '$self->{log_format}';\n    access_log $dir/logs/access.log test;\n"
           : "    access_log $dir/logs/access.log;\n";
    $text .= <<"EOF";
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
EOF
    $text .= "    news_db $dir/db;\n" if $mod;
    $text .= "    news_db_size $self->{db_size};\n" if $mod && defined $self->{db_size};
    $text .= $frag->($self->{http}, '    ');
    $text .= "    server {\n";
    my @listen = ("127.0.0.1:$self->{port}", ($self->{tls} ? 'ssl' : ()),
                  (length $self->{listen} ? $self->{listen} : ()));
    $text .= "        listen @listen;\n";
    $text .= "        ssl_certificate $dir/cert.pem;\n"
           . "        ssl_certificate_key $dir/key.pem;\n" if $self->{tls};
    $text .= $frag->($self->{server}, '        ');
    $text .= "        location / { $self->{location} }\n";
    $text .= "    }\n}\n";
    return $self->_expand($text);
}

sub _expand {
    my ($self, $text) = @_;
    my %value = (DIR => $self->{dir}, PORT => $self->{port},
                 MODULE => $MODULE, DB => $self->db);
    $text =~ s/%%(DIR|PORT|MODULE|DB)%%/$value{$1}/g;
    return $text;
}

sub write_conf {
    my ($self) = @_;
    my $text = $self->conf_text;
    # a coverage run (make coverage): workers keep GCOV_PREFIX, where
    # their coverage data goes, through nginx's clearing of the environment
    $text = "env GCOV_PREFIX;\nenv GCOV_PREFIX_STRIP;\n$text" if $ENV{GCOV_PREFIX};
    # A missing .so makes nginx say "dlopen() failed", which reads like a
    # module bug; say what is really wrong.
    croak "NewsTest: $MODULE is not built (run make first)"
        if index($text, $MODULE) >= 0 && !-e $MODULE;
    _spew("$self->{dir}/nginx.conf", $text);
    return $text;
}

sub _nginx_args {
    my ($self) = @_;
    my $dir = $self->{dir};
    return ('-p', "$dir/", '-c', "$dir/nginx.conf", '-e', "$dir/logs/error.log");
}

sub conf_test {
    my ($self) = @_;
    $self->write_conf;
    my ($rc, $out, $err, $pid) = run_cmd([$BIN, '-t', $self->_nginx_args],
                                         dir => "$self->{dir}/tmp");
    # The caller asked for this verdict and gets stderr to check; the
    # [emerg] lines this nginx -t wrote to error.log are not a finding.
    $self->{ignore_pids}{$pid} = 1 if $rc != 0;
    return ($rc == 0, $out . $err);
}

# nginx -t on a new instance (NewsTest->new's options; setup => a sub
# run on it first), as a test: conf_refused checks that it fails and that
# its message matches, conf_taken that it passes.  Both return the
# instance and what nginx said.
sub conf_refused {
    my ($class, $name, $want, %opt) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my ($t, $ok, $stderr) = $class->_conf_tried(%opt);
    Test::More::ok(!$ok, "$name: nginx -t fails");
    Test::More::like($stderr, $want, "$name: says why") or Test::More::diag($stderr);
    return ($t, $stderr);
}

sub conf_taken {
    my ($class, $name, %opt) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my ($t, $ok, $stderr) = $class->_conf_tried(%opt);
    Test::More::ok($ok, "$name: nginx -t passes") or Test::More::diag($stderr);
    return ($t, $stderr);
}

sub _conf_tried {
    my ($class, %opt) = @_;
    my $setup = delete $opt{setup};
    my $t = $class->new(%opt);
    $setup->($t) if $setup;
    return ($t, $t->conf_test);
}

### Start and stop

sub run {
    my ($self) = @_;
    croak "NewsTest: nginx is already running" if $self->is_running;
    _install_signal_handlers();

    for my $attempt (1 .. 3) {
        my ($ok, $err) = $self->conf_test;
        die "NewsTest: nginx -t failed for $self->{dir}/nginx.conf:\n$err" unless $ok;

        my $why = $self->_start;
        return $self unless defined $why;

        # Another process took the port between _free_port and bind.  The
        # failed master's complaints are handled here, not findings.
        if ($attempt < 3 && $why =~ /Address already in use/) {
            $self->{stderr_judged} = -s $self->_stderr_path // 0;
            $self->{port} = _free_port();
            next;
        }
        die "NewsTest: nginx did not start: $why";
    }
}

# Returns undef once nginx serves, or the reason it does not (after
# cleaning up the process).
sub _start {
    my ($self) = @_;
    my $log_start = -s $self->error_log_path // 0;
    my $pidfile = "$self->{dir}/nginx.pid";
    unlink $pidfile;

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        _exec_child([$BIN, $self->_nginx_args], undef, $self->_stderr_path, $self->_stderr_path);
    }
    $self->{pid} = $pid;
    $self->{ever_ran} = 1;

    my $deadline = time + $START_TIMEOUT;
    while (time < $deadline) {
        if (waitpid($pid, WNOHANG) == $pid) {
            delete $self->{pid};
            $self->{ignore_pids}{$pid} = 1;
            return sprintf "exited (status %d):\n%s", $? >> 8,
                           $self->_log_from($log_start) . _slurp($self->_stderr_path);
        }
        my $log = $self->_log_from($log_start);
        # nginx retries bind() for 2.5 s before giving up; run() will retry
        # sooner on another port.  No signal handlers are installed yet at
        # that stage, and QUIT's default action dumps core: use TERM.
        if ($log =~ /Address already in use/) {
            kill 'TERM', $pid;
            _wait_exit($pid, 5) or do { kill 'KILL', $pid; _wait_exit($pid, 5) };
            delete $self->{pid};
            $self->{ignore_pids}{$pid} = 1;
            return "port $self->{port} is taken:\n$log";
        }
        # With master_process on, a worker whose init_process fails leaves
        # a master that accepts connections nobody serves.
        if ($log =~ /exited with fatal code/) {
            $self->stop;
            return "a worker exited with fatal code:\n$log";
        }
        # The master listens before it forks: a connect alone can succeed
        # while no worker exists yet.
        my $workers = () = $self->worker_pids;
        if (_slurp($pidfile) =~ /^\Q$pid\E\s*$/ && _can_connect($self->{port})
            && $workers >= $self->_expected_workers)
        {
            return undef;
        }
        sleep 0.05;
    }
    $self->stop;
    return "not serving after $START_TIMEOUT s:\n" . $self->_log_from($log_start);
}

sub _can_connect {
    my ($port) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                     Proto => 'tcp', Timeout => 1);
    return 0 unless $sock;
    close $sock;
    return 1;
}

sub is_running {
    my ($self) = @_;
    return 0 unless $self->{pid};
    return 1 if waitpid($self->{pid}, WNOHANG) == 0;
    delete $self->{pid};    # it died on its own and is now reaped
    return 0;
}

# QUIT is the graceful path: only then do workers run exit_process and
# report leaked requests.  TERM and KILL are for a stuck master, and the
# final log check then fails.
sub stop {
    my ($self) = @_;
    my $pid = $self->{pid} or return;
    for my $step (['QUIT', 10], ['TERM', 5], ['KILL', 5]) {
        my ($sig, $wait) = @$step;
        kill $sig, $pid;
        last if _wait_exit($pid, $wait);
        push @{ $self->{stop_trouble} },
            "NewsTest: nginx master $pid ignored SIG$sig for $wait s";
    }
    delete $self->{pid};
    return 1;
}

sub _wait_exit {
    my ($pid, $seconds) = @_;
    my $deadline = time + $seconds;
    while (time < $deadline) {
        my $r = waitpid($pid, WNOHANG);
        return 1 if $r == $pid || $r == -1;
        sleep 0.02;
    }
    return 0;
}

### Processes

# Parent pid and state of every process, from /proc/PID/stat.  The command
# name is in parentheses and may itself contain spaces or parentheses, so
# split after the last ')'.
sub _proc_table {
    my %table;
    for my $stat (glob '/proc/[0-9]*/stat') {
        my $line = _slurp($stat) or next;
        my ($pid) = $line =~ /^(\d+)/;
        my ($state, $ppid) = split ' ', substr($line, rindex($line, ')') + 2);
        $table{$pid} = { ppid => $ppid, state => $state };
    }
    return \%table;
}

sub worker_pids {
    my ($self) = @_;
    my $master = $self->{pid} or return ();
    my $table = _proc_table();
    return sort { $a <=> $b }
           grep { $table->{$_}{ppid} == $master && $table->{$_}{state} ne 'Z' }
           keys %$table;
}

# nginx processes that belong to a prefix.  Workers' titles do not name the
# prefix ("nginx: worker process"), but they hold error.log open, so look at
# open files too.
sub _pids_using {
    my ($dir) = @_;
    my @found;
    for my $proc (glob '/proc/[0-9]*') {
        my ($pid) = $proc =~ m{(\d+)$};
        next if $pid == $$;
        my $cmdline = _slurp("$proc/cmdline");
        # argv[0] is the binary until nginx sets its title, then the title.
        my ($argv0) = split /\0/, $cmdline;
        next unless defined $argv0 && $argv0 =~ /nginx/;
        my $ours = index($cmdline, "$dir/") >= 0;
        if (!$ours && opendir my $fds, "$proc/fd") {
            for my $fd (readdir $fds) {
                my $target = readlink "$proc/fd/$fd";
                if (defined $target && index($target, "$dir/") == 0) {
                    $ours = 1;
                    last;
                }
            }
        }
        push @found, $pid if $ours;
    }
    return @found;
}

# How many children a started master should have, read from the config
# text so that a whole config given with `conf` is handled too.
sub _expected_workers {
    my ($self) = @_;
    my $text = $self->conf_text;
    return 0 if $text =~ /^\s*master_process\s+off\s*;/m;
    return $1 if $text =~ /^\s*worker_processes\s+(\d+)\s*;/m;
    return 1;    # the default, or "auto"
}

### Reload

sub reload {
    my ($self, %change) = @_;
    my $master = $self->{pid} or croak "NewsTest: reload without a running nginx";
    for my $key (keys %change) {
        croak "NewsTest: unknown option '$key'" unless exists $DEFAULTS{$key};
    }
    # Seen with nginx 1.22 and master_process off: after a HUP the single
    # process logged "worker_connections are not enough" and wrote error
    # log lines into a client's socket.  Not a supported mode to reload.
    croak "NewsTest: reload needs master_process on" unless $self->_expected_workers;

    my %before = map { $_ => $self->{$_} } keys %change;
    @$self{keys %change} = values %change;
    $self->write_conf;

    my %old = map { $_ => 1 } $self->worker_pids;
    my $want = $self->_expected_workers;
    my $log_start = -s $self->error_log_path // 0;
    kill 'HUP', $master;

    my $deadline = time + $RELOAD_TIMEOUT;
    while (time < $deadline) {
        sleep 0.05;
        # The master logs why it kept the old configuration.
        my $log = $self->_log_from($log_start);
        if ($log =~ /\[emerg\] \Q$master\E#/) {
            @$self{keys %before} = values %before;
            $self->write_conf;
            return 0;
        }
        my @now = $self->worker_pids;
        my @new = grep { !$old{$_} } @now;
        return 1 if @new >= $want && @new == @now;
    }
    Test::More::diag("NewsTest: workers were not replaced within $RELOAD_TIMEOUT s");
    return 0;
}

### Requests

sub get {
    my ($self, $path, $opt) = @_;
    return $self->request('GET', $path, $opt);
}

sub request {
    my ($self, $method, $path, $opt) = @_;
    my $http = HTTP::Tiny->new(timeout => $HTTP_TIMEOUT, max_redirect => 0,
                               keep_alive => 0);
    return $http->request($method, $self->url($path), $opt // {});
}

# a JSON request as the reader of COOKIE (undef: nobody), BODY as sent
sub json {
    my ($self, $method, $cookie, $path, $body) = @_;
    return $self->request($method, $path,
                          { headers => { 'Content-Type' => 'application/json',
                                         ($cookie ? (Cookie => $cookie) : ()) },
                            (defined $body ? (content => $body) : ()) });
}

# the same in the order most tests write it: $t->api(METHOD, PATH, COOKIE, BODY)
sub api {
    my ($self, $method, $path, $cookie, $body) = @_;
    return $self->json($method, $cookie, $path, $body);
}

# the first CSRF token of the page at PATH, as the reader of COOKIE sees it
sub csrf_of {
    my ($self, $cookie, $path) = @_;
    my ($csrf) = $self->get($path, { headers => { Cookie => $cookie } })->{content}
                 =~ /name="csrf" value="([0-9a-f]+)"/;
    return $csrf;
}

# a form post of FIELDS (a hash) as the reader of COOKIE
sub form_post {
    my ($self, $cookie, $path, $fields) = @_;
    my $body = join '&', map { my $v = $fields->{$_};
                               $v =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge; "$_=$v" }
                         sort keys %$fields;
    return $self->request('POST', $path, { headers => { Cookie => $cookie,
                                           'Content-Type' => 'application/x-www-form-urlencoded' },
                                           content => $body });
}

# a test that XML is well-formed, by a real XML parser (xmllint, libxml2-utils)
sub well_formed {
    my ($xml, $name) = @_;
    my ($fh, $file) = File::Temp::tempfile(SUFFIX => '.xml', UNLINK => 1);
    print $fh $xml;
    close $fh;
    my $out = `xmllint --noout $file 2>&1`;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return Test::More::is($?, 0, "$name is well-formed XML") || Test::More::diag($out);
}

sub raw {
    my ($self, $data, $opt) = @_;
    $opt //= {};
    my $timeout = $opt->{timeout} // $HTTP_TIMEOUT;
    my $delay = $opt->{delay} // 0.1;
    my @chunks = ref $data ? @$data : ($data);

    # nginx may answer and close before we finish writing (a 400 for a
    # malformed request): that must not kill the test with SIGPIPE.
    local $SIG{PIPE} = 'IGNORE';
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                     Proto => 'tcp', Timeout => $timeout)
        or die "NewsTest: connect to port $self->{port}: $@";
    binmode $sock;

    for my $i (0 .. $#chunks) {
        sleep $delay if $i > 0;
        my $left = $chunks[$i];
        while (length $left) {
            my $n = syswrite $sock, $left;
            last unless defined $n;
            substr($left, 0, $n) = '';
        }
    }

    my $response = '';
    my $select = IO::Select->new($sock);
    my $deadline = time + $timeout;
    while ((my $left = $deadline - time) > 0) {
        last unless $select->can_read($left);
        my $n = sysread $sock, $response, 65536, length $response;
        last unless $n;    # 0: closed; undef: reset
    }
    close $sock;
    return $response;
}

### newsctl and commands

# A file holding text (JSON for newsctl import), removed at exit.
sub json_file {
    my ($text) = @_;
    my ($fh, $name) = File::Temp::tempfile(SUFFIX => '.json', UNLINK => 1);
    binmode $fh;
    print $fh $text;
    close $fh;
    return $name;
}

# The whole store as newsctl export writes it: tests compare it before
# and after to prove a refused request changed nothing.
sub export {
    my ($self) = @_;
    my ($rc, $out, $err) = $self->newsctl('export');
    croak "NewsTest: export: $err" if $rc;
    return $out;
}

# Logs NAME in and returns the "news_session=..." cookie.  With a role
# the account is made by newsctl; without, the reader registers through
# the API.  The password is derived from the name.
sub login {
    my ($self, $name, $role) = @_;
    my $pw = "pw-of-$name-123";
    my $json = { 'Content-Type' => 'application/json' };
    my $cred = qq({"username":"$name","password":"$pw"});

    if ($role) {
        my ($rc, undef, $err) = $self->newsctl_in("$pw\n", 'user', 'add', $name,
                                                  '--role', $role);
        croak "NewsTest: user add $name: $err" if $rc;
    } else {
        my $r = $self->request('POST', '/api/users', { headers => $json, content => $cred });
        croak "NewsTest: register $name: $r->{status} $r->{content}" if $r->{status} != 201;
    }

    my $r = $self->request('POST', '/api/session', { headers => $json, content => $cred });
    croak "NewsTest: login $name: $r->{status} $r->{content}" if $r->{status} != 200;
    my ($cookie) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    return $cookie;
}

sub newsctl {
    my ($self, @args) = @_;
    return $self->newsctl_in(undef, @args);
}

sub newsctl_in {
    my ($self, $stdin, @args) = @_;
    croak "NewsTest: $CTL is not built (run make first)" unless -x $CTL;
    my ($rc, $out, $err) = run_cmd([$CTL, '--db', $self->db, @args],
                                   stdin => $stdin, dir => "$self->{dir}/tmp");
    return ($rc, $out, $err);
}

# Output goes through files, not pipes, so a chatty child can never block
# on a full pipe while we wait for it.
sub run_cmd {
    my ($argv, %opt) = @_;
    my $dir = $opt{dir} // File::Spec->tmpdir;
    my $timeout = $opt{timeout} // 60;
    my %tmp = map { $_ => File::Temp->new(DIR => $dir) } qw(in out err);
    _spew($tmp{in}->filename, $opt{stdin} // '');

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        _exec_child($argv, $tmp{in}->filename, $tmp{out}->filename, $tmp{err}->filename);
    }

    # Poll with a growing interval: quick commands return quickly, and a
    # hung one cannot hang the whole test run.
    my ($deadline, $nap, $status) = (time + $timeout, 0.001, undef);
    while (1) {
        if (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        if (time > $deadline) {
            kill 'KILL', $pid;
            waitpid $pid, 0;
            $status = $?;
            last;
        }
        sleep $nap;
        $nap *= 2 if $nap < 0.05;
    }
    my $rc = $status & 127 ? 128 + ($status & 127) : $status >> 8;
    my $err = _slurp($tmp{err}->filename);
    $err .= "NewsTest: killed after $timeout s\n" if time > $deadline;
    return ($rc, _slurp($tmp{out}->filename), $err, $pid);
}

# In the forked child.  POSIX::_exit, never exit: exit would run the test's
# END blocks (Test::More's summary) a second time in this process.
sub _exec_child {
    my ($argv, $in, $out, $err) = @_;
    open STDIN, '<', $in // '/dev/null' or POSIX::_exit(126);
    open STDOUT, '>>', $out or POSIX::_exit(126);
    open STDERR, '>>', $err or POSIX::_exit(126);

    # a sanitizer build of the module needs its runtime loaded first, in
    # nginx only (TEST_NGINX_PRELOAD, e.g. libasan.so:libubsan.so)
    if ($ENV{TEST_NGINX_PRELOAD} && $argv->[0] eq $BIN) {
        $ENV{LD_PRELOAD} = $ENV{TEST_NGINX_PRELOAD};
        $ENV{ASAN_OPTIONS} //= 'detect_leaks=0:abort_on_error=1';
        $ENV{UBSAN_OPTIONS} //= 'print_stacktrace=1:halt_on_error=1';
    }

    exec { $argv->[0] } @$argv
        or print STDERR "NewsTest: exec $argv->[0]: $!\n";
    POSIX::_exit(127);
}

### Error log

sub error_log { _slurp($_[0]->error_log_path) }

# The client has its response before the worker has logged the end of the
# request (finalize, log handler, close), so a window taken right after a
# response can start or end in the middle of that request.  Both ends of a
# window therefore wait until the log has stopped growing for 45 ms (at most
# 1 s; an idle worker writes nothing, even at debug level).  A fixed sleep
# was not enough with eight copies of the self-test running at once.
sub _settle_log {
    my ($self) = @_;
    my $path = $self->error_log_path;
    my ($size, $quiet, $deadline) = (-s $path // 0, 0, time + 1);
    while ($quiet < 3 && time < $deadline) {
        sleep 0.015;
        my $now = -s $path // 0;
        $quiet = $now == $size ? $quiet + 1 : 0;
        $size = $now;
    }
    return $size;
}

sub mark_log {
    my ($self) = @_;
    $self->{mark} = $self->_settle_log;
}

sub log_since_mark {
    my ($self) = @_;
    $self->_settle_log;
    return $self->_log_from($self->{mark} // 0);
}

sub _log_from {
    my ($self, $offset) = @_;
    return _slurp($self->error_log_path, $offset);
}

sub allow_log {
    my ($self, @patterns) = @_;
    push @{ $self->{allowed} }, @patterns;
}

sub log_problems {
    my ($self) = @_;
    my @bad = @{ $self->{stop_trouble} // [] };
    # nginx's own stderr catches what escapes the log, such as a sanitizer
    # report from the master.  Read line by line: debug logs grow large.
    for my $file ([$self->error_log_path, 0],
                  [$self->_stderr_path, $self->{stderr_judged} // 0]) {
        open my $fh, '<', $file->[0] or next;
        seek $fh, $file->[1], 0;
        while (my $line = <$fh>) {
            next unless $line =~ /\[(?:alert|crit|emerg)\]|Sanitizer|runtime error:/;
            next if $line =~ /^\S+ \S+ \[\w+\] (\d+)#/ && $self->{ignore_pids}{$1};
            next if grep { $line =~ $_ } @{ $self->{allowed} };
            chomp $line;
            push @bad, $line;
        }
    }
    return @bad;
}

### The end

sub done {
    my ($self) = @_;
    return $self->{done_ok} if $self->{done};
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $self->stop;
    $self->{done} = 1;

    my $ok = 1;
    SKIP: {
        Test::More::skip('nginx never ran, nothing to check', 2) unless $self->{ever_ran};

        my @bad = $self->log_problems;
        Test::More::ok(!@bad, 'error.log: no alert, crit, emerg or Sanitizer lines')
            or do { $ok = 0; Test::More::diag(join "\n", @bad) };

        my @left = _pids_using($self->{dir});
        Test::More::ok(!@left, 'no nginx process left in the prefix')
            or do { $ok = 0; Test::More::diag("left: @left"); kill 'KILL', @left };
    }
    return $self->{done_ok} = $ok;
}

# The object is going away (scope exit or program end) without done().
sub _abandon {
    my ($self) = @_;
    return if $self->{done} || $$ != $self->{creator} || !$self->{ever_ran};
    $self->{done} = 1;
    $self->stop;
    kill 'KILL', _pids_using($self->{dir});
    $UNFINISHED++;
    Test::More::diag("NewsTest: done() was never called for $self->{dir}, so the final "
        . "error-log and process checks did not run (nginx has been stopped).  "
        . "Call \$t->done before done_testing.");
}

sub DESTROY {
    # stop() calls waitpid, which would overwrite the exit status that the
    # program is about to return.
    local ($?, $!, $@);
    $_[0]->_abandon;
}

END {
    my $status = $?;
    $_->_abandon for grep { defined } values %LIVE;
    $status = 255 if $UNFINISHED && !$status;
    $? = $status;
}

# Ctrl-C or a kill from prove's timeout would skip END and leave nginx
# behind; exiting from the handler runs END.  Only when the test has not
# installed its own handler.
sub _install_signal_handlers {
    my %number = (INT => 2, TERM => 15);
    for my $sig (keys %number) {
        next if defined $SIG{$sig} && $SIG{$sig} ne 'DEFAULT';
        $SIG{$sig} = sub { exit 128 + $number{$sig} };
    }
}

### Files

sub _slurp {
    my ($path, $offset) = @_;
    open my $fh, '<', $path or return '';
    binmode $fh;
    seek $fh, $offset, 0 if $offset;
    local $/;
    my $text = <$fh>;
    return $text // '';
}

sub _spew {
    my ($path, $text) = @_;
    open my $fh, '>', $path or die "NewsTest: write $path: $!";
    print $fh $text;
    close $fh or die "NewsTest: close $path: $!";
}

1;
