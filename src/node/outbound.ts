import { Agent, errors, request } from 'undici';
import type { Fetch, HeaderReader, Transport } from '../contract/adapter.js';

/**
 * Outbound HTTP on Node: undici's `request` over a keep-alive pool per origin, so partner calls
 * reuse connections instead of paying a TCP (and TLS) handshake each time. Two faces over one
 * pool: the adapters' `transport` (plain requests in, the answer read whole, undici's own
 * timeouts: no web Request/Response/stream objects and no AbortSignal per call, which cost ~10 %
 * of the gateway's CPU per redemption, bench/README.md), and a web-standard fetch for everything
 * else that speaks fetch (token JWKS, webhooks, the sandbox's callbacks).
 */
export function createOutbound(opts: { connectionsPerOrigin?: number } = {}): { fetch: Fetch; transport: Transport } {
  const dispatcher = new Agent({ connections: opts.connectionsPerOrigin ?? 64, keepAliveTimeout: 30_000 });

  const transport: Transport = async (req, timeoutMs) => {
    try {
      // headersTimeout bounds the wait for the answer to start, bodyTimeout each pause while it
      // streams: together the adapter's timeout, without a timer or signal per call.
      const res = await request(req.url, { dispatcher, method: req.method as 'GET', headers: req.headers, body: req.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      return { status: res.statusCode, headers: headerReader(res.headers), text: await res.body.text() };
    } catch (e) {
      throw timedOut(e) ? Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }) : e;
    }
  };

  const fetch: Fetch = async (input, init) => {
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

  return { fetch, transport };
}

/** The web-standard fetch alone (the sandbox process, which calls the gateway back). */
export function createOutboundFetch(opts: { connectionsPerOrigin?: number } = {}): Fetch {
  return createOutbound(opts).fetch;
}

function timedOut(e: unknown): boolean {
  return e instanceof errors.HeadersTimeoutError || e instanceof errors.BodyTimeoutError || e instanceof errors.ConnectTimeoutError;
}

/** undici's header object (lower-case names; repeated headers as arrays) read like `Headers`. */
function headerReader(h: Record<string, string | string[] | undefined>): HeaderReader {
  return {
    get(name) {
      const v = h[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}
