import { problems } from './problem.js';

/**
 * Opaque page cursors: base64url of a small JSON position. Opaque so clients pass them back
 * unchanged and the position can change shape without breaking anyone's stored links.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): unknown {
  const bin = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
}

/** The position a cursor names; a cursor this API did not issue is a 400 naming the field. */
export function decodeIdCursor(cursor: string | undefined, field = 'query:cursor'): number | undefined {
  if (cursor === undefined) return undefined;
  let id: unknown;
  try {
    id = (decodeCursor(cursor) as { id?: unknown } | null)?.id;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw problems.validation([{ field, rule: 'cursor', message: 'not a cursor this API issued; pass back nextCursor unchanged' }]);
  }
  return id;
}

export const idCursor = (id: number) => encodeCursor({ id });
