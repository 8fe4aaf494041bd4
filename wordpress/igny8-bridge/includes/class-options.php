<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The plugin's stored state: option names, the connection settings, activation and deactivation.
 */
final class Options
{
    public const SETTINGS = 'igny8_bridge_settings';
    public const SECRET = 'igny8_bridge_secret';
    public const TAXONOMIES = 'igny8_taxonomies';
    public const BLUEPRINT = 'igny8_bridge_blueprint';
    public const BLUEPRINT_ETAG = 'igny8_bridge_blueprint_etag';
    public const SYNC_STATE = 'igny8_bridge_sync_state';
    public const DB_VERSION = 'igny8_bridge_db_version';
    public const CRON_HOOK = 'igny8_bridge_sync';
    public const SYNC_LOCK = 'igny8_bridge_sync_lock';

    /** Every option the plugin adds (uninstall removes them). */
    public const ALL = [
        self::SETTINGS, self::SECRET, self::TAXONOMIES, self::BLUEPRINT, self::BLUEPRINT_ETAG, self::SYNC_STATE,
        self::DB_VERSION,
    ];

    /** Post meta the plugin writes (uninstall removes them). */
    public const POST_META = [
        'igny8_task_id', 'igny8_content_id', 'igny8_blueprint_version', 'igny8_cluster',
        '_igny8_meta_description', '_igny8_schema', '_igny8_term', '_igny8_synced_hash',
    ];

    /**
     * The connection settings with defaults.
     *
     * @return array{backend_url: string, site_key: string}
     */
    public static function settings(): array
    {
        $stored = get_option(self::SETTINGS, []);
        $stored = is_array($stored) ? $stored : [];
        return [
            'backend_url' => isset($stored['backend_url']) ? (string) $stored['backend_url'] : '',
            'site_key' => isset($stored['site_key']) ? (string) $stored['site_key'] : '',
        ];
    }

    public static function isConnected(): bool
    {
        $settings = self::settings();
        return $settings['backend_url'] !== '' && $settings['site_key'] !== '';
    }

    /** The secret the backend's calls carry; made once, on first use. */
    public static function secret(): string
    {
        $secret = (string) get_option(self::SECRET, '');
        if ($secret === '') {
            $secret = Secret::generate();
            update_option(self::SECRET, $secret, false);
        }
        return $secret;
    }

    public static function activate(): void
    {
        self::secret();
        Redirects::createTable();
        if (!wp_next_scheduled(self::CRON_HOOK)) {
            wp_schedule_event(time(), 'hourly', self::CRON_HOOK);
        }
        Taxonomies::registerStored();
        flush_rewrite_rules(false);
    }

    public static function deactivate(): void
    {
        wp_clear_scheduled_hook(self::CRON_HOOK);
        flush_rewrite_rules(false);
    }
}
