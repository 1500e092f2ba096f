import type { DiscrepancyKind } from '../../domain/reconciliation.js';
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import type { Db } from '../../db/database.js';
import { discrepancies, enrollments } from '../../db/schema.js';
import { decodeIdCursor, idCursor } from '../../lib/cursor.js';
import { maskCardNumber, maskDigitRuns } from '../../lib/mask.js';
import { csvLines } from '../../lib/csv.js';
import { problems, ProblemError } from '../../lib/problem.js';
import { audit } from '../ops/audit.js';

type Row = typeof discrepancies.$inferSelect;

export interface DiscrepancyFilter {
  kind?: DiscrepancyKind;
  platform?: string;
  status?: 'open' | 'resolved';
  runId?: number;
  enrollmentId?: string;
  /** Findings about this provider's enrollments. */
  providerId?: string;
  /** Findings first recorded before this instant (how long they have been open, say). */
  createdBefore?: Date;
}

/** Card numbers leave the gateway masked, in JSON and CSV alike. */
export function discrepancyView(r: Row) {
  return {
    id: r.id,
    runId: r.runId,
    kind: r.kind,
    platform: r.platform,
    subject: r.subject,
    voucherCode: r.voucherCode,
    enrollmentId: r.enrollmentId,
    outboxId: r.outboxId,
    cardNumber: r.cardNumber ? maskCardNumber(r.cardNumber) : null,
    details: r.details as Record<string, unknown>,
    status: r.status,
    resolution: r.resolution,
    resolvedBy: r.resolvedBy,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}
export type DiscrepancyView = ReturnType<typeof discrepancyView>;

function where(f: DiscrepancyFilter, after?: number) {
  return and(
    f.kind ? eq(discrepancies.kind, f.kind) : undefined,
    f.platform ? eq(discrepancies.platform, f.platform) : undefined,
    f.status ? eq(discrepancies.status, f.status) : undefined,
    f.runId !== undefined ? eq(discrepancies.runId, f.runId) : undefined,
    f.enrollmentId ? eq(discrepancies.enrollmentId, f.enrollmentId) : undefined,
    f.providerId ? sql`${discrepancies.enrollmentId} in (select ${enrollments.id} from ${enrollments} where ${enrollments.providerId} = ${f.providerId})` : undefined,
    f.createdBefore ? lt(discrepancies.createdAt, f.createdBefore) : undefined,
    after !== undefined ? gt(discrepancies.id, after) : undefined,
  );
}

async function page(db: Db, f: DiscrepancyFilter, after: number | undefined, limit: number): Promise<Row[]> {
  return db.select().from(discrepancies).where(where(f, after)).orderBy(asc(discrepancies.id)).limit(limit);
}

/** Oldest first by id: a stable order, so a cursor never skips or repeats a finding. */
export async function listDiscrepancies(deps: Pick<AppDeps, 'database'>, f: DiscrepancyFilter, q: { cursor?: string; limit: number }) {
  const rows = await page(deps.database.db, f, decodeIdCursor(q.cursor), q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items: items.map(discrepancyView), nextCursor: rows.length > q.limit ? idCursor(items[items.length - 1].id) : null };
}

const CSV_COLUMNS = ['id', 'runId', 'kind', 'platform', 'subject', 'voucherCode', 'enrollmentId', 'outboxId', 'cardNumber', 'status', 'resolution', 'resolvedBy', 'resolvedAt', 'createdAt', 'details'] as const;

/**
 * The whole filtered set as CSV, read from the database a page at a time as the client reads the
 * response, so an export of every finding does not sit in memory.
 */
export function discrepanciesCsv(deps: Pick<AppDeps, 'database'>, f: DiscrepancyFilter, q: { cursor?: string; pageSize?: number }): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let after = decodeIdCursor(q.cursor);
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(csvLines([[...CSV_COLUMNS]])));
      }
      const rows = await page(deps.database.db, f, after, q.pageSize ?? 1000);
      if (rows.length === 0) return controller.close();
      after = rows[rows.length - 1].id;
      controller.enqueue(enc.encode(csvLines(rows.map((r) => discrepancyView(r)).map((v) => CSV_COLUMNS.map((c) => v[c])))));
    },
  });
}

/** Marks a finding resolved with the operator's reason, audited in the same transaction. */
export async function resolveDiscrepancy(deps: Pick<AppDeps, 'database' | 'now'>, id: number, operator: string, reason: string): Promise<DiscrepancyView> {
  return deps.database.db.transaction(async (tx) => {
    const [row] = await tx.select().from(discrepancies).where(eq(discrepancies.id, id)).for('update');
    if (!row) throw problems.notFound(`Discrepancy ${id}`);
    if (row.status === 'resolved') {
      throw new ProblemError(409, 'already_resolved', 'Discrepancy already resolved', {
        detail: `Resolved by ${row.resolvedBy} at ${row.resolvedAt?.toISOString()}: ${row.resolution}`,
      });
    }
    const [done] = await tx
      .update(discrepancies)
      .set({ status: 'resolved', resolution: maskDigitRuns(reason), resolvedBy: operator, resolvedAt: deps.now() })
      .where(eq(discrepancies.id, id))
      .returning();
    await audit(tx, { operator, action: 'discrepancy.resolve', target: `discrepancy:${id}`, reason, detail: { kind: row.kind, platform: row.platform, subject: row.subject, runId: row.runId } });
    return discrepancyView(done);
  });
}
