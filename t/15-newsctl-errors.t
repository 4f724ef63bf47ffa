# newsctl's refusals and failures, each with its exit status and message,
# and a store unchanged by them: bad options and arguments (exit 2), a
# store or file it cannot open, import of comments and of more than one
# batch, user commands on names that are not there, restore and backup
# refused, and, with the fault library (t/faults/lmdbfault.c) preloaded,
# LMDB or memory failing under export, stats, check, reindex, backup,
# the user and word commands (each command's own transaction, and an
# account's comments' disowning after its deletion) and a batched import.  No nginx: newsctl alone on a store of its own.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use File::Temp qw(tempdir);
use File::Copy ();
use lib 't/lib';
use NewsTest;

my $root = NewsTest->root;
my $lib = $ENV{TEST_NEWS_FAULT_LIB} // "$root/build/faults/liblmdbfault.so";
# a preload cannot replace malloc under a sanitizer runtime, and must
# follow that runtime in LD_PRELOAD (its LMDB faults still fire)
my $sanitized = ($ENV{TEST_NGINX_PRELOAD} // '') =~ /asan/;

my $t = NewsTest->new;
my $tmp = tempdir(CLEANUP => 1);

sub ctl { return $t->newsctl(@_) }

sub refused {
    my ($want_rc, $want_err, $what, @args) = @_;
    my ($rc, $out, $err) = ctl(@args);
    is($rc, $want_rc, "$what: exit $want_rc");
    like($err, $want_err, "$what: says why") or diag $err;
}

# options and arguments: usage, exit 2, before the store is touched
refused(2, qr/--size wants bytes, at least 1048576/, '--size not a number', '--size', '12x', 'stats');
refused(2, qr/--size wants bytes/, '--size below the minimum', '--size', '4096', 'stats');
refused(2, qr/^usage: newsctl/, 'an unknown option', '--frob', 'stats');
refused(2, qr/^usage: newsctl/, 'no command', );
refused(2, qr/^usage: newsctl/, 'export with an argument', 'export', 'x');
ok(!-e $t->db . '/data.mdb', 'none of them made a store');

my $bin = ($ENV{TEST_NEWS_BUILD} // $t->root . '/build') . '/newsctl';
my ($rc, $out, $err) = NewsTest::run_cmd([$bin, 'stats']);
is($rc, 2, 'no --db: usage');

# a store it cannot open
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/no/such/parent", 'stats']);
is($rc, 1, 'a store under a missing directory: exit 1');
like($err, qr/mkdir "\Q$tmp\E\/no\/such\/parent": No such file/, 'names the directory');
mkdir "$tmp/foreign";
{ open my $fh, '>', "$tmp/foreign/data.mdb" or die; print $fh 'x' x 8192; }
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/foreign", 'stats']);
is($rc, 1, 'a data.mdb that is not LMDB: exit 1');
like($err, qr/^newsctl: .*\S/m, 'with a message') or diag $err;

# import: files it cannot read
refused(1, qr/\Q$tmp\E\/missing.json: No such file/, 'import of a missing file', 'import', "$tmp/missing.json");
ok(!-e $t->db . '/data.mdb', 'a refused import makes no store');

# import from stdin, with comments: more than the first allocation holds
my @comments = map { { author => "reader$_", body => "comment $_", created_at => '2026-01-02T03:04:05Z' } } 1 .. 40;
($rc, $out, $err) = $t->newsctl_in(encode_json({ slug => 'many', title => 'Many', body => 'b',
                                                 comments => \@comments }), 'import', '-');
is($rc, 0, 'import from stdin with 40 comments') or diag $err;
like($out, qr/imported 1 article$/m, 'says so');
my ($xrc, $export) = ctl('export');
is($xrc, 0, 'export');
my $many = (grep { $_->{slug} eq 'many' } @{ decode_json($export) })[0];
is(scalar @{ $many->{comments} }, 40, 'all 40 comments exported');
is($many->{comments}[39]{body}, 'comment 40', 'in order');

refused(1, qr/article 1 \(bad-comment\): .*nothing imported/, 'a bad comment',
        'import', NewsTest::json_file(encode_json({ slug => 'bad-comment', title => 'T', body => 'b',
                                                    comments => [{ author => 'x' }] })));
refused(1, qr/"comments" must be an array|comments/i, 'comments not an array',
        'import', NewsTest::json_file('{"slug":"bad-comments","title":"T","body":"b","comments":{}}'));
is((ctl('export'))[1], $export, 'the refused imports changed nothing');

# user commands
my $pw = "password-1\n";
sub user { my ($stdin, @args) = @_; return $t->newsctl_in($stdin, 'user', @args) }
($rc, $out, $err) = user($pw, 'add', 'ab');
is($rc, 2, 'user add: a name too short: exit 2');
like($err, qr/a username has 3 to 32 letters/, 'says what a name is');
($rc, $out, $err) = user($pw, 'add', 'alice', '--role', 'god');
is($rc, 2, 'user add: an unknown role: exit 2');
like($err, qr/unknown role "god"/, 'names it');
($rc, $out, $err) = user($pw, 'add', 'alice', '--role');
is($rc, 2, 'user add: --role without its value: usage');
like($err, qr/^usage/, 'usage');
($rc, $out, $err) = user($pw, 'add', 'alice', '--colour', 'red');
is($rc, 2, 'user add: an unknown option: usage');
for my $cost ('1m,2', '19m', '19m,1', '19x,2', '5g,2', '19m,1001', '17592186044417g,2', '18446744073709551616,2') {
    ($rc, $out, $err) = user($pw, 'add', 'alice', '--cost', $cost);
    is($rc, 2, "user add --cost $cost: exit 2");
    like($err, qr/--cost wants MEMORY,PASSES/, 'says what --cost wants');
}
($rc, $out, $err) = user("short\n", 'add', 'alice');
is($rc, 2, 'a password too short: exit 2');
like($err, qr/at least 8 characters/, 'says so');
($rc, $out, $err) = user("bad \xff\xfe utf-8\n", 'add', 'alice');
is($rc, 2, 'a password that is not UTF-8: exit 2');
like($err, qr/must be UTF-8 of at most 1024 bytes/, 'says so');
($rc, $out, $err) = user(('p' x 1100) . "\n", 'add', 'alice');
is($rc, 2, 'a password too long: exit 2');
($rc, $out, $err) = user("password-1\r\n", 'add', 'alice', '--role', 'editor', '--cost', '20m,2');
is($rc, 0, 'user add with a role, a cost and a CRLF line') or diag $err;
like($out, qr/^added alice \(editor\), id \d+$/m, 'says what it added');
($rc, $out, $err) = user($pw, 'add', 'alice');
is($rc, 1, 'user add of a name taken: exit 1');
like($err, qr/taken|exists/i, 'says so') or diag $err;
($rc, $out, $err) = user(undef, 'list');
is($rc, 0, 'user list');
like($out, qr/^\d+\talice\teditor\t\d{4}-\d\d-\d\dT/m, 'lists alice with her role and creation');
($rc, $out, $err) = user(undef, 'set-role', 'nobody', 'editor');
is($rc, 1, 'set-role of no such user: exit 1');
like($err, qr/no such user/, 'says so');
($rc, $out, $err) = user(undef, 'set-role', 'alice', 'god');
is($rc, 2, 'set-role to an unknown role: exit 2');
like($err, qr/unknown role "god"/, 'names it');
($rc, $out, $err) = user(undef, 'delete', 'nobody');
is($rc, 1, 'delete of no such user: exit 1');
like($err, qr/no such user/, 'says so');
($rc, $out, $err) = user(undef, 'frob');
is($rc, 2, 'an unknown user command: usage');
($rc, $out, $err) = user(undef, 'delete');
is($rc, 2, 'delete without a name: usage');
($rc, $out, $err) = user(undef, 'delete', 'alice', '--comments', 'frob');
is($rc, 2, 'delete --comments of an unknown kind: exit 2');
like($err, qr/--comments is keep or remove/, 'says what it takes');

# the word lists' refusals
refused(2, qr/the list is banned or suspect/, 'words add to an unknown list', 'words', 'add', 'frob', 'x');
refused(2, qr/^usage: newsctl/, 'words list with an argument', 'words', 'list', 'x');
refused(2, qr/^usage: newsctl/, 'an unknown words command', 'words', 'frob');

# import: more than it reads (256 MiB), and standard input that cannot be
# copied (import-disqus spools "-" to a file, to read it twice)
($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'head -c 268435457 /dev/zero | exec "$0" --db "$1" import -',
                                       $bin, $t->db]);
is($rc, 1, 'import of more than 256 MiB: exit 1');
like($err, qr/^newsctl: -: larger than 268435456 bytes$/m, 'says so');
($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'exec "$0" --db "$1" import-disqus - < "$2"',
                                       $bin, $t->db, $tmp]);
