<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\RedirectRules;
use PHPUnit\Framework\TestCase;

final class RedirectRulesTest extends TestCase
{
    public function testPathsAreNormalised(): void
    {
        $this->assertSame('/old-page', RedirectRules::normalisePath('/Old-Page/?utm=1'));
        $this->assertSame('/a/b', RedirectRules::normalisePath('a/b/'));
        $this->assertSame('/café', RedirectRules::normalisePath('/caf%C3%A9'));
        $this->assertNull(RedirectRules::normalisePath('/two%20words'));
        $this->assertNull(RedirectRules::normalisePath('https://elsewhere.example/x'));
        $this->assertNull(RedirectRules::normalisePath('//elsewhere.example/x'));
        $this->assertNull(RedirectRules::normalisePath('/' . str_repeat('a', 300)));
    }

    public function testAValidRedirect(): void
    {
        $this->assertSame(
            ['source' => '/old', 'target' => '/new', 'status' => 302, 'origin' => 'analysis'],
            RedirectRules::check(['source' => '/old/', 'target' => '/new', 'status' => 302, 'origin' => 'analysis'])
        );
        $this->assertSame(301, RedirectRules::check(['source' => '/old', 'target' => 'https://example.org/x'])['status']);
    }

    public function testEachMistakeSaysWhatToFix(): void
    {
        $this->assertStringContainsString('source must be a path', RedirectRules::check(['source' => '/', 'target' => '/x']));
        $this->assertStringContainsString('target must be a path', RedirectRules::check(['source' => '/a', 'target' => 'javascript:alert(1)']));
        $this->assertStringContainsString('differ from the source', RedirectRules::check(['source' => '/a', 'target' => '/A/']));
        $this->assertSame('status must be 301 or 302', RedirectRules::check(['source' => '/a', 'target' => '/b', 'status' => 307]));
        $this->assertSame('status must be 301 or 302', RedirectRules::check(['source' => '/a', 'target' => '/b', 'status' => '301']));
        $this->assertSame('origin must be manual or analysis', RedirectRules::check(['source' => '/a', 'target' => '/b', 'origin' => 'x']));
        $this->assertIsString(RedirectRules::check('text'));
    }
}
