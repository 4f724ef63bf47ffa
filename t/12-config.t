# Configuration checks that `nginx -t` must catch, each naming the
# directive and the problem; then the less travelled paths: values refused
# (a site name too long, a base URL of another scheme or with a character
# a URL cannot hold, a store path under a file, a hash pool never
# declared), and values taken (a base URL without its trailing slash, a
# store path with trailing slashes, a hash pool of one's own or a
# "news_hash" declared by hand, server names that are a regex or a
# catch-all before the real one, an explicit worker user, the module
# loaded but not used).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

sub must_die {
    my ($name, $want, %opt) = @_;
    my (undef, $stderr) = NewsTest->conf_refused($name, $want, %opt);
    like($stderr, qr/nginx\.conf:\d+|news_db/, "$name: points at the configuration");
}

sub must_pass {
    my ($t) = NewsTest->conf_taken(@_);
    return $t;
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

# the less travelled paths
must_die('a site name of 201 bytes', qr/"news_site_name" is longer than 200 bytes/,
         http => 'news_site_name "' . ('n' x 201) . '";');
must_die('a base URL of another scheme', qr/"news_base_url" must start with http:\/\/ or https:\/\/: "ftp:\/\/example\.org\/"/,
         http => 'news_base_url ftp://example.org/;');
must_die('a base URL with a quote in it', qr/"news_base_url" holds a character not allowed in a URL/,
         http => q{news_base_url "https://example.org/a'b/";});
must_die('a store path under a file', qr/"news_db" ".*\/afile\/db": stat\(\) failed \(20: Not a directory\)/,
         make_db => 0,
         setup => sub {
             my $t = shift;
             open my $fh, '>', $t->dir . '/afile' or die; close $fh;
             $t->{conf} = $t->conf_text =~ s{(news_db )\S+;}{$1$t->{dir}/afile/db;}r;
         });
for my $case (['news_password_cost 19m 2; news_password_cost 19m 2;', qr/"news_password_cost" directive is duplicate/],
              ['news_password_cost lots 2;', qr/invalid memory "lots" in "news_password_cost": use 19m/],
              ['news_password_cost 5g 2;', qr/invalid memory "5g" in "news_password_cost"/],
              ['news_password_cost 19m 101;', qr/invalid passes "101" in "news_password_cost": use 2/],
              ['news_password_cost 19m x;', qr/invalid passes "x"/],
              ['news_login_throttle 5 20; news_login_throttle 5 20;', qr/"news_login_throttle" directive is duplicate/],
              ['news_login_throttle 5 100001;', qr/invalid number "100001" in "news_login_throttle": use 1 to 100000/],
              ['news_login_throttle x 5;', qr/invalid number "x" in "news_login_throttle"/]) {
    my ($http, $want) = @$case;
    must_die($http, $want, http => $http);
}
must_die('a hash pool never declared', qr/unknown thread pool "nohash"/,
         http => 'news_hash_thread_pool nohash;');
must_die('a search pool never declared', qr/unknown thread pool "nosearch"/,
         http => 'news_search_thread_pool nosearch;');

# the module loaded, news used nowhere: nothing to check, nothing opened
{
    my $t = NewsTest->new(make_db => 0);
    $t->{conf} = $t->conf_text =~ s#\n\s*news_db [^\n]*##r =~ s#location / \{[^\}]*\}#location / { return 204; }#r;
    my ($ok, $stderr) = $t->conf_test;
    ok($ok, 'the module loaded but unused: nginx -t passes') or diag $stderr;
    ok(!-e $t->db, 'and makes no store');
}

# a hash pool of one's own, and "news_hash" declared by hand: logins work
for my $case (['news_hash_thread_pool', 'thread_pool myhash threads=1;', 'news_hash_thread_pool myhash;'],
              ['a "news_hash" pool declared by hand', 'thread_pool news_hash threads=1 max_queue=8;', '']) {
    my ($name, $main, $http) = @$case;
    my $t = NewsTest->new(main => $main, http => $http);
    $t->run;
    my $cookie = $t->login('alice');
    ok($cookie, "$name: a login hashes in it");
    $t->done;
}

# a search pool of one's own: searches run in it
{
    my $t = NewsTest->new(main => 'thread_pool mysearch threads=1;',
                          http => 'news_search_thread_pool mysearch;');
    $t->run;
    $t->newsctl('import', 'demo/seed-article.json');
    $t->mark_log;
    is($t->get('/search?q=news')->{status}, 200, 'news_search_thread_pool: a search');
    like($t->log_since_mark, qr/added to thread pool "mysearch"/, 'ran in that pool');
    $t->done;
}

# a base URL without its trailing slash gets one; a store path with
# trailing slashes is the same store
{
    my $t = NewsTest->new(http => 'news_base_url https://www.example.org/news;');
    $t->{conf} = $t->conf_text =~ s{(news_db \S+);}{$1///;}r;
    $t->run;
    $t->newsctl('import', 'demo/seed-article.json');
    my $feed = $t->get('/feed.xml');
    is($feed->{status}, 200, 'the feed');
    like($feed->{content}, qr{<id>https://www\.example\.org/news/feed\.xml</id>},
         'a base URL without a trailing slash: its links get one');
    $t->done;
}

# the canonical host: the first plain name, past a regex and a catch-all
{
    my $t = NewsTest->new(server => 'server_name ~^www\d+\.example\.com$ _ bad_name.example.com news.example.com;');
    $t->run;
    $t->newsctl('import', 'demo/seed-article.json');
    my $feed = $t->get('/feed.xml');
    like($feed->{content}, qr{<id>http://news\.example\.com(?::\d+)?/feed\.xml</id>},
         'links name the first plain server_name') or diag substr($feed->{content}, 0, 300);
    $t->done;
}

SKIP: {
    skip 'the worker-user check needs root', 4 if $> != 0;
    # an explicit worker user: the store made for it
    my $t = NewsTest->new(make_db => 0, main => 'user nobody nogroup;');
    $t->run;
    is((stat $t->db)[4], scalar getpwnam('nobody'), 'user nobody: the store is made for nobody');
    is($t->get('/')->{status}, 200, 'and served');
    $t->done;
    # workers as root may write anything (nginx warns elsewhere)
    must_pass('workers as root', make_db => 0, main => 'user root root;',
              setup => sub { mkdir $_[0]->db, 0700 or die });
    # a store of another user that the workers' group can write: refused
    # all the same (group-writable)
    must_die('a store the workers reach through their group', qr/is writable by its group \(mode 0770\)/,
             make_db => 0,
             setup => sub {
                 my $t = shift;
                 mkdir $t->db, 0770 or die;
                 chmod 0770, $t->db;
                 chown 0, scalar getgrnam('nogroup'), $t->db;
             });
}


done_testing;
