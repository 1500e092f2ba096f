import type { AdapterErrorKind } from '../types.js';

/** Pintaria error codes (modelled) → canonical errors; `retry` says whether resending can succeed. */
export const PINTARIA_ERRORS = {
  COURSE_ENROLLMENT_NOT_FOUND: { kind: 'voucher_not_found', retry: false },
  COURSE_NOT_STARTED: { kind: 'invalid_request', retry: false },
  RESULT_EXISTS: { kind: 'invalid_request', retry: false },
  ENROLLMENT_EXPIRED: { kind: 'voucher_expired', retry: false },
  ENROLLMENT_REFUNDED: { kind: 'voucher_refunded', retry: false },
  MALFORMED: { kind: 'invalid_request', retry: false },
  SIGNATURE_INVALID: { kind: 'auth_failed', retry: false },
  // The Date header was too far from Pintaria's clock: a fresh one on the next attempt passes.
  DATE_SKEW: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;
