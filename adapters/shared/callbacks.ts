import type { z } from 'zod';
import { CALLBACK_TOLERANCE_MS, CallbackRejected, type CallbackRequest } from '../types.js';

/**
 * The one callback pipeline every adapter runs (prakerja.go.id's included):
 *
 *   read the scheme's headers → verify the signature on the raw body → timestamp tolerance →
 *   parse the envelope → look the word up in the event table → canonical event.
 *
 * An adapter supplies only its scheme (which headers, how the signature is checked), its envelope
 * (where the word, the data and perhaps the id and time sit in the body) and its event table.
 * The order is fixed here, so no adapter can read the body or the clock before the signature, and
 * an unknown word, a prototype-named word or a body that is not JSON is handled the same way for all.
 */

/** What a valid signature vouches for. */
export interface Signed {
  /** When the sender signed: checked against the tolerance. An Invalid Date is refused as stale. */
  sentAt: Date;
  /** The event id, when the scheme carries it in a (signed) header. */
  eventId?: string;
}

export interface CallbackScheme<H extends string = string> {
  /** The headers the scheme needs, by role → header name; any absent or blank is a missing signature. */
  readonly headers: Readonly<Record<H, string>>;
  /**
   * Checks the signature over the exact bytes received (constant-time). Throws CallbackRejected
   * `bad_signature`, or `malformed` for a signed header that cannot mean anything.
   */
  verify(h: Readonly<Record<H, string>>, req: CallbackRequest): Promise<Signed>;
}

/** Where a platform's body keeps the event word, its data, and perhaps its id and time. */
export interface Opened {
  word: string;
  data: unknown;
  eventId?: string;
  at?: Date;
}

export interface CallbackEnvelope<T> {
  readonly schema: z.ZodType<T>;
  /** The body as the platform's contract has it, for refusals: `{ type, data }`. */
  readonly shape: string;
  open(body: T): Opened;
}

export type Decoded<E> = { ok: true; event: E; at?: Date } | { ok: false; message: string };

/**
 * One row of an event table: the word's data, read into a canonical event and the time it names.
 * `sent` is the envelope's time, or else the signed one: for data that names no time of its own.
 */
export interface EventReader<E> {
  read(data: unknown, sent: Date): Decoded<E>;
}
export type EventTable<E> = Readonly<Record<string, EventReader<E>>>;

export interface CallbackSpec<H extends string, T, E> {
  /** Names the sender in refusals. */
  platform: string;
  scheme: CallbackScheme<H>;
  envelope: CallbackEnvelope<T>;
  events: EventTable<E>;
}

export type UnknownEvent = { kind: 'unknown'; platformType: string };

export interface Received<E> {
  eventId: string;
  platformType: string;
  occurredAt: Date;
  event: E | UnknownEvent;
}

export function callbackPipeline<H extends string, T, E>(spec: CallbackSpec<H, T, E>): (req: CallbackRequest) => Promise<Received<E>> {
  const roles = Object.keys(spec.scheme.headers) as H[];
  const names = roles.map((r) => spec.scheme.headers[r]);
  return async (req) => {
    // 1. Headers.
    const values = roles.map((r) => req.headers.get(spec.scheme.headers[r])?.trim() ?? '');
    const missing = names.filter((_, i) => values[i] === '');
    if (missing.length) throw new CallbackRejected('missing_signature', `${spec.platform} callback lacks ${missing.join(', ')} (needs ${names.join(', ')})`);
    const h = Object.fromEntries(roles.map((r, i) => [r, values[i]])) as Record<H, string>;

    // 2. Signature over the raw body.
    const signed = await spec.scheme.verify(h, req);

    // 3. Timestamp tolerance: a captured callback cannot be replayed later. NaN fails the comparison.
    if (!(Math.abs(req.receivedAt.getTime() - signed.sentAt.getTime()) <= CALLBACK_TOLERANCE_MS)) {
      throw new CallbackRejected('stale_timestamp', `${spec.platform} callback was signed more than ${CALLBACK_TOLERANCE_MS / 1000} s from now`);
    }

    // 4. Envelope.
    const opened = spec.envelope.open(readBody(spec, req.rawBody));
    const eventId = signed.eventId ?? opened.eventId;
    if (!eventId) throw new CallbackRejected('malformed', `${spec.platform} callback carries no event id`);
    if (signed.eventId && opened.eventId && signed.eventId !== opened.eventId) throw new CallbackRejected('malformed', `${spec.platform} callback's signed event id differs from the body's`);

    // 5. Event table. A word outside it is `unknown`, never an error: a platform may add words
    // before we do. hasOwn, so a word like "constructor" never reaches Object.prototype.
    const { word, data } = opened;
    const fallbackAt = opened.at ?? signed.sentAt;
    if (!Object.hasOwn(spec.events, word)) return { eventId, platformType: word, occurredAt: fallbackAt, event: { kind: 'unknown', platformType: word } };
    const decoded = spec.events[word].read(data, fallbackAt);
    if (!decoded.ok) throw new CallbackRejected('malformed', `${spec.platform} ${word} data does not match its contract: ${decoded.message}`);
    return { eventId, platformType: word, occurredAt: decoded.at ?? fallbackAt, event: decoded.event };
  };
}

/** Not JSON, or not the envelope, is a `malformed` rejection, never a crash. */
function readBody<T>(spec: CallbackSpec<string, T, unknown>, rawBody: string): T {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new CallbackRejected('malformed', `${spec.platform} callback body is not JSON`);
  }
  const envelope = spec.envelope.schema.safeParse(json);
  if (!envelope.success) throw new CallbackRejected('malformed', `${spec.platform} callback body is not ${spec.envelope.shape}`);
  return envelope.data;
}

/** Unix seconds as a header carries them; anything else is malformed. */
export function unixSeconds(text: string, header: string): Date {
  if (!/^\d{1,12}$/.test(text)) throw new CallbackRejected('malformed', `${header} is not Unix seconds`);
  return new Date(Number(text) * 1000);
}
