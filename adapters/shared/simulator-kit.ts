import { z } from 'zod';
import { ENROLLMENT_STATES, type EnrollmentState, type PlatformId } from '../../src/contract/canonical.js';

/**
 * The state every sandbox simulator keeps, in canonical terms; each simulator renders it in its
 * own platform's dialect. Simulators record what they received and dedupe by idempotency key,
 * so a redelivery is visible and harmless, as at a real platform that honours keys.
 */
export interface SimVoucher {
  code: string;
  cardNumber: string;
  buyerName: string;
  buyerEmail: string;
  courseId: string;
  courseTitle: string;
  providerId: string;
  state: EnrollmentState;
  purchasedAt: Date;
  expiresAt: Date;
  redeemedAt?: Date;
  /** Last change at the platform; listings for reconciliation filter on it. Defaults to purchasedAt. */
  updatedAt?: Date;
  completion?: { outcome: 'passed' | 'failed'; score: number; completedAt: Date; certificateNumber?: string };
  review?: { rating: number; review: string; reviewedAt: Date };
}

/**
 * What a simulator can tell the gateway through its callback door, in canonical terms; each
 * simulator words and signs it in its platform's own scheme. `raw` sends an event type the
 * gateway does not know, to prove it is stored and acknowledged rather than crashed on.
 */
export type SimCallbackEvent =
  | { kind: 'purchase.made'; voucher: SimVoucher }
  | { kind: 'review.submitted'; voucherCode: string; rating: number; review: string; reviewedAt: Date }
  | { kind: 'voucher.refunded'; voucherCode: string; at: Date }
  | { kind: 'voucher.expired'; voucherCode: string; at: Date }
  | { kind: 'completion.accepted'; voucherCode: string; at: Date }
  | { kind: 'completion.rejected'; voucherCode: string; reason: string; at: Date }
  | { kind: 'raw'; platformType: string; payload: Record<string, unknown> };

/** A signed callback ready to POST to the gateway's `/v1/callbacks/<platform>`. */
export interface SignedCallback {
  eventId: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Builds a signed callback. `eventId` and `at` default to a fresh id and now; tests pass them to
 * replay an event or to forge a stale one.
 */
export type CallbackSigner = (event: SimCallbackEvent, opts?: { eventId?: string; at?: Date }) => Promise<SignedCallback>;

export type SimRedeemRefusal = 'not_found' | 'card_mismatch' | 'refunded' | 'expired' | 'already_redeemed';

export type SimCompletionRefusal = 'not_found' | 'not_redeemed' | 'already_completed' | 'expired' | 'refunded';

/** Which states take a completion (null) and, for the rest, why not. */
const COMPLETION_REFUSALS = {
  purchased: 'not_redeemed',
  redeemed: null,
  in_progress: null,
  completed: 'already_completed',
  failed: 'already_completed',
  reviewed: 'already_completed',
  certified: 'already_completed',
  reported: 'already_completed',
  expired: 'expired',
  refunded: 'refunded',
  revoked: 'refunded',
} as const satisfies Record<EnrollmentState, Exclude<SimCompletionRefusal, 'not_found'> | null>;

/** Sandbox signatures accept a timestamp within ±5 minutes, like the real schemes they model. */
export const SIM_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

export interface ReceivedCall {
  at: Date;
  method: string;
  path: string;
  idempotencyKey?: string;
  body: unknown;
  /** False when the call was a replay answered from the idempotency store. */
  applied: boolean;
}

/**
 * A voucher's place in SimulatorState.changedBetween's order. A listing cursor that carries the
 * last voucher served rather than an offset stays right while vouchers change: one that changes
 * while a client pages through moves to the end, and with an offset the ones behind it would
 * shift back and one would be skipped. Each simulator encodes it in its platform's own cursor.
 */
export interface SimListPosition {
  t: number;
  c: string;
}

export const SimListPositionJson = z.object({ t: z.number().int(), c: z.string() });

export const listPosition = (v: SimVoucher): SimListPosition => ({ t: (v.updatedAt ?? v.purchasedAt).getTime(), c: v.code });

export class SimulatorState {
  readonly vouchers = new Map<string, SimVoucher>();
  readonly received: ReceivedCall[] = [];
  private readonly replies = new Map<string, { status: number; body: unknown }>();