is($rc, 1, 'import-disqus of a standard input that is a directory: exit 1');
like($err, qr/^newsctl: copying standard input: Is a directory$/m, 'says so');
($rc, $out, $err) = NewsTest::run_cmd(['sh', '-c', 'TMPDIR="$2/none" exec "$0" --db "$1" import-disqus - < /dev/null',
                                       $bin, $t->db, $tmp]);
is($rc, 1, 'import-disqus of standard input without a temporary directory: exit 1');
like($err, qr/^newsctl: a temporary file for standard input: \Q$tmp\E\/none\/newsctl-stdin-\w+: No such file/m,
     'says so');

# run by a user other than root (the workers' own, say): the store's files
# are its own already, nothing is handed over
SKIP: {
    skip 'not root, or no setpriv', 3 unless $> == 0 && -x '/usr/bin/setpriv';
    my $own = "$tmp/own";
    mkdir $own or die;
    chown 65534, 65534, $own;
    chmod 0755, $tmp;
    ($rc, $out, $err) = NewsTest::run_cmd(['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups',
                                           $bin, '--db', $own, 'stats']);
    is($rc, 0, 'newsctl run as nobody makes its store') or diag $err;
    is((stat "$own/data.mdb")[4], 65534, 'owned by nobody');
    unlike($err, qr/chown/, 'and says nothing of owners');
}

