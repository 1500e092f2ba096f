import { parseWire, send, tableFailure, type WireResponse } from '../shared/http.js';
import {
  type AdapterContext,
  type CompletionReport,
  type DeliveryReceipt,
  type PlatformAdapter,
  type RedeemRequest,
  type RedeemResult,
} from '../types.js';
import { KARIERMU_ERRORS } from './errors.js';
import { verifyKariermuCallback } from './callbacks.js';
import { KARIERMU_PATHS, kariermuKeyStore, kariermuRequest, kariermuTokenSigner, type KariermuConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import {
  KARIERMU_MAX_LIMIT,
  KariermuCompletionResponse,
  KariermuEnrollment,
  KariermuErrorBody,
  KariermuVoucher,
  KariermuVoucherPage,
  type KariermuCompletionBody,
  type KariermuEnrollmentBody,
} from './wire.js';

export type { KariermuConfig } from './http.js';

const PLATFORM = 'kariermu';
const DEFAULT_LIMIT = 50;

function errorCode(res: WireResponse) {
  const body = KariermuErrorBody.safeParse(res.json);
  return body.success ? body.data : undefined;
}

const failure = tableFailure(PLATFORM, KARIERMU_ERRORS, (res) => {
  const body = errorCode(res);
  return { code: body?.error, message: body?.message };
});

export function createKariermuAdapter(cfg: KariermuConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  const token = kariermuTokenSigner(cfg);
  const keys = kariermuKeyStore(ctx, cfg.jwksUrl, now);
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

    async reportCompletion(report: CompletionReport): Promise<DeliveryReceipt> {
      const c = report.certificate;
      const body: KariermuCompletionBody = {
        outcome: report.outcome,
        score: report.score,
        completedAt: report.completedAt.toISOString(),
        // null rather than absent: Karier.mu then knows the gateway has no certificate, not that a field was dropped.
        certificate: c ? { number: c.number, issuedAt: c.issuedAt.toISOString(), url: c.url, sha256: c.sha256 } : null,
      };
      const request = kariermuRequest(cfg.baseUrl, await token(now()), 'POST', KARIERMU_PATHS.completion(report.voucherCode), { body, idempotencyKey: report.idempotencyKey });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 201 && res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, KariermuCompletionResponse, res).completionId };
    },

    verifyCallback: verifyKariermuCallback(keys),

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({
        updatedFrom: from.toISOString(),
        updatedTo: to.toISOString(),
        limit: String(Math.min(KARIERMU_MAX_LIMIT, Math.max(1, Math.floor(limit ?? DEFAULT_LIMIT)))),
      });
      // Karier.mu's cursor is already opaque and keyset-based; the gateway hands it back untouched.
      if (cursor) q.set('cursor', cursor);
      const res = await send(ctx, PLATFORM, kariermuRequest(cfg.baseUrl, await token(now()), 'GET', `${KARIERMU_PATHS.vouchers}?${q}`));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, KariermuVoucherPage, res);
      return { items: page.items.map(toCanonicalVoucher), nextCursor: page.nextCursor ?? undefined };
    },
  };
}
