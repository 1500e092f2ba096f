import { Hono } from 'hono';
import { timingSafeEqual } from '../shared/crypto.js';
import {
  invertStatusMap,
  listPage,
  emitAnswer, runEmit,
  SIM_TIMESTAMP_TOLERANCE_MS,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type SimCallbackTarget,
  type SimVoucher,
  type SimCompletionRefusal,
  type SimRedeemRefusal,
} from '../shared/simulator-kit.js';
import { mbaCallbackSignature, mbaSignature, parseMbaAuthorization, type MbaConfig } from './http.js';
import { MBA_STATUS_MAP, type MbaStatus } from './status.js';
import { MbaCheckInBody, MbaResultBody, type MbaOrder } from './wire.js';

const STATUS_OF = invertStatusMap(MBA_STATUS_MAP);
const MINUTE = 60_000;
/** An order stays valid 30 days after its workshop's session (for the certificate); the session lasts 3 hours. */
const VALID_AFTER_SESSION = 30 * 24 * 60 * MINUTE;
const SESSION = 180 * MINUTE;
/** Check-in opens this long before the session starts. */
const EARLY = 30 * MINUTE;

const fail = (code: string, message: string) => ({ code, message });

/** Why the simulated platform refuses a completion, in its own words. */
const COMPLETION_REFUSED = {
  not_found: [404, 'ORDER_NOT_FOUND', 'order not found'],
  not_redeemed: [409, 'NOT_CHECKED_IN', 'the participant did not check in'],
  already_completed: [409, 'RESULT_ALREADY_SENT', 'result already sent'],
  expired: [410, 'ORDER_EXPIRED', 'order expired'],
  refunded: [410, 'ORDER_REFUNDED', 'order refunded'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, string, string]>;

/** Why the simulated platform refuses a check-in, in its own words. */
const CHECK_IN_REFUSED = {
  not_found: [404, 'ORDER_NOT_FOUND', 'order not found'],
  card_mismatch: [422, 'CARD_MISMATCH', 'not the card the order was paid with'],
  refunded: [410, 'ORDER_REFUNDED', 'order refunded'],
  expired: [410, 'ORDER_EXPIRED', 'order expired'],
  already_redeemed: [409, 'ALREADY_CHECKED_IN', 'already checked in'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, string, string]>;
/** The session of an order's workshop: derived from its validity, so every voucher the kit holds has one. */
export const mbaSession = (v: Pick<SimVoucher, 'expiresAt'>) => {
  const startsAt = new Date(v.expiresAt.getTime() - VALID_AFTER_SESSION);
  return { startsAt, endsAt: new Date(startsAt.getTime() + SESSION) };
};

export interface MbaSimulatorOptions {
  callback?: SimCallbackTarget;
}

/** Sandbox MauBelajarApa implementing openapi/partners/maubelajarapa.yaml (a model). */
export function createMbaSimulator(cfg: Pick<MbaConfig, 'keyId' | 'secret'>, state = new SimulatorState('maubelajarapa'), now = () => new Date(), opts: MbaSimulatorOptions = {}) {
  const app = new Hono();

  const render = (v: SimVoucher): MbaOrder => {
    const s = mbaSession(v);
    return {
      order_id: v.code,
      // `reported` is the gateway's own step towards prakerja.go.id; MauBelajarApa still shows the certificate.
      status: STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state) as MbaStatus,
      workshop: { code: v.courseId, name: v.courseTitle, starts_at: s.startsAt.toISOString(), ends_at: s.endsAt.toISOString() },
      provider_code: v.providerId,
      buyer: { full_name: v.buyerName, email: v.buyerEmail, card_number: v.cardNumber },
      paid_at: v.purchasedAt.toISOString(),
      valid_until: v.expiresAt.toISOString(),
      checked_in_at: v.redeemedAt?.toISOString() ?? null,
    };
  };

  const callback: CallbackSigner = async (e, o = {}) => {
    const delivery = o.eventId ?? `mba-dlv-${crypto.randomUUID()}`;
    const ts = String(Math.floor((o.at ?? now()).getTime() / 1000));
    let body: string;
    switch (e.kind) {
      case 'purchase.made':
        body = JSON.stringify({ event: 'order.paid', payload: render(e.voucher) });
        break;
      case 'voucher.refunded':
        body = JSON.stringify({ event: 'order.refunded', payload: { order_id: e.voucherCode, refunded_at: e.at.toISOString() } });
        break;
      case 'voucher.expired':
        body = JSON.stringify({ event: 'order.expired', payload: { order_id: e.voucherCode, expired_at: e.at.toISOString() } });
        break;
      case 'review.submitted':
        body = JSON.stringify({ event: 'review.created', payload: { order_id: e.voucherCode, stars: e.rating, comment: e.review, created_at: e.reviewedAt.toISOString() } });
        break;
      case 'raw':
        body = JSON.stringify({ event: e.platformType, payload: e.payload });
        break;
      case 'completion.accepted':
      case 'completion.rejected':
        throw new UnsupportedSimEvent(`MauBelajarApa takes the provider's result as final; it has no ${e.kind}`);
    }
    return { eventId: delivery, body, headers: { 'content-type': 'application/json', 'x-mba-delivery': delivery, 'x-mba-timestamp': ts, 'x-mba-signature': await mbaCallbackSignature(cfg.secret, ts, delivery, body) } };
  };

  // Sandbox only and unsigned: the real MauBelajarApa has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const r = await runEmit(await c.req.json().catch(() => undefined), { state, sign: callback, target: opts.callback, now });
    const a = emitAnswer(r, { fail, notFound: ['ORDER_NOT_FOUND', 'order not found'], invalid: 'BAD_REQUEST', undelivered: 'CALLBACK_UNDELIVERED' });
    return c.json(a.body, a.status);
  });

  app.use('/api/partner/*', async (c, next) => {
    const { key, timestamp, signature } = parseMbaAuthorization(c.req.header('authorization') ?? '');
    if (key !== cfg.keyId || !timestamp || !signature) return c.json(fail('BAD_SIGNATURE', 'Authorization: MBA-HMAC-SHA512 Key, Timestamp, Signature required'), 401);
    if (Math.abs(now().getTime() - Number(timestamp) * 1000) > SIM_TIMESTAMP_TOLERANCE_MS) return c.json(fail('CLOCK_SKEW', 'timestamp outside ±5 minutes'), 401);
    const url = new URL(c.req.url);
    const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
    if (!timingSafeEqual(signature, await mbaSignature(cfg.secret, c.req.method, url.pathname + url.search, timestamp, body))) return c.json(fail('BAD_SIGNATURE', 'signature does not match'), 401);
    return next();
  });

  app.get('/api/partner/orders/:id', (c) => {
    const v = state.vouchers.get(c.req.param('id'));
    return v ? c.json(render(v)) : c.json(fail('ORDER_NOT_FOUND', 'order not found'), 404);
  });

  app.get('/api/partner/orders', (c) => {
    const from = new Date(c.req.query('changed_since') ?? '');
    const to = new Date(c.req.query('changed_before') ?? '');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return c.json(fail('BAD_REQUEST', 'changed_since and changed_before are required'), 400);
    const size = Math.min(200, Math.max(1, Number(c.req.query('page_size') ?? 50)));
    const listed = listPage(state, { from, to, token: c.req.query('page_token'), size });
    if (listed === 'bad_token') return c.json(fail('BAD_REQUEST', 'bad page_token'), 400);
    const { page, next } = listed;
    return c.json({ orders: page.map(render), next_page_token: next });
  });

  app.post('/api/partner/orders/:id/check-in', async (c) => {
    const parsed = MbaCheckInBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('BAD_REQUEST', parsed.error.message.slice(0, 300)), 400);
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body: parsed.data }, () => {
      const v = state.vouchers.get(c.req.param('id'));
      const at = now();
      // Only at the scheduled session: check-in opens EARLY before it and closes at its end.
      if (v && v.state === 'purchased') {
        const s = mbaSession(v);
        if (at.getTime() < s.startsAt.getTime() - EARLY || at > s.endsAt) return { status: 409, body: fail('WORKSHOP_NOT_OPEN', `check-in is open from ${new Date(s.startsAt.getTime() - EARLY).toISOString()} to ${s.endsAt.toISOString()}`) };
      }
      const r = state.redeem(c.req.param('id'), parsed.data.card_number, at);
      if (r.ok) return { status: 200, body: { check_in_id: `MBA-CHK-${r.voucher.code}`, checked_in_at: r.voucher.redeemedAt!.toISOString() } };
      const [status, code, message] = CHECK_IN_REFUSED[r.reason];
      return { status, body: fail(code, message) };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  app.post('/api/partner/orders/:id/result', async (c) => {
    const parsed = MbaResultBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('BAD_REQUEST', parsed.error.message.slice(0, 300)), 400);
    const b = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body: b }, () => {
      const r = state.complete(c.req.param('id'), { outcome: b.result === 'PASSED' ? 'passed' : 'failed', score: b.score, completedAt: new Date(b.finished_at), certificateNumber: b.certificate_no ?? undefined }, now());
      if (r.ok) return { status: 200, body: { result_id: `MBA-RES-${r.voucher.code}` } };
      const [status, code, message] = COMPLETION_REFUSED[r.reason];
      return { status, body: fail(code, message) };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  return { app, state, callback };
}
