import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Tokopedia's order-item statuses for a Prakerja voucher (modelled). */
export const TOKOPEDIA_STATUSES = ['PAID', 'REDEEMED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'REVIEWED', 'CERTIFIED', 'EXPIRED', 'REFUNDED', 'CANCELLED'] as const;
export type TokopediaStatus = (typeof TOKOPEDIA_STATUSES)[number];

/** The one status table: a status added above without a row here fails to compile. */
export const TOKOPEDIA_STATUS_MAP = {
  PAID: 'purchased',
  REDEEMED: 'redeemed',
  IN_PROGRESS: 'in_progress',
  COMPLETED: 'completed',
  FAILED: 'failed',
  REVIEWED: 'reviewed',
  CERTIFIED: 'certified',
  EXPIRED: 'expired',
  REFUNDED: 'refunded',
  CANCELLED: 'revoked',
} as const satisfies Record<TokopediaStatus, EnrollmentState>;

/** Completion outcomes as Tokopedia spells them in a completion report. */
export const TOKOPEDIA_OUTCOMES = { passed: 'PASSED', failed: 'FAILED' } as const satisfies Record<'passed' | 'failed', string>;
export type TokopediaOutcome = (typeof TOKOPEDIA_OUTCOMES)[keyof typeof TOKOPEDIA_OUTCOMES];
