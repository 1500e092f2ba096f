import { createHmac } from 'node:crypto';
import { Hono } from 'hono';
import { http, HttpResponse } from 'msw';
import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lookupFailure, PRAKERJA_FAILURES } from '../../adapters/prakerja/errors.js';
import { PRAKERJA_CALLBACK_PATH, PRAKERJA_PATHS, prakerjaRequest, prakerjaSignature } from '../../adapters/prakerja/http.js';
import { createPrakerjaAdapter } from '../../adapters/prakerja/index.js';
import { createPrakerjaSimulator, type PrakerjaSimCallbackEvent, type PrakerjaSimulatorOptions, type SimRedeemCode } from '../../adapters/prakerja/simulator.js';
import { PRAKERJA_TASK_STATES } from '../../adapters/prakerja/status.js';
import { formatWib, parseWib } from '../../adapters/prakerja/time.js';
import { toRequest } from '../../adapters/shared/http.js';
import type { SignedCallback } from '../../adapters/shared/simulator-kit.js';
import {
  AdapterError,
  CallbackRejected,
  REDEEM_CODE_FAILURES,
  RedeemCodeRejected,
  TASK_STATES,
  type CallbackRequest,
  type CompletionReport,
  type PrakerjaCredentials,
  type PrakerjaRedemptionReport,
} from '../../adapters/types.js';
import type { PlatformId } from '../../src/domain/types.js';
import { forwardTo, mockNetwork } from '../support/msw.js';

const BASE = 'https://prakerja.sandbox.test';
// A fixed clock shared by gateway and sandbox, so WIB renderings are predictable.
const NOW = new Date('2026-11-24T03:04:05.000Z'); // 10:04:05 WIB
const LPK: PrakerjaCredentials = { clientCode: 'lpk-komputer-jaya', signKey: 'key-komputer-jaya' };
const OTHER: PrakerjaCredentials = { clientCode: 'lpk-lain', signKey: 'key-lpk-lain' };
const CALLBACK_KEY = 'cb-key';

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

const simOptions = (over: Partial<PrakerjaSimulatorOptions> = {}): PrakerjaSimulatorOptions => ({
  clients: { [LPK.clientCode]: LPK.signKey, [OTHER.clientCode]: OTHER.signKey },
  now: () => NOW,
  callbackKey: CALLBACK_KEY,
  ...over,
});

let sim = createPrakerjaSimulator(simOptions());
const server = mockNetwork(forwardTo(BASE, { fetch: (r) => sim.app.fetch(r) }));
const adapter = createPrakerjaAdapter({ baseUrl: BASE, callbackKey: CALLBACK_KEY }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500, now: () => NOW });

/** A fresh sandbox with the standard codes and participant; the msw forwarder follows `sim`. */
function freshSim(over: Partial<PrakerjaSimulatorOptions> = {}) {
  sim = createPrakerjaSimulator(simOptions(over));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-VALID-01' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-OFFLINE-01', courseType: 'offline' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-CANCEL-01', status: 'cancelled' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-TRXCAN-01', status: 'transaction_cancelled' }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-USED-01', status: 'used', redeemedAt: new Date('2026-11-23T20:30:00.000Z') }));
  sim.state.addRedeemCode(redeemCode({ redeemCode: 'RDM-SPL-01', courseType: 'spl', scheduleStart: undefined, scheduleEnd: undefined, scheduleCode: undefined }));
  sim.state.addParticipant({ cardNumber: '5201123456780001', name: 'Siti Rahmawati', status: 'active' });
  return sim;
}

