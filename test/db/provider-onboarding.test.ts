import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { http } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPrakerjaSimulator, PrakerjaSimulatorState } from '../../adapters/prakerja/simulator.js';
import { auditLog, idempotencyKeys, providerCredentials, providers } from '../../src/db/schema.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';
import { opsClient } from '../support/ops.js';

/**
 * An operator onboards a provider the sandbox knows nothing of, through the ops API only, and
 * that provider uses a redeem code at a prakerja.go.id of its own: a server (behind msw, at the
 * network level) that knows only this provider's client code and the key prakerja.go.id gave it,
 * records every call and checks each signature itself with node:crypto, so the gateway's signing
 * code is not what checks the gateway's signatures.
 */
const w = useWorld();
const ops = opsClient(w, 'rina');

const PROVIDER = 'prv-onboarded-academy';
const CLIENT_CODE = 'LP-ONB-001';
const KEY_1 = 'onboarding-key-one-7f3a9c';
const KEY_2 = 'onboarding-key-two-b81d44';
const SECRETS = [KEY_1, KEY_2];

/** What prakerja.go.id currently holds for the client code (it has one key per client). */
const prakerjaClients: Record<string, string> = { [CLIENT_CODE]: KEY_1 };
const prakerjaState = new PrakerjaSimulatorState();
const prakerjaSim = createPrakerjaSimulator({ clients: prakerjaClients, state: prakerjaState, log: () => {} });
const recorded: Array<{ path: string; clientCode: string | null; signatureValid: boolean; keyUsed: string | undefined }> = [];

function addRedeemCode(redeemCode: string) {
  prakerjaState.addRedeemCode({
    redeemCode,
    sequence: 1,
    clientCode: CLIENT_CODE,
    courseCode: 'CRS-ONB-01',
    courseType: 'spl',
    scheduleStart: new Date(Date.now() - 86_400_000),
    scheduleEnd: new Date(Date.now() + 86_400_000),
    status: 'valid',
    invoiceCode: `INV-${redeemCode}`,
    dpPlatform: 'tokopedia',
  });
}

async function patch(path: string, body: unknown, key = crypto.randomUUID()) {
  return w.app.request(path, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await ops.token()}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
}

const asProvider = (token: string) => ({
  redeem: (redeemCode: string) =>
    w.app.request('/v1/redeem-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ redeemCode, sequence: 1 }),
    }),
});

async function issue(label: string) {
  const res = await ops.post(`/v1/ops/providers/${PROVIDER}/credentials`, { label, reason: 'LMS go-live, ticket OPS-7' });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; token: string; expiresAt: string };
}

/** Every text the database holds that an operator or another component could read back. */
async function everythingStored(): Promise<string> {
  const db = w.deps.database.db;
  const dumps = await Promise.all([providers, providerCredentials, auditLog, idempotencyKeys].map(async (t) => JSON.stringify(await db.select().from(t))));
  expect(dumps.every((d) => d.length > 2)).toBe(true);
  return dumps.join('\n');
}

beforeAll(() => {
  // Only this client's calls go to the recording prakerja.go.id; the demo providers' stay with the sandbox.
  w.server.use(
    http.post(`${SANDBOX_BASE}/*`, async ({ request }) => {
      const clientCode = request.headers.get('client_code');
      if (clientCode !== CLIENT_CODE) return undefined;
      const url = new URL(request.url);
      const raw = await request.clone().text();
      const expected = (key: string) => createHmac('sha1', key).update(`${clientCode}${request.headers.get('timestamp')}POST${url.pathname}${raw}`).digest('hex');
      const signature = request.headers.get('signature');
      recorded.push({ path: url.pathname, clientCode, signatureValid: signature === expected(prakerjaClients[CLIENT_CODE]), keyUsed: SECRETS.find((k) => expected(k) === signature) });
      const prefix = url.pathname.slice(0, url.pathname.indexOf('/api/'));
      return new Hono().route(prefix, prakerjaSim.app).fetch(request);
    }),
  );
});

