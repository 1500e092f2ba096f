import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../src/db/schema.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { simVoucher } from '../support/sim-data.js';
import { useWorld } from '../support/world.js';

/**
 * The tenancy rule: what provider B is told about A's voucher, redeem code, task or enrollment
 * is exactly what B would be told if A did not exist — the answer for something that never
 * existed, or the partner's own answer to B. Each case compares B's answer about A's thing with
 * B's answer about a thing nobody has (or that A has but never used), so any id, state or time
 * of A's showing through makes them differ.
 */
const w = useWorld();
const A = DEMO_PROVIDERS[0].id;
const B = DEMO_PROVIDERS[1].id;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** An answer with what legitimately varies per request (its instance path) taken out. */
async function shape(res: Response) {
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (body && typeof body === 'object') delete body.instance;
  return { status: res.status, contentType: res.headers.get('content-type'), body };
}

async function sameAnswer(aboutAs: () => Promise<Response>, aboutNothing: () => Promise<Response>) {
  const [theirs, none] = [await shape(await aboutAs()), await shape(await aboutNothing())];
  expect(theirs).toEqual(none);
  expect(JSON.stringify(theirs.body)).not.toMatch(UUID);
  return theirs;
}

let enrollmentId: string;
const siti = { voucherCode: 'TKPTEN000001', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 'siti.r@example.id' } };

