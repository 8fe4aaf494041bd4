<?php

namespace Igny8\Bridge;

/**
 * The shared secret between the backend and the plugin: made from random bytes, compared in constant time.
 */
final class Secret
{
    public const HEADER = 'X-IGNY8-Secret';
    public const MIN_LENGTH = 32;

    public static function generate(): string
    {
        return bin2hex(random_bytes(24));
    }

    /** Whether the secret a request carries is the stored one (an empty or short stored secret never matches). */
    public static function matches(string $stored, string $given): bool
    {
        if (strlen($stored) < self::MIN_LENGTH || $given === '') {
            return false;
        }
        return hash_equals($stored, $given);
    }
}
