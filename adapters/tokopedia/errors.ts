import type { AdapterErrorKind } from '../types.js';

/**
 * Tokopedia error codes → canonical errors, as data an operator can read. `retry` says whether
 * sending the same request again can succeed.
 */
export const TOKOPEDIA_ERRORS = {
  VOUCHER_NOT_FOUND: { kind: 'voucher_not_found', retry: false },
  VOUCHER_ALREADY_REDEEMED: { kind: 'voucher_already_redeemed', retry: false },
  VOUCHER_EXPIRED: { kind: 'voucher_expired', retry: false },
  VOUCHER_REFUNDED: { kind: 'voucher_refunded', retry: false },
  // A completion for a voucher nobody redeemed. The gateway only reports after a redemption, so
  // this means the two disagree about the voucher; resending cannot settle that.
  VOUCHER_NOT_REDEEMED: { kind: 'invalid_request', retry: false },
  // A completion under a new key for a voucher that already has one; Tokopedia keeps the first.
  COMPLETION_ALREADY_REPORTED: { kind: 'invalid_request', retry: false },
  CARD_MISMATCH: { kind: 'invalid_request', retry: false },
  INVALID_REQUEST: { kind: 'invalid_request', retry: false },
  INVALID_SIGNATURE: { kind: 'auth_failed', retry: false },
  TIMESTAMP_OUT_OF_RANGE: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;

export type TokopediaErrorCode = keyof typeof TOKOPEDIA_ERRORS;
