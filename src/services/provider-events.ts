import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import type { EnrollmentRow } from '../db/enrollment-store.js';
import { enrollments, providerEvents, tasks, webhookEndpoints } from '../db/schema.js';
import type { EventSource } from '../domain/types.js';
import { enqueue, type OutboxMessage } from '../outbox/enqueue.js';
import { EVENTS_API_VERSION, type EventData, type ProviderEvent, type ProviderEventType } from '../webhooks/events.js';
import { enrollmentView } from './enrollment-view.js';

/** The outbox kind of a webhook delivery; its destination is `webhook:<endpointId>`. */
export const WEBHOOK_KIND = 'webhook.deliver';
export const webhookDestination = (endpointId: string): `webhook:${string}` => `webhook:${endpointId}`;

type About<K extends ProviderEventType> = K extends 'task.status_changed' | 'ping' ? null : EnrollmentRow;

/** An event to be told: its type, whose it is, the enrollment it is about (viewed as it stands now), and its own data. */
export type EventDraft = {
  [K in ProviderEventType]: { type: K; providerId: string; enrollment: About<K>; occurredAt: Date; data: Omit<EventData<K>, 'enrollment'> };
}[ProviderEventType];

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export const newEventId = () => `evt_${crypto.randomUUID().replace(/-/g, '')}`;

/** The view every event carries: the provider's enrollment view, card masked, without its history lists. */
function snapshot(e: EnrollmentRow) {
  const { deliveries: _d, timeline: _t, ...rest } = enrollmentView(e, [], []);
  return rest;
}

/** What a webhook delivery carries: the event's exact bytes, so every retry (and the feed) sends the same body. */
export interface WebhookPayload {
  eventId: string;
  type: ProviderEventType;
  body: string;
}

export const wants = (ep: Pick<WebhookEndpointRow, 'eventTypes'>, type: ProviderEventType) => type === 'ping' || ep.eventTypes.length === 0 || ep.eventTypes.includes(type);

export function webhookMessage(ep: Pick<WebhookEndpointRow, 'id' | 'providerId'>, event: { id: string; type: ProviderEventType; enrollmentId: string | null }, body: string): OutboxMessage {
  const payload: WebhookPayload = { eventId: event.id, type: event.type, body };
  return {
    destination: webhookDestination(ep.id),
    kind: WEBHOOK_KIND,
    providerId: ep.providerId,
    enrollmentId: event.enrollmentId ?? undefined,
    payload: { ...payload },
    idempotencyKey: `webhook:${ep.id}:${event.id}`,
  };
}

type ActiveEndpoint = Pick<WebhookEndpointRow, 'id' | 'providerId' | 'eventTypes'>;

