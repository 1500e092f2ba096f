import { Hono } from 'hono';
import { createLocalJWKSet, errors, importSPKI, jwtVerify, type JSONWebKeySet, type JWTVerifyOptions } from 'jose';
import { invertStatusMap, SimulatorState, type SimRedeemRefusal, type SimVoucher } from '../shared/simulator-kit.js';
import type { KariermuErrorCode } from './errors.js';
import { KARIERMU_AUDIENCE, KARIERMU_PATHS } from './http.js';
import { KARIERMU_STATUS_MAP, type KariermuStatus } from './status.js';
import type { KariermuEnrollment, KariermuVoucher } from './wire.js';

const STATUS_OF = invertStatusMap(KARIERMU_STATUS_MAP);

const REFUSALS = {
  not_found: [404, 'voucher_not_found'],
  card_mismatch: [422, 'card_mismatch'],
  refunded: [410, 'voucher_refunded'],
  expired: [410, 'voucher_expired'],
  already_redeemed: [409, 'voucher_already_used'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, KariermuErrorCode]>;

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
  };
}

const fail = (error: KariermuErrorCode, message: string) => ({ error, message });

/** Sandbox Karier.mu implementing openapi/partners/kariermu.yaml. */
export function createKariermuSimulator(cfg: KariermuSimulatorConfig, state = new SimulatorState('kariermu'), now = () => new Date()) {
  const app = new Hono();
  const jwks = cfg.jwks ? createLocalJWKSet(cfg.jwks) : undefined;
  const spki = cfg.publicKeyPem ? importSPKI(cfg.publicKeyPem, 'RS256') : undefined;

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

  return { app, state };
}
