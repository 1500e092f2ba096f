import type { CanonicalVoucher } from '../../src/domain/types.js';
import { BUKALAPAK_STATUS_MAP } from './status.js';
import type { BukalapakVoucher } from './wire.js';

export const fromEpochSeconds = (s: number): Date => new Date(s * 1000);
export const toEpochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/**
 * Bukalapak keeps first and last name apart; many Indonesians have a single name, which Bukalapak
 * sends as an empty last_name, so joining must not leave a trailing space.
 */
export function joinName(first: string, last: string): string {
  return [first.trim(), last.trim()].filter(Boolean).join(' ');
}

/** Bukalapak wire → canonical. */
export function toCanonicalVoucher(v: BukalapakVoucher): CanonicalVoucher {
  return {
    platform: 'bukalapak',
    code: v.voucher_code,
    state: BUKALAPAK_STATUS_MAP[v.status],
    platformStatus: String(v.status),
    cardNumber: v.prakerja_card_number,
    buyerName: joinName(v.buyer.first_name, v.buyer.last_name),
    buyerEmail: v.buyer.email,
    courseId: v.product.id,
    providerId: v.product.store_id,
    purchasedAt: fromEpochSeconds(v.paid_at),
    expiresAt: fromEpochSeconds(v.expired_at),
    redeemedAt: v.redeemed_at != null ? fromEpochSeconds(v.redeemed_at) : undefined,
  };
}
