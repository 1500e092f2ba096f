import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { providerId } from '../app/auth.js';
import type { AppEnv } from '../app/context.js';
import { once, type OpenAnswer } from '../services/idempotency.js';

/**
 * Runs a mutation once per Idempotency-Key (scoped to the provider and the route as called,
 * unless told otherwise) and answers with the first result; the route's schema has already
 * required the header.
 * The answer is typed as the work's result, so the route's declared response and the handler
 * cannot disagree (and Hono's client sees the same type).
 */
export async function idempotently<T extends object, S extends ContentfulStatusCode>(
  c: Context<AppEnv>,
  body: unknown,
  status: S,
  /** `open`: the request's key, when its answer may be stored by the work's own write (see OpenAnswer). */
  work: (open: OpenAnswer | undefined) => Promise<T>,
  opts: { waitMs?: number; keep?: (result: T) => boolean; scope?: string; route?: string } = {},
) {
  const deps = c.get('deps');
  const answer = await once(
    deps.database.db,
    { scope: opts.scope ?? providerId(c), route: opts.route ?? `${c.req.method} ${c.req.path}`, key: c.req.header('idempotency-key')!, body, waitMs: opts.waitMs ?? deps.config.idempotencyWaitMs, ...(opts.keep ? {} : { status }) },
    async (open) => {
      const result = await work(open);
      return { status, body: result, keep: opts.keep?.(result) };
    },
  );
  if (answer.replayed) c.header('idempotent-replayed', 'true');
  // Only successes are stored, so a replay is this route's `status` with `work`'s result as JSON.
  return c.json(answer.body as T, status);
}
