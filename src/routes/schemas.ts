import { z } from '@hono/zod-openapi';
import { ENROLLMENT_STATES, PLATFORM_IDS } from '../domain/types.js';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code.' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

export const problemContent = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string({ error: 'Idempotency-Key header is required' })
    .min(1)
    .max(255)
    .openapi({ description: 'Unique per logical request; a retry with the same key and body replays the first answer.', example: '6f1c1e9a-redeem-TKPA1B2C3D4E' }),
});

export const CardNumber = z
  .string()
  .regex(/^\d+$/, 'must contain digits only')
  .length(16, 'must be exactly 16 digits')
  .openapi({ description: 'The 16-digit Kartu Prakerja number.', example: '5201123456780001' });

export const Platform = z.enum(PLATFORM_IDS).openapi('Platform');

export const CertificateSchema = z
  .object({
    number: z.string().trim().min(1).max(100),
    issuedAt: z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' }),
    url: z.string().url().max(2048),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  })
  .openapi('Certificate');

export const EnrollmentSchema = z
  .object({
    id: z.string().uuid(),
    state: z.enum(ENROLLMENT_STATES),
    platform: Platform,
    voucherCode: z.string(),
    providerId: z.string(),
    course: z.object({ id: z.string(), title: z.string() }),
    participant: z.object({ name: z.string(), email: z.string(), cardNumber: z.string().openapi({ description: 'Masked: first 4 and last 4 digits.', example: '5201********0001' }) }),
    nameCheck: z.object({
      decision: z.enum(['match', 'review', 'mismatch']),
      score: z.number(),
      explanation: z.string(),
      names: z.object({ provider: z.string(), platform: z.string(), prakerja: z.string().nullable() }),
    }),
    platformReference: z.string().nullable(),
    redeemedAt: z.string().nullable(),
    createdAt: z.string(),
    sessionsAttended: z.number().int(),
    completion: z
      .object({ outcome: z.enum(['passed', 'failed']), score: z.number(), completedAt: z.string(), certificate: CertificateSchema.nullable() })
      .nullable(),
    review: z.object({ rating: z.number().nullable(), review: z.string().nullable(), reviewedAt: z.string() }).nullable(),
    sisnaker: z.object({ acceptedAt: z.string().nullable(), rejection: z.string().nullable() }).nullable().openapi({ description: 'Kemnaker trainings only: Sisnaker’s acceptance of the grade.' }),
    prakerja: z.object({ certificateReportedAt: z.string().nullable(), acceptedAt: z.string().nullable(), rejection: z.string().nullable() }),
    certificateBlockers: z.array(z.string()).openapi({ description: 'Why the certificate has not gone to prakerja.go.id yet.' }),
    deliveries: z.array(
      z.object({
        destination: z.string(),
        kind: z.string(),
        status: z.enum(['pending', 'delivered', 'dead']),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        createdAt: z.string(),
        deliveredAt: z.string().nullable(),
        nextAttemptAt: z.string().nullable(),
      }),
    ),
    timeline: z.array(
      z.object({ type: z.string(), from: z.string().nullable(), to: z.string().nullable(), source: z.string(), at: z.string(), detail: z.record(z.string(), z.unknown()) }),
    ),
  })
  .openapi('Enrollment');

export const bearerSecurity = [{ bearerAuth: [] }];

export const authProblems = {
  401: problemContent('Missing or invalid bearer token'),
  403: problemContent('Token of the wrong kind for this route'),
};
