import { and, eq, lt, sql } from 'drizzle-orm';
import { sha256Hex } from '../contract/crypto.js';
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

/**
 * The statements of `once`, built once per database: drizzle would otherwise rebuild the same SQL
 * text from the query tree on every request (a large share of the gateway's CPU). The SQL text
 * is the one drizzle built per call before; only the values are filled in at execute time.
 * (Placeholders in conditions skip the column's encoder, hence `startedBefore` as the ISO string
 * the timestamp column would have made of the Date.)
 */
function buildQueries(db: Db) {
  const p = sql.placeholder;
  const where = and(eq(idempotencyKeys.scope, p('scope')), eq(idempotencyKeys.route, p('route')), eq(idempotencyKeys.key, p('key')));
  return {
    take: db
      .insert(idempotencyKeys)
      .values({ scope: p('scope'), route: p('route'), key: p('key'), requestHash: p('requestHash'), status: 'in_progress' })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key })
      .prepare('idempotency_take'),
    takeOverAbandoned: db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now()` })
      .where(and(where, eq(idempotencyKeys.status, 'in_progress'), eq(idempotencyKeys.requestHash, p('requestHash')), lt(idempotencyKeys.createdAt, p('startedBefore'))))
      .returning({ key: idempotencyKeys.key })
      .prepare('idempotency_take_over'),
    find: db.select().from(idempotencyKeys).where(where).prepare('idempotency_find'),
    release: db.delete(idempotencyKeys).where(where).prepare('idempotency_release'),
    finish: db
      .update(idempotencyKeys)
      // set() takes no bare placeholder in its types; wrapped in sql`` it yields the same `$n` (integer and text need no encoding).
      .set({ status: 'done', responseStatus: sql`${p('responseStatus')}`, responseBody: sql`${p('responseBody')}` })
      .where(where)
      .prepare('idempotency_finish'),
  };
}

const prepared = new WeakMap<Db, ReturnType<typeof buildQueries>>();

function queries(db: Db): ReturnType<typeof buildQueries> {
  let q = prepared.get(db);
  if (!q) prepared.set(db, (q = buildQueries(db)));
  return q;
}

/**
 * A first request's key while its work runs, when the caller knows the answer's status up front.
 * A write that is atomic by itself (the redemption's one statement) may store the answer in that
 * same statement, with the fact it reports, and mark it `recorded`: `once` then skips the round
 * trip of storing it afterwards.
 */
export interface OpenAnswer {
  scope: string;
  route: string;
  key: string;
  status: number;
  recorded: boolean;
}

/** Deeper than any body the edge lets through (app/request-guard.ts): reaching it is a bug, not a stack overflow. */
const MAX_FINGERPRINT_DEPTH = 64;

/** Canonical JSON (sorted keys), so key order in the client's body does not make a new request. */
export function canonicalJson(v: unknown, depth = 0): string {
  if (depth > MAX_FINGERPRINT_DEPTH) throw new Error(`request body nested deeper than ${MAX_FINGERPRINT_DEPTH} levels reached the idempotency fingerprint`);
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x, depth + 1)).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k], depth + 1)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Runs `work` at most once per (scope, route, key), Stripe-style: the first answer is stored and
 * replayed; the same key with another body is refused; a concurrent duplicate waits for the first
 * instead of running twice. Refusals and failures are not stored: a request refused as a whole
 * writes nothing, and the client may retry with the same key once the cause is gone.
 */
export async function once(
  db: Db,
  ident: { scope: string; route: string; key: string; body: unknown; waitMs: number; status?: number },
  work: (open: OpenAnswer | undefined) => Promise<{ status: number; body: unknown; keep?: boolean }>,
): Promise<StoredAnswer> {
  const requestHash = await sha256Hex(canonicalJson(ident.body));
  const q = queries(db);
  const id = { scope: ident.scope, route: ident.route, key: ident.key };

  const deadline = Date.now() + ident.waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    const taken = await q.take.execute({ ...id, requestHash });
    if (taken.length === 1 || (await q.takeOverAbandoned.execute({ ...id, requestHash, startedBefore: new Date(Date.now() - ABANDONED_AFTER_MS).toISOString() })).length === 1) break;

    const [row] = await q.find.execute(id);
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

  let answer: { status: number; body: unknown; keep?: boolean };
  const open = ident.status === undefined ? undefined : { ...id, status: ident.status, recorded: false };
  try {
    // Handed down, not kept in an AsyncLocalStorage: on Node 20 one ALS run turns on promise hooks
    // for every promise of the process (bench/README.md, "per-request plumbing").
    answer = await work(open);
  } catch (e) {
    // Only what was done is remembered: a refusal wrote nothing, so the key is given back with it
    // (a retry with the same key is asked again, and answered the same unless things changed).
    // An answer the work already stored stands: the fact it reports was written with it.
    if (!open?.recorded) await q.release.execute(id);
    throw e;
  }
  if (open?.recorded) return { status: answer.status, body: answer.body, replayed: false };
  // An answer that did nothing (keep: false) is not remembered either, like a refusal.
  if (answer.keep === false) await q.release.execute(id);
  else await q.finish.execute({ ...id, responseStatus: answer.status, responseBody: JSON.stringify(answer.body) });
  return { status: answer.status, body: answer.body, replayed: false };
}
