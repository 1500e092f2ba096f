import { parseEnv } from '../env.js';
import { runMain } from './process.js';
import { createLogger } from '../lib/logger.js';
import { Dispatcher } from '../outbox/dispatcher.js';
import { openDatabase } from './database.js';
import { createOutboundFetch } from './outbound.js';
import { nodeRuntime, publicBaseOf } from './runtime.js';

/**
 * `npm run worker`: an outbox dispatcher on its own, beside the gateway. Any number can run
 * against one Postgres; they share the work through SKIP LOCKED leases.
 */
async function main() {
  const env = parseEnv(process.env);
  if (!env.DATABASE_URL) {
    process.stderr.write('npm run worker needs DATABASE_URL: embedded PGlite belongs to the one process that opened it (npm start runs a dispatcher itself).\n');
    process.exit(2);
  }
  const logger = createLogger({ level: env.LOG_LEVEL });
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const { deps } = await nodeRuntime({ env, database, logger, fetch: createOutboundFetch(), publicBase: publicBaseOf(env) });
  const dispatcher = new Dispatcher(deps, { workerId: `worker-${process.pid}`, leaseMs: env.DISPATCH_LEASE_MS, batchSize: env.DISPATCH_BATCH });
  dispatcher.start();
  logger.info({ workerId: `worker-${process.pid}` }, 'outbox dispatcher running');
  return async () => {
    await dispatcher.stop();
    await database.close();
  };
}

runMain(main);
