import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import type { EnrollmentRow, NewEvent } from '../db/enrollment-store.js';
import { enrollmentEvents, enrollments } from '../db/schema.js';
import { deriveState, dueDeliveries, type DueDelivery, type EnrollmentFacts } from '../domain/enrollment-facts.js';
import type { EnrollmentState, EventSource, PlatformId } from '../domain/types.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import type { OutboxPayloadInput } from '../outbox/messages.js';
import { assertNever } from '../lib/assert.js';
import { emitProviderEvents, eventsOfFact } from './provider-events.js';

export function factsOf(e: EnrollmentRow): EnrollmentFacts {
  return {
    platform: e.platform as PlatformId,
    sessionsAttended: e.sessionsAttended,
    outcome: e.outcome ?? null,
    hasCertificate: e.certificate != null,
    reviewedAt: e.reviewedAt,
    sisnakerAcceptedAt: e.sisnakerAcceptedAt,
    reportedAt: e.reportedAt,
    nameHeld: e.nameDecision !== 'match' && !e.nameAcceptedAt,
  };
}

/** Fields a fact may set: once set they stay (first writer wins), except the attendance count, which only grows. */
export type FactPatch = Partial<
  Pick<
    EnrollmentRow,
    'sessionsAttended' | 'outcome' | 'score' | 'completedAt' | 'certificate' | 'reviewedAt' | 'rating' | 'review' | 'sisnakerAcceptedAt' | 'sisnakerRejection' | 'reportedAt' | 'prakerjaAcceptedAt' | 'prakerjaRejection' | 'nameAcceptedAt'
  >
>;

function merge(row: EnrollmentRow, patch: FactPatch): FactPatch {
  const changed: FactPatch = {};
  for (const [k, v] of Object.entries(patch) as [keyof FactPatch, unknown][]) {
    if (v === undefined) continue;
    if (k === 'sessionsAttended') {
      if ((v as number) > row.sessionsAttended) changed.sessionsAttended = v as number;
    } else if (row[k] == null) (changed as Record<string, unknown>)[k] = v;
  }
  return changed;
}

/**
 * Applies a fact to an enrollment inside the caller's transaction: locks the row, keeps facts
 * already known, derives the new state, records the events, and enqueues whatever deliveries
 * the facts now make due, and the provider's events. Returns the updated row and whether anything changed.
 */
export async function applyFacts(
  tx: Tx,
  enrollmentId: string,
  patch: FactPatch,
  event: { type: string; source: EventSource; occurredAt?: Date; detail?: Record<string, unknown> },
): Promise<{ row: EnrollmentRow; changed: boolean; from: EnrollmentState }> {
  const [row] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
  if (!row) throw new Error(`enrollment ${enrollmentId} vanished`);
  const from = row.state as EnrollmentState;
  const changes = merge(row, patch);
  const next: EnrollmentRow = { ...row, ...changes };
  const to = deriveState(factsOf(next));
  const changed = Object.keys(changes).length > 0;

  const events: NewEvent[] = [{ type: event.type, source: event.source, occurredAt: event.occurredAt ?? new Date(), detail: { ...event.detail, ...(changed ? {} : { ignored: 'already known' }) } }];
  if (to !== from) events.push({ type: 'state_changed', fromState: from, toState: to, source: event.source, occurredAt: new Date(), detail: {} });
  if (changed || to !== from) {
    await tx.update(enrollments).set({ ...changes, state: to, updatedAt: sql`now()` }).where(eq(enrollments.id, enrollmentId));
  }
  await tx.insert(enrollmentEvents).values(events.map((e) => ({ ...e, enrollmentId })));
  await enqueue(tx, dueDeliveries(factsOf(next)).map((kind) => deliveryFor(kind, { ...next, state: to })));
  // What the provider is told of it (a notice with nothing to patch, a refund, is news each time).
  await emitProviderEvents(tx, eventsOfFact(event, { ...next, state: to }, changed || Object.keys(patch).length === 0));
  return { row: { ...next, state: to }, changed, from };
}

/** A delivery falls due only once its facts are recorded (enrollment-facts.ts); missing here is our bug. */
function recorded<T>(value: T | null | undefined, what: string, e: EnrollmentRow): T {
  if (value === null || value === undefined) throw new Error(`enrollment ${e.id}: a delivery is due but its ${what} is not recorded`);
  return value;
}

function completionReport(e: EnrollmentRow, kind: string): OutboxPayloadInput<'platform.completion'> {
  return {
    enrollmentId: e.id,
    voucherCode: e.voucherCode,
    cardNumber: e.cardNumber,
    participantName: e.participantName,
    courseId: e.courseId,
    outcome: recorded(e.outcome, 'outcome', e),
    score: e.score ?? 0,
    completedAt: recorded(e.completedAt, 'completion time', e),
    certificate: e.certificate ?? undefined,
    idempotencyKey: `${e.id}:${kind}`,
  };
}

/** The outbox message for a due delivery; its key makes enqueueing the same fact twice a no-op. */
export function deliveryFor(kind: DueDelivery | 'prakerja.redemption', e: EnrollmentRow): OutboxMessage {
  const base = { providerId: e.providerId, enrollmentId: e.id, idempotencyKey: `${e.id}:${kind}` };
  switch (kind) {
    case 'prakerja.redemption':
      return {
        ...base,
        kind,
        destination: 'prakerja',
        payload: { enrollmentId: e.id, voucherCode: e.voucherCode, cardNumber: e.cardNumber, platform: e.platform, courseId: e.courseId, redeemedAt: recorded(e.redeemedAt, 'redemption time', e), idempotencyKey: base.idempotencyKey },
      };
    case 'platform.completion':
      return { ...base, kind, destination: e.platform, payload: completionReport(e, kind) };
    case 'prakerja.completion':
      return { ...base, kind, destination: 'prakerja', payload: { ...completionReport(e, kind), platform: e.platform } };
    case 'prakerja.certificate':
      return {
        ...base,
        kind,
        destination: 'prakerja',
        payload: {
          enrollmentId: e.id,
          voucherCode: e.voucherCode,
          cardNumber: e.cardNumber,
          platform: e.platform,
          certificate: recorded(e.certificate, 'certificate', e),
          reviewedAt: recorded(e.reviewedAt, 'review time', e),
          idempotencyKey: base.idempotencyKey,
        },
      };
    default:
      return assertNever(kind);
  }
}
