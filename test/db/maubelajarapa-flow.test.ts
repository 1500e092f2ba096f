import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { incentiveEvents } from '../../src/db/schema.js';
import { useWorld } from '../support/world.js';

/**
 * MauBelajarApa end to end: a scheduled workshop. The order is paid on the platform (its
 * callback), the provider checks the participant in at the session (the redemption), reports
 * attendance and the result with the certificate; the review on the platform unlocks the
 * certificate report to prakerja.go.id, which schedules the incentive.
 */
const w = useWorld();
const DAY = 86_400_000;

async function emit(body: Record<string, unknown>) {
  const res = await w.sandbox.app.request('/sandbox/maubelajarapa/_sandbox/emit', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { gatewayStatus: number };
}

/** An order typed by hand on the order page; valid 30 days after its session, which is `sessionInDays` from now. */
const order = (code: string, cardNumber: string, typedName: string, sessionInDays = 0) =>
  emit({
    kind: 'purchase.made',
    voucher: { code, cardNumber, buyerName: typedName, buyerEmail: 'buyer@example.id', courseId: 'CRS-DIGMKT-02', courseTitle: 'Digital Marketing untuk UMKM', providerId: 'prv-komputer-jaya', expiresAt: new Date(Date.now() + (30 + sessionInDays) * DAY).toISOString() },
  });

const checkIn = (voucherCode: string, cardNumber: string, name: string) => w.post('/v1/redemptions', { platform: 'maubelajarapa', voucherCode, cardNumber, participant: { name, email: 'p@example.id' } });

async function incentiveScheduled(card: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const [r] = await w.deps.database.db.select({ n: count() }).from(incentiveEvents).where(and(eq(incentiveEvents.cardNumber, card), eq(incentiveEvents.status, 'scheduled')));
    if (r.n > 0) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('MauBelajarApa: a scheduled workshop', () => {
  it('order paid → check-in at the session → attendance → result → review → certificate reported → incentive scheduled', async () => {
    const card = '5201123456780002'; // Muhammad Rizky Pratama at prakerja.go.id
    expect((await order('MBA-10000001', card, 'Muhammad Rizky Pratama')).gatewayStatus).toBe(200);
    const res = await checkIn('MBA-10000001', card, 'Muhammad Rizky Pratama');
    expect(res.status, await res.clone().text()).toBe(201);
    const id = (await res.json()).id as string;
    expect((await (await w.get(`/v1/enrollments/${id}`)).json()).deliveryShape).toBe('provider_delivered');

    expect((await w.post(`/v1/enrollments/${id}/progress`, { sequence: 1, attendedAt: new Date().toISOString() })).status).toBe(200);
    const at = new Date(Date.now() + 1000).toISOString();
    const done = await w.post(`/v1/enrollments/${id}/completion`, { outcome: 'passed', score: 90, completedAt: at, certificate: { number: 'LPK-MBA-1', issuedAt: at, url: 'https://lpk.example/cert/mba-1.pdf', sha256: 'd'.repeat(64) } });
    expect(done.status, await done.clone().text()).toBe(200);
    await w.dispatcher.drain();
    expect(w.sandbox.simulators.maubelajarapa.state.vouchers.get('MBA-10000001')).toMatchObject({ state: 'completed', completion: { certificateNumber: 'LPK-MBA-1' } });

    await emit({ kind: 'review.submitted', voucherCode: 'MBA-10000001', rating: 4, review: 'Workshopnya seru', reviewedAt: new Date().toISOString() });
    await w.dispatcher.drain();
    const e = await (await w.get(`/v1/enrollments/${id}`)).json();
    expect(e.state).toBe('reported');
    expect(await incentiveScheduled(card)).toBe(true);
  });

  it('check-in is refused outside the session’s window, and nothing is consumed', async () => {
    await order('MBA-10000002', '3173012345670003', 'Ni Made Ayu Lestari', 3);
    const res = await checkIn('MBA-10000002', '3173012345670003', 'Ni Made Ayu Lestari');
    expect(res.status).toBe(422);
    expect(w.sandbox.simulators.maubelajarapa.state.vouchers.get('MBA-10000002')!.state).toBe('purchased');
  });

  it('a name typed by hand that only nearly matches is held for review', async () => {
    await order('MBA-10000003', '3578098765430004', 'Bambank Wiyaya'); // typed by hand, twice wrong
    const res = await checkIn('MBA-10000003', '3578098765430004', 'Bambang Wijaya');
    expect(res.status, await res.clone().text()).toBe(201);
    const e = await res.json();
    expect(e.nameCheck.decision).toBe('review');
    expect(e.certificateBlockers).toContain('the participant’s name is held for review');
  });

  it('an order refunded before the session cannot be checked in', async () => {
    await order('MBA-10000004', '3273011122330005', 'Dewi Sartika Putri');
    await emit({ kind: 'voucher.refunded', voucherCode: 'MBA-10000004', at: new Date().toISOString() });
    const res = await checkIn('MBA-10000004', '3273011122330005', 'Dewi Sartika Putri');
    expect(res.status).toBe(422);
    expect((await res.json()).code).toBe('voucher_refunded');
  });
});
