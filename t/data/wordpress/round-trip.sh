#!/bin/sh
# The round trip through a real WordPress: the real export (export.xml)
# imported by newsctl import-wxr, written again by newsctl export-wxr, and
# that file imported into a fresh WordPress (Debian's wordpress 6.1 on
# php-cli and a private MariaDB, as make-export.sh makes it) by WordPress's
# own importer plugin; round-trip.pl then checks that every article, with
# its section, tags, status, time, byline and comments (threads, held
# ones), arrived.  Not run by `make test` (it needs MariaDB and PHP, and
# the importer, which Debian does not package).  Run it as root on Debian
# 12 after `make`, given a checkout of the importer:
#   git clone https://github.com/WordPress/wordpress-importer /tmp/wpi
#   sh t/data/wordpress/round-trip.sh /tmp/wpi
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
importer=$(cd "${1:?usage: round-trip.sh WORDPRESS_IMPORTER_DIR}" && pwd)
[ -f "$importer/src/wordpress-importer.php" ] || {
    echo "round-trip.sh: no src/wordpress-importer.php in $importer" >&2
    exit 2
}
tmp=$(mktemp -d /tmp/wp-roundtrip.XXXXXX)
host=newsroundtrip

. "$here/site.sh"

mkdir "$tmp/news"
"$root/build/newsctl" --db "$tmp/news" import-wxr "$here/export.xml"
"$root/build/newsctl" --db "$tmp/news" export-wxr "http://$host" >"$tmp/ours.xml"
"$root/build/newsctl" --db "$tmp/news" export >"$tmp/ours.json"

HTTP_HOST=$host php -d error_reporting=E_ERROR "$here/round-trip.php" \
    "$importer" "$tmp/ours.xml" >"$tmp/theirs.json"
perl "$here/round-trip.pl" "$tmp/ours.json" "$tmp/theirs.json"
