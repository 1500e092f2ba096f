import { z } from 'zod';
import { isPintariaStatus } from './status.js';

/** Pintaria's wire format (modelled, openapi/partners/pintaria.yaml). */
const Iso = z.iso.datetime({ offset: true });

export const PintariaEnrollment = z.object({
  id: z.string().min(1),
  status: z.string().refine(isPintariaStatus, 'unknown status'),
  /** Who bought: the participant logs in with the Kartu Prakerja account, so this is prakerja.go.id's own record. */
  prakerja_account: z.object({ card_number: z.string().regex(/^\d{16}$/), name: z.string().min(1), email: z.string() }),
  course_id: z.string().min(1),
  institution_id: z.string().min(1),
  enrolled_at: Iso,
  expires_at: Iso,
  started_at: Iso.nullable(),
  completion_rate: z.number().min(0).max(1),
});
export type PintariaEnrollment = z.infer<typeof PintariaEnrollment>;

export const PintariaPage = z.object({ results: z.array(PintariaEnrollment), next: z.string().nullable() });
export const PintariaAck = z.object({ result_id: z.string().min(1) });
export const PintariaError = z.object({ error_code: z.string(), detail: z.string() });

export const PintariaResultBody = z.object({
  status: z.enum(['PASSED', 'FAILED']),
  score: z.number().min(0).max(100),
  finished_at: Iso,
  certificate: z.object({ number: z.string().min(1), url: z.url() }).nullable(),
});
export type PintariaResultBody = z.infer<typeof PintariaResultBody>;

export const PintariaCallback = z.object({ id: z.string().min(1), topic: z.string().min(1), sent_at: Iso, object: z.unknown() });
const Ref = z.object({ id: z.string().min(1) });
export const PintariaEventData = {
  'enrollment.created': PintariaEnrollment,
  'course.started': PintariaEnrollment,
  'course.progressed': Ref.extend({ completion_rate: z.number().min(0).max(1) }),
  'course.finished': Ref,
  'rating.created': Ref.extend({ stars: z.number().int().min(1).max(5), text: z.string() }),
  'enrollment.refunded': Ref,
  'enrollment.expired': Ref,
} as const;
export type PintariaEventType = keyof typeof PintariaEventData;
