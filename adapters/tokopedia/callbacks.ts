import { timingSafeEqual } from '../shared/crypto.js';
import { CALLBACK_TOLERANCE_MS, CallbackRejected, type CallbackRequest, type VerifiedCallback } from '../types.js';
import { isTokopediaEventType, type TokopediaEventType } from './events.js';
import { TOKOPEDIA_WEBHOOK_HEADERS, tokopediaWebhookSignature } from './http.js';
import { TOKOPEDIA_EVENT_TRANSLATORS } from './transformers.js';
import { TokopediaEventData, TokopediaWebhookBody } from './wire.js';

const UNIX_SECONDS = /^\d{1,12}$/;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Tokopedia webhooks (Standard Webhooks): the timestamp is checked before the HMAC, as the spec's
 * reference libraries do, and every candidate signature is compared against every configured
 * secret without stopping at the first match, so timing says nothing about which one matched.
 */
export async function verifyTokopediaCallback(secrets: readonly string[], req: CallbackRequest): Promise<VerifiedCallback> {
  const id = req.headers.get(TOKOPEDIA_WEBHOOK_HEADERS.id);
  const timestamp = req.headers.get(TOKOPEDIA_WEBHOOK_HEADERS.timestamp);
  const signatureHeader = req.headers.get(TOKOPEDIA_WEBHOOK_HEADERS.signature);
  if (!id || !timestamp || !signatureHeader?.trim()) {
    throw new CallbackRejected('missing_signature', 'webhook-id, webhook-timestamp and webhook-signature are all required');
  }
  if (!UNIX_SECONDS.test(timestamp)) throw new CallbackRejected('malformed', 'webhook-timestamp is not Unix seconds');
  const sentAt = new Date(Number(timestamp) * 1000);
  if (Math.abs(req.receivedAt.getTime() - sentAt.getTime()) > CALLBACK_TOLERANCE_MS) {
    throw new CallbackRejected('stale_timestamp', `webhook-timestamp ${timestamp} is more than ${CALLBACK_TOLERANCE_MS / 1000} s from now`);
  }

  // Other versions (e.g. asymmetric v1a) may ride along in the same header; only v1 is ours to check.
  const offered = signatureHeader
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => s.slice(3));
  let valid = false;
  for (const secret of secrets) {
    const expected = await tokopediaWebhookSignature(secret, id, timestamp, req.rawBody);
    for (const sig of offered) valid = timingSafeEqual(sig, expected) || valid;
  }
  if (!valid) throw new CallbackRejected('bad_signature', secrets.length ? 'no v1 signature matches' : 'no webhook secret is configured for tokopedia');

  const body = TokopediaWebhookBody.safeParse(parseJson(req.rawBody));
  if (!body.success) throw new CallbackRejected('malformed', 'body is not a {type, data} webhook payload');
  const { type, data } = body.data;
  if (!isTokopediaEventType(type)) return { eventId: id, platformType: type, occurredAt: sentAt, event: { kind: 'unknown', platformType: type } };
  const { event, occurredAt } = translate(type, data);
  return { eventId: id, platformType: type, occurredAt, event };
}

function translate<T extends TokopediaEventType>(type: T, data: unknown) {
  const parsed = TokopediaEventData[type].safeParse(data);
  if (!parsed.success) throw new CallbackRejected('malformed', `${type} data does not match the contract: ${parsed.error.message.slice(0, 300)}`);
  // TypeScript cannot correlate the schema and the translator picked by the same key; the tables' own types keep them in step.
  return (TOKOPEDIA_EVENT_TRANSLATORS[type] as (d: unknown) => ReturnType<(typeof TOKOPEDIA_EVENT_TRANSLATORS)[TokopediaEventType]>)(parsed.data);
}