beforeEach(() => {
  freshSim();
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
    const body = req.body!;
    expect(req.method).toBe('POST');
    expect(new URL(req.url).pathname).toBe('/prefix/api/v1/integration/payment/redeem-code/commit');
    expect(req.headers.client_code).toBe(LPK.clientCode);
    expect(req.headers.timestamp).toBe('1795489445'); // date -u -d @1795489445 → 2026-11-24 03:04:05 UTC
    const expected = createHmac('sha1', LPK.signKey)
      .update(`${LPK.clientCode}${req.headers.timestamp}POST/prefix/api/v1/integration/payment/redeem-code/commit${body}`)
      .digest('hex');
    expect(req.headers.signature).toBe(expected);
  });

  it('is refused by the platform when one byte of the body is changed after signing', async () => {
    const signed = await prakerjaRequest(BASE, LPK, PRAKERJA_PATHS.redeemCodeStatus, { redeem_code: 'RDM-VALID-01', sequence: 1 }, NOW);
    const tampered = new Request(signed.url, { method: 'POST', headers: signed.headers, body: signed.body!.replace('"sequence":1', '"sequence":2') });
    const res = await sim.app.fetch(tampered);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ success: false, message: 'Signature tidak valid' });

    const untouched = await prakerjaRequest(BASE, LPK, PRAKERJA_PATHS.redeemCodeStatus, { redeem_code: 'RDM-VALID-01', sequence: 1 }, NOW);
    expect((await sim.app.fetch(toRequest(untouched))).status).toBe(200);
  });

  it('surfaces a wrong sign key as auth_failed', async () => {
    const err = await rejection(adapter.redeemCodeStatus({ ...LPK, signKey: 'wrong' }, { redeemCode: 'RDM-VALID-01', sequence: 1 }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'auth_failed', retryable: false, detail: { httpStatus: 401 } });
  });

  it('surfaces an unknown client code and a stale timestamp as auth_failed', async () => {
    await expect(adapter.redeemCodeStatus({ clientCode: 'nobody', signKey: 'x' }, { redeemCode: 'RDM-VALID-01', sequence: 1 })).rejects.toMatchObject({ kind: 'auth_failed' });
    const late = createPrakerjaAdapter({ baseUrl: BASE, callbackKey: CALLBACK_KEY }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500, now: () => new Date(NOW.getTime() - 6 * 60_000) });
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
      { baseUrl: 'https://gw.test/sandbox/prakerja', callbackKey: CALLBACK_KEY },
      { fetch: async (i, init) => host.fetch(new Request(i, init)), timeoutMs: 500, now: () => NOW },
    );
    const v = await viaPrefix.generateVerificationUrl(LPK, { redeemCode: 'RDM-VALID-01', sequence: 1, redirectUri: 'https://lpk.example/cb', email: 's@x.id' });
    expect(v.url).toBe(`https://gw.test/sandbox/prakerja/verify?state=${v.state}`);
    const landing = await host.fetch(new Request(v.url));
    expect(landing.headers.get('location')).toBe(`https://lpk.example/cb?state=${v.state}`);
  });
});

/* ===================================================== practical tasks (PUBLIC API) ======== */

