/**
 * Whether an error means the database could not be reached or refused work for now (connection
 * refused, dropped or timed out, the server shutting down or starting, out of connections), as
 * opposed to a statement that failed: the first is a 503 the caller may retry, the second a bug.
 * Drivers and drizzle wrap errors, so the whole `cause` chain is looked at.
 */
const CONNECTION_CODES = new Set([
  // Node and postgres.js connection errors
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // PostgreSQL: admin/crash shutdown, cannot connect now, too many connections
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exception.
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    // The embedded database closed under a request (shutdown): its own message ("… is closed"), no code.
    if (e instanceof Error && / is closed$/.test(e.message)) return true;
  }
  return false;
}
