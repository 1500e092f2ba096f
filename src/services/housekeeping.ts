import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { idempotencyKeys } from '../db/schema.js';
import { forgetOldCounters } from '../db/rate-limit-store.js';
import { finishAcceptedRedemptions } from './redemption.js';
import { purgeProviderEvents } from './webhook-endpoints.js';

/** Stripe keeps idempotency keys 24 h; two days leaves room for a client retrying across a weekend night. */
export const IDEMPOTENCY_KEEP_MS = 48 * 3_600_000;

/**
 * Forgets finished idempotency answers older than `keepMs`. Keys still in progress are kept: their
 * first request may be running (or is taken over after it is abandoned).
 */
export async function purgeIdempotencyKeys(db: Db, keepMs = IDEMPOTENCY_KEEP_MS, now = new Date()): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.status, 'done'), lt(idempotencyKeys.createdAt, new Date(now.getTime() - keepMs))))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}

/**
 * Runs the housekeeping (old idempotency answers forgotten, redemptions the platform accepted
 * but whose enrollment was not written finished, feed events past 30 days dropped) every `everyMs` until stopped; a failure is logged and
 * tried again next time.
 */
export function startHousekeeping(db: Db, log: { warn(obj: object, msg: string): void }, everyMs = 10 * 60_000): () => void {
  const timer = setInterval(() => {
    purgeIdempotencyKeys(db).catch((err) => log.warn({ err }, 'idempotency key purge failed'));
    finishAcceptedRedemptions(db).catch((err) => log.warn({ err }, 'finishing accepted redemptions failed'));
    purgeProviderEvents(db).catch((err) => log.warn({ err }, 'event feed purge failed'));
    // Windows last at most an hour: older counters belong to no current window.
    forgetOldCounters(db, Math.floor(Date.now() / 1000) - 2 * 3600).catch((err) => log.warn({ err }, 'rate limit counter purge failed'));
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
