import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import type { Tx } from '../../db/database.js';
import { discrepancies, enrollments, outbox } from '../../db/schema.js';
import { decodeIdCursor, idCursor } from '../../lib/cursor.js';
import { maskDigitRuns } from '../../lib/mask.js';
import { problems, ProblemError } from '../../lib/problem.js';
import { audit } from './audit.js';
import { announceOutboxRows } from '../../outbox/announce.js';

type OutboxRow = typeof outbox.$inferSelect;

/**
 * A delivery as operators see it: every attempt's error, never the payload (it carries the card
 * number whole, for the partner that needs it).
 */
function deliveryView(r: OutboxRow, e?: { platform: string; voucherCode: string } | null) {
  return {
    id: r.id,
    destination: r.destination,
    kind: r.kind,
    status: r.status,
    enrollmentId: r.enrollmentId,
    platform: e?.platform ?? null,
    voucherCode: e?.voucherCode ?? null,
    providerId: r.providerId,
    attempts: r.attempts,
    lastError: r.lastError,
    errors: r.errors,
    createdAt: r.createdAt.toISOString(),
    lastAttemptAt: r.errors.at(-1)?.at ?? null,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

const withEnrollment = { row: outbox, platform: enrollments.platform, voucherCode: enrollments.voucherCode };
const view = (r: { row: OutboxRow; platform: string | null; voucherCode: string | null }) => deliveryView(r.row, r.platform ? { platform: r.platform, voucherCode: r.voucherCode! } : null);

/** Dead letters, oldest first, with every attempt's error. */
export async function listDeadLetters(deps: Pick<AppDeps, 'database'>, q: { destination?: string; kind?: string; cursor?: string; limit: number }) {
  const after = decodeIdCursor(q.cursor);
  const rows = await deps.database.db
    .select(withEnrollment)
    .from(outbox)
    .leftJoin(enrollments, eq(enrollments.id, outbox.enrollmentId))
    .where(
      and(
        eq(outbox.status, 'dead'),
        q.destination ? eq(outbox.destination, q.destination) : undefined,
        q.kind ? eq(outbox.kind, q.kind) : undefined,
        after !== undefined ? gt(outbox.id, after) : undefined,
      ),
    )
    .orderBy(asc(outbox.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { items: page.map(view), nextCursor: rows.length > q.limit ? idCursor(page[page.length - 1].row.id) : null };
}

/**
 * Puts deliveries back in the queue, due now. Attempts and their errors are kept: the history
 * shows every try across replays, and a replayed row that fails again is dead after one more
 * attempt instead of hammering a partner through the whole schedule again. Rows leased by a
 * dispatcher right now are left alone (it is delivering them).
 */
async function requeue(tx: Tx, ids: number[] | 'all', filter: { destination?: string }): Promise<number[]> {
  const rows = await tx
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: sql`now()`, leaseUntil: null, leasedBy: null })
    .where(
      and(
        ids === 'all' ? undefined : inArray(outbox.id, ids),
        filter.destination ? eq(outbox.destination, filter.destination) : undefined,
        or(eq(outbox.status, 'dead'), and(eq(outbox.status, 'pending'), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, sql`now()`)))),
      ),
    )
    .returning({ id: outbox.id });
  announceOutboxRows(rows.map((r) => r.id));
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Open dead-letter findings about requeued rows are settled by the same action. */
async function settleFindings(tx: Tx, ids: number[], operator: string, resolution: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(discrepancies)
    .set({ status: 'resolved', resolution: maskDigitRuns(resolution), resolvedBy: operator, resolvedAt: at })
    .where(and(eq(discrepancies.kind, 'dead_letter'), eq(discrepancies.status, 'open'), inArray(discrepancies.outboxId, ids)));
}

/** POST /v1/ops/deliveries/{id}/redrive: one delivery (dead, or pending and waiting) due now. */
export async function redriveDelivery(deps: Pick<AppDeps, 'database' | 'now'>, id: number, operator: string, reason: string): Promise<DeliveryView> {
  return deps.database.db.transaction(async (tx) => {
    const [found] = await tx.select(withEnrollment).from(outbox).leftJoin(enrollments, eq(enrollments.id, outbox.enrollmentId)).where(eq(outbox.id, id)).for('update', { of: outbox });
    if (!found) throw problems.notFound(`Delivery ${id}`);
    if (found.row.status === 'delivered') {
      throw new ProblemError(409, 'already_delivered', 'Delivery already delivered', { detail: `Delivered at ${found.row.deliveredAt?.toISOString()}; nothing to re-drive.` });
    }
    const requeued = await requeue(tx, [id], {});
    if (requeued.length === 0) throw new ProblemError(409, 'delivery_in_progress', 'Delivery is being attempted right now', { detail: 'A dispatcher holds it; try again once its attempt is recorded.' });
    await settleFindings(tx, requeued, operator, `re-driven: ${reason}`, deps.now());
    await audit(tx, { operator, action: 'delivery.redrive', target: `outbox:${id}`, reason, detail: { destination: found.row.destination, kind: found.row.kind, previousStatus: found.row.status, attempts: found.row.attempts } });
    const [after] = await tx.select(withEnrollment).from(outbox).leftJoin(enrollments, eq(enrollments.id, outbox.enrollmentId)).where(eq(outbox.id, id));
    return view(after);
  });
}

/** POST /v1/ops/dead-letters/replay: chosen dead letters, or all of them (optionally for one destination). */
export async function replayDeadLetters(
  deps: Pick<AppDeps, 'database' | 'now'>,
  req: { ids?: number[]; all?: boolean; destination?: string; reason: string },
  operator: string,
): Promise<{ replayed: number[]; skipped: Array<{ id: number; reason: 'not_found' | 'not_dead' }> }> {
  return deps.database.db.transaction(async (tx) => {
    let replayed: number[];
    const skipped: Array<{ id: number; reason: 'not_found' | 'not_dead' }> = [];
    if (req.all) {
      const dead = tx.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.status, 'dead'), req.destination ? eq(outbox.destination, req.destination) : undefined));
      replayed = (
        await tx
          .update(outbox)
          .set({ status: 'pending', nextAttemptAt: sql`now()`, leaseUntil: null, leasedBy: null })
          .where(inArray(outbox.id, dead))
          .returning({ id: outbox.id })
      )
        .map((r) => r.id)
        .sort((a, b) => a - b);
      announceOutboxRows(replayed);
    } else {
      const ids = [...new Set(req.ids ?? [])];
      const rows = await tx.select({ id: outbox.id, status: outbox.status }).from(outbox).where(inArray(outbox.id, ids)).for('update');
      const status = new Map(rows.map((r) => [r.id, r.status]));
      const dead = ids.filter((id) => status.get(id) === 'dead');
      for (const id of ids) if (status.get(id) !== 'dead') skipped.push({ id, reason: status.has(id) ? 'not_dead' : 'not_found' });
      replayed = dead.length ? await requeue(tx, dead, {}) : [];
    }
    await settleFindings(tx, replayed, operator, `dead letter replayed: ${req.reason}`, deps.now());
    await audit(tx, {
      operator,
      action: 'dead_letters.replay',
      target: req.all ? `outbox:dead${req.destination ? `@${req.destination}` : ''}` : `outbox:${(req.ids ?? []).join(',')}`.slice(0, 500),
      reason: req.reason,
      detail: { all: !!req.all, destination: req.destination ?? null, requested: req.ids ?? null, replayed, skipped },
    });
    return { replayed, skipped };
  });
}
