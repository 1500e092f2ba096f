/**
 * The gateway as a Cloudflare Worker: the same app, Postgres through Hyperdrive (postgres.js),
 * Web Crypto and native fetch. In sandbox mode the simulators run inside the isolate and the
 * adapters reach them through an in-process fetch, so `wrangler dev` needs no network.
 */
import type { Fetch } from '../adapters/types.js';
import type { AppDeps } from './app/context.js';
import { createApp } from './app/create-app.js';
import type { Database } from './db/database.js';
import { openPostgres } from './db/postgres.js';
import { buildDeps } from './deps.js';
import { parseEnv } from './env.js';
import { partnersFromEnv, prakerjaKeysFromEnv } from './partner-settings.js';
import { createLogger } from './lib/logger.js';
import { SANDBOX_SECRETS } from './sandbox/demo-data.js';
import { createSandbox, sandboxKeys, sandboxPartnerSettings, seedSimulators } from './sandbox/sandbox.js';

interface WorkerBindings {
  HYPERDRIVE?: { connectionString: string };
  [name: string]: unknown;
}

const SANDBOX_ORIGIN = 'http://sandbox.internal';

/** Without a database binding the gateway still serves docs and health; /readyz says why it is not ready. */
function noDatabase(): Database {
  const fail = async () => {
    throw new Error('no database configured: bind HYPERDRIVE or set DATABASE_URL');
  };
  return { db: new Proxy({}, { get: () => fail }) as Database['db'], kind: 'postgres', ping: fail, close: async () => {} };
}

async function workerDeps(bindings: WorkerBindings): Promise<AppDeps> {
  const vars = Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const env = parseEnv(vars);
  const url = bindings.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  const database = url ? openPostgres(url, { max: 5 }) : noDatabase();
  const common = { database, authSecret: env.AUTH_SECRET ?? SANDBOX_SECRETS.auth, logger: createLogger({ level: env.LOG_LEVEL }), outboundTimeoutMs: env.OUTBOUND_TIMEOUT_MS };
  if (!env.SANDBOX) {
    return buildDeps({ ...common, partners: partnersFromEnv(env), prakerjaKeys: prakerjaKeysFromEnv(env), fetch: (i, init) => fetch(i, init) });
  }
  const keys = await sandboxKeys();
  const sandbox = createSandbox(keys);
  seedSimulators(sandbox);
  const fetchInIsolate: Fetch = (input, init) => Promise.resolve(sandbox.app.fetch(new Request(input as Request | string, init)));
  return buildDeps({
    ...common,
    partners: sandboxPartnerSettings(SANDBOX_ORIGIN, keys),
    prakerjaKeys: { ...keys.prakerjaClients, ...prakerjaKeysFromEnv(env) },
    fetch: fetchInIsolate,
  });
}

let deps: Promise<AppDeps> | undefined;
let resolved: AppDeps | undefined;
const app = createApp(() => resolved!);

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: unknown): Promise<Response> {
    deps ??= workerDeps(bindings);
    resolved = await deps;
    return app.fetch(request, bindings, ctx as never);
  },
};
