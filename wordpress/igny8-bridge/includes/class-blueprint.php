<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The site's blueprint as the backend made it, kept in one option: its taxonomies are registered and their
 * terms created; its page plan maps term landing pages to their terms and feeds the structure view.
 */
final class Blueprint
{
    /** @return array<string, mixed>|null */
    public static function stored(): ?array
    {
        $stored = get_option(Options::BLUEPRINT, null);
        return is_array($stored) ? $stored : null;
    }

    /**
     * Checks and stores a pushed blueprint, registers its taxonomies and creates their terms.
     *
     * @param mixed $body the backend's blueprint view
     * @return array{0: array<string, mixed>|null, 1: array<string, list<string>>} (summary, errors)
     */
    public static function sync($body): array
    {
        [$blueprint, $errors] = BlueprintShape::clean($body);
        if ($blueprint === null) {
            return [null, $errors];
        }
        $specs = array_map(static function (array $taxonomy): array {
            return ['slug' => $taxonomy['slug'], 'name' => $taxonomy['name'], 'hierarchical' => $taxonomy['hierarchical']];
        }, $blueprint['taxonomy']);
        $registered = [];
        if ($specs) {
            [$registered, $errors] = Taxonomies::createMany($specs);
            if ($errors) {
                return [null, $errors];
            }
        }
        $terms = 0;
        foreach ($blueprint['taxonomy'] as $taxonomy) {
            $key = Taxonomies::keyOf($taxonomy['slug']);
            foreach ($key === null ? [] : $taxonomy['terms'] as $term) {
                if (!term_exists($term['slug'], $key)) {
                    $made = wp_insert_term($term['value'], $key, ['slug' => $term['slug']]);
                    $terms += is_wp_error($made) ? 0 : 1;
                }
            }
        }
        update_option(Options::BLUEPRINT, $blueprint, false);
        return [[
            'version' => $blueprint['version'],
            'taxonomies' => $registered,
            'terms_created' => $terms,
            'pages' => count($blueprint['pages']),
            'clusters' => count($blueprint['clusters']),
        ], []];
    }

    /**
     * The terms a planned page belongs to: [taxonomy key, term slug] each.
     *
     * @return list<array{0: string, 1: string}>
     */
    public static function termsOf(string $pageSlug): array
    {
        $blueprint = self::stored();
        return $blueprint === null ? [] : BlueprintShape::termsOf($blueprint, $pageSlug, [Taxonomies::class, 'keyOf']);
    }

    /**
     * The term a planned page lands on: [taxonomy key, term slug], or null when the page is not a term page.
     *
     * @return array{0: string, 1: string}|null
     */
    public static function landingTermOf(string $pageSlug): ?array
    {
        $blueprint = self::stored();
        if ($blueprint === null) {
            return null;
        }
        return BlueprintShape::landingTerm($blueprint, $pageSlug, [Taxonomies::class, 'keyOf']);
    }
}
