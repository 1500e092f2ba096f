import { asc, eq, inArray } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import { enrollments, outbox } from '../../db/schema.js';
import { maskCardNumber } from '../../lib/mask.js';
import { problems } from '../../lib/problem.js';
import { participantIncentive } from '../participant-incentive.js';

type EnrollmentRow = typeof enrollments.$inferSelect;

/** A delivery as an operator reads it beside the enrollment: attempts and errors, never the payload. */
export interface TimelineDelivery {
  id: number;
  kind: string;
  destination: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  errors: Array<{ at: string; attempt: number; error: string; httpStatus?: number }>;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface TimelineEnrollment {
  id: string;
  platform: string;
  voucherCode: string;
  providerId: string;
  course: { id: string; title: string };
  state: string;
  createdAt: Date;
  redeemedAt: Date | null;
  sessionsAttended: number;
  outcome: 'passed' | 'failed' | null;
  score: number | null;
  completedAt: Date | null;
  certificate: { number: string; issuedAt: string } | null;
  reviewedAt: Date | null;
  rating: number | null;
  reportedAt: Date | null;
  prakerjaAcceptedAt: Date | null;
  prakerjaRejection: string | null;
  name: { decision: 'match' | 'review' | 'mismatch'; score: number; held: boolean; acceptedAt: Date | null };
  firstTraining: boolean;
  blockers: string[];
  deliveries: TimelineDelivery[];
}

function enrollmentOf(row: EnrollmentRow, extra: { firstTraining: boolean; blockers: string[] }, deliveries: TimelineDelivery[]): TimelineEnrollment {
  return {
    id: row.id,
    platform: row.platform,
    voucherCode: row.voucherCode,
    providerId: row.providerId,
    course: { id: row.courseId, title: row.courseTitle },
    state: row.state,
    createdAt: row.createdAt,
    redeemedAt: row.redeemedAt,
    sessionsAttended: row.sessionsAttended,
    outcome: row.outcome,
    score: row.score,
    completedAt: row.completedAt,
    certificate: row.certificate ? { number: row.certificate.number, issuedAt: row.certificate.issuedAt } : null,
    reviewedAt: row.reviewedAt,
    rating: row.rating,
    reportedAt: row.reportedAt,
    prakerjaAcceptedAt: row.prakerjaAcceptedAt,
    prakerjaRejection: row.prakerjaRejection,
    name: { decision: row.nameDecision, score: row.nameScore, held: row.nameDecision !== 'match' && !row.nameAcceptedAt, acceptedAt: row.nameAcceptedAt },
    firstTraining: extra.firstTraining,
    blockers: extra.blockers,
    deliveries,
  };
}

/**
 * One participant, whole: each enrollment with its facts, blockers and deliveries, and the
 * incentive statement, as the ops incentive view computes them. Found by card number, or by one
 * of the participant's enrollments (so pages can link to a participant without the card number
 * in the address). The card number comes back masked.
 */
export async function participantTimeline(deps: AppDeps, by: { cardNumber: string } | { enrollmentId: string }) {
  const db = deps.database.db;
  let cardNumber: string;
  if ('cardNumber' in by) cardNumber = by.cardNumber;
  else {
    const [e] = await db.select({ card: enrollments.cardNumber }).from(enrollments).where(eq(enrollments.id, by.enrollmentId));
    if (!e) throw problems.notFound('Enrollment');
    cardNumber = e.card;
  }
  const summary = await participantIncentive(deps, cardNumber);
  const rows = await db.select().from(enrollments).where(eq(enrollments.cardNumber, cardNumber)).orderBy(asc(enrollments.redeemedAt));
  const out = await db
    .select()
    .from(outbox)
    .where(inArray(outbox.enrollmentId, rows.map((r) => r.id)))
    .orderBy(asc(outbox.id));
  const bySummary = new Map(summary.enrollments.map((e) => [e.id, e]));
  return {
    cardNumber: maskCardNumber(cardNumber),
    incentive: summary.incentive,
    enrollments: rows.map((row) =>
      enrollmentOf(
        row,
        { firstTraining: bySummary.get(row.id)?.firstTraining ?? false, blockers: bySummary.get(row.id)?.blockers ?? [] },
        out
          .filter((d) => d.enrollmentId === row.id && d.kind !== 'webhook.deliver')
          .map((d) => ({
            id: d.id,
            kind: d.kind,
            destination: d.destination,
            status: d.status,
            attempts: d.attempts,
            lastError: d.lastError,
            errors: d.errors,
            nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
            deliveredAt: d.deliveredAt?.toISOString() ?? null,
          })),
      ),
    ),
  };
}
export type ParticipantTimeline = Awaited<ReturnType<typeof participantTimeline>>;
