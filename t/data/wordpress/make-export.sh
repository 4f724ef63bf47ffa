#!/bin/sh
# Makes t/data/wordpress/export.xml with WordPress's own exporter
# (export_wp(), Tools -> Export): Debian's wordpress on php-cli and a
# private MariaDB, a site filled by make-site.php.  Not run by `make test`
# (the tests read the committed export); run it as root on Debian 12 to
# make the export again:  sh t/data/wordpress/make-export.sh
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/wp-fixture.XXXXXX)
host=newsfixture

. "$here/site.sh"

HTTP_HOST=$host php -d error_reporting=E_ERROR "$here/make-site.php" \
    >"$here/export.xml"
echo "wrote $here/export.xml ($(wc -c <"$here/export.xml") bytes)"
