import { Hono } from 'hono';
import { z } from 'zod';
import { timingSafeEqual } from '../shared/crypto.js';
import {
  eventWords,
  invertStatusMap,
  SimCallbackEventJson,
  simCallbackEvent,
  SimEmitOptionsJson,
  signApplyDeliver,
  SimulatorState,
  UnsupportedSimEvent,
  type CallbackSigner,
  type EmitResult,
  type SimCallbackEvent,
  type SimCallbackTarget,
  type SimCompletionRefusal,
  type SimRedeemRefusal,
  type SimVoucher,
} from '../shared/simulator-kit.js';
import type { BukalapakErrorCode, BukalapakOAuthErrorCode } from './errors.js';
import { BUKALAPAK_EVENT_MAP } from './events.js';
import { BUKALAPAK_MAX_PER_PAGE, BUKALAPAK_PATHS, BUKALAPAK_WEBHOOK_HEADERS, bukalapakWebhookSignature, formDecode, type BukalapakConfig } from './http.js';
import { BUKALAPAK_OUTCOME_CODES, BUKALAPAK_STATUS_MAP, type BukalapakStatus } from './status.js';
import { fromEpochSeconds, toEpochSeconds } from './transformers.js';
import { BukalapakCompletionBody, type BukalapakCompletion, type BukalapakEventPayload, type BukalapakRedemption, type BukalapakVoucher } from './wire.js';

const STATUS_OF = invertStatusMap(BUKALAPAK_STATUS_MAP);
const OUTCOME_OF = new Map(Object.entries(BUKALAPAK_OUTCOME_CODES).map(([outcome, code]) => [code, outcome as 'passed' | 'failed']));

/** `reported` is the gateway's own step towards prakerja.go.id; Bukalapak never sees it and still shows the certificate. */
function statusCode(v: SimVoucher): BukalapakStatus {
  return Number(STATUS_OF.get(v.state === 'reported' ? 'certified' : v.state)) as BukalapakStatus;
}

const REFUSALS = {
  not_found: [404, 40401],
  card_mismatch: [422, 42201],
  refunded: [410, 41002],
  expired: [410, 41001],
  already_redeemed: [409, 40901],
} as const satisfies Record<SimRedeemRefusal, readonly [number, BukalapakErrorCode]>;

/** How Bukalapak refuses a completion report; a second report under a new key is refused, not merged. */
const COMPLETION_REFUSALS = {
  not_found: [404, 40401],
  not_redeemed: [409, 40902],
  already_completed: [409, 40903],
  expired: [410, 41001],
  refunded: [410, 41002],
} as const satisfies Record<SimCompletionRefusal, readonly [number, BukalapakErrorCode]>;

/** Bukalapak stores given names first; a single name leaves last_name empty. */
function splitName(full: string): { first_name: string; last_name: string } {
  const name = full.trim();
  const at = name.lastIndexOf(' ');
  return at < 0 ? { first_name: name, last_name: '' } : { first_name: name.slice(0, at), last_name: name.slice(at + 1) };
}

function render(v: SimVoucher): BukalapakVoucher {
  return {
    voucher_code: v.code,
    status: statusCode(v),
    buyer: { ...splitName(v.buyerName), email: v.buyerEmail },
    prakerja_card_number: v.cardNumber,
    product: { id: v.courseId, name: v.courseTitle, store_id: v.providerId },
    paid_at: toEpochSeconds(v.purchasedAt),
    expired_at: toEpochSeconds(v.expiresAt),
    redeemed_at: v.redeemedAt ? toEpochSeconds(v.redeemedAt) : null,
    updated_at: toEpochSeconds(v.updatedAt ?? v.purchasedAt),
    completion: v.completion
      ? {
          outcome: BUKALAPAK_OUTCOME_CODES[v.completion.outcome],
          score: v.completion.score,
          completed_at: toEpochSeconds(v.completion.completedAt),
          certificate_number: v.completion.certificateNumber ?? null,
        }
      : null,
    review: v.review ? { rating: v.review.rating, review: v.review.review, reviewed_at: toEpochSeconds(v.review.reviewedAt) } : null,
  };
}

const fail = (status: number, code: BukalapakErrorCode, reason: string) => ({ error: { code, reason }, meta: { http_status: status } });
const oauthFail = (error: BukalapakOAuthErrorCode, description: string) => ({ error, error_description: description });

/** The client credentials in an HTTP Basic header, form-decoded as RFC 6749 §2.3.1 requires; undefined when malformed. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!m) return undefined;
  let pair: string;
  try {
    pair = atob(m[1]);
  } catch {
    return undefined;
  }
  const colon = pair.indexOf(':');
  if (colon < 0) return undefined;
  return { id: formDecode(pair.slice(0, colon)), secret: formDecode(pair.slice(colon + 1)) };
}

const EpochParam = z.coerce.number().int().nonnegative();

const ListQuery = z.object({
  updated_since: EpochParam,
  updated_until: EpochParam,
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(BUKALAPAK_MAX_PER_PAGE).default(20),
});

/* ----------------------------------------------------------------- sandbox trigger ------ */

