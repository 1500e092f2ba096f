import { count, eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { incentiveEvents } from '../../src/db/schema.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Line = { incentive: string; sequence: number; amount: number; status: string; at?: string; why: string };
type Statement = {
  cardNumber: string;
  programYear: number;
  enrollments: Array<{ id: string; voucherCode: string; state: string; firstTraining: boolean; blockers: string[] }>;
  incentive: { programYear: number; rule: Record<string, unknown> | null; firstTrainingEnrollmentId: string | null; lines: Line[]; totals: { expected: number; paid: number; pending: number }; nextAction: string };
};

const opsGet = async (path: string) => w.app.request(path, { headers: { authorization: `Bearer ${await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' })}` } });
const statementOf = async (card: string, year?: number) => {
  const res = await opsGet(`/v1/ops/participants/${card}/incentive${year ? `?programYear=${year}` : ''}`);
  expect(res.status).toBe(200);
  return { json: (await res.clone().json()) as Statement, text: await res.text() };
};
const lines = (s: Statement) => s.incentive.lines.map((l) => `${l.incentive} ${l.sequence} ${l.amount} ${l.status}`);

const soon = () => new Date(Date.now() + 1000).toISOString();
const passed = (n: string) => ({ outcome: 'passed', score: 90, completedAt: soon(), certificate: { number: `CERT-INC-${n}`, issuedAt: soon(), url: `https://lpk.example/c/${n}.pdf`, sha256: 'f'.repeat(64) } });

/** A participant registered at prakerja.go.id with a Tokopedia voucher of their own, redeemed through the API. */
async function redeem(card: string, name: string, code: string, programYear?: number): Promise<string> {
  w.sandbox.prakerja.addParticipant({ cardNumber: card, name, status: 'active', ...(programYear ? { programYear } : {}) });
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code, cardNumber: card, buyerName: name }));
  const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: card, participant: { name, email: 'p@example.id' }, platform: 'tokopedia' });
  expect(res.status).toBe(201);
  return (await res.json()).id;
}

async function complete(id: string, n: string) {
  const res = await w.post(`/v1/enrollments/${id}/completion`, passed(n));
  expect(res.status).toBe(200);
}

/** prakerja.go.id's follow-up callbacks after a certificate are fire-and-forget: wait for the incentive fact to land. */
async function incentiveRecorded(card: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const [r] = await w.deps.database.db.select({ n: count() }).from(incentiveEvents).where(eq(incentiveEvents.cardNumber, card));
    if (r.n > 0) return;
    await sleep(5);
  }
  throw new Error(`no incentive event for ${card}`);
}

