/**
 * What the Node server answers outside the gateway's routes: unknown paths and methods, requests
 * Node's HTTP parser refuses, and the request id on every answer, against a started gateway.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnGateway, tempDir, waitHealthy, type GatewayProcess } from './support/gateway-process.js';

let g: GatewayProcess;
const dir = tempDir('gateway-edge-test-');

beforeAll(async () => {
  g = spawnGateway(process.execPath, ['--import', 'tsx', 'src/node/main.ts'], { port: await freePort(), env: { DATA_DIR: join(dir.path, 'pglite'), DISPATCHER: 'false', LOG_LEVEL: 'warn' } });
  await waitHealthy(g, 90_000);
}, 100_000);

afterAll(async () => {
  await g?.kill();
  dir.remove();
});

/** Sends raw bytes and reads until the server closes: what a client gets for a request Node cannot parse. */
function raw(bytes: Buffer | string): Promise<{ statusLine: string; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(g.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ statusLine, headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(bytes);
  });
}

describe('requests the HTTP parser refuses', () => {
  it('oversized headers: 431 problem+json', async () => {
    const a = await raw(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(a.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    expect(JSON.parse(a.body)).toMatchObject({ status: 431, code: 'request_header_fields_too_large', type: '/problems/request_header_fields_too_large', title: expect.any(String), detail: expect.any(String) });
  });

  it('a garbage request line: 400 problem+json', async () => {
    const a = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(a.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(Number(a.headers['content-length'])).toBe(Buffer.byteLength(a.body));
    expect(JSON.parse(a.body)).toMatchObject({ status: 400, code: 'malformed_request' });
  });

  it('raw non-ASCII in a header name: 400 problem+json', async () => {
    const a = await raw(Buffer.concat([Buffer.from('GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-N'), Buffer.from([0xc3, 0xa9]), Buffer.from('me: 1\r\n\r\n')]));
    expect(a.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(a.body)).toMatchObject({ status: 400, code: 'malformed_request' });
  });

  it('the server keeps serving afterwards', async () => {
    expect((await fetch(`${g.base}/healthz`)).status).toBe(200);
  });
});

describe('unknown routes and methods, request ids', () => {
  it('an unknown path: 404 problem+json naming it', async () => {
    const r = await fetch(`${g.base}/v1/no-such-thing`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.headers.get('x-request-id')).toBeTruthy();
    expect(await r.json()).toMatchObject({ status: 404, type: expect.stringContaining('/problems/'), detail: expect.stringContaining('/v1/no-such-thing') });
  });

  it('a known path with another method: 405 with Allow', async () => {
    const r = await fetch(`${g.base}/v1/redemptions`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    expect(r.headers.get('content-type')).toBe('application/problem+json');
    expect(r.headers.get('x-request-id')).toBeTruthy();
    expect(await r.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });

    const docs = await fetch(`${g.base}/openapi.json`, { method: 'POST' });
    expect(docs.status).toBe(405);
    expect(docs.headers.get('allow')).toBe('GET, HEAD');
  });

  it('x-request-id on /metrics, the sandbox and health; a sane caller id is kept', async () => {
    for (const path of ['/metrics', '/healthz', '/sandbox/tokopedia/no-such-route', '/docs']) {
      const r = await fetch(`${g.base}${path}`);
      await r.arrayBuffer();
      expect(r.headers.get('x-request-id'), path).toBeTruthy();
    }
    const mine = await fetch(`${g.base}/metrics`, { headers: { 'x-request-id': 'trace-123' } });
    await mine.arrayBuffer();
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
  });
});
