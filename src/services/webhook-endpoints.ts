import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { AppDeps } from '../app/context.js';
import type { Db, Tx } from '../db/database.js';
import { outbox, providerEvents, webhookEndpoints } from '../db/schema.js';
import { decodeIdCursor, idCursor } from '../lib/cursor.js';
import type { SecretBox } from '../lib/secrets.js';
import { maskDigitRuns } from '../lib/mask.js';
import { problems, ProblemError } from '../lib/problem.js';
import { EVENTS_API_VERSION, type ProviderEvent, type ProviderEventType } from '../webhooks/events.js';
import { newWebhookSecret } from '../webhooks/signing.js';
import { audit } from './ops/audit.js';
import { circuitOf, destinationStats } from './ops/platform-health.js';
import { newEventId, WEBHOOK_KIND, webhookDestination, webhookMessage, type WebhookEndpointRow, type WebhookPayload } from './provider-events.js';
import { enqueue } from '../outbox/enqueue.js';
import { announceOutboxRows } from '../outbox/announce.js';

/** Both secrets sign for this long after a rotation unless the provider asks otherwise (Svix: 24 h). */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** An endpoint failing every attempt for this long is disabled (Svix: 5 days). */
export const FAILING_DISABLE_MS = 5 * 24 * 3_600_000;
/** Feed events are kept this long, then purged by the housekeeping. */
export const EVENTS_KEEP_MS = 30 * 24 * 3_600_000;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * https only, except plain http to this machine in the sandbox (a developer's local receiver).
 * Anything else is a 400 naming the field, before anything is stored.
 */
export function checkEndpointUrl(url: string, allowLoopbackHttp: boolean): void {
  const u = new URL(url);
  if (u.protocol === 'https:') return;
  if (u.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(u.hostname)) return;
  throw problems.validation([
    { field: 'url', rule: 'https', message: allowLoopbackHttp ? 'must be https (or http to 127.0.0.1 / localhost in the sandbox)' : 'must be an https URL' },
  ]);
}

/** An endpoint as its provider sees it; the secret is shown once, at creation. */
export function endpointView(e: WebhookEndpointRow, now: Date) {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    eventTypes: e.eventTypes as ProviderEventType[],
    status: e.status,
    disabledReason: e.disabledReason,
    rotation: e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > now ? { previousSecretValidUntil: e.previousSecretUntil.toISOString() } : null,
    failingSince: e.failingSince?.toISOString() ?? null,
    lastSuccessAt: e.lastSuccessAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

async function owned(db: Db | Tx, providerId: string, id: string, lock = false): Promise<WebhookEndpointRow> {
  const q = db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.providerId, providerId)));
  const [row] = lock ? await q.for('update') : await q;
  // Another provider's endpoint is answered like a missing one.
  if (!row) throw problems.notFound('Webhook endpoint');
  return row;
}

type Deps = Pick<AppDeps, 'database' | 'now' | 'secrets'> & { webhooks?: AppDeps['webhooks'] };

/** The additional data of an endpoint's sealed secrets: a sealed value copied onto another endpoint's row does not open. */
export const webhookSecretContext = (endpointId: string) => `webhook_endpoint:${endpointId}:secret`;

export async function createEndpoint(deps: Deps, providerId: string, input: { url: string; description?: string; eventTypes?: ProviderEventType[] }) {
  checkEndpointUrl(input.url, deps.webhooks?.allowLoopbackHttp ?? false);
  const secret = newWebhookSecret();
  const id = `ep_${crypto.randomUUID().replace(/-/g, '')}`;
  const [row] = await deps.database.db
    .insert(webhookEndpoints)
    .values({ id, providerId, url: input.url, description: input.description ?? null, eventTypes: [...new Set(input.eventTypes ?? [])], secret: await deps.secrets.seal(secret, webhookSecretContext(id)) })
    .returning();
  return { ...endpointView(row, deps.now()), secret };
}

export async function listEndpoints(deps: Deps, providerId: string) {
  const rows = await deps.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.providerId, providerId)).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
  return { items: rows.map((r) => endpointView(r, deps.now())) };
}

