import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lookupFailure, PRAKERJA_FAILURES } from '../../adapters/prakerja/errors.js';
import { PRAKERJA_PATHS, prakerjaRequest, prakerjaSignature } from '../../adapters/prakerja/http.js';
import { createPrakerjaAdapter } from '../../adapters/prakerja/index.js';
import { createPrakerjaSimulator, type SimRedeemCode } from '../../adapters/prakerja/simulator.js';
import { formatWib, parseWib } from '../../adapters/prakerja/time.js';
import { AdapterError, REDEEM_CODE_FAILURES, RedeemCodeRejected, type PrakerjaCredentials } from '../../adapters/types.js';
import { forwardTo, mockNetwork } from '../support/msw.js';

const BASE = 'https://prakerja.sandbox.test';
// A fixed clock shared by gateway and sandbox, so WIB renderings are predictable.
const NOW = new Date('2026-11-24T03:04:05.000Z'); // 10:04:05 WIB
const LPK: PrakerjaCredentials = { clientCode: 'lpk-komputer-jaya', signKey: 'key-komputer-jaya' };
const OTHER: PrakerjaCredentials = { clientCode: 'lpk-lain', signKey: 'key-lpk-lain' };

function redeemCode(over: Partial<SimRedeemCode> & Pick<SimRedeemCode, 'redeemCode'>): SimRedeemCode {
  return {
    sequence: 1,
    clientCode: LPK.clientCode,
    courseCode: 'CRS-EXCEL-01',
    courseType: 'webinar',
    scheduleStart: new Date('2026-11-24T02:00:00.000Z'),
    scheduleEnd: new Date('2026-11-24T05:00:00.000Z'),
    status: 'valid',
    invoiceCode: 'INV-2026-0001',
    dpPlatform: 'Tokopedia',
    scheduleCode: 'SCH-001',
    ...over,
  };
}

let sim = createPrakerjaSimulator({ clients: { [LPK.clientCode]: LPK.signKey, [OTHER.clientCode]: OTHER.signKey }, now: () => NOW });
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
const adapter = createPrakerjaAdapter({ baseUrl: BASE }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500, now: () => NOW });

beforeEach(() => {
  sim = createPrakerjaSimulator({ clients: { [LPK.clientCode]: LPK.signKey, [OTHER.clientCode]: OTHER.signKey }, now: () => NOW });
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-VALID-01' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-OFFLINE-01', courseType: 'offline' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-CANCEL-01', status: 'cancelled' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-TRXCAN-01', status: 'transaction_cancelled' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-USED-01', status: 'used', redeemedAt: new Date('2026-11-23T20:30:00.000Z') }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-SPL-01', courseType: 'spl', scheduleStart: undefined, scheduleEnd: undefined, scheduleCode: undefined }));
  sim.state.addParticipant({ cardNumber: '5201123456780001', name: 'Siti Rahmawati', status: 'active' });
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e) as Promise<RedeemCodeRejected | AdapterError | undefined>;

