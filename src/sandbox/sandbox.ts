import { Hono } from 'hono';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { z } from 'zod';
import type { PartnerSettings } from '../../adapters/registry.js';
import { BUKALAPAK_SANDBOX_WEBHOOK_SECRET, createBukalapakSimulator } from '../../adapters/bukalapak/simulator.js';
import { createKariermuSimulator } from '../../adapters/kariermu/simulator.js';
import { createKemnakerSimulator } from '../../adapters/kemnaker/simulator.js';
import { createPrakerjaSimulator } from '../../adapters/prakerja/simulator.js';
import { SimulatorState } from '../../adapters/shared/simulator-kit.js';
import { createTokopediaSimulator, TOKOPEDIA_SANDBOX_WEBHOOK_SECRET } from '../../adapters/tokopedia/simulator.js';
import type { Db } from '../db/database.js';
import { courses, providers } from '../db/schema.js';
import { PLATFORM_IDS, type PlatformId } from '../domain/types.js';
import { DEMO_COURSES, DEMO_PARTICIPANTS, DEMO_PROVIDERS, DEMO_VOUCHERS, demoRedeemCodes, SANDBOX_SECRETS } from './demo-data.js';

export const SANDBOX_CLIENT_ID = 'prakerja-gateway';
const KARIERMU_ISSUER = 'prakerja-gateway';
const KEMNAKER_PARTNER_ID = 'PRAKERJAGW';

/** Sandbox credentials, shared by the adapters and the simulators they talk to. */
export interface SandboxKeys {
  kariermuPrivateKeyPem: string;
  kariermuPublicKeyPem: string;
  prakerjaClients: Record<string, string>;
}

/** Karier.mu needs an RS256 pair; the sandbox makes a fresh one per start rather than ship a private key. */
export async function sandboxKeys(): Promise<SandboxKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    kariermuPrivateKeyPem: await exportPKCS8(privateKey),
    kariermuPublicKeyPem: await exportSPKI(publicKey),
    prakerjaClients: { [DEMO_PROVIDERS[0].prakerjaClientCode]: SANDBOX_SECRETS.prakerjaDefaultKey, ...SANDBOX_SECRETS.prakerjaKeys },
  };
}

