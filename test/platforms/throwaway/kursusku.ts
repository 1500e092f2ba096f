/**
 * Kursusku: a platform that exists only in the tests, defined entirely in this file (definition,
 * adapter, simulator) to prove that a platform is one definition: registering it is enough for the
 * conformance suite and the gateway, with no file outside test/ touched.
 *
 * Its contract, a model: JSON over HTTPS; every request carries `X-KK-Timestamp` (ISO-8601) and
 * `X-KK-Signature`, hex HMAC-SHA256 of `METHOD path\ntimestamp\nbody` with the shared secret;
 * callbacks carry `X-KK-Event`, `X-KK-Timestamp` and `X-KK-Signature` over `event.timestamp.body`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { callbackPipeline, type CallbackScheme } from '../../../adapters/shared/callbacks.js';
import { eventTable } from '../../../adapters/shared/events.js';
import { parseWire, send, tableFailure, wireRequest } from '../../../adapters/shared/http.js';
import { invertStatusMap, SimulatorState, UnsupportedSimEvent, type CallbackSigner, type SimVoucher } from '../../../adapters/shared/simulator-kit.js';
import { CallbackRejected, type AdapterContext, type AdapterErrorKind, type PlatformAdapter } from '../../../src/contract/adapter.js';
import type { EnrollmentState, PlatformId } from '../../../src/contract/canonical.js';
import { hmacHex, timingSafeEqual } from '../../../src/contract/crypto.js';
import { definePlatform } from '../../../src/contract/platform.js';
import type { ConformanceFixture } from '../../support/conformance.js';

// PlatformId is the registry's union; a platform living only in the tests is outside it by design.
const ID = 'kursusku' as PlatformId;

const STATUSES = {
  bought: 'purchased',
  used: 'redeemed',
  learning: 'in_progress',
  done: 'completed',
  failed: 'failed',
  rated: 'reviewed',
  certified: 'certified',
  expired: 'expired',
  refunded: 'refunded',
  cancelled: 'revoked',
} as const satisfies Record<string, EnrollmentState>;
type Status = keyof typeof STATUSES;
const isStatus = (s: string): s is Status => Object.hasOwn(STATUSES, s);

const ERRORS = {
  not_found: { kind: 'voucher_not_found', retry: false },
  used: { kind: 'voucher_already_redeemed', retry: false },
  expired: { kind: 'voucher_expired', retry: false },
  refunded: { kind: 'voucher_refunded', retry: false },
  card_mismatch: { kind: 'invalid_request', retry: false },
  not_used: { kind: 'invalid_request', retry: false },
  bad_request: { kind: 'invalid_request', retry: false },
  bad_signature: { kind: 'auth_failed', retry: false },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;

const EVENTS = { refund: 'voucher.refunded', expire: 'voucher.expired' } as const;

const Voucher = z.object({
  code: z.string(),
  status: z.string().refine(isStatus),
  card: z.string(),
  name: z.string(),
  email: z.string().optional(),
  course: z.string(),
  provider: z.string(),
  purchased_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
  redeemed_at: z.iso.datetime().nullable(),
});
const Page = z.object({ items: z.array(Voucher), next: z.string().nullable() });
const Redeemed = z.object({ reference: z.string(), redeemed_at: z.iso.datetime() });
const Ack = z.object({ reference: z.string() });
const ErrorBody = z.object({ error: z.string() });
const Callback = z.object({ type: z.string(), code: z.string(), at: z.iso.datetime() });

/** Its callbacks through the shared pipeline: the platform gives only its scheme, envelope and event table. */
const kursuskuScheme = (secret: string): CallbackScheme<'event' | 'timestamp' | 'signature'> => ({
  headers: { event: 'x-kk-event', timestamp: 'x-kk-timestamp', signature: 'x-kk-signature' },
  async verify({ event, timestamp, signature }, req) {
    if (!timingSafeEqual(signature, await hmacHex('SHA-256', secret, `${event}.${timestamp}.${req.rawBody}`))) throw new CallbackRejected('bad_signature', 'signature does not match');
    return { sentAt: new Date(timestamp), eventId: event };
  },
});
const ENVELOPE = { schema: Callback, shape: '{ type, code, at }', open: (b: z.output<typeof Callback>) => ({ word: b.type, data: b }) };
const EVENT_TABLE = eventTable(
  { refund: Callback, expire: Callback },
  {
    refund: (d) => ({ event: { kind: EVENTS.refund, voucherCode: d.code, at: new Date(d.at) }, at: new Date(d.at) }),
    expire: (d) => ({ event: { kind: EVENTS.expire, voucherCode: d.code, at: new Date(d.at) }, at: new Date(d.at) }),
  },
);

