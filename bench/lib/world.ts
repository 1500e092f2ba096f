import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORMS, type PlatformId } from '../../adapters/registry.js';
import { TokenKeys } from '../../src/auth/tokens.js';
import type { PlatformDefinition } from '../../src/contract/platform.js';
import { DEMO_COURSES, DEMO_PROVIDERS, SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';
import { answers, type Child, freePort, onCleanup, startNode } from './proc.js';

/** The demo provider and one of its courses: the gateway seeds both into its catalogue (SEED_DEMO). */
export const PROVIDER = DEMO_PROVIDERS[0];
export const COURSE = DEMO_COURSES[0];

/** A scratch folder for one benchmark: PGlite data and the sandbox keys every process of it shares. */
export function scratchDir(label: string): { dir: string; dataDir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `gw-bench-${label}-`));
  const remove = () => {
    unregister();
    rmSync(dir, { recursive: true, force: true });
  };
  // Registered before the processes that use it: the run's cleanup (newest first) stops them before removing it.
  const unregister = onCleanup(() => remove());
  return { dir, dataDir: join(dir, 'pglite'), remove };
}

export interface Service {
  child: Child;
  url: string;
}

/** `npm run sandbox`: the simulators in a process of their own, without demo data. */
export async function startSandbox(dataDir: string): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startNode({
    name: 'sandbox',
    script: 'src/node/sandbox-main.ts',
    env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn', GATEWAY_URL: undefined, DATABASE_URL: undefined },
    ready: () => answers(`${url}/sandbox/_stats`),
  });
  return { child, url };
}

/**
 * `npm start` as a benchmark runs it: the request path only (no dispatcher), warn-level logs,
 * the simulators at `sandboxUrl` (or mounted in-process when unset), Postgres at `databaseUrl`
 * or PGlite in `dataDir`. SEED_DEMO seeds the gateway's catalogue (providers, courses).
 */
export async function startGateway(opts: {
  name?: string;
  dataDir: string;
  sandboxUrl?: string;
  databaseUrl?: string;
  nodeArgs?: string[];
  env?: Record<string, string | undefined>;
}): Promise<Service> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startNode({
    name: opts.name ?? 'gateway',
    script: 'src/node/main.ts',
    nodeArgs: opts.nodeArgs,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: opts.dataDir,
      DATABASE_URL: opts.databaseUrl,
      SANDBOX: 'true',
      SANDBOX_URL: opts.sandboxUrl,
      SEED_DEMO: 'true',
      DISPATCHER: 'false',
      LOG_LEVEL: 'warn',
      AUTH_SECRET: undefined,
      ...opts.env,
    },
    ready: () => answers(`${url}/readyz`),
  });
  return { child, url };
}

export function providerToken(): Promise<string> {
  return new TokenKeys(SANDBOX_SECRETS.auth).issue({ kind: 'provider', providerId: PROVIDER.id }, 6 * 3600);
}

const NAMES = [
  'Siti Rahmawati', 'Muhammad Rizky Pratama', 'Ni Made Ayu Lestari', 'Bambang Wijaya', 'Dewi Sartika Putri', 'Agus Santoso',
  'Rudi Hartono', 'Nur Hayati', 'Abdul Rahman Hakim', 'I Wayan Sudarma', 'Fitri Handayani', 'Yohanes Simanjuntak',
  'Putu Eka Pratiwi', 'Andi Saputra', 'Sri Wahyuni', 'Teguh Prasetyo', 'Lestari Ningsih', 'Hendra Gunawan',
  'Rina Marlina', 'Dian Permata Sari', 'Ahmad Fauzi', 'Yusuf Maulana', 'Kartika Dewi', 'Slamet Riyadi',
];

/**
 * The platforms a provider redeems on (the redemption path), in registry order. Derived from the
 * registry, so a platform added there is in every benchmark world without an edit here.
 */
export const REDEEMABLE = PLATFORMS.filter((d) => d.capabilities.delivery === 'provider_delivered');
if (REDEEMABLE.length === 0) throw new Error('no registered platform is redeemed by the provider');
/**
 * The platform of the headline redemption figures: the first redeemable one. The bare baseline
 * (bench/baseline-server.ts) re-implements exactly its redeem by hand, so the two stay comparable.
 */
export const PRIMARY = REDEEMABLE[0];

export interface BenchVoucher {
  platform: PlatformId;
  code: string;
  cardNumber: string;
  /** The participant's name at prakerja.go.id and as the provider sends it. */
  name: string;
  /** The buyer's name on the platform: the same person, written as platforms do (case, titles). */
  buyerName: string;
  email: string;
}

/** Codes of pool `p` are `sampleCode(p × POOL_SPAN + i + 1)`: pools never share a code. */
const POOL_SPAN = 10_000_000;

/**
 * `n` distinct vouchers of pool `pool` (1–9), spread round-robin over `platforms` (every
 * redeemable one unless told), each code the platform's own `sampleCode`; card numbers
 * `cardPrefix` (two digits) + 14.
 */
export function makeVouchers(pool: number, cardPrefix: string, n: number, platforms: readonly PlatformDefinition[] = REDEEMABLE): BenchVoucher[] {
  if (!Number.isInteger(pool) || pool < 1 || pool > 9 || !/^\d{2}$/.test(cardPrefix) || n > POOL_SPAN || platforms.length === 0) throw new Error(`bad voucher pool ${pool}/${cardPrefix}/${n}`);
  return Array.from({ length: n }, (_, i) => {
    const d = platforms[i % platforms.length];
    const name = NAMES[i % NAMES.length];
    const variant = i % 3;
    return {
      platform: d.id as PlatformId,
      code: d.sampleCode(pool * POOL_SPAN + i + 1),
      cardNumber: cardPrefix + String(i).padStart(14, '0'),
      name,
      buyerName: variant === 0 ? name : variant === 1 ? name.toLowerCase() : `Ir. ${name}`,
      email: `p${pool}x${i}@example.id`,
    };
  });
}

/** Puts the vouchers (bought for PROVIDER's COURSE on their platforms) and their participants into the sandbox simulators. */
export async function seedSandbox(sandboxUrl: string, vouchers: BenchVoucher[]): Promise<void> {
  for (let i = 0; i < vouchers.length; i += 5_000) {
    const chunk = vouchers.slice(i, i + 5_000);
    const res = await fetch(`${sandboxUrl}/sandbox/_seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        vouchers: chunk.map((v) => ({ platform: v.platform, code: v.code, cardNumber: v.cardNumber, buyerName: v.buyerName, buyerEmail: v.email, courseId: COURSE.id, providerId: PROVIDER.id })),
        participants: chunk.map((v) => ({ cardNumber: v.cardNumber, name: v.name, status: 'active' })),
      }),
    });
    if (!res.ok) throw new Error(`sandbox seed failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
}
