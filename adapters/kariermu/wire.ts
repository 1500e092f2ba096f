import { z } from 'zod';
import { KARIERMU_STATUSES } from './status.js';

/** Karier.mu's wire format (modelled; openapi/partners/kariermu.yaml): camelCase, ISO-8601 times with offset. */
const IsoTime = z.iso.datetime({ offset: true });

export const KariermuVoucher = z.object({
  voucherCode: z.string(),
  status: z.enum(KARIERMU_STATUSES),
  /** As stored at Karier.mu, academic titles included ("Dr. Ir. Bambang Wijaya, M.M."). */
  buyerName: z.string(),
  buyerEmail: z.string(),
  cardNumber: z.string(),
  course: z.object({ id: z.string(), title: z.string(), providerId: z.string() }),
  paidAt: IsoTime,
  expiresAt: IsoTime,
  enrolledAt: IsoTime.nullable().optional(),
});
export type KariermuVoucher = z.infer<typeof KariermuVoucher>;

export const KariermuEnrollment = z.object({
  enrollmentId: z.string(),
  voucherCode: z.string(),
  status: z.enum(KARIERMU_STATUSES),
  enrolledAt: IsoTime,
});
export type KariermuEnrollment = z.infer<typeof KariermuEnrollment>;

export const KariermuErrorBody = z.object({ error: z.string(), message: z.string().optional() });

export interface KariermuEnrollmentBody {
  voucherCode: string;
  cardNumber: string;
  participant: { fullName: string; email: string };
}
