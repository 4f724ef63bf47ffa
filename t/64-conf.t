# nginx -t refuses "news" in a location that another content handler
# answers (proxy_pass, fastcgi_pass, ...), naming both, in either order.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

my @cases = (
    [ 'news; proxy_pass http://127.0.0.1:9;',      qr/"news" and "proxy_pass" cannot be in the same location "\/"/ ],
    [ 'proxy_pass http://127.0.0.1:9; news;',      qr/"news" and "proxy_pass" cannot be in the same location "\/"/ ],
    [ 'news; fastcgi_pass 127.0.0.1:9;',           qr/"news" and "fastcgi_pass" cannot/ ],
    [ 'uwsgi_pass 127.0.0.1:9; news;',             qr/"news" and "uwsgi_pass" cannot/ ],
    [ 'news; scgi_pass 127.0.0.1:9;',              qr/"news" and "scgi_pass" cannot/ ],
    [ 'news; grpc_pass 127.0.0.1:9;',              qr/"news" and "grpc_pass" cannot/ ],
    [ 'news; memcached_pass 127.0.0.1:9;',         qr/"news" and "memcached_pass" cannot/ ],
    [ 'news; proxy_pass http://$host;',            qr/"news" and "another content handler \(proxy_pass with variables/ ],
    [ 'stub_status; news;',                        qr/"news" and "another content handler/ ],
    [ 'news; empty_gif;',                          qr/"news" and "another content handler/ ],
);

for my $case (@cases) {
    my ($location, $want) = @$case;
    my $t = NewsTest->new(location => $location, http => 'resolver 127.0.0.1;');
    my ($ok, $err) = $t->conf_test;
    ok(!$ok, "nginx -t refuses: $location");
    like($err, $want, "and names both directives: $location") or diag $err;
    like($err, qr/put them in separate locations/, "and says what to do: $location");
}

# what composes is accepted: news beside root/alias, headers, limits, and
# a nested location with its own content handler
for my $location ('news; root /tmp; add_header X-A b; expires 1m;',
                  'news; location /status { stub_status; }',
                  'news; location /api/articles { news; auth_request /auth; }') {
    my $t = NewsTest->new(location => $location);
    my ($ok, $err) = $t->conf_test;
    ok($ok, "nginx -t accepts: $location") or diag $err;
}

done_testing;
