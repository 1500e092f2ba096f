import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../app/context.js';
import type { Env } from '../env.js';
import { rateLimitPoliciesFromEnv } from '../rate-limit-settings.js';

/** The inbound limits the environment asks for (RATE_LIMIT_*), or none when RATE_LIMITS=false. */
export function rateLimitsFromEnv(env: Env): AppDeps['rateLimits'] {
  const policies = rateLimitPoliciesFromEnv(env);
  if (!policies) return undefined;
  const header = env.RATE_LIMIT_SOURCE_HEADER;
  return { policies, sourceAddress: header ? (c) => fromHeader(c, header) : socketPeer };
}

/** The first address of a proxy's header (the client as the first proxy saw it). */
function fromHeader(c: Context<AppEnv>, header: string): string | undefined {
  return c.req.header(header)?.split(',')[0]?.trim() || undefined;
}

/** The TCP peer of @hono/node-server; undefined when the app is called in-process (tests). */
function socketPeer(c: Context<AppEnv>): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
