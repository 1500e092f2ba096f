import { z } from 'zod';
import { isSekolahmuStatus } from './status.js';

/** Sekolahmu's wire format (modelled, openapi/partners/sekolahmu.yaml): camelCase, ISO-8601 times. */
const Iso = z.iso.datetime({ offset: true });

export const SekolahmuEnrollment = z.object({
  enrollmentId: z.string().min(1),
  status: z.string().refine(isSekolahmuStatus, 'unknown status'),
  /** The learner's Sekolahmu account: its name is what the gateway reconciles with prakerja.go.id's. */
  learner: z.object({ accountName: z.string().min(1), email: z.string(), prakerjaCardNumber: z.string().regex(/^\d{16}$/) }),
  course: z.object({ code: z.string().min(1), providerCode: z.string().min(1) }),
  paidAt: Iso,
  expiresAt: Iso,
  startedAt: Iso.nullable(),
  progressPercent: z.number().int().min(0).max(100),
});
export type SekolahmuEnrollment = z.infer<typeof SekolahmuEnrollment>;

export const SekolahmuPage = z.object({ items: z.array(SekolahmuEnrollment), nextCursor: z.string().nullable() });
export const SekolahmuAck = z.object({ confirmationId: z.string().min(1) });
export const SekolahmuError = z.object({ error: z.string(), message: z.string() });

export const SekolahmuConfirmationBody = z.object({
  passed: z.boolean(),
  score: z.number().min(0).max(100),
  completedAt: Iso,
  certificate: z.object({ number: z.string().min(1), url: z.url(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});
export type SekolahmuConfirmationBody = z.infer<typeof SekolahmuConfirmationBody>;

export const SekolahmuCallback = z.object({ eventType: z.string().min(1), occurredAt: Iso, payload: z.unknown() });
const Ref = z.object({ enrollmentId: z.string().min(1) });
export const SekolahmuEventData = {
  'enrollment.paid': SekolahmuEnrollment,
  'learning.started': SekolahmuEnrollment,
  'learning.progress': Ref.extend({ progressPercent: z.number().int().min(0).max(100) }),
  'learning.finished': Ref,
  'review.posted': Ref.extend({ rating: z.number().int().min(1).max(5), comment: z.string() }),
  'payment.refunded': Ref,
  'enrollment.expired': Ref,
} as const;
export type SekolahmuEventType = keyof typeof SekolahmuEventData;
