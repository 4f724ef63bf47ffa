<?php
/*
 * Fills a fresh WordPress site and prints WordPress's own export of it
 * (export_wp(), what Tools -> Export writes).  Run by make-export.sh.
 */
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

ob_start();
wp_install('News Fixture', 'ann', 'ann@example.org', true, '', 'pw-ann-123');
ob_end_clean();
update_option('permalink_structure', '/%year%/%monthnum%/%day%/%postname%/');
update_option('blogdescription', 'A site to export');
wp_cache_flush();

$ann = get_user_by('login', 'ann')->ID;
wp_update_user(array('ID' => $ann, 'display_name' => 'Ann Editor',
                     'first_name' => 'Ann', 'last_name' => 'Editor'));
$bob = wp_insert_user(array('user_login' => 'bob', 'user_pass' => 'pw-bob-123',
    'user_email' => 'bob@example.org', 'display_name' => 'Bob Réporter',
    'role' => 'author'));

/* an administrator may post unfiltered HTML: the hostile bits stay in */
wp_set_current_user($ann);

$world = wp_insert_term('World', 'category')['term_id'];
$politics = wp_insert_term('Politics', 'category',
                           array('parent' => $world))['term_id'];
$tech = wp_insert_term('Tech & Science', 'category',
                       array('slug' => 'tech'))['term_id'];

$rich = <<<'HTML'
<!-- wp:paragraph -->
<p>The <strong>council</strong> voted <em>late</em> on Tuesday; see <a href="https://example.org/minutes?id=1&amp;page=2" title="Minutes">the minutes</a> &amp; the <a href="/2024/archive">archive</a>.</p>
<!-- /wp:paragraph -->
<h2>What changes</h2>
<ul><li>Buses run <b>later</b></li><li>Parks open at 6<ul><li>nested item</li></ul></li></ul>
<ol><li>first</li><li>second</li></ol>
<blockquote class="wp-block-quote"><p>We listened.</p><cite>The mayor</cite></blockquote>
<figure class="wp-block-image"><img src="https://example.org/wp-content/uploads/2024/03/hall.jpg" alt="The town hall at night" width="800" /><figcaption>The hall, lit for the vote</figcaption></figure>
<table><thead><tr><th>Ward</th><th>Votes</th></tr></thead><tbody><tr><td>North</td><td>1,204</td></tr><tr><td>South</td><td>987</td></tr></tbody></table>
<p>Hostile bits follow.<script>alert('xss')</script></p>
<p><a href="javascript:alert(1)">a javascript link</a> <a href="JaVaScRiPt&#58;alert(2)">an encoded one</a> <a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgzKTwvc2NyaXB0Pg==">data</a></p>
<p><img src="x" onerror="alert(4)" alt="broken"> <span style="color:red" onclick="alert(5)">styled</span></p>
<iframe src="https://evil.example/embed"></iframe>
<style>body{display:none}</style>
<p>Markdown-looking text: *not emphasis*, # not a heading, [not](a link), 1. not a list &lt;b&gt;</p>
HTML;

$classic = "A classic-editor post without paragraph tags.\n\nA second paragraph with a line\nbreak, and an <em>emphasised</em> word.";

function post($args) {
    $id = wp_insert_post(wp_slash($args), true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    return $id;
}

$p1 = post(array('post_title' => 'Council votes on the late buses',
    'post_name' => 'council-votes', 'post_content' => $rich,
    'post_excerpt' => 'The buses run later from May.',
    'post_status' => 'publish', 'post_author' => $ann,
    'post_date' => '2024-03-05 18:30:00', 'post_date_gmt' => '2024-03-05 17:30:00',
    'post_category' => array($world, $politics),
    'tags_input' => array('buses', 'City Council')));
$p2 = post(array('post_title' => 'Café culture: a naïve guide', 'post_content' => $classic,
    'post_status' => 'publish', 'post_author' => $bob,
    'post_date' => '2024-03-06 09:00:00', 'post_date_gmt' => '2024-03-06 08:00:00',
    'post_category' => array($tech), 'tags_input' => array('coffee')));
$p3 = post(array('post_title' => 'A draft about budgets', 'post_content' => '<p>Not yet.</p>',
    'post_status' => 'draft', 'post_author' => $ann, 'post_category' => array($world)));
$p4 = post(array('post_title' => 'Scheduled: the election night', 'post_content' => '<p>Results at nine.</p>',
    'post_status' => 'future', 'post_author' => $ann,
    'post_date' => '2030-05-01 21:00:00', 'post_date_gmt' => '2030-05-01 19:00:00',
    'post_category' => array($politics), 'tags_input' => array('election')));
$p5 = post(array('post_title' => 'Pending review', 'post_content' => '<p>Waiting.</p>',
    'post_status' => 'pending', 'post_author' => $bob));
$page = post(array('post_title' => 'About us', 'post_content' => '<p>Who we are.</p>',
    'post_status' => 'publish', 'post_type' => 'page', 'post_author' => $ann));
$att = wp_insert_attachment(array('post_title' => 'hall', 'post_mime_type' => 'image/jpeg',
    'guid' => 'https://example.org/wp-content/uploads/2024/03/hall.jpg',
    'post_status' => 'inherit'), false, $p1);

function comment($post, $author, $text, $approved, $date, $parent = 0, $extra = array()) {
    return wp_insert_comment(wp_slash(array_merge(array('comment_post_ID' => $post,
        'comment_author' => $author, 'comment_author_email' => strtolower(preg_replace('/\W/', '', $author)) . '@example.net',
        'comment_author_url' => '', 'comment_content' => $text,
        'comment_approved' => $approved, 'comment_parent' => $parent,
        'comment_date' => $date, 'comment_date_gmt' => $date,
        'comment_author_IP' => '192.0.2.1'), $extra)));
}

$c1 = comment($p1, 'Reader One', "Good news.\n\nAbout time.", 1, '2024-03-05 18:00:00');
$c2 = comment($p1, 'Reader Two', 'I disagree: <a href="https://example.com/study" rel="nofollow">this study</a> says <b>otherwise</b>.', 1, '2024-03-05 18:05:00', $c1);
$c3 = comment($p1, 'Reader One', '<p>Fair point.</p><p>Still good.</p>', 1, '2024-03-05 18:10:00', $c2);
$c4 = comment($p1, 'New Reader', 'Waiting for a moderator.', 0, '2024-03-05 18:20:00');
$c5 = comment($p1, 'Spammer', 'Buy pills at http://spam.example', 'spam', '2024-03-05 18:25:00');
$c6 = comment($p1, 'Regret', 'I take it back.', 'trash', '2024-03-05 18:26:00');
$c7 = comment($p1, 'Ann Editor', 'Thanks all. <script>alert(6)</script>', 1, '2024-03-05 18:30:00', $c1, array('user_id' => $ann));
$c8 = comment($p2, 'Barista', "Flat white <3 & more", 1, '2024-03-06 10:00:00');

require_once ABSPATH . 'wp-admin/includes/export.php';
export_wp(array('content' => 'all'));