describe('prakerja adapter: practical tasks', () => {
  const TPM = { redeemCode: 'RDM-VALID-01', scope: 'tpm' as const, sequence: 1 };

  it('sends the published body and settles a submission to success after the settle polls', async () => {
    await expect(adapter.submitTask(LPK, { ...TPM, fileUrl: 'https://files.lpk.example/tpm/siti-1.pdf' })).resolves.toBeUndefined();
    expect(sim.state.received.at(-1)).toMatchObject({
      path: PRAKERJA_PATHS.taskSubmission,
      body: { redeem_code: 'RDM-VALID-01', scope: 'tpm', sequence: 1, url_file: 'https://files.lpk.example/tpm/siti-1.pdf' },
    });
    // Default taskSettlePolls = 2: two polls still see it pending, the third sees the verdict.
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'pending', feedback: 'not_submitted' });
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'pending', feedback: 'not_submitted' });
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'success', feedback: 'not_submitted' });
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'success', feedback: 'not_submitted' });
    expect(sim.state.received.at(-1)).toMatchObject({ path: PRAKERJA_PATHS.taskStatus, body: { redeem_code: 'RDM-VALID-01', scope: 'tpm', sequence: 1 } });
  });

  it('answers not_submitted for a task never sent', async () => {
    await expect(adapter.taskStatus(LPK, { ...TPM, scope: 'uk', sequence: 999 })).resolves.toEqual({ assignment: 'not_submitted', feedback: 'not_submitted' });
  });

  it('settles a file named "fail" to failed, and a resubmission starts review again', async () => {
    freshSim({ taskSettlePolls: 0 });
    await adapter.submitTask(LPK, { ...TPM, scope: 'uk', fileUrl: 'https://files.lpk.example/uk/fail.zip' });
    await expect(adapter.taskStatus(LPK, { ...TPM, scope: 'uk' })).resolves.toMatchObject({ assignment: 'failed' });
    // Keyed by scope: the tpm task of the same code and session is untouched.
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toMatchObject({ assignment: 'not_submitted' });

    await adapter.submitTask(LPK, { ...TPM, scope: 'uk', fileUrl: 'https://files.lpk.example/uk/fixed.zip' });
    expect(sim.state.task('RDM-VALID-01', 'uk', 1)?.assignment).toMatchObject({ state: 'pending', polls: 0 });
    await expect(adapter.taskStatus(LPK, { ...TPM, scope: 'uk' })).resolves.toMatchObject({ assignment: 'success' });
  });

  it('runs the feedback flow on the same task', async () => {
    freshSim({ taskSettlePolls: 1 });
    await adapter.submitTask(LPK, { ...TPM, fileUrl: 'https://files.lpk.example/tpm/siti-1.pdf' });
    await adapter.submitTaskFeedback(LPK, { ...TPM, fileUrl: 'https://files.lpk.example/tpm/siti-1-review.pdf', notes: 'Rumus VLOOKUP sudah benar; rapikan format tabel.' });
    expect(sim.state.received.at(-1)).toMatchObject({
      path: PRAKERJA_PATHS.taskFeedback,
      body: { redeem_code: 'RDM-VALID-01', scope: 'tpm', sequence: 1, url_file: 'https://files.lpk.example/tpm/siti-1-review.pdf', notes: 'Rumus VLOOKUP sudah benar; rapikan format tabel.' },
    });
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'pending', feedback: 'pending' });
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'success', feedback: 'success' });
    expect(sim.state.task('RDM-VALID-01', 'tpm', 1)?.feedback.notes).toBe('Rumus VLOOKUP sudah benar; rapikan format tabel.');

    await adapter.submitTaskFeedback(LPK, { ...TPM, fileUrl: 'https://files.lpk.example/tpm/fail-review.pdf', notes: '' });
    await adapter.taskStatus(LPK, TPM);
    await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: 'success', feedback: 'failed' });
  });

  it('refuses a task for an unknown redeem code or another provider’s, with the published sentences', async () => {
    const unknown = await rejection(adapter.submitTask(LPK, { ...TPM, redeemCode: 'RDM-NOPE-01', fileUrl: 'https://f.example/a.pdf' }));
    expect(unknown).toBeInstanceOf(RedeemCodeRejected);
    expect(unknown).toMatchObject({ reason: 'redeem_code_not_found', prakerjaMessage: 'Kode redeem tidak ditemukan' });
    await expect(adapter.submitTaskFeedback(LPK, { ...TPM, redeemCode: 'RDM-NOPE-01', fileUrl: 'https://f.example/a.pdf', notes: 'x' })).rejects.toMatchObject({ reason: 'redeem_code_not_found' });
    await expect(adapter.taskStatus(LPK, { ...TPM, redeemCode: 'RDM-NOPE-01' })).rejects.toMatchObject({ reason: 'redeem_code_not_found' });
    await expect(adapter.submitTask(OTHER, { ...TPM, fileUrl: 'https://f.example/a.pdf' })).rejects.toMatchObject({ reason: 'other_provider' });
    expect(sim.state.tasks.size).toBe(0);
  });

  it('refuses a session number outside 1–10 and 999 as invalid_request', async () => {
    const err = await rejection(adapter.submitTask(LPK, { ...TPM, sequence: 11, fileUrl: 'https://f.example/a.pdf' }));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'invalid_request', retryable: false });
  });

  it('maps every published status code through the one table', async () => {
    expect(Object.values(PRAKERJA_TASK_STATES).sort()).toEqual([...TASK_STATES].sort());
    const codes = [0, 1, 2, 3] as const;
    for (const a of codes) {
      const f = (3 - a) as 0 | 1 | 2 | 3;
      server.use(http.post(`${BASE}${PRAKERJA_PATHS.taskStatus}`, () => HttpResponse.json({ success: true, message: 'Sukses', data: { assignment: { status: a }, feedback: { status: f } } })));
      await expect(adapter.taskStatus(LPK, TPM)).resolves.toEqual({ assignment: PRAKERJA_TASK_STATES[a], feedback: PRAKERJA_TASK_STATES[f] });
    }
    expect(PRAKERJA_TASK_STATES).toEqual({ 0: 'not_submitted', 1: 'pending', 2: 'success', 3: 'failed' });
  });

  it('treats an unpublished status code as unexpected, not as a state', async () => {
    server.use(http.post(`${BASE}${PRAKERJA_PATHS.taskStatus}`, () => HttpResponse.json({ success: true, message: 'Sukses', data: { assignment: { status: 4 }, feedback: { status: 0 } } })));
    await expect(adapter.taskStatus(LPK, TPM)).rejects.toMatchObject({ kind: 'unexpected_response' });
  });
});

