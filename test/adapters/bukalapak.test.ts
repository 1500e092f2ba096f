import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBukalapakAdapter } from '../../adapters/bukalapak/index.js';
import { createBukalapakSimulator } from '../../adapters/bukalapak/simulator.js';
import { BUKALAPAK_PATHS, bukalapakBasicAuth, bukalapakRequest, bukalapakTokenRequest, TOKEN_EXPIRY_MARGIN_MS } from '../../adapters/bukalapak/http.js';
import { BUKALAPAK_STATUS_MAP, BUKALAPAK_STATUSES } from '../../adapters/bukalapak/status.js';
import { AdapterError, type AdapterContext } from '../../adapters/types.js';
import { ENROLLMENT_STATES } from '../../src/domain/types.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://bukalapak.sandbox.test';
const creds = { clientId: 'gw-test', clientSecret: 'bukalapak-test-secret' };
const ctx: AdapterContext = { fetch: (i, init) => fetch(i, init), timeoutMs: 500 };

let sim = createBukalapakSimulator(creds);
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
let adapter = createBukalapakAdapter({ baseUrl: BASE, ...creds }, ctx);

const tokenCalls = () => sim.state.received.filter((r) => r.path === BUKALAPAK_PATHS.token).length;
const redeemReq = { voucherCode: 'BL0000000001', cardNumber: '5201123456780001', participantName: 'Siti', participantEmail: 's@x.id', idempotencyKey: 'k1' };

beforeEach(() => {
  sim = createBukalapakSimulator(creds);
  sim.state.addVoucher(simVoucher({ code: 'BL0000000001', buyerName: 'Siti Rahmawati' }));
  // A fresh adapter per test: the token cache must start empty for the counts below to mean anything.
  adapter = createBukalapakAdapter({ baseUrl: BASE, ...creds }, ctx);
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('bukalapak adapter', () => {
  it('authenticates the client as RFC 6749 says: Basic over form-encoded id:secret (known vectors)', () => {
    // Computed independently: printf 'gw-test:bukalapak-test-secret' | openssl base64 -A
    expect(bukalapakBasicAuth('gw-test', 'bukalapak-test-secret')).toBe('Basic Z3ctdGVzdDpidWthbGFwYWstdGVzdC1zZWNyZXQ=');
    // A ':' or space in the id/secret is form-encoded first: printf 'a+b%3Ac:s%2Fx+y' | openssl base64 -A
    expect(bukalapakBasicAuth('a b:c', 's/x y')).toBe('Basic YStiJTNBYzpzJTJGeCt5');
  });

  it('asks for a token with a form-encoded client_credentials grant', async () => {
    const req = bukalapakTokenRequest({ baseUrl: BASE, ...creds });
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/oauth/token');
    expect(req.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(await req.text()).toBe('grant_type=client_credentials');
  });

  it('refuses a token request whose client credentials lost or changed one byte', async () => {
    const good = bukalapakTokenRequest({ baseUrl: BASE, ...creds });
    expect((await sim.app.fetch(good)).status).toBe(200);
    const auth = good.headers.get('authorization')!;
    const flipped = auth.slice(0, -3) + (auth.at(-3) === 'A' ? 'B' : 'A') + auth.slice(-2);
    const tampered = new Request(good.url, { method: 'POST', headers: { ...Object.fromEntries(good.headers), authorization: flipped }, body: 'grant_type=client_credentials' });
    const res = await sim.app.fetch(tampered);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an API call whose bearer token has one byte changed', async () => {
    const { access_token } = (await (await sim.app.fetch(bukalapakTokenRequest({ baseUrl: BASE, ...creds }))).json()) as { access_token: string };
    const ok = await sim.app.fetch(bukalapakRequest({ baseUrl: BASE, ...creds }, access_token, 'GET', BUKALAPAK_PATHS.voucher('BL0000000001')));
    expect(ok.status).toBe(200);
    const flipped = access_token.slice(0, -1) + (access_token.endsWith('0') ? '1' : '0');
    const res = await sim.app.fetch(bukalapakRequest({ baseUrl: BASE, ...creds }, flipped, 'GET', BUKALAPAK_PATHS.voucher('BL0000000001')));
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

  it('times out a platform that does not answer', async () => {
    server.use(http.get(`${BASE}/v2/*`, async () => { await new Promise((r) => setTimeout(r, 2000)); return HttpResponse.json({}); }));
    await expect(adapter.getVoucher('BL0000000001')).rejects.toMatchObject({ kind: 'timeout', retryable: true });
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
