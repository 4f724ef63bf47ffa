# The configuration checks t/12-config.t leaves out, each through
# `nginx -t` and its message: the numeric directives' bounds and garbled
# values, duplicates, a store whose data or lock file is not a file or is
# open to others, a store directory right under "/", a password cost below
# the floor, a base URL with a space or a byte outside ASCII, "news" in a
# named location, a data file that cannot be read or has a corrupt schema
# record; and what is taken: settings inherited from the server level, a
# location without its trailing slash, a server whose names are none of
# them a plain host, a data file with no schema record yet, and the
# module loaded into a running nginx that serves no "news" location (its
# variables empty, its workers opening nothing).
use strict;
use warnings;
use Test::More;
use lib 't/lib';
use NewsTest;

sub refused { NewsTest->conf_refused(@_) }

sub taken { NewsTest->conf_taken(@_) }

# every numeric directive: out of its bounds (nginx's own message, which
# names the line rather than the directive), and not a number
my $between = sub { qr/value must be between $_[1] and $_[2] in \S+nginx\.conf:\d+/ };
for my $case (['news_comment_max_length 0;',    $between->('news_comment_max_length', 1, '\d+')],
              ['news_comment_rate 100001;',     $between->('news_comment_rate', 0, 100000)],
              ['news_comment_trust 1001;',      $between->('news_comment_trust', 0, 1000)],
              ['news_comment_report_hide 1001;', $between->('news_comment_report_hide', 0, 1000)],
              ['news_comment_max_links 1001;',  $between->('news_comment_max_links', 0, 1000)],
              ['news_hash_queue 0;',            $between->('news_hash_queue', 1, 100000)],
              ['news_register_throttle 0;',     $between->('news_register_throttle', 1, 100000)],
              ['news_session_ttl 0;',           $between->('news_session_ttl', 1, '\d+')],
              ['news_body_max 512;',            $between->('news_body_max', 1024, 1048576)],
              ['news_body_max 2m;',             $between->('news_body_max', 1024, 1048576)],
              ['news_comment_rate many;',       qr/"news_comment_rate" directive invalid number/],
              ['news_comment_edit_window soon;', qr/"news_comment_edit_window" directive invalid value/],
              ['news_session_idle forever;',    qr/"news_session_idle" directive invalid value/],
              ['news_cache_max_age x;',         qr/"news_cache_max_age" directive invalid value/],
              ['news_body_max big;',            qr/"news_body_max" directive invalid value/],
              ['news_comment_premoderation maybe;', qr/invalid value "maybe" in "news_comment_premoderation" directive, it must be "on" or "off"/],
              ['news_security_headers maybe;',  qr/invalid value "maybe" in "news_security_headers" directive/],
              ['news_comment_rate 1; news_comment_rate 2;', qr/"news_comment_rate" directive is duplicate/],
              ['news_db_size 64m;',             qr/"news_db_size" directive is duplicate/]) {
    my ($http, $want) = @$case;
    refused($http, $want, http => $http);
}

# the directives with handlers of their own: duplicates and values refused
for my $case (['news_comment_close_after off; news_comment_close_after 30d;',
               qr/"news_comment_close_after" directive is duplicate/],
              ['news_comment_close_after 0s;',
               qr/"news_comment_close_after" takes a time of a second or more \(30d, 12h\) or "off", not "0s"/],
              ['news_comment_close_after soon;',
               qr/"news_comment_close_after" takes a time .* not "soon"/],
              ['news_password_cost 18m 2;',
               qr/invalid memory "18m" in "news_password_cost": use 19m \(the OWASP minimum\) to 4096m/],
              ['news_password_cost 5000m 2;',
               qr/invalid memory "5000m" in "news_password_cost": use 19m \(the OWASP minimum\) to 4096m/],
              ['news_password_cost 19m 1;',
               qr/invalid passes "1" in "news_password_cost": use 2 \(the OWASP minimum\) to 100/],
              ['news_login_throttle 0 5;',
               qr/invalid number "0" in "news_login_throttle": use 1 to 100000/],
              ['news_image_hosts a.example.org; news_image_hosts b.example.org;',
               qr/"news_image_hosts" directive is duplicate/],
              ['news_image_hosts "img example.org";',
               qr/"news_image_hosts" "img example\.org" must be a host name/],
              ['news_image_hosts img.example.org:http;',
               qr/"news_image_hosts" "img\.example\.org:http" has a port that is not a number/],
              ['news_nav off; news_nav world;',
               qr/"news_nav" directive is duplicate/],
              ['news_nav ' . join(' ', map { "s$_" } 1 .. 13) . ';',
               qr/"news_nav" names 13 sections, more than 12/],
              ['news_nav "";',                  qr/"news_nav" "" must be 1 to 64 bytes/],
              ["news_nav \"caf\xe9\";",          qr/"news_nav" ".*" is not UTF-8/],
              ['news_nav "--";',                qr/"news_nav" "--" has no letter or digit to make its address/],
              ['news_site_logo "/a b.png";',
               qr/"news_site_logo" must be a URL of printable ASCII without spaces.*: "\/a b\.png"/],
              ['news_site_stylesheet //cdn.example.org/site.css;',
               qr/"news_site_stylesheet" must be a path or an http:\/\/ or https:\/\/ URL, not scheme-relative/],
              ['news_base_url "https://example.org/a b/";',
               qr/"news_base_url" holds a character not allowed in a URL: "https:\/\/example\.org\/a b\/"/],
              ["news_base_url \"https://caf\xc3\xa9.example.org/\";",
               qr/"news_base_url" holds a character not allowed in a URL/],
              ['news_db /elsewhere;',           qr/"news_db" directive is duplicate/]) {
    my ($http, $want) = @$case;
    refused($http, $want, http => $http);
}

