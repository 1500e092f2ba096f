import fc from 'fast-check';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKemnakerAdapter } from '../../adapters/kemnaker/index.js';
import { createKemnakerSimulator } from '../../adapters/kemnaker/simulator.js';
import {
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
import { AdapterError, type AdapterContext } from '../../adapters/types.js';
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
    expect(await kemnakerSignature('kemnaker-test-secret', 'POST', path, body, ts)).toBe(VECTOR);
    // Whitespace outside strings is not signed (SNAP minifies before hashing); anything else is.
    expect(await kemnakerSignature('kemnaker-test-secret', 'POST', path, '{ "voucherCode" : "SK-2026-000001" }\n', ts)).toBe(VECTOR);
    expect(await kemnakerSignature('kemnaker-test-secret', 'POST', path, '{"voucherCode":"SK-2026-000002"}', ts)).not.toBe(VECTOR);
  });

  it('builds requests with every SNAP header, signature matching the vector', async () => {
    const req = await kemnakerRequest(cfg, path, { voucherCode: 'SK-2026-000001' }, { externalId: '123', now: new Date('2026-01-01T00:00:00Z') });
    expect(req.method).toBe('POST');
    expect(await req.clone().text()).toBe(body);
    expect(Object.fromEntries(req.headers)).toMatchObject({
      'x-timestamp': ts,
      'x-partner-id': 'PRAKERJA-GW-01',
      'x-external-id': '123',
      'channel-id': KEMNAKER_DEFAULT_CHANNEL_ID,
      'x-signature': VECTOR,
    });
    const withChannel = await kemnakerRequest({ ...cfg, channelId: '77001' }, path, {}, { externalId: '1', now: new Date() });
    expect(withChannel.headers.get('channel-id')).toBe('77001');
  });

  it('minifies only whitespace outside strings', () => {
    expect(minifyJson('{ "a" : "x y\\" z" ,\n\t"b": [1, 2] }')).toBe('{"a":"x y\\" z","b":[1,2]}');
  });

  it('is refused when one byte of the body or signature changes after signing', async () => {
    const signed = await kemnakerRequest(cfg, KEMNAKER_PATHS.redeem, { partnerReferenceNo: 'k9', voucherCode: 'SK-2026-000001', cardNumber: '5201123456780001', participantName: 'A', participantEmail: 'a@x.id' }, { externalId: '42', now: new Date() });
    const text = await signed.clone().text();
    const headers = Object.fromEntries(signed.headers);

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
    const headers = Object.fromEntries(signed.headers);
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
    const res = await sim.app.fetch(new Request(signed.url, { method: 'POST', headers, body: await signed.text() }));
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

  it('times out a platform that does not answer', async () => {
    server.use(http.post(`${BASE}/*`, async () => { await new Promise((r) => setTimeout(r, 2000)); return HttpResponse.json({}); }));
    await expect(adapter.getVoucher('SK-2026-000001')).rejects.toMatchObject({ kind: 'timeout', retryable: true });
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
