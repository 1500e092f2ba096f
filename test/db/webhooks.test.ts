import { and, eq, inArray } from 'drizzle-orm';
import { http, HttpResponse, passthrough } from 'msw';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, idempotencyKeys, incentiveEvents, outbox, providerEvents, webhookEndpoints } from '../../src/db/schema.js';
import { createOutbound } from '../../src/node/outbound.js';
import { purgeProviderEvents } from '../../src/services/webhook-endpoints.js';
import { DEMO_PROVIDERS } from '../../src/sandbox/demo-data.js';
import { opsClient } from '../support/ops.js';
import { redeemAs } from '../support/redeem.js';
import { simVoucher } from '../support/sim-data.js';
import { startReceiver, type Received } from '../support/webhook-receiver.js';
import { SANDBOX_BASE, useWorld } from '../support/world.js';

const w = useWorld();
const A = DEMO_PROVIDERS[0].id;
const B = DEMO_PROVIDERS[1].id;
let rx: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  rx = await startReceiver();
  // Deliveries go over real HTTP to the loopback receiver; msw lets them through.
  w.server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
  w.deps.webhooks = { allowLoopbackHttp: true, timeoutMs: 5_000, feedSettleMs: 0 };
});
afterAll(async () => rx?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createEndpoint(path: string, opts: { providerId?: string; eventTypes?: string[] } = {}) {
  const res = await w.post('/v1/webhook-endpoints', { url: rx.url(path), description: `receiver ${path}`, ...(opts.eventTypes ? { eventTypes: opts.eventTypes } : {}) }, { providerId: opts.providerId });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string; status: string };
}

const at = (path: string) => rx.received.filter((r) => r.path === path);

/** Verifies with the maintained standardwebhooks package; answers the event, or throws. */
const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as { id: string; type: string; sequence: number | null; enrollmentId: string | null; data: Record<string, unknown> };
const verifies = (secret: string, r: Received) => {
  try {
    verify(secret, r);
    return true;
  } catch {
    return false;
  }
};

/** Drains the outbox until nothing is due, a few rounds for follow-ups that arrive by callback. */
async function settle(rounds = 8) {
  for (let i = 0; i < rounds; i++) {
    await w.dispatcher.drain();
    await sleep(20);
  }
}

async function feed(providerId: string) {
  const out: Array<{ id: string; type: string; sequence: number | null; enrollmentId: string | null; data: Record<string, unknown> }> = [];
  let after: string | undefined;
  for (;;) {
    const res = await w.get(`/v1/events?limit=3${after ? `&after=${after}` : ''}`, { providerId });
    expect(res.status).toBe(200);
    const page = await res.json();
    out.push(...page.items);
    after = page.nextCursor;
    if (!page.hasMore) return out;
  }
}

