# Read-your-write on one hot article: posters in parallel, each through
# its own session, and after every 2xx a new connection (either worker)
# reads the article's pages and its JSON.  A comment answered 2xx is
# committed with its comment page, so every reader after that sees it.
# Then issue 14's hot article: 16 posters while 32 readers read its page
# without pause, each poster reading the page right after each 2xx.  The
# two workers' posts share batches (one writer for all, the shared
# writer): the workers' logs say so at the end.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use POSIX qw(_exit);
use lib 't/lib';
use NewsTest;

my $SLUG   = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $PAGE   = "/articles/$SLUG";
my $API    = "/api/articles/$SLUG/comments";
my $JSON   = { 'Content-Type' => 'application/json' };
my $KIDS   = 8;
my $EACH   = 14;     # 56 threads and 56 replies: the later on comment page 2

# 24 registrations from one address: past the default throttle
my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0; news_register_throttle 100000;');
$t->newsctl('import', 'demo/seed-article.json');
$t->run;
my @cookies = map { $t->login("ryw$_") } 1 .. $KIDS;

# the pages a reader gets now, all of them
sub pages {
    my $html = '';
    for my $path ($PAGE, "$PAGE?comments=2") {
        my $r = $t->get($path);
        $html .= $r->{content} if $r->{status} == 200;
    }
    return $html;
}

# each child posts, then reads twice over new connections; one line a post
my @kids;
for my $i (0 .. $KIDS - 1) {
    my $file = $t->dir . "/ryw-$i.txt";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open my $fh, '>', $file or _exit(1);
        $fh->autoflush(1);
        my $top;
        for my $j (1 .. $EACH) {
            # every other one a reply to the poster's first comment
            my %c = (body => "ryw-$i-$j");
            $c{parent} = 0 + $top if $top && $j % 2 == 0;
            my $r = $t->request('POST', $API, { headers => { %$JSON, Cookie => $cookies[$i] },
                                                content => encode_json(\%c) });
            my ($id) = $r->{content} =~ /^\{"id":(\d+),/;
            if ($r->{status} != 201 || !$id) {
                print $fh "refused $r->{status} ryw-$i-$j\n";
                next;
            }
            $top //= $id;
            my @seen = map { pages() =~ /id="comment-$id"/ ? 1 : 0 } 1 .. 2;
            my $count = $t->get("/api/articles/$SLUG")->{content} =~ /"comment_count":(\d+)/
                      ? $1 : 0;
            print $fh "posted $id seen @seen count $count ryw-$i-$j\n";
        }
        close $fh;
        _exit(0);
    }
    push @kids, [$pid, $file];
}

# waits for each [pid, file] and returns the files' lines
sub lines_of {
    my @lines;
    for my $k (@_) {
        waitpid $k->[0], 0;
        open my $fh, '<', $k->[1] or die "$k->[1]: $!";
        push @lines, <$fh>;
    }
    chomp @lines;
    return @lines;
}

my @lines = lines_of(@kids);

my @posted = grep { /^posted / } @lines;
is(scalar @posted, $KIDS * $EACH, 'every comment answered 201')
    or diag(join "\n", grep { !/^posted / } @lines);
my @unseen = grep { !/ seen 1 1 / } @posted;
is_deeply(\@unseen, [], 'each was in the pages of both reads right after its 201');

