import { Hono } from 'hono';
import { z } from 'zod';
import { createPrakerjaSimulator } from '../../adapters/prakerja/simulator.js';
import { PLATFORMS } from '../../adapters/registry.js';
import { SimulatorState } from '../../adapters/shared/simulator-kit.js';
import { sandboxSettingsOf, type DemoVoucher, type PlatformDefinition, type RawSettings, type SimulatorInstance } from '../contract/platform.js';
import type { Db } from '../db/database.js';
import { courses, providers } from '../db/schema.js';
import type { PlatformId } from '../domain/types.js';
import type { PartnerSettings } from '../partner-settings.js';
import { DEMO_COURSES, DEMO_PARTICIPANTS, DEMO_PROVIDERS, demoRedeemCodes, SANDBOX_SECRETS } from './demo-data.js';

export const SANDBOX_CLIENT_ID = 'prakerja-gateway';

/** Sandbox credentials, shared by the adapters and the simulators they talk to. */
export interface SandboxKeys {
  /** What each platform's `sandboxKeys` made (e.g. Karier.mu's RS256 pair), by platform id. */
  platforms: Record<string, Record<string, string>>;
  prakerjaClients: Record<string, string>;
}

/** Keys the sandbox generates rather than ships (a private key), fresh per sandbox. */
export async function sandboxKeys(definitions: readonly PlatformDefinition[] = PLATFORMS): Promise<SandboxKeys> {
  const platforms = Object.fromEntries(await Promise.all(definitions.map(async (d) => [d.id, (await d.sandboxKeys?.()) ?? {}] as const)));
  return {
    platforms,
    prakerjaClients: { [DEMO_PROVIDERS[0].prakerjaClientCode]: SANDBOX_SECRETS.prakerjaDefaultKey, ...SANDBOX_SECRETS.prakerjaKeys },
  };
}

const sandboxPath = (base: string, id: string) => `${base.replace(/\/$/, '')}/sandbox/${id}`;

/** A platform's sandbox settings, from its definition: the simulator's URL and the published or generated secrets. */
function sandboxSettings(d: PlatformDefinition, base: string, keys: SandboxKeys): RawSettings {
  return sandboxSettingsOf(d, { baseUrl: sandboxPath(base, d.id), keys: keys.platforms[d.id] ?? {} });
}

/** Adapter settings pointing at the simulators mounted under `${base}/sandbox/<platform>`. */
export function sandboxPartnerSettings(base: string, keys: SandboxKeys, definitions: readonly PlatformDefinition[] = PLATFORMS): PartnerSettings {
  return {
    platforms: Object.fromEntries(definitions.map((d) => [d.id, sandboxSettings(d, base, keys)])),
    prakerja: { baseUrl: sandboxPath(base, 'prakerja'), callbackKey: SANDBOX_SECRETS.prakerjaCallback },
  };
}

export interface SandboxOptions {
  now?: () => Date;
  /**
   * Where the simulators send their callbacks: the gateway's base URL and a fetch to reach it
   * (an in-process one in tests and on Workers). Without it, `/_sandbox/emit` only signs.
   */
  gateway?: { baseUrl: string; fetch: (r: Request) => Promise<Response> };
  /** Status polls a practical task stays pending for at the sandbox prakerja.go.id. */
  taskSettlePolls?: number;
  /** The platforms to simulate; the registry's by default (a test may add its own). */
  definitions?: readonly PlatformDefinition[];
}

/**
 * Every registered platform's simulator plus prakerja.go.id's on one Hono app, with their state
 * and callback signers for tests and the demo. Async: simulators are imported only here, so a
 * gateway outside the sandbox never loads them.
 */
