package NewsCitizen;

=head1 NAME

NewsCitizen - the module inside the configurations operators write: one
nginx per configuration, the seed article in its store (t/6x-*.t)

=head1 SYNOPSIS

    my $t = NewsCitizen::start(http => 'gzip on;');
    my $res = NewsCitizen::fetch($t, '/', gzip => 1, cookie => $c);
    # $res->{body}: the content, decompressed when it came gzipped

=cut

use strict;
use warnings;
use File::Basename ();
use File::Path ();
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use lib 't/lib';
use NewsTest;

our $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';

# NewsTest options, plus seed => 0 for an empty store; %%DIR%% in the
# config fragments is the prefix (html/ there holds put() files)
sub start {
    my (%opt) = @_;
    my $seed = delete $opt{seed} // 1;
    my $t = NewsTest->new(%opt);
    if ($seed) {
        my ($rc, undef, $err) = $t->newsctl('import', 'demo/seed-article.json');
        die "NewsCitizen: import: $err" if $rc;
    }
    $t->run;
    return $t;
}

# GET (or method => ...) with the usual knobs: cookie, gzip (sends
# Accept-Encoding: gzip), headers, content, prefix (a location's path)
sub fetch {
    my ($t, $path, %o) = @_;
    my %h = %{ $o{headers} // {} };
    $h{Cookie} = $o{cookie} if $o{cookie};
    $h{'Accept-Encoding'} = 'gzip' if $o{gzip};
    my $res = $t->request($o{method} // 'GET', $path,
                          { headers => \%h,
                            (defined $o{content} ? (content => $o{content}) : ()) });
    $res->{body} = $res->{content} // '';
    if (($res->{headers}{'content-encoding'} // '') eq 'gzip') {
        my $plain;
        gunzip(\$res->{content} => \$plain) or die "NewsCitizen: gunzip: $GunzipError";
        $res->{body} = $plain;
    }
    return $res;
}

# a JSON request with an optional session cookie
sub json {
    my ($t, $method, $path, $json, $cookie) = @_;
    return fetch($t, $path, method => $method, cookie => $cookie, content => $json,
                 headers => { 'Content-Type' => 'application/json' });
}

# a GET with the Host (and Cookie, and headers) we choose, which HTTP::Tiny
# will not send
sub raw_get {
    my ($t, $path, %o) = @_;
    my $req = "GET $path HTTP/1.0\r\nHost: $o{host}\r\n";
    $req .= "Cookie: $o{cookie}\r\n" if $o{cookie};
    $req .= "$_: $o{headers}{$_}\r\n" for sort keys %{ $o{headers} // {} };
    my ($head, $body) = split /\r\n\r\n/, $t->raw("$req\r\n"), 2;
    my ($status) = $head =~ m{^HTTP/1\.\d (\d+)};
    my %h;
    while ($head =~ /^([\w-]+): (.*?)\r?$/mg) {
        my $key = lc $1;
        $h{$key} = exists $h{$key} ? "$h{$key}, $2" : $2;
    }
    return { status => $status, headers => \%h, body => $body // '' };
}

# registers NAME through the site mounted at PREFIX and logs in there;
# returns the session cookie
sub login_at {
    my ($t, $prefix, $name) = @_;
    my $cred = qq({"username":"$name","password":"pw-of-$name-123"});
    my $r = json($t, 'POST', "${prefix}api/users", $cred);
    die "NewsCitizen: register $name: $r->{status}" if $r->{status} != 201;
    $r = json($t, 'POST', "${prefix}api/session", $cred);
    die "NewsCitizen: login $name: $r->{status}" if $r->{status} != 200;
    my ($cookie) = ($r->{headers}{'set-cookie'} // '') =~ /^([\w-]*session=[0-9a-f]+)/;
    return $cookie;
}

# the CSRF token of a logged-in reader's page
sub csrf {
    my ($t, $cookie, $path) = @_;
    my $page = fetch($t, $path // "/articles/$SLUG", cookie => $cookie)->{body};
    my ($csrf) = $page =~ /name="csrf" value="([0-9a-f]+)"/;
    return $csrf;
}

# a file below the prefix's html/ directory
sub put {
    my ($t, $name, $text) = @_;
    my $path = $t->dir . "/html/$name";
    File::Path::make_path(File::Basename::dirname($path));
    open my $fh, '>', $path or die "NewsCitizen: $path: $!";
    print $fh $text;
    close $fh;
}

1;
