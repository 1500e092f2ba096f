import { z } from 'zod';
import { PLATFORM_IDS } from '../registry.js';
import { PRAKERJA_TASK_STATES, type PrakerjaTaskStateCode } from './status.js';
import { parseWib, parseWibRange } from './time.js';

/**
 * prakerja.go.id's wire format (openapi/partners/prakerja.yaml): snake_case, WIB wall-clock times,
 * every answer wrapped in `{ success, message, data }`.
 */
export const WibDateTime = z.string().refine((s) => parseWib(s) !== undefined, 'expected "yyyy-MM-dd HH:mm:ss" (WIB)');
const WibRange = z.string().refine((s) => parseWibRange(s) !== undefined, 'expected "yyyy-MM-dd HH:mm:ss - yyyy-MM-dd HH:mm:ss" (WIB)');

/** Failures carry only a sentence; `data` is null or absent and says nothing. */
export const PrakerjaFailureBody = z.object({ success: z.literal(false), message: z.string() });

export function successEnvelope<T extends z.ZodType>(data: T) {
  return z.object({ success: z.literal(true), message: z.string(), data });
}

export const RedeemCodeStatusData = z.object({
  redeem_code: z.string(),
  course_code: z.string(),
  invoice_code: z.string(),
  // Self-paced courses have no schedule; integrators have seen "" as well as null.
  schedule_code: z.string().nullable(),
  // Integer codes in practice; strings tolerated since the adapter only keeps them for operators.
  status: z.union([z.number(), z.string()]),
  attendance_status: z.union([z.number(), z.string()]),
  redeem_at: z.union([z.literal(''), WibDateTime]).nullable(),
  dp_platform: z.string(),
  schedule_start_end: z.union([z.literal(''), WibRange]).nullable().optional(),
  course_type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  course_type_label: z.string(),
  course_learning_method: z.string(),
  is_online_attendance: z.boolean(),
  sequence: z.number().int(),
});
export type RedeemCodeStatusData = z.infer<typeof RedeemCodeStatusData>;

export const UrlGenerateData = z.object({
  url: z.string().min(1),
  state: z.string().min(1),
  course: z.object({ type: z.union([z.string(), z.number()]), learning_method: z.string() }),
});
export type UrlGenerateData = z.infer<typeof UrlGenerateData>;

/** MODELLED: prakerja.go.id publishes no participant lookup for providers. */
export const ParticipantData = z.object({
  card_number: z.string(),
  name: z.string(),
  status: z.enum(['active', 'revoked']),
});
export type ParticipantData = z.infer<typeof ParticipantData>;

export interface RedeemCodeBody {
  redeem_code: string;
  sequence: number;
}

export interface UrlGenerateBody extends RedeemCodeBody {
  redirect_uri: string;
  email: string;
}

export interface ParticipantLookupBody {
  card_number: string;
}

/* ------------------------------------------------------------ practical tasks (PUBLIC) ---- */

/** `sequence` is published as a session number 1–10, or 999. */
const TaskSequence = z.number().int().refine((n) => (n >= 1 && n <= 10) || n === 999, 'expected a session number 1–10, or 999');

export const TaskStatusBody = z.object({
  redeem_code: z.string().min(1),
  /** `tpm` tugas praktik mandiri, `uk` unjuk keterampilan. */
  scope: z.enum(['tpm', 'uk']),
  sequence: TaskSequence,
});
export type TaskStatusBody = z.infer<typeof TaskStatusBody>;

export const TaskSubmissionBody = TaskStatusBody.extend({ url_file: z.url() });
export type TaskSubmissionBody = z.infer<typeof TaskSubmissionBody>;

export const TaskFeedbackBody = TaskSubmissionBody.extend({ notes: z.string() });
export type TaskFeedbackBody = z.infer<typeof TaskFeedbackBody>;

const TaskStateCode = z.union(
  (Object.keys(PRAKERJA_TASK_STATES).map(Number) as PrakerjaTaskStateCode[]).map((code) => z.literal(code)) as [
    z.ZodLiteral<PrakerjaTaskStateCode>,
    ...z.ZodLiteral<PrakerjaTaskStateCode>[],
  ],
);

export const TaskStatusData = z.object({
  assignment: z.object({ status: TaskStateCode }),
  feedback: z.object({ status: TaskStateCode }),
});
export type TaskStatusData = z.infer<typeof TaskStatusData>;

