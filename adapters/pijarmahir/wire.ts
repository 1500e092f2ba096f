import { z } from 'zod';
import { isPijarStatus } from './status.js';

/** Pijar Mahir's wire format (modelled, see openapi/partners/pijarmahir.yaml): snake_case, ISO-8601 times. */
const Iso = z.iso.datetime({ offset: true });

export const PijarEnrollment = z.object({
  enrollment_id: z.string().min(1),
  status: z.string().refine(isPijarStatus, 'unknown status'),
  prakerja_card_number: z.string().regex(/^\d{16}$/),
  account_name: z.string().min(1),
  account_email: z.string().optional(),
  course_code: z.string().min(1),
  provider_code: z.string().min(1),
  paid_at: Iso,
  expires_at: Iso,
  started_at: Iso.nullable(),
  modules_completed: z.number().int().min(0),
  modules_total: z.number().int().min(1),
});
export type PijarEnrollment = z.infer<typeof PijarEnrollment>;

export const PijarEnvelope = z.object({ data: PijarEnrollment });
export const PijarPage = z.object({ data: z.array(PijarEnrollment), next_cursor: z.string().nullable() });
export const PijarAck = z.object({ data: z.object({ confirmation_id: z.string().min(1) }) });
export const PijarError = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export const PijarCompletionBody = z.object({
  result: z.enum(['LULUS', 'TIDAK_LULUS']),
  score: z.number().min(0).max(100),
  completed_at: Iso,
  certificate: z.object({ number: z.string().min(1), issued_at: Iso, url: z.url(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).nullable(),
});
export type PijarCompletionBody = z.infer<typeof PijarCompletionBody>;

/** Callback body: `{ id, type, created_at, data }`. */
export const PijarCallback = z.object({ id: z.string().min(1), type: z.string().min(1), created_at: Iso, data: z.unknown() });
export const PijarEventData = {
  'enrollment.purchased': PijarEnrollment,
  'enrollment.started': PijarEnrollment,
  'enrollment.progress': z.object({ enrollment_id: z.string().min(1), modules_completed: z.number().int().min(0), modules_total: z.number().int().min(1), at: Iso }),
  'enrollment.completed': z.object({ enrollment_id: z.string().min(1), at: Iso }),
  'enrollment.reviewed': z.object({ enrollment_id: z.string().min(1), rating: z.number().int().min(1).max(5), review: z.string(), at: Iso }),
  'enrollment.refunded': z.object({ enrollment_id: z.string().min(1), at: Iso }),
  'enrollment.expired': z.object({ enrollment_id: z.string().min(1), at: Iso }),
} as const;
export type PijarEventType = keyof typeof PijarEventData;
