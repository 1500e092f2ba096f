import { z } from 'zod';
import type { TokopediaEventType } from './events.js';
import { TOKOPEDIA_OUTCOMES, TOKOPEDIA_STATUSES } from './status.js';

/** ISO-8601 with Z or an offset: a time that `new Date` might misread is a contract break, not a date. */
const IsoDateTime = z.iso.datetime({ offset: true });

const Outcome = z.enum(TOKOPEDIA_OUTCOMES);

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
  // Optional so that answers from before reconciliation existed still parse.
  updated_at: z.string().optional(),
  completion: z
    .object({ outcome: Outcome, score: z.number(), completed_at: z.string(), certificate_number: z.string().nullable() })
    .nullable()
    .optional(),
  review: z.object({ rating: z.number().int().min(1).max(5), review: z.string(), reviewed_at: z.string() }).nullable().optional(),
});
export type TokopediaVoucher = z.infer<typeof TokopediaVoucher>;

export const TokopediaVoucherEnvelope = z.object({ data: TokopediaVoucher });

export const TokopediaVoucherPage = z.object({ data: z.array(TokopediaVoucher), next_cursor: z.string().min(1).nullable() });

export const TokopediaRedeemEnvelope = z.object({
  data: z.object({ voucher_code: z.string(), status: z.enum(TOKOPEDIA_STATUSES), redeemed_at: z.string(), redemption_id: z.string() }),
});

export const TokopediaCompletionEnvelope = z.object({
  data: z.object({ voucher_code: z.string(), status: z.enum(TOKOPEDIA_STATUSES), completion_id: z.string().min(1) }),
});

export const TokopediaErrorBody = z.object({ errors: z.array(z.object({ code: z.string(), message: z.string() })).min(1) });

export interface TokopediaRedeemBody {
  prakerja_card_number: string;
  participant_name: string;
  participant_email: string;
}

export const TokopediaCompletionBody = z.object({
  outcome: Outcome,
  score: z.number().min(0).max(100),
  completed_at: IsoDateTime,
  certificate: z.object({ number: z.string().min(1), issued_at: IsoDateTime, url: z.url(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});
export type TokopediaCompletionBody = z.infer<typeof TokopediaCompletionBody>;

/* ------------------------------------------------------------------- webhooks ------------ */

/** Standard Webhooks payload; `data` is checked per type once the type is known. */
export const TokopediaWebhookBody = z.object({ type: z.string().min(1), data: z.unknown() });

/** `data` for each known webhook type. */
export const TokopediaEventData = {
  'order.paid': TokopediaVoucher,
  'voucher.reviewed': z.object({ voucher_code: z.string(), rating: z.number().int().min(1).max(5), review: z.string(), reviewed_at: IsoDateTime }),
  'order.refunded': z.object({ voucher_code: z.string(), refunded_at: IsoDateTime }),
  'voucher.expired': z.object({ voucher_code: z.string(), expired_at: IsoDateTime }),
} as const satisfies Record<TokopediaEventType, z.ZodType>;
export type TokopediaEventPayload<T extends TokopediaEventType> = z.infer<(typeof TokopediaEventData)[T]>;