export async function getEndpoint(deps: Deps, providerId: string, id: string) {
  return endpointView(await owned(deps.database.db, providerId, id), deps.now());
}

/** PATCH: url, description, event types, and `status: active` to re-enable a disabled endpoint (its failure run starts afresh). */
export async function updateEndpoint(deps: Deps, providerId: string, id: string, input: { url?: string; description?: string | null; eventTypes?: ProviderEventType[]; status?: 'active' | 'disabled' }) {
  if (input.url !== undefined) checkEndpointUrl(input.url, deps.webhooks?.allowLoopbackHttp ?? false);
  return deps.database.db.transaction(async (tx) => {
    const before = await owned(tx, providerId, id, true);
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.eventTypes !== undefined ? { eventTypes: [...new Set(input.eventTypes)] } : {}),
        ...(input.status === 'active' && before.status !== 'active' ? { status: 'active' as const, disabledReason: null, failingSince: null } : {}),
        ...(input.status === 'disabled' && before.status !== 'disabled' ? { status: 'disabled' as const, disabledReason: 'disabled by the provider' } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return endpointView(row, deps.now());
  });
}

export async function deleteEndpoint(deps: Deps, providerId: string, id: string) {
  await deps.database.db.transaction(async (tx) => {
    await owned(tx, providerId, id, true);
    // Its queued deliveries have nowhere to go: they end as dead letters with the reason rather than vanish.
    await tx
      .update(outbox)
      .set({ status: 'dead', lastError: 'endpoint deleted', leaseUntil: null })
      .where(and(eq(outbox.destination, webhookDestination(id)), eq(outbox.status, 'pending')));
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  });
  return { id, deleted: true as const };
}

/**
 * A new secret, returned once; the old one keeps signing next to it until the overlap ends, so a
 * receiver can deploy the new secret without rejecting a delivery in between.
 */
export async function rotateSecret(deps: Deps, providerId: string, id: string, overlapMs = ROTATION_OVERLAP_MS) {
  return deps.database.db.transaction(async (tx) => {
    const before = await owned(tx, providerId, id, true);
    const secret = newWebhookSecret();
    const [row] = await tx
      .update(webhookEndpoints)
      // The previous secret stays sealed as it was: only the delivery ever opens it.
      .set({ secret: await deps.secrets.seal(secret, webhookSecretContext(id)), previousSecret: overlapMs > 0 ? before.secret : null, previousSecretUntil: overlapMs > 0 ? new Date(deps.now().getTime() + overlapMs) : null, updatedAt: sql`now()` })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    return { ...endpointView(row, deps.now()), secret };
  });
}

/**
 * Opened webhook secrets by SecretBox, context and sealed value: every delivery to an endpoint
 * opened the same value again (AES-GCM through Web Crypto, ~10 % of a worker's CPU per webhook).
 * A rotation seals a new value, so a cached one is never stale; one that does not open is not kept.
 */
const openedSecrets = new WeakMap<SecretBox, Map<string, Promise<string>>>();
const OPENED_SECRETS_MAX = 1_000;

function openCached(box: SecretBox, sealed: string, context: string): Promise<string> {
  let cache = openedSecrets.get(box);
  if (!cache) openedSecrets.set(box, (cache = new Map()));
  const key = `${context}\n${sealed}`;
  let opened = cache.get(key);
  if (!opened) {
    if (cache.size >= OPENED_SECRETS_MAX) cache.clear();
    const c = cache;
    opened = box.open(sealed, context);
    opened.catch(() => c.delete(key));
    cache.set(key, opened);
  }
  return opened;
}

/** The secrets that sign a delivery now, opened: the current one, and the previous one during a rotation's overlap. */
export async function signingSecrets(deps: Pick<AppDeps, 'secrets'>, e: Pick<WebhookEndpointRow, 'id' | 'secret' | 'previousSecret' | 'previousSecretUntil'>, now: Date): Promise<string[]> {
  const sealed = e.previousSecret && e.previousSecretUntil && e.previousSecretUntil > now ? [e.secret, e.previousSecret] : [e.secret];
  return Promise.all(sealed.map((s) => openCached(deps.secrets, s, webhookSecretContext(e.id))));
}

