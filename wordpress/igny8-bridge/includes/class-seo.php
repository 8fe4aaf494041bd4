<?php

namespace Igny8\Bridge;

use WP_Post;
use WP_Term;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The SEO core on public pages: title, meta description, canonical, Open Graph and one JSON-LD @graph.
 * When Yoast SEO or Rank Math is active, they print all of these: ours steps back (and hands our page nodes
 * to Yoast's graph), so a page never carries two of anything.
 */
final class Seo
{
    public static function hook(): void
    {
        add_filter('the_content', [self::class, 'withoutSchemaBlock'], 1);
        add_action('wp', [self::class, 'takeOver']);
        add_filter('wpseo_schema_graph', [self::class, 'intoYoastGraph'], 20);
    }

    /** The SEO plugin that prints the head's SEO tags, or null when ours does. */
    public static function activeSeoPlugin(): ?string
    {
        if (defined('WPSEO_VERSION')) {
            return 'yoast';
        }
        if (defined('RANK_MATH_VERSION') || class_exists('RankMath')) {
            return 'rank-math';
        }
        return null;
    }

    public static function takeOver(): void
    {
        if (is_admin() || is_feed() || self::activeSeoPlugin() !== null) {
            return;
        }
        remove_action('wp_head', 'rel_canonical');
        add_filter('pre_get_document_title', [self::class, 'title'], 20);
        add_action('wp_head', [self::class, 'printHead'], 1);
    }

    /** The JSON-LD block a page's body may carry (published over REST) moves into the head's @graph. */
    public static function withoutSchemaBlock(string $content): string
    {
        if (!str_contains($content, 'data-igny8="schema"')) {
            return $content;
        }
        return (string) preg_replace(ContentItem::SCHEMA_PATTERN, '', $content);
    }

    public static function title(string $title): string
    {
        $subject = self::subject();
        if ($subject === null) {
            return $title;
        }
        return $subject['title'] . ' – ' . get_bloginfo('name', 'display');
    }

    public static function printHead(): void
    {
        $subject = self::subject();
        if ($subject === null) {
            return;
        }
        if ($subject['description'] !== '') {
            printf('<meta name="description" content="%s" />' . "\n", esc_attr($subject['description']));
        }
        printf('<link rel="canonical" href="%s" />' . "\n", esc_url($subject['canonical']));
        $og = [
            'og:type' => $subject['og_type'], 'og:title' => $subject['title'], 'og:description' => $subject['description'],
            'og:url' => $subject['canonical'], 'og:site_name' => get_bloginfo('name', 'display'),
            'og:locale' => get_locale(), 'og:image' => $subject['image'],
        ];
        foreach ($og as $property => $value) {
            if ((string) $value !== '') {
                $escaped = in_array($property, ['og:url', 'og:image'], true) ? esc_url((string) $value) : esc_attr((string) $value);
                printf('<meta property="%s" content="%s" />' . "\n", esc_attr($property), $escaped);
            }
        }
        $graph = Graph::build(self::site(), [
            'url' => $subject['canonical'], 'title' => $subject['title'], 'description' => $subject['description'],
            'type' => $subject['page_type'], 'published' => $subject['published'], 'modified' => $subject['modified'],
            'image' => $subject['image'] !== '' ? $subject['image'] : null,
        ], $subject['nodes']);
        // Graph::encode escapes "</", so the JSON cannot close the script element.
        echo '<script type="application/ld+json" class="igny8-graph">' . Graph::encode($graph) . "</script>\n"; // phpcs:ignore
    }

    /**
     * @param list<array<string, mixed>> $graph Yoast's graph
     * @return list<array<string, mixed>>
     */
    public static function intoYoastGraph($graph)
    {
        $post = is_singular() ? get_queried_object() : null;
        if (!$post instanceof WP_Post || !is_array($graph)) {
            return $graph;
        }
        $built = Graph::build(self::site(), ['url' => (string) get_permalink($post), 'title' => get_the_title($post)], self::nodesOf($post));
        return array_merge($graph, array_slice($built['@graph'], 3));
    }

    /** @return array{url: string, name: string, description: string, language: string, logo?: string} */
    private static function site(): array
    {
        $site = ['url' => home_url('/'), 'name' => get_bloginfo('name'), 'description' => get_bloginfo('description'),
            'language' => get_bloginfo('language')];
        $logo = get_theme_mod('custom_logo');
        if ($logo) {
            $site['logo'] = (string) wp_get_attachment_image_url((int) $logo, 'full');
        }
        return $site;
    }

    /**
     * What the head describes: the post or page, a term archive, or the front page; null elsewhere.
     *
     * @return array<string, mixed>|null
     */
    public static function subject(): ?array
    {
        $object = get_queried_object();
        if (is_singular() && $object instanceof WP_Post) {
            $description = (string) get_post_meta($object->ID, '_igny8_meta_description', true);
            if ($description === '') {
                $description = has_excerpt($object) ? $object->post_excerpt : wp_trim_words(wp_strip_all_tags(strip_shortcodes($object->post_content)), 30, '…');
            }
            $image = has_post_thumbnail($object) ? (string) get_the_post_thumbnail_url($object, 'full') : '';
            return [
                'title' => wp_strip_all_tags(get_the_title($object)),
                'description' => mb_substr(trim(wp_strip_all_tags($description)), 0, 320),
                'canonical' => (string) (wp_get_canonical_url($object) ?: get_permalink($object)),
                'og_type' => $object->post_type === 'post' ? 'article' : 'website',
                'page_type' => 'WebPage',
                'published' => get_the_date('c', $object), 'modified' => get_the_modified_date('c', $object),
                'image' => $image, 'nodes' => self::nodesOf($object),
            ];
        }
        if ((is_tax() || is_category() || is_tag()) && $object instanceof WP_Term) {
            $landing = self::landingPageOf($object);
            $description = wp_strip_all_tags(term_description($object));
            return [
                'title' => $landing ? wp_strip_all_tags(get_the_title($landing)) : $object->name,
                'description' => mb_substr(trim($description), 0, 320),
                'canonical' => $landing ? (string) get_permalink($landing) : (string) get_term_link($object),
                'og_type' => 'website', 'page_type' => 'CollectionPage', 'published' => null, 'modified' => null,
                'image' => '', 'nodes' => [],
            ];
        }
        if (is_front_page() || is_home()) {
            return [
                'title' => get_bloginfo('name'), 'description' => get_bloginfo('description'),
                'canonical' => home_url('/'), 'og_type' => 'website', 'page_type' => 'WebPage',
                'published' => null, 'modified' => null, 'image' => '', 'nodes' => [],
            ];
        }
        return null;
    }

    /**
     * The page's own JSON-LD nodes: from the sync, from a schema block in its body, or an Article for a post.
     *
     * @return list<array<string, mixed>>
     */
    public static function nodesOf(WP_Post $post): array
    {
        $stored = json_decode((string) get_post_meta($post->ID, '_igny8_schema', true), true);
        if (is_array($stored) && $stored !== []) {
            return array_values(array_filter($stored, 'is_array'));
        }
        $inBody = ContentItem::schemaNodes($post->post_content);
        if ($inBody !== []) {
            return $inBody;
        }
        if ($post->post_type !== 'post') {
            return [];
        }
        $image = has_post_thumbnail($post) ? (string) get_the_post_thumbnail_url($post, 'full') : null;
        $author = get_the_author_meta('display_name', (int) $post->post_author);
        return [Graph::article(
            wp_strip_all_tags(get_the_title($post)),
            (string) $author,
            get_the_date('c', $post),
            get_the_modified_date('c', $post),
            $image
        )];
    }

    /** The published page that is a term's landing page, or null. */
    public static function landingPageOf(WP_Term $term): ?WP_Post
    {
        $found = get_posts([
            'post_type' => Taxonomies::POST_TYPES, 'post_status' => 'publish', 'numberposts' => 1,
            'meta_key' => '_igny8_term', 'meta_value' => $term->taxonomy . '|' . $term->slug,
            'orderby' => 'ID', 'order' => 'ASC',
        ]);
        return $found ? $found[0] : null;
    }
}
