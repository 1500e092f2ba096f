import { callbackPipeline, type CallbackScheme } from '../shared/callbacks.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { checkPintariaSignature } from './http.js';
import { PINTARIA_EVENT_TRANSLATORS } from './transformers.js';
import { PintariaCallback, PintariaEventData } from './wire.js';

/** Pintaria signs its callbacks with this key id and the shared secret (modelled). */
export const PINTARIA_CALLBACK_KEY_ID = 'pintaria-webhooks';

/** HTTP Signatures (draft-cavage-12) over `(request-target) date digest`, hmac-sha256 (modelled). */
export function pintariaScheme(secret: string): CallbackScheme<'signature' | 'date' | 'digest'> {
  return {
    headers: { signature: 'signature', date: 'date', digest: 'digest' },
    async verify({ date }, req) {
      // The tolerance is the pipeline's: here only the signature is checked.
      const check = await checkPintariaSignature(secret, PINTARIA_CALLBACK_KEY_ID, { method: 'POST', pathWithQuery: req.path, headers: req.headers, body: req.rawBody, now: req.receivedAt, toleranceMs: Infinity });
      if (check === 'missing' || check === 'bad_signature') throw new CallbackRejected('bad_signature', 'HTTP signature does not verify');
      // An unreadable Date is an Invalid Date, which the pipeline refuses as stale.
      return { sentAt: new Date(date) };
    },
  };
}

/** Pintaria's event words → canonical events: the one event table. */
export const PINTARIA_EVENTS = eventTable(PintariaEventData, PINTARIA_EVENT_TRANSLATORS);

export const verifyPintariaCallback = (secret: string) =>
  callbackPipeline({
    platform: 'pintaria',
    scheme: pintariaScheme(secret),
    envelope: { schema: PintariaCallback, shape: '{ id, topic, sent_at, object }', open: (b) => ({ word: b.topic, data: b.object, eventId: b.id, at: new Date(b.sent_at) }) },
    events: PINTARIA_EVENTS,
  });
