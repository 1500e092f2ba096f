import { callbackPipeline, type CallbackScheme } from '../shared/callbacks.js';
import { KARIERMU_EVENTS } from './events.js';
import { KARIERMU_SIGNATURE_HEADER, verifyKariermuSignature, type KariermuKeyStore } from './http.js';
import { KariermuCallback } from './wire.js';

/** Karier.mu signs its callbacks as a detached JWS (RS256) checked against its JWKS. */
export function kariermuScheme(keys: KariermuKeyStore): CallbackScheme<'signature'> {
  return {
    headers: { signature: KARIERMU_SIGNATURE_HEADER },
    async verify({ signature }, req) {
      const header = await verifyKariermuSignature(signature, req.rawBody, keys);
      // iat is in the signed header, so after verification it can be trusted as the sending time.
      return { sentAt: new Date(header.iat * 1000) };
    },
  };
}

export const verifyKariermuCallback = (keys: KariermuKeyStore) =>
  callbackPipeline({
    platform: 'kariermu',
    scheme: kariermuScheme(keys),
    envelope: { schema: KariermuCallback, shape: '{ id, event, data }', open: (b) => ({ word: b.event, data: b.data, eventId: b.id }) },
    events: KARIERMU_EVENTS,
  });
