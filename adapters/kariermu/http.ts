import { importPKCS8, SignJWT } from 'jose';
import { AdapterError } from '../types.js';

/** Karier.mu's HTTP side: base path and the bearer token the gateway mints per request. */
export interface KariermuConfig {
  baseUrl: string;
  /** `iss` of the gateway's tokens, as registered with Karier.mu. */
  issuer: string;
  /** Defaults to KARIERMU_AUDIENCE; only a sandbox or a migration has reason to change it. */
  audience?: string;
  /** PKCS#8 PEM of the RS256 key whose public half Karier.mu holds. */
  privateKeyPem: string;
  /** `kid` header, so Karier.mu can pick the right key during a rotation. */
  keyId: string;
}

export const KARIERMU_AUDIENCE = 'kariermu-partner-api';
/** Short-lived on purpose: a leaked token is worthless a minute later. */
export const KARIERMU_TOKEN_TTL_S = 60;

export const KARIERMU_PATHS = {
  voucher: (code: string) => `/api/partner/v1/vouchers/${encodeURIComponent(code)}`,
  enrollments: '/api/partner/v1/enrollments',
};

/**
 * Returns a function that mints one RS256 token per request. The PEM is parsed once per signer
 * (RSA key import is the slow part); a fresh `jti` per token lets Karier.mu refuse a replayed one.
 */
export function kariermuTokenSigner(cfg: Pick<KariermuConfig, 'issuer' | 'audience' | 'privateKeyPem' | 'keyId'>): (now: Date) => Promise<string> {
  let key: Promise<CryptoKey> | undefined;
  return async (now) => {
    key ??= importPKCS8(cfg.privateKeyPem, 'RS256');
    let k: CryptoKey;
    try {
      k = await key;
    } catch (e) {
      // A malformed key is a configuration fault that no retry cures; say so in canonical terms.
      throw new AdapterError('auth_failed', 'kariermu', `kariermu private key cannot be imported: ${(e as Error).message}`, { retryable: false });
    }
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: cfg.keyId })
      .setIssuer(cfg.issuer)
      .setAudience(cfg.audience ?? KARIERMU_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + KARIERMU_TOKEN_TTL_S)
      .setJti(crypto.randomUUID())
      .sign(k);
  };
}

export function kariermuRequest(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; idempotencyKey?: string } = {},
): Request {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return new Request(baseUrl.replace(/\/$/, '') + path, { method, headers, body });
}