# backup and restore refused
mkdir "$tmp/taken";
refused(1, qr/backup: mkdir "\Q$tmp\E\/taken": File exists \(give a new directory\)/,
        'backup into an existing directory', 'backup', "$tmp/taken");
refused(1, qr/restore: "\S+" holds a store; stop nginx and move it aside first/,
        'restore over a store', 'restore', "$tmp/taken");
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/new-store", 'restore', "$tmp/taken"]);
is($rc, 1, 'restore from a directory that is no backup: exit 1');
like($err, qr/restore: "\Q$tmp\E\/taken" is not a backup/, 'says so');
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/no/parent", 'restore', "$tmp/taken"]);
is($rc, 1, 'restore into a directory it cannot make: exit 1');
like($err, qr/restore: "\Q$tmp\E\/no\/parent": No such file/, 'names it');
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/restored", 'restore', "$tmp/foreign"]);
is($rc, 1, 'restore from a backup that is not LMDB: exit 1');
ok(!-e "$tmp/restored/data.mdb", 'and nothing restored');

# with the fault library: what LMDB or memory refuses
SKIP: {
    skip "no fault library $lib (make faults-lib)", 1 unless -f $lib;
    my $faults = "$tmp/faults";

    my $on = $t;            # the store the faulty runs work on
    my $faulty = sub {
        my ($rule, $stdin, @args) = @_;
        open my $fh, '>', $faults or die;
        print $fh "$rule\n";
        close $fh;
        local $ENV{NEWS_FAULT_FILE} = $faults;
        local $ENV{LD_PRELOAD} = $sanitized ? "$ENV{TEST_NGINX_PRELOAD}:$lib" : $lib;
        return $on->newsctl_in($stdin, @args);
    };
    my $fails = sub {
        my ($rule, $want, @args) = @_;
        my ($rc, $out, $err) = $faulty->($rule, undef, @args);
        is($rc, 1, "$args[0] with $rule: exit 1");
        like($err, $want, "$args[0] with $rule: says why") or diag $err;
        return $out;
    };

    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: .*(I\/O|EIO|Input\/output)/mi, 'stats');
    $fails->('mdb_txn_begin 1 MDB_READERS_FULL', qr/^newsctl: /m, 'export');
    $fails->('mdb_cursor_open 1 ENOMEM', qr/^newsctl: Cannot allocate memory/m, 'export');
    # the 1st mdb_get reads the schema version when the store opens
    $fails->('mdb_get 1 MDB_CORRUPTED', qr/^newsctl: reading the schema version: MDB_CORRUPTED/m, 'export');
    my $cut = $fails->('mdb_get 2+ MDB_CORRUPTED', qr/^newsctl: article \d+: reading an article: MDB_CORRUPTED/m,
                       'export');
    unlike($cut, qr/"slug"/, 'an export cut short by a failed read has no article in it');
    # the 1st mdb_cursor_get finds the first article, the 2nd reads its
    # comments, the 3rd moves to the next article
    $fails->('mdb_cursor_get 2 EIO', qr/^newsctl: comments of article \d+: reading comments: Input\/output/m,
             'export');
    # a later one moves to the next article: the first that fails there
    my ($n, $said) = (2, '');
    while ($n < 100 && $said !~ /^newsctl: export: /m) {
        (undef, undef, $said) = $faulty->('mdb_cursor_get ' . ++$n . ' EIO', undef, 'export');
    }
    like($said, qr/^newsctl: export: Input\/output error$/m,
         "export with the outer cursor's step failing (call $n) says why");
    # one malloc failing (never "every one from the Nth": the coverage
    # build's own runtime allocates at exit); a preload cannot replace
    # malloc under a sanitizer runtime
    my $short = sub {
        my ($cmd) = @_;
        my ($n, $rc, $said) = (0, 0, '');
        while ($n < 80 && $said !~ /out of memory/) {
            ($rc, undef, $said) = $faulty->('malloc ' . ++$n . ' ENOMEM', undef, $cmd);
        }
        is($rc, 1, "$cmd with its malloc $n failing: exit 1");
        like($said, qr/^newsctl: article \d+: out of memory$/m, 'says so');
    };
    unless ($sanitized) {
        $short->('export');

        # cJSON answers NULL both for bytes that are not JSON and for a
        # lack of memory: the second is said as such, never as a corrupt
        # record (its allocations are the module's since; before, only
        # malloc@libcjson reached them)
        my ($fired, @corrupt) = (0);
        for my $rule ('malloc@libcjson', 'malloc') {
            for my $n (1 .. 60) {
                my ($rc, undef, $said) = $faulty->("$rule $n ENOMEM", undef, 'export');
                next unless $rc;
                $fired++;
                push @corrupt, "$rule $n: $said" if $said =~ /corrupt/;
            }
        }
        ok($fired > 0, "export with cJSON's allocations failing: $fired failed");
        is_deeply(\@corrupt, [], 'none of them said "corrupt record"');
    }
    unless ($sanitized) {
        # the password's hash cannot have its memory (argon2's own malloc)
        my ($hrc, undef, $herr) = $faulty->('malloc@argon2 1 ENOMEM', $pw, 'user', 'add', 'dave');
        is($hrc, 1, 'user add with the hash\'s memory refused: exit 1');
        like($herr, qr/^newsctl: argon2id_hash_encoded\(\): /m, 'says so') or diag $herr;

        # an import's memory, on a store of its own: the file's buffer
        # (the 1st realloc), then cJSON's and the list's, each refused in turn
        $on = NewsTest->new;
        my $file = NewsTest::json_file(encode_json([map { { slug => "mem-$_", title => 'T', body => 'b' } } 1 .. 20]));
        my ($rrc, undef, $rerr) = $faulty->('realloc 1 ENOMEM', undef, 'import', $file);
        is($rrc, 1, 'import with the file\'s buffer refused: exit 1');
        like($rerr, qr/^newsctl: \Q$file\E: out of memory$/m, 'says so, not "larger than"');
        my @bad;
        for my $rule ((map { "realloc $_ ENOMEM" } 2 .. 12), (map { "malloc $_ ENOMEM" } 1 .. 30)) {
            my ($rc, undef, $said) = $faulty->($rule, undef, 'import', $file);
            push @bad, "$rule: $rc $said" unless $rc == 0 || ($rc == 1 && $said =~ /^newsctl: /m);
        }
        is_deeply(\@bad, [], 'import with each allocation refused in turn: exit 1 with a message, or done');
        $on = $t;
    }
    # the importers of WordPress and Disqus files and export-wxr, on a
    # store of their own, with each LMDB call failing in turn (until the
    # Nth is never made): exit 1 with a message, or done; never a crash,
    # and the store checks clean after
    {
        $on = NewsTest->new;
        my ($wrc, undef, $werr) = $on->newsctl('import-wxr', 't/data/wordpress/export.xml');
        is($wrc, 0, 'a store of the WordPress export') or diag $werr;
        my $base = "$tmp/wordpress.mdb";
        File::Copy::copy($on->db . '/data.mdb', $base) or die "copy: $!";
        my $each = sub {
            my ($name, $reset, @args) = @_;
            my ($n, @bad) = (0);
            my $most = $name =~ /alloc/ ? 30 : 500;
            while (++$n <= $most) {
                File::Copy::copy($base, $on->db . '/data.mdb') or die "copy: $!" if $reset;
                unlink "$faults.log";
                my ($rc, undef, $said) = $faulty->("$name $n EIO", undef, @args);
                last unless -s "$faults.log";
                push @bad, "$name $n: exit $rc: $said" unless $rc == 0 || ($rc == 1 && $said =~ /^newsctl: \S/m);
            }
            is_deeply(\@bad, [], "$args[0] with each of its " . ($n - 1) . " ${name}s failing in turn") or diag explain \@bad;
            my ($crc, $cout) = $on->newsctl('check');
            is($crc, 0, "$args[0] with each $name failing: the store checks clean") or diag $cout;
        };
        # a second import of the same file: the stored comments matched
        $each->($_, 0, 'import-wxr', 't/data/wordpress/export.xml') for qw(mdb_get mdb_cursor_get mdb_txn_commit);
        $each->($_, 1, 'import-disqus', 't/data/disqus/export.xml')
            for qw(mdb_get mdb_put mdb_cursor_get mdb_txn_begin mdb_txn_commit);
        $each->($_, 0, 'export-wxr') for qw(mdb_get mdb_cursor_get);
        # the first allocations of each (newsctl's own: the file's posts
        # and threads, the files' list)
        unless ($sanitized) {
            $each->($_, 1, 'import-disqus', 't/data/disqus/export.xml') for qw(realloc calloc);
        }

        # more Disqus posts than a write batch (1,000): written in batches,
        # then the articles shown in txns of their own, each of which may fail
        my $posts = join '', map {
            qq{<post dsq:id="$_"><message><![CDATA[<p>Post $_</p>]]></message>}
          . qq{<createdAt>2024-05-01T00:00:00Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam>}
          . qq{<author><name>P$_</name></author><thread dsq:id="1"/></post>\n}
        } 1 .. 1100;
        my $big = NewsTest::json_file(qq{<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" }
                                    . qq{xmlns:dsq="http://disqus.com/disqus-internals">\n<thread dsq:id="1">}
                                    . qq{<id>hello-world</id><link>https://news.example/articles/hello-world</link>}
                                    . qq{<title>a</title></thread>\n$posts</disqus>\n});
        $each->($_, 1, 'import-disqus', $big) for qw(mdb_txn_begin mdb_txn_commit);
        my ($brc, $bout, $berr) = $on->newsctl('import-disqus', $big);
        is($brc, 0, 'the batched import without a fault') or diag $berr;
        like($bout, qr/^imported: 0 articles, 1100 comments,/m, 'imports every post');

        # export-wxr with one malloc failing, as export above
        $short->('export-wxr') unless $sanitized;

        # a key in articles no record of the module has (written behind
        # its back): export-wxr passes over it
        my ($lrc, undef, $lerr) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'articles', $on->db],
                                                    stdin => "odd\nx\n");
        is($lrc, 0, 'mdb_load writes a 3-byte key into articles') or diag $lerr;
        my ($xrc, $xout, $xerr) = $on->newsctl('export-wxr');
        is($xrc, 0, 'export-wxr passes over it') or diag $xerr;
        is(() = $xout =~ /<item>/g, 6, 'and exports the six articles');
        $on = $t;
    }

    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: /m, 'check');
    $fails->('mdb_get 2 MDB_CORRUPTED', qr/^newsctl: check: /m, 'check');
    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: /m, 'user', 'list');
    $fails->('mdb_cursor_get 1 EIO', qr/^newsctl: /m, 'user', 'list');
    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: /m, 'user', 'set-role', 'alice', 'reader');
    $fails->('mdb_txn_commit 1 EIO', qr/^newsctl: /m, 'user', 'set-role', 'alice', 'reader');
    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: /m, 'user', 'delete', 'alice');
    my ($frc, $fout, $ferr) = $faulty->('mdb_txn_begin 1 EIO', $pw, 'user', 'add', 'carol');
    is($frc, 1, 'user add with its txn refused: exit 1');
    ($frc, $fout, $ferr) = $faulty->('mdb_txn_commit 1 ENOSPC', $pw, 'user', 'add', 'carol');
    is($frc, 1, 'user add with its commit refused: exit 1');
    like($ferr, qr/disk holding the store is full|No space/i, 'says why') or diag $ferr;
    is((ctl('export'))[1], $export, 'no failure changed the store');
    ($rc, $out) = user(undef, 'list');
    like($out, qr/\talice\teditor\t/, 'alice is still an editor');
    unlike($out, qr/carol/, 'carol was never added');

    # each command's own transaction failing after the store's opening
    # (which is the 1st mdb_txn_begin and the 1st mdb_txn_commit)
    $fails->('mdb_txn_begin 2 EIO', qr/^newsctl: beginning a read transaction: Input\/output error$/m, 'check');
    $fails->('mdb_cursor_open 1 EIO', qr/^newsctl: check: mdb_cursor_open\(\): Input\/output error$/m, 'check');
    $fails->('mdb_txn_begin 2 EIO', qr/^newsctl: reindex: beginning a write transaction: Input\/output error$/m,
             'reindex');
    my $bk = "$tmp/backup-refused";
    $fails->('mdb_env_copy2 1 ENOSPC', qr/^newsctl: copying to "\Q$bk\E": No space left on device$/m, 'backup', $bk);
    ok(!-e $bk, 'a backup that failed leaves no directory behind');
    $fails->('mdb_txn_begin 2 EIO', qr/^newsctl: beginning a write transaction: /m, 'user', 'set-role', 'alice', 'reader');
    $fails->('mdb_txn_commit 2 EIO', qr/^newsctl: committing: Input\/output error$/m, 'user', 'set-role', 'alice',
             'reader');
    ($frc, undef, $ferr) = $faulty->('mdb_txn_begin 2 EIO', $pw, 'user', 'add', 'erin');
    is($frc, 1, 'user add with its own txn refused: exit 1');
    like($ferr, qr/^newsctl: beginning a write transaction: /m, 'says why') or diag $ferr;
    ($frc, undef, $ferr) = $faulty->('mdb_txn_commit 2 ENOSPC', $pw, 'user', 'add', 'erin');
    is($frc, 1, 'user add with its own commit refused: exit 1');
    like($ferr, qr/^newsctl: committing: the disk holding the store is full/m, 'says why') or diag $ferr;
    ($rc, $out) = user(undef, 'list');
    like($out, qr/\talice\teditor\t/, 'alice is still an editor');
    unlike($out, qr/erin/, 'erin was never added');
    $fails->('mdb_txn_begin 2 EIO', qr/^newsctl: beginning a write transaction: /m, 'words', 'add', 'banned', 'frobnitz');
    $fails->('mdb_txn_commit 2 EIO', qr/^newsctl: committing: /m, 'words', 'add', 'banned', 'frobnitz');
    $fails->('calloc 1 ENOMEM', qr/^newsctl: out of memory$/m, 'words', 'add', 'banned', 'frobnitz')
        unless $sanitized;
    $fails->('mdb_env_open * 16', qr/^newsctl: cannot open the store /m, 'words', 'list');
    unlike((ctl('words', 'list'))[1], qr/frobnitz/, 'no word was added');
    # an account deleted, its comments' disowning refused (the account's
    # own write is the 2nd txn): newsctl says to run it again
    for my $case (['mdb_txn_begin 3 EIO', 'beginning a write transaction'], ['mdb_txn_commit 3 EIO', 'committing'],
                  ['mdb_cursor_open 2 EIO', 'mdb_cursor_open\(\)'], ['mdb_cursor_get 3 EIO', 'disowning comments'])
    {
        my $name = 'frank' . ++$n;
        ($frc, undef, $ferr) = user($pw, 'add', $name);
        is($frc, 0, 'an account to delete') or diag $ferr;
        $fails->($case->[0], qr/^newsctl: disowning the account's comments: $case->[1].*\(run the command again to finish\)$/m,
                 'user', 'delete', $name);
    }
    ($rc, $out, $err) = ctl('check');
    is($rc, 0, 'the store checks clean after them') or diag "$out$err";

    # opening the store: LMDB's open retried when another process holds
    # it for a moment (EAGAIN 11, EBUSY 16), a read-only file system (EROFS
    # 30) served read-only, and each step of the opening failing
    my ($orc, $oout, $oerr) = $faulty->('mdb_env_open 1 11', undef, 'stats');
    is($orc, 0, 'an open that fails once with EAGAIN is retried') or diag $oerr;
    $fails->('mdb_env_open * 16', qr/^newsctl: cannot open the store ".*": Device or resource busy$/m, 'stats');
    ($orc, $oout, $oerr) = $faulty->('mdb_env_open 1 30', undef, 'stats');
    is($orc, 0, 'a store on a read-only file system: stats reads it') or diag $oerr;
    like($oout, qr/^articles\s+\d+$/m, 'and counts');
    # a store of an older schema: read as it is on a read-only file system,
    # raised to this build's schema by the first opening that may write
    my ($lrc, undef, $lerr) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'meta', $t->db],
                                                stdin => "schema\n\\00\\00\\00\\01\n");
    is($lrc, 0, 'mdb_load writes schema 1') or diag $lerr;
    ($orc, $oout, $oerr) = $faulty->('mdb_env_open 1 30', undef, 'stats');
    is($orc, 0, 'an older schema on a read-only file system: stats reads it') or diag $oerr;
    my (undef, $dump) = NewsTest::run_cmd(['mdb_dump', '-p', '-s', 'meta', $t->db]);
    like($dump, qr/^ schema\n \\00\\00\\00\\01$/m, 'and leaves its schema record');
    ($orc, undef, $oerr) = ctl('stats');
    is($orc, 0, 'an older schema opened writable') or diag $oerr;
    (undef, $dump) = NewsTest::run_cmd(['mdb_dump', '-p', '-s', 'meta', $t->db]);
    like($dump, qr/^ schema\n \\00\\00\\00\\0c$/m, 'is raised to schema 12');
    $fails->('mdb_env_open 1 30', qr/import stopped after 0 articles: .*read-only file system: writes are refused/,
             'import', NewsTest::json_file('{"slug":"ro","title":"T","body":"b"}'));
    $fails->('mdb_env_set_mapsize 1 22', qr/^newsctl: mdb_env_set_mapsize\(\): Invalid argument$/m,
             '--size', '2000000000', 'stats');
    $fails->('mdb_dbi_open 1 EIO', qr/^newsctl: mdb_dbi_open\(\): Input\/output error$/m, 'stats');
    $fails->('mdb_txn_commit 1 EIO', qr/^newsctl: mdb_txn_commit\(\): Input\/output error$/m, 'stats');
    $fails->('mdb_txn_begin 1 EIO', qr/^newsctl: mdb_txn_begin\(\): Input\/output error$/m, 'user', 'list');

    # a new store's making, each LMDB call of it failing in turn: exit 1
    # with a message, or a store that checks clean
    {
        my @bad;
        for my $name (qw(mdb_env_create mdb_txn_begin mdb_dbi_open mdb_get mdb_put mdb_cursor_get mdb_txn_commit)) {
            for my $n (1 .. 100) {
                my $dir = "$tmp/new-$name-$n";
                open my $fh, '>', $faults or die;
                print $fh "$name $n EIO\n";
                close $fh;
                unlink "$faults.log";
                my ($rc, $err);
                {
                    local $ENV{NEWS_FAULT_FILE} = $faults;
                    local $ENV{LD_PRELOAD} = $sanitized ? "$ENV{TEST_NGINX_PRELOAD}:$lib" : $lib;
                    ($rc, undef, $err) = NewsTest::run_cmd([$bin, '--db', $dir, 'stats']);
                }
                last unless -s "$faults.log";
                if ($rc == 0) {
                    my ($crc, $cout, $cerr) = NewsTest::run_cmd([$bin, '--db', $dir, 'check']);
                    push @bad, "$name $n: made a store check refuses: $cout$cerr" if $crc;
                } elsif ($rc != 1 || $err !~ /^newsctl: \S/m) {
                    push @bad, "$name $n: exit $rc: $err";
                }
            }
        }
        is_deeply(\@bad, [], 'a new store with each LMDB call of its making failing in turn') or diag explain \@bad;
    }

    # an import of more than one batch (1,000 articles a txn) stopped by
    # the second batch's commit (the 1st commit is the store's opening):
    # the first batch stays and newsctl says how far
    my @articles = map { { slug => "batch-$_", title => "Batch $_", body => 'b' } } 1 .. 1500;
    my $file = NewsTest::json_file(encode_json(\@articles));
    $fails->('mdb_txn_commit 3 EIO', qr/import stopped after 1000 articles: /, 'import', $file);
    ($rc, $out) = ctl('stats');
    like($out, qr/^articles\s+1001$/m, 'the first batch of 1000 is in, the second is not');
    $fails->('mdb_txn_begin 2 MDB_READERS_FULL', qr/import stopped after 0 articles: /, 'import', $file);
    $fails->('mdb_put 1 MDB_MAP_FULL', qr/import stopped after 0 articles: .*full/i, 'import', $file);
    ($rc, $out, $err) = ctl('import', $file);
    is($rc, 0, 'the same import without the fault') or diag $err;
    like($out, qr/imported 1500 articles/, 'imports every article');
    ($rc, $out, $err) = ctl('check');
    is($rc, 0, 'the store checks clean after it all') or diag "$out$err";
}

