import { and, asc, desc, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import { auditLog, enrollments } from '../../db/schema.js';
import { REFUSE_ACTION } from './name-decisions.js';

/**
 * Enrollments whose name check held them (review or mismatch) and that no operator has accepted
 * yet, oldest first: the three names, the scorer's score and explanation, and the last refusal
 * if an operator already said it is another person (the enrollment stays held then).
 */
export async function listHeldNames(deps: Pick<AppDeps, 'database'>, q: { limit: number; offset?: number }) {
  const db = deps.database.db;
  const skip = q.offset ?? 0;
  const rows = await db
    .select()
    .from(enrollments)
    .where(and(ne(enrollments.nameDecision, 'match'), isNull(enrollments.nameAcceptedAt)))
    .orderBy(asc(enrollments.createdAt), asc(enrollments.id))
    .limit(q.limit + 1)
    .offset(skip);
  const page = rows.slice(0, q.limit);
  const targets = page.map((r) => `enrollment:${r.id}`);
  const refusals = targets.length
    ? await db.select().from(auditLog).where(and(eq(auditLog.action, REFUSE_ACTION), inArray(auditLog.target, targets))).orderBy(desc(auditLog.id))
    : [];
  return {
    items: page.map((r) => {
      const refusal = refusals.find((a) => a.target === `enrollment:${r.id}`);
      return {
        enrollmentId: r.id,
        platform: r.platform,
        voucherCode: r.voucherCode,
        providerId: r.providerId,
        courseTitle: r.courseTitle,
        names: { provider: r.participantName, platform: r.platformBuyerName, prakerja: r.prakerjaName },
        decision: r.nameDecision,
        score: r.nameScore,
        explanation: r.nameExplanation,
        heldSince: r.createdAt,
        refused: refusal ? { by: refusal.operator, at: refusal.at, reason: refusal.reason } : null,
      };
    }),
    nextOffset: rows.length > q.limit ? skip + q.limit : null,
  };
}
