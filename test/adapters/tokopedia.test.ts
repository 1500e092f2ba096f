import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignedCallback } from '../../adapters/shared/simulator-kit.js';
import { TOKOPEDIA_EVENT_MAP, TOKOPEDIA_EVENT_TYPES } from '../../adapters/tokopedia/events.js';
import { createTokopediaAdapter } from '../../adapters/tokopedia/index.js';
import { createTokopediaSimulator } from '../../adapters/tokopedia/simulator.js';
import { tokopediaSignature, tokopediaWebhookSignature } from '../../adapters/tokopedia/http.js';
import { AdapterError, type CallbackRequest, type CompletionReport } from '../../adapters/types.js';
import { callbackVerdict, completionVerdicts, gatewayStub, pageAll, sandboxEmit as emit, unreachableGateway } from '../support/adapter-tests.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://tokopedia.sandbox.test';
const creds = { clientId: 'gw-test', secret: 'tokopedia-test-secret' };
// The gateway accepts both while Tokopedia rotates; the simulator signs with the current one.
const WEBHOOK_CURRENT = 'tokopedia-webhook-current';
const WEBHOOK_PREVIOUS = 'tokopedia-webhook-previous';
const simOpts = { webhookSecrets: [WEBHOOK_CURRENT] };

let sim = createTokopediaSimulator(creds, undefined, undefined, simOpts);
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
const adapter = createTokopediaAdapter(
  { baseUrl: BASE, ...creds, webhookSecrets: [WEBHOOK_CURRENT, WEBHOOK_PREVIOUS] },
  { fetch: (i, init) => fetch(i, init), timeoutMs: 500 },
);

const asRequest = (s: SignedCallback, receivedAt = new Date()): CallbackRequest => ({ path: '/v1/callbacks/tokopedia', headers: new Headers(s.headers), rawBody: s.body, receivedAt });

