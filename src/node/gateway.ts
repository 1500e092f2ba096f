import { Hono, type MiddlewareHandler } from 'hono';
import type { TokenKeys } from '../auth/tokens.js';
import type { Logger } from 'pino';
import type { Fetch, Transport } from '../contract/adapter.js';
import { createApp } from '../app/create-app.js';
import type { Database } from '../db/database.js';
import type { Env } from '../env.js';
import { problemResponse, problems } from '../lib/problem.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { createSandbox, seedCatalogue, seedSimulators, type Sandbox } from '../sandbox/sandbox.js';
import { docsScriptLoader } from './docs-assets.js';
import { everyAnswerHasRequestId, notFoundHandler } from './edge.js';
import { gatewayMetrics } from './metrics.js';
import { nodeRuntime } from './runtime.js';

/**
 * Who may scrape /metrics: with `ops` (the default) a bearer ops token, as Prometheus sends with
 * `authorization.credentials_file`; with `open`, anyone who reaches the port. Route names,
 * partner error rates and backlogs are not for the world.
 */
function metricsAccess(mode: Env['METRICS_AUTH'], tokens: TokenKeys): MiddlewareHandler {
  return async (c, next) => {
    if (mode === 'ops') {
      const token = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const caller = token ? await tokens.verify(token).catch(() => undefined) : undefined;
      if (caller?.kind !== 'ops') {
        const p = problems.unauthorized('GET /metrics needs an ops token (METRICS_AUTH=ops): `npm run token -- --ops prometheus`.').problem;
        return problemResponse({ ...p, instance: c.req.path }, { 'www-authenticate': 'Bearer' });
      }
    }
    await next();
  };
}

/**
 * The gateway as the Node process runs it: the app, an outbox dispatcher, and in sandbox mode
 * (unless SANDBOX_URL points elsewhere) the simulators mounted beside it under /sandbox, reached
 * by the adapters over real HTTP and calling the gateway back over real HTTP.
 */
export async function assembleGateway(opts: { env: Env; database: Database; logger: Logger; fetch: Fetch; transport?: Transport; publicBase: string }) {
  const { env } = opts;
  const { deps, sandboxKeys } = await nodeRuntime(opts);
  let sandbox: Sandbox | undefined;
  if (sandboxKeys && !env.SANDBOX_URL) {
    sandbox = await createSandbox(sandboxKeys, { gateway: { baseUrl: opts.publicBase, fetch: (r) => opts.fetch(r) } });
    if (env.SEED_DEMO) seedSimulators(sandbox);
  }
  if (env.SANDBOX && env.SEED_DEMO) await seedCatalogue(opts.database.db);

  const gateway = createApp(deps, { docsScript: docsScriptLoader() });
  const workerId = `gateway-${process.pid}`;
  const dispatcher = env.DISPATCHER ? new Dispatcher(deps, { workerId, leaseMs: env.DISPATCH_LEASE_MS, batchSize: env.DISPATCH_BATCH }) : undefined;
  // Ops' platform view reads the live breakers of this process's dispatcher.
  if (dispatcher) deps.breakers = () => dispatcher.breakers.snapshot();
  const metrics = gatewayMetrics(deps, dispatcher);
  const root = new Hono();
  root.use('*', everyAnswerHasRequestId);
  root.use('*', metrics.registerMetrics);
  root.get('/metrics', metricsAccess(env.METRICS_AUTH, deps.tokens), metrics.printMetrics);
  if (sandbox) root.route('/', sandbox.app);
  root.route('/', gateway);
  root.notFound(notFoundHandler(root));
  root.onError((err, c) => {
    opts.logger.error({ err, path: c.req.path }, 'unhandled error');
    return problemResponse({ ...problems.internal().problem, instance: c.req.path });
  });
  return { app: root, gateway, deps, sandbox, dispatcher, workerId };
}
