import type { RateLimitPolicies } from './domain/rate-limits.js';
import type { Env } from './env.js';

/** The inbound limits the environment asks for (RATE_LIMIT_*), the same on Node and on Workers; none when RATE_LIMITS=false. */
export function rateLimitPoliciesFromEnv(env: Env): RateLimitPolicies | undefined {
  if (!env.RATE_LIMITS) return undefined;
  const w = env.RATE_LIMIT_WINDOW_SECONDS;
  return {
    redemptions: { limit: env.RATE_LIMIT_REDEMPTIONS, windowSeconds: w },
    writes: { limit: env.RATE_LIMIT_WRITES, windowSeconds: w },
    reads: { limit: env.RATE_LIMIT_READS, windowSeconds: w },
    batch: { limit: env.RATE_LIMIT_BATCH, windowSeconds: w },
    ops: { limit: env.RATE_LIMIT_OPS, windowSeconds: w },
    callbacks: { limit: env.RATE_LIMIT_CALLBACKS, windowSeconds: w },
  };
}
