# Every form of the site reads its fields the one way: a form without the
# session's CSRF token is 403 saying the form expired, on its own page or
# the site's; a field the form reads, given twice, is 400 saying the form
# arrived garbled; the login and register forms, whose token is the
# pre-session's, say the same of a garbled field.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $EXPIRED = qr/This form has expired or did not come from this site\. Please try again\./;
my $GARBLED = qr/The form arrived garbled \(a field twice, or not UTF-8\)\. Please try again\./;

my $t = NewsCitizen::start();
my $admin = $t->login('admin1', 'admin');
my $reader = $t->login('reader1');
my $res = $t->api('POST', "/api/articles/$SLUG/comments", $reader, '{"body":"a comment to report"}');
is($res->{status}, 201, 'a comment to report');
my ($id) = $res->{content} =~ /"id":(\d+)/;
my $csrf = $t->csrf_of($admin, '/account');
ok($csrf, "the session's token");

# each form's path and a field it reads
my @FORMS = (
    [ "/articles/$SLUG/comments",        'body' ],
    [ "/articles/$SLUG/comments/action", 'id' ],
    [ '/moderation',                     'id' ],
    [ '/account',                        'action' ],
    [ '/logout',                         undef ],
    [ '/moderation/sessions',            'username' ],
    [ '/moderation/words',               'action' ],
    [ '/moderation/users/reader1',       'action' ],
    [ '/moderation/reported',            'id' ],
    [ "/comments/$id/report",            'reason' ],
    [ '/desk/new',                       'title' ],
    [ "/desk/articles/$SLUG",            'title' ],
    [ "/desk/articles/$SLUG/delete",     undef ],
    [ "/desk/articles/$SLUG/revisions",  'version' ],
);

sub post {
    my ($path, $body) = @_;
    return $t->request('POST', $path, { headers => { Cookie => $admin,
                                        'Content-Type' => 'application/x-www-form-urlencoded' },
                                        content => $body });
}

for my $form (@FORMS) {
    my ($path, $field) = @$form;
    my $res = post($path, defined $field ? "$field=1" : '');
    is($res->{status}, 403, "$path without the token: 403");
    like($res->{content}, $EXPIRED, "$path: the form expired");
    $res = post($path, "csrf=" . ('0' x 64) . (defined $field ? "&$field=1" : ''));
    is($res->{status}, 403, "$path with another token: 403");
    next unless defined $field;
    $res = post($path, "csrf=$csrf&$field=1&$field=2");
    if ($field eq 'username') {
        # the end-sessions form: a name given twice is a wrong name
        is($res->{status}, 422, "$path, $field twice: 422");
        next;
    }
    is($res->{status}, 400, "$path, $field twice: 400");
    like($res->{content}, $GARBLED, "$path: the form arrived garbled");
    $res = post($path, "csrf=$csrf&$field=%FF");
    is($res->{status}, 400, "$path, $field not UTF-8: 400");
}

# the token twice is no token
is(post('/logout', "csrf=$csrf&csrf=$csrf")->{status}, 403, 'the token twice: 403');
is(post('/logout', "csrf=$csrf")->{status}, 303, 'and once, the form goes through');

# the login and register forms: the pre-session's token, the same words
for my $path ('/login', '/register') {
    my $page = $t->get($path);
    my ($pre) = ($page->{headers}{'set-cookie'} // '') =~ /^(news_pre=[0-9a-f]+)/;
    my ($token) = $page->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    ok($pre && $token, "$path: a pre-session and its token");
    my $res = $t->request('POST', $path, { headers => { Cookie => $pre,
                                           'Content-Type' => 'application/x-www-form-urlencoded' },
                                           content => "csrf=$token&username=a&username=b&password=x" });
    is($res->{status}, 400, "$path, username twice: 400");
    like($res->{content}, $GARBLED, "$path: the form arrived garbled");
    $res = $t->request('POST', $path, { headers => { 'Content-Type' => 'application/x-www-form-urlencoded' },
                                        content => "csrf=$token&username=reader1&password=x" });
    is($res->{status}, 403, "$path without the pre-session: 403");
    like($res->{content}, $EXPIRED, "$path: the form expired");
}

$t->done;
done_testing;