/* ============================================================ reports (MODELLED) ========== */

const ENROLLMENT = 'enr-0001';
const REDEMPTION: PrakerjaRedemptionReport = {
  enrollmentId: ENROLLMENT,
  voucherCode: 'TP-0001',
  cardNumber: '5201123456780001',
  platform: 'tokopedia',
  courseId: 'CRS-EXCEL-01',
  redeemedAt: new Date('2026-11-23T20:30:00.000Z'),
  idempotencyKey: 'prakerja-redemption:enr-0001',
};
const CERTIFICATE = { number: 'CERT-2026-0001', issuedAt: new Date('2026-11-24T02:00:00.000Z'), url: 'https://lpk.example/cert/CERT-2026-0001.pdf', sha256: 'a'.repeat(64) };
const COMPLETION: CompletionReport & { platform: PlatformId } = {
  enrollmentId: ENROLLMENT,
  voucherCode: 'TP-0001',
  cardNumber: '5201123456780001',
  participantName: 'Siti Rahmawati',
  courseId: 'CRS-EXCEL-01',
  platform: 'tokopedia',
  outcome: 'passed',
  score: 87.5,
  completedAt: new Date('2026-11-24T01:00:00.000Z'),
  certificate: CERTIFICATE,
  idempotencyKey: 'prakerja-completion:enr-0001',
};
const CERT_REPORT = {
  enrollmentId: ENROLLMENT,
  voucherCode: 'TP-0001',
  cardNumber: '5201123456780001',
  platform: 'tokopedia' as const,
  certificate: CERTIFICATE,
  reviewedAt: new Date('2026-11-24T02:30:00.000Z'),
  idempotencyKey: 'prakerja-certificate:enr-0001',
};

