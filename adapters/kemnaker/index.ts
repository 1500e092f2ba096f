import { errorFromTable, parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import { AdapterError, type AdapterContext, type PlatformAdapter, type RedeemRequest, type RedeemResult } from '../types.js';
import { KEMNAKER_ERRORS } from './errors.js';
import { KEMNAKER_PATHS, kemnakerRequest, randomExternalId, redeemExternalId, type KemnakerConfig } from './http.js';
import { parseWibDateTime, toCanonicalVoucher } from './transformers.js';
import { KemnakerEnvelope, KemnakerInquiryResponse, KemnakerRedeemResponse, type KemnakerInquiryBody, type KemnakerRedeemBody } from './wire.js';

export type { KemnakerConfig } from './http.js';

const PLATFORM = 'kemnaker';

function responseCode(res: WireResponse): { code?: string; message?: string } {
  const body = KemnakerEnvelope.safeParse(res.json);
  return body.success ? { code: body.data.responseCode, message: body.data.responseMessage } : {};
}

function failure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const { code, message } = responseCode(res);
  // The first three digits of a SNAP code repeat the HTTP status. If they disagree, something
  // between us and Kemnaker rewrote the answer, and its case code cannot be trusted.
  if (code && code.slice(0, 3) !== String(res.status)) {
    return new AdapterError('unexpected_response', PLATFORM, `${PLATFORM} answered HTTP ${res.status} with responseCode ${code}`, {
      httpStatus: res.status,
      platformCode: code,
      retryable: false,
    });
  }
  return errorFromTable(PLATFORM, KEMNAKER_ERRORS, res, code, message);
}

export function createKemnakerAdapter(cfg: KemnakerConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Kemnaker (Sisnaker)',
    voucherCodePattern: /^SK-[0-9]{4}-[0-9]{6}$/,

    async getVoucher(code) {
      const body: KemnakerInquiryBody = { voucherCode: code };
      const res = await send(ctx, PLATFORM, await kemnakerRequest(cfg, KEMNAKER_PATHS.inquiry, body, { externalId: randomExternalId(), now: now() }));
      if (res.status === 404 && responseCode(res).code === '4042601') return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, KemnakerInquiryResponse, res).voucherData);
    },

    async redeemVoucher(req: RedeemRequest): Promise<RedeemResult> {
      // Built only from the request, so a retry under the same key sends the same bytes and
      // Kemnaker replays the first answer rather than calling it a conflict.
      const body: KemnakerRedeemBody = {
        partnerReferenceNo: req.idempotencyKey,
        voucherCode: req.voucherCode,
        cardNumber: req.cardNumber,
        participantName: req.participantName,
        participantEmail: req.participantEmail,
      };
      const request = await kemnakerRequest(cfg, KEMNAKER_PATHS.redeem, body, { externalId: await redeemExternalId(req.idempotencyKey), now: now() });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, KemnakerRedeemResponse, res);
      return { redeemedAt: parseWibDateTime(data.redeemDate)!, platformReference: data.referenceNo };
    },
  };
}
