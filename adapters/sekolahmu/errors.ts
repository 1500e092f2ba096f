import type { AdapterErrorKind } from '../types.js';

/** Sekolahmu error codes (modelled) → canonical errors; `retry` says whether resending can succeed. */
export const SEKOLAHMU_ERRORS = {
  not_found: { kind: 'voucher_not_found', retry: false },
  not_started: { kind: 'invalid_request', retry: false },
  already_confirmed: { kind: 'invalid_request', retry: false },
  expired: { kind: 'voucher_expired', retry: false },
  refunded: { kind: 'voucher_refunded', retry: false },
  validation_failed: { kind: 'invalid_request', retry: false },
  invalid_token: { kind: 'auth_failed', retry: false },
  // The token expired on the way: a fresh one on the next attempt passes.
  token_expired: { kind: 'auth_failed', retry: true },
} as const satisfies Record<string, { kind: AdapterErrorKind; retry: boolean }>;
