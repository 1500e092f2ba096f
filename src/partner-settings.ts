import type { PartnerSettings } from '../adapters/registry.js';
import type { Env } from './env.js';

/** Real partner endpoints and credentials, from the environment (parseEnv has checked they are set). */
export function partnersFromEnv(env: Env): PartnerSettings {
  return {
    tokopedia: { baseUrl: env.TOKOPEDIA_BASE_URL!, clientId: env.TOKOPEDIA_CLIENT_ID, secret: env.TOKOPEDIA_SECRET!, webhookSecrets: env.TOKOPEDIA_WEBHOOK_SECRETS!.split(',').map((s) => s.trim()) },
    bukalapak: { baseUrl: env.BUKALAPAK_BASE_URL!, clientId: env.BUKALAPAK_CLIENT_ID, clientSecret: env.BUKALAPAK_CLIENT_SECRET!, webhookSecret: env.BUKALAPAK_WEBHOOK_SECRET! },
    kemnaker: { baseUrl: env.KEMNAKER_BASE_URL!, partnerId: env.KEMNAKER_PARTNER_ID, clientSecret: env.KEMNAKER_CLIENT_SECRET! },
    kariermu: { baseUrl: env.KARIERMU_BASE_URL!, issuer: env.KARIERMU_ISSUER, privateKeyPem: env.KARIERMU_PRIVATE_KEY!, keyId: env.KARIERMU_KEY_ID, jwksUrl: env.KARIERMU_JWKS_URL! },
    prakerja: { baseUrl: env.PRAKERJA_BASE_URL!, callbackKey: env.PRAKERJA_CALLBACK_KEY! },
  };
}

/** prakerja.go.id sign keys by client code: the default provider's plus PRAKERJA_SIGN_KEYS. */
export function prakerjaKeysFromEnv(env: Env): Record<string, string> {
  return { ...env.PRAKERJA_SIGN_KEYS, ...(env.PRAKERJA_SIGN_KEY ? { [env.PRAKERJA_CLIENT_CODE]: env.PRAKERJA_SIGN_KEY } : {}) };
}
