import type { World } from './world.js';

/** Ops-token requests against a test world; mutations get a fresh Idempotency-Key unless one is given. */
export function opsClient(w: World, operator = 'rina') {
  const token = () => w.deps.tokens.issue({ kind: 'ops', operator });
  return {
    token,
    get: async (path: string, headers: Record<string, string> = {}) => w.app.request(path, { headers: { authorization: `Bearer ${await token()}`, ...headers } }),
    post: async (path: string, body: unknown, opts: { key?: string; headers?: Record<string, string> } = {}) =>
      w.app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${await token()}`, 'content-type': 'application/json', 'idempotency-key': opts.key ?? crypto.randomUUID(), ...opts.headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/** Every page of a cursor-paginated ops listing. */
export async function allPages<T>(get: (path: string) => Promise<Response>, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await get(`${path}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { items: T[]; nextCursor: string | null };
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}
