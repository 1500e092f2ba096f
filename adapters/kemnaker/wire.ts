import { z } from 'zod';
import { KEMNAKER_SUCCESS } from './errors.js';
import { KEMNAKER_STATUSES } from './status.js';
import { parseWibDateTime } from './transformers.js';

/**
 * Kemnaker's wire format (modelled on SNAP BI; openapi/partners/kemnaker.yaml): camelCase, every
 * answer wrapped in responseCode/responseMessage, Indonesian status words, names in upper case,
 * times as `dd-MM-yyyy HH:mm:ss` WIB.
 */
const WibDateTime = z.string().refine((s) => parseWibDateTime(s) !== undefined, 'expected dd-MM-yyyy HH:mm:ss (WIB)');

export const KemnakerVoucher = z.object({
  voucherCode: z.string(),
  status: z.enum(KEMNAKER_STATUSES),
  buyerName: z.string(),
  buyerEmail: z.string(),
  cardNumber: z.string(),
  course: z.object({ courseId: z.string(), courseName: z.string(), providerId: z.string() }),
  purchaseDate: WibDateTime,
  expiryDate: WibDateTime,
  redeemDate: WibDateTime.nullable().optional(),
});
export type KemnakerVoucher = z.infer<typeof KemnakerVoucher>;

export const KemnakerInquiryResponse = z.object({
  responseCode: z.literal(KEMNAKER_SUCCESS),
  responseMessage: z.string(),
  voucherData: KemnakerVoucher,
});

export const KemnakerRedeemResponse = z.object({
  responseCode: z.literal(KEMNAKER_SUCCESS),
  responseMessage: z.string(),
  referenceNo: z.string(),
  partnerReferenceNo: z.string(),
  voucherCode: z.string(),
  status: z.enum(KEMNAKER_STATUSES),
  redeemDate: WibDateTime,
});
export type KemnakerRedeemResponse = z.infer<typeof KemnakerRedeemResponse>;

/** Any answer's envelope: 7-digit responseCode = HTTP status (3) + service code (2) + case code (2). */
export const KemnakerEnvelope = z.object({ responseCode: z.string().regex(/^\d{7}$/), responseMessage: z.string() });

export interface KemnakerInquiryBody {
  voucherCode: string;
}

export interface KemnakerRedeemBody {
  /** The gateway's idempotency key, so an operator can find the redemption from either side. */
  partnerReferenceNo: string;
  voucherCode: string;
  cardNumber: string;
  participantName: string;
  participantEmail: string;
}
