import type { AdapterErrorKind, RedeemCodeFailure } from '../types.js';

/**
 * prakerja.go.id answers failures as `{ success: false, message }` with a fixed Indonesian
 * sentence and no machine code, so the sentence IS the error code. This is the one table from
 * those sentences to canonical outcomes: `reject` rows become RedeemCodeRejected (a verdict about
 * the code, which the provider can show the participant), `error` rows become AdapterError.
 * A sentence missing from the table is an unexpected response, never a guess.
 */
export const PRAKERJA_FAILURES = {
  // Published by prakerja.go.id.
  'Kode redeem tidak ditemukan': { reject: 'redeem_code_not_found' },
  'Tipe pelatihan tidak sesuai': { reject: 'wrong_training_type' },
  'Kode redeem bukan milik lembaga pelatihan yang kamu pilih': { reject: 'other_provider' },
  'Kode redeem sudah dibatalkan': { reject: 'cancelled' },
  'Transaksi sudah dibatalkan': { reject: 'transaction_cancelled' },
  'Kode redeem sudah digunakan': { reject: 'already_used' },
  // MODELLED: the sandbox's wording for auth and validation failures; the real wording is not public.
  'Signature tidak valid': { error: 'auth_failed', retry: false },
  'Client code tidak terdaftar': { error: 'auth_failed', retry: false },
  // The adapter re-stamps the timestamp on every attempt, so a retry can pass once clocks agree.
  'Timestamp tidak valid': { error: 'auth_failed', retry: true },
  'Request tidak valid': { error: 'invalid_request', retry: false },
  // MODELLED: a certificate reported before the completion it certifies. Retrying the same report
  // cannot help; the completion has to be delivered first, and then this report succeeds.
  'Laporan penyelesaian belum diterima': { error: 'invalid_request', retry: false },
} as const satisfies Record<string, { reject: RedeemCodeFailure } | { error: AdapterErrorKind; retry: boolean }>;

export type PrakerjaFailureMessage = keyof typeof PRAKERJA_FAILURES;
export type PrakerjaFailure = (typeof PRAKERJA_FAILURES)[PrakerjaFailureMessage];

/** MODELLED: the participant lookup's "unknown card" sentence; the adapter answers null for it, not an error. */
export const PRAKERJA_PARTICIPANT_NOT_FOUND = 'Peserta tidak ditemukan';

// Every published reason must have a sentence: a reason added to REDEEM_CODE_FAILURES without a
// row above fails to compile here.
type Covered = Extract<PrakerjaFailure, { reject: unknown }>['reject'];
const _everyReasonHasASentence: [Exclude<RedeemCodeFailure, Covered>] extends [never] ? true : never = true;
void _everyReasonHasASentence;

/** Case, surrounding space and a trailing full stop vary between prakerja.go.id's endpoints; the words do not. */
export function normaliseMessage(message: string): string {
  return message.trim().replace(/[.!\s]+$/, '').replace(/\s+/g, ' ').toLowerCase();
}

const BY_NORMALISED = new Map<string, PrakerjaFailure>(Object.entries(PRAKERJA_FAILURES).map(([m, row]) => [normaliseMessage(m), row]));

export function lookupFailure(message: string): PrakerjaFailure | undefined {
  return BY_NORMALISED.get(normaliseMessage(message));
}
