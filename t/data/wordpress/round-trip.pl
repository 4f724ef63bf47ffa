# Compares what a WordPress holds after importing our export-wxr output
# (round-trip.php's JSON) with the store it came from (newsctl export):
# every article a post with the same slug, title, subtitle as excerpt,
# status, time, byline, section and tags; its body's text; every comment
# with its author, time, state and parent.  Run by round-trip.sh.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use POSIX qw(strftime);

sub slurp { open my $fh, '<:raw', $_[0] or die "$_[0]: $!"; local $/; decode_json(<$fh>) }
sub gmt { my ($t) = @_; $t =~ s/T/ /; $t =~ s/Z$//; $t }
# WordPress keeps term names HTML-escaped ("Tech &amp; Science"; its own
# exporter writes them so), and shows them unescaped
sub unescape { my ($s) = @_; my %e = (amp => '&', lt => '<', gt => '>', quot => '"', '#039' => "'");
               $s =~ s/&(amp|lt|gt|quot|#039);/$e{$1}/g; $s }
sub words { my ($s) = @_; $s =~ s/<[^>]*>/ /g; $s =~ s/&[a-z#0-9]+;/ /gi; $s =~ s/[^\w]+/ /g; $s =~ s/^ | $//g; lc $s }

my ($ours, $theirs) = (slurp($ARGV[0]), slurp($ARGV[1]));
my %wp = map { $_->{slug} => $_ } @{ $theirs->{posts} };
note $theirs->{log};
is(scalar @{ $theirs->{posts} }, scalar @$ours, 'as many posts as articles');

my $now = strftime('%Y-%m-%dT%H:%M:%SZ', gmtime);
for my $a (@$ours) {
    my $p = $wp{ $a->{slug} };
    ok($p, "$a->{slug}: a post of that slug") or next;
    is($p->{title}, $a->{title}, "$a->{slug}: title");
    is($p->{excerpt}, $a->{subtitle} // '', "$a->{slug}: subtitle as excerpt");
    my $want = $a->{status} eq 'draft' ? 'draft' : $a->{published_at} gt $now ? 'future' : 'publish';
    is($p->{status}, $want, "$a->{slug}: status");
    is($p->{date_gmt}, gmt($a->{published_at}), "$a->{slug}: time")
        unless $a->{status} eq 'draft';
    is($p->{author}, $a->{author}, "$a->{slug}: byline");
    is_deeply([ map { unescape($_) } @{ $p->{categories} } ], [ $a->{section} // () ],
              "$a->{slug}: section as category");
    is_deeply([ sort map { unescape($_) } @{ $p->{tags} } ], [ sort @{ $a->{tags} // [] } ],
              "$a->{slug}: tags");
    my ($first) = words($a->{body}) =~ /^((?:\S+ ){0,5}\S+)/;
    like(words($p->{content}), qr/\Q$first\E/, "$a->{slug}: body text") if defined $first;

    my @ac = @{ $a->{comments} // [] };
    is(scalar @{ $p->{comments} }, scalar @ac, "$a->{slug}: comments");
    my %wc = map { $_->{id} => $_ } @{ $p->{comments} };
    my %by = map { $_->{author} . ' ' . $_->{date_gmt} => $_ } @{ $p->{comments} };
    my %ac = map { $_->{id} => $_ } @ac;
    for my $c (@ac) {
        my $w = $by{ $c->{author} . ' ' . gmt($c->{created_at}) };
        ok($w, "$a->{slug}: comment $c->{id} by $c->{author}") or next;
        is($w->{approved}, { visible => '1', pending => '0' }->{ $c->{status} } // 'trash',
           "$a->{slug}: comment $c->{id}: state");
        my $parent = $c->{parent} ? $ac{ $c->{parent} } : undef;
        my $wparent = $w->{parent} ? $wc{ $w->{parent} } : undef;
        is($wparent ? "$wparent->{author} $wparent->{date_gmt}" : '',
           $parent ? "$parent->{author} " . gmt($parent->{created_at}) : '',
           "$a->{slug}: comment $c->{id}: parent");
    }
}
done_testing;
