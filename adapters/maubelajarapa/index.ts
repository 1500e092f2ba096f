/**
 * MauBelajarApa (maubelajarapa.com). It publishes no partner API: this contract is a MODEL,
 * written down in openapi/partners/maubelajarapa.yaml. What the seeds tell us: trainings are
 * workshops held at a scheduled time; the order page asks the buyer to type their identity by
 * hand (the riskiest names the gateway sees, so the name check matters most here); payment is
 * the card number and a 6-digit OTP; the confirmation shows an Order ID (the gateway's voucher
 * code), the workshop's name and time and the buyer's email. Attendance is at the scheduled
 * session, like prakerja.go.id's webinar window: check-in (the redemption) is accepted from 30
 * minutes before the session until its end.
 *
 * Auth (modelled): `Authorization: MBA-HMAC-SHA512 Key=<id>, Timestamp=<unix>, Signature=<b64>`
 * over `METHOD\npath?query\ntimestamp\nsha256hex(body)`; callbacks carry `X-MBA-Delivery`,
 * `X-MBA-Timestamp` and `X-MBA-Signature` = base64 HMAC-SHA512 over `timestamp\ndelivery\nbody`.
 */
import { verifyMbaCallback } from './callbacks.js';
import { parseWire, send, tableFailure } from '../shared/http.js';
import { type AdapterContext, type PlatformAdapter } from '../types.js';
import { MBA_ERRORS } from './errors.js';
import { MBA_MAX_PAGE, MBA_PATHS, mbaRequest, type MbaConfig } from './http.js';
import { toCanonicalVoucher } from './transformers.js';
import { MbaCheckedIn, MbaError, MbaOrder, MbaOrderPage, MbaResultAck, type MbaResultBody } from './wire.js';

export type { MbaConfig } from './http.js';

const PLATFORM = 'maubelajarapa';

const failure = tableFailure(PLATFORM, MBA_ERRORS, (res) => {
  const body = MbaError.safeParse(res.json);
  return body.success ? body.data : {};
});

export function createMbaAdapter(cfg: MbaConfig, ctx: AdapterContext): PlatformAdapter {
  const now = ctx.now ?? (() => new Date());
  return {
    id: PLATFORM,
    displayName: 'MauBelajarApa',
    voucherCodePattern: /^MBA-[0-9]{8}$/,

    async getVoucher(code) {
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'GET', MBA_PATHS.order(code), { now: now() }));
      if (res.status === 404) return null;
      if (res.status !== 200) throw failure(res);
      return toCanonicalVoucher(parseWire(PLATFORM, MbaOrder, res));
    },

    async redeemVoucher(req) {
      const body = { card_number: req.cardNumber, participant_name: req.participantName, participant_email: req.participantEmail };
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'POST', MBA_PATHS.checkIn(req.voucherCode), { body, idempotencyKey: req.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      const d = parseWire(PLATFORM, MbaCheckedIn, res);
      return { redeemedAt: new Date(d.checked_in_at), platformReference: d.check_in_id };
    },

    async reportCompletion(report) {
      const body: MbaResultBody = {
        result: report.outcome === 'passed' ? 'PASSED' : 'NOT_PASSED',
        score: report.score,
        finished_at: report.completedAt.toISOString(),
        certificate_no: report.certificate?.number ?? null,
        certificate_url: report.certificate?.url ?? null,
      };
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'POST', MBA_PATHS.result(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() }));
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, MbaResultAck, res).result_id };
    },

    verifyCallback: verifyMbaCallback(cfg.secret),

    async listVouchers({ from, to, cursor, limit }) {
      const q = new URLSearchParams({ changed_since: from.toISOString(), changed_before: to.toISOString() });
      if (limit !== undefined) q.set('page_size', String(Math.min(Math.max(1, Math.floor(limit)), MBA_MAX_PAGE)));
      if (cursor) q.set('page_token', cursor);
      const res = await send(ctx, PLATFORM, await mbaRequest(cfg, 'GET', `${MBA_PATHS.orders}?${q}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, MbaOrderPage, res);
      return { items: page.orders.map(toCanonicalVoucher), nextCursor: page.next_page_token ?? undefined };
    },
  };
}
