import { PLATFORMS, type PlatformSettings } from '../adapters/registry.js';
import type { PrakerjaConfig } from '../adapters/prakerja/index.js';
import type { PlatformDefinition, RawSettings } from './contract/platform.js';
import type { Env } from './env.js';

/** Where the partners are and the credentials for them: each platform's raw settings, and prakerja.go.id's. */
export interface PartnerSettings {
  platforms: PlatformSettings;
  prakerja: PrakerjaConfig;
}

/** A platform's settings as the environment gives them, by setting name. */
export function platformSettingsFromEnv(d: PlatformDefinition, source: Readonly<Record<string, string | undefined>>): RawSettings {
  return Object.fromEntries(Object.entries(d.settings).map(([name, s]) => [name, source[s.env]]));
}

/** Real partner endpoints and credentials, from the environment (parseEnv has checked they are set). */
export function partnersFromEnv(env: Env): PartnerSettings {
  return {
    platforms: Object.fromEntries(PLATFORMS.map((d) => [d.id, platformSettingsFromEnv(d, env.platformEnv)])),
    prakerja: { baseUrl: env.PRAKERJA_BASE_URL!, callbackKey: env.PRAKERJA_CALLBACK_KEY! },
  };
}

/** prakerja.go.id sign keys by client code: the default provider's plus PRAKERJA_SIGN_KEYS. */
export function prakerjaKeysFromEnv(env: Env): Record<string, string> {
  return { ...env.PRAKERJA_SIGN_KEYS, ...(env.PRAKERJA_SIGN_KEY ? { [env.PRAKERJA_CLIENT_CODE]: env.PRAKERJA_SIGN_KEY } : {}) };
}
