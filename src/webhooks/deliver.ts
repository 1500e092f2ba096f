import { eq, sql } from 'drizzle-orm';
import { AdapterError } from '../../adapters/types.js';
import type { AppDeps } from '../app/context.js';
import { webhookEndpoints } from '../db/schema.js';
import { maskDigitRuns } from '../lib/mask.js';
import type { DeliveryOutcome, OutboxRow } from '../outbox/handlers.js';
import type { WebhookEndpointRow, WebhookPayload } from '../services/provider-events.js';
import { disableEndpoint, FAILING_DISABLE_MS, signingSecrets } from '../services/webhook-endpoints.js';
import { webhookHeaders } from './signing.js';

/** Svix gives an endpoint 15 s to answer. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
const EXCERPT = 200;

function retryAfterMs(v: string | null, now: number): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A failed attempt starts (or continues) the endpoint's failure run; five days of nothing but
 * failures disables it. Recorded in a transaction of its own, before the dispatcher records the
 * attempt: the endpoint's health is about the endpoint, not about this one row.
 */
async function noteFailure(deps: AppDeps, ep: WebhookEndpointRow): Promise<void> {
  await deps.database.db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, now())` })
      .where(eq(webhookEndpoints.id, ep.id))
      .returning({ failingSince: webhookEndpoints.failingSince });
    if (row?.failingSince && deps.now().getTime() - row.failingSince.getTime() >= FAILING_DISABLE_MS) {
      await disableEndpoint(tx, ep.id, `every delivery failed since ${row.failingSince.toISOString()} (5 days)`);
    }
  });
}

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
}

/**
 * POSTs one delivery, giving up after the webhook timeout with an error named TimeoutError (or
 * AbortError). Redirects are never followed: a redirect is the receiver's misconfiguration, and
 * following it would send the event somewhere unchecked. Node sends through its wire transport;
 * Workers and tests through fetch.
 */
async function post(deps: AppDeps, url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  const timeoutMs = deps.webhooks?.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const transport = deps.webhooks?.transport;
  if (transport) {
    const res = await transport({ method: 'POST', url, headers, body }, timeoutMs);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), text: res.text };
  }
  const res = await (deps.webhooks?.fetch ?? fetch)(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text().catch(() => '') };
}

/**
 * The outbox handler of `webhook.deliver`: POSTs the event's stored bytes to the endpoint, signed
 * per Standard Webhooks with the same webhook-id on every attempt. 2xx is delivered; 408, 429 and
 * 5xx, timeouts and network errors are retried on the outbox's schedule (Retry-After honoured);
 * any other 4xx is final; 410 Gone also disables the endpoint.
 */
export async function deliverWebhook(deps: AppDeps, row: OutboxRow, p: WebhookPayload): Promise<DeliveryOutcome> {
  const endpointId = row.destination.slice('webhook:'.length);
  const [ep] = await deps.database.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
  if (!ep) throw new AdapterError('invalid_request', row.destination, 'endpoint deleted', { retryable: false });
  if (ep.status !== 'active') throw new AdapterError('invalid_request', row.destination, `endpoint disabled: ${ep.disabledReason ?? 'disabled'}`, { retryable: false });

  const now = deps.now();
  const headers = await webhookHeaders(await signingSecrets(deps, ep, now), p.eventId, p.body, now);
  let res: Answer;
  try {
    res = await post(deps, ep.url, { 'content-type': 'application/json', 'user-agent': 'PrakerjaPartnerGateway-Webhooks/1', ...headers }, p.body);
  } catch (e) {
    await noteFailure(deps, ep);
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    throw new AdapterError(timedOut ? 'timeout' : 'platform_unavailable', row.destination, timedOut ? 'no answer in time' : `could not connect: ${e instanceof Error ? e.message : String(e)}`, { retryable: true });
  }
  // An excerpt of the answer for the deliveries view; a card number echoed back is masked like in every error kept.
  const excerpt = maskDigitRuns(res.text.slice(0, EXCERPT));
  if (res.status >= 200 && res.status < 300) {
    return {
      kind: 'delivered',
      receipt: `HTTP ${res.status}${excerpt ? ` ${excerpt}` : ''}`,
      // The endpoint's failure run ends with a success, whichever row it was: a dispatcher writes it once per batch.
      record: async (tx) => {
        await tx.update(webhookEndpoints).set({ failingSince: null, lastSuccessAt: sql`now()` }).where(eq(webhookEndpoints.id, ep.id));
      },
      sharedBy: `webhook-endpoint:${ep.id}`,
    };
  }
  if (res.status === 410) {
    await disableEndpoint(deps.database.db, ep.id, 'the endpoint answered 410 Gone');
    throw new AdapterError('invalid_request', row.destination, `HTTP 410 (endpoint disabled)${excerpt ? `: ${excerpt}` : ''}`, { httpStatus: 410, retryable: false });
  }
  await noteFailure(deps, ep);
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new AdapterError(res.status === 429 ? 'rate_limited' : retryable ? 'platform_unavailable' : 'invalid_request', row.destination, `HTTP ${res.status}${excerpt ? `: ${excerpt}` : ''}`, {
    httpStatus: res.status,
    retryable,
    retryAfterMs: retryAfterMs(res.retryAfter, Date.now()),
  });
}
