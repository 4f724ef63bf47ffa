#!/usr/bin/perl
# The store's files are the worker user's alone: newsctl makes 0700
# directories and 0600 files whatever the umask (backup, restore, a new
# store), and nginx -t refuses a store that group or others can write and
# warns about one that others can read.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;

sub mode { my @st = stat $_[0]; return @st ? sprintf('%04o', $st[2] & 07777) : 'none' }

umask 022;     # an ordinary umask: newsctl must not rely on it

my $t = NewsTest->new;
my ($rc, $out, $err) = $t->newsctl('import', 'demo/seed-article.json');
is($rc, 0, 'a store made by newsctl') or diag $err;
is(mode($t->db . '/data.mdb'), '0600', 'its data.mdb is 0600');

my $backup = $t->dir . '/tmp/backup';
($rc, $out, $err) = $t->newsctl('backup', $backup);
is($rc, 0, 'newsctl backup') or diag $err;
is(mode($backup), '0700', 'the backup directory is 0700');
is(mode("$backup/data.mdb"), '0600', 'the backup data.mdb is 0600');

my $fresh = $t->dir . '/tmp/restored';
($rc, $out, $err) = NewsTest::run_cmd([$ENV{TEST_NEWS_BUILD} . '/newsctl', '--db', $fresh, 'restore', $backup]);
is($rc, 0, 'newsctl restore into a new directory') or diag $err;
is(mode($fresh), '0700', 'the restored store directory is 0700');
is(mode("$fresh/data.mdb"), '0600', 'the restored data.mdb is 0600');

my $open = $t->dir . '/tmp/open';
mkdir $open, 0755 or die $!;
chmod 0755, $open;
($rc, $out, $err) = NewsTest::run_cmd([$ENV{TEST_NEWS_BUILD} . '/newsctl', '--db', $open, 'restore', $backup]);
is($rc, 0, 'newsctl restore into an existing 0755 directory') or diag $err;
is(mode($open), '0700', 'which it makes 0700');

# nginx -t
my ($ok, $stderr) = $t->conf_test;
ok($ok, 'nginx -t: a 0700 store with a 0600 data.mdb passes') or diag $stderr;
unlike($stderr, qr/readable by others/, 'without a warning');

chmod 0777, $t->db;
($ok, $stderr) = $t->conf_test;
ok(!$ok, 'nginx -t refuses a store directory of mode 0777');
like($stderr, qr/news_db.*writable by others \(mode 0777\).*chmod 0700/, 'saying why and what to do');

chmod 0770, $t->db;
($ok, $stderr) = $t->conf_test;
ok(!$ok && $stderr =~ /writable by its group/, 'and one its group can write (0770)');

chmod 0700, $t->db;
chmod 0666, $t->db . '/data.mdb';
($ok, $stderr) = $t->conf_test;
ok(!$ok, 'nginx -t refuses a data.mdb of mode 0666');
like($stderr, qr/data\.mdb" is writable by others \(mode 0666\).*chmod 0600/, 'naming the file');

chmod 0644, $t->db . '/data.mdb';
($ok, $stderr) = $t->conf_test;
ok($ok, 'a data.mdb of mode 0644 passes') or diag $stderr;
like($stderr, qr/\[warn\].*data\.mdb" is readable by others \(mode 0644\)/, 'with a warning');
chmod 0600, $t->db . '/data.mdb';

$t->run;
is($t->get('/')->{status}, 200, 'and the store serves');
$t->done;

done_testing;
