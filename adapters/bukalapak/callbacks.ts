import { callbackPipeline, unixSeconds, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { BUKALAPAK_WEBHOOK_HEADERS, bukalapakWebhookSignature } from './http.js';
import { BUKALAPAK_EVENT_TRANSLATORS } from './transformers.js';
import { BukalapakEventPayload, BukalapakWebhookBody } from './wire.js';

const SIGNATURE_PREFIX = 'sha256=';

/** Bukalapak webhooks: `X-Bukalapak-Signature: sha256=<hex HMAC(eventId.timestamp.body)>`, timestamp in epoch seconds. */
export function bukalapakScheme(secret: string | undefined): CallbackScheme<keyof typeof BUKALAPAK_WEBHOOK_HEADERS> {
  return {
    headers: BUKALAPAK_WEBHOOK_HEADERS,
    async verify({ eventId, timestamp, signature }, req) {
      const sentAt = unixSeconds(timestamp, 'X-Bukalapak-Timestamp');
      if (!secret) throw new CallbackRejected('bad_signature', 'no webhook secret is configured for bukalapak');
      const expected = SIGNATURE_PREFIX + (await bukalapakWebhookSignature(secret, eventId, timestamp, req.rawBody));
      // Hex case carries no meaning, so an upper-case sender is not turned away.
      const offered = signature.startsWith(SIGNATURE_PREFIX) ? SIGNATURE_PREFIX + signature.slice(SIGNATURE_PREFIX.length).toLowerCase() : signature;
      if (!timingSafeEqual(offered, expected)) throw new CallbackRejected('bad_signature', 'X-Bukalapak-Signature does not match');
      return { sentAt, eventId };
    },
  };
}

/** Bukalapak's event words → canonical events: the one event table. */
export const BUKALAPAK_EVENTS = eventTable(BukalapakEventPayload, BUKALAPAK_EVENT_TRANSLATORS);

export const verifyBukalapakCallback = (secret: string | undefined) =>
  callbackPipeline({
    platform: 'bukalapak',
    scheme: bukalapakScheme(secret),
    envelope: { schema: BukalapakWebhookBody, shape: 'an {event, payload} webhook', open: (b) => ({ word: b.event, data: b.payload }) },
    events: BUKALAPAK_EVENTS,
  });