/** For a canonical event Bukalapak has no webhook for (e.g. Kemnaker's completion verdicts). */
const unsupported = (kind: string) => new UnsupportedSimEvent(`bukalapak sends no webhook for ${kind}`);

const word = eventWords(BUKALAPAK_EVENT_MAP, unsupported);

/** A canonical event in Bukalapak's webhook words: `{ event, payload }`. */
function toWebhookBody(event: SimCallbackEvent): { event: string; payload: unknown } {
  switch (event.kind) {
    case 'raw':
      return { event: event.platformType, payload: event.payload };
    case 'purchase.made':
      return { event: word(event.kind), payload: render(event.voucher) satisfies BukalapakEventPayload<'transaction.paid'> };
    case 'review.submitted': {
      const payload: BukalapakEventPayload<'voucher.reviewed'> = { voucher_code: event.voucherCode, rating: event.rating, review: event.review, reviewed_at: toEpochSeconds(event.reviewedAt) };
      return { event: word(event.kind), payload };
    }
    case 'voucher.refunded': {
      const payload: BukalapakEventPayload<'transaction.refunded'> = { voucher_code: event.voucherCode, refunded_at: toEpochSeconds(event.at) };
      return { event: word(event.kind), payload };
    }
    case 'voucher.expired': {
      const payload: BukalapakEventPayload<'voucher.expired'> = { voucher_code: event.voucherCode, expired_at: toEpochSeconds(event.at) };
      return { event: word(event.kind), payload };
    }
    case 'completion.accepted':
    case 'completion.rejected':
      throw unsupported(event.kind);
    default:
      throw unsupported((event satisfies never as { kind: string }).kind);
  }
}

/** Used when the caller names no webhook secret; the gateway's sandbox settings must name the same one. */
export const BUKALAPAK_SANDBOX_WEBHOOK_SECRET = 'bukalapak-sandbox-webhook-secret';

export interface BukalapakSimulatorOptions {
  webhookSecret?: string;
  /** Where `/_sandbox/emit` delivers callbacks; without it the signed callback is returned instead. */
  callback?: SimCallbackTarget;
}

export { UnsupportedSimEvent, type EmitResult };

const randomToken = () => Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Sandbox Bukalapak implementing openapi/partners/bukalapak.yaml. Besides `app` and `state` it
 * offers controls a test needs to reproduce token trouble: `expireTokens()` makes every token
 * issued so far unusable (as a revocation or key rotation at Bukalapak would), and
 * `setTokenTtl(seconds)` changes `expires_in` for tokens issued from then on. `callback` signs a
 * canonical event as a Bukalapak webhook without sending it; `emit` applies the event to the
 * state and then delivers it like `/_sandbox/emit`.
 */
