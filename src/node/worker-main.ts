import { parseEnv } from '../env.js';
import { runMain, type Stop } from './process.js';
import { stopDispatcher } from './shutdown.js';
import { createLogger } from '../lib/logger.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { openDatabase } from './database.js';
import { createOutbound } from './outbound.js';
import { nodeRuntime, publicBaseOf } from './runtime.js';
import { startTracing } from './tracing.js';

/**
 * `npm run worker`: an outbox dispatcher on its own, beside the gateway. Any number can run
 * against one Postgres; they share the work through SKIP LOCKED leases.
 */
async function main(): Promise<Stop> {
  const env = parseEnv(process.env);
  if (!env.DATABASE_URL) {
    process.stderr.write('npm run worker needs DATABASE_URL: embedded PGlite belongs to the one process that opened it (npm start runs a dispatcher itself).\n');
    process.exit(2);
  }
  const tracing = startTracing(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const { deps } = await nodeRuntime({ env, database, logger, ...createOutbound(), publicBase: publicBaseOf(env) });
  const workerId = `worker-${process.pid}`;
  const dispatcher = new Dispatcher(deps, { workerId, leaseMs: env.DISPATCH_LEASE_MS, batchSize: env.DISPATCH_BATCH });
  dispatcher.start();
  logger.info({ workerId }, 'outbox dispatcher running');
  return async (signal) => {
    const log = logger.child({ shutdown: signal });
    log.info({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown: no new deliveries; finishing those in flight');
    await stopDispatcher(dispatcher, { db: database.db, workerId, deadline: Date.now() + env.SHUTDOWN_TIMEOUT_MS, log });
    await database.close();
    await tracing?.shutdown();
    log.info('shutdown: done');
  };
}

runMain(main);
