import { lt, sql } from 'drizzle-orm';
import type { Db } from './database.js';
import { rateLimitCounters } from './schema.js';

/**
 * The one statement a rate-limited request costs: an upsert that counts the hit in the key's
 * current window (starting it afresh when the stored one is older) and answers the count.
 * Built once per database, as the claim statements are (enrollment-store.ts).
 */
function buildHit(db: Db) {
  const p = sql.placeholder;
  return db
    .insert(rateLimitCounters)
    .values({ key: p('key'), windowStart: sql`${p('windowStart')}::bigint`, hits: 1 })
    .onConflictDoUpdate({
      target: rateLimitCounters.key,
      set: {
        hits: sql`case when ${rateLimitCounters.windowStart} = excluded.window_start then ${rateLimitCounters.hits} + 1 else 1 end`,
        windowStart: sql`excluded.window_start`,
      },
    })
    .returning({ hits: rateLimitCounters.hits })
    .prepare('rate_limit_hit');
}

const hits = new WeakMap<Db, ReturnType<typeof buildHit>>();

/** Counts one request against `key` in the window starting at `windowStart` (epoch seconds); the count so far. */
export async function countHit(db: Db, key: string, windowStart: number): Promise<number> {
  let q = hits.get(db);
  if (!q) hits.set(db, (q = buildHit(db)));
  const [row] = await q.execute({ key, windowStart });
  return row.hits;
}

/** Forgets counters whose window ended before `before` (epoch seconds): keys of one-off sources would otherwise stay. */
export async function forgetOldCounters(db: Db, before: number): Promise<number> {
  const gone = await db.delete(rateLimitCounters).where(lt(rateLimitCounters.windowStart, before)).returning({ key: rateLimitCounters.key });
  return gone.length;
}
