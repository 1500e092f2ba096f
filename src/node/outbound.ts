import { Agent, request } from 'undici';
import type { Fetch } from '../contract/adapter.js';

/**
 * Outbound HTTP on Node: undici's `request` over a keep-alive pool per origin, so partner calls
 * reuse connections instead of paying a TCP (and TLS) handshake each time. It is exposed as a
 * web-standard fetch, the only shape adapters know, so they run unchanged on Workers.
 */
export function createOutboundFetch(opts: { connectionsPerOrigin?: number } = {}): Fetch {
  const dispatcher = new Agent({ connections: opts.connectionsPerOrigin ?? 64, keepAliveTimeout: 30_000 });
  return async (input, init) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.from(await req.arrayBuffer());
    const res = await request(req.url, {
      dispatcher,
      method: req.method as 'GET',
      headers: Object.fromEntries(req.headers),
      body,
      signal: init?.signal ?? req.signal,
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const item of v) headers.append(k, item);
      else if (v !== undefined) headers.set(k, v);
    }
    const bytes = await res.body.arrayBuffer();
    const empty = res.statusCode === 204 || res.statusCode === 304;
    return new Response(empty ? null : bytes, { status: res.statusCode, headers });
  };
}
