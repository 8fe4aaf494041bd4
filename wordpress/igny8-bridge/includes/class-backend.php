<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The IGNY8 backend's plugin API (/api/v1/plugin/...), called with the site key. Every answer is checked
 * for the backend's envelope; a failure comes back as a message a site owner can act on, never an exception.
 */
final class Backend
{
    private const TIMEOUT_S = 20;

    /**
     * @param array<string, mixed>|list<mixed>|null $body
     * @param array<string, string> $headers extra request headers (If-None-Match)
     * @return array{ok: bool, data: mixed, error: string, status: int, etag?: string}
     */
    public static function call(string $method, string $path, $body = null, array $headers = []): array
    {
        $settings = Options::settings();
        if ($settings['backend_url'] === '' || $settings['site_key'] === '') {
            return self::failure(0, __('The plugin is not connected: set the backend URL and the site key in Settings → IGNY8.', 'igny8-bridge'));
        }
        $args = [
            'method' => $method,
            'timeout' => self::TIMEOUT_S,
            'redirection' => 0,
            'headers' => ['X-IGNY8-API-KEY' => $settings['site_key'], 'Accept' => 'application/json'] + $headers,
        ];
        if ($body !== null) {
            $args['headers']['Content-Type'] = 'application/json';
            $args['body'] = wp_json_encode($body);
        }
        $response = wp_remote_request(untrailingslashit($settings['backend_url']) . '/api/v1/plugin' . $path, $args);
        if (is_wp_error($response)) {
            /* translators: %s: the HTTP library's error message */
            return self::failure(0, sprintf(__('The IGNY8 backend could not be reached: %s', 'igny8-bridge'), $response->get_error_message()));
        }
        $status = (int) wp_remote_retrieve_response_code($response);
        $etag = (string) wp_remote_retrieve_header($response, 'etag');
        if ($status === 304) {
            return ['ok' => true, 'data' => null, 'error' => '', 'status' => 304, 'etag' => $etag];
        }
        $decoded = json_decode((string) wp_remote_retrieve_body($response), true);
        if (!is_array($decoded) || !array_key_exists('success', $decoded)) {
            /* translators: %d: HTTP status code */
            return self::failure($status, sprintf(__('The IGNY8 backend answered HTTP %d without its JSON envelope: check the backend URL.', 'igny8-bridge'), $status));
        }
        if ($status === 401 || $status === 403) {
            return self::failure($status, __('The IGNY8 backend refused the site key: paste the site key again.', 'igny8-bridge'));
        }
        if (!$decoded['success'] || $status >= 400) {
            $error = is_string($decoded['error'] ?? null) ? $decoded['error'] : 'HTTP ' . $status;
            return self::failure($status, $error);
        }
        return ['ok' => true, 'data' => $decoded['data'] ?? null, 'error' => '', 'status' => $status, 'etag' => $etag];
    }

    /** @return array{ok: bool, data: mixed, error: string, status: int} */
    private static function failure(int $status, string $error): array
    {
        return ['ok' => false, 'data' => null, 'error' => $error, 'status' => $status];
    }
}
