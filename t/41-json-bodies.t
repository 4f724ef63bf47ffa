# Every JSON route against a body of every JSON type, at the top level
# and in every field, sent by a logged-in editor: each answer is a JSON
# reply below 500 (a non-object body a clear 400 or 422), and the worker
# never dies ("exited on signal" in the error log, or a new worker pid).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

my $t = NewsTest->new(workers => 1, http => 'news_comment_rate 0; news_comment_edit_window 15m;');
$t->newsctl('import', 'demo/seed-article.json');
$t->newsctl('import', NewsTest::json_file('{"slug":"put-target","title":"Put","body":"b"}'));
$t->run;

my $editor = $t->login('ed1', 'editor');
my @workers = $t->worker_pids;

sub send_json {
    my ($method, $path, $body) = @_;
    return $t->request($method, $path, { headers => { 'Content-Type' => 'application/json',
                                                      Cookie => $editor },
                                         content => $body });
}

# a first comment, so that PATCH /api/comments/1 and "parent":1 exist
is(send_json('POST', "/api/articles/$SLUG/comments", '{"body":"first"}')->{status}, 201,
   'a first comment');

# the regression of issue 11: a top-level array of strings killed the worker
my $res = send_json('POST', "/api/articles/$SLUG/comments", '["x"]');
is($res->{status}, 422, 'comment body ["x"]: 422, not a crash');
like($res->{content}, qr/^\{"error":/, 'a JSON error');

# closing and opening comments take JSON like every other write
for my $action (qw(close open)) {
    my $r = $t->request('POST', "/api/articles/$SLUG/comments/$action",
                        { headers => { 'Content-Type' => 'text/plain', Cookie => $editor },
                          content => 'x' });
    is($r->{status}, 415, "comments/$action with text/plain: 415");
    $r = $t->request('POST', "/api/articles/$SLUG/comments/$action",
                     { headers => { Cookie => $editor } });
    is($r->{status}, 415, "comments/$action without a Content-Type: 415");
    is(send_json('POST', "/api/articles/$SLUG/comments/$action", '{}')->{status}, 204,
       "comments/$action with {}: 204");
}

# a chunked body is read like a counted one (its closing empty buffer is
# not mistaken for a body spilled to disk)
my $chunk = '{"body":"sent in chunks"}';
my $raw = $t->raw(sprintf("POST /api/articles/$SLUG/comments HTTP/1.1\r\nHost: localhost\r\n"
                          . "Content-Type: application/json\r\nCookie: $editor\r\n"
                          . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                          . "%x\r\n%s\r\n0\r\n\r\n", length $chunk, $chunk));
like($raw, qr{\AHTTP/1\.1 201 }, 'a chunked JSON comment: 201');

# a key twice is refused as a form's field twice is, at any depth; so is
# an escaped NUL, which would cut a C string short
my @refused = (
    ['POST', "/api/articles/$SLUG/comments", '{"body":"a","body":"b"}', 'a comment body twice'],
    ['POST', "/api/articles/$SLUG/comments", '{"body":"a","parent":null,"parent":1}', 'a parent twice'],
    ['PATCH', '/api/comments/1', '{"status":"hidden","status":"visible"}', 'a status twice'],
    ['POST', '/api/users', '{"username":"dupe","password":"a long password 1","password":"a long password 2"}',
     'a password twice'],
    ['POST', '/api/session', '{"username":"ed1","username":"ed1","password":"pw-of-ed1-123"}', 'a username twice'],
    ['POST', '/api/articles', '{"title":"T","body":"B","title":"U"}', 'an article title twice'],
    ['POST', '/api/articles', '{"title":"T","body":"B","tags":["a"],"comments":[{"x":1,"x":2}]}',
     'a key twice in a nested object'],
    ['PUT', '/api/articles/put-target', '{"title":"T","body":"B","body":"C"}', 'an update body twice'],
    ['POST', "/api/articles/$SLUG/comments", '{"body":"a\\u0000b"}', 'a NUL in a comment'],
    ['POST', "/api/articles/$SLUG/comments", '{"body":"\\u0000"}', 'a comment of only a NUL'],
    ['PATCH', '/api/comments/1', '{"body":"x\\u0000"}', 'a NUL in an edit'],
    ['POST', '/api/users', '{"username":"nul\\u0000user","password":"a long password 1"}', 'a NUL in a username'],
    ['POST', '/api/session', '{"username":"ed1","password":"pw-of-ed1-123\\u0000junk"}', 'a NUL in a password'],
    ['POST', '/api/articles', '{"title":"T\\u0000","body":"B"}', 'a NUL in a title'],
);
my $before = $t->export;
for my $case (@refused) {
    my ($method, $path, $body, $name) = @$case;
    my $r = send_json($method, $path, $body);
    is($r->{status}, 400, "$name: 400");
    like($r->{content}, qr/"message":"(a key occurs twice|a string holds a NUL)/, "$name: says why");
}
is($t->export, $before, 'none of them changed the store');
my $text = send_json('POST', "/api/articles/$SLUG/comments", '{"body":"the text \\\\u0000"}');
is($text->{status}, 201, 'an escaped backslash before u0000 is text, not a NUL');
like($text->{content}, qr/"body":"the text \\\\u0000"/, 'and kept as written');

my @values = (
    'null', 'true', 'false', '0', '-1', '1.5', '-0.5', '1e400', '-1e400', '1e300',
    '9007199254740993', '18446744073709551617', '""', '"x"', '"\u0000"',
    '"a\u0000b"', '[]', '["x"]', '[1,2]', '{}', '{"a":1}', '{"":null}',
    ('[' x 100) . (']' x 100), ('{"a":' x 100) . '1' . ('}' x 100),
);

# route => [method, path, a valid body's fields, fields to replace]
my @routes = (
    ['POST', "/api/articles/$SLUG/comments", { body => '"hello"' }, [qw(body parent)]],
    ['PATCH', '/api/comments/1', { body => '"edited"' }, [qw(body status)]],
    ['POST', "/api/articles/$SLUG/comments/close", {}, [qw(x)]],
    ['POST', "/api/articles/$SLUG/comments/open", {}, [qw(x)]],
    ['POST', '/api/users', { username => '"matrixuser"', password => '"a long password 123"' },
     [qw(username password)]],
    ['POST', '/api/session', { username => '"nobody-here"', password => '"a long password 123"' },
     [qw(username password)]],
    ['POST', '/api/articles', { title => '"T"', body => '"B"' },
     [qw(title subtitle author section tags published_at updated_at status body comments
         comments_closed live id)]],
    ['PUT', '/api/articles/put-target', { title => '"T"', body => '"B"' },
     [qw(title subtitle author section tags published_at updated_at status body comments
         comments_closed live id slug)]],
);

sub object {
    my ($fields) = @_;
    return '{' . join(',', map { qq("$_":$fields->{$_}) } sort keys %$fields) . '}';
}

my (@fivexx, @not_json, @top_accepted);
my $sent = 0;
for my $route (@routes) {
    my ($method, $path, $valid, $fields) = @$route;

    for my $v (@values) {
        next if $v eq '{}';    # an empty object is a valid close/open body
        my $r = send_json($method, $path, $v);
        $sent++;
        push @fivexx, "$method $path $v: $r->{status}" if $r->{status} >= 500;
        push @not_json, "$method $path $v: $r->{status}"
            unless ($r->{headers}{'content-type'} // '') =~ m{^application/json};
        push @top_accepted, "$method $path $v: $r->{status}"
            unless $r->{status} == 400 || $r->{status} == 422;
    }

    for my $field (@$fields) {
        for my $v (@values) {
            my $r = send_json($method, $path, object({ %$valid, $field => $v }));
            $sent++;
            push @fivexx, "$method $path $field=$v: $r->{status}" if $r->{status} >= 500;
            push @not_json, "$method $path $field=$v: $r->{status}"
                if $r->{status} >= 400
                   && ($r->{headers}{'content-type'} // '') !~ m{^application/json};
        }
    }
}

ok($sent > 700, "the matrix sent $sent requests");
is_deeply(\@fivexx, [], 'no 5xx anywhere') or diag join "\n", @fivexx;
is_deeply(\@not_json, [], 'every error is JSON') or diag join "\n", @not_json;
is_deeply(\@top_accepted, [], 'every non-object body (and every odd one) is a 400 or 422')
    or diag join "\n", @top_accepted;
is_deeply([grep { /signal/ } split /\n/, $t->error_log], [], 'no worker exited on a signal');
is_deeply([$t->worker_pids], \@workers, 'the same worker still serves');

$t->done;
done_testing;
