import { errorFromTable, parseWire, send, transportError, type WireResponse } from '../shared/http.js';
import type { AdapterContext, PlatformAdapter, RedeemRequest, RedeemResult } from '../types.js';
import { KARIERMU_ERRORS } from './errors.js';
import { KARIERMU_PATHS, kariermuRequest, kariermuTokenSigner, type KariermuConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { KariermuEnrollment, KariermuErrorBody, KariermuVoucher, type KariermuEnrollmentBody } from './wire.js';

export type { KariermuConfig } from './http.js';

const PLATFORM = 'kariermu';

function errorCode(res: WireResponse) {
  const body = KariermuErrorBody.safeParse(res.json);
  return body.success ? body.data : undefined;
}

function failure(res: WireResponse) {
  const transport = transportError(PLATFORM, res);
  if (transport) return transport;
  const body = errorCode(res);
  return errorFromTable(PLATFORM, KARIERMU_ERRORS, res, body?.error, body?.message);
}

export function createKariermuAdapter(cfg: KariermuConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  const token = kariermuTokenSigner(cfg);
  return {
    id: PLATFORM,
    displayName: 'Karier.mu',
    voucherCodePattern: /^KMU-[A-Z0-9]{8}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, kariermuRequest(cfg.baseUrl, await token(now()), 'GET', KARIERMU_PATHS.voucher(code)));
      // Only Karier.mu's own "not found" means the voucher does not exist; a bare 404 (wrong base
      // URL, a proxy page) must not make a real voucher look absent.
      if (res.status === 404 && errorCode(res)?.error === 'voucher_not_found') return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, KariermuVoucher, res));
    },

    async redeemVoucher(req: RedeemRequest): Promise<RedeemResult> {
      const body: KariermuEnrollmentBody = {
        voucherCode: req.voucherCode,
        cardNumber: req.cardNumber,
        participant: { fullName: req.participantName, email: req.participantEmail },
      };
      const request = kariermuRequest(cfg.baseUrl, await token(now()), 'POST', KARIERMU_PATHS.enrollments, { body, idempotencyKey: req.idempotencyKey });
      const res = await send(ctx, PLATFORM, request);
      // 201 for the enrollment, 200 tolerated: both carry the same body and a replay may use either.
      if (res.status !== 201 && res.status !== 200) throw failure(res);
      const data = parseWire(PLATFORM, KariermuEnrollment, res);
      return { redeemedAt: new Date(data.enrolledAt), platformReference: data.enrollmentId };
    },
  };
}