# the count a reader got after a 201 counts at least every comment
# acknowledged to that poster by then
my @low;
my %mine;
for my $l (@lines) {
    my ($kid) = $l =~ /ryw-(\d+)-/;
    my ($count) = $l =~ / count (\d+) / or next;
    push @low, $l if $count < ++$mine{ $kid // $l };
}
is_deeply(\@low, [], 'the JSON counts them');

my $html = pages();
my @missing = grep { my ($id) = /^posted (\d+)/; $html !~ /id="comment-$id"/ } @posted;
is_deeply(\@missing, [], 'and all are on the pages at the end');
like($t->get("/api/articles/$SLUG")->{content}, qr/"comment_count":@{[ $KIDS * $EACH ]},/,
     'the JSON counts every one');

### 16 posters and 32 readers on one hot article (issue 14)

my $HOT      = 'hot-article';
my $POSTERS  = 16;
my $READERS  = 32;
my $TOPS     = 6;       # 96 threads: comment pages 1 and 2

{
    my $seed = decode_json(do { local (@ARGV, $/) = ('demo/seed-article.json'); <> });
    $seed->{slug} = $HOT;
    delete $seed->{comments};
    my $file = $t->dir . '/hot.json';
    open my $fh, '>', $file or die "$file: $!";
    print $fh encode_json($seed);
    close $fh;
    my ($rc, $out) = $t->newsctl('import', $file);
    is($rc, 0, 'a second article, without comments') or diag($out);
}

my @hot_cookies = map { $t->login("hot$_") } 1 .. $POSTERS;
my $stop = $t->dir . '/hot-stop';

# readers: the page over and over, one line at the end: how many, how many not 200
my @readers;
for my $i (1 .. $READERS) {
    my $file = $t->dir . "/hot-reader-$i.txt";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my ($n, $bad) = (0, 0);
        while (!-e $stop) {
            $n++;
            $bad++ if $t->get("/articles/$HOT")->{status} != 200;
        }
        open my $fh, '>', $file or _exit(1);
        print $fh "read $n bad $bad\n";
        close $fh;
        _exit(0);
    }
    push @readers, [$pid, $file];
}

# posters: a top-level comment, then the comment pages as a reader gets them
my @posters;
for my $i (0 .. $POSTERS - 1) {
    my $file = $t->dir . "/hot-poster-$i.txt";
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open my $fh, '>', $file or _exit(1);
        $fh->autoflush(1);
        for my $j (1 .. $TOPS) {
            my $r = $t->request('POST', "/api/articles/$HOT/comments",
                                { headers => { %$JSON, Cookie => $hot_cookies[$i] },
                                  content => encode_json({ body => "hot-$i-$j" }) });
            my ($id) = $r->{content} =~ /^\{"id":(\d+),/;
            if ($r->{status} != 201 || !$id) {
                print $fh "refused $r->{status} hot-$i-$j\n";
                next;
            }
            my $html = join '', map { $_->{status} == 200 ? $_->{content} : '' }
                                map { $t->get($_) } "/articles/$HOT", "/articles/$HOT?comments=2";
            my $seen = $html =~ /id="comment-$id"/ ? 1 : 0;
            print $fh "posted $id seen $seen hot-$i-$j\n";
        }
        close $fh;
        _exit(0);
    }
    push @posters, [$pid, $file];
}

my @hot = lines_of(@posters);
open my $sfh, '>', $stop or die "$stop: $!";
close $sfh;
my ($reads, $bad_reads) = (0, 0);
for (lines_of(@readers)) {
    my ($n, $bad) = /^read (\d+) bad (\d+)/ or next;
    $reads += $n;
    $bad_reads += $bad;
}

my @hot_posted = grep { /^posted / } @hot;
is(scalar @hot_posted, $POSTERS * $TOPS, "all $POSTERS posters' comments answered 201")
    or diag(join "\n", grep { !/^posted / } @hot);
my @hot_unseen = grep { !/ seen 1 / } @hot_posted;
is_deeply(\@hot_unseen, [], 'each poster saw its comment on the page right after its 201');
ok($reads > 0, "$READERS readers read the page $reads times meanwhile");
is($bad_reads, 0, 'and every read was a 200');
like($t->get("/api/articles/$HOT")->{content}, qr/"comment_count":@{[ $POSTERS * $TOPS ]},/,
     'the JSON counts every one');

my ($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check finds the store whole') or diag($out);

$t->done;

# Both workers' posts went through the one shared writer: each worker
# says, as it exits, what it has led so far (the last to exit, all)
my ($posts, $batches, $mixed) = (0, 0, 0);
my $log = $t->error_log;
while ($log =~ /shared writer so far: (\d+) comment posts in (\d+) batches, (\d+) with/g) {
    ($posts, $batches, $mixed) = ($1, $2, $3) if $1 > $posts;
}
my $all = $KIDS * $EACH + $POSTERS * $TOPS;
is($posts, $all, "the shared writer took all $all posts, in $batches batches");
ok($mixed > 0, "$mixed of its batches held both workers' posts");

done_testing();