/* ------------------------------------------------------- reports (MODELLED, whole section) -- */

/**
 * MODELLED: prakerja.go.id does not publish how redemptions, completions and certificates reach
 * it. The gateway's assumption: signed like the public API, snake_case, WIB times, and an
 * `idempotency_key` in the body under which prakerja.go.id applies a report once.
 */
const CardNumber = z.string().regex(/^\d{16}$/, 'expected 16 digits');
const Platform = z.enum(PLATFORM_IDS);
const IdempotencyKey = z.string().min(1).max(200);

export const CertificateWire = z.object({
  number: z.string().min(1),
  issued_at: WibDateTime,
  url: z.url(),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 64 hex digits'),
});

export const RedemptionReportBody = z.object({
  enrollment_id: z.string().min(1),
  voucher_code: z.string().min(1),
  card_number: CardNumber,
  platform: Platform,
  course_id: z.string().min(1),
  redeemed_at: WibDateTime,
  idempotency_key: IdempotencyKey,
});
export type RedemptionReportBody = z.infer<typeof RedemptionReportBody>;

export const CompletionReportBody = z.object({
  enrollment_id: z.string().min(1),
  voucher_code: z.string().min(1),
  card_number: CardNumber,
  participant_name: z.string().min(1),
  platform: Platform,
  course_id: z.string().min(1),
  outcome: z.enum(['passed', 'failed']),
  score: z.number().min(0).max(100),
  completed_at: WibDateTime,
  certificate: CertificateWire.optional(),
  idempotency_key: IdempotencyKey,
});
export type CompletionReportBody = z.infer<typeof CompletionReportBody>;

export const CertificateReportBody = z.object({
  enrollment_id: z.string().min(1),
  voucher_code: z.string().min(1),
  card_number: CardNumber,
  platform: Platform,
  certificate: CertificateWire,
  reviewed_at: WibDateTime,
  idempotency_key: IdempotencyKey,
});
export type CertificateReportBody = z.infer<typeof CertificateReportBody>;

export const ReportReceiptData = z.object({ reference: z.string().min(1) });
export type ReportReceiptData = z.infer<typeof ReportReceiptData>;

/**
 * MODELLED: the report listing, for reconciliation. Enrollments whose redemption (by its
 * `redeemed_at`; without one, by the first report received) falls in [redeemed_from,
 * redeemed_to), keyset-paged with an opaque cursor.
 */
export const ReportListBody = z.object({
  redeemed_from: WibDateTime,
  redeemed_to: WibDateTime,
  cursor: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type ReportListBody = z.infer<typeof ReportListBody>;

const Received = z.object({ reference: z.string(), received_at: WibDateTime });

export const ReportListItem = z.object({
  enrollment_id: z.string().min(1),
  voucher_code: z.string().min(1),
  platform: Platform,
  redemption: Received.nullable(),
  completion: Received.extend({ outcome: z.enum(['passed', 'failed']) }).nullable(),
  certificate: Received.nullable(),
});
export type ReportListItem = z.infer<typeof ReportListItem>;

export const ReportListData = z.object({ items: z.array(ReportListItem), next_cursor: z.string().nullable() });
export type ReportListData = z.infer<typeof ReportListData>;

/* ------------------------------------------------------ callbacks (MODELLED, whole section) -- */

/** `data` is left open here: its shape depends on `event`, and an unknown event keeps whatever it has. */
export const CallbackEnvelope = z.object({ event: z.string().min(1), data: z.unknown() });

export const CompletionAcceptedData = z.object({ enrollment_id: z.string().min(1), voucher_code: z.string().min(1), at: WibDateTime });
export const CompletionRejectedData = CompletionAcceptedData.extend({ reason: z.string().min(1) });
export const ReviewSubmittedData = z.object({
  voucher_code: z.string().min(1),
  platform: Platform,
  rating: z.number().int().min(1).max(5),
  review: z.string(),
  reviewed_at: WibDateTime,
});
export const IncentiveData = z.object({
  card_number: CardNumber,
  incentive: z.enum(['training', 'survey']),
  /** The training month (1–4 for 2020–2022 participants, 1 since 2023) or the survey number. */
  sequence: z.number().int().min(1),
  /** Whole rupiah. */
  amount: z.number().int().nonnegative(),
  at: WibDateTime,
  reason: z.string().min(1).optional(),
});
