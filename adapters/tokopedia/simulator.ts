import { Hono } from 'hono';
import { timingSafeEqual } from '../shared/crypto.js';
import { invertStatusMap, SIM_TIMESTAMP_TOLERANCE_MS, SimulatorState, type SimRedeemRefusal, type SimVoucher } from '../shared/simulator-kit.js';
import { tokopediaSignature, type TokopediaConfig } from './http.js';
import { TOKOPEDIA_STATUS_MAP, type TokopediaStatus } from './status.js';
import type { TokopediaErrorCode } from './errors.js';
import type { TokopediaVoucher } from './wire.js';

const STATUS_OF = invertStatusMap(TOKOPEDIA_STATUS_MAP);

const REFUSALS = {
  not_found: [404, 'VOUCHER_NOT_FOUND'],
  card_mismatch: [422, 'CARD_MISMATCH'],
  refunded: [410, 'VOUCHER_REFUNDED'],
  expired: [410, 'VOUCHER_EXPIRED'],
  already_redeemed: [409, 'VOUCHER_ALREADY_REDEEMED'],
} as const satisfies Record<SimRedeemRefusal, readonly [number, TokopediaErrorCode]>;

function render(v: SimVoucher): TokopediaVoucher {
  return {
    voucher_code: v.code,
    status: STATUS_OF.get(v.state) as TokopediaStatus,
    buyer_name: v.buyerName,
    buyer_email: v.buyerEmail,
    prakerja_card_number: v.cardNumber,
    product: { sku: v.courseId, name: v.courseTitle, seller_id: v.providerId },
    paid_at: v.purchasedAt.toISOString(),
    expired_at: v.expiresAt.toISOString(),
    redeemed_at: v.redeemedAt?.toISOString() ?? null,
  };
}

const fail = (code: TokopediaErrorCode, message: string) => ({ errors: [{ code, message }] });

/** Sandbox Tokopedia implementing openapi/partners/tokopedia.yaml. */
export function createTokopediaSimulator(cfg: Pick<TokopediaConfig, 'clientId' | 'secret'>, state = new SimulatorState('tokopedia'), now = () => new Date()) {
  const app = new Hono();

  app.use('*', async (c, next) => {
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

  return { app, state };
}
