import { callbackPipeline, unixSeconds, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { mbaCallbackSignature } from './http.js';
import { MBA_EVENT_TRANSLATORS } from './transformers.js';
import { MbaCallback, MbaEventData } from './wire.js';

export const MBA_CALLBACK_HEADERS = { delivery: 'x-mba-delivery', timestamp: 'x-mba-timestamp', signature: 'x-mba-signature' } as const;

/** `X-MBA-Signature`: base64 HMAC-SHA512 over `timestamp\ndelivery\nbody` (modelled). */
export function mbaScheme(secret: string): CallbackScheme<keyof typeof MBA_CALLBACK_HEADERS> {
  return {
    headers: MBA_CALLBACK_HEADERS,
    async verify({ delivery, timestamp, signature }, req) {
      const sentAt = unixSeconds(timestamp, 'X-MBA-Timestamp');
      if (!timingSafeEqual(signature, await mbaCallbackSignature(secret, timestamp, delivery, req.rawBody))) throw new CallbackRejected('bad_signature', 'X-MBA-Signature does not match');
      return { sentAt, eventId: delivery };
    },
  };
}

/** MauBelajarApa's event words → canonical events: the one event table. */
export const MBA_EVENTS = eventTable(MbaEventData, MBA_EVENT_TRANSLATORS);

export const verifyMbaCallback = (secret: string) =>
  callbackPipeline({
    platform: 'maubelajarapa',
    scheme: mbaScheme(secret),
    envelope: { schema: MbaCallback, shape: '{ event, payload }', open: (b) => ({ word: b.event, data: b.payload }) },
    events: MBA_EVENTS,
  });
