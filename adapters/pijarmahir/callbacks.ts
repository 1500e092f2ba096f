import { callbackPipeline, unixSeconds, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { parseSignatureHeader, pijarCallbackSignature } from './http.js';
import { PIJAR_EVENT_TRANSLATORS } from './transformers.js';
import { PijarCallback, PijarEventData } from './wire.js';

export const PIJAR_CALLBACK_HEADERS = { id: 'pijar-event-id', signature: 'pijar-signature' } as const;

/** `Pijar-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, the partner secret (modelled). */
export function pijarScheme(secret: string): CallbackScheme<keyof typeof PIJAR_CALLBACK_HEADERS> {
  return {
    headers: PIJAR_CALLBACK_HEADERS,
    async verify({ id, signature }, req) {
      const { t, v1 } = parseSignatureHeader(signature);
      if (!t || v1.length === 0) throw new CallbackRejected('malformed', 'Pijar-Signature is not t=<unix>,v1=<hex>');
      const sentAt = unixSeconds(t, 'Pijar-Signature t');
      const expected = await pijarCallbackSignature(secret, t, req.rawBody);
      // Every offered v1 is compared, so the time taken says nothing about which one matched.
      let valid = false;
      for (const sig of v1) valid = timingSafeEqual(sig, expected) || valid;
      if (!valid) throw new CallbackRejected('bad_signature', 'no v1 signature matches');
      return { sentAt, eventId: id };
    },
  };
}

/** Pijar Mahir's event words → canonical events: the one event table. */
export const PIJAR_EVENTS = eventTable(PijarEventData, PIJAR_EVENT_TRANSLATORS);

export const verifyPijarCallback = (secret: string) =>
  callbackPipeline({
    platform: 'pijarmahir',
    scheme: pijarScheme(secret),
    // The body repeats the event id; the pipeline refuses one that differs from the signed header.
    envelope: { schema: PijarCallback, shape: '{ id, type, created_at, data }', open: (b) => ({ word: b.type, data: b.data, eventId: b.id, at: new Date(b.created_at) }) },
    events: PIJAR_EVENTS,
  });
