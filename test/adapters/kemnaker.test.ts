import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEMNAKER_EVENT_TYPES, KEMNAKER_EVENTS } from '../../adapters/kemnaker/events.js';
import { createKemnakerAdapter } from '../../adapters/kemnaker/index.js';
import { createKemnakerSimulator } from '../../adapters/kemnaker/simulator.js';
import {
  gradeExternalId,
  KEMNAKER_CALLBACK_PATH,
  KEMNAKER_DEFAULT_CHANNEL_ID,
  KEMNAKER_PATHS,
  kemnakerRequest,
  kemnakerSignature,
  kemnakerStringToSign,
  minifyJson,
  randomExternalId,
  redeemExternalId,
} from '../../adapters/kemnaker/http.js';
import { KEMNAKER_STATUS_MAP, KEMNAKER_STATUSES } from '../../adapters/kemnaker/status.js';
import { formatSnapTimestamp, formatWibDateTime, parseWibDateTime } from '../../adapters/kemnaker/transformers.js';
import type { SignedCallback, SimCallbackEvent } from '../../adapters/shared/simulator-kit.js';
import { AdapterError, type AdapterContext, type CallbackRequest, type CanonicalEvent, type CompletionReport, type VerifiedCallback } from '../../adapters/types.js';
import { callbackRejection, callbackRequestTo, completionVerdicts, gatewayStub, pageAll, sandboxEmit, unreachableGateway } from '../support/adapter-tests.js';
import { forwardTo, mockNetwork } from '../support/msw.js';
import { simVoucher } from '../support/sim-data.js';

const BASE = 'https://kemnaker.sandbox.test';
const creds = { partnerId: 'PRAKERJA-GW-01', clientSecret: 'kemnaker-test-secret' };
const cfg = { baseUrl: BASE, ...creds };

/** Every request the adapter sent, as it left: the headers are the contract. */
let sent: Request[] = [];
const ctx: AdapterContext = {
  fetch: (i, init) => {
    if (i instanceof Request) sent.push(i.clone());
    return fetch(i, init);
  },
  timeoutMs: 500,
};

let sim = createKemnakerSimulator(creds);
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
const adapter = createKemnakerAdapter(cfg, ctx);

const redeemReq = { voucherCode: 'SK-2026-000001', cardNumber: '5201123456780001', participantName: 'Siti Rahmawati', participantEmail: 's@x.id', idempotencyKey: 'k1' };

beforeEach(() => {
  sent = [];
  sim = createKemnakerSimulator(creds);
  sim.state.addVoucher(simVoucher({ code: 'SK-2026-000001', buyerName: 'Siti Rahmawati' }));
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('kemnaker WIB date-time pair', () => {
  it('formats and parses dd-MM-yyyy HH:mm:ss in UTC+7', () => {
    expect(formatWibDateTime(new Date('2026-01-01T00:00:00Z'))).toBe('01-01-2026 07:00:00');
    expect(parseWibDateTime('01-01-2026 07:00:00')).toEqual(new Date('2026-01-01T00:00:00Z'));
    // WIB is already the next day (and year) from 17:00 UTC.
    expect(formatWibDateTime(new Date('2025-12-31T20:15:09Z'))).toBe('01-01-2026 03:15:09');
    expect(parseWibDateTime('01-01-2026 03:15:09')).toEqual(new Date('2025-12-31T20:15:09Z'));
    expect(parseWibDateTime('29-02-2028 00:00:00')).toEqual(new Date('2028-02-28T17:00:00Z'));
    expect(formatWibDateTime(new Date('2026-03-05T01:02:03.999Z'))).toBe('05-03-2026 08:02:03');
  });

  it('refuses text that is not exactly the format or names no real moment', () => {
    for (const bad of ['31-02-2026 10:00:00', '29-02-2027 00:00:00', '00-01-2026 10:00:00', '01-13-2026 10:00:00', '01-01-2026 24:00:00', '01-01-2026 10:60:00', '01-01-2026 10:00:60', '1-1-2026 07:00:00', '2026-01-01 07:00:00', '01-01-2026T07:00:00', '01-01-2026 07:00', ' 01-01-2026 07:00:00', '01-01-2026 07:00:00+07:00', '']) {
      expect(parseWibDateTime(bad), bad).toBeUndefined();
    }
  });

  it('round-trips any whole-second instant', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T16:59:59Z'), noInvalidDate: true }), (d) => {
        const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
        expect(parseWibDateTime(formatWibDateTime(whole))).toEqual(whole);
      }),
    );
  });

  it('writes X-TIMESTAMP as ISO-8601 with the +07:00 offset', () => {
    expect(formatSnapTimestamp(new Date('2026-01-01T00:00:00Z'))).toBe('2026-01-01T07:00:00+07:00');
    expect(formatSnapTimestamp(new Date('2025-12-31T17:00:00.500Z'))).toBe('2026-01-01T00:00:00+07:00');
    expect(Date.parse(formatSnapTimestamp(new Date('2026-06-30T12:34:56Z')))).toBe(Date.parse('2026-06-30T12:34:56Z'));
  });
});