const sign = (secret: string, method: string, path: string, ts: string, body: string) => hmacHex('SHA-256', secret, `${method} ${path}\n${ts}\n${body}`);

interface Config {
  baseUrl: string;
  secret: string;
}

function createKursuskuAdapter(cfg: Config, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  const failure = tableFailure(ID, ERRORS, (res) => ({ code: ErrorBody.safeParse(res.json).data?.error }));
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown, key?: string) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const ts = now().toISOString();
    const url = new URL(path, cfg.baseUrl.replace(/\/?$/, '/'));
    const headers: Record<string, string> = { 'x-kk-timestamp': ts, 'x-kk-signature': await sign(cfg.secret, method, url.pathname, ts, text), 'content-type': 'application/json' };
    if (key) headers['idempotency-key'] = key;
    return send(ctx, ID, wireRequest(url, { method, headers, body: body === undefined ? undefined : text }));
  };
  const canonical = (v: z.output<typeof Voucher>) => ({
    platform: ID,
    code: v.code,
    state: STATUSES[v.status as Status],
    platformStatus: v.status,
    cardNumber: v.card,
    buyerName: v.name,
    buyerEmail: v.email,
    courseId: v.course,
    providerId: v.provider,
    purchasedAt: new Date(v.purchased_at),
    expiresAt: new Date(v.expires_at),
    redeemedAt: v.redeemed_at ? new Date(v.redeemed_at) : undefined,
  });
  return {
    id: ID,
    displayName: 'Kursusku (test only)',
    voucherCodePattern: /^KK-[0-9]{6}$/,
    async getVoucher(code) {
      const res = await call('GET', `vouchers/${encodeURIComponent(code)}`);
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return canonical(parseWire(ID, Voucher, res));
    },
    async redeemVoucher(r) {
      const res = await call('POST', `vouchers/${encodeURIComponent(r.voucherCode)}/redeem`, { card: r.cardNumber, name: r.participantName, email: r.participantEmail }, r.idempotencyKey);
      if (res.status !== 200) throw failure(res);
      const d = parseWire(ID, Redeemed, res);
      return { redeemedAt: new Date(d.redeemed_at), platformReference: d.reference };
    },
    async reportCompletion(r) {
      const res = await call('POST', `vouchers/${encodeURIComponent(r.voucherCode)}/completion`, { outcome: r.outcome, score: r.score, completed_at: r.completedAt.toISOString() }, r.idempotencyKey);
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(ID, Ack, res).reference };
    },
    verifyCallback: callbackPipeline({ platform: ID, scheme: kursuskuScheme(cfg.secret), envelope: ENVELOPE, events: EVENT_TABLE }),
    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), limit: String(limit ?? 50), ...(cursor ? { cursor } : {}) });
      const res = await call('GET', `vouchers?${q}`);
      if (res.status !== 200) throw failure(res);
      const page = parseWire(ID, Page, res);
      return { items: page.items.map(canonical), nextCursor: page.next ?? undefined };
    },
  };
}

const STATUS_OF = invertStatusMap(STATUSES);

