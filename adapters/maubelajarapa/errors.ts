import type { AdapterErrorKind } from '../types.js';

/** MauBelajarApa error codes (modelled) → canonical errors; `retry` says whether resending can succeed. */
export const MBA_ERRORS = {
  ORDER_NOT_FOUND: { kind: 'voucher_not_found', retry: false },
  ALREADY_CHECKED_IN: { kind: 'voucher_already_redeemed', retry: false },
  ORDER_EXPIRED: { kind: 'voucher_expired', retry: false },
  ORDER_REFUNDED: { kind: 'voucher_refunded', retry: false },
  // Check-in opens 30 minutes before the session and closes at its end: another time is refused.
  WORKSHOP_NOT_OPEN: { kind: 'invalid_request', retry: false },
  CARD_MISMATCH: { kind: 'invalid_request', retry: false },
  NOT_CHECKED_IN: { kind: 'invalid_request', retry: false },
  RESULT_ALREADY_SENT: { kind: 'invalid_request', retry: false },
  BAD_REQUEST: { kind: 'invalid_request', retry: false },
  BAD_SIGNATURE: { kind: 'auth_failed', retry: false },
  CLOCK_SKEW: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;
