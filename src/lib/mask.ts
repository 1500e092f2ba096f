/** Masking of the two identifiers that must never appear whole in logs or third-party answers. */

/** 16-digit Kartu Prakerja number → `5201********0001` (first 4, last 4). */
export function maskCardNumber(card: string): string {
  if (card.length <= 8) return '*'.repeat(card.length);
  return card.slice(0, 4) + '*'.repeat(card.length - 8) + card.slice(-4);
}

/** NIK → keep the 6-digit region prefix, hide birth date and serial. */
export function maskNik(nik: string): string {
  if (nik.length <= 6) return '*'.repeat(nik.length);
  return nik.slice(0, 6) + '*'.repeat(nik.length - 6);
}

const SIXTEEN_DIGITS = /\b\d{16}\b/g;

/** Masks any free-standing 16-digit run in text (error messages from partners may echo a card). */
export function maskDigitRuns(text: string): string {
  return text.replace(SIXTEEN_DIGITS, (m) => maskCardNumber(m));
}
