# Stores made by older builds (t/data/search-old-stores, see its README):
# one from before search, without an index, and one whose postings are of
# the first format.  This build serves them, but search answers 503
# saying to run newsctl reindex (an old block is never read as a new
# one), writes leave the old index alone and newsctl check passes; after
# newsctl reindex, search finds the articles and check agrees.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;

my $DATA = 't/data/search-old-stores';

for my $name (qw(pre-search format-1)) {
    my $t = NewsTest->new;
    my ($rc, $out, $err) = NewsTest::run_cmd(['mdb_load', '-f', "$DATA/$name.dump", $t->db]);
    is($rc, 0, "$name: the store made again by mdb_load") or diag $err;
    # the lock file keeps its first opener's reader table: ours make it
    unlink $t->db . '/lock.mdb';
    if ($> == 0) {
        my $uid = getpwnam('nobody');
        my $gid = getgrnam('nogroup');
        chown $uid, $gid, $t->db . '/data.mdb';
    }
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

done_testing;
