<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * Redirects in their own table (source path → target, 301 or 302, hit count): the ones the existing-site
 * analysis proposes (pushed by the backend) and manual ones (the settings screen).
 */
final class Redirects
{
    public const TABLE = 'igny8_redirects';
    private const DB_VERSION = '1';

    public static function hook(): void
    {
        add_action('template_redirect', [self::class, 'maybeRedirect'], 1);
    }

    public static function table(): string
    {
        global $wpdb;
        return $wpdb->prefix . self::TABLE;
    }

    public static function createTable(): void
    {
        global $wpdb;
        if (get_option(Options::DB_VERSION) === self::DB_VERSION) {
            return;
        }
        require_once ABSPATH . 'wp-admin/includes/upgrade.php';
        $table = self::table();
        dbDelta("CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  source varchar(255) NOT NULL,
  target text NOT NULL,
  status smallint(5) unsigned NOT NULL DEFAULT 301,
  origin varchar(20) NOT NULL DEFAULT 'manual',
  hits bigint(20) unsigned NOT NULL DEFAULT 0,
  last_hit datetime NULL,
  created datetime NOT NULL,
  PRIMARY KEY  (id),
  UNIQUE KEY source (source)
) {$wpdb->get_charset_collate()};");
        update_option(Options::DB_VERSION, self::DB_VERSION, false);
    }

    public static function maybeRedirect(): void
    {
        global $wpdb;
        $uri = isset($_SERVER['REQUEST_URI']) ? sanitize_text_field(wp_unslash($_SERVER['REQUEST_URI'])) : '';
        $path = RedirectRules::normalisePath($uri);
        if ($path === null || $path === '/') {
            return;
        }
        $table = self::table();
        // phpcs:ignore
        $row = $wpdb->get_row($wpdb->prepare("SELECT id, target, status FROM {$table} WHERE source = %s", $path), ARRAY_A);
        if (!$row) {
            return;
        }
        // phpcs:ignore
        $wpdb->query($wpdb->prepare("UPDATE {$table} SET hits = hits + 1, last_hit = %s WHERE id = %d", current_time('mysql', true), (int) $row['id']));
        $target = str_starts_with($row['target'], '/') ? home_url($row['target']) : $row['target'];
        wp_redirect(esc_url_raw($target), (int) $row['status'], 'IGNY8');  // phpcs:ignore
        exit;
    }

    /**
     * Adds or replaces redirects (by source). All are checked first; nothing is written when one is invalid.
     *
     * @param mixed $items
     * @return array{0: int, 1: array<string, list<string>>} (saved, errors)
     */
    public static function saveMany($items): array
    {
        global $wpdb;
        if (!is_array($items) || !array_is_list($items) || $items === [] || count($items) > 1000) {
            return [0, ['redirects' => [__('expected a list of 1 to 1000 {source, target, status} objects', 'igny8-bridge')]]];
        }
        $checked = [];
        $errors = [];
        foreach ($items as $index => $raw) {
            $redirect = RedirectRules::check($raw);
            if (is_string($redirect)) {
                $errors[(string) $index] = [$redirect];
            } else {
                $checked[] = $redirect;
            }
        }
        if ($errors) {
            return [0, $errors];
        }
        $table = self::table();
        foreach ($checked as $r) {
            // phpcs:ignore
            $wpdb->query($wpdb->prepare(
                "INSERT INTO {$table} (source, target, status, origin, created) VALUES (%s, %s, %d, %s, %s)"
                . ' ON DUPLICATE KEY UPDATE target = VALUES(target), status = VALUES(status), origin = VALUES(origin)',
                $r['source'],
                $r['target'],
                $r['status'],
                $r['origin'],
                current_time('mysql', true)
            ));
        }
        return [count($checked), []];
    }

    /** @return list<array<string, mixed>> */
    public static function all(): array
    {
        global $wpdb;
        $table = self::table();
        // phpcs:ignore
        $rows = $wpdb->get_results("SELECT id, source, target, status, origin, hits, last_hit FROM {$table} ORDER BY source", ARRAY_A);
        return is_array($rows) ? $rows : [];
    }

    public static function delete(int $id): void
    {
        global $wpdb;
        $wpdb->delete(self::table(), ['id' => $id], ['%d']);
    }
}
