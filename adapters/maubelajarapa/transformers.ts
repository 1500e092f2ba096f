import type { z } from 'zod';
import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import type { CanonicalEvent } from '../types.js';
import { MBA_STATUS_MAP } from './status.js';
import type { MbaEventData, MbaEventType, MbaOrder } from './wire.js';

export function toCanonicalVoucher(o: MbaOrder): CanonicalVoucher {
  return {
    platform: 'maubelajarapa',
    code: o.order_id,
    // The wire schema admitted only known statuses.
    state: MBA_STATUS_MAP[o.status as keyof typeof MBA_STATUS_MAP],
    platformStatus: o.status,
    cardNumber: o.buyer.card_number,
    buyerName: o.buyer.full_name,
    buyerEmail: o.buyer.email,
    courseId: o.workshop.code,
    providerId: o.provider_code,
    purchasedAt: new Date(o.paid_at),
    expiresAt: new Date(o.valid_until),
    redeemedAt: o.checked_in_at ? new Date(o.checked_in_at) : undefined,
  };
}

type Data<T extends MbaEventType> = z.output<(typeof MbaEventData)[T]>;

export const MBA_EVENT_TRANSLATORS: { [T in MbaEventType]: (d: Data<T>) => { event: CanonicalEvent; at: Date } } = {
  'order.paid': (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) }, at: new Date(d.paid_at) }),
  'order.refunded': (d) => ({ event: { kind: 'voucher.refunded', voucherCode: d.order_id, at: new Date(d.refunded_at) }, at: new Date(d.refunded_at) }),
  'order.expired': (d) => ({ event: { kind: 'voucher.expired', voucherCode: d.order_id, at: new Date(d.expired_at) }, at: new Date(d.expired_at) }),
  'review.created': (d) => ({ event: { kind: 'review.submitted', voucherCode: d.order_id, rating: d.stars, review: d.comment, reviewedAt: new Date(d.created_at) }, at: new Date(d.created_at) }),
};
