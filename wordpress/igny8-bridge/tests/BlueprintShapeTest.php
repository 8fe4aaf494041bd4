<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\BlueprintShape;
use PHPUnit\Framework\TestCase;

final class BlueprintShapeTest extends TestCase
{
    /** @return array<string, mixed> */
    private static function blueprint(): array
    {
        return [
            'version' => 3, 'industry' => 'healthcare-medical', 'site_type' => 'local_service', 'health' => ['score' => 61.5],
            'attributes' => [['slug' => 'treatment_type', 'name' => 'Treatment', 'level' => 'primary', 'values' => ['Implants', 'Veneers']]],
            'taxonomy' => [[
                'attribute' => 'treatment_type', 'slug' => 'treatment-type', 'name' => 'Treatment', 'hierarchical' => true,
                'terms' => [['value' => 'Implants', 'slug' => 'implants', 'page_title' => 'Implants: Treatment Guide'],
                    ['value' => 'Veneers', 'slug' => 'veneers', 'page_title' => 'Veneers: Treatment Guide']],
            ]],
            'pages' => [
                ['slug' => 'treatment-type-implants', 'title' => 'Implants', 'kind' => 'term', 'content_type' => 'taxonomy',
                    'cluster' => null, 'priority_phase' => 1, 'attribute_values' => ['treatment_type' => 'Implants']],
                ['slug' => 'implants-guide', 'title' => 'Implants guide', 'kind' => 'hub', 'content_type' => 'page',
                    'cluster' => 'implants', 'priority_phase' => 1, 'attribute_values' => ['treatment_type' => 'Implants']],
            ],
            'clusters' => [['slug' => 'implants', 'name' => 'Implants', 'type' => 'topic_hub', 'hub' => ['title' => 'Implants guide']]],
        ];
    }

    public function testAValidBlueprintIsKeptWithItsFields(): void
    {
        [$clean, $errors] = BlueprintShape::clean(self::blueprint());
        $this->assertSame([], $errors);
        $this->assertSame(3, $clean['version']);
        $this->assertSame(61.5, $clean['health']);
        $this->assertSame('treatment_type', $clean['taxonomy'][0]['attribute']);
        $this->assertCount(2, $clean['taxonomy'][0]['terms']);
        $this->assertSame('Implants guide', $clean['clusters'][0]['hub']);
    }

    public function testInvalidFieldsAreNamedAndNothingIsKept(): void
    {
        $bad = ['version' => 'three', 'pages' => 'all', 'taxonomy' => [], 'attributes' => [], 'clusters' => ['x' => 1]];
        [$clean, $errors] = BlueprintShape::clean($bad);
        $this->assertNull($clean);
        $this->assertSame(['version', 'pages', 'clusters'], array_keys($errors));
        $this->assertSame([null, ['blueprint' => ['expected a JSON object']]], BlueprintShape::clean('text'));
        $missing = self::blueprint();
        $missing['pages'][1]['slug'] = '';
        $this->assertSame(['pages.1'], array_keys(BlueprintShape::clean($missing)[1]));
    }

    public function testTextIsStrippedOfMarkup(): void
    {
        $hostile = self::blueprint();
        $hostile['taxonomy'][0]['name'] = '<img src=x onerror=alert(1)>Treatment';
        $hostile['pages'][0]['slug'] = 'Treatment-Type-Implants"><script>';
        [$clean] = BlueprintShape::clean($hostile);
        $this->assertSame('Treatment', $clean['taxonomy'][0]['name']);
        $this->assertSame('treatment-type-implantsscript', $clean['pages'][0]['slug']);
    }

    public function testATermPageLandsOnItsTerm(): void
    {
        [$clean] = BlueprintShape::clean(self::blueprint());
        $keyOf = static fn (string $slug): ?string => $slug === 'treatment-type' ? 'treatment-type' : null;
        $this->assertSame(['treatment-type', 'implants'], BlueprintShape::landingTerm($clean, 'treatment-type-implants', $keyOf));
        $this->assertNull(BlueprintShape::landingTerm($clean, 'implants-guide', $keyOf));
        $this->assertNull(BlueprintShape::landingTerm($clean, 'treatment-type-implants', static fn (string $s): ?string => null));
    }

    public function testAPageBelongsToTheTermsOfItsAttributeValues(): void
    {
        [$clean] = BlueprintShape::clean(self::blueprint());
        $keyOf = static fn (string $slug): ?string => $slug === 'treatment-type' ? 'treatment-type' : null;
        $this->assertSame([['treatment-type', 'implants']], BlueprintShape::termsOf($clean, 'implants-guide', $keyOf));
        $this->assertSame([], BlueprintShape::termsOf($clean, 'no-such-page', $keyOf));
        $this->assertSame([], BlueprintShape::termsOf($clean, 'implants-guide', static fn (string $s): ?string => null));
    }

    public function testPagesAreGroupedByCluster(): void
    {
        [$clean] = BlueprintShape::clean(self::blueprint());
        $grouped = BlueprintShape::pagesByCluster($clean);
        $this->assertSame(['', 'implants'], array_keys($grouped));
        $this->assertSame('implants-guide', $grouped['implants'][0]['slug']);
    }
}
