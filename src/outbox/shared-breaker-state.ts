import { eq, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';
import { destinationBreakers } from '../db/schema.js';

/** How long one read of the open breakers is trusted before the next batch reads them again. */
export const SHARED_BREAKER_READ_MS = 1_000;

/**
 * The breakers' state as every dispatcher on the database sees it (destination_breakers): a
 * breaker that opens writes until when, one that closes after a successful trial clears it, and
 * before sending a dispatcher asks whether any other one holds the destination back.
 *
 * The read is cached for `readMs` (one statement per claimed batch at most, and none while idle).
 * Times are the database's: what is stored and read is a remaining duration from its `now()`, so
 * clocks of isolates and processes need not agree.
 */
export class SharedBreakerState {
  private openUntil = new Map<string, number>();
  private readAt = Number.NEGATIVE_INFINITY;
  /**
   * The read in flight, per database client: on Workers each invocation has its own, and an
   * invocation must not wait on a promise another invocation's I/O settles.
   */
  private readonly reading = new WeakMap<Db, Promise<void>>();

  constructor(
    private readonly database: Database,
    private readonly readMs = SHARED_BREAKER_READ_MS,
  ) {}

  /** Whether another dispatcher's breaker holds `destination` back now (reads the table if the last read is stale). */
  async isOpen(destination: string): Promise<boolean> {
    if (Date.now() - this.readAt >= this.readMs) await this.refresh();
    return (this.openUntil.get(destination) ?? 0) > Date.now();
  }

  /** Destinations held back now, with how long still (ms); from the last read. */
  openDestinations(): Array<{ destination: string; remainingMs: number }> {
    const now = Date.now();
    return [...this.openUntil.entries()].filter(([, until]) => until > now).map(([destination, until]) => ({ destination, remainingMs: until - now }));
  }

  async opened(destination: string, cooldownMs: number, failures: number): Promise<void> {
    const until = sql`now() + ${cooldownMs} * interval '1 millisecond'`;
    await this.database.db
      .insert(destinationBreakers)
      .values({ destination, openedUntil: until, openedAt: sql`now()`, failures, updatedAt: sql`now()` })
      .onConflictDoUpdate({
        target: destinationBreakers.destination,
        // Two dispatchers opening at once: the later end wins.
        set: { openedUntil: sql`greatest(${destinationBreakers.openedUntil}, excluded.opened_until)`, openedAt: sql`now()`, failures, updatedAt: sql`now()` },
      });
    this.openUntil.set(destination, Date.now() + cooldownMs);
  }

  async closed(destination: string): Promise<void> {
    await this.database.db.update(destinationBreakers).set({ openedUntil: null, updatedAt: sql`now()` }).where(eq(destinationBreakers.destination, destination));
    this.openUntil.delete(destination);
  }

  private refresh(): Promise<void> {
    const db = this.database.db;
    let read = this.reading.get(db);
    if (!read) {
      read = (async () => {
        // A failed read is not tried again by every row of the batch: the next one is `readMs` away too.
        this.readAt = Date.now();
        const rows = await db
          .select({ destination: destinationBreakers.destination, remainingMs: sql<number>`(extract(epoch from ${destinationBreakers.openedUntil} - now()) * 1000)::float8` })
          .from(destinationBreakers)
          .where(sql`${destinationBreakers.openedUntil} > now()`);
        const now = Date.now();
        this.openUntil = new Map(rows.map((r) => [r.destination, now + Number(r.remainingMs)]));
        this.readAt = now;
      })().finally(() => this.reading.delete(db));
      this.reading.set(db, read);
    }
    return read;
  }
}
