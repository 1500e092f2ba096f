import { Hono } from 'hono';
import {
  deliverOrReturn,
  invertStatusMap,
  listPage,
  emitAnswer, runEmit,
  SIM_TIMESTAMP_TOLERANCE_MS,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type SimCallbackTarget,
  type SimLearningStep,
  type SimVoucher,
  type SimCompletionRefusal,
} from '../shared/simulator-kit.js';
import { checkPintariaSignature, pintariaSignatureHeaders, type PintariaConfig } from './http.js';
import { PINTARIA_CALLBACK_KEY_ID } from './callbacks.js';
import { PINTARIA_STATUS_MAP, type PintariaStatus } from './status.js';
import { PintariaResultBody, type PintariaEnrollment } from './wire.js';

const STATUS_OF = invertStatusMap(PINTARIA_STATUS_MAP);
const fail = (error_code: string, detail: string) => ({ error_code, detail });

/** Why the simulated platform refuses a completion, in its own words. */
const COMPLETION_REFUSED = {
  not_found: [404, 'COURSE_ENROLLMENT_NOT_FOUND', 'not found'],
  not_redeemed: [409, 'COURSE_NOT_STARTED', 'the course was not started'],
  already_completed: [409, 'RESULT_EXISTS', 'result already recorded'],
  expired: [410, 'ENROLLMENT_EXPIRED', 'enrollment expired'],
  refunded: [410, 'ENROLLMENT_REFUNDED', 'enrollment refunded'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, string, string]>;


export interface PintariaSimulatorOptions {
  callback?: SimCallbackTarget;
}

/** Sandbox Pintaria implementing openapi/partners/pintaria.yaml (a model); progress is a completion rate, kept in hundredths. */
export function createPintariaSimulator(cfg: Pick<PintariaConfig, 'keyId' | 'secret'>, state = new SimulatorState('pintaria'), now = () => new Date(), opts: PintariaSimulatorOptions = {}) {
  const app = new Hono();
  const callbackPath = opts.callback ? new URL(opts.callback.url).pathname : '/v1/callbacks/pintaria';

  const render = (v: SimVoucher): PintariaEnrollment => ({
    id: v.code,
    // `reported` is the gateway's own step towards prakerja.go.id; Pintaria still shows the certificate.
    status: STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state) as PintariaStatus,
    prakerja_account: { card_number: v.cardNumber, name: v.buyerName, email: v.buyerEmail },
    course_id: v.courseId,
    institution_id: v.providerId,
    enrolled_at: v.purchasedAt.toISOString(),
    expires_at: v.expiresAt.toISOString(),
    started_at: v.redeemedAt?.toISOString() ?? null,
    completion_rate: (state.progress.get(v.code) ?? 0) / 100,
  });

  const sign = async (topic: string, object: unknown, o: { eventId?: string; at?: Date } = {}) => {
    const eventId = o.eventId ?? `pnt_${crypto.randomUUID()}`;
    const at = o.at ?? now();
    const body = JSON.stringify({ id: eventId, topic, sent_at: at.toISOString(), object });
    const headers = await pintariaSignatureHeaders({ keyId: PINTARIA_CALLBACK_KEY_ID, secret: cfg.secret }, 'POST', callbackPath, body, at);
    return { eventId, body, headers: { 'content-type': 'application/json', ...headers } };
  };

  const callback: CallbackSigner = async (e, o) => {
    switch (e.kind) {
      case 'purchase.made':
        return sign('enrollment.created', render(e.voucher), o);
      case 'review.submitted':
        return sign('rating.created', { id: e.voucherCode, stars: e.rating, text: e.review }, { at: e.reviewedAt, ...o });
      case 'voucher.refunded':
        return sign('enrollment.refunded', { id: e.voucherCode }, o);
      case 'voucher.expired':
        return sign('enrollment.expired', { id: e.voucherCode }, o);
      case 'raw':
        return sign(e.platformType, e.payload, o);
      case 'completion.accepted':
      case 'completion.rejected':
        throw new UnsupportedSimEvent(`Pintaria takes the provider's result as final; it has no ${e.kind}`);
    }
  };

  async function learn(e: SimLearningStep, eventId?: string) {
    const step = e.kind === 'learning.started' ? { kind: 'started' as const } : e.kind === 'learning.progress' ? { kind: 'progress' as const, done: Math.min(e.done, 100) } : { kind: 'completed' as const, upTo: 100 };
    const v = state.learn(e.voucherCode, step, now());
    if (!v) return { error: 'voucher_not_found' as const };
    const signed =
      e.kind === 'learning.started'
        ? await sign('course.started', render(v), { eventId })
        : e.kind === 'learning.progress'
          ? await sign('course.progressed', { id: v.code, completion_rate: (state.progress.get(v.code) ?? 0) / 100 }, { eventId })
          : await sign('course.finished', { id: v.code }, { eventId });
    return deliverOrReturn(opts.callback, signed);
  }

  // Sandbox only and unsigned: the real Pintaria has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const r = await runEmit(await c.req.json().catch(() => undefined), { state, sign: callback, target: opts.callback, now, learn });
    const a = emitAnswer(r, { fail, notFound: ['COURSE_ENROLLMENT_NOT_FOUND', 'not found'], invalid: 'MALFORMED', undelivered: 'CALLBACK_UNDELIVERED' });
    return c.json(a.body, a.status);
  });

  app.use('/prakerja/*', async (c, next) => {
    const url = new URL(c.req.url);
    const body = c.req.method === 'GET' ? '' : await c.req.raw.clone().text();
    const check = await checkPintariaSignature(cfg.secret, cfg.keyId, { method: c.req.method, pathWithQuery: url.pathname + url.search, headers: c.req.raw.headers, body, now: now(), toleranceMs: SIM_TIMESTAMP_TOLERANCE_MS });
    if (check === 'stale') return c.json(fail('DATE_SKEW', 'Date is more than 5 minutes off'), 401);
    if (check !== 'ok') return c.json(fail('SIGNATURE_INVALID', 'HTTP signature does not verify'), 401);
    return next();
  });

  app.get('/prakerja/v1/course-enrollments/:id', (c) => {
    const v = state.vouchers.get(c.req.param('id'));
    return v ? c.json(render(v)) : c.json(fail('COURSE_ENROLLMENT_NOT_FOUND', 'not found'), 404);
  });

  app.get('/prakerja/v1/course-enrollments', (c) => {
    const from = new Date(c.req.query('modified_gte') ?? '');
    const to = new Date(c.req.query('modified_lt') ?? '');
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return c.json(fail('MALFORMED', 'modified_gte and modified_lt are required'), 400);
    const size = Math.min(100, Math.max(1, Number(c.req.query('page_size') ?? 50)));
    const listed = listPage(state, { from, to, token: c.req.query('after'), size });
    if (listed === 'bad_token') return c.json(fail('MALFORMED', 'bad after'), 400);
    const { page, next } = listed;
    return c.json({ results: page.map(render), next });
  });

  app.post('/prakerja/v1/course-enrollments/:id/result', async (c) => {
    const parsed = PintariaResultBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('MALFORMED', parsed.error.message.slice(0, 300)), 400);
    const b = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body: b }, () => {
      const r = state.complete(c.req.param('id'), { outcome: b.status === 'PASSED' ? 'passed' : 'failed', score: b.score, completedAt: new Date(b.finished_at), certificateNumber: b.certificate?.number }, now());
      if (r.ok) return { status: 200, body: { result_id: `PNT-RES-${r.voucher.code}` } };
      const [status, code, message] = COMPLETION_REFUSED[r.reason];
      return { status, body: fail(code, message) };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  return { app, state, callback };
}
