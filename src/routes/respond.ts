import { PROBLEM_CONTENT_TYPE } from '../lib/problem.js';
import type { StoredAnswer } from '../services/idempotency.js';

/**
 * Sends a (possibly replayed) stored answer; replays say so, as Stripe's `Idempotent-Replayed`.
 * Typed loosely on purpose: a replay is the first answer's bytes, which were shaped by the
 * route's own schema when first produced, so re-checking them against the route type buys nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sendAnswer(a: StoredAnswer): any {
  const headers: Record<string, string> = { 'content-type': a.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json' };
  if (a.replayed) headers['idempotent-replayed'] = 'true';
  return new Response(JSON.stringify(a.body), { status: a.status, headers });
}
