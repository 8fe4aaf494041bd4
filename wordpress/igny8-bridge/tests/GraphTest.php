<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\Graph;
use PHPUnit\Framework\TestCase;

final class GraphTest extends TestCase
{
    private const SITE = ['url' => 'https://smile.example/', 'name' => 'Bright Smile', 'language' => 'en-US'];
    private const PAGE = ['url' => 'https://smile.example/implants/', 'title' => 'Implants', 'description' => 'About implants'];

    /** @return list<string> every @id reference in a node */
    private static function references($node): array
    {
        $found = [];
        foreach (is_array($node) ? $node : [] as $key => $value) {
            if (is_array($value) && array_keys($value) === ['@id']) {
                $found[] = $value['@id'];
            } elseif ($key !== '@id') {
                $found = array_merge($found, self::references($value));
            }
        }
        return $found;
    }

    public function testTheSiteAndPageNodesAreJoinedById(): void
    {
        $graph = Graph::build(self::SITE, self::PAGE, [['@context' => 'https://schema.org', '@type' => 'Article', 'headline' => 'Implants']]);
        $this->assertSame('https://schema.org', $graph['@context']);
        $nodes = $graph['@graph'];
        $this->assertSame(['Organization', 'WebSite', 'WebPage', 'Article'], array_column($nodes, '@type'));
        $ids = array_column($nodes, '@id');
        $this->assertSame(count($nodes), count(array_unique($ids)));
        foreach ($nodes as $node) {
            $this->assertArrayNotHasKey('@context', $node);
            $this->assertSame([], array_diff(self::references($node), $ids));
        }
        $this->assertSame(['@id' => 'https://smile.example/implants/#webpage'], $nodes[3]['mainEntityOfPage']);
        $this->assertSame(['@id' => 'https://smile.example/#organization'], $nodes[3]['publisher']);
    }

    public function testTheBackendsBusinessBecomesTheOrganizationAndItsWebPageIsDropped(): void
    {
        $graph = Graph::build(self::SITE, self::PAGE, [
            ['@type' => 'Dentist', 'name' => 'Bright Smile Dental'], ['@type' => 'WebPage', 'name' => 'competing'],
            ['@type' => 'BreadcrumbList', 'itemListElement' => []], ['@type' => 'FAQPage'], ['@type' => 'FAQPage'],
        ]);
        $nodes = $graph['@graph'];
        $this->assertSame(['Dentist', 'WebSite', 'WebPage', 'BreadcrumbList', 'FAQPage', 'FAQPage'], array_column($nodes, '@type'));
        $this->assertSame('https://smile.example/#organization', $nodes[0]['@id']);
        $this->assertSame('Bright Smile Dental', $nodes[0]['name']);
        $this->assertSame(['@id' => 'https://smile.example/implants/#breadcrumblist'], $nodes[2]['breadcrumb']);
        $this->assertSame(['https://smile.example/implants/#faqpage', 'https://smile.example/implants/#faqpage-2'], array_column(array_slice($nodes, 4), '@id'));
    }

    public function testEncodingCannotCloseTheScript(): void
    {
        $graph = Graph::build(self::SITE, ['title' => '</script><script>alert(1)</script>'] + self::PAGE, []);
        $encoded = Graph::encode($graph);
        $this->assertStringNotContainsString('</', $encoded);
        $this->assertStringNotContainsString('<!--', Graph::encode(Graph::build(self::SITE, ['title' => '<!-- x'] + self::PAGE, [])));
        $this->assertSame($graph, json_decode($encoded, true));
    }

    public function testAnArticleForAnUnconnectedSite(): void
    {
        $article = Graph::article(str_repeat('x', 200), 'Ann', '2026-01-01', '2026-01-02', null);
        $this->assertSame(110, mb_strlen($article['headline']));
        $this->assertArrayNotHasKey('image', $article);
    }
}