/** POST …/test: a `ping` through the outbox, like every other delivery (retries, breaker, history). */
export async function sendTestPing(deps: Deps, providerId: string, id: string) {
  return deps.database.db.transaction(async (tx) => {
    const ep = await owned(tx, providerId, id);
    if (ep.status !== 'active') throw new ProblemError(409, 'endpoint_disabled', 'The endpoint is disabled', { detail: ep.disabledReason ?? undefined });
    const event = { id: newEventId(), type: 'ping' as const, occurredAt: deps.now().toISOString(), apiVersion: EVENTS_API_VERSION, enrollmentId: null, sequence: null, data: { enrollment: null, message: 'ping from the Prakerja Partner Gateway' } };
    const [row] = await enqueue(tx, [webhookMessage(ep, event, JSON.stringify(event))]);
    return { eventId: event.id, deliveryId: row.id };
  });
}

function deliveryView(r: typeof outbox.$inferSelect) {
  const p = r.payload as WebhookPayload;
  return {
    id: r.id,
    eventId: p.eventId,
    eventType: p.type,
    status: r.status,
    attempts: r.attempts,
    /** Each failed attempt: when, its HTTP status (if the endpoint answered), and an excerpt of what it said. */
    errors: r.errors.map((e) => ({ at: e.at, attempt: e.attempt, httpStatus: e.httpStatus ?? null, error: e.error })),
    lastResponse: r.receipt,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
  };
}

/** GET …/deliveries: newest first. */
export async function listDeliveries(deps: Deps, providerId: string, id: string, q: { cursor?: string; limit: number; status?: 'pending' | 'delivered' | 'dead' }) {
  await owned(deps.database.db, providerId, id);
  const before = decodeIdCursor(q.cursor);
  const rows = await deps.database.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.destination, webhookDestination(id)), eq(outbox.kind, WEBHOOK_KIND), q.status ? eq(outbox.status, q.status) : undefined, before !== undefined ? lt(outbox.id, before) : undefined))
    .orderBy(desc(outbox.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { items: page.map(deliveryView), nextCursor: rows.length > q.limit ? idCursor(page[page.length - 1].id) : null };
}

/**
 * POST …/deliveries/{deliveryId}/replay: the same delivery again, due now, with the same
 * webhook-id (the receiver deduplicates on it). A delivery being attempted right now is a 409.
 */
export async function replayDelivery(deps: Deps, providerId: string, id: string, deliveryId: number) {
  return deps.database.db.transaction(async (tx) => {
    const ep = await owned(tx, providerId, id);
    if (ep.status !== 'active') throw new ProblemError(409, 'endpoint_disabled', 'The endpoint is disabled; re-enable it first', { detail: ep.disabledReason ?? undefined });
    const [row] = await tx
      .update(outbox)
      .set({ status: 'pending', nextAttemptAt: sql`now()`, leaseUntil: null, leasedBy: null })
      .where(and(eq(outbox.id, deliveryId), eq(outbox.destination, webhookDestination(id)), or(isNull(outbox.leaseUntil), lt(outbox.leaseUntil, sql`now()`))))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: outbox.id }).from(outbox).where(and(eq(outbox.id, deliveryId), eq(outbox.destination, webhookDestination(id))));
      if (!exists) throw problems.notFound('Delivery');
      throw new ProblemError(409, 'delivery_in_progress', 'Delivery is being attempted right now', { detail: 'Try again once its attempt is recorded.' });
    }
    announceOutboxRows([row.id]);
    return deliveryView(row);
  });
}

/**
 * Disables an endpoint the gateway gave up on (410 Gone, or failing for five days), with an
 * `endpoint.disabled` audit entry operators see. Its pending deliveries stay: they dead-letter when
 * next due, each with the reason, and can be replayed once the provider re-enables it.
 */
