import { base64url, decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8 } from 'jose';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KARIERMU_EVENT_TYPES, KARIERMU_EVENTS } from '../../adapters/kariermu/events.js';
import { KARIERMU_JWKS_REFETCH_MS, KARIERMU_PATHS, kariermuDetachedSignature } from '../../adapters/kariermu/http.js';
import { createKariermuAdapter, type KariermuConfig } from '../../adapters/kariermu/index.js';
import { createKariermuSimulator, type KariermuSimulatorOptions } from '../../adapters/kariermu/simulator.js';
import { KARIERMU_STATUS_MAP, KARIERMU_STATUSES } from '../../adapters/kariermu/status.js';
import type { SignedCallback, SimCallbackEvent } from '../../adapters/shared/simulator-kit.js';
import {
  AdapterError,
  type AdapterContext,
  type CallbackRequest,
  type CanonicalEvent,
  type CompletionReport,
  type PlatformAdapter,
  type VerifiedCallback,
} from '../../adapters/types.js';
import { ENROLLMENT_STATES } from '../../src/domain/types.js';
import { callbackRejection, callbackRequestTo, completionVerdicts, gatewayStub, pageAll, sandboxEmit, unreachableGateway } from '../support/adapter-tests.js';
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

/** Karier.mu publishes its keys on a host of its own; msw sends that host to the simulator too. */
const KEYS_HOST = 'https://keys.kariermu.sandbox.test';
const JWKS_URL = `${KEYS_HOST}/.well-known/jwks.json`;
let kmuKey: { privateKeyPem: string; kid: string };
let jwksFetches = 0;

const ctx = (over: Partial<AdapterContext> = {}): AdapterContext => ({
  fetch: (i, init) => {
    if ((i instanceof Request ? i.url : String(i)) === JWKS_URL) jwksFetches++;
    return fetch(i, init);
  },
  timeoutMs: 500,
  ...over,
});
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }), forwardTo(KEYS_HOST, { fetch: (r) => sim.app.fetch(r) }));
const newSim = (o: KariermuSimulatorOptions = {}) => createKariermuSimulator({ publicKeyPem, issuer: ISSUER }, undefined, undefined, { signingKey: kmuKey, ...o });

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  const other = await generateKeyPair('RS256', { extractable: true });
  publicKeyPem = await exportSPKI(pair.publicKey);
  privateKeyPem = await exportPKCS8(pair.privateKey);
  otherPrivateKeyPem = await exportPKCS8(other.privateKey);
  kmuKey = { privateKeyPem: await exportPKCS8((await generateKeyPair('RS256', { extractable: true })).privateKey), kid: 'kmu-2026-01' };
  cfg = { baseUrl: BASE, issuer: ISSUER, privateKeyPem, keyId: 'gw-2026-01', jwksUrl: JWKS_URL };
  adapter = createKariermuAdapter(cfg, ctx());
});

