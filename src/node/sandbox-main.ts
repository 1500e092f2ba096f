import { parseEnv } from '../env.js';
import { createSandbox, seedSimulators } from '../sandbox/sandbox.js';
import { listenHttp } from './http-server.js';
import { createOutboundFetch } from './outbound.js';
import { runMain } from './process.js';
import { loadOrCreateSandboxKeys } from './sandbox-keys.js';

/**
 * `npm run sandbox`: the platform and prakerja.go.id simulators in a process of their own (for
 * benchmarks and the crash test, so they outlive a gateway or dispatcher that is killed). Point
 * the gateway at it with SANDBOX_URL; GATEWAY_URL is where the simulators send callbacks.
 */
async function main() {
  const env = parseEnv(process.env);
  const keys = await loadOrCreateSandboxKeys(env.DATA_DIR);
  const fetch = createOutboundFetch();
  const gatewayUrl = process.env.GATEWAY_URL;
  const sandbox = await createSandbox(keys, gatewayUrl ? { gateway: { baseUrl: gatewayUrl, fetch: (r) => fetch(r) } } : {});
  if (env.SEED_DEMO) seedSimulators(sandbox);
  const http = await listenHttp({ host: env.HOST, port: env.PORT, handler: () => (req) => sandbox.app.fetch(req) });
  process.stdout.write(`sandbox simulators listening on http://${env.HOST}:${http.port}/sandbox\n`);
  return async () => {
    await http.drain(Date.now() + env.SHUTDOWN_TIMEOUT_MS);
  };
}

runMain(main);
