import { and, count, eq, sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { inboundEvents, outbox } from '../../src/db/schema.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();

// Completed "now" (plus a second, within the allowed clock skew): never before the redemption just made.
const cert = (n: string) => ({ number: `CERT-${n}`, issuedAt: new Date(Date.now() + 1000).toISOString(), url: `https://lpk.example/cert/${n}.pdf`, sha256: 'a'.repeat(64) });
const passed = (n: string) => ({ outcome: 'passed', score: 88, completedAt: new Date(Date.now() + 1000).toISOString(), certificate: cert(n) });

/** A fresh Tokopedia voucher redeemed by the demo provider; returns the enrollment id. */
async function redeemFresh(code: string, platform: 'tokopedia' | 'kemnaker' = 'tokopedia'): Promise<string> {
  w.sandbox.platforms[platform].addVoucher(simVoucher({ code, buyerName: 'Siti Rahmawati' }));
  const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' }, platform });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

let badCase = 0;
const enrollment = async (id: string) => (await w.get(`/v1/enrollments/${id}`)).json();
const review = (voucherCode: string, eventId?: string) => ({ kind: 'review.submitted' as const, voucherCode, rating: 5, review: 'Sangat bermanfaat', reviewedAt: new Date() });

describe('completion → review → certificate → reported', () => {
  it('walks an enrollment to `reported`, each fact delivered once to the platform and prakerja.go.id', async () => {
    const id = await redeemFresh('TKPFLOW00001');
    expect((await w.post(`/v1/enrollments/${id}/progress`, { sequence: 1, attendedAt: new Date().toISOString() })).status).toBe(200);
    const done = await w.post(`/v1/enrollments/${id}/completion`, passed('1'));
    expect(done.status).toBe(200);
    const after = await done.json();
    expect(after.state).toBe('completed');
    expect(after.certificateBlockers).toContain('the participant has not rated and reviewed the training yet');

    await w.dispatcher.drain();
    let e = await enrollment(id);
    expect(Object.fromEntries(e.deliveries.map((d: { kind: string; status: string }) => [d.kind, d.status]))).toEqual({
      'prakerja.redemption': 'delivered',
      'platform.completion': 'delivered',
      'prakerja.completion': 'delivered',
    });
    expect(w.sandbox.platforms.tokopedia.vouchers.get('TKPFLOW00001')!.state).toBe('completed');

    const cb = await w.callback('tokopedia', review('TKPFLOW00001'));
    expect(cb.status).toBe(200);
    e = await enrollment(id);
    expect(e.state).toBe('certified');
    expect(e.review).toMatchObject({ rating: 5 });

    await w.dispatcher.drain();
    e = await enrollment(id);
    expect(e.state).toBe('reported');
    expect(e.deliveries.find((d: { kind: string }) => d.kind === 'prakerja.certificate')).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(e.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['session_attended', 'completion_reported', 'review_submitted', 'certificate_reported']));
    expect(w.sandbox.prakerja.received.filter((r) => r.applied && r.path.endsWith('/gateway/certificate'))).toHaveLength(1);
  });

  it('the identical completion again changes nothing; a different one is a 409', async () => {
    const id = await redeemFresh('TKPFLOW00002');
    const body = passed('2');
    expect((await w.post(`/v1/enrollments/${id}/completion`, body)).status).toBe(200);
    const again = await w.post(`/v1/enrollments/${id}/completion`, body);
    expect(again.status).toBe(200);
    const rows = await w.deps.database.db.select({ n: count() }).from(outbox).where(eq(outbox.enrollmentId, id));
    const conflict = await w.post(`/v1/enrollments/${id}/completion`, { ...body, score: 40 });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'completion_conflict' });
    const rowsAfter = await w.deps.database.db.select({ n: count() }).from(outbox).where(eq(outbox.enrollmentId, id));
    expect(rowsAfter[0].n).toBe(rows[0].n);
  });

  it.each([
    ['a pass without certificate', { outcome: 'passed', score: 80, completedAt: new Date().toISOString() }, 422, 'certificate'],
    ['a fail with a certificate', { ...passed('x'), outcome: 'failed' }, 422, 'certificate'],
    ['a completion in the future', { ...passed('y'), completedAt: new Date(Date.now() + 86_400_000).toISOString() }, 422, 'completedAt'],
    ['a score above 100', { ...passed('z'), score: 101 }, 400, 'score'],
  ])('refuses %s (%i naming %s) and changes nothing', async (_, body, status, field) => {
    const id = await redeemFresh(`TKPBAD${String(++badCase).padStart(6, '0')}`);
    const res = await w.post(`/v1/enrollments/${id}/completion`, body);
    expect(res.status).toBe(status);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await enrollment(id)).state).toBe('redeemed');
  });

  it('Kemnaker: certified only once Sisnaker has accepted the grade', async () => {
    w.sandbox.platforms.kemnaker.addVoucher(simVoucher({ code: 'SK-2026-900001', buyerName: 'SITI RAHMAWATI' }));
    const res = await w.post('/v1/redemptions', { voucherCode: 'SK-2026-900001', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' } });
    const { id } = await res.json();
    await w.post(`/v1/enrollments/${id}/completion`, passed('k1'));
    await w.dispatcher.drain();
    expect((await w.callback('kemnaker', review('SK-2026-900001'))).status).toBe(200);
    let e = await enrollment(id);
    expect(e.state).toBe('reviewed');
    expect(e.certificateBlockers).toEqual(['Sisnaker has not accepted the grade yet']);
    expect((await w.callback('kemnaker', { kind: 'completion.accepted', voucherCode: 'SK-2026-900001', at: new Date() })).status).toBe(200);
    e = await enrollment(id);
    expect(e.state).toBe('certified');
    expect(e.sisnaker.acceptedAt).toBeTruthy();
  });
});

