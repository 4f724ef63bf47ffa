# The module inside nginx's filters: each configuration below is one real
# nginx, and each checks the filter's effect on HTML, JSON and feeds,
# logged out and logged in (README "With the rest of nginx").
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;
use NewsCitizen;

my $SLUG = $NewsCitizen::SLUG;
my $ARTICLE = "/articles/$SLUG";

# a header that may come more than once, as one string
sub hdr {
    my ($res, $name) = @_;
    my $v = $res->{headers}{$name} // '';
    return ref $v ? join(', ', @$v) : $v;
}

# gzip, as most configs have it, with JSON and Atom added to its types
{
    my $t = NewsCitizen::start(http => 'gzip on; gzip_vary on; '
                                       . 'gzip_types application/json application/atom+xml;');
    my $alice = $t->login('alice');
    for my $who ([ 'logged out', undef ], [ 'logged in', $alice ]) {
        my ($name, $cookie) = @$who;
        for my $case ([ 'article', $ARTICLE, qr{^text/html; charset=utf-8$}, qr/<article/ ],
                      [ 'front page', '/', qr{^text/html; charset=utf-8$}, qr/<main/ ],
                      [ 'JSON', "/api/articles/$SLUG", qr{^application/json$}, qr/^\{"/ ],
                      [ 'Atom', '/feed.xml', qr{^application/atom\+xml; charset=utf-8$}, qr/<feed/ ]) {
            my ($what, $path, $type, $body) = @$case;
            my $plain = NewsCitizen::fetch($t, $path, cookie => $cookie);
            my $zip = NewsCitizen::fetch($t, $path, cookie => $cookie, gzip => 1);
            is($zip->{status}, 200, "gzip, $name: $what 200");
            like($zip->{headers}{'content-type'}, $type, "gzip, $name: $what type and charset apart");
            is($zip->{headers}{'content-encoding'}, 'gzip', "gzip, $name: $what is compressed");
            like(hdr($zip, 'vary'), qr/Accept-Encoding/, "gzip_vary, $name: $what varies by Accept-Encoding");
            like($zip->{body}, $body, "gzip, $name: $what decompresses to the answer");
            ok(!$plain->{headers}{'content-encoding'}, "gzip, $name: $what plain without Accept-Encoding");
            ok(length $zip->{content} < length($plain->{content}) * 0.7,
               sprintf "gzip, $name: $what smaller (%d of %d bytes)",
                       length $zip->{content}, length $plain->{content});
        }
    }
    $t->done;
}

done_testing;
