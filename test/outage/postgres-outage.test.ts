/**
 * PostgreSQL stopped under a running gateway, mid-traffic: every answer during the outage is an
 * honest 503 problem with Retry-After (never a 500), the same process recovers once the server is
 * back (no restart), and everything it accepted (a 201) is there afterwards.
 *
 * This stops a whole PostgreSQL cluster, so it runs only when OUTAGE_PG_CLUSTER names one
 * ("<version> <cluster>", as pg_ctlcluster takes them) and OUTAGE_DATABASE_URL reaches it:
 * `.ci/run` runs it last, alone, after `npm test`; a developer points it at a cluster of their
 * own (pg_createcluster 15 outage -p 5442) so nobody else's tests lose their database.
 */
import { execFileSync } from 'node:child_process';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenKeys } from '../../src/auth/tokens.js';
import { SANDBOX_SECRETS } from '../../src/sandbox/demo-data.js';
import { freePort, spawnGateway, waitHealthy, type GatewayProcess } from '../support/gateway-process.js';
import { waitFor } from '../support/processes.js';

const CLUSTER = process.env.OUTAGE_PG_CLUSTER!.trim().split(/\s+/);
const SERVER = new URL(process.env.OUTAGE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const pgctl = (action: 'stop' | 'start') => execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', ...CLUSTER, action], { stdio: 'pipe', timeout: 60_000 });
const serverUp = async () => {
  const sql = postgres(SERVER.toString(), { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return undefined;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
};

const dbName = `gw_outage_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let gateway: GatewayProcess;
let token: string;

beforeAll(async () => {
  const admin = postgres(SERVER.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  gateway = spawnGateway(process.execPath, ['--import', 'tsx', 'src/node/main.ts'], { port: await freePort(), env: { DATABASE_URL: url.toString(), LOG_LEVEL: 'warn' } });
  await waitHealthy(gateway);
  token = await new TokenKeys(SANDBOX_SECRETS.auth).issue({ kind: 'provider', providerId: 'prv-komputer-jaya' }, 3600);
}, 120_000);

afterAll(async () => {
  // Whatever happened, the server is left running for whoever comes next.
  if (!(await serverUp())) pgctl('start');
  await waitFor('PostgreSQL back', serverUp, 60_000);
  await gateway?.kill();
  const admin = postgres(SERVER.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await admin.end();
}, 120_000);

interface Answer {
  phase: 'before' | 'outage' | 'after';
  what: string;
  status: number;
  retryAfter: string | null;
  type: string | null;
  body: { code?: string; id?: string } | undefined;
}

describe('PostgreSQL stopped under a running gateway', () => {
  it('answers 503 with Retry-After while it is down, recovers without a restart, and loses nothing it accepted', async () => {
    let phase: Answer['phase'] = 'before';
    const answers: Answer[] = [];
    const call = async (what: string, path: string, init: RequestInit = {}) => {
      const at = phase;
      const res = await fetch(`${gateway.base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers }, signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      const a: Answer = { phase: at, what, status: res.status, retryAfter: res.headers.get('retry-after'), type: res.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
      answers.push(a);
      return a;
    };
    // A provider's mix: writes that must not be lost (a webhook endpoint each) and reads.
    let n = 0;
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        const i = n++;
        await Promise.all([
          call('create endpoint', '/v1/webhook-endpoints', { method: 'POST', headers: { 'idempotency-key': `outage-${i}` }, body: JSON.stringify({ url: `http://127.0.0.1:9/hook-${i}` }) }),
          call('read enrollment', `/v1/enrollments/${crypto.randomUUID()}`),
        ]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await waitFor('traffic flowing', async () => (answers.filter((a) => a.status === 201).length >= 5 ? true : undefined));
    pgctl('stop');
    phase = 'outage';
    await waitFor('answers during the outage', async () => (answers.filter((a) => a.phase === 'outage').length >= 20 ? true : undefined), 60_000);
    const ready = await fetch(`${gateway.base}/readyz`);
    expect(ready.status).toBe(503);
    // A redemption tried during the outage: refused honestly, nothing consumed at the platform.
    const redeem = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };
    const during = await call('redeem', '/v1/redemptions', { method: 'POST', headers: { 'idempotency-key': 'outage-redeem' }, body: JSON.stringify(redeem) });
    expect(during.status).toBe(503);

    pgctl('start');
    phase = 'after';
    await waitFor('readiness back without a restart', async () => ((await fetch(`${gateway.base}/readyz`)).status === 200 ? true : undefined), 60_000);
    await waitFor('writes accepted again', async () => (answers.some((a) => a.phase === 'after' && a.status === 201) ? true : undefined), 30_000);
    stop = true;
    await traffic;
    expect(gateway.proc.exitCode, gateway.output()).toBeNull();

    // Never a 500; every refusal a problem with Retry-After, saying what was unavailable.
    const refusals = answers.filter((a) => a.status >= 500);
    expect(refusals.length).toBeGreaterThan(0);
    for (const a of refusals) {
      expect(a, gateway.output().slice(-3000)).toMatchObject({ status: 503, type: 'application/problem+json' });
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
      expect(['database_unavailable', 'redemption_not_recorded']).toContain(a.body?.code);
    }
    const outage = answers.filter((a) => a.phase === 'outage');
    expect(outage.filter((a) => a.status === 503).length).toBeGreaterThan(outage.length / 2);

    // Everything accepted is there, and the redemption refused during the outage goes through
    // with the same Idempotency-Key.
    const accepted = answers.filter((a) => a.what === 'create endpoint' && a.status === 201).map((a) => a.body!.id!);
    expect(accepted.length).toBeGreaterThan(5);
    const listed = await call('list', '/v1/webhook-endpoints');
    const ids = new Set((listed.body as unknown as { items: Array<{ id: string }> }).items.map((e) => e.id));
    expect(accepted.filter((id) => !ids.has(id))).toEqual([]);
    const after = await call('redeem', '/v1/redemptions', { method: 'POST', headers: { 'idempotency-key': 'outage-redeem' }, body: JSON.stringify(redeem) });
    expect(after.status, JSON.stringify(after.body)).toBe(201);
  }, 240_000);
});
