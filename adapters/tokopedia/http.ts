import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacBase64, hmacHex } from '../shared/crypto.js';

/** Tokopedia's HTTP side: base path, the request signature and the webhook signature. */
export interface TokopediaConfig {
  baseUrl: string;
  clientId: string;
  secret: string;
  /**
   * Secrets Tokopedia signs webhooks with. Any one of them verifies a callback, so a new secret
   * can be added before Tokopedia switches to it and the old one removed afterwards. Optional
   * only until every deployment sets it; without it every callback is refused.
   */
  webhookSecrets?: string[];
}

export const TOKOPEDIA_PATHS = {
  vouchers: '/prakerja/v1/vouchers',
  voucher: (code: string) => `/prakerja/v1/vouchers/${encodeURIComponent(code)}`,
  redeem: (code: string) => `/prakerja/v1/vouchers/${encodeURIComponent(code)}/redeem`,
  completion: (code: string) => `/prakerja/v1/vouchers/${encodeURIComponent(code)}/completion`,
};

/** Tokopedia's listing refuses more than this per page. */
export const TOKOPEDIA_MAX_PAGE = 100;

/** Signature = hex HMAC-SHA256(secret, timestamp + "." + body), timestamp in ISO-8601. */
export function tokopediaSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${timestamp}.${body}`);
}

export async function tokopediaRequest(
  cfg: TokopediaConfig,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; idempotencyKey?: string; now: Date },
): Promise<WireRequest> {
  const body = opts.body === undefined ? '' : JSON.stringify(opts.body);
  const timestamp = opts.now.toISOString();
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-tokopedia-client-id': cfg.clientId,
    'x-tokopedia-timestamp': timestamp,
    'x-tokopedia-signature': await tokopediaSignature(cfg.secret, timestamp, body),
  };
  if (body) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  return wireRequest(cfg.baseUrl.replace(/\/$/, '') + path, { method, headers, body: body || undefined });
}

/* ------------------------------------------------------------------- webhooks ------------ */

/** Standard Webhooks header names (lower case, as Headers.get normalises them). */
export const TOKOPEDIA_WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/**
 * One Standard Webhooks signature: base64 HMAC-SHA256(secret, id + "." + timestamp + "." + body),
 * timestamp in Unix seconds. The id is signed too, so a captured callback cannot be replayed
 * under a new id to slip past deduplication. Unlike the spec's `whsec_` form, the secret's UTF-8
 * bytes are the key (modelled).
 */
export function tokopediaWebhookSignature(secret: string, id: string, timestamp: string, body: string): Promise<string> {
  return hmacBase64('SHA-256', secret, `${id}.${timestamp}.${body}`);
}
