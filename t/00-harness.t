#!/usr/bin/perl
# Self-test of t/lib/NewsTest.pm with plain nginx (module => 0), so the
# harness can be trusted before the module exists.  Every later test file
# relies on what is checked here: start, requests, log windows, conf_test,
# reload, stop and the final checks.

use strict;
use warnings;

use Test::More;
use IO::Socket::INET;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(module => 0, location => 'return 200 "hello\n";');

# --- The generated config -------------------------------------------------

my $dir  = $t->dir;
my $port = $t->port;
my $conf = $t->conf_text;
like($conf, qr/^daemon off;$/m, 'conf: daemon off');
like($conf, qr/^master_process on;$/m, 'conf: master_process on');
like($conf, qr/^error_log \Q$dir\E\/logs\/error\.log debug;$/m, 'conf: error_log in prefix at debug');
like($conf, qr/listen 127\.0\.0\.1:$port;/, 'conf: listens on the chosen port');
unlike($conf, qr/load_module|news_db|^\s*user\b/m, 'conf: module => 0 has no module lines and no user line');

{
    my $m = NewsTest->new(db_size => '8m');
    my $mconf = $m->conf_text;
    my $so = ($ENV{TEST_NEWS_BUILD} // $m->root . '/build') . '/ngx_http_news_module.so';
    like($mconf, qr/\Aload_module \Q$so\E;\n/, 'module conf: load_module with the absolute path first');
    like($mconf, qr/^\s*news_db \Q${\ $m->db }\E;$/m, 'module conf: news_db is the private db');
    like($mconf, qr/^\s*news_db_size 8m;$/m, 'module conf: news_db_size');
    unlike(NewsTest->new(db_size => undef)->conf_text, qr/news_db_size/, 'db_size undef omits news_db_size');
    like(NewsTest->new->conf_text, qr/news_db_size 64m;/, 'db_size defaults to 64m');
    ok(-d $m->db, 'db directory created');
    ok(!-e NewsTest->new(make_db => 0)->db, 'make_db => 0 leaves no db directory');
  SKIP: {
        skip 'not root', 2 unless $> == 0;
        is((stat $m->dir)[2] & 07777, 0755, 'root: prefix is 0755 so workers can enter');
        is(scalar getpwuid((stat $m->db)[4]), 'nobody', 'root: db directory belongs to nobody');
    }
}

# --- Start and requests ----------------------------------------------------

$t->run;
ok($t->is_running, 'run: nginx is running');
my @workers = $t->worker_pids;
is(scalar @workers, 1, 'run: one worker process');

my $res = $t->get('/');
is($res->{status}, 200, 'get: status 200');
is($res->{content}, "hello\n", 'get: body');
is($res->{headers}{'content-length'}, 6, 'get: content-length');

$res = $t->request('HEAD', '/');
is($res->{status}, 200, 'HEAD: status 200');
# HTTP::Tiny leaves content undef when no body was read.
is($res->{content} // '', '', 'HEAD: no body');
is($res->{headers}{'content-length'}, 6, 'HEAD: content-length of the GET body');

my $raw = $t->raw("GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
like($raw, qr{\AHTTP/1\.1 200 OK\r\n}, 'raw: status line');
like($raw, qr{\r\n\r\nhello\n\z}, 'raw: whole response up to close');

$raw = $t->raw(["GET / HTTP/1.0\r\n", "Host: localhost\r\n", "\r\n"], { delay => 0.05 });
like($raw, qr{\AHTTP/1\.1 200 OK\r\n.*hello\n\z}s, 'raw: request sent in slow chunks');

like($t->raw("BOGUS\r\n\r\n"), qr{\AHTTP/1\.1 400 }, 'raw: malformed request gets 400');

# --- Error-log windows -----------------------------------------------------

$t->get('/before-mark');
$t->mark_log;
$t->get('/after-mark');
my $window = $t->log_since_mark;
like($window, qr{"GET /after-mark HTTP/1\.1"}, 'log window: has the request after the mark');
unlike($window, qr{/before-mark}, 'log window: not the request before it');
like($t->error_log, qr{/before-mark}, 'error_log: whole file');

# --- conf_test -------------------------------------------------------------

my ($ok, $stderr) = $t->conf_test;
ok($ok, 'conf_test: good config passes');
like($stderr, qr/test is successful/, 'conf_test: nginx -t output returned');

my $bad = NewsTest->new(module => 0, server => 'bogus_directive on;');
($ok, $stderr) = $bad->conf_test;
ok(!$ok, 'conf_test: broken config fails');
like($stderr, qr/\[emerg\] unknown directive "bogus_directive"/, 'conf_test: stderr names the directive');
my @lines = split /\n/, $bad->conf_text;
my ($line) = grep { $lines[$_ - 1] =~ /bogus_directive/ } 1 .. @lines;
like($stderr, qr/nginx\.conf:$line\b/, "conf_test: stderr points at nginx.conf:$line");
ok(!$bad->is_running && !NewsTest::_pids_using($bad->dir), 'conf_test: no nginx process started');

# The final log check ignores what a failed conf_test wrote, but still sees
# anything else, unless the test allowed it.
is_deeply([$bad->log_problems], [], 'log check: failed conf_test lines are not findings');
open my $fh, '>>', $bad->error_log_path or die $!;
print $fh "2026/01/01 00:00:00 [alert] 1#1: injected\n";
close $fh;
is(scalar(() = $bad->log_problems), 1, 'log check: an [alert] line is a finding');
$bad->allow_log(qr/injected/);
is_deeply([$bad->log_problems], [], 'log check: allow_log suppresses it');
$bad->done;    # never ran: its two checks are skipped

# A whole config given by the test, with placeholders.
my $own = NewsTest->new(conf => <<'CONF');
daemon off;
pid %%DIR%%/nginx.pid;
error_log %%DIR%%/logs/error.log;
events { }
http {
    access_log off;
    client_body_temp_path %%DIR%%/tmp/body;
    proxy_temp_path %%DIR%%/tmp/proxy;
    fastcgi_temp_path %%DIR%%/tmp/fastcgi;
    uwsgi_temp_path %%DIR%%/tmp/uwsgi;
    scgi_temp_path %%DIR%%/tmp/scgi;
    server { listen 127.0.0.1:%%PORT%%; }
}
CONF
like($own->conf_text, qr/listen 127\.0\.0\.1:${\ $own->port };/, 'conf override: placeholders substituted');
ok(($own->conf_test)[0], 'conf override: passes nginx -t');

# --- Port retry ------------------------------------------------------------

{
    my $busy = NewsTest->new(module => 0, location => 'return 204;');
    my $taken = $busy->port;
    my $squatter = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $taken,
                                         Proto => 'tcp', Listen => 1, ReuseAddr => 1)
        or die "cannot occupy port $taken: $@";
    $busy->run;
    isnt($busy->port, $taken, 'run: moved to another port when the first was taken');
    is($busy->get('/')->{status}, 204, 'run: serves on the new port');
    $busy->done;
}

# --- Reload ----------------------------------------------------------------

my $master = $t->pid;
ok($t->reload(location => 'return 200 "reloaded\n";'), 'reload: succeeded');
my @new_workers = $t->worker_pids;
is(scalar @new_workers, 1, 'reload: one worker');
ok(!(grep { my $w = $_; grep { $_ == $w } @workers } @new_workers), 'reload: worker replaced');
is($t->pid, $master, 'reload: same master');
is($t->get('/')->{content}, "reloaded\n", 'reload: new config serves');

ok(!$t->reload(server => 'bogus_directive on;'), 'reload: rejected config returns false');
$t->allow_log(qr/unknown directive "bogus_directive"/);
is($t->get('/')->{content}, "reloaded\n", 'reload: old config still serves after rejection');
unlike($t->conf_text, qr/bogus_directive/, 'reload: settings rolled back after rejection');

# --- master_process off -------------------------------------------------------

{
    my $single = NewsTest->new(module => 0, master => 0, location => 'return 200 "single\n";');
    like($single->conf_text, qr/^master_process off;$/m, 'master => 0: master_process off');
    $single->run;
    is_deeply([$single->worker_pids], [], 'master => 0: no worker processes');
    is($single->get('/')->{content}, "single\n", 'master => 0: serves');
    ok(!eval { $single->reload; 1 } && $@ =~ /needs master_process on/,
       'master => 0: reload refuses (nginx mishandles HUP in single-process mode)');
    $single->done;
}

# --- Commands ----------------------------------------------------------------

my ($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'cat; echo oops >&2; exit 3'], stdin => "in\n");
is_deeply([$rc, $out, $err], [3, "in\n", "oops\n"], 'run_cmd: exit code, stdout, stderr, stdin');

# --- Forgetting done() is a failure ----------------------------------------

{
    my $script = <<'PERL';
use Test::More; use NewsTest;
my $t = NewsTest->new(module => 0, location => 'return 200;');
$t->run; print "DIR ", $t->dir, "\n"; ok(1); done_testing;
PERL
    my ($crc, $cout, $cerr) = NewsTest::run_cmd([$^X, '-It/lib', '-e', $script]);
    my ($child_dir) = $cout =~ /^DIR (\S+)$/m;
    is($crc, 255, 'no done(): test file exits 255');
    like($cerr, qr/done\(\) was never called/, 'no done(): says why');
    ok($child_dir && !NewsTest::_pids_using($child_dir), 'no done(): its nginx was stopped anyway');
}

# --- Stop and the final checks ----------------------------------------------

$t->stop;
ok(!$t->is_running, 'stop: master gone');
is_deeply([NewsTest::_pids_using($t->dir)], [], 'stop: no nginx process left in the prefix');

ok($t->done, 'done: final checks passed');
done_testing;
