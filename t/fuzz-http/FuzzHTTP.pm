package FuzzHTTP;

=head1 NAME

FuzzHTTP - requests for the HTTP fuzzer of t/96-fuzz-http.t

=head1 DESCRIPTION

The route table is read from the module's own source
(C<src/http/ngx_http_news_router.c>, with the paths of
C<src/engine/routes.h>), so a new route is fuzzed the day
it is added; C<routes> dies if it cannot read every entry, and the test
fails if a route that reads a body has no body generator here.

A client (C<new>) holds one keep-alive connection, the personas'
cookies and CSRF tokens, and what it has learnt from answers: live,
former and deleted slugs, comment ids, ETags, cursors.  C<random_request>
builds one request over any route and method, as any persona, with
structured mutations of its JSON or form body, query, cookies and
headers; C<send> writes it as raw bytes (so that anything can be sent)
and reads the answer.  All randomness comes from Perl's C<rand>, seeded
by the caller: a seed replays the same requests against the same
answers.

=cut

use strict;
use warnings;

use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time);

my $TIMEOUT = 20;

### The route table

sub routes {
    my ($root) = @_;
    my $file = "$root/src/http/ngx_http_news_router.c";
    open my $fh, '<', $file or die "FuzzHTTP: $file: $!";
    local $/;
    my $src = <$fh>;

    my ($table) = $src =~ /ngx_http_news_routes\[\]\s*=\s*\{(.*?)\n\};/s
        or die "FuzzHTTP: no route table in $file";

    # the paths are named constants of src/engine/routes.h
    my $hfile = "$root/src/engine/routes.h";
    open my $hf, '<', $hfile or die "FuzzHTTP: $hfile: $!";
    my $h = do { local $/; <$hf> };
    my %path = $h =~ /^#define\s+(NEWS_ROUTE_\w+)\s+"([^"]*)"/mg;
    my $const = sub { $_[0] =~ /^"(.*)"$/ ? $1 : $path{$_[0]} // die "FuzzHTTP: no $_[0] in $hfile" };
    my %methods = (NGX_HTTP_NEWS_GET => 'GET|HEAD', NGX_HTTP_NEWS_FORM => 'GET|HEAD|POST');
    my $entries = () = $table =~ /\{\s*NGX_HTTP_NEWS_(?:EXACT|SLUG|USER)\(/g;

    # { NGX_HTTP_NEWS_SLUG(path, suffix), methods, handler }: a slug (or,
    # USER, a username) between the path and the suffix; EXACT, the path
    my @routes;
    while ($table =~ /\{\s*NGX_HTTP_NEWS_(EXACT|SLUG|USER)\(\s*(\w+)\s*(?:,\s*(\w+|""))?\s*\),
                      \s*([A-Z_|]+),\s*(\w+)\s*\}/gx)
    {
        my ($kind, $path, $suffix, $handler) = ($1, $const->($2), defined $3 ? $const->($3) : '', $5);
        my @methods = map { s/^NGX_HTTP_//r } map { split /\|/, $methods{$_} // $_ } split /\|/, $4;
        push @routes, { path => $path, slug => $kind ne 'EXACT' ? 1 : 0,
                        methods => \@methods, json => $path =~ m{^api/} ? 1 : 0,
                        body => (grep { /^(?:POST|PUT|PATCH)$/ } @methods) ? 1 : 0,
                        handler => $handler, suffix => $suffix };
    }
    die "FuzzHTTP: read " . @routes . " of $entries routes in $file"
        unless @routes && @routes == $entries;
    return @routes;
}

# what each handler that reads a body is sent: a generator per kind
my %BODY_OF = (
    ngx_http_news_api_create      => 'article',
    ngx_http_news_api_change      => 'article',
    ngx_http_news_api_users       => 'credentials',
    ngx_http_news_api_session     => 'credentials',
    ngx_http_news_api_password    => 'credentials',
    ngx_http_news_account         => 'csrf_form',
    ngx_http_news_api_comment     => 'comment_patch',
    ngx_http_news_comments_close  => 'empty',
    ngx_http_news_comments_open   => 'empty',
    ngx_http_news_api_featured    => 'empty',
    ngx_http_news_login           => 'login_form',
    ngx_http_news_register        => 'login_form',
    ngx_http_news_logout          => 'csrf_form',
    ngx_http_news_comment_action  => 'action_form',
    ngx_http_news_moderation_sessions => 'end_sessions_form',
    ngx_http_news_api_words       => 'words',
    ngx_http_news_moderation_words => 'words_form',
    ngx_http_news_api_suspension  => 'suspension',
    ngx_http_news_moderation_user => 'user_form',
    ngx_http_news_api_reports     => 'report',
    ngx_http_news_report_page     => 'report_form',
    ngx_http_news_moderation_reported => 'reported_form',
    ngx_http_news_desk_new        => 'desk_form',
    ngx_http_news_desk_article    => 'desk_form',
    ngx_http_news_desk_delete     => 'csrf_form',
    ngx_http_news_desk_revisions  => 'restore_form',
);

# the comment post is the same handler for the form and the JSON route
sub body_kind {
    my ($route) = @_;
    return $route->{json} ? 'comment' : 'comment_form'
        if $route->{handler} eq 'ngx_http_news_comment_post';
    return $BODY_OF{ $route->{handler} };
}

### Random choices

sub pick { return $_[ int rand @_ ] }
sub chance { return rand() < $_[0] }

# a mutation, unless this request is one of the well-formed ones that
# move the site along (new articles, comments, edits) for later ones
our $MUTATE = 1;
sub mutation { return $MUTATE && rand() < $_[0] }

### JSON text, written by hand so that anything can be written

sub jstr {
    my ($s) = @_;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/([\x00-\x1f])/sprintf '\\u%04x', ord $1/ge;
    return qq("$s");
}

sub jobj {
    my (@pairs) = @_;
    return '{' . join(',', map { jstr($_->[0]) . ':' . $_->[1] } @pairs) . '}';
}

sub jarr { return '[' . join(',', @_) . ']' }

sub nest {
    my ($depth, $open, $close) = @_;
    return ($open x $depth) . ($close x $depth);
}

my @WEIRD_STRINGS = (
    '', ' ', 'a', "\t\n", 'x' x 64, 'x' x 65, 'x' x 201, 'y' x 301,
    'z' x 1001, 'w' x 5001, "\xc3\xa9" x 10, "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>', '../../etc/passwd', 'javascript:alert(1)',
    "a\x00b", "\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\x01\x1b[2J",
    "\xf0\x9f\x98\x80", "\xe2\x80\xae", "-", "--", "a-", "-a", "A B",
    "\xe2\x80\xa8", "%00", "%zz", '{{x}}', "\r\n\r\nX: y", '0', '-1',
    '2026-13-45T99:99:99Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
    '1970-01-01T00:00:00+23:59', '2024-02-29T12:00:00.123456789Z',
    '-001-01-01T00:00:00Z', '2024-01-01', 'published', 'draft',
    'visible', 'hidden', 'deleted', 'pending',
);

# raw JSON texts that are already escaped, \u0000 and surrogates included
my @WEIRD_ESCAPED = (
    '"\u0000"', '"a\u0000b"', '"\ud800"', '"\udfff\ud800"', '"\u00e9"',
    '"\ud83d\ude00"', '"\u202e"', '"\u0001"', '"\/"', '"\uZZZZ"', '"\u12"',
    '"\x41"', '"\\\\"', '"\u003cscript\u003e"',
);

my @WEIRD_NUMBERS = (
    0, '-0', -1, 1, 2, '1.5', '-1.5e-300', '1e308', '-1e308', '1e999',
    '-1e999', '9007199254740991', '9007199254740993', '18446744073709551616',
    '-9223372036854775809', '4294967296', '0.0000001', '1E2', '01', '0x10',
    '+1', '.5', 'NaN', 'Infinity',
);

sub weird_value {
    my ($self) = @_;
    my $k = int rand 12;
    return pick('null', 'true', 'false')                  if $k == 0;
    return pick(@WEIRD_NUMBERS)                           if $k <= 2;
    return jstr(pick(@WEIRD_STRINGS))                     if $k <= 5;
    return pick(@WEIRD_ESCAPED)                           if $k == 6;
    return pick('[]', '[1]', '["x"]', '[[[]]]', '["a","a"]', '[null]',
                jarr(map { jstr("t$_") } 1 .. 21),
                jarr(map { jstr(pick(@WEIRD_STRINGS)) } 1 .. 3))
                                                          if $k == 7;
    return pick('{}', '{"a":1}', '{"body":"x"}', '{"":""}') if $k == 8;
    return nest(pick(2, 20, 200, 3000), '[', ']')         if $k == 9;
    return nest(pick(2, 20, 500), '{"a":', '}') =~ s/\{"a":\}/{}/r
                                                          if $k == 10;
    return jstr(pick(@{ $self->{slugs} }, 'x'))           if $k == 11;
}

### Clients

sub new {
    my ($class, %opt) = @_;
    my $self = bless {
        port     => $opt{port},
        prefix   => $opt{prefix} // '/',
        routes   => $opt{routes},
        personas => $opt{personas},    # name => { cookie, csrf, role, ... }
        sock     => undef,
        slugs    => [],      # every slug seen, live or not
        live     => [],      # slugs that were live when last seen
        sections => ['world', 'sport', 'europe'],
        tags     => ['politics', 'eu', 'a-b'],
        comments => [],      # comment ids seen
        sessions => [],      # session ids seen (GET /api/sessions)
        etags    => [],
        cursors  => [],
        dates    => [],
        sent     => 0,
        n        => 0,
    }, $class;
    return $self;
}

sub learn_slug {
    my ($self, $slug) = @_;
    push @{ $self->{slugs} }, $slug unless grep { $_ eq $slug } @{ $self->{slugs} };
    shift @{ $self->{slugs} } if @{ $self->{slugs} } > 200;
}

sub remember {
    my ($self, $list, $value, $max) = @_;
    my $l = $self->{$list};
    push @$l, $value;
    shift @$l if @$l > ($max // 50);
}

sub live_slug {
    my ($self, $slug, $live) = @_;
    my $l = $self->{live};
    @$l = grep { $_ ne $slug } @$l;
    push @$l, $slug if $live;
    shift @$l if @$l > 50;
}

# what an answer teaches: new slugs (and which are live), comment ids,
# validators, cursors
sub learn {
    my ($self, $res, $req) = @_;
    my $h = $res->{headers};
    $self->remember('etags', $h->{etag}) if $h->{etag};
    $self->remember('dates', $h->{'last-modified'}) if $h->{'last-modified'};
    if (($h->{location} // '') =~ m{/articles/([a-z0-9-]+)$}) {
        $self->learn_slug($1);
        $self->live_slug($1, 1);
    }
    if ($req && $req->{path} =~ m{^(?:/news)?/(?:api/)?articles/([a-z0-9-]+)(?:/|$)}) {
        my $slug = $1;
        $self->live_slug($slug, 1) if $req->{method} =~ /^(GET|HEAD)$/ && $res->{status} == 200
                                      && $req->{path} =~ m{/articles/[a-z0-9-]+$};
        $self->live_slug($slug, 0) if $res->{status} == 404 || $res->{status} == 301;
    }
    my $body = $res->{body} // '';
    return if length $body > 200_000;
    $self->remember('cursors', $1) if $body =~ /"next":"([0-9a-f]+)"/;
    if ($body =~ /^\{"articles":/) {
        while ($body =~ /"slug":"([a-z0-9-]+)"/g) { $self->learn_slug($1); $self->live_slug($1, 1) }
    }
    while ($body =~ /"slug":"([a-z0-9-]+)"/g) { $self->learn_slug($1) }
    while ($body =~ /"id":(\d+),"parent"/g) { $self->remember('comments', $1, 100) }
    while ($body =~ /id="comment-(\d+)"/g) { $self->remember('comments', $1, 100) }
    while ($body =~ /"id":"([0-9a-f]{16})"/g) { $self->remember('sessions', $1, 20) }
}

### Paths and queries

sub slug_for {
    my ($self, $route) = @_;
    my $p = $route->{path};
    if ($p eq 'api/comments/' || $p eq 'comments/') {
        return pick(@{ $self->{comments} }, 1, 0, 999999, '18446744073709551615',
                    '18446744073709551616', '01', '-1', 'abc', '1e3');
    }
    # a moderator ends a reader's sessions, suspends or bans them, deletes
    # their comments: never a persona's
    return $self->victim if $p eq 'api/users/' || $p eq 'moderation/users/';
    # one session ends by its id: the spare account's, or anyone's seen
    # (which must answer 404 to another account)
    return pick(@{ $self->{sessions} // [] }, '0' x 16, 'ab' x 8, 'zz', 'ab' x 9, 'AB' x 8)
        if $p eq 'api/sessions/';
    return pick(@{ $self->{sections} }, 'none', 'x' x 96, 'x' x 97)
        if $p eq 'sections/';
    return pick(@{ $self->{tags} }, 'none') if $p eq 'tags/';
    return pick(@{ $self->{live} }) if @{ $self->{live} } && chance(0.7);
    return pick(@{ $self->{slugs} }) if @{ $self->{slugs} } && chance(0.7);
    return pick('no-such', 'a', 'x' x 96, 'x' x 97, 'A', 'a--b', '-a', 'a_b',
                '%2e%2e', '..', 'a%00b', 'a/b', '%61', "\xc3\xa9", '');
}

# an account a moderator may log out: never a persona
sub victim {
    my ($self) = @_;
    return pick(keys %{ $self->{victims} // {} }, map({ "fz-victim-$_" } 0 .. 4), 'nobody', 'A');
}

sub path_for {
    my ($self, $route) = @_;
    my $path = $self->{prefix} . $route->{path};
    $path .= $self->slug_for($route) . $route->{suffix} if $route->{slug};

    # the path itself, sometimes bent
    if (mutation(0.05)) {
        $path = pick($path . '/', $path . '//', uc $path, $path . '%20',
                     $path =~ s{/}{//}r, $path . '/..', $path . '/../x',
                     $path . '%00', $path . '?', $path . '#x',
                     $path =~ s/a/%61/r, '/' . 'a/' x 500);
    }
    return $path;
}

my @QUERY_VALUES = ('1', '2', '0', '-1', '99999999999999999999', 'abc',
                    '1e3', ' 1', '%00', '%zz', '', '%', '1&page=2',
                    'x' x 2000, '+', '%2f%2fevil.com', '//evil.com',
                    'http://evil.com/', '/\\evil', '/articles/x', '/',
                    'javascript:alert(1)', "\xff");

sub query {
    my ($self) = @_;
    my @params;
    for (1 .. 1 + int rand 3) {
        my $name = pick(qw(page comments reply cursor limit next page));
        my $value = pick(@QUERY_VALUES,
                         ($name eq 'cursor' ? (@{ $self->{cursors} },
                                               'ab' x 16, 'ab' x 24, 'abc', 'zz' x 16) : ()),
                         ($name eq 'reply' ? @{ $self->{comments} } : ()),
                         ($name eq 'limit' ? (100, 101, 50) : ()));
        push @params, "$name=$value";
    }
    push @params, pick('a', '&', '=', '==', 'page') if mutation(0.1);
    return '?' . join('&', @params);
}

### Bodies

sub article_pairs {
    my ($self) = @_;
    my $n = $self->{n}++;
    my $slug = chance(0.5) && @{ $self->{slugs} } ? pick(@{ $self->{slugs} })
                                                  : "fz-$$-$n";
    my @pairs = (['title', jstr("Fuzz $n")], ['body', jstr("Body **$n** [l](http://e.com/)")]);
    push @pairs, ['slug', jstr($slug)] if chance(0.8);
    push @pairs, ['subtitle', jstr('Sub')] if chance(0.3);
    push @pairs, ['author', jstr('Fuzzer')] if chance(0.3);
    push @pairs, ['section', jstr(pick(@{ $self->{sections} }))] if chance(0.5);
    push @pairs, ['tags', jarr(map { jstr(pick(@{ $self->{tags} })) } 1 .. int rand 3)]
        if chance(0.5);
    push @pairs, ['published_at', jstr(pick('2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z',
                                            '2026-01-01T10:00:00+02:00'))] if chance(0.3);
    push @pairs, ['updated_at', jstr('2021-01-01T00:00:00Z')] if chance(0.1);
    push @pairs, ['status', jstr(pick('published', 'draft'))] if chance(0.3);
    push @pairs, ['comments_closed', pick('true', 'false')] if chance(0.2);
    push @pairs, ['comments', '[]'] if chance(0.05);
    return @pairs;
}

sub json_pairs {
    my ($self, $kind, $persona) = @_;
    return $self->article_pairs if $kind eq 'article';
    if ($kind eq 'comment') {
        my @p = (['body', jstr("comment $self->{n}")]);
        $self->{n}++;
        push @p, ['parent', pick(@{ $self->{comments} }, 'null', 1)] if chance(0.4);
        return @p;
    }
    if ($kind eq 'comment_patch') {
        return chance(0.5) ? (['body', jstr("edited $self->{n}")])
                           : (['status', jstr(pick(qw(hidden visible deleted pending)))]);
    }
    if ($kind eq 'words') {
        my @w = ('fz' . int(rand 50), 'spam*', '*coin', 'Café', '<b>', 'a b', '*', '**', '', 'x' x 70);
        return (['banned', '[' . join(',', map { jstr(pick(@w)) } 1 .. int rand 4) . ']'],
                ['suspect', '[' . join(',', map { jstr(pick(@w)) } 1 .. int rand 4) . ']']);
    }
    if ($kind eq 'report') {
        return (['reason', pick(map({ jstr($_) } qw(spam abuse off_topic other x), ''), 'null', 1)],
                (chance(0.5) ? (['note', jstr(pick('why', '<b>x</b>', 'x' x 501, "a\nb"))]) : ()));
    }
    if ($kind eq 'suspension') {
        return (['days', pick('null', 1, 3650, 0, 3651, '1.5', '"3"')],
                (chance(0.7) ? (['reason', jstr(pick('spam', '<b>x</b>', 'x' x 200, "a\nb"))]) : ()));
    }
    if ($kind eq 'credentials') {
        my $p = $self->{personas};
        my ($name) = $persona && $persona->{name} && chance(0.5) ? $persona->{name}
                   : chance(0.5) ? ("fz-victim-" . int rand 5)
                   : pick(map { $_->{name} } grep { $_->{name} } values %$p);
        return (['username', jstr($name // 'x')],
                ['password', jstr(chance(0.6) ? "pw-of-$name-123" : 'wrong-password')],
                (chance(0.3) ? (['new_password', jstr(pick("pw-of-$name-123", 'short', 'x' x 1025))])
                             : ()));
    }
    return;
}

# structured mutations of a JSON object given as pairs
sub mutate_json {
    my ($self, @pairs) = @_;
    return jobj(@pairs) unless $MUTATE;
    my $k = rand;

    if ($k < 0.08) {        # the whole body is something else
        return pick('[]', '["x"]', '[{"body":"x"}]', '"x"', '1', 'null', 'true', '',
                    ' ', '{', '{"body":', '{"body":"x"', '{"body":"x"}}', '{"body":"x"} x',
                    "\xef\xbb\xbf" . jobj(@pairs), jobj(@pairs) . "\x00",
                    '{"body":"x",}', '{body:"x"}', "{'body':'x'}", '/*c*/{}',
                    nest(pick(100, 1000, 3000), '[', ']'),
                    nest(1000, '{"a":', '}') =~ s/\{"a":\}/{}/r,
                    "\xff\xfe{\x00}\x00");
    }
    if ($k < 0.15 && @pairs) {     # cut short
        my $text = jobj(@pairs);
        return substr($text, 0, int rand length $text);
    }

    # field by field
    for my $i (0 .. $#pairs) {
        $pairs[$i][1] = $self->weird_value if mutation(0.25);
    }
    splice @pairs, int rand @pairs, 1 if @pairs && mutation(0.15);
    if (@pairs && mutation(0.15)) {    # duplicate keys, the second wins or not
        my $dup = pick(@pairs);
        splice @pairs, int rand @pairs, 0, [$dup->[0], $self->weird_value];
    }
    push @pairs, [pick('id', 'version', 'comment_count', 'created_at', 'x', '', "\x00",
                       'body', 'BODY', "b\x{f3}dy", 'role', 'article', 'depth'),
                  $self->weird_value] if mutation(0.1);
    @pairs = reverse @pairs if mutation(0.1);
    return jobj(@pairs);
}

sub pct {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

sub form {
    my ($self, @fields) = @_;
    my @out;
    for my $f (@fields) {
        my ($name, $value) = @$f;
        my $v = mutation(0.1) ? pick(@WEIRD_STRINGS, '%', '%z', '%0', '%00', '%ff', '+',
                                   '%C3%A9', '%C0%AF', '%ED%A0%80', 'a=b', 'a&b')
                            : pct($value);
        $v = pct($v) if mutation(0.05);
        push @out, mutation(0.03) ? $name : "$name=$v";
    }
    @out = grep { !mutation(0.1) } @out;
    push @out, pick(@out) if @out && mutation(0.1);       # a field twice
    push @out, pick('&', '=', '==x', 'x', '') if mutation(0.05);
    @out = reverse @out if mutation(0.1);
    return join '&', @out;
}

sub form_fields {
    my ($self, $kind, $persona) = @_;
    my $csrf = !mutation(0.1) ? ($persona->{csrf} // $persona->{pre_csrf} // '')
                           : pick('', '00' x 32, 'zz', $self->any_csrf);
    return (['csrf', $csrf], ['body', "form comment $self->{n}"],
            (chance(0.4) ? (['parent', pick(@{ $self->{comments} }, 0, 1)]) : ()))
        if $kind eq 'comment_form';
    return (['csrf', $csrf], ['id', pick(@{ $self->{comments} }, 1, 0, 'x')],
            ['action', pick(qw(edit delete hide unhide approve post close feature unfeature dismiss x),
                            '')],
            (chance(0.5) ? (['body', "edited by form $self->{n}"]) : ()))
        if $kind eq 'action_form';
    if ($kind eq 'login_form') {
        my ($name) = chance(0.5) ? ("fz-victim-" . int rand 5) : ("fz-new-$$-" . $self->{n}++);
        return (['csrf', $persona->{pre_csrf} // $csrf], ['username', $name],
                ['password', chance(0.5) ? "pw-of-$name-123" : 'short'],
                (chance(0.3) ? (['next', pick(@QUERY_VALUES)]) : ()));
    }
    return (['csrf', $csrf]) if $kind eq 'csrf_form';
    return (['csrf', $csrf], ['username', $self->victim]) if $kind eq 'end_sessions_form';
    return (['csrf', $csrf], ['action', pick(qw(banned suspect remove x), '')],
            ['words', pick('fz' . int(rand 50), 'spam* *coin', 'Café, crypto', '<b>', 'a-b', '', 'x' x 4001)])
        if $kind eq 'words_form';
    return (['csrf', $csrf], ['action', pick(qw(suspend lift delete-comments x), '')],
            ['days', pick('', 1, 3650, 0, 'x')], ['reason', pick('spam', '<b>x</b>', 'x' x 200)])
        if $kind eq 'user_form';
    return (['csrf', $csrf], ['reason', pick(qw(spam abuse off_topic other x), '')],
            ['note', pick('why', '<b>x</b>', 'x' x 501, "a\nb")])
        if $kind eq 'report_form';
    return (['csrf', $csrf], ['id', pick(@{ $self->{comments} }, 1, 0, 'x')],
            ['action', pick(qw(dismiss hide delete x), '')])
        if $kind eq 'reported_form';
    return (['csrf', $csrf], ['version', pick(1, 2, 3, 0, 'x', '', '99999999999', '-1')])
        if $kind eq 'restore_form';
    return (['csrf', $csrf], ['action', pick(qw(save publish schedule unpublish preview edit x), '')],
            ['title', pick("desk $self->{n}", '', '<b>x</b>', 'x' x 301)],
            ['body', pick("text\r\n\r\nmore", '', '<script>x</script>')],
            (chance(0.5) ? (['slug', pick('desk-fz', 'Bad Slug', '', 'x' x 97)]) : ()),
            (chance(0.3) ? (['tags', pick('a, b', ',,', 'x' x 70)]) : ()),
            (chance(0.3) ? (['image_url', pick('https://img.example.com/a.jpg', 'javascript:x', '')],
                            ['image_alt', pick('alt', '')]) : ()),
            (chance(0.3) ? (['published', pick('2999-01-01T00:00', '2001-01-01T00:00:00', 'x', '')]) : ()))
        if $kind eq 'desk_form';
    return;
}

sub any_csrf {
    my ($self) = @_;
    my @all = grep { defined } map { $_->{csrf} } values %{ $self->{personas} };
    return @all ? pick(@all) : '';
}

# (content type, body) for a route and persona
sub body_for {
    my ($self, $route, $method, $persona) = @_;
    my $kind = body_kind($route) // 'empty';

    return (undef, undef) if $method =~ /^(GET|HEAD|DELETE)$/ && !chance(0.05);

    if ($kind =~ /_form$/) {
        return ('application/x-www-form-urlencoded',
                $self->form($self->form_fields($kind, $persona)));
    }
    if ($kind eq 'empty') {
        return ('application/json', pick('', '{}', '[]', 'x', '{"a":1}'));
    }
    return ('application/json', $self->mutate_json($self->json_pairs($kind, $persona)));
}

### Headers

sub headers_for {
    my ($self, $route, $persona, $ctype, $body) = @_;
    my @h;
    my $host = "127.0.0.1:$self->{port}";
    push @h, ['Host', mutation(0.05) ? pick('', 'evil.com', 'a' x 300, '127.0.0.1:99999',
                                            '[::1]', 'ex ample', "\xe9x.com", 'a/../b',
                                            'localhost:', '-', '.', '..')
                                     : $host];
    push @h, ['Host', 'other.example'] if mutation(0.01);

    # cookies: the persona's, and sometimes other jars
    my @cookies;
    push @cookies, $persona->{cookie} if $persona->{cookie} && !mutation(0.05);
    push @cookies, $persona->{pre_cookie} if $persona->{pre_cookie};
    # (a logout with another persona's cookie would end that persona)
    if (mutation(0.08)) {
        push @cookies, pick('news_session=' . ('ab' x 32), 'news_session=zz',
                            'news_session=', 'news_session=' . ('0' x 65),
                            'news_pre=' . ('cd' x 32), 'news_pre=x',
                            join('; ', map { "c$_=v" } 1 .. 200),
                            'news_session=' . ('ab' x 32) . '; news_session=' . ('cd' x 32),
                            $route->{handler} =~ /logout|api_session/ ? ()
                            : pick(map { $_->{cookie} // () } values %{ $self->{personas} }));
    }
    push @h, ['Cookie', join('; ', @cookies)] if @cookies;

    if (defined $body) {
        my $ct = mutation(0.1) ? pick('text/plain', 'application/json; charset=utf-16',
                                    'application/json;charset=UTF-8', 'multipart/form-data; boundary=x',
                                    '', 'application/jsonx', 'application/x-www-form-urlencoded',
                                    'application/json', 'APPLICATION/JSON', 'application/json ;x=y')
                             : $ctype;
        push @h, ['Content-Type', $ct] if defined $ct && !mutation(0.03);
    }

    if ($route->{json} && chance(0.1)) {
        push @h, ['Origin', pick("http://$host", 'http://evil.com', 'null', '', 'http://127.0.0.1',
                                 "https://$host", 'x')];
    }
    push @h, ['If-None-Match', pick(@{ $self->{etags} }, '*', 'W/"1"', '"x"', '"a", "b"',
                                    'x' x 1000, '')] if chance(0.15);
    push @h, ['If-Modified-Since', pick(@{ $self->{dates} }, 'Thu, 01 Jan 1970 00:00:00 GMT',
                                        'Fri, 01 Jan 2100 00:00:00 GMT', 'garbage')] if chance(0.1);
    push @h, ['Range', pick('bytes=0-10', 'bytes=-1', 'bytes=5-', 'bytes=0-0,5-10',
                            'bytes=99999999999-', 'bytes=x', 'bytes=10-5')] if chance(0.05);
    push @h, ['Accept-Encoding', 'gzip, br'] if chance(0.05);
    push @h, ['Accept', pick('application/json', 'text/html', '*/*', 'x')] if chance(0.05);
    push @h, ['X-HTTP-Method-Override', pick(qw(DELETE PUT PATCH))] if chance(0.02);
    push @h, ['X-Forwarded-For', '1.2.3.4'] if chance(0.02);
    push @h, ['Referer', pick('http://evil.com/', "http://$host/")] if chance(0.02);
    push @h, ['Expect', '100-continue'] if defined $body && chance(0.02);
    return @h;
}

### One random request

sub random_request {
    my ($self) = @_;
    local $MUTATE = chance(0.7);
    my $route = pick(@{ $self->{routes} });
    my $method = !mutation(0.15) ? pick(@{ $route->{methods} })
                              : pick(qw(GET HEAD POST PUT PATCH DELETE OPTIONS TRACE
                                        PROPFIND CONNECT), 'G ET', 'get', 'X' x 40);
    my $persona = $self->{personas}{ pick(sort keys %{ $self->{personas} }) };

    # what ends sessions or changes an account is never done to a persona:
    # an account of its own, made for it, or no session at all
    if ($persona->{cookie} && ends_session($route, $method)) {
        $persona = chance(0.3) ? $self->spare_account
                               : { %$persona, label => "$persona->{label} (no cookie)",
                                   cookie => undef };
    }

    my $path = $self->path_for($route);
    $path .= $self->query if chance(0.2);
    my ($ctype, $body) = $self->body_for($route, $method, $persona);
    my @headers = $self->headers_for($route, $persona, $ctype, $body);
    return { method => $method, path => $path, headers => \@headers, body => $body,
             persona => $persona->{label}, route => $route,
             chunked => defined $body && chance(0.05) };
}

# logouts (one session, or all), a password change, an account deleted
my %ENDS_SESSION = (
    ngx_http_news_logout        => 'POST',
    ngx_http_news_api_session   => 'DELETE',
    ngx_http_news_api_sessions  => 'DELETE',
    ngx_http_news_account       => 'POST',
    ngx_http_news_api_password  => 'POST',
    ngx_http_news_api_session_end => 'DELETE',
);

sub ends_session {
    my ($route, $method) = @_;
    my $m = $ENDS_SESSION{ $route->{handler} };
    return $m && $m eq $method;
}

# an account made for what ends sessions, kept until something ends it
sub spare_account {
    my ($self) = @_;
    return $self->{spare} if $self->{spare};
    my $name = "fz-tmp-$$-" . $self->{n}++;
    $self->send({ method => 'POST', path => '/api/users',
                  headers => [['Host', "127.0.0.1:$self->{port}"],
                              ['Content-Type', 'application/json']],
                  body => jobj(['username', jstr($name)],
                               ['password', jstr("pw-of-$name-123")]) });
    $self->{victims}{$name} = 1;
    return $self->{spare} = $self->throwaway({ name => $name, label => 'a spare account' });
}

# after an answer: a spare account logged out, changed or deleted is done
sub spent {
    my ($self, $req, $res) = @_;
    return unless ($req->{persona} // '') =~ /^a spare account/;
    delete $self->{spare} if ($res->{status} // 500) < 400;
}


# a new session of the persona's account, with its CSRF token
sub throwaway {
    my ($self, $persona) = @_;
    my $res = $self->send({ method => 'POST', path => '/api/session',
                            headers => [['Host', "127.0.0.1:$self->{port}"],
                                        ['Content-Type', 'application/json']],
                            body => jobj(['username', jstr($persona->{name})],
                                         ['password', jstr("pw-of-$persona->{name}-123")]) });
    my ($cookie) = ($res->{headers}{'set-cookie'} // '') =~ /^(news_session=[0-9a-f]+)/;
    return { %$persona, label => "$persona->{label} (no session)", cookie => undef,
             csrf => undef } unless $cookie;
    $res = $self->send({ method => 'GET', path => '/',
                         headers => [['Host', "127.0.0.1:$self->{port}"], ['Cookie', $cookie]] });
    my ($csrf) = ($res->{body} // '') =~ /name="csrf" value="([0-9a-f]+)"/;
    return { %$persona, cookie => $cookie,
             csrf => $csrf };
}

### Sequences: what a newsroom and its readers do, step by step, with
### what each step must answer

# one request from a persona, well formed; the answer
sub call {
    my ($self, $who, $method, $path, $json, %opt) = @_;
    my $p = $self->{personas}{$who};
    my @h = (['Host', "127.0.0.1:$self->{port}"]);
    push @h, ['Cookie', $p->{cookie}] if $p->{cookie};
    push @h, ['Content-Type', $opt{form} ? 'application/x-www-form-urlencoded'
                                          : 'application/json'] if defined $json;
    push @h, ['If-None-Match', $opt{etag}] if $opt{etag};
    my $req = { method => $method, path => $path, headers => \@h, body => $json,
                persona => "$who (sequence)", route => { handler => 'sequence' } };
    my $res = $self->send($req);
    $self->{on_answer}->($req, $res) if $self->{on_answer};
    $self->learn($res, $req) unless $res->{error};
    return $res;
}

# the lifecycle of an article: create, comment, reply by form, edit,
# moderate, close, rename, delete, re-create.  Returns what went wrong.
sub lifecycle {
    my ($self, $premoderation) = @_;
    my @wrong;
    eval { @wrong = $self->lifecycle_steps($premoderation); 1 }
        or do { die $@ unless $@ eq "disturbed\n" };
    return @wrong;
}

sub lifecycle_steps {
    my ($self, $premoderation) = @_;
    my (@wrong, $r);
    my $n = $self->{n}++;
    my $slug = "fz-life-$$-$n";
    my $slug2 = "$slug-renamed";
    # other clients moderate at random, comments of this sequence too:
    # a comment they deleted or hid is not this sequence's finding
    my $disturbed = qr/deleted|not there|hidden|no comment|not found/i;
    my $expect = sub {
        my ($what, $res, @ok) = @_;
        my $s = $res->{status} // 'none';
        return 1 if grep { $s eq $_ } @ok;
        return 0 if $what =~ /comment|reply|edit|hide|approv/ && $s =~ /^4/
                    && ($res->{body} // '') =~ $disturbed;
        # an editor of another client deleted or renamed the article
        die "disturbed\n" if $s eq '404' && ($res->{body} // '') =~ /no article/;
        push @wrong, "$what: $s, not " . join('/', @ok) . ' ('
                   . substr($res->{body} // '', 0, 160) . ')';
        return 0;
    };
    my $csrf = sub { $self->{personas}{ $_[0] }{csrf} // '' };

    $r = $self->call('editor', 'POST', '/api/articles',
                     jobj(['slug', jstr($slug)], ['title', jstr("Life $n")],
                          ['section', jstr('World')], ['tags', '["EU"]'], ['body', jstr('b')]));
    return @wrong unless $expect->('create', $r, 201);
    $r = $self->call('anonymous', 'GET', "/articles/$slug");
    $expect->('the new page', $r, 200);
    my %etags = ($r->{headers}{etag} // '' => 'the first page');
    my $first = $r->{headers}{etag};

    $r = $self->call('reader', 'POST', "/api/articles/$slug/comments", '{"body":"first"}');
    return @wrong unless $expect->('a comment', $r, 201);
    my ($c1) = $r->{body} =~ /"id":(\d+)/;
    if ($premoderation) {
        $r = $self->call('moderator', 'POST', '/moderation',
                         'csrf=' . $csrf->('moderator') . "&id=$c1&action=approve", form => 1);
        $expect->('approval', $r, 303);
    }
    $r = $self->call('reader', 'POST', "/articles/$slug/comments",
                     'csrf=' . $csrf->('reader') . "&parent=$c1&body=a+reply", form => 1);
    $expect->('a reply by form', $r, 303);
    my ($c2) = ($r->{headers}{location} // '') =~ /#comment-(\d+)$/;
    $r = $self->call('reader', 'PATCH', "/api/comments/$c1", '{"body":"first, edited"}');
    $expect->('the author edits', $r, 204);
    if ($c2 && !$premoderation) {
        $r = $self->call('moderator', 'PATCH', "/api/comments/$c2", '{"status":"hidden"}');
        $expect->('hide', $r, 204);
        $r = $self->call('moderator', 'PATCH', "/api/comments/$c2", '{"status":"visible"}');
        $expect->('unhide', $r, 204);
    }
    $r = $self->call('anonymous', 'GET', "/articles/$slug", undef, etag => $first);
    $expect->('the page after its comments changed, with the first ETag', $r, 200);
    $etags{ $r->{headers}{etag} // '' } = 'the page with comments';

    $r = $self->call('editor', 'GET', "/api/articles/$slug/revisions");
    my $revisions = () = ($r->{body} // '') =~ /"version"/g;
    $r = $self->call('editor', 'POST', "/api/articles/$slug/comments/close", '{}');
    $expect->('close comments', $r, 204, 200);
    $r = $self->call('reader', 'POST', "/api/articles/$slug/comments", '{"body":"late"}');
    $expect->('a comment on a closed article', $r, 403);
    $r = $self->call('editor', 'POST', "/api/articles/$slug/comments/open", '{}');
    $expect->('open comments', $r, 204, 200);
    $r = $self->call('editor', 'GET', "/api/articles/$slug/revisions");
    my $after = () = ($r->{body} // '') =~ /"version"/g;
    push @wrong, "closing and opening comments filed " . ($after - $revisions) . ' revisions'
        if $after != $revisions;

    $r = $self->call('editor', 'PUT', "/api/articles/$slug",
                     jobj(['slug', jstr($slug2)], ['title', jstr("Life $n, renamed")],
                          ['body', jstr('c')]));
    $expect->('rename', $r, 200);
    $r = $self->call('anonymous', 'GET', "/articles/$slug");
    $expect->('the old address', $r, 301);
    $r = $self->call('anonymous', 'GET', "/articles/$slug2");
    $etags{ $r->{headers}{etag} // '' } = 'the renamed page';

    $r = $self->call('editor', 'DELETE', "/api/articles/$slug2");
    $expect->('delete', $r, 204);
    $r = $self->call('anonymous', 'GET', "/articles/$slug2");
    $expect->('the deleted article', $r, 404, 410);
    $r = $self->call('anonymous', 'GET', "/articles/$slug");
    $expect->('the deleted article\'s former slug', $r, 404, 410);
    $r = $self->call('reader', 'PATCH', "/api/comments/$c1", '{"body":"after"}');
    $expect->('a comment of the deleted article', $r, 404, 410);

    $r = $self->call('editor', 'POST', '/api/articles',
                     jobj(['slug', jstr($slug)], ['title', jstr("Life $n again")],
                          ['body', jstr('new')]));
    if ($expect->('re-create at the former slug', $r, 201)) {
        $r = $self->call('anonymous', 'GET', "/articles/$slug");
        my $e = $r->{headers}{etag} // '';
        push @wrong, "the re-created article has the ETag of $etags{$e} ($e)"
            if $etags{$e};
        $self->call('editor', 'DELETE', "/api/articles/$slug");
    }
    return @wrong;
}

# an article scheduled a moment ahead: once it is due, every list that
# shows it answers anew to the validators it gave before
sub scheduled {
    my ($self) = @_;
    my @wrong;
    my $n = $self->{n}++;
    my $due = time + 2;
    my @t = gmtime $due;
    my $when = sprintf '%04d-%02d-%02dT%02d:%02d:%02dZ', $t[5] + 1900, $t[4] + 1, @t[3, 2, 1, 0];

    my $section = "fz-soon-$$-$n";
    my $r = $self->call('editor', 'POST', '/api/articles',
                        jobj(['slug', jstr("fz-soon-$$-$n")], ['title', jstr("Soon $n")],
                             ['section', jstr($section)], ['published_at', jstr($when)],
                             ['body', jstr('b')]));
    return "schedule: $r->{status}" unless ($r->{status} // 0) == 201;

    my (%before, %was);
    for my $path ('/', '/api/articles', '/feed.xml', '/sitemap.xml', "/sections/$section") {
        $r = $self->call('anonymous', 'GET', $path);
        $before{$path} = $r->{headers}{etag};
        $was{$path} = $r->{status} // 'none';
    }
    Time::HiRes::sleep(0.2) while time < $due + 1.2;

    # another client's editor may have changed or deleted it meanwhile
    $r = $self->call('anonymous', 'GET', "/api/articles/fz-soon-$$-$n");
    return unless ($r->{body} // '') =~ /"section":"\Q$section\E"/;
    for my $path (sort keys %before) {
        next unless $before{$path};
        $r = $self->call('anonymous', 'GET', $path, undef, etag => $before{$path});
        push @wrong, "$path with the ETag from before a scheduled article fell due "
                   . "($was{$path} $before{$path}): " . ($r->{status} // 'none') . ', not 200'
            unless ($r->{status} // 0) == 200;
    }
    $self->call('editor', 'DELETE', "/api/articles/fz-soon-$$-$n");
    return @wrong;
}

### The wire

sub request_bytes {
    my ($req) = @_;
    my $text = "$req->{method} $req->{path} HTTP/1.1\r\n";
    $text .= "$_->[0]: $_->[1]\r\n" for @{ $req->{headers} };
    my $body = $req->{body};
    if (defined $body && $req->{chunked}) {
        $text .= "Transfer-Encoding: chunked\r\n\r\n";
        while (length $body) {
            my $chunk = substr($body, 0, 1 + int rand 300, '');
            $text .= sprintf("%x\r\n", length $chunk) . $chunk . "\r\n";
        }
        return $text . "0\r\n\r\n";
    }
    $text .= 'Content-Length: ' . length($body) . "\r\n" if defined $body;
    return $text . "\r\n" . ($body // '');
}

sub connect_socket {
    my ($self) = @_;
    return $self->{sock} if $self->{sock};
    $self->{sock} = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $self->{port},
                                          Proto => 'tcp', Timeout => $TIMEOUT)
        or die "FuzzHTTP: connect: $@";
    binmode $self->{sock};
    $self->{buf} = '';
    return $self->{sock};
}

sub disconnect {
    my ($self) = @_;
    close $self->{sock} if $self->{sock};
    $self->{sock} = undef;
}

# reads until $pred says the buffer holds enough; 0 on close or timeout
sub fill {
    my ($self, $want, $deadline) = @_;
    my $sel = IO::Select->new($self->{sock});
    while (!$want->()) {
        my $left = $deadline - time;
        return 'timeout' if $left <= 0 || !$sel->can_read($left);
        my $n = sysread $self->{sock}, $self->{buf}, 65536, length $self->{buf};
        return 'closed' unless $n;
    }
    return '';
}

# sends a request; returns { status, headers, body } or { error }
sub send {
    my ($self, $req) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $bytes = request_bytes($req);

    for my $attempt (1, 2) {
        my $sock = $self->connect_socket;
        my $off = 0;
        while ($off < length $bytes) {
            my $n = syswrite $sock, $bytes, length($bytes) - $off, $off;
            last unless defined $n;
            $off += $n;
        }
        $self->{sent}++ if $attempt == 1;
        my $res = $self->read_response($req->{method});
        # a kept-alive connection the server had closed: once more
        if ($res->{error} && $res->{error} eq 'closed' && $res->{empty} && $attempt == 1
            && $self->{reused})
        {
            $self->disconnect;
            next;
        }
        if ($res->{error} || ($res->{headers}{connection} // '') =~ /close/i) {
            $self->disconnect;
        } else {
            $self->{reused} = 1;
        }
        return $res;
    }
}

sub read_response {
    my ($self, $method) = @_;
    my $deadline = time + $TIMEOUT;
    my $end;
    my $err = $self->fill(sub { ($end = index($self->{buf}, "\r\n\r\n")) >= 0 }, $deadline);
    if ($err) {
        my $empty = $self->{buf} eq '';
        $self->{buf} = '';
        $self->{reused} = 0;
        return { error => $err, empty => $empty };
    }
    my $head = substr($self->{buf}, 0, $end + 4, '');
    my ($status) = $head =~ m{^HTTP/1\.[01] (\d{3})};
    return { error => "no status line: " . substr($head, 0, 80) } unless $status;

    # "Expect: 100-continue": the interim answer, then the real one
    return $self->read_response($method) if $status == 100;

    my %h;
    for my $line (split /\r\n/, $head) {
        next unless $line =~ /^([^:]+):\s*(.*)$/;
        my $k = lc $1;
        $h{$k} = exists $h{$k} ? "$h{$k}, $2" : $2;
    }

    my $body = '';
    if ($method eq 'HEAD' || $status == 204 || $status == 304 || $status < 200) {
        # no body
    } elsif (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        while (1) {
            my $crlf;
            $err = $self->fill(sub { ($crlf = index($self->{buf}, "\r\n")) >= 0 }, $deadline);
            return { error => "chunked body: $err", status => $status } if $err;
            my $size = hex substr($self->{buf}, 0, $crlf + 2, '');
            $err = $self->fill(sub { length $self->{buf} >= $size + 2 }, $deadline);
            return { error => "chunked body: $err", status => $status } if $err;
            $body .= substr($self->{buf}, 0, $size + 2, '');
            substr($body, -2) = '';
            last if $size == 0;
        }
    } elsif (defined $h{'content-length'}) {
        my $len = $h{'content-length'};
        $err = $self->fill(sub { length $self->{buf} >= $len }, $deadline);
        return { error => "body: $err", status => $status } if $err;
        $body = substr($self->{buf}, 0, $len, '');
    } else {
        $self->fill(sub { 0 }, $deadline);
        $body = $self->{buf};
        $self->{buf} = '';
        $h{connection} = 'close';
    }
    return { status => $status, headers => \%h, body => $body };
}

# the request as text for a report: printable, cut to a length
sub describe {
    my ($req) = @_;
    my $text = request_bytes($req);
    $text = substr($text, 0, 1500) . '...(' . length($text) . ' bytes)' if length $text > 1500;
    $text =~ s/([^\x20-\x7e\n])/sprintf '\\x%02x', ord $1/ge;
    return $text;
}

1;
