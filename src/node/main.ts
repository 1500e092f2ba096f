import { randomUUID } from 'node:crypto';
import { parseEnv } from '../env.js';
import { problemResponse } from '../lib/problem.js';
import { createLogger } from '../lib/logger.js';
import { DEMO_PROVIDERS } from '../sandbox/demo-data.js';
import { startHousekeeping } from '../services/housekeeping.js';
import { activeRunIds, markRunsInterrupted } from '../services/recon/runs.js';
import { lockDataDir } from './data-lock.js';
import { openDatabase } from './database.js';
import { assembleGateway } from './gateway.js';
import { listenHttp } from './http-server.js';
import { createOutbound } from './outbound.js';
import { runMain, type Stop } from './process.js';
import { stopDispatcher } from './shutdown.js';
import { publicBaseOf } from './runtime.js';
import { startTracing } from './tracing.js';

/**
 * On PostgreSQL other gateways may be running reconciliations right now, so at start-up only runs
 * older than any run takes (a million enrollments take under half a minute) are taken for
 * abandoned. On PGlite the folder lock guarantees no other process, so every `running` run is.
 */
const ABANDONED_RUN_AGE_MS = 60 * 60_000;

/** Answers while the database opens and migrates: the port is bound first, see listenHttp. */
const starting = () =>
  problemResponse(
    { type: '/problems/starting', title: 'Starting', status: 503, code: 'starting', detail: 'The gateway is starting; try again in a moment.', retryAfterSeconds: 1 },
    { 'x-request-id': randomUUID() },
  );

/** `npm start`: the gateway on Node, PGlite unless DATABASE_URL is set, sandbox platforms by default. */
async function main(): Promise<Stop> {
  const env = parseEnv(process.env);
  const tracing = startTracing(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const t0 = performance.now();

  let handler: (req: Request) => Response | Promise<Response> = starting;
  const http = await listenHttp({ host: env.HOST, port: env.PORT, handler: () => handler, log: logger });
  const usesPglite = !env.DATABASE_URL;
  const releaseLock = usesPglite && !env.DATA_DIR.startsWith('memory://') ? lockDataDir(env.DATA_DIR) : () => {};

  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const interrupted = await markRunsInterrupted(database.db, { startedBefore: new Date(Date.now() - (usesPglite ? 0 : ABANDONED_RUN_AGE_MS)) });
  if (interrupted.length) logger.warn({ runs: interrupted }, 'reconciliation runs left running by a stopped gateway marked failed: interrupted');

  const port = http.port;
  const publicBase = publicBaseOf({ ...env, PORT: port });
  const { app, deps, dispatcher, workerId } = await assembleGateway({ env, database, logger, ...createOutbound(), publicBase });
  handler = (req) => app.fetch(req);

  const base = `http://${env.HOST}:${port}`;
  logger.info({ url: base, database: database.kind, sandbox: env.SANDBOX, dispatcher: !!dispatcher, tracing: !!tracing, startupMs: Math.round(performance.now() - t0) }, 'gateway listening');
  dispatcher?.start();
  const stopHousekeeping = startHousekeeping(database.db, logger);
  if (env.SANDBOX) {
    const token = await deps.tokens.issue({ kind: 'provider', providerId: DEMO_PROVIDERS[0].id }, 30 * 86_400);
    // Not a voucher of the README's tour, so running this first does not spoil its step 1.
    const body = JSON.stringify({ voucherCode: 'TKPX5Y6Z7A8B', cardNumber: '3273011122330005', participant: { name: 'Dewi Sartika Putri', email: 'dewi.s@example.id' } });
    process.stdout.write(
      [
        '',
        `  Prakerja Partner Gateway — sandbox on ${database.kind === 'pglite' ? `PGlite (${env.DATA_DIR})` : 'PostgreSQL'}`,
        `  Docs:        ${base}/docs`,
        `  Demo token (${DEMO_PROVIDERS[0].name}, 30 days):`,
        `    ${token}`,
        '  Redeem a demo voucher:',
        `    curl -s -X POST ${base}/v1/redemptions -H 'authorization: Bearer ${token}' -H 'content-type: application/json' -H "idempotency-key: $(date +%s%N)" -d '${body}'`,
        '',
      ].join('\n') + '\n',
    );
  }

  return async (signal) => {
    const began = Date.now();
    const deadline = began + env.SHUTDOWN_TIMEOUT_MS;
    const log = logger.child({ shutdown: signal });
    log.info({ inFlight: http.inFlight(), timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown: no longer accepting connections; finishing requests in flight');
    stopHousekeeping();

    const [cut] = await Promise.all([
      http.drain(deadline).then((n) => {
        if (n === 0) log.info({ ms: Date.now() - began }, 'shutdown: requests in flight finished; server closed');
        else log.warn({ cut: n }, 'shutdown: deadline passed; requests still in flight were cut');
        return n;
      }),
      dispatcher && stopDispatcher(dispatcher, { db: database.db, workerId, deadline, log }),
    ]);
    if (cut > 0) {
      const runs = await markRunsInterrupted(database.db, { ids: activeRunIds() });
      if (runs.length) log.warn({ runs }, 'shutdown: reconciliation runs cut mid-way marked failed: interrupted');
    }
    await database.close();
    log.info('shutdown: database closed');
    releaseLock();
    await tracing?.shutdown();
    log.info({ ms: Date.now() - began }, 'shutdown: done');
  };
}

runMain(main);
