import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKariermuAdapter, type KariermuConfig } from '../../adapters/kariermu/index.js';
import { createKariermuSimulator } from '../../adapters/kariermu/simulator.js';
import { KARIERMU_STATUS_MAP, KARIERMU_STATUSES } from '../../adapters/kariermu/status.js';
import { AdapterError, type AdapterContext, type PlatformAdapter } from '../../adapters/types.js';
import { ENROLLMENT_STATES } from '../../src/domain/types.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://kariermu.sandbox.test';
const ISSUER = 'prakerja-partner-gateway';
const CODE = 'KMU-A1B2C3D4';
const TITLED = 'Dr. Ir. Bambang Wijaya, M.M.';

let publicKeyPem: string;
let privateKeyPem: string;
let otherPrivateKeyPem: string;
let cfg: KariermuConfig;
let adapter: PlatformAdapter;
let sim: ReturnType<typeof createKariermuSimulator>;

const ctx = (over: Partial<AdapterContext> = {}): AdapterContext => ({ fetch: (i, init) => fetch(i, init), timeoutMs: 500, ...over });
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  publicKeyPem = await exportSPKI(pair.publicKey);
  privateKeyPem = await exportPKCS8(pair.privateKey);
  otherPrivateKeyPem = await exportPKCS8(other.privateKey);
  cfg = { baseUrl: BASE, issuer: ISSUER, privateKeyPem, keyId: 'gw-2026-01' };
  adapter = createKariermuAdapter(cfg, ctx());
});

