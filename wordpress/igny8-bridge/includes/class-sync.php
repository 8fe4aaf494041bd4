<?php

namespace Igny8\Bridge;

if (!defined('ABSPATH')) {
    exit;
}

/**
 * The content sync: the WP-Cron job (and "sync now") pulls the backend's blueprint and content queue, creates
 * or updates one post per content id, confirms each with a sync event, and pushes the site's own content for
 * analysis. A post is found again by its igny8_content_id, so a second run, or a run after one that died
 * between writing and confirming, updates the same post instead of adding another.
 */
final class Sync
{
    private const BATCH = 20;
    private const MAX_ROUNDS = 10;
    private const LOCK_STALE_S = 600;
    private const PUSH_LIMIT = 500;

    public static function hook(): void
    {
        add_action(Options::CRON_HOOK, [self::class, 'run']);
    }

    /**
     * One whole sync. Returns what it did; runs of two processes at once are refused by an option lock.
     *
     * @return array<string, mixed>
     */
    public static function run(): array
    {
        if (!self::lock()) {
            return self::record(['ok' => false, 'errors' => [__('Another sync is running.', 'igny8-bridge')]]);
        }
        try {
            $report = ['ok' => true, 'blueprint' => null, 'created' => 0, 'updated' => 0, 'failed' => 0,
                'confirmed' => 0, 'pushed' => 0, 'errors' => []];
            // The blueprint's ETag: an unchanged version answers 304 and is not stored again.
            $held = Blueprint::stored() !== null ? (string) get_option(Options::BLUEPRINT_ETAG, '') : '';
            $blueprint = Backend::call('GET', '/blueprint', null, $held !== '' ? ['If-None-Match' => $held] : []);
            $report['blueprint_unchanged'] = $blueprint['status'] === 304;
            if ($blueprint['status'] === 304) {
                $report['blueprint'] = Blueprint::stored()['version'] ?? null;
            } elseif ($blueprint['ok']) {
                [$summary, $errors] = Blueprint::sync($blueprint['data']);
                $report['blueprint'] = $summary['version'] ?? null;
                foreach ($errors as $field => $problems) {
                    $report['errors'][] = 'blueprint ' . $field . ': ' . implode('; ', $problems);
                }
                update_option(Options::BLUEPRINT_ETAG, $errors ? '' : (string) ($blueprint['etag'] ?? ''), false);
            } elseif ($blueprint['status'] !== 404) {
                return self::record(['ok' => false] + $report + ['errors' => [$blueprint['error']]]);
            }
            for ($round = 0; $round < self::MAX_ROUNDS; $round++) {
                $queue = Backend::call('GET', '/queue?limit=' . self::BATCH);
                if (!$queue['ok'] || !is_array($queue['data']) || $queue['data'] === []) {
                    if (!$queue['ok']) {
                        $report['errors'][] = $queue['error'];
                    }
                    break;
                }
                $results = self::apply($queue['data']);
                $confirmed = self::confirm($results, $report);
                if ($confirmed === 0) {
                    break;  // nothing moved out of the queue: asking again would get the same items
                }
            }
            $pushed = self::pushSiteContent();
            $report['pushed'] = $pushed['ok'] ? $pushed['count'] : 0;
            if (!$pushed['ok']) {
                $report['errors'][] = $pushed['error'];
            }
            Backend::call('POST', '/status', [
                'plugin_version' => IGNY8_BRIDGE_VERSION,
                'published' => self::countSynced(),
                'pending' => 0,
                'errors' => array_slice(array_map('strval', $report['errors']), 0, 50),
            ]);
            $report['ok'] = $report['errors'] === [];
            return self::record($report);
        } finally {
            delete_option(Options::SYNC_LOCK);
        }
    }

    /**
     * Writes items the backend pushed, under the sync's lock (so a cron run cannot write the same item at once).
     *
     * @param list<mixed> $items
     * @return list<array<string, mixed>>|null the sync events, or null while another sync runs
     */
    public static function applyPushed(array $items): ?array
    {
        if (!self::lock()) {
            return null;
        }
        try {
            return self::apply($items);
        } finally {
            delete_option(Options::SYNC_LOCK);
        }
    }

    /**
     * Writes queue items as posts.
     *
     * @param list<mixed> $items
     * @return list<array<string, mixed>> one sync event per item that names a content id
     */
    private static function apply(array $items): array
    {
        $events = [];
        foreach ($items as $raw) {
            $item = ContentItem::fromQueue($raw);
            if (is_string($item)) {
                $contentId = is_array($raw) && is_int($raw['content_id'] ?? null) ? $raw['content_id'] : 0;
                if ($contentId > 0) {
                    $events[] = ['content_id' => $contentId, 'status' => 'failed', 'message' => $item];
                }
                continue;
            }
            $events[] = self::upsert($item);
        }
        return $events;
    }

