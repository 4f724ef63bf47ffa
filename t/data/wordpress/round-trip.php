<?php
/*
 * A fresh WordPress site imports a WXR file with WordPress's importer
 * plugin (its checkout's directory and the file are the arguments; the
 * bylines become users, nothing is fetched), then prints what it holds as
 * JSON: the importer's messages and every post with its terms and
 * comments.  Run by round-trip.sh.
 */
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/admin.php';

ob_start();
wp_install('Round Trip', 'admin', 'admin@example.org', true, '', 'pw-admin-123');
ob_end_clean();
wp_set_current_user(1);
wp_delete_post(1, true);    /* the new site's "Hello world!" and its comment */

define('WP_LOAD_IMPORTERS', true);
require $argv[1] . '/src/wordpress-importer.php';

$importer = new WP_Import();
$importer->fetch_attachments = false;
$parsed = $importer->parse($argv[2]);
if (is_wp_error($parsed)) {
    fwrite(STDERR, 'the importer refused the file: ' . $parsed->get_error_message() . "\n");
    exit(1);
}

$_POST = array('imported_authors' => array_keys($parsed['authors']),
               'user_map' => array(), 'user_new' => array());
ob_start();
$importer->import($argv[2]);
$log = ob_get_clean();

$posts = array();
foreach (get_posts(array('post_type' => 'post', 'post_status' => 'any',
                         'numberposts' => -1)) as $p) {
    $comments = array();
    foreach (get_comments(array('post_id' => $p->ID, 'status' => 'all',
                                'orderby' => 'comment_ID', 'order' => 'ASC')) as $c) {
        $comments[] = array('id' => (int) $c->comment_ID,
                            'parent' => (int) $c->comment_parent,
                            'author' => $c->comment_author,
                            'date_gmt' => $c->comment_date_gmt,
                            'approved' => $c->comment_approved,
                            'content' => $c->comment_content);
    }
    $posts[] = array('slug' => $p->post_name, 'title' => $p->post_title,
                     'status' => $p->post_status, 'date_gmt' => $p->post_date_gmt,
                     'author' => get_the_author_meta('display_name', $p->post_author),
                     'excerpt' => $p->post_excerpt,
                     'content' => $p->post_content,
                     'categories' => wp_get_post_categories($p->ID, array('fields' => 'names')),
                     'tags' => wp_get_post_tags($p->ID, array('fields' => 'names')),
                     'comments' => $comments);
}

echo json_encode(array('log' => strip_tags($log), 'posts' => $posts),
                 JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