beforeEach(() => {
  jwksFetches = 0;
  sim = newSim();
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

/* ------------------------------------------------------------------------------------------ */

const asCallback = callbackRequestTo('/v1/callbacks/kariermu');

/** Signs any bytes with Karier.mu's sandbox key, to reach the checks that come after the signature. */
async function signRaw(body: string, opts: { at?: Date; privateKeyPem?: string; kid?: string } = {}): Promise<CallbackRequest> {
  const key = await importPKCS8(opts.privateKeyPem ?? kmuKey.privateKeyPem, 'RS256');
  const signature = await kariermuDetachedSignature(key, opts.kid ?? kmuKey.kid, body, opts.at ?? new Date());
  return { path: '/v1/callbacks/kariermu', headers: new Headers({ 'x-kariermu-signature': signature }), rawBody: body, receivedAt: new Date() };
}

const expired = (code = CODE): SimCallbackEvent => ({ kind: 'voucher.expired', voucherCode: code, at: new Date('2026-02-01T00:00:00Z') });

describe('kariermu callbacks (verifyCallback)', () => {
  it('verifies a detached RS256 JWS over the raw body against Karier.mu’s JWKS', async () => {
    const signed = await sim.callback(expired());
    const header = signed.headers['x-kariermu-signature'];
    expect(header).toMatch(/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/);
    const prot = decodeProtectedHeader({ protected: header.split('..')[0] });
    expect(prot).toEqual({ alg: 'RS256', kid: 'kmu-2026-01', iat: expect.any(Number) });
    expect(Math.abs(prot.iat as number - Date.now() / 1000)).toBeLessThan(5);
    const v = await adapter.verifyCallback(asCallback(signed));
    expect(v).toEqual({
      eventId: signed.eventId,
      platformType: 'voucher.expired',
      occurredAt: new Date('2026-02-01T00:00:00Z'),
      event: { kind: 'voucher.expired', voucherCode: CODE, at: new Date('2026-02-01T00:00:00Z') },
    } satisfies VerifiedCallback);
    expect(JSON.parse(signed.body)).toEqual({ id: signed.eventId, event: 'voucher.expired', data: { voucherCode: CODE, expiredAt: '2026-02-01T00:00:00.000Z' } });
  });

  it('refuses a JWS made with another key, even one claiming Karier.mu’s kid', async () => {
    const forged = await signRaw(JSON.stringify({ id: 'evt-1', event: 'voucher.expired', data: { voucherCode: CODE, expiredAt: new Date().toISOString() } }), { privateKeyPem: otherPrivateKeyPem });
    const r = await callbackRejection(adapter.verifyCallback(forged));
    expect(r.reason).toBe('bad_signature');
  });

  it('refuses a body with one byte changed, since the signature is over the exact bytes', async () => {
    const signed = await sim.callback(expired());
    const tampered = signed.body.replace(CODE, 'KMU-A1B2C3D5');
    expect(tampered).not.toBe(signed.body);
    expect((await callbackRejection(adapter.verifyCallback(asCallback(signed, { rawBody: tampered })))).reason).toBe('bad_signature');
    // Re-serialising is a change too: JWS signs bytes, not JSON meaning.
    expect((await callbackRejection(adapter.verifyCallback(asCallback(signed, { rawBody: JSON.stringify(JSON.parse(signed.body), null, 2) })))).reason).toBe('bad_signature');
  });

  it('refuses a missing, non-detached or under-specified signature header', async () => {
    const signed = await sim.callback(expired());
    expect((await callbackRejection(adapter.verifyCallback(asCallback(signed, { headers: new Headers() })))).reason).toBe('missing_signature');
    const [prot, sig] = signed.headers['x-kariermu-signature'].split('..');
    const compact = `${prot}.${base64url.encode(signed.body)}.${sig}`;
    for (const bad of [compact, 'garbage', `${base64url.encode('{"alg":"RS256","kid":"kmu-2026-01"}')}..${sig}`, `${base64url.encode('{"alg":"none","kid":"kmu-2026-01","iat":1}')}..${sig}`, `${base64url.encode('{"alg":"RS256","kid":"kmu-2026-01","iat":1,"b64":false,"crit":["b64"]}')}..${sig}`]) {
      const r = await callbackRejection(adapter.verifyCallback(asCallback(signed, { headers: new Headers({ 'x-kariermu-signature': bad }) })));
      expect(r.reason, bad).toBe('bad_signature');
    }
  });

  it('refuses an iat more than 5 minutes from receipt, either way', async () => {
    for (const skew of [6 * 60_000, -6 * 60_000]) {
      const signed = await sim.callback(expired(), { at: new Date(Date.now() + skew) });
      expect((await callbackRejection(adapter.verifyCallback(asCallback(signed)))).reason).toBe('stale_timestamp');
    }
    const fresh = await sim.callback(expired(), { at: new Date(Date.now() - 4 * 60_000) });
    await expect(adapter.verifyCallback(asCallback(fresh))).resolves.toMatchObject({ platformType: 'voucher.expired' });
  });

  it('calls a validly signed but unparseable body malformed', async () => {
    for (const body of ['{"id":', '{"event":"voucher.expired"}', '{"id":"e1","event":"purchase.refunded","data":{"voucherCode":"KMU-A1B2C3D4","refundedAt":"kemarin"}}']) {
      expect((await callbackRejection(adapter.verifyCallback(await signRaw(body)))).reason, body).toBe('malformed');
    }
  });

  it('passes an event word it does not know through as unknown', async () => {
    const signed = await sim.callback({ kind: 'raw', platformType: 'course.updated', payload: { courseId: 'CRS-1' } });
    const v = await adapter.verifyCallback(asCallback(signed));
    expect(v).toMatchObject({ eventId: signed.eventId, platformType: 'course.updated', event: { kind: 'unknown', platformType: 'course.updated' } });
    expect(v.occurredAt).toBeInstanceOf(Date);
    expect((await adapter.verifyCallback(await signRaw('{"id":"e2","event":"toString","data":{}}'))).event).toEqual({ kind: 'unknown', platformType: 'toString' });
  });

  it('has one table with a distinct canonical event for every word', () => {
    expect([...KARIERMU_EVENT_TYPES].sort()).toEqual(['enrollment.reviewed', 'purchase.paid', 'purchase.refunded', 'voucher.expired']);
    const kinds = KARIERMU_EVENT_TYPES.map((w) => KARIERMU_EVENTS[w].kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('translates every mapped event word into its canonical event', async () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const voucher = simVoucher({ code: 'KMU-NEW00001', buyerName: TITLED, purchasedAt: at, expiresAt: new Date('2026-02-01T00:00:00Z') });
    const cases: Array<[SimCallbackEvent, string, CanonicalEvent]> = [
      [
        { kind: 'purchase.made', voucher },
        'purchase.paid',
        {
          kind: 'purchase.made',
          voucher: {
            platform: 'kariermu', code: 'KMU-NEW00001', state: 'purchased', platformStatus: 'paid', cardNumber: voucher.cardNumber, buyerName: TITLED, buyerEmail: voucher.buyerEmail,
            courseId: voucher.courseId, providerId: voucher.providerId, purchasedAt: at, expiresAt: new Date('2026-02-01T00:00:00Z'), redeemedAt: undefined,
          },
        },
      ],
      [{ kind: 'review.submitted', voucherCode: CODE, rating: 4, review: 'Materinya jelas', reviewedAt: at }, 'enrollment.reviewed', { kind: 'review.submitted', voucherCode: CODE, rating: 4, review: 'Materinya jelas', reviewedAt: at }],
      [{ kind: 'voucher.refunded', voucherCode: CODE, at }, 'purchase.refunded', { kind: 'voucher.refunded', voucherCode: CODE, at }],
      [{ kind: 'voucher.expired', voucherCode: CODE, at }, 'voucher.expired', { kind: 'voucher.expired', voucherCode: CODE, at }],
    ];
    for (const [sent, word, expected] of cases) {
      const signed = await sim.callback(sent);
      const v = await adapter.verifyCallback(asCallback(signed));
      expect(v, word).toEqual({ eventId: signed.eventId, platformType: word, occurredAt: at, event: expected });
    }
    // Grade acceptance is Sisnaker's; Karier.mu has no word for it and does not pretend to.
    await expect(sim.callback({ kind: 'completion.accepted', voucherCode: CODE, at })).rejects.toThrow(/no callback/);
  });
});

describe('kariermu JWKS: caching and rotation', () => {
  const t0 = new Date('2026-04-01T00:00:00Z');
  let clock: Date;
  let rotating: PlatformAdapter;

  beforeEach(() => {
    clock = t0;
    rotating = createKariermuAdapter(cfg, ctx({ now: () => clock }));
  });

  const at = (ms: number) => (clock = new Date(t0.getTime() + ms));
  const signedAtClock = async (e: SimCallbackEvent = expired()) => asCallback(await sim.callback(e, { at: clock }), { receivedAt: clock });

  it('fetches the JWKS once and serves later callbacks from it', async () => {
    await rotating.verifyCallback(await signedAtClock());
    at(5_000);
    await rotating.verifyCallback(await signedAtClock());
    expect(jwksFetches).toBe(1);
  });

  it('picks up a new kid after rotation, refetching at most once per minute', async () => {
    await rotating.verifyCallback(await signedAtClock());
    expect(jwksFetches).toBe(1);
    const { kid } = await sim.rotateSigningKey();
    expect(kid).not.toBe('kmu-2026-01');
    expect((await sim.jwks()).keys.map((k) => k.kid)).toEqual(['kmu-2026-01', kid]);

    // Within the minute the cached set is trusted: the unknown kid is refused, not fetched for.
    at(10_000);
    const early = await callbackRejection(rotating.verifyCallback(await signedAtClock()));
    expect(early.reason).toBe('bad_signature');
    expect(early.message).toContain(kid);
    expect(jwksFetches).toBe(1);

    at(KARIERMU_JWKS_REFETCH_MS + 1_000);
    await expect(rotating.verifyCallback(await signedAtClock())).resolves.toMatchObject({ platformType: 'voucher.expired' });
    expect(jwksFetches).toBe(2);

    // The old key stays published, so a callback signed just before the rotation still verifies, without a fetch.
    const old = await signRaw(JSON.stringify({ id: 'evt-old', event: 'voucher.expired', data: { voucherCode: CODE, expiredAt: clock.toISOString() } }), { at: clock });
    await expect(rotating.verifyCallback({ ...old, receivedAt: clock })).resolves.toMatchObject({ eventId: 'evt-old' });
    expect(jwksFetches).toBe(2);
  });

  it('does not refetch for a stream of unknown kids', async () => {
    await rotating.verifyCallback(await signedAtClock());
    for (let i = 0; i < 5; i++) {
      at(i * 1000);
      const forged = await signRaw('{"id":"x","event":"voucher.expired","data":{}}', { kid: `made-up-${i}`, at: clock });
      expect((await callbackRejection(rotating.verifyCallback({ ...forged, receivedAt: clock }))).reason).toBe('bad_signature');
    }
    expect(jwksFetches).toBe(1);
  });

  it('reports an unreachable JWKS as a retryable adapter error, not as a bad signature', async () => {
    server.use(http.get(JWKS_URL, () => new HttpResponse('down', { status: 503 })));
    const err = (await rotating.verifyCallback(await signedAtClock()).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true });
  });

  it('serves only public key material, without a token', async () => {
    const res = await sim.app.fetch(new Request(`${KEYS_HOST}${KARIERMU_PATHS.jwks}`));
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', kid: 'kmu-2026-01', alg: 'RS256', use: 'sig' });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(keys[0]).not.toHaveProperty(secret);
  });

  it('generates its own signing key when none is given', async () => {
    const own = createKariermuSimulator({ publicKeyPem, issuer: ISSUER });
    const signed = await own.callback(expired());
    const kid = decodeProtectedHeader({ protected: signed.headers['x-kariermu-signature'].split('..')[0] }).kid;
    expect((await own.jwks()).keys.map((k) => k.kid)).toEqual([kid]);
    expect(kid).not.toBe('kmu-2026-01');
  });
});

describe('kariermu completion (reportCompletion)', () => {
  const completedAt = new Date('2026-01-10T08:15:30.250Z');
  const report: CompletionReport = {
    enrollmentId: 'enr-1',
    voucherCode: CODE,
    cardNumber: '5201123456780001',
    participantName: 'Bambang Wijaya',
    courseId: 'CRS-EXCEL-01',
    outcome: 'passed',
    score: 88,
    completedAt,
    certificate: { number: 'CERT-2026-0001', issuedAt: completedAt, url: 'https://lp.example/cert/1.pdf', sha256: 'ab'.repeat(32) },
    idempotencyKey: 'completion:enr-1',
  };

  beforeEach(async () => {
    await adapter.redeemVoucher({ voucherCode: CODE, cardNumber: '5201123456780001', participantName: 'Bambang Wijaya', participantEmail: 'b@x.id', idempotencyKey: 'redeem-1' });
  });

  it('reports the outcome once; a redelivery under the same key replays the first answer', async () => {
    const first = await adapter.reportCompletion(report);
    expect(first).toEqual({ reference: 'KMU-CMP-A1B2C3D4' });
    await expect(adapter.reportCompletion(report)).resolves.toEqual(first);
    const calls = sim.state.received.filter((r) => r.path.endsWith('/completion'));
    expect(calls.map((r) => r.applied)).toEqual([true, false]);
    expect(calls[0]).toMatchObject({
      path: KARIERMU_PATHS.completion(CODE),
      idempotencyKey: 'completion:enr-1',
      body: { outcome: 'passed', score: 88, completedAt: '2026-01-10T08:15:30.250Z', certificate: { number: 'CERT-2026-0001', issuedAt: '2026-01-10T08:15:30.250Z', url: 'https://lp.example/cert/1.pdf', sha256: 'ab'.repeat(32) } },
    });
    expect(sim.state.appliedCount('/completion')).toBe(1);
    expect(sim.state.vouchers.get(CODE)).toMatchObject({ state: 'completed', completion: { outcome: 'passed', score: 88, completedAt, certificateNumber: 'CERT-2026-0001' } });
    await expect(adapter.getVoucher(CODE)).resolves.toMatchObject({ state: 'completed', platformStatus: 'finished' });
  });

  it('sends certificate: null for a failed outcome', async () => {
    await adapter.reportCompletion({ ...report, outcome: 'failed', score: 35, certificate: undefined, idempotencyKey: 'c-failed' });
    expect(sim.state.received.at(-1)!.body).toMatchObject({ outcome: 'failed', certificate: null });
    await expect(adapter.getVoucher(CODE)).resolves.toMatchObject({ state: 'failed', platformStatus: 'failed' });
  });

  it('maps a completion for an unenrolled, unknown or already completed voucher through the error table', async () => {
    sim.state.addVoucher(simVoucher({ code: 'KMU-UNREDEEM' }));
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'KMU-UNREDEEM', idempotencyKey: 'c2' })).rejects.toMatchObject({
      kind: 'invalid_request',
      retryable: false,
      detail: { httpStatus: 409, platformCode: 'voucher_not_enrolled' },
    });
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'KMU-ZZZZZZZZ', idempotencyKey: 'c3' })).rejects.toMatchObject({ kind: 'voucher_not_found', detail: { httpStatus: 404 } });
    await adapter.reportCompletion(report);
    await expect(adapter.reportCompletion({ ...report, idempotencyKey: 'c4' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: 'completion_already_reported' } });
    expect(sim.state.vouchers.get('KMU-UNREDEEM')!.state).toBe('purchased');
  });

  it('takes a completion only for an enrollment not yet finished', async () => {
    expect(await completionVerdicts(sim.state, adapter, report, (_, i) => `KMU-STATE${String(i).padStart(3, '0')}`)).toEqual({
      purchased: '409 voucher_not_enrolled',
      redeemed: 'accepted',
      in_progress: 'accepted',
      completed: '409 completion_already_reported',
      failed: '409 completion_already_reported',
      reviewed: '409 completion_already_reported',
      certified: '409 completion_already_reported',
      reported: '409 completion_already_reported',
      expired: '409 voucher_not_enrolled',
      refunded: '410 voucher_refunded',
      revoked: '410 voucher_refunded',
    });
  });

  it('reports a 500 as a retryable platform_unavailable', async () => {
    server.use(http.post(`${BASE}${KARIERMU_PATHS.completion(CODE)}`, () => HttpResponse.json({ error: 'internal' }, { status: 500 })));
    const err = (await adapter.reportCompletion(report).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { httpStatus: 500 } });
  });
});

