/**
 * Pintaria (pintaria.com). It publishes no partner API: this contract is a MODEL, written down in
 * openapi/partners/pintaria.yaml. What the seeds tell us: the participant logs in to Pintaria
 * with their Kartu Prakerja account, so the buyer's identity comes from prakerja.go.id itself
 * (`prakerja_account`), then presses "Ikuti Kursus" and "Mulai Kursus" and learns on Pintaria:
 * platform-delivered, so its callbacks start the enrollment.
 *
 * Auth (modelled): HTTP Signatures (draft-cavage-12), `Signature: keyId=…,algorithm="hmac-sha256",
 * headers="(request-target) date digest",signature=…` with `Date` and `Digest: SHA-256=…`, both
 * ways; a `Date` more than 5 minutes off is refused.
 */
import { verifyPintariaCallback } from './callbacks.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { AdapterError, type AdapterContext, type PlatformAdapter } from '../types.js';
import { PINTARIA_ERRORS } from './errors.js';
import { PINTARIA_MAX_PAGE, PINTARIA_PATHS, pintariaRequest, type PintariaConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { PintariaAck, PintariaEnrollment, PintariaError, PintariaPage, type PintariaResultBody } from './wire.js';

export type { PintariaConfig } from './http.js';

const PLATFORM = 'pintaria';

const failure = tableFailure(PLATFORM, PINTARIA_ERRORS, (res) => {
  const body = PintariaError.safeParse(res.json);
  return body.success ? { code: body.data.error_code, message: body.data.detail } : {};
});

export function createPintariaAdapter(cfg: PintariaConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'Pintaria',
    voucherCodePattern: /^PNT-[a-z0-9]{12}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await pintariaRequest(cfg, 'GET', PINTARIA_PATHS.enrollment(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, PintariaEnrollment, res));
    },

    async redeemVoucher() {
      // Platform-delivered: "Mulai Kursus" on Pintaria starts it, and the gateway hears of it by callback.
      throw new AdapterError('invalid_request', PLATFORM, 'Pintaria delivers its courses itself: there is no voucher to redeem; the enrollment starts with its course.started callback', { retryable: false });
    },

    async reportCompletion(report) {
      const c = report.certificate;
      const body: PintariaResultBody = { status: report.outcome === 'passed' ? 'PASSED' : 'FAILED', score: report.score, finished_at: report.completedAt.toISOString(), certificate: c ? { number: c.number, url: c.url } : null };
      const res = await send(ctx, PLATFORM, await pintariaRequest(cfg, 'POST', PINTARIA_PATHS.result(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, PintariaAck, res).result_id };
    },

    verifyCallback: verifyPintariaCallback(cfg.secret),

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ modified_gte: from.toISOString(), modified_lt: to.toISOString() });
      if (limit !== undefined) q.set('page_size', String(Math.min(Math.max(1, Math.floor(limit)), PINTARIA_MAX_PAGE)));
      if (cursor) q.set('after', cursor);
      const res = await send(ctx, PLATFORM, await pintariaRequest(cfg, 'GET', `${PINTARIA_PATHS.enrollments}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, PintariaPage, res);
      return { items: page.results.map(toCanonicalVoucher), nextCursor: page.next ?? undefined };
    },
  };
}
