import { Hono } from 'hono';
import { base64url, createLocalJWKSet, errors, exportJWK, generateKeyPair, importPKCS8, importSPKI, jwtVerify, type JSONWebKeySet, type JWK, type JWTVerifyOptions } from 'jose';
import { z } from 'zod';
import {
  deliverOrReturn,
  invertStatusMap,
  listPosition,
  SimCallbackEventJson,
  simCallbackEvent,
  SimListPositionJson,
  SimulatorState,
  type CallbackSigner,
  type SimCallbackEvent,
  type SimCallbackTarget,
  type SimCompletionRefusal,
  type SimListPosition,
  type SimRedeemRefusal,
  type SimVoucher,
} from '../shared/simulator-kit.js';
import type { KariermuErrorCode } from './errors.js';
import { KARIERMU_EVENT_WORD } from './events.js';
import { KARIERMU_AUDIENCE, KARIERMU_PATHS, kariermuDetachedSignature, KARIERMU_SIGNATURE_HEADER } from './http.js';
import { KARIERMU_STATUS_MAP, type KariermuStatus } from './status.js';
import {
  KARIERMU_MAX_LIMIT,
  type KariermuCompletionResponse,
  type KariermuEnrollment,
  type KariermuExpiryData,
  type KariermuRefundData,
  type KariermuReviewData,
  type KariermuVoucher,
  type KariermuVoucherPage,
} from './wire.js';

const STATUS_OF = invertStatusMap(KARIERMU_STATUS_MAP);