  constructor(readonly platform: string) {}

  addVoucher(v: SimVoucher): void {
    this.vouchers.set(v.code, v);
  }

  /**
   * Runs `apply` once per idempotency key; a repeat gets the first answer back unchanged.
   * Calls without a key are always applied.
   */
  async once(
    call: Omit<ReceivedCall, 'applied' | 'at'>,
    apply: () => Promise<{ status: number; body: unknown }> | { status: number; body: unknown },
  ): Promise<{ status: number; body: unknown }> {
    const key = call.idempotencyKey;
    const seen = key ? this.replies.get(key) : undefined;
    if (seen) {
      this.received.push({ ...call, at: new Date(), applied: false });
      return seen;
    }
    const reply = await apply();
    // Only successes are remembered: a refused call may be fixed and retried under the same key.
    if (key && reply.status < 400) this.replies.set(key, reply);
    this.received.push({ ...call, at: new Date(), applied: reply.status < 400 });
    return reply;
  }

  /** The platform-side redeem rule, in canonical terms; each simulator words the outcome in its dialect. */
  redeem(code: string, cardNumber: string, now: Date): { ok: true; voucher: SimVoucher } | { ok: false; reason: SimRedeemRefusal } {
    const v = this.vouchers.get(code);
    if (!v) return { ok: false, reason: 'not_found' };
    if (v.cardNumber !== cardNumber) return { ok: false, reason: 'card_mismatch' };
    if (v.state === 'refunded' || v.state === 'revoked') return { ok: false, reason: 'refunded' };
    if (v.state === 'expired' || v.expiresAt <= now) return { ok: false, reason: 'expired' };
    if (v.state !== 'purchased') return { ok: false, reason: 'already_redeemed' };
    v.state = 'redeemed';
    v.redeemedAt = now;
    v.updatedAt = now;
    return { ok: true, voucher: v };
  }

  /**
   * The platform-side completion rule, in canonical terms: only a voucher redeemed and not yet
   * finished takes an outcome, and one that has an outcome keeps it, unless the platform lets the
   * caller replace it (`replacing`). Each simulator words a refusal in its dialect.
   */
  complete(
    code: string,
    completion: NonNullable<SimVoucher['completion']>,
    now: Date,
    opts: { replacing?: boolean } = {},
  ): { ok: true; voucher: SimVoucher } | { ok: false; reason: 'not_found' } | { ok: false; reason: Exclude<SimCompletionRefusal, 'not_found'>; voucher: SimVoucher } {
    const v = this.vouchers.get(code);
    if (!v) return { ok: false, reason: 'not_found' };
    const refusal = COMPLETION_REFUSALS[v.state];
    if (refusal && !(refusal === 'already_completed' && opts.replacing)) return { ok: false, reason: refusal, voucher: v };
    v.state = completion.outcome === 'passed' ? 'completed' : 'failed';
    v.completion = completion;
    v.updatedAt = now;
    return { ok: true, voucher: v };
  }

  /**
   * The platform-side effect of an event, before the platform tells anyone: a purchase adds its
   * voucher, a review, refund or expiry moves one, and any event about a voucher marks it changed
   * at `now`. A completion verdict changes nothing else here; a simulator that keeps verdicts
   * records them itself. False when the event names a voucher the state does not hold.
   */
  applyEvent(event: SimCallbackEvent, now: Date): boolean {
    if (event.kind === 'raw') return true;
    if (event.kind === 'purchase.made') {
      this.addVoucher({ ...event.voucher, updatedAt: event.voucher.updatedAt ?? now });
      return true;
    }
    const v = this.vouchers.get(event.voucherCode);
    if (!v) return false;
    if (event.kind === 'review.submitted') {
      v.state = 'reviewed';
      v.review = { rating: event.rating, review: event.review, reviewedAt: event.reviewedAt };
    } else if (event.kind === 'voucher.refunded') v.state = 'refunded';
    else if (event.kind === 'voucher.expired') v.state = 'expired';
    v.updatedAt = now;
    return true;
  }

