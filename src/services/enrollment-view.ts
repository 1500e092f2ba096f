import type { EnrollmentEventRow, EnrollmentRow } from '../db/enrollment-store.js';
import type { EnrollmentState, PlatformId } from '../domain/types.js';
import { maskCardNumber } from '../lib/mask.js';

/** The canonical enrollment as providers see it; the card number is always masked. */
export function enrollmentView(e: EnrollmentRow, events: EnrollmentEventRow[]) {
  return {
    id: e.id,
    // The columns are plain text in SQL; only the gateway writes them, always canonical values.
    state: e.state as EnrollmentState,
    platform: e.platform as PlatformId,
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