describe('kemnaker adapter', () => {
  const path = KEMNAKER_PATHS.inquiry;
  const body = '{"voucherCode":"SK-2026-000001"}';
  const ts = '2026-01-01T07:00:00+07:00';
  // Computed independently:
  //   H=$(printf '%s' '{"voucherCode":"SK-2026-000001"}' | openssl dgst -sha256)
  //   printf 'POST:/snap/v1.0/prakerja/voucher/inquiry:%s:2026-01-01T07:00:00+07:00' "$H" | openssl dgst -sha512 -hmac kemnaker-test-secret -binary | openssl base64 -A
  const VECTOR = 'zPw75wcZ5FOj/QUl1TD57AZGysuvOrXRdquFObDGwbG3RVCSUQQoj/HcZwIi4BrfI0mbIGjuL6/bsYLFaT7KQA==';

  it('signs as SNAP BI symmetric: base64 HMAC-SHA512 over METHOD:path:sha256(minified body):timestamp (known vector)', async () => {
    expect(await kemnakerStringToSign('POST', path, body, ts)).toBe(`POST:${path}:b7088875a63e9efb6cfb1fc428fe483f9f5fc579bf9d101267192afbfaa319b0:${ts}`);
    // The exact vector is checked by the conformance suite (test/platforms/fixtures/kemnaker.ts).
    // Whitespace outside strings is not signed (SNAP minifies before hashing); anything else is.
    expect(await kemnakerSignature('kemnaker-test-secret', 'POST', path, '{ "voucherCode" : "SK-2026-000001" }\n', ts)).toBe(VECTOR);
    expect(await kemnakerSignature('kemnaker-test-secret', 'POST', path, '{"voucherCode":"SK-2026-000002"}', ts)).not.toBe(VECTOR);
  });

  it('builds requests with every SNAP header, signature matching the vector', async () => {
    const req = await kemnakerRequest(cfg, path, { voucherCode: 'SK-2026-000001' }, { externalId: '123', now: new Date('2026-01-01T00:00:00Z') });
    expect(req.method).toBe('POST');
    expect(req.body).toBe(body);
    expect(req.headers).toMatchObject({
      'x-timestamp': ts,
      'x-partner-id': 'PRAKERJA-GW-01',
      'x-external-id': '123',
      'channel-id': KEMNAKER_DEFAULT_CHANNEL_ID,
      'x-signature': VECTOR,
    });
    const withChannel = await kemnakerRequest({ ...cfg, channelId: '77001' }, path, {}, { externalId: '1', now: new Date() });
    expect(withChannel.headers['channel-id']).toBe('77001');
  });

  it('minifies only whitespace outside strings', () => {
    expect(minifyJson('{ "a" : "x y\\" z" ,\n\t"b": [1, 2] }')).toBe('{"a":"x y\\" z","b":[1,2]}');
  });

  it('is refused when one byte of the body or signature changes after signing', async () => {
    const signed = await kemnakerRequest(cfg, KEMNAKER_PATHS.redeem, { partnerReferenceNo: 'k9', voucherCode: 'SK-2026-000001', cardNumber: '5201123456780001', participantName: 'A', participantEmail: 'a@x.id' }, { externalId: '42', now: new Date() });
    const text = signed.body!;
    const headers = { ...signed.headers };

    const tamperedBody = text.replace('5201123456780001', '5201123456780002');
    expect(tamperedBody).not.toBe(text);
    const r1 = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers, body: tamperedBody }));
    expect(r1.status).toBe(401);
    expect(await r1.json()).toEqual({ responseCode: '4012600', responseMessage: 'Unauthorized. Signature' });

    const sig = headers['x-signature'];
    const r2 = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers: { ...headers, 'x-signature': (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) }, body: text }));
    expect(r2.status).toBe(401);

    const r3 = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers: { ...headers, 'x-partner-id': 'SOMEONE-ELSE' }, body: text }));
    expect(r3.status).toBe(401);

    // Nothing was redeemed by any of them; the untouched request still works.
    expect(sim.state.vouchers.get('SK-2026-000001')!.state).toBe('purchased');
    const ok = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers, body: text }));
    expect(ok.status).toBe(200);
  });

  it('accepts a re-indented body (SNAP minify) but not a re-signed path', async () => {
    const signed = await kemnakerRequest(cfg, path, { voucherCode: 'SK-2026-000001' }, { externalId: '7', now: new Date() });
    const headers = { ...signed.headers };
    const pretty = JSON.stringify({ voucherCode: 'SK-2026-000001' }, null, 2);
    expect((await sim.app.fetch(new Request(signed.url, { method: 'POST', headers, body: pretty }))).status).toBe(200);
    const other = await sim.app.fetch(new Request(`${BASE}${KEMNAKER_PATHS.redeem}`, { method: 'POST', headers: { ...headers, 'x-external-id': '8' }, body: pretty }));
    expect(other.status).toBe(401);
  });

  it('refuses a stale X-TIMESTAMP (±5 min) as auth_failed', async () => {
    sim = createKemnakerSimulator(creds, sim.state, () => new Date(Date.now() + 6 * 60_000));
    const err = (await adapter.getVoucher('SK-2026-000001').catch((e) => e)) as AdapterError;
    expect(err).toMatchObject({ kind: 'auth_failed', retryable: false, detail: { httpStatus: 401, platformCode: '4012600' } });
    expect(err.message).toContain('X-TIMESTAMP');
    sim = createKemnakerSimulator(creds, sim.state, () => new Date(Date.now() + 4 * 60_000));
    await expect(adapter.getVoucher('SK-2026-000001')).resolves.toMatchObject({ code: 'SK-2026-000001' });
  });

  it('is refused by the platform when the secret is wrong', async () => {
    const bad = createKemnakerAdapter({ ...cfg, clientSecret: 'wrong' }, ctx);
    await expect(bad.getVoucher('SK-2026-000001')).rejects.toMatchObject({ kind: 'auth_failed', detail: { platformCode: '4012600' } });
  });

  it('answers a missing SNAP header with 400xx02', async () => {
    const signed = await kemnakerRequest(cfg, path, { voucherCode: 'SK-2026-000001' }, { externalId: '9', now: new Date() });
    const headers = new Headers(signed.headers);
    headers.delete('channel-id');
    const res = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers, body: signed.body }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ responseCode: '4002602', responseMessage: 'Invalid Mandatory Field [CHANNEL-ID]' });
  });

  it('reads a voucher into canonical form: upper-case name, WIB dates, Indonesian status', async () => {
    const v = await adapter.getVoucher('SK-2026-000001');
    expect(v).toMatchObject({ platform: 'kemnaker', code: 'SK-2026-000001', state: 'purchased', platformStatus: 'Dibayar', buyerName: 'SITI RAHMAWATI', buyerEmail: 'siti@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', cardNumber: '5201123456780001' });
    const seeded = sim.state.vouchers.get('SK-2026-000001')!;
    expect(v!.purchasedAt.getTime()).toBe(Math.floor(seeded.purchasedAt.getTime() / 1000) * 1000);
    expect(v!.expiresAt.getTime()).toBe(Math.floor(seeded.expiresAt.getTime() / 1000) * 1000);
    expect(v!.redeemedAt).toBeUndefined();
  });

  it('maps every Indonesian status word through the exhaustive table (Lulus = certified)', async () => {
    expect(Object.keys(KEMNAKER_STATUS_MAP).sort()).toEqual([...KEMNAKER_STATUSES].sort());
    const expected = { purchased: 'Dibayar', redeemed: 'Diterima', in_progress: 'Aktif', completed: 'Selesai', failed: 'Tidak Lulus', certified: 'Lulus', expired: 'Kedaluwarsa', refunded: 'Dikembalikan', revoked: 'Dibatalkan' } as const;
    for (const [state, word] of Object.entries(expected)) {
      sim.state.addVoucher(simVoucher({ code: 'SK-2026-000009', state: state as keyof typeof expected }));
      expect(await adapter.getVoucher('SK-2026-000009')).toMatchObject({ state, platformStatus: word });
    }
    // Kemnaker has no review step: a reviewed enrollment still reads as Selesai there.
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000009', state: 'reviewed' }));
    expect(await adapter.getVoucher('SK-2026-000009')).toMatchObject({ state: 'completed', platformStatus: 'Selesai' });
  });

  it('answers null for an unknown voucher', async () => {
    expect(await adapter.getVoucher('SK-2026-999999')).toBeNull();
  });

  it('does not take a 404 without Kemnaker\'s not-found code for "voucher not found"', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('Not Found', { status: 404 })));
    await expect(adapter.getVoucher('SK-2026-000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('sends a fresh numeric X-EXTERNAL-ID on every read', async () => {
    await adapter.getVoucher('SK-2026-000001');
    await adapter.getVoucher('SK-2026-000001');
    const ids = sent.map((r) => r.headers.get('x-external-id')!);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^[0-9]{1,36}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(new Set(Array.from({ length: 200 }, randomExternalId)).size).toBe(200);
  });

  it('derives the redeem X-EXTERNAL-ID from the idempotency key', async () => {
    const a = await redeemExternalId('k1');
    expect(a).toMatch(/^[0-9]{36}$/);
    expect(await redeemExternalId('k1')).toBe(a);
    expect(await redeemExternalId('k2')).not.toBe(a);
  });

  it('redeems once; a repeat with the same idempotency key replays, a new key is refused', async () => {
    const first = await adapter.redeemVoucher(redeemReq);
    expect(first.platformReference).toBe('SK-RDM-SK-2026-000001');
    expect(first.redeemedAt.getMilliseconds()).toBe(0);
    await expect(adapter.redeemVoucher(redeemReq)).resolves.toEqual(first);
    const [a, b] = sent.map((r) => r.headers.get('x-external-id'));
    expect(a).toBe(await redeemExternalId('k1'));
    expect(b).toBe(a);
    await expect(adapter.redeemVoucher({ ...redeemReq, idempotencyKey: 'k2' })).rejects.toMatchObject({ kind: 'voucher_already_redeemed', retryable: false, detail: { httpStatus: 409, platformCode: '4092602' } });
    expect(sim.state.appliedCount('/voucher/redeem')).toBe(1);
    expect(sim.state.received.filter((r) => r.path.endsWith('/redeem')).map((r) => r.applied)).toEqual([true, false, false]);
    const v = await adapter.getVoucher('SK-2026-000001');
    expect(v).toMatchObject({ state: 'redeemed', platformStatus: 'Diterima' });
    expect(v!.redeemedAt).toEqual(first.redeemedAt);
  });

  it('refuses a reused X-EXTERNAL-ID with a different body as a 409 Conflict', async () => {
    await adapter.redeemVoucher(redeemReq);
    const err = (await adapter.redeemVoucher({ ...redeemReq, participantEmail: 'other@x.id' }).catch((e) => e)) as AdapterError;
    expect(err).toMatchObject({ kind: 'invalid_request', retryable: false, detail: { httpStatus: 409, platformCode: '4092600' } });
    expect(sim.state.appliedCount('/voucher/redeem')).toBe(1);
  });

  it('lets a refused redemption be corrected and resent under the same key', async () => {
    await expect(adapter.redeemVoucher({ ...redeemReq, cardNumber: '5201000000000000' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { platformCode: '4042611' } });
    await expect(adapter.redeemVoucher(redeemReq)).resolves.toMatchObject({ platformReference: 'SK-RDM-SK-2026-000001' });
  });

  it('maps Kemnaker refusals through its responseCode table', async () => {
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000004', state: 'refunded' }));
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'SK-2026-000004', idempotencyKey: 'r4' })).rejects.toMatchObject({ kind: 'voucher_refunded', detail: { platformCode: '4042604' } });
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000005', expiresAt: new Date(Date.now() - 1000) }));
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'SK-2026-000005', idempotencyKey: 'r5' })).rejects.toMatchObject({ kind: 'voucher_expired', detail: { httpStatus: 403, platformCode: '4032600' } });
    await expect(adapter.redeemVoucher({ ...redeemReq, voucherCode: 'SK-2026-999999', idempotencyKey: 'r6' })).rejects.toMatchObject({ kind: 'voucher_not_found', detail: { platformCode: '4042601' } });
  });

  it('maps 503 with Retry-After to a retryable platform_unavailable', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('down', { status: 503, headers: { 'retry-after': '7' } })));
    const err = (await adapter.getVoucher('SK-2026-000001').catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err.kind).toBe('platform_unavailable');
    expect(err.detail).toMatchObject({ retryable: true, retryAfterMs: 7000, httpStatus: 503 });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ responseCode: '2002600', responseMessage: 'Successful', voucherData: { voucherCode: 'SK-2026-000001', status: 'Aneh' } })));
    await expect(adapter.getVoucher('SK-2026-000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('treats an impossible or ISO date as a contract break', async () => {
    for (const purchaseDate of ['31-02-2026 10:00:00', '2026-01-01T00:00:00Z']) {
      server.use(http.post(`${BASE}/*`, async ({ request }) => {
        const ok = (await (await sim.app.fetch(request)).json()) as { voucherData: object };
        return HttpResponse.json({ ...ok, voucherData: { ...ok.voucherData, purchaseDate } });
      }));
      await expect(adapter.getVoucher('SK-2026-000001'), purchaseDate).rejects.toMatchObject({ kind: 'unexpected_response' });
    }
  });

  it('does not accept HTTP 200 carrying a failure responseCode', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ responseCode: '4042601', responseMessage: 'Transaction Not Found' })));
    await expect(adapter.getVoucher('SK-2026-000001')).rejects.toMatchObject({ kind: 'unexpected_response' });
  });

  it('does not trust a responseCode that contradicts the HTTP status', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ responseCode: '4092602', responseMessage: 'Voucher Already Redeemed' }, { status: 400 })));
    await expect(adapter.redeemVoucher(redeemReq)).rejects.toMatchObject({ kind: 'unexpected_response', detail: { platformCode: '4092602' } });
  });

  it('treats a responseCode missing from the table as unexpected', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ responseCode: '4032605', responseMessage: 'New Rule' }, { status: 403 })));
    await expect(adapter.redeemVoucher(redeemReq)).rejects.toMatchObject({ kind: 'unexpected_response', detail: { platformCode: '4032605' } });
  });

  it('recognises Kemnaker voucher codes', () => {
    expect(adapter.voucherCodePattern.test('SK-2026-000001')).toBe(true);
    expect(adapter.voucherCodePattern.test('SK-26-000001')).toBe(false);
    expect(adapter.voucherCodePattern.test('BL0123456789')).toBe(false);
  });
});

