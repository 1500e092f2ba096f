import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Sekolahmu's enrollment statuses (modelled). `started`: "Mulai Belajar" pressed on prakerja.sekolah.mu. */
export const SEKOLAHMU_STATUSES = ['awaiting_start', 'started', 'learning', 'completed', 'not_passed', 'reviewed', 'certified', 'expired', 'refunded', 'cancelled'] as const;
export type SekolahmuStatus = (typeof SEKOLAHMU_STATUSES)[number];

/** The one status table: a status added above without a row here fails to compile. */
export const SEKOLAHMU_STATUS_MAP = {
  awaiting_start: 'purchased',
  started: 'redeemed',
  learning: 'in_progress',
  completed: 'completed',
  not_passed: 'failed',
  reviewed: 'reviewed',
  certified: 'certified',
  expired: 'expired',
  refunded: 'refunded',
  cancelled: 'revoked',
} as const satisfies Record<SekolahmuStatus, EnrollmentState>;

export const isSekolahmuStatus = (s: string): s is SekolahmuStatus => Object.hasOwn(SEKOLAHMU_STATUS_MAP, s);
