import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enrollments, inboundEvents, incentiveEvents, providerEvents } from '../../src/db/schema.js';
import { platformDefinition } from '../../adapters/registry.js';
import type { PlatformId } from '../../src/domain/types.js';
import type { World } from './world.js';

const DAY = 86_400_000;

/**
 * A platform-delivered training end to end, for any platform of that shape. Nobody redeems
 * anything; the platform's callbacks start the enrollment and report progress, the provider
 * confirms completion with the certificate, the participant reviews on the platform, and the
 * certificate reaches prakerja.go.id, which schedules the incentive.
 */
export function describePlatformDeliveredFlow(w: World, pid: PlatformId, progress: [number, number], opts: { buyerIsPrakerjaAccount?: boolean } = {}): void {
const d = platformDefinition(pid)!;
const sample = (n: number) => d.sampleCode(800_000 + n);

/** The platform's sandbox-only door: applies a step at the simulator and delivers its signed callback to the gateway. */
async function platform(body: Record<string, unknown>) {
  const res = await w.sandbox.app.request(`/sandbox/${pid}/_sandbox/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { eventId: string; gatewayStatus: number };
}

const purchase = (code: string, cardNumber: string, buyerName: string) =>
  platform({
    kind: 'purchase.made',
    voucher: { code, cardNumber, buyerName, buyerEmail: 'buyer@example.id', courseId: 'CRS-DIGMKT-02', courseTitle: 'Digital Marketing untuk UMKM', providerId: 'prv-komputer-jaya', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() },
  });

async function enrollmentIdOf(code: string): Promise<string | undefined> {
  const [row] = await w.deps.database.db.select({ id: enrollments.id }).from(enrollments).where(and(eq(enrollments.platform, pid), eq(enrollments.voucherCode, code)));
  return row?.id;
}
const view = async (id: string) => (await w.get(`/v1/enrollments/${id}`)).json();

async function incentiveRecorded(card: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const [r] = await w.deps.database.db.select({ n: count() }).from(incentiveEvents).where(and(eq(incentiveEvents.cardNumber, card), eq(incentiveEvents.status, 'scheduled')));
    if (r.n > 0) return r.n;
    await new Promise((r) => setTimeout(r, 20));
  }
  return 0;
}

describe(`${d.displayName}: platform-delivered training`, () => {
  it('purchase → started → progress → completed on the platform → provider confirms → review → certificate reported → incentive scheduled', async () => {
    const code = sample(1);
    const card = '3173012345670003'; // Ni Made Ayu Lestari at prakerja.go.id
    expect((await purchase(code, card, 'Ni Made Ayu Lestari')).gatewayStatus).toBe(200);
    expect(await enrollmentIdOf(code), 'a purchase alone starts nothing').toBeUndefined();

    expect((await platform({ kind: 'learning.started', voucherCode: code })).gatewayStatus).toBe(200);
    const id = (await enrollmentIdOf(code))!;
    let e = await view(id);
    expect(e).toMatchObject({ state: 'redeemed', platform: pid, deliveryShape: 'platform_delivered', voucherCode: code, nameCheck: { decision: 'match' } });
    expect(e.timeline.map((t: { type: string }) => t.type)).toEqual(['voucher_purchased', 'name_checked', 'learning_started']);
    // The provider is told of the new enrollment (its webhooks / event feed), having redeemed nothing.
    const told = await w.deps.database.db.select({ type: providerEvents.type }).from(providerEvents).where(eq(providerEvents.enrollmentId, id));
    expect(told.map((t) => t.type)).toContain('enrollment.started');

    for (const done of progress) await platform({ kind: 'learning.progress', voucherCode: code, done });
    await platform({ kind: 'learning.completed', voucherCode: code });
    e = await view(id);
    expect(e.state).toBe('in_progress');
    expect(e.timeline.filter((t: { type: string }) => t.type === 'learning_progress')).toHaveLength(2);

    const at = new Date(Date.now() + 1000).toISOString();
    const done = await w.post(`/v1/enrollments/${id}/completion`, { outcome: 'passed', score: 86, completedAt: at, certificate: { number: `LPK-${pid}-1`, issuedAt: at, url: 'https://lpk.example/cert/pjr-1.pdf', sha256: 'b'.repeat(64) } });
    expect(done.status, await done.clone().text()).toBe(200);
    await w.dispatcher.drain();
    e = await view(id);
    expect(Object.fromEntries(e.deliveries.map((d: { kind: string; status: string }) => [d.kind, d.status]))).toEqual({
      'prakerja.redemption': 'delivered',
      'platform.completion': 'delivered',
      'prakerja.completion': 'delivered',
    });
    // The provider's confirmation and certificate reached the platform.
    expect(w.sandbox.simulators[pid].state.vouchers.get(code)).toMatchObject({ state: 'completed', completion: { outcome: 'passed', certificateNumber: `LPK-${pid}-1` } });

    await platform({ kind: 'review.submitted', voucherCode: code, rating: 5, review: 'Modulnya lengkap', reviewedAt: new Date().toISOString() });
    expect((await view(id)).state).toBe('certified');
    await w.dispatcher.drain();
    e = await view(id);
    expect(e.state).toBe('reported');
    expect(e.deliveries.find((d: { kind: string }) => d.kind === 'prakerja.certificate')).toMatchObject({ status: 'delivered' });
    expect(await incentiveRecorded(card)).toBeGreaterThan(0);
  });

  // A platform whose buyers log in with their Kartu Prakerja account (Pintaria) cannot hold another name.
  it.skipIf(opts.buyerIsPrakerjaAccount)('a name on the platform account that does not match prakerja.go.id is started but held for review', async () => {
    const code = sample(2);
    await purchase(code, '3578098765430004', 'Budi Hartono'); // the card is Bambang Wijaya's
    await platform({ kind: 'learning.started', voucherCode: code });
    const id = (await enrollmentIdOf(code))!;
    const e = await view(id);
    expect(e.nameCheck.decision).not.toBe('match');
    expect(e.certificateBlockers).toContain('the participant’s name is held for review');
    expect(e.timeline.map((t: { type: string }) => t.type)).toContain('name_review_required');

    const at = new Date(Date.now() + 1000).toISOString();
    await w.post(`/v1/enrollments/${id}/completion`, { outcome: 'passed', score: 80, completedAt: at, certificate: { number: `LPK-${pid}-2`, issuedAt: at, url: 'https://lpk.example/cert/pjr-2.pdf', sha256: 'c'.repeat(64) } });
    await w.dispatcher.drain();
    const kinds = (await view(id)).deliveries.map((d: { kind: string }) => d.kind);
    // Held: prakerja.go.id hears of the start, not of the completion.
    expect(kinds).toContain('prakerja.redemption');
    expect(kinds).not.toContain('prakerja.completion');
  });

  it('a purchase refunded before the participant started never becomes an enrollment', async () => {
    const code = sample(3);
    await purchase(code, '5201123456780002', 'Muhammad Rizky Pratama');
    expect((await platform({ kind: 'voucher.refunded', voucherCode: code, at: new Date().toISOString() })).gatewayStatus).toBe(200);
    // A platform that missed its own refund starts the training anyway: the gateway knows better.
    w.sandbox.simulators[pid].state.vouchers.get(code)!.state = 'purchased';
    const late = await w.sandbox.app.request(`/sandbox/${pid}/_sandbox/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'learning.started', voucherCode: code }) });
    expect(late.status).toBe(200);
    const answer = (await late.json()) as { eventId: string; gatewayStatus: number };
    expect(answer.gatewayStatus).toBe(200);
    expect(await enrollmentIdOf(code)).toBeUndefined();
    // Stored for operators with what became of it.
    const [stored] = await w.deps.database.db.select({ outcome: inboundEvents.outcome }).from(inboundEvents).where(and(eq(inboundEvents.source, pid), eq(inboundEvents.eventId, answer.eventId)));
    expect(stored.outcome).toBe('not_started_refunded');
  });
});
}
