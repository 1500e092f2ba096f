import type { EnrollmentState } from '../../src/contract/canonical.js';

/**
 * Bukalapak's numeric transaction-status codes for a Prakerja voucher (modelled). The tens digit
 * is the stage and the units digit an outcome within it, so 41 (failed) sits beside 40 (completed)
 * and every 9x code is a side exit.
 */
export const BUKALAPAK_STATUSES = [10, 20, 30, 40, 41, 50, 60, 90, 91, 99] as const;
export type BukalapakStatus = (typeof BUKALAPAK_STATUSES)[number];

/** The one status table: a code added above without a row here fails to compile. */
export const BUKALAPAK_STATUS_MAP = {
  10: 'purchased',
  20: 'redeemed',
  30: 'in_progress',
  40: 'completed',
  41: 'failed',
  50: 'reviewed',
  60: 'certified',
  90: 'expired',
  91: 'refunded',
  99: 'revoked',
} as const satisfies Record<BukalapakStatus, EnrollmentState>;

/** Completion outcomes as Bukalapak's numeric codes in a completion report (modelled). */
export const BUKALAPAK_OUTCOME_CODES = { passed: 1, failed: 2 } as const satisfies Record<'passed' | 'failed', number>;
export type BukalapakOutcome = (typeof BUKALAPAK_OUTCOME_CODES)[keyof typeof BUKALAPAK_OUTCOME_CODES];
