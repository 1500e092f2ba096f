/**
 * prakerja.go.id writes local Jakarta time (WIB, UTC+7, no daylight saving) as
 * "yyyy-MM-dd HH:mm:ss" with no zone marker; read as UTC it would be seven hours off.
 */
const WIB_OFFSET_MS = 7 * 60 * 60 * 1000;
const WIB_DATETIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

export function formatWib(d: Date): string {
  return new Date(d.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The instant a WIB wall-clock string names, or undefined when it is not a real date and time. */
export function parseWib(s: string): Date | undefined {
  const m = WIB_DATETIME.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m.map(Number);
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, sec) - WIB_OFFSET_MS);
  // Date.UTC rolls "2026-02-30" over into March; a round trip catches values that are not real.
  return formatWib(at) === s ? at : undefined;
}

/** "2026-11-24 09:00:00 - 2026-11-24 12:00:00" → both instants. */
export function parseWibRange(s: string): { start: Date; end: Date } | undefined {
  const parts = s.split(' - ');
  if (parts.length !== 2) return undefined;
  const start = parseWib(parts[0]);
  const end = parseWib(parts[1]);
  return start && end ? { start, end } : undefined;
}

export function formatWibRange(start: Date, end: Date): string {
  return `${formatWib(start)} - ${formatWib(end)}`;
}