export async function createSandbox(keys: SandboxKeys, opts: SandboxOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const definitions = opts.definitions ?? PLATFORMS;
  const target = (source: string) => (opts.gateway ? { url: `${opts.gateway.baseUrl.replace(/\/$/, '')}/v1/callbacks/${source}`, fetch: opts.gateway.fetch } : undefined);
  const sims: Record<string, SimulatorInstance> = {};
  for (const d of definitions) {
    // The simulator holds the same settings as the adapter; the URL part is irrelevant to it.
    const make = await d.loadSimulator();
    sims[d.id] = make({ raw: sandboxSettings(d, 'http://sandbox.internal', keys), keys: keys.platforms[d.id] ?? {}, now, callback: target(d.id) });
  }
  const callbackTarget = target('prakerja');
  const prakerja = createPrakerjaSimulator({
    clients: keys.prakerjaClients,
    now,
    callbackKey: SANDBOX_SECRETS.prakerjaCallback,
    autoCallbacks: !!opts.gateway,
    taskSettlePolls: opts.taskSettlePolls,
    ...(callbackTarget ? { callback: callbackTarget } : {}),
  });

  const app = new Hono();
  for (const [id, sim] of Object.entries(sims)) app.route(`/sandbox/${id}`, sim.app);
  app.route('/sandbox/prakerja', prakerja.app);
  app.get('/sandbox/_stats', (c) => c.json(receivedStats([...Object.values(sims).map((s) => s.state), prakerja.state.calls])));

  // Keyed by every simulated definition; with the registry's list that is exactly PlatformId.
  const platforms = Object.fromEntries(Object.entries(sims).map(([id, s]) => [id, s.state])) as Record<PlatformId, SimulatorState>;
  // Sandbox-only bulk seed (benchmarks, load tests): many purchased vouchers and registered participants in one call.
  app.post('/sandbox/_seed', async (c) => {
    const parsed = seedBody(definitions).safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: parsed.error.message }, 400);
    const now = new Date();
    const title = new Map<string, string>(DEMO_COURSES.map((x) => [x.id, x.title]));
    for (const { platform, expiresInDays, courseTitle, ...v } of parsed.data.vouchers) {
      sims[platform].state.addVoucher({
        ...v,
        courseTitle: courseTitle ?? title.get(v.courseId) ?? v.courseId,
        state: 'purchased',
        purchasedAt: new Date(now.getTime() - 2 * 86_400_000),
        expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000),
      });
    }
    for (const p of parsed.data.participants) prakerja.state.addParticipant(p);
    return c.json({ vouchers: parsed.data.vouchers.length, participants: parsed.data.participants.length });
  });
  const callbacks = { ...(Object.fromEntries(Object.entries(sims).map(([id, s]) => [id, s.callback])) as Record<PlatformId, SimulatorInstance['callback']>), prakerja: prakerja.callback };
  return { app, platforms, simulators: sims, prakerja: prakerja.state, callbacks, definitions };
}

/**
 * What the simulators received, per idempotency key: how many calls, how many applied. The
 * crash test reads it from another process to prove nothing was applied twice.
 */
function receivedStats(states: SimulatorState[]) {
  const byKey: Record<string, { received: number; applied: number }> = {};
  for (const s of states) {
    for (const r of s.received) {
      if (!r.idempotencyKey) continue;
      const k = `${s.platform}:${r.idempotencyKey}`;
      byKey[k] ??= { received: 0, applied: 0 };
      byKey[k].received++;
      if (r.applied) byKey[k].applied++;
    }
  }
  return { byKey };
}

/** `POST /sandbox/_seed`: vouchers bought `purchasedAt` two days ago, expiring `expiresInDays` from now. */
const seedBody = (definitions: readonly PlatformDefinition[]) => z.object({
  vouchers: z
    .array(
      z.object({
        platform: z.enum(definitions.map((d) => d.id) as [string, ...string[]]),
        code: z.string().min(1),
        cardNumber: z.string().min(1),
        buyerName: z.string().min(1),
        buyerEmail: z.string(),
        courseId: z.string().min(1),
        courseTitle: z.string().optional(),
        providerId: z.string().min(1),
        expiresInDays: z.number().default(30),
      }),
    )
    .default([]),
  participants: z.array(z.object({ cardNumber: z.string().min(1), name: z.string().min(1), status: z.enum(['active', 'revoked']).default('active') })).default([]),
});

export type Sandbox = Awaited<ReturnType<typeof createSandbox>>;

/** Fills the simulators with the demo world (relative to `now`, so expiry and webinar windows are live). */
export function seedSimulators(sandbox: Sandbox, now = new Date()): void {
  const title = new Map<string, string>(DEMO_COURSES.map((c) => [c.id, c.title]));
  for (const d of sandbox.definitions) {
    for (const v of d.demoVouchers ?? []) seedDemoVoucher(sandbox.simulators[d.id].state, v, title, now);
  }
  for (const p of DEMO_PARTICIPANTS) sandbox.prakerja.addParticipant({ ...p });
  for (const rc of demoRedeemCodes(now)) sandbox.prakerja.addRedeemCode({ ...rc });
}

function seedDemoVoucher(state: SimulatorState, { expiresInDays, ...v }: DemoVoucher, title: Map<string, string>, now: Date): void {
  state.addVoucher({
    ...v,
    courseTitle: title.get(v.courseId) ?? v.courseId,
    state: expiresInDays < 0 ? 'expired' : 'purchased',
    purchasedAt: new Date(now.getTime() - 2 * 86_400_000),
    expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000),
  });
}

/** The gateway's own catalogue for the demo world; safe to run on every start. */
export async function seedCatalogue(db: Db): Promise<void> {
  await db.insert(providers).values(DEMO_PROVIDERS.map((p) => ({ ...p }))).onConflictDoNothing();
  await db.insert(courses).values(DEMO_COURSES.map((c) => ({ ...c }))).onConflictDoNothing();
}