    /** @return array<string, mixed> the sync event for this item */
    private static function upsert(ContentItem $item): array
    {
        $existing = self::postOf($item->contentId);
        $fingerprint = $item->fingerprint();
        if ($existing !== null && get_post_meta($existing, '_igny8_synced_hash', true) === $fingerprint) {
            return self::event($item, 'updated', $existing);
        }
        $landing = Blueprint::landingTermOf($item->slug);
        $postarr = [
            'post_type' => $item->postType,
            'post_status' => 'publish',
            'post_title' => $item->title,
            'post_name' => $item->slug,
            'post_content' => $item->html,
            'post_excerpt' => $item->metaDescription,
            'meta_input' => [
                'igny8_content_id' => $item->contentId,
                'igny8_task_id' => $item->taskId,
                'igny8_cluster' => $item->cluster,
                'igny8_blueprint_version' => (int) (Blueprint::stored()['version'] ?? 0),
                '_igny8_meta_description' => $item->metaDescription,
                '_igny8_schema' => wp_json_encode($item->schema),
                '_igny8_term' => $landing === null ? '' : implode('|', $landing),
            ],
        ];
        if ($existing !== null) {
            $postarr['ID'] = $existing;
        }
        $postId = wp_insert_post(wp_slash($postarr), true);
        if (is_wp_error($postId)) {
            return ['content_id' => $item->contentId, 'status' => 'failed', 'message' => $postId->get_error_message()];
        }
        foreach (Blueprint::termsOf($item->slug) as [$taxonomy, $term]) {
            wp_set_object_terms($postId, [$term], $taxonomy, true);
        }
        // The fingerprint is written last: a run that dies before this line writes the post again next time.
        update_post_meta($postId, '_igny8_synced_hash', $fingerprint);
        return self::event($item, $existing === null ? 'published' : 'updated', $postId);
    }

    /** @return array<string, mixed> */
    private static function event(ContentItem $item, string $status, int $postId): array
    {
        return ['content_id' => $item->contentId, 'status' => $status, 'wp_id' => $postId,
            'url' => (string) get_permalink($postId)];
    }

    /** The post already made for a content id (any status but trash), or null. */
    public static function postOf(int $contentId): ?int
    {
        $found = get_posts([
            'post_type' => Taxonomies::POST_TYPES,
            'post_status' => ['publish', 'draft', 'pending', 'private', 'future'],
            'meta_key' => 'igny8_content_id',
            'meta_value' => $contentId,
            'numberposts' => 1,
            'fields' => 'ids',
            'orderby' => 'ID',
            'order' => 'ASC',
            'suppress_filters' => true,
        ]);
        return $found ? (int) $found[0] : null;
    }

    /**
     * @param list<array<string, mixed>> $events
     * @param array<string, mixed> $report
     */
    private static function confirm(array $events, array &$report): int
    {
        foreach ($events as $event) {
            $key = ['published' => 'created', 'updated' => 'updated', 'failed' => 'failed'][$event['status']];
            $report[$key]++;
            if ($event['status'] === 'failed') {
                $report['errors'][] = sprintf('content %d: %s', $event['content_id'], $event['message']);
            }
        }
        if ($events === []) {
            return 0;
        }
        $sent = Backend::call('POST', '/sync-events', ['events' => $events]);
        if (!$sent['ok']) {
            $report['errors'][] = $sent['error'];
            return 0;
        }
        $confirmed = count(array_filter($events, static function (array $event): bool {
            return $event['status'] !== 'failed';
        }));
        $report['confirmed'] += $confirmed;
        return $confirmed;
    }

    /**
     * Sends the site's published posts and pages (and their terms) to the backend for analysis.
     *
     * @return array{ok: bool, count: int, error: string}
     */
    public static function pushSiteContent(): array
    {
        $posts = get_posts(['post_type' => Taxonomies::POST_TYPES, 'post_status' => 'publish',
            'numberposts' => self::PUSH_LIMIT, 'orderby' => 'ID', 'order' => 'ASC']);
        $pages = [];
        foreach ($posts as $post) {
            $terms = [];
            foreach (get_object_taxonomies($post->post_type) as $taxonomy) {
                $names = wp_get_post_terms($post->ID, $taxonomy, ['fields' => 'names']);
                if (is_array($names) && $names !== []) {
                    $terms[$taxonomy] = array_map('strval', $names);
                }
            }
            $pages[] = [
                'wp_type' => $post->post_type, 'wp_id' => (int) $post->ID,
                'title' => mb_substr(wp_strip_all_tags($post->post_title), 0, 500),
                'url' => (string) get_permalink($post), 'slug' => $post->post_name, 'terms' => (object) $terms,
                'excerpt' => mb_substr(wp_strip_all_tags(get_the_excerpt($post)), 0, 2000),
            ];
        }
        if ($pages === []) {
            return ['ok' => true, 'count' => 0, 'error' => ''];
        }
        $sent = Backend::call('POST', '/content', ['pages' => $pages]);
        return ['ok' => $sent['ok'], 'count' => $sent['ok'] ? count($pages) : 0, 'error' => $sent['error']];
    }

    private static function countSynced(): int
    {
        $ids = get_posts(['post_type' => Taxonomies::POST_TYPES, 'post_status' => 'publish', 'numberposts' => -1,
            'fields' => 'ids', 'meta_key' => 'igny8_content_id', 'suppress_filters' => true]);
        return count($ids);
    }

    private static function lock(): bool
    {
        if (add_option(Options::SYNC_LOCK, time(), '', false)) {
            return true;
        }
        $since = (int) get_option(Options::SYNC_LOCK, 0);
        if ($since > 0 && time() - $since > self::LOCK_STALE_S) {
            delete_option(Options::SYNC_LOCK);  // its run died; the next sync takes over
            return add_option(Options::SYNC_LOCK, time(), '', false);
        }
        return false;
    }

    /**
     * @param array<string, mixed> $report
     * @return array<string, mixed>
     */
    private static function record(array $report): array
    {
        $report['finished_at'] = gmdate('c');
        update_option(Options::SYNC_STATE, $report, false);
        return $report;
    }
}
