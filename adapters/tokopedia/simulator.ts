import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { timingSafeEqual } from '../shared/crypto.js';
import {
  eventWords,
  invertStatusMap,
  listPosition,
  SIM_TIMESTAMP_TOLERANCE_MS,
  SimCallbackEventJson,
  simCallbackEvent,
  SimEmitOptionsJson,
  SimListPositionJson,
  signApplyDeliver,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type EmitResult,
  type SimCallbackEvent,
  type SimCallbackTarget,
  type SimCompletionRefusal,
  type SimListPosition,
  type SimRedeemRefusal,
  type SimVoucher,
} from '../shared/simulator-kit.js';
import type { TokopediaErrorCode } from './errors.js';
import { TOKOPEDIA_EVENT_MAP } from './events.js';
import { TOKOPEDIA_MAX_PAGE, TOKOPEDIA_PATHS, TOKOPEDIA_WEBHOOK_HEADERS, tokopediaSignature, tokopediaWebhookSignature, type TokopediaConfig } from './http.js';
import { TOKOPEDIA_OUTCOMES, TOKOPEDIA_STATUS_MAP, type TokopediaStatus } from './status.js';
import { TokopediaCompletionBody, type TokopediaEventPayload, type TokopediaVoucher } from './wire.js';

const STATUS_OF = invertStatusMap(TOKOPEDIA_STATUS_MAP);
const OUTCOME_OF = { PASSED: 'passed', FAILED: 'failed' } as const satisfies Record<(typeof TOKOPEDIA_OUTCOMES)[keyof typeof TOKOPEDIA_OUTCOMES], 'passed' | 'failed'>;

/** `reported` is the gateway's own step towards prakerja.go.id; Tokopedia never sees it and still shows the certificate. */
const statusWord = (v: SimVoucher): TokopediaStatus => STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state) as TokopediaStatus;

const REFUSALS = {
  not_found: [404, 'VOUCHER_NOT_FOUND'],
  card_mismatch: [422, 'CARD_MISMATCH'],
  refunded: [410, 'VOUCHER_REFUNDED'],
  expired: [410, 'VOUCHER_EXPIRED'],
  already_redeemed: [409, 'VOUCHER_ALREADY_REDEEMED'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, TokopediaErrorCode]>;

/** How Tokopedia refuses a completion report; a second report under a new key is refused, not merged. */
const COMPLETION_REFUSALS = {
  not_found: [404, 'VOUCHER_NOT_FOUND'],
  not_redeemed: [409, 'VOUCHER_NOT_REDEEMED'],
  already_completed: [409, 'COMPLETION_ALREADY_REPORTED'],
  expired: [410, 'VOUCHER_EXPIRED'],
  refunded: [410, 'VOUCHER_REFUNDED'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, TokopediaErrorCode]>;

function render(v: SimVoucher): TokopediaVoucher {
  return {
    voucher_code: v.code,
    status: statusWord(v),
    buyer_name: v.buyerName,
    buyer_email: v.buyerEmail,
    prakerja_card_number: v.cardNumber,
    product: { sku: v.courseId, name: v.courseTitle, seller_id: v.providerId },
    paid_at: v.purchasedAt.toISOString(),
    expired_at: v.expiresAt.toISOString(),
    redeemed_at: v.redeemedAt?.toISOString() ?? null,
    updated_at: (v.updatedAt ?? v.purchasedAt).toISOString(),
    completion: v.completion
      ? {
          outcome: TOKOPEDIA_OUTCOMES[v.completion.outcome],
          score: v.completion.score,
          completed_at: v.completion.completedAt.toISOString(),
          certificate_number: v.completion.certificateNumber ?? null,
        }
      : null,
    review: v.review ? { rating: v.review.rating, review: v.review.review, reviewed_at: v.review.reviewedAt.toISOString() } : null,
  };
}

const fail = (code: TokopediaErrorCode, message: string) => ({ errors: [{ code, message }] });

/* ----------------------------------------------------------------- listing cursor ------- */

/** Tokopedia's cursor: the keyset position of the last voucher served, as base64url JSON. */
function encodeCursor(v: SimVoucher): string {
  const bytes = new TextEncoder().encode(JSON.stringify(listPosition(v)));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): SimListPosition | undefined {
  try {
    const bin = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed = SimListPositionJson.safeParse(JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)))));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const IsoDateTime = z.iso.datetime({ offset: true });

const ListQuery = z.object({
  updated_from: IsoDateTime,
  updated_to: IsoDateTime,
  limit: z.coerce.number().int().min(1).max(TOKOPEDIA_MAX_PAGE).default(50),
  cursor: z.string().min(1).optional(),
});

/* ----------------------------------------------------------------- sandbox trigger ------ */

