import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUKALAPAK_EVENT_MAP, BUKALAPAK_EVENT_TYPES } from '../../adapters/bukalapak/events.js';
import { createBukalapakAdapter } from '../../adapters/bukalapak/index.js';
import { createBukalapakSimulator } from '../../adapters/bukalapak/simulator.js';
import { toRequest } from '../../adapters/shared/http.js';
import { BUKALAPAK_PATHS, bukalapakBasicAuth, bukalapakRequest, bukalapakTokenRequest, bukalapakWebhookSignature, TOKEN_EXPIRY_MARGIN_MS } from '../../adapters/bukalapak/http.js';
import { BUKALAPAK_STATUS_MAP, BUKALAPAK_STATUSES } from '../../adapters/bukalapak/status.js';
import type { SignedCallback } from '../../adapters/shared/simulator-kit.js';
import { AdapterError, type AdapterContext, type CallbackRequest, type CompletionReport } from '../../adapters/types.js';
import { ENROLLMENT_STATES } from '../../src/domain/types.js';
import { callbackVerdict, completionVerdicts, gatewayStub, pageAll, sandboxEmit as emit, unreachableGateway } from '../support/adapter-tests.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://bukalapak.sandbox.test';
const creds = { clientId: 'gw-test', clientSecret: 'bukalapak-test-secret' };
const WEBHOOK_SECRET = 'bukalapak-webhook-secret';
const ctx: AdapterContext = { fetch: (i, init) => fetch(i, init), timeoutMs: 500 };

let sim = createBukalapakSimulator(creds, undefined, undefined, { webhookSecret: WEBHOOK_SECRET });
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
let adapter = createBukalapakAdapter({ baseUrl: BASE, ...creds, webhookSecret: WEBHOOK_SECRET }, ctx);

const asRequest = (s: SignedCallback, receivedAt = new Date()): CallbackRequest => ({ path: '/v1/callbacks/bukalapak', headers: new Headers(s.headers), rawBody: s.body, receivedAt });

const tokenCalls = () => sim.state.received.filter((r) => r.path === BUKALAPAK_PATHS.token).length;
const redeemReq = { voucherCode: 'BL0000000001', cardNumber: '5201123456780001', participantName: 'Siti', participantEmail: 's@x.id', idempotencyKey: 'k1' };

