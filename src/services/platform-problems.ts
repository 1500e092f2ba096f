import { AdapterError } from '../contract/adapter.js';
import { maskDigitRuns } from '../lib/mask.js';
import { ProblemError } from '../lib/problem.js';
import { GATEWAY_CAP } from '../lib/outbound-gate.js';

/** When the partner gave no Retry-After of its own: long enough for a blip, short enough to matter. */
export const PARTNER_RETRY_AFTER_SECONDS = 5;

/**
 * A partner's failure as the caller's problem. A partner out of reach (down, 5xx, rate-limiting,
 * not answering in time) is one 503 `partner_unavailable` naming the platform with Retry-After,
 * so a provider's retry logic needs one rule; a partner that answered outside its contract or
 * refused our credentials is a 502 (retrying soon will not help); a request the partner refused
 * is the caller's 422.
 */
export function platformProblem(e: unknown): ProblemError {
  if (!(e instanceof AdapterError)) throw e;
  const detail = maskDigitRuns(e.message);
  const ext = { detail, platform: e.platform, platformCode: e.detail.platformCode };
  switch (e.kind) {
    case 'timeout':
    case 'platform_unavailable':
    case 'rate_limited':
      return partnerUnavailable(e.platform, e.kind === 'platform_unavailable' ? 'unreachable' : e.detail.platformCode === GATEWAY_CAP ? 'saturated' : e.kind, e.detail.retryAfterMs, { partnerDetail: detail, platformCode: e.detail.platformCode });
    case 'auth_failed':
      return new ProblemError(502, 'platform_auth_failed', `${e.platform} refused the gateway's credentials`, ext);
    case 'unexpected_response':
      return new ProblemError(502, 'platform_bad_response', `${e.platform} answered outside its contract`, ext);
    case 'voucher_not_found':
      return new ProblemError(422, 'voucher_not_found', 'Voucher not found', { ...ext, errors: [{ field: 'voucherCode', rule: 'exists', message: `no such voucher at ${e.platform}` }] });
    case 'voucher_already_redeemed':
      return new ProblemError(409, 'voucher_already_redeemed', 'Voucher already redeemed', { ...ext, errors: [{ field: 'voucherCode', rule: 'unredeemed', message: 'the platform says it is already redeemed' }] });
    case 'voucher_expired':
      return new ProblemError(422, 'voucher_expired', 'Voucher expired', { ...ext, errors: [{ field: 'voucherCode', rule: 'not_expired', message: 'the voucher has expired' }] });
    case 'voucher_refunded':
      return new ProblemError(422, 'voucher_refunded', 'Voucher refunded or cancelled', { ...ext, errors: [{ field: 'voucherCode', rule: 'not_refunded', message: 'the purchase was refunded or cancelled' }] });
    case 'invalid_request':
      return new ProblemError(422, 'platform_rejected_request', `${e.platform} refused the request`, ext);
  }
}

export type PartnerUnavailableReason = 'unreachable' | 'timeout' | 'rate_limited' | 'saturated';

const REASON_TEXT = {
  unreachable: 'could not be reached or answered with a server error',
  timeout: 'did not answer in time',
  rate_limited: 'is rate-limiting the gateway',
  saturated: 'has as many calls in flight from the gateway as it accepts',
} as const satisfies Record<PartnerUnavailableReason, string>;

/** 503 naming the partner and why; Retry-After is the partner's own when it sent one. */
export function partnerUnavailable(platform: string, reason: PartnerUnavailableReason, retryAfterMs?: number, ext: Record<string, unknown> = {}): ProblemError {
  const retryAfterSeconds = retryAfterMs !== undefined ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : PARTNER_RETRY_AFTER_SECONDS;
  return new ProblemError(503, 'partner_unavailable', `${platform} is unavailable`, {
    ...ext,
    detail: `${platform} ${REASON_TEXT[reason]}. Retry after ${retryAfterSeconds} s with the same Idempotency-Key; a voucher the partner may have redeemed is finished by the retry, never redeemed twice.`,
    platform,
    reason,
    retryAfterSeconds,
  });
}