export function createBukalapakSimulator(
  cfg: Pick<BukalapakConfig, 'clientId' | 'clientSecret'>,
  state = new SimulatorState('bukalapak'),
  now = () => new Date(),
  opts: BukalapakSimulatorOptions = {},
) {
  const app = new Hono();
  const tokens = new Map<string, number>();
  let ttlSeconds = 3600;
  const webhookSecret = opts.webhookSecret ?? BUKALAPAK_SANDBOX_WEBHOOK_SECRET;

  const callback: CallbackSigner = async (event, o = {}) => {
    const eventId = o.eventId ?? crypto.randomUUID();
    const timestamp = String(toEpochSeconds(o.at ?? now()));
    const body = JSON.stringify(toWebhookBody(event));
    return {
      eventId,
      headers: {
        'content-type': 'application/json',
        [BUKALAPAK_WEBHOOK_HEADERS.eventId]: eventId,
        [BUKALAPAK_WEBHOOK_HEADERS.timestamp]: timestamp,
        [BUKALAPAK_WEBHOOK_HEADERS.signature]: `sha256=${await bukalapakWebhookSignature(webhookSecret, eventId, timestamp, body)}`,
      },
      body,
    };
  };

  /**
   * Applies the event and delivers it to `opts.callback`, or returns it signed. Throws
   * UnsupportedSimEvent for an event Bukalapak has no word for, before changing anything.
   */
  const emit = (event: SimCallbackEvent, o: { eventId?: string } = {}) => signApplyDeliver({ state, sign: callback, target: opts.callback, now }, event, o.eventId);

  app.post(BUKALAPAK_PATHS.token, async (c) => {
    const creds = basicCredentials(c.req.header('authorization'));
    const form = (c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await c.req.text()) : undefined;
    const grantType = form?.get('grant_type') ?? undefined;
    // Recorded without the credentials: a test asserts how often tokens were asked for, never what the secret was.
    const reply = await state.once({ method: 'POST', path: c.req.path, body: { grant_type: grantType } }, () => {
      if (!creds || creds.id !== cfg.clientId || !timingSafeEqual(creds.secret, cfg.clientSecret)) {
        return { status: 401, body: oauthFail('invalid_client', 'client authentication failed') };
      }
      if (!form) return { status: 400, body: oauthFail('invalid_request', 'body must be application/x-www-form-urlencoded') };
      if (grantType !== 'client_credentials') return { status: 400, body: oauthFail('unsupported_grant_type', 'only client_credentials is supported') };
      const token = randomToken();
      tokens.set(token, now().getTime() + ttlSeconds * 1000);
      return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: ttlSeconds } };
    });
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (reply.status === 401) headers['www-authenticate'] = 'Basic realm="bukalapak"';
    return c.json(reply.body as object, reply.status as 200, headers);
  });

  app.use('/v2/*', async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const expiresAt = m ? tokens.get(m[1]) : undefined;
    if (expiresAt === undefined || expiresAt <= now().getTime()) {
      return c.json(fail(401, 40101, 'access token is invalid or expired'), 401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    await next();
  });

  app.get(BUKALAPAK_PATHS.vouchers, (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) return c.json(fail(400, 40001, `bad listing query: ${q.error.issues.map((i) => i.path.join('.')).join(', ')}`), 400);
    const { updated_since, updated_until, page, per_page } = q.data;
    const all = state.changedBetween(fromEpochSeconds(updated_since), fromEpochSeconds(updated_until));
    const data = all.slice((page - 1) * per_page, page * per_page).map(render);
    return c.json({ data, meta: { page, per_page, total: all.length, http_status: 200 } });
  });

  app.get('/v2/prakerja/vouchers/:code', (c) => {
    const v = state.vouchers.get(c.req.param('code'));
    if (!v) return c.json(fail(404, 40401, 'voucher not found'), 404);
    return c.json({ data: render(v), meta: { http_status: 200 } });
  });

  app.post('/v2/prakerja/vouchers/:code/redemptions', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { prakerja_card_number?: string } | null;
    const key = c.req.header('x-idempotency-key');
    if (!body?.prakerja_card_number) return c.json(fail(400, 40001, 'prakerja_card_number is required'), 400);
    if (!key) return c.json(fail(400, 40001, 'X-Idempotency-Key is required'), 400);
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body }, () => {
      const r = state.redeem(c.req.param('code'), body.prakerja_card_number!, now());
      if (!r.ok) {
        const [status, code] = REFUSALS[r.reason];
        return { status, body: fail(status, code, r.reason.replace('_', ' ')) };
      }
      const data: BukalapakRedemption = { id: `BL-RDM-${r.voucher.code}`, voucher_code: r.voucher.code, status: 20, redeemed_at: toEpochSeconds(r.voucher.redeemedAt!) };
      return { status: 201, body: { data, meta: { http_status: 201 } } };
    });
    return c.json(reply.body as object, reply.status as 201);
  });

  app.post('/v2/prakerja/vouchers/:code/completions', async (c) => {
    const raw = await c.req.json().catch(() => null);
    const parsed = BukalapakCompletionBody.safeParse(raw);
    const key = c.req.header('x-idempotency-key');
    if (!parsed.success) return c.json(fail(400, 40001, `bad completion: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`), 400);
    if (!key) return c.json(fail(400, 40001, 'X-Idempotency-Key is required'), 400);
    const body = parsed.data;
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey: key, body: raw }, () => {
      const completion = { outcome: OUTCOME_OF.get(body.outcome)!, score: body.score, completedAt: fromEpochSeconds(body.completed_at), certificateNumber: body.certificate?.number };
      const r = state.complete(c.req.param('code'), completion, now());
      if (!r.ok) {
        const [status, code] = COMPLETION_REFUSALS[r.reason];
        return { status, body: fail(status, code, r.reason === 'not_found' ? 'voucher not found' : `voucher status is ${statusCode(r.voucher)}`) };
      }
      const v = r.voucher;
      const data: BukalapakCompletion = { id: `BL-CMP-${v.code}`, voucher_code: v.code, status: statusCode(v), completed_at: body.completed_at };
      return { status: 201, body: { data, meta: { http_status: 201 } } };
    });
    return c.json(reply.body as object, reply.status as 201);
  });

  // Sandbox only, outside /v2/ and so without a token: the real Bukalapak has no such door.
  app.post('/_sandbox/emit', async (c) => {
    const json = await c.req.json().catch(() => undefined);
    const parsed = SimCallbackEventJson.safeParse(json);
    const options = SimEmitOptionsJson.safeParse(json);
    if (!parsed.success || !options.success) return c.json(fail(400, 40001, `not a SimCallbackEvent: ${(parsed.error ?? options.error)!.message.slice(0, 300)}`), 400);
    try {
      const r = await emit(simCallbackEvent(parsed.data, now()), { eventId: options.data.eventId });
      if ('error' in r) return c.json(fail(404, 40401, 'voucher not found'), 404);
      return c.json(r);
    } catch (e) {
      if (e instanceof UnsupportedSimEvent) return c.json(fail(400, 40001, e.message), 400);
      // The gateway could not be reached: the state has changed, as at Bukalapak, which would retry later.
      return c.json({ error: { code: 50201, reason: `callback undelivered: ${(e as Error).message}` } }, 502);
    }
  });

  return {
    app,
    state,
    callback,
    emit,
    expireTokens(): void {
      tokens.clear();
    },
    setTokenTtl(seconds: number): void {
      ttlSeconds = seconds;
    },
  };
}
