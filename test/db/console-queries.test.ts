/**
 * The queries the operators' console adds over the ops services, on PGlite and PostgreSQL: the
 * participant timeline (found by card or by enrollment, card masked, deliveries without payload),
 * held names (refused stays held, accepted leaves), discrepancies of one provider, and the
 * per-hour delivery history of the platforms page.
 */
import { eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.js';
import { DESTINATIONS } from '../../src/outbox/handlers.js';
import { acceptName } from '../../src/services/ops/accept-name.js';
import { listHeldNames } from '../../src/services/ops/held-names.js';
import { refuseName } from '../../src/services/ops/name-decisions.js';
import { participantTimeline } from '../../src/services/ops/participant-timeline.js';
import { platformHistory } from '../../src/services/ops/platform-history.js';
import { listDiscrepancies } from '../../src/services/recon/discrepancies.js';
import { startAuditedRun } from '../../src/services/recon/start-run.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const SITI = '5201123456780001';
const HELD = '5201999900000002';
let siti: { id: string };
let held: { id: string };
let otherHeld: { id: string };
const OTHER = '5201999900000003';

async function post(path: string, body: unknown, providerId?: string) {
  const res = await w.post(path, body, { providerId });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

beforeAll(async () => {
  const at = () => new Date(Date.now() + 1000).toISOString();
  siti = await post('/v1/redemptions', { voucherCode: 'TKPA1B2C3D4E', cardNumber: SITI, participant: { name: 'Siti Rahmawati', email: 's@example.id' } });
  await post(`/v1/enrollments/${siti.id}/completion`, { outcome: 'passed', score: 80, completedAt: at(), certificate: { number: 'CERT-Q-1', issuedAt: at(), url: 'https://lpk.example/c.pdf', sha256: 'c'.repeat(64) } });
  w.sandbox.prakerja.addParticipant({ cardNumber: HELD, name: 'Putri Ayu Lestari', status: 'active' });
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPQUERY0001', cardNumber: HELD, buyerName: 'Putri Ayu' }));
  held = await post('/v1/redemptions', { voucherCode: 'TKPQUERY0001', cardNumber: HELD, participant: { name: 'Putri Ayu Lestari', email: 'p@example.id' }, platform: 'tokopedia' });
  // Another provider's participant, held too.
  w.sandbox.prakerja.addParticipant({ cardNumber: OTHER, name: 'Dewi Kartika Sari', status: 'active' });
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPQUERY0002', cardNumber: OTHER, buyerName: 'Dewi K', providerId: 'prv-bahasa-nusantara', courseId: 'CRS-ENG-01', courseTitle: 'Bahasa Inggris untuk Pelayanan Hotel' }));
  otherHeld = await post('/v1/redemptions', { voucherCode: 'TKPQUERY0002', cardNumber: OTHER, participant: { name: 'Dewi Kartika Sari', email: 'd@example.id' }, platform: 'tokopedia' }, 'prv-bahasa-nusantara');
  // Tokopedia answers 503 once for Siti's completion: a failed attempt, retried later.
  w.server.use(http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPA1B2C3D4E/completion`, () => new HttpResponse('busy', { status: 503 }), { once: true }));
  await w.dispatcher.drain();
});

describe('participant timeline', () => {
  it('is the same found by card or by enrollment; the card number is masked; deliveries carry attempts, not payloads', async () => {
    const byCard = await participantTimeline(w.deps, { cardNumber: SITI });
    const byEnrollment = await participantTimeline(w.deps, { enrollmentId: siti.id });
    expect(byEnrollment).toEqual(byCard);
    expect(byCard.cardNumber).toBe('5201********0001');
    expect(JSON.stringify(byCard)).not.toContain(SITI);
    const [e] = byCard.enrollments;
    expect(e).toMatchObject({ id: siti.id, platform: 'tokopedia', outcome: 'passed', firstTraining: true, name: { decision: 'match', held: false } });
    expect(e.blockers).toContain('the participant has not rated and reviewed the training yet');
    expect(e.deliveries.map((d) => d.kind).sort()).toEqual(['platform.completion', 'prakerja.completion', 'prakerja.redemption']);
    for (const d of e.deliveries) expect(Object.keys(d)).not.toContain('payload');
  });

  it('an unknown enrollment is a 404', async () => {
    await expect(participantTimeline(w.deps, { enrollmentId: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('discrepancies of one provider', () => {
  it('keeps only findings about that provider’s enrollments', async () => {
    const run = await startAuditedRun(w.deps, { from: new Date(Date.now() - 7 * 86_400_000), to: new Date(Date.now() + 60_000), reason: 'console query test' }, 'rina');
    expect(run.status).toBe('succeeded');
    const mine = await listDiscrepancies(w.deps, { runId: run.id, providerId: 'prv-komputer-jaya' }, { limit: 500 });
    const other = await listDiscrepancies(w.deps, { runId: run.id, providerId: 'prv-bahasa-nusantara' }, { limit: 500 });
    expect(mine.items.map((d) => d.enrollmentId)).toContain(held.id);
    expect(mine.items.map((d) => d.enrollmentId)).not.toContain(otherHeld.id);
    expect(other.items.map((d) => d.enrollmentId)).toContain(otherHeld.id);
    expect(other.items.map((d) => d.enrollmentId)).not.toContain(held.id);
    expect(await listDiscrepancies(w.deps, { runId: run.id, providerId: 'prv-nobody' }, { limit: 500 })).toEqual({ items: [], nextCursor: null });
    // By age: nothing of this run is a day old; everything is older than a minute from now.
    expect((await listDiscrepancies(w.deps, { runId: run.id, createdBefore: new Date(Date.now() - 86_400_000) }, { limit: 500 })).items).toEqual([]);
    const all = await listDiscrepancies(w.deps, { runId: run.id }, { limit: 500 });
    expect((await listDiscrepancies(w.deps, { runId: run.id, createdBefore: new Date(Date.now() + 60_000) }, { limit: 500 })).items).toEqual(all.items);
  });
});

describe('held names', () => {
  it('lists the held enrollment with its three names; a refusal keeps it there, an acceptance takes it off', async () => {
    const first = await listHeldNames(w.deps, { limit: 10 });
    const item = first.items.find((i) => i.enrollmentId === held.id)!;
    expect(item).toMatchObject({ names: { provider: 'Putri Ayu Lestari', platform: 'Putri Ayu', prakerja: 'Putri Ayu Lestari' }, decision: 'review', refused: null });
    expect(item.explanation.length).toBeGreaterThan(0);
    expect(first.items.some((i) => i.enrollmentId === siti.id)).toBe(false);

    await refuseName(w.deps, held.id, 'rina', 'Not the same person: different KTP.');
    const refused = (await listHeldNames(w.deps, { limit: 10 })).items.find((i) => i.enrollmentId === held.id)!;
    expect(refused.refused).toMatchObject({ by: 'rina', reason: 'Not the same person: different KTP.' });

    await acceptName(w.deps, held.id, 'budi', 'Checked again by phone: same person.');
    expect((await listHeldNames(w.deps, { limit: 10 })).items.some((i) => i.enrollmentId === held.id)).toBe(false);
  });

  it('pages by offset', async () => {
    const page = await listHeldNames(w.deps, { limit: 1, offset: 1_000 });
    expect(page).toEqual({ items: [], nextOffset: null });
  });
});

describe('platform history', () => {
  it('24 hourly buckets per destination, the current hour counting deliveries and failed attempts, and a median time to deliver', async () => {
    const history = await platformHistory(w.deps, DESTINATIONS);
    expect(history.map((h) => h.destination)).toEqual(expect.arrayContaining([...DESTINATIONS]));
    for (const h of history) {
      expect(h.hours).toHaveLength(24);
      const starts = h.hours.map((b) => Date.parse(b.hour));
      expect(starts.every((s, i) => i === 0 || s - starts[i - 1] === 3_600_000)).toBe(true);
    }
    const rows = await w.deps.database.db.select().from(outbox).where(eq(outbox.destination, 'tokopedia'));
    const tokopedia = history.find((h) => h.destination === 'tokopedia')!;
    const now = tokopedia.hours.at(-1)!;
    expect(now.delivered).toBe(rows.filter((r) => r.status === 'delivered').length);
    expect(now.failed).toBe(rows.reduce((n, r) => n + r.errors.length, 0));
    expect(now.failed).toBeGreaterThanOrEqual(1);
    expect(tokopedia.hours.slice(0, -1).every((b) => b.delivered === 0 && b.failed === 0)).toBe(true);
    const prakerja = history.find((h) => h.destination === 'prakerja')!;
    expect(prakerja.medianDeliveryMs).not.toBeNull();
    expect(prakerja.medianDeliveryMs!).toBeGreaterThanOrEqual(0);
    expect(history.find((h) => h.destination === 'kariermu')).toMatchObject({ medianDeliveryMs: null });
  });
});
