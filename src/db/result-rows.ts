/** drizzle's execute answers an array (postgres.js) or `{ rows }` (PGlite). */
export function resultRows<T>(r: unknown): T[] {
  return (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
}
