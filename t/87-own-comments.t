#!/usr/bin/perl
# A reader's Edit and Delete of their own comments, in place (issue 20):
# under each of their comments in the edit window, until when and Edit
# (?edit=N#comment-N: the form right under the comment, labelled, saying
# until when) and Delete (the page that asks first, coming back to the
# article); CSRF on every form; another's comment is 403 to edit, a
# comment past the window says so; no edit boxes under the comment form.
# Last, a reader's own held comment is found through their own index
# entries, however many comments others wrote after it.

use strict;
use warnings;

use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $PAGE = "/articles/$SLUG";
my $t = NewsCitizen::start(http => 'news_comment_rate 0; news_comment_edit_window 3s;');
my $ann = $t->login('ann');
my $ben = $t->login('ben');
my $J = sub { my ($c, $body) = @_; $t->json('POST', $c, "/api/articles/$SLUG/comments", qq({"body":"$body"})) };

is($J->($ann, 'Ann speaks')->{status}, 201, 'ann comments (1)');
is($J->($ben, 'Ben answers')->{status}, 201, 'ben comments (2)');

my $page = $t->get($PAGE, { headers => { Cookie => $ann } })->{content};
like($page, qr{<li class="comment" id="comment-1">\n<article>.*?</article>\n<p class="actions own">Editable until <time datetime="[^"]+">\d\d:\d\d UTC</time> · <a href="articles/\Q$SLUG\E\?edit=1#comment-1">Edit<span class="vh"> your comment</span></a> · <a href="articles/\Q$SLUG\E\?delete=1">Delete<span class="vh"> your comment</span></a></p>\n}s,
     'under her comment: until when, Edit and Delete');
unlike($page, qr{\?edit=2}, 'not under ben\'s');
unlike($page, qr{Your recent comments|class="comment-edit"}, 'no edit boxes under the comment form');
unlike($t->get($PAGE)->{content}, qr{class="actions own"}, 'nothing of it for a logged-out reader');
unlike($t->get($PAGE, { headers => { Cookie => $ben } })->{content}, qr{\?edit=1}, 'nor for ben');

# the form in place
my $res = $t->get("$PAGE?edit=1", { headers => { Cookie => $ann } });
is($res->{status}, 200, '?edit=1');
$page = $res->{content};
like($page, qr{<li class="comment" id="comment-1">\n<article>.*?</article>\n<form class="comment-edit" method="post" action="articles/\Q$SLUG\E/comments/action">\n<input type="hidden" name="id" value="1">\n<input type="hidden" name="csrf" value="[0-9a-f]+">\n<p class="meta"><b>Editing your comment</b>, editable until <time datetime="[^"]+">\d\d:\d\d UTC</time></p>\n<label for="edit-1">Your comment</label>\n<textarea id="edit-1" name="body" rows="5" maxlength="\d+" required>Ann speaks</textarea>\n<button type="submit" name="action" value="edit">Save</button> <a href="articles/\Q$SLUG\E#comment-1">Cancel</a>\n</form>\n}s,
     'the edit form right under the comment: labelled, until when, CSRF, Cancel');
is(scalar(() = $page =~ /class="comment-edit"/g), 1, 'one edit form');
my ($csrf) = $page =~ /name="csrf" value="([0-9a-f]+)"/;