const REFUSALS = {
  not_found: [404, 'voucher_not_found'],
  card_mismatch: [422, 'card_mismatch'],
  refunded: [410, 'voucher_refunded'],
  expired: [410, 'voucher_expired'],
  already_redeemed: [409, 'voucher_already_used'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, KariermuErrorCode]>;

/** How Karier.mu refuses a completion: an expired voucher, like an unredeemed one, has nobody enrolled. */
const COMPLETION_REFUSALS = {
  not_found: [404, 'voucher_not_found', 'voucher not found'],
  refunded: [410, 'voucher_refunded', 'voucher refunded'],
  not_redeemed: [409, 'voucher_not_enrolled', 'nobody is enrolled with this voucher'],
  expired: [409, 'voucher_not_enrolled', 'nobody is enrolled with this voucher'],
  already_completed: [409, 'completion_already_reported', 'a completion is already recorded for this enrollment'],
} as const satisfies Record<SimCompletionRefusal, readonly [number, KariermuErrorCode, string]>;

/** The gateway's public key, as a PEM or as the JWKS Karier.mu would fetch; `kid` selects from a JWKS. */
export type KariermuSimulatorConfig = { issuer: string } & ({ publicKeyPem: string; jwks?: undefined } | { jwks: JSONWebKeySet; publicKeyPem?: undefined });

function render(v: SimVoucher): KariermuVoucher {
  return {
    voucherCode: v.code,
    status: STATUS_OF.get(v.state) as KariermuStatus,
    // Karier.mu shows the name as the buyer stored it, titles included.
    buyerName: v.buyerName,
    buyerEmail: v.buyerEmail,
    cardNumber: v.cardNumber,
    course: { id: v.courseId, title: v.courseTitle, providerId: v.providerId },
    paidAt: v.purchasedAt.toISOString(),
    expiresAt: v.expiresAt.toISOString(),
    enrolledAt: v.redeemedAt?.toISOString() ?? null,
    updatedAt: (v.updatedAt ?? v.purchasedAt).toISOString(),
  };
}

const fail = (error: KariermuErrorCode, message: string) => ({ error, message });

/** Karier.mu's signing key for callbacks; `kid` is published with the public half in its JWKS. */
export interface KariermuSigningKey {
  privateKeyPem: string;
  kid: string;
}

export interface KariermuSimulatorOptions {
  /** Where `/_sandbox/emit` delivers callbacks; without it, emit answers with the signed callback instead. */
  callback?: SimCallbackTarget;
  /** Generated on first use when absent, so a simulator that never signs pays nothing for RSA. */
  signingKey?: KariermuSigningKey;
}

const CompletionJson = z.object({
  outcome: z.enum(['passed', 'failed']),
  score: z.number().min(0).max(100),
  completedAt: z.iso.datetime({ offset: true }),
  certificate: z.object({ number: z.string().min(1), issuedAt: z.iso.datetime({ offset: true }), url: z.url(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});

const ListQuery = z.object({
  updatedFrom: z.iso.datetime({ offset: true }),
  updatedTo: z.iso.datetime({ offset: true }),
  limit: z.coerce.number().int().min(1).max(KARIERMU_MAX_LIMIT).default(50),
  cursor: z.string().min(1).optional(),
});

/** Karier.mu's cursor: the keyset position of the last item served, as base64url JSON. */
const encodeListCursor = (v: SimVoucher) => base64url.encode(JSON.stringify(listPosition(v)));
function decodeListCursor(text: string): SimListPosition | undefined {
  try {
    const r = SimListPositionJson.safeParse(JSON.parse(new TextDecoder().decode(base64url.decode(text))));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Karier.mu's callback body; undefined for an event Karier.mu has no word for. */
function callbackBody(e: SimCallbackEvent, id: string): { id: string; event: string; data: unknown } | undefined {
  switch (e.kind) {
    case 'purchase.made':
      return { id, event: KARIERMU_EVENT_WORD[e.kind], data: render(e.voucher) };
    case 'review.submitted':
      return { id, event: KARIERMU_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, rating: e.rating, review: e.review, reviewedAt: e.reviewedAt.toISOString() } satisfies z.input<typeof KariermuReviewData> };
    case 'voucher.refunded':
      return { id, event: KARIERMU_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, refundedAt: e.at.toISOString() } satisfies z.input<typeof KariermuRefundData> };
    case 'voucher.expired':
      return { id, event: KARIERMU_EVENT_WORD[e.kind], data: { voucherCode: e.voucherCode, expiredAt: e.at.toISOString() } satisfies z.input<typeof KariermuExpiryData> };
    case 'completion.accepted':
    case 'completion.rejected':
      return undefined;
    case 'raw':
      return { id, event: e.platformType, data: e.payload };
  }
}

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function loadKey(k?: KariermuSigningKey): Promise<LoadedKey> {
  if (!k) {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const { kty, n, e } = await exportJWK(pair.publicKey);
    return { kid: `kmu-sim-${crypto.randomUUID().slice(0, 8)}`, privateKey: pair.privateKey, publicJwk: { kty, n, e } };
  }
  // Extractable only so that the public half can be derived: a JWK of the private key carries n and e.
  const privateKey = await importPKCS8(k.privateKeyPem, 'RS256', { extractable: true });
  const { kty, n, e } = await exportJWK(privateKey);
  return { kid: k.kid, privateKey, publicJwk: { kty, n, e } };
}

/** Sandbox Karier.mu implementing openapi/partners/kariermu.yaml. */
export function createKariermuSimulator(cfg: KariermuSimulatorConfig, state = new SimulatorState('kariermu'), now = () => new Date(), opts: KariermuSimulatorOptions = {}) {
  const app = new Hono();
  const jwks = cfg.jwks ? createLocalJWKSet(cfg.jwks) : undefined;
  const spki = cfg.publicKeyPem ? importSPKI(cfg.publicKeyPem, 'RS256') : undefined;

  /** Every key ever used stays published, so callbacks signed before a rotation still verify. */
  const published: Promise<LoadedKey>[] = [];
  let active: Promise<LoadedKey> | undefined;
  const signingKey = () => {
    if (!active) {
      active = loadKey(opts.signingKey);
      published.push(active);
    }
    return active;
  };

  /** Publishes a new key and signs with it from now on; the old one stays in the JWKS. */
  async function rotateSigningKey(next?: KariermuSigningKey): Promise<{ kid: string }> {
    await signingKey();
    active = loadKey(next);
    published.push(active);
    return { kid: (await active).kid };
  }

  async function publicJwks(): Promise<JSONWebKeySet> {
    await signingKey();
    const keys = await Promise.all(published);
    return { keys: keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: 'RS256', use: 'sig' })) };
  }

  const callback: CallbackSigner = async (event, o = {}) => {
    const eventId = o.eventId ?? `evt_${crypto.randomUUID()}`;
    const body = callbackBody(event, eventId);
    if (!body) throw new Error(`Karier.mu has no callback for ${event.kind}`);
    const text = JSON.stringify(body);
    const key = await signingKey();
    return {
      eventId,
      headers: { 'content-type': 'application/json', [KARIERMU_SIGNATURE_HEADER]: await kariermuDetachedSignature(key.privateKey, key.kid, text, o.at ?? now()) },
      body: text,
    };
  };

  // Both doors are registered before the bearer check: Karier.mu's public keys are public, and
  // the emit trigger plays Karier.mu's own side, which no gateway token could authorise.
  app.get(KARIERMU_PATHS.jwks, async (c) => c.json(await publicJwks()));

  app.post('/_sandbox/emit', async (c) => {
    const parsed = SimCallbackEventJson.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json(fail('invalid_request', parsed.error.message.slice(0, 500)), 400);
    const event = simCallbackEvent(parsed.data, now());
    if (!callbackBody(event, '')) return c.json(fail('invalid_request', `Karier.mu has no callback for ${event.kind}`), 422);
    // What happened at Karier.mu before it tells the gateway.
    if (!state.applyEvent(event, now())) return c.json(fail('voucher_not_found', 'no such voucher at this simulator'), 404);
    const signed = await callback(event);
    try {
      return c.json(await deliverOrReturn(opts.callback, signed));
    } catch (e) {
      return c.json({ eventId: signed.eventId, error: `gateway unreachable: ${(e as Error).message}` }, 502);
    }
  });

  app.use('*', async (c, next) => {
    const m = /^Bearer ([^\s]+)$/.exec(c.req.header('authorization') ?? '');
    if (!m) return c.json(fail('invalid_token', 'bearer token required'), 401);
    const opts: JWTVerifyOptions = {
      algorithms: ['RS256'],
      issuer: cfg.issuer,
      audience: KARIERMU_AUDIENCE,
      requiredClaims: ['iat', 'exp', 'jti'],
      currentDate: now(),
      // Tokens are minted per request; an old `iat` means a stored token, which the contract forbids.
      maxTokenAge: '5m',
    };
    try {
      if (jwks) await jwtVerify(m[1], jwks, opts);
      else await jwtVerify(m[1], await spki!, opts);
    } catch (e) {
      if (e instanceof errors.JWTExpired) return c.json(fail('token_expired', 'token has expired'), 401);
      return c.json(fail('invalid_token', `token rejected: ${(e as Error).message}`), 401);
    }
    await next();
  });

  app.get('/api/partner/v1/vouchers/:code', (c) => {
    const v = state.vouchers.get(c.req.param('code'));
    if (!v) return c.json(fail('voucher_not_found', 'voucher not found'), 404);
    return c.json(render(v));
  });

  app.post(KARIERMU_PATHS.enrollments, async (c) => {
    const body = (await c.req.json().catch(() => null)) as { voucherCode?: string; cardNumber?: string; participant?: { fullName?: string; email?: string } } | null;
    if (!body?.voucherCode || !body.cardNumber || !body.participant?.fullName || !body.participant.email) {
      return c.json(fail('invalid_request', 'voucherCode, cardNumber, participant.fullName and participant.email are required'), 400);
    }
    const idempotencyKey = c.req.header('idempotency-key');
    if (!idempotencyKey) return c.json(fail('invalid_request', 'Idempotency-Key header is required'), 400);
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey, body }, () => {
      const r = state.redeem(body.voucherCode!, body.cardNumber!, now());
      if (!r.ok) {
        const [status, code] = REFUSALS[r.reason];
        return { status, body: fail(code, r.reason.replace('_', ' ')) };
      }
      const enrollment: KariermuEnrollment = {
        enrollmentId: `KMU-ENR-${r.voucher.code.slice(4)}`,
        voucherCode: r.voucher.code,
        status: 'enrolled',
        enrolledAt: r.voucher.redeemedAt!.toISOString(),
      };
      return { status: 201, body: enrollment };
    });
    return c.json(reply.body as object, reply.status as 201);
  });

  app.get(KARIERMU_PATHS.vouchers, (c) => {
    const q = ListQuery.safeParse(c.req.query());
    if (!q.success) return c.json(fail('invalid_request', q.error.message.slice(0, 500)), 400);
    const after = q.data.cursor === undefined ? undefined : decodeListCursor(q.data.cursor);
    if (q.data.cursor !== undefined && !after) return c.json(fail('invalid_request', 'cursor is not one this API issued'), 400);
    const items = state.changedBetween(new Date(q.data.updatedFrom), new Date(q.data.updatedTo), after);
    const page = items.slice(0, q.data.limit);
    const body: KariermuVoucherPage = { items: page.map(render), nextCursor: items.length > page.length ? encodeListCursor(page[page.length - 1]) : null };
    return c.json(body);
  });

  app.post('/api/partner/v1/enrollments/:code/completion', async (c) => {
    const parsed = CompletionJson.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json(fail('invalid_request', parsed.error.message.slice(0, 500)), 400);
    const idempotencyKey = c.req.header('idempotency-key');
    if (!idempotencyKey) return c.json(fail('invalid_request', 'Idempotency-Key header is required'), 400);
    const body = parsed.data;
    const code = c.req.param('code');
    const reply = await state.once({ method: 'POST', path: c.req.path, idempotencyKey, body }, () => {
      const r = state.complete(code, { outcome: body.outcome, score: body.score, completedAt: new Date(body.completedAt), certificateNumber: body.certificate?.number }, now());
      if (!r.ok) {
        const [status, error, message] = COMPLETION_REFUSALS[r.reason];
        return { status, body: fail(error, message) };
      }
      const v = r.voucher;
      const answer: KariermuCompletionResponse = {
        enrollment: { enrollmentId: `KMU-ENR-${v.code.slice(4)}`, voucherCode: v.code, status: body.outcome === 'passed' ? 'finished' : 'failed', enrolledAt: v.redeemedAt!.toISOString() },
        completionId: `KMU-CMP-${v.code.slice(4)}`,
      };
      return { status: 201, body: answer };
    });
    return c.json(reply.body as object, reply.status as 201);
  });

  return { app, state, callback, jwks: publicJwks, rotateSigningKey };
}
