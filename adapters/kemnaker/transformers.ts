import type { CanonicalVoucher } from '../../src/contract/canonical.js';
import { KEMNAKER_STATUS_MAP } from './status.js';
import type { KemnakerVoucher } from './wire.js';

/**
 * Kemnaker writes local wall-clock time in WIB (UTC+7) with no zone marker. Indonesia has no
 * daylight saving, so a fixed offset is exact and no time-zone database (Intl, a library) is needed
 * on any runtime.
 */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function wibFields(d: Date) {
  const w = new Date(d.getTime() + WIB_OFFSET_MS);
  return {
    yyyy: pad(w.getUTCFullYear(), 4),
    MM: pad(w.getUTCMonth() + 1),
    dd: pad(w.getUTCDate()),
    HH: pad(w.getUTCHours()),
    mm: pad(w.getUTCMinutes()),
    ss: pad(w.getUTCSeconds()),
  };
}

/** `dd-MM-yyyy HH:mm:ss` in WIB. Kemnaker has no sub-second precision, so milliseconds are dropped. */
export function formatWibDateTime(d: Date): string {
  const f = wibFields(d);
  return `${f.dd}-${f.MM}-${f.yyyy} ${f.HH}:${f.mm}:${f.ss}`;
}

const WIB_DATE_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Parses `dd-MM-yyyy HH:mm:ss` (WIB), or undefined when the text is not exactly that or names a
 * day that does not exist. Date.UTC would quietly roll 31-02 over into March, and that must not
 * become a real expiry date.
 */
export function parseWibDateTime(text: string): Date | undefined {
  const m = WIB_DATE_TIME.exec(text);
  if (!m) return undefined;
  const [dd, MM, yyyy, HH, mm, ss] = m.slice(1).map(Number);
  if (HH > 23 || mm > 59 || ss > 59) return undefined;
  const wall = new Date(Date.UTC(yyyy, MM - 1, dd, HH, mm, ss));
  if (wall.getUTCFullYear() !== yyyy || wall.getUTCMonth() !== MM - 1 || wall.getUTCDate() !== dd) return undefined;
  return new Date(wall.getTime() - WIB_OFFSET_MS);
}

/** SNAP's X-TIMESTAMP: ISO-8601 local time with the +07:00 offset, whole seconds. */
export function formatSnapTimestamp(d: Date): string {
  const f = wibFields(d);
  return `${f.yyyy}-${f.MM}-${f.dd}T${f.HH}:${f.mm}:${f.ss}+07:00`;
}

/**
 * Kemnaker wire → canonical. The name is kept as sent, in upper case: the original casing cannot
 * be recovered (e.g. "McDONALD", particles like "bin"), so anything that compares names must
 * ignore case.
 */
export function toCanonicalVoucher(v: KemnakerVoucher): CanonicalVoucher {
  return {
    platform: 'kemnaker',
    code: v.voucherCode,
    state: KEMNAKER_STATUS_MAP[v.status],
    platformStatus: v.status,
    cardNumber: v.cardNumber,
    buyerName: v.buyerName,
    buyerEmail: v.buyerEmail,
    courseId: v.course.courseId,
    providerId: v.course.providerId,
    // The wire schema has already checked that every date parses.
    purchasedAt: parseWibDateTime(v.purchaseDate)!,
    expiresAt: parseWibDateTime(v.expiryDate)!,
    redeemedAt: v.redeemDate ? parseWibDateTime(v.redeemDate)! : undefined,
  };
}
