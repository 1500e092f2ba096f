import type { EnrollmentState } from './types.js';

/**
 * Rank of each state along the main path. Side exits rank highest so nothing moves an
 * enrollment out of them; `failed` shares `completed`'s rank because either ends the training.
 */
const RANK = {
  purchased: 0,
  redeemed: 1,
  in_progress: 2,
  completed: 3,
  failed: 3,
  reviewed: 4,
  certified: 5,
  reported: 6,
  expired: 100,
  refunded: 100,
  revoked: 100,
} as const satisfies Record<EnrollmentState, number>;

export const isTerminal = (s: EnrollmentState): boolean => RANK[s] >= 100;

/**
 * Whether `to` is a forward move from `from`. A late or duplicated callback that would move an
 * enrollment back (or sideways) is not a transition: callers store it as an event and ignore it.
 */
export function canTransition(from: EnrollmentState, to: EnrollmentState): boolean {
  if (from === to || isTerminal(from)) return false;
  if (isTerminal(to)) return from === 'purchased' || from === 'redeemed' || to === 'revoked';
  if (from === 'failed') return false;
  return RANK[to] > RANK[from];
}

/** Applies a sequence of observed states in any order; the result is the furthest reachable. */
export function furthest(from: EnrollmentState, observed: readonly EnrollmentState[]): EnrollmentState {
  let state = from;
  for (const s of observed) if (canTransition(state, s)) state = s;
  return state;
}
