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
  /** Last change at Kemnaker; the listing filters on it. */
  updateDate: WibDateTime.optional(),
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

/* ------------------------------------------------------------------ grade (nilai) ---------- */

export const KEMNAKER_GRADE_RESULTS = ['LULUS', 'TIDAK LULUS'] as const;
export type KemnakerGradeResult = (typeof KEMNAKER_GRADE_RESULTS)[number];

export interface KemnakerGradeBody {
  partnerReferenceNo: string;
  voucherCode: string;
  /** 0–100. */
  nilai: number;
  hasil: KemnakerGradeResult;
  /** dd-MM-yyyy HH:mm:ss WIB. */
  tanggalSelesai: string;
  nomorSertifikat?: string;
}

/** Sisnaker has recorded the grade; its acceptance comes later as a NILAI_DITERIMA / NILAI_DITOLAK notification. */
export const KemnakerGradeResponse = z.object({
  responseCode: z.literal(KEMNAKER_SUCCESS),
  responseMessage: z.string(),
  referenceNo: z.string(),
  partnerReferenceNo: z.string(),
  voucherCode: z.string(),
  status: z.enum(KEMNAKER_STATUSES),
});
export type KemnakerGradeResponse = z.infer<typeof KemnakerGradeResponse>;

/* ------------------------------------------------------------------------ listing ---------- */

export interface KemnakerListBody {
  /** Window on updateDate, [startDate, endDate), dd-MM-yyyy HH:mm:ss WIB. */
  startDate: string;
  endDate: string;
  /** 1-based. */
  pageNo: number;
  pageSize: number;
}

export const KEMNAKER_MAX_PAGE_SIZE = 100;

export const KemnakerListResponse = z.object({
  responseCode: z.literal(KEMNAKER_SUCCESS),
  responseMessage: z.string(),
  pageNo: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  totalPage: z.number().int().min(0),
  totalData: z.number().int().min(0),
  vouchers: z.array(KemnakerVoucher),
});
export type KemnakerListResponse = z.infer<typeof KemnakerListResponse>;

/* -------------------------------------------------------------- notifications ---------- */

/** Every notification: an Indonesian event word and its data. Unknown words are kept, not refused. */
export const KemnakerNotification = z.object({ jenisEvent: z.string().min(1), data: z.unknown() });

export const KemnakerReviewData = z.object({
  voucherCode: z.string(),
  rating: z.number().int().min(1).max(5),
  ulasan: z.string(),
  tanggalUlasan: WibDateTime,
});
export const KemnakerGradeAcceptedData = z.object({ voucherCode: z.string(), referenceNo: z.string().optional(), tanggalDiterima: WibDateTime });
export const KemnakerGradeRejectedData = z.object({ voucherCode: z.string(), referenceNo: z.string().optional(), alasan: z.string().min(1), tanggalDitolak: WibDateTime });
export const KemnakerExpiryData = z.object({ voucherCode: z.string(), tanggalKedaluwarsa: WibDateTime });
export const KemnakerRefundData = z.object({ voucherCode: z.string(), tanggalPengembalian: WibDateTime });