describe('prakerja signature', () => {
  it('matches the published scheme (known vector)', async () => {
    // Vector computed independently:
    // printf '%s' 'gw-client1700000000POST/api/v1/integration/payment/redeem-code/status{"redeem_code":"ABC","sequence":1}' | openssl dgst -sha1 -hmac key
    const body = '{"redeem_code":"ABC","sequence":1}';
    expect(await prakerjaSignature('key', 'gw-client', '1700000000', '/api/v1/integration/payment/redeem-code/status', body)).toBe('5a472cdefc79def2d39425c769d5c9da2c95e9d8');
    expect(await prakerjaSignature('key', 'gw-client', '1700000000', '/api/v1/integration/payment/redeem-code/status', body.replace('1}', '2}'))).not.toBe(
      '5a472cdefc79def2d39425c769d5c9da2c95e9d8',
    );
  });

  it('signs exactly the bytes and path it sends, with Unix-seconds timestamp', async () => {
    const req = await prakerjaRequest(`${BASE}/prefix/`, LPK, PRAKERJA_PATHS.redeemCodeCommit, { redeem_code: 'X', sequence: 2 }, NOW);
    const body = await req.clone().text();
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/prefix/api/v1/integration/payment/redeem-code/commit');
    expect(req.headers.get('client_code')).toBe(LPK.clientCode);
    expect(req.headers.get('timestamp')).toBe('1795489445'); // date -u -d @1795489445 → 2026-11-24 03:04:05 UTC
    const expected = createHmac('sha1', LPK.signKey)
      .update(`${LPK.clientCode}${req.headers.get('timestamp')}POST/prefix/api/v1/integration/payment/redeem-code/commit${body}`)
      .digest('hex');
    expect(req.headers.get('signature')).toBe(expected);
  });

  it('is refused by the platform when one byte of the body is changed after signing', async () => {
    const signed = await prakerjaRequest(BASE, LPK, PRAKERJA_PATHS.redeemCodeStatus, { redeem_code: 'RDM-VALID-01', sequence: 1 }, NOW);
    const tampered = new Request(signed.url, { method: 'POST', headers: signed.headers, body: (await signed.text()).replace('"sequence":1', '"sequence":2') });
    const res = await sim.app.fetch(tampered);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, message: 'Signature tidak valid' });

    const untouched = await prakerjaRequest(BASE, LPK, PRAKERJA_PATHS.redeemCodeStatus, { redeem_code: 'RDM-VALID-01', sequence: 1 }, NOW);
    expect((await sim.app.fetch(untouched)).status).toBe(200);
  });

  it('surfaces a wrong sign key as auth_failed', async () => {
    const err = await rejection(adapter.redeemCodeStatus({ ...LPK, signKey: 'wrong' }, { redeemCode: 'RDM-VALID-01', sequence: 1 }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'auth_failed', retryable: false, detail: { httpStatus: 401 } });
  });

  it('surfaces an unknown client code and a stale timestamp as auth_failed', async () => {
    await expect(adapter.redeemCodeStatus({ clientCode: 'nobody', signKey: 'x' }, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'auth_failed' });
    const late = createPrakerjaAdapter({ baseUrl: BASE }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500, now: () => new Date(NOW.getTime() - 6 * 60_000) });
    await expect(late.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'auth_failed', retryable: true });
  });
});

describe('prakerja failure table', () => {
  it('has a published sentence for every canonical reason', () => {
    const reasons = Object.values(PRAKERJA_FAILURES).flatMap((r) => ('reject' in r ? [r.reject] : []));
    expect(new Set(reasons)).toEqual(new Set(REDEEM_CODE_FAILURES));
  });

  it('matches sentences regardless of case and a trailing full stop', () => {
    expect(lookupFailure('Kode Redeem sudah digunakan.')).toEqual({ reject: 'already_used' });
    expect(lookupFailure('  kode redeem BUKAN milik lembaga pelatihan yang kamu pilih ')).toEqual({ reject: 'other_provider' });
    expect(lookupFailure('Kode redeem sudah digunakan oleh orang lain')).toBeUndefined();
  });
});

