import type { Context } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { problemResponse } from '../lib/problem.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * The not-found answer of an app (the gateway's own, and the Node process's outer app, since a
 * mounted app's notFound is not used by Hono):
 * 405 with `Allow` when the path exists under other methods, else 404, both problem+json.
 */
export function notFoundHandler(app: { routes: ReadonlyArray<{ method: string; path: string }> }) {
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
