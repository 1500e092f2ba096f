import { parseWire, send, tableFailure, type WireResponse } from '../shared/http.js';
import { AdapterError, type AdapterContext, type CompletionReport, type WireRequest, type DeliveryReceipt, type PlatformAdapter, type RedeemRequest, type RedeemResult } from '../types.js';
import { verifyBukalapakCallback } from './callbacks.js';
import { BUKALAPAK_ERRORS, BUKALAPAK_OAUTH_ERRORS } from './errors.js';
import { BUKALAPAK_MAX_PER_PAGE, BUKALAPAK_PATHS, BukalapakTokenCache, bukalapakRequest, bukalapakTokenRequest, type BukalapakConfig } from './http.js';
import { BUKALAPAK_OUTCOME_CODES } from './status.js';
import { fromEpochSeconds, toCanonicalVoucher, toEpochSeconds } from './transformers.js';
import {
  BukalapakCompletionEnvelope,
  BukalapakErrorBody,
  BukalapakOAuthError,
  BukalapakRedemptionEnvelope,
  BukalapakToken,
  BukalapakVoucherEnvelope,
  BukalapakVoucherPage,
  type BukalapakCompletionBody,
  type BukalapakRedeemBody,
} from './wire.js';

export type { BukalapakConfig } from './http.js';

const PLATFORM = 'bukalapak';

const DEFAULT_PER_PAGE = 50;

/**
 * The opaque listing cursor carries the page size along with the page number: if the caller
 * changed `limit` between pages, page N at the new size would start somewhere else and skip or
 * repeat vouchers.
 */
const encodeCursor = (page: number, perPage: number) => `${page}:${perPage}`;

function decodeCursor(cursor: string): { page: number; perPage: number } {
  const m = /^([1-9]\d{0,8}):([1-9]\d{0,2})$/.exec(cursor);
  if (!m || Number(m[2]) > BUKALAPAK_MAX_PER_PAGE) {
    throw new AdapterError('invalid_request', PLATFORM, `not a bukalapak listing cursor: ${cursor.slice(0, 40)}`, { retryable: false });
  }
  return { page: Number(m[1]), perPage: Number(m[2]) };
}

function errorCode(res: WireResponse): { code?: string; message?: string } {
  const body = BukalapakErrorBody.safeParse(res.json);
  return body.success ? { code: String(body.data.error.code), message: body.data.error.reason } : {};
}

const failure = tableFailure(PLATFORM, BUKALAPAK_ERRORS, errorCode);

/** The token endpoint answers in RFC 6749's words, not the API's. */
const tokenFailure = tableFailure(PLATFORM, BUKALAPAK_OAUTH_ERRORS, (res) => {
  const body = BukalapakOAuthError.safeParse(res.json);
  return body.success ? { code: body.data.error, message: body.data.error_description ?? body.data.error } : {};
});

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
  async function authorised(build: (token: string) => WireRequest): Promise<WireResponse> {
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

    async reportCompletion(report: CompletionReport): Promise<DeliveryReceipt> {
      const c = report.certificate;
      const body: BukalapakCompletionBody = {
        outcome: BUKALAPAK_OUTCOME_CODES[report.outcome],
        score: report.score,
        completed_at: toEpochSeconds(report.completedAt),
        certificate: c ? { number: c.number, issued_at: toEpochSeconds(c.issuedAt), url: c.url, sha256: c.sha256 } : null,
      };
      const res = await authorised((t) =>
        bukalapakRequest(cfg, t, 'POST', BUKALAPAK_PATHS.completions(report.voucherCode), { body, idempotencyKey: report.idempotencyKey }),
      );
      if (res.status !== 201 && res.status !== 200) throw failure(res);
      return { reference: parseWire(PLATFORM, BukalapakCompletionEnvelope, res).data.id };
    },

    verifyCallback: verifyBukalapakCallback(cfg.webhookSecret),

    async listVouchers({ from, to, cursor, limit }) {
      const { page, perPage } = cursor
        ? decodeCursor(cursor)
        : { page: 1, perPage: Math.min(Math.max(1, Math.floor(limit ?? DEFAULT_PER_PAGE)), BUKALAPAK_MAX_PER_PAGE) };
      // Bukalapak counts whole seconds. The window is widened outward so nothing in [from, to) is
      // missed; a voucher near an edge may then also appear in the neighbouring window, which
      // reconciliation tolerates.
      const query = new URLSearchParams({
        updated_since: String(toEpochSeconds(from)),
        updated_until: String(Math.ceil(to.getTime() / 1000)),
        page: String(page),
        per_page: String(perPage),
      });
      const res = await authorised((t) => bukalapakRequest(cfg, t, 'GET', `${BUKALAPAK_PATHS.vouchers}?${query}`));
      if (res.status !== 200) throw failure(res);
      const { data, meta } = parseWire(PLATFORM, BukalapakVoucherPage, res);
      // An empty page ends the listing even if `total` says otherwise, so a shrinking set cannot loop forever.
      const more = data.length > 0 && meta.page * meta.per_page < meta.total;
      return { items: data.map(toCanonicalVoucher), nextCursor: more ? encodeCursor(meta.page + 1, meta.per_page) : undefined };
    },
  };
}
