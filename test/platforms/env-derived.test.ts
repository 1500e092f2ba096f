import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../adapters/registry.js';
import { parseEnv } from '../../src/env.js';
import { partnersFromEnv } from '../../src/partner-settings.js';
import { PLATFORM_SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';

/** Outside the sandbox: the gateway's own settings and prakerja.go.id's, with real-looking secrets. */
const gateway = {
  SANDBOX: 'false',
  AUTH_SECRET: 'a-real-auth-secret-of-at-least-32-characters',
  SECRETS_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))),
  PRAKERJA_BASE_URL: 'https://api.prakerja.example',
  PRAKERJA_SIGN_KEY: 'real-prakerja-key',
  PRAKERJA_CALLBACK_KEY: 'real-prakerja-callback-key',
};

/** Every platform's variable without a default, from the definitions (a URL where the setting parses one). */
const platformEnv = Object.fromEntries(
  PLATFORMS.flatMap((d) => Object.values(d.settings).filter((s) => s.default === undefined).map((s) => [s.env, s.schema.safeParse('https://x.example').success ? `https://${d.id}.example` : `real-${s.env.toLowerCase()}-value-0123456789abcdef0123456789`])),
);

describe('environment derived from the platform definitions', () => {
  it('names every registered platform’s missing variable, read from its definition', () => {
    const required = PLATFORMS.flatMap((d) => Object.values(d.settings).filter((s) => s.default === undefined).map((s) => s.env));
    expect(required.length).toBeGreaterThanOrEqual(PLATFORMS.length);
    expect(() => parseEnv(gateway)).toThrow(new RegExp(`these must be set: ${required.join(', ')}`));
  });

  it('with every variable set, builds each platform’s settings from its own variables and defaults', () => {
    const env = parseEnv({ ...gateway, ...platformEnv });
    const partners = partnersFromEnv(env);
    for (const d of PLATFORMS) {
      for (const [name, s] of Object.entries(d.settings)) expect(partners.platforms[d.id][name], s.env).toBe(platformEnv[s.env] ?? s.default);
      // And the adapter accepts them.
      expect(d.createAdapter(partners.platforms[d.id], { fetch, timeoutMs: 1000 }).id).toBe(d.id);
    }
  });

  it('refuses a platform secret that holds the sandbox’s published value, naming the variable', () => {
    const [d, secret] = PLATFORMS.flatMap((p) => Object.values(p.settings).filter((s) => s.secret && PLATFORM_SANDBOX_SECRETS[p.id].includes(s.sandbox({ baseUrl: '', keys: {} }))).map((s) => [p, s] as const)).at(-1)!;
    expect(() => parseEnv({ ...gateway, ...platformEnv, [secret.env]: secret.sandbox({ baseUrl: '', keys: {} }) })).toThrow(new RegExp(`published values.*${secret.env}`));
    expect(d.id).toBeTruthy();
  });

  it('refuses a platform variable that does not parse, naming it', () => {
    const url = PLATFORMS[0].settings.baseUrl.env;
    expect(() => parseEnv({ ...gateway, ...platformEnv, [url]: 'not a url' })).toThrow(new RegExp(`${url}:`));
  });
});