describe('onboarding a provider through the ops API', () => {
  let credential: { id: string; token: string };

  it('creates it (audited, the key sealed and never answered)', async () => {
    const res = await ops.post('/v1/ops/providers', {
      id: PROVIDER,
      name: 'Onboarded Academy',
      prakerja: { clientCode: CLIENT_CODE, signKey: KEY_1 },
      reason: 'Contract signed 2026-02-01, ticket OPS-7',
    });
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(JSON.parse(text)).toMatchObject({ id: PROVIDER, active: true, prakerja: { clientCode: CLIENT_CODE, signKeyStored: true, previousKeyUsableUntil: null }, credentials: [] });
    expect(text).not.toContain(KEY_1);

    const again = await ops.post('/v1/ops/providers', { id: PROVIDER, name: 'Again', reason: 'second try by mistake' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'provider_exists' });

    const [row] = await w.deps.database.db.select({ sealed: providers.prakerjaSignKeySealed }).from(providers).where(eq(providers.id, PROVIDER));
    expect(row.sealed).toMatch(/^v1\./);
    expect(row.sealed).not.toContain(KEY_1);
  });

  it('refuses what the text rule and the audit rule refuse', async () => {
    const noReason = await ops.post('/v1/ops/providers', { id: 'prv-x', name: 'X' });
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'reason' })] });
    const control = await ops.post('/v1/ops/providers', { id: 'prv-x', name: 'X\u0000Y', reason: 'trying a control character' });
    expect(control.status).toBe(400);
    expect(await control.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'name', rule: 'no_control_characters' })] });
    const badId = await ops.post('/v1/ops/providers', { id: ' prv-x', name: 'X', reason: 'leading space' });
    expect(badId.status).toBe(400);
    const listed = await ops.get('/v1/ops/providers');
    expect(((await listed.json()) as { items: Array<{ id: string }> }).items.map((p) => p.id)).not.toContain('prv-x');
  });

  it('issues a credential shown once; its token redeems and commits a redeem code signed with the stored key', async () => {
    credential = await issue('lms-production');
    const replay = await ops.post(`/v1/ops/providers/${PROVIDER}/credentials`, { label: 'lms-production', reason: 'LMS go-live, ticket OPS-7' }, { key: 'same-key' });
    expect(replay.status).toBe(201);
    const replayed = await ops.post(`/v1/ops/providers/${PROVIDER}/credentials`, { label: 'lms-production', reason: 'LMS go-live, ticket OPS-7' }, { key: 'same-key' });
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toMatchObject({ code: 'credential_shown_once' });

    addRedeemCode('RC-ONB-0001');
    const res = await asProvider(credential.token).redeem('RC-ONB-0001');
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ redeemCode: 'RC-ONB-0001', status: 'committed' });
    expect(recorded.map((r) => [r.path.replace(/^.*\/api\//, '/api/'), r.signatureValid, r.keyUsed])).toEqual([
      ['/api/v1/integration/payment/redeem-code/status', true, KEY_1],
      ['/api/v1/integration/payment/redeem-code/commit', true, KEY_1],
    ]);
    expect(prakerjaState.redeemCode('RC-ONB-0001', 1)!.status).toBe('used');
  });

  it('rotates the key: the new one signs at once, and the old one can be switched back to within the window', async () => {
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const rotated = await patch(`/v1/ops/providers/${PROVIDER}`, { prakerja: { signKey: KEY_2, previousKeyUsableUntil: until }, reason: 'Quarterly rotation, ticket OPS-9' });
    expect(rotated.status).toBe(200);
    expect(await rotated.json()).toMatchObject({ prakerja: { signKeyStored: true, previousKeyUsableUntil: new Date(until).toISOString() } });
    prakerjaClients[CLIENT_CODE] = KEY_2;
    addRedeemCode('RC-ONB-0002');
    expect((await asProvider(credential.token).redeem('RC-ONB-0002')).status).toBe(201);
    expect(recorded.slice(-2).map((r) => [r.signatureValid, r.keyUsed])).toEqual([[true, KEY_2], [true, KEY_2]]);

    // prakerja.go.id did not take the new key after all: back to the old one.
    prakerjaClients[CLIENT_CODE] = KEY_1;
    const back = await patch(`/v1/ops/providers/${PROVIDER}`, { prakerja: { useKey: 'previous' }, reason: 'prakerja.go.id still has the old key' });
    expect(back.status).toBe(200);
    addRedeemCode('RC-ONB-0003');
    expect((await asProvider(credential.token).redeem('RC-ONB-0003')).status).toBe(201);
    expect(recorded.slice(-2).map((r) => [r.signatureValid, r.keyUsed])).toEqual([[true, KEY_1], [true, KEY_1]]);
  });

  it('deactivation refuses its tokens at once; reactivation lets them in again', async () => {
    const off = await patch(`/v1/ops/providers/${PROVIDER}`, { active: false, reason: 'Contract suspended, ticket OPS-11' });
    expect(off.status).toBe(200);
    addRedeemCode('RC-ONB-0004');
    const refused = await asProvider(credential.token).redeem('RC-ONB-0004');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'unauthorized', detail: expect.stringContaining('deactivated') });
    expect(prakerjaState.redeemCode('RC-ONB-0004', 1)!.status).toBe('valid');

    expect((await patch(`/v1/ops/providers/${PROVIDER}`, { active: true, reason: 'Contract resumed, ticket OPS-12' })).status).toBe(200);
    expect((await asProvider(credential.token).redeem('RC-ONB-0004')).status).toBe(201);
  });

  it('revocation refuses the revoked credential and only that one', async () => {
    const second = await issue('lms-staging');
    const res = await ops.post(`/v1/ops/providers/${PROVIDER}/credentials/${credential.id}/revoke`, { reason: 'Token leaked in a log, ticket SEC-3' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: credential.id, status: 'revoked', revokedBy: 'rina' });
    addRedeemCode('RC-ONB-0005');
    const refused = await asProvider(credential.token).redeem('RC-ONB-0005');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ detail: expect.stringContaining('revoked') });
    expect((await asProvider(second.token).redeem('RC-ONB-0005')).status).toBe(201);

    const again = await ops.post(`/v1/ops/providers/${PROVIDER}/credentials/${credential.id}/revoke`, { reason: 'double click' });
    expect(again.status).toBe(409);
  });

  it('shows the provider, its credentials and every change in the audit log, and no secret anywhere', async () => {
    const res = await ops.get(`/v1/ops/providers/${PROVIDER}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    const view = JSON.parse(text) as { credentials: Array<{ label: string; status: string }> };
    expect(view.credentials.map((c) => [c.label, c.status])).toEqual([
      ['lms-production', 'revoked'],
      ['lms-production', 'valid'],
      ['lms-staging', 'valid'],
    ]);

    const audit = await ops.get(`/v1/ops/audit?target=provider:${PROVIDER}&limit=50`);
    const auditText = await audit.text();
    const actions = (JSON.parse(auditText) as { items: Array<{ action: string; operator: string }> }).items.map((i) => i.action).reverse();
    expect(actions).toEqual([
      'provider.create',
      'provider.credential_issue',
      'provider.credential_issue',
      'provider.update',
      'provider.update',
      'provider.update',
      'provider.update',
      'provider.credential_issue',
      'provider.credential_revoke',
    ]);

    const tokens = [credential.token];
    const stored = await everythingStored();
    for (const secret of [...SECRETS, ...tokens]) {
      expect(text).not.toContain(secret);
      expect(auditText).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it('answers 404 for an unknown provider and 403 to a provider token', async () => {
    expect((await ops.get('/v1/ops/providers/prv-nobody')).status).toBe(404);
    expect((await patch('/v1/ops/providers/prv-nobody', { active: false, reason: 'no such provider' })).status).toBe(404);
    const asProviderToken = await w.app.request('/v1/ops/providers', { headers: { authorization: `Bearer ${credential.token}` } });
    expect([401, 403]).toContain(asProviderToken.status);
  });
});
