import { AsyncLocalStorage } from 'node:async_hooks';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { AppDeps } from '../app/context.js';
import { createApp } from '../app/create-app.js';
import { notFoundHandler } from '../app/not-found.js';
import type { Database } from '../db/database.js';
import { openPostgres } from '../db/postgres.js';
import { buildDeps } from '../deps.js';
import { parseEnv, type Env } from '../env.js';
import { createLogger } from '../lib/logger.js';
import { problemResponse, problems } from '../lib/problem.js';
import { SANDBOX_SECRETS_KEY } from '../lib/secrets.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { partnersFromEnv, prakerjaKeysFromEnv } from '../partner-settings.js';
import { rateLimitPoliciesFromEnv } from '../rate-limit-settings.js';
import { SANDBOX_SECRETS } from '../sandbox/demo-data.js';
import type { ExecutionContextLike, WorkerBindings } from './bindings.js';

/** The gateway's own origin as the in-isolate simulators call it back. */
const GATEWAY_ORIGIN = 'http://gateway.internal';

/** What one isolate builds once and keeps across invocations. */
export interface Isolate {
  env: Env;
  deps: AppDeps;
  logger: Logger;
  /** The gateway, and in sandbox mode the simulators under /sandbox, as `npm start` serves them. */
  app: Hono;
  dispatcher: Dispatcher;
  /** Runs one invocation's work with its own database client (see perInvocationDatabase). */
  invocation<T>(ctx: ExecutionContextLike, work: () => Promise<T>): Promise<T>;
}

/** Without a database the gateway still serves docs and health; /readyz says why it is not ready. */
function noDatabase(): Database {
  const fail = async () => {
    throw new Error('no database configured: bind HYPERDRIVE or set DATABASE_URL');
  };
  return { db: new Proxy({}, { get: () => fail }) as Database['db'], kind: 'postgres', ping: fail, close: async () => {} };
}

/**
 * Workers may not reuse a socket opened while serving another request ("Cannot perform I/O on
 * behalf of a different request"), so each invocation gets its own postgres.js client (Hyperdrive
 * pools the real connections; postgres.js connects lazily, so requests that never query cost
 * nothing) and closes it once the invocation is done. The deps, built once per isolate, hold this
 * stand-in, which forwards to the current invocation's client.
 */
const invocationScope = new AsyncLocalStorage<{ database?: Database }>();

function perInvocationDatabase(url: string): Database {
  const current = () => {
    const scope = invocationScope.getStore();
    if (!scope) throw new Error('database used outside an invocation');
    // fetch_types off: a connection lives for one invocation, and reading the server's array types
    // first would add a round trip to each; no column or result of the gateway is an array.
    return (scope.database ??= openPostgres(url, { max: 5, fetchTypes: false }));
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

/** Only the bindings that are strings are settings; queues and Hyperdrive are read by name. */
const stringVars = (bindings: WorkerBindings) => Object.fromEntries(Object.entries(bindings).filter(([, v]) => typeof v === 'string')) as Record<string, string>;

/**
 * Builds the isolate's gateway from its bindings with the same settings as Node (body limit,
 * name thresholds, dispatcher lease and batch). In sandbox mode the simulators are imported on
 * demand: the production bundle replaces that module (wrangler.toml) and never contains them.
 */
export async function buildIsolate(bindings: WorkerBindings): Promise<Isolate> {
  const env = parseEnv(stringVars(bindings));
  const logger = createLogger({ level: env.LOG_LEVEL });
  const url = bindings.HYPERDRIVE?.connectionString ?? env.DATABASE_URL;
  const database = url ? perInvocationDatabase(url) : noDatabase();
  let root: Hono | undefined;
  const invocation = <T>(ctx: ExecutionContextLike, work: () => Promise<T>): Promise<T> => runInvocation(ctx, work);

  const sandbox = env.SANDBOX
    ? await (await import('./sandbox-in-isolate.js')).isolateSandbox(
        // A simulator's callback is a request of its own: its own database client, closed when it is answered.
        { baseUrl: GATEWAY_ORIGIN, fetch: async (r) => runInvocation(undefined, async () => root!.fetch(r)) },
        env.SEED_DEMO,
      )
    : undefined;
  const deps = buildDeps({
    database,
    partners: sandbox?.partners ?? partnersFromEnv(env),
    prakerjaKeys: { ...sandbox?.prakerjaKeys, ...prakerjaKeysFromEnv(env) },
    authSecret: env.AUTH_SECRET ?? SANDBOX_SECRETS.auth,
    secretsKey: env.SECRETS_KEY ?? SANDBOX_SECRETS_KEY,
    fetch: sandbox?.fetch ?? ((input, init) => fetch(input, init)),
    logger,
    outboundTimeoutMs: env.OUTBOUND_TIMEOUT_MS,
    maxBodyBytes: env.MAX_BODY_BYTES,
    nameThresholds: { match: env.NAME_MATCH_THRESHOLD, review: env.NAME_REVIEW_THRESHOLD },
  });
  // As on Node: a developer's receiver on this machine may be plain http in the sandbox.
  if (env.SANDBOX) deps.webhooks = { ...deps.webhooks, allowLoopbackHttp: true };
  // The same limits, counted in the same table (shared by every isolate and every Node process).
  // The caller's address is Cloudflare's cf-connecting-ip, which a client cannot set through the edge.
  const policies = rateLimitPoliciesFromEnv(env);
  const sourceHeader = env.RATE_LIMIT_SOURCE_HEADER ?? 'cf-connecting-ip';
  if (policies) deps.rateLimits = { policies, sourceAddress: (c) => c.req.header(sourceHeader)?.split(',')[0]?.trim() || undefined };
  const dispatcher = new Dispatcher(deps, { workerId: 'workers', leaseMs: env.DISPATCH_LEASE_MS, batchSize: env.DISPATCH_BATCH });
  // GET /v1/ops/platforms shows this isolate's breakers and the openings other isolates shared (destination_breakers).
  deps.breakers = () => dispatcher.breakers.snapshot();

  root = new Hono();
  if (sandbox) root.route('/', sandbox.sandbox.app);
  root.route('/', createApp(deps));
  root.notFound(notFoundHandler(root));
  root.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse({ ...problems.internal().problem, instance: c.req.path });
  });

  // The demo catalogue (sandbox), written once per isolate before its first invocation's work;
  // a failure (no schema yet: run `npm run db:migrate`) is logged and tried again next time.
  let catalogue: Promise<void> | undefined;
  const seeded = async () => {
    if (!sandbox || !env.SEED_DEMO || !url) return;
    catalogue ??= sandbox.seedCatalogue(database.db).catch((err: unknown) => {
      catalogue = undefined;
      logger.error({ err }, 'sandbox catalogue not seeded (has `npm run db:migrate` run?)');
    });
    await catalogue;
  };

  /** `ctx` undefined: a nested invocation (a simulator's callback), whose client is closed before it returns. */
  async function runInvocation<T>(ctx: ExecutionContextLike | undefined, work: () => Promise<T>): Promise<T> {
    const scope: { database?: Database } = {};
    try {
      return await invocationScope.run(scope, async () => {
        await seeded();
        return work();
      });
    } finally {
      const closing = scope.database?.close();
      if (closing) {
        if (ctx) ctx.waitUntil(closing);
        else await closing;
      }
    }
  }

  return { env, deps, logger, app: root, dispatcher, invocation };
}