describe('prakerja adapter: redeem codes', () => {
  const cases: Array<[string, () => Promise<unknown>, string, string]> = [
    ['not found', () => adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-NOPE-01', sequence: 1 }), 'redeem_code_not_found', 'Kode redeem tidak ditemukan'],
    [
      'wrong training type',
      () => adapter.generateVerificationUrl(LPK, { redeemCode: 'RDM-OFFLINE-01', sequence: 1, redirectUri: 'https://lpk.example/cb', email: 's@x.id' }),
      'wrong_training_type',
      'Tipe pelatihan tidak sesuai',
    ],
    ['another provider’s code', () => adapter.redeemCodeStatus(OTHER, { redeemCode: 'RDM-VALID-01', sequence: 1 }), 'other_provider', 'Kode redeem bukan milik lembaga pelatihan yang kamu pilih'],
    ['cancelled code', () => adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-CANCEL-01', sequence: 1 }), 'cancelled', 'Kode redeem sudah dibatalkan'],
    ['cancelled transaction', () => adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-TRXCAN-01', sequence: 1 }), 'transaction_cancelled', 'Transaksi sudah dibatalkan'],
    ['already used', () => adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-USED-01', sequence: 1 }), 'already_used', 'Kode redeem sudah digunakan'],
  ];
  it.each(cases)('maps %s to RedeemCodeRejected', async (_name, call, reason, message) => {
    const err = await rejection(call());
    expect(err).toBeInstanceOf(RedeemCodeRejected);
    expect(err).toMatchObject({ reason, prakerjaMessage: message });
  });

  it('treats an unknown sequence as a code that does not exist', async () => {
    await expect(adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 2 })).rejects.toMatchObject({ reason: 'redeem_code_not_found' });
  });

  it('reads status with WIB times turned into the right UTC instants', async () => {
    const s = await adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 });
    expect(s).toMatchObject({
      redeemCode: 'RDM-VALID-01',
      sequence: 1,
      courseCode: 'CRS-EXCEL-01',
      invoiceCode: 'INV-2026-0001',
      scheduleCode: 'SCH-001',
      dpPlatform: 'Tokopedia',
      courseType: 'webinar',
      courseTypeLabel: 'Webinar',
      isOnlineAttendance: true,
      rawStatus: '1',
    });
    expect(s.redeemedAt).toBeUndefined();
    // Sandbox rendered "2026-11-24 09:00:00 - 2026-11-24 12:00:00" (WIB).
    expect(s.scheduleStart?.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(s.scheduleEnd?.toISOString()).toBe('2026-11-24T05:00:00.000Z');

    const used = await adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-USED-01', sequence: 1 });
    // "2026-11-24 03:30:00" WIB is still the 23rd in UTC.
    expect(used.redeemedAt?.toISOString()).toBe('2026-11-23T20:30:00.000Z');
    expect(used.rawStatus).toBe('2');

    const spl = await adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-SPL-01', sequence: 1 });
    expect(spl).toMatchObject({ courseType: 'spl', courseTypeLabel: 'Self-Paced Learning', scheduleCode: '', scheduleStart: undefined, scheduleEnd: undefined });
  });

  it('parses the wire exactly as prakerja.go.id writes it', async () => {
    server.use(
      http.post(`${BASE}${PRAKERJA_PATHS.redeemCodeStatus}`, () =>
        HttpResponse.json({
          success: true,
          message: 'Sukses',
          data: {
            redeem_code: 'ABCD1234',
            course_code: 'C-1',
            invoice_code: 'INV-1',
            schedule_code: 'S-1',
            status: 1,
            attendance_status: 0,
            redeem_at: '2026-01-01 00:15:00',
            dp_platform: 'Pijar Mahir',
            schedule_start_end: '2026-11-24 09:00:00 - 2026-11-24 12:00:00',
            course_type: 3,
            course_type_label: 'Offline',
            course_learning_method: 'offline',
            is_online_attendance: false,
            sequence: 1,
          },
        }),
      ),
    );
    const s = await adapter.redeemCodeStatus(LPK, { redeemCode: 'ABCD1234', sequence: 1 });
    expect(s.redeemedAt?.toISOString()).toBe('2025-12-31T17:15:00.000Z');
    expect(s.scheduleStart?.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(s).toMatchObject({ courseType: 'offline', attendanceStatus: '0', isOnlineAttendance: false, learningMethod: 'offline' });
  });

  it('commits once; a second commit is already_used and status shows the redemption time in UTC', async () => {
    await expect(adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 })).resolves.toBeUndefined();
    const again = await rejection(adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 }));
    expect(again).toBeInstanceOf(RedeemCodeRejected);
    expect(again).toMatchObject({ reason: 'already_used' });
    expect(sim.state.appliedCount('/redeem-code/commit')).toBe(1);
    const s = await adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 });
    expect(s.redeemedAt?.toISOString()).toBe(NOW.toISOString());
    expect(sim.state.redeemCode('RDM-VALID-01', 1)?.status).toBe('used');
  });

  it('generates a verification URL on the platform with a random state that leads back to the provider', async () => {
    const req = { redeemCode: 'RDM-VALID-01', sequence: 1, redirectUri: 'https://lpk.example/prakerja/callback', email: 'siti@example.id' };
    const a = await adapter.generateVerificationUrl(LPK, req);
    const b = await adapter.generateVerificationUrl(LPK, req);
    expect(a.url).toBe(`${BASE}/verify?state=${a.state}`);
    expect(a.state).toMatch(/^[0-9a-f]{32}$/);
    expect(b.state).not.toBe(a.state);
    expect(a.course).toEqual({ type: 'Webinar', learningMethod: 'online' });
    expect(sim.state.verifications.get(a.state)).toMatchObject({ redeemCode: 'RDM-VALID-01', email: 'siti@example.id', clientCode: LPK.clientCode });

    const landing = await sim.app.fetch(new Request(a.url));
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe(`https://lpk.example/prakerja/callback?state=${a.state}`);
  });

  it('signs the url-generate body byte for byte as sent (redirect_uri with query and slashes)', async () => {
    const res = await adapter.generateVerificationUrl(LPK, { redeemCode: 'RDM-SPL-01', sequence: 1, redirectUri: 'https://lpk.example/cb?x=1&y=/a', email: 'a+b@x.id' });
    expect(res.course.type).toBe('Self-Paced Learning');
    expect(sim.state.received.at(-1)).toMatchObject({ path: PRAKERJA_PATHS.urlGenerate, applied: true, body: { redirect_uri: 'https://lpk.example/cb?x=1&y=/a', email: 'a+b@x.id' } });
  });
});