beforeEach(() => {
  sim = createBukalapakSimulator(creds, undefined, undefined, { webhookSecret: WEBHOOK_SECRET });
  sim.state.addVoucher(simVoucher({ code: 'BL0000000001', buyerName: 'Siti Rahmawati' }));
  // A fresh adapter per test: the token cache must start empty for the counts below to mean anything.
  adapter = createBukalapakAdapter({ baseUrl: BASE, ...creds, webhookSecret: WEBHOOK_SECRET }, ctx);
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('bukalapak adapter', () => {

  it('asks for a token with a form-encoded client_credentials grant', async () => {
    const req = bukalapakTokenRequest({ baseUrl: BASE, ...creds });
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/oauth/token');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.body).toBe('grant_type=client_credentials');
  });

  it('refuses a token request whose client credentials lost or changed one byte', async () => {
    const good = bukalapakTokenRequest({ baseUrl: BASE, ...creds });
    expect((await sim.app.fetch(toRequest(good))).status).toBe(200);
    const auth = good.headers.authorization;
    const flipped = auth.slice(0, -3) + (auth.at(-3) === 'A' ? 'B' : 'A') + auth.slice(-2);
    const tampered = new Request(good.url, { method: 'POST', headers: { ...good.headers, authorization: flipped }, body: 'grant_type=client_credentials' });
    const res = await sim.app.fetch(tampered);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an API call whose bearer token has one byte changed', async () => {
    const { access_token } = (await (await sim.app.fetch(toRequest(bukalapakTokenRequest({ baseUrl: BASE, ...creds })))).json()) as { access_token: string };
    const ok = await sim.app.fetch(toRequest(bukalapakRequest({ baseUrl: BASE, ...creds }, access_token, 'GET', BUKALAPAK_PATHS.voucher('BL0000000001'))));
    expect(ok.status).toBe(200);
    const flipped = access_token.slice(0, -1) + (access_token.endsWith('0') ? '1' : '0');
    const res = await sim.app.fetch(toRequest(bukalapakRequest({ baseUrl: BASE, ...creds }, flipped, 'GET', BUKALAPAK_PATHS.voucher('BL0000000001'))));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(await res.json()).toMatchObject({ error: { code: 40101 } });
  });

  it('reads a voucher into canonical form: joined name, epoch seconds, numeric status', async () => {
    const v = await adapter.getVoucher('BL0000000001');
    expect(v).toMatchObject({ platform: 'bukalapak', code: 'BL0000000001', state: 'purchased', platformStatus: '10', buyerName: 'Siti Rahmawati', buyerEmail: 'siti@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya' });
    const seeded = sim.state.vouchers.get('BL0000000001')!;
    // Bukalapak keeps whole seconds only.
    expect(v!.purchasedAt.getTime()).toBe(Math.floor(seeded.purchasedAt.getTime() / 1000) * 1000);
    expect(v!.expiresAt.getTime()).toBe(Math.floor(seeded.expiresAt.getTime() / 1000) * 1000);
    expect(v!.redeemedAt).toBeUndefined();
  });

  it('joins a single name (empty last_name) without a trailing space, and longer names losslessly', async () => {
    sim.state.addVoucher(simVoucher({ code: 'BL0000000002', buyerName: 'Sukarno' }));
    sim.state.addVoucher(simVoucher({ code: 'BL0000000003', buyerName: 'Muhammad Rizki Pratama' }));
    let seen: unknown;
    server.use(http.get(`${BASE}/v2/prakerja/vouchers/BL0000000002`, async ({ request }) => {
      const res = await sim.app.fetch(request);
      seen = await res.clone().json();
      return res;
    }));
    expect((await adapter.getVoucher('BL0000000002'))!.buyerName).toBe('Sukarno');
    expect(seen).toMatchObject({ data: { buyer: { first_name: 'Sukarno', last_name: '' } } });
    expect((await adapter.getVoucher('BL0000000003'))!.buyerName).toBe('Muhammad Rizki Pratama');
  });

  it('maps every numeric status code through the exhaustive table', async () => {
    expect(Object.keys(BUKALAPAK_STATUS_MAP).map(Number).sort()).toEqual([...BUKALAPAK_STATUSES].sort());
    for (const state of ENROLLMENT_STATES.filter((s) => s !== 'reported')) {
      sim.state.addVoucher(simVoucher({ code: 'BL0000000009', state }));
      expect((await adapter.getVoucher('BL0000000009'))!.state).toBe(state);
    }
    expect(BUKALAPAK_STATUS_MAP[99]).toBe('revoked');
  });

  it('answers null for an unknown voucher', async () => {
    expect(await adapter.getVoucher('BL9999999999')).toBeNull();
  });

  it('does not take a bare 404 (no Bukalapak error code) for "voucher not found"', async () => {
    server.use(http.get(`${BASE}/v2/*`, () => new HttpResponse('Not Found', { status: 404 })));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('redeems once; a repeat with the same idempotency key replays, a new key is refused', async () => {
    const first = await adapter.redeemVoucher(redeemReq);
    expect(first.platformReference).toBe('BL-RDM-BL0000000001');
    expect(first.redeemedAt.getMilliseconds()).toBe(0);
    await expect(adapter.redeemVoucher(redeemReq)).resolves.toEqual(first);
    await expect(adapter.redeemVoucher({ ...redeemReq, idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'voucher_already_redeemed', retryable: false, detail: { httpStatus: 409, platformCode: '40901' } });
    expect(sim.state.appliedCount('/redemptions')).toBe(1);
    const v = await adapter.getVoucher('BL0000000001');
    expect(v).toMatchObject({ state: 'redeemed', platformStatus: '20' });
    expect(v!.redeemedAt).toEqual(first.redeemedAt);
  });

  it('maps Bukalapak refusals through its numeric error table', async () => {
    await expect(adapter.redeemVoucher({ ...redeemReq, cardNumber: '5201000000000000' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: '42201' } });
    sim.state.addVoucher(simVoucher({ code: 'BL0000000004', state: 'refunded' }));
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'BL0000000004' })).rejects.toMatchObject({ kind: 'voucher_refunded' });
    sim.state.addVoucher(simVoucher({ code: 'BL0000000005', expiresAt: new Date(Date.now() - 1000) }));
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'BL0000000005' })).rejects.toMatchObject({ kind: 'voucher_expired' });
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'BL9999999999' })).rejects.toMatchObject({ kind: 'voucher_not_found' });
  });

  it('caches the token across calls', async () => {
    await adapter.getVoucher('BL0000000001');
    await adapter.getVoucher('BL0000000001');
    await adapter.redeemVoucher(redeemReq);
    expect(tokenCalls()).toBe(1);
  });

  it('shares one token request among concurrent calls (single-flight)', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => adapter.getVoucher('BL0000000001')));
    expect(results.every((v) => v?.code === 'BL0000000001')).toBe(true);
    expect(tokenCalls()).toBe(1);
  });

  it('shares one failed token request too, and does not cache the failure', async () => {
    const bad = createBukalapakAdapter({ baseUrl: BASE, clientId: 'gw-test', clientSecret: 'wrong' }, ctx);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => bad.getVoucher('BL0000000001')));
    expect(results.every((r) => r.status === 'rejected' && (r.reason as AdapterError).kind === 'auth_failed')).toBe(true);
    expect(tokenCalls()).toBe(1);
    await expect(bad.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'auth_failed', retryable: false });
    expect(tokenCalls()).toBe(2);
    // The API itself was never called without a token.
    expect(sim.state.received.filter((r) => r.path.startsWith('/v2/')).length).toBe(0);
  });

  it('fetches a new token shortly before the old one expires, without waiting for a 401', async () => {
    let clock = new Date();
    sim = createBukalapakSimulator(creds, sim.state, () => clock);
    sim.setTokenTtl(600);
    const timed = createBukalapakAdapter({ baseUrl: BASE, ...creds }, { ...ctx, now: () => clock });
    const apiStatuses: number[] = [];
    server.use(http.all(`${BASE}/v2/*`, async ({ request }) => {
      const res = await sim.app.fetch(request);
      apiStatuses.push(res.status);
      return res;
    }));
    await timed.getVoucher('BL0000000001');
    clock = new Date(clock.getTime() + 600_000 - TOKEN_EXPIRY_MARGIN_MS - 1000);
    await timed.getVoucher('BL0000000001');
    expect(tokenCalls()).toBe(1);
    clock = new Date(clock.getTime() + 2000);
    await timed.getVoucher('BL0000000001');
    expect(tokenCalls()).toBe(2);
    expect(apiStatuses).toEqual([200, 200, 200]);
  });

  it('on a 401 refreshes the token once and retries the call once', async () => {
    await adapter.getVoucher('BL0000000001');
    sim.expireTokens();
    const v = await adapter.getVoucher('BL0000000001');
    expect(v?.code).toBe('BL0000000001');
    expect(tokenCalls()).toBe(2);
  });

  it('retries a redemption after a 401 and applies it once', async () => {
    await adapter.getVoucher('BL0000000001');
    sim.expireTokens();
    const first = await adapter.redeemVoucher(redeemReq);
    expect(first.platformReference).toBe('BL-RDM-BL0000000001');
    expect(tokenCalls()).toBe(2);
    expect(sim.state.appliedCount('/redemptions')).toBe(1);
  });

  it('surfaces a second consecutive 401 as auth_failed instead of looping', async () => {
    let apiCalls = 0;
    server.use(http.get(`${BASE}/v2/*`, () => {
      apiCalls++;
      return HttpResponse.json({ error: { code: 40101, reason: 'access token is invalid or expired' } }, { status: 401 });
    }));
    const err = (await adapter.getVoucher('BL0000000001').catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err.kind).toBe('auth_failed');
    expect(err.detail).toMatchObject({ httpStatus: 401, platformCode: '40101', retryable: false });
    expect(tokenCalls()).toBe(2);
    expect(apiCalls).toBe(2);
  });

  it('is refused when the client secret is wrong', async () => {
    const bad = createBukalapakAdapter({ baseUrl: BASE, clientId: 'gw-test', clientSecret: 'wrong' }, ctx);
    await expect(bad.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'auth_failed', detail: { httpStatus: 401, platformCode: 'invalid_client' } });
  });

  it('maps 503 with Retry-After to a retryable platform_unavailable', async () => {
    server.use(http.get(`${BASE}/v2/*`, () => new HttpResponse('down', { status: 503, headers: { 'retry-after': '7' } })));
    const err = (await adapter.getVoucher('BL0000000001').catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err.kind).toBe('platform_unavailable');
    expect(err.detail).toMatchObject({ retryable: true, retryAfterMs: 7000, httpStatus: 503 });
  });

  it('maps a 503 from the token endpoint the same way', async () => {
    server.use(http.post(`${BASE}/oauth/token`, () => new HttpResponse('down', { status: 503, headers: { 'retry-after': '3' } })));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { retryAfterMs: 3000 } });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.get(`${BASE}/v2/*`, () => HttpResponse.json({ data: { voucher_code: 'BL0000000001', status: 15 } })));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('treats ISO date strings where epoch seconds belong as a contract break', async () => {
    server.use(http.get(`${BASE}/v2/*`, async ({ request }) => {
      const body = (await (await sim.app.fetch(request)).json()) as { data: Record<string, unknown> };
      return HttpResponse.json({ data: { ...body.data, paid_at: '2026-01-01T00:00:00Z' } });
    }));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('treats a token answer that breaks RFC 6749 as unexpected', async () => {
    server.use(http.post(`${BASE}/oauth/token`, () => HttpResponse.json({ access_token: 'x', token_type: 'mac', expires_in: 3600 })));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('treats an error code missing from the table as unexpected', async () => {
    server.use(http.get(`${BASE}/v2/*`, () => HttpResponse.json({ error: { code: 40077, reason: 'new rule' } }, { status: 400 })));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'unexpected_response', detail: { platformCode: '40077' } });
  });

  it('recognises Bukalapak voucher codes', () => {
    expect(adapter.voucherCodePattern.test('BL0123456789')).toBe(true);
    expect(adapter.voucherCodePattern.test('BL012345678')).toBe(false);
    expect(adapter.voucherCodePattern.test('SK-2026-000001')).toBe(false);
  });
});

