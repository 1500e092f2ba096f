import { z } from 'zod';
import { parseWib, parseWibRange } from './time.js';

/**
 * prakerja.go.id's wire format (openapi/partners/prakerja.yaml): snake_case, WIB wall-clock times,
 * every answer wrapped in `{ success, message, data }`.
 */
const WibDateTime = z.string().refine((s) => parseWib(s) !== undefined, 'expected "yyyy-MM-dd HH:mm:ss" (WIB)');
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
