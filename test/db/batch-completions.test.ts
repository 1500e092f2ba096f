import { and, count, eq, inArray, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enrollmentEvents, enrollments, outbox } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { simVoucher } from '../support/sim-data.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const PROVIDER = DEMO_PROVIDERS[0].id;
const OTHER_PROVIDER = DEMO_PROVIDERS[1].id;
const db = () => w.deps.database.db;

type Item = Record<string, unknown>;
type Result = { index: number; enrollmentId: string | null; status: 'applied' | 'unchanged' | 'problem'; problem?: { status: number; code: string; errors: { field: string; rule: string }[] } };

const HOUR = 3_600_000;
const cert = (n: string, at: Date) => ({ number: `CERT-B-${n}`, issuedAt: at.toISOString(), url: `https://lpk.example/cert/${n}.pdf`, sha256: 'b'.repeat(64) });
/** A pass or a fail for enrollment `id`, completed at `at`. Scores include fractions, to prove they survive the round trip. */
const completionFor = (id: string, i: number, at: Date): Item =>
  i % 3 === 0
    ? { enrollmentId: id, outcome: 'failed', score: 40 + (i % 20) + 0.5, completedAt: at.toISOString() }
    : { enrollmentId: id, outcome: 'passed', score: 70 + (i % 30) + 0.1, completedAt: at.toISOString(), certificate: cert(`${i}`, at) };

/**
 * Bulk-inserts redeemed enrollments straight into the (real) database: test set-up, so the batch
 * has thousands of rows to work on without thousands of redemptions through the platforms.
 */
async function insertEnrollments(n: number, opts: { providerId?: string; prefix: string; reviewEvery?: number }): Promise<string[]> {
  const redeemedAt = new Date(Date.now() - 2 * 86_400_000);
  const rows = Array.from({ length: n }, (_, i) => {
    const review = opts.reviewEvery !== undefined && i % opts.reviewEvery === 0;
    return {
      id: crypto.randomUUID(),
      providerId: opts.providerId ?? PROVIDER,
      platform: 'tokopedia' as const,
      voucherCode: `${opts.prefix}${String(i).padStart(12 - opts.prefix.length, '0')}`,
      courseId: 'CRS-EXCEL-01',
      courseTitle: 'Microsoft Excel untuk Admin Kantor',
      cardNumber: `52019${String(i).padStart(11, '0')}`,
      participantName: `Peserta ${i}`,
      participantEmail: `p${i}@example.id`,
      platformBuyerName: `Peserta ${i}`,
      prakerjaName: `Peserta ${i}`,
      nameScore: review ? 0.7 : 1,
      nameDecision: review ? ('review' as const) : ('match' as const),
      nameExplanation: review ? 'close but not equal' : 'identical',
      state: 'redeemed',
      platformReference: `REF-${i}`,
      redeemedAt,
    };
  });
  for (let i = 0; i < rows.length; i += 500) await db().insert(enrollments).values(rows.slice(i, i + 500));
  return rows.map((r) => r.id);
}

async function redeemFresh(code: string): Promise<string> {
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code }));
  const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' }, platform: 'tokopedia' });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function outboxKinds(ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await db().select({ id: outbox.enrollmentId, kind: outbox.kind }).from(outbox).where(inArray(outbox.enrollmentId, ids.slice(i, i + 1000)));
    for (const r of rows) out.set(r.id!, [...(out.get(r.id!) ?? []), r.kind].sort());
  }
  return out;
}

async function tableCounts() {
  const [e] = await db().select({ n: count() }).from(enrollmentEvents);
  const [o] = await db().select({ n: count() }).from(outbox);
  return { events: e.n, outbox: o.n };
}

const postBatch = (items: unknown[], key?: string) => w.post('/v1/completions/batch', { items }, { key });

