import { eventRow as row, type VoucherPlatformKind } from '../shared/events.js';
import { parseWibDateTime, toCanonicalVoucher } from './transformers.js';
import { KemnakerExpiryData, KemnakerGradeAcceptedData, KemnakerGradeRejectedData, KemnakerRefundData, KemnakerReviewData, KemnakerVoucher } from './wire.js';

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
type Unworded = Exclude<VoucherPlatformKind, (typeof KEMNAKER_EVENTS)[KemnakerEventType]['kind']>;
true satisfies [Unworded] extends [never] ? true : { missingWordFor: Unworded };

/** The word Kemnaker uses for each canonical event, for the simulator to speak it. */
export const KEMNAKER_EVENT_WORD = Object.fromEntries(Object.entries(KEMNAKER_EVENTS).map(([word, r]) => [r.kind, word])) as Record<VoucherPlatformKind, KemnakerEventType>;
