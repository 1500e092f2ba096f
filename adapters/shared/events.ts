import type { z } from 'zod';
import type { CanonicalEvent } from '../types.js';
import type { Decoded, EventTable } from './callbacks.js';

/**
 * Event tables: each adapter keeps its own table of event words (its dialect), read by the one
 * callback pipeline (callbacks.ts). Two ways to write one: rows side by side (`eventRow`), or the
 * wire schemas and their translators as two records keyed by the same words (`eventTable`).
 */

export type KnownEventKind = Exclude<CanonicalEvent['kind'], 'unknown'>;
/** Events only a platform that delivers the training itself speaks (DeliveryShape `platform_delivered`). */
export type PlatformDeliveredKind = 'learning.started' | 'learning.progress' | 'learning.completed';
/** What a voucher-selling platform (DeliveryShape `provider_delivered`) can say. */
export type VoucherPlatformKind = Exclude<KnownEventKind, PlatformDeliveredKind>;
type EventOf<K extends KnownEventKind> = Extract<CanonicalEvent, { kind: K }>;

export type DecodedEvent = Decoded<CanonicalEvent>;

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

/**
 * A table from a record of data schemas and a record of translators keyed by the same words: the
 * translators' type makes a word without one a compile error. A translator gets the envelope's
 * time (or else the signed one) for events whose data names none.
 */
export function eventTable<S extends Record<string, z.ZodType>>(
  schemas: S,
  translators: { [W in keyof S]: (data: z.output<S[W]>, sent: Date) => { event: CanonicalEvent; at?: Date } },
): EventTable<CanonicalEvent> {
  const rows = Object.keys(schemas).map((word) => {
    // TypeScript cannot correlate the schema and the translator picked by the same key; the translators' type keeps them in step.
    const translate = translators[word] as (data: unknown, sent: Date) => { event: CanonicalEvent; at?: Date };
    const read = (raw: unknown, sent: Date): DecodedEvent => {
      const parsed = schemas[word].safeParse(raw);
      return parsed.success ? { ok: true, ...translate(parsed.data, sent) } : { ok: false, message: parsed.error.message.slice(0, 300) };
    };
    return [word, { read }] as const;
  });
  return Object.fromEntries(rows);
}
