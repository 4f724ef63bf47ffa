package NewsEdge;

=head1 NAME

NewsEdge - nginx edges made from edge.conf.example as shipped, in front of
a test origin (t/66-edges.t, bench/run's edge rows)

=head1 SYNOPSIS

    my $edge = NewsTest->new(module => 0, conf => NewsEdge::conf($origin->port));
    my $res = NewsEdge::via($edge, '/');           # as a browser without a session
    my $took = NewsEdge::until_shows($edge, $path, qr/.../, 10);   # s, or undef

=cut

use strict;
use warnings;
use Time::HiRes qw(time sleep);
use lib 't/lib';
use NewsCitizen;

our $PURGE = '/usr/lib/nginx/modules/ngx_http_cache_purge_module.so';

# edge.conf.example with a test's addresses and paths; $workers nginx
# workers (1)
sub conf {
    my ($origin_port, $workers) = @_;
    $workers //= 1;
    my $file = NewsTest->root . '/edge.conf.example';
    open my $fh, '<', $file or die "$file: $!";
    my $conf = do { local $/; <$fh> };
    $conf =~ s{^load_module modules/}{load_module /usr/lib/nginx/modules/}m or die 'load_module';
    $conf =~ s{^user .*\n}{}m;
    $conf =~ s{^worker_processes auto;}{daemon off;\nworker_processes $workers;}m or die 'workers';
    $conf =~ s{^pid /run/nginx.pid;}{pid %%DIR%%/nginx.pid;}m or die 'pid';
    $conf =~ s{/var/log/nginx/}{%%DIR%%/logs/}g;
    $conf =~ s{/var/cache/nginx/news}{%%DIR%%/cache};
    $conf =~ s{worker_connections 1024;}{worker_connections 256;};
    $conf =~ s{server 192\.0\.2\.10:80;}{server 127.0.0.1:$origin_port;} or die 'upstream';
    $conf =~ s{allow 192\.0\.2\.10;}{allow 127.0.0.1;} or die 'allow';
    $conf =~ s{listen 80;}{listen 127.0.0.1:%%PORT%%;} or die 'listen';
    my $temp = join '', map { "    ${_}_temp_path %%DIR%%/tmp/$_;\n" }
                              qw(client_body proxy fastcgi uwsgi scgi);
    $temp =~ s/client_body_temp_path (\S+)client_body;/client_body_temp_path $1body;/;
    $conf =~ s|^http \x7b\n|http \x7b\n$temp|m or die 'http';
    return $conf;
}

# a GET through an edge, as a browser without a session would send it
sub via {
    my ($edge, $path) = @_;
    return NewsCitizen::raw_get($edge, $path, host => 'news.example.com');
}

# polls (at most $limit s) until the page at the edge matches $re; returns
# the seconds it took, or undef
sub until_shows {
    my ($edge, $path, $re, $limit, $pause) = @_;
    my $start = time;
    while (time - $start < $limit) {
        my $res = via($edge, $path);
        return time - $start if $res->{status} == 200 && $res->{body} =~ $re;
        sleep($pause // 0.02);
    }
    return undef;
}

1;
