<?php

namespace Igny8\Bridge;

/**
 * One item of the backend's content queue, checked and split into what WordPress stores: the body without
 * the JSON-LD block (which goes to the head's @graph), the meta description, the post type. No WordPress calls.
 */
final class ContentItem
{
    public const SCHEMA_PATTERN = '#<script type="application/ld\+json" data-igny8="schema">(.*?)</script>\s*#s';

    public int $contentId = 0;
    public int $taskId = 0;
    public string $title = '';
    public string $slug = '';
    public string $html = '';
    public string $postType = 'post';
    public string $cluster = '';
    public string $metaDescription = '';
    /** @var list<array<string, mixed>> */
    public array $schema = [];

    /**
     * @param mixed $raw
     * @return self|string the item, or what is wrong with it
     */
    public static function fromQueue($raw)
    {
        if (!is_array($raw)) {
            return 'a queue item must be a JSON object';
        }
        $item = new self();
        $item->contentId = is_int($raw['content_id'] ?? null) ? $raw['content_id'] : 0;
        $item->taskId = is_int($raw['task_id'] ?? null) ? $raw['task_id'] : 0;
        $item->title = is_string($raw['title'] ?? null) ? trim(strip_tags($raw['title'])) : '';
        $item->slug = is_string($raw['slug'] ?? null) ? strtolower((string) preg_replace('/[^A-Za-z0-9\-]/', '', $raw['slug'])) : '';
        $html = is_string($raw['html'] ?? null) ? $raw['html'] : '';
        if ($item->contentId < 1 || $item->title === '' || $item->slug === '' || $html === '') {
            return 'content_id, title, slug and html are required';
        }
        $item->schema = self::schemaNodes($html);
        $item->html = trim((string) preg_replace(self::SCHEMA_PATTERN, '', $html));
        $item->postType = ($raw['content_type'] ?? '') === 'post' ? 'post' : 'page';
        $item->cluster = is_string($raw['cluster'] ?? null) ? substr($raw['cluster'], 0, 200) : '';
        $description = is_string($raw['meta_description'] ?? null) ? $raw['meta_description'] : '';
        $item->metaDescription = mb_substr(trim(strip_tags($description)), 0, 320);
        return $item;
    }

    /**
     * The JSON-LD nodes of the page's igny8 schema block (a node or a list of nodes), or none.
     *
     * @return list<array<string, mixed>>
     */
    public static function schemaNodes(string $html): array
    {
        if (!preg_match(self::SCHEMA_PATTERN, $html, $match)) {
            return [];
        }
        $decoded = json_decode(str_replace('<\\/', '</', $match[1]), true);
        if (!is_array($decoded)) {
            return [];
        }
        $nodes = array_is_list($decoded) ? $decoded : [$decoded];
        return array_values(array_filter($nodes, static function ($node): bool {
            return is_array($node) && is_string($node['@type'] ?? null);
        }));
    }

    /** A fingerprint of what would be written, so an unchanged item is confirmed without a write. */
    public function fingerprint(): string
    {
        return hash('sha256', (string) json_encode([$this->title, $this->slug, $this->html, $this->postType,
            $this->metaDescription, $this->schema, $this->cluster]));
    }
}
