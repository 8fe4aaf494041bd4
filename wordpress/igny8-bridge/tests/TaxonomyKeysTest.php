<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\TaxonomyKeys;
use PHPUnit\Framework\TestCase;

final class TaxonomyKeysTest extends TestCase
{
    private static function nobodyElse(): callable
    {
        return static fn (string $key): bool => false;
    }

    public function testAPlainSlugIsItsOwnKey(): void
    {
        $this->assertSame('treatment', TaxonomyKeys::key('treatment', self::nobodyElse()));
        $this->assertSame('patient-concern', TaxonomyKeys::key('Patient-Concern', self::nobodyElse()));
    }

    public function testReservedWordsAndOtherPluginsTaxonomiesGetThePrefix(): void
    {
        $this->assertSame('igny8_category', TaxonomyKeys::key('category', self::nobodyElse()));
        $this->assertSame('igny8_type', TaxonomyKeys::key('type', self::nobodyElse()));
        $taken = static fn (string $key): bool => $key === 'brand';
        $this->assertSame('igny8_brand', TaxonomyKeys::key('brand', $taken));
    }

    public function testKeysFitWordPresssLimit(): void
    {
        $key = TaxonomyKeys::key(str_repeat('long-attribute-', 5), self::nobodyElse());
        $this->assertSame(32, strlen($key));
        $this->assertSame('igny8_', substr(TaxonomyKeys::key('', self::nobodyElse()), 0, 6));
    }

    public function testUnsafeCharactersAreDropped(): void
    {
        $this->assertSame('scriptalert1script', TaxonomyKeys::clean('<script>alert(1)</script>'));
    }
}