  /**
   * Vouchers changed in [from, to), oldest first (ties by code): what a platform's listing endpoint
   * pages through. With `after`, only those that come after that position in the same order.
   */
  changedBetween(from: Date, to: Date, after?: SimListPosition): SimVoucher[] {
    return [...this.vouchers.values()]
      .filter((v) => {
        const t = (v.updatedAt ?? v.purchasedAt).getTime();
        return t >= from.getTime() && t < to.getTime() && (!after || t > after.t || (t === after.t && v.code.localeCompare(after.c) > 0));
      })
      .sort((a, b) => (a.updatedAt ?? a.purchasedAt).getTime() - (b.updatedAt ?? b.purchasedAt).getTime() || a.code.localeCompare(b.code));
  }

  /** Platform-delivered training: how far each participant is in the platform's own learning system (its unit: modules, percent). */
  readonly progress = new Map<string, number>();

  /**
   * A learning step on a platform that delivers the training itself, in canonical terms: start
   * (only a paid, untouched purchase), progress (only ever grows), completion (`upTo`, all of it).
   * Each simulator words the step in its dialect. undefined when the voucher is unknown.
   */
  learn(code: string, step: { kind: 'started' } | { kind: 'progress'; done: number } | { kind: 'completed'; upTo: number }, now: Date): SimVoucher | undefined {
    const v = this.vouchers.get(code);
    if (!v) return undefined;
    if (step.kind === 'started') {
      if (v.state !== 'purchased') throw new UnsupportedSimEvent(`${v.code} is ${v.state}; only a paid one can start`);
      v.state = 'redeemed';
      v.redeemedAt = now;
    } else {
      this.progress.set(code, Math.max(this.progress.get(code) ?? 0, step.kind === 'progress' ? step.done : step.upTo));
      if (v.state === 'redeemed') v.state = 'in_progress';
    }
    v.updatedAt = now;
    return v;
  }

  appliedCount(pathIncludes: string): number {
    return this.received.filter((r) => r.applied && r.path.includes(pathIncludes)).length;
  }
}

/**
 * Inverts a platform's word→kind event table so a simulator can speak the platform's words. A kind
 * the table has no word for throws `unsupported(kind)`: a simulator never invents a word.
 */
export function eventWords<W extends string>(table: Record<W, string>, unsupported: (kind: string) => Error): (kind: string) => W {
  const words = new Map(Object.entries(table).map(([word, kind]) => [kind as string, word as W]));
  return (kind) => {
    const w = words.get(kind);
    if (!w) throw unsupported(kind);
    return w;
  };
}

/**
 * Inverts an exhaustive platform→canonical map so a simulator can speak the platform's words;
 * the first platform word listed for a canonical state wins. Keys come back as strings (object
 * keys), so a platform with numeric codes converts them itself.
 */
export function invertStatusMap(map: Record<string | number, EnrollmentState>): Map<EnrollmentState, string> {
  const out = new Map<EnrollmentState, string>();
  for (const [platformStatus, canonical] of Object.entries(map)) if (!out.has(canonical)) out.set(canonical, platformStatus);
  return out;
}

/* ------------------------------------------------------------------ sandbox emit door ----- */

const IsoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const Id = z.string().min(1);

/**
 * A SimCallbackEvent as JSON, dates as ISO-8601 strings with an offset: the body of every platform
 * simulator's `/_sandbox/emit`. A purchase names the voucher it creates; read it with
 * `simCallbackEvent`, which dates a purchase without `purchasedAt` to the moment of the emit.
 */
export const SimCallbackEventJson = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('purchase.made'),
    voucher: z.object({
      code: Id,
      cardNumber: Id,
      buyerName: Id,
      buyerEmail: z.string(),
      courseId: Id,
      courseTitle: z.string(),
      providerId: Id,
      state: z.enum(ENROLLMENT_STATES).default('purchased'),
      purchasedAt: IsoDate.optional(),
      expiresAt: IsoDate,
      redeemedAt: IsoDate.optional(),
      updatedAt: IsoDate.optional(),
    }),
  }),
  z.object({ kind: z.literal('review.submitted'), voucherCode: Id, rating: z.number().int().min(1).max(5), review: z.string(), reviewedAt: IsoDate }),
  z.object({ kind: z.literal('voucher.refunded'), voucherCode: Id, at: IsoDate }),
  z.object({ kind: z.literal('voucher.expired'), voucherCode: Id, at: IsoDate }),
  z.object({ kind: z.literal('completion.accepted'), voucherCode: Id, at: IsoDate }),
  z.object({ kind: z.literal('completion.rejected'), voucherCode: Id, reason: Id, at: IsoDate }),
  z.object({ kind: z.literal('raw'), platformType: Id, payload: z.record(z.string(), z.unknown()) }),
]);

