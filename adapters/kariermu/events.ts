import type { z } from 'zod';
import type { CanonicalEvent } from '../types.js';
import { toCanonicalVoucher } from './transformers.js';
import { KariermuExpiryData, KariermuRefundData, KariermuReviewData, KariermuVoucher } from './wire.js';

type KnownKind = Exclude<CanonicalEvent['kind'], 'unknown'>;
type EventOf<K extends KnownKind> = Extract<CanonicalEvent, { kind: K }>;

export type DecodedEvent = { ok: true; event: CanonicalEvent; at?: Date } | { ok: false; message: string };

/**
 * One row per event word. The `data` schema, its translation and the canonical kind sit side by
 * side so they cannot drift apart. `read` is built here so that a caller holding a union of rows
 * needs no cast.
 */
function row<K extends KnownKind, S extends z.ZodType>(kind: K, data: S, decode: (d: z.output<S>) => { event: EventOf<K>; at: Date }) {
  return {
    kind,
    data,
    read(raw: unknown): DecodedEvent {
      const parsed = data.safeParse(raw);
      return parsed.success ? { ok: true, ...decode(parsed.data) } : { ok: false, message: parsed.error.message.slice(0, 300) };
    },
  };
}

/** Karier.mu's callback words (`event`, modelled) → canonical events: the one event table. */
export const KARIERMU_EVENTS = {
  'purchase.paid': row('purchase.made', KariermuVoucher, (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) }, at: new Date(d.paidAt) })),
  'enrollment.reviewed': row('review.submitted', KariermuReviewData, (d) => ({
    event: { kind: 'review.submitted', voucherCode: d.voucherCode, rating: d.rating, review: d.review, reviewedAt: new Date(d.reviewedAt) },
    at: new Date(d.reviewedAt),
  })),
  'purchase.refunded': row('voucher.refunded', KariermuRefundData, (d) => ({ event: { kind: 'voucher.refunded', voucherCode: d.voucherCode, at: new Date(d.refundedAt) }, at: new Date(d.refundedAt) })),
  'voucher.expired': row('voucher.expired', KariermuExpiryData, (d) => ({ event: { kind: 'voucher.expired', voucherCode: d.voucherCode, at: new Date(d.expiredAt) }, at: new Date(d.expiredAt) })),
};

export type KariermuEventType = keyof typeof KARIERMU_EVENTS;
export const KARIERMU_EVENT_TYPES = Object.keys(KARIERMU_EVENTS) as KariermuEventType[];

/**
 * Grade acceptance is a Sisnaker step (Kemnaker); Karier.mu takes a completion as final and has
 * no word for it. Any other canonical kind added to CanonicalEvent without a word above fails to
 * compile here, naming the missing kind.
 */
export type KariermuUnspokenKind = 'completion.accepted' | 'completion.rejected';
type Unworded = Exclude<KnownKind, KariermuUnspokenKind | (typeof KARIERMU_EVENTS)[KariermuEventType]['kind']>;
true satisfies [Unworded] extends [never] ? true : { missingWordFor: Unworded };

/** The word Karier.mu uses for each canonical event it speaks, for the simulator. */
export const KARIERMU_EVENT_WORD = Object.fromEntries(Object.entries(KARIERMU_EVENTS).map(([word, r]) => [r.kind, word])) as Record<Exclude<KnownKind, KariermuUnspokenKind>, KariermuEventType>;

/** A word outside the table is an `unknown` event, never an error: Karier.mu may add words before we do. */
export function decodeKariermuEvent(event: string, data: unknown): DecodedEvent {
  // hasOwn, because a plain lookup would find words like "constructor" on Object.prototype.
  if (!Object.hasOwn(KARIERMU_EVENTS, event)) return { ok: true, event: { kind: 'unknown', platformType: event } };
  return KARIERMU_EVENTS[event as KariermuEventType].read(data);
}