/** For a canonical event Tokopedia has no webhook for (e.g. Kemnaker's completion verdicts). */
const unsupported = (kind: string) => new UnsupportedSimEvent(`tokopedia sends no webhook for ${kind}`);

const word = eventWords(TOKOPEDIA_EVENT_MAP, unsupported);

/** A canonical event in Tokopedia's webhook words: `{ type, data }`. */
function toWebhookBody(event: SimCallbackEvent): { type: string; data: unknown } {
  switch (event.kind) {
    case 'raw':
      return { type: event.platformType, data: event.payload };
    case 'purchase.made':
      return { type: word(event.kind), data: render(event.voucher) satisfies TokopediaEventPayload<'order.paid'> };
    case 'review.submitted': {
      const data: TokopediaEventPayload<'voucher.reviewed'> = { voucher_code: event.voucherCode, rating: event.rating, review: event.review, reviewed_at: event.reviewedAt.toISOString() };
      return { type: word(event.kind), data };
    }
    case 'voucher.refunded': {
      const data: TokopediaEventPayload<'order.refunded'> = { voucher_code: event.voucherCode, refunded_at: event.at.toISOString() };
      return { type: word(event.kind), data };
    }
    case 'voucher.expired': {
      const data: TokopediaEventPayload<'voucher.expired'> = { voucher_code: event.voucherCode, expired_at: event.at.toISOString() };
      return { type: word(event.kind), data };
    }
    case 'completion.accepted':
    case 'completion.rejected':
      throw unsupported(event.kind);
    default:
      throw unsupported((event satisfies never as { kind: string }).kind);
  }
}

/** Used when the caller names no webhook secret; the gateway's sandbox settings must name the same one. */
export const TOKOPEDIA_SANDBOX_WEBHOOK_SECRET = 'tokopedia-sandbox-webhook-secret';

export interface TokopediaSimulatorOptions {
  /** Secrets the gateway accepts; the simulator signs with the first, as Tokopedia signs with its newest. */
  webhookSecrets?: string[];
  /** Where `/_sandbox/emit` delivers callbacks; without it the signed callback is returned instead. */
  callback?: SimCallbackTarget;
}

export { UnsupportedSimEvent, type EmitResult };

