import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Karier.mu's voucher statuses (modelled): lower-case words, `enrolled` is its word for a redemption. */
export const KARIERMU_STATUSES = ['paid', 'enrolled', 'on_progress', 'finished', 'failed', 'reviewed', 'certified', 'expired', 'refunded', 'cancelled'] as const;
export type KariermuStatus = (typeof KARIERMU_STATUSES)[number];

/** The one status table: a status added above without a row here fails to compile. */
export const KARIERMU_STATUS_MAP = {
  paid: 'purchased',
  enrolled: 'redeemed',
  on_progress: 'in_progress',
  finished: 'completed',
  failed: 'failed',
  reviewed: 'reviewed',
  certified: 'certified',
  expired: 'expired',
  refunded: 'refunded',
  cancelled: 'revoked',
} as const satisfies Record<KariermuStatus, EnrollmentState>;
