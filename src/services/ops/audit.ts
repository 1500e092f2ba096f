import { and, desc, eq, lt } from 'drizzle-orm';
import type { AppDeps } from '../../app/context.js';
import type { Db, Tx } from '../../db/database.js';
import { auditLog } from '../../db/schema.js';
import { decodeIdCursor, idCursor } from '../../lib/cursor.js';
import { maskDigitRuns } from '../../lib/mask.js';

export interface AuditEntry {
  operator: string;
  action: string;
  target: string;
  reason: string;
  detail?: Record<string, unknown>;
}

/** Writes the audit row in the action's own transaction: the action and its record commit together. */
export async function audit(tx: Tx | Db, e: AuditEntry): Promise<number> {
  const [row] = await tx
    .insert(auditLog)
    .values({ ...e, reason: maskDigitRuns(e.reason), detail: e.detail ?? {} })
    .returning({ id: auditLog.id });
  return row.id;
}

/** Newest first, filterable by operator, action and target. */
export async function listAudit(deps: Pick<AppDeps, 'database'>, q: { operator?: string; action?: string; target?: string; cursor?: string; limit: number }) {
  const before = decodeIdCursor(q.cursor);
  const rows = await deps.database.db
    .select()
    .from(auditLog)
    .where(
      and(
        q.operator ? eq(auditLog.operator, q.operator) : undefined,
        q.action ? eq(auditLog.action, q.action) : undefined,
        q.target ? eq(auditLog.target, q.target) : undefined,
        before !== undefined ? lt(auditLog.id, before) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({ id: r.id, operator: r.operator, action: r.action, target: r.target, reason: r.reason, detail: r.detail as Record<string, unknown>, at: r.at.toISOString() })),
    nextCursor: rows.length > q.limit ? idCursor(page[page.length - 1].id) : null,
  };
}