describe('prakerja adapter: reports (modelled)', () => {
  it('sends a signed snake_case redemption with WIB times and its idempotency key', async () => {
    const receipt = await adapter.reportRedemption(LPK, REDEMPTION);
    expect(receipt.reference).toMatch(/^PRJ-[0-9A-F]{16}$/);
    expect(sim.state.received.at(-1)).toMatchObject({
      path: PRAKERJA_PATHS.reportRedemption,
      idempotencyKey: REDEMPTION.idempotencyKey,
      applied: true,
      body: {
        enrollment_id: ENROLLMENT,
        voucher_code: 'TP-0001',
        card_number: '5201123456780001',
        platform: 'tokopedia',
        course_id: 'CRS-EXCEL-01',
        redeemed_at: '2026-11-24 03:30:00',
        idempotency_key: REDEMPTION.idempotencyKey,
      },
    });
    expect(sim.state.reportsFor(ENROLLMENT).redemption).toMatchObject({ reference: receipt.reference, report: REDEMPTION });
  });

  it.each([
    ['redemption', () => adapter.reportRedemption(LPK, REDEMPTION), '/gateway/redemption'],
    ['completion', () => adapter.reportCompletion(LPK, COMPLETION), '/gateway/completion'],
  ] as const)('applies a %s once per idempotency key; a redelivery gets the same reference', async (_kind, report, path) => {
    const first = await report();
    const second = await report();
    expect(second.reference).toBe(first.reference);
    expect(sim.state.appliedCount(path)).toBe(1);
    expect(sim.state.received.filter((r) => r.path.includes(path)).map((r) => r.applied)).toEqual([true, false]);
  });

  it('keeps the completion in canonical terms, certificate included', async () => {
    await adapter.reportCompletion(LPK, COMPLETION);
    expect(sim.state.reportsFor(ENROLLMENT).completion?.report).toEqual(COMPLETION);
    expect(sim.state.received.at(-1)?.body).toMatchObject({ completed_at: '2026-11-24 08:00:00', certificate: { number: 'CERT-2026-0001', issued_at: '2026-11-24 09:00:00' }, score: 87.5 });
    expect(sim.state.reportsFor('enr-other')).toEqual({});
  });

  it('refuses a certificate before its completion as a non-retryable invalid_request, and accepts the same delivery afterwards', async () => {
    const err = await rejection(adapter.reportCertificate(LPK, CERT_REPORT));
    expect(err).toBeInstanceOf(AdapterError);
    expect(err).toMatchObject({ kind: 'invalid_request', retryable: false, detail: { platformCode: 'Laporan penyelesaian belum diterima', httpStatus: 400 } });
    expect(sim.state.reportsFor(ENROLLMENT).certificate).toBeUndefined();

    await adapter.reportCompletion(LPK, COMPLETION);
    const first = await adapter.reportCertificate(LPK, CERT_REPORT);
    const again = await adapter.reportCertificate(LPK, CERT_REPORT);
    expect(again.reference).toBe(first.reference);
    expect(sim.state.reportsFor(ENROLLMENT).certificate).toMatchObject({ reference: first.reference, report: CERT_REPORT });
    expect(sim.state.received.filter((r) => r.path === PRAKERJA_PATHS.reportCertificate).map((r) => r.applied)).toEqual([false, true, false]);
  });

  it('refuses a report that breaks the contract without remembering its key', async () => {
    await expect(adapter.reportRedemption(LPK, { ...REDEMPTION, cardNumber: '123' })).rejects.toMatchObject({ kind: 'invalid_request' });
    await expect(adapter.reportRedemption(LPK, REDEMPTION)).resolves.toMatchObject({ reference: expect.any(String) });
  });
});

/* =========================================================== callbacks (MODELLED) ========= */

const asRequest = (signed: SignedCallback, over: Partial<CallbackRequest> = {}): CallbackRequest => ({
  path: PRAKERJA_CALLBACK_PATH,
  headers: new Headers(signed.headers),
  rawBody: signed.body,
  receivedAt: NOW,
  ...over,
});
const callbackRejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e) as Promise<CallbackRejected | undefined>;

