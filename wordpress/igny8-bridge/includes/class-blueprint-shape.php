<?php

namespace Igny8\Bridge;

/**
 * The shape of a pushed blueprint: what is kept of it, checked field by field (untrusted input), and the
 * questions the plugin asks of it. No WordPress calls, so PHPUnit tests it on its own.
 */
final class BlueprintShape
{
    private const MAX_ITEMS = 5000;

    /**
     * @param mixed $body
     * @return array{0: array<string, mixed>|null, 1: array<string, list<string>>}
     */
    public static function clean($body): array
    {
        if (!is_array($body)) {
            return [null, ['blueprint' => ['expected a JSON object']]];
        }
        $errors = [];
        $version = $body['version'] ?? null;
        if (!is_int($version) || $version < 1) {
            $errors['version'] = ['a positive integer is required'];
        }
        foreach (['taxonomy', 'pages', 'attributes', 'clusters'] as $field) {
            if (!isset($body[$field]) || !is_array($body[$field]) || !array_is_list($body[$field])) {
                $errors[$field] = ['a list is required'];
            } elseif (count($body[$field]) > self::MAX_ITEMS) {
                $errors[$field] = ['at most ' . self::MAX_ITEMS . ' items'];
            }
        }
        if ($errors) {
            return [null, $errors];
        }
        $taxonomies = [];
        foreach ($body['taxonomy'] as $i => $taxonomy) {
            $terms = [];
            foreach (is_array($taxonomy['terms'] ?? null) ? $taxonomy['terms'] : [] as $term) {
                $value = self::text($term['value'] ?? null);
                $slug = self::slug($term['slug'] ?? null);
                if ($value !== '' && $slug !== '') {
                    $terms[] = ['value' => $value, 'slug' => $slug, 'page_title' => self::text($term['page_title'] ?? null)];
                }
            }
            $slug = self::slug($taxonomy['slug'] ?? null);
            $name = self::text($taxonomy['name'] ?? null);
            if ($slug === '' || $name === '') {
                $errors["taxonomy.$i"] = ['slug and name are required'];
                continue;
            }
            $taxonomies[] = [
                'attribute' => self::slug($taxonomy['attribute'] ?? $slug, true), 'slug' => $slug, 'name' => $name,
                'hierarchical' => !empty($taxonomy['hierarchical']), 'terms' => $terms,
            ];
        }
        $pages = [];
        foreach ($body['pages'] as $i => $page) {
            $slug = self::slug($page['slug'] ?? null);
            if ($slug === '') {
                $errors["pages.$i"] = ['slug is required'];
                continue;
            }
            $values = [];
            foreach (is_array($page['attribute_values'] ?? null) ? $page['attribute_values'] : [] as $attribute => $value) {
                $values[self::slug((string) $attribute, true)] = self::text($value);
            }
            $pages[] = [
                'slug' => $slug, 'title' => self::text($page['title'] ?? null), 'kind' => self::slug($page['kind'] ?? null),
                'content_type' => self::slug($page['content_type'] ?? null), 'cluster' => self::slug($page['cluster'] ?? null),
                'priority_phase' => (int) ($page['priority_phase'] ?? 0), 'attribute_values' => $values,
            ];
        }
        if ($errors) {
            return [null, $errors];
        }
        $attributes = [];
        foreach ($body['attributes'] as $attribute) {
            $attributes[] = [
                'slug' => self::slug($attribute['slug'] ?? null, true), 'name' => self::text($attribute['name'] ?? null),
                'level' => self::slug($attribute['level'] ?? null), 'values' => self::texts($attribute['values'] ?? null),
            ];
        }
        $clusters = [];
        foreach ($body['clusters'] as $cluster) {
            $clusters[] = [
                'slug' => self::slug($cluster['slug'] ?? null), 'name' => self::text($cluster['name'] ?? null),
                'type' => self::slug($cluster['type'] ?? null, true),
                'hub' => self::text(is_array($cluster['hub'] ?? null) ? ($cluster['hub']['title'] ?? null) : null),
            ];
        }
        $health = is_array($body['health'] ?? null) && is_numeric($body['health']['score'] ?? null)
            ? (float) $body['health']['score'] : null;
        return [[
            'version' => $version, 'industry' => self::slug($body['industry'] ?? null),
            'site_type' => self::slug($body['site_type'] ?? null, true), 'health' => $health,
            'taxonomy' => $taxonomies, 'pages' => $pages, 'attributes' => $attributes, 'clusters' => $clusters,
        ], []];
    }

