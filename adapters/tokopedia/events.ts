import type { CanonicalEvent } from '../types.js';

/** Webhook `type` words Tokopedia sends about a Prakerja voucher (modelled). */
export const TOKOPEDIA_EVENT_TYPES = ['order.paid', 'voucher.reviewed', 'order.refunded', 'voucher.expired'] as const;
export type TokopediaEventType = (typeof TOKOPEDIA_EVENT_TYPES)[number];

export type KnownEventKind = Exclude<CanonicalEvent['kind'], 'unknown'>;

/**
 * The one event table: a word added above without a row here fails to compile, and the
 * translators in transformers.ts are typed against it, so a row cannot disagree with the event
 * actually produced. Words not listed are not errors: they come back as `unknown`.
 */
export const TOKOPEDIA_EVENT_MAP = {
  'order.paid': 'purchase.made',
  'voucher.reviewed': 'review.submitted',
  'order.refunded': 'voucher.refunded',
  'voucher.expired': 'voucher.expired',
} as const satisfies Record<TokopediaEventType, KnownEventKind>;