/** Adapter settings pointing at the simulators mounted under `${base}/sandbox/<platform>`. */
export function sandboxPartnerSettings(base: string, keys: SandboxKeys): PartnerSettings {
  const at = (p: string) => `${base.replace(/\/$/, '')}/sandbox/${p}`;
  return {
    tokopedia: { baseUrl: at('tokopedia'), clientId: SANDBOX_CLIENT_ID, secret: SANDBOX_SECRETS.tokopedia, webhookSecrets: [TOKOPEDIA_SANDBOX_WEBHOOK_SECRET] },
    bukalapak: { baseUrl: at('bukalapak'), clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRETS.bukalapak, webhookSecret: BUKALAPAK_SANDBOX_WEBHOOK_SECRET },
    kemnaker: { baseUrl: at('kemnaker'), partnerId: KEMNAKER_PARTNER_ID, clientSecret: SANDBOX_SECRETS.kemnaker },
    kariermu: { baseUrl: at('kariermu'), issuer: KARIERMU_ISSUER, privateKeyPem: keys.kariermuPrivateKeyPem, keyId: 'sandbox-1', jwksUrl: `${at('kariermu')}/.well-known/jwks.json` },
    prakerja: { baseUrl: at('prakerja'), callbackKey: SANDBOX_SECRETS.prakerjaCallback },
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
}

/** All five simulators on one Hono app, plus their state and callback signers for tests and the demo. */
export function createSandbox(keys: SandboxKeys, opts: SandboxOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const target = (source: string) => (opts.gateway ? { callback: { url: `${opts.gateway.baseUrl.replace(/\/$/, '')}/v1/callbacks/${source}`, fetch: opts.gateway.fetch } } : {});
  const tokopedia = createTokopediaSimulator({ clientId: SANDBOX_CLIENT_ID, secret: SANDBOX_SECRETS.tokopedia }, new SimulatorState('tokopedia'), now, target('tokopedia'));
  const bukalapak = createBukalapakSimulator({ clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRETS.bukalapak }, new SimulatorState('bukalapak'), now, target('bukalapak'));
  const kemnaker = createKemnakerSimulator({ partnerId: KEMNAKER_PARTNER_ID, clientSecret: SANDBOX_SECRETS.kemnaker }, new SimulatorState('kemnaker'), now, target('kemnaker'));
  const kariermu = createKariermuSimulator({ issuer: KARIERMU_ISSUER, publicKeyPem: keys.kariermuPublicKeyPem }, new SimulatorState('kariermu'), now, target('kariermu'));
  const prakerja = createPrakerjaSimulator({
    clients: keys.prakerjaClients,
    now,
    callbackKey: SANDBOX_SECRETS.prakerjaCallback,
    autoCallbacks: !!opts.gateway,
    taskSettlePolls: opts.taskSettlePolls,
    ...target('prakerja'),
  });

  const app = new Hono();
  app.route('/sandbox/tokopedia', tokopedia.app);
  app.route('/sandbox/bukalapak', bukalapak.app);
  app.route('/sandbox/kemnaker', kemnaker.app);
  app.route('/sandbox/kariermu', kariermu.app);
  app.route('/sandbox/prakerja', prakerja.app);
  app.get('/sandbox/_stats', (c) => c.json(receivedStats([tokopedia.state, bukalapak.state, kemnaker.state, kariermu.state, prakerja.state.calls])));

  const platforms: Record<PlatformId, SimulatorState> = { tokopedia: tokopedia.state, bukalapak: bukalapak.state, kemnaker: kemnaker.state, kariermu: kariermu.state };
  // Sandbox-only bulk seed (benchmarks, load tests): many purchased vouchers and registered participants in one call.
  app.post('/sandbox/_seed', async (c) => {
    const parsed = SeedBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: parsed.error.message }, 400);
    const now = new Date();
    const title = new Map<string, string>(DEMO_COURSES.map((x) => [x.id, x.title]));
    for (const { platform, expiresInDays, courseTitle, ...v } of parsed.data.vouchers) {
      platforms[platform].addVoucher({
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
  const callbacks = { tokopedia: tokopedia.callback, bukalapak: bukalapak.callback, kemnaker: kemnaker.callback, kariermu: kariermu.callback, prakerja: prakerja.callback };
  return { app, platforms, prakerja: prakerja.state, callbacks };
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
const SeedBody = z.object({
  vouchers: z
    .array(
      z.object({
        platform: z.enum(PLATFORM_IDS),
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

export type Sandbox = ReturnType<typeof createSandbox>;

/** Fills the simulators with the demo world (relative to `now`, so expiry and webinar windows are live). */
export function seedSimulators(sandbox: Sandbox, now = new Date()): void {
  const title = new Map<string, string>(DEMO_COURSES.map((c) => [c.id, c.title]));
  for (const { platform, expiresInDays, ...v } of DEMO_VOUCHERS) {
    sandbox.platforms[platform].addVoucher({
      ...v,
      courseTitle: title.get(v.courseId) ?? v.courseId,
      state: expiresInDays < 0 ? 'expired' : 'purchased',
      purchasedAt: new Date(now.getTime() - 2 * 86_400_000),
      expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000),
    });
  }
  for (const p of DEMO_PARTICIPANTS) sandbox.prakerja.addParticipant({ ...p });
  for (const rc of demoRedeemCodes(now)) sandbox.prakerja.addRedeemCode({ ...rc });
}

/** The gateway's own catalogue for the demo world; safe to run on every start. */
export async function seedCatalogue(db: Db): Promise<void> {
  await db.insert(providers).values(DEMO_PROVIDERS.map((p) => ({ ...p }))).onConflictDoNothing();
  await db.insert(courses).values(DEMO_COURSES.map((c) => ({ ...c }))).onConflictDoNothing();
}
