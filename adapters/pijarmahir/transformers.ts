import type { CanonicalEvent } from '../types.js';
import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import { PIJAR_STATUS_MAP } from './status.js';
import type { PijarEnrollment, PijarEventData, PijarEventType } from './wire.js';
import type { z } from 'zod';

export function toCanonicalVoucher(e: PijarEnrollment): CanonicalVoucher {
  return {
    platform: 'pijarmahir',
    code: e.enrollment_id,
    // The wire schema admitted only known statuses.
    state: PIJAR_STATUS_MAP[e.status as keyof typeof PIJAR_STATUS_MAP],
    platformStatus: e.status,
    cardNumber: e.prakerja_card_number,
    buyerName: e.account_name,
    buyerEmail: e.account_email,
    courseId: e.course_code,
    providerId: e.provider_code,
    purchasedAt: new Date(e.paid_at),
    expiresAt: new Date(e.expires_at),
    redeemedAt: e.started_at ? new Date(e.started_at) : undefined,
  };
}

type Data<T extends PijarEventType> = z.output<(typeof PijarEventData)[T]>;

/** One translator per event word; the record type makes a word without a translator a compile error. */
export const PIJAR_EVENT_TRANSLATORS: { [T in PijarEventType]: (d: Data<T>) => { event: CanonicalEvent; at: Date } } = {
  'enrollment.purchased': (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) }, at: new Date(d.paid_at) }),
  'enrollment.started': (d) => ({ event: { kind: 'learning.started', voucher: toCanonicalVoucher(d), at: new Date(d.started_at ?? d.paid_at) }, at: new Date(d.started_at ?? d.paid_at) }),
  'enrollment.progress': (d) => ({ event: { kind: 'learning.progress', voucherCode: d.enrollment_id, modulesCompleted: d.modules_completed, modulesTotal: d.modules_total, at: new Date(d.at) }, at: new Date(d.at) }),
  'enrollment.completed': (d) => ({ event: { kind: 'learning.completed', voucherCode: d.enrollment_id, at: new Date(d.at) }, at: new Date(d.at) }),
  'enrollment.reviewed': (d) => ({ event: { kind: 'review.submitted', voucherCode: d.enrollment_id, rating: d.rating, review: d.review, reviewedAt: new Date(d.at) }, at: new Date(d.at) }),
  'enrollment.refunded': (d) => ({ event: { kind: 'voucher.refunded', voucherCode: d.enrollment_id, at: new Date(d.at) }, at: new Date(d.at) }),
  'enrollment.expired': (d) => ({ event: { kind: 'voucher.expired', voucherCode: d.enrollment_id, at: new Date(d.at) }, at: new Date(d.at) }),
};