# a store damaged in more places than check writes lines for: 1,100
# names of an account that does not exist (mdb_load writes them behind
# the store's back)
my $ghosts = join '', map { "ghost$_\n\\00\\00\\00\\00\\00\\00\\03\\e7\n" } 1 .. 1100;
my ($load, undef, $load_err) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'names', $t->db], stdin => $ghosts);
is($load, 0, 'mdb_load damages names') or diag $load_err;
($rc, $out, $err) = ctl('check');
is($rc, 1, 'check of a damaged store: exit 1');
my @lines = split /\n/, $out;
is(scalar @lines, 1001, '1000 violation lines and one for the rest');
is($lines[-1], '... 100 more', 'the rest counted');
like($err, qr/1100 violations/, 'the summary counts them all');

# a schema record of the wrong size: the store is refused on opening
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/schema", 'stats']);
is($rc, 0, 'a new store') or diag $err;
($load, undef, $load_err) = NewsTest::run_cmd(['mdb_load', '-T', '-s', 'meta', "$tmp/schema"],
                                              stdin => "schema\nab\n");
is($load, 0, 'mdb_load writes a 2-byte schema record') or diag $load_err;
($rc, $out, $err) = NewsTest::run_cmd([$bin, '--db', "$tmp/schema", 'stats']);
is($rc, 1, 'a corrupt schema record: exit 1');
like($err, qr/^newsctl: the store ".*schema" has a corrupt schema record$/m, 'says so');

done_testing;
