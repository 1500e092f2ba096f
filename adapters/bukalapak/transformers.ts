import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import type { CanonicalEvent } from '../types.js';
import { BUKALAPAK_EVENT_MAP, type BukalapakEventType } from './events.js';
import { BUKALAPAK_STATUS_MAP } from './status.js';
import type { BukalapakEventPayload, BukalapakVoucher } from './wire.js';

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

type EventOfKind<K> = Extract<CanonicalEvent, { kind: K }>;

/**
 * Webhook payload → canonical event, one per row of BUKALAPAK_EVENT_MAP. The return type is taken
 * from that table, so a translator that produced a different kind than its row says fails to
 * compile. `at` is the time the payload itself names, not when the webhook was sent.
 */
export const BUKALAPAK_EVENT_TRANSLATORS: {
  [T in BukalapakEventType]: (payload: BukalapakEventPayload<T>) => { event: EventOfKind<(typeof BUKALAPAK_EVENT_MAP)[T]>; at: Date };
} = {
  'transaction.paid': (p) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(p) }, at: fromEpochSeconds(p.paid_at) }),
  'voucher.reviewed': (p) => {
    const reviewedAt = fromEpochSeconds(p.reviewed_at);
    return { event: { kind: 'review.submitted', voucherCode: p.voucher_code, rating: p.rating, review: p.review, reviewedAt }, at: reviewedAt };
  },
  'transaction.refunded': (p) => {
    const at = fromEpochSeconds(p.refunded_at);
    return { event: { kind: 'voucher.refunded', voucherCode: p.voucher_code, at }, at: at };
  },
  'voucher.expired': (p) => {
    const at = fromEpochSeconds(p.expired_at);
    return { event: { kind: 'voucher.expired', voucherCode: p.voucher_code, at }, at: at };
  },
};
