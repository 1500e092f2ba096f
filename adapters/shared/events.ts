import type { z } from 'zod';
import { CallbackRejected, type CanonicalEvent } from '../types.js';

/**
 * Event tables for platforms whose callbacks carry an event word and a data object: each adapter
 * keeps its own table of words (its dialect) built from these rows.
 */

export type KnownEventKind = Exclude<CanonicalEvent['kind'], 'unknown'>;
/** Events only a platform that delivers the training itself speaks (DeliveryShape `platform_delivered`). */
export type PlatformDeliveredKind = 'learning.started' | 'learning.progress' | 'learning.completed';
/** What a voucher-selling platform (DeliveryShape `provider_delivered`) can say. */
export type VoucherPlatformKind = Exclude<KnownEventKind, PlatformDeliveredKind>;
type EventOf<K extends KnownEventKind> = Extract<CanonicalEvent, { kind: K }>;

export type DecodedEvent = { ok: true; event: CanonicalEvent; at?: Date } | { ok: false; message: string };

/**
 * One row per event word. The `data` schema, its translation and the canonical kind sit side by
 * side so they cannot drift apart. `read` is built here so that a caller holding a union of rows
 * needs no cast.
 */
export function eventRow<K extends KnownEventKind, S extends z.ZodType>(kind: K, data: S, decode: (d: z.output<S>) => { event: EventOf<K>; at: Date }) {
  return {
    kind,
    data,
    read(raw: unknown): DecodedEvent {
      const parsed = data.safeParse(raw);
      return parsed.success ? { ok: true, ...decode(parsed.data) } : { ok: false, message: parsed.error.message.slice(0, 300) };
    },
  };
}

/** A word outside the table is an `unknown` event, never an error: a platform may add words before we do. */
export function decodeEvent(table: Record<string, { read(raw: unknown): DecodedEvent }>, word: string, data: unknown): DecodedEvent {
  // hasOwn, because a plain lookup would find words like "constructor" on Object.prototype.
  if (!Object.hasOwn(table, word)) return { ok: true, event: { kind: 'unknown', platformType: word } };
  return table[word].read(data);
}

/**
 * A callback body read against the platform's envelope schema, after its signature was checked:
 * not JSON, or not the envelope, is a `malformed` rejection (never a crash), in the platform's words.
 */
export function readCallbackBody<T>(schema: z.ZodType<T>, rawBody: string, refusals: { notJson: string; notEnvelope: string }): T {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new CallbackRejected('malformed', refusals.notJson);
  }
  const envelope = schema.safeParse(json);
  if (!envelope.success) throw new CallbackRejected('malformed', refusals.notEnvelope);
  return envelope.data;
}
