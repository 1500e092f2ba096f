import type { AdapterErrorKind } from '../types.js';

/**
 * Bukalapak API error codes → canonical errors. Codes are numbers on the wire (HTTP status ×100 +
 * case); they are keyed here as the strings errorFromTable looks up. `retry` says whether sending
 * the same request again can succeed.
 */
export const BUKALAPAK_ERRORS = {
  40001: { kind: 'invalid_request', retry: false },
  // Only reaches the caller after the adapter already refreshed its token once and was refused again.
  40101: { kind: 'auth_failed', retry: false },
  40401: { kind: 'voucher_not_found', retry: false },
  40901: { kind: 'voucher_already_redeemed', retry: false },
  // A completion for a voucher nobody redeemed. The gateway only reports after a redemption, so
  // this means the two disagree about the voucher; resending cannot settle that.
  40902: { kind: 'invalid_request', retry: false },
  // A completion under a new key for a voucher that already has one; Bukalapak keeps the first.
  40903: { kind: 'invalid_request', retry: false },
  41001: { kind: 'voucher_expired', retry: false },
  41002: { kind: 'voucher_refunded', retry: false },
  42201: { kind: 'invalid_request', retry: false },
} as const satisfies Record<number, { kind: AdapterErrorKind; retry: boolean }>;

export type BukalapakErrorCode = keyof typeof BUKALAPAK_ERRORS;

/**
 * The token endpoint speaks RFC 6749 §5.2 instead of the API's numeric codes. Every one of these
 * means our client registration or request is wrong, so none is worth repeating unchanged.
 */
export const BUKALAPAK_OAUTH_ERRORS = {
  invalid_client: { kind: 'auth_failed', retry: false },
  unauthorized_client: { kind: 'auth_failed', retry: false },
  invalid_grant: { kind: 'auth_failed', retry: false },
  invalid_request: { kind: 'invalid_request', retry: false },
  unsupported_grant_type: { kind: 'invalid_request', retry: false },
  invalid_scope: { kind: 'invalid_request', retry: false },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;

export type BukalapakOAuthErrorCode = keyof typeof BUKALAPAK_OAUTH_ERRORS;
