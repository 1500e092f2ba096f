import { callbackPipeline, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { CallbackRejected } from '../types.js';
import { KEMNAKER_EVENTS } from './events.js';
import { KEMNAKER_CALLBACK_HEADERS, kemnakerSignature, SNAP_TIMESTAMP, type KemnakerConfig } from './http.js';
import { KemnakerNotification } from './wire.js';

/** SNAP notifications: HMAC-SHA512 over `POST:path:sha256(minified body):timestamp`, the same formula as our requests to Kemnaker. */
export function kemnakerScheme(cfg: Pick<KemnakerConfig, 'partnerId' | 'clientSecret'>): CallbackScheme<keyof typeof KEMNAKER_CALLBACK_HEADERS> {
  return {
    headers: KEMNAKER_CALLBACK_HEADERS,
    async verify({ timestamp, partnerId, eventId, signature }, req) {
      // The secret we hold belongs to this partner id; a notification naming another partnership
      // was not meant for this configuration, whatever its signature.
      if (partnerId !== cfg.partnerId) throw new CallbackRejected('bad_signature', 'kemnaker notification is addressed to another X-PARTNER-ID');
      const expected = await kemnakerSignature(cfg.clientSecret, 'POST', req.path, req.rawBody, timestamp);
      if (!timingSafeEqual(signature, expected)) throw new CallbackRejected('bad_signature', 'kemnaker notification signature does not match');
      const sentAt = SNAP_TIMESTAMP.test(timestamp) ? Date.parse(timestamp) : NaN;
      if (Number.isNaN(sentAt)) throw new CallbackRejected('malformed', 'kemnaker X-TIMESTAMP is not ISO-8601 with an offset');
      return { sentAt: new Date(sentAt), eventId };
    },
  };
}

export const verifyKemnakerCallback = (cfg: Pick<KemnakerConfig, 'partnerId' | 'clientSecret'>) =>
  callbackPipeline({
    platform: 'kemnaker',
    scheme: kemnakerScheme(cfg),
    envelope: { schema: KemnakerNotification, shape: '{ jenisEvent, data }', open: (b) => ({ word: b.jenisEvent, data: b.data }) },
    events: KEMNAKER_EVENTS,
  });
