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
  /** Last change at Karier.mu; the listing filters on it. */
  updatedAt: IsoTime.optional(),
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

/* ---------------------------------------------------------------------- completion ---------- */

export interface KariermuCompletionBody {
  outcome: 'passed' | 'failed';
  /** 0–100. */
  score: number;
  completedAt: string;
  certificate: { number: string; issuedAt: string; url: string; sha256: string } | null;
}

export const KariermuCompletionResponse = z.object({ enrollment: KariermuEnrollment, completionId: z.string() });
export type KariermuCompletionResponse = z.infer<typeof KariermuCompletionResponse>;

/* ------------------------------------------------------------------------ listing ---------- */

export const KARIERMU_MAX_LIMIT = 100;

export const KariermuVoucherPage = z.object({ items: z.array(KariermuVoucher), nextCursor: z.string().min(1).nullable() });
export type KariermuVoucherPage = z.infer<typeof KariermuVoucherPage>;

/* -------------------------------------------------------------------- callbacks ---------- */

/** Only the shape is checked here; jose validates each key when it is used. */
export const KariermuJwks = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) });

/** Every callback: its id, an event word and its data. Unknown words are kept, not refused. */
export const KariermuCallback = z.object({ id: z.string().min(1), event: z.string().min(1), data: z.unknown() });

export const KariermuReviewData = z.object({
  enrollmentId: z.string().optional(),
  voucherCode: z.string(),
  rating: z.number().int().min(1).max(5),
  review: z.string(),
  reviewedAt: IsoTime,
});
export const KariermuRefundData = z.object({ voucherCode: z.string(), refundedAt: IsoTime });
export const KariermuExpiryData = z.object({ voucherCode: z.string(), expiredAt: IsoTime });