describe('POST /v1/completions/batch — ~2,000 items with bad rows of every kind', () => {
  it('the dispatcher delivers a batch’s reports like single ones', async () => {
    const ids = await insertEnrollments(5, { prefix: 'TKPD' });
    const past = new Date(Date.now() - HOUR);
    for (const [i, id] of ids.entries()) w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: `TKPD${String(i).padStart(8, '0')}`, state: 'redeemed', redeemedAt: new Date(Date.now() - 2 * 86_400_000) }));
    const res = await postBatch(ids.map((id, i) => completionFor(id, i + 1, past)));
    expect((await res.json()).summary).toMatchObject({ applied: 5 });
    await w.dispatcher.drain();
    const rows = await db().select({ kind: outbox.kind, status: outbox.status, lastError: outbox.lastError }).from(outbox).where(inArray(outbox.enrollmentId, ids));
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.status)).toEqual(Array(10).fill('delivered'));
    expect(w.sandbox.prakerja.received.filter((r) => r.applied && r.path.endsWith('/gateway/completion') && ids.includes((r.body as { enrollment_id: string }).enrollment_id))).toHaveLength(5);
  });

  it('answers per item in request order, applies the valid ones, and is idempotent', async () => {
    // A few enrollments redeemed for real through the API, the rest inserted directly.
    const viaApi = [await redeemFresh('TKPBATCHAPI1'), await redeemFresh('TKPBATCHAPI2'), await redeemFresh('TKPBATCHAPI3')];
    const bulk = await insertEnrollments(2_000, { prefix: 'TKPB', reviewEvery: 10 });
    const [othersOwn] = await insertEnrollments(1, { prefix: 'TKPO', providerId: OTHER_PROVIDER });
    const reviewHeld = new Set(bulk.filter((_, i) => i % 10 === 0));

    const past = new Date(Date.now() - HOUR);
    const soon = new Date(Date.now() + 1000); // after the API redemptions just made, inside the allowed clock skew
    const items: Item[] = [...viaApi.map((id, i) => completionFor(id, i + 1, soon)), ...bulk.map((id, i) => completionFor(id, i, past))];

    // Bad rows of each kind, spread through the batch; each names the item and field it is about.
    type Bad = { item: unknown; status: number; code: string; field: string; target?: string };
    const victims = bulk.slice(1_900); // enrollments the bad rows point at; none of them gets a valid item
    items.splice(items.length - victims.length, victims.length); // remove their valid completions
    const bad: Array<{ at: number } & Bad> = [];
    const put = (at: number, b: Bad) => bad.push({ at, ...b });
    put(0, { item: { ...completionFor(crypto.randomUUID(), 1, past), enrollmentId: 'not-a-uuid' }, status: 400, code: 'validation_failed', field: 'enrollmentId' });
    put(5, { item: { enrollmentId: victims[0], outcome: 'passed', score: 80, completedAt: past.toISOString() }, status: 422, code: 'certificate_required', field: 'certificate', target: victims[0] });
    put(50, { item: { enrollmentId: victims[1], outcome: 'failed', score: 20, completedAt: past.toISOString(), certificate: cert('x', past) }, status: 422, code: 'certificate_not_allowed', field: 'certificate', target: victims[1] });
    put(400, { item: completionFor(othersOwn, 1, past), status: 404, code: 'not_found', field: 'enrollmentId', target: othersOwn });
    put(700, { item: completionFor(crypto.randomUUID(), 1, past), status: 404, code: 'not_found', field: 'enrollmentId' });
    put(900, { item: completionFor(bulk[7], 1, past), status: 409, code: 'duplicate_in_batch', field: 'enrollmentId' }); // bulk[7] is valid earlier in the batch
    put(1_200, { item: { ...completionFor(victims[2], 1, past), completedAt: new Date(Date.now() + 86_400_000).toISOString() }, status: 422, code: 'completed_in_future', field: 'completedAt', target: victims[2] });
    put(1_300, { item: { ...completionFor(victims[3], 1, past), completedAt: new Date(Date.now() - 10 * 86_400_000).toISOString() }, status: 422, code: 'completed_before_redemption', field: 'completedAt', target: victims[3] });
    put(1_500, { item: { ...completionFor(victims[4], 1, past), score: 101 }, status: 400, code: 'validation_failed', field: 'score', target: victims[4] });
    put(1_600, { item: { ...completionFor(victims[5], 2, past), certificate: { ...cert('y', past), sha256: 'nope' } }, status: 400, code: 'validation_failed', field: 'certificate.sha256', target: victims[5] });
    put(1_700, { item: { enrollmentId: victims[6], outcome: 'passed', score: 90, completedAt: 'yesterday', certificate: cert('z', past) }, status: 400, code: 'validation_failed', field: 'completedAt', target: victims[6] });
    put(1_800, { item: 'not an object', status: 400, code: 'validation_failed', field: '' });
    for (const b of bad.sort((a, b) => a.at - b.at)) items.splice(b.at, 0, b.item as Item);
    const badAt = new Map(bad.map((b) => [items.indexOf(b.item as Item), b]));
    expect(badAt.size).toBe(bad.length);
    expect(items.length).toBeGreaterThan(1_900);

    const before = await tableCounts();
    const key = `batch-${crypto.randomUUID()}`;
    const res = await postBatch(items, key);
    expect(res.status).toBe(200);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const answer = (await res.json()) as { summary: Record<string, number>; items: Result[] };

    // One answer per item, in request order.
    expect(answer.items).toHaveLength(items.length);
    answer.items.forEach((r, i) => expect(r.index).toBe(i));
    const validIds = new Set<string>();
    for (const [i, r] of answer.items.entries()) {
      const b = badAt.get(i);
      if (!b) {
        expect(r).toEqual({ index: i, enrollmentId: (items[i] as Item).enrollmentId, status: 'applied' });
        validIds.add(r.enrollmentId!);
        continue;
      }
      expect(r.status, `item ${i}`).toBe('problem');
      expect(r.problem, `item ${i}`).toMatchObject({ status: b.status, code: b.code });
      const fields = r.problem!.errors.map((e) => e.field);
      expect(fields, `item ${i}`).toContain(b.field ? `items.${i}.${b.field}` : `items.${i}`);
      for (const f of fields) expect(f.startsWith(`items.${i}`), f).toBe(true);
    }
    expect(answer.summary).toEqual({ total: items.length, applied: items.length - bad.length, unchanged: 0, problems: bad.length });
    expect(validIds.size).toBe(items.length - bad.length);

    // The valid ones ended completed / failed, with their event and their outbox rows.
    const ids = [...validIds];
    const states = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const r of await db().select({ id: enrollments.id, state: enrollments.state, outcome: enrollments.outcome, score: enrollments.score }).from(enrollments).where(inArray(enrollments.id, ids.slice(i, i + 1000)))) {
        expect(r.state).toBe(r.outcome === 'passed' ? 'completed' : 'failed');
        states.set(r.id, r.state);
      }
    }
    expect(states.size).toBe(ids.length);
    const reported = await db()
      .select({ id: enrollmentEvents.enrollmentId, n: count() })
      .from(enrollmentEvents)
      .where(eq(enrollmentEvents.type, 'completion_reported'))
      .groupBy(enrollmentEvents.enrollmentId);
    const reportedBy = new Map(reported.map((r) => [r.id, r.n]));
    for (const id of ids) expect(reportedBy.get(id), id).toBe(1);

    const kinds = await outboxKinds(ids);
    for (const id of bulk.filter((i) => validIds.has(i))) {
      expect(kinds.get(id), id).toEqual(reviewHeld.has(id) ? ['platform.completion'] : ['platform.completion', 'prakerja.completion']);
    }
    for (const id of viaApi) expect(kinds.get(id)).toEqual(['platform.completion', 'prakerja.completion', 'prakerja.redemption']);

    // One bad row did not sink the rest, and the bad rows changed nothing.
    for (const target of bad.map((b) => b.target).filter((t): t is string => !!t)) {
      const [row] = await db().select().from(enrollments).where(eq(enrollments.id, target));
      expect(row).toMatchObject({ state: 'redeemed', outcome: null, certificate: null });
    }
    expect((await outboxKinds(victims)).size).toBe(0);
    expect((await outboxKinds([othersOwn])).size).toBe(0);

    const after = await tableCounts();

    // The identical batch under the same key replays the first answer and changes nothing.
    const replay = await postBatch(items, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(answer);
    expect(await tableCounts()).toEqual(after);

    // The same key with another body is refused.
    const reused = await postBatch(items.slice(1), key);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'idempotency_key_reused' });

    // The applied items again under a new key: each `unchanged`, nothing written.
    const again = items.filter((_, i) => !badAt.has(i));
    const res2 = await postBatch(again);
    expect(res2.status).toBe(200);
    const answer2 = (await res2.json()) as { summary: Record<string, number>; items: Result[] };
    expect(answer2.summary).toEqual({ total: again.length, applied: 0, unchanged: again.length, problems: 0 });
    answer2.items.forEach((r, i) => expect(r).toEqual({ index: i, enrollmentId: (again[i] as Item).enrollmentId, status: 'unchanged' }));
    expect(await tableCounts()).toEqual(after);
    expect(after.events - before.events).toBeGreaterThanOrEqual(ids.length);

    // A different completion for an applied one is a per-item conflict, not an overwrite.
    const changed: Item = { ...(again[10] as Item), score: 12 };
    const res3 = await postBatch([changed, again[11]]);
    const answer3 = (await res3.json()) as { items: Result[] };
    expect(answer3.items[0]).toMatchObject({ status: 'problem', problem: { status: 409, code: 'completion_conflict' } });
    expect(answer3.items[1]).toMatchObject({ status: 'unchanged' });
    const [kept] = await db().select({ score: enrollments.score }).from(enrollments).where(eq(enrollments.id, changed.enrollmentId as string));
    expect(kept.score).toBe((again[10] as Item).score);
    expect(await tableCounts()).toEqual(after);
  }, 120_000);

  it('10,001 items → 400 naming `items`; no items → 400; nothing applied', async () => {
    const before = await tableCounts();
    const [id] = await insertEnrollments(1, { prefix: 'TKPM' });
    const past = new Date(Date.now() - HOUR);
    const tooMany = Array.from({ length: 10_001 }, () => completionFor(id, 1, past));
    const res = await postBatch(tooMany);
    expect(res.status).toBe(400);
    const p = await res.json();
    expect(p).toMatchObject({ code: 'validation_failed' });
    expect(p.errors.map((e: { field: string }) => e.field)).toEqual(['items']);

    const empty = await postBatch([]);
    expect(empty.status).toBe(400);
    expect((await empty.json()).errors.map((e: { field: string }) => e.field)).toEqual(['items']);

    const missing = await w.post('/v1/completions/batch', {});
    expect(missing.status).toBe(400);
    expect((await missing.json()).errors.map((e: { field: string }) => e.field)).toEqual(['items']);

    const [row] = await db().select({ state: enrollments.state }).from(enrollments).where(eq(enrollments.id, id));
    expect(row.state).toBe('redeemed');
    const [o] = await db().select({ n: count() }).from(outbox).where(eq(outbox.enrollmentId, id));
    expect(o.n).toBe(0);
    expect((await tableCounts()).events).toBe(before.events);
  });
});

