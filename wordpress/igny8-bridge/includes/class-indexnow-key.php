<?php

namespace Igny8\Bridge;

/**
 * What an IndexNow key is (8–128 letters, digits and dashes) and which key a request path asks for
 * ("/<key>.txt" under the site's home path). No WordPress calls.
 */
final class IndexNowKey
{
    public const PATTERN = '/^[A-Za-z0-9-]{8,128}$/D';  // D: no newline before the end

    public static function isValid(mixed $key): bool
    {
        return is_string($key) && preg_match(self::PATTERN, $key) === 1;
    }

    /** Why a key is refused, or null when it is valid. */
    public static function problem(mixed $key): ?string
    {
        if (self::isValid($key)) {
            return null;
        }
        return 'the IndexNow key must be 8 to 128 letters (a-z, A-Z), digits and dashes';
    }

    /**
     * The key a request asks for: "/blog/abc12345.txt" under the home path "/blog/" asks for "abc12345";
     * null for any other path (another folder, another extension, a malformed key, a query-only change).
     */
    public static function requested(string $requestUri, string $homePath): ?string
    {
        $path = parse_url($requestUri, PHP_URL_PATH);
        if (!is_string($path)) {
            return null;
        }
        $home = '/' . trim($homePath, '/');
        $home = $home === '/' ? '/' : $home . '/';
        if (!str_starts_with($path, $home)) {
            return null;
        }
        $file = substr($path, strlen($home));
        if (!preg_match('/^([A-Za-z0-9-]+)\.txt$/D', $file, $match) || !self::isValid($match[1])) {
            return null;
        }
        return $match[1];
    }
}
