/**
 * Sekolahmu (prakerja.sekolah.mu). It publishes no partner API: this contract is a MODEL, written
 * down in openapi/partners/sekolahmu.yaml. What the seeds tell us: the participant has an account
 * on Sekolahmu, may use promo codes at payment, pays with the card number and an OTP, then presses
 * "Mulai Belajar" and learns on Sekolahmu: platform-delivered, like Pijar Mahir, so its callbacks
 * start the enrollment. The name the gateway reconciles with prakerja.go.id's is the one on the
 * Sekolahmu account (`learner.accountName`).
 *
 * Auth (modelled): a fresh HS256 JWT per request (iss = client id, aud sekolahmu-prakerja-partner,
 * 60 s); callbacks carry `X-Sekolahmu-Event-Id`, `X-Sekolahmu-Timestamp` (unix seconds) and
 * `X-Sekolahmu-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">`, the same secret.
 */
import { verifySekolahmuCallback } from './callbacks.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { AdapterError, type AdapterContext, type PlatformAdapter } from '../types.js';
import { SEKOLAHMU_ERRORS } from './errors.js';
import { SEKOLAHMU_MAX_PAGE, SEKOLAHMU_PATHS, sekolahmuRequest, type SekolahmuConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { SekolahmuAck, SekolahmuEnrollment, SekolahmuError, SekolahmuPage, type SekolahmuConfirmationBody } from './wire.js';

export type { SekolahmuConfig } from './http.js';

const PLATFORM = 'sekolahmu';

const failure = tableFailure(PLATFORM, SEKOLAHMU_ERRORS, (res) => {
  const body = SekolahmuError.safeParse(res.json);
  return body.success ? { code: body.data.error, message: body.data.message } : {};
});

export function createSekolahmuAdapter(cfg: SekolahmuConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Sekolahmu',
    voucherCodePattern: /^SKM[0-9]{9}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await sekolahmuRequest(cfg, 'GET', SEKOLAHMU_PATHS.enrollment(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, SekolahmuEnrollment, res));
    },

    async redeemVoucher() {
      // Platform-delivered: the participant starts on Sekolahmu and the gateway hears of it by callback.
      throw new AdapterError('invalid_request', PLATFORM, 'Sekolahmu delivers its trainings itself: there is no voucher to redeem; the enrollment starts with its learning.started callback', { retryable: false });
    },

    async reportCompletion(report) {
      const c = report.certificate;
      const body: SekolahmuConfirmationBody = {
        passed: report.outcome === 'passed',
        score: report.score,
        completedAt: report.completedAt.toISOString(),
        certificate: c ? { number: c.number, url: c.url, sha256: c.sha256 } : null,
      };
      const res = await send(ctx, PLATFORM, await sekolahmuRequest(cfg, 'POST', SEKOLAHMU_PATHS.confirmation(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, SekolahmuAck, res).confirmationId };
    },

    verifyCallback: verifySekolahmuCallback(cfg.secret),

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ updatedFrom: from.toISOString(), updatedTo: to.toISOString() });
      if (limit !== undefined) q.set('limit', String(Math.min(Math.max(1, Math.floor(limit)), SEKOLAHMU_MAX_PAGE)));
      if (cursor) q.set('cursor', cursor);
      const res = await send(ctx, PLATFORM, await sekolahmuRequest(cfg, 'GET', `${SEKOLAHMU_PATHS.enrollments}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, SekolahmuPage, res);
      return { items: page.items.map(toCanonicalVoucher), nextCursor: page.nextCursor ?? undefined };
    },
  };
}
