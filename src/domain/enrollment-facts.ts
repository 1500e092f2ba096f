import { platformDefinition } from '../../adapters/registry.js';
import type { DeliveryShape, EnrollmentState, PlatformId } from './types.js';

/**
 * What the gateway knows about an enrollment after redemption. Every fact is set once and never
 * unset, so the state derived from the facts is the same whatever order they arrived in: a late
 * "completed" after "reviewed", or a duplicated callback, cannot move an enrollment back.
 */
export interface EnrollmentFacts {
  platform: PlatformId;
  sessionsAttended: number;
  outcome: 'passed' | 'failed' | null;
  hasCertificate: boolean;
  reviewedAt: Date | null;
  /** Kemnaker only: Sisnaker accepted the grade. */
  sisnakerAcceptedAt: Date | null;
  /** The certificate report reached prakerja.go.id. */
  reportedAt: Date | null;
  /** A mismatched or reviewed name holds the flow to prakerja.go.id until an operator accepts it. */
  nameHeld: boolean;
}

/**
 * Platforms whose definition says the grade must be accepted first (Kemnaker's Sisnaker) are
 * complete for prakerja only once that acceptance has arrived.
 */
export const needsSisnaker = (p: PlatformId) => platformDefinition(p)?.capabilities.gradeAcceptance ?? false;

/** How a platform's trainings are delivered is a property of the platform (its definition), so of each of its enrollments. */
export const deliveryShapeOf = (p: string): DeliveryShape => platformDefinition(p)?.capabilities.delivery ?? 'provider_delivered';

export function deriveState(f: EnrollmentFacts): EnrollmentState {
  if (f.reportedAt) return 'reported';
  if (f.outcome === 'failed') return 'failed';
  if (f.outcome === 'passed') {
    if (!f.reviewedAt) return 'completed';
    return f.hasCertificate && (!needsSisnaker(f.platform) || f.sisnakerAcceptedAt) ? 'certified' : 'reviewed';
  }
  return f.sessionsAttended > 0 ? 'in_progress' : 'redeemed';
}

/** Deliveries that become due as facts accumulate; each is enqueued once (stable idempotency key). */
export type DueDelivery = 'platform.completion' | 'prakerja.completion' | 'prakerja.certificate';

export function dueDeliveries(f: EnrollmentFacts): DueDelivery[] {
  const due: DueDelivery[] = [];
  if (f.outcome) due.push('platform.completion');
  if (f.outcome && !f.nameHeld) due.push('prakerja.completion');
  // The seeds: no certificate without a rating and review; Kemnaker also needs Sisnaker's acceptance.
  if (deriveState(f) === 'certified' && !f.nameHeld) due.push('prakerja.certificate');
  return due;
}

/** Why the certificate has not gone to prakerja.go.id yet, in words an operator can act on. */
export function certificateBlockers(f: EnrollmentFacts): string[] {
  const out: string[] = [];
  if (!f.outcome) out.push('the provider has not reported completion');
  if (f.outcome === 'failed') out.push('the participant did not pass');
  if (f.outcome === 'passed' && !f.hasCertificate) out.push('no certificate was reported');
  if (f.outcome === 'passed' && !f.reviewedAt) out.push('the participant has not rated and reviewed the training yet');
  if (f.outcome === 'passed' && needsSisnaker(f.platform) && !f.sisnakerAcceptedAt) out.push('Sisnaker has not accepted the grade yet');
  if (f.nameHeld) out.push('the participant’s name is held for review');
  return out;
}
