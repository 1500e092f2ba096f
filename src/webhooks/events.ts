import { z } from '@hono/zod-openapi';
import { EnrollmentSchema } from '../routes/schemas.js';

/**
 * The events a provider receives, by webhook and in the pull feed (GET /v1/events): one canonical
 * event per fact it cares about. Each type has a zod schema of its `data`; the envelope is the same
 * for all. Adding a type here makes the compiler ask for it wherever events are listed.
 */

/** Bumped when an event's shape changes incompatibly; every event says which version it follows. */
export const EVENTS_API_VERSION = '2026-11-30';

/** The enrollment as it stood when the event happened (card number masked); its timeline and deliveries are in GET /v1/enrollments/{id}. */
export const EventEnrollment = EnrollmentSchema.omit({ deliveries: true, timeline: true }).openapi('EventEnrollment');

const withEnrollment = <T extends z.ZodRawShape>(shape: T) => z.object({ enrollment: EventEnrollment, ...shape });

export const EVENT_DATA = {
  'enrollment.redeemed': withEnrollment({}),
  'enrollment.started': withEnrollment({}).openapi({ description: 'Platform-delivered trainings: the participant started on the platform.' }),
  'enrollment.progressed': withEnrollment({ session: z.number().int().openapi({ description: 'The session attended (sequence).' }), sessionsAttended: z.number().int() }),
  'enrollment.completed': withEnrollment({ outcome: z.enum(['passed', 'failed']), score: z.number() }),
  'review.submitted': withEnrollment({ rating: z.number().int(), via: z.enum(['platform', 'prakerja']) }),
  'certificate.reported': withEnrollment({ reference: z.string().nullable().openapi({ description: 'prakerja.go.id’s reference of the report.' }) }),
  'certificate.accepted': withEnrollment({}),
  'certificate.rejected': withEnrollment({ reason: z.string().openapi({ description: 'prakerja.go.id’s reason, as it gave it.' }) }),
  'grade.accepted': withEnrollment({}).openapi({ description: 'Kemnaker trainings: Sisnaker accepted the grade.' }),
  'grade.rejected': withEnrollment({ reason: z.string() }).openapi({ description: 'Kemnaker trainings: Sisnaker rejected the grade.' }),
  'name_review.required': withEnrollment({ decision: z.enum(['review', 'mismatch']), score: z.number() }),
  'name_review.resolved': withEnrollment({ resolution: z.enum(['accepted']) }),
  'task.status_changed': z.object({
    enrollment: z.null(),
    task: z.object({
      redeemCode: z.string(),
      scope: z.enum(['tpm', 'uk']),
      sequence: z.number().int(),
      assignment: z.string(),
      feedback: z.string(),
    }),
  }),
  'incentive.scheduled': withEnrollment({
    incentive: z.object({ kind: z.enum(['training', 'survey']), sequence: z.number().int(), amount: z.number().int(), at: z.string() }),
  }),
  'delivery.dead_lettered': withEnrollment({
    delivery: z.object({ id: z.number().int(), destination: z.string(), kind: z.string(), attempts: z.number().int(), lastError: z.string().nullable() }),
  }),
  'voucher.refunded': withEnrollment({}),
  'voucher.expired': withEnrollment({}),
  ping: z.object({ enrollment: z.null(), message: z.string() }),
} as const;

export type ProviderEventType = keyof typeof EVENT_DATA;
export const PROVIDER_EVENT_TYPES = Object.keys(EVENT_DATA) as ProviderEventType[];
export type EventData<K extends ProviderEventType> = z.infer<(typeof EVENT_DATA)[K]>;

const envelope = <K extends ProviderEventType>(type: K) =>
  z.object({
    id: z.string().openapi({ description: 'Stable: the same on every retry, in the `webhook-id` header and in the feed. Deduplicate on it.', example: 'evt_3f0c9a1be2d84c3f9b7a51d06e2f4c11' }),
    type: z.literal(type),
    occurredAt: z.string().openapi({ description: 'When the fact happened (ISO-8601).' }),
    apiVersion: z.literal(EVENTS_API_VERSION),
    enrollmentId: z.string().uuid().nullable(),
    sequence: z.number().int().nullable().openapi({ description: 'Per enrollment, 1, 2, 3…: order an enrollment’s events by it, whatever order they arrive in. null for events about no enrollment.' }),
    data: EVENT_DATA[type],
  });

const schemaName = (type: string) => `${type.split(/[._]/).map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Event`;

/** Each event's full schema, named for the OpenAPI document (`EnrollmentRedeemedEvent`, …). */
export const EVENT_SCHEMAS = Object.fromEntries(PROVIDER_EVENT_TYPES.map((t) => [t, envelope(t).openapi(schemaName(t))])) as { [K in ProviderEventType]: ReturnType<typeof envelope<K>> };

export type ProviderEvent = { [K in ProviderEventType]: z.infer<ReturnType<typeof envelope<K>>> }[ProviderEventType];

/** The union of every event, discriminated on `type`: what the feed answers with. */
export const ProviderEventSchema = z
  .discriminatedUnion('type', Object.values(EVENT_SCHEMAS) as unknown as [ReturnType<typeof envelope<'ping'>>, ...ReturnType<typeof envelope<ProviderEventType>>[]])
  .openapi('ProviderEvent');

/** What each type means, for the OpenAPI `webhooks` section and the docs. */
export const EVENT_DESCRIPTIONS: Record<ProviderEventType, string> = {
  'enrollment.redeemed': 'A voucher was redeemed: the enrollment exists.',
  'enrollment.started': 'The participant started the training on the platform (platform-delivered trainings).',
  'enrollment.progressed': 'A session was attended.',
  'enrollment.completed': 'The outcome (passed or failed) was recorded.',
  'review.submitted': 'The participant rated and reviewed the training.',
  'certificate.reported': 'The certificate was reported to prakerja.go.id.',
  'certificate.accepted': 'prakerja.go.id accepted the completion and certificate.',
  'certificate.rejected': 'prakerja.go.id rejected the completion; `data.reason` says why.',
  'grade.accepted': 'Sisnaker accepted the grade (Kemnaker trainings).',
  'grade.rejected': 'Sisnaker rejected the grade (Kemnaker trainings).',
  'name_review.required': 'The participant’s names differ enough to need an operator’s review; reports to prakerja.go.id wait for it.',
  'name_review.resolved': 'An operator accepted the names; the held reports are on their way.',
  'task.status_changed': 'prakerja.go.id’s status of a practical task changed.',
  'incentive.scheduled': 'prakerja.go.id scheduled the participant’s incentive payment.',
  'delivery.dead_lettered': 'A report about this enrollment to a platform or prakerja.go.id gave up after its retries; operators can replay it.',
  'voucher.refunded': 'The platform refunded the voucher.',
  'voucher.expired': 'The voucher expired at the platform.',
  ping: 'Sent by POST /v1/webhook-endpoints/{id}/test.',
};
