import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Fetch } from '../../adapters/types.js';
import { createApp } from '../app/create-app.js';
import type { Database } from '../db/database.js';
import { buildDeps } from '../deps.js';
import type { Env } from '../env.js';
import { createSandbox, sandboxKeys, sandboxPartnerSettings, seedCatalogue, seedSimulators, type Sandbox } from '../sandbox/sandbox.js';
import { SANDBOX_SECRETS } from '../sandbox/demo-data.js';
import { partnersFromEnv, prakerjaKeysFromEnv } from '../partner-settings.js';

/**
 * The gateway as the Node process runs it: the app, and in sandbox mode the simulators mounted
 * beside it under /sandbox and the adapters pointed at them over real HTTP.
 */
export async function assembleGateway(opts: { env: Env; database: Database; logger: Logger; fetch: Fetch; publicBase: string }) {
  const { env } = opts;
  let sandbox: Sandbox | undefined;
  let partners = env.SANDBOX ? undefined : partnersFromEnv(env);
  let prakerjaKeys = prakerjaKeysFromEnv(env);
  if (env.SANDBOX) {
    const keys = await sandboxKeys();
    sandbox = createSandbox(keys);
    if (env.SEED_DEMO) {
      seedSimulators(sandbox);
      await seedCatalogue(opts.database.db);
    }
    partners = sandboxPartnerSettings(opts.publicBase, keys);
    prakerjaKeys = { ...keys.prakerjaClients, ...prakerjaKeys };
  }

  const deps = buildDeps({
    database: opts.database,
    partners: partners!,
    prakerjaKeys,
    authSecret: env.AUTH_SECRET ?? SANDBOX_SECRETS.auth,
    fetch: opts.fetch,
    logger: opts.logger,
    outboundTimeoutMs: env.OUTBOUND_TIMEOUT_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    nameThresholds: { match: env.NAME_MATCH_THRESHOLD, review: env.NAME_REVIEW_THRESHOLD },
  });
  const gateway = createApp(deps);
  const root = new Hono();
  if (sandbox) root.route('/', sandbox.app);
  root.route('/', gateway);
  return { app: root, gateway, deps, sandbox };
}