describe('events from redemption to incentive, by webhook and feed', () => {
  it('every event arrives verified, each id once after deduplication, in order per enrollment; the feed has the same ids; the other provider gets none', async () => {
    const a = await createEndpoint('/a');
    const b = await createEndpoint('/b', { providerId: B });
    expect(a.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const card = '5201777700000001';
    w.sandbox.prakerja.addParticipant({ cardNumber: card, name: 'Putri Ayu Lestari', status: 'active' });
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPHOOK00001', cardNumber: card, buyerName: 'Putri Ayu' }));
    const redeemed = await w.post('/v1/redemptions', { voucherCode: 'TKPHOOK00001', cardNumber: card, participant: { name: 'Putri Ayu Lestari', email: 'putri@example.id' }, platform: 'tokopedia' });
    expect(redeemed.status).toBe(201);
    const { id } = await redeemed.json();
    const soon = new Date(Date.now() + 1000).toISOString();
    expect((await w.post(`/v1/enrollments/${id}/progress`, { sequence: 1, attendedAt: new Date().toISOString() })).status).toBe(200);
    expect((await w.post(`/v1/enrollments/${id}/completion`, { outcome: 'passed', score: 91, completedAt: soon, certificate: { number: 'CERT-HOOK-1', issuedAt: soon, url: 'https://lpk.example/c.pdf', sha256: 'c'.repeat(64) } })).status).toBe(200);
    await settle(2);
    expect((await w.callback('tokopedia', { kind: 'review.submitted', voucherCode: 'TKPHOOK00001', rating: 5, review: 'Mantap', reviewedAt: new Date() })).status).toBe(200);
    await settle(2);
    const accepted = await opsClient(w).post(`/v1/ops/enrollments/${id}/accept-name`, { reason: 'Same person: KTP checked, platform account uses a short name.' });
    expect(accepted.status).toBe(200);
    // prakerja.go.id calls back (acceptance, incentive) after the certificate report, fire-and-forget.
    for (let i = 0; i < 100; i++) {
      await settle(1);
      if ((await w.deps.database.db.select().from(incentiveEvents).where(eq(incentiveEvents.cardNumber, card))).length > 0) break;
    }
    await settle(3);

    const got = at('/a').map((r) => verify(a.secret, r));
    expect(got.length).toBeGreaterThan(0);
    // Every delivery carries the Standard Webhooks headers, the id in the header is the event's.
    for (const r of at('/a')) expect(r.headers['webhook-id']).toBe(JSON.parse(r.body).id);
    const unique = [...new Map(got.map((e) => [e.id, e])).values()];
    const mine = unique.filter((e) => e.enrollmentId === id).sort((x, y) => x.sequence! - y.sequence!);
    expect(mine.map((e) => e.type)).toEqual([
      'enrollment.redeemed',
      'name_review.required',
      'enrollment.progressed',
      'enrollment.completed',
      'review.submitted',
      'name_review.resolved',
      'certificate.reported',
      'certificate.accepted',
      'incentive.scheduled',
    ]);
    expect(mine.map((e) => e.sequence)).toEqual(mine.map((_, i) => i + 1));
    // The enrollment view at the time, card masked: never the whole number.
    expect((mine[0].data.enrollment as { participant: { cardNumber: string } }).participant.cardNumber).toBe('5201********0001');
    for (const r of at('/a')) expect(r.body).not.toContain(card);

    // The pull feed: the same events, same ids, in the same per-enrollment order.
    const pulled = (await feed(A)).filter((e) => e.enrollmentId === id);
    expect(pulled.map((e) => e.id)).toEqual(mine.map((e) => e.id));

    // The second provider: nothing of the first's, by webhook or feed; its endpoint is not even visible to the first.
    expect(at('/b')).toEqual([]);
    expect((await feed(B)).filter((e) => e.enrollmentId === id)).toEqual([]);
    expect((await w.get(`/v1/webhook-endpoints/${b.id}`)).status).toBe(404);
    expect((await w.get(`/v1/webhook-endpoints/${a.id}`, { providerId: B })).status).toBe(404);
    expect((await w.get(`/v1/webhook-endpoints/${a.id}/deliveries`, { providerId: B })).status).toBe(404);
    const listB = await (await w.get('/v1/webhook-endpoints', { providerId: B })).json();
    expect(listB.items.map((e: { id: string }) => e.id)).toEqual([b.id]);

    // The provider's view of its deliveries: attempts, answers, all delivered.
    const deliveries = await (await w.get(`/v1/webhook-endpoints/${a.id}/deliveries?limit=100`)).json();
    // At-least-once: a delivery may have been received more than once (an answer slower than the
    // timeout is retried), never an event without its delivery.
    expect(deliveries.items.length).toBe(new Set(at('/a').map((r) => r.headers['webhook-id'])).size);
    expect(deliveries.items.every((d: { status: string; lastResponse: string }) => d.status === 'delivered' && d.lastResponse.startsWith('HTTP 204'))).toBe(true);
    await w.post(`/v1/webhook-endpoints/${a.id}/disable`, {});
  });
});

describe('delivery behaviour', () => {
  async function ping(endpointId: string, providerId?: string) {
    const res = await w.post(`/v1/webhook-endpoints/${endpointId}/test`, {}, { providerId });
    expect(res.status).toBe(202);
    return (await res.json()) as { eventId: string; deliveryId: number };
  }
  const row = async (deliveryId: number) => (await w.deps.database.db.select().from(outbox).where(eq(outbox.id, deliveryId)))[0];

  it('500, 500, 200: retried with the same webhook-id; one effective delivery', async () => {
    rx.on('/flaky', (n) => ({ status: n < 2 ? 500 : 200, body: n < 2 ? 'upstream down' : 'ok' }));
    const ep = await createEndpoint('/flaky');
    const { eventId, deliveryId } = await ping(ep.id);
    await settle(3);
    const hits = at('/flaky');
    expect(hits).toHaveLength(3);
    expect(new Set(hits.map((h) => h.headers['webhook-id']))).toEqual(new Set([eventId]));
    expect(new Set(hits.map((h) => verify(ep.secret, h).id)).size).toBe(1);
    expect(await row(deliveryId)).toMatchObject({ status: 'delivered', attempts: 3 });
    const d = (await (await w.get(`/v1/webhook-endpoints/${ep.id}/deliveries`)).json()).items[0];
    expect(d).toMatchObject({ eventId, eventType: 'ping', status: 'delivered', attempts: 3, lastResponse: 'HTTP 200 ok' });
    expect(d.errors.map((e: { httpStatus: number; error: string }) => [e.httpStatus, e.error])).toEqual([
      [500, 'HTTP 500: upstream down'],
      [500, 'HTTP 500: upstream down'],
    ]);
    // Replay: the same delivery again, same webhook-id.
    const replay = await w.post(`/v1/webhook-endpoints/${ep.id}/deliveries/${deliveryId}/replay`, {});
    expect(replay.status).toBe(202);
    await settle(1);
    expect(at('/flaky')).toHaveLength(4);
    expect(at('/flaky')[3].headers['webhook-id']).toBe(eventId);
  });

  it('410 Gone: the endpoint is disabled, with an endpoint.disabled audit entry', async () => {
    rx.on('/gone', () => ({ status: 410 }));
    const ep = await createEndpoint('/gone');
    const { deliveryId } = await ping(ep.id);
    await settle(1);
    expect(at('/gone')).toHaveLength(1);
    expect(await row(deliveryId)).toMatchObject({ status: 'dead', attempts: 1 });
    const after = await (await w.get(`/v1/webhook-endpoints/${ep.id}`)).json();
    expect(after).toMatchObject({ status: 'disabled', disabledReason: 'the endpoint answered 410 Gone' });
    const audits = await w.deps.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'endpoint.disabled'), eq(auditLog.target, `webhook_endpoint:${ep.id}`)));
    expect(audits).toHaveLength(1);
    expect((await w.post(`/v1/webhook-endpoints/${ep.id}/test`, {})).status).toBe(409);
    // Operators see it too.
    const health = await (await opsClient(w).get('/v1/ops/webhook-endpoints')).json();
    expect(health.endpoints.find((e: { id: string }) => e.id === ep.id)).toMatchObject({
      status: 'disabled',
      providerId: A,
      dead: 1,
      lastHour: { successes: 0, failures: 1, errorRate: 1 },
      lastFailure: { error: 'HTTP 410 (endpoint disabled)' },
    });
    // …and not among the platforms.
    const platforms = await (await opsClient(w).get('/v1/ops/platforms')).json();
    expect(platforms.destinations.map((d: { destination: string }) => d.destination).filter((d: string) => d.startsWith('webhook:'))).toEqual([]);
  });

  it('failing for five days in a row: disabled at the next failure', async () => {
    rx.on('/down', () => ({ status: 503 }));
    const ep = await createEndpoint('/down');
    await w.deps.database.db.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - 5 * 86_400_000 - 60_000) }).where(eq(webhookEndpoints.id, ep.id));
    await ping(ep.id);
    await settle(1);
    const after = await (await w.get(`/v1/webhook-endpoints/${ep.id}`)).json();
    expect(after.status).toBe('disabled');
    expect(after.disabledReason).toMatch(/5 days/);
    expect(await w.deps.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'endpoint.disabled'), eq(auditLog.target, `webhook_endpoint:${ep.id}`)))).toHaveLength(1);
  });

  it('a timeout is retried', async () => {
    rx.on('/slow', (n) => (n === 0 ? { status: 200, delayMs: 1_500 } : { status: 200 }));
    const ep = await createEndpoint('/slow');
    const { deliveryId, eventId } = await ping(ep.id);
    w.deps.webhooks = { ...w.deps.webhooks, timeoutMs: 300 };
    try {
      await settle(2);
    } finally {
      w.deps.webhooks = { ...w.deps.webhooks, timeoutMs: 5_000 };
    }
    const r = await row(deliveryId);
    expect(r).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(r.errors[0].error).toBe('no answer in time');
    expect(at('/slow').map((h) => h.headers['webhook-id'])).toEqual([eventId, eventId]);
  });

  it('through Node’s wire transport (as npm run worker sends them): verified, a 503 and a timeout retried with the same webhook-id, 410 disables', async () => {
    const saved = w.deps.webhooks;
    w.deps.webhooks = { ...saved, transport: createOutbound().transport, timeoutMs: 300 };
    try {
      rx.on('/wire', (n) => (n === 0 ? { status: 503, body: 'busy' } : n === 1 ? { status: 200, delayMs: 1_500 } : { status: 200, body: 'ok' }));
      const ep = await createEndpoint('/wire');
      const { eventId, deliveryId } = await ping(ep.id);
      await settle(3);
      const hits = at('/wire');
      expect(hits.map((h) => verify(ep.secret, h).id)).toEqual([eventId, eventId, eventId]);
      expect(hits.map((h) => h.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
      const r = await row(deliveryId);
      expect(r).toMatchObject({ status: 'delivered', attempts: 3, receipt: 'HTTP 200 ok' });
      expect(r.errors.map((e: { error: string }) => e.error)).toEqual(['HTTP 503: busy', 'no answer in time']);

      rx.on('/wire-gone', () => ({ status: 410 }));
      const gone = await createEndpoint('/wire-gone');
      const dead = await ping(gone.id);
      await settle(1);
      expect(await row(dead.deliveryId)).toMatchObject({ status: 'dead', attempts: 1 });
      expect(await (await w.get(`/v1/webhook-endpoints/${gone.id}`)).json()).toMatchObject({ status: 'disabled', disabledReason: 'the endpoint answered 410 Gone' });
    } finally {
      w.deps.webhooks = saved;
    }
  });

  it('secret rotation: either secret verifies during the overlap, only the new one after', async () => {
    const ep = await createEndpoint('/rot');
    const rotated = await w.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const { secret: next, rotation } = await rotated.json();
    expect(next).not.toBe(ep.secret);
    expect(rotation.previousSecretValidUntil).toBeTruthy();
    await ping(ep.id);
    await settle(1);
    const during = at('/rot')[0];
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifies(ep.secret, during)).toBe(true);
    expect(verifies(next, during)).toBe(true);

    // The overlap ends.
    await w.deps.database.db.update(webhookEndpoints).set({ previousSecretUntil: new Date(Date.now() - 1000) }).where(eq(webhookEndpoints.id, ep.id));
    await ping(ep.id);
    await settle(1);
    const later = at('/rot')[1];
    expect(verifies(next, later)).toBe(true);
    expect(verifies(ep.secret, later)).toBe(false);
    // A tampered byte fails whatever the secret.
    expect(verifies(next, { ...later, body: later.body.replace('ping', 'pinG') })).toBe(false);
  });
});

