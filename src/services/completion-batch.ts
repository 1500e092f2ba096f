import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../app/context.js';
import type { EnrollmentRow, NewEvent } from '../db/enrollment-store.js';
import { enrollmentEvents, enrollments } from '../db/schema.js';
import { checkCompletion } from '../domain/completion.js';
import { deriveState, dueDeliveries } from '../domain/enrollment-facts.js';
import { ruleOf } from '../app/errors.js';
import { maskDigitRuns } from '../lib/mask.js';
import type { FieldError, Problem } from '../lib/problem.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { asFacts, completionPatch, existingCompletion, type CompletionInput } from './completion.js';
import { deliveryFor, factsOf } from './enrollment-updates.js';

export const MAX_BATCH = 10_000;
const CHUNK = 1_000;

export type BatchItemResult =
  | { index: number; enrollmentId: string; status: 'applied' | 'unchanged' }
  | { index: number; enrollmentId: string | null; status: 'problem'; problem: Pick<Problem, 'status' | 'code' | 'title' | 'errors'> };

function itemProblem(index: number, enrollmentId: string | null, status: number, code: string, title: string, errors: FieldError[]): BatchItemResult {
  return { index, enrollmentId, status: 'problem', problem: { status, code, title, errors } };
}

type BatchItem = CompletionInput & { enrollmentId: string };

export interface ParsedBatch {
  /** Answers already decided (invalid or duplicated items), by index; the rest are filled in by applying. */
  results: BatchItemResult[];
  valid: Array<{ index: number; item: BatchItem }>;
}

/**
 * Validates each item on its own, so one bad row never sinks the rest. Separate from applying
 * so that a batch with no valid item at all is refused as a whole, before anything is written.
 */
export function parseBatchItems(rawItems: unknown[], itemSchema: z.ZodType<BatchItem>): ParsedBatch {
  const results: BatchItemResult[] = new Array(rawItems.length);
  const valid: ParsedBatch['valid'] = [];
  const seen = new Set<string>();
  rawItems.forEach((raw, index) => {
    const parsed = itemSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { enrollmentId?: unknown })?.enrollmentId === 'string' ? (raw as { enrollmentId: string }).enrollmentId : null;
      results[index] = itemProblem(index, id, 400, 'validation_failed', 'Invalid item', parsed.error.issues.map((i) => ({ field: ['items', index, ...i.path].join('.'), rule: ruleOf(i), message: maskDigitRuns(i.message) })));
    } else if (seen.has(parsed.data.enrollmentId)) {
      results[index] = itemProblem(index, parsed.data.enrollmentId, 409, 'duplicate_in_batch', 'Enrollment appears twice in the batch', [{ field: `items.${index}.enrollmentId`, rule: 'unique_in_batch', message: 'already earlier in this batch' }]);
    } else {
      seen.add(parsed.data.enrollmentId);
      valid.push({ index, item: parsed.data });
    }
  });
  return { results, valid };
}

/**
 * Up to 10,000 completions in one call, parsed by parseBatchItems: the valid ones are applied
 * with a handful of set-based statements (one read of all rows, one UPDATE … FROM
 * jsonb_to_recordset, bulk inserts of events and outbox rows).
 */
export async function applyCompletionBatch(deps: AppDeps, providerId: string, { results, valid }: ParsedBatch) {
  const now = deps.now();
  await deps.database.db.transaction(async (tx) => {
    const rows = new Map<string, EnrollmentRow>();
    for (let i = 0; i < valid.length; i += CHUNK) {
      const ids = valid.slice(i, i + CHUNK).map((v) => v.item.enrollmentId);
      for (const r of await tx.select().from(enrollments).where(inArray(enrollments.id, ids)).for('update')) rows.set(r.id, r);
    }

    const updates: Array<Record<string, unknown>> = [];
    const events: Array<NewEvent & { enrollmentId: string }> = [];
    const messages: OutboxMessage[] = [];
    for (const { index, item } of valid) {
      const row = rows.get(item.enrollmentId);
      if (!row || row.providerId !== providerId) {
        results[index] = itemProblem(index, item.enrollmentId, 404, 'not_found', 'Enrollment not found', [{ field: `items.${index}.enrollmentId`, rule: 'exists', message: 'no such enrollment for this provider' }]);
        continue;
      }
      const check = checkCompletion(existingCompletion(row), row.redeemedAt, asFacts(item), now);
      if (check.verdict === 'refuse') {
        results[index] = itemProblem(index, item.enrollmentId, check.status, check.code, check.message, [{ field: `items.${index}.${check.field}`, rule: check.rule, message: check.message }]);
        continue;
      }
      if (check.verdict === 'identical') {
        results[index] = { index, enrollmentId: item.enrollmentId, status: 'unchanged' };
        continue;
      }
      const next: EnrollmentRow = { ...row, ...completionPatch(item) };
      const state = deriveState(factsOf(next));
      updates.push({ id: row.id, outcome: item.outcome, score: item.score, completed_at: item.completedAt, certificate: item.certificate ?? null, state });
      events.push({ enrollmentId: row.id, type: 'completion_reported', source: 'provider', occurredAt: now, detail: { outcome: item.outcome, score: item.score, batch: true } });
      if (state !== row.state) events.push({ enrollmentId: row.id, type: 'state_changed', fromState: row.state, toState: state, source: 'provider', occurredAt: now, detail: {} });
      for (const kind of dueDeliveries(factsOf(next))) messages.push(deliveryFor(kind, { ...next, state }));
      results[index] = { index, enrollmentId: row.id, status: 'applied' };
    }

    for (let i = 0; i < updates.length; i += CHUNK * 5) {
      const json = JSON.stringify(updates.slice(i, i + CHUNK * 5));
      await tx.execute(sql`
        update ${enrollments} as e
        set outcome = x.outcome, score = x.score, completed_at = x.completed_at, certificate = x.certificate, state = x.state, updated_at = now()
        from jsonb_to_recordset(${json}::jsonb) as x(id uuid, outcome text, score real, completed_at timestamptz, certificate jsonb, state text)
        where e.id = x.id`);
    }
    for (let i = 0; i < events.length; i += CHUNK) await tx.insert(enrollmentEvents).values(events.slice(i, i + CHUNK));
    for (let i = 0; i < messages.length; i += CHUNK) await enqueue(tx, messages.slice(i, i + CHUNK));
  });

  const count = (s: string) => results.filter((r) => r.status === s).length;
  return { summary: { total: results.length, applied: count('applied'), unchanged: count('unchanged'), problems: count('problem') }, items: results };
}
