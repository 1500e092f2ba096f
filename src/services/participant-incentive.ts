import { asc, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../app/context.js';
import { enrollments, incentiveEvents, outbox } from '../db/schema.js';
import { certificateBlockers } from '../domain/enrollment-facts.js';
import { incentiveStatement } from '../domain/incentives.js';
import { maskCardNumber } from '../lib/mask.js';
import { problems } from '../lib/problem.js';
import { factsOf } from './enrollment-updates.js';

type OutboxRow = typeof outbox.$inferSelect;
type EnrollmentRow = typeof enrollments.$inferSelect;

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Everything standing between an enrollment's certificate and prakerja.go.id, most actionable first. */
export function enrollmentBlockers(e: EnrollmentRow, deliveries: OutboxRow[]): string[] {
  const out: string[] = [];
  if (e.prakerjaRejection) out.push(`prakerja.go.id rejected the completion: ${e.prakerjaRejection}`);
  for (const d of deliveries) {
    if (d.status === 'dead') out.push(`delivery ${d.kind} to ${d.destination} dead-lettered after ${d.attempts} attempt(s): ${d.lastError ?? 'no error recorded'}`);
    // A row deferred without an error (the certificate waiting for its completion's delivery) is not failing itself.
    else if (d.status === 'pending' && d.attempts > 0 && d.lastError) out.push(`delivery ${d.kind} to ${d.destination} failing with "${d.lastError}" at attempt ${d.attempts}; next try ${d.nextAttemptAt.toISOString()}`);
  }
  if (e.nameDecision !== 'match' && !e.nameAcceptedAt) out.push(`name held for review since ${day(e.createdAt)} (${e.nameDecision}, score ${e.nameScore}): ${e.nameExplanation}`);
  if (e.sisnakerRejection) out.push(`Sisnaker rejected the grade: ${e.sisnakerRejection}`);
  for (const b of certificateBlockers(factsOf(e))) if (!b.startsWith('the participant’s name')) out.push(b);
  return e.reportedAt && !e.prakerjaRejection ? [] : out;
}

/** GET /v1/ops/participants/{cardNumber}/incentive: where each training stands and why the incentive is (not) paid. */
export async function participantIncentive(deps: AppDeps, cardNumber: string, programYear?: number) {
  const db = deps.database.db;
  const rows = await db.select().from(enrollments).where(eq(enrollments.cardNumber, cardNumber)).orderBy(asc(enrollments.redeemedAt));
  if (rows.length === 0) throw problems.notFound('Participant (no enrollment with this card number)');
  const ids = rows.map((r) => r.id);
  const [deliveries, payments] = await Promise.all([
    db.select().from(outbox).where(inArray(outbox.enrollmentId, ids)).orderBy(asc(outbox.id)),
    db.select().from(incentiveEvents).where(eq(incentiveEvents.cardNumber, cardNumber)),
  ]);
  const byEnrollment = new Map<string, OutboxRow[]>();
  for (const d of deliveries) byEnrollment.set(d.enrollmentId!, [...(byEnrollment.get(d.enrollmentId!) ?? []), d]);
  const trainings = rows.map((e) => ({ row: e, blockers: enrollmentBlockers(e, byEnrollment.get(e.id) ?? []) }));
  const year = programYear ?? (rows[0].redeemedAt ?? rows[0].createdAt).getUTCFullYear();
  const statement = incentiveStatement(
    year,
    trainings.map((t) => ({ enrollmentId: t.row.id, redeemedAt: t.row.redeemedAt ?? t.row.createdAt, blockers: t.blockers, reported: !!t.row.reportedAt && !t.row.prakerjaRejection })),
    payments.map((p) => ({ incentive: p.incentive, sequence: p.sequence, amount: p.amount, status: p.status, at: p.at, reason: p.reason })),
  );
  return {
    cardNumber: maskCardNumber(cardNumber),
    programYear: year,
    enrollments: trainings.map(({ row, blockers }) => ({
      id: row.id,
      platform: row.platform,
      voucherCode: row.voucherCode,
      course: { id: row.courseId, title: row.courseTitle },
      providerId: row.providerId,
      state: row.state,
      redeemedAt: row.redeemedAt?.toISOString() ?? null,
      firstTraining: row.id === statement.firstTrainingEnrollmentId,
      blockers,
    })),
    incentive: statement,
  };
}
