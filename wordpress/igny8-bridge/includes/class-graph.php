<?php

namespace Igny8\Bridge;

/**
 * One JSON-LD @graph per page: Organization, WebSite and WebPage joined by @id, and the page's own nodes
 * (the backend's, or an Article built here) tied to the WebPage. No WordPress calls.
 */
final class Graph
{
    private const ORGANIZATION_TYPES = ['Organization', 'LocalBusiness', 'Dentist', 'MedicalBusiness', 'Corporation'];
    private const ARTICLE_TYPES = ['Article', 'BlogPosting', 'NewsArticle', 'HowTo', 'Product', 'Service', 'FAQPage', 'ItemList'];

    /**
     * @param array{url: string, name: string, description?: string, logo?: string, language?: string} $site
     * @param array{url: string, title: string, description?: string, type?: string, published?: string, modified?: string, image?: string} $page
     * @param list<array<string, mixed>> $nodes the page's own nodes
     * @return array{"@context": string, "@graph": list<array<string, mixed>>}
     */
    public static function build(array $site, array $page, array $nodes): array
    {
        $home = rtrim($site['url'], '/') . '/';
        $organizationId = $home . '#organization';
        $websiteId = $home . '#website';
        $webpageId = $page['url'] . '#webpage';
        $organization = array_filter([
            '@type' => 'Organization', '@id' => $organizationId, 'name' => $site['name'], 'url' => $home,
            'logo' => $site['logo'] ?? null,
        ]);
        $own = [];
        $counts = [];
        foreach ($nodes as $node) {
            unset($node['@context']);
            $type = is_string($node['@type'] ?? null) ? $node['@type'] : '';
            if ($type === '' || in_array($type, ['WebSite', 'WebPage'], true)) {
                continue;  // ours describe the site and the page; a second one would compete
            }
            if (in_array($type, self::ORGANIZATION_TYPES, true)) {
                $organization = ['@id' => $organizationId] + $node + ['url' => $home];
                continue;
            }
            $counts[$type] = ($counts[$type] ?? 0) + 1;
            if (!is_string($node['@id'] ?? null) || $node['@id'] === '') {
                $suffix = strtolower($type) . ($counts[$type] > 1 ? '-' . $counts[$type] : '');
                $node = ['@id' => $page['url'] . '#' . $suffix] + $node;
            }
            if ($type === 'BreadcrumbList') {
                $page['breadcrumb'] = $node['@id'];
            } elseif (in_array($type, self::ARTICLE_TYPES, true)) {
                $node['mainEntityOfPage'] = ['@id' => $webpageId];
                if (in_array($type, ['Article', 'BlogPosting', 'NewsArticle'], true) && !isset($node['publisher'])) {
                    $node['publisher'] = ['@id' => $organizationId];
                }
            }
            $own[] = $node;
        }
        $webpage = array_filter([
            '@type' => $page['type'] ?? 'WebPage', '@id' => $webpageId, 'url' => $page['url'], 'name' => $page['title'],
            'description' => $page['description'] ?? null, 'isPartOf' => ['@id' => $websiteId],
            'about' => ['@id' => $organizationId], 'inLanguage' => $site['language'] ?? null,
            'datePublished' => $page['published'] ?? null, 'dateModified' => $page['modified'] ?? null,
            'primaryImageOfPage' => isset($page['image']) ? ['@type' => 'ImageObject', 'url' => $page['image']] : null,
            'breadcrumb' => isset($page['breadcrumb']) ? ['@id' => $page['breadcrumb']] : null,
        ]);
        $website = array_filter([
            '@type' => 'WebSite', '@id' => $websiteId, 'url' => $home, 'name' => $site['name'],
            'description' => $site['description'] ?? null, 'publisher' => ['@id' => $organizationId],
            'inLanguage' => $site['language'] ?? null,
        ]);
        return ['@context' => 'https://schema.org', '@graph' => array_merge([$organization, $website, $webpage], $own)];
    }

    /**
     * An Article for a post of a site that is not connected (no node from the backend).
     *
     * @return array<string, mixed>
     */
    public static function article(string $headline, string $author, string $published, string $modified, ?string $image): array
    {
        return array_filter([
            '@type' => 'Article', 'headline' => mb_substr($headline, 0, 110), 'author' => ['@type' => 'Person', 'name' => $author],
            'datePublished' => $published, 'dateModified' => $modified, 'image' => $image,
        ]);
    }

    /** The graph as a script element's text: <, > and & as \u escapes, so no string in it can end the script. */
    public static function encode(array $graph): string
    {
        return (string) json_encode($graph, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_HEX_TAG | JSON_HEX_AMP);
    }
}
