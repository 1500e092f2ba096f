import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import type { CanonicalEvent } from '../types.js';
import { TOKOPEDIA_EVENT_MAP, type TokopediaEventType } from './events.js';
import { TOKOPEDIA_STATUS_MAP } from './status.js';
import type { TokopediaEventPayload, TokopediaVoucher } from './wire.js';

/** Tokopedia wire → canonical. Tokopedia has one buyer-name field and ISO-8601 times. */
export function toCanonicalVoucher(v: TokopediaVoucher): CanonicalVoucher {
  return {
    platform: 'tokopedia',
    code: v.voucher_code,
    state: TOKOPEDIA_STATUS_MAP[v.status],
    platformStatus: v.status,
    cardNumber: v.prakerja_card_number,
    buyerName: v.buyer_name,
    buyerEmail: v.buyer_email,
    courseId: v.product.sku,
    providerId: v.product.seller_id,
    purchasedAt: new Date(v.paid_at),
    expiresAt: new Date(v.expired_at),
    redeemedAt: v.redeemed_at ? new Date(v.redeemed_at) : undefined,
  };
}

type EventOfKind<K> = Extract<CanonicalEvent, { kind: K }>;

/**
 * Webhook data → canonical event, one per row of TOKOPEDIA_EVENT_MAP. The return type is taken
 * from that table, so a translator that produced a different kind than its row says fails to
 * compile. `at` is the time the data itself names, not when the webhook was sent.
 */
export const TOKOPEDIA_EVENT_TRANSLATORS: {
  [T in TokopediaEventType]: (data: TokopediaEventPayload<T>) => { event: EventOfKind<(typeof TOKOPEDIA_EVENT_MAP)[T]>; at: Date };
} = {
  'order.paid': (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) }, at: new Date(d.paid_at) }),
  'voucher.reviewed': (d) => {
    const reviewedAt = new Date(d.reviewed_at);
    return { event: { kind: 'review.submitted', voucherCode: d.voucher_code, rating: d.rating, review: d.review, reviewedAt }, at: reviewedAt };
  },
  'order.refunded': (d) => {
    const at = new Date(d.refunded_at);
    return { event: { kind: 'voucher.refunded', voucherCode: d.voucher_code, at }, at: at };
  },
  'voucher.expired': (d) => {
    const at = new Date(d.expired_at);
    return { event: { kind: 'voucher.expired', voucherCode: d.voucher_code, at }, at: at };
  },
};
