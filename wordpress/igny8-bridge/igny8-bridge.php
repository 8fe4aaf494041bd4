<?php

/**
 * Plugin Name:       IGNY8 Bridge
 * Plugin URI:        https://github.com/igny8/igny8
 * Description:       Connects a WordPress site to the IGNY8 SEO engine (blueprint taxonomies, content sync) and
 *                    prints the SEO core: title, meta description, canonical, Open Graph, one JSON-LD graph,
 *                    sitemap entries, term landing pages and redirects.
 * Version:           0.2.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            IGNY8
 * License:           GPL-2.0-or-later
 * Text Domain:       igny8-bridge
 * Domain Path:       /languages
 */

if (!defined('ABSPATH')) {
    exit;
}

define('IGNY8_BRIDGE_VERSION', '0.2.0');
define('IGNY8_BRIDGE_FILE', __FILE__);
define('IGNY8_BRIDGE_DIR', __DIR__);

require_once __DIR__ . '/includes/class-options.php';
require_once __DIR__ . '/includes/class-secret.php';
require_once __DIR__ . '/includes/class-envelope.php';
require_once __DIR__ . '/includes/class-auth.php';
require_once __DIR__ . '/includes/class-taxonomy-keys.php';
require_once __DIR__ . '/includes/class-taxonomies.php';
require_once __DIR__ . '/includes/class-blueprint-shape.php';
require_once __DIR__ . '/includes/class-blueprint.php';
require_once __DIR__ . '/includes/class-backend.php';
require_once __DIR__ . '/includes/class-content-item.php';
require_once __DIR__ . '/includes/class-sync.php';
require_once __DIR__ . '/includes/class-graph.php';
require_once __DIR__ . '/includes/class-seo.php';
require_once __DIR__ . '/includes/class-sitemap.php';
require_once __DIR__ . '/includes/class-redirect-rules.php';
require_once __DIR__ . '/includes/class-redirects.php';
require_once __DIR__ . '/includes/class-indexnow-key.php';
require_once __DIR__ . '/includes/class-indexnow.php';
require_once __DIR__ . '/includes/class-rest.php';
require_once __DIR__ . '/includes/class-admin.php';
require_once __DIR__ . '/includes/class-structure-page.php';

register_activation_hook(__FILE__, ['Igny8\\Bridge\\Options', 'activate']);
register_deactivation_hook(__FILE__, ['Igny8\\Bridge\\Options', 'deactivate']);

Igny8\Bridge\Taxonomies::hook();
Igny8\Bridge\Sync::hook();
Igny8\Bridge\Seo::hook();
Igny8\Bridge\Sitemap::hook();
Igny8\Bridge\Redirects::hook();
Igny8\Bridge\IndexNow::hook();
Igny8\Bridge\Rest::hook();
Igny8\Bridge\Admin::hook();
Igny8\Bridge\StructurePage::hook();

add_action('init', static function (): void {
    load_plugin_textdomain('igny8-bridge', false, dirname(plugin_basename(IGNY8_BRIDGE_FILE)) . '/languages');
});
