import { and, asc, eq, notInArray } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import { discrepancies, enrollments, outbox } from '../../db/schema.js';
import { maskDigitRuns } from '../../lib/mask.js';
import { problems, ProblemError } from '../../lib/problem.js';
import { applyFacts } from '../enrollment-updates.js';
import { audit } from './audit.js';

/**
 * An operator accepts a reviewed or mismatched name pair. The acceptance is a fact like any
 * other (applyFacts), so whatever the held name was blocking — the completion and certificate
 * reports to prakerja.go.id — becomes due and is enqueued in the same transaction, together with
 * the audit row and the settling of the open name findings.
 */
export async function acceptName(deps: Pick<AppDeps, 'database' | 'now'>, enrollmentId: string, operator: string, reason: string) {
  return deps.database.db.transaction(async (tx) => {
    const [e] = await tx.select().from(enrollments).where(eq(enrollments.id, enrollmentId)).for('update');
    if (!e) throw problems.notFound('Enrollment');
    if (e.nameDecision === 'match') {
      throw new ProblemError(409, 'name_not_held', 'The name matched; nothing to accept', { detail: `Name check: match (score ${e.nameScore}).` });
    }
    if (e.nameAcceptedAt) {
      throw new ProblemError(409, 'name_already_accepted', 'The name was already accepted', { detail: `Accepted at ${e.nameAcceptedAt.toISOString()}.` });
    }
    const before = (await tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.enrollmentId, enrollmentId))).map((r) => r.id);
    const at = deps.now();
    const { row } = await applyFacts(tx, enrollmentId, { nameAcceptedAt: at }, { type: 'name_accepted', source: 'ops', occurredAt: at, detail: { operator, reason, decision: e.nameDecision, score: e.nameScore } });
    const enqueued = await tx
      .select({ id: outbox.id, kind: outbox.kind, destination: outbox.destination })
      .from(outbox)
      .where(and(eq(outbox.enrollmentId, enrollmentId), before.length ? notInArray(outbox.id, before) : undefined))
      .orderBy(asc(outbox.id));
    const settled = await tx
      .update(discrepancies)
      .set({ status: 'resolved', resolution: maskDigitRuns(`name accepted: ${reason}`), resolvedBy: operator, resolvedAt: at })
      .where(and(eq(discrepancies.enrollmentId, enrollmentId), eq(discrepancies.status, 'open'), eq(discrepancies.kind, 'name_mismatch_pending')))
      .returning({ id: discrepancies.id });
    await audit(tx, {
      operator,
      action: 'enrollment.accept_name',
      target: `enrollment:${enrollmentId}`,
      reason,
      detail: { decision: e.nameDecision, score: e.nameScore, names: { provider: e.participantName, platform: e.platformBuyerName, prakerja: e.prakerjaName }, enqueued: enqueued.map((d) => d.kind) },
    });
    return {
      enrollmentId,
      state: row.state,
      nameCheck: { decision: e.nameDecision, score: e.nameScore, acceptedAt: at.toISOString(), acceptedBy: operator },
      enqueued,
      resolvedDiscrepancies: settled.map((d) => d.id),
    };
  });
}
