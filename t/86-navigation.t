#!/usr/bin/perl
# Navigation (issue 20): the link to the comments that ends an article's
# byline, its count current on every read while a comment renders no
# article again.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;

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

$t->done;
done_testing;
