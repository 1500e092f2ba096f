import { hmacHex } from '../shared/crypto.js';

/** Tokopedia's HTTP side: base path and the request signature. */
export interface TokopediaConfig {
  baseUrl: string;
  clientId: string;
  secret: string;
}

export const TOKOPEDIA_PATHS = {
  voucher: (code: string) => `/prakerja/v1/vouchers/${encodeURIComponent(code)}`,
  redeem: (code: string) => `/prakerja/v1/vouchers/${encodeURIComponent(code)}/redeem`,
};

/** Signature = hex HMAC-SHA256(secret, timestamp + "." + body), timestamp in ISO-8601. */
export function tokopediaSignature(secret: string, timestamp: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${timestamp}.${body}`);
}

export async function tokopediaRequest(
  cfg: TokopediaConfig,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; idempotencyKey?: string; now: Date },
): Promise<Request> {
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
  return new Request(cfg.baseUrl.replace(/\/$/, '') + path, { method, headers, body: body || undefined });
}
