import { and, count, eq, inArray, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { enrollments, incentiveEvents, knownVouchers, outbox } from '../../src/db/schema.js';
import { applyFacts } from '../../src/services/enrollment-updates.js';
import { DB_TARGET } from '../support/db.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const db = () => w.deps.database.db;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The facts that make a Kemnaker enrollment's certificate and incentive, each as it reaches the
 * gateway: the provider's completion through the API, callbacks from Kemnaker (review, Sisnaker's
 * acceptance of the grade, a refund notice, a late purchase notice) and from prakerja.go.id.
 */
const FACTS = ['complete', 'review', 'sisnaker', 'prakerja', 'refund', 'purchase'] as const;
type Fact = (typeof FACTS)[number];
type Step = Fact | 'drain';

let runs = 0;

interface Subject {
  n: number;
  id: string;
  code: string;
  card: string;
  send: Record<Fact, () => Promise<Response>>;
}

/** A fresh Kemnaker voucher for a fresh participant, redeemed through the API; every fact prepared once, so a repeat is the same event. */
async function subject(): Promise<Subject> {
  const n = ++runs;
  const code = `SK-2026-${String(700_000 + n).padStart(6, '0')}`;
  const card = `5201777${String(n).padStart(9, '0')}`;
  w.sandbox.prakerja.addParticipant({ cardNumber: card, name: 'Siti Rahmawati', status: 'active' });
  const voucher = simVoucher({ code, cardNumber: card, buyerName: 'SITI RAHMAWATI' });
  w.sandbox.platforms.kemnaker.addVoucher({ ...voucher });
  const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: card, participant: { name: 'Siti Rahmawati', email: 's@x.id' } });
  expect(res.status).toBe(201);
  const id = (await res.json()).id as string;

  const at = new Date(Date.now() + 1000);
  const completion = { outcome: 'passed', score: 86, completedAt: at.toISOString(), certificate: { number: `CERT-ORD-${n}`, issuedAt: at.toISOString(), url: `https://lpk.example/c/${n}.pdf`, sha256: 'e'.repeat(64) } };
  const reviewedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  return {
    n,
    id,
    code,
    card,
    send: {
      complete: () => w.post(`/v1/enrollments/${id}/completion`, completion),
      review: () => w.callback('kemnaker', { kind: 'review.submitted', voucherCode: code, rating: 4, review: 'Materinya jelas', reviewedAt }, { eventId: `rv-${n}` }),
      sisnaker: () => w.callback('kemnaker', { kind: 'completion.accepted', voucherCode: code, at: reviewedAt }, { eventId: `sk-${n}` }),
      prakerja: () => w.callback('prakerja', { kind: 'completion.accepted', enrollmentId: id, voucherCode: code, at: reviewedAt }, { eventId: `pk-${n}` }),
      refund: () => w.callback('kemnaker', { kind: 'voucher.refunded', voucherCode: code, at: reviewedAt }, { eventId: `rf-${n}` }),
      purchase: () => w.callback('kemnaker', { kind: 'purchase.made', voucher: { ...voucher, purchasedAt: new Date(Math.floor(voucher.purchasedAt.getTime() / 1000) * 1000) } }, { eventId: `pm-${n}` }),
    },
  };
}

/** prakerja.go.id answers this enrollment's first completion report with a 503; the next ones reach the sandbox. */
function failFirstCompletionReport(s: Subject): { calls: number } {
  const seen = { calls: 0 };
  w.server.use(
    http.post(`${SANDBOX_BASE}/sandbox/prakerja/api/v1/integration/gateway/completion`, async ({ request }) => {
      const body = (await request.clone().json()) as { enrollment_id?: string };
      if (body.enrollment_id !== s.id || seen.calls++ > 0) return undefined;
      return new HttpResponse('upstream hiccup', { status: 503 });
    }),
  );
  return seen;
}

async function play(s: Subject, steps: readonly Step[]): Promise<void> {
  for (const step of steps) {
    if (step === 'drain') {
      await w.dispatcher.drain();
      continue;
    }
    const res = await s.send[step]();
    expect(res.status, `${step}: ${await res.clone().text()}`).toBe(200);
  }
}

/** Lets the outbox and prakerja.go.id's own follow-up callbacks (fire-and-forget in the sandbox) finish. */
async function settle(s: Subject): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await w.dispatcher.drain();
    const [pending] = await db().select({ n: count() }).from(outbox).where(and(eq(outbox.enrollmentId, s.id), eq(outbox.status, 'pending')));
    const [paid] = await db().select({ n: count() }).from(incentiveEvents).where(eq(incentiveEvents.cardNumber, s.card));
    if (pending.n === 0 && paid.n > 0) return;
    if (pending.n === 0 && round > 50) return; // nothing will come: the snapshot shows what is missing
    await sleep(5);
  }
}

