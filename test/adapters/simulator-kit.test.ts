import { describe, expect, it } from 'vitest';
import {
  deliverOrReturn,
  eventWords,
  listPosition,
  SimCallbackEventJson,
  simCallbackEvent,
  SimulatorState,
  type SignedCallback,
} from '../../adapters/shared/simulator-kit.js';
import { simVoucher } from '../support/sim-data.js';

const NOW = new Date('2026-02-01T10:00:00Z');
const passed = { outcome: 'passed', score: 80, completedAt: NOW } as const;

describe('the /_sandbox/emit body every simulator reads', () => {
  const purchase = { code: 'V1', cardNumber: '5201', buyerName: 'Ani', buyerEmail: '', courseId: 'C1', courseTitle: '', providerId: 'P1', expiresAt: '2026-12-31T00:00:00Z' };

  it('dates a purchase without purchasedAt to the emit, and keeps an updatedAt it is given', () => {
    const read = (voucher: object) => simCallbackEvent(SimCallbackEventJson.parse({ kind: 'purchase.made', voucher }), NOW);
    expect(read(purchase)).toEqual({ kind: 'purchase.made', voucher: { ...purchase, state: 'purchased', purchasedAt: NOW, expiresAt: new Date('2026-12-31T00:00:00Z') } });
    expect(read({ ...purchase, purchasedAt: '2026-01-01T00:00:00+07:00', updatedAt: '2026-01-02T00:00:00Z' })).toMatchObject({
      voucher: { purchasedAt: new Date('2025-12-31T17:00:00Z'), updatedAt: new Date('2026-01-02T00:00:00Z') },
    });
  });

  it('refuses empty identifiers, dates without an offset and kinds it does not know', () => {
    for (const field of ['code', 'cardNumber', 'buyerName', 'courseId', 'providerId']) {
      expect(SimCallbackEventJson.safeParse({ kind: 'purchase.made', voucher: { ...purchase, [field]: '' } }).success, field).toBe(false);
    }
    expect(SimCallbackEventJson.safeParse({ kind: 'voucher.expired', voucherCode: '', at: '2026-01-01T00:00:00Z' }).success).toBe(false);
    expect(SimCallbackEventJson.safeParse({ kind: 'completion.rejected', voucherCode: 'V1', reason: '', at: '2026-01-01T00:00:00Z' }).success).toBe(false);
    expect(SimCallbackEventJson.safeParse({ kind: 'voucher.expired', voucherCode: 'V1', at: '2026-01-01T00:00:00' }).success).toBe(false);
    expect(SimCallbackEventJson.safeParse({ kind: 'voucher.shipped', voucherCode: 'V1' }).success).toBe(false);
  });
});

describe('SimulatorState', () => {
  it('applies events: a purchase adds, review, refund and expiry move, a verdict only marks the change', () => {
    const state = new SimulatorState('kemnaker');
    expect(state.applyEvent({ kind: 'purchase.made', voucher: simVoucher({ code: 'V1' }) }, NOW)).toBe(true);
    expect(state.vouchers.get('V1')!.updatedAt).toEqual(NOW);
    const later = new Date(NOW.getTime() + 1000);
    state.applyEvent({ kind: 'completion.accepted', voucherCode: 'V1', at: later }, later);
    expect(state.vouchers.get('V1')).toMatchObject({ state: 'purchased', updatedAt: later });
    state.applyEvent({ kind: 'review.submitted', voucherCode: 'V1', rating: 5, review: 'ok', reviewedAt: later }, later);
    expect(state.vouchers.get('V1')).toMatchObject({ state: 'reviewed', review: { rating: 5, review: 'ok', reviewedAt: later } });
    expect(state.applyEvent({ kind: 'voucher.refunded', voucherCode: 'V2', at: later }, later)).toBe(false);
    expect(state.applyEvent({ kind: 'raw', platformType: 'x', payload: {} }, later)).toBe(true);
  });

  it('lets `replacing` lift only the refusal of an outcome already recorded', () => {
    const state = new SimulatorState('kemnaker');
    state.addVoucher(simVoucher({ code: 'DONE', state: 'completed' }));
    state.addVoucher(simVoucher({ code: 'GONE', state: 'refunded' }));
    state.addVoucher(simVoucher({ code: 'NEW' }));
    expect(state.complete('DONE', passed, NOW)).toMatchObject({ ok: false, reason: 'already_completed' });
    expect(state.complete('DONE', { ...passed, outcome: 'failed' }, NOW, { replacing: true })).toMatchObject({ ok: true, voucher: { state: 'failed', updatedAt: NOW } });
    expect(state.complete('GONE', passed, NOW, { replacing: true })).toMatchObject({ ok: false, reason: 'refunded' });
    expect(state.complete('NEW', passed, NOW, { replacing: true })).toMatchObject({ ok: false, reason: 'not_redeemed' });
    expect(state.complete('NONE', passed, NOW)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('lists what changed after a keyset position, in the same order, ties broken by code', () => {
    const state = new SimulatorState('tokopedia');
    for (const code of ['B', 'A', 'C']) state.addVoucher(simVoucher({ code, updatedAt: NOW }));
    state.addVoucher(simVoucher({ code: 'D', updatedAt: new Date(NOW.getTime() + 1) }));
    const window = [new Date(NOW.getTime() - 1), new Date(NOW.getTime() + 10)] as const;
    const all = state.changedBetween(...window);
    expect(all.map((v) => v.code)).toEqual(['A', 'B', 'C', 'D']);
    expect(state.changedBetween(...window, listPosition(all[1])).map((v) => v.code)).toEqual(['C', 'D']);
  });
});

describe('delivering what a simulator emits', () => {
  const signed: SignedCallback = { eventId: 'evt-1', headers: { 'content-type': 'application/json', 'x-sig': 's' }, body: '{"a":1}' };

  it('answers the signed callback when there is no target, and the gateway status when there is', async () => {
    await expect(deliverOrReturn(undefined, signed)).resolves.toBe(signed);
    const seen: Request[] = [];
    const target = { url: 'https://gateway.test/v1/callbacks/x', fetch: async (r: Request) => (seen.push(r), new Response('ignored', { status: 202 })) };
    await expect(deliverOrReturn(target, signed)).resolves.toEqual({ eventId: 'evt-1', gatewayStatus: 202 });
    expect(seen[0].method).toBe('POST');
    expect(seen[0].headers.get('x-sig')).toBe('s');
    expect(await seen[0].text()).toBe('{"a":1}');
  });

  it('lets an unreachable gateway throw, for the simulator to word', async () => {
    await expect(deliverOrReturn({ url: 'https://gateway.test/', fetch: () => Promise.reject(new Error('refused')) }, signed)).rejects.toThrow('refused');
  });

  it('speaks a platform word for a kind, and refuses a kind the platform has no word for', () => {
    const word = eventWords({ 'order.paid': 'purchase.made' }, (kind) => new Error(`no word for ${kind}`));
    expect(word('purchase.made')).toBe('order.paid');
    expect(() => word('completion.accepted')).toThrow('no word for completion.accepted');
  });
});
