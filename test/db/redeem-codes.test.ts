import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { redeemCodeUses } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { useWorld } from '../support/world.js';

const w = useWorld();
const OTHER_PROVIDER = DEMO_PROVIDERS[1].id;

const uses = async () => (await w.deps.database.db.select({ n: count() }).from(redeemCodeUses))[0].n;

function addCode(redeemCode: string, over: Record<string, unknown> = {}) {
  const now = Date.now();
  w.sandbox.prakerja.addRedeemCode({
    redeemCode,
    sequence: 1,
    clientCode: 'LP-DEMO-001',
    courseCode: 'CRS-EXCEL-01',
    courseType: 'spl',
    scheduleStart: new Date(now - 86_400_000),
    scheduleEnd: new Date(now + 86_400_000),
    status: 'valid',
    invoiceCode: `INV-${redeemCode}`,
    dpPlatform: 'tokopedia',
    ...over,
  });
}

describe('POST /v1/redeem-codes', () => {
  it('checks status, commits once at prakerja.go.id, and refuses a second use', async () => {
    const res = await w.post('/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ redeemCode: 'RC-SPL-0001', sequence: 1, status: 'committed', course: { code: 'CRS-EXCEL-01', type: 'spl' } });
    expect(w.sandbox.prakerja.redeemCode('RC-SPL-0001', 1)!.status).toBe('used');

    const again = await w.post('/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'redeem_code_already_used', errors: [{ field: 'redeemCode' }] });
    expect(w.sandbox.prakerja.appliedCount('/redeem-code/commit')).toBe(1);
  });

  it('20 concurrent uses of one code: one commit at prakerja.go.id', async () => {
    addCode('RC-RACE-0001');
    const statuses = await Promise.all(Array.from({ length: 20 }, () => w.post('/v1/redeem-codes', { redeemCode: 'RC-RACE-0001', sequence: 1 }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    expect(w.sandbox.prakerja.received.filter((r) => r.path.endsWith('/redeem-code/commit') && JSON.stringify(r.body).includes('RC-RACE-0001'))).toHaveLength(1);
  });

  it.each([
    ['not found', 'RC-NOPE-0001', undefined, 422, 'redeem_code_not_found'],
    ['another provider’s code', 'RC-OTHER-0001', undefined, 422, 'redeem_code_other_provider'],
    ['cancelled', 'RC-CANCEL-0001', undefined, 422, 'redeem_code_cancelled'],
    ['already used at prakerja.go.id', 'RC-USED-0001', undefined, 409, 'redeem_code_already_used'],
    ['transaction cancelled', 'RC-TXCANCEL-01', { status: 'transaction_cancelled' }, 422, 'redeem_code_transaction_cancelled'],
  ])('%s → %i %s, nothing committed', async (_, code, seed, status, problem) => {
    if (seed) addCode(code, seed);
    const before = await uses();
    const res = await w.post('/v1/redeem-codes', { redeemCode: code, sequence: 1 });
    expect(res.status).toBe(status);
    const p = await res.json();
    expect(p).toMatchObject({ code: problem, errors: [{ field: 'redeemCode' }] });
    expect(p.detail).toMatch(/^prakerja\.go\.id: /);
    expect(await uses()).toBe(before);
  });

  it('refuses a webinar code outside one hour around the session start, and accepts it inside', async () => {
    const before = await uses();
    const outside = await w.post('/v1/redeem-codes', { redeemCode: 'RC-WEB-0002', sequence: 2 });
    expect(outside.status).toBe(422);
    const p = await outside.json();
    expect(p).toMatchObject({ code: 'redeem_code_outside_webinar_window' });
    expect(new Date(p.closesAt).getTime() - new Date(p.opensAt).getTime()).toBe(2 * 3_600_000);
    expect(w.sandbox.prakerja.redeemCode('RC-WEB-0002', 2)!.status).toBe('valid');
    expect(await uses()).toBe(before);

    const inside = await w.post('/v1/redeem-codes', { redeemCode: 'RC-WEB-0001', sequence: 1 });
    expect(inside.status).toBe(201);
  });

  it.each([
    [{ redeemCode: 'RC-SPL-0001', sequence: 11 }, 'sequence'],
    [{ redeemCode: 'RC-SPL-0001', sequence: 0 }, 'sequence'],
    [{ redeemCode: '', sequence: 1 }, 'redeemCode'],
    [{ sequence: 1 }, 'redeemCode'],
  ])('bad input %j → 400 naming %s', async (body, field) => {
    const res = await w.post('/v1/redeem-codes', body);
    expect(res.status).toBe(400);
    expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('accepts session 999', async () => {
    addCode('RC-999-0001', { sequence: 999 });
    expect((await w.post('/v1/redeem-codes', { redeemCode: 'RC-999-0001', sequence: 999 })).status).toBe(201);
  });
});

describe('attendance verification (url-generate)', () => {
  it('hands out prakerja.go.id’s URL and state, then matches the participant’s return once', async () => {
    const res = await w.post('/v1/redeem-codes/verification-url', { redeemCode: 'RC-WEB-0001', sequence: 1, redirectUri: 'https://lpk.example/back', email: 'siti@x.id' });
    expect(res.status).toBe(200);
    const v = await res.json();
    expect(v.url).toContain(`state=${v.state}`);
    expect(v.course).toMatchObject({ type: expect.any(String) });

    const other = await w.post('/v1/redeem-codes/verification-return', { state: v.state }, { providerId: OTHER_PROVIDER });
    expect(other.status).toBe(404);

    const back = await w.post('/v1/redeem-codes/verification-return', { state: v.state });
    expect(back.status).toBe(200);
    const first = await back.json();
    expect(first).toMatchObject({ redeemCode: 'RC-WEB-0001', sequence: 1, email: 'siti@x.id' });
    const again = await (await w.post('/v1/redeem-codes/verification-return', { state: v.state })).json();
    expect(again.returnedAt).toBe(first.returnedAt);
  });

  it('an offline course has no online attendance: wrong training type', async () => {
    const res = await w.post('/v1/redeem-codes/verification-url', { redeemCode: 'RC-OTHER-0001', sequence: 1, redirectUri: 'https://lpk.example/back', email: 'a@x.id' }, { providerId: OTHER_PROVIDER });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ code: 'redeem_code_wrong_training_type' });
  });

  it('an unknown state is 404', async () => {
    expect((await w.post('/v1/redeem-codes/verification-return', { state: 'nope' })).status).toBe(404);
  });
});