describe('prakerja callbacks (modelled scheme)', () => {
  const VECTOR_BODY = '{"event":"completion.accepted","data":{"enrollment_id":"enr-1","voucher_code":"TP-0001","at":"2026-11-24 10:04:05"}}';
  // Computed independently:
  // printf '%s' 'PRAKERJA1795489445POST/v1/callbacks/prakerja{"event":"completion.accepted","data":{"enrollment_id":"enr-1","voucher_code":"TP-0001","at":"2026-11-24 10:04:05"}}' | openssl dgst -sha1 -hmac cb-key
  const VECTOR_SIG = 'ff31274f27b1dc4378bc0c134414b2764f6ec29d';
  const vector = (headers: Record<string, string> = {}): CallbackRequest => ({
    path: '/v1/callbacks/prakerja',
    headers: new Headers({ client_code: 'PRAKERJA', timestamp: '1795489445', signature: VECTOR_SIG, 'x-event-id': 'evt-1', ...headers }),
    rawBody: VECTOR_BODY,
    receivedAt: NOW,
  });

  it('accepts the known vector and the simulator signs it byte for byte', async () => {
    await expect(adapter.verifyCallback(vector())).resolves.toEqual({
      eventId: 'evt-1',
      platformType: 'completion.accepted',
      occurredAt: NOW,
      event: { kind: 'completion.accepted', enrollmentId: 'enr-1', voucherCode: 'TP-0001', at: NOW },
    });
    const signed = await sim.callback({ kind: 'completion.accepted', enrollmentId: 'enr-1', voucherCode: 'TP-0001', at: NOW }, { eventId: 'evt-1', at: NOW });
    expect(signed.body).toBe(VECTOR_BODY);
    expect(signed.headers).toMatchObject({ client_code: 'PRAKERJA', timestamp: '1795489445', signature: VECTOR_SIG, 'x-event-id': 'evt-1' });
  });

  it('refuses a body with one byte changed, a different path and a different key as bad_signature', async () => {
    const tampered = { ...vector(), rawBody: VECTOR_BODY.replace('enr-1', 'enr-2') };
    await expect(callbackRejection(adapter.verifyCallback(tampered))).resolves.toMatchObject({ reason: 'bad_signature' });
    await expect(callbackRejection(adapter.verifyCallback({ ...vector(), path: '/v1/callbacks/prakerja/' }))).resolves.toMatchObject({ reason: 'bad_signature' });
    const otherKey = createPrakerjaAdapter({ baseUrl: BASE, callbackKey: 'not-cb-key' }, { fetch: (i, init) => fetch(i, init), timeoutMs: 500 });
    const err = await callbackRejection(otherKey.verifyCallback(vector()));
    expect(err).toBeInstanceOf(CallbackRejected);
    expect(err?.reason).toBe('bad_signature');
  });

  it('refuses a client_code other than PRAKERJA even when correctly signed under it', async () => {
    const body = VECTOR_BODY;
    const signature = await prakerjaSignature(CALLBACK_KEY, LPK.clientCode, '1795489445', PRAKERJA_CALLBACK_PATH, body);
    await expect(callbackRejection(adapter.verifyCallback(vector({ client_code: LPK.clientCode, signature })))).resolves.toMatchObject({ reason: 'bad_signature' });
  });

  it('refuses a missing signature, client_code or timestamp as missing_signature', async () => {
    for (const drop of ['signature', 'client_code', 'timestamp']) {
      const req = vector();
      req.headers.delete(drop);
      await expect(callbackRejection(adapter.verifyCallback(req))).resolves.toMatchObject({ reason: 'missing_signature' });
    }
  });

  it('refuses timestamps outside ±5 minutes of receipt, even when correctly signed', async () => {
    const event: PrakerjaSimCallbackEvent = { kind: 'completion.accepted', enrollmentId: 'enr-1', voucherCode: 'TP-0001', at: NOW };
    for (const offsetMs of [-5 * 60_000 - 1000, 5 * 60_000 + 1000]) {
      const signed = await sim.callback(event, { at: new Date(NOW.getTime() + offsetMs) });
      await expect(callbackRejection(adapter.verifyCallback(asRequest(signed)))).resolves.toMatchObject({ reason: 'stale_timestamp' });
    }
    for (const offsetMs of [-5 * 60_000, 4 * 60_000]) {
      const signed = await sim.callback(event, { at: new Date(NOW.getTime() + offsetMs) });
      await expect(adapter.verifyCallback(asRequest(signed))).resolves.toMatchObject({ event: { kind: 'completion.accepted' } });
    }
  });

  it('refuses signed bodies that are not JSON, do not fit their event, or lack an event id as malformed', async () => {
    const signedRaw = async (rawBody: string) => {
      const signature = await prakerjaSignature(CALLBACK_KEY, 'PRAKERJA', '1795489445', PRAKERJA_CALLBACK_PATH, rawBody);
      return { ...vector({ signature }), rawBody };
    };
    for (const raw of ['{"event":"completion.accepted",', '[]', '{"data":{}}', '{"event":"incentive.scheduled","data":{"card_number":"5201123456780001","incentive":"bonus","sequence":1,"amount":600000,"at":"2026-11-24 10:04:05"}}']) {
      await expect(callbackRejection(adapter.verifyCallback(await signedRaw(raw)))).resolves.toMatchObject({ reason: 'malformed' });
    }
    const noId = vector();
    noId.headers.delete('x-event-id');
    await expect(callbackRejection(adapter.verifyCallback(noId))).resolves.toMatchObject({ reason: 'malformed' });
  });

  it('reports an event word it does not know as unknown, dated by the signed timestamp', async () => {
    const signed = await sim.callback({ kind: 'raw', platformType: 'survey.completed', payload: { card_number: '5201123456780001', survey: 2 } }, { eventId: 'evt-raw', at: NOW });
    await expect(adapter.verifyCallback(asRequest(signed))).resolves.toEqual({ eventId: 'evt-raw', platformType: 'survey.completed', occurredAt: NOW, event: { kind: 'unknown', platformType: 'survey.completed' } });
    // A word that names a prototype property is still just unknown.
    const proto = await sim.callback({ kind: 'raw', platformType: 'constructor', payload: {} }, { at: NOW });
    await expect(adapter.verifyCallback(asRequest(proto))).resolves.toMatchObject({ event: { kind: 'unknown', platformType: 'constructor' } });
  });

  const AT = new Date('2026-11-24T01:15:00.000Z');
  const EVENTS: Array<[PrakerjaSimCallbackEvent & { kind: string }, Date]> = [
    [{ kind: 'completion.accepted', enrollmentId: ENROLLMENT, voucherCode: 'TP-0001', at: AT }, AT],
    [{ kind: 'completion.rejected', enrollmentId: ENROLLMENT, voucherCode: 'TP-0001', reason: 'Nilai tidak memenuhi syarat kelulusan', at: AT }, AT],
    [{ kind: 'review.submitted', voucherCode: 'TP-0001', platform: 'tokopedia', rating: 5, review: 'Materinya jelas, mentornya sabar.', reviewedAt: AT }, AT],
    [{ kind: 'incentive.scheduled', cardNumber: '5201123456780001', incentive: 'training', sequence: 1, amount: 600_000, at: AT }, AT],
    [{ kind: 'incentive.disbursed', cardNumber: '5201123456780001', incentive: 'survey', sequence: 2, amount: 50_000, at: AT }, AT],
    [{ kind: 'incentive.failed', cardNumber: '5201123456780001', incentive: 'training', sequence: 3, amount: 600_000, at: AT, reason: 'Rekening tidak valid' }, AT],
  ];
  it.each(EVENTS)('maps $kind', async (event, occurredAt) => {
    const signed = await sim.callback(event, { eventId: `evt-${event.kind}`, at: NOW });
    // The wire is prakerja.go.id's dialect: snake_case and WIB wall-clock time.
    expect(JSON.parse(signed.body)).toMatchObject({ event: event.kind, data: expect.objectContaining({ [event.kind === 'review.submitted' ? 'reviewed_at' : 'at']: '2026-11-24 08:15:00' }) });
    await expect(adapter.verifyCallback(asRequest(signed))).resolves.toEqual({ eventId: `evt-${event.kind}`, platformType: event.kind, occurredAt, event });
  });

  it('round-trips any incentive event through sign and verify', async () => {
    const second = fc.integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 }).map((s) => new Date(s * 1000));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('incentive.scheduled' as const, 'incentive.disbursed' as const, 'incentive.failed' as const),
        fc.stringMatching(/^\d{16}$/),
        fc.constantFrom('training' as const, 'survey' as const),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        second,
        fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        async (kind, cardNumber, incentive, sequence, amount, at, reason) => {
          const event = { kind, cardNumber, incentive, sequence, amount, at, ...(reason !== undefined ? { reason } : {}) };
          const verified = await adapter.verifyCallback(asRequest(await sim.callback(event, { at: NOW })));
          expect(verified.event).toEqual(event);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('prakerja simulator: callback trigger and automatic callbacks', () => {
  const GATEWAY_CALLBACK = 'https://gw.test/v1/callbacks/prakerja';

  /** The gateway's callback door, as msw: it keeps every request it gets. */
  function captureCallbacks(status = 204) {
    const captured: Request[] = [];
    server.use(
      http.post(GATEWAY_CALLBACK, ({ request }) => {
        captured.push(request.clone());
        return new HttpResponse(null, { status });
      }),
    );
    return captured;
  }
  const toCallbackRequest = async (r: Request): Promise<CallbackRequest> => ({ path: new URL(r.url).pathname, headers: r.headers, rawBody: await r.text(), receivedAt: NOW });
  const emit = (body: unknown, query = '') =>
    sim.app.fetch(new Request(`${BASE}/_sandbox/emit${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

  it('builds a signed callback from an ISO-dated event when no target is set', async () => {
    const res = await emit({ kind: 'review.submitted', voucherCode: 'TP-0001', platform: 'bukalapak', rating: 4, review: 'Bagus', reviewedAt: '2026-11-24T10:00:00+07:00' }, '?eventId=evt-emit-1');
    expect(res.status).toBe(200);
    const out = (await res.json()) as SignedCallback;
    expect(out.eventId).toBe('evt-emit-1');
    await expect(adapter.verifyCallback(asRequest(out))).resolves.toMatchObject({
      eventId: 'evt-emit-1',
      event: { kind: 'review.submitted', platform: 'bukalapak', rating: 4, reviewedAt: new Date('2026-11-24T03:00:00.000Z') },
    });
  });

  it('refuses an event that does not fit the schema', async () => {
    expect((await emit({ kind: 'review.submitted', voucherCode: 'TP-0001', platform: 'shopee', rating: 9, review: '', reviewedAt: 'yesterday' })).status).toBe(400);
    expect((await emit({ kind: 'incentive.paid' })).status).toBe(400);
  });

  it('delivers to the callback target and answers the gateway’s status', async () => {
    const captured = captureCallbacks(200);
    freshSim({ callback: { url: GATEWAY_CALLBACK, fetch: (r) => fetch(r) } });
    const res = await emit({ kind: 'incentive.disbursed', cardNumber: '5201123456780001', incentive: 'training', sequence: 1, amount: 600000, at: '2026-11-24T03:00:00Z' });
    const out = (await res.json()) as { eventId: string; gatewayStatus: number };
    expect(out).toEqual({ eventId: expect.stringMatching(/^evt_/), gatewayStatus: 200 });
    expect(captured).toHaveLength(1);
    await expect(adapter.verifyCallback(await toCallbackRequest(captured[0]))).resolves.toMatchObject({ eventId: out.eventId, event: { kind: 'incentive.disbursed', amount: 600_000 } });
  });

  it('after a certificate report, emits completion.accepted then the first training incentive, once', async () => {
    const captured = captureCallbacks();
    freshSim({ autoCallbacks: true, callback: { url: GATEWAY_CALLBACK, fetch: (r) => fetch(r) } });
    sim.state.addParticipant({ cardNumber: '5201123456780001', name: 'Siti Rahmawati', status: 'active', programYear: 2021 });

    await adapter.reportCompletion(LPK, COMPLETION);
    expect(captured).toHaveLength(0);
    await adapter.reportCertificate(LPK, CERT_REPORT);
    await vi.waitFor(() => expect(sim.state.sentCallbacks).toHaveLength(2));

    const verified = await Promise.all(captured.map(async (r) => adapter.verifyCallback(await toCallbackRequest(r))));
    expect(verified.map((v) => v.event)).toEqual([
      { kind: 'completion.accepted', enrollmentId: ENROLLMENT, voucherCode: 'TP-0001', at: NOW },
      // 2021 cohort: Rp600,000 a month for four months; the first is scheduled now.
      { kind: 'incentive.scheduled', cardNumber: '5201123456780001', incentive: 'training', sequence: 1, amount: 600_000, at: NOW },
    ]);
    expect(new Set(verified.map((v) => v.eventId)).size).toBe(2);
    expect(sim.state.sentCallbacks.map((c) => c.gatewayStatus)).toEqual([204, 204]);

    // A redelivered certificate is a replay: nothing new happens at prakerja.go.id.
    await adapter.reportCertificate(LPK, CERT_REPORT);
    await new Promise((r) => setTimeout(r, 20));
    expect(captured).toHaveLength(2);
  });

  it('logs, never throws, when the gateway cannot be reached', async () => {
    const log = vi.fn();
    freshSim({ autoCallbacks: true, log, callback: { url: GATEWAY_CALLBACK, fetch: () => Promise.reject(new Error('connection refused')) } });
    await adapter.reportCompletion(LPK, COMPLETION);
    await expect(adapter.reportCertificate(LPK, CERT_REPORT)).resolves.toMatchObject({ reference: expect.any(String) });
    await vi.waitFor(() => expect(log).toHaveBeenCalledTimes(2));
    expect(sim.state.sentCallbacks.map((c) => [c.platformType, c.error])).toEqual([
      ['completion.accepted', 'connection refused'],
      ['incentive.scheduled', 'connection refused'],
    ]);
  });
});
