import { Hono } from 'hono';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import type { PartnerSettings } from '../../adapters/registry.js';
import { createBukalapakSimulator } from '../../adapters/bukalapak/simulator.js';
import { createKariermuSimulator } from '../../adapters/kariermu/simulator.js';
import { createKemnakerSimulator } from '../../adapters/kemnaker/simulator.js';
import { createPrakerjaSimulator } from '../../adapters/prakerja/simulator.js';
import { SimulatorState } from '../../adapters/shared/simulator-kit.js';
import { createTokopediaSimulator } from '../../adapters/tokopedia/simulator.js';
import type { Db } from '../db/database.js';
import { courses, providers } from '../db/schema.js';
import type { PlatformId } from '../domain/types.js';
import { DEMO_COURSES, DEMO_PARTICIPANTS, DEMO_PROVIDERS, DEMO_VOUCHERS, demoRedeemCodes, SANDBOX_SECRETS } from './demo-data.js';

export const SANDBOX_CLIENT_ID = 'prakerja-gateway';
const KARIERMU_ISSUER = 'prakerja-gateway';

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
    tokopedia: { baseUrl: at('tokopedia'), clientId: SANDBOX_CLIENT_ID, secret: SANDBOX_SECRETS.tokopedia },
    bukalapak: { baseUrl: at('bukalapak'), clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRETS.bukalapak },
    kemnaker: { baseUrl: at('kemnaker'), partnerId: 'PRAKERJAGW', clientSecret: SANDBOX_SECRETS.kemnaker },
    kariermu: { baseUrl: at('kariermu'), issuer: KARIERMU_ISSUER, privateKeyPem: keys.kariermuPrivateKeyPem, keyId: 'sandbox-1' },
    prakerja: { baseUrl: at('prakerja') },
  };
}

/** All five simulators on one Hono app, plus their state for tests and the demo. */
export function createSandbox(keys: SandboxKeys, now: () => Date = () => new Date()) {
  const tokopedia = createTokopediaSimulator({ clientId: SANDBOX_CLIENT_ID, secret: SANDBOX_SECRETS.tokopedia }, new SimulatorState('tokopedia'), now);
  const bukalapak = createBukalapakSimulator({ clientId: SANDBOX_CLIENT_ID, clientSecret: SANDBOX_SECRETS.bukalapak }, new SimulatorState('bukalapak'), now);
  const kemnaker = createKemnakerSimulator({ partnerId: 'PRAKERJAGW', clientSecret: SANDBOX_SECRETS.kemnaker }, new SimulatorState('kemnaker'), now);
  const kariermu = createKariermuSimulator({ issuer: KARIERMU_ISSUER, publicKeyPem: keys.kariermuPublicKeyPem }, new SimulatorState('kariermu'), now);
  const prakerja = createPrakerjaSimulator({ clients: keys.prakerjaClients, now });

  const app = new Hono();
  app.route('/sandbox/tokopedia', tokopedia.app);
  app.route('/sandbox/bukalapak', bukalapak.app);
  app.route('/sandbox/kemnaker', kemnaker.app);
  app.route('/sandbox/kariermu', kariermu.app);
  app.route('/sandbox/prakerja', prakerja.app);

  const platforms: Record<PlatformId, SimulatorState> = { tokopedia: tokopedia.state, bukalapak: bukalapak.state, kemnaker: kemnaker.state, kariermu: kariermu.state };
  return { app, platforms, prakerja: prakerja.state };
}

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
