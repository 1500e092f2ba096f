import { and, eq, sql } from 'drizzle-orm';
import { sha256Hex } from '../contract/crypto.js';
import type { TaskScope, TaskState } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import { tasks } from '../db/schema.js';
import { problems } from '../lib/problem.js';
import { enqueue } from '../outbox/enqueue.js';
import { emitTaskEvents } from './provider-events.js';

export interface TaskRef {
  redeemCode: string;
  scope: TaskScope;
  sequence: number;
}

// Tasks are the provider's own: another provider submitting for the same code gets a row of its own
// (which prakerja.go.id will refuse), never a hold on the owner's.
const byRef = (providerId: string, t: TaskRef) =>
  and(eq(tasks.providerId, providerId), eq(tasks.redeemCode, t.redeemCode), eq(tasks.scope, t.scope), eq(tasks.sequence, t.sequence));

/**
 * A provider submits a practical task (or its feedback): the call to prakerja.go.id goes through
 * the outbox, and the gateway then polls `/tpm/submission/status` until it settles, so the
 * provider never polls prakerja.go.id itself.
 */
export async function submitTask(deps: AppDeps, providerId: string, t: TaskRef & { fileUrl: string; notes?: string }) {
  const part = t.notes === undefined ? 'assignment' : 'feedback';
  const content = (await sha256Hex(`${t.fileUrl}\n${t.notes ?? ''}`)).slice(0, 16);
  await deps.database.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(tasks).where(byRef(providerId, t)).for('update');
    // After prakerja.go.id failed this part, submitting it again (even the same file) is a new
    // submission: it gets its own key, or it would be deduplicated against the failed one and never sent.
    const resubmission = existing?.[part] === 'failed' ? `:after-${existing.updatedAt.getTime()}` : '';
    if (!existing) {
      if (part === 'feedback') throw problems.notFound('Task (submit the assignment first)');
      await tx.insert(tasks).values({ ...t, providerId });
    } else {
      await tx
        .update(tasks)
        .set({ ...(part === 'feedback' ? { feedbackFileUrl: t.fileUrl, notes: t.notes } : { fileUrl: t.fileUrl }), ...(resubmission ? { [part]: 'not_submitted' } : {}), updatedAt: sql`now()` })
        .where(byRef(providerId, t));
    }
    const key = `task:${providerId}:${t.redeemCode}:${t.scope}:${t.sequence}:${part}:${content}${resubmission}`;
    await enqueue(tx, [{ destination: 'prakerja', kind: 'prakerja.task.submit', providerId, payload: { ...t }, idempotencyKey: key }]);
  });
  return getTask(deps, providerId, t);
}

export async function getTask(deps: AppDeps, providerId: string, t: TaskRef) {
  const [row] = await deps.database.db.select().from(tasks).where(byRef(providerId, t));
  if (!row) throw problems.notFound('Task');
  return {
    redeemCode: row.redeemCode,
    scope: row.scope,
    sequence: row.sequence,
    fileUrl: row.fileUrl,
    feedbackFileUrl: row.feedbackFileUrl,
    notes: row.notes,
    assignment: row.assignment as TaskState,
    feedback: row.feedback as TaskState,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Records what prakerja.go.id says of a task and, after a submission, schedules the status poll. */
export async function recordTaskState(
  tx: Tx,
  providerId: string,
  t: TaskRef,
  states: Partial<Record<'assignment' | 'feedback', TaskState>>,
  poll?: { pollAfterMs: number },
): Promise<void> {
  await emitTaskEvents(tx, providerId, t, states);
  await tx.update(tasks).set({ ...states, updatedAt: sql`now()` }).where(byRef(providerId, t));
  if (poll) {
    const part = states.feedback ? 'feedback' : 'assignment';
    await enqueue(tx, [
      {
        destination: 'prakerja',
        kind: 'prakerja.task.status',
        providerId,
        payload: { redeemCode: t.redeemCode, scope: t.scope, sequence: t.sequence },
        idempotencyKey: `task-status:${providerId}:${t.redeemCode}:${t.scope}:${t.sequence}:${part}:${Date.now()}`,
        notBefore: new Date(Date.now() + poll.pollAfterMs),
      },
    ]);
  }
}
