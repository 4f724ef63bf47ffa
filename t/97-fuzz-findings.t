# What the HTTP fuzzer (t/96-fuzz-http.t) found, each as the request that
# found it, so that it stays fixed.  Most were undefined behaviour that
# only the sanitizers see: `make test-asan` runs this file against the
# ASan/UBSan build, where each of these failed before its fix.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new;
$t->run;

# a register or login form's CSRF token and its pre-session cookie
sub account_form {
    my ($path) = @_;
    my $r = $t->get($path);
    my ($csrf) = $r->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    my ($pre) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_pre=[0-9a-f]+)/;
    return ($csrf, $pre);
}

sub form_post {
    my ($path, $cookie, $body) = @_;
    return $t->request('POST', $path, { headers => {
        'Content-Type' => 'application/x-www-form-urlencoded', Cookie => $cookie },
        content => $body });
}

# news_password_check() got (NULL, 0) and passed it to memchr()
subtest 'a register form without a password field: 422, the field named' => sub {
    my ($csrf, $pre) = account_form('/register');
    my $r = form_post('/register', $pre, "csrf=$csrf&username=fz-new-1");
    is($r->{status}, 422, 'refused');
    like($r->{content}, qr/aria-invalid="true"[^>]*|id="password-error"/, 'the password field is marked');
    $r = $t->request('POST', '/api/users', { headers => { 'Content-Type' => 'application/json' },
                                             content => '{"username":"fz-new-2","password":""}' });
    is($r->{status}, 422, 'an empty password in JSON: 422');
};

# comment ids were the last one + 1, so a deleted article's comments'
# ids came back (found by the fuzzer's lifecycle): a link, an open moderation tab or an API client acting
# on comment N then acts on someone else's new comment
subtest 'a new comment never takes the id of a deleted article\'s comment' => sub {
    my $ed = $t->login('fz-ed', 'editor');
    my $rd = $t->login('fz-rd');
    my $api = sub {
        my ($m, $p, $c, $j) = @_;
        return $t->request($m, $p, { headers => { 'Content-Type' => 'application/json', Cookie => $c },
                                     (defined $j ? (content => $j) : ()) });
    };
    $api->('POST', '/api/articles', $ed, '{"slug":"reuse-a","title":"A","body":"b"}');
    $api->('POST', '/api/articles', $ed, '{"slug":"reuse-b","title":"B","body":"b"}');
    my ($old) = $api->('POST', '/api/articles/reuse-a/comments', $rd, '{"body":"on a"}')->{content}
                =~ /"id":(\d+)/;
    is($api->('DELETE', '/api/articles/reuse-a', $ed)->{status}, 204, 'the article is deleted');
    my ($new) = $api->('POST', '/api/articles/reuse-b/comments', $rd, '{"body":"on b"}')->{content}
                =~ /"id":(\d+)/;
    ok($old && $new && $new != $old, "the new comment's id ($new) is not the deleted one's ($old)");
};

$t->done;
done_testing;
