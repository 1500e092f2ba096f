import { z } from 'zod';
import { isMbaStatus } from './status.js';

/** MauBelajarApa's wire format (modelled, openapi/partners/maubelajarapa.yaml). */
const Iso = z.iso.datetime({ offset: true });

export const MbaOrder = z.object({
  order_id: z.string().min(1),
  status: z.string().refine(isMbaStatus, 'unknown status'),
  workshop: z.object({ code: z.string().min(1), name: z.string(), starts_at: Iso, ends_at: Iso }),
  provider_code: z.string().min(1),
  /** Typed by hand on the order page: the riskiest names the gateway sees. */
  buyer: z.object({ full_name: z.string().min(1), email: z.string(), card_number: z.string().regex(/^\d{16}$/) }),
  paid_at: Iso,
  valid_until: Iso,
  checked_in_at: Iso.nullable(),
});
export type MbaOrder = z.infer<typeof MbaOrder>;

export const MbaOrderPage = z.object({ orders: z.array(MbaOrder), next_page_token: z.string().nullable() });
export const MbaCheckedIn = z.object({ check_in_id: z.string().min(1), checked_in_at: Iso });
export const MbaResultAck = z.object({ result_id: z.string().min(1) });
export const MbaError = z.object({ code: z.string(), message: z.string() });

export const MbaResultBody = z.object({
  result: z.enum(['PASSED', 'NOT_PASSED']),
  score: z.number().min(0).max(100),
  finished_at: Iso,
  certificate_no: z.string().nullable(),
  certificate_url: z.url().nullable(),
});
export type MbaResultBody = z.infer<typeof MbaResultBody>;
export const MbaCheckInBody = z.object({ card_number: z.string(), participant_name: z.string(), participant_email: z.string() });

export const MbaCallback = z.object({ event: z.string().min(1), payload: z.unknown() });
export const MbaEventData = {
  'order.paid': MbaOrder,
  'order.refunded': z.object({ order_id: z.string().min(1), refunded_at: Iso }),
  'order.expired': z.object({ order_id: z.string().min(1), expired_at: Iso }),
  'review.created': z.object({ order_id: z.string().min(1), stars: z.number().int().min(1).max(5), comment: z.string(), created_at: Iso }),
} as const;
export type MbaEventType = keyof typeof MbaEventData;
