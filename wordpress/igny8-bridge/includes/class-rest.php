<?php

namespace Igny8\Bridge;

use WP_HTTP_Response;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The igny8/v1 REST namespace. Every route needs the backend's secret or an administrator (Auth::permit),
 * and answers with the backend's envelope, its errors included.
 */
final class Rest
{
    public static function hook(): void
    {
        add_action('rest_api_init', [self::class, 'routes']);
        add_filter('rest_post_dispatch', [self::class, 'envelopeErrors'], 10, 3);
    }

    public static function routes(): void
    {
        $routes = [
            ['/health', WP_REST_Server::READABLE, 'health'],
            ['/status', WP_REST_Server::READABLE, 'status'],
            ['/site-metadata', WP_REST_Server::READABLE, 'siteMetadata'],
            ['/sync/push', WP_REST_Server::CREATABLE, 'syncPush'],
            ['/sync/run', WP_REST_Server::CREATABLE, 'syncRun'],
            ['/sag/sync-blueprint', WP_REST_Server::CREATABLE, 'syncBlueprint'],
            ['/sag/create-taxonomies', WP_REST_Server::CREATABLE, 'createTaxonomies'],
            ['/redirects', WP_REST_Server::READABLE, 'listRedirects'],
            ['/redirects', WP_REST_Server::CREATABLE, 'saveRedirects'],
        ];
        $byPath = [];
        foreach ($routes as [$path, $methods, $callback]) {
            $byPath[$path][] = ['methods' => $methods, 'callback' => [self::class, $callback],
                'permission_callback' => [Auth::class, 'permit']];
        }
        foreach ($byPath as $path => $endpoints) {
            register_rest_route(Envelope::NAMESPACE, $path . '/?', $endpoints);
        }
    }

    /**
     * WordPress's own errors on our routes (refused permission, unknown route) in the backend's envelope.
     *
     * @param mixed $result
     * @return mixed
     */
    public static function envelopeErrors($result, WP_REST_Server $server, WP_REST_Request $request)
    {
        if (!$result instanceof WP_HTTP_Response || !str_starts_with($request->get_route(), '/' . Envelope::NAMESPACE)) {
            return $result;
        }
        $envelope = $result->get_status() >= 400 ? Envelope::fromWordPressError($result->get_data()) : null;
        if ($envelope !== null) {
            $result->set_data($envelope);
        }
        return $result;
    }

    public static function health(): WP_REST_Response
    {
        return self::ok([
            'status' => 'ok', 'plugin' => 'igny8-bridge', 'plugin_version' => IGNY8_BRIDGE_VERSION,
            'wordpress_version' => get_bloginfo('version'), 'php_version' => PHP_VERSION,
            'connected' => Options::isConnected(), 'taxonomies' => array_keys(Taxonomies::stored()),
        ]);
    }

    public static function status(): WP_REST_Response
    {
        $blueprint = Blueprint::stored();
        $state = get_option(Options::SYNC_STATE, null);
        return self::ok([
            'connected' => Options::isConnected(),
            'blueprint_version' => $blueprint['version'] ?? null,
            'synced_posts' => count(get_posts(['post_type' => Taxonomies::POST_TYPES, 'post_status' => 'any',
                'numberposts' => -1, 'fields' => 'ids', 'meta_key' => 'igny8_content_id'])),
            'last_sync' => is_array($state) ? $state : null,
            'next_sync' => wp_next_scheduled(Options::CRON_HOOK) ? gmdate('c', (int) wp_next_scheduled(Options::CRON_HOOK)) : null,
            'seo_plugin' => Seo::activeSeoPlugin(),
        ]);
    }

