import type { EnrollmentState } from '../../src/contract/canonical.js';

/** MauBelajarApa's order statuses (modelled). `checked_in`: the participant was admitted to the scheduled workshop. */
export const MBA_STATUSES = ['paid', 'checked_in', 'attending', 'finished', 'not_passed', 'reviewed', 'certified', 'expired', 'refunded', 'void'] as const;
export type MbaStatus = (typeof MBA_STATUSES)[number];

/** The one status table: a status added above without a row here fails to compile. */
export const MBA_STATUS_MAP = {
  paid: 'purchased',
  checked_in: 'redeemed',
  attending: 'in_progress',
  finished: 'completed',
  not_passed: 'failed',
  reviewed: 'reviewed',
  certified: 'certified',
  expired: 'expired',
  refunded: 'refunded',
  void: 'revoked',
} as const satisfies Record<MbaStatus, EnrollmentState>;

export const isMbaStatus = (s: string): s is MbaStatus => Object.hasOwn(MBA_STATUS_MAP, s);
