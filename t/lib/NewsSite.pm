package NewsSite;

=head1 NAME

NewsSite - a private nginx holding a small but complete site: every page
type a reader can meet, for the HTML validator (t/80-html.t) and the
browser audit (t/audit)

=head1 SYNOPSIS

    my $site = NewsSite->new(http => '...');   # starts nginx (main, server: more lines)
    for my $p ($site->pages) {                 # { name, path, cookie, status, method, form }
        my $res = $site->fetch($p);
    }
    $site->done;

=cut

use strict;
use warnings;
use File::Temp qw(tempfile);
use lib 't/lib';
use NewsTest;

our $SLUG = 'us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico';
our $PAGE = "/articles/$SLUG";

sub _json_file {
    my ($text) = @_;
    my ($fh, $name) = tempfile(SUFFIX => '.json', UNLINK => 1);
    print $fh $text;
    close $fh;
    return $name;
}

sub _json {
    my ($t, $method, $path, $json, $cookie) = @_;
    return $t->request($method, $path, { headers => { 'Content-Type' => 'application/json',
                                                      ($cookie ? (Cookie => $cookie) : ()) },
                                         content => $json });
}

sub _login {
    my ($t, $name, $role) = @_;
    my $pw = "pw-of-$name-123";
    if ($role) {
        my ($rc, undef, $err) = $t->newsctl_in("$pw\n", 'user', 'add', $name, '--role', $role);
        die "user add: $err" if $rc;
    } else {
        my $r = _json($t, 'POST', '/api/users', qq({"username":"$name","password":"$pw"}));
        die "register $name: $r->{status} $r->{content}" if $r->{status} != 201;
    }
    my $r = _json($t, 'POST', '/api/session', qq({"username":"$name","password":"$pw"}));
    die "login $name: $r->{status}" if $r->{status} != 200;
    my ($c) = ($r->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    return $c;
}

sub _form {
    my ($fields) = @_;
    return join '&', map { my $v = $fields->{$_};
                           $v =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge; "$_=$v" }
                     sort keys %$fields;
}

sub new {
    my ($class, %opt) = @_;
    my $t = NewsTest->new(workers => 1, main => $opt{main} // '', server => $opt{server} // '',
                          http => 'news_comment_rate 0; news_comment_premoderation on; '
                                  . 'news_comment_edit_window 1h; ' . ($opt{http} // ''));
    my $self = bless { t => $t }, $class;

    $t->newsctl('import', 'demo/seed-article.json');
    $t->newsctl('import', _json_file(<<'EOF'));
{"slug":"harbour-bridge-reopens","title":"Harbour bridge reopens after repairs",
 "subtitle":"Commuters return to the crossing after six weeks of work",
 "author":"Dana Reyes","section":"City","tags":["transport","city"],
 "published_at":"2024-05-01T08:00:00Z",
 "body":"The bridge opened at dawn.\n\n## Traffic\n\nQueues were short.\n\n- lane one\n- lane two\n\n> It was worth the wait, said one driver.\n\nSee [the city site](https://example.org/)."}
EOF
    # a draft with a lead image, for the desk's pages and the draft banner
    $t->newsctl('import', _json_file(<<'EOF'));
{"slug":"draft-piece","title":"A draft <piece>","section":"City","status":"draft",
 "image":{"url":"https://img.example.com/bridge.jpg?w=1200&h=675","alt":"The bridge at dawn",
          "caption":"The crossing, reopened","width":1200,"height":675},
 "body":"Not out yet."}
EOF
    $t->newsctl('words', 'add', 'banned', 'spam*', 'Café');
    $t->newsctl('words', 'add', 'suspect', '*coin');
    $t->run;

    $self->{alice} = _login($t, 'alice');
    $self->{bob} = _login($t, 'bob');
    $self->{mod} = _login($t, 'maude', 'moderator');
    $self->{ed} = _login($t, 'edna', 'editor');

    # a correction of the draft: version 1 kept, for the desk's versions
    my $fix = _json($t, 'PATCH', '/api/articles/draft-piece',
                    '{"body":"Not out yet.\\n\\nA <second> paragraph.","tags":["bridge"]}', $self->{ed});
    die "patch: $fix->{status} $fix->{content}" if $fix->{status} != 200;

    # a thread three deep and a second top-level comment, approved;
    # one comment left waiting in the moderation queue
    my $api = "/api/articles/$SLUG/comments";
    my @ids;
    my @posts = ([ 'alice', undef, "First! A *fine* piece.\n\nTwo paragraphs, too." ],
                 [ 'bob', 0, 'I disagree & here is why: <b>not bold</b>.' ],
                 [ 'alice', 1, 'A reply to the reply, with a link: https://example.org/x' ],
                 [ 'bob', undef, 'Another thread.' ],
                 [ 'bob', undef, 'Still waiting for a moderator.' ]);
    my $mpage = $t->get('/moderation', { headers => { Cookie => $self->{mod} } })->{content};
    my ($csrf) = $mpage =~ /name="csrf" value="([0-9a-f]+)"/;
    for my $p (@posts) {
        my ($who, $parent, $body) = @$p;
        $body =~ s/(["\\])/\\$1/g;
        $body =~ s/\n/\\n/g;
        my $json = defined $parent ? qq({"body":"$body","parent":$ids[$parent]}) : qq({"body":"$body"});
        my $r = _json($t, 'POST', $api, $json, $self->{$who});
        die "comment: $r->{status} $r->{content}" if $r->{status} != 201;
        my ($id) = $r->{content} =~ /"id":(\d+)/;
        push @ids, $id;
        next if @ids == @posts;
        $r = $t->request('POST', '/moderation',
                         { headers => { Cookie => $self->{mod},
                                        'Content-Type' => 'application/x-www-form-urlencoded' },
                           content => _form({ id => $id, action => 'approve', csrf => $csrf }) });
        die "approve $id: $r->{status}" if $r->{status} != 303;
    }
    $self->{comment_ids} = \@ids;

    # an editors' pick above the thread, and a report on the Reported tab
    my $r = _json($t, 'POST', "/api/comments/$ids[0]/featured", '{}', $self->{ed});
    die "feature: $r->{status} $r->{content}" if $r->{status} != 204;
    $r = _json($t, 'POST', "/api/comments/$ids[3]/reports",
               '{"reason":"off_topic","note":"<b>not</b> about the story"}', $self->{alice});
    die "report: $r->{status} $r->{content}" if $r->{status} != 204;
    return $self;
}

sub t { $_[0]{t} }
sub cookie { $_[0]{$_[1]} }

# every page type: name, method, path, who, the status it answers with, and
# for a form post the fields (a CSRF token of the form's page is added)
sub pages {
    my ($self) = @_;
    my @p = (
        [ 'front',                 'GET',  '/',                          undef,   200 ],
        [ 'front-page-2-missing',  'GET',  '/?page=9',                   undef,   404 ],
        [ 'article-anon',          'GET',  $PAGE,                        undef,   200 ],
        [ 'article-alice',         'GET',  $PAGE,                        'alice', 200 ],
        [ 'article-reply-form',    'GET',  "$PAGE?reply=$self->{comment_ids}[0]", 'bob', 200 ],
        [ 'article-edit-in-place', 'GET',  "$PAGE?edit=$self->{comment_ids}[0]", 'alice', 200 ],
        [ 'article-edit-refused',  'GET',  "$PAGE?edit=$self->{comment_ids}[1]", 'alice', 403 ],
        [ 'article-moderator',     'GET',  $PAGE,                        'mod',   200 ],
        [ 'article-newest',        'GET',  "$PAGE?sort=newest",          undef,   200 ],
        [ 'article-editor-newest', 'GET',  "$PAGE?sort=newest",          'ed',    200 ],
        [ 'article-bad-sort',      'GET',  "$PAGE?sort=up",              undef,   400 ],
        [ 'article-delete-confirm', 'GET', "$PAGE?delete=$self->{comment_ids}[0]", 'mod', 200 ],
        [ 'article-other',         'GET',  '/articles/harbour-bridge-reopens', undef, 200 ],
        [ 'login',                 'GET',  '/login',                     undef,   200 ],
        [ 'login-next',            'GET',  "/login?next=$PAGE",          undef,   200 ],
        [ 'login-error',           'POST', '/login',                     undef,   401,
          { username => 'alice', password => 'wrong-password' }, '/login' ],
        [ 'register',              'GET',  '/register',                  undef,   200 ],
        [ 'register-field-error',  'POST', '/register',                  undef,   409,
          { username => 'alice', password => 'long-enough-pw' }, '/register' ],
        [ 'register-short-name',   'POST', '/register',                  undef,   422,
          { username => 'x!', password => 'long-enough-pw' }, '/register' ],
        [ 'account',               'GET',  '/account',                   'alice', 200 ],
        [ 'account-error',         'POST', '/account',                   'bob',   403,
          { action => 'password', password => 'wrong-password', new_password => 'a-new-password' }, '/account' ],
        [ 'moderation',            'GET',  '/moderation',                'mod',   200 ],
        [ 'moderation-forbidden',  'GET',  '/moderation',                'alice', 403 ],
        [ 'end-sessions',          'GET',  '/moderation/sessions',       'mod',   200 ],
        [ 'end-sessions-error',    'POST', '/moderation/sessions',       'mod',   404,
          { username => 'nobody' }, '/moderation/sessions' ],
        [ 'moderation-words',      'GET',  '/moderation/words',          'mod',   200 ],
        [ 'moderation-words-error', 'POST', '/moderation/words',         'mod',   422,
          { words => 'fine "<b>', action => 'banned' }, '/moderation/words' ],
        [ 'moderation-user',       'GET',  '/moderation/users/bob',       'mod',   200 ],
        [ 'moderation-user-error', 'POST', '/moderation/users/bob',       'mod',   422,
          { action => 'suspend', days => '0', reason => '<b>x</b>' }, '/moderation/users/bob' ],
        [ 'moderation-log',        'GET',  '/moderation/log',             'mod',   200 ],
        [ 'report',                'GET',  "/comments/$self->{comment_ids}[0]/report", 'bob', 200 ],
        [ 'report-error',          'POST', "/comments/$self->{comment_ids}[0]/report", 'bob', 422,
          { reason => 'spam', note => '<b>' . ('x' x 600) }, "/comments/$self->{comment_ids}[0]/report" ],
        [ 'report-thanks',         'POST', "/comments/$self->{comment_ids}[1]/report", 'alice', 200,
          { reason => 'abuse', note => '<i>rude</i> & "loud"' }, "/comments/$self->{comment_ids}[1]/report" ],
        [ 'moderation-reported',   'GET',  '/moderation/reported',        'mod',   200 ],
        [ 'desk',                  'GET',  '/desk',                       'ed',    200 ],
        [ 'desk-filtered',         'GET',  '/desk?status=draft&section=%3Cb%3E', 'ed', 200 ],
        [ 'desk-forbidden',        'GET',  '/desk',                       'alice', 403 ],
        [ 'desk-new',              'GET',  '/desk/new',                   'ed',    200 ],
        [ 'desk-edit',             'GET',  '/desk/articles/draft-piece',  'ed',    200 ],
        [ 'desk-edit-published',   'GET',  '/desk/articles/harbour-bridge-reopens', 'ed', 200 ],
        [ 'desk-edit-error',       'POST', '/desk/articles/draft-piece',  'ed',    422,
          { title => '', body => "b\r\n<b>", image_url => 'javascript:x', action => 'save' },
          '/desk/articles/draft-piece' ],
        [ 'desk-delete',           'GET',  '/desk/articles/draft-piece/delete', 'ed', 200 ],
        [ 'desk-preview',          'POST', '/desk/articles/draft-piece',  'ed',    200,
          { title => 'Draft <piece>', body => "A *draft*\r\n\r\n> quoted", image_url => 'https://img.example.com/p.jpg',
            image_alt => 'A harbour', image_caption => 'The harbour', published => '2999-01-01T10:00', action => 'preview' },
          '/desk/articles/draft-piece' ],
        [ 'desk-preview-new',      'POST', '/desk/new',                   'ed',    200,
          { title => 'New "piece"', section => 'City', tags => 'a, b', body => "Text\r\n\r\n- one\r\n- two",
            action => 'preview' }, '/desk/new' ],
        [ 'article-draft-editor',  'GET',  '/articles/draft-piece',       'ed',    200 ],
        [ 'desk-revisions',        'GET',  '/desk/articles/draft-piece/revisions', 'ed', 200 ],
        [ 'desk-diff',             'GET',  '/desk/articles/draft-piece/revisions?diff=1', 'ed', 200 ],
        [ 'not-found',             'GET',  '/no/such/page',              undef,   404 ],
        [ 'article-not-found',     'GET',  '/articles/no-such-article',  undef,   404 ],
        [ 'bad-request',           'GET',  '/?page=zero',                undef,   400 ],
        [ 'method-not-allowed',    'DELETE', '/',                        undef,   405 ],
        [ 'search',                'GET',  '/search',                    undef,   200 ],
        [ 'search-results',        'GET',  '/search?q=harbour+bridge',   undef,   200 ],
        [ 'search-results-logged-in', 'GET', '/search?q=harbour',        'bob',   200 ],
        [ 'search-no-results',     'GET',  '/search?q=%3Cb%3E%22zzz%22', undef,   200 ],
        [ 'search-too-long',       'GET',  '/search?q=' . ('a' x 300),   undef,   400 ],
    );
    push @p, [ 'section',              'GET',  '/sections/city',             undef,   200 ],
             [ 'section-logged-in',    'GET',  '/sections/city',             'bob',   200 ],
             [ 'tag',                  'GET',  '/tags/transport',            undef,   200 ],
             [ 'tag-missing',          'GET',  '/tags/no-such-tag',          undef,   404 ];
    return map { { name => $_->[0], method => $_->[1], path => $_->[2], who => $_->[3],
                   status => $_->[4], form => $_->[5], form_page => $_->[6] } } @p;
}

# the answer to one page of pages()
sub fetch {
    my ($self, $p) = @_;
    my $t = $self->{t};
    my %h;
    $h{Cookie} = $self->{$p->{who}} if $p->{who};
    return $t->request($p->{method}, $p->{path}, { headers => \%h }) unless $p->{form};

    # a form post carries the token of its page, and that page's cookie
    my $page = $t->get($p->{form_page}, { headers => \%h });
    my ($csrf) = $page->{content} =~ /name="csrf" value="([0-9a-f]+)"/;
    my ($pre) = ($page->{headers}{'set-cookie'} // '') =~ /^([a-z_]+=[0-9a-f]+)/;
    $h{Cookie} = join '; ', grep { defined } $h{Cookie}, $pre;
    $h{'Content-Type'} = 'application/x-www-form-urlencoded';
    return $t->request('POST', $p->{path},
                       { headers => \%h, content => _form({ %{ $p->{form} }, csrf => $csrf // '' }) });
}

sub done { $_[0]{t}->done }

1;
