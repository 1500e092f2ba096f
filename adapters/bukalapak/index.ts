import { errorFromTable, parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import type { AdapterContext, PlatformAdapter, RedeemRequest, RedeemResult } from '../types.js';
import { BUKALAPAK_ERRORS, BUKALAPAK_OAUTH_ERRORS } from './errors.js';
import { BUKALAPAK_PATHS, BukalapakTokenCache, bukalapakRequest, bukalapakTokenRequest, type BukalapakConfig } from './http.js';
import { fromEpochSeconds, toCanonicalVoucher } from './transformers.js';
import {
  BukalapakErrorBody,
  BukalapakOAuthError,
  BukalapakRedemptionEnvelope,
  BukalapakToken,
  BukalapakVoucherEnvelope,
  type BukalapakRedeemBody,
} from './wire.js';

export type { BukalapakConfig } from './http.js';

const PLATFORM = 'bukalapak';

function errorCode(res: WireResponse): { code?: string; reason?: string } {
  const body = BukalapakErrorBody.safeParse(res.json);
  return body.success ? { code: String(body.data.error.code), reason: body.data.error.reason } : {};
}

function failure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const { code, reason } = errorCode(res);
  return errorFromTable(PLATFORM, BUKALAPAK_ERRORS, res, code, reason);
}

function tokenFailure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const body = BukalapakOAuthError.safeParse(res.json);
  return body.success
    ? errorFromTable(PLATFORM, BUKALAPAK_OAUTH_ERRORS, res, body.data.error, body.data.error_description ?? body.data.error)
    : errorFromTable(PLATFORM, BUKALAPAK_OAUTH_ERRORS, res, undefined, undefined);
}

export function createBukalapakAdapter(cfg: BukalapakConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  const tokens = new BukalapakTokenCache(async () => {
    const res = await send(ctx, PLATFORM, bukalapakTokenRequest(cfg));
    if (res.status !== 200) throw tokenFailure(res);
    const token = parseWire(PLATFORM, BukalapakToken, res);
    return { accessToken: token.access_token, expiresInS: token.expires_in };
  }, now);

  /**
   * A 401 means the platform no longer honours our token (revoked, rotated, or expired early), so
   * one fresh token and one retry can help; a second 401 means the credentials themselves are
   * refused and is returned as is. Repeating a redemption is safe: a 401 was never applied, and
   * the idempotency key covers the rest.
   */
  async function authorised(build: (token: string) => Request): Promise<WireResponse> {
    const token = await tokens.get();
    const res = await send(ctx, PLATFORM, build(token));
    if (res.status !== 401) return res;
    tokens.invalidate(token);
    return send(ctx, PLATFORM, build(await tokens.get()));
  }

  return {
    id: PLATFORM,
    displayName: 'Bukalapak',
    voucherCodePattern: /^BL[0-9]{10}$/,

    async getVoucher(code) {
      const res = await authorised((t) => bukalapakRequest(cfg, t, 'GET', BUKALAPAK_PATHS.voucher(code)));
      // Only Bukalapak's own "no such voucher" means null: a bare 404 (wrong base URL, retired route) must not pass for one.
      if (res.status === 404 && errorCode(res).code === '40401') return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, BukalapakVoucherEnvelope, res).data);
    },

    async redeemVoucher(req: RedeemRequest): Promise<RedeemResult> {
      const body: BukalapakRedeemBody = {
        prakerja_card_number: req.cardNumber,
        participant: { name: req.participantName, email: req.participantEmail },
      };
      const res = await authorised((t) =>
        bukalapakRequest(cfg, t, 'POST', BUKALAPAK_PATHS.redemptions(req.voucherCode), { body, idempotencyKey: req.idempotencyKey }),
      );
      if (res.status !== 201 && res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, BukalapakRedemptionEnvelope, res).data;
      return { redeemedAt: fromEpochSeconds(data.redeemed_at), platformReference: data.id };
    },
  };
}
