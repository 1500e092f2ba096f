import { PLATFORM_IDS } from '../../adapters/registry.js';
import { and, eq, sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, discrepancies, enrollments, outbox } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { allPages, opsClient } from '../support/ops.js';
import { seedGateway, seedIndex, seedPartners, seedRow } from '../support/recon-seed.js';
import { simVoucher } from '../support/sim-data.js';
import { redeemAs } from '../support/redeem.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const ops = opsClient(w);
const db = () => w.deps.database.db;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const N = 40;
const times = { base: new Date(Date.now() - 10 * DAY), recent: new Date(Date.now() - HOUR) };
const from = new Date(times.base.getTime() - DAY).toISOString();

type Discrepancy = { id: number; kind: string; platform: string; subject: string; status: string; resolution?: string | null; resolvedBy?: string | null; cardNumber: string | null; enrollmentId: string | null; outboxId: number | null; details: Record<string, unknown> };

async function run(body: Record<string, unknown> = {}) {
  const res = await ops.post('/v1/ops/reconciliation/runs', { from, ...body });
  expect(res.status).toBe(201);
  const r = await res.json();
  expect(r.status).toBe('succeeded');
  return r as { id: number; counts: { total: number; discrepancies: Record<string, number> } };
}

async function kill(enrollmentIndex: number, kind: string): Promise<number> {
  const [o] = await db()
    .update(outbox)
    .set({ status: 'dead', attempts: 3, deliveredAt: null, lastError: 'HTTP 503', errors: sql`jsonb_build_array(jsonb_build_object('at', now(), 'attempt', 3, 'error', 'HTTP 503', 'httpStatus', 503, 'retryable', true))` })
    .where(and(eq(outbox.enrollmentId, seedRow(enrollmentIndex, times).id), eq(outbox.kind, kind)))
    .returning({ id: outbox.id });
  return o.id;
}

const isProblem = async (res: Response, status: number, field?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = await res.json();
  if (field) expect(body.errors.map((e: { field: string }) => e.field)).toContain(field);
  return body;
};

/** A small consistent world with a few findings: three vouchers moved on at the platforms, two dead letters. */
let deadIds: number[] = [];
beforeAll(async () => {
  await seedGateway(db(), N, times);
  seedPartners(w.sandbox, N, times);
  for (const p of ['tokopedia', 'bukalapak', 'kariermu'] as const) w.sandbox.platforms[p].vouchers.get(seedRow(seedIndex(p, 'redeemed'), times).code)!.state = 'refunded';
  deadIds = [await kill(seedIndex('kemnaker', 'failed'), 'prakerja.completion'), await kill(seedIndex('bukalapak', 'failed'), 'platform.completion')];
  w.sandbox.platforms.bukalapak.vouchers.get(seedRow(seedIndex('bukalapak', 'failed'), times).code)!.state = 'redeemed';
  w.sandbox.prakerja.reports.get(seedRow(seedIndex('kemnaker', 'failed'), times).id)!.completion = undefined;
});

describe('ops auth', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/v1/ops/reconciliation/runs'],
    ['POST', '/v1/ops/reconciliation/runs'],
    ['GET', '/v1/ops/reconciliation/runs/1'],
    ['GET', '/v1/ops/discrepancies'],
    ['POST', '/v1/ops/discrepancies/1/resolve'],
    ['POST', '/v1/ops/enrollments/00000000-0000-4000-8000-000000000001/accept-name'],
    ['POST', '/v1/ops/deliveries/1/redrive'],
    ['GET', '/v1/ops/dead-letters'],
    ['POST', '/v1/ops/dead-letters/replay'],
    ['GET', '/v1/ops/platforms'],
    ['GET', '/v1/ops/audit'],
  ];
  it.each(routes)('%s %s: 401 without a token, 403 with a provider token', async (method, path) => {
    const init = { method, headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: method === 'POST' ? '{}' : undefined };
    await isProblem(await w.app.request(path, init), 401);
    const provider = await w.token(DEMO_PROVIDERS[0].id);
    const res = await w.app.request(path, { ...init, headers: { ...init.headers, authorization: `Bearer ${provider}` } });
    expect((await isProblem(res, 403)).code).toBe('forbidden');
  });
});