refused('news in a named location', qr/"news" directive cannot be used in a regex or named location/,
        server => 'location @news { news; }');

# the store's files: each must be a file the workers can read and write,
# and none may be open to others' writes
for my $file ('data.mdb', 'lock.mdb') {
    refused("a directory named $file", qr/"news_db": ".*\/db\/\Q$file\E" is not a file that the worker user \(uid \d+\) can read and write/,
            setup => sub { mkdir $_[0]->db . "/$file" or die "mkdir: $!" });
}
SKIP: {
    skip 'the store belongs to the worker user only when the harness is root', 4 if $> != 0;
    my $nobody = getpwnam('nobody');
    my $nogroup = getgrnam('nogroup');
    my $put = sub {
        my ($t, $name, $mode) = @_;
        my $path = $t->db . "/$name";
        open my $fh, '>', $path or die "$path: $!";
        close $fh;
        chown $nobody, $nogroup, $path;
        chmod $mode, $path;
    };
    refused('a lock file others can write', qr/"news_db": ".*\/lock\.mdb" is writable by others \(mode 0666\): anyone who can write the store can make themselves admin; chmod 0600 it/,
            setup => sub { $put->($_[0], 'lock.mdb', 0666) });
    my (undef, $stderr) = taken('a data file others can read',
                                setup => sub { $put->($_[0], 'data.mdb', 0644) });
    like($stderr, qr/\[warn\].*"news_db": ".*\/data\.mdb" is readable by others \(mode 0644\), and with it every password hash; chmod 0600 it/,
         'a data file others can read: warned about');
}
refused('a data file that is not LMDB', qr/"news_db": ".*\/data\.mdb" is not an LMDB environment of this version/,
        setup => sub {
            my $path = $_[0]->db . '/data.mdb';
            open my $fh, '>', $path or die "$path: $!";
            print $fh 'not a store' x 1000;
            close $fh;
            chmod 0600, $path;
            chown scalar getpwnam('nobody'), scalar getgrnam('nogroup'), $path if $> == 0;
        });

# a data file nginx cannot even stat (a link to itself); a schema record
# of the wrong size; an LMDB file with no schema record yet (taken: the
# first worker writes it)
refused('a data file that is a loop of links', qr/"news_db": ".*\/data\.mdb": Too many levels of symbolic links/,
        setup => sub { symlink 'data.mdb', $_[0]->db . '/data.mdb' or die "symlink: $!" });
my $load = sub {
    my ($t, $db, $records) = @_;
    my ($rc, undef, $err) = NewsTest::run_cmd(['mdb_load', '-T', '-s', $db, $t->db], stdin => $records);
    die "mdb_load: $err" if $rc;
    if ($> == 0) {
        chown scalar getpwnam('nobody'), scalar getgrnam('nogroup'), map { $t->db . "/$_" } qw(data.mdb lock.mdb);
    }
    chmod 0600, map { $t->db . "/$_" } qw(data.mdb lock.mdb);
};
refused('a schema record of 2 bytes', qr/"news_db": .*MDB_CORRUPTED|"news_db": .*corrupt/,
        setup => sub { $load->($_[0], 'meta', "schema\nab\n") });
taken('an LMDB file without the meta database', setup => sub { $load->($_[0], 'other', "k\nv\n") });

