import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTokopediaAdapter } from '../../adapters/tokopedia/index.js';
import { createTokopediaSimulator } from '../../adapters/tokopedia/simulator.js';
import { tokopediaSignature } from '../../adapters/tokopedia/http.js';
import { AdapterError } from '../../adapters/types.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://tokopedia.sandbox.test';
const creds = { clientId: 'gw-test', secret: 'tokopedia-test-secret' };

let sim = createTokopediaSimulator(creds);
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
const adapter = createTokopediaAdapter({ baseUrl: BASE, ...creds }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500 });

beforeEach(() => {
  sim = createTokopediaSimulator(creds);
  sim.state.addVoucher(simVoucher({ code: 'TKPA1B2C3D4E', buyerName: 'SITI RAHMAWATI' }));
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('tokopedia adapter', () => {
  it('signs requests as the contract says: HMAC-SHA256 over timestamp.body (known vector)', async () => {
    // Vector computed independently: printf '2026-01-01T00:00:00.000Z.{"a":1}' | openssl dgst -sha256 -hmac k
    expect(await tokopediaSignature('k', '2026-01-01T00:00:00.000Z', '{"a":1}')).toBe('ec7d005617a5476e6059add3e18f53171058e16080e8e6058e15dc3423144475');
    expect(await tokopediaSignature('k', '2026-01-01T00:00:00.000Z', '{"a":2}')).not.toBe('ec7d005617a5476e6059add3e18f53171058e16080e8e6058e15dc3423144475');
  });

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

  it('maps 503 with Retry-After to a retryable platform_unavailable', async () => {
    server.use(http.get(`${BASE}/*`, () => new HttpResponse('down', { status: 503, headers: { 'retry-after': '7' } })));
    const err = (await adapter.getVoucher('TKPA1B2C3D4E').catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err.kind).toBe('platform_unavailable');
    expect(err.detail).toMatchObject({ retryable: true, retryAfterMs: 7000, httpStatus: 503 });
  });

  it('times out a platform that does not answer', async () => {
    server.use(http.get(`${BASE}/*`, async () => { await new Promise((r) => setTimeout(r, 2000)); return HttpResponse.json({}); }));
    await expect(adapter.getVoucher('TKPA1B2C3D4E')).rejects.toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.get(`${BASE}/*`, () => HttpResponse.json({ data: { voucher_code: 'X', status: 'WEIRD' } })));
    await expect(adapter.getVoucher('TKPA1B2C3D4E')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });
});
