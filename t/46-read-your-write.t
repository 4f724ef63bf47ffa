# Read-your-write on one hot article: posters in parallel, each through
# its own session, and after every 2xx a new connection (either worker)
# reads the article's pages and its JSON.  A comment answered 2xx is
# committed with its comment page, so every reader after that sees it.
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

my $t = NewsTest->new(workers => 2, http => 'news_comment_rate 0;');
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

my @lines;
for my $k (@kids) {
    waitpid $k->[0], 0;
    open my $fh, '<', $k->[1] or die "$k->[1]: $!";
    push @lines, <$fh>;
}
chomp @lines;

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

my ($rc, $out) = $t->newsctl('check');
is($rc, 0, 'newsctl check finds the store whole') or diag($out);

$t->done;
done_testing();