describe('kariermu sandbox emit', () => {
  const emit = (body: unknown) => sandboxEmit(sim, body);

  it('applies the event and delivers the signed callback to the gateway', async () => {
    const { callback, delivered } = gatewayStub('https://gateway.test/v1/callbacks/kariermu', 200);
    sim = newSim({ callback });
    sim.state.addVoucher(simVoucher({ code: CODE }));
    const reviewedAt = new Date('2026-01-12T01:00:00Z');
    const res = await emit({ kind: 'review.submitted', voucherCode: CODE, rating: 5, review: 'Mantap', reviewedAt: reviewedAt.toISOString() });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { eventId: string; gatewayStatus: number };
    expect(answer.gatewayStatus).toBe(200);
    expect(await Promise.all(delivered.map((d) => adapter.verifyCallback(d)))).toEqual([{ eventId: answer.eventId, platformType: 'enrollment.reviewed', occurredAt: reviewedAt, event: { kind: 'review.submitted', voucherCode: CODE, rating: 5, review: 'Mantap', reviewedAt } }]);
    expect(sim.state.vouchers.get(CODE)).toMatchObject({ state: 'reviewed', review: { rating: 5, review: 'Mantap', reviewedAt } });
  });

  it('answers with the signed callback when no gateway is set, and refuses what Karier.mu cannot say', async () => {
    const res = await emit({ kind: 'voucher.refunded', voucherCode: CODE, at: new Date().toISOString() });
    const signed = (await res.json()) as SignedCallback;
    expect(Object.keys(signed.headers).sort()).toEqual(['content-type', 'x-kariermu-signature']);
    await expect(adapter.verifyCallback(asCallback(signed))).resolves.toMatchObject({ eventId: signed.eventId, event: { kind: 'voucher.refunded', voucherCode: CODE } });
    expect(sim.state.vouchers.get(CODE)!.state).toBe('refunded');
    expect(sim.state.vouchers.get(CODE)!.updatedAt).toBeInstanceOf(Date);

    expect((await emit({ kind: 'completion.accepted', voucherCode: CODE, at: new Date().toISOString() })).status).toBe(422);
    expect((await emit({ kind: 'voucher.expired', voucherCode: 'KMU-ZZZZZZZZ', at: new Date().toISOString() })).status).toBe(404);
    expect((await emit({ kind: 'voucher.expired', voucherCode: CODE })).status).toBe(400);
  });

  it('changes the state even when the gateway cannot be reached, and answers 502', async () => {
    sim = newSim({ callback: unreachableGateway('https://gateway.test/v1/callbacks/kariermu') });
    sim.state.addVoucher(simVoucher({ code: CODE }));
    const res = await emit({ kind: 'voucher.expired', voucherCode: CODE, at: new Date().toISOString() });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ eventId: expect.stringMatching(/^evt_/), error: 'gateway unreachable: connection refused' });
    expect(sim.state.vouchers.get(CODE)!.state).toBe('expired');
  });
});