describe('bukalapak callbacks', () => {
  const VECTOR_BODY = '{"event":"voucher.expired","payload":{"voucher_code":"BL0000000001","expired_at":1767225600}}';
  // printf '%s' 'evt-0001.1767225600.<VECTOR_BODY>' | openssl dgst -sha256 -hmac bukalapak-webhook-secret
  const VECTOR_HEX = 'dd4d7d331d9fa859ddf8d01bbbbdd74237da2912588d2462fcaa5269ebb28d1a';
  const vector = (signature: string, body = VECTOR_BODY): CallbackRequest => ({
    path: '/v1/callbacks/bukalapak',
    headers: new Headers({ 'X-Bukalapak-Event-Id': 'evt-0001', 'X-Bukalapak-Timestamp': '1767225600', 'X-Bukalapak-Signature': signature }),
    rawBody: body,
    receivedAt: new Date('2026-01-01T00:01:00Z'),
  });

  it('accepts a callback signed independently with openssl and translates it', async () => {
    expect(await adapter.verifyCallback(vector(`sha256=${VECTOR_HEX}`))).toEqual({
      eventId: 'evt-0001',
      platformType: 'voucher.expired',
      occurredAt: new Date('2026-01-01T00:00:00Z'),
      event: { kind: 'voucher.expired', voucherCode: 'BL0000000001', at: new Date('2026-01-01T00:00:00Z') },
    });
    await expect(callbackVerdict(adapter.verifyCallback(vector(`sha256=${VECTOR_HEX.toUpperCase()}`)))).resolves.toBe('accepted');
  });

  it('refuses a body with one byte changed, a bare hex signature, and another secret', async () => {
    await expect(callbackVerdict(adapter.verifyCallback(vector(`sha256=${VECTOR_HEX}`, VECTOR_BODY.replace('1767225600', '1767225601'))))).resolves.toBe('bad_signature');
    await expect(callbackVerdict(adapter.verifyCallback(vector(VECTOR_HEX)))).resolves.toBe('bad_signature');
    const stranger = createBukalapakSimulator(creds, undefined, undefined, { webhookSecret: 'someone-else' });
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await stranger.callback({ kind: 'voucher.expired', voucherCode: 'BL0000000001', at: new Date() }))))).resolves.toBe('bad_signature');
    const unconfigured = createBukalapakAdapter({ baseUrl: BASE, ...creds }, ctx);
    await expect(callbackVerdict(unconfigured.verifyCallback(vector(`sha256=${VECTOR_HEX}`)))).resolves.toBe('bad_signature');
  });

  it('refuses a timestamp more than five minutes off, either way, even when signed', async () => {
    const ev = { kind: 'voucher.expired', voucherCode: 'BL0000000001', at: new Date() } as const;
    const now = new Date();
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() - 6 * 60_000) }), now)))).resolves.toBe('stale_timestamp');
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() + 6 * 60_000) }), now)))).resolves.toBe('stale_timestamp');
    await expect(callbackVerdict(adapter.verifyCallback(asRequest(await sim.callback(ev, { at: new Date(now.getTime() - 4 * 60_000) }), now)))).resolves.toBe('accepted');
  });

  it('refuses a captured callback replayed under a fresh event id', async () => {
    const req = vector(`sha256=${VECTOR_HEX}`);
    req.headers.set('X-Bukalapak-Event-Id', 'evt-0002');
    await expect(callbackVerdict(adapter.verifyCallback(req))).resolves.toBe('bad_signature');
  });

  it('refuses a callback missing any of the three headers', async () => {
    for (const name of ['X-Bukalapak-Event-Id', 'X-Bukalapak-Timestamp', 'X-Bukalapak-Signature']) {
      const req = vector(`sha256=${VECTOR_HEX}`);
      req.headers.delete(name);
      await expect(callbackVerdict(adapter.verifyCallback(req)), name).resolves.toBe('missing_signature');
    }
  });

  it('calls a correctly signed body that is not a webhook, or a known event with a bad payload, malformed', async () => {
    const signed = async (body: string) => vector(`sha256=${await bukalapakWebhookSignature(WEBHOOK_SECRET, 'evt-0001', '1767225600', body)}`, body);
    await expect(callbackVerdict(adapter.verifyCallback(await signed('{"event":')))).resolves.toBe('malformed');
    await expect(callbackVerdict(adapter.verifyCallback(await signed('{"type":"voucher.expired","data":{}}')))).resolves.toBe('malformed');
    // ISO time where Bukalapak sends epoch seconds.
    await expect(callbackVerdict(adapter.verifyCallback(await signed('{"event":"voucher.expired","payload":{"voucher_code":"BL0000000001","expired_at":"2026-01-01T00:00:00Z"}}')))).resolves.toBe('malformed');
  });

  it('returns an event word it does not know as unknown, not as an error', async () => {
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    const v = await adapter.verifyCallback(asRequest(await sim.callback({ kind: 'raw', platformType: 'transaction.shipped', payload: { voucher_code: 'BL0000000001' } }, { eventId: 'evt-raw', at })));
    expect(v).toEqual({ eventId: 'evt-raw', platformType: 'transaction.shipped', occurredAt: at, event: { kind: 'unknown', platformType: 'transaction.shipped' } });
  });

  it('maps every Bukalapak event word through the one table', async () => {
    expect(Object.keys(BUKALAPAK_EVENT_MAP).sort()).toEqual([...BUKALAPAK_EVENT_TYPES].sort());
    const t = new Date('2026-02-03T04:05:06.000Z');
    const voucher = simVoucher({ code: 'BL0000000100', buyerName: 'Muhammad Rizki Pratama', purchasedAt: t, expiresAt: new Date('2026-03-03T04:05:06.000Z') });
    const seen = async (ev: Parameters<typeof sim.callback>[0]) => {
      const signed = await sim.callback(ev);
      return { word: (JSON.parse(signed.body) as { event: string }).event, body: JSON.parse(signed.body), verified: await adapter.verifyCallback(asRequest(signed)) };
    };

    const paid = await seen({ kind: 'purchase.made', voucher });
    expect(paid.word).toBe('transaction.paid');
    expect(paid.body.payload).toMatchObject({ status: 10, buyer: { first_name: 'Muhammad Rizki', last_name: 'Pratama' }, paid_at: 1770091506 });
    expect(paid.verified).toMatchObject({ platformType: 'transaction.paid', occurredAt: t });
    expect(paid.verified.event).toEqual({
      kind: 'purchase.made',
      voucher: {
        platform: 'bukalapak', code: 'BL0000000100', state: 'purchased', platformStatus: '10', cardNumber: voucher.cardNumber, buyerName: 'Muhammad Rizki Pratama',
        buyerEmail: voucher.buyerEmail, courseId: voucher.courseId, providerId: voucher.providerId, purchasedAt: t, expiresAt: voucher.expiresAt, redeemedAt: undefined,
      },
    });

    const reviewed = await seen({ kind: 'review.submitted', voucherCode: 'BL0000000001', rating: 3, review: 'Cukup', reviewedAt: t });
    expect(reviewed.word).toBe('voucher.reviewed');
    expect(reviewed.body.payload.reviewed_at).toBe(1770091506);
    expect(reviewed.verified).toMatchObject({ occurredAt: t, event: { kind: 'review.submitted', voucherCode: 'BL0000000001', rating: 3, review: 'Cukup', reviewedAt: t } });

    const refunded = await seen({ kind: 'voucher.refunded', voucherCode: 'BL0000000001', at: t });
    expect(refunded.word).toBe('transaction.refunded');
    expect(refunded.verified.event).toEqual({ kind: 'voucher.refunded', voucherCode: 'BL0000000001', at: t });

    const expired = await seen({ kind: 'voucher.expired', voucherCode: 'BL0000000001', at: t });
    expect(expired.word).toBe('voucher.expired');
    expect(expired.verified.event).toEqual({ kind: 'voucher.expired', voucherCode: 'BL0000000001', at: t });

    await expect(sim.callback({ kind: 'completion.rejected', voucherCode: 'BL0000000001', reason: 'x', at: t })).rejects.toThrow(/no webhook/);
  });
});

