import type { z } from 'zod';
import { callbackPipeline, type CallbackScheme, type Decoded, type EventTable } from '../shared/callbacks.js';
import { timingSafeEqual } from '../shared/crypto.js';
import { CallbackRejected, type PrakerjaEvent } from '../types.js';
import { PRAKERJA_CALLBACK_CLIENT_CODE, PRAKERJA_EVENT_ID_HEADER, prakerjaSignature } from './http.js';
import { formatWib, parseWib } from './time.js';
import { CallbackEnvelope, CompletionAcceptedData, CompletionRejectedData, IncentiveData, ReviewSubmittedData } from './wire.js';

/**
 * MODELLED: prakerja.go.id's callbacks to the gateway. Nothing about them is published; the
 * scheme reuses the public API's signature so that one formula covers both directions.
 */

export type PrakerjaEventKind = Exclude<PrakerjaEvent['kind'], 'unknown'>;
export type KnownPrakerjaEvent = Exclude<PrakerjaEvent, { kind: 'unknown' }>;

/**
 * The canonical event for one kind. `Extract` would drop the incentive variant, whose `kind` is a
 * union of three words, so each variant is narrowed to the one word instead.
 */
export type PrakerjaEventOf<K extends PrakerjaEventKind> = KnownPrakerjaEvent extends infer E
  ? E extends { kind: infer EK }
    ? K extends EK
      ? E & { kind: K }
      : never
    : never
  : never;

export interface PrakerjaEventRow<K extends PrakerjaEventKind> {
  /** Wire `data` → canonical event, or undefined when the data does not fit the event's contract. */
  read(data: unknown, kind: K): PrakerjaEventOf<K> | undefined;
  /** Canonical → wire `data`; the sandbox speaks through this so both sides share one contract. */
  write(event: PrakerjaEventOf<K>): Record<string, unknown>;
  occurredAt(event: PrakerjaEventOf<K>): Date;
}

function row<K extends PrakerjaEventKind, S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  read: (d: z.output<S>, kind: K) => PrakerjaEventOf<K>,
  write: (e: PrakerjaEventOf<K>) => z.input<S>,
  occurredAt: (e: PrakerjaEventOf<K>) => Date,
): PrakerjaEventRow<K> {
  return {
    read(data, kind) {
      const r = schema.safeParse(data);
      return r.success ? read(r.data, kind) : undefined;
    },
    write: (e) => write(e) as Record<string, unknown>,
    occurredAt,
  };
}

// The wire schemas have already proved every WIB string parses.
const wib = (s: string) => parseWib(s)!;

type IncentiveKind = 'incentive.scheduled' | 'incentive.disbursed' | 'incentive.failed';

// The three incentive events share one shape; only the word differs.
function incentiveRow<K extends IncentiveKind>(): PrakerjaEventRow<K> {
  const shared = row<IncentiveKind, typeof IncentiveData>(
    IncentiveData,
    (d, kind) =>
      ({
        kind,
        cardNumber: d.card_number,
        incentive: d.incentive,
        sequence: d.sequence,
        amount: d.amount,
        at: wib(d.at),
        ...(d.reason !== undefined ? { reason: d.reason } : {}),
      }) as PrakerjaEventOf<IncentiveKind>,
    (e) => ({ card_number: e.cardNumber, incentive: e.incentive, sequence: e.sequence, amount: e.amount, at: formatWib(e.at), ...(e.reason !== undefined ? { reason: e.reason } : {}) }),
    (e) => e.at,
  );
  return shared as unknown as PrakerjaEventRow<K>;
}

/**
 * The one table from prakerja.go.id's event words to canonical events, in both directions. It is
 * keyed by every known kind, so a kind added to PrakerjaEvent without a row fails to compile.
 */