beforeEach(() => {
  sim = createTokopediaSimulator(creds, undefined, undefined, simOpts);
  sim.state.addVoucher(simVoucher({ code: 'TKPA1B2C3D4E', buyerName: 'SITI RAHMAWATI' }));
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('tokopedia adapter', () => {

  it('reads a voucher into canonical form', async () => {
    const v = await adapter.getVoucher('TKPA1B2C3D4E');
    expect(v).toMatchObject({ platform: 'tokopedia', state: 'purchased', platformStatus: 'PAID', buyerName: 'SITI RAHMAWATI', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya' });
    expect(v!.expiresAt).toBeInstanceOf(Date);
  });

  it('answers null for an unknown voucher', async () => {
    expect(await adapter.getVoucher('ZZZZZZZZZZZZ')).toBeNull();
  });

  it('redeems once; a repeat with the same idempotency key replays, a new key is refused', async () => {
    const req = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participantName: 'Siti', participantEmail: 's@x.id', idempotencyKey: 'k1' };
    const first = await adapter.redeemVoucher(req);
    expect(first.platformReference).toBe('TKP-RDM-TKPA1B2C3D4E');
    await expect(adapter.redeemVoucher(req)).resolves.toEqual(first);
    await expect(adapter.redeemVoucher({ ...req, idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'voucher_already_redeemed', retryable: false });
    expect(sim.state.appliedCount('/redeem')).toBe(1);
    expect((await adapter.getVoucher('TKPA1B2C3D4E'))!.state).toBe('redeemed');
  });

  it('is refused by the platform when the signature is wrong', async () => {
    const bad = createTokopediaAdapter({ baseUrl: BASE, clientId: 'gw-test', secret: 'wrong' }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500 });
    await expect(bad.getVoucher('TKPA1B2C3D4E')).rejects.toMatchObject({ kind: 'auth_failed' });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.get(`${BASE}/*`, () => HttpResponse.json({ data: { voucher_code: 'X', status: 'WEIRD' } })));
    await expect(adapter.getVoucher('TKPA1B2C3D4E')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });
});

describe('tokopedia callbacks (Standard Webhooks)', () => {
  const VECTOR_BODY = '{"type":"voucher.expired","data":{"voucher_code":"TKPA1B2C3D4E","expired_at":"2026-01-01T00:00:00.000Z"}}';
  // printf '%s' 'msg_2Lh9KxYf.1767225600.<VECTOR_BODY>' | openssl dgst -sha256 -hmac tokopedia-webhook-current -binary | openssl base64 -A
  const VECTOR_CURRENT = 'EKHbDeuo7ne1hH8vu+ajrGG0O3CGFflsM9Mv+bqfPqk=';
  // The same with -hmac tokopedia-webhook-previous
  const VECTOR_PREVIOUS = '9wfLJCI4qTDQ+LBfx52xRdBKOa/vtCQ6/vUHt2cuB9c=';
  const vector = (signature: string, body = VECTOR_BODY): CallbackRequest => ({
    path: '/v1/callbacks/tokopedia',
    headers: new Headers({ 'webhook-id': 'msg_2Lh9KxYf', 'webhook-timestamp': '1767225600', 'webhook-signature': signature }),
    rawBody: body,
    receivedAt: new Date('2026-01-01T00:01:00Z'),
  });

  it('signs id.timestamp.body as base64 HMAC-SHA256 (known vectors)', async () => {
    expect(await tokopediaWebhookSignature(WEBHOOK_CURRENT, 'msg_2Lh9KxYf', '1767225600', VECTOR_BODY)).toBe(VECTOR_CURRENT);
    expect(await tokopediaWebhookSignature(WEBHOOK_PREVIOUS, 'msg_2Lh9KxYf', '1767225600', VECTOR_BODY)).toBe(VECTOR_PREVIOUS);
  });

  it('accepts a callback signed independently with openssl and translates it', async () => {
    const v = await adapter.verifyCallback(vector(`v1,${VECTOR_CURRENT}`));
    expect(v).toEqual({
      eventId: 'msg_2Lh9KxYf',
      platformType: 'voucher.expired',
      occurredAt: new Date('2026-01-01T00:00:00Z'),
      event: { kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: new Date('2026-01-01T00:00:00Z') },
    });
  });

  it('accepts any one valid signature: a secret being rotated out, or one of several signatures', async () => {
    await expect(callbackVerdict(adapter.verifyCallback(vector(`v1,${VECTOR_PREVIOUS}`)))).resolves.toBe('accepted');
    await expect(callbackVerdict(adapter.verifyCallback(vector(`v1a,ignored v1,${'A'.repeat(43)}= v1,${VECTOR_CURRENT}`)))).resolves.toBe('accepted');
    const rotated = createTokopediaSimulator(creds, undefined, undefined, { webhookSecrets: [WEBHOOK_PREVIOUS] });
    await expect(adapter.verifyCallback(asRequest(await rotated.callback({ kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: new Date() })))).resolves.toMatchObject({ event: { kind: 'voucher.expired' } });
    const stranger = createTokopediaSimulator(creds, undefined, undefined, { webhookSecrets: ['someone-else'] });
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await stranger.callback({ kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: new Date() }))))).resolves.toBe('bad_signature');
  });

  it('refuses a body with one byte changed, and a signature over re-serialised JSON', async () => {
    await expect(callbackVerdict(adapter.verifyCallback(vector(`v1,${VECTOR_CURRENT}`, VECTOR_BODY.replace('TKPA1B2C3D4E', 'TKPA1B2C3D4F'))))).resolves.toBe('bad_signature');
    await expect(callbackVerdict(adapter.verifyCallback(vector(`v1,${VECTOR_CURRENT}`, JSON.stringify(JSON.parse(VECTOR_BODY), null, 1))))).resolves.toBe('bad_signature');
    await expect(callbackVerdict(adapter.verifyCallback(vector('v1,')))).resolves.toBe('bad_signature');
    await expect(callbackVerdict(adapter.verifyCallback(vector(`v2,${VECTOR_CURRENT}`)))).resolves.toBe('bad_signature');
  });

  it('refuses a signature for another event id (the id is signed)', async () => {
    const req = vector(`v1,${VECTOR_CURRENT}`);
    req.headers.set('webhook-id', 'msg_other');
    await expect(callbackVerdict(adapter.verifyCallback(req))).resolves.toBe('bad_signature');
  });

  it('refuses a timestamp more than five minutes off, either way, even when signed', async () => {
    const ev = { kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: new Date() } as const;
    const now = new Date();
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() - 6 * 60_000) }), now)))).resolves.toBe('stale_timestamp');
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() + 6 * 60_000) }), now)))).resolves.toBe('stale_timestamp');
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() - 4 * 60_000) }), now)))).resolves.toBe('accepted');
    await expect(callbackVerdict(adapter.verifyCallback({ ...vector(`v1,${VECTOR_CURRENT}`), receivedAt: new Date('2026-01-01T00:06:00Z') }))).resolves.toBe('stale_timestamp');
  });

  it('refuses a callback missing any of the three headers', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const req = vector(`v1,${VECTOR_CURRENT}`);
      req.headers.delete(name);
      await expect(callbackVerdict(adapter.verifyCallback(req)), name).resolves.toBe('missing_signature');
    }
  });

  it('refuses everything when no webhook secret is configured', async () => {
    const unconfigured = createTokopediaAdapter({ baseUrl: BASE, ...creds }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500 });
    await expect(callbackVerdict(unconfigured.verifyCallback(vector(`v1,${VECTOR_CURRENT}`)))).resolves.toBe('bad_signature');
  });

  it('calls a correctly signed body that is not a webhook, or a known type with bad data, malformed', async () => {
    const signed = async (body: string): Promise<CallbackRequest> => ({
      ...vector(`v1,${await tokopediaWebhookSignature(WEBHOOK_CURRENT, 'msg_2Lh9KxYf', '1767225600', body)}`, body),
    });
    await expect(callbackVerdict(adapter.verifyCallback(await signed('not json')))).resolves.toBe('malformed');
    await expect(callbackVerdict(adapter.verifyCallback(await signed('{"data":{}}')))).resolves.toBe('malformed');
    await expect(callbackVerdict(adapter.verifyCallback(await signed('{"type":"voucher.reviewed","data":{"voucher_code":"X","rating":7,"review":"","reviewed_at":"2026-01-01T00:00:00Z"}}')))).resolves.toBe('malformed');
    const ts = vector(`v1,${VECTOR_CURRENT}`);
    ts.headers.set('webhook-timestamp', '2026-01-01T00:00:00Z');
    await expect(callbackVerdict(adapter.verifyCallback(ts))).resolves.toBe('malformed');
  });

  it('returns an event type it does not know as unknown, not as an error', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const v = await adapter.verifyCallback(asRequest(await sim.callback({ kind: 'raw', platformType: 'order.shipped', payload: { voucher_code: 'TKPA1B2C3D4E' } }, { eventId: 'msg_raw', at })));
    expect(v).toEqual({ eventId: 'msg_raw', platformType: 'order.shipped', occurredAt: at, event: { kind: 'unknown', platformType: 'order.shipped' } });
    // Even a word that names an Object.prototype member.
    expect((await adapter.verifyCallback(asRequest(await sim.callback({ kind: 'raw', platformType: 'constructor', payload: {} })))).event).toEqual({ kind: 'unknown', platformType: 'constructor' });
  });

  it('maps every Tokopedia event word through the one table', async () => {
    expect(Object.keys(TOKOPEDIA_EVENT_MAP).sort()).toEqual([...TOKOPEDIA_EVENT_TYPES].sort());
    const t = new Date('2026-02-03T04:05:06.000Z');
    const voucher = simVoucher({ code: 'TKPNEW000001', buyerName: 'Budi Santoso', purchasedAt: t });
    const seen = async (ev: Parameters<typeof sim.callback>[0]) => {
      const signed = await sim.callback(ev);
      return { type: (JSON.parse(signed.body) as { type: string }).type, verified: await adapter.verifyCallback(asRequest(signed)) };
    };

    const paid = await seen({ kind: 'purchase.made', voucher });
    expect(paid.type).toBe('order.paid');
    expect(paid.verified).toMatchObject({ platformType: 'order.paid', occurredAt: t });
    expect(paid.verified.event).toEqual({
      kind: 'purchase.made',
      voucher: {
        platform: 'tokopedia', code: 'TKPNEW000001', state: 'purchased', platformStatus: 'PAID', cardNumber: voucher.cardNumber, buyerName: 'Budi Santoso',
        buyerEmail: voucher.buyerEmail, courseId: voucher.courseId, providerId: voucher.providerId, purchasedAt: t, expiresAt: voucher.expiresAt, redeemedAt: undefined,
      },
    });

    const reviewed = await seen({ kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 5, review: 'Materinya jelas', reviewedAt: t });
    expect(reviewed.type).toBe('voucher.reviewed');
    expect(reviewed.verified).toMatchObject({ occurredAt: t, event: { kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 5, review: 'Materinya jelas', reviewedAt: t } });

    const refunded = await seen({ kind: 'voucher.refunded', voucherCode: 'TKPA1B2C3D4E', at: t });
    expect(refunded.type).toBe('order.refunded');
    expect(refunded.verified.event).toEqual({ kind: 'voucher.refunded', voucherCode: 'TKPA1B2C3D4E', at: t });

    const expired = await seen({ kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: t });
    expect(expired.type).toBe('voucher.expired');
    expect(expired.verified.event).toEqual({ kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: t });

    // Kemnaker's verdicts have no Tokopedia word: the simulator refuses rather than invent one.
    await expect(sim.callback({ kind: 'completion.accepted', voucherCode: 'TKPA1B2C3D4E', at: t })).rejects.toThrow(/no webhook/);
  });
});

