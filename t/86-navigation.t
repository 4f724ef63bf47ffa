#!/usr/bin/perl
# Navigation (issue 20): the header's links to the sections news_nav
# names; bad news_nav values fail nginx -t; and the link to the comments that ends
# an article's byline, its count current on every read while a comment
# renders no article again.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

use JSON::PP;

my $SLUG = $NewsCitizen::SLUG;

sub sections_of {
    my ($page) = @_;
    my ($nav) = $page =~ m{</form>\n(<nav class="sections" aria-label="Sections">.*?</nav>\n)?</header>}s;
    return defined $nav ? join ' ', $nav =~ m{<a href="sections/([a-z0-9-]+)">}g : '';
}

# --- news_nav: nginx -t names the directive and the problem -------------------

for my $case (['"!!!"', qr/"news_nav" "!!!" has no letter or digit to make its address/],
              [join(' ', map { "S$_" } 1 .. 13), qr/"news_nav" names 13 sections, more than 12/],
              ['"' . ('x' x 65) . '"', qr/"news_nav" "x{65}" must be 1 to 64 bytes/],
              ['World; news_nav Sport', qr/"news_nav" directive is duplicate/]) {
    my $bad = NewsTest->new(http => "news_nav $case->[0];");
    my ($ok, $stderr) = $bad->conf_test;
    ok(!$ok, "news_nav $case->[0]: nginx -t fails");
    like($stderr, qr/\[emerg\].*$case->[1]/, '... saying why');
}

my $t = NewsCitizen::start();

# --- the comment count under the byline ---------------------------------------

my $res = $t->get("/articles/$SLUG");
is($res->{status}, 200, 'the article page');
like($res->{content}, qr{<p class="byline">[^\n]*</time> · <a href="articles/\Q$SLUG\E#comments">0 comments</a></p>\n},
     'the byline ends in a link to the comments: 0 comments');
like($res->{content}, qr{<section class="comments" id="comments"}, 'which it jumps to');
my $etag = $res->{headers}{etag};

my $reader = $t->login('counter');
$res = $t->json('POST', $reader, "/api/articles/$SLUG/comments", '{"body":"First!"}');
is($res->{status}, 201, 'a comment') or diag $res->{content};

$res = $t->get("/articles/$SLUG");
like($res->{content}, qr{<a href="articles/\Q$SLUG\E#comments">1 comment</a></p>}, 'the next read says 1 comment');
isnt($res->{headers}{etag}, $etag, 'and its ETag moved');

$res = $t->json('POST', $reader, "/api/articles/$SLUG/comments", '{"body":"Second thoughts."}');
$res = $t->get("/articles/$SLUG");
like($res->{content}, qr{>2 comments</a></p>}, '2 comments');
like($res->{content}, qr{<p class="byline">[^\n]*#comments">2 comments</a></p>\n}, 'in the byline');

$res = $t->get('/');
like($res->{content}, qr{#comments">2 comments<span class="vh"> on }, 'the teaser says the same words');

# --- no news_nav: no section links ------------------------------------------

is(sections_of($t->get('/')->{content}), '', 'without news_nav the header links to no section');

$t->done;

# --- news_nav names them -------------------------------------------------------

my $n = NewsCitizen::start(http => 'news_nav "Climate Desk" World Sport;');
$res = $n->get('/');
is(sections_of($res->{content}), 'climate-desk world sport', 'news_nav: those sections, in that order');
like($res->{content}, qr{<a href="sections/climate-desk">Climate Desk</a>}, 'named as written');
like($n->get("/articles/$SLUG")->{content}, qr{<nav class="sections"}, 'on the article page too');
$n->done;

my $off = NewsCitizen::start(http => 'news_nav off;');
is(sections_of($off->get('/')->{content}), '', 'news_nav off: no section links');
$off->done;

done_testing;
