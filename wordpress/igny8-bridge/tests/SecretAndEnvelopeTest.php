<?php

namespace Igny8\Bridge\Tests;

use Igny8\Bridge\Envelope;
use Igny8\Bridge\Secret;
use PHPUnit\Framework\TestCase;

final class SecretAndEnvelopeTest extends TestCase
{
    public function testAGeneratedSecretIsLongAndNewEachTime(): void
    {
        $one = Secret::generate();
        $this->assertGreaterThanOrEqual(Secret::MIN_LENGTH, strlen($one));
        $this->assertMatchesRegularExpression('/^[0-9a-f]+$/', $one);
        $this->assertNotSame($one, Secret::generate());
    }

    public function testOnlyTheStoredSecretMatches(): void
    {
        $stored = Secret::generate();
        $this->assertTrue(Secret::matches($stored, $stored));
        $this->assertFalse(Secret::matches($stored, ''));
        $this->assertFalse(Secret::matches($stored, substr($stored, 0, -1)));
        $this->assertFalse(Secret::matches($stored, $stored . 'x'));
        $this->assertFalse(Secret::matches($stored, strtoupper($stored)));
    }

    public function testAnEmptyOrShortStoredSecretNeverMatches(): void
    {
        $this->assertFalse(Secret::matches('', ''));
        $this->assertFalse(Secret::matches('short', 'short'));
    }

    public function testEnvelopesHaveTheBackendsShape(): void
    {
        $ok = Envelope::ok(['a' => 1], 'done');
        $this->assertSame([true, ['a' => 1], 'done'], [$ok['success'], $ok['data'], $ok['message']]);
        $this->assertMatchesRegularExpression('/^[0-9a-f-]{32,36}$/', $ok['request_id']);
        $error = Envelope::error('bad', ['field' => ['why']]);
        $this->assertFalse($error['success']);
        $this->assertSame('bad', $error['error']);
        $this->assertEquals((object) ['field' => ['why']], $error['errors']);
    }

    public function testWordPressErrorsBecomeEnvelopesWithTheirFields(): void
    {
        $converted = Envelope::fromWordPressError([
            'code' => 'rest_invalid_param', 'message' => 'Invalid parameter(s): limit',
            'data' => ['status' => 400, 'params' => ['limit' => 'limit must be an integer']],
        ]);
        $this->assertNotNull($converted);
        $this->assertSame('Invalid parameter(s): limit', $converted['error']);
        $this->assertEquals((object) ['limit' => ['limit must be an integer']], $converted['errors']);
        $this->assertNull(Envelope::fromWordPressError(['success' => false, 'error' => 'already one']));
        $this->assertNull(Envelope::fromWordPressError('text'));
    }
}
