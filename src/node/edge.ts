import { randomUUID } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { problemResponse } from '../lib/problem.js';

const REQUEST_ID = 'x-request-id';
/** What hono's requestId middleware accepts from a caller, so both layers agree on the id. */
const ACCEPTABLE_ID = /^[\w\-=]{1,255}$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * Every answer of the process carries x-request-id, including the sandbox simulators and
 * /metrics, which the gateway app's own request-id middleware does not cover. An id the app
 * already set (the one in its logs) is kept; the caller's is reused when it is a sane token.
 */
export const everyAnswerHasRequestId: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.headers.has(REQUEST_ID)) return;
  const incoming = c.req.header(REQUEST_ID);
  c.header(REQUEST_ID, incoming && ACCEPTABLE_ID.test(incoming) ? incoming : randomUUID());
};

/**
 * The not-found answer of the outer app (a mounted app's own notFound is not used by Hono):
 * 405 with `Allow` when the path exists under other methods, else 404, both problem+json.
 */
export function notFoundHandler(app: Hono) {
  let byPath: TrieRouter<string> | undefined;
  // Built on first use: by then every route is registered.
  const methodsOf = (path: string): string[] => {
    if (!byPath) {
      byPath = new TrieRouter<string>();
      // 'ALL' entries are middleware (app.use): they match every path and are not operations.
      for (const r of app.routes) if (r.method !== 'ALL') byPath.add(r.method, r.path, r.method);
    }
    const router = byPath;
    const allowed = METHODS.filter((m) => router.match(m, path)[0].length > 0);
    // Hono answers HEAD with the GET route.
    if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.splice(allowed.indexOf('GET') + 1, 0, 'HEAD');
    return allowed;
  };

  return (c: Context) => {
    const allowed = methodsOf(c.req.path);
    const instance = c.req.path;
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      return problemResponse(
        { type: '/problems/method_not_allowed', title: 'Method not allowed', status: 405, code: 'method_not_allowed', detail: `${c.req.path} answers ${allowed.join(', ')}, not ${c.req.method}; see /docs.`, instance },
        { allow: allowed.join(', ') },
      );
    }
    return problemResponse({ type: '/problems/not_found', title: 'Not found', status: 404, code: 'route_not_found', detail: `No route ${c.req.method} ${c.req.path}; see /docs.`, instance });
  };
}
