# HTTP/2 over TLS (the distro nginx's http2, Debian's curl as the client):
# pages, JSON and feeds, gzip, logging in, a form post and a JSON post.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

plan skip_all => 'needs openssl and curl with HTTP/2 (make deps installs them)'
    unless `openssl version 2>/dev/null` && `curl --version 2>/dev/null` =~ /HTTP2/;

my $SLUG = $NewsCitizen::SLUG;
my $t = NewsTest->new(tls => 1, listen => 'http2', http => <<'HTTP');
news_comment_rate 0;
gzip on;
gzip_types application/json application/atom+xml;
HTTP
my $dir = $t->dir;
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

# one request with curl over HTTP/2: { version, status, headers, body }
my $n = 0;
sub h2 {
    my ($method, $path, %o) = @_;
    $n++;
    my @cmd = ('curl', '-s', '-k', '--http2', '--max-time', '10', '-X', $method,
               '-D', "$dir/h$n", '-o', "$dir/b$n", '-w', '%{http_version}');
    push @cmd, '--compressed' if $o{gzip};
    push @cmd, '-H', "Cookie: $o{cookie}" if $o{cookie};
    push @cmd, '-H', "Content-Type: $o{type}", '--data-binary', $o{body} if defined $o{body};
    push @cmd, '-H', "Origin: https://127.0.0.1:" . $t->port if defined $o{body};
    push @cmd, 'https://127.0.0.1:' . $t->port . $path;
    my ($rc, $version, $err) = NewsTest::run_cmd(\@cmd, timeout => 20);
    my $head = do { local (@ARGV, $/) = "$dir/h$n"; <> } // '';
    my %h;
    while ($head =~ /^([\w-]+): (.*?)\r?$/mg) { $h{lc $1} = exists $h{lc $1} ? "$h{lc $1}, $2" : $2 }
    my ($status) = $head =~ m{^HTTP/\S+ (\d+)};
    return { version => $version, status => $status // 0, headers => \%h,
             body => do { local (@ARGV, $/) = "$dir/b$n"; <> } // '', err => $err };
}

for my $path ("/articles/$SLUG", '/', "/api/articles/$SLUG", '/feed.xml') {
    my $res = h2('GET', $path, gzip => 1);
    is($res->{version}, '2', "HTTP/2: $path") or diag $res->{err};
    is($res->{status}, 200, "HTTP/2: $path 200");
    is($res->{headers}{'content-encoding'}, 'gzip', "HTTP/2 with gzip: $path compressed");
}
like(h2('GET', "/articles/$SLUG")->{headers}{'content-type'}, qr{^text/html; charset=utf-8$}, 'HTTP/2: the type');

# a reader registers and logs in with JSON
my $cred = '{"username":"alice","password":"pw-of-alice-123"}';
is(h2('POST', '/api/users', type => 'application/json', body => $cred)->{status}, 201, 'HTTP/2: register (JSON post)');
my $login = h2('POST', '/api/session', type => 'application/json', body => $cred);
is($login->{status}, 200, 'HTTP/2: log in (JSON post)');
my ($cookie) = ($login->{headers}{'set-cookie'} // '') =~ /^([\w-]*session=[0-9a-f]+)/;
ok($cookie, 'HTTP/2: a session cookie');
like($login->{headers}{'set-cookie'}, qr/; Secure/, 'HTTP/2 over TLS: Secure');
my $page = h2('GET', "/articles/$SLUG", cookie => $cookie, gzip => 1);
like($page->{body}, qr/Logged in as <b>alice<\/b>/, 'HTTP/2: the logged-in page');
is($page->{headers}{'cache-control'}, 'private, no-store', 'HTTP/2: private');

# a form post and a JSON post
my ($csrf) = $page->{body} =~ /name="csrf" value="([0-9a-f]+)"/;
my $res = h2('POST', "/articles/$SLUG/comments", cookie => $cookie, type => 'application/x-www-form-urlencoded',
             body => "csrf=$csrf&body=Posted+over+HTTP%2F2");
is($res->{status}, 303, 'HTTP/2: a comment form post');
$res = h2('POST', "/api/articles/$SLUG/comments", cookie => $cookie, type => 'application/json',
          body => '{"body":"JSON over HTTP/2"}');
is($res->{status}, 201, 'HTTP/2: a JSON comment post');
$page = h2('GET', "/articles/$SLUG", gzip => 1)->{body};
like($page, qr/Posted over HTTP\/2/, 'HTTP/2: the form\'s comment is on the page');
like($page, qr/JSON over HTTP\/2/, 'HTTP/2: and the JSON one');
$res = h2('POST', '/logout', cookie => $cookie, type => 'application/x-www-form-urlencoded', body => "csrf=$csrf");
is($res->{status}, 303, 'HTTP/2: log out');
like(h2('GET', "/articles/$SLUG", cookie => $cookie)->{body}, qr/Log in to comment/, 'HTTP/2: logged out again');

$t->done;
done_testing;
