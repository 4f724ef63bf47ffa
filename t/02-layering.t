#!/usr/bin/perl
# The border between the two tiers, checked in the sources (README,
# "Design"): the nginx side (src/http and ngx_news_module.c) never touches
# LMDB (no mdb_* call, no MDB_* name, no lmdb.h), holds no HTML (every
# tag is written by src/engine/render_*.c) and opens no write txn of its
# own (every write goes through the group-commit writer, engine/writer.h,
# as one op among the batch's); the engine (src/engine) never
# includes an nginx header.  Comments do not count: code does for LMDB
# names, string literals do for HTML.
#
# A file still on its way across the border is listed in %pending with
# why; its checks run as TODO tests, so that they show what is left
# without failing the suite, and prove reports "TODO passed" once the
# file is clean and its entry can go.

use strict;
use warnings;

use Test::More;
use FindBin;

my $root = "$FindBin::Bin/..";

my %pending = ();


# ---- the scanner -----------------------------------------------------------

# C source split into code (comments and literals blanked) and string
# literals (adjacent ones joined, as the compiler joins them), with lines
sub scan {
    my ($src) = @_;
    my (@code, @strings);
    my $line = 1;
    my $last_string;

    while ($src =~ m{\G(?:(/\*.*?\*/)|(//[^\n]*)|("(?:[^"\\\n]|\\.)*")
                      |('(?:[^'\\\n]|\\.)*')|(\s+)|([^/"'\s]+|.))}gsx)
    {
        my $text = $&;

        if (defined $3) {
            my $s = substr($3, 1, -1);
            if ($last_string) {
                $last_string->[1] .= $s;
            } else {
                $last_string = [$line, $s];
                push @strings, $last_string;
            }
        } elsif (defined $6 || defined $4) {
            push @code, [$line, $text] if defined $6;
            undef $last_string;
        } elsif (defined $1 || defined $2) {
            undef $last_string;
        }

        $line += ($text =~ tr/\n//);
    }

    return (\@code, \@strings);
}

my $html_tag = qr{<(?:[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>\\]|$)|/[a-zA-Z][a-zA-Z0-9]*\s*>
                   |!(?i:doctype)|!--|\?xml)}x;

sub lmdb_uses {
    my ($src) = @_;
    my ($code) = scan($src);
    my @hits;

    for (@$code) {
        push @hits, "$_->[0]: $1" if $_->[1] =~ /\b((?:mdb|MDB)_\w*)/;
    }

    while ($src =~ /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]*\blmdb\.h)[>"]/mg) {
        my $line = 1 + (substr($src, 0, $-[0]) =~ tr/\n//);
        push @hits, "$line: #include $1";
    }

    return @hits;
}

# a write txn of its own, beside the group-commit writer
sub own_writes {
    my ($src) = @_;
    my ($code) = scan($src);

    return map { "$_->[0]: $1" }
           grep { $_->[1] =~ /\b(news_store_(?:write|commit))\b/ } @$code;
}

sub html_literals {
    my ($src) = @_;
    my (undef, $strings) = scan($src);

    return map { "$_->[0]: \"$_->[1]\"" } grep { $_->[1] =~ $html_tag }
           @$strings;
}

