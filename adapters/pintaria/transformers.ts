import type { z } from 'zod';
import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import type { CanonicalEvent } from '../types.js';
import { PINTARIA_STATUS_MAP } from './status.js';
import type { PintariaEnrollment, PintariaEventData, PintariaEventType } from './wire.js';

/** Progress as a rate in [0, 1]; canonically in hundredths. */
const PERCENT = 100;

export function toCanonicalVoucher(e: PintariaEnrollment): CanonicalVoucher {
  return {
    platform: 'pintaria',
    code: e.id,
    // The wire schema admitted only known statuses.
    state: PINTARIA_STATUS_MAP[e.status as keyof typeof PINTARIA_STATUS_MAP],
    platformStatus: e.status,
    cardNumber: e.prakerja_account.card_number,
    // The prakerja.go.id account's own name: the name check compares it with itself, as it should.
    buyerName: e.prakerja_account.name,
    buyerEmail: e.prakerja_account.email,
    courseId: e.course_id,
    providerId: e.institution_id,
    purchasedAt: new Date(e.enrolled_at),
    expiresAt: new Date(e.expires_at),
    redeemedAt: e.started_at ? new Date(e.started_at) : undefined,
  };
}

type Data<T extends PintariaEventType> = z.output<(typeof PintariaEventData)[T]>;

export const PINTARIA_EVENT_TRANSLATORS: { [T in PintariaEventType]: (d: Data<T>, at: Date) => { event: CanonicalEvent } } = {
  'enrollment.created': (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) } }),
  'course.started': (d, at) => ({ event: { kind: 'learning.started', voucher: toCanonicalVoucher(d), at: d.started_at ? new Date(d.started_at) : at } }),
  'course.progressed': (d, at) => ({ event: { kind: 'learning.progress', voucherCode: d.id, modulesCompleted: Math.round(d.completion_rate * PERCENT), modulesTotal: PERCENT, at } }),
  'course.finished': (d, at) => ({ event: { kind: 'learning.completed', voucherCode: d.id, at } }),
  'rating.created': (d, at) => ({ event: { kind: 'review.submitted', voucherCode: d.id, rating: d.stars, review: d.text, reviewedAt: at } }),
  'enrollment.refunded': (d, at) => ({ event: { kind: 'voucher.refunded', voucherCode: d.id, at } }),
  'enrollment.expired': (d, at) => ({ event: { kind: 'voucher.expired', voucherCode: d.id, at } }),
};
