import { z } from 'zod';
import { TOKOPEDIA_STATUSES } from './status.js';

/** Tokopedia's wire format (modelled; openapi/partners/tokopedia.yaml): snake_case, ISO-8601 times. */
export const TokopediaVoucher = z.object({
  voucher_code: z.string(),
  status: z.enum(TOKOPEDIA_STATUSES),
  buyer_name: z.string(),
  buyer_email: z.string(),
  prakerja_card_number: z.string(),
  product: z.object({ sku: z.string(), name: z.string(), seller_id: z.string() }),
  paid_at: z.string(),
  expired_at: z.string(),
  redeemed_at: z.string().nullable().optional(),
});
export type TokopediaVoucher = z.infer<typeof TokopediaVoucher>;

export const TokopediaVoucherEnvelope = z.object({ data: TokopediaVoucher });

export const TokopediaRedeemEnvelope = z.object({
  data: z.object({ voucher_code: z.string(), status: z.enum(TOKOPEDIA_STATUSES), redeemed_at: z.string(), redemption_id: z.string() }),
});

export const TokopediaErrorBody = z.object({ errors: z.array(z.object({ code: z.string(), message: z.string() })).min(1) });

export interface TokopediaRedeemBody {
  prakerja_card_number: string;
  participant_name: string;
  participant_email: string;
}
