import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { hmacBase64, hmacHex, sha256Hex, useSyncDigests } from '../src/contract/crypto.js';
import { nodeDigests } from '../src/node/sync-digests.js';
import { newWebhookSecret, webhookHeaders } from '../src/webhooks/signing.js';

/** RFC 4231 test case 2 and RFC 2202 test case 2 (key "Jefe"), and SHA-256 of "abc" (FIPS 180-2). */
const VECTORS = {
  'SHA-256': '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  'SHA-512': '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  'SHA-1': 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
} as const;

describe.each([
  ['Web Crypto (Workers, and Node until start-up)', undefined],
  ['Node crypto (the Node gateway)', nodeDigests],
])('signing with %s', (_, digests) => {
  afterEach(() => useSyncDigests(undefined));

  it('matches the published HMAC vectors and SHA-256 of "abc"', async () => {
    useSyncDigests(digests);
    for (const [hash, hex] of Object.entries(VECTORS)) expect(await hmacHex(hash as keyof typeof VECTORS, 'Jefe', 'what do ya want for nothing?')).toBe(hex);
    expect(await hmacBase64('SHA-256', 'Jefe', 'what do ya want for nothing?')).toBe(Buffer.from(VECTORS['SHA-256'], 'hex').toString('base64'));
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('signs a webhook that the standardwebhooks package verifies, under a secret of raw bytes', async () => {
    useSyncDigests(digests);
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: 'evt_1', type: 'ping', message: 'Nur’aini' });
    const headers = await webhookHeaders([secret], 'evt_1', body, new Date());
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ id: 'evt_1' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('hashes text as its UTF-8 bytes (names with non-ASCII letters)', async () => {
    useSyncDigests(digests);
    expect(await sha256Hex('Nur’aini Śāntī')).toBe('0868f9fcd3c2dbea9e61997eb0dabcd171420d4cadb86de1e322a448cc8b2578');
  });
});

