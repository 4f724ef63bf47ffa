# A real browser (Debian's Chromium, driven by t/lib/NewsBrowser.pm):
# open an article logged out, log in, come back to it and see the
# logged-in page, post a comment, log out and see the logged-out page.  What it guards: the browser's own cache never shows a
# page of the wrong session (issue 11, point 6).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsBrowser;

plan skip_all => NewsBrowser::why_not() if NewsBrowser::why_not();

my $SLUG = $NewsCitizen::SLUG;
my $t = NewsCitizen::start(http => 'news_comment_rate 0; news_cache_max_age 600;');
$t->login('alice');    # registered; the browser logs in with the form

my $browser = NewsBrowser->new;
my $page;
sub go          { $page->go(@_) }
sub navigate_by { $page->navigate_by(@_) }
sub eval_js     { $page->eval_js(@_) }
sub text        { $page->text }

my $ok = eval {
    $page = $browser->page($t);

    go('/');
    like(text(), qr/Log in/, 'logged out: the front page');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Log in to comment/, 'logged out: the article asks to log in');

    navigate_by(q{document.querySelector('.comment-login a').click()});
    like(eval_js('location.pathname'), qr{/login$}, '"Log in to comment" opens the login page');
    navigate_by(q{document.getElementById('username').value = 'alice';
                  document.getElementById('password').value = 'pw-of-alice-123';
                  document.querySelector('form.account').submit()});
    like(eval_js('location.pathname'), qr{/articles/$SLUG$}, 'logging in returns to the article');
    like(text(), qr/Logged in as alice/, 'and it is the logged-in page, not the cached logged-out one');

    # the browser holds both pages from before: it must not show them
    navigate_by(q{document.querySelector('a.brand').click()});
    like(text(), qr/Logged in as alice/, 'the front page, seen logged out before: now the logged-in one');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Logged in as alice/, 'coming back to the article: the logged-in page');
    unlike(text(), qr/Log in to comment/, 'with no login link');
    go("/articles/$SLUG");
    like(text(), qr/Logged in as alice/, 'and again when its address is typed');

    navigate_by(q{document.getElementById('comment-body').value = 'Posted from a real browser';
                  document.getElementById('comment-form').submit()});
    like(text(), qr/Posted from a real browser/, 'a comment posted from the form is on the page');

    navigate_by(q{document.querySelector('form.logout').submit()});
    unlike(text(), qr/Logged in as/, 'logging out: the front page names no one');
    navigate_by(qq{document.querySelector('a[href="articles/$SLUG"]').click()});
    like(text(), qr/Log in to comment/, 'logged out: the article asks to log in again');
    unlike(text(), qr/Logged in as/, 'and names no one');
    like(text(), qr/Posted from a real browser/, 'with the comment');
    1;
};
ok($ok, 'the browser session ran to the end')
    or diag $@, $browser->stderr;

$browser->quit;
$t->done;
done_testing;