function createKursuskuSimulator(cfg: { secret: string }, now: () => Date) {
  const state = new SimulatorState(ID);
  const app = new Hono();
  const render = (v: SimVoucher) => ({
    code: v.code,
    status: STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state),
    card: v.cardNumber,
    name: v.buyerName,
    email: v.buyerEmail,
    course: v.courseId,
    provider: v.providerId,
    purchased_at: v.purchasedAt.toISOString(),
    expires_at: v.expiresAt.toISOString(),
    redeemed_at: v.redeemedAt?.toISOString() ?? null,
  });
  const REFUSAL = { not_found: [404, 'not_found'], card_mismatch: [422, 'card_mismatch'], refunded: [410, 'refunded'], expired: [410, 'expired'], already_redeemed: [409, 'used'] } as const;
  app.use('*', async (c, next) => {
    const ts = c.req.header('x-kk-timestamp') ?? '';
    const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
    const expected = await sign(cfg.secret, c.req.method, new URL(c.req.url).pathname, ts, body);
    if (!timingSafeEqual(c.req.header('x-kk-signature') ?? '', expected)) return c.json({ error: 'bad_signature' }, 401);
    return next();
  });
  app.get('/vouchers/:code', (c) => {
    const v = state.vouchers.get(c.req.param('code'));
    return v ? c.json(render(v)) : c.json({ error: 'not_found' }, 404);
  });
  app.get('/vouchers', (c) => {
    const from = new Date(c.req.query('from') ?? 0);
    const to = new Date(c.req.query('to') ?? Date.now());
    const limit = Number(c.req.query('limit') ?? 50);
    const cursor = c.req.query('cursor');
    const after = cursor ? (JSON.parse(atob(cursor)) as { t: number; c: string }) : undefined;
    const all = state.changedBetween(from, to, after);
    const page = all.slice(0, limit);
    const last = page.at(-1);
    return c.json({ items: page.map(render), next: all.length > limit && last ? btoa(JSON.stringify({ t: (last.updatedAt ?? last.purchasedAt).getTime(), c: last.code })) : null });
  });
  app.post('/vouchers/:code/redeem', async (c) => {
    const body = (await c.req.json()) as { card: string };
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body }, () => {
      const r = state.redeem(c.req.param('code'), body.card, now());
      if (!r.ok) return { status: REFUSAL[r.reason][0], body: { error: REFUSAL[r.reason][1] } };
      return { status: 200, body: { reference: `KK-${r.voucher.code}`, redeemed_at: r.voucher.redeemedAt!.toISOString() } };
    });
    return c.json(reply.body, reply.status as 200);
  });
  app.post('/vouchers/:code/completion', async (c) => {
    const body = (await c.req.json()) as { outcome: 'passed' | 'failed'; score: number; completed_at: string };
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body }, () => {
      const r = state.complete(c.req.param('code'), { outcome: body.outcome, score: body.score, completedAt: new Date(body.completed_at) }, now());
      if (!r.ok) return { status: r.reason === 'not_found' ? 404 : 409, body: { error: r.reason === 'not_found' ? 'not_found' : 'not_used' } };
      return { status: 200, body: { reference: `KK-C-${r.voucher.code}` } };
    });
    return c.json(reply.body, reply.status as 200);
  });
  const words = { 'voucher.refunded': 'refund', 'voucher.expired': 'expire' } as const;
  const callback: CallbackSigner = async (e, o = {}) => {
    if (e.kind !== 'voucher.refunded' && e.kind !== 'voucher.expired') throw new UnsupportedSimEvent(`kursusku has no callback for ${e.kind}`);
    const ts = (o.at ?? now()).toISOString();
    const eventId = o.eventId ?? `kk-${crypto.randomUUID()}`;
    const body = JSON.stringify({ type: words[e.kind], code: e.voucherCode, at: e.at.toISOString() });
    return { eventId, body, headers: { 'content-type': 'application/json', 'x-kk-event': eventId, 'x-kk-timestamp': ts, 'x-kk-signature': await hmacHex('SHA-256', cfg.secret, `${eventId}.${ts}.${body}`) } };
  };
  return { app, state, callback };
}

export const kursusku = definePlatform({
  id: 'kursusku',
  displayName: 'Kursusku (test only)',
  voucherCodePattern: /^KK-[0-9]{6}$/,
  sampleCode: (i) => `KK-${String(i % 1_000_000).padStart(6, '0')}`,
  callbackScheme: 'X-KK-Signature HMAC-SHA256 over event.timestamp.body',
  capabilities: { delivery: 'provider_delivered', gradeAcceptance: false, updates: 'callbacks', listsVouchers: true },
  tables: { statuses: STATUSES, errors: ERRORS },
  settings: {
    baseUrl: { env: 'KURSUSKU_BASE_URL', schema: z.url(), sandbox: (s) => s.baseUrl },
    secret: { env: 'KURSUSKU_SECRET', schema: z.string().min(1), secret: true, sandbox: () => 'kursusku-sandbox-secret' },
  },
  demoVouchers: [{ code: 'KK-000001', cardNumber: '5201123456780001', buyerName: 'Siti Rahmawati', buyerEmail: 'siti.r@example.id', courseId: 'CRS-EXCEL-01', providerId: 'prv-komputer-jaya', expiresInDays: 30 }],
  createAdapter: (c, ctx) => createKursuskuAdapter(c, ctx),
  async loadSimulator() {
    // No emit door: the tests sign its callbacks with `callback` and post them themselves.
    return (s) => createKursuskuSimulator(s.config, s.now);
  },
});

/** Its conformance fixture, by hand like every platform's; its written contract lives beside it. */
export const kursuskuFixture: ConformanceFixture = {
  contract: new URL('./kursusku.yaml', import.meta.url),
  events: { refund: 'voucher.refunded', expire: 'voucher.expired' },
  statuses: { bought: 'purchased', used: 'redeemed', learning: 'in_progress', done: 'completed', failed: 'failed', rated: 'reviewed', certified: 'certified', expired: 'expired', refunded: 'refunded', cancelled: 'revoked' },
  errors: {
    not_found: ['voucher_not_found', false],
    used: ['voucher_already_redeemed', false],
    expired: ['voucher_expired', false],
    refunded: ['voucher_refunded', false],
    card_mismatch: ['invalid_request', false],
    not_used: ['invalid_request', false],
    bad_request: ['invalid_request', false],
    bad_signature: ['auth_failed', false],
  },
};
