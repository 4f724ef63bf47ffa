#!/usr/bin/perl
# make audit: Lighthouse (performance, accessibility, best practices, SEO)
# on the seed article logged out and logged in and on the front page, in
# Debian's Chromium; screenshots of the seed article at phone and desktop
# widths, light and dark, in build/screenshots/; the editors' desk's
# pages as an editor, and the newsroom guide's screenshots (README) in
# doc/screenshots/.  Prints a score table and exits non-zero when a
# score is under AUDIT_MIN (95).
#
# Needs `make audit-tools` (Debian's chromium, npm's lighthouse in
# build/tools), which `make audit` runs first.
use strict;
use warnings;
use File::Path qw(make_path);
use File::Temp ();
use Test::More ();
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsSite;
use NewsLive;
use NewsBrowser;

my $min = $ENV{AUDIT_MIN} // 95;
my $root = NewsTest->new(make_db => 0)->root;
my $build = $ENV{TEST_NEWS_BUILD} // "$root/build";
my $lh = $ENV{LIGHTHOUSE} // "$build/tools/lighthouse/node_modules/.bin/lighthouse";
my $chrome = $ENV{CHROME_PATH} // '/usr/bin/chromium';
-x $lh or die "no $lh: run make audit-tools\n";
-x $chrome or die "no $chrome: run make audit-tools\n";
$ENV{CHROME_PATH} = $chrome;

# headless on a machine with no network but loopback: no background
# connections, no first-run, no updates (see the machine notes)
my @flags = qw(--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run
               --disable-background-networking --disable-component-update --disable-sync
               --disable-dev-shm-usage --hide-scrollbars);

my $out = "$build/audit";
my $shots = "$build/screenshots";
make_path($out, $shots);

# with nchan beside it (when installed) the article pages carry the live
# comments' script, which must cost no points
my %live = -f $NewsLive::NCHAN
         ? (main => "load_module $NewsLive::NCHAN;", server => NewsLive::locations(),
            http => 'news_live_publish http://127.0.0.1:%%PORT%%/live-publish;')
         : ();
print "audit: without live comments (no $NewsLive::NCHAN)\n" unless %live;
my $site = NewsSite->new(%live);
my $t = $site->t;
my @runs = ([ 'front', '/', undef ],
            [ 'article', $NewsSite::PAGE, undef ],
            [ 'article-logged-in', $NewsSite::PAGE, 'alice' ],
            [ 'article-newest', "$NewsSite::PAGE?sort=newest", undef ],
            [ 'article-editor', "$NewsSite::PAGE?sort=newest", 'ed' ],
            [ 'moderation-reported', '/moderation/reported', 'mod' ],
            [ 'moderation-words', '/moderation/words', 'mod' ],
            [ 'moderation-user', '/moderation/users/bob', 'mod' ],
            [ 'moderation-log', '/moderation/log', 'mod' ]);
# ---- the readers' and moderators' journeys (issue 20): the pages on the way
my @ids = @{ $site->{comment_ids} };
push @runs, [ 'article-reply-form', "$NewsSite::PAGE?reply=$ids[0]", 'bob' ],
            [ 'article-edit-in-place', "$NewsSite::PAGE?edit=$ids[0]", 'alice' ],
            [ 'article-moderator', $NewsSite::PAGE, 'mod' ],
            [ 'article-delete-confirm', "$NewsSite::PAGE?delete=$ids[0]", 'mod' ],
            [ 'login-next', "/login?next=%2Farticles%2F$NewsSite::SLUG%23comment-form", undef ],
            [ 'register', '/register', undef ];
# ---- the editors' desk (issue 20): its pages, as an editor ----------
# (a preview is a POST, which Lighthouse cannot send: its page is the
# article's own, audited above, under the preview's form; t/80 validates
# it, and its screenshot is below)
push @runs, [ 'desk', '/desk', 'ed' ],
            [ 'desk-new', '/desk/new', 'ed' ],
            [ 'desk-edit', '/desk/articles/draft-piece', 'ed' ],
            [ 'desk-revisions', '/desk/articles/draft-piece/revisions', 'ed' ],
            [ 'desk-diff', '/desk/articles/draft-piece/revisions?diff=1', 'ed' ],
            [ 'desk-delete', '/desk/articles/draft-piece/delete', 'ed' ];
# ---- end of the desk's block -------------------------------------------
my @cats = qw(performance accessibility best-practices seo);
my $fail = 0;
my @rows;

