import { timingSafeEqual } from '../shared/crypto.js';
import { CALLBACK_TOLERANCE_MS, CallbackRejected, type CallbackRequest, type VerifiedCallback } from '../types.js';
import { isBukalapakEventType, type BukalapakEventType } from './events.js';
import { BUKALAPAK_WEBHOOK_HEADERS, bukalapakWebhookSignature } from './http.js';
import { BUKALAPAK_EVENT_TRANSLATORS, fromEpochSeconds } from './transformers.js';
import { BukalapakEventPayload, BukalapakWebhookBody } from './wire.js';

const EPOCH_SECONDS = /^\d{1,12}$/;
const SIGNATURE_PREFIX = 'sha256=';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Bukalapak webhooks: `X-Bukalapak-Signature: sha256=<hex HMAC(eventId.timestamp.body)>`, timestamp in epoch seconds. */
export async function verifyBukalapakCallback(secret: string | undefined, req: CallbackRequest): Promise<VerifiedCallback> {
  const eventId = req.headers.get(BUKALAPAK_WEBHOOK_HEADERS.eventId);
  const timestamp = req.headers.get(BUKALAPAK_WEBHOOK_HEADERS.timestamp);
  const signature = req.headers.get(BUKALAPAK_WEBHOOK_HEADERS.signature);
  if (!eventId || !timestamp || !signature) {
    throw new CallbackRejected('missing_signature', 'X-Bukalapak-Event-Id, X-Bukalapak-Timestamp and X-Bukalapak-Signature are all required');
  }
  if (!EPOCH_SECONDS.test(timestamp)) throw new CallbackRejected('malformed', 'X-Bukalapak-Timestamp is not epoch seconds');
  const sentAt = fromEpochSeconds(Number(timestamp));
  if (Math.abs(req.receivedAt.getTime() - sentAt.getTime()) > CALLBACK_TOLERANCE_MS) {
    throw new CallbackRejected('stale_timestamp', `X-Bukalapak-Timestamp ${timestamp} is more than ${CALLBACK_TOLERANCE_MS / 1000} s from now`);
  }
  if (!secret) throw new CallbackRejected('bad_signature', 'no webhook secret is configured for bukalapak');
  const expected = SIGNATURE_PREFIX + (await bukalapakWebhookSignature(secret, eventId, timestamp, req.rawBody));
  // Hex case carries no meaning, so an upper-case sender is not turned away.
  const offered = signature.startsWith(SIGNATURE_PREFIX) ? SIGNATURE_PREFIX + signature.slice(SIGNATURE_PREFIX.length).toLowerCase() : signature;
  if (!timingSafeEqual(offered, expected)) throw new CallbackRejected('bad_signature', 'X-Bukalapak-Signature does not match');

  const body = BukalapakWebhookBody.safeParse(parseJson(req.rawBody));
  if (!body.success) throw new CallbackRejected('malformed', 'body is not an {event, payload} webhook');
  const { event: type, payload } = body.data;
  if (!isBukalapakEventType(type)) return { eventId, platformType: type, occurredAt: sentAt, event: { kind: 'unknown', platformType: type } };
  const { event, occurredAt } = translate(type, payload);
  return { eventId, platformType: type, occurredAt, event };
}

function translate<T extends BukalapakEventType>(type: T, payload: unknown) {
  const parsed = BukalapakEventPayload[type].safeParse(payload);
  if (!parsed.success) throw new CallbackRejected('malformed', `${type} payload does not match the contract: ${parsed.error.message.slice(0, 300)}`);
  // TypeScript cannot correlate the schema and the translator picked by the same key; the tables' own types keep them in step.
  return (BUKALAPAK_EVENT_TRANSLATORS[type] as (p: unknown) => ReturnType<(typeof BUKALAPAK_EVENT_TRANSLATORS)[BukalapakEventType]>)(parsed.data);
}
