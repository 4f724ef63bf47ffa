# Hostile input.  Part 1: every request of t/data/hostile-requests.txt
# (malformed and huge headers and cookies, bodies over the limit, truncated
# and chunked bodies, bad percent-encoding, overlong and invalid UTF-8, NUL
# bytes, JSON 10,000 deep, numbers out of range, path traversal, method
# override tricks) gets a 4xx, the error log has no alert, and the store is
# byte-identical afterwards.  Part 2: the XSS payloads of
# t/data/xss-payloads.txt, in every field a reader or an editor controls,
# are inert on every page and JSON answer.  Part 3: security headers.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

my $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
my $JSON = { 'Content-Type' => 'application/json' };

sub csrf_of {
    my ($t, $cookie) = @_;
    my $page = $t->get("/articles/$SLUG", { headers => { Cookie => $cookie } })->{content};
    my ($csrf) = $page =~ /name="csrf" value="([0-9a-f]+)"/;
    return $csrf;
}

sub unescape {
    my ($s, $vars) = @_;
    $s =~ s/\{REP:(\d+):((?:[^{}]|\{"a":\}|\{|\})*?)\}(?=[^}]|$)/$2 x $1/ge;
    $s =~ s/\{(S|COOKIE|CSRF)\}/$vars->{$1}/g;
    $s =~ s/\\(r|n|t|\\|x([0-9a-fA-F]{2}))/
        $1 eq 'r' ? "\r" : $1 eq 'n' ? "\n" : $1 eq 't' ? "\t" : $1 eq '\\' ? '\\' : chr hex $2/ge;
    return $s;
}

### Part 1: the corpus

my $t = NewsTest->new(workers => 1,
                      http => "news_comment_rate 0;\n    client_body_timeout 1s;\n"
                            . "    client_header_timeout 2s;");
$t->newsctl('import', 'demo/seed-article.json');
$t->run;

my $cookie = $t->login('reader');
my $other = $t->login('other');
my $r = $t->request('POST', "/api/articles/$SLUG/comments",
                    { headers => { %$JSON, Cookie => $other }, content => '{"body":"a comment to attack"}' });
is($r->{status}, 201, 'a comment by someone else, as a target');
my $csrf = csrf_of($t, $cookie);
ok($csrf, 'the reader\'s CSRF token');

my %vars = (S => $SLUG, COOKIE => $cookie, CSRF => $csrf);
my $before = $t->export;

