<?php

namespace Igny8\Bridge;

use WP;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The IndexNow key file: the backend stores the site's key (POST igny8/v1/indexnow-key, with its secret) and
 * the site answers GET /<key>.txt with exactly that key as text/plain, so search engines can verify the
 * backend's submissions. Any other key is left to WordPress, which answers 404.
 */
final class IndexNow
{
    public const OPTION = 'igny8_bridge_indexnow_key';

    public static function hook(): void
    {
        add_action('parse_request', [self::class, 'maybeServe'], 0);
        add_action('rest_api_init', [self::class, 'routes']);
    }

    public static function routes(): void
    {
        register_rest_route(Envelope::NAMESPACE, '/indexnow-key/?', [
            ['methods' => WP_REST_Server::READABLE, 'callback' => [self::class, 'show'], 'permission_callback' => [Auth::class, 'permit']],
            ['methods' => WP_REST_Server::CREATABLE, 'callback' => [self::class, 'store'], 'permission_callback' => [Auth::class, 'permit']],
        ]);
    }

    public static function stored(): string
    {
        $key = get_option(self::OPTION, '');
        return IndexNowKey::isValid($key) ? $key : '';
    }

    /** Where the key file answers: under the site's home, so it covers every URL of the site. */
    public static function location(string $key): string
    {
        return home_url('/' . $key . '.txt');
    }

    public static function show(): WP_REST_Response
    {
        $key = self::stored();
        return new WP_REST_Response(Envelope::ok(['key' => $key ?: null, 'key_location' => $key ? self::location($key) : null]), 200);
    }

    public static function store(WP_REST_Request $request): WP_REST_Response
    {
        $body = $request->get_json_params();
        $key = is_array($body) ? ($body['key'] ?? null) : null;
        $problem = IndexNowKey::problem($key);
        if ($problem !== null) {
            return new WP_REST_Response(Envelope::error(__('the IndexNow key is invalid; nothing was changed', 'igny8-bridge'), ['key' => [$problem]]), 422);
        }
        update_option(self::OPTION, $key, true);  // read on every request that may ask for the key file
        return new WP_REST_Response(Envelope::ok(['key' => $key, 'key_location' => self::location($key)], 'IndexNow key stored'), 200);
    }

    /** Answers the key file itself, before WordPress looks for a post of that name. */
    public static function maybeServe(WP $wp): void
    {
        $key = self::stored();
        $uri = isset($_SERVER['REQUEST_URI']) ? sanitize_text_field(wp_unslash($_SERVER['REQUEST_URI'])) : '';
        $homePath = (string) wp_parse_url(home_url('/'), PHP_URL_PATH);
        if ($key === '' || !hash_equals($key, (string) IndexNowKey::requested($uri, $homePath))) {
            return;
        }
        status_header(200);
        header('Content-Type: text/plain; charset=utf-8');
        header('X-Robots-Tag: noindex');
        header('Cache-Control: max-age=300');
        echo esc_html($key);
        exit;
    }
}