describe('bukalapak sandbox trigger (/_sandbox/emit)', () => {
  it('applies a refund to the state and delivers the signed callback to the gateway', async () => {
    const { callback, delivered } = gatewayStub('http://gateway.test/v1/callbacks/bukalapak', 200);
    const target = createBukalapakSimulator(creds, sim.state, undefined, { webhookSecret: WEBHOOK_SECRET, callback });
    const res = await emit(target, { kind: 'voucher.refunded', voucherCode: 'BL0000000001', at: '2026-02-01T10:00:00Z' });
    expect(res.status).toBe(200);
    const { eventId, gatewayStatus } = (await res.json()) as { eventId: string; gatewayStatus: number };
    expect(gatewayStatus).toBe(200);
    expect(delivered).toHaveLength(1);
    expect(await adapter.verifyCallback(delivered[0])).toMatchObject({ eventId, event: { kind: 'voucher.refunded', voucherCode: 'BL0000000001' } });
    expect(await adapter.getVoucher('BL0000000001')).toMatchObject({ state: 'refunded', platformStatus: '91' });
  });

  it('without a target, answers the signed callback; a review moves the voucher to reviewed', async () => {
    const res = await emit(sim, { kind: 'review.submitted', voucherCode: 'BL0000000001', rating: 5, review: 'Mantap', reviewedAt: '2026-02-01T10:00:00Z', eventId: 'evt-fixed' });
    const signed = (await res.json()) as SignedCallback;
    expect(signed.eventId).toBe('evt-fixed');
    expect(signed.headers['x-bukalapak-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await adapter.verifyCallback(asRequest(signed))).toMatchObject({ eventId: 'evt-fixed', event: { kind: 'review.submitted', rating: 5 } });
    expect(sim.state.vouchers.get('BL0000000001')).toMatchObject({ state: 'reviewed', review: { rating: 5, review: 'Mantap' } });
    expect(await adapter.getVoucher('BL0000000001')).toMatchObject({ state: 'reviewed', platformStatus: '50' });
  });

  it('refuses what it cannot apply or word', async () => {
    expect((await emit(sim, { kind: 'voucher.expired', voucherCode: 'BL9999999999', at: '2026-02-01T10:00:00Z' })).status).toBe(404);
    expect((await emit(sim, { kind: 'nonsense' })).status).toBe(400);
    expect((await emit(sim, { kind: 'completion.accepted', voucherCode: 'BL0000000001', at: '2026-02-01T10:00:00Z' })).status).toBe(400);
    expect(sim.state.vouchers.get('BL0000000001')!.state).toBe('purchased');
  });

  it('stamps a purchase before signing it, so the webhook shows the updated_at the listing will', async () => {
    const res = await emit(sim, {
      kind: 'purchase.made',
      voucher: { code: 'BL0000000200', cardNumber: '5201000000000003', buyerName: 'Ani Lestari', buyerEmail: 'ani@x.id', courseId: 'CRS-1', courseTitle: 'Kursus', providerId: 'prv-1', purchasedAt: '2026-02-01T10:00:00Z', expiresAt: '2026-12-31T00:00:00Z' },
    });
    const sent = JSON.parse(((await res.json()) as SignedCallback).body) as { payload: { updated_at: number; paid_at: number } };
    expect(sent.payload.paid_at).toBe(1769940000);
    expect(sent.payload.updated_at).toBe(Math.floor(sim.state.vouchers.get('BL0000000200')!.updatedAt!.getTime() / 1000));
  });

  it('changes the state even when the gateway cannot be reached, and answers 502', async () => {
    const target = createBukalapakSimulator(creds, sim.state, undefined, { webhookSecret: WEBHOOK_SECRET, callback: unreachableGateway('http://gateway.test/v1/callbacks/bukalapak') });
    const res = await emit(target, { kind: 'voucher.expired', voucherCode: 'BL0000000001', at: '2026-02-01T10:00:00Z' });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: { code: 50201, reason: 'callback undelivered: connection refused' } });
    expect(sim.state.vouchers.get('BL0000000001')!.state).toBe('expired');
  });
});

