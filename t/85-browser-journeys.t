# People's journeys in a real browser (issue 20; Debian's Chromium driven
# by t/lib/NewsBrowser.pm), each walked at a desktop and at a phone width:
#
#   a reader: the front page -> an article -> its comment count to the
#     comments -> "Log in to comment" -> Register -> back at the form,
#     welcomed -> a comment -> a reply in place under another's comment,
#     landing back at it -> an edit of their comment in place;
#   a moderator: Hide on the article page, the comment staying there
#     greyed and labelled;
#   a premoderated author (a site with news_comment_premoderation on):
#     their comment at its place, "Awaiting moderation";
#   an editor on the desk: a draft, its preview, scheduled, published,
#     corrected ("Updated") and unpublished.
#
# Each page is also checked for not being wider than the window.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use POSIX ();
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsBrowser;

plan skip_all => NewsBrowser::why_not() if NewsBrowser::why_not();

my $SLUG = $NewsCitizen::SLUG;
my $t = NewsCitizen::start(http => 'news_comment_rate 0;');
my $held = NewsCitizen::start(http => 'news_comment_rate 0; news_comment_premoderation on;');
my $mod = $t->login('mod1', 'moderator');
my $ed = $t->login('editor1', 'editor');
my $J = JSON::PP->new;

my %WIDTHS = (desktop => [1280, 900, 0], phone => [390, 844, 1]);

