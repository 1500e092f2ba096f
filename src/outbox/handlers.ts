import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { AdapterError, RedeemCodeRejected, type PrakerjaCredentials } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import { enrollments, outbox } from '../db/schema.js';
import type { PlatformId } from '../domain/types.js';
import { PLATFORM_IDS } from '../domain/types.js';
import { applyFacts } from '../services/enrollment-updates.js';
import { recordTaskState } from '../services/tasks.js';
import { deliverWebhook } from '../webhooks/deliver.js';
import { isOutboxKind, OUTBOX_PAYLOADS, type OutboxKind, type OutboxPayload } from './messages.js';

export type OutboxRow = typeof outbox.$inferSelect;

/**
 * What a delivery achieved: a receipt (and what to record about it), or "ask again later" for
 * polls. A `record` step that is the same for every delivery with the same `sharedBy` key (an
 * endpoint's health, not the row's) lets a dispatcher write a batch's delivered rows together
 * and run that step once for all of them, in the same transaction as their marks.
 */
export type DeliveryOutcome =
  | { kind: 'delivered'; receipt: string; record?: (tx: Tx) => Promise<void>; sharedBy?: string }
  | { kind: 'poll_again'; afterMs: number; record?: (tx: Tx) => Promise<void> };

/** A kind's handler gets its payload parsed by the kind's schema (messages.ts): dates are Dates. */
type Handler<K extends OutboxKind> = (deps: AppDeps, row: OutboxRow, payload: OutboxPayload<K>) => Promise<DeliveryOutcome>;

async function creds(deps: AppDeps, providerId: string): Promise<PrakerjaCredentials> {
  const c = await deps.prakerjaCredentials(providerId);
  if (!c) throw new AdapterError('auth_failed', 'prakerja', `no prakerja.go.id credentials configured for provider ${providerId}`, { retryable: false });
  return c;
}

/**
 * prakerja.go.id's verdicts on a redeem code (unknown, another provider's, cancelled) are refusals:
 * retrying cannot change them and they say nothing about its health, so they dead-letter at once
 * with the reason instead of being retried as "unexpected" and opening the breaker for everyone.
 */
const refusalsAreFinal =
  <K extends OutboxKind>(handler: Handler<K>): Handler<K> =>
  async (deps, row, payload) => {
    try {
      return await handler(deps, row, payload);
    } catch (e) {
      if (e instanceof RedeemCodeRejected) throw new AdapterError('invalid_request', 'prakerja', e.prakerjaMessage, { platformCode: e.reason, retryable: false });
      throw e;
    }
  };

/** One handler per outbox kind: the only place that knows which adapter call a message becomes. */
const HANDLERS: { [K in OutboxKind]: Handler<K> } = {
  'platform.completion': async (deps, row, p) => {
    const r = await deps.platforms[row.destination as PlatformId].reportCompletion(p);
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.redemption': async (deps, row, p) => {
    const r = await deps.prakerja.reportRedemption(await creds(deps, row.providerId), p);
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.completion': async (deps, row, p) => {
    const r = await deps.prakerja.reportCompletion(await creds(deps, row.providerId), p);
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.certificate': async (deps, row, p) => {
    // prakerja.go.id refuses, for good, a certificate whose completion it does not have yet; both
    // are often due together (a review before the completion, a completion report being retried),
    // so the certificate waits for the completion's delivery instead of racing it.
    const [completion] = await deps.database.db
      .select({ status: outbox.status, nextAttemptAt: outbox.nextAttemptAt })
      .from(outbox)
      .where(eq(outbox.idempotencyKey, `${p.enrollmentId}:prakerja.completion`));
    if (completion?.status === 'dead') {
      throw new AdapterError('invalid_request', 'prakerja', 'the completion report to prakerja.go.id is dead-lettered; the certificate cannot go before it', { retryable: false });
    }
    if (completion?.status === 'pending') {
      return { kind: 'poll_again', afterMs: Math.max(deps.config.taskPollMs, completion.nextAttemptAt.getTime() - Date.now()) };
    }
    const r = await deps.prakerja.reportCertificate(await creds(deps, row.providerId), p);
    // Recorded in a transaction of its own, not in the dispatcher's bookkeeping one: that one holds
    // this outbox row while applyFacts would lock the enrollment, the reverse of the order a callback
    // takes (enrollment, then its outbox rows), and prakerja.go.id calls back right after this report.
    await deps.database.db.transaction(async (tx) => {
      const [e] = await tx.select({ reportedAt: enrollments.reportedAt }).from(enrollments).where(eq(enrollments.id, p.enrollmentId)).for('update');
      if (e && !e.reportedAt) await applyFacts(tx, p.enrollmentId, { reportedAt: new Date() }, { type: 'certificate_reported', source: 'gateway', detail: { reference: r.reference } });
    });
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.task.submit': refusalsAreFinal(async (deps, row, t) => {
    const c = await creds(deps, row.providerId);
    if (t.notes !== undefined) await deps.prakerja.submitTaskFeedback(c, { ...t, notes: t.notes });
    else await deps.prakerja.submitTask(c, t);
    return { kind: 'delivered', receipt: 'submitted', record: (tx) => recordTaskState(tx, row.providerId, t, { [t.notes !== undefined ? 'feedback' : 'assignment']: 'pending' }, { pollAfterMs: deps.config.taskPollMs }) };
  }),
  'prakerja.task.status': refusalsAreFinal(async (deps, row, t) => {
    const s = await deps.prakerja.taskStatus(await creds(deps, row.providerId), t);
    const settled = s.assignment !== 'pending' && s.feedback !== 'pending';
    const record = (tx: Tx) => recordTaskState(tx, row.providerId, t, s);
    return settled ? { kind: 'delivered', receipt: `assignment=${s.assignment} feedback=${s.feedback}`, record } : { kind: 'poll_again', afterMs: deps.config.taskPollMs, record };
  }),
  // A provider's webhook endpoint; the destination `webhook:<endpointId>` gives each endpoint its own breaker.
  'webhook.deliver': deliverWebhook,
};

/**
 * Delivers one outbox row: its payload parsed by its kind's schema, then its kind's handler. A
 * row no handler or schema accepts cannot get better by retrying: it is dead-lettered at once
 * with the reason.
 */
export function handle(deps: AppDeps, row: OutboxRow): Promise<DeliveryOutcome> {
  if (!isOutboxKind(row.kind)) throw new AdapterError('invalid_request', row.destination, `no handler for outbox kind ${row.kind}`, { retryable: false });
  return handleKind(row.kind, deps, row);
}

// The same table seen as a mapped type, so that indexing it with a generic kind keeps the kind.
const SCHEMAS: { [K in OutboxKind]: z.ZodType<OutboxPayload<K>> } = OUTBOX_PAYLOADS;

function handleKind<K extends OutboxKind>(kind: K, deps: AppDeps, row: OutboxRow): Promise<DeliveryOutcome> {
  const schema = SCHEMAS[kind];
  const parsed = schema.safeParse(row.payload);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
    throw new AdapterError('invalid_request', row.destination, `outbox payload of ${kind} does not parse: ${where}`, { retryable: false });
  }
  const handler: Handler<K> = HANDLERS[kind];
  return handler(deps, row, parsed.data);
}

export const DESTINATIONS = [...PLATFORM_IDS, 'prakerja'] as const;