    public static function siteMetadata(): WP_REST_Response
    {
        $postTypes = [];
        foreach (get_post_types(['public' => true], 'objects') as $type) {
            $counts = wp_count_posts($type->name);
            $postTypes[] = ['name' => $type->name, 'label' => $type->label,
                'published' => (int) ($counts->publish ?? ($counts->inherit ?? 0))];
        }
        $taxonomies = [];
        foreach (get_taxonomies(['public' => true], 'objects') as $taxonomy) {
            $taxonomies[] = ['name' => $taxonomy->name, 'label' => $taxonomy->label,
                'hierarchical' => (bool) $taxonomy->hierarchical, 'object_types' => array_values($taxonomy->object_type),
                'terms' => (int) wp_count_terms(['taxonomy' => $taxonomy->name, 'hide_empty' => false]),
                'igny8' => array_key_exists($taxonomy->name, Taxonomies::stored())];
        }
        return self::ok([
            'site_url' => home_url('/'), 'name' => get_bloginfo('name'), 'language' => get_bloginfo('language'),
            'wordpress_version' => get_bloginfo('version'), 'plugin_version' => IGNY8_BRIDGE_VERSION,
            'permalink_structure' => (string) get_option('permalink_structure'),
            'active_seo_plugin' => Seo::activeSeoPlugin(),
            'post_types' => $postTypes, 'taxonomies' => $taxonomies,
        ]);
    }

    public static function syncPush(WP_REST_Request $request): WP_REST_Response
    {
        $body = $request->get_json_params();
        $items = is_array($body) ? ($body['items'] ?? null) : null;
        if (!is_array($items) || !array_is_list($items) || $items === [] || count($items) > 100) {
            return self::fail(422, __('expected {"items": [...]} with 1 to 100 content queue items', 'igny8-bridge'), ['items' => ['a list of 1 to 100 items is required']]);
        }
        $events = Sync::applyPushed($items);
        if ($events === null) {
            return self::fail(409, __('a sync is running; push again in a minute', 'igny8-bridge'));
        }
        $confirmed = false;
        if (Options::isConnected() && $events !== []) {
            $confirmed = Backend::call('POST', '/sync-events', ['events' => $events])['ok'];
        }
        return self::ok(['events' => $events, 'confirmed' => $confirmed], count($events) . ' items applied');
    }

    public static function syncRun(): WP_REST_Response
    {
        $report = Sync::run();
        return $report['ok'] ? self::ok($report, 'sync finished') : self::fail(502, implode(' ', $report['errors']), ['sync' => $report['errors']]);
    }

    public static function syncBlueprint(WP_REST_Request $request): WP_REST_Response
    {
        $body = $request->get_json_params();
        if ($body === null) {
            return self::fail(400, __('the body must be the blueprint as JSON', 'igny8-bridge'));
        }
        [$summary, $errors] = Blueprint::sync($body);
        if ($summary === null) {
            return self::fail(422, __('the blueprint is invalid; nothing was changed', 'igny8-bridge'), $errors);
        }
        delete_option(Options::BLUEPRINT_ETAG);  // the next pull fetches the active version whole again
        return self::ok($summary, 'blueprint ' . $summary['version'] . ' stored');
    }

    public static function createTaxonomies(WP_REST_Request $request): WP_REST_Response
    {
        $body = $request->get_json_params();
        $items = is_array($body) && array_key_exists('taxonomies', $body) ? $body['taxonomies'] : $body;
        [$result, $errors] = Taxonomies::createMany($items);
        if ($errors) {
            return self::fail(400, __('some taxonomies are invalid; nothing was changed', 'igny8-bridge'), $errors);
        }
        return self::ok(['taxonomies' => $result], count($result) . ' taxonomies registered');
    }

    public static function listRedirects(): WP_REST_Response
    {
        return self::ok(Redirects::all());
    }

    public static function saveRedirects(WP_REST_Request $request): WP_REST_Response
    {
        $body = $request->get_json_params();
        [$saved, $errors] = Redirects::saveMany(is_array($body) ? ($body['redirects'] ?? null) : null);
        if ($errors) {
            return self::fail(422, __('some redirects are invalid; nothing was changed', 'igny8-bridge'), $errors);
        }
        return self::ok(['saved' => $saved], $saved . ' redirects saved');
    }

    /** @param mixed $data */
    private static function ok($data, string $message = ''): WP_REST_Response
    {
        return new WP_REST_Response(Envelope::ok($data, $message), 200);
    }

    /** @param array<string, list<string>> $errors */
    private static function fail(int $status, string $error, array $errors = []): WP_REST_Response
    {
        return new WP_REST_Response(Envelope::error($error, $errors), $status);
    }
}
