# The fault shim (t/faults/lmdbfault.c) driven from a test: its control
# file in the test's directory, the server started with the shim
# preloaded, rules armed in the running server, the shim's log read.
#
#   my $f = NewsFaults->new($t);     # before $t->run ('faults' in its
#                                    # directory; new($t, NAME) for another)
#   $f->run;                         # $t->run with the shim preloaded
#   $f->arm("mdb_put 2+ EIO\n");     # from the 2nd mdb_put on
#   $f->fired;                       # did it fire since the last look
#   $f->arm('');                     # no fault
package NewsFaults;

use strict;
use warnings;
use Time::HiRes qw(sleep);
use NewsTest;

# the shim's path, or undef when it is not built (the test skips)
sub lib {
    my $lib = $ENV{TEST_NEWS_FAULT_LIB} // NewsTest->root . '/build/faults/liblmdbfault.so';
    return -f $lib ? $lib : undef;
}

sub new {
    my ($class, $t, $name) = @_;
    my $self = bless { t => $t, ctl => $t->dir . '/' . ($name // 'faults'), seen => 0 }, $class;
    # the workers run as nobody: the files must be writable before they
    # exist
    for my $f ($self->{ctl}, "$self->{ctl}.log") {
        open my $fh, '>', $f or die "$f: $!";
        close $fh;
        chmod 0666, $f;
    }
    return $self;
}

sub file { $_[0]{ctl} }

# what to preload for the shim: after any preload the harness was given,
# such as a sanitizer's runtime
sub preload {
    my $lib = lib() // die "NewsFaults: no fault library\n";
    my $pre = $ENV{TEST_NGINX_PRELOAD} // '';
    return join ':', grep { length } $pre, ($pre =~ /\Q$lib\E/ ? () : ($lib));
}

# starts the server with the shim preloaded, reading this control file
sub run {
    my ($self) = @_;
    local $ENV{NEWS_FAULT_FILE} = $self->{ctl};
    local $ENV{TEST_NGINX_PRELOAD} = preload();
    $self->{t}->run;
}

# the rules, in place at once: a new file renamed over the old one (the
# shim reads it again when its inode changes, and restarts its counts)
sub arm {
    my ($self, $text) = @_;
    my $ctl = $self->{ctl};
    open my $fh, '>', "$ctl.tmp" or die "$ctl.tmp: $!";
    print $fh $text;
    close $fh;
    chmod 0644, "$ctl.tmp";
    rename "$ctl.tmp", $ctl or die "rename $ctl: $!";
}

# every fault that fired so far, one line each
sub log {
    my ($self) = @_;
    open my $fh, '<', "$self->{ctl}.log" or return '';
    local $/;
    return <$fh> // '';
}

# the lines logged since the last look
sub fired {
    my ($self) = @_;
    my $all = $self->log;
    my $new = substr $all, $self->{seen};
    $self->{seen} = length $all;
    return $new;
}

# waits for a line the shim logs (the bound only keeps a broken build
# from hanging the suite; no timing is asserted)
sub wait_log {
    my ($self, $re) = @_;
    for (1 .. 1000) {
        return 1 if $self->log =~ $re;
        sleep 0.01;
    }
    return 0;
}

# PAUSE rules hold their call while this file exists
sub hold {
    my ($self) = @_;
    open my $p, '>', "$self->{ctl}.pause" or die "$self->{ctl}.pause: $!";
    close $p;
    chmod 0666, "$self->{ctl}.pause";
}

sub release { unlink "$_[0]{ctl}.pause" }

1;