beforeAll(async () => {
  for (const code of ['TKPTEN000001', 'TKPTEN000002']) w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code, providerId: A }));
  const res = await w.post('/v1/redemptions', siti);
  expect(res.status).toBe(201);
  enrollmentId = (await res.json()).id;
  expect((await w.post('/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 })).status).toBe(201);
  expect((await w.post('/v1/tasks', { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 1, fileUrl: 'https://lpk.example/t.pdf' })).status).toBe(202);
});

describe('provider B about provider A’s things', () => {
  it('a voucher A redeemed: the platform’s answer for a voucher of another provider’s course, as for A’s unused one', async () => {
    const made = { cardNumber: '3171010101010001', participant: { name: 'Nama Karangan', email: 'x@example.id' } };
    const p = await sameAnswer(
      () => w.post('/v1/redemptions', { ...made, voucherCode: 'TKPTEN000001' }, { providerId: B }),
      () => w.post('/v1/redemptions', { ...made, voucherCode: 'TKPTEN000002' }, { providerId: B }),
    );
    expect(p.body).toMatchObject({ status: 422, code: 'voucher_not_for_provider' });
  });

  it('a redeem code A committed: prakerja.go.id’s answer for another provider’s code, as for A’s unused one', async () => {
    const p = await sameAnswer(
      () => w.post('/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 }, { providerId: B }),
      () => w.post('/v1/redeem-codes', { redeemCode: 'RC-WEB-0002', sequence: 2 }, { providerId: B }),
    );
    expect(p.body).toMatchObject({ status: 422, code: 'redeem_code_other_provider' });
  });

  it('A’s enrollment: read, progress and completion answer as for an id nobody has', async () => {
    const at = new Date().toISOString();
    const nobody = crypto.randomUUID();
    await sameAnswer(() => w.get(`/v1/enrollments/${enrollmentId}`, { providerId: B }), () => w.get(`/v1/enrollments/${nobody}`, { providerId: B }));
    await sameAnswer(
      () => w.post(`/v1/enrollments/${enrollmentId}/progress`, { sequence: 1, attendedAt: at }, { providerId: B }),
      () => w.post(`/v1/enrollments/${nobody}/progress`, { sequence: 1, attendedAt: at }, { providerId: B }),
    );
    await sameAnswer(
      () => w.post(`/v1/enrollments/${enrollmentId}/completion`, { outcome: 'failed', score: 10, completedAt: at }, { providerId: B }),
      () => w.post(`/v1/enrollments/${nobody}/completion`, { outcome: 'failed', score: 10, completedAt: at }, { providerId: B }),
    );
  });

  it('A’s enrollment in a batch: the item answers as for an id nobody has', async () => {
    const at = new Date().toISOString();
    const res = await w.post('/v1/completions/batch', { items: [{ enrollmentId, outcome: 'failed', score: 1, completedAt: at }, { enrollmentId: crypto.randomUUID(), outcome: 'failed', score: 1, completedAt: at }] }, { providerId: B });
    const { items } = await res.json();
    // The items differ only by their index in the batch.
    const [theirs, none] = items.map((i: { problem: unknown }) => JSON.parse(JSON.stringify(i.problem).replace(/items\.\d+/g, 'items.N')));
    expect(theirs).toEqual(none);
    expect(theirs).toMatchObject({ status: 404 });
  });

  it('A’s voucher, read: not found, as for a code nobody sold', async () => {
    await sameAnswer(() => w.get('/v1/vouchers/TKPTEN000001', { providerId: B }), () => w.get('/v1/vouchers/TKPNOBODY001', { providerId: B }));
  });

  it('A’s task: read is not found, and a submission is accepted as for a code nobody has (prakerja.go.id then refuses it)', async () => {
    await sameAnswer(() => w.get('/v1/tasks/RC-SPL-0001/tpm/1', { providerId: B }), () => w.get('/v1/tasks/RC-NOBODY-0001/tpm/1', { providerId: B }));
    const theirs = await shape(await w.post('/v1/tasks', { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 1, fileUrl: 'https://lpk.example/b.pdf' }, { providerId: B }));
    const none = await shape(await w.post('/v1/tasks', { redeemCode: 'RC-NOBODY-0001', scope: 'tpm', sequence: 1, fileUrl: 'https://lpk.example/b.pdf' }, { providerId: B }));
    expect(theirs.status).toBe(202);
    expect({ ...theirs.body, redeemCode: 'x', updatedAt: 'x' }).toEqual({ ...none.body, redeemCode: 'x', updatedAt: 'x' });
    // A's own task is untouched by B's submission.
    expect(await (await w.get('/v1/tasks/RC-SPL-0001/tpm/1')).json()).toMatchObject({ fileUrl: 'https://lpk.example/t.pdf' });
  });

  it('A’s verification state: not found, as for a state nobody has', async () => {
    const url = await w.post('/v1/redeem-codes/verification-url', { redeemCode: 'RC-SPL-0001', sequence: 1, redirectUri: 'https://lpk.example/back', email: 's@example.id' });
    expect(url.status).toBe(200);
    const { state } = await url.json();
    await sameAnswer(
      () => w.post('/v1/redeem-codes/verification-return', { state }, { providerId: B }),
      () => w.post('/v1/redeem-codes/verification-return', { state: 'no-such-state' }, { providerId: B }),
    );
  });
});

describe('tokens name a provider the gateway knows and that is active', () => {
  it('a validly signed token for a provider that does not exist is refused (401), whatever the route', async () => {
    const ghost = await w.deps.tokens.issue({ kind: 'provider', providerId: 'prv-does-not-exist' });
    for (const [path, body] of [
      ['/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 }],
      ['/v1/tasks', { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 2, fileUrl: 'https://lpk.example/t.pdf' }],
      ['/v1/redeem-codes/verification-url', { redeemCode: 'RC-SPL-0001', sequence: 1, redirectUri: 'https://x.example/', email: 'a@b.id' }],
    ] as const) {
      const res = await w.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${ghost}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body) });
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('deactivating a provider refuses its unexpired tokens at once, and reactivating lets them in again', async () => {
    const token = await w.token(B);
    const call = () => w.app.request(`/v1/enrollments/${crypto.randomUUID()}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(404);
    await w.deps.database.db.update(providers).set({ active: false }).where(eq(providers.id, B));
    w.deps.forgetProvider(B);
    const refused = await call();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ detail: expect.stringContaining('deactivated') });
    await w.deps.database.db.update(providers).set({ active: true }).where(eq(providers.id, B));
    w.deps.forgetProvider(B);
    expect((await call()).status).toBe(404);
  });

  it('a provider without prakerja.go.id credentials gets a 503 naming the missing configuration, never a 500', async () => {
    await w.deps.database.db.insert(providers).values({ id: 'prv-no-creds', name: 'LPK Tanpa Kunci' });
    const res = await w.post('/v1/redeem-codes', { redeemCode: 'RC-SPL-0001', sequence: 1 }, { providerId: 'prv-no-creds' });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'prakerja_credentials_missing', errors: [{ field: 'provider', rule: 'prakerja_credentials_configured' }] });
  });
});
