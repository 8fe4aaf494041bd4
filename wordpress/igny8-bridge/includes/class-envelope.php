<?php

namespace Igny8\Bridge;

/**
 * The backend's response envelope: {success, data, message, request_id} or {success: false, error, errors,
 * request_id}. WordPress's own errors on our routes (a refused permission, a bad argument) are rewritten into it.
 */
final class Envelope
{
    public const NAMESPACE = 'igny8/v1';

    /**
     * @param mixed $data
     * @return array<string, mixed>
     */
    public static function ok($data, string $message = ''): array
    {
        return ['success' => true, 'data' => $data, 'message' => $message, 'request_id' => self::requestId()];
    }

    /**
     * @param array<string, list<string>> $errors
     * @return array<string, mixed>
     */
    public static function error(string $error, array $errors = []): array
    {
        return ['success' => false, 'error' => $error, 'errors' => (object) $errors, 'request_id' => self::requestId()];
    }

    /**
     * WordPress's error body ({code, message, data}) as an envelope, or null when the body is not one.
     *
     * @param mixed $body
     * @return array<string, mixed>|null
     */
    public static function fromWordPressError($body): ?array
    {
        if (!is_array($body) || !isset($body['code'], $body['message']) || array_key_exists('success', $body)) {
            return null;
        }
        $errors = [];
        $params = $body['data']['params'] ?? null;
        if (is_array($params)) {
            foreach ($params as $field => $problem) {
                $errors[(string) $field] = [(string) $problem];
            }
        }
        return self::error((string) $body['message'], $errors);
    }

    private static function requestId(): string
    {
        return function_exists('wp_generate_uuid4') ? wp_generate_uuid4() : bin2hex(random_bytes(16));
    }
}