describe('endpoint management', () => {
  it('https only (http to loopback in the sandbox); the secret is shown once; PATCH, disable, delete', async () => {
    const bad = await w.post('/v1/webhook-endpoints', { url: 'http://lpk.example/hook' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors[0]).toMatchObject({ field: 'url', rule: 'https' });
    const ctl = await w.post('/v1/webhook-endpoints', { url: 'https://lpk.example/hook', description: 'bad\u0007bell' });
    expect(ctl.status).toBe(400);
    const unknownType = await w.post('/v1/webhook-endpoints', { url: 'https://lpk.example/hook', eventTypes: ['enrollment.exploded'] });
    expect(unknownType.status).toBe(400);

    const ep = await createEndpoint('/managed', { eventTypes: ['certificate.rejected'] });
    // The secret is sealed at rest and kept out of the stored idempotent answer; a replay is a 409, not the secret again.
    const [stored] = await w.deps.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, ep.id));
    expect(stored.secret).not.toContain(ep.secret.slice('whsec_'.length));
    const answers = await w.deps.database.db.select({ body: idempotencyKeys.responseBody }).from(idempotencyKeys);
    expect(answers.filter((r) => r.body?.includes(ep.secret.slice('whsec_'.length)))).toEqual([]);
    const key = crypto.randomUUID();
    const first = await w.post('/v1/webhook-endpoints', { url: rx.url('/twice') }, { key });
    expect(first.status).toBe(201);
    const again = await w.post('/v1/webhook-endpoints', { url: rx.url('/twice') }, { key });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'secret_shown_once' });
    const got = await (await w.get(`/v1/webhook-endpoints/${ep.id}`)).json();
    expect(got).not.toHaveProperty('secret');
    expect(JSON.stringify(await (await w.get('/v1/webhook-endpoints')).json())).not.toContain(ep.secret);

    const patched = await w.app.request(`/v1/webhook-endpoints/${ep.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await w.token()}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ description: 'renamed', eventTypes: ['certificate.accepted', 'certificate.rejected'] }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ description: 'renamed', eventTypes: ['certificate.accepted', 'certificate.rejected'], status: 'active' });
    // Rotation without a body: the old secret signs beside the new one for 24 hours.
    const rotated = await w.app.request(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, { method: 'POST', headers: { authorization: `Bearer ${await w.token()}`, 'idempotency-key': crypto.randomUUID() } });
    expect(rotated.status).toBe(200);
    const until = Date.parse((await rotated.json()).rotation.previousSecretValidUntil) - Date.now();
    expect(Math.abs(until - 24 * 3_600_000)).toBeLessThan(60_000);
    expect(await (await w.post(`/v1/webhook-endpoints/${ep.id}/disable`, {})).json()).toMatchObject({ status: 'disabled', disabledReason: 'disabled by the provider' });

    const del = await w.app.request(`/v1/webhook-endpoints/${ep.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${await w.token()}`, 'idempotency-key': crypto.randomUUID() } });
    expect(del.status).toBe(200);
    expect((await w.get(`/v1/webhook-endpoints/${ep.id}`)).status).toBe(404);
  });

  it('an endpoint filtered to some types gets only those', async () => {
    const ep = await createEndpoint('/filtered', { eventTypes: ['enrollment.completed'] });
    w.sandbox.platforms.tokopedia.addVoucher(simVoucher({ code: 'TKPHOOK00002' }));
    const res = await w.post('/v1/redemptions', { voucherCode: 'TKPHOOK00002', cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' }, platform: 'tokopedia' });
    const { id } = await res.json();
    const soon = new Date(Date.now() + 1000).toISOString();
    await w.post(`/v1/enrollments/${id}/completion`, { outcome: 'passed', score: 80, completedAt: soon, certificate: { number: 'CERT-HOOK-2', issuedAt: soon, url: 'https://lpk.example/c2.pdf', sha256: 'd'.repeat(64) } });
    await settle(2);
    expect(at('/filtered').map((r) => verify(ep.secret, r)).filter((e) => e.enrollmentId === id).map((e) => e.type)).toEqual(['enrollment.completed']);
  });
});

describe('a redemption’s events, written in the statement that writes the enrollment', () => {
  it('go to each active endpoint of the provider that wants them, with the feed’s exact bodies, and to no other', async () => {
    const all = await createEndpoint('/r-all');
    const named = await createEndpoint('/r-named', { eventTypes: ['name_review.required'] });
    const other = await createEndpoint('/r-other', { eventTypes: ['enrollment.completed'] });
    const disabled = await createEndpoint('/r-disabled');
    await w.post(`/v1/webhook-endpoints/${disabled.id}/disable`, {});
    const otherProvider = await createEndpoint('/r-b', { providerId: B });

    const res = await redeemAs(w, 'tokopedia', { code: 'TKPHOOK00077', card: '5201999900000077', registered: 'Putri Ayu Lestari', onPlatform: 'Putri Ayu', email: 'putri@example.id' });
    expect(res.status).toBe(201);
    const answer = await res.json();
    expect(answer.nameCheck.decision).toBe('review');

    const rows = await w.deps.database.db.select().from(outbox).where(and(eq(outbox.enrollmentId, answer.id), eq(outbox.kind, 'webhook.deliver')));
    const to = (ep: { id: string }) => rows.filter((r) => r.destination === `webhook:${ep.id}`).map((r) => (r.payload as { type: string }).type).sort();
    expect(to(all)).toEqual(['enrollment.redeemed', 'name_review.required']);
    expect(to(named)).toEqual(['name_review.required']);
    expect(to(other)).toEqual([]);
    expect(to(disabled)).toEqual([]);
    expect(to(otherProvider)).toEqual([]);

    // What the endpoint receives is the feed's event, byte for byte, and its enrollment is the
    // one the redemption answered and GET reads back (the row was built before it was written).
    const events = (await w.deps.database.db.select().from(providerEvents).where(eq(providerEvents.enrollmentId, answer.id))).sort((a, b) => a.enrollmentSequence! - b.enrollmentSequence!);
    expect(events.map((e) => [e.type, e.enrollmentSequence])).toEqual([['enrollment.redeemed', 1], ['name_review.required', 2]]);
    for (const r of rows) expect((r.payload as { body: string }).body).toBe(events.find((e) => e.id === (r.payload as { eventId: string }).eventId)!.body);
    const read = await (await w.get(`/v1/enrollments/${answer.id}`)).json();
    const { deliveries: _d, timeline: _t, ...asRead } = read;
    expect(JSON.parse(events[0].body).data.enrollment).toEqual(asRead);
    expect({ ...answer, deliveries: undefined }).toEqual({ ...read, deliveries: undefined });
    expect(read.deliveries.map((d: { destination: string }) => d.destination).sort()).toEqual(['prakerja', ...rows.map((r) => r.destination)].sort());

    await settle(2);
    expect(at('/r-all').map((r) => verify(all.secret, r).type).sort()).toEqual(['enrollment.redeemed', 'name_review.required']);
    expect(at('/r-named').map((r) => verify(named.secret, r).type)).toEqual(['name_review.required']);
    expect([...at('/r-other'), ...at('/r-disabled'), ...at('/r-b')]).toEqual([]);
  });
});

describe('the other facts, as events in the feed', () => {
  type Ev = { id: string; type: string; sequence: number | null; enrollmentId: string | null; data: Record<string, unknown> };
  const ofEnrollment = async (id: string) => (await feed(A)).filter((e: Ev) => e.enrollmentId === id);
  const soon = () => new Date(Date.now() + 1000).toISOString();
  const passed = (n: string) => ({ outcome: 'passed', score: 85, completedAt: soon(), certificate: { number: `CERT-EV-${n}`, issuedAt: soon(), url: `https://lpk.example/${n}.pdf`, sha256: 'e'.repeat(64) } });

  async function redeem(code: string, platform: 'tokopedia' | 'kemnaker') {
    w.sandbox.platforms[platform].addVoucher(simVoucher({ code }));
    const res = await w.post('/v1/redemptions', { voucherCode: code, cardNumber: '5201123456780001', participant: { name: 'Siti Rahmawati', email: 's@x.id' }, platform });
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  }

  it('Sisnaker’s acceptance, a refund notice, prakerja.go.id’s rejection with its reason', async () => {
    const id = await redeem('SK-2026-913001', 'kemnaker');
    await w.post(`/v1/enrollments/${id}/completion`, passed('k'));
    await settle(1);
    expect((await w.callback('kemnaker', { kind: 'completion.accepted', voucherCode: 'SK-2026-913001', at: new Date() })).status).toBe(200);
    expect((await w.callback('kemnaker', { kind: 'voucher.refunded', voucherCode: 'SK-2026-913001', at: new Date() })).status).toBe(200);
    expect((await w.callback('prakerja', { kind: 'completion.rejected', enrollmentId: id, voucherCode: 'SK-2026-913001', reason: 'Sertifikat tidak terbaca', at: new Date() })).status).toBe(200);
    const events = await ofEnrollment(id);
    expect(events.map((e) => e.type)).toEqual(['enrollment.redeemed', 'enrollment.completed', 'grade.accepted', 'voucher.refunded', 'certificate.rejected']);
    expect(events.at(-1)!.data).toMatchObject({ reason: 'Sertifikat tidak terbaca', enrollment: { prakerja: { rejection: 'Sertifikat tidak terbaca' } } });
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a report that dead-letters is told as delivery.dead_lettered, in the transaction that records it', async () => {
    const id = await redeem('TKPEVDEAD001', 'tokopedia');
    w.server.use(
      http.post(`${SANDBOX_BASE}/sandbox/tokopedia/prakerja/v1/vouchers/TKPEVDEAD001/completion`, () =>
        HttpResponse.json({ errors: [{ code: 'INVALID_REQUEST', message: 'score out of range' }] }, { status: 400 }),
      ),
    );
    await w.post(`/v1/enrollments/${id}/completion`, passed('d'));
    await settle(1);
    const dead = (await ofEnrollment(id)).find((e) => e.type === 'delivery.dead_lettered');
    expect(dead?.data.delivery).toMatchObject({ destination: 'tokopedia', kind: 'platform.completion', attempts: 1 });
    expect(String((dead!.data.delivery as { lastError: string }).lastError)).toContain('score out of range');
  });

  it('a practical task’s status changes are told, with no enrollment', async () => {
    const ref = { redeemCode: 'RC-SPL-0001', scope: 'tpm', sequence: 3 };
    expect((await w.post('/v1/tasks', { ...ref, fileUrl: 'https://lpk.example/tugas/ev.pdf' })).status).toBe(202);
    await settle(3);
    const tasks = (await feed(A)).filter((e: Ev) => e.type === 'task.status_changed' && (e.data.task as { sequence: number }).sequence === 3);
    expect(tasks.map((e) => (e.data.task as { assignment: string }).assignment)).toEqual(['pending', 'success']);
    expect(tasks.every((e) => e.enrollmentId === null && e.sequence === null)).toBe(true);
  });
});

describe('feed retention', () => {
  it('events older than 30 days are purged by the housekeeping; newer ones stay', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000);
    const body = (id: string) => JSON.stringify({ id, type: 'ping' });
    await w.deps.database.db.insert(providerEvents).values([
      { id: 'evt_retention_old', providerId: A, type: 'ping', occurredAt: old, body: body('evt_retention_old'), createdAt: old },
      { id: 'evt_retention_new', providerId: A, type: 'ping', occurredAt: new Date(), body: body('evt_retention_new') },
    ]);
    expect(await purgeProviderEvents(w.deps.database.db)).toBe(1);
    const left = await w.deps.database.db.select({ id: providerEvents.id }).from(providerEvents).where(inArray(providerEvents.id, ['evt_retention_old', 'evt_retention_new']));
    expect(left.map((r) => r.id)).toEqual(['evt_retention_new']);
  });
});
