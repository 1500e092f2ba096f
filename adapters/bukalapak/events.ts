import type { CanonicalEvent } from '../types.js';

/** `event` words Bukalapak sends about a Prakerja voucher (modelled). */
export const BUKALAPAK_EVENT_TYPES = ['transaction.paid', 'voucher.reviewed', 'transaction.refunded', 'voucher.expired'] as const;
export type BukalapakEventType = (typeof BUKALAPAK_EVENT_TYPES)[number];

export type KnownEventKind = Exclude<CanonicalEvent['kind'], 'unknown'>;

/**
 * The one event table: a word added above without a row here fails to compile, and the
 * translators in transformers.ts are typed against it, so a row cannot disagree with the event
 * actually produced. Words not listed are not errors: they come back as `unknown`.
 */
export const BUKALAPAK_EVENT_MAP = {
  'transaction.paid': 'purchase.made',
  'voucher.reviewed': 'review.submitted',
  'transaction.refunded': 'voucher.refunded',
  'voucher.expired': 'voucher.expired',
} as const satisfies Record<BukalapakEventType, KnownEventKind>;
