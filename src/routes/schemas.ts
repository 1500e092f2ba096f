import { z } from '@hono/zod-openapi';
import { DELIVERY_SHAPES, ENROLLMENT_STATES, PLATFORM_IDS } from '../domain/types.js';

/**
 * The one rule for text at the edge: control characters (U+0000–U+001F and U+007F; tab only
 * where a field says so) and lone surrogates are refused, naming the field and the rule. Every
 * other character, every letter and mark of any script, apostrophes and spaces, is kept.
 */
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROL_BUT_TAB = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Adds the text rule to a string schema (keeping its own checks and type). */
export function safeText<T extends z.ZodString>(schema: T, opts: { tab?: boolean } = {}): T {
  const control = opts.tab ? CONTROL_BUT_TAB : CONTROL;
  return schema
    .refine((s) => !control.test(s), { message: opts.tab ? 'must not contain control characters other than tab' : 'must not contain control characters', params: { rule: 'no_control_characters' } })
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'must be well-formed Unicode (no lone surrogates)', params: { rule: 'well_formed_unicode' } }) as T;
}

/** Free text of 1–max characters under the text rule. */
export const Text = (max: number, opts: { tab?: boolean; min?: number } = {}) =>
  safeText(z.string().min(opts.min ?? 1, 'must not be empty').max(max, `at most ${max} characters`), opts);

/** An identifier typed or copied by a person (voucher, redeem code, certificate number): never trimmed or changed. */
export const Code = (max: number) =>
  z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`).regex(/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/, 'letters, digits and . _ / - only, starting with a letter or digit');

/**
 * An integer in a path or query: decimal digits only (no sign, spaces, hex or exponent, which a
 * lenient Number() would take), then range-checked.
 */
export const IntParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|[1-9][0-9]{0,14})$/, 'must be a decimal integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .openapi({ type: 'integer', minimum: min, maximum: max });

export const Email = safeText(z.string().max(254).email('must be an e-mail address'));
export const Url = safeText(z.string().max(2048).url('must be a URL'));

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'Stable machine-readable error code.' }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), rule: z.string(), message: z.string() })).optional(),
    traceId: z.string().optional().openapi({ description: 'The W3C trace id of the request (yours, from your `traceparent`, or the gateway’s when tracing is on): quote it to the operators.' }),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

export const problemContent = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

export const IdempotencyHeaders = z.object({
  'idempotency-key': safeText(z.string({ error: 'Idempotency-Key header is required' }).min(1).max(255))
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
    number: Code(100),
    issuedAt: z.string().datetime({ offset: true, message: 'must be an ISO-8601 date-time' }),
    url: Url,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits'),
  })
  .openapi('Certificate');

export const EnrollmentSchema = z
  .object({
    id: z.string().uuid(),
    state: z.enum(ENROLLMENT_STATES),
    platform: Platform,
    deliveryShape: z.enum(DELIVERY_SHAPES).openapi({
      description: 'provider_delivered: the provider redeemed the platform’s voucher and teaches. platform_delivered: the platform teaches and its callbacks started the enrollment; the provider confirms completion and the certificate.',
    }),
    voucherCode: z.string().openapi({ description: 'The voucher code, or for a platform-delivered training the platform’s enrollment (order) id.' }),
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
  429: problemContent('`rate_limited`: this caller’s limit for the class of operation is reached; nothing was done. Retry after `Retry-After`; every answer carries `RateLimit-Policy` and `RateLimit`'),
};