/* ------------------------------------------------------------------------------------------ */

const asCallback = callbackRequestTo(KEMNAKER_CALLBACK_PATH);

describe('kemnaker notifications (verifyCallback)', () => {
  // Computed independently with openssl:
  //   BODY='{"jenisEvent":"NILAI_DITERIMA","data":{"voucherCode":"SK-2026-000001","referenceNo":"SK-NLI-1","tanggalDiterima":"02-01-2026 09:30:00"}}'
  //   H=$(printf '%s' "$BODY" | openssl dgst -sha256 | sed 's/^.*= //')
  //   printf 'POST:/v1/callbacks/kemnaker:%s:2026-01-02T09:30:05+07:00' "$H" | openssl dgst -sha512 -hmac kemnaker-test-secret -binary | openssl base64 -A
  const BODY = '{"jenisEvent":"NILAI_DITERIMA","data":{"voucherCode":"SK-2026-000001","referenceNo":"SK-NLI-1","tanggalDiterima":"02-01-2026 09:30:00"}}';
  const TS = '2026-01-02T09:30:05+07:00';
  const VECTOR = 'z+bHaLRY/j4omPLRg9VXxtcl4apTdTHflWkFsdwHhjj8JHqXqMPjlveLiuxK7IXWlnqqGt4ikhAJTdQAhxdv9Q==';
  const vectorHeaders = { 'x-timestamp': TS, 'x-partner-id': creds.partnerId, 'x-external-id': '900000000000000000000000000000000001', 'x-signature': VECTOR };
  const vectorRequest = (over: Partial<CallbackRequest> = {}): CallbackRequest => ({
    path: '/v1/callbacks/kemnaker',
    headers: new Headers(vectorHeaders),
    rawBody: BODY,
    receivedAt: new Date('2026-01-02T02:31:00Z'),
    ...over,
  });

  it('accepts the openssl vector and translates NILAI_DITERIMA', async () => {
    expect(await kemnakerSignature(creds.clientSecret, 'POST', '/v1/callbacks/kemnaker', BODY, TS)).toBe(VECTOR);
    const v = await adapter.verifyCallback(vectorRequest());
    expect(v).toEqual({
      eventId: '900000000000000000000000000000000001',
      platformType: 'NILAI_DITERIMA',
      occurredAt: new Date('2026-01-02T02:30:00Z'),
      event: { kind: 'completion.accepted', voucherCode: 'SK-2026-000001', at: new Date('2026-01-02T02:30:00Z') },
    } satisfies VerifiedCallback);
    // Re-indenting is not a change (SNAP minifies before hashing).
    await expect(adapter.verifyCallback(vectorRequest({ rawBody: JSON.stringify(JSON.parse(BODY), null, 2) }))).resolves.toMatchObject({ platformType: 'NILAI_DITERIMA' });
  });

  it('refuses a body with one byte changed, a changed signature or another path', async () => {
    const tampered = BODY.replace('09:30:00', '09:30:01');
    expect(tampered).not.toBe(BODY);
    expect((await callbackRejection(adapter.verifyCallback(vectorRequest({ rawBody: tampered })))).reason).toBe('bad_signature');
    const sig = new Headers(vectorHeaders);
    sig.set('x-signature', (VECTOR[0] === 'A' ? 'B' : 'A') + VECTOR.slice(1));
    expect((await callbackRejection(adapter.verifyCallback(vectorRequest({ headers: sig })))).reason).toBe('bad_signature');
    expect((await callbackRejection(adapter.verifyCallback(vectorRequest({ path: '/v1/callbacks/tokopedia' })))).reason).toBe('bad_signature');
  });

  it('refuses a notification for another X-PARTNER-ID, even when correctly signed', async () => {
    const other = createKemnakerSimulator({ partnerId: 'SOMEONE-ELSE', clientSecret: creds.clientSecret });
    const signed = await other.callback({ kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at: new Date() });
    const r = await callbackRejection(adapter.verifyCallback(asCallback(signed)));
    expect(r.reason).toBe('bad_signature');
    expect(r.message).toContain('X-PARTNER-ID');
  });

  it('refuses an X-TIMESTAMP more than 5 minutes from receipt, either way', async () => {
    const received = new Date('2026-01-02T02:30:05Z');
    for (const skew of [6 * 60_000, -6 * 60_000]) {
      const r = await callbackRejection(adapter.verifyCallback(vectorRequest({ receivedAt: new Date(received.getTime() + skew) })));
      expect(r.reason).toBe('stale_timestamp');
    }
    for (const skew of [4 * 60_000, -4 * 60_000]) await expect(adapter.verifyCallback(vectorRequest({ receivedAt: new Date(received.getTime() + skew) }))).resolves.toBeDefined();
    // The simulator's own clock, signing 6 minutes ago: the same rule.
    const stale = await sim.callback({ kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at: new Date() }, { at: new Date(Date.now() - 6 * 60_000) });
    expect((await callbackRejection(adapter.verifyCallback(asCallback(stale)))).reason).toBe('stale_timestamp');
  });

  it('refuses a notification missing any of its headers', async () => {
    for (const name of ['x-timestamp', 'x-partner-id', 'x-external-id', 'x-signature']) {
      const headers = new Headers(vectorHeaders);
      headers.delete(name);
      const r = await callbackRejection(adapter.verifyCallback(vectorRequest({ headers })));
      expect(r.reason, name).toBe('missing_signature');
      // Header names are case-insensitive; the refusal names the one that is missing.
      expect(r.message).toContain(`lacks ${name.toLowerCase()} `);
    }
  });

  it('calls a signed but unparseable body, timestamp or event data malformed', async () => {
    const signedRaw = async (rawBody: string, timestamp = formatSnapTimestamp(new Date())) =>
      adapter.verifyCallback({
        path: KEMNAKER_CALLBACK_PATH,
        headers: new Headers({ 'x-timestamp': timestamp, 'x-partner-id': creds.partnerId, 'x-external-id': '1', 'x-signature': await kemnakerSignature(creds.clientSecret, 'POST', KEMNAKER_CALLBACK_PATH, rawBody, timestamp) }),
        rawBody,
        receivedAt: new Date(),
      });
    expect((await callbackRejection(signedRaw('{"jenisEvent":'))).reason).toBe('malformed');
    expect((await callbackRejection(signedRaw('{"data":{}}'))).reason).toBe('malformed');
    expect((await callbackRejection(signedRaw('{"jenisEvent":"ULASAN","data":{"voucherCode":"SK-2026-000001","rating":9,"ulasan":"x","tanggalUlasan":"02-01-2026 09:30:00"}}'))).reason).toBe('malformed');
    expect((await callbackRejection(signedRaw('{"jenisEvent":"PENGEMBALIAN_DANA","data":{"voucherCode":"SK-2026-000001","tanggalPengembalian":"2026-01-02T09:30:00Z"}}'))).reason).toBe('malformed');
    expect((await callbackRejection(signedRaw('{"jenisEvent":"X","data":{}}', '02-01-2026 09:30:00'))).reason).toBe('malformed');
  });

  it('passes an event word it does not know through as unknown, not as an error', async () => {
    const signed = await sim.callback({ kind: 'raw', platformType: 'SERTIFIKAT_DICETAK', payload: { voucherCode: 'SK-2026-000001' } });
    const v = await adapter.verifyCallback(asCallback(signed));
    expect(v).toMatchObject({ eventId: signed.eventId, platformType: 'SERTIFIKAT_DICETAK', event: { kind: 'unknown', platformType: 'SERTIFIKAT_DICETAK' } });
    expect(JSON.parse(signed.body)).toEqual({ jenisEvent: 'SERTIFIKAT_DICETAK', data: { voucherCode: 'SK-2026-000001' } });
    // Words that happen to be Object.prototype members are still just unknown words.
    const proto = await sim.callback({ kind: 'raw', platformType: 'constructor', payload: {} });
    expect((await adapter.verifyCallback(asCallback(proto))).event).toEqual({ kind: 'unknown', platformType: 'constructor' });
  });

  it('has one table with a distinct canonical event for every word', () => {
    expect(KEMNAKER_EVENT_TYPES.sort()).toEqual(['NILAI_DITERIMA', 'NILAI_DITOLAK', 'PEMBELIAN', 'PENGEMBALIAN_DANA', 'ULASAN', 'VOUCHER_KEDALUWARSA']);
    const kinds = KEMNAKER_EVENT_TYPES.map((w) => KEMNAKER_EVENTS[w].kind);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  it('translates every mapped event word into its canonical event', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const voucher = simVoucher({ code: 'SK-2026-000077', buyerName: 'Budi Santoso', purchasedAt: at, expiresAt: new Date('2026-02-01T03:04:05Z') });
    const cases: Array<[SimCallbackEvent, string, CanonicalEvent]> = [
      [
        { kind: 'purchase.made', voucher },
        'PEMBELIAN',
        {
          kind: 'purchase.made',
          voucher: {
            platform: 'kemnaker', code: 'SK-2026-000077', state: 'purchased', platformStatus: 'Dibayar', cardNumber: voucher.cardNumber, buyerName: 'BUDI SANTOSO', buyerEmail: voucher.buyerEmail,
            courseId: voucher.courseId, providerId: voucher.providerId, purchasedAt: at, expiresAt: new Date('2026-02-01T03:04:05Z'), redeemedAt: undefined,
          },
        },
      ],
      [{ kind: 'review.submitted', voucherCode: 'SK-2026-000001', rating: 5, review: 'Sangat bermanfaat', reviewedAt: at }, 'ULASAN', { kind: 'review.submitted', voucherCode: 'SK-2026-000001', rating: 5, review: 'Sangat bermanfaat', reviewedAt: at }],
      [{ kind: 'completion.accepted', voucherCode: 'SK-2026-000001', at }, 'NILAI_DITERIMA', { kind: 'completion.accepted', voucherCode: 'SK-2026-000001', at }],
      [{ kind: 'completion.rejected', voucherCode: 'SK-2026-000001', reason: 'Nilai tidak sesuai jadwal', at }, 'NILAI_DITOLAK', { kind: 'completion.rejected', voucherCode: 'SK-2026-000001', reason: 'Nilai tidak sesuai jadwal', at }],
      [{ kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at }, 'VOUCHER_KEDALUWARSA', { kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at }],
      [{ kind: 'voucher.refunded', voucherCode: 'SK-2026-000001', at }, 'PENGEMBALIAN_DANA', { kind: 'voucher.refunded', voucherCode: 'SK-2026-000001', at }],
    ];
    for (const [sent, word, expected] of cases) {
      const signed = await sim.callback(sent);
      expect(JSON.parse(signed.body).jenisEvent).toBe(word);
      const v = await adapter.verifyCallback(asCallback(signed));
      expect(v, word).toEqual({ eventId: signed.eventId, platformType: word, occurredAt: at, event: expected });
    }
  });
});

describe('kemnaker grade (reportCompletion)', () => {
  const completedAt = new Date('2026-01-10T08:15:30.250Z');
  const report: CompletionReport = {
    enrollmentId: 'enr-1',
    voucherCode: 'SK-2026-000001',
    cardNumber: '5201123456780001',
    participantName: 'Siti Rahmawati',
    courseId: 'CRS-EXCEL-01',
    outcome: 'passed',
    score: 87.5,
    completedAt,
    certificate: { number: 'CERT-2026-0001', issuedAt: completedAt, url: 'https://lp.example/cert/1.pdf', sha256: 'ab'.repeat(32) },
    idempotencyKey: 'completion:enr-1',
  };

  beforeEach(async () => {
    await adapter.redeemVoucher(redeemReq);
    sent = [];
  });

  it('enters the grade in Sisnaker once; a redelivery under the same key replays the first answer', async () => {
    const first = await adapter.reportCompletion(report);
    expect(first.reference).toMatch(/^SK-NLI-SK-2026-000001-/);
    await expect(adapter.reportCompletion(report)).resolves.toEqual(first);

    expect(sent.map((r) => new URL(r.url).pathname)).toEqual([KEMNAKER_PATHS.grade, KEMNAKER_PATHS.grade]);
    const ids = sent.map((r) => r.headers.get('x-external-id'));
    expect(ids[0]).toBe(await gradeExternalId('completion:enr-1'));
    expect(ids[1]).toBe(ids[0]);
    expect(ids[0]).not.toBe(await redeemExternalId('completion:enr-1'));
    expect(JSON.parse(await sent[0].text())).toEqual({
      partnerReferenceNo: 'completion:enr-1',
      voucherCode: 'SK-2026-000001',
      nilai: 87.5,
      hasil: 'LULUS',
      tanggalSelesai: '10-01-2026 15:15:30',
      nomorSertifikat: 'CERT-2026-0001',
    });

    expect(sim.state.appliedCount('/prakerja/grade')).toBe(1);
    expect(sim.state.received.filter((r) => r.path === KEMNAKER_PATHS.grade).map((r) => r.applied)).toEqual([true, false]);
    const v = sim.state.vouchers.get('SK-2026-000001')!;
    expect(v.state).toBe('completed');
    expect(v.completion).toEqual({ outcome: 'passed', score: 87.5, completedAt: new Date('2026-01-10T08:15:30Z'), certificateNumber: 'CERT-2026-0001' });
    // Pending: Sisnaker decides later.
    expect(sim.gradeDecisions.has('SK-2026-000001')).toBe(false);
    await expect(adapter.getVoucher('SK-2026-000001')).resolves.toMatchObject({ state: 'completed', platformStatus: 'Selesai' });
  });

  it('sends a failed outcome as TIDAK LULUS without a certificate number', async () => {
    await adapter.reportCompletion({ ...report, outcome: 'failed', score: 40, certificate: undefined, idempotencyKey: 'completion:enr-1:f' });
    const body = JSON.parse(await sent[0].text());
    expect(body).toMatchObject({ hasil: 'TIDAK LULUS', nilai: 40 });
    expect(body).not.toHaveProperty('nomorSertifikat');
    expect(sim.state.vouchers.get('SK-2026-000001')).toMatchObject({ state: 'failed', completion: { outcome: 'failed', score: 40 } });
  });

  it('maps a grade for an unredeemed, unknown or already graded voucher through the responseCode table', async () => {
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000002' }));
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'SK-2026-000002', idempotencyKey: 'c2' })).rejects.toMatchObject({
      kind: 'invalid_request',
      retryable: false,
      detail: { httpStatus: 403, platformCode: '4032615' },
    });
    await expect(adapter.reportCompletion({ ...report, voucherCode: 'SK-2026-999999', idempotencyKey: 'c3' })).rejects.toMatchObject({ kind: 'voucher_not_found', detail: { platformCode: '4042601' } });
    await adapter.reportCompletion(report);
    await expect(adapter.reportCompletion({ ...report, idempotencyKey: 'another-key' })).rejects.toMatchObject({ kind: 'invalid_request', detail: { httpStatus: 409, platformCode: '4092603' } });
    expect(sim.state.vouchers.get('SK-2026-000002')!.state).toBe('purchased');
  });

  it('takes a grade only for a voucher redeemed and not yet graded', async () => {
    expect(await completionVerdicts(sim.state, adapter, report, (_, i) => `SK-2026-${String(300 + i).padStart(6, '0')}`)).toEqual({
      purchased: '403 4032615',
      redeemed: 'accepted',
      in_progress: 'accepted',
      completed: '409 4092603',
      failed: '409 4092603',
      reviewed: '409 4092603',
      certified: '409 4092603',
      reported: '409 4092603',
      expired: '403 4032615',
      refunded: '404 4042604',
      revoked: '404 4042604',
    });
  });

  it('reports a 500 as a retryable platform_unavailable', async () => {
    server.use(http.post(`${BASE}${KEMNAKER_PATHS.grade}`, () => HttpResponse.json({ responseCode: '5002600', responseMessage: 'General Error' }, { status: 500 })));
    const err = (await adapter.reportCompletion(report).catch((e) => e)) as AdapterError;
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { httpStatus: 500 } });
  });

  it('is accepted the next day through a NILAI_DITERIMA notification to the gateway', async () => {
    const { callback, delivered } = gatewayStub('https://gateway.test/v1/callbacks/kemnaker', 204);
    sim = createKemnakerSimulator(creds, sim.state, undefined, { callback });
    const receipt = await adapter.reportCompletion(report);
    const acceptedAt = new Date('2026-01-11T02:00:00Z');
    const res = await sandboxEmit(sim, { kind: 'completion.accepted', voucherCode: 'SK-2026-000001', at: acceptedAt.toISOString() });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { eventId: string; gatewayStatus: number };
    expect(answer.gatewayStatus).toBe(204);
    expect(await Promise.all(delivered.map((d) => adapter.verifyCallback(d)))).toEqual([{ eventId: answer.eventId, platformType: 'NILAI_DITERIMA', occurredAt: acceptedAt, event: { kind: 'completion.accepted', voucherCode: 'SK-2026-000001', at: acceptedAt } }]);
    expect(sim.gradeDecisions.get('SK-2026-000001')).toEqual({ decision: 'accepted', at: acceptedAt });
    expect(sim.state.vouchers.get('SK-2026-000001')!.state).toBe('completed');
    expect(receipt.reference).toMatch(/^SK-NLI-/);
  });

  it('takes a new grade after Sisnaker rejects one, with the reason in NILAI_DITOLAK', async () => {
    await adapter.reportCompletion(report);
    const res = await sandboxEmit(sim, { kind: 'completion.rejected', voucherCode: 'SK-2026-000001', reason: 'Tanggal selesai sebelum jadwal', at: new Date().toISOString() });
    const signed = (await res.json()) as SignedCallback;
    const v = await adapter.verifyCallback(asCallback(signed));
    expect(v.event).toMatchObject({ kind: 'completion.rejected', voucherCode: 'SK-2026-000001', reason: 'Tanggal selesai sebelum jadwal' });
    await expect(adapter.reportCompletion({ ...report, score: 90, idempotencyKey: 'completion:enr-1:2' })).resolves.toMatchObject({ reference: expect.stringMatching(/^SK-NLI-/) });
    expect(sim.state.vouchers.get('SK-2026-000001')!.completion!.score).toBe(90);
  });
});

