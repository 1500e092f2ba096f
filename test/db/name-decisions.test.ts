import { describe, expect, it } from 'vitest';
import { loadLabelledPairs } from '../names/corpus.js';
import { evaluatePairs } from '../../src/domain/names/evaluate.js';
import { opsClient } from '../support/ops.js';
import { simVoucher } from '../support/sim-data.js';
import { useWorld } from '../support/world.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const w = useWorld();
const ops = opsClient(w, 'dewi');

/** Redeems a voucher whose platform account name differs from the registered one; returns the held enrollment. */
async function held(n: number, registered: string, onPlatform: string) {
  const card = `52019999000001${String(n).padStart(2, '0')}`;
  const code = `TKPNDEC${String(n).padStart(5, '0')}`;
  w.sandbox.prakerja.addParticipant({ cardNumber: card, name: registered, status: 'active' });
  w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code, cardNumber: card, buyerName: onPlatform }));
  const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: card, participant: { name: registered, email: `p${n}@example.id` }, platform: 'tokopedia' });
  const e = await res.json();
  expect(res.status, JSON.stringify(e)).toBe(201);
  expect(e.nameCheck.decision).not.toBe('match');
  return e as { id: string; nameCheck: { decision: string; score: number } };
}

describe('operator decisions on held names', () => {
  it('exports accepts and refusals as labelled pairs the evaluator scores as they come', async () => {
    const short = await held(1, 'Putri Ayu Lestari', 'Putri Ayu');
    const swapped = await held(2, 'Ahmad Yusuf', 'Yusuf Ahmad');

    expect((await ops.post(`/v1/ops/enrollments/${short.id}/accept-name`, { reason: 'Same person: KTP checked.' })).status).toBe(200);
    const refused = await ops.post(`/v1/ops/enrollments/${swapped.id}/refuse-name`, { reason: 'Account is the father’s; asked for the participant’s own.' });
    expect(refused.status).toBe(200);
    expect((await refused.json()).nameCheck).toMatchObject({ decision: swapped.nameCheck.decision, refusedBy: 'dewi' });

    const res = await ops.get('/v1/ops/names/decisions');
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ a: 'Putri Ayu', b: 'Putri Ayu Lestari', same: 1, operatorDecision: 'accept', operator: 'dewi', reason: 'Same person: KTP checked.', enrollmentId: short.id, phenomenon: 'extra_given', score: short.nameCheck.score });
    expect(items[1]).toMatchObject({ a: 'Yusuf Ahmad', b: 'Ahmad Yusuf', same: 0, operatorDecision: 'refuse', enrollmentId: swapped.id, phenomenon: 'reversed_order', prakerjaName: 'Ahmad Yusuf' });

    const csv = await ops.get('/v1/ops/names/decisions?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('a,b,same,phenomenon,operatorDecision,operator,reason,at,enrollmentId,providerName,platformName,prakerjaName,score,gatewayDecision');
    const file = join(mkdtempSync(join(tmpdir(), 'names-')), 'decisions.csv');
    writeFileSync(file, text);
    const pairs = loadLabelledPairs(file);
    expect(pairs.map((p) => [p.a, p.b, p.same, p.phenomenon])).toEqual([
      ['Putri Ayu', 'Putri Ayu Lestari', true, 'extra_given'],
      ['Yusuf Ahmad', 'Ahmad Yusuf', false, 'reversed_order'],
    ]);
    expect(evaluatePairs(pairs).overall).toMatchObject({ pairs: 2, falseAccepts: 0, review: 2 });
  });

  it('keeps a refused enrollment held and refuses what is not held', async () => {
    const e = await held(3, 'Hasan Ali', 'Ali Hasan');
    expect((await ops.post(`/v1/ops/enrollments/${e.id}/refuse-name`, { reason: 'Father’s account.' })).status).toBe(200);
    const view = await w.get(`/v1/enrollments/${e.id}`);
    expect((await view.json()).nameCheck.decision).toBe(e.nameCheck.decision);
    // Refusing needs a reason, an ops token and an enrollment that exists.
    expect((await ops.post(`/v1/ops/enrollments/${e.id}/refuse-name`, {})).status).toBe(400);
    expect((await ops.post('/v1/ops/enrollments/00000000-0000-4000-8000-000000000009/refuse-name', { reason: 'no such' })).status).toBe(404);
    expect((await w.get('/v1/ops/names/decisions')).status).toBe(403);
    // After an acceptance there is nothing left to refuse.
    expect((await ops.post(`/v1/ops/enrollments/${e.id}/accept-name`, { reason: 'Participant confirmed after all.' })).status).toBe(200);
    expect((await ops.post(`/v1/ops/enrollments/${e.id}/refuse-name`, { reason: 'late' })).status).toBe(409);
  });
});