describe('bukalapak completion reports', () => {
  const report: CompletionReport = {
    enrollmentId: 'enr-1',
    voucherCode: 'BL0000000001',
    cardNumber: '5201123456780001',
    participantName: 'Siti',
    courseId: 'CRS-EXCEL-01',
    outcome: 'passed',
    score: 92,
    completedAt: new Date('2026-02-01T09:00:00.900Z'),
    certificate: { number: 'CERT-002', issuedAt: new Date('2026-02-01T09:30:00Z'), url: 'https://provider.example/cert/CERT-002.pdf', sha256: 'b'.repeat(64) },
    idempotencyKey: 'completion-enr-1',
  };

  it('is applied once for two deliveries under the same key, in numeric codes and epoch seconds', async () => {
    await adapter.redeemVoucher(redeemReq);
    const first = await adapter.reportCompletion(report);
    expect(first.reference).toBe('BL-CMP-BL0000000001');
    await expect(adapter.reportCompletion(report)).resolves.toEqual(first);
    const calls = sim.state.received.filter((r) => r.path.endsWith('/completions'));
    expect(calls.map((r) => r.applied)).toEqual([true, false]);
    expect(sim.state.appliedCount('/completions')).toBe(1);
    expect(calls[0]).toMatchObject({
      idempotencyKey: 'completion-enr-1',
      body: { outcome: 1, score: 92, completed_at: 1769936400, certificate: { number: 'CERT-002', issued_at: 1769938200, url: report.certificate!.url, sha256: 'b'.repeat(64) } },
    });
    expect(sim.state.vouchers.get('BL0000000001')).toMatchObject({ state: 'completed', completion: { outcome: 'passed', score: 92, certificateNumber: 'CERT-002' } });
    expect(await adapter.getVoucher('BL0000000001')).toMatchObject({ state: 'completed', platformStatus: '40' });
  });

  it('reports a fail as outcome 2 without a certificate', async () => {
    await adapter.redeemVoucher(redeemReq);
    await adapter.reportCompletion({ ...report, outcome: 'failed', score: 30, certificate: undefined });
    expect(sim.state.received.find((r) => r.path.endsWith('/completions'))!.body).toMatchObject({ outcome: 2, certificate: null });
    expect(await adapter.getVoucher('BL0000000001')).toMatchObject({ state: 'failed', platformStatus: '41' });
  });

  it('maps a completion for an unredeemed or unknown voucher through the numeric error table', async () => {
    await expect(adapter.reportCompletion(report)).rejects.toMatchObject({ kind: 'invalid_request', retryable: false, detail: { httpStatus: 409, platformCode: '40902' } });
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'BL9999999999' })).rejects.toMatchObject({ kind: 'voucher_not_found', detail: { platformCode: '40401' } });
    await adapter.redeemVoucher(redeemReq);
    await adapter.reportCompletion(report);
    await expect(adapter.reportCompletion({ ...report, idempotencyKey: 'other' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: '40903' } });
  });

  it('takes a completion only for a voucher redeemed and not yet finished', async () => {
    expect(await completionVerdicts(sim.state, adapter, report, (_, i) => `BL40000000${String(i).padStart(2, '0')}`)).toEqual({
      purchased: '409 40902',
      redeemed: 'accepted',
      in_progress: 'accepted',
      completed: '409 40903',
      failed: '409 40903',
      reviewed: '409 40903',
      certified: '409 40903',
      reported: '409 40903',
      expired: '410 41001',
      refunded: '410 41002',
      revoked: '410 41002',
    });
  });

  it('retries after a 401 and still applies once', async () => {
    await adapter.redeemVoucher(redeemReq);
    sim.expireTokens();
    await adapter.reportCompletion(report);
    expect(tokenCalls()).toBe(2);
    expect(sim.state.appliedCount('/completions')).toBe(1);
  });

  it('turns a platform 500 into a retryable error', async () => {
    server.use(http.post(`${BASE}/v2/*`, () => new HttpResponse('oops', { status: 500 })));
    const err = (await adapter.reportCompletion(report).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { httpStatus: 500 } });
  });
});