/** Everything that must not depend on the order the facts arrived in, with the run's own names taken out. */
async function snapshot(s: Subject) {
  const e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
  const [known] = await db().select({ state: knownVouchers.state }).from(knownVouchers).where(and(eq(knownVouchers.platform, 'kemnaker'), eq(knownVouchers.code, s.code)));
  const [paid] = await db().select({ n: count() }).from(incentiveEvents).where(eq(incentiveEvents.cardNumber, s.card));
  const sim = w.sandbox.prakerja.reportsFor(s.id);
  const appliedAt = (path: string) => w.sandbox.prakerja.received.filter((r) => r.applied && r.path.endsWith(path) && (r.body as { enrollment_id?: string }).enrollment_id === s.id).length;
  return {
    state: e.state,
    completion: e.completion && { outcome: e.completion.outcome, score: e.completion.score, certificate: e.completion.certificate?.number.replace(`-${s.n}`, '') },
    review: e.review && { rating: e.review.rating, review: e.review.review },
    sisnakerAccepted: !!e.sisnaker?.acceptedAt,
    sisnakerRejection: e.sisnaker?.rejection,
    prakerja: { reported: !!e.prakerja.certificateReportedAt, accepted: !!e.prakerja.acceptedAt, rejection: e.prakerja.rejection },
    certificateBlockers: e.certificateBlockers,
    deliveries: e.deliveries.map((d: { kind: string; destination: string; status: string }) => `${d.destination} ${d.kind} ${d.status}`).sort(),
    facts: e.timeline.filter((t: { type: string }) => t.type !== 'state_changed').map((t: { type: string }) => t.type).sort(),
    knownVoucher: known?.state ?? null,
    incentiveEvents: paid.n,
    atPrakerja: { redemption: !!sim.redemption, completion: !!sim.completion, certificate: !!sim.certificate, certificatesApplied: appliedAt('/gateway/certificate'), completionsApplied: appliedAt('/gateway/completion') },
    atKemnaker: { gradesApplied: w.sandbox.platforms.kemnaker.received.filter((r) => r.applied && r.path.endsWith('/prakerja/grade') && (r.body as { voucherCode?: string }).voucherCode === s.code).length },
  };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** The natural order: completion, its delivery, review, Sisnaker's acceptance, delivery, prakerja's acceptance, then the notices. */
const ORDERED: readonly Step[] = ['purchase', 'complete', 'drain', 'review', 'sisnaker', 'drain', 'prakerja', 'refund'];
const references = new Map<string, Snapshot>();

async function reference(withRefund: boolean, withPurchase: boolean): Promise<Snapshot> {
  const k = `${withRefund}:${withPurchase}`;
  if (!references.has(k)) {
    const s = await subject();
    await play(s, ORDERED.filter((f) => (f !== 'refund' || withRefund) && (f !== 'purchase' || withPurchase)));
    await settle(s);
    references.set(k, await snapshot(s));
  }
  return references.get(k)!;
}

const scenario = fc.record({
  // prakerja.go.id answers the first completion report with a 503 (it is retried): deliveries race.
  hiccup: fc.boolean(),
  refund: fc.boolean(),
  purchase: fc.boolean(),
  order: fc.shuffledSubarray([...FACTS], { minLength: FACTS.length, maxLength: FACTS.length }),
  // Repeats (the same event id again, the same completion again) and dispatcher runs, anywhere.
  extra: fc.array(fc.tuple(fc.constantFrom<Step>(...FACTS, 'drain', 'drain'), fc.nat()), { maxLength: 8 }),
});

function sequence(sc: { hiccup: boolean; refund: boolean; purchase: boolean; order: Fact[]; extra: [Step, number][] }): Step[] {
  const included = (f: Step) => (f !== 'refund' || sc.refund) && (f !== 'purchase' || sc.purchase);
  const steps: Step[] = sc.order.filter(included);
  for (const [step, at] of sc.extra) if (included(step)) steps.splice(at % (steps.length + 1), 0, step);
  return steps;
}

describe('callbacks in any order, duplicated, end in the same state', () => {
  it('the ordered walk ends reported, accepted, with every fact delivered once', async () => {
    const ref = await reference(true, true);
    expect(ref).toMatchObject({
      state: 'reported',
      review: { rating: 4, review: 'Materinya jelas' },
      sisnakerAccepted: true,
      prakerja: { reported: true, accepted: true, rejection: null },
      certificateBlockers: [],
      knownVoucher: 'refunded',
      incentiveEvents: 1,
      atPrakerja: { redemption: true, completion: true, certificate: true, certificatesApplied: 1, completionsApplied: 1 },
      atKemnaker: { gradesApplied: 1 },
    });
    expect(ref.deliveries).toEqual(['kemnaker platform.completion delivered', 'prakerja prakerja.certificate delivered', 'prakerja prakerja.completion delivered', 'prakerja prakerja.redemption delivered']);
  });

  it('property: shuffled and duplicated sequences end like the ordered one', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const expected = await reference(sc.refund, sc.purchase);
        const s = await subject();
        if (sc.hiccup) failFirstCompletionReport(s);
        await play(s, sequence(sc));
        await settle(s);
        expect(await snapshot(s)).toEqual(expected);
      }),
      { numRuns: 20, endOnFailure: true },
    );
  }, 120_000);

  it('a late purchase, refund or expiry after `reviewed` never moves the enrollment back', async () => {
    const s = await subject();
    await play(s, ['complete', 'drain', 'review']);
    let e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
    expect(e.state).toBe('reviewed');
    expect(e.certificateBlockers).toEqual(['Sisnaker has not accepted the grade yet']);

    await play(s, ['purchase', 'refund']);
    const expiry = await w.callback('kemnaker', { kind: 'voucher.expired', voucherCode: s.code, at: new Date() }, { eventId: `ex-${s.n}` });
    expect(expiry.status).toBe(200);
    e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
    expect(e.state).toBe('reviewed');
    expect(e.review).toMatchObject({ rating: 4 });
    expect(e.completion).toMatchObject({ outcome: 'passed' });
    expect(e.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['voucher_refunded', 'voucher_expired']));
    expect(e.timeline.filter((t: { type: string; to: string | null }) => t.type === 'state_changed' && t.to !== null).map((t: { to: string }) => t.to)).toEqual(['completed', 'reviewed']);

    // The flow goes on from where it was.
    await play(s, ['sisnaker']);
    await settle(s);
    e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
    expect(e.state).toBe('reported');

    // And after `reported`, late notices change nothing either.
    const again = [
      await w.callback('kemnaker', { kind: 'voucher.refunded', voucherCode: s.code, at: new Date() }, { eventId: `rf2-${s.n}` }),
      await w.callback('kemnaker', { kind: 'purchase.made', voucher: simVoucher({ code: s.code, cardNumber: s.card }) }, { eventId: `pm2-${s.n}` }),
    ];
    for (const r of again) expect(r.status).toBe(200);
    const [row] = await db().select({ state: enrollments.state, reviewedAt: enrollments.reviewedAt }).from(enrollments).where(eq(enrollments.id, s.id));
    expect(row.state).toBe('reported');
    expect(row.reviewedAt).not.toBeNull();
    const pending = await db().select().from(outbox).where(and(inArray(outbox.enrollmentId, [s.id]), eq(outbox.status, 'pending')));
    expect(pending).toHaveLength(0);
  });

  it('the certificate never overtakes the completion it certifies: a completion report that fails once does not dead-letter the certificate', async () => {
    const s = await subject();
    // Everything the certificate needs arrives first, so completion and certificate are due together.
    await play(s, ['review', 'sisnaker']);
    const hiccup = failFirstCompletionReport(s);
    await play(s, ['complete']);
    await settle(s);
    expect(hiccup.calls).toBeGreaterThan(1);
    const e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
    expect(e.deliveries.map((d: { kind: string; status: string }) => `${d.kind} ${d.status}`).sort()).toEqual([
      'platform.completion delivered',
      'prakerja.certificate delivered',
      'prakerja.completion delivered',
      'prakerja.redemption delivered',
    ]);
    expect(e.state).toBe('reported');
    expect(w.sandbox.prakerja.reportsFor(s.id).certificate).toBeDefined();
  });

  // PGlite has a single connection, so two transactions never interleave there; PostgreSQL's row locks are what is tested.
  it.runIf(DB_TARGET === 'postgres')('a callback landing while the dispatcher records the certificate report does not deadlock with it', async () => {
    const s = await subject();
    await play(s, ['complete', 'drain', 'review', 'sisnaker']);
    const waiting = async () => {
      const [r] = (await db().execute(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)) as unknown as { n: number }[];
      return r.n;
    };
    let drained: Promise<void> | undefined;
    // What a callback does (applyFacts: the enrollment's lock, then its due outbox rows), held open
    // while the dispatcher delivers the certificate and records it, and prakerja.go.id calls back.
    await db().transaction(async (tx) => {
      await tx.select({ id: enrollments.id }).from(enrollments).where(eq(enrollments.id, s.id)).for('update');
      drained = w.dispatcher.drain();
      for (let i = 0; i < 500 && (await waiting()) < 2; i++) await sleep(10);
      await applyFacts(tx, s.id, { prakerjaAcceptedAt: new Date() }, { type: 'prakerja_accepted', source: 'prakerja' });
    });
    await drained;
    await settle(s);
    const e = await (await w.get(`/v1/enrollments/${s.id}`)).json();
    expect(e.state).toBe('reported');
    expect(e.deliveries.find((d: { kind: string }) => d.kind === 'prakerja.certificate')).toMatchObject({ status: 'delivered' });
    expect(e.timeline.filter((t: { type: string }) => t.type === 'certificate_reported')).toHaveLength(1);
  });
});