/** What else `/_sandbox/emit` may carry beside the event: the event id to sign with, for a test that replays one. */
export const SimEmitOptionsJson = z.object({ eventId: Id.optional() });

/** The event SimCallbackEventJson read; a purchase without `purchasedAt` was made `now`. */
export function simCallbackEvent(json: z.output<typeof SimCallbackEventJson>, now: Date): SimCallbackEvent {
  return json.kind === 'purchase.made' ? { kind: 'purchase.made', voucher: { ...json.voucher, purchasedAt: json.voucher.purchasedAt ?? now } } : json;
}

/** Where a simulator delivers the callbacks it emits: the gateway's callback URL, and how to reach it. */
export interface SimCallbackTarget {
  url: string;
  fetch: (r: Request) => Promise<Response>;
}

/** What an emit answers: the gateway's status for a delivered callback, or the signed callback itself. */
export type EmitResult = { eventId: string; gatewayStatus: number } | SignedCallback;

/**
 * POSTs a signed callback to `target` and answers with the gateway's status; without a target,
 * answers with the signed callback for the caller to send. Throws when the gateway cannot be
 * reached, leaving each simulator to word the failure in its dialect.
 */
export async function deliverOrReturn(target: SimCallbackTarget | undefined, signed: SignedCallback): Promise<EmitResult> {
  if (!target) return signed;
  const res = await target.fetch(new Request(target.url, { method: 'POST', headers: signed.headers, body: signed.body }));
  await res.body?.cancel();
  return { eventId: signed.eventId, gatewayStatus: res.status };
}

/**
 * Emits as a platform that words an event before acting on it: a new voucher is stamped first, so
 * its callback shows the updatedAt the listing will, and a `sign` that throws for an event the
 * platform has no word for does so before anything changes. Then the event is applied to `state`
 * and delivered to `target`, or returned signed.
 */
export async function signApplyDeliver(
  sim: { state: SimulatorState; sign: CallbackSigner; target: SimCallbackTarget | undefined; now: () => Date },
  event: SimCallbackEvent,
  eventId?: string,
): Promise<EmitResult | { error: 'voucher_not_found' }> {
  const stamped: SimCallbackEvent = event.kind === 'purchase.made' ? { ...event, voucher: { ...event.voucher, updatedAt: event.voucher.updatedAt ?? sim.now() } } : event;
  const signed = await sim.sign(stamped, { eventId });
  if (!sim.state.applyEvent(stamped, sim.now())) return { error: 'voucher_not_found' };
  return deliverOrReturn(sim.target, signed);
}

/** Thrown by a simulator asked to sign an event its platform has no callback for; the message is the platform's. */
export class UnsupportedSimEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSimEvent';
  }
}

/**
 * The learning steps a platform-delivered simulator's `/_sandbox/emit` takes besides the canonical
 * events: started, progress (`done` in the platform's unit), completed.
 */
