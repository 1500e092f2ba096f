import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../adapters/registry.js';
import { parseEnv } from '../src/env.js';
import { SANDBOX_SECRETS } from '../src/sandbox/demo-data.js';

/**
 * A complete production configuration with real-looking secrets; each test spoils one thing. The
 * platforms' variables come from their definitions, so a new platform joins the fixture by itself.
 */
const production: Record<string, string> = {
  SANDBOX: 'false',
  AUTH_SECRET: 'a-real-secret-of-at-least-thirty-two-characters',
  SECRETS_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(9))),
  PRAKERJA_BASE_URL: 'https://api.prakerja.go.id',
  PRAKERJA_SIGN_KEY: 'pk-real',
  PRAKERJA_CALLBACK_KEY: 'pcb-real',
  ...Object.fromEntries(
    PLATFORMS.flatMap((d) =>
      Object.values(d.settings)
        .filter((s) => s.default === undefined)
        .map((s) => [s.env, s.schema.safeParse('https://x.example').success ? `https://${d.id}.example` : `real-${s.env.toLowerCase()}-0123456789abcdef`]),
    ),
  ),
};

describe('start-up refuses secrets published in the repository', () => {
  it('accepts a production configuration with its own secrets', () => {
    expect(parseEnv(production).SANDBOX).toBe(false);
  });

  it.each([
    ['AUTH_SECRET', { AUTH_SECRET: SANDBOX_SECRETS.auth }],
    ['TOKOPEDIA_SECRET', { TOKOPEDIA_SECRET: SANDBOX_SECRETS.tokopedia }],
    ['TOKOPEDIA_WEBHOOK_SECRETS', { TOKOPEDIA_WEBHOOK_SECRETS: `whsec_real1, ${SANDBOX_SECRETS.tokopedia}` }],
    ['PRAKERJA_SIGN_KEY', { PRAKERJA_SIGN_KEY: SANDBOX_SECRETS.prakerjaDefaultKey }],
    ['PRAKERJA_SIGN_KEYS.LP-X', { PRAKERJA_SIGN_KEYS: JSON.stringify({ 'LP-X': SANDBOX_SECRETS.prakerjaKeys['LP-DEMO-002'] }) }],
  ])('outside the sandbox, %s holding a sandbox value stops the start naming it', (name, spoil) => {
    expect(() => parseEnv({ ...production, ...spoil })).toThrow(new RegExp(`sandbox's published values.*${name.replace(/\./g, '\\.')}`));
  });
});

describe('the sandbox binds to loopback unless told otherwise', () => {
  it.each(['127.0.0.1', 'localhost', '::1'])('HOST=%s is fine', (HOST) => {
    expect(parseEnv({ HOST }).HOST).toBe(HOST);
  });

  it('HOST=0.0.0.0 is refused with what to do', () => {
    expect(() => parseEnv({ HOST: '0.0.0.0' })).toThrow(/SANDBOX_PUBLIC=true/);
  });

  it('HOST=0.0.0.0 with SANDBOX_PUBLIC=true is allowed', () => {
    expect(parseEnv({ HOST: '0.0.0.0', SANDBOX_PUBLIC: 'true' }).HOST).toBe('0.0.0.0');
  });
});
