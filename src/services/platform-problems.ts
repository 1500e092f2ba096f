import { AdapterError } from '../contract/adapter.js';
import { maskDigitRuns } from '../lib/mask.js';
import { ProblemError } from '../lib/problem.js';

/**
 * A partner's failure as the caller's problem: the partner's trouble is a 502/504 (retry later,
 * nothing was changed), a request the partner refused is the caller's 422.
 */
export function platformProblem(e: unknown): ProblemError {
  if (!(e instanceof AdapterError)) throw e;
  const detail = maskDigitRuns(e.message);
  const ext = { detail, platform: e.platform, platformCode: e.detail.platformCode };
  switch (e.kind) {
    case 'timeout':
      return new ProblemError(504, 'platform_timeout', `${e.platform} did not answer in time`, ext);
    case 'platform_unavailable':
    case 'rate_limited':
      return new ProblemError(502, 'platform_unavailable', `${e.platform} is unavailable`, { ...ext, retryAfterSeconds: e.detail.retryAfterMs ? Math.ceil(e.detail.retryAfterMs / 1000) : undefined });
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
