import { eq } from 'drizzle-orm';
import { AdapterError, RedeemCodeRejected, type Certificate, type CompletionReport, type PrakerjaCredentials, type TaskScope } from '../contract/adapter.js';
import type { AppDeps } from '../app/context.js';
import type { Tx } from '../db/database.js';
import { enrollments, outbox } from '../db/schema.js';
import type { PlatformId } from '../domain/types.js';
import { PLATFORM_IDS } from '../domain/types.js';
import { applyFacts } from '../services/enrollment-updates.js';
import { recordTaskState } from '../services/tasks.js';
import { deliverWebhook } from '../webhooks/deliver.js';

export type OutboxRow = typeof outbox.$inferSelect;

/** What a delivery achieved: a receipt (and what to record about it), or "ask again later" for polls. */
export type DeliveryOutcome =
  | { kind: 'delivered'; receipt: string; record?: (tx: Tx) => Promise<void> }
  | { kind: 'poll_again'; afterMs: number; record?: (tx: Tx) => Promise<void> };

type Handler = (deps: AppDeps, row: OutboxRow) => Promise<DeliveryOutcome>;

const dates = <T extends Record<string, unknown>>(p: T, ...keys: string[]): T => {
  const out: Record<string, unknown> = { ...p };
  for (const k of keys) if (typeof out[k] === 'string') out[k] = new Date(out[k] as string);
  return out as T;
};

function completion(payload: unknown): CompletionReport {
  const p = dates(payload as Record<string, unknown>, 'completedAt') as unknown as CompletionReport;
  const cert = p.certificate as (Omit<Certificate, 'issuedAt'> & { issuedAt: string | Date }) | undefined;
  return { ...p, certificate: cert ? { ...cert, issuedAt: new Date(cert.issuedAt) } : undefined };
}

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
  (handler: Handler): Handler =>
  async (deps, row) => {
    try {
      return await handler(deps, row);
    } catch (e) {
      if (e instanceof RedeemCodeRejected) throw new AdapterError('invalid_request', 'prakerja', e.prakerjaMessage, { platformCode: e.reason, retryable: false });
      throw e;
    }
  };

/** One handler per outbox kind: the only place that knows which adapter call a message becomes. */
export const HANDLERS: Record<string, Handler> = {
  'platform.completion': async (deps, row) => {
    const r = await deps.platforms[row.destination as PlatformId].reportCompletion(completion(row.payload));
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.redemption': async (deps, row) => {
    const p = dates(row.payload as Record<string, unknown>, 'redeemedAt') as never;
    const r = await deps.prakerja.reportRedemption(await creds(deps, row.providerId), p);
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.completion': async (deps, row) => {
    const p = row.payload as { platform: PlatformId };
    const r = await deps.prakerja.reportCompletion(await creds(deps, row.providerId), { ...completion(row.payload), platform: p.platform });
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.certificate': async (deps, row) => {
    const p = row.payload as { enrollmentId: string; voucherCode: string; cardNumber: string; platform: PlatformId; certificate: Certificate & { issuedAt: string }; reviewedAt: string; idempotencyKey: string };
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
    const r = await deps.prakerja.reportCertificate(await creds(deps, row.providerId), {
      ...p,
      certificate: { ...p.certificate, issuedAt: new Date(p.certificate.issuedAt) },
      reviewedAt: new Date(p.reviewedAt),
    });
    // Recorded in a transaction of its own, not in the dispatcher's bookkeeping one: that one holds
    // this outbox row while applyFacts would lock the enrollment, the reverse of the order a callback
    // takes (enrollment, then its outbox rows), and prakerja.go.id calls back right after this report.
    await deps.database.db.transaction(async (tx) => {
      const [e] = await tx.select({ reportedAt: enrollments.reportedAt }).from(enrollments).where(eq(enrollments.id, p.enrollmentId)).for('update');
      if (e && !e.reportedAt) await applyFacts(tx, p.enrollmentId, { reportedAt: new Date() }, { type: 'certificate_reported', source: 'gateway', detail: { reference: r.reference } });
    });
    return { kind: 'delivered', receipt: r.reference };
  },
  'prakerja.task.submit': refusalsAreFinal(async (deps, row) => {
    const t = row.payload as { redeemCode: string; scope: TaskScope; sequence: number; fileUrl: string; notes?: string };
    const c = await creds(deps, row.providerId);
    if (t.notes !== undefined) await deps.prakerja.submitTaskFeedback(c, { ...t, notes: t.notes });
    else await deps.prakerja.submitTask(c, t);
    return { kind: 'delivered', receipt: 'submitted', record: (tx) => recordTaskState(tx, row.providerId, t, { [t.notes !== undefined ? 'feedback' : 'assignment']: 'pending' }, { pollAfterMs: deps.config.taskPollMs }) };
  }),
  'prakerja.task.status': refusalsAreFinal(async (deps, row) => {
    const t = row.payload as { redeemCode: string; scope: TaskScope; sequence: number };
    const s = await deps.prakerja.taskStatus(await creds(deps, row.providerId), t);
    const settled = s.assignment !== 'pending' && s.feedback !== 'pending';
    const record = (tx: Tx) => recordTaskState(tx, row.providerId, t, s);
    return settled ? { kind: 'delivered', receipt: `assignment=${s.assignment} feedback=${s.feedback}`, record } : { kind: 'poll_again', afterMs: deps.config.taskPollMs, record };
  }),
  // A provider's webhook endpoint; the destination `webhook:<endpointId>` gives each endpoint its own breaker.
  'webhook.deliver': deliverWebhook,
};

export const DESTINATIONS = [...PLATFORM_IDS, 'prakerja'] as const;