# a store right under "/": its parent is "/" itself (made when the
# harness may, refused naming "/" when it may not)
{
    my $top = "/news-test-89-$$";
    my $t = NewsTest->new(make_db => 0);
    $t->{conf} = $t->conf_text =~ s{(news_db )\S+;}{$1$top;}r;
    my ($ok, $stderr) = $t->conf_test;
    if ($ok) {
        ok(-d $top, 'a store under "/": made');
        rmdir $top;
    } else {
        like($stderr, qr/"news_db" "\Q$top\E" cannot be created \(is its parent "\/" there\?\)/,
             'a store under "/": its parent named "/"');
    }
}

# "/" itself: no trailing slash to drop, and not the workers' to write
refused('the store at "/"', qr/"news_db" "\/" is not writable by the worker user/,
        setup => sub { $_[0]{conf} = $_[0]->conf_text =~ s{(news_db )\S+;}{$1/;}r });

# settings at the server level reach the news location under it; a
# location without its trailing slash serves its pages below "/news/"; a
# server without any plain host name takes the host from each request;
# every number set within its bounds
{
    my $t = NewsTest->new(
        http => 'news_comment_max_links 0; news_comment_max_length 500; '
              . 'news_comment_close_after 30d; news_comment_rate 0; news_session_idle 0;',
        server => 'server_name "" .example.org *.example.net news2_x.example.org "news|x.example.org"; '
                . 'news_site_name "Server Level"; news_image_hosts img.example.org;',
        location => 'return 404;');
    $t->{conf} = $t->conf_text =~ s{location / \{}{location /news { news; }\n        location / \{}r;
    $t->run;
    $t->newsctl('import', 'demo/seed-article.json');
    my $res = $t->get('/news/');
    is($res->{status}, 200, 'a location without its slash: its front page');
    like($res->{content}, qr/<base href="\/news\/">/, 'its pages are based below it');
    like($res->{content}, qr/Server Level/, 'news_site_name from the server level');
    is($t->get('/news')->{status}, 200, 'the location\'s own name: its front page');
    $res = $t->get('/newsroom');
    is($res->{status}, 404, 'a path that only begins with its name: 404');
    like($res->{headers}{'content-type'}, qr{^text/html}, 'a page, not JSON');
    like($res->{headers}{'content-security-policy'} // '', qr/img-src[^;]* img\.example\.org/,
         'news_image_hosts from the server level');
    my $raw = $t->raw("GET /news/feed.xml HTTP/1.0\r\nHost: reader.example.com\r\n\r\n");
    like($raw, qr{<id>http://reader\.example\.com(?::\d+)?/news/feed\.xml</id>},
         'no plain server_name: links name the request\'s host')
        or diag substr($raw, 0, 600);
    $raw = $t->raw("GET /news/feed.xml HTTP/1.0\r\n\r\n");
    like($raw, qr{<id>http://localhost/news/feed\.xml</id>},
         'no Host either: links name "localhost"') or diag substr($raw, 0, 600);

    # news_session_idle 0: a session is good until its ttl, never idle
    my $json = { 'Content-Type' => 'application/json' };
    my $cred = '{"username":"idler","password":"pw-of-idler-123"}';
    is($t->request('POST', '/news/api/users', { headers => $json, content => $cred })->{status},
       201, 'news_session_idle 0: registered');
    $res = $t->request('POST', '/news/api/session', { headers => $json, content => $cred });
    my ($cookie) = ($res->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    ok($cookie, 'news_session_idle 0: logged in');
    $res = $t->get('/news/api/me', { headers => { Cookie => $cookie } });
    like($res->{content}, qr/"idler"/, 'news_session_idle 0: the session is the reader\'s')
        or diag $res->{status}, $res->{content};
    $t->done;
}

# the module loaded in a running nginx that serves no "news" location:
# the workers open no store, and the variables are empty
{
    my $t = NewsTest->new(make_db => 0,
                          location => 'return 200 "user=[$news_user] role=[$news_role] cacheable=[$news_cacheable]";');
    $t->{conf} = $t->conf_text =~ s#\n\s*news_db [^\n]*##r;
    $t->run;
    my $res = $t->get('/', { headers => { Cookie => 'news_session=0123456789abcdef' } });
    is($res->{content}, 'user=[] role=[] cacheable=[1]', 'no news location: the variables are empty');
    $res = $t->request('POST', '/');
    is($res->{content}, 'user=[] role=[] cacheable=[0]', 'a POST is not cacheable');
    ok(!-e $t->db, 'and no store is made');
    $t->done;
}

done_testing;