describe('GET /v1/ops/participants/{card}/incentive', () => {
  const RINA = '3173000000000101';

  it('a participant walked to `reported`: the training incentive scheduled by prakerja.go.id, totals and next action', async () => {
    const first = await redeem(RINA, 'Rina Wulandari', 'TKPINCRINA01', 2021);
    await complete(first, 'rina');
    await w.dispatcher.drain();
    expect((await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPINCRINA01', rating: 5, review: 'Bagus', reviewedAt: new Date() })).status).toBe(200);
    await w.dispatcher.drain();
    await incentiveRecorded(RINA);
    const e = await (await w.get(`/v1/enrollments/${first}`)).json();
    expect(e.state).toBe('reported');
    expect(e.prakerja.acceptedAt).toBeTruthy(); // prakerja.go.id's completion.accepted came back too

    // A second training, redeemed later and not finished, is not the incentive's training.
    const second = await redeem(RINA, 'Rina Wulandari', 'TKPINCRINA02');

    const { json: s, text } = await statementOf(RINA, 2021);
    expect(s.cardNumber).toBe('3173********0101');
    expect(text).not.toContain(RINA);
    expect(s.programYear).toBe(2021);
    expect(s.incentive.firstTrainingEnrollmentId).toBe(first);
    expect(s.enrollments.map((x) => [x.id, x.state, x.firstTraining, x.blockers])).toEqual([
      [first, 'reported', true, []],
      [second, 'redeemed', false, ['the provider has not reported completion']],
    ]);
    expect(lines(s)).toEqual([
      'training 1 600000 scheduled',
      'training 2 600000 not_yet_due',
      'training 3 600000 not_yet_due',
      'training 4 600000 not_yet_due',
      'survey 1 50000 not_yet_due',
      'survey 2 50000 not_yet_due',
      'survey 3 50000 not_yet_due',
    ]);
    expect(s.incentive.lines[0].why).toMatch(/^training incentive 1\/4 scheduled on \d{4}-\d{2}-\d{2}$/);
    expect(s.incentive.totals).toEqual({ expected: 4 * 600_000 + 3 * 50_000, paid: 0, pending: 2_550_000 });
    expect(s.incentive.nextAction).toBe('Nothing blocks it on the gateway side; remaining payments follow prakerja.go.id’s schedule.');

    // The 2023–2024 scheme for the same facts: one payment of Rp600,000 and two surveys.
    const { json: s24 } = await statementOf(RINA, 2024);
    expect(lines(s24)).toEqual(['training 1 600000 scheduled', 'survey 1 50000 not_yet_due', 'survey 2 50000 not_yet_due']);
    expect(s24.incentive.totals).toEqual({ expected: 700_000, paid: 0, pending: 700_000 });

    // By default, the year of the first redemption.
    const { json: byDefault } = await statementOf(RINA);
    expect(byDefault.programYear).toBe(new Date().getUTCFullYear());

    // prakerja.go.id then disburses it.
    const paid = await w.callback('prakerja', { kind: 'incentive.disbursed', cardNumber: RINA, incentive: 'training', sequence: 1, amount: 600_000, at: new Date(Date.now() + 60_000) });
    expect(paid.status).toBe(200);
    const { json: after } = await statementOf(RINA, 2024);
    expect(lines(after)[0]).toBe('training 1 600000 paid');
    expect(after.incentive.totals).toEqual({ expected: 700_000, paid: 600_000, pending: 100_000 });
  });

  it('a held name: the blocker says which words differ and which rule sent it to review', async () => {
    const card = '3173000000000109';
    w.sandbox.prakerja.addParticipant({ cardNumber: card, name: 'Rizky Ramadhan', status: 'active' });
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPINCHELD01', cardNumber: card, buyerName: 'Rizky Ramadhan' }));
    const res = await w.post('/v1/redemptions', { voucherCode: 'TKPINCHELD01', cardNumber: card, participant: { name: 'Rizky Ramadhan Pratama', email: 'p@example.id' }, platform: 'tokopedia' });
    expect(res.status).toBe(201);
    expect((await res.json()).nameCheck.decision).toBe('review');
    const { json: s } = await statementOf(card);
    const held = s.enrollments[0].blockers.find((b) => b.startsWith('name held for review'));
    expect(held).toMatch(/\(review, score 0\.8\): .*differs in Pratama only in the first name; sent to review because Pratama is written in one name only: an added given name may be another person/);
  });

  it('a participant stuck without a review: blocked, and the blocker says so', async () => {
    const card = '3173000000000202';
    const id = await redeem(card, 'Budi Hartono', 'TKPINCBUDI01');
    await complete(id, 'budi');
    await w.dispatcher.drain();

    const { json: s, text } = await statementOf(card, 2024);
    expect(text).not.toContain(card);
    expect(s.enrollments[0]).toMatchObject({ id, state: 'completed', firstTraining: true });
    expect(s.enrollments[0].blockers).toEqual(['the participant has not rated and reviewed the training yet']);
    expect(s.incentive.lines.map((l) => l.status)).toEqual(['blocked', 'blocked', 'blocked']);
    for (const l of s.incentive.lines) expect(l.why).toContain('has not rated and reviewed');
    expect(s.incentive.nextAction).toBe(`Unblock the first training (${id}): the participant has not rated and reviewed the training yet.`);
    expect(s.incentive.totals).toEqual({ expected: 700_000, paid: 0, pending: 700_000 });
  });

  it('a dead-lettered delivery is a blocker, with its error and attempt count', async () => {
    const card = '3173000000000303';
    const id = await redeem(card, 'Citra Lestari', 'TKPINCCITRA1');
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPINCCITRA1/completion`, () =>
        HttpResponse.json({ errors: [{ code: 'INVALID_REQUEST', message: 'score out of range' }] }, { status: 400 }),
      ),
    );
    await complete(id, 'citra');
    await w.dispatcher.drain();

    const { json: s } = await statementOf(card, 2024);
    const dead = s.enrollments[0].blockers.find((b) => b.startsWith('delivery platform.completion'));
    expect(dead).toBeDefined();
    expect(dead).toMatch(/^delivery platform\.completion to tokopedia dead-lettered after 1 attempt\(s\): .*score out of range/);
    expect(s.incentive.lines.every((l) => l.status === 'blocked')).toBe(true);
    expect(s.incentive.nextAction).toContain('dead-lettered after 1 attempt(s)');
  });

  it('a delivery being retried is a blocker with its error; the certificate waiting for it is not reported as failing', async () => {
    const card = '3173000000000404';
    const id = await redeem(card, 'Dewi Anggraini', 'TKPINCDEWI01');
    // The review is in before the completion, so completion and certificate reports are due together.
    expect((await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPINCDEWI01', rating: 4, review: 'Oke', reviewedAt: new Date() })).status).toBe(200);
    let failures = 0;
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/prakerja/api/v1/integration/gateway/completion`, async ({ request }) => {
        const body = (await request.clone().json()) as { enrollment_id?: string };
        if (body.enrollment_id !== id || failures++ > 0) return undefined;
        return new HttpResponse('maintenance', { status: 503 });
      }),
    );
    await complete(id, 'dewi');
    await w.dispatcher.runOnce();

    const { json: s } = await statementOf(card, 2024);
    const blockers = s.enrollments[0].blockers;
    expect(blockers.some((b) => /^delivery prakerja\.completion to prakerja failing with ".*503.*" at attempt 1; next try /.test(b)), blockers.join('\n')).toBe(true);
    expect(blockers.filter((b) => b.includes('prakerja.certificate'))).toEqual([]);

    await w.dispatcher.drain();
    for (let i = 0; i < 50 && (await (await w.get(`/v1/enrollments/${id}`)).json()).state !== 'reported'; i++) {
      await sleep(5);
      await w.dispatcher.drain();
    }
    await incentiveRecorded(card);
    const { json: done } = await statementOf(card, 2024);
    expect(done.enrollments[0]).toMatchObject({ state: 'reported', blockers: [] });
    expect(lines(done)[0]).toBe('training 1 600000 scheduled');
  });

  it('a provider token is refused (403); an unknown card is 404; a malformed one 400', async () => {
    const asProvider = await w.get(`/v1/ops/participants/${RINA}/incentive`);
    expect(asProvider.status).toBe(403);
    expect(await asProvider.json()).toMatchObject({ code: 'forbidden' });
    expect((await w.app.request(`/v1/ops/participants/${RINA}/incentive`)).status).toBe(401);
    const unknown = await opsGet('/v1/ops/participants/9999000000000000/incentive');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    const bad = await opsGet('/v1/ops/participants/12345/incentive');
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toContain('param:cardNumber');
  });
});
