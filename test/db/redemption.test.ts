import { count } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { enrollments, idempotencyKeys, voucherClaims } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { simVoucher } from '../support/sim-data.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const OTHER_PROVIDER = DEMO_PROVIDERS[1].id;

const siti = { voucherCode: 'TKPA1B2C3D4E', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };

async function rows() {
  const db = w.deps.database.db;
  const [e] = await db.select({ n: count() }).from(enrollments);
  const [c] = await db.select({ n: count() }).from(voucherClaims);
  return { enrollments: e.n, claims: c.n };
}

describe('POST /v1/redemptions — happy path', () => {
  it('redeems a Tokopedia voucher and answers the canonical enrollment, card masked', async () => {
    const res = await w.post('/v1/redemptions', siti);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({
      state: 'redeemed',
      platform: 'tokopedia',
      voucherCode: 'TKPA1B2C3D4E',
      course: { id: 'CRS-EXCEL-01', title: 'Microsoft Excel untuk Admin Kantor' },
      participant: { cardNumber: '5201********0001' },
      nameCheck: { decision: 'match', names: { platform: 'siti rahmawati', prakerja: 'Siti Rahmawati' } },
      platformReference: 'TKP-RDM-TKPA1B2C3D4E',
    });
    expect(JSON.stringify(body)).not.toContain('5201123456780001');
    expect(body.timeline.map((e: { type: string }) => e.type)).toEqual(['voucher_purchased', 'name_checked', 'voucher_redeemed']);
    expect(w.sandbox.platforms.tokopedia.vouchers.get('TKPA1B2C3D4E')!.state).toBe('redeemed');

    const got = await w.get(`/v1/enrollments/${body.id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(body);
  });

  it('hides an enrollment from every other provider (404, not 403)', async () => {
    const res = await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPX5Y6Z7A8B', cardNumber: '3273011122330005', participant: { name: 'Dewi Sartika Putri', email: 'd@x.id' } });
    const { id } = await res.json();
    const other = await w.get(`/v1/enrollments/${id}`, { providerId: OTHER_PROVIDER });
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  });

  it('asks for the platform when the code fits two formats, then redeems on Bukalapak with it', async () => {
    const body = { voucherCode: 'BL0000000001', cardNumber: '5201123456780002', participant: { name: 'Muhammad Rizky Pratama', email: 'r@x.id' } };
    const before = await rows();
    const ambiguous = await w.post('/v1/redemptions', body);
    expect(ambiguous.status).toBe(422);
    const p = await ambiguous.json();
    expect(p).toMatchObject({ code: 'platform_ambiguous', errors: [{ field: 'platform' }] });
    expect(p.candidates.sort()).toEqual(['bukalapak', 'tokopedia']);
    expect(await rows()).toEqual(before);

    const ok = await w.post('/v1/redemptions', { ...body, platform: 'bukalapak' });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ platform: 'bukalapak', state: 'redeemed', nameCheck: { names: { platform: 'Muhamad Rizky Pratama' } } });
  });

  it('redeems on Kemnaker (upper-case names) and on Karier.mu (names with titles)', async () => {
    const kem = await w.post('/v1/redemptions', { voucherCode: 'SK-2026-000001', cardNumber: '3578098765430004', participant: { name: 'Bambang Wijaya', email: 'b@x.id' } });
    expect(kem.status).toBe(201);
    expect(await kem.json()).toMatchObject({ platform: 'kemnaker', nameCheck: { decision: 'match' } });

    const kmu = await w.post('/v1/redemptions', { voucherCode: 'KMU-ZX98YW76', cardNumber: '3578098765430004', participant: { name: 'Bambang Wijaya', email: 'b@x.id' } });
    expect(kmu.status).toBe(201);
    expect(await kmu.json()).toMatchObject({ platform: 'kariermu', nameCheck: { decision: 'match', names: { platform: 'Dr. Ir. Bambang Wijaya, M.M.' } } });
  });
});

describe('POST /v1/redemptions — refused before the voucher is consumed', () => {
  it('refuses a clear name mismatch with the score and reason, and never calls the platform redeem', async () => {
    const before = await rows();
    const res = await w.post('/v1/redemptions', { voucherCode: 'TKPQ9W8E7R6T', cardNumber: '6471055566770006', participant: { name: 'Agus Santoso', email: 'a@x.id' } });
    expect(res.status).toBe(422);
    const p = await res.json();
    expect(p).toMatchObject({ code: 'name_mismatch', nameCheck: { decision: 'mismatch' }, errors: [{ field: 'participant.name' }] });
    expect(p.nameCheck.score).toBeLessThan(0.6);
    // It says why in words an operator (or the provider) can act on, pair by pair, with the rule.
    expect(p.nameCheck.rule).toBe('contradiction');
    expect(p.nameCheck.explanation).toMatch(/refused because the differing words \(.+ vs .+\) are different names/);
    expect(p.nameCheck.pairs.find((x: { decision: string }) => x.decision === 'mismatch')).toMatchObject({ rule: 'contradiction' });
    expect(p.detail).toContain('not redeemed');
    expect(w.sandbox.platforms.tokopedia.vouchers.get('TKPQ9W8E7R6T')!.state).toBe('purchased');
    expect(w.sandbox.platforms.tokopedia.received.filter((r) => r.path.includes('TKPQ9W8E7R6T/redeem'))).toHaveLength(0);
    expect(await rows()).toEqual(before);
  });

  it.each([
    ['expired voucher', { voucherCode: 'TKPEXPIRED01', cardNumber: '5201123456780001' }, 422, 'voucher_expired', 'voucherCode'],
    ['unknown voucher', { voucherCode: 'TKPNOSUCH001', cardNumber: '5201123456780001' }, 422, 'voucher_not_found', 'voucherCode'],
    ['card of someone else', { voucherCode: 'KMU-AB12CD34', cardNumber: '5201123456780001' }, 422, 'card_mismatch', 'cardNumber'],
    ['unknown code format', { voucherCode: 'XYZ', cardNumber: '5201123456780001' }, 422, 'voucher_format_unknown', 'voucherCode'],
  ])('%s → %i %s naming %s', async (_, over, status, code, field) => {
    const before = await rows();
    const res = await w.post('/v1/redemptions', { ...siti, ...over });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code, errors: [{ field }] });
    expect(await rows()).toEqual(before);
  });

  it('refuses a voucher for another provider’s course', async () => {
    const res = await w.post('/v1/redemptions', { voucherCode: 'SK-2026-000002', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'voucher_not_for_provider' });
  });
});

describe('POST /v1/redemptions — exactly once', () => {
  it('100 concurrent attempts on one voucher: one 201, 99 × 409 naming it, and one voucher read, one participant lookup and one redeem at the partners', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPRACE00001', buyerName: 'Siti Rahmawati' }));
    // Every request that leaves the gateway, as the network sees it.
    const sent: string[] = [];
    const listen = ({ request }: { request: Request }) => void sent.push(`${request.method} ${new URL(request.url).pathname}`);
    w.server.events.on('request:start', listen);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPRACE00001' }).then(async (r) => ({ status: r.status, body: await r.json() }))),
    );
    const created = results.filter((r) => r.status === 201);
    const conflicts = results.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(conflicts).toHaveLength(99);
    // Losers wait for the winner in this process, then find its enrollment: they never name one that does not exist.
    for (const c of conflicts) expect(c.body).toMatchObject({ code: 'voucher_already_redeemed', enrollmentId: created[0].body.id });
    w.server.events.removeListener('request:start', listen);
    expect(sent.filter((r) => r.startsWith('GET') && r.endsWith('/vouchers/TKPRACE00001'))).toHaveLength(1);
    expect(sent.filter((r) => r.endsWith('/vouchers/TKPRACE00001/redeem'))).toHaveLength(1);
    expect(sent.filter((r) => r.endsWith('/participant/lookup'))).toHaveLength(1);
  });

  it('replays the first answer for the same Idempotency-Key and body; refuses the key with another body', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPIDEMP0001', buyerName: 'Siti Rahmawati' }));
    const body = { ...siti, voucherCode: 'TKPIDEMP0001' };
    const first = await w.post('/v1/redemptions', body, { key: 'idem-1' });
    const again = await w.post('/v1/redemptions', { participant: body.participant, cardNumber: body.cardNumber, voucherCode: body.voucherCode }, { key: 'idem-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());

    const other = await w.post('/v1/redemptions', { ...body, participant: { ...body.participant, email: 'other@x.id' } }, { key: 'idem-1' });
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ code: 'idempotency_key_reused', errors: [{ field: 'header:Idempotency-Key' }] });
  });

  it('keys are per provider: the same key from another provider is a different request', async () => {
    const res = await w.post('/v1/redemptions', { ...siti, voucherCode: 'BL0000000002', cardNumber: '3173012345670003', platform: 'bukalapak', participant: { name: 'Ni Made Ayu Lestari', email: 'a@x.id' } }, { key: 'idem-1', providerId: OTHER_PROVIDER });
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    expect(res.status).toBe(201);
  });
});

describe('POST /v1/redemptions — platform failures leave nothing half-written', () => {
  it('platform 500 on redeem → 503 partner_unavailable with Retry-After, no enrollment; the claim is kept (a 500 may come after the redeem) and the same key then succeeds once the platform is back', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPDOWN00001', buyerName: 'Siti Rahmawati' }));
    w.server.use(http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPDOWN00001/redeem`, () => new HttpResponse('oops', { status: 500 }), { once: true }));
    const before = await rows();
    const body = { ...siti, voucherCode: 'TKPDOWN00001' };
    const failed = await w.post('/v1/redemptions', body, { key: 'down-1' });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(await failed.json()).toMatchObject({ code: 'partner_unavailable', platform: 'tokopedia', reason: 'unreachable', retryAfterSeconds: 5 });
    expect(await rows()).toEqual({ ...before, claims: before.claims + 1 });

    const retried = await w.post('/v1/redemptions', body, { key: 'down-1' });
    expect(retried.status).toBe(201);
  });

  it('platform timeout → 503 partner_unavailable (reason timeout) and nothing recorded', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPSLOW00001', buyerName: 'Siti Rahmawati' }));
    w.server.use(http.get(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPSLOW00001`, async () => { await new Promise((r) => setTimeout(r, 1500)); return HttpResponse.json({}); }, { once: true }));
    const before = await rows();
    const res = await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPSLOW00001' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ code: 'partner_unavailable', platform: 'tokopedia', reason: 'timeout' });
    expect(await rows()).toEqual(before);
  });
});

describe('POST /v1/redemptions — bad input', () => {
  const cases: Array<[string, unknown, Record<string, string> | undefined, number, string]> = [
    ['15-digit card', { ...siti, cardNumber: '520112345678000' }, undefined, 400, 'cardNumber'],
    ['card with letters', { ...siti, cardNumber: '52011234567800AB' }, undefined, 400, 'cardNumber'],
    ['empty voucher', { ...siti, voucherCode: '' }, undefined, 400, 'voucherCode'],
    ['missing participant name', { ...siti, participant: { email: 's@x.id' } }, undefined, 400, 'participant.name'],
    ['bad email', { ...siti, participant: { name: 'Siti', email: 'nope' } }, undefined, 400, 'participant.email'],
    ['unknown platform', { ...siti, platform: 'shopee' }, undefined, 400, 'platform'],
    ['malformed JSON', '{"voucherCode": ', undefined, 400, 'body'],
    ['not JSON', 'voucherCode=1', { 'content-type': 'text/plain' }, 415, 'header:Content-Type'],
    ['oversized body', { ...siti, padding: 'x'.repeat(70 * 1024) }, undefined, 413, 'body'],
  ];
  it.each(cases)('%s → %i naming %s, nothing written', async (_, body, headers, status, field) => {
    const db = w.deps.database.db;
    const [keysBefore] = await db.select({ n: count() }).from(idempotencyKeys);
    const before = await rows();
    const res = await w.post('/v1/redemptions', body, { headers });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const p = await res.json();
    expect(p.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(p.errors[0].rule).toBeTruthy();
    expect(await rows()).toEqual(before);
    const [keysAfter] = await db.select({ n: count() }).from(idempotencyKeys);
    expect(keysAfter.n).toBe(keysBefore.n);
  });

  it('missing Idempotency-Key → 400 naming the header', async () => {
    const res = await w.app.request('/v1/redemptions', {
      method: 'POST',
      headers: { authorization: `Bearer ${await w.token()}`, 'content-type': 'application/json' },
      body: JSON.stringify(siti),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'header:idempotency-key' }] });
  });
});

describe('security', () => {
  it.each([
    ['no token', {}],
    ['garbage token', { authorization: 'Bearer not-a-jwt' }],
    ['token signed with another key', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwcm92aWRlcjpwcnYta29tcHV0ZXItamF5YSIsInNjb3BlIjoicHJvdmlkZXIiLCJpc3MiOiJwcmFrZXJqYS1nYXRld2F5IiwiYXVkIjoicHJha2VyamEtZ2F0ZXdheSJ9.c2lnbmF0dXJl' }],
  ])('%s → 401 problem', async (_, headers) => {
    const res = await w.app.request('/v1/redemptions', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k', ...headers }, body: JSON.stringify(siti) });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('an ops token cannot redeem (403)', async () => {
    const ops = await w.deps.tokens.issue({ kind: 'ops', operator: 'rina' });
    const res = await w.app.request('/v1/redemptions', { method: 'POST', headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json', 'idempotency-key': 'k' }, body: JSON.stringify(siti) });
    expect(res.status).toBe(403);
  });
});

describe('GET /v1/vouchers/{code}', () => {
  it('shows the canonical status as the platform reports it, card masked', async () => {
    const res = await w.get('/v1/vouchers/SK-2026-000001');
    expect(res.status).toBe(200);
    const v = await res.json();
    expect(v).toMatchObject({ platform: 'kemnaker', state: 'redeemed', cardNumber: '3578********0004' });
    expect(v.enrollmentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('says which side is which when the platform no longer shows the redemption the gateway recorded', async () => {
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPFORGOT001' }));
    expect((await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPFORGOT001' })).status).toBe(201);
    // The platform forgets it, as the sandbox's simulators do on a restart.
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPFORGOT001' }));
    const v = await (await w.get('/v1/vouchers/TKPFORGOT001')).json();
    expect(v).toMatchObject({ state: 'purchased', redeemedAt: null });
    expect(v.recorded.enrollmentId).toBe(v.enrollmentId);
    expect(Date.parse(v.recorded.redeemedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('another provider’s voucher is not found', async () => {
    const res = await w.get('/v1/vouchers/TKPQ9W8E7R6T', { providerId: OTHER_PROVIDER });
    expect(res.status).toBe(404);
  });
});

describe('borderline names', () => {
  it('redeems a borderline name but flags it, and holds the reports to prakerja.go.id until an operator accepts it', async () => {
    // A single given name on the platform account against the full registered name: the same person, probably.
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPREVIEW001', buyerName: 'Siti' }));
    const res = await w.post('/v1/redemptions', { ...siti, voucherCode: 'TKPREVIEW001' });
    expect(res.status).toBe(201);
    const e = await res.json();
    expect(e.nameCheck.decision).toBe('review');
    expect(e.timeline.map((t: { type: string }) => t.type)).toContain('name_review_required');

    const now = new Date(Date.now() + 1000).toISOString();
    const done = await w.post(`/v1/enrollments/${e.id}/completion`, { outcome: 'passed', score: 90, completedAt: now, certificate: { number: 'C-REV-1', issuedAt: now, url: 'https://lpk.example/c.pdf', sha256: 'b'.repeat(64) } });
    const after = await done.json();
    expect(after.deliveries.map((d: { kind: string }) => d.kind).sort()).toEqual(['platform.completion', 'prakerja.redemption']);
    expect(after.certificateBlockers).toContain('the participant’s name is held for review');
  });
});