describe('kemnaker sandbox emit', () => {
  it('applies the event, bumps updatedAt and answers with the signed notification when no gateway is set', async () => {
    const before = new Date(Date.now() - 1000);
    const reviewedAt = new Date('2026-01-12T01:00:00Z');
    const res = await sandboxEmit(sim, { kind: 'review.submitted', voucherCode: 'SK-2026-000001', rating: 4, review: 'Bagus', reviewedAt: reviewedAt.toISOString() });
    expect(res.status).toBe(200);
    const signed = (await res.json()) as SignedCallback;
    expect(Object.keys(signed.headers).sort()).toEqual(['content-type', 'x-external-id', 'x-partner-id', 'x-signature', 'x-timestamp']);
    expect(signed.headers['x-external-id']).toBe(signed.eventId);
    expect(await adapter.verifyCallback(asCallback(signed))).toMatchObject({ platformType: 'ULASAN', event: { kind: 'review.submitted', rating: 4, review: 'Bagus', reviewedAt } });
    const v = sim.state.vouchers.get('SK-2026-000001')!;
    expect(v).toMatchObject({ state: 'reviewed', review: { rating: 4, review: 'Bagus', reviewedAt } });
    expect(v.updatedAt!.getTime()).toBeGreaterThan(before.getTime());
  });

  it('adds a purchased voucher, marks refunds and expiries', async () => {
    const purchasedAt = new Date('2026-01-01T00:00:00Z');
    const voucher = { ...simVoucher({ code: 'SK-2026-000050' }), purchasedAt: purchasedAt.toISOString(), expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    const emit = (body: unknown) => sandboxEmit(sim, body);
    expect((await emit({ kind: 'purchase.made', voucher })).status).toBe(200);
    expect(sim.state.vouchers.get('SK-2026-000050')).toMatchObject({ state: 'purchased', purchasedAt });
    expect((await emit({ kind: 'voucher.refunded', voucherCode: 'SK-2026-000050', at: new Date().toISOString() })).status).toBe(200);
    expect(sim.state.vouchers.get('SK-2026-000050')!.state).toBe('refunded');
    expect((await emit({ kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at: new Date().toISOString() })).status).toBe(200);
    expect(sim.state.vouchers.get('SK-2026-000001')!.state).toBe('expired');
    expect((await emit({ kind: 'voucher.expired', voucherCode: 'SK-2026-999999', at: new Date().toISOString() })).status).toBe(404);
    expect((await emit({ kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at: 'yesterday' })).status).toBe(400);
    expect((await emit({ kind: 'nonsense' })).status).toBe(400);
  });

  it('changes the state even when the gateway cannot be reached, and answers 502', async () => {
    sim = createKemnakerSimulator(creds, sim.state, undefined, { callback: unreachableGateway('https://gateway.test/v1/callbacks/kemnaker') });
    const res = await sandboxEmit(sim, { kind: 'voucher.expired', voucherCode: 'SK-2026-000001', at: new Date().toISOString() });
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ eventId: expect.stringMatching(/^\d+$/), error: 'gateway unreachable: connection refused' });
    expect(sim.state.vouchers.get('SK-2026-000001')!.state).toBe('expired');
  });
});