describe('bukalapak voucher listing', () => {
  const from = new Date('2026-03-01T00:00:00Z');
  const to = new Date('2026-03-02T00:00:00Z');
  const code = (i: number) => `BL10000000${String(i).padStart(2, '0')}`;

  beforeEach(() => {
    for (let i = 0; i < 25; i++) sim.state.addVoucher(simVoucher({ code: code(i), updatedAt: new Date(from.getTime() + (i < 3 ? 0 : i) * 60_000) }));
    sim.state.addVoucher(simVoucher({ code: 'BL2000000001', updatedAt: new Date(from.getTime() - 1000) }));
    sim.state.addVoucher(simVoucher({ code: 'BL2000000002', updatedAt: to }));
    sim.state.addVoucher(simVoucher({ code: 'BL2000000003', updatedAt: new Date(to.getTime() + 60_000) }));
  });

  const all = (limit?: number, window = { from, to }) => pageAll(adapter, { ...window, limit });

  it('pages through 25 vouchers ten at a time, each exactly once, inside [from, to)', async () => {
    const { codes, sizes } = await all(10);
    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(codes).size).toBe(25);
    expect([...codes].sort()).toEqual(Array.from({ length: 25 }, (_, i) => code(i)));
  });

  it('asks in epoch seconds and page numbers, and keeps the page size it started with', async () => {
    const queries: URLSearchParams[] = [];
    server.use(http.get(`${BASE}${BUKALAPAK_PATHS.vouchers}`, ({ request }) => {
      queries.push(new URL(request.url).searchParams);
      return sim.app.fetch(request);
    }));
    const first = await adapter.listVouchers({ from, to, limit: 10 });
    const second = await adapter.listVouchers({ from, to, limit: 25, cursor: first.nextCursor });
    expect(second.items.map((v) => v.code)).toEqual(Array.from({ length: 10 }, (_, i) => code(i + 10)));
    expect(Object.fromEntries(queries[0])).toEqual({ updated_since: '1772323200', updated_until: '1772409600', page: '1', per_page: '10' });
    expect(Object.fromEntries(queries[1])).toMatchObject({ page: '2', per_page: '10' });
  });

  it('widens a sub-second window outward to whole seconds: nothing inside is missed, the edges may overlap', async () => {
    sim.state.addVoucher(simVoucher({ code: 'BL3000000001', updatedAt: new Date(from.getTime() + 3 * 60_000 + 200) }));
    const { codes } = await all(100, { from: new Date(from.getTime() + 500), to: new Date(from.getTime() + 3 * 60_000 + 500) });
    // BL3000000001 is inside; code(0..2) sit 500 ms before `from`, in the same whole second.
    expect(codes).toEqual([code(0), code(1), code(2), code(3), 'BL3000000001']);
  });

  it('refuses a cursor it never issued', async () => {
    await expect(adapter.listVouchers({ from, to, cursor: 'page-two' })).rejects.toMatchObject({ kind: 'invalid_request', retryable: false });
  });
});
