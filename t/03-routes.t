# The router: every route's path is matched (a method it does not take is
# 405 with its Allow, never 404), a path that is no route's is 404 whatever
# the method, at / and under a prefix, with and without pcre_jit.  The
# routes' regexes are built from routes.h's paths: a dot in a path is a
# dot, a path ends where it ends ("%0A" after it is another path), a slug is
# one segment by the engine's rule, a username by the rule for usernames.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $USER = 'Alice_1';     # a username, not a slug

# each path and what it takes (the Allow header's words, in its order)
my @ROUTES = (
    [ '',                                'GET, HEAD' ],
    [ "articles/$SLUG",                  'GET, HEAD' ],
    [ "articles/$SLUG/comments",         'POST' ],
    [ "articles/$SLUG/comments.xml",     'GET, HEAD' ],
    [ "articles/$SLUG/comments/action",  'POST' ],
    [ 'sections/world',                  'GET, HEAD' ],
    [ 'sections/world/feed.xml',         'GET, HEAD' ],
    [ 'tags/senate',                     'GET, HEAD' ],
    [ 'login',                           'GET, HEAD, POST' ],
    [ 'register',                        'GET, HEAD, POST' ],
    [ 'account',                         'GET, HEAD, POST' ],
    [ 'logout',                          'POST' ],
    [ 'moderation',                      'GET, HEAD, POST' ],
    [ 'moderation/sessions',             'GET, HEAD, POST' ],
    [ 'moderation/words',                'GET, HEAD, POST' ],
    [ "moderation/users/$USER",          'GET, HEAD, POST' ],
    [ 'moderation/log',                  'GET, HEAD' ],
    [ 'moderation/reported',             'GET, HEAD, POST' ],
    [ 'comments/1/report',               'GET, HEAD, POST' ],
    [ 'search',                          'GET, HEAD' ],
    [ 'desk',                            'GET, HEAD' ],
    [ 'desk/new',                        'GET, HEAD, POST' ],
    [ "desk/articles/$SLUG",             'GET, HEAD, POST' ],
    [ "desk/articles/$SLUG/delete",      'GET, HEAD, POST' ],
    [ "desk/articles/$SLUG/revisions",   'GET, HEAD, POST' ],
    [ 'feed.xml',                        'GET, HEAD' ],
    [ 'sitemap.xml',                     'GET, HEAD' ],
    [ 'robots.txt',                      'GET, HEAD' ],
    [ 'api/articles',                    'GET, HEAD, POST' ],
    [ "api/articles/$SLUG",              'GET, HEAD, PUT, PATCH, DELETE' ],
    [ "api/articles/$SLUG/revisions",    'GET, HEAD' ],
    [ "api/articles/$SLUG/comments",     'GET, HEAD, POST' ],
    [ "api/articles/$SLUG/comments/close", 'POST' ],
    [ "api/articles/$SLUG/comments/open", 'POST' ],
    [ 'api/comments/1',                  'PATCH, DELETE' ],
    [ 'api/comments/1/reports',          'POST, DELETE' ],
    [ 'api/comments/1/featured',         'POST, DELETE' ],
    [ 'api/users',                       'POST' ],
    [ "api/users/$USER/suspension",      'POST, DELETE' ],
    [ "api/users/$USER/comments",        'DELETE' ],
    [ "api/users/$USER/sessions",        'DELETE' ],
    [ 'api/session',                     'POST, DELETE' ],
    [ 'api/sessions',                    'GET, HEAD, DELETE' ],
    [ 'api/sessions/abc',                'DELETE' ],
    [ 'api/me',                          'GET, HEAD' ],
    [ 'api/me/delete',                   'POST' ],
    [ 'api/password',                    'POST' ],
    [ 'api/moderation/log',              'GET, HEAD' ],
    [ 'api/search',                      'GET, HEAD' ],
    [ 'api/words',                       'GET, HEAD, PUT' ],
);

# paths that are no route's, each asked with a method that would be 405 if
# it were (so a 404 is the router's, not a handler's "no such article")
my @NOT_ROUTES = (
    'feedXxml', 'robotsXtxt', 'sitemap.xmlx', "articles/$SLUG/commentsXxml",
    "sections/world/feedXxml", 'login%0A', 'login/', 'login%2F', 'logins',
    "articles/$SLUG/", "articles/$SLUG%2F", "articles/$SLUG%0A",
    'articles/', 'articles/Upper-Case',
    "articles/$USER", 'articles/two--dashes', 'articles/-lead',
    'articles/' . ('a' x 97), "articles/$SLUG/comments/", 'api/articles/',
    'api/users/a.b/sessions', 'api/users/ab/sessions',
    'api/users/' . ('a' x 33) . '/sessions', "api/users/$USER/sessionsx",
    'moderation/users/a.b', 'API/articles', 'api/me/', 'desk/',
    "desk/articles/$SLUG/deletex", 'x/feed.xml', 'apix/words',
);

sub not_allowed_method {
    my ($allow) = @_;
    my %takes = map { $_ => 1 } split /, /, $allow;
    return (grep { !$takes{$_} } qw(POST GET DELETE PUT))[0];
}

for my $setup ([ '/', 'the default', {} ],
               [ '/news/', 'pcre_jit on, under /news/',
                 { main => 'pcre_jit on;', server => 'location /news/ { news; }' } ])
{
    my ($at, $name, $opt) = @$setup;
    my $t = NewsCitizen::start(%$opt);

    for my $route (@ROUTES) {
        my ($path, $allow) = @$route;
        my $method = not_allowed_method($allow);
        my $res = NewsCitizen::fetch($t, "$at$path", method => $method);
        is($res->{status}, 405, "$name: $method /$path is 405");
        is($res->{headers}{allow}, $allow, "$name: /$path allows $allow");
        like($res->{body}, $path =~ m{^api/} ? qr/"code":"method_not_allowed"/ : qr/Method not allowed/,
             "$name: /$path says so in its kind");
    }

    for my $path (@NOT_ROUTES) {
        my $method = $path =~ m{^api/} ? 'PATCH' : 'DELETE';
        my $res = NewsCitizen::fetch($t, "$at$path", method => $method);
        is($res->{status}, 404, "$name: $method /$path is no route (404)");
        ok(!exists $res->{headers}{allow}, "$name: /$path has no Allow");
    }

    # reads reach their handlers, HEAD included, percent-encoded or not
    for my $path ('', "articles/$SLUG", "articl%65s/$SLUG", "articles/%75s-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico",
                  'feed.xml', 'sitemap.xml', 'robots.txt', "api/articles/$SLUG", 'api/articles')
    {
        my $get = NewsCitizen::fetch($t, "$at$path");
        is($get->{status}, 200, "$name: GET /$path");
        my $head = NewsCitizen::fetch($t, "$at$path", method => 'HEAD');
        is($head->{status}, 200, "$name: HEAD /$path");
        is($head->{body}, '', "$name: HEAD /$path has no body");
    }
    like(NewsCitizen::fetch($t, "${at}articles/$SLUG")->{body}, qr/Rubio/, "$name: the article by its slug");
    like(NewsCitizen::fetch($t, "${at}api/articles/$SLUG")->{body}, qr/"slug":"$SLUG"/,
         "$name: the API's article by its slug");
    is(NewsCitizen::fetch($t, "${at}articles/no-such-article")->{status}, 404, "$name: an unknown slug is 404");

    $t->done;
}

done_testing;
