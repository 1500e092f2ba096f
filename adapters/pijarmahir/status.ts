import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Pijar Mahir's enrollment statuses (modelled), in Indonesian as its dashboard words them. */
export const PIJAR_STATUSES = ['DIBAYAR', 'MULAI_BELAJAR', 'SEDANG_BELAJAR', 'SELESAI', 'TIDAK_LULUS', 'DIULAS', 'BERSERTIFIKAT', 'KEDALUWARSA', 'DIKEMBALIKAN', 'DIBATALKAN'] as const;
export type PijarStatus = (typeof PIJAR_STATUSES)[number];

/**
 * The one status table: a status added above without a row here fails to compile. MULAI_BELAJAR
 * ("Mulai Belajar" pressed) is the platform-delivered counterpart of a redemption.
 */
export const PIJAR_STATUS_MAP = {
  DIBAYAR: 'purchased',
  MULAI_BELAJAR: 'redeemed',
  SEDANG_BELAJAR: 'in_progress',
  SELESAI: 'completed',
  TIDAK_LULUS: 'failed',
  DIULAS: 'reviewed',
  BERSERTIFIKAT: 'certified',
  KEDALUWARSA: 'expired',
  DIKEMBALIKAN: 'refunded',
  DIBATALKAN: 'revoked',
} as const satisfies Record<PijarStatus, EnrollmentState>;

export const isPijarStatus = (s: string): s is PijarStatus => Object.hasOwn(PIJAR_STATUS_MAP, s);
