import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import type { PlatformDefinition } from '../../src/contract/platform.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { buildDeps } from '../../src/deps.js';
import { createLogger } from '../../src/lib/logger.js';
import { DEMO_PROVIDERS, SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';
import { createSandbox, sandboxKeys, sandboxPartnerSettings, seedCatalogue, seedSimulators, type Sandbox } from '../../src/sandbox/sandbox.js';
import { DB_TARGET, freshDatabase, type DbTarget } from './db.js';
import { forwardTo, mockNetwork } from './msw.js';

export const SANDBOX_BASE = 'http://partners.sandbox.test';

export interface World {
  app: ReturnType<typeof createApp>;
  sandbox: Sandbox;
  deps: ReturnType<typeof buildDeps>;
  server: ReturnType<typeof mockNetwork>;
  token(providerId?: string): Promise<string>;
  /** POST JSON as a provider, with a fresh Idempotency-Key unless one is given. */
  post(path: string, body: unknown, opts?: { providerId?: string; key?: string; headers?: Record<string, string> }): Promise<Response>;
  get(path: string, opts?: { providerId?: string }): Promise<Response>;
  /** A dispatcher with a millisecond retry schedule, driven by the test (`drain()`), never in the background. */
  dispatcher: Dispatcher;
  /** Signs an event as the sender's simulator would and POSTs it to the gateway's callback door. */
  callback<S extends keyof Sandbox['callbacks']>(source: S, event: Parameters<Sandbox['callbacks'][S]>[0], opts?: { eventId?: string; at?: Date }): Promise<Response>;
}

/**
 * A whole gateway for a test file: a fresh database of the given kind, the sandbox simulators
 * seeded with the demo world behind msw (so adapters do real HTTP, signing and parsing), and
 * the app called in-process.
 */
export function useWorld(target: DbTarget = DB_TARGET, opts: { platforms?: readonly PlatformDefinition[]; outboundTimeoutMs?: number } = {}): World {
  const world = {} as World;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await freshDatabase(target);
    drop = database.drop;
    const keys = await sandboxKeys(opts.platforms);
    let app: ReturnType<typeof createApp> | undefined;
    // The simulators call the gateway back in-process; the app is built just below.
    const sandbox = await createSandbox(keys, { gateway: { baseUrl: 'http://gateway.test', fetch: async (r) => app!.fetch(r) }, taskSettlePolls: 1, definitions: opts.platforms });
    seedSimulators(sandbox);
    await seedCatalogue(database.db);
    const server = mockNetwork(forwardTo(SANDBOX_BASE, sandbox.app));
    const deps = buildDeps({
      database,
      partners: sandboxPartnerSettings(SANDBOX_BASE, keys, opts.platforms),
      platformDefinitions: opts.platforms,
      prakerjaKeys: keys.prakerjaClients,
      authSecret: SANDBOX_SECRETS.auth,
      fetch: (i, init) => fetch(i, init),
      logger: createLogger({ level: 'silent' }),
      outboundTimeoutMs: opts.outboundTimeoutMs ?? 1000,
      taskPollMs: 1,
    });
    app = createApp(deps);
    const dispatcher = new Dispatcher(deps, { workerId: `test-${process.pid}`, retry: { delaysMs: [1, 1, 1, 1], jitter: 0 }, quickRetries: 0, leaseMs: 10_000 });
    const token = (providerId: string = DEMO_PROVIDERS[0].id) => deps.tokens.issue({ kind: 'provider', providerId });
    Object.assign(world, {
      app,
      sandbox,
      deps,
      server,
      token,
      dispatcher,
      callback: async (source: keyof Sandbox['callbacks'], event: never, opts?: { eventId?: string; at?: Date }) => {
        const signed = await (sandbox.callbacks[source] as (e: never, o?: { eventId?: string; at?: Date }) => Promise<{ headers: Record<string, string>; body: string }>)(event, opts);
        return app!.request(`/v1/callbacks/${source}`, { method: 'POST', headers: signed.headers, body: signed.body });
      },
      post: async (path: string, body: unknown, opts: { providerId?: string; key?: string; headers?: Record<string, string> } = {}) =>
        app!.request(path, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await token(opts.providerId)}`,
            'content-type': 'application/json',
            'idempotency-key': opts.key ?? crypto.randomUUID(),
            ...opts.headers,
          },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
      get: async (path: string, opts: { providerId?: string } = {}) => app!.request(path, { headers: { authorization: `Bearer ${await token(opts.providerId)}` } }),
    });
  });
  afterAll(async () => {
    world.server?.close();
    await drop?.();
  });
  return world;
}