$res = $t->form_post($ann, "$PAGE/comments/action", { id => 1, action => 'edit', body => 'Ann, edited', csrf => 'f' x 64 });
is($res->{status}, 403, 'a wrong CSRF token: 403');
$res = $t->form_post($ann, "$PAGE/comments/action", { id => 1, action => 'edit', body => 'Ann, edited', csrf => $csrf });
is($res->{status}, 303, 'saved: 303');
like($res->{headers}{location}, qr{\Q$PAGE\E#comment-1$}, 'back at the comment');
like($t->get($PAGE)->{content}, qr{Ann, edited}, 'the new text');

# another's comment
$res = $t->get("$PAGE?edit=2", { headers => { Cookie => $ann } });
is($res->{status}, 403, '?edit= of another\'s comment: 403');
like($res->{content}, qr{<li class="comment" id="comment-2">\n<article>.*?</article>\n<p class="error" role="alert">You can change only your own comments, for 0 minutes after posting\.</p>}s,
     'saying so where the form would be');
unlike($res->{content}, qr{class="comment-edit"}, 'with no form');
$res = $t->form_post($ann, "$PAGE/comments/action", { id => 2, action => 'edit', body => 'hijacked', csrf => $csrf });
is($res->{status}, 403, 'posting an edit of another\'s comment: 403');
unlike($t->get($PAGE)->{content}, qr/hijacked/, 'changing nothing');

# Delete asks first, on its own page, and comes back to the article
$res = $t->get("$PAGE?delete=1", { headers => { Cookie => $ann } });
is($res->{status}, 200, 'Delete: the page that asks');
like($res->{content}, qr{<button name="action" value="delete" class="danger">Delete comment No\. 1</button> <a href="articles/\Q$SLUG\E#comment-1">Cancel: back to the comment</a>}, 'with a way back');
like($res->{content}, qr{name="csrf" value="[0-9a-f]+"}, 'and CSRF');
is($J->($ann, 'Ann again')->{status}, 201, 'ann comments again (3)');
$res = $t->form_post($ann, "$PAGE/comments/action", { id => 3, action => 'delete', csrf => $csrf });
is($res->{status}, 303, 'deleted: 303');
like($res->{headers}{location}, qr{\Q$PAGE\E#comment-3$}, 'back to the article');
unlike($t->get($PAGE)->{content}, qr/Ann again/, 'gone');

# past the window
is($J->($ann, 'Ann late')->{status}, 201, 'ann comments (4)');
sleep 4;
$page = $t->get($PAGE, { headers => { Cookie => $ann } })->{content};
unlike($page, qr{\?edit=4}, 'past the window: no Edit');
$res = $t->get("$PAGE?edit=4", { headers => { Cookie => $ann } });
is($res->{status}, 403, '?edit= past the window: 403');
like($res->{content}, qr{<li class="comment" id="comment-4">\n<article>.*?</article>\n<p class="error" role="alert">You can change only your own comments, for 0 minutes after posting\.</p>}s,
     'saying so in place');
$res = $t->form_post($ann, "$PAGE/comments/action", { id => 4, action => 'edit', body => 'too late', csrf => $csrf });
is($res->{status}, 403, 'an edit posted past the window: 403');
like($res->{content}, qr/comments can be changed for 0 minutes after posting/, 'saying why');

$t->done;

# A reader's own comments (the edit window's, and those held for approval)
# come from their own entries in the author index, not from a walk of the
# article's latest comments: carl's held comment shows to him after 70
# later ones by dora, and to nobody else.
{
    my $p = NewsCitizen::start(http => 'news_comment_rate 0; news_comment_premoderation on;');
    my $carl = $p->login('carl');
    my $dora = $p->login('dora');
    my $post = sub { my ($c, $body) = @_; $p->json('POST', $c, "/api/articles/$SLUG/comments", qq({"body":"$body"})) };
    is($post->($carl, 'Carl, held')->{status}, 201, 'carl comments, held for approval');
    my @st = map { $post->($dora, "Dora's comment number $_")->{status} } 1 .. 70;
    is(scalar(grep { $_ == 201 } @st), 70, 'dora comments 70 times after him');
    my $page = $p->get($PAGE, { headers => { Cookie => $carl } })->{content};
    like($page, qr{<li class="comment held" id="comment-1">.*?Carl, held}s,
         'carl still sees his held comment');
    unlike($page, qr{Dora's comment}, 'and none of dora\'s');
    $page = $p->get($PAGE, { headers => { Cookie => $dora } })->{content};
    unlike($page, qr{Carl, held}, 'dora does not see carl\'s');
    like($page, qr{<li class="comment held" id="comment-71">}, 'she sees her newest held one');
    unlike($p->get($PAGE)->{content}, qr{Carl, held|Dora's comment}, 'a logged-out reader sees none');
    $p->done;
}

done_testing;