describe('bad input is a problem naming the field', () => {
  it.each([
    ['no window start', {}, 'from'],
    ['a window that ends before it starts', { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
    ['a start in the future without an end', { from: new Date(Date.now() + DAY).toISOString() }, 'from'],
    ['an unknown platform', { from, platform: 'shopee' }, 'platform'],
    ['a date without offset', { from: '2026-01-01 00:00' }, 'from'],
    ['a negative threshold', { from, noReviewAfterHours: -1 }, 'noReviewAfterHours'],
  ])('POST runs: %s', async (_, body, field) => {
    await isProblem(await ops.post('/v1/ops/reconciliation/runs', body), 400, field);
  });

  it('POST runs without an Idempotency-Key', async () => {
    const res = await w.app.request('/v1/ops/reconciliation/runs', { method: 'POST', headers: { authorization: `Bearer ${await ops.token()}`, 'content-type': 'application/json' }, body: JSON.stringify({ from }) });
    await isProblem(res, 400, 'header:idempotency-key');
  });

  it.each([
    ['/v1/ops/discrepancies?kind=everything', 'query:kind'],
    ['/v1/ops/discrepancies?status=closed', 'query:status'],
    ['/v1/ops/discrepancies?limit=0', 'query:limit'],
    ['/v1/ops/discrepancies?cursor=not-a-cursor', 'query:cursor'],
    ['/v1/ops/discrepancies?enrollmentId=42', 'query:enrollmentId'],
    ['/v1/ops/reconciliation/runs/abc', 'param:id'],
    ['/v1/ops/dead-letters?limit=9999', 'query:limit'],
    ['/v1/ops/audit?cursor=eyJpZCI6LTF9', 'query:cursor'],
  ])('GET %s', async (path, field) => {
    await isProblem(await ops.get(path), 400, field);
  });

  it.each([
    ['/v1/ops/discrepancies/1/resolve', {}, 'reason'],
    ['/v1/ops/discrepancies/1/resolve', { reason: ' ' }, 'reason'],
    ['/v1/ops/discrepancies/x/resolve', { reason: 'checked' }, 'param:id'],
    ['/v1/ops/enrollments/not-a-uuid/accept-name', { reason: 'checked' }, 'param:id'],
    ['/v1/ops/deliveries/0/redrive', { reason: 'checked' }, 'param:id'],
    ['/v1/ops/dead-letters/replay', { reason: 'checked' }, 'ids'],
    ['/v1/ops/dead-letters/replay', { reason: 'checked', ids: [1], all: true }, 'ids'],
    ['/v1/ops/dead-letters/replay', { reason: 'checked', ids: [] }, 'ids'],
    ['/v1/ops/dead-letters/replay', { reason: 'checked', all: false }, 'all'],
    ['/v1/ops/dead-letters/replay', { reason: 'checked', ids: [1], destination: 'tokopedia' }, 'destination'],
    ['/v1/ops/dead-letters/replay', { all: true }, 'reason'],
  ])('POST %s %j', async (path, body, field) => {
    await isProblem(await ops.post(path, body), 400, field);
  });

  it('a body that is not JSON', async () => {
    await isProblem(await ops.post('/v1/ops/discrepancies/1/resolve', '{"reason":'), 400, 'body');
  });
});

describe('discrepancies: filters, cursor pagination, CSV', () => {
  let runId: number;
  let all: Discrepancy[];
  beforeAll(async () => {
    runId = (await run()).id;
    all = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${runId}`);
  });

  it('the run found the three platform moves and the two dead letters', () => {
    expect(all.map((d) => `${d.kind} ${d.platform}`).sort()).toEqual(
      ['dead_letter bukalapak', 'dead_letter kemnaker', 'status_differs bukalapak', 'status_differs kariermu', 'status_differs tokopedia'].sort(),
    );
    expect(all.filter((d) => d.kind === 'dead_letter').map((d) => d.outboxId).sort()).toEqual([...deadIds].sort());
  });

  it('filters by kind, platform, status and run', async () => {
    const dead = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${runId}&kind=dead_letter`);
    expect(dead.map((d) => d.kind)).toEqual(['dead_letter', 'dead_letter']);
    const buk = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${runId}&platform=bukalapak`);
    expect(buk.map((d) => d.kind).sort()).toEqual(['dead_letter', 'status_differs']);
    const both = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${runId}&platform=bukalapak&kind=dead_letter&status=open`);
    expect(both).toHaveLength(1);
    expect(await allPages(ops.get, `/v1/ops/discrepancies?runId=${runId}&status=resolved`)).toEqual([]);
    expect(await allPages(ops.get, `/v1/ops/discrepancies?runId=${runId + 1000}`)).toEqual([]);
  });

  it('pages with an opaque cursor in a stable order, nothing skipped or repeated', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await ops.get(`/v1/ops/discrepancies?runId=${runId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = await res.json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d: Discrepancy) => d.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(all.map((d) => d.id));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('masks card numbers', () => {
    expect(all.every((d) => d.cardNumber && /^52\d{2}\*{8}\d{4}$/.test(d.cardNumber))).toBe(true);
  });

  it.each([
    ['Accept: text/csv', `/v1/ops/discrepancies?runId=`, { accept: 'text/csv' }],
    ['?format=csv', `/v1/ops/discrepancies?format=csv&runId=`, {}],
  ])('exports CSV with %s, masked', async (_, path, headers) => {
    const res = await ops.get(`${path}${runId}`, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,runId,kind,platform,subject,voucherCode,enrollmentId,outboxId,cardNumber,status,resolution,resolvedBy,resolvedAt,createdAt,details');
    expect(lines).toHaveLength(all.length + 1);
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(all.map((d) => d.id));
    expect(text).not.toMatch(/\b\d{16}\b/);
    expect(text).toMatch(/,52\d{2}\*{8}\d{4},/);
  });

  it('CSV honours filters', async () => {
    const text = await (await ops.get(`/v1/ops/discrepancies?format=csv&runId=${runId}&kind=dead_letter`)).text();
    expect(text.trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('runs are listed newest first and readable one by one', async () => {
    const second = await run({ platform: 'tokopedia' });
    const list = await (await ops.get('/v1/ops/reconciliation/runs?limit=1')).json();
    expect(list.items.map((r: { id: number }) => r.id)).toEqual([second.id]);
    const rest = await (await ops.get(`/v1/ops/reconciliation/runs?limit=1&cursor=${list.nextCursor}`)).json();
    expect(rest.items[0].id).toBeLessThan(second.id);
    const one = await (await ops.get(`/v1/ops/reconciliation/runs/${runId}`)).json();
    expect(one).toMatchObject({ id: runId, status: 'succeeded', platform: null, requestedBy: 'rina', settings: { noReviewAfterHours: 72, expiringWithinDays: 3 } });
    await isProblem(await ops.get('/v1/ops/reconciliation/runs/999999'), 404);
  });

  it('a platform that cannot be listed fails the run instead of reporting everything missing', async () => {
    w.server.use(http.get(`${SANDBOX_BASE}/sandbox/kariermu/*`, () => new HttpResponse('down', { status: 503 })));
    try {
      const res = await ops.post('/v1/ops/reconciliation/runs', { from, platform: 'kariermu' });
      const r = await res.json();
      expect(r).toMatchObject({ status: 'failed' });
      expect(r.error).toMatch(/503|unavailable/i);
      expect(await allPages(ops.get, `/v1/ops/discrepancies?runId=${r.id}`)).toEqual([]);
    } finally {
      w.server.resetHandlers();
    }
  });
});

describe('actions, each audited', () => {
  const audited = async (action: string, target: string) => {
    const [row] = await db().select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.target, target)));
    return row;
  };

  it('resolve: records who and why; a second resolve is a 409; the same key replays', async () => {
    const r = await run();
    const [d] = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${r.id}&kind=status_differs`);
    const key = crypto.randomUUID();
    const res = await ops.post(`/v1/ops/discrepancies/${d.id}/resolve`, { reason: 'Refund confirmed by the platform; training continues.' }, { key });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: d.id, status: 'resolved', resolvedBy: 'rina', resolution: 'Refund confirmed by the platform; training continues.' });
    const replay = await ops.post(`/v1/ops/discrepancies/${d.id}/resolve`, { reason: 'Refund confirmed by the platform; training continues.' }, { key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await isProblem(await ops.post(`/v1/ops/discrepancies/${d.id}/resolve`, { reason: 'again' }), 409)).code).toBe('already_resolved');
    await isProblem(await ops.post('/v1/ops/discrepancies/999999/resolve', { reason: 'nothing' }), 404);
    expect(await audited('discrepancy.resolve', `discrepancy:${d.id}`)).toMatchObject({ operator: 'rina', reason: 'Refund confirmed by the platform; training continues.' });
    const audit = await (await ops.get(`/v1/ops/audit?target=discrepancy:${d.id}`)).json();
    expect(audit.items).toHaveLength(1);

    // The next run meets the same, unchanged finding: it comes in resolved, naming the decision.
    const next = await run();
    const carried = (await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${next.id}&kind=status_differs`)).find((x) => x.subject === d.subject);
    expect(carried).toMatchObject({ status: 'resolved', resolvedBy: 'rina' });
    expect(carried!.resolution).toBe(`unchanged since resolved in run ${r.id}: Refund confirmed by the platform; training continues.`);
    const others = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${next.id}&kind=status_differs&status=open`);
    expect(others.map((x) => x.subject)).not.toContain(d.subject);
    expect(others.length).toBeGreaterThan(0);
  });

  it('accept-name releases the reports the held name blocked, and they are delivered', async () => {
    const card = '5201999900000001';
    const redeemed = await redeemAs(w, 'tokopedia', { code: 'TKPNAME00001', card, registered: 'Putri Ayu Lestari', onPlatform: 'Putri Ayu', email: 'putri@example.id' });
    expect(redeemed.status).toBe(201);
    const e = await redeemed.json();
    expect(e.nameCheck.decision).toBe('review');
    const at = new Date(Date.now() + 1000).toISOString();
    expect((await w.post(`/v1/enrollments/${e.id}/completion`, { outcome: 'passed', score: 90, completedAt: at, certificate: { number: 'CERT-NAME-1', issuedAt: at, url: 'https://lpk.example/c.pdf', sha256: 'b'.repeat(64) } })).status).toBe(200);
    await w.dispatcher.drain();
    expect((await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPNAME00001', rating: 5, review: 'Mantap', reviewedAt: new Date() })).status).toBe(200);
    await w.dispatcher.drain();
    const kinds = async () => (await db().select({ kind: outbox.kind, status: outbox.status }).from(outbox).where(eq(outbox.enrollmentId, e.id))).map((o) => `${o.kind}:${o.status}`).sort();
    expect(await kinds()).toEqual(['platform.completion:delivered', 'prakerja.redemption:delivered']);

    const r = await run();
    const [held] = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${r.id}&kind=name_mismatch_pending&enrollmentId=${e.id}`);
    expect(held).toMatchObject({ platform: 'tokopedia', subject: 'TKPNAME00001', details: { decision: 'review', names: { platform: 'Putri Ayu', prakerja: 'Putri Ayu Lestari' } } });

    const res = await ops.post(`/v1/ops/enrollments/${e.id}/accept-name`, { reason: 'Same person: KTP checked, platform account uses a short name.' });
    expect(res.status).toBe(200);
    const accepted = await res.json();
    expect(accepted.enqueued.map((d: { kind: string }) => d.kind).sort()).toEqual(['prakerja.certificate', 'prakerja.completion']);
    expect(accepted.resolvedDiscrepancies).toEqual([held.id]);
    expect(accepted.nameCheck).toMatchObject({ decision: 'review', acceptedBy: 'rina' });
    expect(await kinds()).toEqual(['platform.completion:delivered', 'prakerja.certificate:pending', 'prakerja.completion:pending', 'prakerja.redemption:delivered']);

    // The certificate waits for its completion; a couple of rounds deliver both.
    for (let i = 0; i < 5 && (await kinds()).some((k) => k.endsWith(':pending')); i++) {
      await w.dispatcher.drain();
      await new Promise((done) => setTimeout(done, 10));
    }
    expect(await kinds()).toEqual(['platform.completion:delivered', 'prakerja.certificate:delivered', 'prakerja.completion:delivered', 'prakerja.redemption:delivered']);
    const [after] = await db().select().from(enrollments).where(eq(enrollments.id, e.id));
    expect(after.state).toBe('reported');
    expect(after.nameAcceptedAt).not.toBeNull();

    expect(await audited('enrollment.accept_name', `enrollment:${e.id}`)).toMatchObject({ operator: 'rina', reason: 'Same person: KTP checked, platform account uses a short name.' });
    expect((await isProblem(await ops.post(`/v1/ops/enrollments/${e.id}/accept-name`, { reason: 'again' }), 409)).code).toBe('name_already_accepted');
    expect((await isProblem(await ops.post(`/v1/ops/enrollments/${seedRow(1, times).id}/accept-name`, { reason: 'matched' }), 409)).code).toBe('name_not_held');
    await isProblem(await ops.post('/v1/ops/enrollments/00000000-0000-4000-8000-000000000000/accept-name', { reason: 'nobody' }), 404);
  });

  it('dead letters: listed with every attempt, replayed (history kept), delivered, audited, findings settled', async () => {
    // A real dead letter: the platform refuses the completion report (4xx, not retried).
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPDEADOPS01' }));
    const redeemed = await w.post('/v1/redemptions', { voucherCode: 'TKPDEADOPS01', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' }, platform: 'tokopedia' });
    const e = await redeemed.json();
    w.server.use(http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPDEADOPS01/completion`, () => HttpResponse.json({ errors: [{ code: 'INVALID_REQUEST', message: 'score out of range' }] }, { status: 400 })));
    const at = new Date(Date.now() + 1000).toISOString();
    await w.post(`/v1/enrollments/${e.id}/completion`, { outcome: 'failed', score: 20, completedAt: at });
    await w.dispatcher.drain();
    w.server.resetHandlers();

    const dead = await allPages<{ id: number; kind: string; attempts: number; errors: Array<{ attempt: number; httpStatus?: number; error: string }>; voucherCode: string }>(ops.get, '/v1/ops/dead-letters?destination=tokopedia');
    const letter = dead.find((d) => d.voucherCode === 'TKPDEADOPS01')!;
    expect(letter).toMatchObject({ kind: 'platform.completion', attempts: 1, errors: [{ attempt: 1, httpStatus: 400 }] });
    expect(letter.errors[0].error).toContain('score out of range');

    const r = await run();
    const [finding] = await allPages<Discrepancy>(ops.get, `/v1/ops/discrepancies?runId=${r.id}&kind=dead_letter&enrollmentId=${e.id}`);
    expect(finding).toMatchObject({ subject: `outbox:${letter.id}`, status: 'open' });

    const res = await ops.post('/v1/ops/dead-letters/replay', { ids: [letter.id, deadIds[0] + 100_000], reason: 'Tokopedia fixed their score validation.' });
    expect(await res.json()).toEqual({ replayed: [letter.id], skipped: [{ id: deadIds[0] + 100_000, reason: 'not_found' }] });
    const [row] = await db().select().from(outbox).where(eq(outbox.id, letter.id));
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.errors).toHaveLength(1);
    expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    const [settled] = await db().select().from(discrepancies).where(eq(discrepancies.id, finding.id));
    expect(settled).toMatchObject({ status: 'resolved', resolvedBy: 'rina' });

    await w.dispatcher.drain();
    const [delivered] = await db().select().from(outbox).where(eq(outbox.id, letter.id));
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(delivered.errors).toHaveLength(1);
    expect(await audited('dead_letters.replay', `outbox:${letter.id},${deadIds[0] + 100_000}`)).toMatchObject({ operator: 'rina', reason: 'Tokopedia fixed their score validation.' });

    // Not dead any more: skipped.
    expect(await (await ops.post('/v1/ops/dead-letters/replay', { ids: [letter.id], reason: 'again' })).json()).toEqual({ replayed: [], skipped: [{ id: letter.id, reason: 'not_dead' }] });
  });

  it('replays every dead letter of a destination at once', async () => {
    const extra = await kill(seedIndex('kariermu', 'failed'), 'prakerja.completion');
    const res = await ops.post('/v1/ops/dead-letters/replay', { all: true, destination: 'prakerja', reason: 'prakerja.go.id back after maintenance.' });
    const body = await res.json();
    expect(body.replayed).toEqual(expect.arrayContaining([deadIds[0], extra]));
    expect(body.replayed).not.toContain(deadIds[1]);
    const left = await allPages<{ id: number; destination: string }>(ops.get, '/v1/ops/dead-letters');
    expect(left.some((d) => d.destination === 'prakerja')).toBe(false);
    expect(await audited('dead_letters.replay', 'outbox:dead@prakerja')).toMatchObject({ reason: 'prakerja.go.id back after maintenance.' });
  });

  it('redrive one delivery: due now; delivered ones are a 409', async () => {
    const res = await ops.post(`/v1/ops/deliveries/${deadIds[1]}/redrive`, { reason: 'Bukalapak says their API is back.' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: deadIds[1], status: 'pending', attempts: 3, destination: 'bukalapak' });
    expect(await audited('delivery.redrive', `outbox:${deadIds[1]}`)).toMatchObject({ operator: 'rina', reason: 'Bukalapak says their API is back.', detail: { previousStatus: 'dead' } });
    const [delivered] = await db().select({ id: outbox.id }).from(outbox).where(eq(outbox.status, 'delivered')).limit(1);
    expect((await isProblem(await ops.post(`/v1/ops/deliveries/${delivered.id}/redrive`, { reason: 'why not' }), 409)).code).toBe('already_delivered');
    await isProblem(await ops.post('/v1/ops/deliveries/99999999/redrive', { reason: 'nothing' }), 404);
  });
});

describe('platforms and audit views', () => {
  it('shows each destination with its queue, last success and a derived circuit, or the live breakers', async () => {
    await kill(seedIndex('tokopedia', 'failed'), 'platform.completion');
    const body = await (await ops.get('/v1/ops/platforms')).json();
    const byName = Object.fromEntries(body.destinations.map((d: { destination: string }) => [d.destination, d]));
    // Every registered platform, and prakerja.go.id.
    expect(Object.keys(byName).sort()).toEqual([...PLATFORM_IDS, 'prakerja'].sort());
    const [{ n }] = (await db().select({ n: sql<number>`count(*)::int` }).from(outbox).where(and(eq(outbox.destination, 'tokopedia'), eq(outbox.status, 'dead')))) as Array<{ n: number }>;
    expect(byName.tokopedia).toMatchObject({ dead: Number(n), circuit: { state: 'closed', source: 'derived' } });
    expect(byName.tokopedia.lastSuccessAt).not.toBeNull();
    expect(byName.tokopedia.lastHour.failures).toBeGreaterThanOrEqual(1);
    expect(byName.tokopedia.lastHour.errorRate).toBeGreaterThan(0);

    w.deps.breakers = () => w.dispatcher.breakers.snapshot();
    try {
      const live = await (await ops.get('/v1/ops/platforms')).json();
      expect(live.destinations.find((d: { destination: string }) => d.destination === 'tokopedia').circuit).toEqual({ state: 'closed', source: 'dispatcher' });
    } finally {
      delete w.deps.breakers;
    }
  });

  it('lists the audit log newest first, filterable by operator, paged', async () => {
    const other = opsClient(w, 'budi');
    const r = await run();
    const [d] = await allPages<Discrepancy>(other.get, `/v1/ops/discrepancies?runId=${r.id}&status=open`);
    await other.post(`/v1/ops/discrepancies/${d.id}/resolve`, { reason: 'Handled by phone.' });
    const mine = await allPages<{ id: number; operator: string; action: string }>(other.get, '/v1/ops/audit?operator=budi');
    expect(mine.map((a) => a.action)).toEqual(['discrepancy.resolve']);
    const everyone = await allPages<{ id: number; operator: string; action: string }>(ops.get, '/v1/ops/audit?limit=3');
    expect(everyone.map((a) => a.id)).toEqual([...everyone.map((a) => a.id)].sort((a, b) => b - a));
    expect(new Set(everyone.map((a) => a.action))).toEqual(new Set(['reconciliation.run', 'discrepancy.resolve', 'enrollment.accept_name', 'dead_letters.replay', 'delivery.redrive']));
    expect(everyone.find((a) => a.action === 'reconciliation.run')).toMatchObject({ operator: 'rina' });
  });
});
