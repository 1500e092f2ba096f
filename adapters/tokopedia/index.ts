import { errorFromTable, parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import type { AdapterContext, PlatformAdapter, RedeemRequest, RedeemResult } from '../types.js';
import { TOKOPEDIA_ERRORS } from './errors.js';
import { TOKOPEDIA_PATHS, tokopediaRequest, type TokopediaConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { TokopediaErrorBody, TokopediaRedeemEnvelope, TokopediaVoucherEnvelope, type TokopediaRedeemBody } from './wire.js';

export type { TokopediaConfig } from './http.js';

const PLATFORM = 'tokopedia';

function failure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const body = TokopediaErrorBody.safeParse(res.json);
  const first = body.success ? body.data.errors[0] : undefined;
  return errorFromTable(PLATFORM, TOKOPEDIA_ERRORS, res, first?.code, first?.message);
}

export function createTokopediaAdapter(cfg: TokopediaConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Tokopedia',
    voucherCodePattern: /^[A-Z0-9]{12}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await tokopediaRequest(cfg, 'GET', TOKOPEDIA_PATHS.voucher(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, TokopediaVoucherEnvelope, res).data);
    },

    async redeemVoucher(req: RedeemRequest): Promise<RedeemResult> {
      const body: TokopediaRedeemBody = {
        prakerja_card_number: req.cardNumber,
        participant_name: req.participantName,
        participant_email: req.participantEmail,
      };
      const request = await tokopediaRequest(cfg, 'POST', TOKOPEDIA_PATHS.redeem(req.voucherCode), { body, idempotencyKey: req.idempotencyKey, now: now() });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, TokopediaRedeemEnvelope, res).data;
      return { redeemedAt: new Date(data.redeemed_at), platformReference: data.redemption_id };
    },
  };
}
