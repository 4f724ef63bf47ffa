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

for my $path (sort keys %pending) {
    ok(-f "$root/$path", "pending entry $path names a file");
}

done_testing;
