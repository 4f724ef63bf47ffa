# Every page type, logged out and in, through the W3C Nu HTML validator
# (vnu.jar: zero errors), plus the structure a screen reader relies on:
# landmarks, a skip link that lands, headings in order, labelled fields,
# <time datetime>, errors tied to their fields and announced.
#
# The pages are kept in build/html/ for a person to look at.  The
# validator comes from `make html-tools` (npm's vnu-jar and Debian's
# Java), which `make test` runs; VNU_JAR names another copy.
use strict;
use warnings;
use Test::More;
use File::Path qw(make_path);
use Digest::SHA ();
use lib 't/lib';
use NewsTest;
use NewsSite;

my $root = NewsTest->new(make_db => 0)->root;
my $build = $ENV{TEST_NEWS_BUILD} // "$root/build";
my $jar = $ENV{VNU_JAR} // "$build/tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar";
my $java = `sh -c 'command -v java'`;
chomp $java;

my $site = NewsSite->new(http => 'news_site_name "The Daily <Test>";');
my $out = "$build/html";
make_path($out);
unlink glob "$out/*.html";

my (%html, %path);
for my $p ($site->pages) {
    my $res = $site->fetch($p);
    is($res->{status}, $p->{status}, "$p->{name}: $p->{method} $p->{path} answers $p->{status}")
        or diag substr($res->{content} // '', 0, 300);
    like($res->{headers}{'content-type'} // '', qr{^text/html; charset=utf-8$}i, "$p->{name}: HTML");
    my $body = $res->{content} // '';
    $html{$p->{name}} = $body;
    $path{$p->{name}} = $p->{path};
    open my $fh, '>', "$out/$p->{name}.html" or die "$out/$p->{name}.html: $!";
    print $fh $body;
    close $fh;
}

# ---- structure, page by page -----------------------------------------
for my $name (sort keys %html) {
    my $h = $html{$name};
    like($h, qr{^<!doctype html>\n<html lang="en"}i, "$name: doctype and lang");
    for my $tag (qw(header nav main footer)) {
        like($h, qr{<$tag[\s>]}, "$name: <$tag> landmark");
    }
    my ($self, $skip) = $h =~ /<a class="skip" href="([^"#]*)#([^"]+)"/;
    ok($skip && $h =~ /\sid="\Q$skip\E"/, "$name: the skip link lands on an id");
    ok(defined $self && $self =~ s{^\./}{}, "$name: the skip link is a ./ path: it cannot carry a scheme");
    $self =~ s/&amp;/&/g if defined $self;
    is("/" . ($self // ''), $path{$name}, "$name: the skip link stays on this page");
    like($h, qr{<meta name="theme-color"}, "$name: theme-color");
    like($h, qr{<link rel="icon"}, "$name: a favicon");

    my @levels = $h =~ /<h([1-6])[\s>]/g;
    is(scalar(grep { $_ == 1 } @levels), 1, "$name: one h1");
    my ($prev, $skipped) = (0, '');
    for my $l (@levels) {
        $skipped .= " h$prev->h$l" if $l > $prev + 1;
        $prev = $l;
    }
    is($skipped, '', "$name: headings in order");

    my @noattr = grep { !/datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/ } $h =~ /(<time[^>]*>)/g;
    is("@noattr", '', "$name: every <time> has a datetime");

    my %labelled = map { $_ => 1 } $h =~ /<label for="([^"]+)"/g;
    my @fields = grep { !/type="(?:hidden|submit)"/ } $h =~ /(<(?:input|textarea|select)\b[^>]*>)/g;
    my @unlabelled = grep { my ($id) = /\sid="([^"]+)"/; !($id && $labelled{$id}) } @fields;
    is("@unlabelled", '', "$name: every field has a <label>");

    for my $id ($h =~ /aria-describedby="([^"]+)"/g) {
        ok($h =~ /\sid="\Q$id\E"/, "$name: aria-describedby=$id names an element");
    }
    my @bare = grep { !/class="skip"/ } $h =~ /(<a\b[^>]*\bhref="#[^>]*>)/g;
    is("@bare", '', "$name: no other bare #fragment links (the base is the prefix)");
    unlike($h, qr{<(?:div|span|a)\b[^>]*\bonclick}, "$name: no script buttons");
}

# errors are tied to their field and announced
like($html{'register-field-error'}, qr{<input[^>]*id="username"[^>]*aria-invalid="true"[^>]*aria-describedby="username-error"},
     'a field error: aria-invalid and aria-describedby on the field');
like($html{'register-field-error'}, qr{id="username-error"[^>]*role="alert"|role="alert"[^>]*id="username-error"},
     'a field error is announced');
like($html{'login-error'}, qr{role="alert"}, 'a form error is announced');
like($html{'article-anon'}, qr{<ol class="replies">}, 'the nested-comments page has replies');
like($html{'article-anon'}, qr{<section class="featured"}, 'the article page has an editors\' pick');
like($html{'article-newest'}, qr{aria-current="page">Newest first.*<section class="featured"}s,
     'and so has its newest-first page');
