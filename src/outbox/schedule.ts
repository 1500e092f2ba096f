/**
 * When to try a failed delivery again. Svix's published schedule (5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h) with ±20 % jitter so a destination that comes back is not hit by every row at once.
 */
export interface RetryPolicy {
  /** Delay before attempt n+1 after n failed attempts (index n-1); its length + 1 is the attempt cap. */
  delaysMs: readonly number[];
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  delaysMs: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  jitter: 0.2,
};

export const maxAttempts = (p: RetryPolicy) => p.delaysMs.length + 1;

/** Delay after `failedAttempts` failures, never shorter than the destination's Retry-After. */
export function nextDelayMs(p: RetryPolicy, failedAttempts: number, retryAfterMs = 0, random = Math.random): number {
  const base = p.delaysMs[Math.min(failedAttempts, p.delaysMs.length) - 1] ?? p.delaysMs[p.delaysMs.length - 1];
  const jittered = base * (1 - p.jitter + 2 * p.jitter * random());
  return Math.max(Math.round(jittered), retryAfterMs);
}
