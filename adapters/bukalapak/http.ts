import type { WireRequest } from '../types.js';
import { wireRequest } from '../shared/http.js';
import { hmacHex } from '../shared/crypto.js';

/** Bukalapak's HTTP side: base paths, OAuth2 client credentials, the cached bearer token and the webhook signature. */
export interface BukalapakConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Signs Bukalapak's webhooks. Optional only until every deployment sets it; without it every callback is refused. */
  webhookSecret?: string;
}

export const BUKALAPAK_PATHS = {
  token: '/oauth/token',
  vouchers: '/v2/prakerja/vouchers',
  voucher: (code: string) => `/v2/prakerja/vouchers/${encodeURIComponent(code)}`,
  redemptions: (code: string) => `/v2/prakerja/vouchers/${encodeURIComponent(code)}/redemptions`,
  completions: (code: string) => `/v2/prakerja/vouchers/${encodeURIComponent(code)}/completions`,
};

/** Bukalapak's listing refuses a larger `per_page`. */
export const BUKALAPAK_MAX_PER_PAGE = 100;

/** Webhook header names (lower case, as Headers.get normalises them). */
export const BUKALAPAK_WEBHOOK_HEADERS = {
  eventId: 'x-bukalapak-event-id',
  timestamp: 'x-bukalapak-timestamp',
  signature: 'x-bukalapak-signature',
} as const;

/**
 * Webhook signature = lower-case hex HMAC-SHA256(webhookSecret, eventId + "." + timestamp + "." +
 * body), sent as `sha256=<hex>`. The event id is signed so a captured callback cannot be replayed
 * under a fresh id to slip past deduplication inside the timestamp window.
 */
export function bukalapakWebhookSignature(secret: string, eventId: string, timestamp: string, body: string): Promise<string> {
  return hmacHex('SHA-256', secret, `${eventId}.${timestamp}.${body}`);
}

const url = (cfg: Pick<BukalapakConfig, 'baseUrl'>, path: string) => cfg.baseUrl.replace(/\/$/, '') + path;

/** application/x-www-form-urlencoded encoding of one value (spaces as '+'), per the HTML form rules RFC 6749 cites. */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export function formDecode(value: string): string {
  return new URLSearchParams(`v=${value}`).get('v') ?? '';
}

/**
 * RFC 6749 §2.3.1: client id and secret are form-encoded *before* being joined with ':' and
 * base64-encoded, so a ':' or non-ASCII character in either cannot break the pair apart.
 */
export function bukalapakBasicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`;
}

export function bukalapakTokenRequest(cfg: BukalapakConfig): WireRequest {
  return wireRequest(url(cfg, BUKALAPAK_PATHS.token), {
    method: 'POST',
    headers: {
      accept: 'application/json',
      authorization: bukalapakBasicAuth(cfg.clientId, cfg.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
}

export function bukalapakRequest(
  cfg: BukalapakConfig,
  accessToken: string,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; idempotencyKey?: string } = {},
): WireRequest {
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${accessToken}` };
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body) headers['content-type'] = 'application/json';
  if (opts.idempotencyKey) headers['x-idempotency-key'] = opts.idempotencyKey;
  return wireRequest(url(cfg, path), { method, headers, body });
}

/**
 * Refresh this long before the platform's expiry: a token that lapses in flight costs a 401 and a
 * second round trip, and clocks on either side are not exactly in step.
 */
export const TOKEN_EXPIRY_MARGIN_MS = 30_000;

export interface IssuedToken {
  accessToken: string;
  expiresInS: number;
}

/**
 * One bearer token per adapter. Callers that find no usable token while one is being fetched wait
 * for that fetch instead of starting their own: a burst after start-up or expiry costs one token
 * request, and the platform never sees a stampede of logins it might rate-limit.
 */
export class BukalapakTokenCache {
  private current?: { value: string; refreshAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly issue: () => Promise<IssuedToken>,
    private readonly now: () => Date,
  ) {}

  get(): Promise<string> {
    if (this.current && this.now().getTime() < this.current.refreshAt) return Promise.resolve(this.current.value);
    if (!this.pending) {
      const requestedAt = this.now().getTime();
      this.pending = this.issue()
        .then((t) => {
          const lifetimeMs = t.expiresInS * 1000;
          // Timed from when we asked, not when the answer came: the platform's clock started no later.
          this.current = { value: t.accessToken, refreshAt: requestedAt + lifetimeMs - Math.min(TOKEN_EXPIRY_MARGIN_MS, lifetimeMs / 2) };
          return t.accessToken;
        })
        .finally(() => {
          this.pending = undefined;
        });
    }
    return this.pending;
  }

  /**
   * Drops the token the platform refused. Compared by value so that a 401 arriving late for an
   * old token does not throw away a fresh one another call has just fetched.
   */
  invalidate(refused: string): void {
    if (this.current?.value === refused) this.current = undefined;
  }
}
