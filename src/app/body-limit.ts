import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Hono's bodyLimit, without its cost on requests that declare their length. It first reads
 * `c.req.raw.body`, and on @hono/node-server that turns the lazy request into a full web Request
 * with an AbortSignal and a stream over the socket, which the JSON parse then has to read through
 * (bench/README.md, "per-request plumbing"). A declared Content-Length is what hono checks in that
 * case anyway; only a streamed (chunked) body needs its counting reader. GET and HEAD bodies are
 * never read.
 */
export function limitBody(maxSize: number, onError: (c: Context) => Response): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) return Number.parseInt(length, 10) > maxSize ? onError(c) : next();
    return counted(c, next);
  };
}
