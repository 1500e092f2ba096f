import { assertNever } from '../lib/assert.js';

/**
 * What a request counts against. Providers are limited per class of operation, since a burst of
 * redemptions costs partner calls while reads cost only the database; operators per operator;
 * platforms' callbacks, which carry no token, per source address.
 */
export const RATE_LIMIT_CLASSES = ['redemptions', 'writes', 'reads', 'batch', 'ops', 'callbacks'] as const;
export type RateLimitClass = (typeof RATE_LIMIT_CLASSES)[number];

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export type RateLimitPolicies = Record<RateLimitClass, RateLimitPolicy>;

/** Per minute, generous for one provider's backend yet a ceiling the partners behind us can take. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitClass, number>> = {
  redemptions: 600,
  writes: 1200,
  reads: 3000,
  batch: 30,
  ops: 600,
  callbacks: 1200,
};

/** Routes that call a partner synchronously: their class is the one that protects the partners. */
const PARTNER_PATHS = ['/v1/redemptions', '/v1/redeem-codes'];
const BATCH_PATH = '/v1/completions/batch';

/** The class of a request that passed authentication. */
export function classify(method: string, path: string, caller: 'provider' | 'ops'): RateLimitClass {
  if (caller === 'ops') return 'ops';
  if (method === 'GET' || method === 'HEAD') return 'reads';
  if (path === BATCH_PATH) return 'batch';
  if (PARTNER_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return 'redemptions';
  return 'writes';
}

export interface RateLimitVerdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  windowSeconds: number;
}

/** Fixed window: the window an instant falls in, and the verdict for the count reached in it. */
export function windowStart(nowMs: number, windowSeconds: number): number {
  return Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
}

export function verdict(hits: number, policy: RateLimitPolicy, nowMs: number): RateLimitVerdict {
  const start = windowStart(nowMs, policy.windowSeconds);
  const resetSeconds = Math.max(1, Math.ceil(start + policy.windowSeconds - nowMs / 1000));
  return { allowed: hits <= policy.limit, limit: policy.limit, remaining: Math.max(0, policy.limit - hits), resetSeconds, windowSeconds: policy.windowSeconds };
}

/**
 * The headers of the IETF draft (draft-ietf-httpapi-ratelimit-headers, structured fields):
 * `RateLimit-Policy: "reads";q=3000;w=60` and `RateLimit: "reads";r=2999;t=42`.
 */
export function rateLimitHeaders(cls: RateLimitClass, v: RateLimitVerdict): Record<string, string> {
  return {
    'ratelimit-policy': `"${cls}";q=${v.limit};w=${v.windowSeconds}`,
    ratelimit: `"${cls}";r=${v.remaining};t=${v.resetSeconds}`,
  };
}

/** Which part of the request the limit is keyed on, as a problem's errors[].field names it. */
export function limitedField(cls: RateLimitClass): string {
  switch (cls) {
    case 'callbacks':
      return 'source_address';
    case 'redemptions':
    case 'writes':
    case 'reads':
    case 'batch':
    case 'ops':
      return 'header:Authorization';
    default:
      return assertNever(cls);
  }
}
