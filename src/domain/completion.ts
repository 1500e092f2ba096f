export interface CompletionFacts {
  outcome: 'passed' | 'failed';
  score: number;
  completedAt: Date;
  certificateNumber?: string;
}

export type CompletionCheck =
  | { verdict: 'apply' }
  /** The same completion again (a retry): answered as success, changes nothing. */
  | { verdict: 'identical' }
  | { verdict: 'refuse'; status: 409 | 422; code: string; field: string; rule: string; message: string };

const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether a provider's completion report can be applied: a passed training carries its
 * certificate, a failed one does not, it cannot finish before it was redeemed or in the future,
 * and a second, different completion is a conflict, never an overwrite.
 */
export function checkCompletion(existing: CompletionFacts | null, redeemedAt: Date | null, input: CompletionFacts, now: Date): CompletionCheck {
  if (existing) {
    const same =
      existing.outcome === input.outcome &&
      existing.score === input.score &&
      existing.completedAt.getTime() === input.completedAt.getTime() &&
      (existing.certificateNumber ?? null) === (input.certificateNumber ?? null);
    return same
      ? { verdict: 'identical' }
      : { verdict: 'refuse', status: 409, code: 'completion_conflict', field: 'outcome', rule: 'single_completion', message: 'a different completion was already reported for this enrollment' };
  }
  if (input.outcome === 'passed' && !input.certificateNumber) {
    return { verdict: 'refuse', status: 422, code: 'certificate_required', field: 'certificate', rule: 'required_when_passed', message: 'a passed training needs its certificate' };
  }
  if (input.outcome === 'failed' && input.certificateNumber) {
    return { verdict: 'refuse', status: 422, code: 'certificate_not_allowed', field: 'certificate', rule: 'absent_when_failed', message: 'a failed training has no certificate' };
  }
  if (redeemedAt && input.completedAt < redeemedAt) {
    return { verdict: 'refuse', status: 422, code: 'completed_before_redemption', field: 'completedAt', rule: 'after_redemption', message: `must not be before the redemption at ${redeemedAt.toISOString()}` };
  }
  if (input.completedAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
    return { verdict: 'refuse', status: 422, code: 'completed_in_future', field: 'completedAt', rule: 'not_in_future', message: 'must not be in the future' };
  }
  return { verdict: 'apply' };
}
