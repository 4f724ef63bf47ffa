#!/bin/sh
# newsctl's memory while it imports a large generated file: the peak RSS
# (/usr/bin/time) and the anonymous memory sampled every 2 s from /proc
# (the rest of the RSS is the store's map, file pages the kernel can drop).
# Not part of make test: each takes a few minutes.
#
#   sh bench/import-memory.sh [N]          import-wxr: a WXR of N items
#                                          (default 100,000; a tenth with a
#                                          comment)
#   sh bench/import-memory.sh disqus [N]   import-disqus: a Disqus export of
#                                          N posts (default 100,000), 100 a
#                                          thread, every third a reply, into
#                                          a store of N/100 articles
#   sh bench/import-memory.sh worker [N]   the nginx worker's memory after
#                                          reading every article of the WXR
#                                          of N items, imported
#                                          (bench/import-worker-memory.pl)
#
# NEWSCTL=PATH measures another build's newsctl (an older one, to compare).
set -eu
kind=wxr
case "${1:-}" in
disqus|worker) kind=$1; shift ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
newsctl=${NEWSCTL:-$root/build/newsctl}
tmp=$(mktemp -d /tmp/import-memory.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

wxr() {
    perl -e '
my $n = shift;
print qq{<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Big</title><wp:wxr_version>1.2</wp:wxr_version>\n};
for my $i (1 .. $n) {
    print qq{<item><title>Article number $i</title><link>http://big.example/$i/</link><dc:creator>ann</dc:creator><content:encoded><![CDATA[<p>Body of article $i with <b>bold</b> text and a <a href="https://x.example/$i">link</a>.</p><p>}, "More words " x 50, qq{</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>$i</wp:post_id><wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>article-$i</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><category domain="category" nicename="news"><![CDATA[News]]></category>};
    print qq{<wp:comment><wp:comment_id>$i</wp:comment_id><wp:comment_author>R</wp:comment_author><wp:comment_date_gmt>2024-01-01 01:00:00</wp:comment_date_gmt><wp:comment_content>Nice $i</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>} if $i % 10 == 0;
    print "</item>\n";
}
print "</channel></rss>\n";' "$1"
}

disqus() {
    perl -e '
my $n = shift;
my $threads = int(($n + 99) / 100);
print qq{<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n};
for my $t (1 .. $threads) {
    print qq{<thread dsq:id="$t"><id>$t http://big.example/?p=$t</id><link>http://big.example/$t/</link><title>Article number $t</title><createdAt>2024-01-01T00:00:00Z</createdAt></thread>\n};
}
for my $i (1 .. $n) {
    my $t = ($i - 1) % $threads + 1;
    my $parent = $i % 3 == 0 && $i > $threads ? qq{<parent dsq:id="} . (1000000 + $i - $threads) . qq{"/>} : "";
    my $s = sprintf "%02d:%02d:%02d", int($i / 3600) % 24, int($i / 60) % 60, $i % 60;
    print qq{<post dsq:id="}, 1000000 + $i, qq{"><message><![CDATA[<p>Comment $i says }, "something " x 30, qq{</p>]]></message><createdAt>2024-02-01T${s}Z</createdAt><isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Reader $i</name></author><thread dsq:id="$t"/>$parent</post>\n};
}
print "</disqus>\n";' "$1"
}

measure() {
    /usr/bin/time -v "$newsctl" --db "$tmp/db" --size 8589934592 \
        "$@" >"$tmp/out" 2>"$tmp/time" &
    sleep 1
    : >"$tmp/anon"
    while pid=$(pgrep -n -f "newsctl --db $tmp/db"); do
        grep RssAnon /proc/"$pid"/status 2>/dev/null | awk '{print $2}' >>"$tmp/anon" || true
        sleep 2
    done
    wait || true
    cat "$tmp/out"
    grep -E 'Maximum resident|Elapsed' "$tmp/time"
    echo "anonymous memory, highest sample: $(sort -n "$tmp/anon" | tail -1) kB"
}

if [ $kind = worker ]; then
    n=${1:-100000}
    wxr "$n" >"$tmp/big.wxr"
    echo "file: $(wc -c <"$tmp/big.wxr") bytes, $n items"
    perl "$root/bench/import-worker-memory.pl" "$tmp/big.wxr" "$n"
    exit 0
fi

mkdir "$tmp/db"
if [ $kind = wxr ]; then
    n=${1:-100000}
    wxr "$n" >"$tmp/big.wxr"
    echo "file: $(wc -c <"$tmp/big.wxr") bytes, $n items"
    measure import-wxr "$tmp/big.wxr"
else
    n=${1:-100000}
    wxr $(( (n + 99) / 100 )) >"$tmp/articles.wxr"
    "$newsctl" --db "$tmp/db" --size 8589934592 import-wxr "$tmp/articles.wxr"
    disqus "$n" >"$tmp/big.xml"
    echo "file: $(wc -c <"$tmp/big.xml") bytes, $n posts"
    measure import-disqus "$tmp/big.xml"
fi
"$newsctl" --db "$tmp/db" check >/dev/null && echo "newsctl check: clean"
