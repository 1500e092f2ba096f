import type { AdapterErrorKind } from '../types.js';

/** The one success code: HTTP 200, service 26 (Prakerja voucher), case 00. */
export const KEMNAKER_SUCCESS = '2002600';

/**
 * SNAP-style responseCode (HTTP status + service code 26 + case code) → canonical errors. Case
 * codes follow the SNAP BI catalogue where it has one for the situation; the Prakerja-specific
 * ones (02 already redeemed) are modelled. 429 and 5xx are not listed: their HTTP status alone
 * decides, so Retry-After is honoured whatever the body says.
 */
export const KEMNAKER_ERRORS = {
  '4002601': { kind: 'invalid_request', retry: false }, // Invalid Field Format [field]
  '4002602': { kind: 'invalid_request', retry: false }, // Invalid Mandatory Field [field]
  // SNAP puts a bad signature, an unknown partner and a stale X-TIMESTAMP all under 401xx00 and
  // only the message differs. A wrong secret cannot be told from clock skew here, so this code is
  // never retried.
  '4012600': { kind: 'auth_failed', retry: false },
  '4032600': { kind: 'voucher_expired', retry: false }, // Transaction Expired
  // Transaction Not Permitted: a grade for a voucher that was never redeemed. The gateway reports
  // completions only after a redemption, so this means the two sides disagree and needs a person.
  '4032615': { kind: 'invalid_request', retry: false },
  '4042601': { kind: 'voucher_not_found', retry: false }, // Transaction Not Found
  '4042604': { kind: 'voucher_refunded', retry: false }, // Transaction Cancelled (refunded or revoked)
  '4042611': { kind: 'invalid_request', retry: false }, // Invalid Card: not the buyer's Prakerja card
  // X-EXTERNAL-ID reused with a different body. The gateway sent two different redemptions under
  // one idempotency key, and resending will not fix that.
  '4092600': { kind: 'invalid_request', retry: false },
  '4092602': { kind: 'voucher_already_redeemed', retry: false },
  // A grade is already pending or accepted for this voucher, sent under another idempotency key.
  // Sisnaker takes a new grade only after it has rejected the previous one.
  '4092603': { kind: 'invalid_request', retry: false },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;

export type KemnakerResponseCode = keyof typeof KEMNAKER_ERRORS | typeof KEMNAKER_SUCCESS;