export async function disableEndpoint(tx: Tx | Db, id: string, reason: string): Promise<boolean> {
  const done = await tx
    .update(webhookEndpoints)
    .set({ status: 'disabled', disabledReason: reason, updatedAt: sql`now()` })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.status, 'active')))
    .returning({ id: webhookEndpoints.id, providerId: webhookEndpoints.providerId, url: webhookEndpoints.url });
  if (done.length === 0) return false;
  await audit(tx, { operator: 'system', action: 'endpoint.disabled', target: `webhook_endpoint:${id}`, reason, detail: { providerId: done[0].providerId, url: maskDigitRuns(done[0].url) } });
  return true;
}

/** GET /v1/events: the caller's events, oldest first, after the cursor. */
export async function listEvents(deps: Deps, providerId: string, q: { after?: string; limit: number; type?: ProviderEventType }) {
  const after = decodeIdCursor(q.after, 'query:after') ?? 0;
  // Sequence numbers are taken when a transaction inserts, not when it commits: a reader could see
  // 12 before 11 commits and move its cursor past 11. Events younger than the settle time are left
  // for the next page, by which time transactions that started before them have committed.
  const settleMs = deps.webhooks?.feedSettleMs ?? 2_000;
  const rows = await deps.database.db
    .select({ seq: providerEvents.seq, body: providerEvents.body })
    .from(providerEvents)
    .where(
      and(
        eq(providerEvents.providerId, providerId),
        gt(providerEvents.seq, after),
        q.type ? eq(providerEvents.type, q.type) : undefined,
        settleMs > 0 ? lt(providerEvents.createdAt, new Date(Date.now() - settleMs)) : undefined,
      ),
    )
    .orderBy(asc(providerEvents.seq))
    .limit(q.limit);
  const last = rows.at(-1)?.seq ?? after;
  return {
    items: rows.map((r) => JSON.parse(r.body) as ProviderEvent),
    /** Pass back as `after`, also when the page was empty: it is where the next read starts. */
    nextCursor: idCursor(last),
    hasMore: rows.length === q.limit,
  };
}

/** Housekeeping: the feed keeps 30 days. */
export async function purgeProviderEvents(db: Db, keepMs = EVENTS_KEEP_MS, now = new Date()): Promise<number> {
  const gone = await db.delete(providerEvents).where(lt(providerEvents.createdAt, new Date(now.getTime() - keepMs))).returning({ seq: providerEvents.seq });
  return gone.length;
}

/** GET /v1/ops/webhook-endpoints: every provider's endpoints and how their deliveries fare, as GET /v1/ops/platforms shows the platforms. */
export async function endpointHealth(deps: Deps & { breakers?: AppDeps['breakers'] }) {
  const [endpoints, stats] = await Promise.all([
    deps.database.db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.providerId), asc(webhookEndpoints.createdAt)),
    destinationStats(deps, 'webhooks'),
  ]);
  const by = new Map(stats.map((r) => [r.destination, r]));
  const breakers = deps.breakers ? new Map(deps.breakers().map((b) => [b.destination, b])) : undefined;
  return {
    asOf: deps.now().toISOString(),
    endpoints: endpoints.map((e) => {
      const destination = webhookDestination(e.id);
      const r = by.get(destination);
      const successes = Number(r?.successes_1h ?? 0);
      const failures = Number(r?.failures_1h ?? 0);
      return {
        id: e.id,
        providerId: e.providerId,
        url: e.url,
        status: e.status,
        disabledReason: e.disabledReason,
        circuit: circuitOf(destination, r, breakers),
        lastHour: { successes, failures, errorRate: successes + failures === 0 ? null : Math.round((failures / (successes + failures)) * 1000) / 1000 },
        failingSince: e.failingSince?.toISOString() ?? null,
        lastSuccessAt: e.lastSuccessAt?.toISOString() ?? null,
        lastFailure: r?.last_failure_at ? { at: new Date(r.last_failure_at).toISOString(), error: r.last_failure_error } : null,
        pending: Number(r?.pending ?? 0),
        dead: Number(r?.dead ?? 0),
      };
    }),
  };
}