describe('POST /v1/completions/batch — the full 10,000', () => {
  it('applies 10,000 completions in one call, each answered and each with its reports', async () => {
    const ids = await insertEnrollments(10_000, { prefix: 'TKPX' });
    const past = new Date(Date.now() - HOUR);
    const items = ids.map((id, i) => completionFor(id, i, past));
    const res = await postBatch(items);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { summary: Record<string, number>; items: Result[] };
    expect(answer.summary).toEqual({ total: 10_000, applied: 10_000, unchanged: 0, problems: 0 });
    answer.items.forEach((r, i) => expect(r).toEqual({ index: i, enrollmentId: ids[i], status: 'applied' }));

    const byState = await db().select({ state: enrollments.state, n: count() }).from(enrollments).where(like(enrollments.voucherCode, 'TKPX%')).groupBy(enrollments.state);
    const failed = ids.filter((_, i) => i % 3 === 0).length;
    expect(Object.fromEntries(byState.map((r) => [r.state, r.n]))).toEqual({ failed, completed: 10_000 - failed });

    const kinds = await outboxKinds(ids);
    expect(kinds.size).toBe(10_000);
    for (const id of ids) expect(kinds.get(id)).toEqual(['platform.completion', 'prakerja.completion']);
    const [ev] = await db()
      .select({ n: count() })
      .from(enrollmentEvents)
      .innerJoin(enrollments, eq(enrollments.id, enrollmentEvents.enrollmentId))
      .where(and(eq(enrollmentEvents.type, 'completion_reported'), like(enrollments.voucherCode, 'TKPX%')));
    expect(ev.n).toBe(10_000);
  }, 300_000);
});