open my $fh, '<:raw', 't/data/hostile-requests.txt' or die "corpus: $!";
my @corpus;
while (my $line = <$fh>) {
    chomp $line;
    next if $line =~ /^(#|\s*$)/;
    my ($name, $req) = split /\t/, $line, 2;
    die "corpus line $.: no tab" unless defined $req;
    push @corpus, [$name, $req];
}
close $fh;
ok(@corpus >= 100, scalar(@corpus) . ' hostile requests');

my $n = 0;
for my $entry (@corpus) {
    my ($name, $req) = @$entry;
    $n++;
    my $text = unescape($req, \%vars);
    if ($name !~ /^raw-/) {
        $text =~ s/\r\n/\r\nHost: 127.0.0.1\r\nUser-Agent: hostile-$n\r\nConnection: close\r\n/;
    }
    if ($text =~ /\{CL\}/) {
        my ($body) = $text =~ /\r\n\r\n(.*)\z/s;
        my $len = length $body;
        $text =~ s/\{CL\}/$len/;
    }
    my $answer = $t->raw($text, { timeout => 4 });
    my ($status) = $answer =~ m{^HTTP/1\.[01] (\d{3})};
    if (!defined $status) {
        # nginx closes without an answer when the client is at fault in a
        # way it cannot be told (a body that never comes): the access log
        # has the status
        my $log = do { local $/; open my $a, '<', $t->dir . '/logs/access.log'; <$a> } // '';
        ($status) = $log =~ /" (\d{3}) \d+ "[^"]*" "hostile-$n"$/m;
    }
    # nginx itself answers a transfer coding it does not know with 501
    my $want = $name eq 'te-unknown' ? qr/^501$/ : qr/^4\d\d$/;
    ok(defined $status && $status =~ $want, "$name: " . ($status // 'no answer'));
}

# a bad "next" on the login page is dropped, not refused, and not echoed
my $login = $t->get('/login?next=%zz%00%22%3E%3Cscript%3E');
is($login->{status}, 200, 'a login page with a bad next still shows');
unlike($login->{content}, qr/<script/, 'without markup from it');

is($t->export, $before, 'the store is byte-identical (newsctl export)');
is($t->request('GET', '/api/me', { headers => { Cookie => $cookie } })->{status}, 200,
   'the reader is still logged in (no override logged them out)');
is($t->get("/articles/$SLUG")->{status}, 200, 'the site answers');
$t->done;

### Part 2: XSS payloads in every field

open $fh, '<:raw', 't/data/xss-payloads.txt' or die "payloads: $!";
my @xss = grep { length && !/^#/ } map { chomp; $_ } <$fh>;
close $fh;
ok(@xss >= 20, scalar(@xss) . ' XSS payloads');

$t = NewsTest->new(workers => 1, http => 'news_comment_rate 0;');
my @articles;
for my $i (0 .. $#xss) {
    my $p = $xss[$i];
    my $short = substr $p, 0, 56;    # bylines, sections and tags are short
    push @articles, { slug => "xss-$i", title => "T$i $p", subtitle => "S$i $p",
                      author => "A$i $short", section => "S $short", tags => ["t $short"],
                      body => "B$i $p\n\n## $p\n\n[link $i]($p) *$p* `$p`\n\n> $p\n\n- $p\n\n![img $i]($p)\n" };
}
my $json = JSON::PP->new->utf8(0)->canonical;
my ($rc, undef, $err) = $t->newsctl('import', NewsTest::json_file($json->encode(\@articles)));
is($rc, 0, 'articles with XSS in every field import') or diag $err;
$t->run;
my $xc = $t->login('xsser');
my $mod = $t->login('xssmod', 'moderator');
for my $i (0 .. $#xss) {
    my $r = $t->request('POST', "/api/articles/xss-$i/comments",
                        { headers => { %$JSON, Cookie => $xc },
                          content => $json->encode({ body => "C$i $xss[$i]\n\nsee $xss[$i]" }) });
    $r->{status} == 201 or diag "comment $i: $r->{status} $r->{content}";
}

# The HTML checker: every tag on the page is one the site itself writes,
# no attribute is an event handler, no URL has a script scheme, no style
# attribute or element carries payload text.
my %TAGS = map { $_ => 1 } qw(html head meta title link base body header nav main footer
    article section aside div span p a h1 h2 h3 h4 h5 h6 ul ol li em strong code pre
    blockquote hr br time form input label textarea button small img figure figcaption
    table thead tbody tr th td del ins sup sub dl dt dd style abbr b i s u q mark);
sub html_problems {
    my ($html) = @_;
    my @bad;
    while ($html =~ /<([A-Za-z][A-Za-z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g) {
        my ($tag, $attrs) = (lc $1, $2);
        # JSON-LD is a data block, never run; its text must not end it early
        if ($tag eq 'script' && $attrs =~ /^\s*type="application\/ld\+json"\s*$/) {
            my $rest = substr $html, pos $html;
            my ($data) = $rest =~ m{^(.*?)</script>}s;
            push @bad, 'JSON-LD holds a <' if !defined $data || $data =~ /</;
            next;
        }
        push @bad, "tag <$tag>" unless $TAGS{$tag};
        while ($attrs =~ /([^\s=\/]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g) {
            my ($name, $value) = (lc $1, $2 // '');
            $value =~ s/^["']|["']$//g;
            push @bad, "<$tag $name>" if $name =~ /^on/ || $name eq 'formaction' || $name eq 'srcdoc';
            if ($name =~ /^(href|src|action|xlink:href|poster|background|cite)$/) {
                (my $v = $value) =~ s/&#(x?)([0-9a-f]+);?/$1 ? chr hex $2 : chr $2/gie;
                $v =~ s/&colon;/:/gi;
                $v =~ s/[\s\x00-\x1f]//g;
                push @bad, "<$tag $name=$value>" if $v =~ /^(javascript|vbscript|data|livescript):/i
                                                    && !($tag =~ /^(img|link)$/ && $v =~ m{^data:image/}i);  # inert as an image
            }
            push @bad, "<$tag style=$value>" if $name eq 'style' && $value =~ /expression|url\(|javascript|XSS|alert/i;
        }
    }
    # the site's own <style> holds no payload
    while ($html =~ m{<style[^>]*>(.*?)</style>}gis) {
        push @bad, 'payload in <style>' if $1 =~ /XSS|alert|expression|javascript/i;
    }
    return @bad;
}

# the Atom feed: Atom's own elements, and the HTML it carries (escaped,
# as type="html") inert once a feed reader unescapes it
my %ATOM = map { $_ => 1 } qw(feed title subtitle link id updated author name uri
    entry published summary content category generator icon logo rights);
sub feed_problems {
    my ($xml) = @_;
    my @bad;
    while ($xml =~ /<([A-Za-z][A-Za-z0-9:-]*)/g) {
        push @bad, "feed tag <$1>" unless $ATOM{lc $1};
    }
    while ($xml =~ m{<(content|summary|title|subtitle)[^>]*type="html"[^>]*>(.*?)</\1>}gs) {
        (my $html = $2) =~ s/&lt;/</g;
        $html =~ s/&gt;/>/g;
        $html =~ s/&quot;/"/g;
        $html =~ s/&#39;|&apos;/'/g;
        $html =~ s/&amp;/&/g;
        push @bad, map { "feed $1: $_" } html_problems($html);
    }
    return @bad;
}

sub json_problems {
    my ($text) = @_;
    my @bad;
    push @bad, 'a raw < or > in JSON' if $text =~ /[<>]/;
    my $data = eval { decode_json($text) };
    return (@bad, 'not JSON') unless $data;
    my @stack = ($data);
    while (@stack) {
        my $x = pop @stack;
        if (ref $x eq 'HASH') {
            for my $k (keys %$x) {
                push @bad, map { "$k: $_" } html_problems($x->{$k}) if $k =~ /html/ && !ref $x->{$k};
                push @stack, $x->{$k} if ref $x->{$k};
            }
        } elsif (ref $x eq 'ARRAY') {
            push @stack, grep { ref } @$x;
            for (grep { !ref } @$x) { }
        }
    }
    return @bad;
}

my @pages = ('/', '/?page=2', '/moderation', '/login', '/register', '/feed.xml');
push @pages, map { "/articles/xss-$_" } 0 .. $#xss;
my @apis = ('/api/articles', '/api/articles?limit=100', '/api/me');
push @apis, map { ("/api/articles/xss-$_", "/api/articles/xss-$_/comments") } 0 .. $#xss;

my ($checked, @found) = (0);
for my $who ([anonymous => undef], [reader => $xc], [moderator => $mod]) {
    my $h = $who->[1] ? { Cookie => $who->[1] } : {};
    for my $path (@pages) {
        my $r = $t->get($path, { headers => $h });
        next if $r->{status} == 404 && $path eq '/feed.xml';
        next if $r->{status} != 200;
        $checked++;
        push @found, map { "$who->[0] $path: $_" }
            $path =~ /\.xml$/ ? feed_problems($r->{content}) : html_problems($r->{content});
    }
    for my $path (@apis) {
        my $r = $t->get($path, { headers => $h });
        next if $r->{status} != 200;
        $checked++;
        push @found, map { "$who->[0] $path: $_" } json_problems($r->{content});
    }
}
# reflected: raw quotes and angle brackets in the request line (nginx
# passes them in the query string) come back escaped, if at all
for my $path ('/login?next="><script>alert(1)</script>', '/?page=1&x="><svg/onload=alert(1)>',
              '/register?\'onmouseover=alert(1)//', "/articles/xss-0?\"><img/src=x/onerror=alert(1)>",
              '/articles/nope?"><script>alert(1)</script>', '/moderation?"><script>') {
    my $answer = $t->raw("GET $path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    my ($body) = $answer =~ /\r\n\r\n(.*)\z/s;
    $checked++;
    push @found, map { "reflected $path: $_" } html_problems($body // '');
}

ok($checked > 100, "$checked answers checked");
is_deeply(\@found, [], 'every payload is inert on every page and JSON answer');

# and the payloads are there, escaped, not dropped from titles and comments
my $page = $t->get('/articles/xss-0', { headers => { Cookie => $xc } })->{content};
like($page, qr/T0 &lt;script&gt;/, 'a title shows the payload as text');
like($page, qr/C0 &lt;script&gt;/, 'so does a comment');

### Part 3: security headers on HTML and JSON

my $html = $t->get("/articles/xss-0");
like($html->{headers}{'content-security-policy'} // '', qr/default-src 'none'/, 'HTML: a CSP with no script source');
unlike($html->{headers}{'content-security-policy'} // '', qr/script-src/, 'and no script-src at all');
like($html->{headers}{'content-security-policy'} // '', qr/frame-ancestors 'none'/, 'and frame-ancestors none');
is($html->{headers}{'x-content-type-options'}, 'nosniff', 'HTML: nosniff');
ok($html->{headers}{'referrer-policy'}, 'HTML: Referrer-Policy');
for my $path ('/api/articles', '/api/articles/xss-0', '/api/articles/xss-0/comments', '/api/me', '/api/nothing') {
    my $r = $t->get($path);
    is($r->{headers}{'x-content-type-options'}, 'nosniff', "JSON $path ($r->{status}): nosniff");
    like($r->{headers}{'content-type'} // '', qr{^application/json}, "JSON $path: application/json");
}
$t->done;

# an operator who needs other headers turns ours off and writes their own
$t = NewsTest->new(location => q{news; news_security_headers off; }
                             . q{add_header Content-Security-Policy "default-src 'self'" always;});
$t->newsctl('import', 'demo/seed-article.json');
$t->run;
$html = $t->get("/articles/$SLUG");
is($html->{headers}{'content-security-policy'}, "default-src 'self'", 'news_security_headers off: the operator\'s CSP alone');
ok(!exists $html->{headers}{'x-content-type-options'} && !exists $html->{headers}{'referrer-policy'},
   'and none of ours');
ok(!exists $t->get('/api/articles')->{headers}{'x-content-type-options'}, 'on JSON either');
$t->done;

done_testing;
