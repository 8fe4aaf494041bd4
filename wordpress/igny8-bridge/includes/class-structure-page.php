<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * Tools → IGNY8 structure: the site's blueprint as the backend made it — attributes and their values,
 * clusters with their hub and supporting pages, each page's status (planned, written, published) — and the
 * blueprint's health score.
 */
final class StructurePage
{
    public const PAGE = 'igny8-structure';

    public static function hook(): void
    {
        add_action('admin_menu', static function (): void {
            add_management_page(__('IGNY8 structure', 'igny8-bridge'), __('IGNY8 structure', 'igny8-bridge'), 'manage_options', self::PAGE, [self::class, 'render']);
        });
    }

    /**
     * The status of each planned page by slug: published, written (in WordPress, not public yet) or planned.
     *
     * @return array<string, string>
     */
    public static function statuses(): array
    {
        $posts = get_posts(['post_type' => Taxonomies::POST_TYPES, 'post_status' => ['publish', 'draft', 'pending', 'private', 'future'],
            'numberposts' => -1, 'meta_key' => 'igny8_content_id']);
        $statuses = [];
        foreach ($posts as $post) {
            $statuses[$post->post_name] = $post->post_status === 'publish' ? 'published' : 'written';
        }
        return $statuses;
    }

    public static function render(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('You may not see the IGNY8 structure of this site.', 'igny8-bridge'), 403);
        }
        echo '<div class="wrap"><h1>' . esc_html__('IGNY8 structure', 'igny8-bridge') . '</h1>';
        $blueprint = Blueprint::stored();
        if ($blueprint === null) {
            echo '<p>' . esc_html__('No blueprint yet: connect the site in Settings → IGNY8 and sync.', 'igny8-bridge') . '</p></div>';
            return;
        }
        $statuses = self::statuses();
        $labels = ['planned' => __('planned', 'igny8-bridge'), 'written' => __('written', 'igny8-bridge'), 'published' => __('published', 'igny8-bridge')];
        printf(
            '<p id="igny8-blueprint-summary">%s</p>',
            /* translators: 1: blueprint version, 2: health score, 3: pages, 4: published pages */
            esc_html(sprintf(__('Blueprint version %1$d · health score %2$s · %3$d pages, %4$d published', 'igny8-bridge'), (int) $blueprint['version'], $blueprint['health'] === null ? '–' : number_format_i18n((float) $blueprint['health'], 1), count($blueprint['pages']), count(array_filter($statuses, static fn ($s) => $s === 'published'))))
        );
        echo '<h2>' . esc_html__('Attributes', 'igny8-bridge') . '</h2><table class="widefat striped igny8-attributes"><tbody>';
        foreach ($blueprint['attributes'] as $attribute) {
            printf('<tr><th>%s <small>(%s)</small></th><td>%s</td></tr>', esc_html($attribute['name']), esc_html($attribute['level']), esc_html(implode(', ', $attribute['values'])));
        }
        echo '</tbody></table><h2>' . esc_html__('Clusters', 'igny8-bridge') . '</h2>';
        $byCluster = BlueprintShape::pagesByCluster($blueprint);
        $names = ['' => __('Pages outside clusters (terms, commercial)', 'igny8-bridge')];
        foreach ($blueprint['clusters'] as $cluster) {
            $names[$cluster['slug']] = $cluster['name'] . ' (' . $cluster['type'] . ') — ' . __('hub:', 'igny8-bridge') . ' ' . $cluster['hub'];
        }
        foreach ($names as $slug => $name) {
            printf('<h3 class="igny8-cluster" data-cluster="%s">%s</h3><table class="widefat striped"><tbody>', esc_attr((string) $slug), esc_html($name));
            foreach ($byCluster[$slug] ?? [] as $page) {
                $status = $statuses[$page['slug']] ?? 'planned';
                printf(
                    '<tr class="igny8-page" data-slug="%s" data-status="%s"><td>%s</td><td>%s</td><td>%s %d</td><td>%s</td></tr>',
                    esc_attr($page['slug']),
                    esc_attr($status),
                    esc_html($page['title']),
                    esc_html($page['kind']),
                    esc_html__('phase', 'igny8-bridge'),
                    (int) $page['priority_phase'],
                    esc_html($labels[$status])
                );
            }
            echo '</tbody></table>';
        }
        echo '</div>';
    }
}
