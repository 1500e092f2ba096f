import type { EnrollmentEventRow, EnrollmentRow, OutboxRowView } from '../db/enrollment-store.js';
import { certificateBlockers, deliveryShapeOf, needsSisnaker } from '../domain/enrollment-facts.js';
import { factsOf } from './enrollment-updates.js';
import type { EnrollmentState, PlatformId } from '../domain/types.js';
import { maskCardNumber } from '../lib/mask.js';

/** The canonical enrollment as providers see it; the card number is always masked. */
export function enrollmentView(e: EnrollmentRow, events: Array<Omit<EnrollmentEventRow, 'id'>>, deliveries: Array<Omit<OutboxRowView, 'id'>> = []) {
  return {
    id: e.id,
    // The columns are plain text in SQL; only the gateway writes them, always canonical values.
    state: e.state as EnrollmentState,
    platform: e.platform as PlatformId,
    deliveryShape: deliveryShapeOf(e.platform),
    voucherCode: e.voucherCode,
    providerId: e.providerId,
    course: { id: e.courseId, title: e.courseTitle },
    participant: { name: e.participantName, email: e.participantEmail, cardNumber: maskCardNumber(e.cardNumber) },
    nameCheck: {
      decision: e.nameDecision,
      score: e.nameScore,
      explanation: e.nameExplanation,
      names: { provider: e.participantName, platform: e.platformBuyerName, prakerja: e.prakerjaName },
    },
    platformReference: e.platformReference,
    redeemedAt: e.redeemedAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    sessionsAttended: e.sessionsAttended,
    completion: e.outcome
      ? { outcome: e.outcome, score: e.score ?? 0, completedAt: e.completedAt!.toISOString(), certificate: e.certificate ?? null }
      : null,
    review: e.reviewedAt ? { rating: e.rating, review: e.review, reviewedAt: e.reviewedAt.toISOString() } : null,
    sisnaker: needsSisnaker(e.platform as PlatformId) ? { acceptedAt: iso(e.sisnakerAcceptedAt), rejection: e.sisnakerRejection } : null,
    prakerja: { certificateReportedAt: iso(e.reportedAt), acceptedAt: iso(e.prakerjaAcceptedAt), rejection: e.prakerjaRejection },
    /** Why the certificate has not reached prakerja.go.id yet; empty once it has. */
    certificateBlockers: e.reportedAt ? [] : certificateBlockers(factsOf(e)),
    /** Per destination: what was sent, when, how many attempts, the last error, what is pending. */
    deliveries: deliveries.map((d) => ({
      destination: d.destination,
      kind: d.kind,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: iso(d.deliveredAt),
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    })),
    timeline: events.map((ev) => ({
      type: ev.type,
      from: ev.fromState,
      to: ev.toState,
      source: ev.source,
      at: ev.occurredAt.toISOString(),
      detail: ev.detail as Record<string, unknown>,
    })),
  };
}

export type EnrollmentView = ReturnType<typeof enrollmentView>;

function iso(d: Date | null | undefined): string | null {
  return d ? d.toISOString() : null;
}
