import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Pintaria's course statuses (modelled): "Ikuti Kursus" enrols (paid), "Mulai Kursus" starts. */
export const PINTARIA_STATUSES = ['ENROLLED', 'STARTED', 'ONGOING', 'FINISHED', 'FAILED', 'RATED', 'CERTIFIED', 'EXPIRED', 'REFUNDED', 'CANCELED'] as const;
export type PintariaStatus = (typeof PINTARIA_STATUSES)[number];

/** The one status table: a status added above without a row here fails to compile. */
export const PINTARIA_STATUS_MAP = {
  ENROLLED: 'purchased',
  STARTED: 'redeemed',
  ONGOING: 'in_progress',
  FINISHED: 'completed',
  FAILED: 'failed',
  RATED: 'reviewed',
  CERTIFIED: 'certified',
  EXPIRED: 'expired',
  REFUNDED: 'refunded',
  CANCELED: 'revoked',
} as const satisfies Record<PintariaStatus, EnrollmentState>;

export const isPintariaStatus = (s: string): s is PintariaStatus => Object.hasOwn(PINTARIA_STATUS_MAP, s);
