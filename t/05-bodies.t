# Request bodies at their edges, over raw HTTP: a chunked body past
# news_body_max (413, though no Content-Length said so), a body nginx
# spilled to a temp file because client_body_buffer_size is smaller
# (413, logged with the fix), an empty body, media types with parameters
# and near misses, JSON followed by whitespace of every kind or by junk;
# and the Origin check of the JSON writes: a foreign origin, a scheme or
# host that differs at the same length, an Origin sent after more headers
# than nginx's first header block holds, a request without Host, and the
# scheme a proxy names in news_scheme_header.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my $t = NewsTest->new(http => 'news_body_max 4k; news_scheme_header X-Forwarded-Proto; '
                              . 'news_login_throttle 100000 100000;',
                      server => 'location /small/ { news; client_body_buffer_size 1k; }');
$t->run;
my $host = '127.0.0.1:' . $t->port;

# a request over a fresh connection; returns (status, headers+body)
# (the body sent after a pause with $later, so that nginx finds none of it
# beside the headers and reads it into its body buffer)
sub post {
    my ($path, $headers, $body, $proto, $later) = @_;
    $proto //= 'HTTP/1.1';
    my $req = "POST $path $proto\r\n" . join('', map { "$_\r\n" } @$headers);
    $req .= "Connection: close\r\n" if $proto eq 'HTTP/1.1';
    $req .= "\r\n";
    my $res = $later ? $t->raw([$req, $body], { delay => 0.2 }) : $t->raw($req . ($body // ''));
    my ($status) = $res =~ m{\AHTTP/1\.[01] (\d{3})};
    return ($status // 0, $res);
}

sub chunked {
    my ($body) = @_;
    my $out = '';
    while (length $body) {
        my $piece = substr($body, 0, 1000, '');
        $out .= sprintf("%x\r\n%s\r\n", length $piece, $piece);
    }
    return $out . "0\r\n\r\n";
}

my @json = ("Host: $host", 'Content-Type: application/json');
my $cred = '{"username":"nobody-here","password":"not-a-password"}';
$t->login('alice');

# sizes: counted, chunked and spilled to a file
my $big = '{"username":"' . ('u' x 5000) . '","password":"p"}';
my ($status, $res) = post('/api/session', [@json, 'Content-Length: ' . length $big], $big);
is($status, 413, 'a Content-Length past news_body_max: 413');
($status, $res) = post('/api/session', [@json, 'Transfer-Encoding: chunked'], chunked($big));
is($status, 413, 'a chunked body past news_body_max: 413');
like($res, qr/"too_large"/, 'and says it is too large');
($status, $res) = post('/api/session', [@json, 'Transfer-Encoding: chunked'], chunked($cred));
is($status, 401, 'a chunked body within it is read (a login refused)') or diag $res;

my $mid = '{"username":"' . ('u' x 2000) . '","password":"p"}';
$t->mark_log;
($status, $res) = post('/small/api/session', [@json, 'Content-Length: ' . length $mid], $mid,
                       'HTTP/1.1', 1);
is($status, 413, 'a body spilled to a temp file (client_body_buffer_size 1k): 413');
like($res, qr/"too_large"|too large/, 'and says it is too large');
like($t->log_since_mark, qr/request body buffered to a file refused; raise client_body_buffer_size to news_body_max/,
     'and the log says what to raise');
($status, $res) = post('/small/api/session', [@json, 'Content-Length: ' . length $cred], $cred);
is($status, 401, 'a body that fits the small buffer is read there');

# empty bodies: nothing to parse is not JSON
for my $case (['Content-Length: 0'], ['Transfer-Encoding: chunked']) {
    my $body = $case->[0] =~ /chunked/ ? "0\r\n\r\n" : '';
    ($status, $res) = post('/api/session', [@json, @$case], $body);
    is($status, 400, "an empty body ($case->[0]): 400");
    like($res, qr/"the body is not valid JSON"/, "an empty body ($case->[0]): says why");
}
($status, $res) = post('/api/session', [@json], undef, 'HTTP/1.0');
is($status, 400, 'HTTP/1.0 with no body at all: 400 (not JSON)') or diag $res;

# media types: parameters after ';' or a space are taken, longer names not
for my $type ('application/json;charset=utf-8', 'application/json ;charset=utf-8',
              'Application/JSON') {
    ($status, $res) = post('/api/session', ["Host: $host", "Content-Type: $type",
                                            'Content-Length: ' . length $cred], $cred);
    is($status, 401, "Content-Type \"$type\": read (a login refused)") or diag $res;
}
for my $type ('application/jsonp', 'application/js', 'text/json') {
    ($status, $res) = post('/api/session', ["Host: $host", "Content-Type: $type",
                                            'Content-Length: ' . length $cred], $cred);
    is($status, 415, "Content-Type \"$type\": 415");
}

# JSON followed by whitespace of each kind is whole; by anything else not
for my $tail (' ', "\t", "\r", "\n", " \r\n\t") {
    my $body = $cred . $tail;
    ($status, $res) = post('/api/session', [@json, 'Content-Length: ' . length $body], $body);
    is($status, 401, sprintf('JSON then %s: read', join '', map { sprintf '\\x%02x', ord } split //, $tail));
}
for my $tail (' x', "\n{}", "\0") {
    my $body = $cred . $tail;
    ($status, $res) = post('/api/session', [@json, 'Content-Length: ' . length $body], $body);
    is($status, 400, sprintf('JSON then %s: 400', join '', map { sprintf '\\x%02x', ord } split //, $tail));
}

# the Origin of JSON writes
my $base = "http://$host";
my $wrong_host = 'http://' . ('9' x length '127.0.0.1') . ':' . $t->port;
my $wrong_scheme = "httpx:/$host";    # the same length as "http://"
for my $case (['its own origin', $base, 401, qr/"invalid_credentials"/],
              ['its own origin, capitalised', uc($base), 401, qr/"invalid_credentials"/],
              ['another site', 'https://evil.example', 403, qr/"foreign_origin"/],
              ['another host of the same length', $wrong_host, 403, qr/"foreign_origin"/],
              ['another scheme of the same length', $wrong_scheme, 403, qr/"foreign_origin"/],
              ['https where the site is http', "https://$host", 403, qr/"foreign_origin"/]) {
    my ($name, $origin, $want, $body) = @$case;
    ($status, $res) = post('/api/session', [@json, "Origin: $origin", 'Content-Length: ' . length $cred], $cred);
    is($status, $want, "Origin of $name: $want");
    like($res, $body, "Origin of $name: the answer") or diag $res;
}
($status, $res) = post('/api/session', [@json, "Origin: $base", 'Content-Length: ' . length $cred], $cred);
unlike($res, qr/"foreign_origin"/, 'its own origin is not foreign');

# an Origin past the first block of request headers (nginx keeps 20 in
# its first block, then chains more) is found there all the same
my @many = map { "X-Filler-$_: $_" } 1 .. 30;
($status, $res) = post('/api/session', [@json, @many, 'Origin: https://evil.example',
                                        'Content-Length: ' . length $cred], $cred);
like($res, qr/"foreign_origin"/, 'an Origin after 30 other headers: still checked');
($status, $res) = post('/api/session', [@json, @many, 'Content-Length: ' . length $cred], $cred);
unlike($res, qr/"foreign_origin"/, '30 headers and no Origin: not foreign');

# HTTP/1.0 without Host: an Origin cannot be this site
($status, $res) = post('/api/session', ['Content-Type: application/json', "Origin: $base",
                                        'Content-Length: ' . length $cred], $cred, 'HTTP/1.0');
like($res, qr/"foreign_origin"/, 'an Origin and no Host: foreign');

# behind a proxy that ends TLS: news_scheme_header says https, exactly
for my $case (['https', "https://$host", 0], ['HTTPS', "https://$host", 0],
              ['httpx', "https://$host", 1], ['http', "https://$host", 1],
              ['https', $base, 1]) {
    my ($proto, $origin, $foreign) = @$case;
    ($status, $res) = post('/api/session', [@json, "X-Forwarded-Proto: $proto", "Origin: $origin",
                                            'Content-Length: ' . length $cred], $cred);
    if ($foreign) {
        like($res, qr/"foreign_origin"/, "X-Forwarded-Proto: $proto, Origin $origin: foreign");
    } else {
        unlike($res, qr/"foreign_origin"/, "X-Forwarded-Proto: $proto, Origin $origin: this site");
    }
}

# the API's own name is JSON, a longer word is not; a front page with an
# old "?p=" that no import left is the front page
my $api = $t->get('/api');
is($api->{status}, 404, '/api: 404');
like($api->{content}, qr/^\{"error":\{"code":"not_found"/, '/api: a JSON error');
$api = $t->get('/apiary');
is($api->{status}, 404, '/apiary: 404');
like($api->{headers}{'content-type'}, qr{^text/html}, '/apiary: a page, not JSON');
is($t->get('/?p=99999')->{status}, 200, '/?p= of no imported article: the front page');
is($t->get('/?p=')->{status}, 200, 'an empty /?p=: the front page');
is($t->get('/?p=12345678901234567890')->{status}, 200, '/?p= of 20 digits, more than an id has: the front page');

$t->done;
done_testing;
