/**
 * Pijar Mahir (pijarmahir.id). Pijar Mahir publishes no partner API: this contract is a MODEL,
 * written down in openapi/partners/pijarmahir.yaml, shaped by what the seeds tell us. The buyer
 * pays with the card number and an OTP, presses "Mulai Belajar" and learns on Pijar Mahir's own
 * learning system: there is no voucher for the provider to redeem (DeliveryShape
 * `platform_delivered`). Pijar Mahir tells the gateway of the purchase, the start, progress and
 * completion by signed callbacks; the provider confirms the outcome and issues the certificate
 * through the gateway, which forwards it here (`reportCompletion`).
 *
 * Auth (modelled): every request carries `X-Pijar-Key` and `X-Pijar-Signature: t=<unix>,v1=<hex>`,
 * HMAC-SHA256 over `t.METHOD.path?query.body`; callbacks carry `Pijar-Event-Id` and
 * `Pijar-Signature: t=…,v1=…` over `t.body`, with the same partner secret, ±5 minutes.
 */
import { verifyPijarCallback } from './callbacks.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { AdapterError, type AdapterContext, type PlatformAdapter } from '../types.js';
import { PIJAR_ERRORS } from './errors.js';
import { PIJAR_MAX_PAGE, PIJAR_PATHS, pijarRequest, type PijarConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { PijarAck, PijarEnvelope, PijarError, PijarPage, type PijarCompletionBody } from './wire.js';

export type { PijarConfig } from './http.js';

const PLATFORM = 'pijarmahir';

const failure = tableFailure(PLATFORM, PIJAR_ERRORS, (res) => {
  const body = PijarError.safeParse(res.json);
  return body.success ? body.data.error : {};
});

export function createPijarAdapter(cfg: PijarConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Pijar Mahir',
    voucherCodePattern: /^PJR-[0-9A-Z]{10}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'GET', PIJAR_PATHS.enrollment(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, PijarEnvelope, res).data);
    },

    async redeemVoucher() {
      // Platform-delivered: the participant starts on Pijar Mahir and the gateway hears of it by
      // callback. A provider asking to redeem has misread the voucher; nothing is sent.
      throw new AdapterError('invalid_request', PLATFORM, 'Pijar Mahir delivers its trainings itself: there is no voucher to redeem; the enrollment starts with its enrollment.started callback', { retryable: false });
    },

    async reportCompletion(report) {
      const c = report.certificate;
      const body: PijarCompletionBody = {
        result: report.outcome === 'passed' ? 'LULUS' : 'TIDAK_LULUS',
        score: report.score,
        completed_at: report.completedAt.toISOString(),
        certificate: c ? { number: c.number, issued_at: c.issuedAt.toISOString(), url: c.url, sha256: c.sha256 } : null,
      };
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'POST', PIJAR_PATHS.completion(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, PijarAck, res).data.confirmation_id };
    },

    verifyCallback: verifyPijarCallback(cfg.secret),

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ updated_from: from.toISOString(), updated_to: to.toISOString() });
      if (limit !== undefined) q.set('limit', String(Math.min(Math.max(1, Math.floor(limit)), PIJAR_MAX_PAGE)));
      if (cursor) q.set('cursor', cursor);
      const res = await send(ctx, PLATFORM, await pijarRequest(cfg, 'GET', `${PIJAR_PATHS.enrollments}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, PijarPage, res);
      return { items: page.data.map(toCanonicalVoucher), nextCursor: page.next_cursor ?? undefined };
    },
  };
}
