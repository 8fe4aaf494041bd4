<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The blueprint's taxonomies: stored definitions registered on every request (not only when created), and
 * IGNY8's post meta, readable and writable over REST by whoever may edit the post.
 */
final class Taxonomies
{
    public const POST_TYPES = ['post', 'page'];
    public const REST_META = [
        'igny8_task_id' => 'integer',
        'igny8_content_id' => 'integer',
        'igny8_blueprint_version' => 'integer',
        'igny8_cluster' => 'string',
    ];

    public static function hook(): void
    {
        add_action('init', [self::class, 'registerStored'], 5);
        add_action('init', [self::class, 'registerMeta']);
    }

    /** @return array<string, array{slug: string, name: string, hierarchical: bool}> */
    public static function stored(): array
    {
        $stored = get_option(Options::TAXONOMIES, []);
        return is_array($stored) ? $stored : [];
    }

    public static function registerStored(): void
    {
        foreach (self::stored() as $key => $spec) {
            self::register((string) $key, $spec);
        }
    }

    /** @param array{slug: string, name: string, hierarchical: bool} $spec */
    private static function register(string $key, array $spec): void
    {
        register_taxonomy($key, self::POST_TYPES, [
            'labels' => ['name' => $spec['name'], 'singular_name' => $spec['name']],
            'public' => true,
            'hierarchical' => (bool) $spec['hierarchical'],
            'show_in_rest' => true,
            'rest_base' => $key,
            'show_admin_column' => true,
            'rewrite' => ['slug' => $spec['slug'], 'hierarchical' => (bool) $spec['hierarchical']],
        ]);
    }

    public static function registerMeta(): void
    {
        $canEdit = static function ($allowed, $metaKey, $postId): bool {
            return current_user_can('edit_post', $postId);
        };
        foreach (self::POST_TYPES as $postType) {
            foreach (self::REST_META as $metaKey => $type) {
                register_post_meta($postType, $metaKey, [
                    'type' => $type, 'single' => true, 'show_in_rest' => true, 'auth_callback' => $canEdit,
                ]);
            }
        }
        register_post_meta('attachment', 'igny8_content_id', [
            'type' => 'integer', 'single' => true, 'show_in_rest' => true, 'auth_callback' => $canEdit,
        ]);
    }

    /** The key of the stored taxonomy made from a blueprint slug, or null. */
    public static function keyOf(string $slug): ?string
    {
        foreach (self::stored() as $key => $spec) {
            if ($spec['slug'] === $slug) {
                return (string) $key;
            }
        }
        return null;
    }

    /**
     * Validates every item first; stores and registers them only when all are valid.
     *
     * @param mixed $items a list of {slug, name, hierarchical}
     * @return array{0: list<array<string, mixed>>, 1: array<string, list<string>>} (registered, errors)
     */
    public static function createMany($items): array
    {
        if (!is_array($items) || !array_is_list($items) || $items === []) {
            return [[], ['taxonomies' => [__('expected a non-empty JSON list of {slug, name, hierarchical}', 'igny8-bridge')]]];
        }
        $stored = self::stored();
        $errors = [];
        $specs = [];
        foreach ($items as $index => $item) {
            $slug = is_array($item) && is_string($item['slug'] ?? null) ? sanitize_title($item['slug']) : '';
            $name = is_array($item) && is_string($item['name'] ?? null) ? sanitize_text_field($item['name']) : '';
            if ($slug === '' || $name === '' || strlen($slug) > 200 || strlen($name) > 200) {
                $errors[(string) $index] = [__('slug and name are required text of at most 200 characters', 'igny8-bridge')];
                continue;
            }
            $specs[] = ['slug' => $slug, 'name' => $name, 'hierarchical' => !empty($item['hierarchical'])];
        }
        if ($errors) {
            return [[], $errors];
        }
        $result = [];
        foreach ($specs as $spec) {
            $key = self::keyOf($spec['slug']) ?? TaxonomyKeys::key($spec['slug'], static function (string $key) use ($stored): bool {
                return taxonomy_exists($key) && !array_key_exists($key, $stored);
            });
            $created = !array_key_exists($key, $stored);
            $stored[$key] = $spec;
            self::register($key, $spec);
            $result[] = ['slug' => $spec['slug'], 'taxonomy' => $key, 'rest_base' => $key, 'name' => $spec['name'],
                'hierarchical' => $spec['hierarchical'], 'created' => $created];
        }
        update_option(Options::TAXONOMIES, $stored);
        flush_rewrite_rules(false);
        return [$result, []];
    }
}
