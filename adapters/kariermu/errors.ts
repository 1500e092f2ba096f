import type { AdapterErrorKind } from '../types.js';

/**
 * Karier.mu error codes (`{ error, message }` bodies) → canonical errors, as data an operator can
 * read. `retry` says whether sending the same request again can succeed.
 */
export const KARIERMU_ERRORS = {
  voucher_not_found: { kind: 'voucher_not_found', retry: false },
  voucher_already_used: { kind: 'voucher_already_redeemed', retry: false },
  voucher_expired: { kind: 'voucher_expired', retry: false },
  voucher_refunded: { kind: 'voucher_refunded', retry: false },
  card_mismatch: { kind: 'invalid_request', retry: false },
  invalid_request: { kind: 'invalid_request', retry: false },
  // A completion for a voucher nobody enrolled with. The gateway reports completions only after a
  // redemption, so the two sides disagree; resending will not fix that.
  voucher_not_enrolled: { kind: 'invalid_request', retry: false },
  // Another completion was already recorded for this enrollment under a different Idempotency-Key.
  completion_already_reported: { kind: 'invalid_request', retry: false },
  invalid_token: { kind: 'auth_failed', retry: false },
  // The gateway mints a fresh token per request, so a retry carries a new `exp` and can pass
  // once the clocks agree again.
  token_expired: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;

export type KariermuErrorCode = keyof typeof KARIERMU_ERRORS;
