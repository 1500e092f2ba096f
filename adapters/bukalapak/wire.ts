import { z } from 'zod';
import { BUKALAPAK_STATUSES } from './status.js';

/** Unix epoch seconds, as Bukalapak sends every time. */
const EpochSeconds = z.number().int().nonnegative();

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
});
export type BukalapakVoucher = z.infer<typeof BukalapakVoucher>;

const Meta = z.object({ http_status: z.number().int() });

export const BukalapakVoucherEnvelope = z.object({ data: BukalapakVoucher, meta: Meta.optional() });

export const BukalapakRedemption = z.object({
  id: z.string(),
  voucher_code: z.string(),
  status: z.literal(BUKALAPAK_STATUSES),
  redeemed_at: EpochSeconds,
});
export type BukalapakRedemption = z.infer<typeof BukalapakRedemption>;

export const BukalapakRedemptionEnvelope = z.object({ data: BukalapakRedemption, meta: Meta.optional() });

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
