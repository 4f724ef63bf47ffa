# Configuration checks that `nginx -t` must catch, each naming the
# directive and the problem.
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

sub must_die {
    my ($name, $want, %opt) = @_;
    my $setup = delete $opt{setup};
    my $t = NewsTest->new(%opt);
    $setup->($t) if $setup;
    my ($ok, $stderr) = $t->conf_test;
    ok(!$ok, "$name: nginx -t fails");
    like($stderr, $want, "$name: says why") or diag $stderr;
    like($stderr, qr/nginx\.conf:\d+|news_db/, "$name: points at the configuration");
}

must_die('bad size', qr/"news_db_size" directive invalid value/, db_size => 'lots');
must_die('size too small', qr/"news_db_size" must be at least 1m/, db_size => '64k');
must_die('news without news_db', qr/"news" is used but "news_db" is not set/,
         conf => <<'CONF');
load_module %%MODULE%%;
daemon off;
pid %%DIR%%/nginx.pid;
error_log %%DIR%%/logs/error.log;
events {}
http {
    access_log off;
    client_body_temp_path %%DIR%%/tmp/body;
    server { listen 127.0.0.1:%%PORT%%; location / { news; } }
}
CONF
must_die('missing parent', qr/"news_db" ".*\/no\/such\/db" cannot be created \(is its parent ".*\/no\/such" there\?\)/,
         make_db => 0,
         setup => sub {
             my $t = shift;
             my $conf = $t->conf_text =~ s{(news_db )\S+;}{$1$t->{dir}/no/such/db;}r;
             $t->{conf} = $conf;
         });
must_die('a file in the way', qr/"news_db" ".*\/db" is not a directory/,
         make_db => 0,
         setup => sub {
             my $t = shift;
             open my $fh, '>', $t->db or die; close $fh;
         });
must_die('news twice', qr/"news" directive is duplicate/, location => 'news; news;');
must_die('news in a regex location', qr/"news" directive cannot be used in a regex/,
         server => 'location ~ \.x$ { news; }');

SKIP: {
    skip 'the worker-user check needs root', 3 if $> != 0;
    must_die('not writable by the workers', qr/"news_db" ".*\/db" is not writable by the worker user/,
             make_db => 0,
             setup => sub { mkdir $_[0]->db, 0700 or die });
}

SKIP: {
    skip 'the worker-user check needs root', 3 if $> != 0;
    must_die('a root-owned data file', qr/data\.mdb" is not a file that the worker user/,
             setup => sub {
                 my $t = shift;
                 open my $fh, '>', $t->db . '/data.mdb' or die; close $fh;
                 chmod 0600, $t->db . '/data.mdb';
             });
}

# a missing last directory is created, for the worker user, and works
my $t = NewsTest->new(make_db => 0);
$t->run;
ok(-d $t->db, 'news_db created');
is((stat $t->db)[4], scalar getpwnam('nobody'), 'owned by the worker user') if $> == 0;
is($t->get('/')->{status}, 200, 'and the site answers from it');
$t->done;

done_testing;
