package NewsLive;

=head1 NAME

NewsLive - the live-comment tests' parts (t/67, t/69): nchan's locations
beside the site, a reader's Server-Sent Events stream read as it comes

=head1 SYNOPSIS

    my $t = NewsTest->new(main => "load_module $NewsLive::NCHAN;",
                          http => 'news_live_publish http://127.0.0.1:%%PORT%%/live-publish;',
                          server => NewsLive::locations());
    my $t = NewsLive::site(http => 'news_comment_rate 0;');   # the same, started
    my $sub = NewsLive::subscribe($t, $article_id);
    my $event = NewsLive::next_event($sub, 10);    # decoded JSON, or undef

=cut

use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use JSON::PP;
use Time::HiRes qw(time);
use lib 't/lib';
use NewsTest;

our $NCHAN = '/usr/lib/nginx/modules/ngx_nchan_module.so';

# nchan's two locations beside the site: readers subscribe, the module
# publishes (from this machine only); $redis (a port) shares them
# between nginx
sub locations {
    my ($redis) = @_;
    my $r = $redis ? "nchan_redis_url redis://127.0.0.1:$redis; nchan_use_redis on;" : '';
    return <<"EOF";
location ~ ^/live/([0-9]+)\$ {
            nchan_subscriber eventsource;
            nchan_channel_id article-\$1;
            $r
        }
        location ~ ^/live-publish/([0-9]+)\$ {
            allow 127.0.0.1;
            deny all;
            nchan_publisher;
            nchan_channel_id article-\$1;
            $r
        }
EOF
}

# an open stream: the socket, reading what is sent as it comes
sub subscribe {
    my ($t, $id) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1:' . $t->port, Timeout => 5)
        or die "connect: $!";
    print $s "GET /live/$id HTTP/1.1\r\nHost: news.example\r\nAccept: text/event-stream\r\n\r\n";
    my $head = '';
    my $sel = IO::Select->new($s);
    while ($head !~ /\r\n\r\n/ && $sel->can_read(5)) {
        sysread($s, $head, 4096, length $head) or last;
    }
    return { sock => $s, sel => $sel, buf => ($head =~ /\r\n\r\n(.*)/s)[0] // '', head => $head };
}

# the next event's data (decoded JSON), or undef after $wait s
sub next_event {
    my ($sub, $wait) = @_;
    my $until = time + $wait;
    while (1) {
        # an event ends with a blank line; nchan's comments (":...") are not events
        while ($sub->{buf} =~ s/^(.*?)\r?\n\r?\n//s) {
            my $ev = $1;
            my $data = join "\n", map { /^data: ?(.*)$/ ? $1 : () } split /\r?\n/, $ev;
            return decode_json($data) if length $data;
        }
        my $left = $until - time;
        return undef if $left <= 0 || !$sub->{sel}->can_read($left);
        sysread($sub->{sock}, $sub->{buf}, 65536, length $sub->{buf}) or return undef;
    }
}

# A running nginx with nchan and news_live_publish beside the site and the
# seed article in its store; http => more http lines, main => more main
# lines, test => more NewsTest options
sub site {
    my (%opt) = @_;
    my $t = NewsTest->new(
        main => "load_module $NCHAN;" . ($opt{main} // ''),
        http => join("\n    ", 'news_live_publish http://127.0.0.1:%%PORT%%/live-publish;',
                     $opt{http} // ()),
        server => locations(), %{ $opt{test} // {} });
    my ($rc, undef, $err) = $t->newsctl('import', 'demo/seed-article.json');
    die "import: $err" if $rc;
    $t->run;
    return $t;
}

# the article's id, from the surrogate key of its page
sub article_id {
    my ($t, $slug) = @_;
    my ($id) = ($t->get("/articles/$slug")->{headers}{'surrogate-key'} // '') =~ /article-(\d+)/;
    return $id;
}

1;
