# Sourced by make-export.sh and round-trip.sh: Debian's wordpress (and
# php-cli, MariaDB) installed if missing, a MariaDB of our own on a socket
# in $tmp, and WordPress's config for the site $host using it.  Needs
# $tmp and $host; the site, its database and its config go on exit.

for p in wordpress php-cli php-mysql php-xml mariadb-server; do
    dpkg -s $p >/dev/null 2>&1 || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends $missing >/dev/null
fi

# a MariaDB of our own on a socket in $tmp, gone with it
mariadb-install-db --no-defaults --user=root --datadir="$tmp/db" \
    --auth-root-authentication-method=normal >/dev/null 2>&1
mariadbd --no-defaults --user=root --datadir="$tmp/db" \
    --socket="$tmp/sock" --skip-networking --pid-file="$tmp/pid" \
    >"$tmp/mariadb.log" 2>&1 &
dbpid=$!
trap 'kill $dbpid 2>/dev/null; wait $dbpid 2>/dev/null; rm -rf "$tmp" /etc/wordpress/config-$host.php' EXIT

i=0
until mariadb --no-defaults -S "$tmp/sock" -u root -e 'select 1' >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || { cat "$tmp/mariadb.log"; exit 1; }
    sleep 0.2
done

mariadb --no-defaults -S "$tmp/sock" -u root -e "
    CREATE DATABASE wp CHARACTER SET utf8mb4;
    CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp';
    GRANT ALL ON wp.* TO 'wp'@'localhost';"

cat >/etc/wordpress/config-$host.php <<CONF
<?php
define('DB_NAME', 'wp');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:$tmp/sock');
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
\$table_prefix = 'wp_';
CONF