describe('tokopedia sandbox trigger (/_sandbox/emit)', () => {
  it('applies a review to the state and delivers the signed callback to the gateway', async () => {
    const { callback, delivered } = gatewayStub('http://gateway.test/v1/callbacks/tokopedia', 204);
    const target = createTokopediaSimulator(creds, sim.state, undefined, { ...simOpts, callback });
    const before = Date.now();
    const res = await emit(target, { kind: 'review.submitted', voucherCode: 'TKPA1B2C3D4E', rating: 4, review: 'Bagus', reviewedAt: '2026-02-01T10:00:00Z', eventId: 'msg_fixed' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ eventId: 'msg_fixed', gatewayStatus: 204 });
    const v = sim.state.vouchers.get('TKPA1B2C3D4E')!;
    expect(v).toMatchObject({ state: 'reviewed', review: { rating: 4, review: 'Bagus', reviewedAt: new Date('2026-02-01T10:00:00Z') } });
    expect(v.updatedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(delivered).toHaveLength(1);
    expect(await adapter.verifyCallback(delivered[0])).toMatchObject({ eventId: 'msg_fixed', event: { kind: 'review.submitted', rating: 4 } });
    expect((await adapter.getVoucher('TKPA1B2C3D4E'))!.platformStatus).toBe('REVIEWED');
  });

  it('without a target, answers the signed callback; a purchase adds the voucher', async () => {
    const res = await emit(sim, {
      kind: 'purchase.made',
      voucher: { code: 'TKPNEW000002', cardNumber: '5201000000000002', buyerName: 'Ani', buyerEmail: 'ani@x.id', courseId: 'CRS-1', courseTitle: 'Kursus', providerId: 'prv-1', expiresAt: '2026-12-31T00:00:00Z' },
    });
    expect(res.status).toBe(200);
    const signed = (await res.json()) as SignedCallback;
    expect(signed.headers['webhook-signature']).toMatch(/^v1,/);
    expect(await adapter.verifyCallback(asRequest(signed))).toMatchObject({ eventId: signed.eventId, event: { kind: 'purchase.made', voucher: { code: 'TKPNEW000002', state: 'purchased' } } });
    expect(sim.state.vouchers.get('TKPNEW000002')).toMatchObject({ state: 'purchased', buyerName: 'Ani' });
  });

  it('refuses what it cannot apply or word, and changes nothing', async () => {
    expect((await emit(sim, { kind: 'voucher.refunded', voucherCode: 'ZZZZZZZZZZZZ', at: '2026-02-01T10:00:00Z' })).status).toBe(404);
    expect((await emit(sim, { kind: 'voucher.refunded', voucherCode: 'TKPA1B2C3D4E', at: 'yesterday' })).status).toBe(400);
    expect((await emit(sim, { kind: 'completion.accepted', voucherCode: 'TKPA1B2C3D4E', at: '2026-02-01T10:00:00Z' })).status).toBe(422);
    expect(sim.state.vouchers.get('TKPA1B2C3D4E')!.state).toBe('purchased');
    const res = await emit(sim, { kind: 'voucher.refunded', voucherCode: 'TKPA1B2C3D4E', at: '2026-02-01T10:00:00Z' });
    expect(res.status).toBe(200);
    expect(sim.state.vouchers.get('TKPA1B2C3D4E')!.state).toBe('refunded');
  });

  it('stamps a purchase before signing it, so the webhook shows the updated_at the listing will', async () => {
    const res = await emit(sim, {
      kind: 'purchase.made',
      voucher: { code: 'TKPNEW000003', cardNumber: '5201000000000003', buyerName: 'Ani', buyerEmail: 'ani@x.id', courseId: 'CRS-1', courseTitle: 'Kursus', providerId: 'prv-1', expiresAt: '2026-12-31T00:00:00Z' },
    });
    const sent = JSON.parse(((await res.json()) as SignedCallback).body) as { data: { updated_at: string } };
    expect(sent.data.updated_at).toBe(sim.state.vouchers.get('TKPNEW000003')!.updatedAt!.toISOString());
  });

  it('changes the state even when the gateway cannot be reached, and answers 502', async () => {
    const target = createTokopediaSimulator(creds, sim.state, undefined, { ...simOpts, callback: unreachableGateway('http://gateway.test/v1/callbacks/tokopedia') });
    const res = await emit(target, { kind: 'voucher.expired', voucherCode: 'TKPA1B2C3D4E', at: '2026-02-01T10:00:00Z' });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ errors: [{ code: 'CALLBACK_UNDELIVERED', message: 'connection refused' }] });
    expect(sim.state.vouchers.get('TKPA1B2C3D4E')!.state).toBe('expired');
  });
});