like($html{'article-editor-newest'}, qr{value="unfeature"}, 'an editor\'s page has the picks\' buttons');
like($html{'moderation-reported'}, qr{&lt;b&gt;not&lt;/b&gt; about the story}, 'the Reported tab lists a report');
for my $name (qw(moderation-reported moderation-words moderation-user moderation-log login)) {
    like($html{$name}, qr{<meta name="description" content="[^"<>]+">}, "$name: described by its title");
}

# ---- the stylesheet and the CSP ----------------------------------------
{
    my $res = $site->t->get('/');
    my ($css) = $res->{content} =~ m{<style>(.*?)</style>}s;
    my $hash = Digest::SHA::sha256_base64($css // '');
    $hash .= '=' x (-length($hash) % 4);
    my $csp = $res->{headers}{'content-security-policy'} // '';
    like($csp, qr{style-src 'sha256-\Q$hash\E'(?:;| )}, 'CSP: style-src is the hash of the inline stylesheet');
    unlike($csp, qr{unsafe-inline|script-src}, 'CSP: no unsafe-inline, no script source');
    like($csp, qr{default-src 'none'}, "CSP: default-src 'none'");
    like($res->{content}, qr{<meta name="theme-color" content="#ffffff" media="\(prefers-color-scheme: light\)">}, 'theme-color, light');
    like($res->{content}, qr{<link rel="icon" href="data:image/svg\+xml,}, 'the favicon is a data: URI (no request)');
}

# ---- news_site_logo, news_site_stylesheet -----------------------------
{
    my $t = NewsTest->new(http => 'news_site_logo https://cdn.example.org/logo.svg?v=2; '
                                  . 'news_site_stylesheet /static/extra.css;');
    $t->run;
    my $res = $t->get('/');
    like($res->{content}, qr{<a class="brand" href="\./"><img src="https://cdn\.example\.org/logo\.svg\?v=2" alt="" height="32">News</a>},
         'news_site_logo: a decorative image before the name');
    like($res->{content}, qr{</style>\n<link rel="stylesheet" href="/static/extra\.css">}, 'news_site_stylesheet: linked after ours');
    my $csp = $res->{headers}{'content-security-policy'} // '';
    like($csp, qr{style-src 'sha256-[A-Za-z0-9+/]+=*' 'self';}, 'CSP: a path stylesheet is self');
    like($csp, qr{img-src 'self' data: https://cdn\.example\.org/logo\.svg;}, 'CSP: the logo URL, without its query');
    $html{'with-logo-and-stylesheet'} = $res->{content};
    open my $fh, '>', "$out/with-logo-and-stylesheet.html" or die;
    print $fh $res->{content};
    close $fh;
    $t->done;

    for my $bad ([ 'news_site_logo', '"javascript:alert(1)"', qr/"news_site_logo" must be a path or an http/ ],
                 [ 'news_site_logo', '//cdn.example.org/x.png', qr/"news_site_logo" must be a path or an http.*not scheme-relative/ ],
                 [ 'news_site_stylesheet', '"/a b.css"', qr/"news_site_stylesheet" must be a URL of printable ASCII/ ],
                 [ 'news_site_stylesheet', q{"/x.css';script-src"}, qr/"news_site_stylesheet" must be a URL/ ],
                 [ 'news_site_stylesheet', 'ftp://example.org/x.css', qr/"news_site_stylesheet" must be a path or an http/ ]) {
        my $c = NewsTest->new(http => "$bad->[0] $bad->[1];");
        my ($ok, $err) = $c->conf_test;
        ok(!$ok, "nginx -t refuses $bad->[0] $bad->[1]");
        like($err, $bad->[2], '... naming the directive and the problem');
    }
    my $c = NewsTest->new(server => 'news_site_stylesheet https://cdn.example.org/site.css; location /x/ { news_site_logo logo.png; news; }');
    my ($ok, $err) = $c->conf_test;
    ok($ok, 'both directives in server and location, absolute and relative URLs') or diag $err;
}

# ---- the Nu validator --------------------------------------------------
SKIP: {
    skip "no java (make html-tools installs it)", 1 unless $java;
    skip "no $jar (make html-tools installs it)", 1 unless -f $jar;

    my @files = map { "$out/$_.html" } sort keys %html;
    my ($rc, $stdout, $stderr) = NewsTest::run_cmd([ $java, '-Xss8m', '-jar', $jar, '--format', 'gnu',
                                                     '--also-check-css', @files ], timeout => 240);
    my @errors = grep { /: (?:error|fatal)/ } split /\n/, $stderr . $stdout;
    my @warnings = grep { /: info warning/ } split /\n/, $stderr . $stdout;
    is(scalar @errors, 0, 'the Nu validator finds no error in ' . scalar(@files) . ' pages')
        or diag join "\n", @errors;
    note "validator warnings:\n" . join "\n", @warnings if @warnings;
}

$site->done;
done_testing;
