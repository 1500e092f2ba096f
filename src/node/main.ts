import { serve } from '@hono/node-server';
import { parseEnv } from '../env.js';
import { runMain } from './process.js';
import { startHousekeeping } from '../services/housekeeping.js';
import { createLogger } from '../lib/logger.js';
import { DEMO_PROVIDERS } from '../sandbox/demo-data.js';
import { openDatabase } from './database.js';
import { assembleGateway } from './gateway.js';
import { publicBaseOf } from './runtime.js';
import { createOutboundFetch } from './outbound.js';

/** `npm start`: the gateway on Node, PGlite unless DATABASE_URL is set, sandbox platforms by default. */
async function main() {
  const env = parseEnv(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL });
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const { app, deps, dispatcher } = await assembleGateway({ env, database, logger, fetch: createOutboundFetch(), publicBase: publicBaseOf(env) });

  let stopHousekeeping = () => {};
  const server = serve({ fetch: app.fetch, port: env.PORT, hostname: env.HOST }, async (info) => {
    const base = `http://${env.HOST}:${info.port}`;
    logger.info({ url: base, database: database.kind, sandbox: env.SANDBOX, dispatcher: !!dispatcher }, 'gateway listening');
    dispatcher?.start();
    stopHousekeeping = startHousekeeping(database.db, logger);
    if (env.SANDBOX) {
      const token = await deps.tokens.issue({ kind: 'provider', providerId: DEMO_PROVIDERS[0].id }, 30 * 86_400);
      const body = JSON.stringify({ voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } });
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
  });

  return async () => {
    stopHousekeeping();
    server.close();
    await dispatcher?.stop();
    await database.close();
  };
}

runMain(main);