describe('tokopedia completion reports', () => {
  const redeem = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participantName: 'Siti', participantEmail: 's@x.id', idempotencyKey: 'redeem-1' };
  const report: CompletionReport = {
    enrollmentId: 'enr-1',
    voucherCode: 'TKPA1B2C3D4E',
    cardNumber: '5201123456780001',
    participantName: 'Siti',
    courseId: 'CRS-EXCEL-01',
    outcome: 'passed',
    score: 87.5,
    completedAt: new Date('2026-02-01T09:00:00.123Z'),
    certificate: { number: 'CERT-001', issuedAt: new Date('2026-02-01T09:30:00Z'), url: 'https://provider.example/cert/CERT-001.pdf', sha256: 'a'.repeat(64) },
    idempotencyKey: 'completion-enr-1',
  };

  it('is applied once for two deliveries under the same key', async () => {
    await adapter.redeemVoucher(redeem);
    const first = await adapter.reportCompletion(report);
    expect(first.reference).toBe('TKP-CMP-TKPA1B2C3D4E');
    await expect(adapter.reportCompletion(report)).resolves.toEqual(first);
    const calls = sim.state.received.filter((r) => r.path.endsWith('/completion'));
    expect(calls.map((r) => r.applied)).toEqual([true, false]);
    expect(sim.state.appliedCount('/completion')).toBe(1);
    expect(calls[0]).toMatchObject({
      idempotencyKey: 'completion-enr-1',
      body: { outcome: 'PASSED', score: 87.5, completed_at: '2026-02-01T09:00:00.123Z', certificate: { number: 'CERT-001', issued_at: '2026-02-01T09:30:00.000Z', url: report.certificate!.url, sha256: 'a'.repeat(64) } },
    });
    expect(sim.state.vouchers.get('TKPA1B2C3D4E')).toMatchObject({ state: 'completed', completion: { outcome: 'passed', score: 87.5, completedAt: report.completedAt, certificateNumber: 'CERT-001' } });
    expect(await adapter.getVoucher('TKPA1B2C3D4E')).toMatchObject({ state: 'completed', platformStatus: 'COMPLETED' });
    // A second report under a new key does not overwrite the first.
    await expect(adapter.reportCompletion({ ...report, outcome: 'failed', idempotencyKey: 'other' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: 'COMPLETION_ALREADY_REPORTED', httpStatus: 409 } });
  });

  it('reports a fail without a certificate', async () => {
    await adapter.redeemVoucher(redeem);
    await adapter.reportCompletion({ ...report, outcome: 'failed', score: 40, certificate: undefined });
    expect(sim.state.received.find((r) => r.path.endsWith('/completion'))!.body).toMatchObject({ outcome: 'FAILED', certificate: null });
    expect(await adapter.getVoucher('TKPA1B2C3D4E')).toMatchObject({ state: 'failed', platformStatus: 'FAILED' });
  });

  it('maps a completion for an unredeemed or unknown voucher through the error table', async () => {
    await expect(adapter.reportCompletion(report)).rejects.toMatchObject({ kind: 'invalid_request', retryable: false, detail: { httpStatus: 409, platformCode: 'VOUCHER_NOT_REDEEMED' } });
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'ZZZZZZZZZZZZ' })).rejects.toMatchObject({ kind: 'voucher_not_found', retryable: false });
    sim.state.addVoucher(simVoucher({ code: 'TKPREFUND001', state: 'refunded' }));
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'TKPREFUND001' })).rejects.toMatchObject({ kind: 'voucher_refunded' });
    expect(sim.state.appliedCount('/completion')).toBe(0);
  });

  it('takes a completion only for a voucher redeemed and not yet finished', async () => {
    expect(await completionVerdicts(sim.state, adapter, report, (_, i) => `TKPSTATE${String(i).padStart(4, '0')}`)).toEqual({
      purchased: '409 VOUCHER_NOT_REDEEMED',
      redeemed: 'accepted',
      in_progress: 'accepted',
      completed: '409 COMPLETION_ALREADY_REPORTED',
      failed: '409 COMPLETION_ALREADY_REPORTED',
      reviewed: '409 COMPLETION_ALREADY_REPORTED',
      certified: '409 COMPLETION_ALREADY_REPORTED',
      reported: '409 COMPLETION_ALREADY_REPORTED',
      expired: '410 VOUCHER_EXPIRED',
      refunded: '410 VOUCHER_REFUNDED',
      revoked: '410 VOUCHER_REFUNDED',
    });
  });

  it('turns a platform 500 into a retryable error', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('oops', { status: 500 })));
    const err = (await adapter.reportCompletion(report).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { httpStatus: 500 } });
  });
});