describe('delivery machinery', () => {
  it('a partner answering 500, 500, then 200 gets exactly one effective delivery', async () => {
    const id = await redeemFresh('TKPRETRY0001');
    let calls = 0;
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPRETRY0001/completion`, () => {
        calls++;
        return calls <= 2 ? new HttpResponse('boom', { status: 500 }) : undefined;
      }),
    );
    await w.post(`/v1/enrollments/${id}/completion`, passed('r'));
    await w.dispatcher.drain();
    const [row] = await w.deps.database.db.select().from(outbox).where(and(eq(outbox.enrollmentId, id), eq(outbox.kind, 'platform.completion')));
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(row.errors).toHaveLength(2);
    expect(row.errors[0]).toMatchObject({ attempt: 1, httpStatus: 500, retryable: true });
    expect(w.sandbox.platforms.tokopedia.received.filter((r) => r.applied && r.path.endsWith('TKPRETRY0001/completion'))).toHaveLength(1);
  });

  it('a partner answering 400 is not retried: dead letter with the reason', async () => {
    const id = await redeemFresh('TKPDEAD00001');
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPDEAD00001/completion`, () =>
        HttpResponse.json({ errors: [{ code: 'INVALID_REQUEST', message: 'score out of range' }] }, { status: 400 }),
      ),
    );
    await w.post(`/v1/enrollments/${id}/completion`, passed('d'));
    await w.dispatcher.drain();
    const e = await enrollment(id);
    const dead = e.deliveries.find((d: { kind: string }) => d.kind === 'platform.completion');
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead.lastError).toContain('score out of range');
  });

  it('a row whose payload no longer fits its kind is dead-lettered at once with the field, never sent half-formed', async () => {
    const id = await redeemFresh('TKPBADROW001');
    await w.post(`/v1/enrollments/${id}/completion`, passed('bad'));
    // As a row written by an older release (or by hand) might look: the completion time gone.
    await w.deps.database.db
      .update(outbox)
      .set({ payload: sql`${outbox.payload} - 'completedAt'` })
      .where(and(eq(outbox.enrollmentId, id), eq(outbox.kind, 'platform.completion')));
    await w.dispatcher.drain();
    const [row] = await w.deps.database.db.select().from(outbox).where(and(eq(outbox.enrollmentId, id), eq(outbox.kind, 'platform.completion')));
    expect(row).toMatchObject({ status: 'dead', attempts: 1 });
    expect(row.lastError).toContain('completedAt');
    expect(w.sandbox.platforms.tokopedia.received.filter((r) => r.path.endsWith('TKPBADROW001/completion'))).toHaveLength(0);
  });
});

