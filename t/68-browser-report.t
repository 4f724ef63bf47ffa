# Reports in a real browser (Debian's Chromium, t/lib/NewsBrowser.pm):
# a reader follows "Report" under another reader's comment, picks a
# reason, writes a note and sends the form; a moderator, in a browser of
# their own, opens the Reported tab, sees the comment with the reason and
# the note (escaped), and hides it; the article no longer shows it to a
# logged-out reader.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use lib 't/lib';
use NewsTest;
use NewsCitizen;
use NewsBrowser;

plan skip_all => NewsBrowser::why_not() if NewsBrowser::why_not();

my $SLUG = $NewsCitizen::SLUG;
my $t = NewsCitizen::start(http => 'news_comment_rate 0;');
my $author = $t->login('author1');
my ($reader) = $t->login('reader1') =~ /=(.*)/;
my ($mod) = $t->login('mod1', 'moderator') =~ /=(.*)/;
my $r = $t->request('POST', "/api/articles/$SLUG/comments",
                    { headers => { 'Content-Type' => 'application/json', Cookie => $author },
                      content => '{"body":"Buy cheap watches at my shop"}' });
is($r->{status}, 201, 'a comment a reader will report');
my $id = decode_json($r->{content})->{id};

# a browser a person: each its own profile, so its own cookies
sub browser_of {
    my ($session) = @_;
    my $browser = NewsBrowser->new;
    my $page = $browser->page($t);
    $page->send_cmd('Network.setCookie', { name => 'news_session', value => $session,
                                           url => $t->url('/'), httpOnly => JSON::PP::true });
    return ($browser, $page);
}

my ($rb, $rp) = browser_of($reader);
my ($mb, $mp) = browser_of($mod);
my $ok = eval {
    $rp->go("/articles/$SLUG");
    like($rp->text, qr/Logged in as reader1.*Buy cheap watches/s, 'the reader, logged in, sees the comment');
    $rp->navigate_by(qq{document.querySelector('#comment-$id a[href\$="/report"]').click()});
    like($rp->eval_js('location.pathname'), qr{/comments/$id/report$}, '"Report" opens its form') or diag $rp->text;
    $rp->navigate_by(q{document.getElementById('reason-spam').checked = true;
                       document.getElementById('note').value = 'Selling <b>watches</b> again';
                       document.querySelector('form[action$="/report"] button[type=submit]').click()});
    like($rp->text, qr/report/i, 'the report is sent, and the page says so') or diag $rp->text;

    $mp->go('/moderation');
    $mp->navigate_by(q{document.querySelector('a[href="moderation/reported"]').click()});
    like($mp->eval_js('location.pathname'), qr{/moderation/reported$}, 'the moderator opens the Reported tab');
    my $item = $mp->eval_js(qq{document.getElementById('comment-$id') ? document.getElementById('comment-$id').innerText : ''});
    like($item, qr/Buy cheap watches/, '... which lists the comment');
    like($item, qr/Selling <b>watches<\/b> again/, '... with the note as text, not markup');
    is($mp->eval_js(qq{document.querySelectorAll('#comment-$id .notes b').length}), 0, '... nothing of it bold') or diag $mp->eval_js(qq{document.getElementById('comment-$id').innerHTML});
    $mp->navigate_by(qq{document.querySelector('#comment-$id button[value="hide"]').click()});
    is($mp->eval_js(qq{document.getElementById('comment-$id') === null}), JSON::PP::true,
       'the moderator hides it: it leaves the tab');
    1;
};
ok($ok, 'the two browsers ran to the end') or diag $@, $rb->stderr, $mb->stderr;
$rb->quit;
$mb->quit;

unlike($t->get("/articles/$SLUG")->{content}, qr/Buy cheap watches/,
       'a logged-out reader no longer sees the hidden comment');
$t->done;
done_testing;
