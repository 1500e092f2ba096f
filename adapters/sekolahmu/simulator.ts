import { Hono } from 'hono';
import {
  deliverOrReturn,
  invertStatusMap,
  listPage,
  emitAnswer, runEmit,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type SimCallbackTarget,
  type SimLearningStep,
  type SimVoucher,
  type SimCompletionRefusal,
} from '../shared/simulator-kit.js';
import { sekolahmuCallbackSignature, verifySekolahmuToken, type SekolahmuConfig } from './http.js';
import { SEKOLAHMU_STATUS_MAP, type SekolahmuStatus } from './status.js';
import { SekolahmuConfirmationBody, type SekolahmuEnrollment, type SekolahmuEventType } from './wire.js';

const STATUS_OF = invertStatusMap(SEKOLAHMU_STATUS_MAP);
const fail = (error: string, message: string) => ({ error, message });

/** Why the simulated platform refuses a completion, in its own words. */
const COMPLETION_REFUSED = {
  not_found: [404, 'not_found', 'enrollment not found'],
  not_redeemed: [409, 'not_started', 'the learner has not started'],
  already_completed: [409, 'already_confirmed', 'already confirmed'],
  expired: [410, 'expired', 'enrollment expired'],
  refunded: [410, 'refunded', 'payment refunded'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, string, string]>;


export interface SekolahmuSimulatorOptions {
  callback?: SimCallbackTarget;
}

/** Sandbox Sekolahmu implementing openapi/partners/sekolahmu.yaml (a model); progress is in percent. */
export function createSekolahmuSimulator(cfg: Pick<SekolahmuConfig, 'clientId' | 'secret'>, state = new SimulatorState('sekolahmu'), now = () => new Date(), opts: SekolahmuSimulatorOptions = {}) {
  const app = new Hono();

  const render = (v: SimVoucher): SekolahmuEnrollment => ({
    enrollmentId: v.code,
    // `reported` is the gateway's own step towards prakerja.go.id; Sekolahmu still shows the certificate.
    status: STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state) as SekolahmuStatus,
    learner: { accountName: v.buyerName, email: v.buyerEmail, prakerjaCardNumber: v.cardNumber },
    course: { code: v.courseId, providerCode: v.providerId },
    paidAt: v.purchasedAt.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    startedAt: v.redeemedAt?.toISOString() ?? null,
    progressPercent: state.progress.get(v.code) ?? 0,
  });

  const sign = async (eventType: SekolahmuEventType | string, payload: unknown, o: { eventId?: string; at?: Date } = {}) => {
    const eventId = o.eventId ?? `skm-${crypto.randomUUID()}`;
    const at = o.at ?? now();
    const ts = String(Math.floor(at.getTime() / 1000));
    const body = JSON.stringify({ eventType, occurredAt: at.toISOString(), payload });
    return { eventId, body, headers: { 'content-type': 'application/json', 'x-sekolahmu-event-id': eventId, 'x-sekolahmu-timestamp': ts, 'x-sekolahmu-signature': `sha256=${await sekolahmuCallbackSignature(cfg.secret, ts, body)}` } };
  };

  const callback: CallbackSigner = async (e, o) => {
    switch (e.kind) {
      case 'purchase.made':
        return sign('enrollment.paid', render(e.voucher), o);
      case 'review.submitted':
        return sign('review.posted', { enrollmentId: e.voucherCode, rating: e.rating, comment: e.review }, { at: e.reviewedAt, ...o });
      case 'voucher.refunded':
        return sign('payment.refunded', { enrollmentId: e.voucherCode }, o);
      case 'voucher.expired':
        return sign('enrollment.expired', { enrollmentId: e.voucherCode }, o);
      case 'raw':
        return sign(e.platformType, e.payload, o);
      case 'completion.accepted':
      case 'completion.rejected':
        throw new UnsupportedSimEvent(`Sekolahmu takes the provider's confirmation as final; it has no ${e.kind}`);
    }
  };

  async function learn(e: SimLearningStep, eventId?: string) {
    const step = e.kind === 'learning.started' ? { kind: 'started' as const } : e.kind === 'learning.progress' ? { kind: 'progress' as const, done: Math.min(e.done, 100) } : { kind: 'completed' as const, upTo: 100 };
    const v = state.learn(e.voucherCode, step, now());
    if (!v) return { error: 'voucher_not_found' as const };
    const signed =
      e.kind === 'learning.started'
        ? await sign('learning.started', render(v), { eventId })
        : e.kind === 'learning.progress'
          ? await sign('learning.progress', { enrollmentId: v.code, progressPercent: state.progress.get(v.code) }, { eventId })
          : await sign('learning.finished', { enrollmentId: v.code }, { eventId });
    return deliverOrReturn(opts.callback, signed);
  }

  // Sandbox only and unauthenticated: the real Sekolahmu has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const r = await runEmit(await c.req.json().catch(() => undefined), { state, sign: callback, target: opts.callback, now, learn });
    const a = emitAnswer(r, { fail, notFound: ['not_found', 'enrollment not found'], invalid: 'validation_failed', undelivered: 'callback_undelivered' });
    return c.json(a.body, a.status);
  });

  app.use('/prakerja/partner/*', async (c, next) => {
    const token = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    const verdict = token ? await verifySekolahmuToken(cfg.secret, token, now()) : ({ ok: false, code: 'invalid_token' } as const);
    if (!verdict.ok || verdict.clientId !== cfg.clientId) return c.json(fail(verdict.ok ? 'invalid_token' : verdict.code, 'bearer token not accepted'), 401);
    return next();
  });

  app.get('/prakerja/partner/v2/enrollments/:id', (c) => {
    const v = state.vouchers.get(c.req.param('id'));
    return v ? c.json(render(v)) : c.json(fail('not_found', 'enrollment not found'), 404);
  });

  app.get('/prakerja/partner/v2/enrollments', (c) => {
    const from = new Date(c.req.query('updatedFrom') ?? '');
    const to = new Date(c.req.query('updatedTo') ?? '');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return c.json(fail('validation_failed', 'updatedFrom and updatedTo are required'), 400);
    const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 50)));
    const listed = listPage(state, { from, to, token: c.req.query('cursor'), size: limit });
    if (listed === 'bad_token') return c.json(fail('validation_failed', 'bad cursor'), 400);
    const { page, next } = listed;
    return c.json({ items: page.map(render), nextCursor: next });
  });

  app.post('/prakerja/partner/v2/enrollments/:id/confirmation', async (c) => {
    const parsed = SekolahmuConfirmationBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('validation_failed', parsed.error.message.slice(0, 300)), 400);
    const b = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body: b }, () => {
      const r = state.complete(c.req.param('id'), { outcome: b.passed ? 'passed' : 'failed', score: b.score, completedAt: new Date(b.completedAt), certificateNumber: b.certificate?.number }, now());
      if (r.ok) return { status: 200, body: { confirmationId: `SKM-CNF-${r.voucher.code}` } };
      const [status, code, message] = COMPLETION_REFUSED[r.reason];
      return { status, body: fail(code, message) };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  return { app, state, callback };
}
