import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacBase64, sha256Hex } from '../shared/crypto.js';

export interface MbaConfig {
  baseUrl: string;
  keyId: string;
  secret: string;
}

export const MBA_PATHS = {
  order: (id: string) => `/api/partner/orders/${encodeURIComponent(id)}`,
  orders: '/api/partner/orders',
  checkIn: (id: string) => `/api/partner/orders/${encodeURIComponent(id)}/check-in`,
  result: (id: string) => `/api/partner/orders/${encodeURIComponent(id)}/result`,
} as const;

export const MBA_MAX_PAGE = 200;

/** Base64 HMAC-SHA512 over `METHOD\npath?query\ntimestamp\nsha256hex(body)`. */
export async function mbaSignature(secret: string, method: string, pathWithQuery: string, timestamp: string, body: string): Promise<string> {
  return hmacBase64('SHA-512', secret, `${method}\n${pathWithQuery}\n${timestamp}\n${await sha256Hex(body)}`);
}

/** Callbacks: base64 HMAC-SHA512 over `timestamp\ndelivery\nbody`. */
export function mbaCallbackSignature(secret: string, timestamp: string, delivery: string, body: string): Promise<string> {
  return hmacBase64('SHA-512', secret, `${timestamp}\n${delivery}\n${body}`);
}

/** `Authorization: MBA-HMAC-SHA512 Key=…, Timestamp=…, Signature=…`. */
export function parseMbaAuthorization(h: string): { key?: string; timestamp?: string; signature?: string } {
  const m = /^MBA-HMAC-SHA512 (.*)$/.exec(h);
  if (!m) return {};
  const parts = Object.fromEntries(m[1].split(',').map((p) => p.trim().split('=').map((x, i, a) => (i === 0 ? x : a.slice(1).join('=')))).map(([k, v]) => [k, v]));
  return { key: parts.Key, timestamp: parts.Timestamp, signature: parts.Signature };
}

export async function mbaRequest(cfg: MbaConfig, method: 'GET' | 'POST', pathWithQuery: string, opts: { body?: unknown; idempotencyKey?: string; now: Date }): Promise<WireRequest> {
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const ts = String(Math.floor(opts.now.getTime() / 1000));
  const url = new URL(`${cfg.baseUrl.replace(/\/$/, '')}${pathWithQuery}`);
  const sig = await mbaSignature(cfg.secret, method, url.pathname + url.search, ts, body);
  const headers: Record<string, string> = { authorization: `MBA-HMAC-SHA512 Key=${cfg.keyId}, Timestamp=${ts}, Signature=${sig}`, accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(url, { method, headers, body: opts.body === undefined ? undefined : body });
}
