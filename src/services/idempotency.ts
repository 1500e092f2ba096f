import { and, eq, lt, sql } from 'drizzle-orm';
import { sha256Hex } from '../../adapters/shared/crypto.js';
import type { Db } from '../db/database.js';
import { idempotencyKeys } from '../db/schema.js';
import { ProblemError, type Problem } from '../lib/problem.js';

export interface StoredAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** A first request that has not finished after this long is taken to have crashed. */
const ABANDONED_AFTER_MS = 60_000;

/** Canonical JSON (sorted keys), so key order in the client's body does not make a new request. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Runs `work` at most once per (scope, route, key), Stripe-style: the first answer is stored and
 * replayed; the same key with another body is refused; a concurrent duplicate waits for the first
 * instead of running twice. Server-side failures (5xx) are not stored, so the client may retry
 * with the same key once the platform is back.
 */
export async function once(
  db: Db,
  ident: { scope: string; route: string; key: string; body: unknown; waitMs: number },
  work: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredAnswer> {
  const requestHash = await sha256Hex(canonicalJson(ident.body));
  const where = and(eq(idempotencyKeys.scope, ident.scope), eq(idempotencyKeys.route, ident.route), eq(idempotencyKeys.key, ident.key));

  const deadline = Date.now() + ident.waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    const taken = await db
      .insert(idempotencyKeys)
      .values({ scope: ident.scope, route: ident.route, key: ident.key, requestHash, status: 'in_progress' })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (taken.length === 1 || (await takeOverAbandoned(db, where, requestHash))) break;

    const [row] = await db.select().from(idempotencyKeys).where(where);
    if (!row) continue; // the first request failed and released the key: try to take it
    if (row.requestHash !== requestHash) {
      throw new ProblemError(422, 'idempotency_key_reused', 'Idempotency-Key reused with a different request', {
        detail: 'This Idempotency-Key was first used with another body. Use a new key for a new request.',
        errors: [{ field: 'header:Idempotency-Key', rule: 'same_request', message: 'already used for a different request body' }],
      });
    }
    if (row.status === 'done') return { status: row.responseStatus!, body: JSON.parse(row.responseBody!), replayed: true };
    if (Date.now() >= deadline) {
      throw new ProblemError(409, 'idempotency_key_in_progress', 'A request with this Idempotency-Key is still running', {
        detail: 'Retry shortly; the first request with this key has not finished yet.',
      });
    }
    await new Promise((r) => setTimeout(r, pause));
  }

  let answer: { status: number; body: unknown };
  try {
    answer = await work();
  } catch (e) {
    if (e instanceof ProblemError && e.status < 500) answer = { status: e.status, body: e.problem as Problem };
    else {
      await db.delete(idempotencyKeys).where(where);
      throw e;
    }
  }
  await db
    .update(idempotencyKeys)
    .set({ status: 'done', responseStatus: answer.status, responseBody: JSON.stringify(answer.body) })
    .where(where);
  return { ...answer, replayed: false };
}

async function takeOverAbandoned(db: Db, where: ReturnType<typeof and>, requestHash: string): Promise<boolean> {
  const rows = await db
    .update(idempotencyKeys)
    .set({ createdAt: sql`now()` })
    .where(and(where, eq(idempotencyKeys.status, 'in_progress'), eq(idempotencyKeys.requestHash, requestHash), lt(idempotencyKeys.createdAt, new Date(Date.now() - ABANDONED_AFTER_MS))))
    .returning({ key: idempotencyKeys.key });
  return rows.length === 1;
}
