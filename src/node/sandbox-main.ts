import { serve } from '@hono/node-server';
import { parseEnv } from '../env.js';
import { createSandbox, seedSimulators } from '../sandbox/sandbox.js';
import { createOutboundFetch } from './outbound.js';
import { loadOrCreateSandboxKeys } from './sandbox-keys.js';

/**
 * `npm run sandbox`: the platform and prakerja.go.id simulators in a process of their own (for
 * benchmarks and the crash test, so they outlive a gateway or dispatcher that is killed). Point
 * the gateway at it with SANDBOX_URL; GATEWAY_URL is where the simulators send callbacks.
 */
const env = parseEnv(process.env);
const keys = await loadOrCreateSandboxKeys(env.DATA_DIR);
const fetch = createOutboundFetch();
const gatewayUrl = process.env.GATEWAY_URL;
const sandbox = createSandbox(keys, gatewayUrl ? { gateway: { baseUrl: gatewayUrl, fetch: (r) => fetch(r) } } : {});
if (env.SEED_DEMO) seedSimulators(sandbox);
serve({ fetch: sandbox.app.fetch, port: env.PORT, hostname: env.HOST }, (info) => {
  process.stdout.write(`sandbox simulators listening on http://${env.HOST}:${info.port}/sandbox\n`);
});
