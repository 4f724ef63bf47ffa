# Allocation and store failures while nginx reads its configuration:
# `nginx -t` on a configuration that sets every directive, with the 1st,
# 2nd, ... call of each allocation function the module makes, and of each
# LMDB call that opens the store, failing in turn (the fault shim,
# t/faults/lmdbfault.c; nginx's pool allocators only in the test build of
# `make coverage`, which wraps them).  Each must end in a clear
# verdict: either the test passes, or nginx says [emerg] and "test
# failed"; never a crash, never a hang.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsFaults;

my $root = NewsTest->root;
plan skip_all => 'no fault library (make faults-lib)' unless NewsFaults::lib();

my $build = $ENV{TEST_NEWS_BUILD} // "$root/build";
my $module = do { local $/; open my $fh, '<', "$build/ngx_http_news_module.so"; <$fh> } // '';
my $wrapped = index($module, '__wrap_ngx_palloc') >= 0;
my $sanitized = ($ENV{TEST_NGINX_PRELOAD} // '') =~ /asan/;

# (the base URL without its "/", the sections' menu and the image hosts:
# each of them allocates)
my $t = NewsTest->new(http => "news_site_name \"Fault News\"; news_base_url https://news.example;\n"
                            . "    news_nav World Politics; news_image_hosts img.example.com;\n"
                            . "    news_password_cost 19m 2; news_login_throttle 5 20; news_register_throttle 20;\n"
                            . "    news_comment_rate 10; news_comment_edit_window 15m; news_session_ttl 30d;");
$t->newsctl('import', 'demo/seed-article.json');
my ($ok, $said) = $t->conf_test;
ok($ok, 'the configuration passes without faults') or diag $said;

my $shim = NewsFaults->new($t);

# allocations, and the store's opening (nginx -t opens it to check it)
my @calls = (($sanitized ? () : map { [$_, 'ENOMEM'] } qw(malloc calloc realloc)),
             ($wrapped ? map { [$_, 'ENOMEM'] } qw(ngx_palloc ngx_pnalloc ngx_pcalloc) : ()),
             [mdb_env_create => 'ENOMEM'], [mdb_env_open => 'EIO'], [mdb_env_set_mapsize => 22],
             [mdb_txn_begin => 'MDB_READERS_FULL'], [mdb_dbi_open => 'MDB_CORRUPTED'],
             [mdb_get => 'EIO'], [mdb_put => 'MDB_MAP_FULL'], [mdb_txn_commit => 'ENOSPC']);
my ($faults, $refused, @problems) = (0, 0);
local $ENV{NEWS_FAULT_FILE} = $shim->file;
local $ENV{TEST_NGINX_PRELOAD} = NewsFaults::preload();
for my $call (@calls) {
    my ($name, $error) = @$call;
    for my $n (1 .. 300) {
        $shim->fired;
        $shim->arm("$name $n $error\n");
        $t->write_conf;
        my ($rc, $out, $err, $pid) = NewsTest::run_cmd(['/usr/sbin/nginx', '-t', '-p', $t->dir . '/',
                                                        '-c', $t->dir . '/nginx.conf',
                                                        '-e', $t->dir . '/logs/error.log'],
                                                       dir => $t->dir . '/tmp');
        last unless length $shim->fired;
        $faults++;
        $t->{ignore_pids}{$pid} = 1;
        my $what = "$name #$n $error";
        if ($rc >= 128) {
            push @problems, "$what: nginx -t died (status $rc): $err";
        } elsif ($rc != 0) {
            $refused++;
            # a wrapped pool allocator fails before nginx's own malloc or
            # posix_memalign, which is what logs [emerg] when memory runs
            # out: there "test failed" is the whole of nginx's verdict
            push @problems, "$what: refused without a clear message: $err"
                unless ($err =~ /\[emerg\]/ || $name =~ /^ngx_p/) && $err =~ /test failed/;
        }
        push @problems, "$what: an alert: $1" if $err =~ /(.*\[alert\].*)/;
    }
}
$shim->arm('');
ok($faults > 0 || !@calls, "allocations failed: $faults, of them $refused refused the configuration");
is_deeply(\@problems, [], 'each ended in a clear verdict, never a crash') or diag explain \@problems;
($ok, $said) = $t->conf_test;
ok($ok, 'and the configuration passes once the faults are gone') or diag $said;

done_testing;