export const PRAKERJA_EVENTS: { readonly [K in PrakerjaEventKind]: PrakerjaEventRow<K> } = {
  'completion.accepted': row(
    CompletionAcceptedData,
    (d, kind) => ({ kind, enrollmentId: d.enrollment_id, voucherCode: d.voucher_code, at: wib(d.at) }),
    (e) => ({ enrollment_id: e.enrollmentId, voucher_code: e.voucherCode, at: formatWib(e.at) }),
    (e) => e.at,
  ),
  'completion.rejected': row(
    CompletionRejectedData,
    (d, kind) => ({ kind, enrollmentId: d.enrollment_id, voucherCode: d.voucher_code, reason: d.reason, at: wib(d.at) }),
    (e) => ({ enrollment_id: e.enrollmentId, voucher_code: e.voucherCode, reason: e.reason, at: formatWib(e.at) }),
    (e) => e.at,
  ),
  'review.submitted': row(
    ReviewSubmittedData,
    (d, kind) => ({ kind, voucherCode: d.voucher_code, platform: d.platform, rating: d.rating, review: d.review, reviewedAt: wib(d.reviewed_at) }),
    (e) => ({ voucher_code: e.voucherCode, platform: e.platform, rating: e.rating, review: e.review, reviewed_at: formatWib(e.reviewedAt) }),
    (e) => e.reviewedAt,
  ),
  'incentive.scheduled': incentiveRow(),
  'incentive.disbursed': incentiveRow(),
  'incentive.failed': incentiveRow(),
};

function eventRow(word: string): PrakerjaEventRow<PrakerjaEventKind> | undefined {
  // Own keys only: an event named "constructor" or "__proto__" is unknown, not a prototype hit.
  return Object.hasOwn(PRAKERJA_EVENTS, word) ? (PRAKERJA_EVENTS[word as PrakerjaEventKind] as PrakerjaEventRow<PrakerjaEventKind>) : undefined;
}

/** Canonical event → the `{ event, data }` body prakerja.go.id sends. */
export function prakerjaCallbackBody(event: KnownPrakerjaEvent): { event: string; data: Record<string, unknown> } {
  return { event: event.kind, data: eventRow(event.kind)!.write(event as PrakerjaEventOf<PrakerjaEventKind>) };
}

/**
 * prakerja.go.id's scheme (modelled): the public API's HMAC over client_code, timestamp, path and
 * body, under the callback key, and only with prakerja.go.id's own client code: any provider can
 * sign with its own key and code.
 */
export function prakerjaScheme(callbackKey: string): CallbackScheme<'clientCode' | 'timestamp' | 'signature'> {
  return {
    headers: { clientCode: 'client_code', timestamp: 'timestamp', signature: 'signature' },
    async verify({ clientCode, timestamp, signature }, req) {
      if (clientCode !== PRAKERJA_CALLBACK_CLIENT_CODE) throw new CallbackRejected('bad_signature', `client_code "${clientCode.slice(0, 40)}" is not prakerja.go.id's`);
      const expected = await prakerjaSignature(callbackKey, clientCode, timestamp, req.path, req.rawBody);
      if (!timingSafeEqual(signature.toLowerCase(), expected)) throw new CallbackRejected('bad_signature', 'signature does not match the body');
      // A signed timestamp that is not Unix seconds is an Invalid Date: refused as stale.
      const sentAt = new Date(/^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : NaN);
      return { sentAt, eventId: req.headers.get(PRAKERJA_EVENT_ID_HEADER)?.trim() || undefined };
    },
  };
}

/** PRAKERJA_EVENTS as the pipeline reads it: each row's data and the time its event names. */
const PRAKERJA_EVENT_TABLE: EventTable<KnownPrakerjaEvent> = Object.fromEntries(
  (Object.keys(PRAKERJA_EVENTS) as PrakerjaEventKind[]).map((kind) => {
    const r = eventRow(kind)!;
    const read = (data: unknown): Decoded<KnownPrakerjaEvent> => {
      const event = r.read(data, kind);
      return event ? { ok: true, event, at: r.occurredAt(event) } : { ok: false, message: `data does not fit the "${kind}" event` };
    };
    return [kind, { read }];
  }),
);

/** Verifies one callback on the exact bytes received, through the pipeline every adapter shares. */
export const verifyPrakerjaCallback = (callbackKey: string) =>
  callbackPipeline({
    platform: 'prakerja',
    scheme: prakerjaScheme(callbackKey),
    envelope: { schema: CallbackEnvelope, shape: '{ event, data }', open: (b) => ({ word: b.event, data: b.data }) },
    events: PRAKERJA_EVENT_TABLE,
  });
