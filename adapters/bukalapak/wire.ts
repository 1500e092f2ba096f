import { z } from 'zod';
import type { BukalapakEventType } from './events.js';
import { BUKALAPAK_OUTCOME_CODES, BUKALAPAK_STATUSES } from './status.js';

/** Unix epoch seconds, as Bukalapak sends every time. */
const EpochSeconds = z.number().int().nonnegative();

const OutcomeCode = z.literal(Object.values(BUKALAPAK_OUTCOME_CODES));

/**
 * Bukalapak's wire format (modelled; openapi/partners/bukalapak.yaml): snake_case, numeric status
 * codes, the buyer's name split in two, times as epoch seconds.
 */
export const BukalapakVoucher = z.object({
  voucher_code: z.string(),
  status: z.literal(BUKALAPAK_STATUSES),
  buyer: z.object({ first_name: z.string(), last_name: z.string(), email: z.string() }),
  prakerja_card_number: z.string(),
  product: z.object({ id: z.string(), name: z.string(), store_id: z.string() }),
  paid_at: EpochSeconds,
  expired_at: EpochSeconds,
  redeemed_at: EpochSeconds.nullable().optional(),
  // Optional so that answers from before reconciliation existed still parse.
  updated_at: EpochSeconds.optional(),
  completion: z
    .object({ outcome: OutcomeCode, score: z.number(), completed_at: EpochSeconds, certificate_number: z.string().nullable() })
    .nullable()
    .optional(),
  review: z.object({ rating: z.number().int().min(1).max(5), review: z.string(), reviewed_at: EpochSeconds }).nullable().optional(),
});
export type BukalapakVoucher = z.infer<typeof BukalapakVoucher>;

const Meta = z.object({ http_status: z.number().int() });

export const BukalapakVoucherEnvelope = z.object({ data: BukalapakVoucher, meta: Meta.optional() });

export const BukalapakVoucherPage = z.object({
  data: z.array(BukalapakVoucher),
  meta: z.object({ page: z.number().int().min(1), per_page: z.number().int().min(1), total: z.number().int().nonnegative() }),
});

export const BukalapakRedemption = z.object({
  id: z.string(),
  voucher_code: z.string(),
  status: z.literal(BUKALAPAK_STATUSES),
  redeemed_at: EpochSeconds,
});
export type BukalapakRedemption = z.infer<typeof BukalapakRedemption>;

export const BukalapakRedemptionEnvelope = z.object({ data: BukalapakRedemption, meta: Meta.optional() });

export const BukalapakCompletion = z.object({
  id: z.string().min(1),
  voucher_code: z.string(),
  status: z.literal(BUKALAPAK_STATUSES),
  completed_at: EpochSeconds,
});
export type BukalapakCompletion = z.infer<typeof BukalapakCompletion>;

export const BukalapakCompletionEnvelope = z.object({ data: BukalapakCompletion, meta: Meta.optional() });

export const BukalapakErrorBody = z.object({ error: z.object({ code: z.number().int(), reason: z.string() }), meta: Meta.optional() });

/** RFC 6749 §5.1. `token_type` is compared case-insensitively, as the RFC says. */
export const BukalapakToken = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be bearer'),
  expires_in: z.number().int().positive(),
});
export type BukalapakToken = z.infer<typeof BukalapakToken>;

/** RFC 6749 §5.2. */
export const BukalapakOAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

export interface BukalapakRedeemBody {
  prakerja_card_number: string;
  participant: { name: string; email: string };
}

export const BukalapakCompletionBody = z.object({
  outcome: OutcomeCode,
  score: z.number().min(0).max(100),
  completed_at: EpochSeconds,
  certificate: z.object({ number: z.string().min(1), issued_at: EpochSeconds, url: z.url(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});
export type BukalapakCompletionBody = z.infer<typeof BukalapakCompletionBody>;

/* ------------------------------------------------------------------- webhooks ------------ */

/** `payload` is checked per event once the event word is known. */
export const BukalapakWebhookBody = z.object({ event: z.string().min(1), payload: z.unknown() });

/** `payload` for each known event word. */
export const BukalapakEventPayload = {
  'transaction.paid': BukalapakVoucher,
  'voucher.reviewed': z.object({ voucher_code: z.string(), rating: z.number().int().min(1).max(5), review: z.string(), reviewed_at: EpochSeconds }),
  'transaction.refunded': z.object({ voucher_code: z.string(), refunded_at: EpochSeconds }),
  'voucher.expired': z.object({ voucher_code: z.string(), expired_at: EpochSeconds }),
} as const satisfies Record<BukalapakEventType, z.ZodType>;
export type BukalapakEventPayload<T extends BukalapakEventType> = z.infer<(typeof BukalapakEventPayload)[T]>;
