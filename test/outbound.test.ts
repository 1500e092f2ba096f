/** Node's partner transport: plain requests over undici, its own timeouts, errors as the adapters know them. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, wireRequest } from '../adapters/shared/http.js';
import { AdapterError, type AdapterContext } from '../src/contract/adapter.js';
import { createOutbound } from '../src/node/outbound.js';

let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      if (req.url === '/stalls') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        return; // never ends
      }
      res.writeHead(201, { 'content-type': 'application/json', 'retry-after': '7', 'set-cookie': ['a=1', 'b=2'] });
      res.end(JSON.stringify({ echoed: body }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

const ctx = (timeoutMs: number): AdapterContext => {
  const { fetch, transport } = createOutbound();
  return { fetch, transport, timeoutMs };
};

describe('createOutbound().transport through send()', () => {
  it('sends method, headers and the exact body, and reads status, headers and JSON', async () => {
    const res = await send(ctx(2_000), 'tokopedia', wireRequest(`${base}/redeem?x=1`, { method: 'POST', headers: { 'x-signature': 'abc', 'content-type': 'application/json' }, body: '{"a":1}' }));
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ echoed: '{"a":1}' });
    expect(res.headers.get('Retry-After')).toBe('7');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('x-missing')).toBeNull();
    const got = seen.at(-1)!;
    expect(got).toMatchObject({ method: 'POST', url: '/redeem?x=1', body: '{"a":1}' });
    expect(got.headers['x-signature']).toBe('abc');
  });

  it('gives up on an answer that does not start in time, or stops half-way, as a timeout', async () => {
    for (const path of ['/slow', '/stalls']) {
      const err = await send(ctx(200), 'bukalapak', wireRequest(`${base}${path}`)).catch((e: unknown) => e);
      expect(err, path).toBeInstanceOf(AdapterError);
      expect((err as AdapterError).kind, path).toBe('timeout');
      expect((err as AdapterError).detail.retryable).toBe(true);
    }
  });

  it('an unreachable partner is platform_unavailable', async () => {
    const err = await send(ctx(2_000), 'kemnaker', wireRequest('http://127.0.0.1:1/v')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).kind).toBe('platform_unavailable');
  });
});
