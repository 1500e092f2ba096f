import type { CanonicalVoucher } from '../../src/domain/types.js';
import { TOKOPEDIA_STATUS_MAP } from './status.js';
import type { TokopediaVoucher } from './wire.js';

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
