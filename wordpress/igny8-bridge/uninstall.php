<?php

/**
 * Removes what the plugin added: its options (the IndexNow key among them), its post meta, its redirects table, its scheduled sync.
 * Posts and terms the sync created stay: they are the site's content now.
 */

if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}

require_once __DIR__ . '/includes/class-options.php';
require_once __DIR__ . '/includes/class-indexnow.php';

global $wpdb;
foreach (Igny8\Bridge\Options::ALL as $igny8_option) {
    delete_option($igny8_option);
}
delete_option(Igny8\Bridge\Options::SYNC_LOCK);
delete_option(Igny8\Bridge\IndexNow::OPTION);
foreach (Igny8\Bridge\Options::POST_META as $igny8_meta_key) {
    delete_post_meta_by_key($igny8_meta_key);
}
wp_clear_scheduled_hook(Igny8\Bridge\Options::CRON_HOOK);
$wpdb->query('DROP TABLE IF EXISTS ' . $wpdb->prefix . 'igny8_redirects');  // phpcs:ignore
