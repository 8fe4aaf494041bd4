<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\ContentItem;
use PHPUnit\Framework\TestCase;

final class ContentItemTest extends TestCase
{
    private const SCHEMA = '<script type="application/ld+json" data-igny8="schema">'
        . '[{"@context":"https://schema.org","@type":"Article","headline":"A <\/b> b"},{"@type":"FAQPage"},{"name":"untyped"}]'
        . "</script>\n";

    public function testTheSchemaBlockLeavesTheBodyForTheHead(): void
    {
        $item = ContentItem::fromQueue(['content_id' => 7, 'task_id' => 3, 'title' => ' <b>Implants</b> ', 'slug' => 'Dental-Implants',
            'html' => self::SCHEMA . '<p>Body</p>', 'content_type' => 'post', 'cluster' => 'implants',
            'meta_description' => '<i>About</i> implants']);
        $this->assertInstanceOf(ContentItem::class, $item);
        $this->assertSame('<p>Body</p>', $item->html);
        $this->assertSame(['Article', 'FAQPage'], array_column($item->schema, '@type'));
        $this->assertSame('A </b> b', $item->schema[0]['headline']);
        $this->assertSame(['Implants', 'dental-implants', 'post', 'About implants'], [$item->title, $item->slug, $item->postType, $item->metaDescription]);
    }

    public function testAnythingButAPostIsAPage(): void
    {
        $item = ContentItem::fromQueue(['content_id' => 1, 'title' => 'T', 'slug' => 's', 'html' => '<p>x</p>', 'content_type' => 'taxonomy']);
        $this->assertSame('page', $item->postType);
        $this->assertSame([], $item->schema);
    }

    public function testAnIncompleteItemSaysWhatIsMissing(): void
    {
        $this->assertSame('content_id, title, slug and html are required', ContentItem::fromQueue(['content_id' => 1, 'title' => 'T']));
        $this->assertSame('a queue item must be a JSON object', ContentItem::fromQueue('x'));
        $this->assertIsString(ContentItem::fromQueue(['content_id' => '1', 'title' => 'T', 'slug' => 's', 'html' => 'h']));
    }

    public function testBrokenJsonLdIsIgnored(): void
    {
        $this->assertSame([], ContentItem::schemaNodes('<script type="application/ld+json" data-igny8="schema">{nope</script>'));
    }

    public function testTheFingerprintChangesWithTheContent(): void
    {
        $raw = ['content_id' => 1, 'title' => 'T', 'slug' => 's', 'html' => '<p>x</p>'];
        $same = ContentItem::fromQueue($raw)->fingerprint();
        $this->assertSame($same, ContentItem::fromQueue($raw)->fingerprint());
        $this->assertNotSame($same, ContentItem::fromQueue(['html' => '<p>y</p>'] + $raw)->fingerprint());
    }
}
