import type { Fetch } from '../contract/adapter.js';
import type { PartnerSettings } from '../partner-settings.js';
import { createSandbox, sandboxKeys, sandboxPartnerSettings, seedCatalogue, seedSimulators, type Sandbox } from '../sandbox/sandbox.js';
import type { Db } from '../db/database.js';

/** Where the adapters think the simulators are; the in-isolate fetch below answers for it. */
const SANDBOX_ORIGIN = 'http://sandbox.internal';

export interface IsolateSandbox {
  sandbox: Sandbox;
  partners: PartnerSettings;
  prakerjaKeys: Record<string, string>;
  /** The adapters' fetch: the simulators' app, called in the isolate (no network). */
  fetch: Fetch;
  /** Writes the demo providers and courses into the gateway's database (idempotent). */
  seedCatalogue(db: Db): Promise<void>;
}

/**
 * The sandbox inside a Worker isolate, as `npm start` mounts it: every simulator, seeded with
 * the demo world, reached by the adapters in-process, and calling the gateway back in-process
 * through `gateway`. Its state lives in the isolate (see the README's parity table). Loaded with
 * a dynamic import and replaced by sandbox-excluded.ts in the production bundle.
 */
export async function isolateSandbox(gateway: { baseUrl: string; fetch: (r: Request) => Promise<Response> }, seed: boolean): Promise<IsolateSandbox> {
  const keys = await sandboxKeys();
  const sandbox = await createSandbox(keys, { gateway });
  if (seed) seedSimulators(sandbox);
  return {
    sandbox,
    partners: sandboxPartnerSettings(SANDBOX_ORIGIN, keys),
    prakerjaKeys: keys.prakerjaClients,
    fetch: (input, init) => Promise.resolve(sandbox.app.fetch(new Request(input as Request | string, init))),
    seedCatalogue,
  };
}
