import { describe, expect, it } from 'vitest';
import { parseEnv } from '../src/env.js';
import { SANDBOX_SECRETS_KEY, SecretBox } from '../src/lib/secrets.js';

const KEY = Buffer.alloc(32, 7).toString('base64');

describe('SecretBox (AES-256-GCM under SECRETS_KEY)', () => {
  it('opens what it sealed for the same context, and nothing else', async () => {
    const box = new SecretBox(KEY);
    const sealed = await box.seal('prakerja-key', 'provider:a:prakerja_sign_key');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('prakerja-key');
    expect(await box.open(sealed, 'provider:a:prakerja_sign_key')).toBe('prakerja-key');
    // The same plaintext never seals to the same text (fresh IV each time).
    expect(await box.seal('prakerja-key', 'provider:a:prakerja_sign_key')).not.toBe(sealed);
    // Moved to another provider's row, sealed under another key, or altered: it does not open.
    await expect(box.open(sealed, 'provider:b:prakerja_sign_key')).rejects.toThrow(/does not open/);
    await expect(new SecretBox(SANDBOX_SECRETS_KEY).open(sealed, 'provider:a:prakerja_sign_key')).rejects.toThrow(/does not open/);
    const [v, iv, ct] = sealed.split('.');
    const flipped = `${v}.${iv}.${ct.slice(0, -2)}${ct.endsWith('AA') ? 'AB' : 'AA'}`;
    await expect(box.open(flipped, 'provider:a:prakerja_sign_key')).rejects.toThrow();
  });

  it('refuses a key that is not 32 bytes of base64', () => {
    expect(() => new SecretBox('c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => new SecretBox('not base64!')).toThrow(/base64/);
  });

  it('is required outside the sandbox, and not the published sandbox key', () => {
    expect(() => parseEnv({ SANDBOX: 'true', SECRETS_KEY: 'c2hvcnQ=' })).toThrow(/SECRETS_KEY: must decode to 32 bytes/);
    expect(() => parseEnv({ SANDBOX: 'false' })).toThrow(/SECRETS_KEY/);
  });
});
