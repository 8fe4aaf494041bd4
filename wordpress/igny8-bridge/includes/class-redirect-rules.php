<?php

namespace Igny8\Bridge;

/**
 * What a redirect may be: a site-relative source path, an http(s) or site-relative target, 301 or 302, and
 * never a loop onto itself. No WordPress calls.
 */
final class RedirectRules
{
    public const STATUSES = [301, 302];
    public const ORIGINS = ['manual', 'analysis'];

    /** "/Old-Page/?x=1" → "/old-page"; null when it is not a path on this site. */
    public static function normalisePath(string $source): ?string
    {
        $source = trim($source);
        if ($source === '' || preg_match('#^[a-z][a-z0-9+.\-]*://#i', $source) || str_starts_with($source, '//')) {
            return null;
        }
        $path = (string) parse_url($source, PHP_URL_PATH);
        $path = '/' . trim(strtolower(rawurldecode($path)), '/');
        if (strlen($path) > 255 || preg_match('/[\s<>"\x00-\x1f]/', $path)) {
            return null;
        }
        return $path;
    }

    /**
     * A checked redirect, or the message that says what to fix.
     *
     * @param mixed $raw {source, target, status?, origin?}
     * @return array{source: string, target: string, status: int, origin: string}|string
     */
    public static function check($raw)
    {
        if (!is_array($raw)) {
            return 'a redirect is a JSON object {source, target, status}';
        }
        $source = is_string($raw['source'] ?? null) ? self::normalisePath($raw['source']) : null;
        if ($source === null || $source === '/') {
            return 'source must be a path on this site, such as /old-page (not the home page)';
        }
        $target = is_string($raw['target'] ?? null) ? trim($raw['target']) : '';
        $isPath = str_starts_with($target, '/') && !str_starts_with($target, '//');
        if (!$isPath && !preg_match('#^https?://[^\s<>"]+$#i', $target)) {
            return 'target must be a path (/new-page) or an http(s) URL';
        }
        if (strlen($target) > 2000 || ($isPath && self::normalisePath($target) === $source)) {
            return 'target must differ from the source and be at most 2000 characters';
        }
        $status = $raw['status'] ?? 301;
        if (!in_array($status, self::STATUSES, true)) {
            return 'status must be 301 or 302';
        }
        $origin = $raw['origin'] ?? 'manual';
        if (!in_array($origin, self::ORIGINS, true)) {
            return 'origin must be manual or analysis';
        }
        return ['source' => $source, 'target' => $target, 'status' => $status, 'origin' => $origin];
    }
}
