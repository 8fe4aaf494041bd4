<?php

namespace Igny8\Bridge;

/**
 * The taxonomy key WordPress uses for a blueprint taxonomy: at most 32 characters, never a query variable or a
 * core taxonomy, never a taxonomy some other plugin owns (those get an "igny8_" prefix).
 */
final class TaxonomyKeys
{
    public const MAX_LENGTH = 32;
    public const PREFIX = 'igny8_';

    private const RESERVED = [
        'attachment', 'attachment_id', 'author', 'author_name', 'calendar', 'cat', 'category', 'category__and',
        'category__in', 'category__not_in', 'category_name', 'comments_per_page', 'comments_popup', 'custom',
        'customize_messenger_channel', 'customized', 'cpage', 'day', 'debug', 'embed', 'error', 'exact', 'feed',
        'fields', 'hour', 'link_category', 'm', 'minute', 'monthnum', 'more', 'name', 'nav_menu', 'nonce',
        'nopaging', 'offset', 'order', 'orderby', 'p', 'page', 'page_id', 'paged', 'pagename', 'pb', 'perm',
        'post', 'post__in', 'post__not_in', 'post_format', 'post_mime_type', 'post_status', 'post_tag',
        'post_type', 'posts', 'posts_per_archive_page', 'posts_per_page', 'preview', 'robots', 's', 'search',
        'second', 'sentence', 'showposts', 'static', 'status', 'subpost', 'subpost_id', 'tag', 'tag__and',
        'tag__in', 'tag__not_in', 'tag_id', 'tag_slug__and', 'tag_slug__in', 'taxonomy', 'tb', 'term', 'terms',
        'theme', 'title', 'type', 'types', 'w', 'withcomments', 'withoutcomments', 'year', 'pages', 'media',
        'users', 'comments', 'settings', 'themes', 'plugins', 'blocks', 'statuses', 'taxonomies', 'menus',
        'menu-items', 'sidebars', 'widgets', 'widget-types',
    ];

    public static function isReserved(string $key): bool
    {
        return in_array($key, self::RESERVED, true);
    }

    /** Lower-case letters, digits, dashes and underscores only (what WordPress's sanitize_key keeps). */
    public static function clean(string $slug): string
    {
        return (string) preg_replace('/[^a-z0-9_\-]/', '', strtolower($slug));
    }

    /**
     * @param callable(string): bool $existsElsewhere whether a taxonomy of that key exists and is not ours
     */
    public static function key(string $slug, callable $existsElsewhere): string
    {
        $clean = self::clean($slug);
        $key = substr($clean, 0, self::MAX_LENGTH);
        if ($key === '' || self::isReserved($key) || $existsElsewhere($key)) {
            $key = substr(self::PREFIX . $clean, 0, self::MAX_LENGTH);
        }
        return $key;
    }
}
