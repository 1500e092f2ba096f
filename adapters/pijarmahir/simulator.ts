import { Hono } from 'hono';
import { timingSafeEqual } from '../shared/crypto.js';
import {
  deliverOrReturn,
  invertStatusMap,
  listPage,
  emitAnswer, runEmit,
  SIM_TIMESTAMP_TOLERANCE_MS,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type SimCallbackEvent,
  type SimCallbackTarget,
  type SimLearningStep,
  type SimVoucher,
  type SimCompletionRefusal,
} from '../shared/simulator-kit.js';
import { parseSignatureHeader, pijarCallbackSignature, pijarSignature, type PijarConfig } from './http.js';
import { PIJAR_STATUS_MAP, type PijarStatus } from './status.js';
import { PijarCompletionBody, type PijarEnrollment, type PijarEventType } from './wire.js';

const STATUS_OF = invertStatusMap(PIJAR_STATUS_MAP);
/** Modules of a course on Pijar Mahir's learning system, in the sandbox. */
const MODULES = 8;

const fail = (code: string, message: string) => ({ error: { code, message } });

/** Why the simulated platform refuses a completion, in its own words. */
const COMPLETION_REFUSED = {
  not_found: [404, 'ENROLLMENT_NOT_FOUND', 'enrollment not found'],
  not_redeemed: [409, 'ENROLLMENT_NOT_STARTED', 'the participant has not started'],
  already_completed: [409, 'COMPLETION_ALREADY_CONFIRMED', 'completion already confirmed'],
  expired: [410, 'ENROLLMENT_EXPIRED', 'enrollment expired'],
  refunded: [410, 'ENROLLMENT_REFUNDED', 'enrollment refunded'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, string, string]>;



export interface PijarSimulatorOptions {
  callback?: SimCallbackTarget;
}

/**
 * Sandbox Pijar Mahir implementing openapi/partners/pijarmahir.yaml (a model). Besides the
 * partner API it keeps each enrollment's module progress, and its `/_sandbox/emit` takes the
 * learning steps (started, progress, completed) as well as the canonical events.
 */
export function createPijarSimulator(cfg: Pick<PijarConfig, 'keyId' | 'secret'>, state = new SimulatorState('pijarmahir'), now = () => new Date(), opts: PijarSimulatorOptions = {}) {
  const app = new Hono();

  const render = (v: SimVoucher): PijarEnrollment => ({
    enrollment_id: v.code,
    // `reported` is the gateway's own step towards prakerja.go.id; Pijar Mahir still shows the certificate.
    status: STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state) as PijarStatus,
    prakerja_card_number: v.cardNumber,
    account_name: v.buyerName,
    account_email: v.buyerEmail,
    course_code: v.courseId,
    provider_code: v.providerId,
    paid_at: v.purchasedAt.toISOString(),
    expires_at: v.expiresAt.toISOString(),
    started_at: v.redeemedAt?.toISOString() ?? null,
    modules_completed: state.progress.get(v.code) ?? 0,
    modules_total: MODULES,
  });

  const sign = async (type: string, data: unknown, o: { eventId?: string; at?: Date } = {}) => {
    const eventId = o.eventId ?? `pjr_evt_${crypto.randomUUID().replaceAll('-', '')}`;
    const at = o.at ?? now();
    const t = String(Math.floor(at.getTime() / 1000));
    const body = JSON.stringify({ id: eventId, type, created_at: at.toISOString(), data });
    return { eventId, body, headers: { 'content-type': 'application/json', 'pijar-event-id': eventId, 'pijar-signature': `t=${t},v1=${await pijarCallbackSignature(cfg.secret, t, body)}` } };
  };

  const WORDS: Record<Exclude<SimCallbackEvent['kind'], 'raw' | 'completion.accepted' | 'completion.rejected'>, PijarEventType> = {
    'purchase.made': 'enrollment.purchased',
    'review.submitted': 'enrollment.reviewed',
    'voucher.refunded': 'enrollment.refunded',
    'voucher.expired': 'enrollment.expired',
  };
  const callback: CallbackSigner = async (e, o) => {
    switch (e.kind) {
      case 'purchase.made':
        return sign(WORDS[e.kind], render(e.voucher), o);
      case 'review.submitted':
        return sign(WORDS[e.kind], { enrollment_id: e.voucherCode, rating: e.rating, review: e.review, at: e.reviewedAt.toISOString() }, o);
      case 'voucher.refunded':
      case 'voucher.expired':
        return sign(WORDS[e.kind], { enrollment_id: e.voucherCode, at: e.at.toISOString() }, o);
      case 'raw':
        return sign(e.platformType, e.payload, o);
      case 'completion.accepted':
      case 'completion.rejected':
        throw new UnsupportedSimEvent(`Pijar Mahir takes the provider's confirmation as final; it has no ${e.kind}`);
    }
  };

  /** A learning step: applied to the state first, as the platform would, then signed and delivered. */
  async function learn(e: SimLearningStep, eventId?: string) {
    const at = now();
    const step = e.kind === 'learning.started' ? { kind: 'started' as const } : e.kind === 'learning.progress' ? { kind: 'progress' as const, done: Math.min(e.done, MODULES) } : { kind: 'completed' as const, upTo: MODULES };
    const v = state.learn(e.voucherCode, step, at);
    if (!v) return { error: 'voucher_not_found' as const };
    const signed =
      e.kind === 'learning.started'
        ? await sign('enrollment.started', render(v), { eventId })
        : e.kind === 'learning.progress'
          ? await sign('enrollment.progress', { enrollment_id: v.code, modules_completed: state.progress.get(v.code), modules_total: MODULES, at: at.toISOString() }, { eventId })
          : await sign('enrollment.completed', { enrollment_id: v.code, at: at.toISOString() }, { eventId });
    return deliverOrReturn(opts.callback, signed);
  }

  // Sandbox only and unsigned: the real Pijar Mahir has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const r = await runEmit(await c.req.json().catch(() => undefined), { state, sign: callback, target: opts.callback, now, learn });
    const a = emitAnswer(r, { fail, notFound: ['ENROLLMENT_NOT_FOUND', 'enrollment not found'], invalid: 'INVALID_REQUEST', undelivered: 'CALLBACK_UNDELIVERED' });
    return c.json(a.body, a.status);
  });

  // Every partner call is signed; the check runs before anything is read.
  app.use('/partner/*', async (c, next) => {
    const header = c.req.header('x-pijar-signature') ?? '';
    const { t, v1 } = parseSignatureHeader(header);
    if (c.req.header('x-pijar-key') !== cfg.keyId || !t || v1.length === 0) return c.json(fail('INVALID_SIGNATURE', 'X-Pijar-Key and X-Pijar-Signature are required'), 401);
    if (Math.abs(now().getTime() - Number(t) * 1000) > SIM_TIMESTAMP_TOLERANCE_MS) return c.json(fail('STALE_TIMESTAMP', 'timestamp outside ±5 minutes'), 401);
    const url = new URL(c.req.url);
    const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
    const expected = await pijarSignature(cfg.secret, t, c.req.method, url.pathname + url.search, body);
    if (!v1.some((s) => timingSafeEqual(s, expected))) return c.json(fail('INVALID_SIGNATURE', 'signature does not match'), 401);
    return next();
  });

  app.get('/partner/v1/enrollments/:id', (c) => {
    const v = state.vouchers.get(c.req.param('id'));
    return v ? c.json({ data: render(v) }) : c.json(fail('ENROLLMENT_NOT_FOUND', 'enrollment not found'), 404);
  });

  app.get('/partner/v1/enrollments', (c) => {
    const from = new Date(c.req.query('updated_from') ?? '');
    const to = new Date(c.req.query('updated_to') ?? '');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return c.json(fail('INVALID_REQUEST', 'updated_from and updated_to are required'), 400);
    const limit = Math.min(100, Math.max(1, Number(c.req.query('limit') ?? 50)));
    const listed = listPage(state, { from, to, token: c.req.query('cursor'), size: limit });
    if (listed === 'bad_token') return c.json(fail('INVALID_REQUEST', 'bad cursor'), 400);
    const { page, next } = listed;
    return c.json({ data: page.map(render), next_cursor: next });
  });

  app.post('/partner/v1/enrollments/:id/completion', async (c) => {
    const parsed = PijarCompletionBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('INVALID_REQUEST', parsed.error.message.slice(0, 300)), 400);
    const b = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body: b }, () => {
      const r = state.complete(
        c.req.param('id'),
        { outcome: b.result === 'LULUS' ? 'passed' : 'failed', score: b.score, completedAt: new Date(b.completed_at), certificateNumber: b.certificate?.number },
        now(),
      );
      if (r.ok) return { status: 200, body: { data: { confirmation_id: `PJR-CNF-${r.voucher.code}` } } };
      const [status, code, message] = COMPLETION_REFUSED[r.reason];
      return { status, body: fail(code, message) };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  return { app, state, callback };
}