beforeEach(() => {
  sim = createKariermuSimulator({ publicKeyPem, issuer: ISSUER });
  sim.state.addVoucher(simVoucher({ code: CODE, buyerName: TITLED, buyerEmail: 'bambang@example.id' }));
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('kariermu status table', () => {
  it('maps every Karier.mu status to a canonical state', () => {
    for (const s of KARIERMU_STATUSES) expect(ENROLLMENT_STATES).toContain(KARIERMU_STATUS_MAP[s]);
    expect(KARIERMU_STATUS_MAP.enrolled).toBe('redeemed');
    expect(KARIERMU_STATUS_MAP.finished).toBe('completed');
  });
});

describe('kariermu adapter: auth', () => {
  it('sends a fresh RS256 bearer token per request with the agreed claims, and the platform accepts it', async () => {
    const tokens: string[] = [];
    server.use(
      http.all(`${BASE}/*`, ({ request }) => {
        tokens.push(request.headers.get('authorization')!.replace(/^Bearer /, ''));
        return sim.app.fetch(request);
      }),
    );
    await expect(adapter.getVoucher(CODE)).resolves.not.toBeNull();
    await expect(adapter.getVoucher(CODE)).resolves.not.toBeNull();
    expect(tokens).toHaveLength(2);
    expect(decodeProtectedHeader(tokens[0])).toMatchObject({ alg: 'RS256', kid: 'gw-2026-01' });
    const claims = decodeJwt(tokens[0]);
    expect(claims).toMatchObject({ iss: ISSUER, aud: 'kariermu-partner-api' });
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(typeof claims.jti).toBe('string');
    expect(decodeJwt(tokens[1]).jti).not.toBe(claims.jti);
  });

  it('is accepted by a platform that holds the key as a JWKS and picks it by kid', async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'gw-jwks', alg: 'RS256', use: 'sig' };
    sim = createKariermuSimulator({ jwks: { keys: [jwk] }, issuer: ISSUER });
    sim.state.addVoucher(simVoucher({ code: CODE }));
    const viaJwks = createKariermuAdapter({ ...cfg, privateKeyPem: await exportPKCS8(pair.privateKey), keyId: 'gw-jwks' }, ctx());
    await expect(viaJwks.getVoucher(CODE)).resolves.toMatchObject({ code: CODE });
    const wrongKid = createKariermuAdapter({ ...cfg, privateKeyPem: await exportPKCS8(pair.privateKey), keyId: 'unknown' }, ctx());
    await expect(wrongKid.getVoucher(CODE)).rejects.toMatchObject({ kind: 'auth_failed' });
  });

  it('refuses an expired token (gateway clock 10 minutes behind)', async () => {
    const stale = createKariermuAdapter(cfg, ctx({ now: () => new Date(Date.now() - 10 * 60_000) }));
    const err = (await stale.getVoucher(CODE).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'auth_failed', detail: { httpStatus: 401, platformCode: 'token_expired' } });
  });

  it('refuses a token for another audience', async () => {
    const wrongAud = createKariermuAdapter({ ...cfg, audience: 'someone-else' }, ctx());
    await expect(wrongAud.getVoucher(CODE)).rejects.toMatchObject({ kind: 'auth_failed', retryable: false, detail: { platformCode: 'invalid_token' } });
  });

  it('refuses a token from another issuer', async () => {
    const wrongIss = createKariermuAdapter({ ...cfg, issuer: 'impostor' }, ctx());
    await expect(wrongIss.getVoucher(CODE)).rejects.toMatchObject({ kind: 'auth_failed' });
  });

  it('refuses a token signed by another key', async () => {
    const otherKey = createKariermuAdapter({ ...cfg, privateKeyPem: otherPrivateKeyPem }, ctx());
    await expect(otherKey.getVoucher(CODE)).rejects.toMatchObject({ kind: 'auth_failed', detail: { platformCode: 'invalid_token' } });
  });

  it('refuses a request without a token', async () => {
    const res = await sim.app.fetch(new Request(`${BASE}/api/partner/v1/vouchers/${CODE}`));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('reports an unusable private key as auth_failed, not as a crash', async () => {
    const broken = createKariermuAdapter({ ...cfg, privateKeyPem: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----' }, ctx());
    await expect(broken.getVoucher(CODE)).rejects.toMatchObject({ kind: 'auth_failed', retryable: false });
  });
});

describe('kariermu adapter: vouchers', () => {
  it('reads a voucher into canonical form, leaving academic titles in the name', async () => {
    const v = await adapter.getVoucher(CODE);
    expect(v).toMatchObject({
      platform: 'kariermu',
      code: CODE,
      state: 'purchased',
      platformStatus: 'paid',
      buyerName: TITLED,
      buyerEmail: 'bambang@example.id',
      cardNumber: '5201123456780001',
      courseId: 'CRS-EXCEL-01',
      providerId: 'prv-komputer-jaya',
    });
    expect(v!.expiresAt).toBeInstanceOf(Date);
    expect(v!.redeemedAt).toBeUndefined();
  });

  it('answers null for an unknown voucher', async () => {
    expect(await adapter.getVoucher('KMU-ZZZZZZZZ')).toBeNull();
  });

  it('does not take a bare 404 (no Karier.mu error body) for a missing voucher', async () => {
    server.use(http.get(`${BASE}/*`, () => new HttpResponse('<html>not here</html>', { status: 404 })));
    await expect(adapter.getVoucher(CODE)).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('recognises its voucher codes', () => {
    expect(adapter.voucherCodePattern.test(CODE)).toBe(true);
    expect(adapter.voucherCodePattern.test('KMU-a1b2c3d4')).toBe(false);
    expect(adapter.voucherCodePattern.test('TKPA1B2C3D4E')).toBe(false);
  });

  it('redeems once; a repeat with the same idempotency key replays, a new key is refused', async () => {
    const req = { voucherCode: CODE, cardNumber: '5201123456780001', participantName: 'Bambang Wijaya', participantEmail: 'b@x.id', idempotencyKey: 'k1' };
    const first = await adapter.redeemVoucher(req);
    expect(first.platformReference).toBe('KMU-ENR-A1B2C3D4');
    expect(first.redeemedAt).toBeInstanceOf(Date);
    await expect(adapter.redeemVoucher(req)).resolves.toEqual(first);
    await expect(adapter.redeemVoucher({ ...req, idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'voucher_already_redeemed', retryable: false });
    expect(sim.state.appliedCount('/enrollments')).toBe(1);
    const after = await adapter.getVoucher(CODE);
    expect(after).toMatchObject({ state: 'redeemed', platformStatus: 'enrolled' });
    expect(after!.redeemedAt).toEqual(first.redeemedAt);
  });

  it('sends the enrollment body and Idempotency-Key in Karier.mu terms', async () => {
    await adapter.redeemVoucher({ voucherCode: CODE, cardNumber: '5201123456780001', participantName: TITLED, participantEmail: 'b@x.id', idempotencyKey: 'idem-1' });
    expect(sim.state.received.at(-1)).toMatchObject({
      idempotencyKey: 'idem-1',
      body: { voucherCode: CODE, cardNumber: '5201123456780001', participant: { fullName: TITLED, email: 'b@x.id' } },
    });
  });

  it('maps a card that is not the buyer’s to invalid_request', async () => {
    await expect(
      adapter.redeemVoucher({ voucherCode: CODE, cardNumber: '5201999999999999', participantName: 'X', participantEmail: 'x@x.id', idempotencyKey: 'k3' }),
    ).rejects.toMatchObject({ kind: 'invalid_request', detail: { httpStatus: 422, platformCode: 'card_mismatch' } });
  });

  it('maps 503 with Retry-After to a retryable platform_unavailable', async () => {
    server.use(http.get(`${BASE}/*`, () => new HttpResponse('down', { status: 503, headers: { 'retry-after': '7' } })));
    const err = (await adapter.getVoucher(CODE).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err.kind).toBe('platform_unavailable');
    expect(err.detail).toMatchObject({ retryable: true, retryAfterMs: 7000, httpStatus: 503 });
  });

  it('times out a platform that does not answer', async () => {
    server.use(http.get(`${BASE}/*`, async () => { await new Promise((r) => setTimeout(r, 2000)); return HttpResponse.json({}); }));
    await expect(adapter.getVoucher(CODE)).rejects.toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.get(`${BASE}/*`, () => HttpResponse.json({ voucherCode: CODE, status: 'PAID' })));
    await expect(adapter.getVoucher(CODE)).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('treats an unmapped error code as unexpected', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ error: 'brand_new_error', message: 'what' }, { status: 400 })));
    await expect(
      adapter.redeemVoucher({ voucherCode: CODE, cardNumber: '5201123456780001', participantName: 'X', participantEmail: 'x@x.id', idempotencyKey: 'k4' }),
    ).rejects.toMatchObject({ kind: 'unexpected_response', detail: { platformCode: 'brand_new_error' } });
  });
});
