import { assertNever } from '../lib/assert.js';
import type { TimelineEnrollment } from '../services/ops/participant-timeline.js';
import type { WordKey } from './i18n.js';

/** The life of an enrollment in the order operators explain it to a participant. */
export const STEPS = ['purchase', 'redeem', 'sessions', 'completion', 'review', 'certificate', 'report', 'incentive'] as const;
export type Step = (typeof STEPS)[number];
export type StepState = 'done' | 'waiting' | 'blocked';

export interface TimelineStep {
  step: Step;
  state: StepState;
  at: Date | null;
  /** A short fact (score, rating, certificate number), not translated: it is data. */
  note?: string;
}

export const STEP_LABEL = {
  purchase: 'stepPurchase',
  redeem: 'stepRedeem',
  sessions: 'stepSessions',
  completion: 'stepCompletion',
  review: 'stepReview',
  certificate: 'stepCertificate',
  report: 'stepReport',
  incentive: 'stepIncentive',
} as const satisfies Record<Step, WordKey>;

function isDone(e: TimelineEnrollment, step: Step): boolean {
  switch (step) {
    case 'purchase':
      return true;
    case 'redeem':
      return e.redeemedAt !== null;
    case 'sessions':
      return e.sessionsAttended > 0 || e.outcome !== null;
    case 'completion':
      return e.outcome !== null;
    case 'review':
      return e.reviewedAt !== null;
    case 'certificate':
      return e.certificate !== null;
    case 'report':
      return e.reportedAt !== null && !e.prakerjaRejection;
    case 'incentive':
      return e.firstTraining && e.prakerjaAcceptedAt !== null;
    default:
      return assertNever(step);
  }
}

function atOf(e: TimelineEnrollment, step: Step): Date | null {
  switch (step) {
    case 'purchase':
      // The platform's purchase time is not kept; the voucher code stands for it.
      return null;
    case 'redeem':
      return e.redeemedAt;
    case 'sessions':
      return null;
    case 'completion':
      return e.completedAt;
    case 'review':
      return e.reviewedAt;
    case 'certificate':
      return e.certificate ? new Date(e.certificate.issuedAt) : null;
    case 'report':
      return e.reportedAt;
    case 'incentive':
      return e.prakerjaAcceptedAt;
    default:
      return assertNever(step);
  }
}

function noteOf(e: TimelineEnrollment, step: Step): string | undefined {
  switch (step) {
    case 'purchase':
      return e.voucherCode;
    case 'sessions':
      return String(e.sessionsAttended);
    case 'completion':
      return e.outcome ? `${e.outcome}${e.score !== null ? ` · ${e.score}` : ''}` : undefined;
    case 'review':
      return e.rating !== null ? `★ ${e.rating}` : undefined;
    case 'certificate':
      return e.certificate?.number;
    case 'report':
      return e.prakerjaRejection ?? undefined;
    case 'redeem':
    case 'incentive':
      return undefined;
    default:
      return assertNever(step);
  }
}

/**
 * Each step done or not; the first step not done is where the enrollment stands, and it is
 * `blocked` when something holds it (a blocker listed for the enrollment), else `waiting`.
 */
export function timelineOf(e: TimelineEnrollment): TimelineStep[] {
  let current = true;
  return STEPS.map((step) => {
    const done = isDone(e, step) || (step === 'incentive' && !e.firstTraining && e.reportedAt !== null);
    let state: StepState = done ? 'done' : 'waiting';
    if (!done && current) {
      current = false;
      if (e.blockers.length > 0) state = 'blocked';
    }
    return { step, state, at: atOf(e, step), note: noteOf(e, step) };
  });
}

/** What an operator should do next about an enrollment, most actionable first. */
export function nextActionOf(e: TimelineEnrollment): WordKey {
  if (e.deliveries.some((d) => d.status === 'dead')) return 'naDead';
  if (e.prakerjaRejection) return 'naRejected';
  if (e.name.held) return 'naNameHeld';
  if (e.deliveries.some((d) => d.status === 'pending' && d.attempts > 0 && d.lastError)) return 'naFailing';
  if (e.outcome === null) return 'naCompletion';
  if (e.outcome === 'passed' && e.reviewedAt === null) return 'naNoReview';
  if (e.blockers.length > 0) return 'naWaiting';
  return 'naNothing';
}