const randomId = () => `msg_${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * Sandbox Tokopedia implementing openapi/partners/tokopedia.yaml. Besides `app` and `state` it
 * returns `callback`, which signs a canonical event as a Tokopedia webhook without sending it,
 * and `emit`, which applies the event to the state and then delivers it like `/_sandbox/emit`.
 */
export function createTokopediaSimulator(
  cfg: Pick<TokopediaConfig, 'clientId' | 'secret'>,
  state = new SimulatorState('tokopedia'),
  now = () => new Date(),
  opts: TokopediaSimulatorOptions = {},
) {
  const app = new Hono();
  const webhookSecrets = opts.webhookSecrets ?? [TOKOPEDIA_SANDBOX_WEBHOOK_SECRET];
  if (webhookSecrets.length === 0) throw new Error('tokopedia simulator needs at least one webhook secret to sign with');

  const callback: CallbackSigner = async (event, o = {}) => {
    const eventId = o.eventId ?? randomId();
    const timestamp = String(Math.floor((o.at ?? now()).getTime() / 1000));
    const body = JSON.stringify(toWebhookBody(event));
    const signature = await tokopediaWebhookSignature(webhookSecrets[0], eventId, timestamp, body);
    return {
      eventId,
      headers: {
        'content-type': 'application/json',
        [TOKOPEDIA_WEBHOOK_HEADERS.id]: eventId,
        [TOKOPEDIA_WEBHOOK_HEADERS.timestamp]: timestamp,
        [TOKOPEDIA_WEBHOOK_HEADERS.signature]: `v1,${signature}`,
      },
      body,
    };
  };

  /**
   * Applies the event and delivers it to `opts.callback`, or returns it signed. Throws
   * UnsupportedSimEvent for an event Tokopedia has no word for, before changing anything.
   */
  const emit = (event: SimCallbackEvent, o: { eventId?: string } = {}) => signApplyDeliver({ state, sign: callback, target: opts.callback, now }, event, o.eventId);

  app.use('/prakerja/*', async (c, next) => {
    const ts = c.req.header('x-tokopedia-timestamp') ?? '';
    const sig = c.req.header('x-tokopedia-signature') ?? '';
    const body = await c.req.raw.clone().text();
    if (c.req.header('x-tokopedia-client-id') !== cfg.clientId || !timingSafeEqual(sig, await tokopediaSignature(cfg.secret, ts, body))) {
      return c.json(fail('INVALID_SIGNATURE', 'signature does not match'), 401);
    }
    const at = Date.parse(ts);
    if (Number.isNaN(at) || Math.abs(now().getTime() - at) > SIM_TIMESTAMP_TOLERANCE_MS) {
      return c.json(fail('TIMESTAMP_OUT_OF_RANGE', 'timestamp outside ±5 minutes'), 401);
    }
    await next();
  });

  app.get(TOKOPEDIA_PATHS.vouchers, (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) return c.json(fail('INVALID_REQUEST', `bad listing query: ${q.error.issues.map((i) => i.path.join('.')).join(', ')}`), 400);
    const position = q.data.cursor === undefined ? undefined : decodeCursor(q.data.cursor);
    if (q.data.cursor !== undefined && !position) return c.json(fail('INVALID_REQUEST', 'cursor is not one this API issued'), 400);
    const rest = state.changedBetween(new Date(q.data.updated_from), new Date(q.data.updated_to), position);
    const page = rest.slice(0, q.data.limit);
    return c.json({ data: page.map(render), next_cursor: rest.length > page.length ? encodeCursor(page[page.length - 1]) : null });
  });

  app.get('/prakerja/v1/vouchers/:code', (c) => {
    const v = state.vouchers.get(c.req.param('code'));
    if (!v) return c.json(fail('VOUCHER_NOT_FOUND', 'voucher not found'), 404);
    return c.json({ data: render(v) });
  });

  app.post('/prakerja/v1/vouchers/:code/redeem', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { prakerja_card_number?: string } | null;
    if (!body?.prakerja_card_number) return c.json(fail('INVALID_REQUEST', 'prakerja_card_number is required'), 400);
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: c.req.header('idempotency-key'), body }, () => {
      const r = state.redeem(c.req.param('code'), body.prakerja_card_number!, now());
      if (!r.ok) {
        const [status, code] = REFUSALS[r.reason];
        return { status, body: fail(code, r.reason.replace('_', ' ')) };
      }
      return {
        status: 200,
        body: { data: { voucher_code: r.voucher.code, status: 'REDEEMED', redeemed_at: r.voucher.redeemedAt!.toISOString(), redemption_id: `TKP-RDM-${r.voucher.code}` } },
      };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  app.post('/prakerja/v1/vouchers/:code/completion', async (c) => {
    const raw = await c.req.json().catch(() => null);
    const parsed = TokopediaCompletionBody.safeParse(raw);
    const key = c.req.header('idempotency-key');
    if (!parsed.success) return c.json(fail('INVALID_REQUEST', `bad completion: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`), 400);
    if (!key) return c.json(fail('INVALID_REQUEST', 'Idempotency-Key is required'), 400);
    const body = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body: raw }, () => {
      const completion = { outcome: OUTCOME_OF[body.outcome], score: body.score, completedAt: new Date(body.completed_at), certificateNumber: body.certificate?.number };
      const r = state.complete(c.req.param('code'), completion, now());
      if (!r.ok) {
        const [status, code] = COMPLETION_REFUSALS[r.reason];
        return { status, body: fail(code, r.reason === 'not_found' ? 'voucher not found' : `voucher is ${statusWord(r.voucher)}`) };
      }
      const v = r.voucher;
      return { status: 200, body: { data: { voucher_code: v.code, status: statusWord(v), completion_id: `TKP-CMP-${v.code}` } } };
    });
    return c.json(reply.body as object, reply.status as 200);
  });

  // Sandbox only, outside /prakerja/ and so unsigned: the real Tokopedia has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const json = await c.req.json().catch(() => undefined);
    const parsed = SimCallbackEventJson.safeParse(json);
    const options = SimEmitOptionsJson.safeParse(json);
    if (!parsed.success || !options.success) return c.json(fail('INVALID_REQUEST', `not a SimCallbackEvent: ${(parsed.error ?? options.error)!.message.slice(0, 300)}`), 400);
    const { eventId } = options.data;
    return answerEmit(c, () => emit(simCallbackEvent(parsed.data, now()), { eventId }));
  });

  return { app, state, callback, emit };
}

async function answerEmit(c: Context, run: () => Promise<EmitResult | { error: 'voucher_not_found' }>) {
  try {
    const r = await run();
    if ('error' in r) return c.json(fail('VOUCHER_NOT_FOUND', 'voucher not found'), 404);
    return c.json(r);
  } catch (e) {
    if (e instanceof UnsupportedSimEvent) return c.json(fail('INVALID_REQUEST', e.message), 422);
    // The gateway could not be reached: the state has changed, as at Tokopedia, which would retry later.
    return c.json({ errors: [{ code: 'CALLBACK_UNDELIVERED', message: (e as Error).message }] }, 502);
  }
}
