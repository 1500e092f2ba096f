import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacHex } from '../shared/crypto.js';

export interface PijarConfig {
  baseUrl: string;
  /** Partner key id, sent in `X-Pijar-Key`. */
  keyId: string;
  /** Signs requests and (the same secret, as the model has it) verifies Pijar's callbacks. */
  secret: string;
}

export const PIJAR_PATHS = {
  enrollment: (id: string) => `/partner/v1/enrollments/${encodeURIComponent(id)}`,
  enrollments: '/partner/v1/enrollments',
  completion: (id: string) => `/partner/v1/enrollments/${encodeURIComponent(id)}/completion`,
} as const;

export const PIJAR_MAX_PAGE = 100;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.METHOD.path.body">`, as Stripe-style schemes do. */
export async function pijarSignature(secret: string, t: string, method: string, pathWithQuery: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${t}.${method}.${pathWithQuery}.${body}`);
}

/** Callbacks sign `t.body` only: the path they are delivered to is the gateway's business. */
export async function pijarCallbackSignature(secret: string, t: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${t}.${body}`);
}

export function parseSignatureHeader(h: string): { t?: string; v1: string[] } {
  const parts = h.split(',').map((p) => p.trim().split('='));
  return { t: parts.find(([k]) => k === 't')?.[1], v1: parts.filter(([k]) => k === 'v1').map(([, v]) => v ?? '') };
}

export async function pijarRequest(cfg: PijarConfig, method: 'GET' | 'POST', pathWithQuery: string, opts: { body?: unknown; idempotencyKey?: string; now: Date }): Promise<WireRequest> {
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const t = String(Math.floor(opts.now.getTime() / 1000));
  const url = `${cfg.baseUrl.replace(/\/$/, '')}${pathWithQuery}`;
  const path = new URL(url).pathname + new URL(url).search;
  const headers: Record<string, string> = {
    'x-pijar-key': cfg.keyId,
    'x-pijar-signature': `t=${t},v1=${await pijarSignature(cfg.secret, t, method, path, body)}`,
    accept: 'application/json',
  };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(url, { method, headers, body: opts.body === undefined ? undefined : body });
}
