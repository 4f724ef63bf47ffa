# Stores made by older builds (t/data/search-old-stores, see its README):
# one from before search, without an index, and one whose postings are of
# the first format.  This build serves them, but search answers 503
# saying to run newsctl reindex (an old block is never read as a new
# one), writes leave the old index alone and newsctl check passes; after
# newsctl reindex, search finds the articles and check agrees.  Then two
# stores whose index this build reads, but whose term directories are of
# an older form (schema 10) or missing (schema 8), served from a
# read-only file system.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsFaults;

my $DATA = 't/data/search-old-stores';

# the store of a dump in $t's directory, its data.mdb the workers'
sub load_store {
    my ($t, $name) = @_;
    my ($rc, undef, $err) = NewsTest::run_cmd(['mdb_load', '-f', "$DATA/$name.dump", $t->db]);
    is($rc, 0, "$name: the store made again by mdb_load") or diag $err;
    # the lock file keeps its first opener's reader table: ours make it
    unlink $t->db . '/lock.mdb';
    if ($> == 0) {
        my $uid = getpwnam('nobody');
        my $gid = getgrnam('nogroup');
        chown $uid, $gid, $t->db . '/data.mdb';
    }
}

sub schema {
    my ($t) = @_;
    my (undef, $dump) = NewsTest::run_cmd(['mdb_dump', '-p', '-s', 'meta', $t->db]);
    return $dump =~ /^ schema\n \\00\\00\\00\\([0-9a-f]{2})$/m ? hex $1 : -1;
}

for my $name (qw(pre-search format-1)) {
    my $t = NewsTest->new;
    load_store($t, $name);
    my ($rc, $out, $err);
    $t->run;

    is($t->get('/articles/harbour-fox')->{status}, 200, "$name: its articles are served");
    my $res = $t->get('/search?q=fox');
    is($res->{status}, 503, "$name: /search answers 503");
    like($res->{content}, qr/runs newsctl reindex/, "saying the operator must run newsctl reindex");
    $t->allow_log(qr/search index of this store is (of an older format|not built yet)/);
    like($t->error_log, $name eq 'format-1' ? qr/older format \(run newsctl reindex/
                                            : qr/not built yet \(run newsctl reindex/,
         $name eq 'format-1' ? 'the log: an index of an older format' : 'the log: no index yet');
    $res = $t->get('/api/search?q=fox');
    is($res->{status}, 503, "$name: /api/search too");
    like(eval { decode_json($res->{content})->{error}{message} } // '', qr/runs newsctl reindex/,
         'with the same message');

    # a write meanwhile leaves the old index alone
    my $file = $t->dir . '/tmp/okapi.json';
    open my $fh, '>', $file or die "$file: $!";
    print $fh '[{"slug":"okapi","title":"Okapi","body":"An okapi in the forest.",'
            . '"published_at":"2020-01-03T00:00:00Z"}]';
    close $fh;
    ($rc, $out, $err) = $t->newsctl('import', $file);
    is($rc, 0, "$name: newsctl import before the reindex") or diag $err;
    is($t->get('/search?q=okapi')->{status}, 503, 'search still waits for the reindex');
    ($rc, $out, $err) = $t->newsctl('check');
    is($rc, 0, "$name: newsctl check passes: the old index is not read") or diag "$out$err";

    ($rc, $out, $err) = $t->newsctl('reindex');
    is($rc, 0, "$name: newsctl reindex") or diag $err;
    $res = $t->get('/search?q=fox');
    is($res->{status}, 200, "$name: search answers after it");
    like($res->{content}, qr{<h2><a href="articles/harbour-fox">}, 'and finds the article');
    like($t->get('/search?q=okapi')->{content}, qr{href="articles/okapi"},
         'and the one imported before the reindex');
    unlike($t->get('/search?q=zebra')->{content}, qr{href="articles/zebra-draft"}, 'not the draft');
    ($rc, $out, $err) = $t->newsctl('check');
    is($rc, 0, "$name: newsctl check agrees with the new index") or diag "$out$err";
    $t->done;
}

# A read-only store is read as it is (raising its schema is a write), so
# its directories are not of this build's form, or there are none: a
# search walks its words' blocks' headers instead, and finds what it
# would.  The fault shim fails the worker's opening of the store with
# EROFS (the master's check of it is the first mdb_env_open, the worker
# inherits its count), and the worker opens it read-only.
SKIP: {
    skip 'no fault library (make faults-lib)', 20 unless NewsFaults::lib();
    for my $name (qw(schema-8 schema-10)) {
        my $t = NewsTest->new(workers => 1);
        my $f = NewsFaults->new($t);
        load_store($t, $name);
        my ($schema) = $name =~ /(\d+)$/;
        $f->arm("mdb_env_open 2 30\n");
        $f->run;
        $t->allow_log(qr/read-only file system/);
        like($t->error_log, qr/is on a read-only file system: serving reads/,
             "$name: served read-only");
        my $res = $t->get('/search?q=fox');
        is($res->{status}, 200, "$name: /search answers");
        like($res->{content}, qr{<h2><a href="articles/harbour-fox">}, 'and finds the article');
        like($t->get('/api/search?q=%22grain+prices%22')->{content}, qr/"slug":"grain-prices"/,
             'a phrase too');
        unlike($t->get('/search?q=zebra')->{content}, qr{href="articles/zebra-draft"}, 'not the draft');
        is(schema($t), $schema, "its schema record is still $schema");

        # the first opening that may write makes the directories anew
        my ($rc, $out, $err) = $t->newsctl('check');
        is($rc, 0, "$name: newsctl check, writable, agrees with them") or diag "$out$err";
        is(schema($t), 12, 'and raised the schema to 12');
        like($t->get('/search?q=fox')->{content}, qr{href="articles/harbour-fox"},
             'the read-only worker still finds the article');
        $t->done;
    }
}

done_testing;
