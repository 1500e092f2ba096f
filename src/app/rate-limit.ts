import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Caller } from '../auth/tokens.js';
import { countHit } from '../db/rate-limit-store.js';
import { classify, limitedField, rateLimitHeaders, verdict, windowStart, type RateLimitClass } from '../domain/rate-limits.js';
import { problemResponse, ProblemError } from '../lib/problem.js';
import type { AppEnv } from './context.js';

/**
 * Counts the request against its class and subject in the database (one statement, shared by
 * every instance), and either lets it through with the draft's RateLimit headers or refuses it:
 * 429 problem+json with Retry-After and the same headers. Without `deps.rateLimits` nothing is
 * counted.
 */
async function enforce(c: Context<AppEnv>, cls: RateLimitClass, subject: string): Promise<Record<string, string> | Response> {
  const limits = c.get('deps').rateLimits;
  if (!limits) return {};
  const policy = limits.policies[cls];
  const now = c.get('deps').now().getTime();
  const hits = await countHit(c.get('deps').database.db, `${cls}:${subject}`, windowStart(now, policy.windowSeconds));
  const v = verdict(hits, policy, now);
  const headers = rateLimitHeaders(cls, v);
  if (v.allowed) return headers;
  const message = `at most ${v.limit} ${cls} requests per ${v.windowSeconds} s`;
  const p = new ProblemError(429, 'rate_limited', 'Too many requests', {
    detail: `The ${cls} limit of this ${cls === 'callbacks' ? 'source address' : 'caller'} is reached (${message}); nothing of this request was done. Retry after ${v.resetSeconds} s.`,
    limitClass: cls,
    retryAfterSeconds: v.resetSeconds,
    errors: [{ field: limitedField(cls), rule: `rate_limit:${cls}`, message }],
  }).problem;
  c.get('log').warn({ limitClass: cls, hits, limit: v.limit }, 'rate limited');
  return problemResponse({ ...p, instance: c.req.path, requestId: c.get('requestId') }, headers);
}

function setHeaders(c: Context, headers: Record<string, string>): void {
  for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
}

/** Called by the auth guard once the caller is known: providers per class, operators per operator. */
export async function limitCaller(c: Context<AppEnv>, caller: Caller, next: () => Promise<void>): Promise<Response | void> {
  const cls = classify(c.req.method, c.req.path, caller.kind);
  const verdictOrRefusal = await enforce(c, cls, caller.kind === 'provider' ? caller.providerId : `ops:${caller.operator}`);
  if (verdictOrRefusal instanceof Response) return verdictOrRefusal;
  await next();
  setHeaders(c, verdictOrRefusal);
}

/** The platforms' callback door carries no token: limited per source address, before the body is read. */
export const limitCallbacks = createMiddleware<AppEnv>(async (c, next) => {
  const limits = c.get('deps').rateLimits;
  if (!limits) return next();
  const verdictOrRefusal = await enforce(c, 'callbacks', limits.sourceAddress(c) ?? 'unknown');
  if (verdictOrRefusal instanceof Response) return verdictOrRefusal;
  await next();
  setHeaders(c, verdictOrRefusal);
});
