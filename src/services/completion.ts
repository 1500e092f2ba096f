import { and, eq } from 'drizzle-orm';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import type { EnrollmentRow } from '../db/enrollment-store.js';
import { enrollmentEvents, enrollments } from '../db/schema.js';
import { checkCompletion, type CompletionFacts } from '../domain/completion.js';
import { problems, ProblemError } from '../lib/problem.js';
import { applyFacts } from './enrollment-updates.js';

export interface CompletionInput {
  outcome: 'passed' | 'failed';
  score: number;
  completedAt: string;
  certificate?: { number: string; issuedAt: string; url: string; sha256: string };
}

export function existingCompletion(e: EnrollmentRow): CompletionFacts | null {
  return e.outcome ? { outcome: e.outcome, score: e.score ?? 0, completedAt: e.completedAt!, certificateNumber: e.certificate?.number } : null;
}

export const asFacts = (i: CompletionInput): CompletionFacts => ({ outcome: i.outcome, score: i.score, completedAt: new Date(i.completedAt), certificateNumber: i.certificate?.number });

export const completionPatch = (i: CompletionInput) => ({ outcome: i.outcome, score: i.score, completedAt: new Date(i.completedAt), certificate: i.certificate ?? null });

async function lockOwned(tx: Tx, providerId: string, id: string): Promise<EnrollmentRow> {
  const [row] = await tx.select().from(enrollments).where(eq(enrollments.id, id)).for('update');
  // Another provider's enrollment is answered like a missing one.
  if (!row || row.providerId !== providerId) throw problems.notFound('Enrollment');
  return row;
}

/** A provider reports the outcome; it is applied once, and the reports it makes due are enqueued with it. */
export async function reportCompletion(deps: AppDeps, providerId: string, id: string, input: CompletionInput): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const row = await lockOwned(tx, providerId, id);
    const check = checkCompletion(existingCompletion(row), row.redeemedAt, asFacts(input), deps.now());
    if (check.verdict === 'identical') return;
    if (check.verdict === 'refuse') {
      throw new ProblemError(check.status, check.code, check.message, { errors: [{ field: check.field, rule: check.rule, message: check.message }] });
    }
    await applyFacts(tx, id, completionPatch(input), { type: 'completion_reported', source: 'provider', detail: { outcome: input.outcome, score: input.score } });
  });
}

/**
 * A session attended. The identical report again changes nothing (a retry); the same session with
 * another `attendedAt` is a 409, not silently dropped: the provider's records disagree with what
 * it reported first, and only it can say which is right. A session dated before the redemption is
 * refused like a completion would be (422).
 */
export async function reportProgress(deps: AppDeps, providerId: string, id: string, input: { sequence: number; attendedAt: string }): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const row = await lockOwned(tx, providerId, id);
    const attendedAt = new Date(input.attendedAt);
    const sessions = await tx
      .select({ detail: enrollmentEvents.detail, occurredAt: enrollmentEvents.occurredAt })
      .from(enrollmentEvents)
      .where(and(eq(enrollmentEvents.enrollmentId, id), eq(enrollmentEvents.type, 'session_attended')));
    const earlier = sessions.find((s) => (s.detail as { sequence: number }).sequence === input.sequence);
    if (earlier) {
      if (earlier.occurredAt.getTime() === attendedAt.getTime()) return;
      throw new ProblemError(409, 'progress_conflict', 'This session was already reported with another attendedAt', {
        detail: `Session ${input.sequence} was reported attended at ${earlier.occurredAt.toISOString()}.`,
        reportedAttendedAt: earlier.occurredAt.toISOString(),
        errors: [{ field: 'attendedAt', rule: 'same_as_first_report', message: `session ${input.sequence} was reported attended at ${earlier.occurredAt.toISOString()}` }],
      });
    }
    if (row.outcome) throw new ProblemError(409, 'training_finished', 'Training already finished', { errors: [{ field: 'sequence', rule: 'before_completion', message: 'progress cannot be reported after completion' }] });
    if (row.redeemedAt && attendedAt < row.redeemedAt) {
      const message = `must not be before the redemption at ${row.redeemedAt.toISOString()}`;
      throw new ProblemError(422, 'attended_before_redemption', 'Session dated before the redemption', { errors: [{ field: 'attendedAt', rule: 'after_redemption', message }] });
    }
    await applyFacts(tx, id, { sessionsAttended: sessions.length + 1 }, { type: 'session_attended', source: 'provider', occurredAt: attendedAt, detail: { sequence: input.sequence } });
  });
}
