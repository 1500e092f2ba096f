import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { jwtVerify, SignJWT } from 'jose';
import { hmacHex } from '../shared/crypto.js';

export interface SekolahmuConfig {
  baseUrl: string;
  clientId: string;
  /** Shared secret: signs the gateway's HS256 tokens and Sekolahmu's callbacks (as modelled). */
  secret: string;
}

export const SEKOLAHMU_AUDIENCE = 'sekolahmu-prakerja-partner';
export const SEKOLAHMU_TOKEN_TTL_S = 60;

export const SEKOLAHMU_PATHS = {
  enrollment: (id: string) => `/prakerja/partner/v2/enrollments/${encodeURIComponent(id)}`,
  enrollments: '/prakerja/partner/v2/enrollments',
  confirmation: (id: string) => `/prakerja/partner/v2/enrollments/${encodeURIComponent(id)}/confirmation`,
} as const;

export const SEKOLAHMU_MAX_PAGE = 100;

const key = (secret: string) => new TextEncoder().encode(secret);

/** A short-lived HS256 token per request: a leaked one is worthless a minute later. */
export function sekolahmuToken(cfg: Pick<SekolahmuConfig, 'clientId' | 'secret'>, now: Date): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(cfg.clientId)
    .setAudience(SEKOLAHMU_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + SEKOLAHMU_TOKEN_TTL_S)
    .setJti(crypto.randomUUID())
    .sign(key(cfg.secret));
}

/** The simulator's side: who the token is from, or why not. */
export async function verifySekolahmuToken(secret: string, token: string, now: Date): Promise<{ ok: true; clientId: string } | { ok: false; code: 'invalid_token' | 'token_expired' }> {
  try {
    const { payload } = await jwtVerify(token, key(secret), { audience: SEKOLAHMU_AUDIENCE, algorithms: ['HS256'], currentDate: now });
    return payload.iss ? { ok: true, clientId: payload.iss } : { ok: false, code: 'invalid_token' };
  } catch (e) {
    return { ok: false, code: (e as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'token_expired' : 'invalid_token' };
  }
}

/** Callbacks: `X-Sekolahmu-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`. */
export function sekolahmuCallbackSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${timestamp}.${body}`);
}

export async function sekolahmuRequest(cfg: SekolahmuConfig, method: 'GET' | 'POST', pathWithQuery: string, opts: { body?: unknown; idempotencyKey?: string; now: Date }): Promise<WireRequest> {
  const headers: Record<string, string> = { authorization: `Bearer ${await sekolahmuToken(cfg, opts.now)}`, accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(`${cfg.baseUrl.replace(/\/$/, '')}${pathWithQuery}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
}
