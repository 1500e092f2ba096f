import type { Tx } from '../db/database.js';
import { outbox } from '../db/schema.js';
import { announceOutboxRows } from './announce.js';
import type { OutboxMessage } from './messages.js';

export type { OutboxMessage } from './messages.js';

/** Writes outbound calls in the caller's transaction; they are sent only if it commits. Returns the rows written. */
export async function enqueue(tx: Tx, messages: OutboxMessage[]): Promise<Array<typeof outbox.$inferSelect>> {
  if (messages.length === 0) return [];
  const rows = await tx
    .insert(outbox)
    .values(
      messages.map((m) => ({
        destination: m.destination,
        kind: m.kind,
        providerId: m.providerId,
        enrollmentId: m.enrollmentId,
        payload: m.payload,
        idempotencyKey: m.idempotencyKey,
        ...(m.notBefore ? { nextAttemptAt: m.notBefore } : {}),
      })),
    )
    .onConflictDoNothing({ target: outbox.idempotencyKey })
    .returning();
  announceOutboxRows(rows.map((r) => r.id));
  return rows;
}
