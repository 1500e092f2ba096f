import { base64url, createLocalJWKSet, decodeProtectedHeader, errors, flattenedVerify, FlattenedSign, importPKCS8, SignJWT, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';
import { parseWire, send, transportError, wireRequest } from '../shared/http.js';
import { AdapterError, CallbackRejected, type AdapterContext, type WireRequest } from '../types.js';
import { KariermuJwks } from './wire.js';

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
  /** Karier.mu's public keys for its callback signatures (a JWKS document). */
  jwksUrl: string;
}

export const KARIERMU_AUDIENCE = 'kariermu-partner-api';
/** Short-lived on purpose: a leaked token is worthless a minute later. */
export const KARIERMU_TOKEN_TTL_S = 60;

export const KARIERMU_PATHS = {
  voucher: (code: string) => `/api/partner/v1/vouchers/${encodeURIComponent(code)}`,
  vouchers: '/api/partner/v1/vouchers',
  enrollments: '/api/partner/v1/enrollments',
  completion: (code: string) => `/api/partner/v1/enrollments/${encodeURIComponent(code)}/completion`,
  jwks: '/.well-known/jwks.json',
};

/** Detached JWS over the raw callback body: `<protected>..<signature>`. */
export const KARIERMU_SIGNATURE_HEADER = 'x-kariermu-signature';

/**
 * An unknown `kid` sends the gateway back to the JWKS at most this often. Rotation is then picked
 * up within a minute, and a stream of forged kids cannot make the gateway hammer Karier.mu.
 */
export const KARIERMU_JWKS_REFETCH_MS = 60_000;

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
): WireRequest {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(baseUrl.replace(/\/$/, '') + path, { method, headers, body });
}

/** Signs a callback body as Karier.mu does: RFC 7515 appendix F detached content, RS256, `iat` in the protected header. */
export async function kariermuDetachedSignature(key: CryptoKey, kid: string, body: string, at: Date): Promise<string> {
  const jws = await new FlattenedSign(new TextEncoder().encode(body)).setProtectedHeader({ alg: 'RS256', kid, iat: Math.floor(at.getTime() / 1000) }).sign(key);
  return `${jws.protected}..${jws.signature}`;
}

/**
 * Karier.mu's public keys, fetched through the gateway's own fetch and kept per adapter. The set is
 * fetched on first use and again only when a callback names a kid it lacks, at most once per
 * KARIERMU_JWKS_REFETCH_MS; concurrent callbacks share one fetch.
 */
export function kariermuKeyStore(ctx: AdapterContext, jwksUrl: string, now: () => Date) {
  let current: { kids: Set<string>; keys: ReturnType<typeof createLocalJWKSet> } | undefined;
  let lastAttempt = -Infinity;
  let inflight: Promise<void> | undefined;

  async function load(): Promise<void> {
    lastAttempt = now().getTime();
    const res = await send(ctx, 'kariermu', wireRequest(jwksUrl, { headers: { accept: 'application/json' } }));
    if (res.status !== 200) {
      throw transportError('kariermu', res) ?? new AdapterError('unexpected_response', 'kariermu', `kariermu JWKS answered HTTP ${res.status}`, { httpStatus: res.status, retryable: false });
    }
    const set = parseWire('kariermu', KariermuJwks, res) as JSONWebKeySet;
    let keys: ReturnType<typeof createLocalJWKSet>;
    try {
      keys = createLocalJWKSet(set);
    } catch (e) {
      throw new AdapterError('unexpected_response', 'kariermu', `kariermu JWKS is not a key set: ${(e as Error).message}`, { httpStatus: res.status, retryable: false });
    }
    current = { kids: new Set(set.keys.flatMap((k) => (typeof k.kid === 'string' ? [k.kid] : []))), keys };
  }

  function refresh(): Promise<void> {
    inflight ??= load().finally(() => (inflight = undefined));
    return inflight;
  }

  return {
    async forKid(kid: string) {
      if (!current) await refresh();
      else if (!current.kids.has(kid) && now().getTime() - lastAttempt >= KARIERMU_JWKS_REFETCH_MS) await refresh();
      return current!.keys;
    },
  };
}

export type KariermuKeyStore = ReturnType<typeof kariermuKeyStore>;

const DETACHED_JWS = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/;

/**
 * Verifies `X-Kariermu-Signature` over the exact bytes received and returns its protected header.
 * Throws CallbackRejected when the signature cannot be trusted. A JWKS that cannot be fetched is
 * an AdapterError instead: that is the gateway's trouble, and the sender should retry later.
 */
export async function verifyKariermuSignature(header: string, rawBody: string, keys: KariermuKeyStore): Promise<JWSHeaderParameters & { kid: string; iat: number }> {
  const m = DETACHED_JWS.exec(header.trim());
  if (!m) throw new CallbackRejected('bad_signature', 'X-Kariermu-Signature is not a detached JWS (<protected>..<signature>)');
  let protectedHeader: JWSHeaderParameters;
  try {
    protectedHeader = decodeProtectedHeader({ protected: m[1] }) as JWSHeaderParameters;
  } catch {
    throw new CallbackRejected('bad_signature', 'X-Kariermu-Signature protected header is not base64url JSON');
  }
  const { alg, kid, iat } = protectedHeader;
  if (alg !== 'RS256' || typeof kid !== 'string' || typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw new CallbackRejected('bad_signature', 'X-Kariermu-Signature protected header must carry alg RS256, kid and a numeric iat');
  }
  // The contract is the normal base64url payload; an unencoded-payload (b64) or critical extension
  // header would make the same bytes mean something else.
  if ('b64' in protectedHeader || 'crit' in protectedHeader) throw new CallbackRejected('bad_signature', 'X-Kariermu-Signature uses a header extension the contract does not allow');

  const jwks = await keys.forKid(kid);
  try {
    await flattenedVerify({ protected: m[1], payload: base64url.encode(rawBody), signature: m[2] }, jwks, { algorithms: ['RS256'] });
  } catch (e) {
    if (e instanceof errors.JWKSNoMatchingKey) throw new CallbackRejected('bad_signature', `kariermu key ${kid} is not in its JWKS`);
    if (e instanceof errors.JOSEError) throw new CallbackRejected('bad_signature', `kariermu callback signature does not verify: ${e.message}`);
    throw e;
  }
  return { ...protectedHeader, kid, iat };
}
