import { parseWire, send, tableFailure } from '../shared/http.js';
import type { AdapterContext, CompletionReport, DeliveryReceipt, PlatformAdapter, RedeemRequest, RedeemResult } from '../types.js';
import { verifyTokopediaCallback } from './callbacks.js';
import { TOKOPEDIA_ERRORS } from './errors.js';
import { TOKOPEDIA_MAX_PAGE, TOKOPEDIA_PATHS, tokopediaRequest, type TokopediaConfig } from './http.js';
import { TOKOPEDIA_OUTCOMES } from './status.js';
import { toCanonicalVoucher } from './transformers.js';
import {
  TokopediaCompletionEnvelope,
  TokopediaErrorBody,
  TokopediaRedeemEnvelope,
  TokopediaVoucherEnvelope,
  TokopediaVoucherPage,
  type TokopediaCompletionBody,
  type TokopediaRedeemBody,
} from './wire.js';

export type { TokopediaConfig } from './http.js';

const PLATFORM = 'tokopedia';

/** Tokopedia reports errors as a list; the first one names the failure. */
const failure = tableFailure(PLATFORM, TOKOPEDIA_ERRORS, (res) => {
  const body = TokopediaErrorBody.safeParse(res.json);
  const first = body.success ? body.data.errors[0] : undefined;
  return { code: first?.code, message: first?.message };
});

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

    async reportCompletion(report: CompletionReport): Promise<DeliveryReceipt> {
      const c = report.certificate;
      const body: TokopediaCompletionBody = {
        outcome: TOKOPEDIA_OUTCOMES[report.outcome],
        score: report.score,
        completed_at: report.completedAt.toISOString(),
        certificate: c ? { number: c.number, issued_at: c.issuedAt.toISOString(), url: c.url, sha256: c.sha256 } : null,
      };
      const request = await tokopediaRequest(cfg, 'POST', TOKOPEDIA_PATHS.completion(report.voucherCode), { body, idempotencyKey: report.idempotencyKey, now: now() });
      const res = await send(ctx, PLATFORM, request);
      if (res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, TokopediaCompletionEnvelope, res).data.completion_id };
    },

    verifyCallback: verifyTokopediaCallback(cfg.webhookSecrets ?? []),

    async listVouchers({ from, to, cursor, limit }) {
      const query = new URLSearchParams({ updated_from: from.toISOString(), updated_to: to.toISOString() });
      // Clamped rather than refused: asking for more than Tokopedia serves would only cost an error round trip.
      if (limit !== undefined) query.set('limit', String(Math.min(Math.max(1, Math.floor(limit)), TOKOPEDIA_MAX_PAGE)));
      if (cursor) query.set('cursor', cursor);
      const res = await send(ctx, PLATFORM, await tokopediaRequest(cfg, 'GET', `${TOKOPEDIA_PATHS.vouchers}?${query}`, { now: now() }));
      if (res.status !== 200) throw failure(res);
      const page = parseWire(PLATFORM, TokopediaVoucherPage, res);
      return { items: page.data.map(toCanonicalVoucher), nextCursor: page.next_cursor ?? undefined };
    },
  };
}