describe('prakerja adapter: participant lookup (modelled)', () => {
  it('returns the registered participant', async () => {
    await expect(adapter.lookupParticipant(LPK, '5201123456780001')).resolves.toEqual({ cardNumber: '5201123456780001', name: 'Siti Rahmawati', status: 'active' });
  });

  it('returns null for an unknown card', async () => {
    await expect(adapter.lookupParticipant(LPK, '5201000000000000')).resolves.toBeNull();
  });
});

describe('prakerja adapter: transport and contract', () => {
  it('maps 500 to a retryable platform_unavailable', async () => {
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('oops', { status: 500 })));
    const err = await rejection(adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'platform_unavailable', retryable: true, detail: { httpStatus: 500 } });
  });

  it('keeps a 5xx retryable even when it carries a success:false body', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ success: false, message: 'Peserta tidak ditemukan', data: null }, { status: 502, headers: { 'retry-after': '3' } })));
    await expect(adapter.lookupParticipant(LPK, '5201123456780001')).rejects.toMatchObject({ kind: 'platform_unavailable', detail: { retryAfterMs: 3000 } });
  });

  it('times out a platform that does not answer', async () => {
    server.use(http.post(`${BASE}/*`, async () => { await new Promise((r) => setTimeout(r, 2000)); return HttpResponse.json({}); }));
    await expect(adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'timeout', retryable: true });
  });

  it('treats an unknown failure sentence as unexpected_response', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ success: false, message: 'Kuota pelatihan habis', data: null }, { status: 400 })));
    const err = await rejection(adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'unexpected_response', retryable: false, detail: { platformCode: 'Kuota pelatihan habis' } });
  });

  it('treats a body that breaks the contract as unexpected, not as data', async () => {
    server.use(http.post(`${BASE}/*`, () => HttpResponse.json({ success: true, message: 'Sukses', data: { redeem_code: 'X', redeem_at: '24/11/2026 09:00', course_type: 9 } })));
    await expect(adapter.redeemCodeStatus(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'unexpected_response' });
    server.use(http.post(`${BASE}/*`, () => new HttpResponse('<html>maintenance</html>', { status: 200 })));
    await expect(adapter.commitRedeemCode(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'unexpected_response' });
  });
});

describe('WIB time helpers', () => {
  it('round-trips and refuses impossible dates', () => {
    expect(parseWib('2026-11-24 09:00:00')?.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(formatWib(new Date('2026-11-23T20:30:00.000Z'))).toBe('2026-11-24 03:30:00');
    expect(parseWib('2026-02-30 09:00:00')).toBeUndefined();
    expect(parseWib('2026-11-24T09:00:00')).toBeUndefined();
  });
});

describe('prakerja simulator mounted under a prefix (as the sandbox mounts it)', () => {
  it('verifies signatures over the full path and hands out verification URLs under the prefix', async () => {
    const mounted = createPrakerjaSimulator({ clients: { [LPK.clientCode]: LPK.signKey }, now: () => NOW });
    mounted.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-VALID-01' }));
    const host = new Hono().route('/sandbox/prakerja', mounted.app);
    const viaPrefix = createPrakerjaAdapter(
      { baseUrl: 'https://gw.test/sandbox/prakerja' },
      { fetch: async (i, init) => host.fetch(new Request(i, init)), timeoutMs: 500, now: () => NOW },
    );
    const v = await viaPrefix.generateVerificationUrl(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1, redirectUri: 'https://lpk.example/cb', email: 's@x.id' });
    expect(v.url).toBe(`https://gw.test/sandbox/prakerja/verify?state=${v.state}`);
    const landing = await host.fetch(new Request(v.url));
    expect(landing.headers.get('location')).toBe(`https://lpk.example/cb?state=${v.state}`);
  });
});