for my $run (@runs) {
    my ($name, $path, $who) = @$run;
    my $profile = File::Temp::tempdir('lh-profile-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my @cmd = ($lh, $t->url($path), '--quiet', '--output=json', "--output-path=$out/$name.json",
               '--only-categories=' . join(',', @cats), '--max-wait-for-load=20000',
               '--chrome-flags=' . join(' ', @flags, "--user-data-dir=$profile"));
    push @cmd, '--extra-headers=' . encode_json({ Cookie => $site->cookie($who) }) if $who;
    my ($rc, undef, $err) = NewsTest::run_cmd(\@cmd, timeout => 180);
    if ($rc || !-s "$out/$name.json") {
        print STDERR "lighthouse $name failed: $err\n";
        $fail = 1;
        next;
    }
    my $report = decode_json(do { local (@ARGV, $/) = "$out/$name.json"; <> });
    my @scores = map { int(($report->{categories}{$_}{score} // 0) * 100 + 0.5) } @cats;
    push @rows, [ $name, @scores ];
    for my $i (0 .. $#cats) {
        next if $scores[$i] >= $min;
        $fail = 1;
        # what cost the points
        for my $ref (@{ $report->{categories}{$cats[$i]}{auditRefs} }) {
            my $a = $report->{audits}{ $ref->{id} };
            next unless $ref->{weight} && defined $a->{score} && $a->{score} < 1;
            printf STDERR "  %s %s: %s (%s)\n", $name, $cats[$i], $a->{title}, $a->{displayValue} // $a->{score};
        }
    }
}

printf "%-20s %12s %14s %15s %5s\n", 'page', 'performance', 'accessibility', 'best-practices', 'seo';
printf "%-20s %12d %14d %15d %5d\n", @$_ for @rows;
print "reports: $out/*.json\n";

# screenshots of the seed article: phone and desktop, light and dark
for my $shot ([ 'phone', '390,1600' ], [ 'desktop', '1280,1100' ]) {
    for my $scheme ('light', 'dark') {
        my $file = "$shots/article-$shot->[0]-$scheme.png";
        unlink $file;
        my $profile = File::Temp::tempdir('shot-profile-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        my @cmd = ($chrome, @flags, "--user-data-dir=$profile", "--window-size=$shot->[1]",
                   "--screenshot=$file", '--force-device-scale-factor=1',
                   ($scheme eq 'dark' ? ('--blink-settings=preferredColorScheme=0') : ()),
                   $t->url($NewsSite::PAGE));
        my ($rc, undef, $err) = NewsTest::run_cmd(\@cmd, timeout => 60);
        if (-s $file) {
            print "screenshot: $file\n";
        } else {
            print STDERR "screenshot $file failed: $err\n";
            $fail = 1;
        }
    }
}

# ---- the newsroom's guide (README): screenshots of the desk ----------
# In doc/screenshots/, committed: what an editor and a moderator see, at
# phone (390 px) and desktop (1280 px) widths, the first screen of each.
{
    my $docs = "$root/doc/screenshots";
    make_path($docs);
    my $browser = NewsBrowser->new;
    my $page = $browser ? $browser->page($t) : undef;
    my @shots = ([ 'desk-list', 'desktop', 'ed', sub { $_[0]->go('/desk') } ],
                 [ 'desk-edit', 'phone', 'ed', sub { $_[0]->go('/desk/articles/draft-piece') } ],
                 [ 'desk-preview', 'desktop', 'ed', sub {
                       $_[0]->go('/desk/articles/draft-piece');
                       $_[0]->navigate_by(q{document.querySelector('button[value=preview]').click()});
                   } ],
                 [ 'desk-preview', 'phone', 'ed', sub {
                       $_[0]->go('/desk/articles/draft-piece');
                       $_[0]->navigate_by(q{document.querySelector('button[value=preview]').click()});
                   } ],
                 [ 'desk-versions', 'desktop', 'ed', sub { $_[0]->go('/desk/articles/draft-piece/revisions') } ],
                 [ 'desk-diff', 'desktop', 'ed', sub { $_[0]->go('/desk/articles/draft-piece/revisions?diff=1') } ],
                 [ 'moderator-article', 'desktop', 'mod', sub {
                       $_[0]->go($NewsSite::PAGE);
                       $_[0]->eval_js(q{document.querySelector('.comments').scrollIntoView()});
                   } ]);
    for my $shot (@shots) {
        my ($name, $width, $who, $open) = @$shot;
        my $file = "$docs/$name-$width.png";
        my $ok = eval {
            die NewsBrowser::why_not() . "\n" unless $page;
            my ($cookie) = $site->cookie($who) =~ /^([^;]+)/;
            my ($k, $v) = split /=/, $cookie, 2;
            $page->send_cmd('Network.setCookie', { name => $k, value => $v, url => $t->url('/') });
            $page->send_cmd('Emulation.setDeviceMetricsOverride',
                            { width => $width eq 'phone' ? 390 : 1280, height => $width eq 'phone' ? 844 : 800,
                              deviceScaleFactor => 1, mobile => $width eq 'phone' ? JSON::PP::true : JSON::PP::false });
            $open->($page);
            $page->screenshot($file);
            1;
        };
        if ($ok && -s $file) {
            print "screenshot: $file\n";
        } else {
            print STDERR "screenshot $file failed: $@\n";
            $fail = 1;
        }
    }
    $browser->quit if $browser;
}
# ---- end of the newsroom's screenshots ---------------------------------

$site->done;
Test::More::done_testing();
print $fail ? "audit: FAILED (a score under $min, or a tool failed)\n" : "audit: all scores >= $min\n";
exit $fail;
