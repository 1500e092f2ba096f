import { and, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import pRetry, { AbortError } from 'p-retry';
import { inSpan, withAttempt } from '../lib/tracing.js';
import { AdapterError } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import { resultRows } from '../db/result-rows.js';
import { enrollments, outbox } from '../db/schema.js';
import { maskDigitRuns } from '../lib/mask.js';
import { emitProviderEvents, WEBHOOK_KIND } from '../services/provider-events.js';
import { DEFAULT_BREAKER, DestinationBreakers, type BreakerSettings } from './breakers.js';
import { SHARED_BREAKER_READ_MS, SharedBreakerState } from './shared-breaker-state.js';
import { handle, type DeliveryOutcome, type OutboxRow } from './handlers.js';
import { DEFAULT_RETRY_POLICY, maxAttempts, nextDelayMs, type RetryPolicy } from './schedule.js';

export interface DispatcherOptions {
  workerId: string;
  batchSize: number;
  /** A claimed row is someone else's to take once its lease runs out: the crash-recovery window. */
  leaseMs: number;
  /** Sleep between polls when nothing was due. */
  idleMs: number;
  retry: RetryPolicy;
  breaker: BreakerSettings;
  /**
   * Breakers' openings shared through the database (destination_breakers) with every other
   * dispatcher: one statement per transition, one read per claimed batch at most every `readMs`.
   */
  sharedBreakers: { readMs: number } | false;
  /** Quick in-process retries (p-retry) before a failure is written down and rescheduled. */
  quickRetries: number;
  quickRetryMinMs: number;
}

export const DEFAULT_DISPATCHER: Omit<DispatcherOptions, 'workerId'> = {
  batchSize: 25,
  leaseMs: 30_000,
  idleMs: 500,
  retry: DEFAULT_RETRY_POLICY,
  breaker: DEFAULT_BREAKER,
  sharedBreakers: { readMs: SHARED_BREAKER_READ_MS },
  quickRetries: 2,
  quickRetryMinMs: 200,
};

/** Polling a pending task is not a failure; give up only after this many polls. */
const MAX_POLLS = 720;

class BreakerOpen extends Error {}

/** A delivered row waiting for its batch's mark, with its record step when that step is shared by key. */
interface BatchMark {
  row: OutboxRow;
  receipt: string;
  shared?: { key: string; record: (tx: Tx) => Promise<void> };
}

/**
 * What became of one row handed to deliverOne (a queue message): settled (delivered, dead, or
 * not pending any more, or never committed), a failed attempt recorded with the time of the
 * next one, or not this call's to deliver now (not due, leased by another dispatcher, its
 * destination's breaker open, a poll asked to come back), with when to look again.
 */
export type SingleDelivery = { kind: 'settled' } | { kind: 'failed'; retryAt: Date } | { kind: 'later'; at: Date };

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so any number of
 * dispatchers (in the gateway process, or `npm run worker`) share the work; a dispatcher killed
 * mid-delivery leaves a lease that runs out, and the row is delivered again under the same
 * idempotency key, which the destination dedupes.
 */
export class Dispatcher {
  readonly breakers: DestinationBreakers;
  private readonly opts: DispatcherOptions;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly deps: AppDeps, opts: Partial<DispatcherOptions> & { workerId: string }) {
    this.opts = { ...DEFAULT_DISPATCHER, ...opts };
    const shared = this.opts.sharedBreakers ? new SharedBreakerState(deps.database, this.opts.sharedBreakers.readMs) : undefined;
    this.breakers = new DestinationBreakers(this.opts.breaker, shared, (err, destination) =>
      deps.logger.warn({ err, destination }, 'outbox: breaker state not shared; other dispatchers find out for themselves'),
    );
  }

  /** Claims one batch of due rows and delivers them; resolves with how many were claimed. */
  async runOnce(): Promise<number> {
    const rows = await this.claim();
    await this.deliverBatch(rows);
    return rows.length;
  }

  /**
   * Sends a claimed batch concurrently. A delivered row whose bookkeeping is only its own mark
   * (no `record`), or whose `record` is shared by key (a webhook endpoint's health), is marked
   * with the batch's other ones once all are sent, not in a transaction of its own: most of a
   * delivery's database cost was that BEGIN/UPDATE/COMMIT, and rows recording the same endpoint
   * queued on its row. A crash between the sends and the mark leaves leased rows that are
   * delivered again under the same idempotency key, as a crash mid-send always did.
   */
  private async deliverBatch(rows: OutboxRow[]): Promise<void> {
    const marks: BatchMark[] = [];
    // Settled, not all: one row's bookkeeping failing must not cost the others their marks.
    const results = await Promise.allSettled(
      rows.map((row) =>
        this.traced(row, async () => {
          const sent = await this.send(row);
          if (!sent.ok) return this.recordFailure(row, sent.err);
          const o = sent.outcome;
          if (o.kind === 'delivered' && (!o.record || o.sharedBy !== undefined)) {
            marks.push({ row, receipt: o.receipt, shared: o.record && o.sharedBy !== undefined ? { key: o.sharedBy, record: o.record } : undefined });
            return { kind: 'settled' } as const;
          }
          return this.recordSuccess(row, o);
        }),
      ),
    );
    await this.markDelivered(marks);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * One UPDATE for many delivered rows, each still only if this dispatcher holds its lease and it
   * is pending. Shared record steps run once per key in the same transaction, and only for a key
   * with at least one row marked: a row lost to another dispatcher records nothing here, as in
   * recordSuccess.
   */
  private async markDelivered(marks: BatchMark[]): Promise<void> {
    if (marks.length === 0) return;
    const values = sql.join(
      marks.map(({ row, receipt }) => sql`(${row.id}::bigint, ${receipt}::text, ${row.attempts + 1}::int)`),
      sql`, `,
    );
    const update = sql`
      update ${outbox} set status = 'delivered', receipt = v.receipt, delivered_at = now(), lease_until = null, attempts = v.attempts, last_error = null
      from (values ${values}) as v(id, receipt, attempts)
      where ${outbox.id} = v.id and ${outbox.leasedBy} = ${this.opts.workerId} and ${outbox.status} = 'pending'
      returning ${outbox.id}`;
    if (!marks.some((m) => m.shared)) {
      await this.deps.database.db.execute(update);
      return;
    }
    await this.deps.database.db.transaction(async (tx) => {
      const marked = new Set(resultRows<{ id: number | string }>(await tx.execute(update)).map((r) => Number(r.id)));
      const once = new Map<string, (tx: Tx) => Promise<void>>();
      for (const m of marks) if (m.shared && marked.has(m.row.id) && !once.has(m.shared.key)) once.set(m.shared.key, m.shared.record);
      for (const record of once.values()) await record(tx);
    });
  }

  /** Runs until every due row is handled (tests, the demo); pending rows scheduled later are left. */
  async drain(opts: { maxRounds?: number; horizonMs?: number } = {}): Promise<void> {
    const { maxRounds = 10_000, horizonMs = 250 } = opts;
    for (let i = 0; i < maxRounds; i++) {
      if ((await this.runOnce()) > 0) continue;
      // Nothing due this instant; a retry scheduled a few milliseconds ahead still counts as work.
      const [next] = await this.deps.database.db
        .select({ at: outbox.nextAttemptAt })
        .from(outbox)
        .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, sql`now() + ${horizonMs} * interval '1 millisecond'`)))
        .orderBy(outbox.nextAttemptAt)
        .limit(1);
      if (!next) return;
      await new Promise((r) => setTimeout(r, Math.max(1, next.at.getTime() - Date.now())));
    }
  }

  /**
   * Claims one row by id, if it is due and free, and delivers it: the Queue consumer's unit of
   * work on Workers. The same lease, handlers, breakers and bookkeeping as the polling loop, so a
   * message delivered twice (Queues are at-least-once) or beside a cron sweep is sent once.
   */
  async deliverOne(id: number): Promise<SingleDelivery> {
    const [row] = await this.claim(id);
    if (row) return this.deliver(row);
    const [current] = await this.deps.database.db
      .select({ status: outbox.status, nextAttemptAt: outbox.nextAttemptAt, leaseUntil: outbox.leaseUntil })
      .from(outbox)
      .where(eq(outbox.id, id));
    if (current?.status !== 'pending') return { kind: 'settled' };
    const lease = current.leaseUntil?.getTime() ?? 0;
    return { kind: 'later', at: new Date(Math.max(current.nextAttemptAt.getTime(), lease, Date.now())) };
  }

  /**
   * Writes a row down as dead with `reason` (its queue message exhausted the Queue's retries: the
   * consumer kept failing on it), through the same bookkeeping as a last failed attempt, so it is
   * listed with the other dead letters, told to its provider, and can be replayed.
   */
  async deadLetter(id: number, reason: string): Promise<boolean> {
    const [row] = await this.claim(id, { dueOrNot: true });
    if (!row) return false;
    await this.recordFailure(row, new AdapterError('unexpected_response', row.destination, reason, { retryable: false }));
    return true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      // The next batch is claimed while the current one is sent, so a dispatcher under load never
      // waits for its own claim between batches.
      let next: Promise<OutboxRow[]> | undefined;
      while (this.running) {
        let claimed = 0;
        try {
          const rows = await (next ?? this.claim());
          next = undefined;
          claimed = rows.length;
          if (claimed > 0 && this.running) {
            next = this.claim();
            // Its failure is handled when it is awaited (next turn, or release on stop).
            next.catch(() => undefined);
          }
          await this.deliverBatch(rows);
        } catch (err) {
          next = undefined;
          // A database restart must not kill the loop (a top complaint about webhook workers).
          this.deps.logger.error({ err }, 'outbox dispatch failed; retrying');
        }
        if (claimed === 0 && this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, this.opts.idleMs)));
      }
      if (next) await this.release(next);
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.breakers.shutdown();
  }

  /** Gives back a batch claimed ahead but not sent (the dispatcher stopped): due again at once for anyone. */
  private async release(claimed: Promise<OutboxRow[]>): Promise<void> {
    try {
      const rows = await claimed;
      if (rows.length === 0) return;
      await this.deps.database.db
        .update(outbox)
        .set({ leaseUntil: null })
        .where(and(inArray(outbox.id, rows.map((r) => r.id)), eq(outbox.leasedBy, this.opts.workerId), eq(outbox.status, 'pending')));
    } catch (err) {
      // Not fatal: the leases run out and the rows are delivered then.
      this.deps.logger.warn({ err }, 'outbox: could not release the rows claimed ahead; their leases will run out');
    }
  }

  private async claim(id?: number, opts: { dueOrNot?: boolean } = {}): Promise<OutboxRow[]> {
    const db = this.deps.database.db;
    const due = db
      .select({ id: outbox.id })
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          id === undefined ? undefined : eq(outbox.id, id),
          opts.dueOrNot ? undefined : lte(outbox.nextAttemptAt, sql`now()`),
          or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, sql`now()`)),
        ),
      )
      .orderBy(outbox.nextAttemptAt, outbox.id)
      .limit(this.opts.batchSize)
      .for('update', { skipLocked: true });
    return db
      .update(outbox)
      .set({ leaseUntil: sql`now() + ${this.opts.leaseMs} * interval '1 millisecond'`, leasedBy: this.opts.workerId })
      .where(inArray(outbox.id, due))
      .returning();
  }

  private deliver(row: OutboxRow): Promise<SingleDelivery> {
    return this.traced(row, async () => {
      const sent = await this.send(row);
      return sent.ok ? this.recordSuccess(row, sent.outcome) : this.recordFailure(row, sent.err);
    });
  }

  private traced<T>(row: OutboxRow, fn: () => Promise<T>): Promise<T> {
    // A delivery is its own trace (it runs long after the request that wrote the row): the row's partner calls are its children.
    return inSpan('outbox deliver', { 'outbox.id': row.id, 'outbox.destination': row.destination, 'outbox.kind': row.kind }, fn);
  }

  /** The destination called (with quick retries, through its breaker); nothing written yet. */
  private async send(row: OutboxRow): Promise<{ ok: true; outcome: DeliveryOutcome } | { ok: false; err: unknown }> {
    const breaker = this.breakers.for(row.destination);
    try {
      const outcome = await pRetry(
        async (quickTry) => {
          if (await this.breakers.heldBack(row.destination)) throw new AbortError(new BreakerOpen(`circuit open for ${row.destination}`));
          // The attempt as the row counts them (earlier runs' attempts, then this run's quick retries).
          return (await breaker.fire(() => withAttempt(row.attempts + quickTry, () => handle(this.deps, row)))) as DeliveryOutcome;
        },
        {
          retries: this.opts.quickRetries,
          minTimeout: this.opts.quickRetryMinMs,
          factor: 2,
          randomize: true,
          shouldRetry: ({ error }) => error instanceof AdapterError && error.retryable && (error.detail.retryAfterMs ?? 0) <= 2_000,
        },
      );
      return { ok: true, outcome };
    } catch (err) {
      return { ok: false, err: err instanceof AbortError ? (err as unknown as { originalError?: Error }).originalError ?? err : err };
    } finally {
      // An opening or close this call caused is written before the row's outcome (and, on Workers, the invocation) ends.
      await this.breakers.flush();
    }
  }

  private owned(row: OutboxRow) {
    return and(eq(outbox.id, row.id), eq(outbox.leasedBy, this.opts.workerId), eq(outbox.status, 'pending'));
  }

  private async recordSuccess(row: OutboxRow, outcome: DeliveryOutcome): Promise<SingleDelivery> {
    return this.deps.database.db.transaction(async (tx): Promise<SingleDelivery> => {
      const set =
        outcome.kind === 'delivered'
          ? { status: 'delivered' as const, receipt: outcome.receipt, deliveredAt: sql`now()`, leaseUntil: null, attempts: row.attempts + 1, lastError: null }
          : row.attempts + 1 >= MAX_POLLS
            ? { status: 'dead' as const, lastError: 'never settled', leaseUntil: null, attempts: row.attempts + 1 }
            : { nextAttemptAt: new Date(Date.now() + outcome.afterMs), leaseUntil: null, attempts: row.attempts + 1 };
      const updated = await tx.update(outbox).set(set).where(this.owned(row)).returning({ id: outbox.id });
      // Lost the lease (we were too slow and another dispatcher took the row): its run records the result.
      if (updated.length === 0) return { kind: 'settled' };
      await outcome.record?.(tx);
      return 'nextAttemptAt' in set && set.nextAttemptAt ? { kind: 'later', at: set.nextAttemptAt } : { kind: 'settled' };
    });
  }

  private async recordFailure(row: OutboxRow, err: unknown): Promise<SingleDelivery> {
    if (err instanceof BreakerOpen) {
      // Not an attempt: the destination was not called. Come back when the breaker may let one through.
      const at = new Date(Date.now() + Math.min(this.opts.breaker.cooldownMs, 5_000));
      await this.deps.database.db.update(outbox).set({ leaseUntil: null, nextAttemptAt: at }).where(this.owned(row));
      return { kind: 'later', at };
    }
    const e = err instanceof AdapterError ? err : new AdapterError('unexpected_response', row.destination, err instanceof Error ? err.message : String(err), { retryable: true });
    const attempts = row.attempts + 1;
    const dead = !e.retryable || attempts >= maxAttempts(this.opts.retry);
    const entry = { at: new Date().toISOString(), attempt: attempts, error: maskDigitRuns(e.message), httpStatus: e.detail.httpStatus, retryable: e.retryable };
    const set = {
      attempts,
      status: dead ? ('dead' as const) : ('pending' as const),
      lastError: entry.error,
      errors: sql`${outbox.errors} || ${JSON.stringify([entry])}::jsonb`,
      leaseUntil: null,
      nextAttemptAt: dead ? undefined : new Date(Date.now() + nextDelayMs(this.opts.retry, attempts, e.detail.retryAfterMs)),
    };
    // A report about an enrollment that gives up is a fact its provider hears of (delivery.dead_lettered),
    // told in the transaction that records it. The enrollment is locked first, the order every
    // other writer takes (enrollment, then its outbox rows). A webhook's own dead letter is not
    // told by webhook: the provider sees it in the endpoint's deliveries.
    if (dead && row.enrollmentId && row.kind !== WEBHOOK_KIND) {
      await this.deps.database.db.transaction(async (tx) => {
        const [enrollment] = await tx.select().from(enrollments).where(eq(enrollments.id, row.enrollmentId!)).for('update');
        const updated = await tx.update(outbox).set(set).where(this.owned(row)).returning({ id: outbox.id });
        if (updated.length === 0 || !enrollment) return;
        await emitProviderEvents(tx, [
          { type: 'delivery.dead_lettered', providerId: enrollment.providerId, enrollment, occurredAt: new Date(), data: { delivery: { id: row.id, destination: row.destination, kind: row.kind, attempts, lastError: entry.error } } },
        ]);
      });
    } else {
      await this.deps.database.db.update(outbox).set(set).where(this.owned(row));
    }
    this.deps.logger.warn({ outboxId: row.id, destination: row.destination, kind: row.kind, attempts, dead, error: entry.error }, dead ? 'delivery dead-lettered' : 'delivery failed; rescheduled');
    return set.nextAttemptAt ? { kind: 'failed', retryAt: set.nextAttemptAt } : { kind: 'settled' };
  }
}
