import type { AdapterErrorKind } from '../types.js';

/** Pijar Mahir error codes (modelled) → canonical errors; `retry` says whether resending can succeed. */
export const PIJAR_ERRORS = {
  ENROLLMENT_NOT_FOUND: { kind: 'voucher_not_found', retry: false },
  ENROLLMENT_NOT_STARTED: { kind: 'invalid_request', retry: false },
  COMPLETION_ALREADY_CONFIRMED: { kind: 'invalid_request', retry: false },
  ENROLLMENT_EXPIRED: { kind: 'voucher_expired', retry: false },
  ENROLLMENT_REFUNDED: { kind: 'voucher_refunded', retry: false },
  INVALID_REQUEST: { kind: 'invalid_request', retry: false },
  INVALID_SIGNATURE: { kind: 'auth_failed', retry: false },
  // The request's timestamp was outside the window: a fresh one on the next attempt passes.
  STALE_TIMESTAMP: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;
export type PijarErrorCode = keyof typeof PIJAR_ERRORS;