describe('kariermu listing (listVouchers)', () => {
  const base = new Date('2026-03-01T00:00:00Z');
  const from = base;
  const to = new Date(base.getTime() + 25_000);
  const code = (i: number) => `KMU-LIST${String(i).padStart(4, '0')}`;

  beforeEach(() => {
    // Two share a timestamp, so the cursor must order by code as well as time.
    for (let i = 0; i < 25; i++) sim.state.addVoucher(simVoucher({ code: code(i), updatedAt: new Date(base.getTime() + Math.min(i, 23) * 1000) }));
    sim.state.addVoucher(simVoucher({ code: 'KMU-BEFORE01', updatedAt: new Date(base.getTime() - 1) }));
    sim.state.addVoucher(simVoucher({ code: 'KMU-ATEND001', updatedAt: to }));
  });

  it('pages through 25 vouchers 10 at a time, each exactly once, inside the window', async () => {
    const urls: URL[] = [];
    server.use(http.get(`${BASE}${KARIERMU_PATHS.vouchers}`, ({ request }) => (urls.push(new URL(request.url)), sim.app.fetch(request))));
    const { codes, sizes } = await pageAll(adapter, { from, to, limit: 10 });
    expect(sizes).toEqual([10, 10, 5]);
    expect(codes).toEqual(Array.from({ length: 25 }, (_, i) => code(i)));
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({ updatedFrom: '2026-03-01T00:00:00.000Z', updatedTo: '2026-03-01T00:00:25.000Z', limit: '10' });
    expect(urls[1].searchParams.get('cursor')).toBeTruthy();
  });

  it('does not skip a voucher when an earlier one changes between pages (keyset cursor)', async () => {
    const { codes } = await pageAll(adapter, { from, to, limit: 10 }, (page) => {
      // An already-listed voucher changes now and leaves the window; offsets would shift, keys do not.
      if (page === 1) sim.state.vouchers.get(code(0))!.updatedAt = new Date();
    });
    expect(codes.slice(10)).toEqual(Array.from({ length: 15 }, (_, i) => code(i + 10)));
  });

  it('refuses a cursor Karier.mu did not issue', async () => {
    await expect(adapter.listVouchers({ from, to, cursor: 'bogus' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { httpStatus: 400, platformCode: 'invalid_request' } });
  });
});
