import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenKeys } from '../../src/auth/tokens.js';
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

export interface BenchVoucher {
  code: string;
  cardNumber: string;
  /** The participant's name at prakerja.go.id and as the provider sends it. */
  name: string;
  /** The buyer's name on the platform: the same person, written as platforms do (case, titles). */
  buyerName: string;
  email: string;
}

/**
 * `n` distinct Tokopedia vouchers: 12 characters, `prefix` (two letters, not "BL", so no code is
 * ambiguous with Bukalapak's) then a base-36 counter; card numbers `cardPrefix` (two digits) + 14.
 */
export function makeVouchers(prefix: string, cardPrefix: string, n: number): BenchVoucher[] {
  if (!/^[A-Z]{2}$/.test(prefix) || prefix === 'BL' || !/^\d{2}$/.test(cardPrefix)) throw new Error(`bad voucher prefix ${prefix}/${cardPrefix}`);
  return Array.from({ length: n }, (_, i) => {
    const name = NAMES[i % NAMES.length];
    const variant = i % 3;
    return {
      code: prefix + i.toString(36).toUpperCase().padStart(10, '0'),
      cardNumber: cardPrefix + String(i).padStart(14, '0'),
      name,
      buyerName: variant === 0 ? name : variant === 1 ? name.toLowerCase() : `Ir. ${name}`,
      email: `p${prefix.toLowerCase()}${i}@example.id`,
    };
  });
}

/** Puts the vouchers (bought for PROVIDER's COURSE on Tokopedia) and their participants into the sandbox simulators. */
export async function seedSandbox(sandboxUrl: string, vouchers: BenchVoucher[]): Promise<void> {
  for (let i = 0; i < vouchers.length; i += 5_000) {
    const chunk = vouchers.slice(i, i + 5_000);
    const res = await fetch(`${sandboxUrl}/sandbox/_seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        vouchers: chunk.map((v) => ({ platform: 'tokopedia', code: v.code, cardNumber: v.cardNumber, buyerName: v.buyerName, buyerEmail: v.email, courseId: COURSE.id, providerId: PROVIDER.id })),
        participants: chunk.map((v) => ({ cardNumber: v.cardNumber, name: v.name, status: 'active' })),
      }),
    });
    if (!res.ok) throw new Error(`sandbox seed failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
}