describe('kemnaker listing (listVouchers)', () => {
  const base = new Date('2026-03-01T00:00:00Z');
  const from = base;
  const to = new Date(base.getTime() + 25_000);
  const code = (i: number) => `SK-2026-${String(100 + i).padStart(6, '0')}`;

  beforeEach(() => {
    for (let i = 0; i < 25; i++) sim.state.addVoucher(simVoucher({ code: code(i), updatedAt: new Date(base.getTime() + i * 1000) }));
    // Just outside [from, to): one a second early, one exactly at `to`.
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000098', updatedAt: new Date(base.getTime() - 1000) }));
    sim.state.addVoucher(simVoucher({ code: 'SK-2026-000099', updatedAt: to }));
  });

  it('pages through 25 vouchers 10 at a time, each exactly once, inside the window', async () => {
    const { codes, sizes } = await pageAll(adapter, { from, to, limit: 10 });
    expect(sizes).toEqual([10, 10, 5]);
    expect(codes).toEqual(Array.from({ length: 25 }, (_, i) => code(i)));
    expect(JSON.parse(await sent[0].text())).toEqual({ startDate: '01-03-2026 07:00:00', endDate: '01-03-2026 07:00:25', pageNo: 1, pageSize: 10 });
    expect(JSON.parse(await sent[2].text())).toMatchObject({ pageNo: 3, pageSize: 10 });
  });

  it('answers an empty window with no cursor', async () => {
    await expect(adapter.listVouchers({ from: new Date('2020-01-01T00:00:00Z'), to: new Date('2020-01-02T00:00:00Z') })).resolves.toEqual({ items: [], nextCursor: undefined });
  });

  it('refuses a cursor from another window or one it did not issue', async () => {
    const first = await adapter.listVouchers({ from, to, limit: 10 });
    await expect(adapter.listVouchers({ from, to: new Date(to.getTime() + 1000), cursor: first.nextCursor })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(adapter.listVouchers({ from, to, cursor: 'not-a-cursor' })).rejects.toMatchObject({ kind: 'invalid_request' });
  });
});
