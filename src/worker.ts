/**
 * The gateway as a Cloudflare Worker: the same app, Postgres through Hyperdrive (postgres.js),
 * Web Crypto and native fetch. In sandbox mode the simulators run inside the isolate and the
 * adapters reach them through an in-process fetch, so `wrangler dev` needs no network.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Fetch } from './contract/adapter.js';
import type { AppDeps } from './app/context.js';
import { createApp } from './app/create-app.js';
import { Dispatcher } from './outbox/dispatcher.js';
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

/**
 * Workers may not reuse a socket opened while serving another request ("Cannot perform I/O on
 * behalf of a different request"), so each request gets its own postgres.js client (Hyperdrive
 * pools the real connections; postgres.js connects lazily, so requests that never query cost
 * nothing) and closes it once the response is sent. The deps, built once per isolate, hold this
 * stand-in, which forwards to the current request's client.
 */
const requestDatabase = new AsyncLocalStorage<{ database?: Database }>();

function perRequestDatabase(url: string): Database {
  const current = () => {
    const scope = requestDatabase.getStore();
    if (!scope) throw new Error('database used outside a request');
    return (scope.database ??= openPostgres(url, { max: 5 }));
  };
  return {
    get db() {
      return current().db;
    },
    kind: 'postgres',
    ping: () => current().ping(),
    close: async () => {},
  };
}

async function workerDeps(bindings: WorkerBindings): Promise<AppDeps> {
  const vars = Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const env = parseEnv(vars);
  const url = bindings.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  const database = url ? perRequestDatabase(url) : noDatabase();
  const common = { database, authSecret: env.AUTH_SECRET ?? SANDBOX_SECRETS.auth, secretsKey: env.SECRETS_KEY, logger: createLogger({ level: env.LOG_LEVEL }), outboundTimeoutMs: env.OUTBOUND_TIMEOUT_MS };
  if (!env.SANDBOX) {
    return buildDeps({ ...common, partners: partnersFromEnv(env), prakerjaKeys: prakerjaKeysFromEnv(env), fetch: (i, init) => fetch(i, init) });
  }
  const keys = await sandboxKeys();
  const sandbox = await createSandbox(keys);
  seedSimulators(sandbox);
  const fetchInIsolate: Fetch = (input, init) => Promise.resolve(sandbox.app.fetch(new Request(input as Request | string, init)));
  return buildDeps({
    ...common,
    partners: sandboxPartnerSettings(SANDBOX_ORIGIN, keys),
    prakerjaKeys: { ...keys.prakerjaClients, ...prakerjaKeysFromEnv(env) },
    fetch: fetchInIsolate,
  });
}

interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void;
}

let deps: Promise<AppDeps> | undefined;
let resolved: AppDeps | undefined;
const app = createApp(() => resolved!);

/** Runs `work` with this invocation's own database connection, closed once the invocation is done. */
async function withInvocationDatabase<T>(ctx: ExecutionContextLike, work: () => Promise<T>): Promise<T> {
  const scope: { database?: Database } = {};
  try {
    return await requestDatabase.run(scope, work);
  } finally {
    if (scope.database) ctx.waitUntil(scope.database.close());
  }
}

/** Rows per Cron run: enough to keep up, small enough to finish well inside a Worker's time limit. */
const CRON_DELIVERY_ROUNDS = 20;

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: ExecutionContextLike): Promise<Response> {
    deps ??= workerDeps(bindings);
    resolved = await deps;
    return withInvocationDatabase(ctx, async () => app.fetch(request, bindings, ctx as never));
  },

  /**
   * The outbox on Workers: a Cron Trigger (wrangler.toml) drains due rows each minute with the
   * same dispatcher as Node, claiming with SKIP LOCKED, so it can run beside Node dispatchers.
   */
  async scheduled(_event: unknown, bindings: WorkerBindings, ctx: ExecutionContextLike): Promise<void> {
    deps ??= workerDeps(bindings);
    const d = await deps;
    await withInvocationDatabase(ctx, () => new Dispatcher(d, { workerId: 'workers-cron', leaseMs: 60_000 }).drain({ maxRounds: CRON_DELIVERY_ROUNDS, horizonMs: 0 }));
  },
};
