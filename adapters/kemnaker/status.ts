import type { EnrollmentState } from '../../src/contract/canonical.js';

/** Kemnaker (Sisnaker) status words for a Prakerja voucher, in Indonesian as the platform shows them (modelled). */
export const KEMNAKER_STATUSES = ['Dibayar', 'Diterima', 'Aktif', 'Selesai', 'Tidak Lulus', 'Lulus', 'Kedaluwarsa', 'Dikembalikan', 'Dibatalkan'] as const;
export type KemnakerStatus = (typeof KEMNAKER_STATUSES)[number];

/**
 * The one status table: a word added above without a row here fails to compile.
 *
 * Lulus (passed) → certified. Sisnaker issues the certificate of completion on a pass and has no
 * separate "certificate issued" word, so a pass is the last thing it can report. It cannot be
 * `completed`: Selesai already says the sessions are finished. A pass comes after that, and
 * putting both words on one state would lose the difference.
 * Kemnaker has no review step, so it never reports `reviewed`. The canonical lifecycle accepts a
 * jump from completed to certified.
 */
export const KEMNAKER_STATUS_MAP = {
  Dibayar: 'purchased',
  Diterima: 'redeemed',
  Aktif: 'in_progress',
  Selesai: 'completed',
  'Tidak Lulus': 'failed',
  Lulus: 'certified',
  Kedaluwarsa: 'expired',
  Dikembalikan: 'refunded',
  Dibatalkan: 'revoked',
} as const satisfies Record<KemnakerStatus, EnrollmentState>;