describe('tokopedia voucher listing', () => {
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date('2026-03-02T00:00:00Z');
  const code = (i: number) => `TKPL${String(i).padStart(8, '0')}`;

  beforeEach(() => {
    // 25 in the window, three sharing one instant so the order has to break ties, and three outside.
    for (let i = 0; i < 25; i++) sim.state.addVoucher(simVoucher({ code: code(i), updatedAt: new Date(from.getTime() + (i < 3 ? 0 : i) * 60_000) }));
    sim.state.addVoucher(simVoucher({ code: 'TKPBEFORE001', updatedAt: new Date(from.getTime() - 1) }));
    sim.state.addVoucher(simVoucher({ code: 'TKPATEND0001', updatedAt: to }));
    sim.state.addVoucher(simVoucher({ code: 'TKPAFTER0001', updatedAt: new Date(to.getTime() + 60_000) }));
  });

  const all = (limit: number, between?: (page: number) => void) => pageAll(adapter, { from, to, limit }, between);

  it('pages through 25 vouchers ten at a time, each exactly once, inside [from, to)', async () => {
    const { codes, sizes } = await all(10);
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(codes).size).toBe(25);
    expect([...codes].sort()).toEqual(Array.from({ length: 25 }, (_, i) => code(i)));
  });

  it('skips nothing when a voucher already served changes while paging', async () => {
    const { codes } = await all(10, (page) => {
      if (page === 1) sim.state.vouchers.get(code(0))!.updatedAt = new Date(to.getTime() - 1);
    });
    // code(0) moved behind the cursor and is served again with its new state; no other repeats or gaps.
    expect(codes.filter((c) => c === code(0))).toHaveLength(2);
    expect(new Set(codes).size).toBe(25);
  });

  it('renders canonical vouchers and refuses a cursor it never issued', async () => {
    const page = await adapter.listVouchers({ from, to, limit: 1 });
    expect(page.items[0]).toMatchObject({ platform: 'tokopedia', code: code(0), state: 'purchased' });
    await expect(adapter.listVouchers({ from, to, cursor: 'not-a-cursor' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: 'INVALID_REQUEST' } });
  });
});
