import type { z } from 'zod';
import type { CanonicalEvent } from '../types.js';
import { parseWibDateTime, toCanonicalVoucher } from './transformers.js';
import { KemnakerExpiryData, KemnakerGradeAcceptedData, KemnakerGradeRejectedData, KemnakerRefundData, KemnakerReviewData, KemnakerVoucher } from './wire.js';

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

// The schemas have already refused text that is not a real WIB date-time.
const wib = (text: string) => parseWibDateTime(text)!;

/** Kemnaker's notification words (`jenisEvent`, modelled) → canonical events: the one event table. */
export const KEMNAKER_EVENTS = {
  PEMBELIAN: row('purchase.made', KemnakerVoucher, (d) => ({ event: { kind: 'purchase.made', voucher: toCanonicalVoucher(d) }, at: wib(d.purchaseDate) })),
  ULASAN: row('review.submitted', KemnakerReviewData, (d) => ({
    event: { kind: 'review.submitted', voucherCode: d.voucherCode, rating: d.rating, review: d.ulasan, reviewedAt: wib(d.tanggalUlasan) },
    at: wib(d.tanggalUlasan),
  })),
  NILAI_DITERIMA: row('completion.accepted', KemnakerGradeAcceptedData, (d) => ({
    event: { kind: 'completion.accepted', voucherCode: d.voucherCode, at: wib(d.tanggalDiterima) },
    at: wib(d.tanggalDiterima),
  })),
  NILAI_DITOLAK: row('completion.rejected', KemnakerGradeRejectedData, (d) => ({
    event: { kind: 'completion.rejected', voucherCode: d.voucherCode, reason: d.alasan, at: wib(d.tanggalDitolak) },
    at: wib(d.tanggalDitolak),
  })),
  VOUCHER_KEDALUWARSA: row('voucher.expired', KemnakerExpiryData, (d) => ({
    event: { kind: 'voucher.expired', voucherCode: d.voucherCode, at: wib(d.tanggalKedaluwarsa) },
    at: wib(d.tanggalKedaluwarsa),
  })),
  PENGEMBALIAN_DANA: row('voucher.refunded', KemnakerRefundData, (d) => ({
    event: { kind: 'voucher.refunded', voucherCode: d.voucherCode, at: wib(d.tanggalPengembalian) },
    at: wib(d.tanggalPengembalian),
  })),
};

export type KemnakerEventType = keyof typeof KEMNAKER_EVENTS;
export const KEMNAKER_EVENT_TYPES = Object.keys(KEMNAKER_EVENTS) as KemnakerEventType[];

// Kemnaker speaks every canonical event: a kind added to CanonicalEvent without a word above
// fails to compile here, naming the missing kind.
type Unworded = Exclude<KnownKind, (typeof KEMNAKER_EVENTS)[KemnakerEventType]['kind']>;
true satisfies [Unworded] extends [never] ? true : { missingWordFor: Unworded };

/** The word Kemnaker uses for each canonical event, for the simulator to speak it. */
export const KEMNAKER_EVENT_WORD = Object.fromEntries(Object.entries(KEMNAKER_EVENTS).map(([word, r]) => [r.kind, word])) as Record<KnownKind, KemnakerEventType>;

/** A word outside the table is an `unknown` event, never an error: Kemnaker may add words before we do. */
export function decodeKemnakerEvent(jenisEvent: string, data: unknown): DecodedEvent {
  // hasOwn, because a plain lookup would find words like "constructor" on Object.prototype.
  if (!Object.hasOwn(KEMNAKER_EVENTS, jenisEvent)) return { ok: true, event: { kind: 'unknown', platformType: jenisEvent } };
  return KEMNAKER_EVENTS[jenisEvent as KemnakerEventType].read(data);
}
