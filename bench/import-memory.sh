#!/bin/sh
# newsctl import-wxr's memory on a generated WXR of N items (default
# 100,000; a tenth with a comment): the peak RSS (/usr/bin/time) and the
# anonymous memory sampled every 2 s from /proc (the rest of the RSS is
# the store's map, file pages the kernel can drop).  Not part of make test:
# it takes about two minutes.  Usage: sh bench/import-memory.sh [N]
set -eu
n=${1:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/import-memory.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

perl -e '
my $n = shift;
print qq{<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Big</title><wp:wxr_version>1.2</wp:wxr_version>\n};
for my $i (1 .. $n) {
    print qq{<item><title>Article number $i</title><link>http://big.example/$i/</link><dc:creator>ann</dc:creator><content:encoded><![CDATA[<p>Body of article $i with <b>bold</b> text and a <a href="https://x.example/$i">link</a>.</p><p>}, "More words " x 50, qq{</p>]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded><wp:post_id>$i</wp:post_id><wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt><wp:post_name>article-$i</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><category domain="category" nicename="news"><![CDATA[News]]></category>};
    print qq{<wp:comment><wp:comment_id>$i</wp:comment_id><wp:comment_author>R</wp:comment_author><wp:comment_date_gmt>2024-01-01 01:00:00</wp:comment_date_gmt><wp:comment_content>Nice $i</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>} if $i % 10 == 0;
    print "</item>\n";
}
print "</channel></rss>\n";' "$n" >"$tmp/big.wxr"
echo "file: $(wc -c <"$tmp/big.wxr") bytes, $n items"

mkdir "$tmp/db"
/usr/bin/time -v "$root/build/newsctl" --db "$tmp/db" --size 8589934592 \
    import-wxr "$tmp/big.wxr" >"$tmp/out" 2>"$tmp/time" &
sleep 1
while pid=$(pgrep -n -f "newsctl --db $tmp/db"); do
    grep RssAnon /proc/"$pid"/status 2>/dev/null | awk '{print $2}' >>"$tmp/anon" || true
    sleep 2
done
wait || true
cat "$tmp/out"
grep -E 'Maximum resident|Elapsed' "$tmp/time"
echo "anonymous memory, highest sample: $(sort -n "$tmp/anon" | tail -1) kB"
