import type { Logger } from 'pino';
import type { Fetch, Transport } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Database } from '../db/database.js';
import { buildDeps } from '../deps.js';
import type { Env } from '../env.js';
import { partnersFromEnv, prakerjaKeysFromEnv } from '../partner-settings.js';
import { SANDBOX_SECRETS } from '../sandbox/demo-data.js';
import { SANDBOX_SECRETS_KEY } from '../lib/secrets.js';
import { sandboxPartnerSettings, type SandboxKeys } from '../sandbox/sandbox.js';
import { loadOrCreateSandboxKeys } from './sandbox-keys.js';
import { useSyncDigests } from '../contract/crypto.js';
import { nodeDigests } from './sync-digests.js';
import { rateLimitsFromEnv } from './rate-limits.js';

export interface NodeRuntime {
  deps: AppDeps;
  /** Set in sandbox mode: the keys every process of this sandbox shares. */
  sandboxKeys?: SandboxKeys;
}

/**
 * The gateway's dependencies on Node, shared by the HTTP server (`npm start`) and the standalone
 * dispatcher (`npm run worker`): real partners from the environment, or the sandbox simulators at
 * SANDBOX_URL (by default the gateway's own /sandbox).
 */
export async function nodeRuntime(opts: { env: Env; database: Database; logger: Logger; fetch: Fetch; transport?: Transport; publicBase: string }): Promise<NodeRuntime> {
  const { env } = opts;
  useSyncDigests(nodeDigests);
  let keys: SandboxKeys | undefined;
  let partners;
  let prakerjaKeys = prakerjaKeysFromEnv(env);
  if (env.SANDBOX) {
    keys = await loadOrCreateSandboxKeys(env.DATA_DIR);
    partners = sandboxPartnerSettings(env.SANDBOX_URL ?? opts.publicBase, keys);
    prakerjaKeys = { ...keys.prakerjaClients, ...prakerjaKeys };
  } else {
    partners = partnersFromEnv(env);
  }
  const deps = buildDeps({
    database: opts.database,
    partners,
    prakerjaKeys,
    authSecret: env.AUTH_SECRET ?? SANDBOX_SECRETS.auth,
    secretsKey: env.SECRETS_KEY ?? SANDBOX_SECRETS_KEY,
    fetch: opts.fetch,
    transport: opts.transport,
    logger: opts.logger,
    outboundTimeoutMs: env.OUTBOUND_TIMEOUT_MS,
    // A call may wait its turn as long as it may take itself.
    outboundCaps: env.OUTBOUND_CAPS ? { concurrency: env.OUTBOUND_CONCURRENCY, perSecond: env.OUTBOUND_PER_SECOND, maxWaitMs: env.OUTBOUND_TIMEOUT_MS } : undefined,
    maxBodyBytes: env.MAX_BODY_BYTES,
    nameThresholds: { match: env.NAME_MATCH_THRESHOLD, review: env.NAME_REVIEW_THRESHOLD },
  });
  // A developer's receiver on this machine may be plain http in the sandbox; in production only https.
  if (env.SANDBOX) deps.webhooks = { ...deps.webhooks, allowLoopbackHttp: true };
  // Webhooks go over the partners' keep-alive pool as plain requests: a web fetch per delivery was a quarter of a worker's CPU.
  if (opts.transport) deps.webhooks = { ...deps.webhooks, transport: opts.transport };
  deps.rateLimits = rateLimitsFromEnv(env);
  return { deps, sandboxKeys: keys };
}

export const publicBaseOf = (env: Env) => `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`;