describe('callbacks', () => {
  it('a forged signature is refused with a problem and changes nothing', async () => {
    const id = await redeemFresh('TKPCBFORGE01');
    await w.post(`/v1/enrollments/${id}/completion`, passed('f'));
    const signed = await w.sandbox.callbacks.tokopedia(review('TKPCBFORGE01'));
    const tampered = signed.body.replace('"rating":5', '"rating":1');
    const res = await w.app.request('/v1/callbacks/tokopedia', { method: 'POST', headers: signed.headers, body: tampered });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'callback_rejected', reason: 'bad_signature' });
    expect((await enrollment(id)).review).toBeNull();
  });

  it('a stale timestamp is refused', async () => {
    const res = await w.callback('tokopedia', review('TKPFLOW00002'), { at: new Date(Date.now() - 6 * 60_000) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ reason: 'stale_timestamp' });
  });

  it('a replayed event is acknowledged as a duplicate and applied once', async () => {
    const id = await redeemFresh('TKPCBDUP0001');
    await w.post(`/v1/enrollments/${id}/completion`, passed('dup'));
    const first = await w.callback('tokopedia', review('TKPCBDUP0001'), { eventId: 'evt-dup-1' });
    const second = await w.callback('tokopedia', review('TKPCBDUP0001'), { eventId: 'evt-dup-1' });
    expect(await first.json()).toMatchObject({ duplicate: false, outcome: 'applied' });
    expect(await second.json()).toMatchObject({ duplicate: true });
    const rows = await w.deps.database.db.select({ n: count() }).from(inboundEvents).where(eq(inboundEvents.eventId, 'evt-dup-1'));
    expect(rows[0].n).toBe(1);
    expect((await enrollment(id)).timeline.filter((t: { type: string }) => t.type === 'review_submitted')).toHaveLength(1);
  });

  it('a platform cannot touch another platform’s voucher', async () => {
    const id = await redeemFresh('SK-2026-900777', 'kemnaker');
    await w.post(`/v1/enrollments/${id}/completion`, passed('x7'));
    const res = await w.callback('tokopedia', review('SK-2026-900777'), { eventId: 'evt-cross-1' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'unknown_voucher' });
    expect((await enrollment(id)).review).toBeNull();
    const stored = await w.deps.database.db.select({ n: count() }).from(inboundEvents).where(eq(inboundEvents.eventId, 'evt-cross-1'));
    expect(stored[0].n).toBe(0);
  });

  it('an unknown event type is stored and acknowledged', async () => {
    const res = await w.callback('tokopedia', { kind: 'raw', platformType: 'shop.rebranded', payload: { shop: 'x' } }, { eventId: 'evt-unknown-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ outcome: 'stored_unknown_type' });
    const [row] = await w.deps.database.db.select().from(inboundEvents).where(eq(inboundEvents.eventId, 'evt-unknown-1'));
    expect(row).toMatchObject({ source: 'tokopedia', platformType: 'shop.rebranded', kind: 'unknown' });
  });

  it('a purchase callback teaches the gateway a voucher before redemption', async () => {
    const v = simVoucher({ code: 'TKPPURCH0001' });
    const res = await w.callback('tokopedia', { kind: 'purchase.made', voucher: v });
    expect(await res.json()).toMatchObject({ outcome: 'voucher_recorded' });
  });
});