/** The providers' endpoints events go to. */
function activeEndpoints(tx: Tx, providerIds: string[]): Promise<ActiveEndpoint[]> {
  return tx
    .select({ id: webhookEndpoints.id, providerId: webhookEndpoints.providerId, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(inArray(webhookEndpoints.providerId, providerIds), eq(webhookEndpoints.status, 'active')));
}

/**
 * The events of `drafts` as the provider will read them, numbered per enrollment from `next` (which
 * it advances), each with its exact body: what the feed stores and every webhook delivery sends.
 */
export function composeEvents(drafts: EventDraft[], next: Map<string, number>): { events: ProviderEvent[]; bodies: string[] } {
  const events = drafts.map((d) => {
    const enrollmentId = d.enrollment?.id ?? null;
    const sequence = enrollmentId ? next.get(enrollmentId)! : null;
    if (enrollmentId) next.set(enrollmentId, sequence! + 1);
    return {
      id: newEventId(),
      type: d.type,
      occurredAt: d.occurredAt.toISOString(),
      apiVersion: EVENTS_API_VERSION,
      enrollmentId,
      sequence,
      data: { ...d.data, enrollment: d.enrollment ? snapshot(d.enrollment) : null },
    } as ProviderEvent;
  });
  return { events, bodies: events.map((e) => JSON.stringify(e)) };
}

/**
 * Records events in the caller's transaction, the one that records their facts: each goes to the
 * provider's feed (provider_events) and, as one outbox row per active endpoint that wants its type,
 * to the dispatcher. Committed together with the fact or not at all.
 */
export async function emitProviderEvents(
  tx: Tx,
  drafts: EventDraft[],
  opts: { newEnrollment?: boolean } = {},
): Promise<ProviderEvent[]> {
  if (drafts.length === 0) return [];
  const endpoints = await activeEndpoints(tx, [...new Set(drafts.map((d) => d.providerId))]);

  // Per-enrollment sequence: the enrollment row is locked (already, by whoever applies the fact, or
  // here), so two transactions cannot both take the next number. An enrollment this transaction
  // has just written has no events yet: its numbers start at 1 without asking (the redemption path).
  const next = new Map<string, number>();
  for (const id of new Set(drafts.flatMap((d) => (d.enrollment ? [d.enrollment.id] : [])))) {
    if (opts.newEnrollment) {
      next.set(id, 1);
      continue;
    }
    await tx.select({ id: enrollments.id }).from(enrollments).where(eq(enrollments.id, id)).for('update');
    const [row] = await tx
      .select({ max: sql<number | null>`max(${providerEvents.enrollmentSequence})` })
      .from(providerEvents)
      .where(eq(providerEvents.enrollmentId, id));
    next.set(id, Number(row?.max ?? 0) + 1);
  }

  const { events, bodies } = composeEvents(drafts, next);
  await tx.insert(providerEvents).values(
    events.map((e, i) => ({ id: e.id, providerId: drafts[i].providerId, type: e.type, enrollmentId: e.enrollmentId, enrollmentSequence: e.sequence, occurredAt: new Date(e.occurredAt), body: bodies[i] })),
  );
  await enqueue(
    tx,
    events.flatMap((e, i) => endpoints.filter((ep) => ep.providerId === drafts[i].providerId && wants(ep, e.type)).map((ep) => webhookMessage(ep, e, bodies[i]))),
  );
  return events;
}

/**
 * The events a fact recorded by applyFacts means for the provider. `news` is false when the fact
 * was already known (a duplicate report): nothing new happened, so nothing is told.
 */
export function eventsOfFact(fact: { type: string; source: EventSource; occurredAt?: Date; detail?: Record<string, unknown> }, e: EnrollmentRow, news: boolean): EventDraft[] {
  if (!news) return [];
  const base = { providerId: e.providerId, enrollment: e, occurredAt: fact.occurredAt ?? new Date() };
  switch (fact.type) {
    case 'session_attended':
      return [{ ...base, type: 'enrollment.progressed', data: { session: Number(fact.detail?.sequence ?? e.sessionsAttended), sessionsAttended: e.sessionsAttended } }];
    case 'learning_progress':
      // Platform-delivered trainings: modules completed on the platform's learning system.
      return [{ ...base, type: 'enrollment.progressed', data: { session: Number(fact.detail?.modulesCompleted ?? e.sessionsAttended), sessionsAttended: e.sessionsAttended } }];
    case 'completion_reported':
      return [{ ...base, type: 'enrollment.completed', data: { outcome: e.outcome!, score: e.score ?? 0 } }];
    case 'review_submitted':
      return [{ ...base, type: 'review.submitted', data: { rating: e.rating ?? 0, via: fact.source === 'prakerja' ? 'prakerja' : 'platform' } }];
    case 'certificate_reported':
      return [{ ...base, type: 'certificate.reported', data: { reference: typeof fact.detail?.reference === 'string' ? fact.detail.reference : null } }];
    case 'prakerja_accepted':
      return [{ ...base, type: 'certificate.accepted', data: {} }];
    case 'prakerja_rejected':
      return [{ ...base, type: 'certificate.rejected', data: { reason: e.prakerjaRejection ?? String(fact.detail?.reason ?? '') } }];
    case 'grade_accepted':
      return [{ ...base, type: 'grade.accepted', data: {} }];
    case 'grade_rejected':
      return [{ ...base, type: 'grade.rejected', data: { reason: e.sisnakerRejection ?? String(fact.detail?.reason ?? '') } }];
    case 'name_accepted':
      return [{ ...base, type: 'name_review.resolved', data: { resolution: 'accepted' } }];
    case 'voucher_refunded':
      return [{ ...base, type: 'voucher.refunded', data: {} }];
    case 'voucher_expired':
      return [{ ...base, type: 'voucher.expired', data: {} }];
    default:
      // Facts of the gateway's own bookkeeping (state_changed, …) are not events for the provider.
      return [];
  }
}

/** What a redemption tells the provider: the enrollment exists, and, when the names differ, that it is held for review. */
export function redemptionEvents(e: EnrollmentRow): EventDraft[] {
  const at = e.redeemedAt ?? e.createdAt;
  const out: EventDraft[] = [{ type: 'enrollment.redeemed', providerId: e.providerId, enrollment: e, occurredAt: at, data: {} }];
  if (e.nameDecision !== 'match') out.push({ type: 'name_review.required', providerId: e.providerId, enrollment: e, occurredAt: at, data: { decision: e.nameDecision, score: e.nameScore } });
  return out;
}

/**
 * What a platform-delivered training's start tells the provider (the enrollment begins with the
 * platform's "started" callback instead of a redemption): call with `{ newEnrollment: true }` in
 * the transaction that writes the enrollment.
 */
export function startedEvents(e: EnrollmentRow): EventDraft[] {
  const at = e.redeemedAt ?? e.createdAt;
  const out: EventDraft[] = [{ type: 'enrollment.started', providerId: e.providerId, enrollment: e, occurredAt: at, data: {} }];
  if (e.nameDecision !== 'match') out.push({ type: 'name_review.required', providerId: e.providerId, enrollment: e, occurredAt: at, data: { decision: e.nameDecision, score: e.nameScore } });
  return out;
}

/**
 * prakerja.go.id scheduled a participant's incentive: each provider the participant trained with
 * hears of it once, on its most recent enrollment of that participant.
 */
export async function emitIncentiveEvents(tx: Tx, p: { kind: string; cardNumber: string; incentive: 'training' | 'survey'; sequence: number; amount: number; at: Date }): Promise<void> {
  if (p.kind !== 'incentive.scheduled') return;
  const rows = await tx.select().from(enrollments).where(eq(enrollments.cardNumber, p.cardNumber));
  const latest = new Map<string, EnrollmentRow>();
  for (const r of rows) {
    const seen = latest.get(r.providerId);
    if (!seen || (r.redeemedAt ?? r.createdAt) > (seen.redeemedAt ?? seen.createdAt)) latest.set(r.providerId, r);
  }
  await emitProviderEvents(
    tx,
    [...latest.values()].map((e) => ({
      type: 'incentive.scheduled',
      providerId: e.providerId,
      enrollment: e,
      occurredAt: p.at,
      data: { incentive: { kind: p.incentive, sequence: p.sequence, amount: p.amount, at: p.at.toISOString() } },
    })),
  );
}

/**
 * Called before a task's status is written: when prakerja.go.id's status of a part differs from
 * the one recorded, the provider is told the task's new status (task.status_changed). A poll that
 * finds nothing new tells nothing.
 */
export async function emitTaskEvents(
  tx: Tx,
  providerId: string,
  t: { redeemCode: string; scope: 'tpm' | 'uk'; sequence: number },
  states: Partial<Record<'assignment' | 'feedback', string>>,
): Promise<void> {
  const [before] = await tx
    .select({ assignment: tasks.assignment, feedback: tasks.feedback })
    .from(tasks)
    .where(and(eq(tasks.providerId, providerId), eq(tasks.redeemCode, t.redeemCode), eq(tasks.scope, t.scope), eq(tasks.sequence, t.sequence)))
    .for('update');
  if (!before) return;
  const after = { assignment: states.assignment ?? before.assignment, feedback: states.feedback ?? before.feedback };
  if (after.assignment === before.assignment && after.feedback === before.feedback) return;
  await emitProviderEvents(tx, [
    { type: 'task.status_changed', providerId, enrollment: null, occurredAt: new Date(), data: { task: { redeemCode: t.redeemCode, scope: t.scope, sequence: t.sequence, ...after } } },
  ]);
}
