<?php

namespace Igny8\Bridge;

use WP_Post;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * Extends core's wp-sitemap.xml: last-modified dates on posts and pages, terms whose landing page exists
 * left out (the landing page is listed instead), no author archives. Yoast and Rank Math replace core's
 * sitemap with their own, so nothing here runs for them.
 */
final class Sitemap
{
    public static function hook(): void
    {
        add_filter('wp_sitemaps_posts_entry', [self::class, 'withLastModified'], 10, 2);
        add_filter('wp_sitemaps_taxonomies_query_args', [self::class, 'withoutLandingTerms'], 10, 2);
        add_filter('wp_sitemaps_add_provider', [self::class, 'withoutUsers'], 10, 2);
    }

    /**
     * @param array<string, mixed> $entry
     * @return array<string, mixed>
     */
    public static function withLastModified(array $entry, WP_Post $post): array
    {
        $entry['lastmod'] = get_post_modified_time('c', true, $post);
        return $entry;
    }

    /**
     * @param array<string, mixed> $args
     * @return array<string, mixed>
     */
    public static function withoutLandingTerms(array $args, string $taxonomy): array
    {
        $landed = [];
        foreach (self::landingTerms() as $pair) {
            [$key, $slug] = array_pad(explode('|', $pair, 2), 2, '');
            if ($key === $taxonomy) {
                $term = get_term_by('slug', $slug, $taxonomy);
                if ($term) {
                    $landed[] = (int) $term->term_id;
                }
            }
        }
        if ($landed) {
            $args['exclude'] = array_merge((array) ($args['exclude'] ?? []), $landed);
        }
        return $args;
    }

    /**
     * @param mixed $provider
     * @return mixed
     */
    public static function withoutUsers($provider, string $name)
    {
        return $name === 'users' ? false : $provider;
    }

    /** @return list<string> "taxonomy|term-slug" of every published landing page */
    private static function landingTerms(): array
    {
        $ids = get_posts(['post_type' => Taxonomies::POST_TYPES, 'post_status' => 'publish', 'numberposts' => -1,
            'fields' => 'ids', 'meta_key' => '_igny8_term', 'meta_compare' => '!=', 'meta_value' => '']);
        return array_values(array_filter(array_map(static function ($id): string {
            return (string) get_post_meta((int) $id, '_igny8_term', true);
        }, $ids)));
    }
}
