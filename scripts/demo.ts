/**
 * `npm run demo`: the whole flow on a throwaway sandbox, printed step by step — redeem, attend,
 * complete, the participant reviews on the platform (its callback reaches the gateway), the
 * certificate goes to prakerja.go.id, which accepts it and schedules the incentive.
 * `npm run demo -- --platform <id>` walks that platform (any registered one; the first by default)
 * with its first demo voucher.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { parseEnv } from '../src/env.js';
import { createLogger } from '../src/lib/logger.js';
import { openDatabase } from '../src/node/database.js';
import { assembleGateway } from '../src/node/gateway.js';
import { createOutboundFetch } from '../src/node/outbound.js';
import { parseArgs } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { enrollments } from '../src/db/schema.js';
import { PLATFORM_IDS, PLATFORMS } from '../adapters/registry.js';
import { DEMO_PARTICIPANTS, DEMO_PROVIDERS } from '../src/sandbox/demo-data.js';

const { values: args } = parseArgs({ options: { platform: { type: 'string', default: PLATFORM_IDS[0] } } });
const platform = PLATFORMS.find((d) => d.id === args.platform);
if (!platform) {
  process.stderr.write(`unknown platform ${args.platform}; one of: ${PLATFORM_IDS.join(', ')}\n`);
  process.exit(2);
}
// The platform's first live demo voucher bought by a registered participant with the demo provider's course.
const voucher = platform.demoVouchers?.find((v) => v.expiresInDays > 0 && v.providerId === DEMO_PROVIDERS[0].id && DEMO_PARTICIPANTS.some((p) => p.cardNumber === v.cardNumber && p.status === 'active'));
if (!voucher) {
  process.stderr.write(`${platform.id} has no demo voucher to walk\n`);
  process.exit(2);
}
const participant = DEMO_PARTICIPANTS.find((p) => p.cardNumber === voucher.cardNumber)!;
const masked = `${voucher.cardNumber.slice(0, 4)}…${voucher.cardNumber.slice(-4)}`;

const dataDir = mkdtempSync(join(tmpdir(), 'prakerja-demo-'));
const port = 3900 + Math.floor(Math.random() * 90);
const env = parseEnv({ ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: join(dataDir, 'pglite'), DATABASE_URL: undefined, LOG_LEVEL: 'warn' });
const base = `http://127.0.0.1:${port}`;
const database = await openDatabase({ dataDir: env.DATA_DIR });
const { app, deps, dispatcher } = await assembleGateway({ env, database, logger: createLogger({ level: 'warn' }), fetch: createOutboundFetch(), publicBase: base });
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
dispatcher!.start();

const provider = await deps.tokens.issue({ kind: 'provider', providerId: DEMO_PROVIDERS[0].id });
const ops = await deps.tokens.issue({ kind: 'ops', operator: 'demo' });
let step = 0;

async function call(method: string, path: string, body?: unknown, token = provider) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, any>;
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function say(title: string, lines: string[] = []) {
  process.stdout.write(`\n${++step}. ${title}\n${lines.map((l) => `   ${l}`).join('\n')}${lines.length ? '\n' : ''}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const deliveries = (e: Record<string, any>) => e.deliveries.map((d: any) => `${d.kind} → ${d.destination}: ${d.status} (${d.attempts} attempt${d.attempts === 1 ? '' : 's'})`);

try {
  const emit = async (event: Record<string, unknown>) => {
    const res = await fetch(`${base}/sandbox/${platform.id}/_sandbox/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    return { ok: res.ok, gatewayStatus: res.ok ? ((await res.json()) as any).gatewayStatus : res.status };
  };
  let id: string;
  switch (platform.capabilities.delivery) {
    case 'provider_delivered': {
      const redeemed = await call('POST', '/v1/redemptions', { platform: platform.id, voucherCode: voucher.code, cardNumber: voucher.cardNumber, participant: { name: participant.name, email: voucher.buyerEmail } });
      id = redeemed.id as string;
      say(`Provider redeems ${platform.displayName} voucher ${voucher.code} for card ${masked}`, [`enrollment ${id}: ${redeemed.state}`, `name check: ${redeemed.nameCheck.decision} (${redeemed.nameCheck.score})`]);
      await call('POST', `/v1/enrollments/${id}/progress`, { sequence: 1, attendedAt: new Date().toISOString() });
      break;
    }
    case 'platform_delivered': {
      const started = await emit({ kind: 'learning.started', voucherCode: voucher.code });
      // The provider hears of it as an enrollment.started event (webhook or feed); the demo reads its id directly.
      const [row] = await database.db.select({ id: enrollments.id }).from(enrollments).where(and(eq(enrollments.platform, platform.id), eq(enrollments.voucherCode, voucher.code)));
      id = row.id;
      const e = await call('GET', `/v1/enrollments/${id}`);
      say(`The participant presses "Mulai Belajar" on ${platform.displayName} (card ${masked}); its callback starts the enrollment`, [
        `callback answered HTTP ${started.gatewayStatus}`,
        `enrollment ${id}: ${e.state}, ${e.deliveryShape}`,
        `name check: ${e.nameCheck.decision} (${e.nameCheck.score})`,
      ]);
      // In the platform's own unit (modules, percent); each simulator caps it at its whole course.
      for (const n of [4, 1000]) await emit({ kind: 'learning.progress', voucherCode: voucher.code, done: n });
      await emit({ kind: 'learning.completed', voucherCode: voucher.code });
      say(`${platform.displayName} reports the participant's progress, then that they finished`, [`state: ${(await call('GET', `/v1/enrollments/${id}`)).state}`]);
      break;
    }
  }
  const now = new Date(Date.now() + 1000).toISOString();
  const completed = await call('POST', `/v1/enrollments/${id}/completion`, {
    outcome: 'passed',
    score: 91,
    completedAt: now,
    certificate: { number: 'LPK-KJ/2026/0001', issuedAt: now, url: 'https://lpk.example/certificates/0001.pdf', sha256: 'c'.repeat(64) },
  });
  say('Provider reports the training passed, with its certificate', [`state: ${completed.state}`, `certificate held because: ${completed.certificateBlockers.join('; ')}`]);

  const sent = await until('completion deliveries', async () => {
    const e = await call('GET', `/v1/enrollments/${id}`);
    return e.deliveries.length >= 3 && e.deliveries.every((d: any) => d.status === 'delivered') ? e : undefined;
  });
  say(`The outbox tells ${platform.displayName} and prakerja.go.id`, deliveries(sent));

  const review = await emit({ kind: 'review.submitted', voucherCode: voucher.code, rating: 5, review: 'Materinya jelas dan praktis', reviewedAt: new Date().toISOString() });
  say(`The participant rates and reviews the training on ${platform.displayName}; it calls the gateway back (signed callback)`, [`callback answered HTTP ${review.gatewayStatus}`]);
  if (platform.capabilities.gradeAcceptance) {
    const accepted = await emit({ kind: 'completion.accepted', voucherCode: voucher.code, at: new Date().toISOString() });
    say(`${platform.displayName} accepts the reported grade (its definition asks for that before the certificate)`, [`callback answered HTTP ${accepted.gatewayStatus}`]);
  }

  const reported = await until('the certificate report', async () => {
    const e = await call('GET', `/v1/enrollments/${id}`);
    return e.state === 'reported' && e.prakerja.acceptedAt ? e : undefined;
  });
  say('The certificate goes to prakerja.go.id, which accepts the completion', [`state: ${reported.state}`, `prakerja accepted at ${reported.prakerja.acceptedAt}`, ...deliveries(reported)]);

  const incentive = await until('the incentive', async () => {
    const s = await call('GET', `/v1/ops/participants/${voucher.cardNumber}/incentive`, undefined, ops);
    return s.incentive.lines.some((l: any) => l.status === 'scheduled') ? s : undefined;
  });
  say(`Operator view of the participant's incentive (program year ${incentive.programYear})`, [
    ...incentive.incentive.lines.map((l: any) => `${l.status.padEnd(11)} Rp${l.amount.toLocaleString('id-ID')}  ${l.why}`),
    `next action: ${incentive.incentive.nextAction}`,
  ]);
  process.stdout.write('\nTimeline:\n' + reported.timeline.map((t: any) => `   ${t.at}  ${t.source.padEnd(8)} ${t.type}${t.to ? ` → ${t.to}` : ''}`).join('\n') + '\n');
} finally {
  await dispatcher!.stop();
  server.close();
  await database.close();
  rmSync(dataDir, { recursive: true, force: true });
}
