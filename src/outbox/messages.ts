import { z } from 'zod';
import { PLATFORM_IDS, type PlatformId } from '../domain/types.js';
import { PROVIDER_EVENT_TYPES, type ProviderEventType } from '../webhooks/events.js';

/**
 * Every kind of outbox message and the payload it carries. A payload is written as JSON in one
 * transaction and read back by a dispatcher, perhaps a release later: the schema is what both
 * sides agree on, so a row that no longer parses is dead-lettered with the reason instead of
 * reaching a partner half-formed. Writers pass Dates; JSON turns them into ISO text; readers
 * get Dates back.
 */
const when = z.union([z.date(), z.iso.datetime({ offset: true })]).pipe(z.coerce.date());
const platform = z.enum(PLATFORM_IDS as [PlatformId, ...PlatformId[]]);
const taskRef = z.object({ redeemCode: z.string(), scope: z.enum(['tpm', 'uk']), sequence: z.number().int() });

const certificate = z.object({ number: z.string(), issuedAt: when, url: z.string(), sha256: z.string() });
const completion = z.object({
  enrollmentId: z.string(),
  voucherCode: z.string(),
  cardNumber: z.string(),
  participantName: z.string(),
  courseId: z.string(),
  outcome: z.enum(['passed', 'failed']),
  score: z.number(),
  completedAt: when,
  certificate: certificate.optional(),
  idempotencyKey: z.string(),
});

export const OUTBOX_PAYLOADS = {
  'platform.completion': completion,
  'prakerja.redemption': z.object({
    enrollmentId: z.string(),
    voucherCode: z.string(),
    cardNumber: z.string(),
    platform,
    courseId: z.string(),
    redeemedAt: when,
    idempotencyKey: z.string(),
  }),
  'prakerja.completion': completion.extend({ platform }),
  'prakerja.certificate': z.object({
    enrollmentId: z.string(),
    voucherCode: z.string(),
    cardNumber: z.string(),
    platform,
    certificate,
    reviewedAt: when,
    idempotencyKey: z.string(),
  }),
  'prakerja.task.submit': taskRef.extend({ fileUrl: z.string(), notes: z.string().optional() }),
  'prakerja.task.status': taskRef,
  /** The event's exact bytes, so every retry (and the feed) sends the same body. */
  'webhook.deliver': z.object({ eventId: z.string(), type: z.enum(PROVIDER_EVENT_TYPES as [ProviderEventType, ...ProviderEventType[]]), body: z.string() }),
} satisfies Record<string, z.ZodType>;

export type OutboxKind = keyof typeof OUTBOX_PAYLOADS;
export const OUTBOX_KINDS = Object.keys(OUTBOX_PAYLOADS) as OutboxKind[];
export const isOutboxKind = (k: string): k is OutboxKind => Object.hasOwn(OUTBOX_PAYLOADS, k);
/** What a handler receives: the payload parsed, dates as Dates. */
export type OutboxPayload<K extends OutboxKind> = z.output<(typeof OUTBOX_PAYLOADS)[K]>;

/** What a writer gives: dates as Dates or ISO text. */
export type OutboxPayloadInput<K extends OutboxKind> = z.input<(typeof OUTBOX_PAYLOADS)[K]>;

/** Where a message goes; each destination has its own breaker. */
export type Destination = PlatformId | 'prakerja' | `webhook:${string}`;

/** A message to write in the caller's transaction, its payload typed by its kind. */
export type OutboxMessage = {
  [K in OutboxKind]: {
    kind: K;
    destination: Destination;
    providerId: string;
    enrollmentId?: string;
    payload: OutboxPayloadInput<K>;
    /** Stable for the fact it reports: enqueueing the same fact twice is a no-op. */
    idempotencyKey: string;
    notBefore?: Date;
  };
}[OutboxKind];
