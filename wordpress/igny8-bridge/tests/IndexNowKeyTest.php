<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\IndexNowKey;
use PHPUnit\Framework\TestCase;

final class IndexNowKeyTest extends TestCase
{
    public function testKeysOfTheProtocolAreValid(): void
    {
        $this->assertTrue(IndexNowKey::isValid('abcd1234'));
        $this->assertTrue(IndexNowKey::isValid('0123456789abcdef-ABCDEF'));
        $this->assertTrue(IndexNowKey::isValid(str_repeat('k', 128)));
        $this->assertNull(IndexNowKey::problem('EdD8dkmdNLlxREi2LkhJjYOH2kyQbJqM3cBKT5fX'));
    }

    public function testAnythingElseIsRefusedWithWhatToFix(): void
    {
        foreach (['abc1234', str_repeat('k', 129), 'abcd_1234', 'abcd 1234', 'abcd1234.txt', '../../etc', "abcd1234\n", 'clé-123456', ''] as $bad) {
            $this->assertFalse(IndexNowKey::isValid($bad), $bad);
        }
        foreach ([null, 12345678, ['abcd1234'], true] as $notText) {
            $this->assertFalse(IndexNowKey::isValid($notText));
        }
        $this->assertStringContainsString('8 to 128 letters', (string) IndexNowKey::problem('short'));
    }

    public function testTheRequestedKeyIsTheFileNameUnderTheHomePath(): void
    {
        $this->assertSame('abcd1234', IndexNowKey::requested('/abcd1234.txt', '/'));
        $this->assertSame('abcd1234', IndexNowKey::requested('/abcd1234.txt?x=1', ''));
        $this->assertSame('abcd1234', IndexNowKey::requested('/blog/abcd1234.txt', '/blog/'));
        $this->assertNull(IndexNowKey::requested('/abcd1234.txt', '/blog/'));
        $this->assertNull(IndexNowKey::requested('/other/abcd1234.txt', '/'));
        $this->assertNull(IndexNowKey::requested('/abcd1234.txt/', '/'));
        $this->assertNull(IndexNowKey::requested('/abcd1234.html', '/'));
        $this->assertNull(IndexNowKey::requested('/short.txt', '/'));
        $this->assertNull(IndexNowKey::requested('/robots.txt', '/'));
        $this->assertNull(IndexNowKey::requested('/abcd1234.txt%0a', '/'));
    }
}