    /**
     * @param array<string, mixed> $blueprint a cleaned blueprint
     * @param callable(string): ?string $keyOf the WordPress taxonomy key of a blueprint taxonomy slug
     * @return array{0: string, 1: string}|null
     */
    public static function landingTerm(array $blueprint, string $pageSlug, callable $keyOf): ?array
    {
        foreach ($blueprint['pages'] as $page) {
            if ($page['slug'] !== $pageSlug || $page['kind'] !== 'term' || count($page['attribute_values']) !== 1) {
                continue;
            }
            $attribute = (string) array_key_first($page['attribute_values']);
            $value = $page['attribute_values'][$attribute];
            foreach ($blueprint['taxonomy'] as $taxonomy) {
                if ($taxonomy['attribute'] !== $attribute) {
                    continue;
                }
                foreach ($taxonomy['terms'] as $term) {
                    $key = $keyOf($taxonomy['slug']);
                    if ($term['value'] === $value && $key !== null) {
                        return [$key, $term['slug']];
                    }
                }
            }
        }
        return null;
    }

    /**
     * The terms a planned page belongs to, from its attribute values: [taxonomy key, term slug] each.
     *
     * @param array<string, mixed> $blueprint a cleaned blueprint
     * @param callable(string): ?string $keyOf the WordPress taxonomy key of a blueprint taxonomy slug
     * @return list<array{0: string, 1: string}>
     */
    public static function termsOf(array $blueprint, string $pageSlug, callable $keyOf): array
    {
        $found = [];
        foreach ($blueprint['pages'] as $page) {
            if ($page['slug'] !== $pageSlug) {
                continue;
            }
            foreach ($blueprint['taxonomy'] as $taxonomy) {
                $value = $page['attribute_values'][$taxonomy['attribute']] ?? null;
                $key = $value === null ? null : $keyOf($taxonomy['slug']);
                foreach ($key === null ? [] : $taxonomy['terms'] as $term) {
                    if ($term['value'] === $value) {
                        $found[] = [$key, $term['slug']];
                    }
                }
            }
        }
        return $found;
    }

    /**
     * Pages grouped by cluster slug (pages without a cluster under '').
     *
     * @param array<string, mixed> $blueprint
     * @return array<string, list<array<string, mixed>>>
     */
    public static function pagesByCluster(array $blueprint): array
    {
        $grouped = [];
        foreach ($blueprint['pages'] as $page) {
            $grouped[$page['cluster']][] = $page;
        }
        return $grouped;
    }

    /** @param mixed $value */
    private static function text($value): string
    {
        if (!is_string($value) && !is_int($value) && !is_float($value)) {
            return '';
        }
        $plain = trim((string) preg_replace('/\s+/u', ' ', strip_tags((string) $value)));
        return mb_substr($plain, 0, 300);
    }

    /**
     * @param mixed $value
     * @return list<string>
     */
    private static function texts($value): array
    {
        return is_array($value) ? array_values(array_filter(array_map([self::class, 'text'], $value), 'strlen')) : [];
    }

    /** @param mixed $value */
    private static function slug($value, bool $underscores = false): string
    {
        if (!is_string($value)) {
            return '';
        }
        $allowed = $underscores ? '/[^a-z0-9_\-]/' : '/[^a-z0-9\-]/';
        return substr((string) preg_replace($allowed, '', strtolower($value)), 0, 200);
    }
}