my $browser = NewsBrowser->new;
my ($page, $width);
sub go          { $page->go(@_) }
sub navigate_by { $page->navigate_by(@_) }
sub js          { $page->eval_js(@_) }
sub text        { $page->text }
sub hash        { js('location.hash') // '' }

# the reader the browser is: a session cookie of ours (HTTP::Tiny made it)
sub as {
    my ($site, $cookie) = @_;
    $page->send_cmd('Network.deleteCookies', { name => 'news_session', url => $site->url('/') });
    return unless $cookie;
    my ($value) = $cookie =~ /=(.*)/;
    $page->send_cmd('Network.setCookie', { name => 'news_session', value => $value,
                                           url => $site->url('/'), httpOnly => JSON::PP::true });
}

sub fits {
    my ($what) = @_;
    ok(js('document.documentElement.scrollWidth <= window.innerWidth'), "$width: $what fits the window")
        or diag js('document.documentElement.scrollWidth'), ' > ', js('window.innerWidth');
}

sub comment_of {
    my ($site, $cookie, $body) = @_;
    my $r = $site->json('POST', $cookie, "/api/articles/$SLUG/comments", $J->encode({ body => $body }));
    die "comment: $r->{status} $r->{content}" unless $r->{status} == 201;
    return $J->decode($r->{content})->{id};
}

sub reader_journey {
    my $name = "reader_$width";
    my $other = comment_of($t, $t->login("other_$width"), "A thought from the $width other");
    as($t, undef);

    go('/');
    fits('the front page');
    navigate_by(qq{document.querySelector('.teasers h2 a[href="articles/$SLUG"]').click()});
    like(js('location.pathname'), qr{/articles/\Q$SLUG\E$}, "$width: a teaser's headline opens the article");
    my $count = js(q{document.querySelector('.story .byline a[href$="#comments"]').textContent});
    like($count, qr/^\d+ comments?$/, "$width: the byline says how many comments ($count)");
    js(q{document.querySelector('.story .byline a[href$="#comments"]').click()});
    is(hash(), '#comments', "$width: and jumps to them");
    fits('the article');

    navigate_by(q{document.querySelector('.comment-login a').click()});
    like(js('location.pathname'), qr{/login$}, "$width: Log in to comment opens the login");
    navigate_by(q{document.querySelector('main a[href^="register"]').click()});
    like(js('location.pathname'), qr{/register$}, "$width: which leads on to Register");
    fits('the register page');
    navigate_by(qq{document.getElementById('username').value = '$name';
                   document.getElementById('password').value = 'correct-horse-$width';
                   document.querySelector('form[action\$="register"]').submit()});
    like(js('location.pathname'), qr{/articles/\Q$SLUG\E$}, "$width: registered, back at the article");
    is(hash(), '#comment-form', "$width: at its comment form");
    like(text(), qr/Welcome! Your account is ready\./, "$width: welcomed in one line");

    navigate_by(qq{document.getElementById('comment-body').value = 'Mine, from the $width browser';
                   document.getElementById('comment-form').submit()});
    my ($mine) = hash() =~ /^#comment-(\d+)$/;
    ok($mine, "$width: the comment posted, the page at it");
    like(js(qq{document.getElementById('comment-$mine').innerText}), qr/Mine, from the \Q$width\E browser/,
         "$width: showing it");

    navigate_by(qq{document.querySelector('#comment-$other a[href*="?reply=$other"]').click()});
    ok(js(qq{document.querySelector('#comment-$other #comment-form') !== null}),
       "$width: Reply puts the form right under that comment");
    like(js(q{document.getElementById('comment-form').innerText}), qr/Replying to other_\Q$width\E/,
         "$width: saying to whom");
    is(hash(), '#comment-form', "$width: the page opens at it");
    fits('the reply form');
    navigate_by(qq{document.getElementById('comment-body').value = 'A reply in place';
                   document.getElementById('comment-form').submit()});
    my ($reply) = hash() =~ /^#comment-(\d+)$/;
    ok($reply, "$width: the reply posted, the page at it");
    ok(js(qq{document.querySelector('#comment-$other .replies #comment-$reply') !== null}),
       "$width: under the comment it answers");

    navigate_by(qq{document.querySelector('#comment-$mine a[href*="?edit=$mine"]').click()});
    ok(js(qq{document.querySelector('#comment-$mine form.comment-edit') !== null}),
       "$width: Edit puts the edit form right under the comment");
    like(js(qq{document.querySelector('#comment-$mine form.comment-edit').innerText}),
         qr/Editing your comment.*editable until \d\d:\d\d/s, "$width: saying until when");
    is(js(qq{document.querySelector('#comment-$mine form.comment-edit textarea').labels.length}), 1,
       "$width: its field labelled");
    fits('the edit form');
    navigate_by(qq{var f = document.querySelector('#comment-$mine form.comment-edit');
                   f.querySelector('textarea').value = 'Mine, edited in place';
                   f.querySelector('button[value="edit"]').click()});
    is(hash(), "#comment-$mine", "$width: saved, back at the comment");
    like(js(qq{document.getElementById('comment-$mine').innerText}), qr/edited.*Mine, edited in place/s,
         "$width: its new text, marked edited");

    return $other;
}

sub moderator_journey {
    my ($other) = @_;
    as($t, $mod);
    go("/articles/$SLUG?comments=1");
    navigate_by(qq{document.querySelector('#comment-$other button[value="hide"]').click()});
    is(hash(), "#comment-$other", "$width: a moderator's Hide comes back to the comment");
    like(js(qq{document.querySelector('#comment-$other .held .label').textContent}), qr/^Hidden by a moderator$/,
         "$width: still there for the moderator, labelled");
    is(js(qq{getComputedStyle(document.querySelector('#comment-$other .held')).borderTopStyle}), 'dashed',
       "$width: and set apart (a dashed frame)");
    ok(js(qq{document.querySelector('#comment-$other button[value="unhide"]') !== null}), "$width: with Unhide");
    fits('the moderator\'s article page');
    unlike($t->get("/articles/$SLUG")->{content}, qr/A thought from the \Q$width\E other/,
           "$width: gone for readers");
}

sub author_journey {
    my $author = $held->login("held_$width");
    $page->{t} = $held;
    as($held, $author);
    go("/articles/$SLUG");
    navigate_by(qq{document.getElementById('comment-body').value = 'Waiting from the $width browser';
                   document.getElementById('comment-form').submit()});
    my ($id) = hash() =~ /^#comment-(\d+)$/;
    ok($id, "$width: a premoderated author lands at their comment");
    like(js(qq{document.getElementById('comment-$id').innerText}),
         qr/Awaiting moderation.*Waiting from the \Q$width\E browser/s, "$width: which says it is awaiting moderation");
    fits('the held comment');
    unlike($held->get("/articles/$SLUG")->{content}, qr/Waiting from the/, "$width: others do not see it");
    $page->{t} = $t;
}

sub field {
    my ($id, $value) = @_;
    return qq{document.getElementById('$id').value = '$value';};
}

sub editor_journey {
    my $slug = "desk-story-$width";
    as($t, $ed);
    go('/desk');
    fits('the desk');
    navigate_by(q{document.querySelector('main a[href="desk/new"]').click()});
    navigate_by(field('title', "Desk story $width") . field('slug', $slug) . field('section', 'World')
                . field('body', 'First *draft*.')
                . q{document.querySelector('form[action$="/new"] button[value="save"]').click()});
    like(js('location.pathname + location.search'), qr{/desk/articles/\Q$slug\E\?done=saved$}, "$width: a draft saved");
    fits('the desk\'s form');

    if (js(q{document.querySelector('button[value="preview"]') !== null})) {
        navigate_by(q{document.querySelector('button[value="preview"]').click()});
        like(text(), qr/Preview/, "$width: the desk's Preview shows the page with its banner");
        go("/desk/articles/$slug");
    } else {
        # no Preview button on the desk yet: the draft's own page, with its banner
        go("/articles/$slug");
        like(js(q{document.querySelector('main .banner').innerText}), qr/^Draft: readers cannot see this page/,
             "$width: the draft's own page previews it, with its banner");
        go("/desk/articles/$slug");
    }
    is($t->get("/articles/$slug")->{status}, 404, "$width: readers cannot see the draft");

    navigate_by(field('published', '2999-01-01T10:00')
                . q{document.querySelector('button[value="schedule"]').click()});
    like(js('location.search'), qr/done=scheduled/, "$width: scheduled");
    go("/articles/$slug");
    like(js(q{document.querySelector('main .banner').innerText}), qr/^Scheduled for/, "$width: its page says when");
    is($t->get("/articles/$slug")->{status}, 404, "$width: still hidden from readers");

    go("/desk/articles/$slug");
    navigate_by(q{document.querySelector('button[value="publish"]').click()});
    like(js('location.search'), qr/done=published/, "$width: published");
    is($t->get("/articles/$slug")->{status}, 200, "$width: readers see it");

    # a correction an hour on: the publication time an hour back stands for the hour
    my $hour_ago = POSIX::strftime('%Y-%m-%dT%H:%M', gmtime(time - 3600));
    go("/desk/articles/$slug");
    navigate_by(field('body', 'Corrected text.') . field('published', $hour_ago)
                . q{document.querySelector('button[value="save"]').click()});
    go("/articles/$slug");
    like(js(q{document.querySelector('.story .byline').innerText}), qr/Updated/, "$width: the correction says Updated");
    like(text(), qr/Corrected text\./, "$width: with the new text");

    go("/desk/articles/$slug");
    navigate_by(q{document.querySelector('button[value="unpublish"]').click()});
    like(js('location.search'), qr/done=unpublished/, "$width: unpublished");
    is($t->get("/articles/$slug")->{status}, 404, "$width: gone from readers");
}

for my $w ('desktop', 'phone') {
    $width = $w;
    my ($x, $y, $mobile) = @{ $WIDTHS{$w} };
    my $ok = eval {
        $page = $browser->page($t);
        $page->send_cmd('Emulation.setDeviceMetricsOverride',
                        { width => $x, height => $y, deviceScaleFactor => 1,
                          mobile => $mobile ? JSON::PP::true : JSON::PP::false });
        my $other = reader_journey();
        moderator_journey($other);
        author_journey();
        editor_journey();
        1;
    };
    ok($ok, "$w: the journeys ran to the end") or diag $@, $browser->stderr;
}

$browser->quit;
$held->done;
$t->done;
done_testing;