export const SimLearningStepJson = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('learning.started'), voucherCode: Id }),
  z.object({ kind: z.literal('learning.progress'), voucherCode: Id, done: z.number().int().min(0) }),
  z.object({ kind: z.literal('learning.completed'), voucherCode: Id }),
]);
export type SimLearningStep = z.output<typeof SimLearningStepJson>;

/** What a `/_sandbox/emit` request came to, for each simulator to word in its dialect. */
export type EmitOutcome =
  | { kind: 'ok'; result: EmitResult }
  | { kind: 'bad_request'; message: string }
  | { kind: 'not_found' }
  | { kind: 'unsupported'; message: string }
  | { kind: 'undelivered'; message: string };

/** A simulator's dialect for the emit outcomes: its error body and its error codes. */
export interface EmitWording {
  fail: (code: string, message: string) => object;
  notFound: readonly [code: string, message: string];
  invalid: string;
  undelivered: string;
}

/** What `/_sandbox/emit` answers for an outcome, worded in the simulator's dialect. */
export function emitAnswer(r: EmitOutcome, w: EmitWording): { status: 200 | 400 | 404 | 422 | 502; body: object } {
  switch (r.kind) {
    case 'ok':
      return { status: 200, body: r.result };
    case 'not_found':
      return { status: 404, body: w.fail(...w.notFound) };
    case 'bad_request':
      return { status: 400, body: w.fail(w.invalid, r.message) };
    case 'unsupported':
      return { status: 422, body: w.fail(w.invalid, r.message) };
    case 'undelivered':
      return { status: 502, body: w.fail(w.undelivered, r.message) };
  }
}

/**
 * The body of `/_sandbox/emit`: a canonical event, or (for a simulator that passes `learn`, a
 * platform-delivered one) a learning step. Applied, signed and delivered; the outcome is canonical.
 */
export async function runEmit(
  json: unknown,
  sim: { state: SimulatorState; sign: CallbackSigner; target: SimCallbackTarget | undefined; now: () => Date; learn?: (step: SimLearningStep, eventId?: string) => Promise<EmitResult | { error: 'voucher_not_found' }> },
): Promise<EmitOutcome> {
  const options = SimEmitOptionsJson.safeParse(json);
  const learning = sim.learn ? SimLearningStepJson.safeParse(json) : undefined;
  const canonical = SimCallbackEventJson.safeParse(json);
  if (!options.success || (!learning?.success && !canonical.success)) return { kind: 'bad_request', message: `not a ${sim.learn ? 'learning step nor a ' : ''}SimCallbackEvent` };
  try {
    const r =
      learning?.success && sim.learn
        ? await sim.learn(learning.data, options.data.eventId)
        : await signApplyDeliver(sim, simCallbackEvent(canonical.data!, sim.now()), options.data.eventId);
    return 'error' in r ? { kind: 'not_found' } : { kind: 'ok', result: r };
  } catch (e) {
    if (e instanceof UnsupportedSimEvent) return { kind: 'unsupported', message: e.message };
    // The gateway could not be reached: the state has changed, as at the platform, which would retry later.
    return { kind: 'undelivered', message: (e as Error).message };
  }
}

/**
 * One page of a platform listing: vouchers changed in [from, to) after the opaque `token` (the
 * last one served, base64 JSON of its SimListPosition). 'bad_token' for a token not made here.
 */
export function listPage(state: SimulatorState, q: { from: Date; to: Date; token?: string; size: number }): { page: SimVoucher[]; next: string | null } | 'bad_token' {
  let after: SimListPosition | undefined;
  if (q.token) {
    let json: unknown;
    try {
      json = JSON.parse(atob(q.token));
    } catch {
      return 'bad_token';
    }
    const parsed = SimListPositionJson.safeParse(json);
    if (!parsed.success) return 'bad_token';
    after = parsed.data;
  }
  const all = state.changedBetween(q.from, q.to, after);
  const page = all.slice(0, q.size);
  const last = page.at(-1);
  return { page, next: all.length > q.size && last ? btoa(JSON.stringify(listPosition(last))) : null };
}