# The include graph of a tier: a file is a node by its name without .c or
# .h (x.c and x.h are one), and an #include "..." of a header of the same
# tier is an edge.  Returns the circles, each as "a -> b -> a".
sub include_circles {
    my (%includes) = @_;    # node => [nodes it includes]
    my (%state, @stack, @circles);

    my $visit;
    $visit = sub {
        my ($n) = @_;
        $state{$n} = 1;
        push @stack, $n;

        for my $m (sort @{$includes{$n} || []}) {
            next if $m eq $n;
            if (($state{$m} || 0) == 1) {
                my ($at) = grep { $stack[$_] eq $m } 0 .. $#stack;
                push @circles, join ' -> ', @stack[$at .. $#stack], $m;
            } elsif (!$state{$m}) {
                $visit->($m);
            }
        }

        pop @stack;
        $state{$n} = 2;
    };

    $visit->($_) for grep { !$state{$_} } sort keys %includes;

    return @circles;
}

# node => [nodes] of the files given (paths under $root), from their
# #include "..." lines: a header found beside the including file or under
# src/, and one of the files given
sub include_graph {
    my (@paths) = @_;
    my (%node, %graph);

    for my $path (@paths) {
        (my $n = $path) =~ s{^.*/|\.[ch]$}{}g;
        $node{$path} = $n;
        $graph{$n} ||= [];
    }

    for my $path (@paths) {
        my $src = slurp($path);
        (my $dir = $path) =~ s{/?[^/]*$}{};

        while ($src =~ /^[ \t]*#[ \t]*include[ \t]*"([^"]+)"/mg) {
            my ($inc) = grep { exists $node{$_} }
                        map { s{^/}{}r } ("$dir/$1", "src/$1");
            push @{$graph{$node{$path}}}, $node{$inc} if defined $inc;
        }
    }

    return %graph;
}

sub nginx_includes {
    my ($src) = @_;
    my @hits;

    while ($src =~ /^[ \t]*#[ \t]*include[ \t]*[<"]([^>"]*\bngx_\w*\.h)[>"]/mg) {
        my $line = 1 + (substr($src, 0, $-[0]) =~ tr/\n//);
        push @hits, "$line: #include $1";
    }

    return @hits;
}


# ---- the scanner finds what it must, and nothing else -----------------------

is(scalar lmdb_uses("x = mdb_get(txn, dbi, &k, &v);\n"), 1, 'self-test: an mdb_ call is found');
is(scalar lmdb_uses("static MDB_txn  *txn;\n"), 1, 'self-test: an MDB_ type is found');
is(scalar lmdb_uses("#include <lmdb.h>\n"), 1, 'self-test: #include <lmdb.h> is found');
is(scalar lmdb_uses("/* MDB_NOTFOUND, as mdb_get() says */\n"
                    . "s = \"mdb_get\"; // MDB_txn\n"),
   0, 'self-test: LMDB names in comments and strings are not');
is(scalar html_literals("b = \"<p class=\\\"x\\\">\";\n"), 1, 'self-test: an opening tag is found');
is(scalar html_literals("b = \"x</p>\\n\";\n"), 1, 'self-test: a closing tag is found');
is(scalar html_literals("b = \"<\" \"p>\";\n"), 1, 'self-test: a tag split across literals is found');
is(scalar html_literals("b = \"<?xml version\";\n"), 1, 'self-test: an XML declaration is found');
is(scalar html_literals("/* <p> */ b = \"a < b, 1<2\"; c = '<';\n"), 0,
   'self-test: comparisons and tags in comments are not');
is(scalar nginx_includes("#include <ngx_core.h>\n#  include \"ngx_http.h\"\n"), 2,
   'self-test: nginx headers are found');
is(scalar nginx_includes("#include \"render.h\"\n"), 0, 'self-test: an engine header is not');
is_deeply([include_circles(a => ['b'], b => ['c'], c => ['a'], d => ['a'])],
          ['a -> b -> c -> a'], 'self-test: an include circle is found');
is_deeply([include_circles(a => ['b', 'c'], b => ['c'], c => [], d => ['a'])],
          [], 'self-test: includes in one direction are no circle');


# ---- the sources -------------------------------------------------------------

sub slurp {
    my ($path) = @_;
    open my $fh, '<', "$root/$path" or die "$path: $!";
    local $/;
    return <$fh>;
}

sub check {
    my ($path, $rule, $what, @hits) = @_;
    my $why = $pending{$path} && $pending{$path}{$rule};

    TODO: {
        local $TODO = "pending: $why" if $why;
        is(scalar @hits, 0, "$path: $what")
            or diag join "\n", map { "  $path:$_" } @hits[0 .. ($#hits < 4 ? $#hits : 4)];
    }
}

my @http = ('ngx_news_module.c',
            map { s{^\Q$root\E/}{}r } sort glob("$root/src/http/*.[ch]"));
my @engine = map { s{^\Q$root\E/}{}r } sort glob("$root/src/engine/*.[ch]");

ok(@http > 1 && @engine > 1, 'both tiers have sources');

for my $path (@http) {
    my $src = slurp($path);
    check($path, 'lmdb', 'no LMDB call, MDB_ name or lmdb.h', lmdb_uses($src));
    check($path, 'html', 'no HTML tag in a string literal', html_literals($src));
    check($path, 'writes', 'every write through the writer (no news_store_write '
          . 'or news_store_commit)', own_writes($src));
}

for my $path (@engine) {
    check($path, 'nginx', 'no nginx header', nginx_includes(slurp($path)));
}

# Inside a tier the files include one another in one direction only: a
# file below never includes (and so never calls) one above it (README,
# "Design").
for my $tier (['src/engine', @engine], ['src/http and ngx_news_module.c', @http]) {
    my ($name, @paths) = @$tier;
    my @circles = include_circles(include_graph(@paths));

    is(scalar @circles, 0, "$name: no include circle")
        or diag join "\n", map { "  $_" } @circles[0 .. ($#circles < 9 ? $#circles : 9)];
}

for my $path (sort keys %pending) {
    ok(-f "$root/$path", "pending entry $path names a file");
}

done_testing;
