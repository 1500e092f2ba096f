import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import { KARIERMU_STATUS_MAP } from './status.js';
import type { KariermuVoucher } from './wire.js';

/**
 * Karier.mu wire → canonical. The buyer name is passed on exactly as sent, academic titles and
 * all: deciding whether "Dr. Ir. Bambang Wijaya, M.M." is "Bambang Wijaya" is the gateway's name
 * scorer's job, and an adapter that stripped titles would hide evidence from it.
 */
export function toCanonicalVoucher(v: KariermuVoucher): CanonicalVoucher {
  return {
    platform: 'kariermu',
    code: v.voucherCode,
    state: KARIERMU_STATUS_MAP[v.status],
    platformStatus: v.status,
    cardNumber: v.cardNumber,
    buyerName: v.buyerName,
    buyerEmail: v.buyerEmail,
    courseId: v.course.id,
    providerId: v.course.providerId,
    purchasedAt: new Date(v.paidAt),
    expiresAt: new Date(v.expiresAt),
    redeemedAt: v.enrolledAt ? new Date(v.enrolledAt) : undefined,
  };
}
