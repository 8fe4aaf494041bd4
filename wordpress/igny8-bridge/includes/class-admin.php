<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * Settings → IGNY8: the backend URL and site key, "test connection", "sync now", the secret the backend's
 * calls carry, and manual redirects. Every action checks a nonce and the manage_options capability.
 */
final class Admin
{
    public const PAGE = 'igny8-bridge';
    private const NOTICE = 'igny8_bridge_notice_';

    public static function hook(): void
    {
        add_action('admin_menu', [self::class, 'menu']);
        foreach (['save', 'test', 'sync', 'secret', 'redirect_add', 'redirect_delete'] as $action) {
            add_action('admin_post_igny8_bridge_' . $action, [self::class, 'handle' . str_replace('_', '', ucwords($action, '_'))]);
        }
    }

    public static function menu(): void
    {
        add_options_page(__('IGNY8', 'igny8-bridge'), __('IGNY8', 'igny8-bridge'), 'manage_options', self::PAGE, [self::class, 'render']);
    }

    public static function render(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You may not manage IGNY8 on this site.', 'igny8-bridge'), 403);
        }
        $settings = Options::settings();
        $state = get_option(Options::SYNC_STATE, null);
        echo '<div class="wrap"><h1>' . esc_html__('IGNY8', 'igny8-bridge') . '</h1>';
        self::printNotice();
        echo '<form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
        wp_nonce_field('igny8_bridge_save');
        echo '<input type="hidden" name="action" value="igny8_bridge_save" /><table class="form-table">';
        printf(
            '<tr><th><label for="igny8-backend-url">%s</label></th><td><input id="igny8-backend-url" name="backend_url" type="url" class="regular-text" value="%s" /></td></tr>',
            esc_html__('Backend URL', 'igny8-bridge'),
            esc_attr($settings['backend_url'])
        );
        printf(
            '<tr><th><label for="igny8-site-key">%s</label></th><td><input id="igny8-site-key" name="site_key" type="password" class="regular-text" autocomplete="off" placeholder="%s" /></td></tr>',
            esc_html__('Site key', 'igny8-bridge'),
            esc_attr($settings['site_key'] !== '' ? __('saved; type a new one to replace it', 'igny8-bridge') : '')
        );
        echo '</table>';
        submit_button(__('Save settings', 'igny8-bridge'));
        echo '</form>';
        foreach (['test' => __('Test connection', 'igny8-bridge'), 'sync' => __('Sync now', 'igny8-bridge')] as $action => $label) {
            self::actionButton($action, $label);
        }
        echo '<h2>' . esc_html__('Secret for the backend', 'igny8-bridge') . '</h2><p>';
        esc_html_e('The backend sends this in the X-IGNY8-Secret header of its calls to this site.', 'igny8-bridge');
        echo '</p><p><code>' . esc_html(Options::secret()) . '</code></p>';
        self::actionButton('secret', __('Make a new secret', 'igny8-bridge'));
        if (is_array($state)) {
            echo '<h2>' . esc_html__('Last sync', 'igny8-bridge') . '</h2><p>';
            /* translators: 1: time, 2: created, 3: updated, 4: failed */
            echo esc_html(sprintf(__('%1$s: %2$d created, %3$d updated, %4$d failed.', 'igny8-bridge'), $state['finished_at'] ?? '', $state['created'] ?? 0, $state['updated'] ?? 0, $state['failed'] ?? 0));
            echo '</p>';
            foreach ((array) ($state['errors'] ?? []) as $error) {
                echo '<p class="description">' . esc_html((string) $error) . '</p>';
            }
        }
        self::renderRedirects();
        echo '</div>';
    }

    private static function renderRedirects(): void
    {
        echo '<h2>' . esc_html__('Redirects', 'igny8-bridge') . '</h2><table class="widefat striped"><thead><tr>';
        foreach ([__('Source', 'igny8-bridge'), __('Target', 'igny8-bridge'), __('Status', 'igny8-bridge'), __('Origin', 'igny8-bridge'), __('Hits', 'igny8-bridge'), ''] as $heading) {
            echo '<th>' . esc_html($heading) . '</th>';
        }
        echo '</tr></thead><tbody>';
        foreach (Redirects::all() as $row) {
            printf('<tr><td><code>%s</code></td><td>%s</td><td>%d</td><td>%s</td><td>%d</td><td>', esc_html($row['source']), esc_html($row['target']), (int) $row['status'], esc_html($row['origin']), (int) $row['hits']);
            self::actionButton('redirect_delete', __('Delete', 'igny8-bridge'), ['id' => (string) $row['id']]);
            echo '</td></tr>';
        }
        echo '</tbody></table><form method="post" action="' . esc_url(admin_url('admin-post.php')) . '">';
        wp_nonce_field('igny8_bridge_redirect_add');
        echo '<input type="hidden" name="action" value="igny8_bridge_redirect_add" />';
        printf('<input name="source" placeholder="%s" /> <input name="target" placeholder="%s" /> ', esc_attr__('/old-path', 'igny8-bridge'), esc_attr__('/new-path or https://…', 'igny8-bridge'));
        echo '<select name="status"><option value="301">301</option><option value="302">302</option></select> ';
        submit_button(__('Add redirect', 'igny8-bridge'), 'secondary', 'submit', false);
        echo '</form>';
    }

    /** @param array<string, string> $fields */
    private static function actionButton(string $action, string $label, array $fields = []): void
    {
        echo '<form method="post" style="display:inline-block;margin-right:8px" action="' . esc_url(admin_url('admin-post.php')) . '">';
        wp_nonce_field('igny8_bridge_' . $action);
        echo '<input type="hidden" name="action" value="' . esc_attr('igny8_bridge_' . $action) . '" />';
        foreach ($fields as $name => $value) {
            echo '<input type="hidden" name="' . esc_attr($name) . '" value="' . esc_attr($value) . '" />';
        }
        submit_button($label, 'secondary', 'submit', false);
        echo '</form>';
    }

    private static function guard(string $action): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You may not manage IGNY8 on this site.', 'igny8-bridge'), 403);
        }
        check_admin_referer('igny8_bridge_' . $action);
    }

    public static function handleSave(): void
    {
        self::guard('save');
        $current = Options::settings();
        $url = isset($_POST['backend_url']) ? esc_url_raw(trim(wp_unslash($_POST['backend_url'])), ['http', 'https']) : '';  // phpcs:ignore
        $key = isset($_POST['site_key']) ? sanitize_text_field(wp_unslash($_POST['site_key'])) : '';  // phpcs:ignore
        if ($url === '' || !wp_http_validate_url($url) && !preg_match('#^https?://(127\.0\.0\.1|localhost)(:\d+)?(/|$)#', $url)) {
            self::redirectBack('error', __('The backend URL must be an http(s) URL, such as https://igny8.example.com.', 'igny8-bridge'));
        }
        if ($key !== '' && !preg_match('/^[A-Za-z0-9_\-\.]{16,200}$/', $key)) {
            self::redirectBack('error', __('The site key is the text `igny8 site create` printed (letters, digits, - and _).', 'igny8-bridge'));
        }
        update_option(Options::SETTINGS, ['backend_url' => untrailingslashit($url), 'site_key' => $key !== '' ? $key : $current['site_key']], false);
        self::redirectBack('success', __('Settings saved.', 'igny8-bridge'));
    }

    public static function handleTest(): void
    {
        self::guard('test');
        $answer = Backend::call('POST', '/connect', ['site_url' => home_url(), 'wordpress_version' => get_bloginfo('version'),
            'plugin_version' => IGNY8_BRIDGE_VERSION]);
        if ($answer['ok']) {
            $answer = self::registerBridge($answer);
        }
        if ($answer['ok']) {
            /* translators: %s: the site's name in IGNY8 */
            self::redirectBack('success', sprintf(__('Connected to IGNY8 as "%s".', 'igny8-bridge'), (string) ($answer['data']['name'] ?? '')));
        }
        self::redirectBack('error', $answer['error']);
    }

    /**
     * Tells the backend where this site answers and its secret, so the backend can push to the plugin.
     *
     * @param array{ok: bool, data: mixed, error: string, status: int} $connected
     * @return array{ok: bool, data: mixed, error: string, status: int}
     */
    private static function registerBridge(array $connected): array
    {
        $registered = Backend::call('POST', '/bridge', ['site_url' => home_url(), 'secret' => Options::secret()]);
        return $registered['ok'] ? $connected : $registered;
    }

    public static function handleSync(): void
    {
        self::guard('sync');
        $report = Sync::run();
        /* translators: 1: created, 2: updated, 3: failed */
        $summary = sprintf(__('Sync finished: %1$d created, %2$d updated, %3$d failed.', 'igny8-bridge'), $report['created'] ?? 0, $report['updated'] ?? 0, $report['failed'] ?? 0);
        self::redirectBack($report['ok'] ? 'success' : 'error', $summary . ' ' . implode(' ', (array) $report['errors']));
    }

    public static function handleSecret(): void
    {
        self::guard('secret');
        update_option(Options::SECRET, Secret::generate(), false);
        if (Options::isConnected() && self::registerBridge(['ok' => true, 'data' => null, 'error' => '', 'status' => 200])['ok']) {
            self::redirectBack('success', __('A new secret was made and sent to the backend.', 'igny8-bridge'));
        }
        self::redirectBack('success', __('A new secret was made: press "Test connection" to send it to the backend.', 'igny8-bridge'));
    }

    public static function handleRedirectAdd(): void
    {
        self::guard('redirect_add');
        $raw = [
            'source' => isset($_POST['source']) ? sanitize_text_field(wp_unslash($_POST['source'])) : '',  // phpcs:ignore
            'target' => isset($_POST['target']) ? esc_url_raw(wp_unslash($_POST['target'])) : '',  // phpcs:ignore
            'status' => isset($_POST['status']) ? absint($_POST['status']) : 301,  // phpcs:ignore
        ];
        if (str_starts_with((string) wp_unslash($_POST['target'] ?? ''), '/')) {  // phpcs:ignore
            $raw['target'] = '/' . ltrim((string) wp_parse_url($raw['target'], PHP_URL_PATH), '/');
        }
        [, $errors] = Redirects::saveMany([$raw]);
        self::redirectBack($errors ? 'error' : 'success', $errors ? implode(' ', $errors['0'] ?? []) : __('Redirect saved.', 'igny8-bridge'));
    }

    public static function handleRedirectDelete(): void
    {
        self::guard('redirect_delete');
        Redirects::delete(isset($_POST['id']) ? absint($_POST['id']) : 0);  // phpcs:ignore
        self::redirectBack('success', __('Redirect deleted.', 'igny8-bridge'));
    }

    private static function redirectBack(string $kind, string $message): void
    {
        set_transient(self::NOTICE . get_current_user_id(), ['kind' => $kind, 'message' => $message], 60);
        wp_safe_redirect(admin_url('options-general.php?page=' . self::PAGE));
        exit;
    }

    private static function printNotice(): void
    {
        $notice = get_transient(self::NOTICE . get_current_user_id());
        if (!is_array($notice)) {
            return;
        }
        delete_transient(self::NOTICE . get_current_user_id());
        $class = $notice['kind'] === 'success' ? 'notice-success' : 'notice-error';
        printf('<div class="notice %s" id="igny8-notice"><p>%s</p></div>', esc_attr($class), esc_html((string) $notice['message']));
    }
}
