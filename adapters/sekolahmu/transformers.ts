import type { z } from 'zod';
import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import type { CanonicalEvent } from '../types.js';
import { SEKOLAHMU_STATUS_MAP } from './status.js';
import type { SekolahmuEnrollment, SekolahmuEventData, SekolahmuEventType } from './wire.js';

export function toCanonicalVoucher(e: SekolahmuEnrollment): CanonicalVoucher {
  return {
    platform: 'sekolahmu',
    code: e.enrollmentId,
    // The wire schema admitted only known statuses.
    state: SEKOLAHMU_STATUS_MAP[e.status as keyof typeof SEKOLAHMU_STATUS_MAP],
    platformStatus: e.status,
    cardNumber: e.learner.prakerjaCardNumber,
    buyerName: e.learner.accountName,
    buyerEmail: e.learner.email,
    courseId: e.course.code,
    providerId: e.course.providerCode,
    purchasedAt: new Date(e.paidAt),
    expiresAt: new Date(e.expiresAt),
    redeemedAt: e.startedAt ? new Date(e.startedAt) : undefined,
  };
}

type Data<T extends SekolahmuEventType> = z.output<(typeof SekolahmuEventData)[T]>;

/** Each word's translation; `at` is the callback's occurredAt. Progress is a percentage: 100 "modules". */
export const SEKOLAHMU_EVENT_TRANSLATORS: { [T in SekolahmuEventType]: (d: Data<T>, at: Date) => { event: CanonicalEvent } } = {
  'enrollment.paid': (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) } }),
  'learning.started': (d, at) => ({ event: { kind: 'learning.started', voucher: toCanonicalVoucher(d), at: d.startedAt ? new Date(d.startedAt) : at } }),
  'learning.progress': (d, at) => ({ event: { kind: 'learning.progress', voucherCode: d.enrollmentId, modulesCompleted: d.progressPercent, modulesTotal: 100, at } }),
  'learning.finished': (d, at) => ({ event: { kind: 'learning.completed', voucherCode: d.enrollmentId, at } }),
  'review.posted': (d, at) => ({ event: { kind: 'review.submitted', voucherCode: d.enrollmentId, rating: d.rating, review: d.comment, reviewedAt: at } }),
  'payment.refunded': (d, at) => ({ event: { kind: 'voucher.refunded', voucherCode: d.enrollmentId, at } }),
  'enrollment.expired': (d, at) => ({ event: { kind: 'voucher.expired', voucherCode: d.enrollmentId, at } }),
};
