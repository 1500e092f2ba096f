import { callbackPipeline, unixSeconds, type CallbackScheme } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { eventTable } from '../shared/events.js';
import { CallbackRejected } from '../types.js';
import { TOKOPEDIA_WEBHOOK_HEADERS, tokopediaWebhookSignature } from './http.js';
import { TOKOPEDIA_EVENT_TRANSLATORS } from './transformers.js';
import { TokopediaEventData, TokopediaWebhookBody } from './wire.js';

/**
 * Tokopedia webhooks (Standard Webhooks): every candidate signature is compared against every
 * configured secret without stopping at the first match, so timing says nothing about which one
 * matched; several secrets let one rotate out.
 */
export function tokopediaScheme(secrets: readonly string[]): CallbackScheme<keyof typeof TOKOPEDIA_WEBHOOK_HEADERS> {
  return {
    headers: TOKOPEDIA_WEBHOOK_HEADERS,
    async verify({ id, timestamp, signature }, req) {
      const sentAt = unixSeconds(timestamp, 'webhook-timestamp');
      // Other versions (e.g. asymmetric v1a) may ride along in the same header; only v1 is ours to check.
      const offered = signature
        .split(' ')
        .filter((s) => s.startsWith('v1,'))
        .map((s) => s.slice(3));
      let valid = false;
      for (const secret of secrets) {
        const expected = await tokopediaWebhookSignature(secret, id, timestamp, req.rawBody);
        for (const sig of offered) valid = timingSafeEqual(sig, expected) || valid;
      }
      if (!valid) throw new CallbackRejected('bad_signature', secrets.length ? 'no v1 signature matches' : 'no webhook secret is configured for tokopedia');
      return { sentAt, eventId: id };
    },
  };
}

/** Tokopedia's event words → canonical events: the one event table. */
export const TOKOPEDIA_EVENTS = eventTable(TokopediaEventData, TOKOPEDIA_EVENT_TRANSLATORS);

export const verifyTokopediaCallback = (secrets: readonly string[]) =>
  callbackPipeline({
    platform: 'tokopedia',
    scheme: tokopediaScheme(secrets),
    envelope: { schema: TokopediaWebhookBody, shape: 'a {type, data} webhook payload', open: (b) => ({ word: b.type, data: b.data }) },
    events: TOKOPEDIA_EVENTS,
  });
