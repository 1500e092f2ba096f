import { callbackPipeline, unixSeconds, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { sekolahmuCallbackSignature } from './http.js';
import { SEKOLAHMU_EVENT_TRANSLATORS } from './transformers.js';
import { SekolahmuCallback, SekolahmuEventData } from './wire.js';

export const SEKOLAHMU_CALLBACK_HEADERS = { id: 'x-sekolahmu-event-id', timestamp: 'x-sekolahmu-timestamp', signature: 'x-sekolahmu-signature' } as const;

/** `X-Sekolahmu-Signature: sha256=<hex HMAC-SHA256 of "timestamp.body">` (modelled). */
export function sekolahmuScheme(secret: string): CallbackScheme<keyof typeof SEKOLAHMU_CALLBACK_HEADERS> {
  return {
    headers: SEKOLAHMU_CALLBACK_HEADERS,
    async verify({ id, timestamp, signature }, req) {
      const sentAt = unixSeconds(timestamp, 'X-Sekolahmu-Timestamp');
      if (!timingSafeEqual(signature, `sha256=${await sekolahmuCallbackSignature(secret, timestamp, req.rawBody)}`)) throw new CallbackRejected('bad_signature', 'X-Sekolahmu-Signature does not match');
      return { sentAt, eventId: id };
    },
  };
}

/** Sekolahmu's event words → canonical events: the one event table. */
export const SEKOLAHMU_EVENTS = eventTable(SekolahmuEventData, SEKOLAHMU_EVENT_TRANSLATORS);

export const verifySekolahmuCallback = (secret: string) =>
  callbackPipeline({
    platform: 'sekolahmu',
    scheme: sekolahmuScheme(secret),
    envelope: { schema: SekolahmuCallback, shape: '{ eventType, occurredAt, payload }', open: (b) => ({ word: b.eventType, data: b.payload, at: new Date(b.occurredAt) }) },
    events: SEKOLAHMU_EVENTS,
  });
